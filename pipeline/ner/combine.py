"""Merging the model's spans with the rules' records: the policy.

Rules are precise on what they read; the model also finds names the rules cannot anchor
(a county written by its stem, 怀宁国土局; a body the reading rules stop at). So, per
record type (agency, case):

1. **Rules win on what they recognise.** A model span that overlaps a rule record of the
   same type changes nothing but the record's ``source``, which becomes ``both`` (the
   rule's span, canonical name and parties are kept as they are).
2. **The model adds what the rules missed**, only when its span passes the checks a rule
   match has to pass, read from the same rules file (rules/agencies.yaml, through the
   agencies module; no word list is copied here):
   - agency: ends in a head word (局, 法院, 委员会, 领导小组 ...) that is not the end of
     another word (格局, 东部: head_blockers, tested with the text after the span); is not
     a generic or plural reference (not_agencies; a level word made plural or vague by the
     word before it, 全省, 各区, 社区: prefix_blockers, tested with the text before the
     span); the body between its prefix (a place or level word) and its head holds no
     stop word or breaker (body_stops, body_breakers: 的, 开展, 全国 ...) and does not
     start or end in 和/、 (body_edges); a head that needs a body has one (needs_body);
     a 中心 has a public-service body (center_keywords); a one-character head (局, 部, 委)
     comes with at least three characters before it (应急部, 老龄委, 省部 are too short to
     tell from a word); a name with neither a place, a level word nor the stem of the
     report's own place (怀宁 in a 怀宁县 report) before its body needs a body of
     BARE_BODY_MIN characters (综合行政执法局 yes; 中央政府, 同级人大, 人民政协 are
     references, not names) and must start where a word starts (after punctuation or a
     function word of body_stops); a name followed by a count (疾病预防控制中心3439个)
     names a kind of body, not one body;
   - case: ends in an ending of rules/cases.yaml (案, 一案, 专案, 系列案) that is not part
     of a word (案件, 方案, 立案, 本案, 该案: end_blockers, the before-list waived for a
     two-party name A诉B…案), holds at least two characters before the ending and does
     not open with a lead word (审结, 查处, 该案 ...: the name starts after it);
   - both: no sentence or list punctuation inside (，。；：、), brackets and quotes
     balanced, and it starts with a letter or an opening quote.
   An added agency gets its ``canonical`` name from the agencies module's own
   normaliser, with the report's region, exactly like a rule match.
3. Model spans never overlap each other (spaCy's NER does not produce overlaps); a model
   agency inside a rule case name is kept (GUIDE 3: agencies named inside a case name
   are agencies).

Every record says who produced it: ``source`` = ``rule`` | ``model`` | ``both``.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

from pipeline.document import Document, Record

# Characters that never occur inside one name: sentence, clause and list punctuation.
BREAKS = frozenset("，。；：！？、,;:!?\n")
PAIRS = ("“”", "‘’", "（）", "()", "《》", "「」", "【】")
OPENERS = "“‘（(《「【"
CASE_END = "案"
CONTEXT = 8                 # characters of sentence either side given to the checks
BARE_BODY_MIN = 5           # a name with no place or level word before its body needs this much body
_COUNTED = re.compile(r"[0-9０-９]+(?![0-9０-９]*[年月日])")


# ------------------------------------------------------------ what the rule modules know

@functools.lru_cache(maxsize=1)
def _agencies():
    from pipeline.extract import agencies
    return agencies


@functools.lru_cache(maxsize=1)
def _cases():
    from pipeline.extract import cases
    return cases


def _agency_rules() -> dict:
    """rules/agencies.yaml as the agencies module loaded and validated it."""
    from pipeline import rules
    _agencies()                                  # registers the file's schema
    return rules.load("agencies")


@functools.lru_cache(maxsize=1)
def _heads() -> dict[str, dict]:
    fn = getattr(_agencies(), "head_words", None)
    if fn is not None:                          # the module's own list, when it offers one
        return {h: {"head": h} for h in fn()}
    return {h["head"]: h for h in _agency_rules()["heads"]}


def head_words() -> tuple[str, ...]:
    """Agency head words (局, 法院, 委员会, 领导小组 ...) of rules/agencies.yaml."""
    return tuple(_heads())


def can_hold_span(text: str) -> bool:
    """Whether a compact sentence can hold a span this policy would accept: 案, or a head
    word that is not the end of another word. The model reads only such sentences."""
    if CASE_END in text:
        return True
    return any(not head_blocked(text, e, h, text[e:]) for _, e, h in head_occurrences(text))


@functools.lru_cache(maxsize=1)
def _words() -> dict:
    import regex
    r = _agency_rules()
    pb = r["prefix_blockers"]
    blockers = {}
    for head, spec in (r.get("head_blockers") or {}).items():
        after = spec.get("after")
        blockers[head] = (tuple(spec.get("before") or ()),
                          regex.compile("(?:" + "|".join(after) + ")") if after else None)
    return {
        "levels": tuple(sorted(r["levels"], key=len, reverse=True)),
        "prefix_before": tuple(sorted(pb["before"], key=len, reverse=True)),
        "prefix_after": regex.compile("(?:" + "|".join(pb["after"]) + ")"),
        "head_blockers": blockers,
        "not_agencies": frozenset(r["not_agencies"]),
        "stops": tuple(r["body_stops"]) + tuple(r.get("body_breakers") or ()),
        "edges": frozenset(r.get("body_edges", "和、")),
        "center": tuple(r.get("center_keywords") or ()),
    }


def agency_head(text: str) -> str | None:
    """The longest head word ``text`` ends in, or None."""
    best = None
    for h in _heads():
        if h and text.endswith(h) and (best is None or len(h) > len(best)):
            best = h
    return best


def head_blocked(text: str, end: int, head: str, after: str = "") -> bool:
    """Whether the head word ending at ``text[:end]`` is the end of another word (格局,
    东部, 办理 ...): head_blockers, tested on the text before the head's end and on
    ``after`` (what follows it)."""
    blockers = _words()["head_blockers"]
    for h in dict.fromkeys((head, head[-1])):
        if h not in blockers:
            continue
        before, after_re = blockers[h]
        if h == head and any(text[max(0, end - len(b)):end] == b for b in before):
            return True
        if after_re is not None and after and after_re.match(after):
            return True
    return False


def head_occurrences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, head) of the longest head word ending at each position of ``text``."""
    found: dict[int, tuple[int, int, str]] = {}
    for h in sorted(_heads(), key=len, reverse=True):
        i = text.find(h)
        while i >= 0:
            found.setdefault(i + len(h), (i, i + len(h), h))
            i = text.find(h, i + 1)
    return [found[e] for e in sorted(found)]


