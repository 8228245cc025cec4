"""Text captured from web pages: crawler header fields, navigation debris, run-in headings.

A crawler that saves a page as text writes its fields (``标题：``, ``栏目：``,
``原文链接：``, ``本地目录：``) above the body, keeps menu and share-button lines, and often
puts the whole body on one line, its headings run in (``…同比增长3.2%。二、农业全年…``).
This module works on the shape of the text, not on one site: the field names and debris
lines are data in ``rules/capture.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from pipeline import rules

_SCHEMA = {
    "type": "object",
    "required": ["header_fields", "title_fields", "head_lines", "min_fields", "debris",
                 "long_line", "capture_long_line"],
    "properties": {
        "header_fields": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "title_fields": {"type": "array", "items": {"type": "string"}},
        "head_lines": {"type": "integer", "minimum": 1},
        "min_fields": {"type": "integer", "minimum": 1},
        "debris": {"type": "array", "items": {"type": "string"}},
        "long_line": {"type": "integer", "minimum": 1},
        "capture_long_line": {"type": "integer", "minimum": 1},
    },
}

_MARKER = r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d))"
# A page number left in the running text ("— 12 —") between two sentences.
_PAGE_NO = r"(?:[—－-]\s?\d{1,3}\s?[—－-]\s*)?"
# 一是… opens a paragraph only where a space shows the lost break; run into a sentence it
# is an item of that paragraph's list.
_SHI = r"[一二三四五六七八九十]{1,3}是"
# A numbered heading run into the text: right after a sentence end (with or without a
# space), or after a colon or semicolon and a space (the space shows the lost break).
_RUN_IN = re.compile(
    rf"(?:(?<=[。！？!?])\s*{_PAGE_NO}(?={_MARKER})"
    rf"|(?<=[。！？!?])\s+{_PAGE_NO}(?={_SHI})"
    rf"|(?<=[：；:;])\s+{_PAGE_NO}(?={_MARKER}))")
# Headings run into each other with no punctuation between (the line breaks after their
# titles were lost): "一、2022年主要工作开展情况（一）保护优先进一步加强1.自然资源…". A
# marker opens a line of its own after a short unpunctuated title of the level above.
_LOWER = {
    "cn_dun": r"[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)",
    "cn_paren": rf"\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]|{_SHI}",
    "num_dot": rf"[（(]\d{{1,2}}[）)]|{_SHI}",
}
_FORM_OF = [("cn_dun", re.compile(r"[一二三四五六七八九十]{1,3}、")),
            ("cn_paren", re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]")),
            ("num_dot", re.compile(r"\d{1,2}[.．、](?!\d)"))]
_TITLE_RUN_INTO = {form: re.compile(rf"^({pat.pattern}[^。！？!?，,；;：:\s]{{2,30}}?)(?={_LOWER[form]})")
                   for form, pat in _FORM_OF}
# A heading whose title is followed by a space and then its body ("一、2023年工作回顾 2023年是…").
_TITLE_THEN_SPACE = re.compile(rf"^({_MARKER}[^。！？\s]{{2,30}})\s+(?=\S)")


@dataclass
class _Rules:
    fields: re.Pattern
    title_fields: tuple
    head_lines: int
    min_fields: int
    debris: re.Pattern | None
    long_line: int
    capture_long_line: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = rules.load("capture", _SCHEMA)
    names = sorted(data["header_fields"], key=len, reverse=True)
    fields = re.compile(r"^\s*(" + "|".join(re.escape(n) for n in names) + r")\s*[：:]\s*(.*)$")
    try:
        debris = re.compile("|".join(f"(?:{p})" for p in data["debris"])) if data["debris"] else None
    except re.error as e:
        raise rules.RulesError(f"rules/capture.yaml: bad debris pattern: {e}") from None
    return _Rules(fields, tuple(data["title_fields"]), data["head_lines"], data["min_fields"],
                  debris, data["long_line"], data["capture_long_line"])


def strip_capture(lines: list[str]) -> tuple[str | None, list[str], bool]:
    """(title from the header, lines without header fields and debris, is a web capture).

    Line count is kept (dropped lines become empty) so paragraph numbers stay those of
    the source."""
    r = _rules()
    head = [i for i, x in enumerate(lines) if x.strip()][:r.head_lines]
    found = {i: m for i in head if (m := r.fields.match(lines[i]))}
    capture = len({m.group(1) for m in found.values()}) >= r.min_fields
    title = None
    out = list(lines)
    if capture:
        for i, m in found.items():
            if m.group(1) in r.title_fields and title is None and m.group(2).strip():
                title = m.group(2).strip()
            out[i] = ""
        # fields can close a capture too (原文链接：… after the body)
        for i, x in enumerate(out):
            m = r.fields.match(x)
            if m and len(x) <= 200 and m.group(1) not in r.title_fields \
                    and (not m.group(2) or re.match(r"\s*(?:https?://|file:|[A-Za-z]:\\|/)", m.group(2))):
                out[i] = ""
    if r.debris is not None:
        out = ["" if x.strip() and r.debris.fullmatch(x.strip()) else x for x in out]
    return title, out, capture


def split_run_in(line: str, capture: bool = False) -> list[str]:
    """Recover paragraphs (and heading lines) from a text that lost its line breaks."""
    r = _rules()
    if len(line) < (r.capture_long_line if capture else r.long_line):
        return [line]
    out = []
    for piece in _RUN_IN.split(line):
        while piece:
            m = _TITLE_THEN_SPACE.match(piece) or _title_run_into(piece)
            if not m:
                out.append(piece)
                break
            out.append(m.group(1))
            piece = piece[m.end():].lstrip()
    return out


def _title_run_into(piece: str):
    for form, pattern in _FORM_OF:
        if pattern.match(piece):
            return _TITLE_RUN_INTO[form].match(piece)
    return None
