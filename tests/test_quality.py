"""Extraction-quality warnings (issue 14, item 4): a document whose layout was not
understood says so in its output and in the batch summary instead of passing as ok."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from pipeline.batch import run_batch
from pipeline.output import SCHEMA_PATH
from pipeline.process import process_file

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
PUTUO = FORMATS / "other-shanghai-putuo-finance-2024.pdf"


@pytest.fixture(scope="module")
def putuo():
    return process_file(PUTUO, use_model=False)


def test_pdf_with_figures_on_their_own_lines_carries_warnings(putuo):
    # other-shanghai-putuo-finance-2024.pdf prints its figures in another font, on lines
    # of their own ('收入支出总计 万元。' / '2024 2995.39 2023'), after a table of contents
    codes = [w["code"] for w in putuo["warnings"]]
    assert codes == ["few_quantities", "orphan_units", "toc_headings"]
    assert all(w["message"] for w in putuo["warnings"])
    jsonschema.validate(putuo, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["stats-communique-china-civil-affairs-2021.docx",
                                  "stats-communique-qiandongnan-2016.docx"])
def test_well_read_reports_carry_no_warning(name):
    assert process_file(FORMATS / name, use_model=False)["warnings"] == []


def test_batch_names_the_document_and_counts_it(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(PUTUO, src)
    shutil.copy(FORMATS / "stats-communique-qiandongnan-2016.docx", src)
    err = io.StringIO()
    summary = run_batch([str(src)], tmp_path / "out", use_model=False, jobs=0, progress="log", stream=err)
    assert (summary.ok, summary.warned) == (2, 1)
    assert "1 with warnings" in summary.line()
    lines = [x for x in err.getvalue().splitlines() if "warning:" in x]
    assert len(lines) == 1 and PUTUO.name in lines[0] and "few_quantities" in lines[0]
    manifest = json.loads((tmp_path / "out" / "_run.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["with_warnings"] == 1
    assert manifest["documents"][PUTUO.name + ".json"]["warnings"] == ["few_quantities", "orphan_units", "toc_headings"]
    # an unchanged rerun still counts the document
    again = run_batch([str(src)], tmp_path / "out", use_model=False, jobs=0, progress="none")
    assert (again.skipped, again.warned) == (2, 1)
