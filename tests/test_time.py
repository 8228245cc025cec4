"""Period and status of figures (GUIDE.md section 2): real sentences of real reports, one
test per cue form, run through the whole chain (rules only, no NER model)."""
from __future__ import annotations

import pytest

from pipeline.extract.time import (Years, format_period, label_time, period_bounds, period_cues,
                                    report_genre)
from pipeline.process import process_file


def _run(tmp_path, text: str, name: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = process_file(path, use_model=False)
    figures: dict[str, list[tuple]] = {}
    for r in out["records"]:
        if r["type"] == "quantity":
            figures.setdefault(r["text"], []).append((r["period"], r["status"]))
    return out, figures


HANGZHOU = """各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
一、2023年工作回顾
过去一年，经济运行持续好转。全市财政科技支出增长16.9%、市本级新增财力的17.7%用于科技投入，全社会研发投入强度预计达3.9%。
2015年，杭州经济总量破万亿，成为全国第10个跻身“1万亿方阵”的城市。
城乡居民收入倍差缩小至1.67，连续17年获评“中国最具幸福感城市”。
在册市场经营主体187.5万户、增长11.7%，“中国民营企业500强”数量连续21年居全国城市首位。
出让工业用地15115亩、创近10年新高，建设标准厂房1601万平方米。
8年来，我们始终坚持高质量发展与城市内涵式提升双向发力，持续带动产业集聚、人口集聚、创新集聚，城区总人口突破千万、达到1002.1万，成为全国10个超大城市之一。
二、2024年政府工作安排
2024年经济社会发展主要预期目标：地区生产总值增长5.5%左右，城镇新增就业20万人。
去年全市地区生产总值增长5.6%。
"""


@pytest.fixture(scope="module")
def hangzhou(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("hz"), HANGZHOU, "gov-work-report-hangzhou-2024.txt")


def test_work_report_reviews_the_year_before_and_plans_its_own(hangzhou):
    out, f = hangzhou
    assert out["document"]["reference_year"] == 2023
    assert f["16.9%"] == [("2023", "actual")]
    assert f["5.5%"] == [("2024", "target")]          # 主要预期目标, in 2024年政府工作安排
    assert f["20万人"] == [("2024", "target")]
    # a result of last year told in the planning part stays a result
    assert f["5.6%"] == [("2023", "actual")]


def test_estimate_word(hangzhou):
    assert hangzhou[1]["3.9%"] == [("2023", "estimate")]     # 预计达3.9%


def test_year_that_opens_a_sentence(hangzhou):
    assert hangzhou[1]["万亿"] == [("2015", "actual")]        # 2015年，…破万亿


def test_streaks_are_ranges_ending_at_the_reference_year(hangzhou):
    f = hangzhou[1]
    assert f["17年"] == [("2007/2023", "actual")]               # 连续17年
    assert f["21年"] == [("2003/2023", "actual")]
    assert f["首位"] == [("2003/2023", "actual")]                # the streak's own clause
    assert f["11.7%"] == [("2023", "actual")]                  # …but not the clause before
    assert f["10年"] == [("2014/2023", "actual")]               # 近10年
    assert f["1601万平方米"] == [("2023", "actual")]
    # 8年来, opens a sentence of this year's results: it speaks for its own clause only
    assert f["1002.1万"] == [("2023", "actual")]


def test_years_since():
    years = Years("work_report", 2023, 2024, 2024)
    s = "8年来，我们坚持“四个杭州、四个一流”标准。"
    assert [c.period for c in period_cues(s, years, 2023)] == ["2015/2023"]       # since 2015
    s = "“十四五”以来，全市累计新增就业100万人。"
    assert [(c.period, c.scope) for c in period_cues(s, years, 2023)] == [("2021/2023", "sentence")]
    s = "五年新增电力装机3.5亿千瓦，是1950年到2002年53年的总和；新增公路19.2万公里。"
    assert [(c.period, c.scope) for c in period_cues(s, years, 2007)] == [("1950/2002", "clause")]


CHANGSHA = """各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
一、2023年工作回顾
全市地区生产总值增长5%左右(预计数，下同)，地方一般公共预算收入同口径增长7.03%(剔除退税等因素影响)，交出了一份高质量发展的合格答卷。
有效发明专利拥有量达6.44万件，增长22.49%。
深入推进园区制造业提升行动，规模以上工业增加值增长6.5%左右，制造业企业完成税收增长8%。
"""


def test_carried_note_makes_later_statistical_figures_estimates(tmp_path):
    _, f = _run(tmp_path, CHANGSHA, "gov-work-report-changsha-2024.txt")
    assert f["5%"] == [("2023", "estimate")]          # the figure the note stands after
    assert f["7.03%"] == [("2023", "estimate")]       # 下同: the statistical figures after it
    assert f["6.5%"] == [("2023", "estimate")]
    assert f["8%"] == [("2023", "estimate")]
    assert f["6.44万件"] == [("2023", "actual")]       # a count of patents is no statistic
    assert f["22.49%"] == [("2023", "actual")]


def test_months_and_comparisons_in_a_communique(tmp_path):
    text = """2023年洛阳市国民经济和社会发展统计公报
一、综合
12月份，居民消费价格与上年同月持平，其中，非食品烟酒价格上升0.5%，消费品价格下降1.2%。
全年全市进出口总值240.0亿元，比上年增长14.7%。
年末常住人口707.9万人，常住人口城镇化率为67.42%，比上年末提高0.94个百分点。
"""
    out, f = _run(tmp_path, text, "stats-communique-luoyang-2023.txt")
    assert out["document"]["reference_year"] == 2023
    assert f["0.5%"] == [("2023-12", "actual")]
    assert f["14.7%"] == [("2023", "actual")]          # 比上年: the base, not the period
    assert f["0.94个百分点"] == [("2023", "actual")]     # 比上年末 likewise


def test_five_years_from_to_and_a_goal_year(tmp_path):
    text = """政府工作报告
各位代表：
一、过去五年工作回顾
五年来，经济实力跃上新台阶。国内生产总值从54万亿元增加到82.7万亿元，年均增长7.1%。
二、2018年经济社会发展总体要求和政策取向
今年发展的主要预期目标是：国内生产总值增长6.5%左右。
到2020年，农村贫困人口再减少1000万以上。
"""
    out, f = _run(tmp_path, text, "gov-work-report-china-2018.txt")
    assert out["document"]["reference_year"] == 2017
    assert f["54万亿元"] == [("2012", "actual")]         # the start value: the year before
    assert f["82.7万亿元"] == [("2017", "actual")]
    assert f["7.1%"] == [("2013/2017", "actual")]        # under 过去五年工作回顾
    assert f["6.5%"] == [("2018", "target")]
    assert f["1000万"] == [("2020", "target")]           # 到2020年: a goal year


def test_case_text_takes_years_from_its_sentences_only(tmp_path):
    text = """# 吴小秦诉陕西广电网络传媒（集团）股份有限公司捆绑交易纠纷案
## 基本案情
陕西省西安市中级人民法院于2013年1月5日作出民事判决：1.确认陕西广电网络传媒（集团）股份有限公司2012年5月10日收取原告吴小秦数字电视节目费15元的行为无效；2.陕西广电网络传媒（集团）股份有限公司于本判决生效之日起十日内返还吴小秦15元。
该票据上均显示一年交费金额为300元，即每月25元。
之后，广电公司节目升级，其中最低套餐基本收视费每年360元，用户每次最少应缴纳3个月费用。
"""
    out, f = _run(tmp_path, text, "other-shaanxi-2017.md")
    assert out["document"]["reference_year"] is None
    assert f["15元"] == [("2012", "actual"), ("2013", "actual")]   # each clause its own date
    assert f["十日"] == [("2013", "target")]                         # a deadline set by a ruling
    assert f["300元"] == [(None, "actual")]                          # no time of its own
    assert f["3个月"] == [(None, "target")]                          # 最少应缴纳


def test_budget_execution_and_plan(tmp_path):
    text = """关于2024年预算执行情况和2025年预算草案的报告
一、2024年预算执行情况
全市一般公共预算收入完成866.6亿元，增长3.2%。
二、2025年预算草案
全市一般公共预算收入预算数为900亿元，增长3.9%。
"""
    out, f = _run(tmp_path, text, "budget-2025.txt")
    assert out["document"]["reference_year"] == 2024
    assert f["866.6亿元"] == [("2024", "actual")]
    assert f["900亿元"] == [("2025", "target")]
    assert f["3.9%"] == [("2025", "target")]


@pytest.mark.parametrize("label, year, expected", [
    ("2021年", 2022, ("2021", None)),
    ("本年预算数", 2025, ("2025", "target")),
    ("2025年预算", 2025, ("2025", "target")),
    ("上年执行数", 2025, ("2024", "actual")),
    ("执行数", 2025, (None, "actual")),
    ("决算数", 2024, (None, "actual")),
    ("预计执行数", 2024, (None, "estimate")),
    ("比上年增长（%）", 2023, (None, None)),        # a change: the base year is not its period
    ("一般公共预算收入", 2025, (None, None)),        # 预算 inside a name is no budget figure
    ("1—10月", 2023, ("2023-01/2023-10", None)),
    ("上半年", 2023, ("2023-01/2023-06", None)),
    ("2019—2023年", None, ("2019/2023", None)),
])
def test_label_time_reads_table_headers(label, year, expected):
    assert label_time(label, year) == expected


def test_period_strings():
    assert format_period(2019, 2023) == "2019/2023"
    assert format_period("2023") == "2023"
    assert period_bounds("2023-01/2023-10") == ("2023-01", "2023-10")
    assert period_bounds("2023") == ("2023", "2023")
    assert period_bounds(None) == (None, None)


def test_genre_from_title_head_or_file_name():
    assert report_genre("2023年洛阳市国民经济和社会发展统计公报", "", "x.txt")["name"] == "communique"
    assert report_genre("", "各位代表：现在，我代表市人民政府向大会报告工作", "x.txt")["name"] == "work_report"
    assert report_genre("", "", "gov-work-report-sanya-2024.txt")["name"] == "work_report"
    assert report_genre("天河区2023年知识产权工作报告", "", "t.txt")["name"] == "report"


def test_time_rules_are_validated_on_load(tmp_path, monkeypatch):
    from pipeline import rules
    from pipeline.extract import time as time_stage
    (tmp_path / "time.yaml").write_text("genres: 3\n", encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    with pytest.raises(rules.RulesError, match=r"time\.yaml: invalid at"):
        rules.load("time", time_stage._SCHEMA)


def test_every_committed_text_figure_has_period_and_status():
    import json
    from pathlib import Path
    outputs = Path(__file__).resolve().parent.parent / "outputs"
    seen = 0
    for path in sorted(outputs.glob("*.json")):
        out = json.loads(path.read_text(encoding="utf-8"))
        if "document" not in out:
            continue
        assert "reference_year" in out["document"], path.name
        for r in out["records"]:
            if r["type"] == "quantity":
                seen += 1
                assert r["status"] in ("actual", "target", "estimate"), (path.name, r["text"])
                assert "period" in r, (path.name, r["text"])
    assert seen > 1000


BENGBU = """市长  马  军
各位代表：
现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。
2023年工作回顾
全年地区生产总值增长5.6%，比上年提高3.6个百分点；规上工业增加值增长5.4%，比上年提高4.4个百分点。
努力做好2024年各项工作
今年经济社会发展的主要预期目标是：地区生产总值增长7.5%；规上工业增加值增长8%以上。
"""


def test_review_and_plan_lines_the_section_finder_did_not_take(tmp_path):
    from pipeline.extract.time import heading_lines
    out, f = _run(tmp_path, BENGBU, "gov-work-report-bengbu-2024.txt")
    assert out["document"]["reference_year"] == 2023
    assert f["5.6%"] == [("2023", "actual")]
    assert f["3.6个百分点"] == [("2023", "actual")]        # 比上年提高: a change in 2023
    assert f["7.5%"] == [("2024", "target")]
    assert f["8%"] == [("2024", "target")]
    # the two lines are found as review and plan lines whether or not they became sections
    path = tmp_path / "gov-work-report-bengbu-2024.txt"
    from pipeline.ingest import read_document
    doc = read_document(path)
    assert [t for _, t in heading_lines(doc)] == ["2023年工作回顾", "努力做好2024年各项工作"]


def test_heading_lines_need_a_year_for_weak_plan_words():
    from pipeline.extract.time import _plans
    assert _plans("努力做好2024年各项工作")
    assert _plans("2024年工作安排") and _plans("主要预期目标")
    assert not _plans("做好版权保护工作")          # a review's heading of what was done
    assert not _plans("2023年工作回顾")


DONGGUAN = """2024年东莞市国民经济和社会发展统计公报
经广东省统计局统一核算，2024年东莞实现地区生产总值（初步核算数）12282.15亿元，比上年增长4.6%。
人均地区生产总值116661元（按年平均汇率折算为16381美元），增长3.9%。
其中，邮政业务总量（按2020年不变价计算）400.83亿元，增长21.2%。
2023年东莞市国民经济和社会发展统计公报
经广东省统计局统一核算，2023年东莞实现地区生产总值（初步核算数）11438.13亿元，比上年增长2.6%。
人均地区生产总值109339元（按年平均汇率折算为15516美元），增长2.8%。
"""


def test_a_file_of_several_yearly_communiques(tmp_path):
    out, f = _run(tmp_path, DONGGUAN, "stats-communique-dongguan-2023-2024.txt")
    assert out["document"]["reference_year"] == 2024
    assert f["116661元"] == [("2024", "actual")]
    assert f["400.83亿元"] == [("2024", "actual")]        # 按2020年不变价: a price base, not the time
    assert f["109339元"] == [("2023", "actual")]          # after the 2023 communiqué's title line
    assert f["2.8%"] == [("2023", "actual")]
