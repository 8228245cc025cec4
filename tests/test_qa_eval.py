"""govreport eval: hand-worked examples of GUIDE.md section 6 (no ../shared needed), the
command line, and agreement with the reference scorer on a fixed output set."""
from __future__ import annotations

import copy
import importlib.util
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.qa import eval as qaeval

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "qa"
SHARED = ROOT.parent / "shared"
SCORE_PY = SHARED / "tools" / "score.py"

# Real sentences (tianhe-ip-2023.txt line 3, 8-9; luoyang 2023 communiqué).
PATENTS = ("专利：全年全区专利授权量19298件，其中发明专利授权量9438件，同比增长29.6%；"
           "PCT国际专利申请量284件，占全市15.3%；每万人口发明专利拥有量189.7件。"
           "全区获得第二十四届中国专利奖20项。")


# ---------------------------------------------------------------- helpers

def rec(text: str, needle: str, rtype: str = "quantity", nth: int = 0, **fields) -> dict:
    """A record on the nth occurrence of needle in text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    r = {"type": rtype, "text": needle, "start": at, "end": at + len(needle)}
    r.update(fields)
    return r


def qty(value, unit, kind="count", role="level", metric=None, qualifier=None, section=None):
    return {"value": value, "unit": unit, "kind": kind, "role": role, "qualifier": qualifier,
            "metric": metric, "section_path": section or []}


def gq(text, value, unit, kind="count", role="level", metric=None, qualifier=None, section=None, **kw):
    d = {"text": text, "value": value, "unit": unit, "kind": kind, "role": role,
         "qualifier": qualifier, "metric": metric, "section": section or []}
    d.update(kw)
    return d


def output(text, records, sections=(), source="doc.txt"):
    return {"document": {"source": source, "text": text}, "records": list(records),
            "sections": [{"title": t} for t in sections]}


def gold(doc="doc.txt", scope=None, **lists):
    g = {"doc": doc, "scope": scope, "sections": [], "quantities": [], "agencies": [], "cases": []}
    g.update(lists)
    return g


# ---------------------------------------------------------------- hand-worked examples

def test_quantities_worked_example():
    golds = [gq("19298件", 19298, "件", metric="专利授权量", section=["知识产权创造", "专利"]),
             gq("9438件", 9438, "件", metric="发明专利授权量", section=["知识产权创造", "专利"]),
             gq("29.6%", 29.6, "%", "percent", "change", "发明专利授权量", section=["知识产权创造", "专利"]),
             gq("284件", 284, "件", metric="PCT国际专利申请量", section=["知识产权创造", "专利"]),
             gq("15.3%", 15.3, "%", "percent", "share", "PCT国际专利申请量", section=["知识产权创造", "专利"]),
             gq("189.7件", 189.7, "件", metric="每万人口发明专利拥有量", section=["知识产权创造", "专利"]),
             gq("20项", 20, "项", metric="中国专利奖", section=["知识产权创造", "专利"])]
    path = ["知识产权创造", "专利"]
    preds = [
        rec(PATENTS, "19298件", **qty(19298, "件", metric="专利授权量", section=["专利"])),   # section wrong
        rec(PATENTS, "9438件", **qty(94380000, "件", metric="发明专利授权量", section=path)),  # value wrong
        rec(PATENTS, "增长29.6%", **qty(29.6, "%", "percent", "level", "发明专利授权量", section=path)),  # role wrong
        # 284件 missed
        rec(PATENTS, "15.3%", **qty(15.3, "%", "percent", "share", "全市", section=path)),   # metric wrong
        rec(PATENTS, "189.7件", **qty(189.7, "件", metric="发明专利拥有量", section=path)),
        rec(PATENTS, "二十四届", **qty(24, "届", section=path)),                           # false find
        rec(PATENTS, "20项", **qty(20, "项", metric="中国专利奖", section=path)),
    ]
    res = qaeval.score_document(gold(quantities=golds), output(PATENTS, preds))
    q = res["quantities"]
    # 7 gold, 7 predicted; right: 19298件, 29.6%, 15.3%, 189.7件, 20项 = 5
    assert (q["gold"], q["pred"], q["tp"]) == (7, 7, 5)
    assert (q["P"], q["R"], q["F1"]) == (0.7143, 0.7143, 0.7143)
    assert q["kind"] == 5 and q["qualifier"] == 5
    assert q["role"] == 4                    # 29.6% is a change
    assert q["section"] == 4                 # 19298件 lost its outer section
    # metric: 全市 vs PCT国际专利申请量 shares nothing; 发明专利拥有量 vs 每万人口发明专利拥有量:
    # 7 common chars, P 7/7, R 7/11 -> F1 0.78 >= 0.5, right
    assert (q["metric_n"], q["metric"]) == (5, 4)
    assert q["misses"] == ["9438件", "284件"]
    assert Counter(q["false"]) == Counter(["9438件", "二十四届"])
    miss = {m["text"]: m["why"] for m in q["miss_details"]}
    assert "value 94380000" in miss["9438件"] and miss["284件"] == "not found"
    s = qaeval.summarise([res], ["quantities"])["quantities"]
    assert s["role_acc"] == 0.8 and s["section_acc"] == 0.8 and s["metric_acc"] == 0.8
    assert s["kind_acc"] == 1.0


def test_span_with_qualifier_pairs_but_shifted_span_does_not():
    text = "严打知识产权刑事犯罪。区公安分局查获假冒种子约500万粒，涉案金额超过4亿元人民币。"
    golds = [gq("500万粒", 5000000, "粒", qualifier="约"),
             gq("超过4亿元人民币", 400000000, "元", "money", qualifier="超过")]
    preds = [rec(text, "约500万粒", **qty(5000000, "粒", qualifier="约")),
             rec(text, "亿元人民币。", **qty(400000000, "元", "money"))]
    q = qaeval.score_document(gold(quantities=golds), output(text, preds))["quantities"]
    assert q["tp"] == 1 and q["qualifier"] == 1
    assert q["misses"] == ["超过4亿元人民币"] and q["false"] == ["亿元人民币。"]


def test_value_and_unit_agreement():
    assert qaeval.values_agree(0.6667, 2 / 3)          # 4 significant digits suffice
    assert qaeval.values_agree(1000, 1000.9)           # 0.09%
    assert not qaeval.values_agree(100, 100.2)         # 0.2%
    assert qaeval.values_agree("19298", 19298)
    assert not qaeval.values_agree(None, 0)
    assert qaeval.units_agree("个百分点", "个 百分点")
    assert not qaeval.units_agree("亿元", "元")
    assert qaeval.units_agree(None, "")


def test_char_f1_of_metrics():
    assert qaeval.char_f1("专利授权量", "发明专利授权量") == pytest.approx(2 * 1 * 5 / 7 / (1 + 5 / 7))
    assert qaeval.char_f1("刑事拘留", None) == 0.0
    assert qaeval.char_f1("ＰＣＴ", "PCT") == 1.0


def test_number_not_found_inside_a_longer_number():
    text = "各项贷款余额1278亿元、增长16.9%，其中投放小微企业贷款262亿元。餐饮收入340.5亿元，增长6.9%。"
    g = [gq("6.9%", 6.9, "%", "percent", "change")]
    folded = qaeval.FoldedText.of(text)
    (span,) = qaeval.locate(folded, g, 0, len(folded.text))
    assert folded.text[span[0] - 2:span[1]] == "增长6.9%" and span[0] > folded.text.index("16.9%") + 3
    # a prediction on the 6.9 inside 16.9% overlaps nothing of the gold item
    preds = [rec(text, "6.9%", **qty(6.9, "%", "percent", "change"))]
    q = qaeval.score_document(gold(quantities=g), output(text, preds))["quantities"]
    assert (q["tp"], q["false"]) == (0, ["6.9%"])
    preds.append(rec(text, "6.9%", nth=1, **qty(6.9, "%", "percent", "change")))
    q = qaeval.score_document(gold(quantities=g), output(text, preds))["quantities"]
    assert (q["tp"], q["pred"]) == (1, 2)


def test_items_are_searched_in_order():
    text = "刑事拘留150人，占比69.12%；逮捕直诉60人，占比66.67%。审结案件15件18人。"
    # the second "60人" must not be found before the first item of the list
    g = [gq("18人", 18, "人"), gq("60人", 60, "人")]
    folded = qaeval.FoldedText.of(text)
    spans = qaeval.locate(folded, g, 0, len(folded.text))
    assert spans[0] is not None and spans[1] is None
    q = qaeval.score_document(gold(quantities=g), output(text, [rec(text, "60人", **qty(60, "人"))]))["quantities"]
    assert q["missing_in_text"] == 1 and q["tp"] == 0
    assert {m["text"]: m["why"] for m in q["miss_details"]}["60人"] == "not in the output's text"


def test_scope_limits_gold_and_predictions():
    text = ("前言：2022年专利授权量19000件。一、知识产权创造\n专利：全年全区专利授权量19298件，"
            "其中发明专利授权量9438件。二、知识产权保护\n区法院审结案件2396件。")
    scope = {"from": "一、知识产权创造", "to": "发明专利授权量9438件。"}
    g = [gq("19298件", 19298, "件"), gq("9438件", 9438, "件")]
    preds = [rec(text, "19000件", **qty(19000, "件")),     # before the scope
             rec(text, "19298件", **qty(19298, "件")),
             rec(text, "2396件", **qty(2396, "件"))]       # after the scope
    res = qaeval.score_document(gold(scope=scope, quantities=g), output(text, preds))
    q = res["quantities"]
    assert (q["gold"], q["pred"], q["tp"]) == (2, 1, 1)
    assert (q["P"], q["R"]) == (1.0, 0.5)
    # the pipeline's text lost the annotated part: everything in it is missed
    res = qaeval.score_document(gold(scope={"from": "三、", "to": "。"}, quantities=g), output(text, preds))
    assert res["warning"] and res["quantities"]["tp"] == 0 and res["quantities"]["pred"] == 0
    assert res["quantities"]["R"] == 0.0 and res["quantities"]["P"] == 0.0


def test_optional_items_count_neither_way():
    text = "区公安分局查获假冒伪劣商品一批，侦破大要案件一批，刑事拘留150人。"
    g = [gq("一批", 1, "批", optional=True), gq("一批", 1, "批", optional=True), gq("150人", 150, "人")]
    with_optional = [rec(text, "一批", **qty(1, "批")), rec(text, "150人", **qty(150, "人"))]
    without = [rec(text, "150人", **qty(150, "人"))]
    a = qaeval.score_document(gold(quantities=g), output(text, with_optional))["quantities"]
    b = qaeval.score_document(gold(quantities=g), output(text, without))["quantities"]
    for q in (a, b):
        assert (q["gold"], q["pred"], q["tp"], q["F1"]) == (1, 1, 1, 1.0)


def test_white_space_and_full_width_are_folded():
    text = "年末共保障城市特困人员620 人。ＰＣＴ国际专利申请量２８４件。"
    g = [gq("620人", 620, "人"), gq("284件", 284, "件")]
    preds = [rec(text, "620 人", **qty(620, "人")), rec(text, "２８４件", **qty(284, "件"))]
    q = qaeval.score_document(gold(quantities=g), output(text, preds))["quantities"]
    assert q["tp"] == 2
    folded = qaeval.FoldedText.of(text)
    assert folded.text.startswith("年末共保障城市特困人员620人。PCT")
    # a record offset maps to the first folded character at or after it
    assert folded.position(text.index(" ")) == folded.text.index("人。")


def test_sections_are_a_multiset_of_titles():
    g = gold(sections=[{"marker": "一、", "title": "知识产权创造", "level": 1},
                       {"marker": "", "title": "专利", "level": 2},
                       {"marker": "", "title": "商标", "level": 2, "optional": True}])
    out = output("一、知识产权创造\n专利：…\n商标：…\n版权：…",
                 [], sections=["知识产权创造：", "专利", "专利", "商标", "版权"])
    s = qaeval.score_document(g, out)["sections"]
    assert (s["gold"], s["pred"], s["tp"]) == (2, 4, 2)
    assert (s["P"], s["R"], s["F1"]) == (0.5, 1.0, 0.6667)
    assert s["false"] == ["专利", "版权"] and s["misses"] == []


def test_cases_strict_and_lenient():
    text = ("查处“4.13”假冒机油专案；审结腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案、"
            "“喜剧之王”诉“喜剧之王2018”不正当竞争纠纷案。")
    g = gold(cases=[{"text": "“4.13”假冒机油专案"}, {"text": "腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案"},
                    {"text": "“喜剧之王”诉“喜剧之王2018”不正当竞争纠纷案"}])
    preds = [rec(text, "4.13”假冒机油专案", "case"),                      # lenient only
             rec(text, "腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案", "case")]
    res = qaeval.score_document(g, output(text, preds))
    c = res["cases"]
    assert (c["gold"], c["pred"], c["tp"], c["strict"]) == (3, 2, 2, 1)
    s = qaeval.summarise([res], ["cases"])["cases"]
    assert s["F1"] == 0.8 and s["strict_F1"] == 0.4      # strict: P 1/2, R 1/3


def test_agencies_and_canonical_names():
    text = "区法院依法严惩侵权假冒刑事犯罪。区公安分局全年累计侦破知识产权案件80宗，获得公安部嘉奖令1次。"
    g = gold(agencies=[{"text": "区法院", "canonical": "天河区人民法院"},
                       {"text": "区公安分局", "canonical": "广州市公安局天河区分局"},
                       {"text": "公安部", "canonical": "公安部"}])
    preds = [rec(text, "区法院", "agency", canonical="广州市天河区人民法院"),
             rec(text, "区公安分局", "agency", canonical="广州市公安局天河区分局"),
             rec(text, "知识产权", "agency", canonical=None)]
    res = qaeval.score_document(g, output(text, preds))
    a = res["agencies"]
    assert (a["gold"], a["pred"], a["tp"], a["canonical"]) == (3, 3, 2, 1)
    assert a["misses"] == ["公安部"] and a["false"] == ["知识产权"]
    assert [e["field"] for e in a["attribute_errors"]] == ["canonical"]
    assert qaeval.summarise([res], ["agencies"])["agencies"]["canonical_acc"] == 0.5


def test_micro_average_sums_counts_over_documents():
    text_a = "刑事拘留150人，占比69.12%。"
    text_b = "逮捕直诉60人，占比66.67%；打掉犯罪团伙27个。"
    a = qaeval.score_document(
        gold("a.txt", quantities=[gq("150人", 150, "人"), gq("69.12%", 69.12, "%", "percent", "share")]),
        output(text_a, [rec(text_a, "150人", **qty(150, "人"))]))
    b = qaeval.score_document(
        gold("b.txt", quantities=[gq("60人", 60, "人")]),
        output(text_b, [rec(text_b, "60人", **qty(60, "人")), rec(text_b, "66.67%", **qty(66.67, "%")),
                        rec(text_b, "27个", **qty(27, "个"))]))
    assert a["quantities"]["F1"] == 0.6667 and b["quantities"]["F1"] == 0.5
    s = qaeval.summarise([a, b], ["quantities"])["quantities"]
    # 2 right of 4 predicted and 3 gold: P 0.5, R 0.6667, F1 0.5714 (the macro mean would be 0.5833)
    assert (s["tp"], s["gold"], s["pred"]) == (2, 3, 4)
    assert (s["P"], s["R"], s["F1"]) == (0.5, 0.6667, 0.5714)


def test_empty_cases_of_precision_and_recall():
    assert qaeval.prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert qaeval.prf(0, 3, 0) == (0.0, 0.0, 0.0)
    assert qaeval.prf(0, 0, 2) == (0.0, 1.0, 0.0)
    res = qaeval.score_document(gold(quantities=[gq("150人", 150, "人")]), None)
    assert res["quantities"]["misses"] == ["150人"] and res["quantities"]["R"] == 0.0


def test_alignment_is_a_longest_common_subsequence():
    """One record spans two gold items and another record sits exactly on the second.
    Aligned in document order the wide record pairs with the first item and the exact
    one with the second: two pairs. (Pairing greedily by the largest overlap would give
    the wide record the second item, and leave one pair at most.)"""
    text = "住宿和餐饮业增加值96.1亿元，增长6.2%；金融业增加值309.3亿元，增长5.0%。"
    g = [gq("6.2%", 6.2, "%", "percent", "change"), gq("309.3亿元", 30930000000, "元", "money")]
    preds = [rec(text, "增长6.2%；金融业增加值309.3亿元", **qty(6.2, "%", "percent", "change")),
             rec(text, "309.3亿元", **qty(30930000000, "元", "money"))]
    q = qaeval.score_document(gold(quantities=g), output(text, preds))["quantities"]
    assert q["tp"] == 2 and q["misses"] == [] and q["false"] == []


def test_alignment_prefers_the_largest_overlap_then_the_first_record():
    text = "全年审结知识产权与不正当竞争民事案件2396件，解决争议金额3.65亿元。"
    g = [gq("3.65亿元", 365000000, "元", "money")]
    shorter = rec(text, "3.65亿", **qty(365000000, "元", "money"))
    exact = rec(text, "3.65亿元", **qty(365000000, "元", "money", qualifier="约"))
    wider = rec(text, "3.65亿元。", **qty(365000000, "元", "money"))
    q = qaeval.score_document(gold(quantities=g), output(text, [shorter, exact, wider]))["quantities"]
    # exact and wider both overlap 6 characters: the first in document order (exact) pairs
    assert q["tp"] == 1 and q["qualifier"] == 0 and Counter(q["false"]) == Counter(["3.65亿", "3.65亿元。"])


# ---------------------------------------------------------------- command line

@pytest.fixture
def small_run(tmp_path):
    text = "严打知识产权刑事犯罪。区公安分局全年累计侦破知识产权案件80宗，占比63%；刑事拘留150人，占比69.12%。"
    gdir, odir = tmp_path / "gold", tmp_path / "out"
    gdir.mkdir()
    odir.mkdir()
    g = gold("tianhe.txt", quantities=[gq("80宗", 80, "宗"), gq("63%", 63, "%", "percent", "share"),
                                       gq("150人", 150, "人"), gq("69.12%", 69.12, "%", "percent", "share")],
             agencies=[{"text": "区公安分局", "canonical": "广州市公安局天河区分局"}])
    (gdir / "tianhe.txt.gold.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    g2 = gold("other.txt", quantities=[gq("1项", 1, "项")])
    (gdir / "other.txt.gold.json").write_text(json.dumps(g2, ensure_ascii=False), encoding="utf-8")
    out = output(text, [rec(text, "区公安分局", "agency", canonical="广州市公安局天河区分局"),
                        rec(text, "80宗", **qty(80, "宗")), rec(text, "63%", **qty(63, "%", "percent", "share")),
                        rec(text, "150人", **qty(150, "人"))], source="tianhe.txt")
    (odir / "tianhe.txt.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    (odir / "manifest.json").write_text('{"runs": []}', encoding="utf-8")   # not an output
    return gdir, odir


def test_cli_json_report(small_run, capsys):
    gdir, odir = small_run
    assert main(["eval", str(gdir), str(odir), "--json", "--docs", "tianhe.txt"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["doc"] for d in report["docs"]] == ["tianhe.txt"]
    q = report["summary"]["quantities"]
    assert (q["tp"], q["gold"], q["pred"], q["R"]) == (3, 4, 3, 0.75)
    assert report["docs"][0]["quantities"]["misses"] == ["69.12%"]
    assert report["summary"]["agencies"]["F1"] == 1.0


def test_cli_table_lists_misses_and_missing_outputs(small_run, capsys):
    gdir, odir = small_run
    assert main(["eval", str(gdir), str(odir)]) == 0
    out = capsys.readouterr().out
    assert "micro-average" in out and "miss  quantities 69.12%" in out
    assert "no output for other.txt" in out and "miss  quantities 1项" in out


def test_cli_min_f1_gates(small_run, capsys):
    gdir, odir = small_run
    args = ["eval", str(gdir), str(odir), "--docs", "tianhe", "--no-list"]
    assert main(args + ["--min-f1", "0.8"]) == 0           # quantities F1 0.857, agencies 1.0
    assert main(args + ["--min-f1", "0.9"]) == 1
    assert "quantities F1 0.8571 < 0.9" in capsys.readouterr().err
    assert main(args + ["--min-f1", "agency=0.9"]) == 0
    assert main(args + ["--min-f1", "quantity=0.9,agency=0.5"]) == 1
    assert main(args + ["--min-f1", "1.5"]) == 2
    # with other.txt, which has no output, quantities fall to F1 0.75
    assert main(["eval", str(gdir), str(odir), "--min-f1", "0.8", "--no-list"]) == 1


def test_cli_min_acc_gates_period_status_and_tables(capsys):
    """The fixed set scores period 0.904, status 0.961, table recall 0.89 (expected_score.json)."""
    args = ["eval", str(DATA / "gold"), str(DATA / "outputs"), "--no-list"]
    assert main(args + ["--min-acc", "period=0.9,status=0.96,table=0.85"]) == 0
    capsys.readouterr()
    assert main(args + ["--min-acc", "period=0.95,status=0.96"]) == 1
    err = capsys.readouterr().err
    assert "quantities period_acc 0.9039 < 0.95" in err and "status_acc" not in err
    assert main(args + ["--min-acc", "table=0.95"]) == 1
    assert main(args + ["--min-acc", "period"]) == 2              # a name needs its figure
    assert main(args + ["--min-acc", "periods=0.9"]) == 2
    assert main(args + ["--min-acc", "period=1.2"]) == 2
    capsys.readouterr()
    assert main(args + ["--json", "--min-acc", "status=0.99"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["thresholds"]["min_acc"] == {"status": 0.99}
    assert report["thresholds"]["failed"] == ["quantities status_acc 0.9611 < 0.99"]


def test_cli_types_filter(small_run, capsys):
    gdir, odir = small_run
    assert main(["eval", str(gdir), str(odir), "--json", "--types", "agency"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["summary"]) == ["agencies"]
    assert "quantities" not in report["docs"][0]
    assert main(["eval", str(gdir), str(odir), "--types", "number"]) == 2


def test_cli_bad_folders(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope"), str(tmp_path)]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["eval", str(tmp_path), str(tmp_path)]) == 2       # no gold files


# ---------------------------------------------------------------- the fixed output set

def _same_figures(ref: dict, mine: dict) -> list[str]:
    """Differences between two reports: the summary, and every count and list per document
    (lists as multisets: the order of false finds is not a figure)."""
    diffs = []
    if ref["summary"] != {k: mine["summary"][k] for k in ref["summary"]}:
        diffs.append(f"summary: {ref['summary']} != {mine['summary']}")
    assert [d["doc"] for d in ref["docs"]] == [d["doc"] for d in mine["docs"]]
    for r, m in zip(ref["docs"], mine["docs"]):
        for name, counts in r.items():
            if name == "doc":
                continue
            for k, v in counts.items():
                mv = m[name][k]
                if isinstance(v, list):
                    v, mv = Counter(v), Counter(mv)
                if v != mv:
                    diffs.append(f"{r['doc']} {name} {k}: {v} != {mv}")
    return diffs


def test_fixed_set_matches_the_reference_figures():
    """tests/data/qa/expected_score.json is score.py's report on the fixed set."""
    ref = json.loads((DATA / "expected_score.json").read_text(encoding="utf-8"))
    mine = qaeval.evaluate(DATA / "gold", DATA / "outputs")
    assert _same_figures(ref, mine) == []
    assert ref["summary"]["quantities"]["tp"] > 600       # the set has something to score


