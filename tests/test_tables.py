"""Figures in tables (GUIDE.md §2 "Figures in tables"), on real tables of the reports."""
from pathlib import Path

from pipeline.document import Document
from pipeline.extract.tables import find_table_quantities, header_time, read_tables, read_unit
from pipeline.ingest import assemble, read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def doc_of(parts, year=None, fmt="docx"):
    doc = Document(source="t", format=fmt, encoding=None, sha256="0" * 64)
    assemble(doc, parts)
    doc.year = year
    return doc


def cells(table, rows, paragraph=1):
    """(text, attrs) parts of a table given as rows of cell texts (None: merged/empty)."""
    out = []
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                out.append((text, {"kind": "table_cell", "paragraph": paragraph,
                                   "table": table, "row": r, "col": c}))
    return out


def by_cell(doc):
    return {(r.fields["table"]["row"], r.fields["table"]["col"]): r
            for r in find_table_quantities(doc)}


def test_read_unit_folds_the_multiplier():
    assert read_unit("万吨") == (10000, "吨", "measure")
    assert read_unit("亿元") == (100000000, "元", "money")
    assert read_unit("万千瓦") == (10000, "千瓦", "measure")
    assert read_unit("%") == (1, "%", "percent")
    assert read_unit("万人次") == (10000, "人次", "count")
    assert read_unit("万只（片、套）") == (10000, "只（片、套）", "count")
    assert read_unit("载重吨") == (1, "载重吨", "measure")
    assert read_unit("芯千米") == (1, "芯千米", "measure")
    assert read_unit("元/吨") == (1, "元/吨", "money")
    # not units: labels, years, words
    assert read_unit("产品名称") is None
    assert read_unit("2022年") is None
    assert read_unit("合计") is None


def test_header_time_reads_years_budget_and_comparisons():
    assert header_time("2021年", 2022) == ("2021", None)
    assert header_time("比上年增长（%）", 2022) == (None, None)       # the base, not the period
    assert header_time("上年执行数", 2025) == ("2024", "actual")
    assert header_time("本年预算数", 2025) == ("2025", "target")
    assert header_time("2023年预计执行数", 2024) == ("2023", "estimate")
    assert header_time("决算数", 2023) == (None, "actual")


def test_unit_column_and_growth_header_docx_layout():
    # 南京 2022 communiqué, 表2: a unit column (计量单位), the year and a growth column
    parts = [("表2  2022年主要工业产品产量情况", {"paragraph": 1})] + cells(1, [
        ["产品名称", "计量单位", "2022年", "比上年增长（%）"],
        ["水泥", "吨", "6400703", "-12.5"],
        ["汽车用发动机", "千瓦", "59321350", "-13.3"],
        ["集成电路", "万块", "573771", "9.5"],
        ["光电子器件", "万只（片、套）", "13574", "-35.6"],
    ], paragraph=2)
    doc = doc_of(parts, year=2024)
    f = by_cell(doc)
    assert set(f) == {(r, c) for r in (2, 3, 4, 5) for c in (3, 4)}   # no unit or label cells
    cement = f[(2, 3)].fields
    assert (cement["value"], cement["unit"], cement["kind"], cement["role"], cement["metric"],
            cement["period"], cement["status"]) == (6400703, "吨", "measure", "level", "水泥",
                                                    "2022", "actual")
    growth = f[(2, 4)].fields
    assert (growth["value"], growth["unit"], growth["role"], growth["direction"], growth["period"]) \
        == (12.5, "%", "change", "down", "2022")
    assert doc.text[f[(2, 4)].start:f[(2, 4)].end] == "-12.5"
    assert f[(4, 3)].fields["value"] == 5737710000 and f[(4, 3)].fields["unit"] == "块"
    assert f[(5, 3)].fields["unit"] == "只（片、套）" and f[(5, 4)].fields["direction"] == "down"
    assert f[(4, 4)].fields["direction"] == "up"
    assert cement["table"] == {"index": 1, "row": 2, "col": 3, "row_label": "水泥",
                               "headers": ["2022年"], "caption": "表2  2022年主要工业产品产量情况"}