def level_at_start(text: str) -> str | None:
    """The level word (区, 市, 省, 自治区 ...) ``text`` opens with, if any."""
    return next((w for w in _words()["levels"] if text.startswith(w)), None)


def prefix_length(text: str) -> int:
    """Length of the place chain (gazetteer) or level word that opens a name; 0 if none.
    A stem the gazetteer does not know (怀宁) is read as part of the body."""
    from pipeline.region import find_places
    end = 0
    for pm in find_places(text):
        if pm.start != end:
            break
        end = pm.end
    if end:
        return end
    level = level_at_start(text)
    return len(level) if level else 0


def is_generic(text: str, before: str = "") -> bool:
    """A generic or plural reference, not a named body: the agencies module decides when
    it can; else not_agencies (the span is one, or ends in one: 各级公安机关), or a span
    opening with a level word that the words around it make part of another word
    (全省法院, 各区政府, 社区卫生服务中心 read from 区: prefix_blockers)."""
    fn = getattr(_agencies(), "is_generic", None)
    if fn is not None:
        return bool(fn(text))
    w = _words()
    if text in w["not_agencies"] or any(text.endswith(n) for n in w["not_agencies"]):
        return True
    level = level_at_start(text)
    if level is None:
        for b in w["prefix_before"]:               # 全省法院: the blocker inside the span
            if text.startswith(b) and level_at_start(text[len(b):]):
                return True
        return False
    if any(before.endswith(b) for b in w["prefix_before"]):
        return True
    return w["prefix_after"].match(text, len(level)) is not None