@pytest.mark.skipif(not SCORE_PY.exists(), reason="needs ../shared/tools/score.py")
@pytest.mark.parametrize("gold_dir", [SHARED / "gold", DATA / "gold"], ids=["shared-gold", "copied-gold"])
def test_fixed_set_against_score_py(gold_dir):
    run = subprocess.run([sys.executable, str(SCORE_PY), str(gold_dir), str(DATA / "outputs"), "--json"],
                         capture_output=True, text=True, check=True)
    ref = json.loads(run.stdout)
    mine = qaeval.evaluate(gold_dir, DATA / "outputs")
    assert _same_figures(ref, mine) == []


@pytest.mark.skipif(not SCORE_PY.exists(), reason="needs ../shared/tools/score.py")
def test_perturbed_outputs_against_score_py():
    """Spans moved, widened and cut at random (records of one type kept apart, as the
    pipeline writes them), wrong values: the same figures as the reference scorer."""
    spec = importlib.util.spec_from_file_location("reference_score", SCORE_PY)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    golds = {json.loads(p.read_text(encoding="utf-8"))["doc"]: json.loads(p.read_text(encoding="utf-8"))
             for p in (DATA / "gold").glob("*.gold.json")}
    outs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((DATA / "outputs").glob("*.json"))]
    rnd = random.Random(4)
    for _ in range(12):
        out = copy.deepcopy(rnd.choice(outs))
        text = out["document"]["text"]
        moved = []
        for r in out["records"]:
            r = dict(r)
            x = rnd.random()
            if x < 0.3:
                r["start"] = max(0, r["start"] + rnd.randint(-4, 4))
                r["end"] = max(r["start"] + 1, r["end"] + rnd.randint(-4, 6))
            elif x < 0.35:
                r["end"] += rnd.randint(5, 40)
            if rnd.random() < 0.1:
                r["value"] = 7
            r["text"] = text[r["start"]:r["end"]]
            moved.append(r)
        moved.sort(key=lambda r: (r["start"], r["end"], r["type"]))
        kept, last_end = [], {}
        for r in moved:
            if r["start"] >= last_end.get(r["type"], -1):
                kept.append(r)
                last_end[r["type"]] = r["end"]
        out["records"] = kept
        g = golds[out["document"]["source"]]
        a = {"summary": ref.summarise([ref.score_doc(g, out)]), "docs": [ref.score_doc(g, out)]}
        b = {"summary": qaeval.summarise([qaeval.score_document(g, out)]),
             "docs": [qaeval.score_document(g, out)]}
        assert _same_figures(a, b) == []


