"""Quantities on real sentences from the reports (compact form: no white space)."""
import pytest

from pipeline.extract.metrics import clean_name
from pipeline.extract.quantities import find_quantities


def qs(sentence):
    return find_quantities(sentence)


def by_text(sentence):
    return {q["text"]: q for q in qs(sentence)}


def one(sentence, text):
    found = by_text(sentence)
    assert text in found, f"{text!r} not in {list(found)}"
    return found[text]


# ---------------------------------------------------------------- spans, values, units

def test_level_change_share_and_inherited_metrics():
    s = ("专利：全年全区专利授权量19298件，其中发明专利授权量9438件，同比增长29.6%；"
         "PCT国际专利申请量284件，占全市15.3%；每万人口发明专利拥有量189.7件，"
         "每万人口高价值发明专利拥有量78.7件。")
    found = qs(s)
    assert [q["text"] for q in found] == ["19298件", "9438件", "29.6%", "284件", "15.3%",
                                          "189.7件", "78.7件"]
    f = {q["text"]: q for q in found}
    assert f["19298件"]["metric"] == "专利授权量"
    assert f["9438件"]["metric"] == "发明专利授权量"
    assert (f["29.6%"]["role"], f["29.6%"]["direction"], f["29.6%"]["metric"]) == \
        ("change", "up", "发明专利授权量")
    assert (f["15.3%"]["role"], f["15.3%"]["metric"]) == ("share", "PCT国际专利申请量")
    assert f["284件"]["role"] == "level" and f["284件"]["direction"] is None
    # 每万人口 is the rate's, not a quantity of its own
    assert f["189.7件"]["metric"] == "每万人口发明专利拥有量"
    assert f["29.6%"]["start"] == s.index("29.6%") and f["29.6%"]["end"] == s.index("29.6%") + 5


def test_money_multiplier_and_renminbi():
    s = "打掉犯罪团伙27个，涉案金额超过4亿元人民币，获得公安部嘉奖令1次、省厅贺电4次。"
    q = one(s, "4亿元人民币")
    assert (q["value"], q["unit"], q["kind"], q["qualifier"], q["metric"]) == \
        (400000000, "元", "money", "超过", "涉案金额")
    assert one(s, "1次")["metric"] == "公安部嘉奖令"


def test_decimal_multiplier_is_exact():
    s = "全年全市社区卫生服务站诊疗人次2.3亿，一般公共预算收入2616.8亿元、增长6.8%。"
    assert one(s, "2.3亿")["value"] == 230000000
    assert one(s, "2.3亿")["unit"] == ""
    assert one(s, "2616.8亿元")["value"] == 261680000000


def test_approximation_words():
    s = "现场查获假冒“松下”“金霸王”“GP”等品牌电池约500万粒、标识约100万张。"
    q = one(s, "500万粒")
    assert (q["value"], q["unit"], q["kind"], q["qualifier"]) == (5000000, "粒", "count", "约")
    assert one(s, "100万张")["qualifier"] == "约"
    s = "平台总答复率达到100%以上，有效推动线上线下综合维权服务。"
    assert one(s, "100%")["qualifier"] == "以上"
    assert one(s, "100%")["metric"].endswith("总答复率")


def test_fraction_share_with_qualifier_on_zhan():
    s = "处理周期为926天，平均周期为61.73天，约占法定处理周期2/3，有效解决知识产权保护周期长的问题。"
    q = one(s, "2/3")
    assert q["value"] == pytest.approx(0.6667, rel=1e-3)
    assert (q["unit"], q["kind"], q["role"], q["qualifier"], q["metric"]) == \
        ("", "ratio", "share", "约", "平均周期")
    assert (one(s, "926天")["kind"], one(s, "926天")["metric"]) == ("duration", "处理周期")


