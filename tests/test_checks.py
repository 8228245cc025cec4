"""Consistency checks (pipeline/checks.py) on real sentences of the corpus.

The real reports of ../shared/corpus/real agree with themselves wherever the checks can
compare (docs/CHECKS.md), so each rule is shown failing on a real sentence with one
figure changed (said so next to it), and passing on the real sentence as printed. The
sentences that raised false alarms while the checks were written are kept as tests that
must pass.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pipeline import checks
from pipeline.checks import batch_checks, document_checks
from pipeline.output import SCHEMA_PATH
from pipeline.process import process_file

ROOT = Path(__file__).resolve().parent.parent


def run_text(tmp_path: Path, text: str, name: str = "report-2023.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return process_file(path, use_model=False)


def rules_of(out: dict) -> list[str]:
    return [c["rule"] for c in out["checks"]]


def compared(rule: str) -> int:
    return sum(v for k, v in checks.COMPARED.items() if k.startswith(rule))


# --------------------------------------------------------------------------- 其中
# gov-work-report-nanning-2024 / tianhe-ip-2023: 专利授权量19298件，其中发明专利授权量9438件
TIANHE = "天河区2023年知识产权工作报告\n专利：全年全区专利授权量19298件，其中发明专利授权量{part}件，同比增长29.6%。\n"


def test_part_larger_than_its_total(tmp_path):
    before = compared("part_exceeds_total")
    assert rules_of(run_text(tmp_path, TIANHE.format(part=9438))) == []
    assert compared("part_exceeds_total") > before          # the pair was compared
    # the same sentence with the part mistyped as 29438
    out = run_text(tmp_path, TIANHE.format(part=29438))
    assert rules_of(out) == ["part_exceeds_total"]
    c = out["checks"][0]
    assert (c["expected"], c["found"]) == (19298, 29438)
    ids = {r["text"]: r["id"] for r in out["records"]}
    assert c["records"] == [ids["19298件"], ids["29438件"]]


def test_parts_in_brackets_end_at_the_bracket(tmp_path):
    # gov-work-report-hangzhou-2024
    text = ("杭州市2024年政府工作报告\n②新增托位6870个（其中普惠托位5505个），新建成中小学和幼儿园98所、"
            "新增学位8.4万个，新增城乡义务教育共同体85个。\n")
    assert rules_of(run_text(tmp_path, text)) == []


def test_a_cue_after_a_semicolon_and_items_after_a_change_are_not_parts(tmp_path):
    # stats-communique-pingtan-economy-2021
    text = ("平潭综合实验区2021年统计公报\n2021年末，全区中小学教师数3995人（含私立学校教师数871人，职业中专教师数"
            "62人，特殊教育学校教师数32人），分地区看，城镇3266人，农村729人；其中专任教师数3678人（含私立学校"
            "教师数712人，职业中专教师数57人，特殊教育学校教师数32人），分地区看，城镇2980人，农村698人。\n"
            # stats-communique-china-civil-affairs-2021: 村民小组 are under the 村委会
            "截至2021年底，全国基层群众性自治组织共计60.6万个，其中：村委会49.0万个，比上年下降2.5％，"
            "村民小组395.0万个，村委会成员208.9万人，比上年增长0.8%。\n")
    assert rules_of(run_text(tmp_path, text)) == []


def test_daily_averages_do_not_add_up(tmp_path):
    # stats-communique-china-health-2024
    text = ("2024年卫生健康事业发展统计公报\n2024年，医院医师日均担负诊疗6.7人次、住院2.3床日，其中：公立医院"
            "医师日均担负诊疗7.2人次、住院2.2床日。\n")
    assert rules_of(run_text(tmp_path, text)) == []


# --------------------------------------------------------------------------- shares
# stats-communique-nanjing-2021-2024: 年末全市常住人口…其中城镇人口…占总人口比重…
NANJING_POP = ("南京市2024年国民经济和社会发展统计公报\n年末全市常住人口957.70万人，其中城镇人口836.07万人，"
               "占总人口比重为{share}%。\n")


def test_share_against_its_part_and_total(tmp_path):
    before = compared("share_mismatch")
    assert rules_of(run_text(tmp_path, NANJING_POP.format(share="87.3"))) == []
    assert compared("share_mismatch") > before
    # the share mistyped as 78.3
    out = run_text(tmp_path, NANJING_POP.format(share="78.3"))
    assert rules_of(out) == ["share_mismatch"]
    assert round(out["checks"][0]["expected"], 1) == 87.3 and out["checks"][0]["found"] == 78.3


def test_a_share_with_its_own_subject_is_not_checked(tmp_path):
    # gov-work-report-jilin-city-2024, other-pingtan-admin-approval-2022
    text = ("吉林市2024年政府工作报告\n全年实施5000万元以上项目407个，其中5亿元以上项目60个，产业项目投资占比达到60%以上。\n"
            "抓整合，省网2806项行政审批及政务服务实现“一门式”办理，集成度达97%，其中1421项由行政审批系统承担，办件量占比近93%。\n")
    assert rules_of(run_text(tmp_path, text)) == []


# --------------------------------------------------------------------------- sums
# stats-communique-luoyang-2023
LUOYANG = ("2023年洛阳市国民经济和社会发展统计公报\n初步核算，全年全市地区生产总值5481.6亿元，比上年增长3.0%。"
           "其中，第一产业增加值214.1亿元，增长3.7%；第二产业增加值{secondary}亿元，增长3.7%；第三产业增加值"
           "3128.5亿元，增长2.5%。\n")


def test_gdp_and_its_three_industries(tmp_path):
    before = compared("sum_mismatch (catalog parts)")
    assert rules_of(run_text(tmp_path, LUOYANG.format(secondary="2139.0"))) == []
    assert compared("sum_mismatch (catalog parts)") > before
    # the second industry mistyped as 2319.0
    out = run_text(tmp_path, LUOYANG.format(secondary="2319.0"))
    assert rules_of(out) == ["sum_mismatch"]
    c = out["checks"][0]
    assert c["expected"] == 548160000000 and c["found"] == 566160000000
    assert "5661.6亿元" in c["message"] and len(c["records"]) == 4


def test_trade_exports_and_imports(tmp_path):
    # stats-communique-nanjing-2021-2024 (2023), imports mistyped 2326.8 → 2362.8
    text = ("南京市2023年统计公报\n全年货物进出口总额5659.9亿元，比上年下降4.4%。其中，出口3333.1亿元，下降11.1%；"
            "进口{imports}亿元，增长7.5%。\n")
    assert rules_of(run_text(tmp_path, text.format(imports="2326.8"))) == []
    assert rules_of(run_text(tmp_path, text.format(imports="2362.8"))) == ["sum_mismatch"]


def test_items_of_a_list_after_a_total(tmp_path):
    # gov-work-report-shanghai-2024 shape: two figures per 分别 list, no total: no check
    text = "上海市2024年政府工作报告\n跨国公司地区总部、外资研发中心分别新增65家和30家，累计分别达到956家和561家。\n"
    assert rules_of(run_text(tmp_path, text)) == []
    # other-pingtan-natural-resources-2022 shape: a total, then 其中 and a 分别 list
    listed = ("平潭综合实验区2022年工作总结\n全年共办理不动产登记{total}件，其中首次登记、转移登记分别为"
              "1200件、2600件。\n")
    assert rules_of(run_text(tmp_path, listed.format(total=4100))) == []
    assert "sum_mismatch" in rules_of(run_text(tmp_path, listed.format(total=3100)))


def _table_output(rows: list[tuple[str, float]]) -> dict:
    """Records as the table reader writes them for the Nanjing export table (表5), values
    in 亿元; only the fields the checks read."""
    recs = []
    for k, (label, value) in enumerate(rows):
        recs.append({"id": f"q-{k:016x}", "type": "quantity", "text": f"{value}", "start": k * 10,
                     "end": k * 10 + 5, "sentence": None, "sentence_start": None, "value": value * 1e8,
                     "value_max": None, "unit": "元", "kind": "money", "role": "level",
                     "metric": label.split("、")[-1], "indicator": None, "period": "2022",
                     "table": {"index": 5, "row": k + 2, "col": 2, "row_label": label,
                               "headers": ["出口额（亿元）"], "caption": None}})
    return {"document": {"region": None}, "records": recs}


def test_table_rows_above_their_total_row():
    # stats-communique-nanjing-2021-2024, 表5 exports by continent (2022), as printed
    rows = [("合计", 3827.9), ("一、亚洲", 1675.7), ("# 日本", 146.1), ("二、非洲", 213.5),
            ("三、欧洲", 875.4), ("# 欧洲联盟", 693.0), ("四、拉丁美洲", 270.0), ("五、北美洲", 692.9),
            ("六、大洋洲", 100.5)]
    assert document_checks(_table_output(rows)) == []
    # 亚洲 mistyped as 1765.7: the continents now exceed the 合计 row
    wrong = [(label, 1765.7 if label == "一、亚洲" else v) for label, v in rows]
    found = document_checks(_table_output(wrong))
    assert [c["rule"] for c in found] == ["sum_mismatch"] and len(found[0]["records"]) == 7


# --------------------------------------------------------------------------- across reports
def _communique(tmp_path, year: int, sentence: str) -> tuple[str, dict]:
    out = run_text(tmp_path, f"南京市{year}年国民经济和社会发展统计公报\n{sentence}\n",
                   name=f"nanjing-{year}.txt")
    for r in out["records"]:
        # the period stage (issue 8) gives a communiqué's figures its year; set it here
        if r["type"] == "quantity" and r.get("period") is None:
            r["period"], r["status"] = str(year), "actual"
    return f"nanjing-{year}.txt", out


def test_growth_against_the_levels_of_two_reports(tmp_path):
    # stats-communique-nanjing-2021-2024: the 2022 and 2023 communiqués
    y2022 = _communique(tmp_path, 2022, "全年全体居民人均可支配收入69039元，比上年增长4.4%。")
    y2023 = _communique(tmp_path, 2023, "全年全体居民人均可支配收入72112元，比上年增长4.5%。")
    before = compared("growth_mismatch")
    assert batch_checks([y2022, y2023]) == []
    assert compared("growth_mismatch") > before
    # the 2023 growth mistyped as 5.4%: 72112 / 69039 is +4.45 %
    bad = _communique(tmp_path, 2023, "全年全体居民人均可支配收入72112元，比上年增长5.4%。")
    found = batch_checks([y2022, bad])
    assert [c["rule"] for c in found] == ["growth_mismatch"]
    assert round(found[0]["expected"], 2) == 4.45 and found[0]["found"] == 5.4
    assert found[0]["documents"] == ["nanjing-2022.txt", "nanjing-2023.txt", "nanjing-2023.txt"]


def test_growth_on_a_like_for_like_basis_is_not_checked(tmp_path):
    # stats-communique-nanjing-2021-2024: 2021 revenue 1729.52, 2022 1558.2 "同口径增长0.1%"
    y2021 = _communique(tmp_path, 2021, "全年实现一般公共预算收入1729.52亿元，比上年增长5.6%。")
    y2022 = _communique(tmp_path, 2022, "全年一般公共预算收入1558.2亿元，同口径增长0.1%。")
    assert batch_checks([y2021, y2022]) == []


# --------------------------------------------------------------------------- output, command
def test_checks_are_in_the_output_and_valid(tmp_path):
    out = run_text(tmp_path, TIANHE.format(part=29438))
    jsonschema.validate(out, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert list(out)[-1] == "checks"


def test_check_command_exit_status(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder, part in ((good, 9438), (bad, 29438)):
        folder.mkdir()
        out = run_text(tmp_path, TIANHE.format(part=part))
        (folder / "tianhe.txt.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "pipeline", "check"]
    ok = subprocess.run(cmd + [str(good)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "0 checks failed" in ok.stderr
    failed = subprocess.run(cmd + [str(bad), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert failed.returncode == 1
    report = json.loads(failed.stdout)
    assert [c["rule"] for c in report["failed"]] == ["part_exceeds_total"]
    (bad / "broken.json").write_text("{", encoding="utf-8")
    broken = subprocess.run(cmd + [str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert broken.returncode == 2 and "broken.json" in broken.stderr


# The flags the committed outputs raise, each reviewed by hand (docs/CHECKS.md): Nanjing's
# compilation prints growth rates on revised bases that its own levels contradict.
EXPECTED_FLAGS = {
    "stats-communique-nanjing-2021-2024.docx.json": [
        ("growth_mismatch", "construction_output", 5.0),    # 5083.02 → 5080.57 亿元 "增长5.0%"
        ("growth_mismatch", "trade", -9.3),                 # 6292.13 → 5659.9 亿元 "下降9.3%"
        ("growth_mismatch", "trade", 0.3),                  # 6366.83 → 6292.13 亿元 "增长0.3%"
    ],
}


def test_committed_outputs_raise_only_the_reviewed_flags():
    """A rule change that starts or stops flagging the corpus shows up here."""
    for path in sorted((ROOT / "outputs").glob("*.json")):
        if path.name.startswith("_"):
            continue
        out = json.loads(path.read_text(encoding="utf-8"))
        assert out.get("checks") == document_checks(out), path.name
        by_id = {r["id"]: r for r in out["records"]}
        found = [(c["rule"], by_id[c["records"][-1]].get("indicator"), c["found"]) for c in out["checks"]]
        assert found == EXPECTED_FLAGS.get(path.name, []), path.name


@pytest.mark.parametrize("broken, where", [("part_relative_tolerance: 0.001", "part_relative_tolerance"),
                                           ("list_cue: 分别", "list_cue")])
def test_checks_rules_are_validated(tmp_path, monkeypatch, broken, where):
    import shutil

    from pipeline import rules
    for p in (ROOT / "rules").glob("*.yaml"):
        shutil.copy(p, tmp_path / p.name)
    text = (tmp_path / "checks.yaml").read_text(encoding="utf-8")
    key = broken.split(":")[0]
    (tmp_path / "checks.yaml").write_text(text.replace(broken, f"{key}: -1"), encoding="utf-8")
    monkeypatch.setenv("GOVREPORT_RULES", str(tmp_path))
    checks._rules.cache_clear()
    try:
        with pytest.raises(rules.RulesError, match=f"checks.yaml: invalid at {where}"):
            checks._rules()
    finally:
        monkeypatch.delenv("GOVREPORT_RULES")
        checks._rules.cache_clear()
