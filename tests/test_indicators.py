"""Indicator ids from the catalog (rules/indicators.yaml), on real sentences of the corpus."""
from __future__ import annotations

import json
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from pipeline import rules
from pipeline.extract.quantities import find_quantities
from pipeline.indicators import catalog, indicator_for, indicator_name, record_indicator

ROOT = Path(__file__).resolve().parent.parent
HANGZHOU = {"name": "杭州市", "district": None, "city": "杭州市", "province": "浙江省", "level": "city"}


def ids(sentence: str, region: dict | None = None) -> list[tuple[str, str, str | None]]:
    """(text, role, indicator) of every figure the extractor finds in ``sentence``, read
    with the sentence around its metric as the pipeline does."""
    return [(q["text"], q["role"],
             record_indicator({**q, "sentence": sentence, "sentence_start": 0}, q["start"], q["end"],
                              region))
            for q in find_quantities(sentence)]


def test_gdp_level_and_growth_under_every_wording():
    # gov-work-report-hangzhou-2024: 全市生产总值; gov-work-report-changsha-2024: 地区生产总值
    assert ids("全市生产总值20059亿元、增长5.6%。", HANGZHOU) == [
        ("20059亿元", "level", "gdp"), ("5.6%", "change", "gdp")]
    assert ids("全年GDP增长5.3%，工业对GDP增长贡献率提高近12个百分点。")[0] == ("5.3%", "change", "gdp")
    assert ids("全州地区生产总值达2261.1亿元、增长7%。")[0][2] == "gdp"


def test_a_metric_that_only_contains_a_wording_is_another_indicator_or_none():
    # stats-communique-luoyang-2023 / gov-work-report-beijing-2024
    assert ids("人均地区生产总值116661元。")[0][2] == "gdp_per_capita"
    assert ids("数字经济增加值占地区生产总值比重达42.9%。")[0][2] != "gdp"
    assert ids("单位地区生产总值能耗下降3%。")[0][2] == "energy_intensity"
    # gov-work-report-wulumuqi-2024: a part of trade is not trade
    assert ids("民营企业进出口总额增长20.1%。")[0][2] is None


def test_the_sentence_tells_a_part_of_the_region_or_of_the_figure():
    # stats-communique-china-2024: a region of the country, not the country
    assert ids("东北地区生产总值63451亿元，增长4.4%。")[0][2] is None
    # stats-communique-nanjing-2021-2024: the metro's passengers, firms working elsewhere
    assert ids("全年地铁实现客运量10.96亿人次，比上年增长8.6%。")[0][2] is None
    assert ids("其中，本市建筑业企业在外省完成建筑业总产值1705.74亿元，增长8.7%。")[0][2] is None
    # ...but the standard wording of the same figure keeps it
    assert ids("总承包和专业承包完成建筑业总产值1103.53亿元，增长2.9%。")[0][2] == "construction_output"
    # gov-work-report-qiandongnan-2024: two heads share the metric, each with its own figure
    found = ids("城镇和农村常住居民人均可支配收入分别达到45877元和22990元。")
    assert [f[2] for f in found] == [None, None]
    # stats-communique-china-2024: the poor counties' rural income
    assert ids("脱贫县[63]农村居民人均可支配收入17522元，比上年增长6.9%。")[0][2] is None


def test_a_threshold_or_a_figure_of_another_clause_is_not_the_metrics():
    # gov-work-report-qiandongnan-2024: 500万元以上 defines the projects counted
    assert ids("全州500万元以上固定资产投资增长5%。")[0][2] is None
    # gov-work-report-china-2008: the COD and SO2 falls are not energy intensity's
    found = ids("2007年单位国内生产总值能耗比上年下降3.27%，化学需氧量、二氧化硫排放总量近年来首次"
                "出现双下降，比上年分别下降3.14%和4.66%。")
    assert [f[2] for f in found] == ["energy_intensity", None, None]


def test_new_ones_are_not_the_stock_unless_the_indicator_counts_additions():
    # gov-work-report-xiamen-2024 / zaozhuang-2024
    assert ids("新登记市场主体7.2万户、总数达到53.7万户。")[0][2] is None
    assert ids("新认定高新技术企业26家。")[0][2] is None
    # gov-work-report-qiandongnan-2024: 新增学位 counts additions
    assert ids("实施中小学幼儿园项目建设498所，新增学位1.66万个。")[-1][2] == "new_school_places"
    # stats-communique-china-2024: 新建商品房 is the name of the housing figure
    assert ids("全年新建商品房销售面积97385万平方米。")[0][2] == "housing_sales_area"


def test_role_is_kept_apart_from_the_indicator():
    # tianhe-ip-2023: the PCT level and its share carry the same id
    found = ids("PCT国际专利申请量284件，占全市15.3%。")
    assert found == [("284件", "level", "pct_applications"), ("15.3%", "share", "pct_applications")]