def test_per_mille_negative_and_percentage_points():
    s = "全市出生人口5.1万人，出生率为7.20‰；死亡人口5.5万人，死亡率为7.77‰；自然增长率为-0.57‰。"
    q = one(s, "-0.57‰")
    assert (q["value"], q["unit"], q["kind"], q["role"]) == (-0.57, "‰", "percent", "level")
    assert one(s, "5.1万人")["value"] == 51000
    s = "常住人口城镇化率为67.42%，比上年末提高0.94个百分点。"
    q = one(s, "0.94个百分点")
    assert (q["kind"], q["role"], q["direction"]) == ("percentage_point", "change", "up")
    assert q["metric"].endswith("城镇化率")
    s = "离婚率为2.0‰，比上年下降1.1个千分点。"
    q = one(s, "1.1个千分点")
    assert (q["unit"], q["kind"], q["direction"]) == ("个千分点", "percentage_point", "down")


def test_units_with_a_multiplier_and_compound_units():
    s = "年末农业机械总动力541万千瓦，全年第一产业用电量4.3亿千瓦时，乡村居民生活用电量25.2亿千瓦时。"
    q = one(s, "541万千瓦")
    assert (q["value"], q["unit"], q["kind"]) == (5410000, "千瓦", "measure")
    assert one(s, "4.3亿千瓦时")["unit"] == "千瓦时"
    s = "全年全市公路通车里程3542.33公里，公路密度144.00公里/百平方公里。"
    q = one(s, "144.00公里/百平方公里")
    assert (q["value"], q["unit"]) == (144, "公里/百平方公里")
    s = "公路货物周转量385.0亿吨公里，增长9.6%。"
    assert one(s, "385.0亿吨公里")["unit"] == "吨公里"


def test_ranges():
    s = "每个开发区培育1-2个特色产业链，提升集约集聚水平。"
    q = one(s, "1-2个")
    assert (q["value"], q["value_max"], q["unit"]) == (1, 2, "个")
    s = "用3—5年时间，集聚人工智能和数字经济企业。"
    q = one(s, "3—5年")
    assert (q["value"], q["value_max"], q["unit"], q["kind"]) == (3, 5, "年", "duration")
    s = "区政府采取购买服务方式，通过招标委托1至2家有规模、有实力的社会组织。"
    assert one(s, "1至2家")["value_max"] == 2


def test_old_style_composite_numbers():
    s = "出境旅游人次由8300万增加到1亿3千多万。"
    q = one(s, "1亿3千多万")
    assert (q["value"], q["qualifier"], q["role"]) == (130000000, "多", "level")
    assert one(s, "8300万")["metric"] == "出境旅游人次"


def test_chinese_numerals():
    s = "四场现象级的开闭幕式美轮美奂、惊艳世界，留下了永恒经典。"
    q = one(s, "四场")
    assert (q["value"], q["unit"], q["kind"]) == (4, "场", "count")
    s = "陕西广电网络传媒（集团）股份有限公司于本判决生效之日起十日内返还吴小秦15元。"
    q = one(s, "十日")
    assert (q["value"], q["unit"], q["kind"], q["qualifier"]) == (10, "日", "duration", "内")
    assert q["metric"].startswith("返还")


# ---------------------------------------------------------------- magnitudes and ranks

def test_bare_magnitudes_after_breakthrough_words():
    s = "2015年，杭州经济总量破万亿，成为全国第10个跻身“1万亿方阵”的城市。"
    found = qs(s)
    assert [q["text"] for q in found] == ["万亿"]
    q = found[0]
    assert (q["value"], q["unit"], q["kind"], q["qualifier"], q["metric"]) == \
        (10 ** 12, "", "money", "破", "经济总量")
    s = "城区总人口突破千万、达到1002.1万，成为全国10个超大城市之一。"
    f = by_text(s)
    assert (f["千万"]["value"], f["千万"]["kind"], f["千万"]["metric"]) == (10 ** 7, "count", "城区总人口")
    assert (f["1002.1万"]["value"], f["1002.1万"]["unit"], f["1002.1万"]["metric"]) == \
        (10021000, "", "城区总人口")
    assert f["10个"]["metric"] == "超大城市"


