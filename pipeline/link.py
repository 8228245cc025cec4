"""Linking: document-level passes over the records of all extractors (rules and model).

- Agencies: one body named in several forms gets one canonical name (a shorter form met
  later takes the fuller name met earlier; see ``agencies.link_canonicals``).
- Records of one type never overlap: where two do (rules and model, or two rules), the
  longer span wins, then the earlier one. Overlaps would make eval, diff and the database
  count one mention twice.
"""
from __future__ import annotations

import bisect

from pipeline.document import Document, Record


def link(doc: Document) -> None:
    from pipeline.extract.agencies import link_canonicals

    doc.records = _drop_overlaps(doc.records)
    agencies = [r for r in doc.records if r.type == "agency"]
    for r, canonical in zip(agencies, link_canonicals([r.fields.get("canonical") or "" for r in agencies])):
        if canonical:
            r.fields["canonical"] = canonical


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