def test_a_percentage_point_change_belongs_to_rates_only():
    # stats-communique-dongguan-2023-2024: a rate's change in points is that rate's
    assert indicator_for("常住人口城镇化率", "percentage_point", "change") == "urbanization_rate"
    # gov-work-report-bengbu-2024: 增长5.6%，比上年提高3.6个百分点 is a change of the growth rate
    found = ids("全年地区生产总值增长5.6%，比上年提高3.6个百分点。")
    assert found[0] == ("5.6%", "change", "gdp")
    assert found[1][2] is None


def test_kind_must_fit_the_indicator():
    # gov-work-report-hangzhou-2024: a rank of the economy is not its amount
    assert indicator_for("经济总量", "rank", "level") is None
    assert indicator_for("经济总量", "money", "level") == "gdp"


def test_scope_words_region_name_and_footnotes_are_dropped():
    assert indicator_for("杭州市地区生产总值", "money", "level", HANGZHOU) == "gdp"
    assert indicator_for("杭州地区生产总值", "money", "level", HANGZHOU) == "gdp"
    assert indicator_for("规模以上工业增加值[3]", "percent", "change") == "industry_va_above_scale"
    assert indicator_for("规上工业增加值完成", "money", "level") == "industry_va_above_scale"
    assert indicator_for("地方一般公共预算收入同口径", "percent", "change") == "fiscal_revenue"
    assert indicator_for("新一个经济总量", "money", "level") == "gdp"
    # a wording is matched whole: 市场主体 is not 市 + 场主体
    assert indicator_for("市场主体", "count", "level") == "market_entities"


def test_budget_lines_and_ip_figures():
    # other-shanghai-finance-2025
    assert indicator_for("“三公”经费预算数", "money", "level") == "three_public_expenses"
    assert indicator_for("三）公务接待费", "money", "level") == "official_reception"
    # tianhe-ip-2023
    assert indicator_for("侦破知识产权案件", "count", "level") == "ip_cases"
    assert indicator_for("商标有效注册量", "count", "level") == "valid_trademarks"


def test_national_name_for_a_national_report():
    assert indicator_name("gdp", "national") == "国内生产总值"
    assert indicator_name("gdp", "city") == "地区生产总值"
    assert indicator_name("retail_sales", "national") == "社会消费品零售总额"
    assert indicator_name(None, "city") is None


def test_catalog_is_validated_on_load(tmp_path, monkeypatch):
    for p in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(p, tmp_path / p.name)
    text = (tmp_path / "indicators.yaml").read_text(encoding="utf-8")
    (tmp_path / "indicators.yaml").write_text(text.replace("kinds: [money]", "kinds: [cash]", 1),
                                              encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    catalog.cache_clear()
    try:
        with pytest.raises(rules.RulesError, match="indicators.yaml: invalid at indicators/0/kinds/0"):
            catalog()
    finally:
        monkeypatch.delenv("GOVREPORT_RULES")
        catalog.cache_clear()


def test_every_part_and_wording_is_consistent():
    cat = catalog()
    assert cat.get("gdp").parts == ("gdp_primary", "gdp_secondary", "gdp_tertiary")
    assert len(cat.indicators) >= 100


# Gold figures whose gold metric is only the tail of another thing, checked by hand: the
# pipeline is right to give them no indicator.
NOT_THE_INDICATOR = {
    # 跨境电商、服务贸易和生产型外贸企业进出口均增长10%: trade of some firms, not total trade
    ("gov-work-report-changsha-2024.docx", "10%"),
}


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).replace(" ", "")


def test_gold_figures_of_the_20_most_common_indicators_get_their_id():
    """Expected id: the catalog's id for the hand-checked gold metric; found: the id of the
    committed output's record for that figure."""
    expected = []
    for gold_path in sorted((ROOT / "tests/data/qa/gold").glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        out_path = ROOT / "outputs" / f"{gold['doc']}.json"
        if not out_path.exists():
            continue
        out = json.loads(out_path.read_text(encoding="utf-8"))
        region = out["document"]["region"]
        recs = [r for r in out["records"] if r["type"] == "quantity"]
        for q in gold.get("quantities", []):
            want = indicator_for(q.get("metric"), q.get("kind"), q.get("role"), region)
            if want and (gold["doc"], q["text"]) not in NOT_THE_INDICATOR:
                expected.append((gold["doc"], q["text"], want, recs))
    top = {i for i, _ in Counter(w for _, _, w, _ in expected).most_common(20)}
    checked, wrong = 0, []
    for doc, text, want, recs in expected:
        if want not in top:
            continue
        checked += 1
        found = [r["indicator"] for r in recs
                 if _nfkc(text) in _nfkc(r["text"]) or _nfkc(r["text"]) in _nfkc(text)]
        if want not in found:
            wrong.append((doc, text, want, found))
    assert checked >= 80
    assert wrong == []
