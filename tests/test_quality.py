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
    # of their own ('收入支出总计 万元。' / '2024 2995.39 2023')
    codes = [w["code"] for w in putuo["warnings"]]
    assert codes == ["few_quantities", "orphan_units"]
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
    assert manifest["documents"][PUTUO.name + ".json"]["warnings"] == ["few_quantities", "orphan_units"]
    # an unchanged rerun still counts the document
    again = run_batch([str(src)], tmp_path / "out", use_model=False, jobs=0, progress="none")
    assert (again.skipped, again.warned) == (2, 1)


def test_table_of_contents_taken_for_sections_is_flagged():
    # the contents page of other-shanghai-putuo-finance-2024.pdf, had the section finder
    # taken its entries for headings: titles with no text between them, repeated below
    from pipeline.document import Document, Section
    from pipeline.quality import extraction_warnings
    titles = ["上海市普陀区财政局概况", "主要职能", "部门决算单位构成", "上海市普陀区财政局年度部门决算表",
              "收入支出决算总表", "收入决算表"]
    text, sections = "目录\n", []
    for copy in range(2):
        for t in titles:
            start = len(text)
            text += t + "\n" + ("" if copy == 0 else "本部门主要职能是贯彻执行国家财政工作的方针政策。\n")
            sections.append(Section(id=f"s{len(sections) + 1}", marker="", title=t, level=1,
                                    start=start, end=len(text), title_end=start + len(t)))
    doc = Document(source="toc.txt", format="txt", encoding="utf-8", sha256="0" * 64, text=text,
                   sections=sections)
    warnings = extraction_warnings(doc)
    assert [w["code"] for w in warnings] == ["toc_headings"]
    assert warnings[0]["message"].startswith("6 headings look like table-of-contents entries")
    doc.sections = sections[6:]                          # the body alone is fine
    assert extraction_warnings(doc) == []
