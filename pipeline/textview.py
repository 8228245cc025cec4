"""Compact views of text for matching, with a map back to ``document.text`` offsets.

Extractors match on a *compact* string: white space removed (PDF line joins and
'2023 年' style gaps vanish) and full-width ASCII folded to half-width ('１２３％' →
'123%'). White space *between two numerals* is the one exception: ``56.95 1.87%`` (two
table columns on one PDF line) or ``表6 2000万元`` are two numbers, so the gap stays as
one ASCII space and no number pattern can read across it. Chinese punctuation is kept as written: rules rely on '，' versus ',' (a
thousands separator) and on '（）' brackets. Each compact character remembers the
offset of the character it came from, so a match maps back to exact offsets into the
original text and ``document.text`` itself is never rewritten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Full-width forms folded to ASCII; Chinese punctuation (，。；：（）) deliberately kept.
_FOLD = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}          # ０-９
_FOLD.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})     # Ａ-Ｚ
_FOLD.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})     # ａ-ｚ
_FOLD.update({"％": "%", "．": ".", "／": "/", "＋": "+", "－": "-", "＝": "=",
              "‰": "‰", "﹪": "%", "∶": ":", "～": "~"})


def fold_char(ch: str) -> str:
    return _FOLD.get(ch, ch)


def is_space(ch: str) -> bool:
    return ch.isspace() or ch in "\u200b\u200c\u200d\ufeff"


# A gap with one of these before it and a digit (or decimal point) after it separates two
# numerals: folding it away would glue two figures into one ('91 79.49%' → 9179.49).
NUMERAL_END = frozenset("0123456789.,０１２３４５６７８９．，") - {"，"}
NUMERAL_START = frozenset("0123456789.０１２３４５６７８９．")


def splits_numerals(before: str, after: str) -> bool:
    """True when white space between ``before`` and ``after`` keeps two numbers apart."""
    return bool(before) and bool(after) and before[-1] in NUMERAL_END and after[0] in NUMERAL_START


def fold_spaces(text: str) -> str:
    """``text`` without white space, except one space where a gap keeps two numerals apart
    (a table cell holding '34  4  23' is three figures, not 34423)."""
    return _GAP.sub(lambda m: " " if splits_numerals(text[max(m.start() - 1, 0):m.start()],
                                                     text[m.end():m.end() + 1]) else "", text)


_GAP = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")


@dataclass
class CompactView:
    text: str                 # compact string
    where: list[int]          # where[i] = offset in the original of compact char i
    base_end: int             # end offset of the original range

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) for the compact span [start, end)."""
        if start >= len(self.where):
            return self.base_end, self.base_end
        s = self.where[start]
        e = self.where[end - 1] + 1 if end > start else s
        return s, e

    def to_compact(self, offset: int) -> int:
        """First compact index whose original offset is >= offset."""
        lo, hi = 0, len(self.where)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.where[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo


def compact(text: str, start: int = 0, end: int | None = None) -> CompactView:
    """Compact view of ``text[start:end]``; offsets in ``where`` are into ``text``."""
    end = len(text) if end is None else end
    out, where = [], []
    gap = -1                       # offset of the first white space of the current gap
    for i in range(start, end):
        ch = text[i]
        if is_space(ch):
            if gap < 0:
                gap = i
            continue
        if gap >= 0 and out and splits_numerals(text[where[-1]], ch):
            out.append(" ")
            where.append(gap)
        gap = -1
        out.append(fold_char(ch))
        where.append(i)
    return CompactView("".join(out), where, end)
