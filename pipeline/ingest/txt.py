"""Plain text and Markdown: decode (UTF-8 with/without BOM, GBK/GB18030), then lines.

Web captures lose their crawler header and navigation lines, and a body on one line is
split before its run-in headings (``pipeline/ingest/capture.py``).

Hard-wrapped text (lines cut at a fixed width, as text copied out of a PDF) is re-joined:
Chinese has no spaces between words, so a join adds none.
"""
from __future__ import annotations

import regex as re

from pipeline.document import InputError
from pipeline.ingest.capture import split_run_in, strip_capture
from pipeline.normalise import clean_html_comments, clean_line, paragraph_start_pattern

_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SENTENCE_END = "。！？；：!?;:…”）)」』"
_STARTS_STRUCTURE = paragraph_start_pattern(r"#", r"\|")


def decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise InputError("binary data, not text (NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError("cannot decode text (neither UTF-8 nor GBK/GB18030)") from None
    # GB18030 decodes almost any byte soup; real Chinese text is mostly CJK and ASCII.
    if _garbage_share(text) > 0.05:
        raise InputError("binary data or unknown encoding (decodes to garbage as UTF-8 and GBK)")
    return text, "gbk"


def _garbage_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample
              if not (ch.isprintable() or ch in "\r\n\t")
              or "\ue000" <= ch <= "\uf8ff"              # private use
              or ("\u0080" <= ch <= "\u02ff" and ch not in "·×÷°±§"))
    return bad / len(sample)


def read_txt(data: bytes, markdown: bool = False) -> tuple[list[tuple[str, dict]], str]:
    text, encoding = decode(data)
    if _garbage_share(text) > 0.05:
        raise InputError("binary data, not text")
    text = clean_html_comments(text)
    parts: list[tuple[str, dict]] = []
    title, lines, capture = strip_capture(text.splitlines())
    if title:
        parts.append((clean_line(title), {"paragraph": 0, "kind": "heading", "heading_level": 0}))
    raw_lines = [piece for raw in lines for piece in split_run_in(raw, capture)]
    wrap = _wrap_width([clean_line(x) for x in raw_lines])
    for n, raw in enumerate(raw_lines, start=1):
        line = clean_line(raw)
        if not line:
            continue
        attrs: dict = {"paragraph": n}
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                line = m.group(2)
                attrs.update(kind="heading", heading_level=len(m.group(1)))
            elif _MD_TABLE_RULE.match(line):
                continue
            elif line.startswith("|"):
                attrs.update(kind="table_row")
            if not line:
                continue
        if (wrap and parts and parts[-1][1].get("kind", "paragraph") == "paragraph"
                and attrs.get("kind", "paragraph") == "paragraph"
                and parts[-1][1].get("_wrapped")
                and not _STARTS_STRUCTURE.match(line)):
            prev, pattrs = parts[-1]
            pattrs["_wrapped"] = _is_wrapped(line, wrap)
            parts[-1] = (prev + line, pattrs)
            continue
        attrs["_wrapped"] = bool(wrap) and _is_wrapped(line, wrap)
        parts.append((line, attrs))
    for _, attrs in parts:
        attrs.pop("_wrapped", None)
    return parts, encoding


def _is_wrapped(line: str, width: int) -> bool:
    return len(line) >= width - 2 and line[-1] not in _SENTENCE_END


def _wrap_width(lines: list[str]) -> int:
    """The fixed width a text was hard-wrapped at, or 0 when it was not.

    A hard-wrapped text has many lines of (nearly) one length, longer than headings."""
    lengths = [len(x) for x in lines if len(x) >= 15]
    if len(lengths) < 10:
        return 0
    from collections import Counter
    width, count = Counter(lengths).most_common(1)[0]
    near = sum(1 for n in lengths if abs(n - width) <= 1)
    return width if near >= 0.3 * len(lengths) and near >= 8 else 0
