"""Clean source lines before they become ``document.text``.

Only debris goes: Word/HTML export leftovers that are not part of the report
(``[bookmark: _GoBack]``, field codes, HTML tags and comments, ``&nbsp;`` entities).
Width and space differences (full-width digits, ``％``, U+00A0, U+3000) stay in the text
as written and are folded in the compact views the extractors match on
(:mod:`pipeline.textview`), so no character a record points at ever moves.
"""
from __future__ import annotations

import html

import regex as re

from pipeline.textview import splits_numerals

_DEBRIS = re.compile(
    r"\[bookmark:[^\]]*\]"                     # docx2txt bookmarks
    r"|\{\s*(?:PAGE|NUMPAGES|HYPERLINK|TOC|REF|MERGEFIELD)\b[^}]*\}"   # stray field codes
    r"|<!--.*?-->"                             # HTML comments
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\u4e00-\u9fff]*)?/?>",  # HTML tags (no CJK inside)
    re.S,
)
# Page numbers left inline by PDF-to-text copies: " — 11 — " between words.
_INLINE_PAGE_NO = re.compile(r"(?:(?<=\s)|^)[—－]\s?\d{1,3}\s?[—－]?(?=\s|$)")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
# Code points written out by a scraper ("<U+00A0>") stand for the character itself.
_ESCAPED_CODEPOINT = re.compile(r"<U\+([0-9A-Fa-f]{4,6})>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")


def clean_line(line: str) -> str:
    """One source line without debris, control characters and edge white space."""
    if "<U+" in line:
        line = _ESCAPED_CODEPOINT.sub(lambda m: chr(int(m.group(1), 16)), line)
    line = _DEBRIS.sub("", line)
    if "—" in line or "－" in line:
        line = _INLINE_PAGE_NO.sub("", line)
    if "&" in line:
        line = _ENTITY.sub(lambda m: html.unescape(m.group(0)), line)
    line = _CONTROL.sub("", line)
    return line.strip(" \t\r\n\u00a0\u3000\u2002\u2003")


def clean_html_comments(text: str) -> str:
    """Drop multi-line HTML comments before a text is split into lines."""
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


# Numbering markers that open a paragraph (一、 （一） 1. ① ——): a line starting with one
# never continues the line before it, however the text was wrapped. Ingest modules add
# their format's own openers (Markdown '#', a PDF's '注：').
PARAGRAPH_MARKERS = (r"[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
                     r"|\d+[、.．](?!\d)|[①-⑳]|——")


def paragraph_start_pattern(*extra: str) -> re.Pattern:
    """``^(?:markers|extra…)``: matches a line that opens a paragraph of its own."""
    return re.compile("^(?:" + "|".join((PARAGRAPH_MARKERS, *extra)) + ")")


def join_wrapped(head: str, tail: str) -> str:
    """``head`` continued by ``tail`` (a wrapped line, a cell's next line). Chinese needs no
    space at the join, but two numerals do: a line ending in '56.95' and one starting with
    '1.87%' are two figures, and a space keeps them apart for every later stage."""
    return head + " " + tail if splits_numerals(head, tail) else head + tail
