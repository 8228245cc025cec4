"""Linking: document-level passes over the records of all extractors (rules and model).

- Agencies: one body named in several forms gets one canonical name (a shorter form met
  later takes the fuller name met earlier; see ``agencies.link_canonicals``).
- Records of one type never overlap: where two do (rules and model, or two rules), the
  longer span wins, then the earlier one. Overlaps would make eval, diff and the database
  count one mention twice.
"""
from __future__ import annotations

from pipeline.document import Document, Record


def link(doc: Document) -> None:
    from pipeline.extract.agencies import link_canonicals

    doc.records = _drop_overlaps(doc.records)
    agencies = [r for r in doc.records if r.type == "agency"]
    for r, canonical in zip(agencies, link_canonicals([r.fields.get("canonical") or "" for r in agencies])):
        if canonical:
            r.fields["canonical"] = canonical


def _drop_overlaps(records: list[Record]) -> list[Record]:
    kept: list[Record] = []
    by_type: dict[str, list[Record]] = {}
    for r in sorted(records, key=lambda r: (-(r.end - r.start), r.start)):
        same = by_type.setdefault(r.type, [])
        if any(r.start < o.end and o.start < r.end for o in same):
            continue
        same.append(r)
        kept.append(r)
    return sorted(kept, key=lambda r: (r.start, r.end, r.type))
