"""PDF with pdfplumber: text lines in reading order, re-joined into paragraphs.

- Lines that run to the right margin continue on the next line (wrapped mid-sentence);
  Chinese needs no space at the join. A line that stops short, or a next line that is
  indented or starts with a numbering marker, ends the paragraph.
- A line in a larger type than the body text (the page title of a budget or disclosure
  report: ``名词解释``, ``2025年部门预算编制说明``) is a heading of its own, never joined to
  the body line after it; a title in large type that wraps onto a second line of the same
  size is joined. The first one on page 1 is the document title.
- Running headers/footers (the same text at the top or bottom of many pages) and page
  numbers are dropped; each paragraph keeps the page it starts on.
- Tables found by pdfplumber are kept as tables (one block per cell) and their text is
  kept out of the paragraphs.
- Pages without a text layer (scans) are read by OCR (:mod:`pipeline.ingest.ocr`) into
  lines of the same shape; their paragraphs are marked ``ocr`` with the lowest line
  confidence.
"""
from __future__ import annotations

from collections import Counter

import regex as re

from pipeline.document import InputError
from pipeline.normalise import clean_line, join_wrapped, paragraph_start_pattern

_PAGE_NUMBER = re.compile(r"^(?:[-—–_·\s]*\d{1,4}[-—–_·\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[-—–]?\s*[IVXLC]+\s*[-—–]?)$")
_STARTS_STRUCTURE = paragraph_start_pattern(r"注[:：\d]")
# A full line ending in one of these still ends its paragraph.
_PARAGRAPH_END = "。！？；"
# A line this much taller than the body text is set in a title type.
TITLE_TYPE = 1.25
_TITLE_LEN = 40
_NOT_A_TITLE = re.compile(r"[。；，,：:]$|^[\d\s年月日.\-/]+$|^目\s*录$")
# An OCR line this much taller than the usual OCR line is in a title type.
OCR_TITLE_RATIO = 1.3
MARGIN = 0.08      # share of the page height treated as header/footer band


def read_pdf(path, ocr: str = "auto") -> list[tuple[str, dict]]:
    import pdfplumber
    from pipeline.ingest.ocr import check_mode
    from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
    from pdfminer.pdfparser import PDFSyntaxError

    check_mode(ocr)
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError("encrypted PDF (password required)") from None
    except PDFSyntaxError:
        raise InputError("corrupt PDF (cannot parse)") from None
    except Exception as e:
        # pdfplumber wraps pdfminer's errors; the cause names what went wrong.
        names = " ".join(type(x).__name__ for x in (e, *e.args, e.__context__) if x is not None)
        if "Password" in names or "Encrypt" in names:
            raise InputError("encrypted PDF (password required)") from None
        raise InputError(f"corrupt PDF (cannot parse: {names.split()[-1]})") from None
    with pdf:
        try:
            pages = [_read_page(page) for page in pdf.pages]
            scanned = _read_scanned_pages(path, pdf.pages, pages, ocr)
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"corrupt PDF ({type(e).__name__}: {str(e)[:80]})") from None
    if not any(p["lines"] or p["tables"] for p in pages):
        if scanned:
            raise InputError(f"no text layer, and OCR found no text on its {scanned} page(s) "
                             "(blank or unreadable scan?)")
        raise InputError("no text layer (scanned PDF?): nothing to extract without OCR"
                         + (" (--ocr never)" if ocr == "never" else ""))
    _drop_running_lines(pages)
    return _paragraphs(pages)


def _read_page(page) -> dict:
    tables = []
    try:
        found = page.find_tables()
    except Exception:
        found = []
    boxes = []
    for t in found:
        rows = t.extract()
        # A one-column "table" is a frame drawn around running text, not a table.
        if not rows or max(len(row) for row in rows) < 2 or len(rows) < 2 \
                or sum(1 for row in rows for c in row if c and c.strip()) < 3:
            continue
        # Lines drawn around only some columns of a table without inner rules give one
        # "row" of cells holding many lines each: the lines stay text, read as a text table.
        if len(rows) <= 3 and any((c or "").count("\n") >= 3 for row in rows for c in row):
            continue
        boxes.append(t.bbox)
        tables.append({"top": t.bbox[1], "rows": rows})

    def outside(obj):
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    body = page.filter(outside) if boxes else page
    lines = []
    for ln in body.extract_text_lines(strip=True, return_chars=False):
        text = clean_line(ln["text"])
        if text:
            lines.append({"text": text, "x0": ln["x0"], "x1": ln["x1"], "height": ln["bottom"] - ln["top"],
                          "top": ln["top"], "bottom": ln["bottom"]})
    if any(_TABLE_CAPTION.match(ln["text"]) for ln in lines):
        lines, text_tables = _text_tables(body, lines)
        tables.extend(text_tables)
    return {"number": page.page_number, "width": page.width, "height": page.height,
            "lines": lines, "tables": tables}