def test_magnitudes_before_nouns_are_not_quantities():
    # 千亿制造业集群, 百亿元产业项目 and 千方百计 name a class or are idioms
    s = "汽车及零部件等6大千亿制造业集群持续壮大，千方百计稳就业。"
    assert qs(s) == []


def test_ranks():
    s = "全区获得第二十四届中国专利奖20项，其中小鹏汽车获得外观设计金奖1项；发明专利授权量、有效发明专利总量、有效商标注册量稳居全市之首。"
    found = qs(s)
    assert [q["text"] for q in found] == ["20项", "1项", "之首"]
    q = found[-1]
    assert (q["value"], q["unit"], q["kind"], q["metric"]) == \
        (1, "", "rank", "发明专利授权量、有效发明专利总量、有效商标注册量")
    assert found[0]["metric"] == "中国专利奖"
    s = "全年共完成知识产权质押融资金额53.19亿元，其中专利质押融资金额52.19亿元、商标质押融资金额0.99亿元，居全市第二。"
    q = one(s, "第二")
    assert (q["value"], q["kind"], q["role"]) == (2, "rank", "level")
    s = "长沙县、浏阳市、宁乡市分别晋升至全国县域经济和社会综合发展百强县第4、第5、第15位，城乡融合成为实现共同富裕的重要动力。"
    f = by_text(s)
    assert [f[t]["value"] for t in ("第4", "第5", "第15位")] == [4, 5, 15]
    assert f["第15位"]["metric"] == "全国县域经济和社会综合发展百强县"
    s = "研发强度等8项高质量指标居全国新区前三。"
    q = one(s, "前三")
    assert (q["value"], q["qualifier"], q["metric"]) == (3, "前", "高质量指标")


def test_rank_change():
    s = "成为全国7个城市之后新一个经济总量突破2万亿的城市，经济总量在全国排名中成功前移一位；财政总收入4916.5亿元、增长7.1%。"
    q = one(s, "一位")
    assert (q["value"], q["unit"], q["kind"], q["role"], q["direction"], q["metric"]) == \
        (1, "", "rank", "change", "up", "经济总量在全国排名")
    q = one(s, "2万亿")
    assert (q["value"], q["qualifier"], q["kind"]) == (2 * 10 ** 12, "突破", "money")


def test_ordinals_in_names_are_not_ranks():
    s = "深入实施第一批国家知识产权强县建设，第三产业增加值3128.5亿元，增长5.1%。"
    assert [q["text"] for q in qs(s)] == ["3128.5亿元", "5.1%"]


# ---------------------------------------------------------------- roles

def test_down_direction_and_lists():
    s = "进出口总额下降15%，但跨境电商、服务贸易和生产型外贸企业进出口均增长10%以上。"
    q = one(s, "15%")
    assert (q["role"], q["direction"], q["metric"]) == ("change", "down", "进出口总额")
    assert one(s, "10%")["qualifier"] == "以上"
    s = "其中制造业投资、高新技术产业投资分别增长30%、24.5%。"
    f = by_text(s)
    assert (f["30%"]["metric"], f["24.5%"]["metric"]) == ("制造业投资", "高新技术产业投资")
    assert f["24.5%"]["role"] == "change"
    s = "城乡居民人均可支配收入分别为80587元和48180元，分别增长4.6%和6.6%，城乡居民收入倍差缩小至1.67。"
    f = by_text(s)
    assert [f[t]["role"] for t in ("80587元", "48180元", "4.6%", "6.6%")] == \
        ["level", "level", "change", "change"]
    assert {f[t]["metric"] for t in ("80587元", "48180元", "4.6%", "6.6%")} == {"城乡居民人均可支配收入"}
    q = f["1.67"]
    assert (q["value"], q["unit"], q["kind"], q["role"], q["metric"]) == \
        (1.67, "", "ratio", "level", "城乡居民收入倍差")