def _word_starts_at(before: str, rest: str) -> bool:
    from pipeline.segment import words
    return any(a == len(before) for _, a, _ in words(before + rest))


def balanced(text: str) -> bool:
    for o, c in PAIRS:
        if text.count(o) != text.count(c):
            return False
        if o != c and text.find(c) >= 0 and text.find(c) < text.find(o):
            return False
    return True


def _shape_ok(text: str) -> bool:
    return (bool(text) and not (BREAKS & set(text)) and balanced(text)
            and (text[0].isalpha() or text[0] in OPENERS))


def agency_ok(text: str, before: str = "", after: str = "", region: dict | None = None) -> bool:
    """Whether a model agency span is acceptable (see the module docstring); ``before``
    and ``after`` are the sentence text around it, ``region`` the report's region."""
    if not _shape_ok(text):
        return False
    head = agency_head(text)
    if head is None or len(text) <= len(head) or head_blocked(before + text, len(before + text), head, after):
        return False
    if len(head) == 1 and len(text) < 4:
        return False
    if is_generic(text, before):
        return False
    w = _words()
    spec = _heads()[head]
    prefix = prefix_length(text[:-len(head)])
    if not prefix:
        prefix = next((len(stem) for stem, _ in region_stems(region) if text.startswith(stem)), 0)
    body = text[prefix:-len(head)]
    if not body:
        return not spec.get("needs_body")
    if not prefix:
        if len(body) < BARE_BODY_MIN:
            return False
        # a bare name starts where a word starts (the project's jieba words), not inside
        # one (未成年人|救助保护中心 read from 人)
        if before and before[-1].isalpha() and not _word_starts_at(before, text + after):
            return False
    if _COUNTED.match(after):
        return False                      # 疾病预防控制中心3439个: a kind of body, counted
    if body[0] in w["edges"] or body[-1] in w["edges"] or any(s in body for s in w["stops"]):
        return False
    if spec.get("center") and not any(k in body for k in w["center"]):
        return False
    return True


@functools.lru_cache(maxsize=1)
def _case_words() -> dict:
    from pipeline import rules
    _cases()                                     # registers the file's schema
    r = rules.load("cases")
    return {"ends": tuple(sorted(r["ends"], key=len, reverse=True)),
            "after": tuple(r["end_blockers_after"]), "before": frozenset(r["end_blockers_before"]),
            "leads": tuple(r["lead_words"]), "joins": ("诉",) + tuple(r["joins"])}


def case_ok(text: str, after: str = "") -> bool:
    """Whether a model case span is acceptable (see the module docstring); ``after`` is
    the sentence text that follows it. The words are those of rules/cases.yaml: an end
    (案, 一案, 专案, 系列案) that is not part of a word (案件, 方案, 立案: end_blockers,
    waived for a two-party name, A诉B…案), and no lead word (审结, 查处, 该案 ...) opening
    the span: the name starts after it."""
    if len(text) < 4 or not _shape_ok(text):
        return False
    check = getattr(_cases(), "is_generic", None)
    if check is not None and check(text):
        return False
    w = _case_words()
    ending = next((e for e in w["ends"] if text.endswith(e)), None)
    if ending is None or len(text) - len(ending) < 2:
        return False
    if after and any(after.startswith(x) for x in w["after"]):
        return False
    two_parties = any(j in text[1:-len(ending)] for j in w["joins"])
    if ending == CASE_END and text[-2] in w["before"] and not two_parties:
        return False
    return not any(text.startswith(x) for x in w["leads"])


@functools.lru_cache(maxsize=1)
def _level_suffixes() -> tuple[str, ...]:
    from pipeline import rules
    import pipeline.region  # noqa: F401  (registers the schema of regions.yaml)
    data = rules.load("regions")
    return tuple(sorted(set(data.get("county_suffixes") or ()) | {"省", "市", "盟", "自治州", "州", "地区"},
                        key=len, reverse=True))


