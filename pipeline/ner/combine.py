"""Merging the model's spans with the rules' records: the policy.

Rules are precise on what they list; the model generalises to bodies and cases nobody
listed. So, per record type (agency, case):

1. **Rules win on what they recognise.** A model span that overlaps a rule record of the
   same type changes nothing but the record's ``source``, which becomes ``both`` (the
   rule's span, canonical name and parties are kept as they are).
2. **The model adds what the rules missed**, only when its span passes the same checks a
   rule match would have to pass:
   - agency: ends in an agency head word (the head words of rules/agencies.yaml, asked
     from pipeline.extract.agencies, never copied here), is not a generic or plural
     reference (相关部门, 公安机关 ...: the agencies module decides), is not a company,
     and is more than its head word (``局`` alone is not a body);
   - case: ends in 案, is not a generic reference (本案, 该案, 此案, 上述案 ...: the cases
     module decides when it can) and holds more than the ending;
   - both: no sentence punctuation inside (a name does not run across ，。；：), brackets
     and quotes balanced.
   An added agency gets its ``canonical`` name from the agencies module's own
   normaliser, with the report's region, exactly like a rule match.
3. Two accepted model spans never overlap each other (spaCy's NER does not produce
   overlaps); a model agency inside a rule case name is kept (GUIDE 3: agencies named
   inside a case name are agencies).

Every record says who produced it: ``source`` = ``rule`` | ``model`` | ``both``.
"""
from __future__ import annotations

import functools
import unicodedata
from typing import Iterable

from pipeline.document import Document, Record

# Characters that never occur inside one name: sentence and clause punctuation.
BREAKS = set("，。；：！？,;:!?\n")
PAIRS = ("“”", "‘’", "（）", "()", "《》", "「」", "【】")
CASE_END = "案"
# Too short to be a body on their own once the head word is removed.
MIN_AGENCY_CHARS = 2


# ------------------------------------------------------------ what the rule modules know

@functools.lru_cache(maxsize=1)
def _agencies():
    from pipeline.extract import agencies
    return agencies


@functools.lru_cache(maxsize=1)
def _cases():
    from pipeline.extract import cases
    return cases


def head_words() -> tuple[str, ...]:
    """Agency head words (局, 法院, 委员会, 领导小组 ...) from the agencies module."""
    return tuple(_agencies().head_words())


@functools.lru_cache(maxsize=1)
def trigger_chars() -> frozenset[str]:
    """Last characters of every head word, plus 案: a sentence without any of them can
    hold no span the combiner would accept."""
    return frozenset({h[-1] for h in head_words() if h} | {CASE_END})


def agency_head(text: str) -> str | None:
    """The longest head word ``text`` ends in, or None."""
    best = None
    for h in head_words():
        if h and text.endswith(h) and (best is None or len(h) > len(best)):
            best = h
    return best


def balanced(text: str) -> bool:
    for o, c in PAIRS:
        if text.count(o) != text.count(c):
            return False
        if o != c and text.find(c) >= 0 and text.find(c) < text.find(o):
            return False
    return True


def agency_ok(text: str) -> bool:
    """Whether a model agency span is acceptable (see the module docstring)."""
    if len(text) < MIN_AGENCY_CHARS or BREAKS & set(text) or not balanced(text):
        return False
    head = agency_head(text)
    if head is None or len(text) <= len(head):
        return False
    if not unicodedata.category(text[0]).startswith(("L", "P")) or text[0] in "的和与及或、":
        return False
    return not _agencies().is_generic(text)


def case_ok(text: str) -> bool:
    """Whether a model case span is acceptable (see the module docstring)."""
    if not text.endswith(CASE_END) or len(text) < 4 or BREAKS & set(text) or not balanced(text):
        return False
    cases = _cases()
    check = getattr(cases, "is_generic", None)
    if check is not None:
        return not check(text)
    return text[:-1].rstrip("一本该此上述前后其全") != ""


def canonical(text: str, region: dict | None, context: str | None = None) -> str | None:
    return _agencies().canonical_name(text, region, context)


def parties(text: str) -> list[str]:
    fn = getattr(_cases(), "parties", None)
    return list(fn(text)) if fn is not None else []


# ------------------------------------------------------------ the merge

def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def combine(doc: Document, spans: Iterable) -> list[Record]:
    """Apply the policy to ``doc.records`` in place; returns the records the model added.

    ``spans`` are pipeline.ner.ModelSpan (type, start, end, sentence), in document
    offsets."""
    by_type: dict[str, list[Record]] = {"agency": [], "case": []}
    for r in doc.records:
        if r.type in by_type:
            by_type[r.type].append(r)
    added: list[Record] = []
    block_text: dict[int, str] = {}
    for sp in sorted(spans, key=lambda s: (s.start, s.end, s.type)):
        if sp.type not in by_type:
            continue
        hits = [r for r in by_type[sp.type] if _overlaps((r.start, r.end), (sp.start, sp.end))]
        if hits:
            for r in hits:
                r.source = "both"
            continue
        text = _compact(doc.text[sp.start:sp.end])
        sent = doc.sentences[sp.sentence]
        fields = {"sentence": doc.text[sent.start:sent.end],
                  "sentence_start": sent.start, "sentence_end": sent.end}
        if sp.type == "agency":
            if not agency_ok(text):
                continue
            if sent.block not in block_text:
                from pipeline.textview import compact
                b = doc.blocks[sent.block]
                block_text[sent.block] = compact(doc.text, b.start, b.end).text
            fields["canonical"] = canonical(text, doc.region, block_text[sent.block])
        else:
            if not case_ok(text):
                continue
            fields["parties"] = parties(text)
        rec = Record(sp.type, sp.start, sp.end, fields, source="model")
        by_type[sp.type].append(rec)
        added.append(rec)
    doc.records.extend(added)
    return added


def _compact(s: str) -> str:
    from pipeline.textview import compact
    return compact(s).text
