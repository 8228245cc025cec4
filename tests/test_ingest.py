"""Ingest: every format into one document model; bad input fails with a one-line reason."""
from pathlib import Path

import pytest

from pipeline.document import InputError
from pipeline.ingest import read_document
from pipeline.ingest.txt import read_txt
from pipeline.normalise import clean_line
from pipeline.textview import compact

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BAD = Path(__file__).resolve().parent / "data" / "bad"


def test_utf8_txt_keeps_text_and_paragraphs():
    doc = read_document(CORPUS / "tianhe-ip-2023.txt")
    assert doc.format == "txt" and doc.encoding == "utf-8"
    assert doc.text.startswith("2023年，广州市天河区知识产权工作领导小组")
    assert "专利：全年全区专利授权量19298件" in doc.text
    for b in doc.blocks:                      # blocks tile the text, in order
        assert doc.text[b.start:b.end].strip() == doc.text[b.start:b.end]
    assert [b.paragraph for b in doc.blocks] == sorted(b.paragraph for b in doc.blocks)


def test_gbk_with_double_cr_line_ends():
    doc = read_document(CORPUS / "gov-work-report-china-2018.txt")
    assert doc.encoding == "gbk"
    assert "\r" not in doc.text
    assert "政府工作报告" in doc.text[:400]


def test_utf8_bom_is_recorded():
    parts, enc = read_txt("\ufeff一、综合\n全年生产总值5481.6亿元。".encode("utf-8"))
    assert enc == "utf-8-sig"
    assert parts[0][0] == "一、综合"


def test_markdown_headings_become_heading_blocks_without_hashes():
    doc = read_document(CORPUS / "other-shaanxi-2017.md")
    heads = [(doc.text[b.start:b.end], b.heading_level) for b in doc.blocks if b.kind == "heading"]
    assert ("裁判要点", 2) in heads
    assert "<!--" not in doc.text and "#" not in doc.text


def test_docx_paragraphs_in_order_with_ideographic_indent_removed():
    doc = read_document(CORPUS / "gov-work-report-changsha-2024.docx")
    assert doc.format == "docx" and doc.encoding is None
    assert doc.text.startswith("各位代表：\n现在，我代表市人民政府向大会报告工作")
    assert "\n一、2023年工作回顾\n" in doc.text


def test_pdf_joins_wrapped_lines_and_drops_page_numbers():
    doc = read_document(CORPUS / "other-huaian-hongze-2023.pdf")
    # the PDF wraps this sentence after 中华人民共和; the join adds no space
    assert "《中华人民共和国政府信息公开条例》" in doc.text
    assert "- 1 -" not in doc.text
    assert all(b.page for b in doc.blocks)
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert cells and all(b.table and b.row and b.col for b in cells)


def test_pdf_pages_recorded():
    doc = read_document(CORPUS / "stats-communique-zhoukou-2023.pdf")
    pages = {b.page for b in doc.blocks}
    assert min(pages) == 1 and max(pages) >= 10
    i = doc.text.find("年末全市民用汽车保有量")
    assert doc.block_at(i).page > 1


def test_debris_removed():
    assert clean_line("[bookmark: _GoBack]加强知识产权审判工作。") == "加强知识产权审判工作。"
    assert clean_line("<p>当前位置：首页</p>&nbsp;") == "当前位置：首页"
    assert clean_line("\u3000\u3000一、综合\u00a0") == "一、综合"


def test_compact_view_maps_back_to_original_offsets():
    text = "年末共保障城市特困人员620 人，增长２９．６％。"
    view = compact(text)
    assert view.text == "年末共保障城市特困人员620人，增长29.6%。"
    i = view.text.index("620人")
    a, b = view.span(i, i + 4)
    assert text[a:b] == "620 人"
    j = view.text.index("29.6%")
    a, b = view.span(j, j + 5)
    assert text[a:b] == "２９．６％"


@pytest.mark.parametrize("name,reason", [
    ("empty.txt", "empty file"),
    ("garbage.txt", "binary"),
    ("latin1.txt", "cannot decode"),
    ("not-a-zip.docx", "corrupt .docx"),
    ("truncated.pdf", "corrupt PDF"),
    ("encrypted.pdf", "encrypted PDF"),
    ("scanned-no-text.pdf", "no text layer"),
])
def test_bad_input_gives_one_line_reason(name, reason):
    with pytest.raises(InputError) as e:
        read_document(BAD / name)
    msg = str(e.value)
    assert reason in msg and "\n" not in msg


def test_misnamed_pdf_is_refused_by_content(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_text("一、综合\n全年生产总值5481.6亿元。", encoding="utf-8")
    with pytest.raises(InputError, match="not a PDF"):
        read_document(p)


def test_huge_file_refused(tmp_path, monkeypatch):
    import pipeline.ingest as ingest
    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    p = tmp_path / "big.txt"
    p.write_text("全年生产总值5481.6亿元。" * 20, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_document(p)


def test_docx_tables_keep_every_cell_once(tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph("表1 2023年年末户籍人口及其构成")
    for t in range(30):
        table = d.add_table(rows=3, cols=3)
        a = table.cell(0, 0).merge(table.cell(0, 2))      # one merged header cell
        a.text = f"指标{t}"
        for r in (1, 2):
            for c in range(3):
                table.cell(r, c).text = f"{t}-{r}-{c}"
    path = tmp_path / "tables.docx"
    d.save(path)
    doc = read_document(path)
    cells = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "table_cell"]
    assert len(cells) == 30 * 7
    assert len(set(cells)) == len(cells)
    first = [b for b in doc.blocks if b.kind == "table_cell" and b.table == 1]
    assert [(b.row, b.col) for b in first] == [(1, 1), (2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3)]


def test_scraped_code_points_and_web_debris():
    assert clean_line("<U+00A0><U+00A0>一、 过去五年工作回顾") == "一、 过去五年工作回顾"


def test_docx_that_unpacks_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    """A few KB of zip can hold megabytes of paragraphs: the limit is on the unpacked size."""
    import zipfile

    import pipeline.ingest as ingest
    src = CORPUS / "gov-work-report-changsha-2024.docx"
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p/>" * 1_000_000 + b"</w:body>")
            zout.writestr(info, data, zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(ingest, "MAX_BYTES", 4 * 1024 * 1024)
    assert bomb.stat().st_size < ingest.MAX_BYTES
    with pytest.raises(InputError, match=r"^unpacks to \d+ bytes \(limit 4194304, set GOVREPORT_MAX_BYTES\)$"):
        read_document(bomb)
    monkeypatch.setattr(ingest, "MAX_BYTES", 200 * 1024 * 1024)
    assert "长沙" in read_document(src).text[:2000]