_LEVEL_KEY = {"district": "district", "city": "city", "province": "province"}


def region_stems(region: dict | None) -> list[tuple[str, str]]:
    """(stem, full name) of the report's own district, city and province: 怀宁 for
    怀宁县, 温江 for 温江区 (a report often writes its own place without the level word)."""
    out = []
    for key in ("district", "city", "province"):
        name = (region or {}).get(key)
        if not name:
            continue
        for suf in _level_suffixes():
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append((name[: -len(suf)], name))
                break
    return out


def canonical(text: str, region: dict | None, context: str | None = None) -> str | None:
    """The canonical name of a model agency, by the agencies module's own normaliser.

    The module has no public canonicalisation function (asked for one:
    ``canonical_name(text, region, context)``); until then its extractor is run on the
    span by itself (the span's stem of the report's own place written out in full first:
    怀宁国土局 in a 怀宁县 report is read as 怀宁县国土局): when it reads the whole span as
    one name, that name's canonical form is taken; when it reads a name ending where the
    span ends, the span's extra words are kept in front of it; otherwise a bare level word
    is replaced by the report's own unit of that level (区市政市容委 in a 门头沟区 report:
    门头沟区市政市容委), else the span stays as written."""
    ag = _agencies()
    fn = getattr(ag, "canonical_name", None)
    if fn is not None:
        return fn(text, region, context or "")
    readings = [text]
    for stem, full in region_stems(region):
        if text.startswith(stem) and not text.startswith(full):
            readings.insert(0, full + text[len(stem):])
            break
    level = level_at_start(text)
    unit = (region or {}).get(_LEVEL_KEY.get(_agency_rules()["levels"].get(level or "", ""), ""))
    if level and unit and unit.endswith(level):
        readings.append(unit + text[len(level):])
    for reading in readings:
        found = ag.find_agencies(reading, region, context or "")
        for it in found:
            if it["start"] == 0 and it["end"] == len(reading):
                return it["canonical"]
    for it in ag.find_agencies(text, region, context or ""):
        if it["end"] == len(text):
            return text[: it["start"]] + it["canonical"]
    return readings[-1] if len(readings) > 1 and readings[-1] != text else text


def parties(text: str) -> list[str]:
    """Parties of a model case name: the cases module's reading of the span, when it
    reads a case ending where the span ends; else none."""
    fn = getattr(_cases(), "parties", None)
    if fn is not None:
        return list(fn(text))
    for it in _cases().find_cases(text):
        if it["end"] == len(text):
            return list(it.get("parties") or [])
    return []


# ------------------------------------------------------------ the merge

def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def combine(doc: Document, spans: Iterable) -> list[Record]:
    """Apply the policy to ``doc.records`` in place; returns the records the model added.

    ``spans`` are pipeline.ner.ModelSpan (type, start, end, sentence), in document
    offsets."""
    from pipeline.textview import compact

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
        sent = doc.sentences[sp.sentence]
        text = compact(doc.text, sp.start, sp.end).text
        fields = {"sentence": doc.text[sent.start:sent.end],
                  "sentence_start": sent.start, "sentence_end": sent.end}
        if sp.type == "agency":
            before = compact(doc.text, max(sent.start, sp.start - CONTEXT), sp.start).text
            after = compact(doc.text, sp.end, min(sent.end, sp.end + CONTEXT)).text
            if not agency_ok(text, before, after, doc.region):
                continue
            if sent.block not in block_text:
                b = doc.blocks[sent.block]
                block_text.clear()
                block_text[sent.block] = compact(doc.text, b.start, b.end).text
            fields["canonical"] = canonical(text, doc.region, block_text[sent.block])
        else:
            if not case_ok(text, compact(doc.text, sp.end, min(sent.end, sp.end + CONTEXT)).text):
                continue
            fields["parties"] = parties(text)
        rec = Record(sp.type, sp.start, sp.end, fields, source="model")
        by_type[sp.type].append(rec)
        added.append(rec)
    doc.records.extend(added)
    return added
