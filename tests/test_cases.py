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


# Court, procuratorate and IP reports (GUIDE 4, updated). Sentences written in our own
# words after the forms of public court work reports.

def test_list_number_is_not_part_of_the_name():
    s = "1.某某科技有限公司诉某某网络技术有限公司侵害发明专利权纠纷上诉案，依法改判赔偿经济损失500万元。"
    assert [t for t, _ in cases(s)] == ["某某科技有限公司诉某某网络技术有限公司侵害发明专利权纠纷上诉案"]
    s = "（二）“青花椒”商标侵权及不正当竞争纠纷案。"
    assert [t for t, _ in cases(s)] == ["“青花椒”商标侵权及不正当竞争纠纷案"]


def test_quoted_short_name_with_its_cause():
    s = "审结全国首例“暗刷流量”合同纠纷案，明确虚假流量交易合同无效。"
    assert [t for t, _ in cases(s)] == ["“暗刷流量”合同纠纷案"]
    s = "审结“某某”商标权权属纠纷案、“某某”著作权侵权纠纷案等案件。"
    assert [t for t, _ in cases(s)] == ["“某某”商标权权属纠纷案", "“某某”著作权侵权纠纷案"]


def test_person_or_company_with_the_offence():
    assert [t for t, _ in cases("依法审理张某某非法吸收公众存款案，涉案金额3亿元。")] == ["张某某非法吸收公众存款案"]
    assert [t for t, _ in cases("审结某某公司虚开增值税专用发票案。")] == ["某某公司虚开增值税专用发票案"]
    assert [t for t, _ in cases("审结陈某某受贿案、刘某某贪污案等职务犯罪案件。")] == ["陈某某受贿案", "刘某某贪污案"]
    s = "杨某民等9人组织、领导、参加黑社会性质组织案入选全省法院常态化扫黑除恶典型案例。"
    assert [t for t, _ in cases(s)] == ["杨某民等9人组织、领导、参加黑社会性质组织案"]
    s = "审理的某资源循环利用公司、李某单位行贿案入选全省依法惩治行贿犯罪典型案例。"
    assert [t for t, _ in cases(s)] == ["某资源循环利用公司、李某单位行贿案"]
    assert [t for t, _ in cases("高某污染环境罪一案入选最高院参考案例。")] == ["高某污染环境罪一案"]
    assert [t for t, _ in cases("办理某某集团系列诈骗案，挽回损失2亿元。")] == ["某某集团系列诈骗案"]


def test_a_name_written_out_before_the_offence():
    assert [t for t, _ in cases("审结赖小民受贿、贪污、重婚案。")] == ["赖小民受贿、贪污、重婚案"]
    for s in ["审结一批受贿案。", "严惩电信诈骗案，追赃挽损。", "审理各类诈骗案。", "依法审理非法集资案。"]:
        assert cases(s) == [], s


def test_tails_appeal_retrial_and_execution():
    assert [t for t, _ in cases("审结李某某故意杀人再审案，依法宣告无罪。")] == ["李某某故意杀人再审案"]
    s = "审结某某村民委员会诉某某镇人民政府土地行政确认上诉案。"
    assert [t for t, _ in cases(s)] == ["某某村民委员会诉某某镇人民政府土地行政确认上诉案"]
    s = "快审快执涉企案件，张某幕墙公司与王某置业公司工程施工合同纠纷执行案入选全省法院服务保障典型案例。"
    assert [t for t, _ in cases(s)] == ["张某幕墙公司与王某置业公司工程施工合同纠纷执行案"]


def test_operation_named_in_quotation_marks():
    s = "依法审结李某某等22人参加黑社会性质组织犯罪案件（“901专案”），审结抢劫等犯罪案件181件200人。"
    assert [t for t, _ in cases(s)] == ["901专案"]
    assert [t for t, _ in cases("审结涉缅北电信诈骗“717专案”62件66人。")] == ["717专案"]


def test_categories_in_court_reports_are_not_names():
    for s in ["全年审结涉众型经济犯罪案件120件，发布典型案例10个。",
              "全年办理知识产权刑事案件35件。",
              "依法惩处了电信诈骗案件。"]:
        assert cases(s) == [], s


def test_a_case_number_before_the_name_is_not_part_of_it():
    s = "在（2012）西民四初字第438号甲公司诉乙公司著作权侵权纠纷案中，法院认定被告构成侵权。"
    assert [t for t, _ in cases(s)] == ["甲公司诉乙公司著作权侵权纠纷案"]


def test_titles_of_published_cases_in_running_prose():
    # case titles of the LawRefBook/Laws collection (案例/), set in a report's sentence
    titles = ["张某等人诉某销售公司、孟某某服务合同纠纷案", "某某公司申请执行李某某承揽合同案",
              "株洲工商银行某支行诉株洲某金属材料公司等金融借款合同案", "石某某诉A医院医疗服务合同案",
              "魏某诉某科技有限公司网络购物合同纠纷一案", "张甲诉上海市闵行区民政局法定继承案",
              "韩某某诉辽宁省锦州市松山新区国有土地上房屋征收办公室不履行预征收行政协议案"]
    for t in titles:
        assert [c for c, _ in cases(f"该院发布的{t}入选典型案例。")] == [t]
        assert [c for c, _ in cases(f"2.{t}")] == [t]
    assert cases("某某公司申请执行李某某承揽合同案")[0][1] == ["某某公司", "李某某"]
    assert cases("张某等人诉某销售公司、孟某某服务合同纠纷案")[0][1] == ["张某等人", "某销售公司", "孟某某"]


def test_enforcement_operations_named_by_code_or_word():
    s = "办理了“11·10”专案、“奥信”专案等一批案件。"
    assert [t for t, _ in cases(s)] == ["“11·10”专案", "“奥信”专案"]
    assert cases("办理全市首例民族资产解冻类诈骗案。") == []