def _read_scanned_pages(path, plumber_pages, pages: list[dict], mode: str) -> int:
    """Replace the text of the pages OCR reads (see ``ocr.page_needs_ocr``) by OCR lines;
    the number of pages read so."""
    from pipeline.ingest.ocr import ocr_page, page_needs_ocr
    scanned = []
    for i, (page, p) in enumerate(zip(plumber_pages, pages)):
        chars = sum(len(ln["text"]) for ln in p["lines"]) + sum(
            len(c or "") for t in p["tables"] for row in t["rows"] for c in row)
        if page_needs_ocr(page, chars, mode):
            try:
                p["lines"], p["tables"] = ocr_page(path, i), []
            except (InputError, MemoryError):
                raise
            except Exception as e:      # the page's image or the OCR engine, not the PDF
                raise InputError(f"OCR failed on page {i + 1} ({type(e).__name__}: {str(e)[:80]})") from None
            scanned.append(p)
    if scanned:
        _ocr_heights_in_type_sizes(scanned, [p for p in pages if not any(p is q for q in scanned)])
    return len(scanned)


def _ocr_heights_in_type_sizes(scanned: list[dict], text_pages: list[dict]) -> None:
    """OCR box heights carry the detector's padding and vary with brackets and digits,
    so the title-type test would take many OCR lines for titles. An OCR line whose type
    size (``ocr.type_size``) is well above the usual one keeps its size relative to it;
    the rest are body type. The body type is that of the text-layer pages where there
    are some, so both compare."""
    sizes = sorted(ln["size"] for p in scanned for ln in p["lines"] if ln.get("size"))
    if not sizes:
        return
    usual = sizes[len(sizes) // 2]
    body = _body_height(text_pages) or usual
    for p in scanned:
        for ln in p["lines"]:
            ratio = (ln.get("size") or usual) / usual
            ln["height"] = body * (ratio if ratio >= OCR_TITLE_RATIO else 1.0)


_TABLE_CAPTION = re.compile(r"^附?表\s*[\d一二三四五六七八九十]+(?![\d.])")
_NUM_WORD = re.compile(r"^[-−–+]?\d[\d,]*(?:\.\d+)?[%‰]?$")
_PROSE = re.compile(r"[，。；！？]")


def _text_tables(page, lines: list[dict]) -> tuple[list[dict], list[dict]]:
    """Tables drawn without ruling lines under a caption (表3 …): the caption stays a
    line; the header and the rows after it (short lines holding figures, no sentence
    punctuation) become a table whose columns are where the words of the rows stand."""
    words = page.extract_words(x_tolerance=1.5, keep_blank_chars=False)
    taken: set[int] = set()
    tables = []
    i = 0
    while i < len(lines):
        if not _TABLE_CAPTION.match(lines[i]["text"]):
            i += 1
            continue
        rows, j = [], i + 1
        while j < len(lines) and not _TABLE_CAPTION.match(lines[j]["text"]) \
                and not _PROSE.search(lines[j]["text"]) and len(lines[j]["text"]) <= 60 \
                and not _PAGE_NUMBER.match(lines[j]["text"]):
            rows.append(j)
            j += 1
        line_words = [[w for w in words if ln["top"] - 1 <= (w["top"] + w["bottom"]) / 2 <= ln["bottom"] + 1]
                      for ln in (lines[k] for k in rows)]
        data = [n for n, ws in enumerate(line_words) if any(_NUM_WORD.match(w["text"]) for w in ws[1:])]
        if len(data) < 2:
            i = j
            continue
        first, last = data[0], data[-1]
        columns = _columns([w for n in range(first, last + 1) for w in line_words[n]])
        if len(columns) < 2:
            i = j
            continue
        grid = []
        for n in range(0, last + 1):
            cells = [""] * len(columns)
            for w in sorted(line_words[n], key=lambda w: w["x0"]):
                cells[_nearest(columns, w)] += w["text"]
            grid.append(cells)
        tables.append({"top": lines[rows[0]]["top"], "rows": grid})
        taken.update(rows[:last + 1])
        i = j
    return [ln for k, ln in enumerate(lines) if k not in taken], tables


def _columns(words: list[dict]) -> list[tuple[float, float]]:
    """Column extents: the x-ranges of the words of the rows, merged where they overlap."""
    cols: list[list[float]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if cols and w["x0"] <= cols[-1][1] + 1:
            cols[-1][1] = max(cols[-1][1], w["x1"])
        else:
            cols.append([w["x0"], w["x1"]])
    return [(a, b) for a, b in cols]


def _nearest(columns: list[tuple[float, float]], w: dict) -> int:
    def gap(col):
        a, b = col
        overlap = min(b, w["x1"]) - max(a, w["x0"])
        return -overlap if overlap > 0 else max(a - w["x1"], w["x0"] - b)
    return min(range(len(columns)), key=lambda k: gap(columns[k]))


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_lines(pages: list[dict]) -> None:
    """Remove page numbers and headers/footers repeated across pages."""
    band_counts: Counter = Counter()
    for p in pages:
        keys = {_key(ln["text"]) for ln in p["lines"] if _in_band(ln, p)}
        band_counts.update(keys)
    repeated = {k for k, n in band_counts.items() if n >= max(2, len(pages) // 3)}
    for p in pages:
        p["lines"] = [ln for ln in p["lines"]
                      if not (_in_band(ln, p) and (_PAGE_NUMBER.match(ln["text"]) or _key(ln["text"]) in repeated))
                      and not (_PAGE_NUMBER.match(ln["text"]) and len(ln["text"]) <= 12 and _is_isolated(ln, p))]


def _in_band(ln: dict, p: dict) -> bool:
    return ln["top"] < p["height"] * MARGIN or ln["bottom"] > p["height"] * (1 - MARGIN)


def _is_isolated(ln: dict, p: dict) -> bool:
    """A number alone on the last or first line of a page is a page number."""
    return bool(p["lines"]) and (ln is p["lines"][-1] or ln is p["lines"][0])


def _body_height(pages: list[dict]) -> float:
    """The line height most lines have: the body type."""
    counts = Counter(round(ln["height"]) for p in pages for ln in p["lines"])
    return float(counts.most_common(1)[0][0]) if counts else 0.0


def _paragraphs(pages: list[dict]) -> list[tuple[str, dict]]:
    parts: list[tuple[str, dict]] = []
    n_par = n_table = 0
    open_par = None            # [text, attrs, last_line_full, line height]
    left = right = None
    body_h = _body_height(pages)
    seen_body = False          # a line in body type has come (page 1's title block is over)

    def title_type(h: float) -> bool:
        return body_h > 0 and h >= TITLE_TYPE * body_h

    def close():
        nonlocal seen_body
        text, attrs, _, h = open_par
        if title_type(h) and len(text) <= _TITLE_LEN and not _NOT_A_TITLE.search(text):
            if not seen_body and not any(a.get("heading_level") == 0 for _, a in parts):
                attrs.update(kind="heading", heading_level=0)
            elif seen_body:
                attrs.update(kind="heading", heading_level=1)
        if not title_type(h):
            seen_body = True
        parts.append((text, attrs))

    for p in pages:
        xs0 = [ln["x0"] for ln in p["lines"]]
        xs1 = [ln["x1"] for ln in p["lines"]]
        if xs0:
            left = _percentile(xs0, 0.1)
            right = _percentile(xs1, 0.9)
        items = [(ln["top"], "line", ln) for ln in p["lines"]] + [(t["top"], "table", t) for t in p["tables"]]
        items.sort(key=lambda x: (x[0], x[1]))
        for _, kind, item in items:
            if kind == "table":
                if open_par:
                    close()
                    open_par = None
                n_table += 1
                n_par += 1
                for r, row in enumerate(item["rows"], start=1):
                    for c, cell in enumerate(row, start=1):
                        text = clean_line(_join_cell_lines(cell or ""))
                        if text:
                            parts.append((text, {"kind": "table_cell", "page": p["number"],
                                                 "paragraph": n_par, "table": n_table, "row": r, "col": c}))
                continue
            text = item["text"]
            height = item["height"]
            char_w = max(4.0, height)
            indented = item["x0"] > left + 1.5 * char_w if left is not None else False
            full = right is not None and item["x1"] >= right - 1.5 * char_w
            if open_par and ("confidence" in item) != bool(open_par[1].get("ocr")):
                pass                       # text-layer and OCR lines never share a paragraph (its mark holds for all of it)
            elif open_par and title_type(open_par[3]) != title_type(height):
                pass                       # title type and body type never run together
            elif open_par and title_type(height) and open_par[1]["page"] == p["number"] \
                    and open_par[0][-1] not in _PARAGRAPH_END + "：:" \
                    and abs(open_par[3] - height) <= 0.1 * height \
                    and len(open_par[0]) + len(text) <= _TITLE_LEN and not _STARTS_STRUCTURE.match(text):
                open_par[0] += text        # a title in large type wrapped onto a second line
                _mark_ocr(open_par[1], item)
                continue
            elif (open_par and open_par[2] and not indented
                    and not _STARTS_STRUCTURE.match(text)):
                open_par[0] = join_wrapped(open_par[0], text)
                open_par[2] = full and text[-1] not in _PARAGRAPH_END
                _mark_ocr(open_par[1], item)
                continue
            if open_par:
                close()
            n_par += 1
            open_par = [text, {"page": p["number"], "paragraph": n_par},
                        full and text[-1] not in _PARAGRAPH_END, height]
            _mark_ocr(open_par[1], item)
    if open_par:
        close()
    return parts


def _mark_ocr(attrs: dict, line: dict) -> None:
    """A paragraph with OCR lines is marked, with the confidence of its weakest line."""
    if "confidence" in line:
        attrs["ocr"] = True
        attrs["confidence"] = round(min(attrs.get("confidence", 1.0), line["confidence"]), 3)


def _join_cell_lines(cell: str) -> str:
    """A table cell's lines as one text: joined without a space, except between numerals."""
    out = ""
    for line in cell.split("\n"):
        out = join_wrapped(out, line.strip()) if out else line.strip()
    return out


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]
