"""Scanned PDFs: pages without a text layer are read by OCR (RapidOCR on ONNX Runtime).

The scan is made here from a real report: a page of the Zhoukou communiqué rendered to an
image and saved back as an image-only PDF page. Only one page is OCR'd (a module fixture):
OCR costs seconds of CPU per page.
"""
import json
from collections import Counter
from pathlib import Path

import jsonschema
import pypdfium2
import pytest
from PIL import Image

from pipeline.batch import run_batch
from pipeline.document import InputError
from pipeline.ingest import read_document
from pipeline.ingest.ocr import clean_ocr_text, group_lines
from pipeline.output import SCHEMA_PATH
from pipeline.process import process_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ZHOUKOU = CORPUS / "stats-communique-zhoukou-2023.pdf"
SCAN_DPI = 200


def _scan(page, dpi: int = SCAN_DPI) -> Image.Image:
    return page.render(scale=dpi / 72).to_pil().convert("RGB")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict:
    """``text``: Zhoukou pages 1-2 with their text layer; ``mixed``: page 1 with its text
    layer, page 2 as a scanned image only."""
    out = tmp_path_factory.mktemp("ocr")
    src = pypdfium2.PdfDocument(str(ZHOUKOU))
    text = pypdfium2.PdfDocument.new()
    text.import_pages(src, [0, 1])
    text.save(str(out / "text.pdf"))
    _scan(src[1]).save(out / "scan.pdf", resolution=SCAN_DPI)
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(src, [0])
    mixed.import_pages(pypdfium2.PdfDocument(str(out / "scan.pdf")))
    mixed.save(str(out / "mixed.pdf"))
    return {"text": out / "text.pdf", "mixed": out / "mixed.pdf", "dir": out}


@pytest.fixture(scope="module")
def outputs(pdfs) -> dict:
    return {"text": process_file(pdfs["text"], use_model=False),
            "mixed": process_file(pdfs["mixed"], use_model=False)}       # OCRs page 2 only


def _figures(out: dict, page: int) -> Counter:
    return Counter((r["value"], r["unit"]) for r in out["records"]
                   if r["type"] == "quantity" and r["page"] == page)


def test_scanned_page_gives_the_figures_of_the_text_layer(outputs):
    want, got = _figures(outputs["text"], 2), _figures(outputs["mixed"], 2)
    assert sum(want.values()) >= 30
    # the same values with the same units: >= 95 % of the text layer's figures
    assert sum((want & got).values()) >= 0.95 * sum(want.values())
    assert sum((got - want).values()) <= 0.05 * sum(want.values())
    text = outputs["mixed"]["document"]["text"]
    assert "农村劳动力转移就业总量300.05万人，其中省内转移121.36万人，省外输出178.31万人。" in text
    assert "-2-" not in text                                # the page number is dropped


def test_ocr_lines_join_into_the_paragraphs_of_the_text_layer(outputs):
    def paragraphs(out):
        return [out["document"]["text"][b["start"]:b["end"]] for b in out["document"]["ocr"]["blocks"]]
    blocks = paragraphs(outputs["mixed"])
    # a paragraph wrapped over four lines of the scan is one block, joined without spaces
    assert any(b.startswith("全年全市实现新增城镇就业7.52万人") and b.endswith("省外输出178.31万人。")
               for b in blocks)
    # a table row: its two columns on one line, apart
    assert "城市 99.9" in blocks


