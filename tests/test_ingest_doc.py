"""Legacy Word .doc: converted by LibreOffice (started by the pipeline) into the .docx reader."""
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.document import InputError
from pipeline.ingest import doc as doc_module
from pipeline.ingest import read_document
from pipeline.output import document_json
from pipeline.process import process_document, process_file

DATA = Path(__file__).resolve().parent / "data"
# A real communiqué with tables and bold lead runs (../shared/corpus/real).
CIVIL_AFFAIRS = DATA / "formats" / "stats-communique-china-civil-affairs-2021.docx"


@pytest.fixture(scope="module")
def civil_affairs_doc(libreoffice, tmp_path_factory) -> Path:
    """The .docx saved as Word 97 .doc by the same converter the pipeline uses."""
    out = tmp_path_factory.mktemp("doc")
    made = doc_module.convert(CIVIL_AFFAIRS, "doc", out)
    assert made.read_bytes()[:8] == doc_module.OLE_MAGIC
    return made


def _key(r: dict) -> tuple:
    return (r["type"], r["text"], r.get("value"), r.get("unit"), r.get("canonical"))


def test_doc_gives_the_records_of_the_docx(civil_affairs_doc):
    from_docx = process_file(CIVIL_AFFAIRS, use_model=False)
    doc_doc = read_document(civil_affairs_doc)              # one conversion: it takes seconds
    assert doc_doc.format == "doc"
    from_doc = document_json(process_document(doc_doc, use_model=False), "", None)
    a, b = [_key(r) for r in from_docx["records"]], [_key(r) for r in from_doc["records"]]
    assert len(a) > 100
    same = sum(1 for k in set(a) if k in set(b))
    assert same >= 0.97 * len(set(a)) and abs(len(a) - len(b)) <= 0.03 * len(a)
    # the table cells and bold lead runs survive the round trip
    docx_doc = read_document(CIVIL_AFFAIRS)
    cells = lambda d: [(d.text[x.start:x.end], x.row, x.col) for x in d.blocks if x.kind == "table_cell"]
    assert cells(doc_doc) == cells(docx_doc) and len(cells(doc_doc)) == 27
    assert sum(x.lead_bold > 0 for x in doc_doc.blocks) == sum(x.lead_bold > 0 for x in docx_doc.blocks)


def test_doc_that_is_really_something_else_is_refused(tmp_path):
    fake = tmp_path / "report.doc"
    fake.write_text("一、综合\n全年生产总值5481.6亿元。", encoding="utf-8")
    with pytest.raises(InputError, match="not a DOC file"):
        read_document(fake)


def test_damaged_doc_is_refused_in_one_line(tmp_path, civil_affairs_doc):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(civil_affairs_doc.read_bytes()[:1536])      # container header only
    with pytest.raises(InputError) as e:
        read_document(broken)
    assert "cannot convert the .doc" in str(e.value) and "\n" not in str(e.value)


def test_missing_converter_names_the_package(tmp_path, monkeypatch):
    path = tmp_path / "report.doc"
    path.write_bytes(doc_module.OLE_MAGIC + b"\0" * 1024)
    monkeypatch.setattr(doc_module.shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install libreoffice-writer-nogui"):
        read_document(path)
