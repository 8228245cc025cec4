"""Linking: document-level passes over the records of all extractors (rules and model).

- Agencies: one body named in several forms gets one canonical name (a shorter form met
  later takes the fuller name met earlier; see ``agencies.link_canonicals``).
- Cases: a case record gets the case number written next to it (just before or after
  it in the same sentence, within brackets or after 案号), as ``case_number``.
- Records of one type never overlap: where two do (rules and model, or two rules), the
  longer span wins, then the earlier one. Overlaps would make eval, diff and the database
  count one mention twice.
"""
from __future__ import annotations

import bisect

import regex

from pipeline.document import Document, Record
from pipeline.textview import compact

# what may stand between a case name and its number: brackets, a comma, 案号：
# (…纠纷案〔最高人民法院(2022)最高法知民终905号民事判决书〕: the court's name may come first)
_AFTER_GAP = regex.compile(r"[，,]?[（(〔【\[]?(?:案号[：:为是]?)?(?:\p{Han}{2,24}?(?:法院|法庭))?[（(〔【\[]?")
_BEFORE_GAP = regex.compile(r"[）)〕】\]]?[，,：:]?")
_GAP_MAX = 30


def link(doc: Document) -> None:
    from pipeline.extract.agencies import link_canonicals

    doc.records = _drop_overlaps(doc.records)
    agencies = [r for r in doc.records if r.type == "agency"]
    for r, canonical in zip(agencies, link_canonicals([r.fields.get("canonical") or "" for r in agencies])):
        if canonical:
            r.fields["canonical"] = canonical
    attach_case_numbers(doc)


def attach_case_numbers(doc: Document) -> None:
    """Give each case the case number next to it: the first number after the name
    (…纠纷案〔（2019）最高法知民终1号〕, …一案，案号（2020）…号), else the number right
    before it (（2019）…号某某诉某某…案). Numbers are found by bisection, so a document
    with many cases stays linear."""
    numbers = sorted((r for r in doc.records if r.type == "case_number"), key=lambda r: r.start)
    starts = [n.start for n in numbers]
    used: set[int] = set()
    for case in sorted((r for r in doc.records if r.type == "case"), key=lambda r: r.start):
        case.fields["case_number"] = None
        i = bisect.bisect_left(starts, case.end)
        after = [k for k in range(i, min(i + 2, len(numbers)))
                 if k not in used and _gap_ok(doc.text, case.end, numbers[k].start, _AFTER_GAP)]
        j = bisect.bisect_right(starts, case.start) - 1
        before = [k for k in range(j, max(j - 2, -1), -1)
                  if k not in used and numbers[k].end <= case.start
                  and _gap_ok(doc.text, numbers[k].end, case.start, _BEFORE_GAP)]
        pick = (after or before or [None])[0]
        if pick is not None:
            used.add(pick)
            case.fields["case_number"] = doc.text[numbers[pick].start:numbers[pick].end]


def _gap_ok(text: str, a: int, b: int, gap) -> bool:
    if b - a > _GAP_MAX:
        return False
    return gap.fullmatch(compact(text, a, b).text) is not None


def _drop_overlaps(records: list[Record]) -> list[Record]:
    """Longest first, then earliest: a record is kept when it overlaps no record of its
    type kept before it. The kept spans of a type never overlap, so they are kept sorted
    and only the two around the new span's start can touch it (a bisection, not a scan:
    a document with 100,000 records stays fast)."""
    kept: list[Record] = []
    starts_by_type: dict[str, list[int]] = {}
    spans_by_type: dict[str, list[tuple[int, int]]] = {}
    for r in sorted(records, key=lambda r: (-(r.end - r.start), r.start)):
        starts = starts_by_type.setdefault(r.type, [])
        spans = spans_by_type.setdefault(r.type, [])
        i = bisect.bisect_left(starts, r.start)
        if i < len(spans) and spans[i][0] < r.end:             # the next one starts inside r
            continue
        if i > 0 and spans[i - 1][1] > r.start:                # the previous one runs into r
            continue
        starts.insert(i, r.start)
        spans.insert(i, (r.start, r.end))
        kept.append(r)
    return sorted(kept, key=lambda r: (r.start, r.end, r.type))
