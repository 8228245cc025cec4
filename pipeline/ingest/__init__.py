"""Ingest: a file in, a :class:`Document` with text and layout blocks out.

The format is chosen by sniffing the first bytes (a .docx is a zip, a PDF starts with
``%PDF``), not only by the suffix, so a misnamed file still reads or fails clearly.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline.document import Block, Document, InputError
from pipeline.paths import readable_name

MAX_BYTES = int(os.environ.get("GOVREPORT_MAX_BYTES", 200 * 1024 * 1024))
SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf",
            ".doc": "doc", ".wps": "doc", ".rtf": "doc",
            ".html": "html", ".htm": "html", ".xhtml": "html"}


def sniff_format(path: Path, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    from pipeline.ingest.doc import OLE_MAGIC, RTF_MAGIC
    from pipeline.ingest.html import looks_like_html
    if head.startswith((OLE_MAGIC, RTF_MAGIC)):
        return "doc"
    if looks_like_html(head):
        return "html"
    suffix = SUFFIXES.get(path.suffix.lower())
    if suffix in ("pdf", "docx", "doc"):
        raise InputError(f"not a {suffix.upper()} file (content does not match the suffix)")
    return suffix or "txt"


def read_document(path: str | os.PathLike, *, ocr: str = "auto") -> Document:
    """``ocr``: when PDF pages are read by OCR (``auto``, ``never``, ``always``; see
    :mod:`pipeline.ingest.ocr`); other formats ignore it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}") from None
    if size == 0:
        raise InputError("empty file")
    if size > MAX_BYTES:
        raise InputError(f"file too large ({size} bytes; limit {MAX_BYTES}, set GOVREPORT_MAX_BYTES)")
    data = path.read_bytes()
    fmt = sniff_format(path, data[:1024])
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        from pipeline.ingest.pdf import read_pdf
        lines, encoding = read_pdf(path, ocr=ocr), None
    elif fmt == "docx":
        from pipeline.ingest.docx import read_docx
        lines, encoding = read_docx(path), None
    elif fmt == "doc":
        from pipeline.ingest.doc import read_doc
        lines, encoding = read_doc(path), None
    elif fmt == "html":
        from pipeline.ingest.html import read_html
        lines, encoding = read_html(data)
    else:
        from pipeline.ingest.txt import read_txt
        lines, encoding = read_txt(data, markdown=(fmt == "md"))
    doc = Document(source=readable_name(path.name), format=fmt, encoding=encoding, sha256=sha)
    assemble(doc, lines)
    if not doc.text.strip():
        raise InputError("no text found" + (" (scanned PDF without a text layer?)" if fmt == "pdf" else ""))
    return doc


def assemble(doc: Document, parts: list[tuple[str, dict]]) -> None:
    """Join (text, block attributes) parts into ``doc.text``, one block per part,
    separated by newlines."""
    chunks, pos = [], 0
    for text, attrs in parts:
        if not text:
            continue
        if chunks:
            chunks.append("\n")
            pos += 1
        doc.blocks.append(Block(start=pos, end=pos + len(text), **attrs))
        chunks.append(text)
        pos += len(text)
    doc.text = "".join(chunks)
