"""Word files written one line (or one page) per paragraph: sentences are re-joined.

stats-communique-china-civil-affairs-2021.docx comes from a PDF-to-Word converter that
breaks paragraphs mid-sentence; without the join a figure loses what it measures.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.ingest.docx import join_broken_paragraphs
from pipeline.process import process_document

CIVIL_AFFAIRS = Path(__file__).resolve().parent / "data" / "formats" / "stats-communique-china-civil-affairs-2021.docx"


@pytest.fixture(scope="module")
def civil_affairs():
    return process_document(read_document(CIVIL_AFFAIRS), use_model=False)


def _quantity(doc, text):
    found = [r for r in doc.records if r.type == "quantity" and doc.text[r.start:r.end] == text]
    assert len(found) == 1, text
    return found[0].fields


def test_change_after_a_broken_line_keeps_role_and_direction(civil_affairs):
    q = _quantity(civil_affairs, "0.4 个千分点")
    assert (q["role"], q["direction"]) == ("change", "down")
    assert q["sentence"] == "结婚率为 5.4‰，比上年下降0.4 个千分点。"


def test_figure_after_a_broken_line_keeps_its_metric(civil_affairs):
    assert _quantity(civil_affairs, "4.7 万人")["metric"] == "殡仪馆职工"
    assert _quantity(civil_affairs, "58.8%")["metric"] == "火化率"


def test_headings_titles_and_captions_stay_lines_of_their_own(civil_affairs):
    doc = civil_affairs
    lines = {doc.text[b.start:b.end] for b in doc.blocks if b.kind != "table_cell"}
    for line in ("2021 年民政事业发展统计公报", "一、综合", "图 1", "表 1\t2021 年行政区划情况",
                 "（一）提供住宿的社会工作。", "单位:个"):
        assert line in lines
    titles = [s.title for s in doc.sections]
    assert "综合" in titles and "行政区划" in titles


def test_join_rules_on_single_lines():
    def joined(*texts, lead_bold=0):
        parts = [(t, {"paragraph": i, "lead_bold": lead_bold if i else 0}) for i, t in enumerate(texts)]
        return [t for t, _ in join_broken_paragraphs(parts)]

    assert joined("全年火化遗体 596.6 万具，火化率", "58.8%，比上年增加 3.1 个百分点。") == \
        ["全年火化遗体 596.6 万具，火化率58.8%，比上年增加 3.1 个百分点。"]
    assert joined("一、综合", "截至 2021 年底，全国共有…") == ["一、综合", "截至 2021 年底，全国共有…"]
    assert joined("全国城市低保对象，其中", "2.殡葬服务。截至 2021 年底") == \
        ["全国城市低保对象，其中", "2.殡葬服务。截至 2021 年底"]
    assert joined("销售额比上年减少 22.3 亿元，", "福利彩票。2021 年", lead_bold=5) == \
        ["销售额比上年减少 22.3 亿元，", "福利彩票。2021 年"]
    # two figures at a join stay two figures
    assert joined("职工总数 1730.4 万人，其中殡仪馆 12", "4.7 万人。") == \
        ["职工总数 1730.4 万人，其中殡仪馆 12 4.7 万人。"]


def test_units_per_person_and_month_or_year(civil_affairs):
    assert _quantity(civil_affairs, "1697.4 元/人·月")["unit"] == "元/人·月"
    assert _quantity(civil_affairs, "6362.2 元/人·年")["unit"] == "元/人·年"
