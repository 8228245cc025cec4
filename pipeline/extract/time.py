"""Period and status of every quantity (shared/GUIDE.md section 2, Period and Status).

``period`` is the time a figure describes: ``"2023"``, ``"2019/2023"`` (several years),
``"2023-01/2023-10"`` (months), ``"2023-12"``, or None. ``status`` is ``actual``,
``target`` or ``estimate``. Both come, in this order, from

1. the sentence: years (``2023年``, ``2019—2023年``), months (``1—10月``, ``上半年``,
   ``12月份``), words for this and last year (``今年``, ``去年``), streaks and spans
   (``连续16年``, ``近10年``, ``8年来``, ``过去五年``, ``“十四五”以来``); status words
   (``预计``, ``力争``, ``预算数``, ``执行数``) and carried notes (``（预计数，下同）``);
2. the section headings around it (``2023年工作回顾``, ``2024年工作安排``,
   ``主要预期目标``);
3. the report: its genre and year give ``reference_year`` (the year its results describe)
   and the year its plans are for (a work report of 2024 reviews 2023 and plans 2024).

A year written after a comparison word (``比上年``, ``较2012年``) is the base of a change,
never the figure's period. Cue words are data in ``rules/time.yaml``.
:func:`label_time` reads the same from a short label (a table's column header or caption).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import regex

from pipeline import rules
from pipeline.document import Document
from pipeline.textview import compact

_STR_LIST = {"type": "array", "items": {"type": "string"}}
_MONTHS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 12},
           "minItems": 2, "maxItems": 2}
_YEARS = {"type": "array", "items": {"type": "integer", "minimum": 1900, "maximum": 2100},
          "minItems": 2, "maxItems": 2}
_GENRE = {
    "type": "object", "required": ["name", "reference", "plan"],
    "properties": {"name": {"type": "string"}, "title": _STR_LIST, "head": _STR_LIST,
                   "source": _STR_LIST, "reference": {"enum": ["previous", "same", "none"]},
                   "plan": {"enum": ["next", "same"]}},
    "additionalProperties": False,
}
_SCHEMA = {
    "type": "object",
    "required": ["genres", "default_genre", "heading_actual", "heading_target",
                 "heading_target_with_year", "heading_span",
                 "this_year", "last_year", "comparison_before", "month_spans", "plan_periods",
                 "era_starts", "year_spans", "change_verbs", "year_opener_verbs", "part_titles", "estimate_words", "target_words", "target_qualifiers",
                 "actual_words", "carry_notes", "carry_note_tail", "statistical_metrics",
                 "label_target", "label_target_final", "label_estimate", "label_actual", "label_this_year",
                 "label_last_year"],
    "properties": {
        "genres": {"type": "array", "items": _GENRE},
        "default_genre": _GENRE,
        "heading_actual": _STR_LIST, "heading_target": _STR_LIST, "heading_target_with_year": _STR_LIST,
        "heading_span": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        "this_year": _STR_LIST, "last_year": _STR_LIST, "comparison_before": _STR_LIST,
        "month_spans": {"type": "object", "additionalProperties": _MONTHS},
        "plan_periods": {"type": "object", "additionalProperties": _YEARS},
        "era_starts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "change_verbs": _STR_LIST, "year_opener_verbs": _STR_LIST, "part_titles": _STR_LIST,
        "year_spans": {"type": "array", "items": {
            "type": "object", "required": ["prefix", "suffix", "first", "scope"],
            "properties": {"prefix": {"type": "string"}, "suffix": {"type": "string"},
                           "first": {"enum": ["inclusive", "after"]},
                           "scope": {"enum": ["clause", "sentence"]}},
            "additionalProperties": False}},
        "estimate_words": _STR_LIST, "target_words": _STR_LIST, "target_qualifiers": _STR_LIST,
        "actual_words": _STR_LIST,
        "carry_notes": {"type": "array", "items": {
            "type": "object", "required": ["words", "status"],
            "properties": {"words": _STR_LIST, "status": {"enum": ["actual", "estimate", "target"]}},
            "additionalProperties": False}},
        "carry_note_tail": _STR_LIST, "statistical_metrics": _STR_LIST,
        "label_target": _STR_LIST, "label_target_final": _STR_LIST, "label_estimate": _STR_LIST, "label_actual": _STR_LIST,
        "label_this_year": _STR_LIST, "label_last_year": _STR_LIST,
    },
    "additionalProperties": False,
}

_R = rules.load("time", _SCHEMA)

STATUSES = ("actual", "target", "estimate")


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_Y = r"((?:19|20)\d{2})"
_CN_NUM = r"[0-9]+|[一二两三四五六七八九十]{1,3}"
_DASH = r"[—–\-－~～至到]{1,2}"
_CLAUSE_END = "，；：。！？;:!?,"          # a streak describes its own clause only
_COMPARE = regex.compile(r"(?:" + _alt(_R["comparison_before"]) + r")$")
_YEAR_RANGE = regex.compile(_Y + r"年?" + _DASH + _Y + r"年")
_YEAR = regex.compile(r"(?<!\d)" + _Y + r"年(?:度)?(?:(\d{1,2})" + _DASH + r"(\d{1,2})月(?:份)?(?!\d{0,2}日)"
                      r"|(\d{1,2})月(?:份|末|底)?(?!\d{0,2}日)"
                      r"|(" + _alt(_R["month_spans"]) + r"))?")
_MONTH_RANGE = regex.compile(r"(?<![\d年.月])(\d{1,2})" + _DASH + r"(\d{1,2})月(?:份)?(?!\d{0,2}日)")
_MONTH = regex.compile(r"(?<![\d年.\-—至到])(\d{1,2})月(份|末|底)(?!\d)")
_MONTH_SPAN = regex.compile(r"(?<!\d年)(?:" + _alt(_R["month_spans"]) + r")")
_FROM_ON = regex.compile(r"(?:\d{1,2}月(?:\d{1,2}日)?)?(?:起|开始)")
_OPENER = regex.compile(_Y + r"年，?(?:" + _alt(_R["year_opener_verbs"]) + ")")
_PART_TITLE = regex.compile(_Y + r"年[^。]{0,30}(?:" + _alt(_R["part_titles"]) + ")")
_FROM = ("从", "由")
_TO = regex.compile(r"(?:" + _alt(_R["change_verbs"]) + r")?(?:到|至)$")
_FROM_BEFORE = regex.compile(r"[从由][^，；。从由]*$")
_LEAD_IN = regex.compile(r"^(?:全市|全区|全县|全省|全州|全国|我市|我区|我县|我省)?(?:截至|截止|自从|在|于|从|自|到|至)?")
_SINCE_YEAR = regex.compile(r"(?<!\d)" + _Y + r"年(?:以来|至今|来)")
_THIS_YEAR = regex.compile(r"(?:" + _alt(_R["this_year"]) + r")(?!同期|同月)")
_LAST_YEAR = regex.compile(r"(?:" + _alt(_R["last_year"]) + r")(末|底)?(?!同期|同月)")
_PLAN = regex.compile(r"[“\"]?(" + _alt(_R["plan_periods"]) + r")[”\"]?(以来|期间|时期|末|期末)")
_ERA = regex.compile(_alt(_R["era_starts"]))
_SPANS = [(regex.compile(regex.escape(s["prefix"]) + r"(" + _CN_NUM + r")个?年" + regex.escape(s["suffix"])
                         + ("" if s["suffix"] else r"(?![0-9])")), s)
          for s in _R["year_spans"]]
_ESTIMATE = regex.compile(_alt(_R["estimate_words"]))
_TARGET = regex.compile(_alt(_R["target_words"]))
_ACTUAL = regex.compile(_alt(_R["actual_words"]))
_NOTE = regex.compile(r"[（(]\s*(" + _alt(w for n in _R["carry_notes"] for w in n["words"]) + r")\s*[，,、]?\s*(?:"
                      + _alt(_R["carry_note_tail"]) + r")\s*[）)]")
_NOTE_STATUS = {w: n["status"] for n in _R["carry_notes"] for w in n["words"]}
_STAT_METRIC = regex.compile(_alt(_R["statistical_metrics"]))
# a year inside a book title or a bracketed note (按2020年不变价计算) is not the figure's time
_BOOK = regex.compile(r"《[^《》]*》|（[^（）]*）|\([^()]*\)")
_HEADING_LINE_MAX = 30
_HEAD_YEAR = regex.compile(r"(?<!\d)" + _Y + r"年")
_HEAD_ACTUAL = regex.compile(_alt(_R["heading_actual"]))
_HEAD_TARGET = regex.compile(_alt(_R["heading_target"]))
_HEAD_TARGET_YEAR = regex.compile(_HEAD_YEAR.pattern + r".*(?:" + _alt(_R["heading_target_with_year"]) + ")|(?:"
                                  + _alt(_R["heading_target_with_year"]) + r").*" + _HEAD_YEAR.pattern)
_TARGET_QUALIFIERS = set(_R["target_qualifiers"])


# --- periods ----------------------------------------------------------------------------

def format_period(first: str | int | None, last: str | int | None = None) -> str | None:
    """``"2023"``, ``"2019/2023"``, ``"2023-01/2023-10"``: one point, or first/last."""
    if first is None:
        return None
    first, last = str(first), str(last if last is not None else first)
    return first if first == last else f"{first}/{last}"


def period_bounds(period: str | None) -> tuple[str | None, str | None]:
    """(start, end) of a period string, each a year or a year-month: for exports."""
    if not period:
        return None, None
    a, _, b = period.partition("/")
    return a, b or a


def _last_year_of(period: str | None) -> int | None:
    return int(period_bounds(period)[1][:4]) if period else None


def _months(year: int, m1: int, m2: int) -> str | None:
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or m2 < m1:
        return None
    return format_period(f"{year}-{m1:02d}", f"{year}-{m2:02d}")


def _count(s: str) -> int | None:
    from pipeline.extract.numerals import parse_number
    try:
        v = parse_number(s)
    except Exception:          # a numeral the reader does not know: no span
        return None
    return int(v) if isinstance(v, (int, float)) and v == int(v) and 0 < v < 200 else None


# --- the report -------------------------------------------------------------------------

@dataclass
class Years:
    """The years a report speaks of: ``reference`` its results, ``plan`` its targets,
    ``now`` the year it is written in (今年)."""
    genre: str
    reference: int | None
    plan: int | None
    now: int | None


def report_genre(title: str, head: str, source: str) -> dict:
    """The genre entry of rules/time.yaml whose words the title, head or file name hold."""
    title, head = compact(title or "").text, compact(head or "").text
    for key, text in (("title", title), ("head", head), ("source", source or "")):
        for g in _R["genres"]:
            if any(w and w in text for w in g.get(key, [])):
                return g
    return _R["default_genre"]


def report_years(doc: Document) -> Years:
    """Genre, reference year, plan year and writing year of a processed document."""
    g = report_genre(doc.title or "", doc.text[:1500], doc.source)
    y = doc.year
    if g["reference"] == "none":
        return Years(g["name"], None, None, y)
    titles = [s.title for s in doc.sections if s.level <= 2] + [t for _, t in heading_lines(doc)]
    heads = [(_HEAD_YEAR.search(compact(t).text), t) for t in titles]
    review = [int(m.group(1)) for m, t in heads if m and _HEAD_ACTUAL.search(t)]
    plan = [int(m.group(1)) for m, t in heads if m and _plans(t)]
    if g["reference"] == "previous":
        # the headings say it best (一、2023年工作回顾); else the year before the report's
        ref = review[0] if review else (plan[0] - 1 if plan else (y - 1 if y else None))
    else:
        ref = review[0] if review else y
    if ref is None:
        return Years(g["name"], None, None, y)
    nxt = plan[0] if plan else (ref + 1 if g["plan"] == "next" else ref)
    now = nxt if g["reference"] == "previous" else ref
    return Years(g["name"], ref, nxt, now)


def _plans(heading: str) -> bool:
    return bool(_HEAD_TARGET.search(heading) or _HEAD_TARGET_YEAR.search(heading))


def heading_lines(doc: Document) -> list[tuple[int, str]]:
    """(offset, text) of short lines standing alone that name a year and a review or a plan
    (2023年工作回顾, 2024年工作安排) even where the section finder took them for text."""
    out = []
    for b in doc.blocks:
        if b.kind == "table_cell" or b.end - b.start > 60:
            continue
        t = compact(doc.text, b.start, b.end).text
        if (len(t) <= _HEADING_LINE_MAX and not any(c in t for c in "。；，")
                and _HEAD_YEAR.search(t) and (_HEAD_ACTUAL.search(t) or _plans(t))):
            out.append((b.start, t))
    return out


# --- cues in a sentence -------------------------------------------------------------------

@dataclass
class Cue:
    start: int
    end: int
    period: str | None = None
    status: str | None = None
    scope: str = "sentence"          # sentence | clause | next (the figure right after)


def _comparison_before(s: str, at: int) -> bool:
    return bool(_COMPARE.search(s[max(0, at - 3):at]))


def _opens_clause(s: str, at: int) -> bool:
    head = s[:at]
    cut = max(head.rfind(c) for c in _CLAUSE_END) + 1
    return not _LEAD_IN.sub("", head[cut:])


def period_cues(s: str, years: Years, context_year: int | None) -> list[Cue]:
    """Period cues of one (compact) sentence, in text order. ``context_year`` is the year
    of its section or report (for months and streaks without a year of their own)."""
    ref = context_year
    cues: list[Cue] = []
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _BOOK.finditer(s)]

    def free(a, b):
        return all(b <= x or a >= y for x, y in taken)

    def add(a, b, period, scope="sentence", status=None):
        if period is None or not free(a, b):
            return
        if scope == "opening":
            # a time that opens its clause (2015年， / 去年，全市…) sets the sentence's time;
            # one inside a clause (…是1950年到2002年53年的总和) speaks for that clause
            scope = "sentence" if _opens_clause(s, a) else "clause"
        if _comparison_before(s, a) and not _FROM_ON.match(s, b):
            # 比2012年 / 从2012年的: the base of a change; only a figure right after it
            # (从2012年的54万亿元) takes that year
            scope = "next"
        taken.append((a, b))
        cues.append(Cue(a, b, period, status, scope))

    for m in _PLAN.finditer(s):
        first, last = _R["plan_periods"][m.group(1)]
        if m.group(2) == "以来":
            add(m.start(), m.end(), format_period(first, ref) if ref else None, "opening")
        elif m.group(2) in ("末", "期末"):
            add(m.start(), m.end(), format_period(last), "opening")
        else:
            add(m.start(), m.end(), format_period(first, last), "opening")
    for m in _ERA.finditer(s):
        if ref:
            add(m.start(), m.end(), format_period(_R["era_starts"][m.group(0)], ref), "opening")
    for m in _SINCE_YEAR.finditer(s):
        if ref and int(m.group(1)) <= ref:
            add(m.start(), m.end(), format_period(m.group(1), ref), "opening")
    for m in _YEAR_RANGE.finditer(s):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b:
            add(m.start(), m.end(), format_period(a, b), "opening")
    first_year = True
    for m in _YEAR.finditer(s):
        y = int(m.group(1))
        if _FROM_ON.match(s, m.end()):
            p = str(y)                       # 从2012年3月起: from then on, that year
        elif m.group(2):
            p = _months(y, int(m.group(2)), int(m.group(3)))
        elif m.group(4):
            p = _months(y, int(m.group(4)), int(m.group(4)))
        elif m.group(5):
            p = _months(y, *_R["month_spans"][m.group(5)])
        else:
            p = str(y)
        # the first time a sentence names sets its time; a later one (an embedded date,
        # 2012年5月10日收取…) speaks for its own clause
        add(m.start(), m.end(), p, "sentence" if first_year else "clause")
        first_year = False
    for pat, span in _SPANS:
        for m in pat.finditer(s):
            n = _count(m.group(1))
            if n is None or not ref:
                continue
            first = ref - n + 1 if span["first"] == "inclusive" else ref - n
            add(m.start(), m.end(), format_period(first, ref), span["scope"])
    if ref:
        for m in _MONTH_RANGE.finditer(s):
            add(m.start(), m.end(), _months(ref, int(m.group(1)), int(m.group(2))), "opening")
        for m in _MONTH.finditer(s):
            add(m.start(), m.end(), _months(ref, int(m.group(1)), int(m.group(1))), "opening")
        for m in _MONTH_SPAN.finditer(s):
            add(m.start(), m.end(), _months(ref, *_R["month_spans"][m.group(0)]), "opening")
    if years.now:
        for m in _THIS_YEAR.finditer(s):
            add(m.start(), m.end(), str(years.now), "opening")
        for m in _LAST_YEAR.finditer(s):
            add(m.start(), m.end(), str(years.now - 1), "opening")
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


def status_cues(s: str) -> list[Cue]:
    """Status words of one (compact) sentence. An estimate word speaks for the rest of
    its sentence; a target or result word for its clause, or for the rest of the sentence
    when a colon follows it (主要预期目标是：…)."""
    cues = []
    for pat, status in ((_ESTIMATE, "estimate"), (_TARGET, "target"), (_ACTUAL, "actual")):
        for m in pat.finditer(s):
            scope = "sentence" if status == "estimate" or s[m.end():m.end() + 2].lstrip("是为").startswith(("：", ":")) \
                else "clause"
            cues.append(Cue(m.start(), m.end(), status=status, scope=scope))
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


def _clause_end(s: str, at: int) -> int:
    for i in range(at, len(s)):
        if s[i] in _CLAUSE_END:
            return i
    return len(s)


def _applies(s: str, cue: Cue, start: int, end: int) -> bool:
    """Whether ``cue`` speaks for the figure at [start, end) of sentence ``s``."""
    if cue.start <= start and end <= cue.end:      # the figure is the cue (连续16年)
        return True
    if cue.end > start:
        return False
    if cue.scope == "next":
        return s[cue.end:start] in ("", "的")
    if cue.scope == "clause":
        return _clause_end(s, cue.end) >= end
    return True


def _nearest(s: str, cues: list[Cue], start: int, end: int) -> Cue | None:
    best = None
    for c in cues:
        if c.start > start:
            break
        if _applies(s, c, start, end):
            if best is None or c.start >= best.start or (c.start <= start and end <= c.end):
                best = c
            if c.start <= start and end <= c.end:
                return c
    return best


# --- headings ---------------------------------------------------------------------------

@dataclass
class HeadingTime:
    period: str | None = None
    status: str | None = None        # actual | target


def heading_time(title: str, years: Years) -> HeadingTime:
    """What a section heading says of the figures under it."""
    t = compact(title).text
    h = HeadingTime()
    if _plans(t):
        h.status = "target"
    elif _HEAD_ACTUAL.search(t):
        h.status = "actual"
    m = _HEAD_YEAR.search(t)
    if m:
        h.period = m.group(1)
    elif years.reference:
        for words, n in _R["heading_span"].items():
            if words in t:
                h.period = format_period(years.reference - n + 1, years.reference)
                break
        if h.period is None and h.status == "target" and years.plan:
            h.period = str(years.plan)
    return h


def _section_times(doc: Document, years: Years) -> dict[str, HeadingTime]:
    """Each section's period and status, inherited from the headings above it. In a
    report that reviews and then plans, a top-level section with no cue of its own
    after a planning one plans too (三、提高政府治理能力 after 二、2024年工作重点)."""
    out: dict[str, HeadingTime] = {}
    by_id = {s.id: s for s in doc.sections}
    plans_follow = years.genre in ("work_report", "budget")
    last_top = HeadingTime()
    for s in doc.sections:
        own = heading_time(s.title, years)
        parent = out.get(s.parent) if s.parent in by_id else None
        if parent is None and plans_follow and own.status is None and own.period is None:
            parent = last_top if last_top.status == "target" else None
        base = parent or HeadingTime()
        ht = HeadingTime(own.period or base.period, own.status or base.status)
        if ht.status == "target" and own.period is None and base.period is None and years.plan:
            ht.period = str(years.plan)
        out[s.id] = ht
        if s.parent not in by_id:
            last_top = ht
    return out


# --- the stage --------------------------------------------------------------------------

def assign_time(doc: Document) -> None:
    """Give every quantity record ``period`` and ``status``; set ``doc.reference_year``."""
    from pipeline.sections import SectionLookup

    years = report_years(doc)
    doc.reference_year = years.reference
    doc.genre = years.genre
    sec_time = _section_times(doc, years)
    top_of = {}
    by_id = {s.id: s for s in doc.sections}
    for s in doc.sections:
        node = s
        while node.parent in by_id:
            node = by_id[node.parent]
        top_of[s.id] = node.id

    # a figure in a table cell has its period and status from its headers (extract/tables.py)
    quantities = sorted((r for r in doc.records if r.type == "quantity" and not r.fields.get("table")),
                        key=lambda r: r.start)
    carried: dict[str | None, str] = {}      # top-level section id → status of a 下同 note
    by_sentence: dict[tuple[int, int], list] = {}
    for r in quantities:
        key = (r.fields.get("sentence_start", r.start), r.fields.get("sentence_end", r.end))
        by_sentence.setdefault(key, []).append(r)
    # offsets sorted once and bisected per sentence: a report with tens of thousands of
    # headings and sentences must not compare every sentence with every heading
    openers = sorted(_year_openers(doc, years), key=lambda o: o[0])
    opener_at = [at for at, _ in openers]
    marks = sorted(((at, heading_time(t, years)) for at, t in heading_lines(doc)), key=lambda m: m[0])
    mark_at = [at for at, _ in marks]
    section_at = SectionLookup(doc.sections)
    base_years = years
    for (s0, s1), recs in sorted(by_sentence.items()):
        years = base_years
        n_opened = bisect.bisect_right(opener_at, s0)
        if n_opened and openers[n_opened - 1][1] != years.reference:
            years = replace(years, reference=openers[n_opened - 1][1])
        view = compact(doc.text, s0, s1)
        s = view.text
        sec_id, _ = section_at(s0)
        ht = sec_time.get(sec_id, HeadingTime()) if sec_id else HeadingTime()
        if ht.period is None and ht.status is None:
            # no heading the section finder knows says when: a line that does (2023年工作回顾)
            n_before = bisect.bisect_right(mark_at, s0)
            if n_before:
                ht = marks[n_before - 1][1]
        context = _last_year_of(ht.period) if ht.period and "/" not in ht.period else None
        context = context or (years.plan if ht.status == "target" else years.reference)
        pcues = period_cues(s, years, context)
        scues = status_cues(s)
        notes = [(m.start(), _NOTE_STATUS[m.group(1)]) for m in _NOTE.finditer(s)]
        top = top_of.get(sec_id) if sec_id else None
        spans = [(view.to_compact(r.start), view.to_compact(r.end)) for r in recs]
        for i, (r, (a, b)) in enumerate(zip(recs, spans)):
            cue = _nearest(s, pcues, a, b)
            if cue is not None:
                period = cue.period
            elif ht.period:
                period = ht.period
            elif ht.status == "target" and years.plan:
                period = str(years.plan)
            else:
                period = str(years.reference) if years.reference else None
            if period and (cue is None or cue.scope != "next"):
                period = _from_to(s, a, b, period, spans[i + 1] if i + 1 < len(spans) else None)
            status = _status(r, s, a, b, i, spans, scues, notes, carried.get(top), period, ht, years)
            for at, st in notes:
                if b <= at and all(not (b <= a2 < at) for a2, _ in spans[i + 1:]):
                    status = st             # the figure the note stands right after
            r.fields["period"] = period
            r.fields["status"] = status
        for _, st in notes:
            carried[top] = st


def _year_openers(doc: Document, years: Years) -> list[tuple[int, int]]:
    """(offset, year) of paragraphs that open by naming the year they review
    (2022年是新时代新征程中极具挑战、极不平凡的一年。): in a file holding several yearly
    reports, the text from there on describes that year."""
    if years.reference is None or years.reference != years.now:
        return []           # a work report or a budget plans after it reviews: not a new part
    out, seen_blocks = [], set()
    for sent in doc.sentences:
        if sent.block in seen_blocks:
            continue
        seen_blocks.add(sent.block)
        head = compact(doc.text, sent.start, min(sent.end, sent.start + 60)).text
        m = _OPENER.match(head)
        if m:
            out.append((sent.start, int(m.group(1))))
            continue
        # the title line of the next report in the file (2023年东莞市…统计公报)
        m = _PART_TITLE.search(head)
        if m and sent.end - sent.start <= 60 and "。" not in head:
            out.append((sent.start, int(m.group(1))))
    return out


def _from_to(s: str, a: int, b: int, period: str, following: tuple[int, int] | None) -> str:
    """A change told as 从X增加到Y: the start value X has the year before the period, the
    end value Y its last year (国内生产总值从54万亿元增加到82.7万亿元 over 2013/2017 →
    "2012" and "2017")."""
    first, last = period_bounds(period)
    if len(first) != 4 or len(last) != 4:
        return period
    if s[a - 1:a] in _FROM and following and _TO.fullmatch(s[b:following[0]]):
        return str(int(first) - 1)
    if _TO.search(s[max(0, a - 6):a]) and _FROM_BEFORE.search(s[max(0, a - 40):a]):
        return last
    return period


def _status(r, s, a, b, i, spans, scues, notes, carried, period, ht, years) -> str:
    cue = _nearest(s, scues, a, b)
    qualifier = r.fields.get("qualifier")
    last = _last_year_of(period)
    future = bool(last and years.reference and last > years.reference
                  and not (ht.status == "actual" and last <= (_last_year_of(ht.period) or 0)))
    if cue is not None and cue.status == "estimate":
        return "target" if future and ht.status != "actual" else "estimate"
    if cue is not None:
        return cue.status
    if qualifier in _TARGET_QUALIFIERS:
        return "target"
    note = [st for at, st in notes if at < a]
    metric = r.fields.get("metric") or ""
    if (note or carried) and _STAT_METRIC.search(metric):
        return note[-1] if note else carried
    if future:
        return "target"
    if ht.status == "target":
        # a plan section speaks of the plan year; a figure of an earlier year is a result
        if last is not None and years.plan and last < years.plan:
            return "actual"
        return "target"
    return "actual"


# --- labels (table headers, captions) -------------------------------------------------------

_L_TARGET = regex.compile("(?:" + _alt(_R["label_target"]) + ")|(?:" + _alt(_R["label_target_final"])
                          + r")(?:数|草案)?(?:[（(][^）)]*[）)])?$")
_L_ESTIMATE = regex.compile(_alt(_R["label_estimate"]))
_L_ACTUAL = regex.compile(_alt(_R["label_actual"]))
_L_THIS = regex.compile(_alt(_R["label_this_year"]))
_L_LAST = regex.compile(r"(?:" + _alt(_R["label_last_year"]) + r")")
_L_CHANGE = regex.compile(r"(?:比|较|同比|增长|增减|涨跌|±)")


def label_time(label: str, year: int | None = None) -> tuple[str | None, str | None]:
    """(period, status) a short label gives its figures, each None where it says nothing.

    ``label`` is a table's column header, row label or caption (``2021年``, ``本年预算数``,
    ``上年执行数``, ``1—10月``, ``比上年增长（%）``); ``year`` is the year the table is about
    (the budget year of a budget, the year of a communiqué), for ``本年``/``上年``/months.
    A year after a comparison word is the base of a change and gives nothing
    (``比上年增长（%）`` → (None, None))."""
    t = compact(label or "").text
    status = None
    if _L_ESTIMATE.search(t):
        status = "estimate"
    elif _L_ACTUAL.search(t):
        status = "actual"
    elif _L_TARGET.search(t):
        status = "target"
    years = Years("table", year, year, year)
    period = None
    for c in period_cues(t, years, year):
        if c.scope != "next":
            period = c.period
            break
    if period is None and year:
        for m in _L_LAST.finditer(t):
            if not _comparison_before(t, m.start()) and not _L_CHANGE.search(t[:m.start()]):
                period = str(year - 1)
                break
        else:
            m = _L_THIS.search(t)
            if m and not _comparison_before(t, m.start()):
                period = str(year)
    return period, status