def test_change_verb_with_a_target_is_a_level():
    s = "在长高校“三技”合同成果本地转化率提升至49.65%。"
    assert one(s, "49.65%")["role"] == "level"
    s = "上市企业增至87家，重商亲商、安商富商的氛围更加浓厚。"
    assert one(s, "87家")["role"] == "level"


def test_change_against_a_named_year_and_totals():
    s = "全国社会保障基金积累4140亿元，比2002年增加2898亿元。"
    q = one(s, "2898亿元")
    assert (q["role"], q["direction"], q["metric"]) == ("change", "up", "社会保障基金积累")
    s = "新增高新技术企业1238家，总量达7889家。"
    assert one(s, "7889家")["metric"].endswith("高新技术企业")


def test_shares():
    s = "税收占一般公共预算收入比重为65.7%。一般公共预算支出667.0亿元，增长6.1%，其中民生支出491.3亿元，占一般公共预算支出的73.7%。"
    f = by_text(s)
    assert (f["65.7%"]["role"], f["65.7%"]["metric"]) == ("share", "税收")
    assert (f["73.7%"]["role"], f["73.7%"]["metric"]) == ("share", "民生支出")
    assert f["6.1%"]["metric"] == "一般公共预算支出"


# ---------------------------------------------------------------- metrics

def test_metric_after_a_verb_is_the_noun_phrase_that_follows():
    s = "在广州市番禺、白云等地捣毁5个制售假电池窝点，刑拘9名嫌疑人。"
    assert one(s, "5个")["metric"] == "制售假电池窝点"
    s = "打造无障碍特色场景1400个，优化39个入城口、139条亚运通勤道路和200条重要保障道路周边环境。"
    f = by_text(s)
    assert f["1400个"]["metric"] == "无障碍特色场景"
    assert f["39个"]["metric"] == "入城口"
    assert f["139条"]["metric"] == "亚运通勤道路"
    assert f["200条"]["metric"].startswith("重要保障道路")


def test_metric_skips_time_and_scope_openers():
    s = "区公安分局全年累计侦破知识产权案件80宗，占比63%；刑事拘留150人，占比69.12%。"
    f = by_text(s)
    assert f["80宗"]["metric"] == "侦破知识产权案件"
    assert (f["63%"]["role"], f["63%"]["metric"]) == ("share", "侦破知识产权案件")
    assert f["150人"]["metric"] == "刑事拘留"
    s = "洛阳市2023年国民经济和社会发展统计公报年末常住人口707.9万人，其中全市城镇常住人口477.3万人。"
    f = by_text(s)
    assert f["707.9万人"]["metric"] == "常住人口"
    assert f["477.3万人"]["metric"] == "城镇常住人口"


def test_metric_of_durations_is_what_took_that_long():
    s = "海澜集团产业基地40天开工、9个月投产，百万吨乙烯项目6个月具备开工条件。"
    f = by_text(s)
    assert f["40天"]["metric"] == "开工"
    assert f["9个月"]["metric"] == "投产"
    assert "具备开工条件".startswith(f["6个月"]["metric"])


def test_clean_name_drops_parenthetical_remarks():
    assert clean_name("年末参加城镇职工基本养老保险人数（含离退休人员）").endswith("城镇职工基本养老保险人数")
    assert clean_name("全年全市固定资产投资（不含农户，下同）") == "固定资产投资"


# ---------------------------------------------------------------- not quantities

