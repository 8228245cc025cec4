"""Case names on real sentences (compact form) from the seed and the real reports."""
from pipeline.extract.cases import find_cases


def cases(s):
    return [(c["text"], c["parties"]) for c in find_cases(s)]


def test_quoted_parties_with_su():
    s = "适用反不正当竞争法对在香港上映的电影名称依法予以保护，“喜剧之王”诉“喜剧之王2018”不正当竞争纠纷案入选最高人民法院电影知识产权保护典型案例。"
    assert cases(s) == [("“喜剧之王”诉“喜剧之王2018”不正当竞争纠纷案", ["喜剧之王", "喜剧之王2018"])]


def test_company_parties_after_a_verb():
    s = "审结腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案，认定抓取微信公众号用户信息构成不正当竞争"
    c = find_cases(s)
    assert [(x["text"], x["parties"]) for x in c] == [
        ("腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案", ["腾讯公司", "珍分夺秒公司"])]
    assert s[c[0]["start"]:c[0]["end"]] == c[0]["text"]


def test_yi_an_with_a_quoted_company_after_the_handling_body():
    s = "查处区市场监督管理局移送辖内“啊强酸菜鱼”公司假冒注册商标“阿强”一案，该案是全省侦破的首宗假冒“服务类”商标案件"
    assert cases(s) == [("“啊强酸菜鱼”公司假冒注册商标“阿强”一案", ["“啊强酸菜鱼”公司"])]


def test_coded_enforcement_cases_in_a_list():
    s = "先后侦破“4.13”假冒机油专案、“4.17”假冒汽车配件系列案以及“4.23”假包专案等一批大要案件，获得省厅贺电"
    assert [t for t, _ in cases(s)] == ["“4.13”假冒机油专案", "“4.17”假冒汽车配件系列案", "“4.23”假包专案"]


def test_yi_an_after_a_quoted_event_name():
    s = "区法院在“2023年岭南知识产权诉讼大会”分享关于优衣库公司因遭受侵权人的恶意诉讼提起“因恶意提起知识产权诉讼损害责任纠纷”一案诉讼"
    assert cases(s) == [("优衣库公司因遭受侵权人的恶意诉讼提起“因恶意提起知识产权诉讼损害责任纠纷”一案", ["优衣库公司"])]


def test_yu_between_parties_and_a_person_before_the_dispute():
    s = "先后在人民日报、南方都市报刊登腾讯公司与银光公司、谢荣著作权侵权及不正当竞争纠纷案。"
    assert cases(s) == [("腾讯公司与银光公司、谢荣著作权侵权及不正当竞争纠纷案", ["腾讯公司", "银光公司", "谢荣"])]


def test_case_title_with_bracketed_company_name():
    s = "##吴小秦诉陕西广电网络传媒（集团）股份有限公司捆绑交易纠纷案"
    assert cases(s) == [("吴小秦诉陕西广电网络传媒（集团）股份有限公司捆绑交易纠纷案",
                         ["吴小秦", "陕西广电网络传媒（集团）股份有限公司"])]


def test_administrative_cases_against_bodies():
    s = "#王某某、陈某某诉浙江省杭州市余杭区良渚街道办事处变更拆迁补偿安置协议案"
    assert cases(s) == [(s[1:], ["王某某", "陈某某", "浙江省杭州市余杭区良渚街道办事处"])]
    s = "#成都某商贸有限公司诉四川省成都市温江区规划和自然资源局行政决定案"
    assert cases(s)[0][0] == s[1:]


def test_categories_of_cases_are_not_names():
    for s in ["区市场监管局全年办结专利侵权纠纷案件15宗；假冒专利案件1宗。",
              "立案查处销售种子标签内容不符合规定案1宗，罚没入库10000元。",
              "达到“发布一案、治理一片”的良好效果。",
              "审结涉网络游戏“租号”截单、“外挂”作弊等新类型案件",
              "吴小秦认为，广电公司属于公用企业，故诉至法院，请求判令",
              "其中立案25宗、结案13宗，罚款82.4万元。"]:
        assert cases(s) == [], s
