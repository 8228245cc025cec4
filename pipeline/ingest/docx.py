"""Word .docx with python-docx: body paragraphs and tables in document order.

Heading styles and a bold run that opens a paragraph are kept as structure hints for the
section finder; numbered paragraphs become list items; tables stay tables (one block per
cell with its row and column). Footnotes live in a separate part of the package and are
never mixed into the paragraphs.
"""
from __future__ import annotations

import zipfile

import regex as re

from pipeline.document import InputError
from pipeline.normalise import clean_line, join_wrapped, paragraph_start_pattern

_HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)
# Lines that open a paragraph of their own: numbering, figure and table captions, notes.
_CAPTION = r"[图表]\s*\d|注[:：释\d]|单位[:：]|资料来源"
_OPENS_PARAGRAPH = paragraph_start_pattern(_CAPTION)
_IS_CAPTION = re.compile("^(?:" + _CAPTION + ")")
# A paragraph ending in one of these ends its sentence; one ending otherwise may go on.
_SENTENCE_END = "。！？；：!?;:…”’）)」』"
# Punctuation inside a line that shows it is running text, not a title or a caption.
_RUNNING_TEXT = re.compile(r"[，。；：,;:]")


def read_docx(path) -> list[tuple[str, dict]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from pipeline.ingest import MAX_BYTES
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            # The size limit is on what the package unpacks to, not its zip size: a few
            # KB of zip can hold gigabytes of XML. (zipfile never inflates a member past
            # the size its header declares, so this sum is a true bound.)
            unpacked = sum(info.file_size for info in z.infolist())
    except zipfile.BadZipFile:
        raise InputError("corrupt .docx (not a valid zip package)") from None
    if unpacked > MAX_BYTES:
        raise InputError(f"unpacks to {unpacked} bytes (limit {MAX_BYTES}, set GOVREPORT_MAX_BYTES)")
    if "EncryptedPackage" in names or "word/document.xml" not in names:
        raise InputError("not a Word document or encrypted .docx")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise InputError(f"corrupt .docx ({type(e).__name__})") from None
    except Exception as e:  # lxml errors on damaged XML
        raise InputError(f"corrupt .docx ({type(e).__name__}: {str(e)[:80]})") from None

    parts: list[tuple[str, dict]] = []
    n_par = n_table = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n_par += 1
            para = Paragraph(child, document)
            text = clean_line(para.text)
            if not text:
                continue
            parts.append((text, _paragraph_attrs(para, text, n_par)))
        elif tag == "tbl":
            n_table += 1
            table = Table(child, document)
            seen = set()
            for r, row in enumerate(table.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    # Merged cells repeat the same element. Keep the elements themselves in
                    # the set: an id() of a dropped proxy can be reused by the next one.
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    text = clean_line(" ".join(p.text for p in cell.paragraphs))
                    if text:
                        parts.append((text, {"kind": "table_cell", "paragraph": n_par,
                                             "table": n_table, "row": r, "col": c}))
    return join_broken_paragraphs(parts)


def join_broken_paragraphs(parts: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Re-join sentences a Word file breaks into paragraphs (one paragraph per line or per
    page, as PDF-to-Word converters write them): '…比上年下降' + '0.4 个千分点。'.

    A plain paragraph of running text that stops mid-sentence is continued by the next
    plain paragraph unless that one opens a paragraph of its own (numbering, a caption, a
    bold run-in heading). Titles, headings and captions (no running-text punctuation)
    are never joined."""
    out: list[tuple[str, dict]] = []
    for text, attrs in parts:
        if out and _continues(out[-1], (text, attrs)):
            prev, prev_attrs = out[-1]
            out[-1] = (join_wrapped(prev, text), prev_attrs)
            continue
        out.append((text, attrs))
    return out


def _continues(prev: tuple[str, dict], part: tuple[str, dict]) -> bool:
    (head, head_attrs), (text, attrs) = prev, part
    if head_attrs.get("kind", "paragraph") != "paragraph" or attrs.get("kind", "paragraph") != "paragraph":
        return False
    if head[-1] in _SENTENCE_END or not _RUNNING_TEXT.search(head) or _IS_CAPTION.match(head):
        return False
    return not (attrs.get("lead_bold") or _OPENS_PARAGRAPH.match(text))


def _paragraph_attrs(para, text: str, n_par: int) -> dict:
    attrs: dict = {"paragraph": n_par}
    style = para.style.name if para.style is not None else ""
    m = _HEADING_STYLE.match(style or "")
    if m:
        attrs.update(kind="heading", heading_level=int(m.group(1)))
    elif style == "Title":
        attrs.update(kind="heading", heading_level=0)
    elif para._p.pPr is not None and para._p.pPr.numPr is not None:
        attrs["kind"] = "list_item"
    attrs["lead_bold"] = _lead_bold_length(para, text)
    return attrs


def _lead_bold_length(para, text: str) -> int:
    """Characters of ``text`` covered by bold runs at the start of the paragraph."""
    bold = ""
    for run in para.runs:
        if not run.text.strip():
            bold += run.text
            continue
        if run.bold:
            bold += run.text
        else:
            break
    return len(clean_line(bold))