@pytest.mark.parametrize("sentence", [
    "2023年，广州市天河区知识产权工作领导小组各成员单位深入学习贯彻党的“二十大”精神。",
    "（三）坚决推进创新深化改革攻坚开放提升，内生动力持续增强。",
    "今年是新中国成立75周年，是全面完成“十四五”规划目标任务的关键一年。",
    "实施工业功能区有机更新三年行动计划，重点推进城市核心区低效区块“工改工”连片改造。",
    "垓下遗址公园开园、获评国家4A级旅游景区。",
    "在“1+N”“鹰击”专项打击整治行动涉知识产权违法犯罪打击专题期间，先后侦破“4.13”假冒机油专案。",
    "强力推进省委省政府三个“一号工程”和“十项重大工程”。",
    "坚定拥护“两个确立”、坚决做到“两个维护”，严格落实中央八项规定精神。",
    "把山水林田湖草作为一个生命共同体，进行统一保护、统一修复。",
    "统一部署，分级负责，七台河市和三门峡市参加会议。",
    "受理时间为4月23日至5月10日。",
])
def test_not_quantities(sentence):
    assert qs(sentence) == []


def test_codes_next_to_counts():
    s = "新增5G基站3万个，获准向公众开放的生成式人工智能大模型产品占全国近一半。"
    assert [q["text"] for q in qs(s)] == ["3万个"]
    assert one(s, "3万个")["metric"].endswith("5G基站")


def test_quoted_slogans_and_book_titles():
    s = "《世界城市名册》排名跃居全球第73位、创历史新高。"
    q = one(s, "第73位")
    assert (q["value"], q["kind"]) == (73, "rank")
    assert [x["text"] for x in qs(s)] == ["第73位"]


def test_empty_and_plain_text():
    assert qs("") == []
    assert qs("各位代表：") == []
    assert qs("现在，我代表市人民政府，向大会报告政府工作，请予审议。") == []


# ---------------------------------------------------------------- robustness

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = ("0123456789.,%‰-—/万亿千百十一二两三四五六七八九零个件人元年天家项第位居全市"
             "省国之首前增长下降占比约超过以上左右，。；、：“”（）《》每同比倍个百分点吨亩的和")


@given(st.text(alphabet=_ALPHABET, max_size=60))
@settings(max_examples=300, deadline=None)
def test_never_crashes_and_spans_are_consistent(s):
    last = -1
    for q in find_quantities(s):
        assert 0 <= q["start"] < q["end"] <= len(s)
        assert q["text"] == s[q["start"]:q["end"]]
        assert q["start"] >= last                 # in order, not overlapping
        last = q["end"]
        assert q["kind"] in ("count", "money", "percent", "percentage_point", "ratio",
                             "multiple", "duration", "rank", "measure")
        assert q["role"] in ("level", "change", "share")
        assert (q["direction"] in ("up", "down")) == (q["role"] == "change")
        assert isinstance(q["value"], (int, float))
        assert q["metric"] is None or (q["metric"] and q["metric"] in s)


def test_footnote_reference_is_not_part_of_the_metric():
    # stats-communique-china-2024: bracketed note numbers follow the measured item
    qs = find_quantities("全国居民人均服务性消费支出[64]13016元，比上年增长7.4%，占居民人均消费支出的比重为46.1%。")
    assert [q["metric"] for q in qs[:2]] == ["居民人均服务性消费支出"] * 2


def test_compound_unit_per_person_and_month():
    # stats-communique-china-civil-affairs-2021.docx: 元/人·月 and 元/人·年 are the unit
    qs = find_quantities("全国城市低保平均保障标准711.4元/人·月，比上年增长5.0%。")
    assert [(q["text"], q["unit"], q["kind"]) for q in qs[:1]] == [("711.4元/人·月", "元/人·月", "money")]
    qs = find_quantities("全国农村低保平均保障标准6362.2元/人•年，比上年增长6.7%。")
    assert qs[0]["unit"] == "元/人·年" and qs[0]["metric"] == "农村低保平均保障标准"
    assert find_quantities("平均救助水平1154.9元/人次。")[0]["unit"] == "元/人次"
