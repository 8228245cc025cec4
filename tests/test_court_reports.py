"""A court work report end to end: part headings with no marker, case names of the court
forms and the case numbers next to them. tests/data/court/court-report-excerpt.txt is
written in our own words after the layout of public district court reports."""
from pathlib import Path

from pipeline.process import process_file

EXCERPT = Path(__file__).resolve().parent / "data" / "court" / "court-report-excerpt.txt"


def test_part_headings_without_a_marker_hold_the_numbered_ones():
    out = process_file(EXCERPT, use_model=False)
    assert [(s["level"], s["marker"], s["title"]) for s in out["sections"]] == [
        (1, "", "2023年主要工作"),
        (2, "一、", "依法惩治犯罪，维护社会稳定"),
        (2, "二、", "服务创新发展，加强知识产权保护"),
        (1, "", "过去五年工作回顾"),
        (1, "", "2024年工作安排")]


def test_cases_and_their_numbers():
    out = process_file(EXCERPT, use_model=False)
    got = [(r["type"], r["text"], r.get("case_number")) for r in out["records"] if r["type"].startswith("case")]
    assert got == [
        ("case", "901专案", None),
        ("case", "某资源循环利用公司、李某单位行贿案", None),
        ("case", "高某污染环境罪一案", None),
        ("case", "某某科技有限公司诉某某网络技术有限公司侵害发明专利权纠纷案", "（2023）沪0115民初1234号"),
        ("case_number", "（2023）沪0115民初1234号", None),
        ("case", "“暗刷流量”合同纠纷案", "（2023）沪0115民初5678号"),
        ("case_number", "（2023）沪0115民初5678号", None)]