def test_caption_unit_and_role_when_headers_only_name_years():
    # 表1: the unit and the role are only in the caption; list markers and footnote marks
    # are not part of the metric
    parts = [("表1  2022年居民消费和商品零售价格涨跌幅度（单位：%）", {"paragraph": 1})] + cells(1, [
        ["表1  2022年居民消费和商品零售价格涨跌幅度（单位：%）"],
        ["指标名称", "2021年", "2022年"],
        ["居民消费价格", "1.5", "2.2"],
        ["三、居住[3]", "1.0", "0.8"],
    ], paragraph=2)
    f = by_cell(doc_of(parts, year=2024))
    assert {k: (r.fields["value"], r.fields["unit"], r.fields["role"], r.fields["period"])
            for k, r in f.items()} == {
        (3, 2): (1.5, "%", "change", "2021"), (3, 3): (2.2, "%", "change", "2022"),
        (4, 2): (1.0, "%", "change", "2021"), (4, 3): (0.8, "%", "change", "2022")}
    assert f[(4, 2)].fields["metric"] == "居住"
    assert f[(4, 2)].fields["table"]["row_label"] == "三、居住[3]"


def test_header_unit_with_multiplier_and_no_year_in_caption():
    # 表3 has no year of its own: it takes the year of the tables before it in the same
    # yearly communiqué
    parts = (cells(1, [["产品名称", "2022年"], ["水泥", "6400703"]])
             + [("表3  按商品分类限额以上批发零售企业消费品零售情况", {"paragraph": 3})]
             + cells(2, [["指标", "绝对值（亿元）", "比上年增长（%）"],
                         ["粮油、食品类", "457.51", "-22.7"]], paragraph=4))
    parts.insert(0, ("表2  2022年主要工业产品产量情况（单位：吨）", {"paragraph": 1}))
    f = {(r.fields["table"]["index"], r.fields["table"]["col"]): r.fields
         for r in find_table_quantities(doc_of(parts, year=2024))}
    assert (f[(2, 2)]["value"], f[(2, 2)]["unit"], f[(2, 2)]["kind"], f[(2, 2)]["period"]) == \
        (45751000000, "元", "money", "2022")
    assert f[(2, 3)]["role"] == "change" and f[(2, 3)]["value"] == 22.7


def test_not_quantities_codes_row_numbers_dashes():
    parts = [("单位：万元", {"paragraph": 1})] + cells(1, [
        ["序号", "科目编码", "项目", "预算数"],
        ["1", "201", "一般公共服务支出", "1,234.50"],
        ["2", "2010101", "行政运行", "—"],
        ["3", "208", "社会保障和就业支出", "56"],
    ], paragraph=2)
    f = by_cell(doc_of(parts, year=2025))
    assert set(f) == {(2, 4), (4, 4)}
    assert f[(2, 4)].fields["value"] == 12345000 and f[(2, 4)].fields["unit"] == "元"
    assert f[(2, 4)].fields["metric"] == "一般公共服务支出"
    assert f[(2, 4)].fields["status"] == "target" and f[(2, 4)].fields["period"] == "2025"


def test_two_sided_budget_table_takes_the_label_of_its_half():
    parts = [("2025年部门收支预算总表", {"paragraph": 1}), ("单位：万元", {"paragraph": 2})] + cells(1, [
        ["收入", None, "支出", None],
        ["项目", "预算数", "项目", "预算数"],
        ["一、财政拨款收入", "8,830.95", "一、一般公共服务支出", "8,523.10"],
        ["二、事业收入", "12.00", "二、社会保障和就业支出", "307.85"],
    ], paragraph=3)
    f = by_cell(doc_of(parts, year=2025))
    assert f[(3, 2)].fields["metric"] == "财政拨款收入"
    assert f[(3, 4)].fields["metric"] == "一般公共服务支出"
    assert f[(3, 4)].fields["value"] == 85231000 and f[(3, 4)].fields["status"] == "target"
    assert f[(3, 4)].fields["table"]["headers"] == ["支出", "预算数"]