def test_fixed_outputs_follow_the_output_schema():
    """The fixed set stands in for real outputs: it must stay in the real format."""
    import jsonschema

    from pipeline.output import SCHEMA_PATH
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path in sorted((DATA / "outputs").glob("*.json")):
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


# ---------------------------------------------------------------- following score.py's newer fields

def test_period_status_and_table_recall_are_scored_on_keyed_gold_items():
    # Hangzhou 2024 work report: a 2023 result and the 2024 target of the same metric
    text = "全年地区生产总值增长5.6%。2024年经济社会发展主要预期目标：地区生产总值增长5.5%左右。"
    g = gold(quantities=[gq("5.6%", 5.6, "%", "percent", "change", period="2023", status="actual"),
                         gq("5.5%", 5.5, "%", "percent", "change", period="2024", status="target"),
                         gq("左右", 1, "", optional=True)])
    out = output(text, [rec(text, "5.6%", **qty(5.6, "%", "percent", "change"), period="2023", status="actual"),
                        rec(text, "5.5%", **qty(5.5, "%", "percent", "change"), period="2023", status="actual")])
    q = qaeval.summarise([qaeval.score_document(g, out)])["quantities"]
    assert (q["period_acc"], q["status_acc"]) == (0.5, 0.5)
    assert "table_recall" not in q                  # no gold figure is from a table
    # gold files of earlier rounds have no period: nothing to score, no key
    g_old = gold(quantities=[gq("5.6%", 5.6, "%", "percent", "change")])
    assert "period_acc" not in qaeval.summarise([qaeval.score_document(g_old, out)])["quantities"]


