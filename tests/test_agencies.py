"""Agencies on real sentences (compact form) from the seed and the real reports."""
from pipeline.extract.agencies import find_agencies, link_canonicals

TIANHE = {"name": "天河区", "district": "天河区", "city": "广州市", "province": "广东省", "level": "district"}
HANGZHOU = {"name": "杭州市", "district": None, "city": "杭州市", "province": "浙江省", "level": "city"}
SHAANXI = {"name": "陕西省", "district": None, "city": None, "province": "陕西省", "level": "province"}
ZHOUKOU = {"name": "周口市", "district": None, "city": "周口市", "province": "河南省", "level": "city"}


def pairs(sentence, region, context=""):
    return [(a["text"], a["canonical"]) for a in find_agencies(sentence, region, context)]


def test_spans_are_offsets_into_the_sentence():
    s = "加强知识产权审判工作。区法院依法严惩侵权假冒刑事犯罪"
    for a in find_agencies(s, TIANHE):
        assert s[a["start"]:a["end"]] == a["text"]
    assert pairs(s, TIANHE) == [("区法院", "天河区人民法院")]


def test_full_name_with_higher_places_dropped():
    s = "2023年，广州市天河区知识产权工作领导小组各成员单位深入学习贯彻党的“二十大”精神，全面落实党中央、国务院知识产权强国战略"
    assert pairs(s, TIANHE) == [("广州市天河区知识产权工作领导小组", "天河区知识产权工作领导小组"),
                                ("党中央", "中国共产党中央委员会"), ("国务院", "中华人民共和国国务院")]


def test_party_committee_and_government_of_the_district():
    assert pairs("紧扣区委、区政府中心工作，推动国家知识产权强县建设试点县建设", TIANHE) == [
        ("区委", "中国共产党天河区委员会"), ("区政府", "天河区人民政府")]


def test_public_security_sub_bureau_and_context_for_provincial_department():
    s = "区公安分局全年累计侦破知识产权案件80宗，获得公安部嘉奖令1次、省厅贺电4次、省厅领导肯定批示1次。"
    assert pairs(s, TIANHE) == [("区公安分局", "广州市公安局天河区分局"), ("公安部", "中华人民共和国公安部"),
                                ("省厅", "广东省公安厅"), ("省厅", "广东省公安厅")]


def test_provincial_bureau_in_a_patent_context():
    s = "开展“蓝天”专项整治行动和12批次省局前端排查、3批次非正常专利申请专项整治"
    assert pairs(s, TIANHE) == [("省局", "广东省知识产权局")]


def test_short_forms_and_a_bare_department_name():
    s = "查处区市场监督管理局移送辖内“啊强酸菜鱼”公司假冒注册商标“阿强”一案"
    assert pairs(s, TIANHE) == [("区市场监督管理局", "天河区市场监督管理局")]
    s = "与公安机关以及市场监督管理局等行政执法部门联络员进行对接，做好立案监督工作。"
    assert pairs(s, TIANHE) == [("市场监督管理局", "天河区市场监督管理局")]
    s = "区司法局与区市场监管局共同建设天河区知识产权调解工作站"
    assert pairs(s, TIANHE) == [("区司法局", "天河区司法局"), ("区市场监管局", "天河区市场监督管理局")]


def test_generic_references_are_not_agencies():
    s = "健全行政执法部门与司法机关信息共享、案情通报、案件移送制度"
    assert pairs(s, TIANHE) == []
    s = "认定抓取微信公众号用户信息构成不正当竞争，入选全省法院第一批数字经济知识产权保护典型案例。"
    assert pairs(s, TIANHE) == []
    assert pairs("吴小秦认为，广电公司属于公用企业，故诉至法院，请求判令", SHAANXI) == []


def test_bodies_nobody_listed_end_in_a_head_word():
    s = "区城市管理和综合执法局联合区退役军人事务局开展活动。"
    assert pairs(s, TIANHE) == [("区城市管理和综合执法局", "天河区城市管理和综合执法局"),
                                ("区退役军人事务局", "天河区退役军人事务局")]


def test_zone_committees_and_sub_district():
    s = "在元岗智汇Park、前进盈科智谷、科技园管委会、中央商务区管委会等8个园区设立知识产权质押融资服务工作站"
    assert pairs(s, TIANHE) == [("科技园管委会", "天河科技园管理委员会"),
                                ("中央商务区管委会", "天河中央商务区管理委员会")]
    assert pairs("以天河南街为代表，创立综合治理新平台。", TIANHE) == [("天河南街", "天河区天河南街道办事处")]