def test_markdown_pipe_tables_units_in_cells_and_headers(tmp_path):
    # rows of the 1995 national communiqué (stats-communique-china-1995.md): units written in
    # the cells; a group header row over a row of years (Markdown cannot merge cells)
    md = ("**表1：主要产品产量及增长情况**\n\n"
          "| 产品名称 | 1995年产量 | 比1985年增长 |\n| --- | --- | --- |\n"
          "| 原煤 | 13.61 亿吨 | 56.1% |\n| 发电量 | 10070.30 亿千瓦小时 | 1.5倍 |\n\n"
          "**表3：主要工业行业资产及产出的比重、位次变化情况**\n\n"
          "| 行业 | 固定资产原价和流动资产比重(%) | 位次 |\n| --- | --- | --- |\n"
          "|  | 1985 | 1995 | 1985 | 1995 |\n"
          "| 煤炭采选 | 6.4 | 3.5 | 7 | 11 |\n")
    p = tmp_path / "t.md"
    p.write_text(md, encoding="utf-8")
    doc = read_document(p)
    doc.year = 1995
    t1, t3 = read_tables(doc)
    assert t1.caption == "表1：主要产品产量及增长情况" and t1.text(2, 1) == "原煤"
    got = [(doc.text[r.start:r.end], r.fields["value"], r.fields["unit"], r.fields["kind"],
            r.fields["role"], r.fields["metric"], r.fields["period"])
           for r in find_table_quantities(doc)]
    assert got == [
        ("13.61 亿吨", 1361000000, "吨", "measure", "level", "原煤", "1995"),
        ("56.1%", 56.1, "%", "percent", "change", "原煤", "1995"),    # 比1985年: the base
        ("10070.30 亿千瓦小时", 1007030000000, "千瓦小时", "measure", "level", "发电量", "1995"),
        ("1.5倍", 1.5, "倍", "multiple", "change", "发电量", "1995"),
        ("6.4", 6.4, "%", "percent", "share", "煤炭采选", "1985"),
        ("3.5", 3.5, "%", "percent", "share", "煤炭采选", "1995"),
        ("7", 7, "", "rank", "level", "煤炭采选", "1985"),
        ("11", 11, "", "rank", "level", "煤炭采选", "1995")]


def test_nanjing_docx_tables_end_to_end():
    from pipeline.process import process_document
    doc = read_document(CORPUS / "stats-communique-nanjing-2021-2024.docx")
    process_document(doc, use_model=False)
    tab = [r for r in doc.records if r.fields.get("table")]
    # 18 tables; every figure cell of table 2 (2022 industrial products) is a record
    assert {r.fields["table"]["index"] for r in tab} == set(range(1, 19))
    t2 = [r for r in tab if r.fields["table"]["index"] == 2]
    assert len(t2) == 40
    boats = next(r.fields for r in t2 if r.fields["metric"] == "民用钢质船舶" and r.fields["role"] == "level")
    assert (boats["value"], boats["unit"]) == (536400, "载重吨")
    # no quantity record overlaps another (the sentence rules give way in table cells)
    spans = sorted((r.start, r.end) for r in doc.records if r.type == "quantity")
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_pdf_budget_summary_two_sides_and_continued_tables():
    # 上海市普陀区商务委员会 2025 budget (pdfplumber tables with ruling lines): the summary
    # table has income on the left and expenditure on the right under one unit line
    # (编制部门：… 单位：元); function tables go on over page breaks with codes in 类 款 项
    doc = read_document(Path(__file__).parent / "data" / "tables" / "other-shanghai-putuo-commerce-2025.pdf")
    doc.year = 2025
    recs = find_table_quantities(doc)
    summary = {(r.fields["table"]["row"], r.fields["table"]["col"]): r.fields
               for r in recs if r.fields["table"]["index"] == 1}
    assert summary[(3, 2)]["metric"] == "财政拨款收入"
    assert summary[(3, 4)]["metric"] == "一般公共服务支出"
    assert summary[(4, 2)]["metric"] == "一般公共预算资金"          # "1. " dropped
    assert (summary[(7, 4)]["value"], summary[(7, 4)]["unit"], summary[(7, 4)]["kind"]) == \
        (293810000, "元", "money")
    assert {(f["period"], f["status"], f["role"]) for f in summary.values()} == {("2025", "target", "level")}
    assert summary[(3, 4)]["table"]["headers"] == ["本年支出", "预算数"]
    # no code (201, 06, 01) became a figure, and the table of 三公 funds is in 万元
    assert all("," in doc.text[r.start:r.end] or "." in doc.text[r.start:r.end] for r in recs)
    by_caption = {}
    for r in recs:
        by_caption.setdefault(r.fields["table"]["caption"], []).append(r.fields)
    sangong = next(v for k, v in by_caption.items() if k and "三公" in k)
    assert sangong[0]["value"] == 10000 and sangong[0]["metric"] == "“三公”经费"
    # the function table goes on over the page break: one table, labels all the way down
    func = next(v for k, v in by_caption.items() if k and k.endswith("部门支出预算总表"))
    assert len({f["table"]["index"] for f in func}) == 1 and all(f["metric"] for f in func)
