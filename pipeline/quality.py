"""Extraction-quality warnings: signs that a document's layout was not understood.

A file can be read without error and still give wrong or missing figures (a PDF whose
figures sit on lines of their own, a table of contents taken for sections). These checks
look at the finished document (text, blocks, sections, records) and say so in the
output's ``warnings`` list and in the batch summary, so a user of the database is told.
Thresholds live in ``rules/quality.yaml``.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.document import Document

_INT = {"type": "integer", "minimum": 0}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_SCHEMA = {
    "type": "object",
    "required": ["few_quantities", "orphan_units", "numeral_metrics", "toc_headings"],
    "additionalProperties": False,
    "properties": {
        "few_quantities": {"type": "object", "additionalProperties": False,
                           "required": ["min_numerals", "max_numerals_per_quantity"],
                           "properties": {"min_numerals": _INT,
                                          "max_numerals_per_quantity": {"type": "number", "minimum": 1}}},
        "orphan_units": {"type": "object", "additionalProperties": False,
                         "required": ["units", "min_orphans", "max_share"],
                         "properties": {"units": {"type": "array", "minItems": 1,
                                                  "items": {"type": "string", "minLength": 1}},
                                        "min_orphans": _INT, "max_share": _SHARE}},
        "numeral_metrics": {"type": "object", "additionalProperties": False,
                            "required": ["min_count", "min_digit_share"],
                            "properties": {"min_count": _INT, "min_digit_share": _SHARE}},
        "toc_headings": {"type": "object", "additionalProperties": False,
                         "required": ["min_headings", "min_run", "leaders"],
                         "properties": {"min_headings": _INT, "min_run": _INT,
                                        "leaders": {"type": "array", "items": {"type": "string", "minLength": 2}}}},
    },
}

# A numeral of the running text; years and dates (2024年, 3月) are not figures to extract.
_NUMERAL = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]|\s*[年月日号])")
# Years and dates inside a metric (2007年产量, 1986-1995平均每年增长) are words, not figures.
_DATE = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}|\d{1,2}(?=\s*[月日号]))(?!\d)\s*[年月日号]?")
# Characters that end a figure written before a unit (3.5万元, 五十亿元, 数十亿元, 1000余万元).
_FIGURE_END = "0123456789.０１２３４５６７８９零〇一二两三四五六七八九十百千万亿余多几数"
# What may sit between two headings of a table of contents: leaders and page numbers.
_TOC_FILLER = re.compile(r"[\s.·…\-—_\d]*")


@lru_cache(maxsize=1)
def _rules() -> dict:
    d = rules.load("quality", _SCHEMA)
    units = "|".join(re.escape(u) for u in sorted(d["orphan_units"]["units"], key=len, reverse=True))
    d["_unit_re"] = re.compile(rf"(?P<pre>[{_FIGURE_END}]?)[ \t\u3000\u00a0]*(?:{units})")
    return d


def extraction_warnings(doc: Document) -> list[dict]:
    """``[{"code", "message"}]`` for each sign of a broken extraction, in a fixed order."""
    r = _rules()
    text = doc.text
    running = [text[b.start:b.end] for b in doc.blocks if b.kind != "table_cell"]
    quantities = [rec for rec in doc.records if rec.type == "quantity"]
    out = []

    numerals = sum(len(_NUMERAL.findall(t)) for t in running)
    in_text = sum(1 for rec in quantities
                  if (b := doc.block_at(rec.start)) is None or b.kind != "table_cell")
    c = r["few_quantities"]
    if numerals >= c["min_numerals"] and numerals > c["max_numerals_per_quantity"] * max(in_text, 1):
        out.append(_warning("few_quantities",
                            f"{numerals} numbers in the running text but {in_text} quantity "
                            "records there: figures may sit apart from their words"))

    c = r["orphan_units"]
    orphans = attached = 0
    for t in running:
        for m in r["_unit_re"].finditer(t):
            if m.group("pre"):
                attached += 1
            else:
                orphans += 1
    if orphans >= c["min_orphans"] and orphans > c["max_share"] * (orphans + attached):
        out.append(_warning("orphan_units",
                            f"{orphans} of {orphans + attached} units have no figure before them: "
                            "the layout separated figures from the text"))

    c = r["numeral_metrics"]
    bad = [m for m in (rec.fields.get("metric") for rec in quantities) if m and _digit_share(m) >= c["min_digit_share"]]
    if len(bad) >= c["min_count"]:
        out.append(_warning("numeral_metrics",
                            f"{len(bad)} metrics are mostly figures (e.g. {bad[0]!r}): table rows read as text"))

    c = r["toc_headings"]
    toc = _toc_headings(doc, c["leaders"], c["min_run"])
    if len(toc) >= c["min_headings"]:
        out.append(_warning("toc_headings",
                            f"{len(toc)} headings look like table-of-contents entries (e.g. {toc[0]!r}): "
                            "sections may be split wrongly"))
    return out


def _toc_headings(doc: Document, leaders: list[str], min_run: int) -> list[str]:
    """Titles of the sections that read as table-of-contents entries, in text order: with
    dotted leaders, or repeated later and standing in a run of ``min_run`` or more
    headings with no text between them (a heading and its first sub-heading is a run of
    one such gap, which running text has all the time)."""
    text, sections = doc.text, doc.sections
    seen = Counter(s.title for s in sections)
    empty = [k + 1 < len(sections) and _TOC_FILLER.fullmatch(text[s.title_end:sections[k + 1].start]) is not None
             for k, s in enumerate(sections)]
    in_run = [False] * len(sections)
    k = 0
    while k < len(sections):
        j = k
        while j < len(sections) and empty[j]:
            j += 1
        if j - k >= min_run:
            for i in range(k, j):
                in_run[i] = True
        k = j + 1
    return [s.title for k, s in enumerate(sections)
            if any(x in s.title for x in leaders) or (in_run[k] and seen[s.title] > 1)]


def _digit_share(metric: str) -> float:
    """Share of a metric's characters that are figures (dates such as 2024年 left out)."""
    rest = _DATE.sub("", metric)
    return sum(ch.isdigit() or ch == "." for ch in rest) / len(rest) if rest else 0.0


def _warning(code: str, message: str) -> dict:
    return {"code": code, "message": message}