def test_courts_named_by_city_stem_keep_their_names():
    assert pairs("一是与广州知识产权法院合作，首创知识产权诉讼案件转为行政投诉案件的办案新模式。", TIANHE) == [
        ("广州知识产权法院", "广州知识产权法院")]
    assert pairs("入选首批国家知识产权保护示范区建设城市，杭州国际商事法庭挂牌成立。", HANGZHOU) == [
        ("杭州国际商事法庭", "杭州国际商事法庭")]


def test_province_and_city_bodies_of_a_city_report():
    s = "强力推进省委省政府三个“一号工程”和“十项重大工程”，认真落实市委工作要求和市十四届人大三次会议明确的目标任务"
    assert pairs(s, HANGZHOU) == [("省委", "中国共产党浙江省委员会"), ("省政府", "浙江省人民政府"),
                                  ("市委", "中国共产党杭州市委员会"), ("市十四届人大", "杭州市人民代表大会")]
    assert pairs("《杭州都市圈发展规划》获国家发改委批复实施", HANGZHOU) == [
        ("国家发改委", "中华人民共和国国家发展和改革委员会")]


def test_courts_of_a_case_report_drop_the_province():
    s = "陕西省西安市中级人民法院于2013年1月5日作出（2012）西民四初字第438号民事判决"
    assert pairs(s, SHAANXI) == [("陕西省西安市中级人民法院", "西安市中级人民法院")]
    s = "陕西广电网络传媒（集团）股份有限公司提起上诉，陕西省高级人民法院于2013年9月12日作出判决"
    assert pairs(s, SHAANXI) == [("陕西省高级人民法院", "陕西省高级人民法院")]
    # a case number is not the court
    s = "最高人民法院于2016年5月31日作出（2016）最高法民再98号民事判决"
    assert pairs(s, SHAANXI) == [("最高人民法院", "最高人民法院")]


def test_renamed_national_body_takes_the_name_of_its_time():
    s = "2005年7月11日国家广电总局关于印发《推进试点单位有线电视数字化整体转换的若干意见（试行）》的通知规定"
    assert pairs(s, SHAANXI) == [("国家广电总局", "国家广播电影电视总局")]
    assert pairs("国家广电总局发布通知", SHAANXI, "2021年") == [("国家广电总局", "国家广播电视总局")]


def test_local_branches_of_national_bodies_and_city_departments():
    s = "金融数据来自中国人民银行周口中心支行；工业数据来自市工信局；高铁数据来自市发展改革委"
    assert pairs(s, ZHOUKOU) == [("中国人民银行周口中心支行", "中国人民银行周口中心支行"),
                                 ("市工信局", "周口市工业和信息化局"),
                                 ("市发展改革委", "周口市发展和改革委员会")]
    s = "民用汽车、轿车保有量数据来自市公安局交警支队"
    assert pairs(s, ZHOUKOU) == [("市公安局交警支队", "周口市公安局交警支队")]


def test_not_agencies_in_a_communique():
    # counts of facilities and words that end like heads
    for s in ["疾病预防控制中心11个，卫生监督所（中心）10个。",
              "构建新发展格局，服务全省大局。",
              "全市财政科技支出增长16.9%，市属国企营收增长29.1%。"]:
        assert pairs(s, ZHOUKOU) == [], s


def test_persons_and_members_are_not_bodies():
    assert pairs("向各位人大代表、政协委员致以崇高的敬意", HANGZHOU) == []
    assert pairs("国务院总理作报告，国务院常务会议审议通过。", None) == []


def test_unresolvable_level_word_is_not_named():
    # a city report's 区委 names no particular district
    assert pairs("各区委、区政府要落实责任。", HANGZHOU) == []


def test_link_canonicals_joins_short_forms_met_later():
    names = ["天河区知识产权工作领导小组", "天河区人民法院", "天河区知识产权领导小组"]
    assert link_canonicals(names) == ["天河区知识产权工作领导小组", "天河区人民法院", "天河区知识产权工作领导小组"]
    assert link_canonicals(["天河区人民法院", "天河区人民检察院"]) == ["天河区人民法院", "天河区人民检察院"]


def test_year_in_chinese_numerals_dates_a_body():
    s = "在一九四九年至一九五二年间，中央人民政府按照中国人民政治协商会议共同纲领的规定"
    assert pairs(s, None)[0] == ("中央人民政府", "中央人民政府")
    assert pairs("2020年，中央人民政府作出部署", None) == [("中央人民政府", "中华人民共和国国务院")]


def test_level_word_after_a_joint_action_verb_starts_a_name():
    # the seed's 区公安分局 sentence as reports phrase joint operations: the 同 of 会同 is
    # not the 同 of 不同区县
    assert pairs("会同区公安分局、区市场监管局开展专项行动。", TIANHE) == [
        ("区公安分局", "广州市公安局天河区分局"), ("区市场监管局", "天河区市场监督管理局")]
    assert pairs("在不同区县开展试点。", TIANHE) == []