def test_table_cells_are_never_read_as_one_number():
    # two cells of a Nanjing table row, '866.60' and '1.2', fold to '866.601.2'; the gold
    # figure '1.2' is found at the start of its own cell, not inside '866.60'
    text = "年末常住人口\t866.60\t1.2\n"
    g = gold(quantities=[gq("866.60", 8666000, "人", table=True), gq("1.2", 1.2, "%", "percent", "change", table=True)])
    out = output(text, [rec(text, "866.60", **qty(8666000, "人"))])
    res = qaeval.score_document(g, out)
    assert res["quantities"]["missing_in_text"] == 0
    assert qaeval.summarise([res])["quantities"]["table_recall"] == 0.5


def test_lists_a_gold_file_leaves_out_are_not_scored():
    text = "（2016）最高法民再98号。区法院审结案件80件。"
    g = {"doc": "doc.txt", "scope": None, "case_numbers": [{"text": "（2016）最高法民再98号"}]}
    out = output(text, [rec(text, "80件", **qty(80, "件")),
                        rec(text, "（2016）最高法民再98号", "case_number")])
    res = qaeval.score_document(g, out)
    assert set(res) == {"doc", "case_numbers"}
    summary = qaeval.summarise([res])
    assert list(summary) == ["case_numbers"] and summary["case_numbers"]["strict_F1"] == 1.0


def test_cli_fails_when_no_output_belongs_to_a_gold_document(small_run, tmp_path, capsys):
    gdir, _ = small_run
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    assert main(["eval", str(gdir), str(empty)]) == 2
    assert "no output in" in capsys.readouterr().err
