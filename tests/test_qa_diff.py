"""govreport diff: two runs that differ in known ways (a rule changed between them) must
show exactly those changes, in every format."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.output import record_id
from pipeline.qa import diff as qadiff

DATA = Path(__file__).resolve().parent / "data" / "qa"

# Real report text (tianhe-ip-2023.txt, lines 3 and 9).
TEXT = ("一、知识产权创造\n"
        "专利：全年全区专利授权量19298件，其中发明专利授权量9438件，同比增长29.6%；"
        "PCT国际专利申请量284件，占全市15.3%。\n"
        "二、知识产权保护\n"
        "严打知识产权刑事犯罪。区公安分局全年累计侦破知识产权案件80宗，占比63%；刑事拘留150人，"
        "占比69.12%；查获假冒种子约500万粒，涉案金额超过4亿元人民币。\n")
SHA = "ab" * 32
SECTIONS = [{"id": "s1", "marker": "一、", "title": "知识产权创造", "level": 1, "start": 0, "end": 72, "parent": None},
            {"id": "s2", "marker": "", "title": "专利", "level": 2, "start": 9, "end": 72, "parent": "s1"},
            {"id": "s3", "marker": "二、", "title": "知识产权保护", "level": 1, "start": 72, "end": len(TEXT), "parent": None}]


def at(text: str, needle: str, nth: int = 0) -> int:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i


def quantity(text, needle, value, unit, kind="count", role="level", metric=None, qualifier=None,
             path=("知识产权创造", "专利"), sha=SHA):
    s = at(text, needle)
    return {"id": record_id(sha, "quantity", s, s + len(needle)), "type": "quantity", "text": needle,
            "start": s, "end": s + len(needle), "section_path": list(path), "source": "rule",
            "value": value, "value_max": None, "unit": unit, "kind": kind, "role": role,
            "direction": "up" if role == "change" else None, "qualifier": qualifier, "metric": metric}


def agency(text, needle, canonical, path=("知识产权保护",), sha=SHA):
    s = at(text, needle)
    return {"id": record_id(sha, "agency", s, s + len(needle)), "type": "agency", "text": needle,
            "start": s, "end": s + len(needle), "section_path": list(path), "source": "rule",
            "canonical": canonical}


def run_output(text=TEXT, records=(), sections=SECTIONS, sha=SHA, rules="r1", source="tianhe-ip-2023.txt"):
    recs = sorted(records, key=lambda r: (r["start"], r["end"], r["type"]))
    return {"schema_version": "1.0", "pipeline_version": "0.1.0", "rules_version": rules,
            "document": {"source": source, "format": "txt", "encoding": "utf-8", "sha256": sha,
                         "title": None, "region": {"name": "天河区"}, "year": 2023, "text": text},
            "sections": copy.deepcopy(list(sections)), "records": recs}


P2 = ("知识产权保护",)


def old_records(text=TEXT, sha=SHA):
    return [
        quantity(text, "19298件", 19298, "件", metric="专利授权量", sha=sha),
        quantity(text, "9438件", 9438, "件", metric="专利授权量", sha=sha),
        quantity(text, "29.6%", 29.6, "%", "percent", "change", "发明专利授权量", sha=sha),
        quantity(text, "284件", 284, "件", metric="PCT国际专利申请量", sha=sha),
        quantity(text, "15.3%", 15.3, "%", "percent", "share", "PCT国际专利申请量", sha=sha),
        agency(text, "区公安分局", "广州市公安局天河区分局", sha=sha),
        quantity(text, "80宗", 80, "宗", metric="侦破知识产权案件", path=P2, sha=sha),
        quantity(text, "63%", 63, "%", "percent", "share", path=P2, sha=sha),
        quantity(text, "150人", 150, "人", metric="刑事拘留", path=P2, sha=sha),
        quantity(text, "500万粒", 5000000, "粒", metric="假冒种子", path=P2, sha=sha),
        quantity(text, "4亿元", 400000000, "元", "money", metric="涉案金额", path=P2, sha=sha),
    ]


def changed_rule_records(text=TEXT, sha=SHA):
    """The same report after a rule change, with exactly these differences:
    9438件 metric fixed; 9438 -> 9483 value (a deliberate slip); 63% dropped;
    69.12% found; 500万粒 now takes its qualifier 约 into the span;
    4亿元 now spans 超过4亿元人民币 with its qualifier."""
    recs = [r for r in old_records(text, sha) if r["text"] not in ("63%", "500万粒", "4亿元")]
    for r in recs:
        if r["text"] == "9438件":
            r["metric"] = "发明专利授权量"
            r["value"] = 9483
    recs.append(quantity(text, "69.12%", 69.12, "%", "percent", "share", "刑事拘留", path=P2, sha=sha))
    recs.append(quantity(text, "约500万粒", 5000000, "粒", metric="假冒种子", qualifier="约", path=P2, sha=sha))
    recs.append(quantity(text, "超过4亿元人民币", 400000000, "元", "money", metric="涉案金额",
                         qualifier="超过", path=P2, sha=sha))
    return recs


@pytest.fixture
def two_runs(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(run_output(records=old_records()), ensure_ascii=False), encoding="utf-8")
    new.write_text(json.dumps(run_output(records=changed_rule_records(), rules="r2"), ensure_ascii=False),
                   encoding="utf-8")
    return old, new


def summary_of(d: qadiff.DocumentDiff) -> list[tuple]:
    out = []
    for r in d.records:
        out.append((r.status, r.record["text"], tuple(f for f, _, _ in r.changes), r.matched_by))
    return out


def test_changed_rule_shows_exactly_the_expected_changes(two_runs):
    old, new = two_runs
    (d,) = qadiff.diff_paths(old, new).documents
    assert d.status == "changed" and not d.text_changed
    assert summary_of(d) == [
        ("changed", "9438件", ("value", "metric"), "id"),
        ("removed", "63%", (), None),
        ("added", "69.12%", (), None),
        ("changed", "约500万粒", ("text", "qualifier", "start"), "overlap"),
        ("changed", "超过4亿元人民币", ("text", "qualifier", "start", "end"), "overlap"),
    ]
    changes = {r.record["text"]: r.changes for r in d.records}
    assert changes["9438件"] == [("value", 9438, 9483), ("metric", "专利授权量", "发明专利授权量")]
    assert changes["约500万粒"][0] == ("text", "500万粒", "约500万粒")
    assert d.counts() == {"added": 1, "removed": 1, "changed": 3, "unchanged": 7, "sections": 0}
    assert d.versions == [("rules_version", "r1", "r2")]


def test_text_format_field_by_field(two_runs, capsys):
    old, new = two_runs
    assert main(["diff", str(old), str(new), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "value 9438 → 9483" in out
    assert "metric 专利授权量 → 发明专利授权量" in out
    assert "text 500万粒 → 约500万粒" in out
    assert "qualifier null → 约" in out
    assert "- quantity 63%" in out and "+ quantity 69.12%" in out
    # grouped by section: the patent figures under 知识产权创造 › 专利, the rest under 知识产权保护
    assert out.index("§ 知识产权创造 › 专利") < out.index("9438件") < out.index("§ 知识产权保护") < out.index("63%")
    assert "tianhe-ip-2023.txt: 1 added, 1 removed, 3 changed (7 unchanged)" in out
    assert "\x1b[" not in out


def test_colour_only_when_asked_or_on_a_terminal(two_runs, capsys):
    old, new = two_runs
    main(["diff", str(old), str(new), "--color", "always"])
    out = capsys.readouterr().out
    assert "\x1b[31m" in out and "\x1b[32m" in out
    main(["diff", str(old), str(new)])          # captured output is not a terminal
    assert "\x1b[" not in capsys.readouterr().out


def test_json_format(two_runs, capsys):
    old, new = two_runs
    assert main(["diff", str(old), str(new), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"documents": 1, "changed_documents": 1, "added_documents": [],
                                 "removed_documents": [], "added": 1, "removed": 1, "changed": 3, "sections": 0}
    recs = report["documents"][0]["records"]
    first = recs[0]
    assert first["status"] == "changed" and first["old_id"] == first["new_id"]
    assert first["changes"] == [{"field": "value", "old": 9438, "new": 9483},
                                {"field": "metric", "old": "专利授权量", "new": "发明专利授权量"}]
    assert [r["status"] for r in recs] == ["changed", "removed", "added", "changed", "changed"]


def test_markdown_format(two_runs, capsys):
    old, new = two_runs
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## govreport diff")
    assert "### tianhe-ip-2023.txt" in out and "#### 知识产权创造 › 专利" in out
    assert "| ✏️ | quantity | 9438件 | value `9438` → `9483`<br>metric `专利授权量` → `发明专利授权量` |" in out
    assert "| ➖ | quantity | 63% | removed: 63 %, percent, share |" in out


def test_markdown_cells_are_escaped(tmp_path, capsys):
    text = "区法院审结“A|B<script>”案件15件。"
    old = run_output(text, [quantity(text, "15件", 15, "件", metric="A|B<script>")], sections=[])
    new = run_output(text, [quantity(text, "15件", 16, "件", metric="A|B<script>")], sections=[])
    (tmp_path / "a.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "md"])
    out = capsys.readouterr().out
    assert "<script>" not in out
    ch = qadiff.diff_documents(old, new)
    assert [c[0] for c in ch.records[0].changes] == ["value"]


def test_fail_on_change(two_runs, tmp_path):
    old, new = two_runs
    assert main(["diff", str(old), str(new), "--fail-on-change"]) == 1
    assert main(["diff", str(old), str(old), "--fail-on-change"]) == 0
    same = tmp_path / "same.json"
    shutil.copy(old, same)
    assert main(["diff", str(old), str(same), "--fail-on-change", "--format", "json"]) == 0


def test_ids_moved_records_match_by_span(tmp_path):
    """The input was saved again (another sha256, so every id moved), the text is the same:
    nothing changed but the provenance line."""
    other = "cd" * 32
    old = run_output(records=old_records())
    new = run_output(records=old_records(sha=other), sha=other)
    assert {r["id"] for r in old["records"]}.isdisjoint(r["id"] for r in new["records"])
    d = qadiff.diff_documents(old, new)
    assert d.records == [] and d.unchanged_records == 11 and d.status == "unchanged"
    assert d.versions == [("document.sha256", SHA, other)]


def test_edited_text_carries_offsets_over():
    """A sentence was inserted in the first paragraph: every later record moved (new ids,
    new offsets), but only the record in the new sentence is new."""
    insert = "全区获得第二十四届中国专利奖20项。"
    at_ = TEXT.index("PCT国际")
    text2 = TEXT[:at_] + insert + TEXT[at_:]
    new_records = old_records(text2) + [quantity(text2, "20项", 20, "项", metric="中国专利奖")]
    d = qadiff.diff_documents(run_output(records=old_records()), run_output(text2, new_records))
    assert d.text_changed and d.status == "changed"
    assert [(r.status, r.record["text"], r.changes) for r in d.records] == [("added", "20项", [])]
    assert d.unchanged_records == 11


def test_sections_added_removed_changed():
    new_sections = copy.deepcopy(SECTIONS)
    new_sections[1]["title"] = "专利创造"
    new_sections.append({"id": "s4", "marker": "", "title": "严打知识产权刑事犯罪", "level": 2,
                         "start": 81, "end": len(TEXT), "parent": "s3"})
    d = qadiff.diff_documents(run_output(records=old_records()),
                              run_output(records=old_records(), sections=new_sections))
    assert [(s["status"], (s["new"] or s["old"])["title"]) for s in d.sections] == [
        ("changed", "专利创造"), ("added", "严打知识产权刑事犯罪")]
    assert d.sections[0]["changes"] == [{"field": "title", "old": "专利", "new": "专利创造"}]
    assert qadiff.diff_documents(run_output(records=old_records()),
                                 run_output(records=old_records(), sections=new_sections),
                                 ignore=["sections"]).status == "unchanged"


def test_types_and_ignore_filters(two_runs, capsys):
    old, new = two_runs
    assert main(["diff", str(old), str(new), "--types", "agency", "--fail-on-change"]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--types", "quantity", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["changed"] == 3
    assert main(["diff", str(old), str(new), "--types", "amount"]) == 2
    d = qadiff.diff_paths(old, new, ignore=["metric"]).documents[0]
    assert [c[0] for c in d.records[0].changes] == ["value"]


def test_folders(tmp_path, capsys):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for folder, recs in ((old, old_records()), (new, changed_rule_records())):
        (folder / "tianhe-ip-2023.txt.json").write_text(json.dumps(run_output(records=recs), ensure_ascii=False),
                                                        encoding="utf-8")
    shutil.copy(DATA / "outputs" / "other-shaanxi-2017.md.json", old)
    shutil.copy(DATA / "outputs" / "other-shaanxi-2017.md.json", new)          # unchanged
    shutil.copy(DATA / "outputs" / "stats-communique-luoyang-2023.txt.json", old)  # removed
    shutil.copy(DATA / "outputs" / "stats-communique-zhoukou-2023.pdf.json", new / "zhoukou.json")  # added
    (new / "manifest.json").write_text("{}", encoding="utf-8")                 # not an output
    result = qadiff.diff_paths(old, new)
    assert {d.name: d.status for d in result.documents} == {
        "other-shaanxi-2017.md": "unchanged", "stats-communique-luoyang-2023.txt": "removed",
        "stats-communique-zhoukou-2023.pdf": "added", "tianhe-ip-2023.txt": "changed"}
    s = result.summary()
    assert (s["changed_documents"], s["added"], s["removed"], s["changed"]) == (1, 1, 1, 3)
    assert main(["diff", str(old), str(new), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "- stats-communique-luoyang-2023.txt: document removed" in out
    assert "+ stats-communique-zhoukou-2023.pdf: document added (243 records)" in out
    assert "other-shaanxi-2017.md" not in out
    assert main(["diff", str(old), str(new / "zhoukou.json")]) == 2
    assert "two files or two folders" in capsys.readouterr().err


def test_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["diff", str(bad), str(bad)]) == 2
    assert "not a UTF-8 JSON file" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "none.json"), str(bad)]) == 2


def test_a_changed_period_or_status_is_reported(tmp_path, capsys):
    """A rule change that turns a 2023 result into a 2024 target shows as a changed record."""
    def timed(records, period, status):
        for r in records:
            r["period"], r["status"] = "2023", "actual"
            if r["text"] == "29.6%":
                r["period"], r["status"] = period, status
        return records
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(run_output(records=timed(old_records(), "2023", "actual")),
                              ensure_ascii=False), encoding="utf-8")
    new_out = run_output(records=timed(old_records(), "2024", "target"))
    new_out["document"]["reference_year"] = 2023
    new.write_text(json.dumps(new_out, ensure_ascii=False), encoding="utf-8")
    (d,) = qadiff.diff_paths(old, new).documents
    assert summary_of(d) == [("changed", "29.6%", ("period", "status"), "id")]
    assert d.document_changes == [("document.reference_year", None, 2023)]
    assert main(["diff", str(old), str(new), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "period 2023 → 2024" in out and "status actual → target" in out
