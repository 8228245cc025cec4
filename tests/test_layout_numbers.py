"""Two figures never merge into one value, whatever the layout put between them.

Reports put figures on separate lines, in separate table columns read as one PDF line, or
after a table number (表6 2000万元以上…). The compact view the extractors match on folds
white space away, except between two numerals (issue 14, item 1).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.quantities import find_quantities
from pipeline.extract.tables import _number
from pipeline.ingest import read_document
from pipeline.ingest.pdf import _join_cell_lines
from pipeline.normalise import join_wrapped
from pipeline.process import process_document
from pipeline.textview import compact

DATA = Path(__file__).resolve().parent / "data" / "formats"
PUTUO = DATA / "other-shanghai-putuo-finance-2024.pdf"
QIANDONGNAN = DATA / "stats-communique-qiandongnan-2016.docx"


def quantities(path) -> list[dict]:
    doc = process_document(read_document(path), use_model=False)
    return [dict(r.fields, text=doc.text[r.start:r.end]) for r in doc.records if r.type == "quantity"]


@pytest.fixture(scope="module")
def putuo():
    return quantities(PUTUO)


def test_compact_keeps_gap_between_numerals_only():
    assert compact("56.95 1.87%").text == "56.95 1.87%"
    assert compact("表6 2000万元以上").text == "表6 2000万元以上"
    assert compact("91\n79.49%").text == "91 79.49%"
    assert compact("2023 年 全区 ＧＤＰ 增长 ５ ％").text == "2023年全区GDP增长5%"
    view = compact("2946.25  \n 2940.05")
    assert view.text == "2946.25 2940.05"
    assert view.span(7, 8) == (7, 8)          # the kept gap points at the first blank


def test_pdf_columns_on_one_line_stay_separate_figures(putuo):
    # other-shanghai-putuo-finance-2024.pdf: '56.95 1.87%', '2940.05 99.79%', '91 79.49%'
    by_sentence = {q["sentence"]: q for q in putuo if q["unit"] == "%"}
    assert by_sentence["56.95 1.87%"]["value"] == 1.87
    assert by_sentence["2946.25 2940.05 99.79%"]["value"] == 99.79
    assert by_sentence["2940.05 2336.91 79.49%"]["value"] == 79.49
    values = {q["value"] for q in putuo}
    assert not values & {87, 599.79, 9179.49}
    # a metric made of the figures before it names nothing
    assert by_sentence["56.95 1.87%"]["metric"] is None


def test_table_number_is_not_part_of_the_figure():
    # stats-communique-qiandongnan-2016.docx: '表6 2000万元以上工业部分主要产品产量'
    qs = quantities(QIANDONGNAN)
    assert not [q for q in qs if q["value"] == 620_000_000]
    title = [q for q in qs if q["sentence"].startswith("表6 ")]
    assert [(q["text"], q["value"], q["unit"]) for q in title] == [("2000万元", 20_000_000, "元")]


@pytest.mark.parametrize("name", [PUTUO.name, QIANDONGNAN.name,
                                  "stats-communique-china-civil-affairs-2021.docx"])
def test_no_record_spans_two_figures(name):
    # stats-communique-china-civil-affairs-2021.docx has Word cells holding a row of figures
    # ('34  4  23 5 2 2843 977 …'): once read as 34423522843977… 个
    for q in quantities(DATA / name):
        assert not re.search(r"[\d.]\s+\d", q["text"]), q["text"]
        assert abs(q["value"]) < 1e13, q["text"]


def test_table_cell_figures_fold_only_gaps_between_words():
    assert _number("34  4  23 5") is None
    assert _number("2 843") is None
    assert _number("530.5 ") == ("530.5", 530.5, "")
    assert _number("12.5 %") == ("12.5", 12.5, "%")


def test_pdf_line_and_cell_joins_keep_numerals_apart():
    assert join_wrapped("财政拨款收入56.95", "1.87%") == "财政拨款收入56.95 1.87%"
    assert join_wrapped("比上年增长", "5.2%") == "比上年增长5.2%"
    assert join_wrapped("全年完成", "2940.05万元") == "全年完成2940.05万元"
    assert _join_cell_lines("2946.25\n99.79%") == "2946.25 99.79%"
    assert _join_cell_lines("一般公共\n预算收入") == "一般公共预算收入"


# ------------------------------------------------------------------ property

# Figures as real reports write them (putuo finance tables, qiandongnan and civil-affairs
# communiques), each one token a layout may put on a line or in a cell of its own.
FIGURES = ["56.95", "1.87%", "2946.25", "2940.05", "99.79%", "91", "79.49%", "6",
           "2000万元以上", "0.4个千分点", "4.7 万人", "1697.4元/人·月", "238.0 万个",
           "10.44亿元", "9.4 %", "1909个", "2336.91", "0.57", "12", "3.55亿元", "2021"]
# Words of the same sentences that may stand before a figure or between two of them.
WORDS = ["", "", "", "表", "一般公共预算收入", "比上年下降", "殡仪馆职工", "全年水产品产量",
         "合计", "本年支出", "其中：", "，比上年增长"]
GAPS = [" ", "\n", "\u3000", "\t", "\u00a0", "  ", " \n ", "\r\n", "\u200b "]


@st.composite
def layouts(draw):
    """(text, [(start, end) of each figure in text]) for a random layout of figures."""
    n = draw(st.integers(2, 5))
    text, spans = "", []
    for i in range(n):
        if i:
            text += draw(st.sampled_from(GAPS))
        text += draw(st.sampled_from(WORDS)) if draw(st.booleans()) else ""
        fig = draw(st.sampled_from(FIGURES))
        spans.append((len(text), len(text) + len(fig)))
        text += fig
    return text, spans


def _digit_owner(spans, offset):
    for k, (a, b) in enumerate(spans):
        if a <= offset < b:
            return k
    return None


def _owners(text, spans, a, b) -> set[int]:
    """The figures whose digits the original span [a, b) takes."""
    return {_digit_owner(spans, i) for i in range(a, b) if text[i].isdigit()} - {None}


@given(layouts())
@settings(max_examples=300, deadline=None)
def test_no_value_takes_digits_of_two_figures(layout):
    text, spans = layout
    view = compact(text)
    for q in find_quantities(view.text):
        a, b = view.span(q["start"], q["end"])
        assert len(_owners(text, spans, a, b)) <= 1, (text, q["text"])


@given(layouts())
@settings(max_examples=200, deadline=None)
def test_pdf_wrapped_lines_never_merge_figures(layout):
    # each gap a line break of a PDF paragraph (or of a table cell): joined as ingest does
    text, spans = layout
    cuts = [0] + [a for a, _ in spans[1:]] + [len(text)]
    lines = [text[x:y].strip() for x, y in zip(cuts, cuts[1:])]
    for joined in (_join_cell_lines("\n".join(lines)), _join_lines(lines)):
        view = compact(joined)
        for q in find_quantities(view.text):
            got = view.text[q["start"]:q["end"]]
            assert any(got in compact(line).text for line in lines), (joined, got)


def _join_lines(lines):
    out = lines[0]
    for line in lines[1:]:
        out = join_wrapped(out, line)
    return out