def test_ocr_text_is_marked_with_its_confidence(outputs):
    out = outputs["mixed"]
    jsonschema.validate(out, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    ocr = out["document"]["ocr"]
    assert ocr["pages"] == [2] and ocr["engine"].startswith("rapidocr-onnxruntime ")
    assert all(b["page"] == 2 and b["ocr"] is True and 0.5 <= b["confidence"] <= 1 for b in ocr["blocks"])
    for r in out["records"]:
        if r["page"] == 2:
            block = next(b for b in ocr["blocks"] if b["start"] <= r["start"] < b["end"])
            assert r["ocr"] is True and r["confidence"] == block["confidence"]
        else:                                   # page 1 keeps its text layer, unmarked
            assert "ocr" not in r and "confidence" not in r
    assert _figures(out, 1) == _figures(outputs["text"], 1)
    assert "ocr" not in outputs["text"]["document"]


def test_review_page_shows_what_was_read_by_ocr(outputs):
    from pipeline.qa.review import review_page
    out = outputs["mixed"]
    page = review_page(out)
    first = out["document"]["ocr"]["blocks"][0]
    assert page.count(f'<span class="ocr" title="read by OCR, confidence {first["confidence"]}">') >= 1
    assert page.count('<span class="ocr"') >= len(out["document"]["ocr"]["blocks"])
    on_page_2 = sum(1 for r in out["records"] if r.get("ocr"))
    assert on_page_2 and page.count("read by OCR (confidence") == on_page_2


def test_ocr_never_reads_the_text_layer_only(pdfs, outputs):
    doc = read_document(pdfs["mixed"], ocr="never")
    assert {b.page for b in doc.blocks} == {1}
    assert not any(b.ocr for b in doc.blocks)
    with pytest.raises(InputError) as e:
        read_document(pdfs["dir"] / "scan.pdf", ocr="never")
    assert "no text layer" in str(e.value) and "\n" not in str(e.value)


def test_image_only_pdf_without_readable_text_is_one_line_error(tmp_path):
    blank = tmp_path / "blank-scan.pdf"
    Image.new("RGB", (1240, 1754), "white").save(blank, resolution=150)
    with pytest.raises(InputError) as e:
        read_document(blank)
    msg = str(e.value)
    assert "OCR found no text" in msg and "\n" not in msg


def test_group_lines_orders_boxes_by_line_then_column():
    # boxes as the detector gives them for a table row and the line below, out of order
    boxes = [{"text": "99.9", "x0": 430, "x1": 452, "top": 330.1, "bottom": 342.0, "confidence": 0.9},
             {"text": "农村", "x0": 142, "x1": 166, "top": 342.5, "bottom": 355.0, "confidence": 1.0},
             {"text": "城市", "x0": 142, "x1": 165, "top": 329.8, "bottom": 342.1, "confidence": 1.0},
             {"text": "100.1", "x0": 427, "x1": 452, "top": 343.0, "bottom": 355.2, "confidence": 1.0}]
    lines = group_lines(boxes)
    assert [ln["text"] for ln in lines] == ["城市 99.9", "农村 100.1"]
    assert lines[0]["confidence"] == pytest.approx((2 * 1.0 + 4 * 0.9) / 6)


def test_per_mille_misread_as_percent_zero_is_fixed():
    # the recogniser's reading of the Zhoukou communiqué's page 1 (出生率8.47‰ …)
    read = "万人，出生率8.47%0；死亡人口7.90万人，死亡率9.04%0；自然增长率-0.57%0。"
    assert clean_ocr_text(read) == "万人，出生率8.47‰；死亡人口7.90万人，死亡率9.04‰；自然增长率-0.57‰。"
    assert clean_ocr_text("增长5%，0.5个百分点") == "增长5%，0.5个百分点"


def test_batch_redoes_outputs_when_the_ocr_mode_changes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "tianhe.txt").write_bytes((CORPUS / "tianhe-ip-2023.txt").read_bytes())
    out = tmp_path / "out"
    assert run_batch([str(src)], out, use_model=False, jobs=0, progress="none", ocr="never").ok == 1
    manifest = json.loads((out / "_run.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["ocr"] == "never" and manifest["options"]["ocr"] == "never"
    assert run_batch([str(src)], out, use_model=False, jobs=0, progress="none", ocr="never").skipped == 1
    assert run_batch([str(src)], out, use_model=False, jobs=0, progress="none", ocr="auto").ok == 1
