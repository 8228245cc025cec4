"""OCR for PDF pages without a text layer (scans, photographed or signed pages).

RapidOCR (PaddleOCR's PP-OCRv4 detection and recognition models, shipped inside the
``rapidocr-onnxruntime`` package) on ONNX Runtime, on the CPU; nothing is downloaded.

A page is rendered with pdfium at :data:`DPI`, text boxes are found and read, and boxes
are grouped into lines (by y, then x) carrying the same geometry (in PDF points) as the
text-layer lines of :mod:`pipeline.ingest.pdf`, so the PDF reader joins wrapped lines into
paragraphs, drops running headers and page numbers and keeps page provenance the same
way for both. Each OCR line keeps its recognition confidence.

Modes (``--ocr``): ``auto`` reads a page by OCR only when its text layer holds fewer than
:data:`MIN_TEXT_CHARS` characters and the page shows something (an image or drawn
paths); ``always`` OCRs every page (a text layer that is garbage, e.g. broken font
encodings); ``never`` uses the text layer only.
"""
from __future__ import annotations

import functools
import unicodedata

import regex as re

from pipeline.document import InputError
from pipeline.normalise import clean_line

MODES = ("auto", "never", "always")
DEFAULT_MODE = "auto"
DPI = 150               # body text of an A4 scan is ~25 px high: enough for the recogniser
MAX_SIDE = 2000         # pixels; a larger page (a poster, A0) is rendered smaller
MIN_TEXT_CHARS = 20     # a page with less text than this (a stamped page number) is a scan
MIN_CURVES = 50         # text drawn as outlines (no font) leaves many paths and no characters
ENGINE = "rapidocr-onnxruntime"
# The recogniser reads a per-mille sign as "%0" or "%o" (出生率8.47‰ -> 8.47%0): after a
# number, and not before another digit or letter, that pair is a ‰.
_PER_MILLE = re.compile(r"(?<=\d)%[0oO](?![0-9A-Za-z.])")


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"ocr mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def engine_version() -> str | None:
    """``rapidocr-onnxruntime X.Y.Z``, or None when it is not installed."""
    from importlib import metadata
    try:
        return f"{ENGINE} {metadata.version(ENGINE)}"
    except metadata.PackageNotFoundError:
        return None


def page_needs_ocr(page, text_chars: int, mode: str) -> bool:
    """Whether a pdfplumber ``page`` whose text layer gave ``text_chars`` characters is read
    by OCR in ``mode``."""
    if mode == "always":
        return True
    if mode == "never" or text_chars >= MIN_TEXT_CHARS:
        return False
    # An empty page needs no OCR; a scan is an image, outlined text is many paths.
    try:
        return bool(page.images) or len(page.curves) >= MIN_CURVES
    except Exception:
        return True


@functools.lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise InputError("scanned page needs OCR, but the rapidocr-onnxruntime package is not "
                         "installed (pip install rapidocr-onnxruntime; or use --ocr never)") from None
    # One thread per page: results are the same on every machine and run (a thread pool
    # may sum in another order), and a batch gets its parallelism from --jobs.
    # Page text is upright: the 0/180° line classifier only costs time.
    return RapidOCR(use_cls=False, intra_op_num_threads=1, inter_op_num_threads=1,
                    max_side_len=MAX_SIDE)


def ocr_page(pdf_path, index: int) -> list[dict]:
    """The text lines of page ``index`` (0-based) of ``pdf_path`` read by OCR, in reading
    order: ``{"text", "x0", "x1", "top", "bottom", "height", "size", "confidence"}``, in PDF
    points (``size``: see :func:`type_size`)."""
    import numpy as np
    import pypdfium2

    engine = _engine()
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = pdf[index]
        width, height = page.get_size()
        scale = min(DPI / 72, MAX_SIDE / max(width, height, 1))
        image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        pdf.close()
    pixels = np.asarray(image)[:, :, ::-1]          # RGB -> BGR, what the models expect
    found, _ = engine(np.ascontiguousarray(pixels))
    boxes = []
    for quad, text, score in found or ():
        text = clean_ocr_text(text)
        if not text:
            continue
        xs = [pt[0] / scale for pt in quad]
        ys = [pt[1] / scale for pt in quad]
        boxes.append({"text": text, "x0": min(xs), "x1": max(xs), "top": min(ys),
                      "bottom": max(ys), "confidence": float(score)})
    return group_lines(boxes)


def clean_ocr_text(text: str) -> str:
    """A recognised box's text: cleaned like a text-layer line, known misreadings fixed."""
    return _PER_MILLE.sub("‰", clean_line(text))


def _width_units(text: str) -> float:
    """Width of a text in em: CJK characters 1, Latin letters, digits and half-width
    punctuation about 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text if not c.isspace())


def type_size(boxes: list[dict]) -> float | None:
    """The type size of a line in points, from the width per character of its text boxes
    (box heights carry the detector's padding and vary with brackets and digits); None
    when no box is long enough to tell (a short box is mostly padding, and a letter-spaced
    table label such as ``鲜 果`` is wider than its type)."""
    long = [b for b in boxes if _width_units(b["text"]) >= 4]
    if not long:
        return None
    width = sum(b["x1"] - b["x0"] for b in long)
    return min(width / sum(_width_units(b["text"]) for b in long),
               max(b["bottom"] - b["top"] for b in long))


def group_lines(boxes: list[dict]) -> list[dict]:
    """Boxes on one visual line (overlapping by half a box height) become one line, left
    to right; lines come top to bottom. Boxes far apart on a line (table columns, a
    heading's number and title) are joined with a space, close ones with nothing."""
    lines: list[list[dict]] = []
    for box in sorted(boxes, key=lambda b: ((b["top"] + b["bottom"]) / 2, b["x0"])):
        if lines:
            last = lines[-1]
            top = min(b["top"] for b in last)
            bottom = max(b["bottom"] for b in last)
            overlap = min(bottom, box["bottom"]) - max(top, box["top"])
            if overlap >= 0.5 * min(bottom - top, box["bottom"] - box["top"]):
                last.append(box)
                continue
        lines.append([box])
    out = []
    for parts in lines:
        parts.sort(key=lambda b: b["x0"])
        height = max(b["bottom"] - b["top"] for b in parts)
        text = parts[0]["text"]
        for prev, box in zip(parts, parts[1:]):
            text += (" " if box["x0"] - prev["x1"] > height else "") + box["text"]
        chars = sum(len(b["text"]) for b in parts)
        top, bottom = min(b["top"] for b in parts), max(b["bottom"] for b in parts)
        out.append({"text": text, "x0": parts[0]["x0"], "x1": max(b["x1"] for b in parts),
                    "top": top, "bottom": bottom, "height": bottom - top, "size": type_size(parts),
                    # the line's confidence: its boxes' scores weighted by their length
                    "confidence": sum(b["confidence"] * len(b["text"]) for b in parts) / chars})
    return out
