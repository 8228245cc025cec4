"""Quantities: numbers with their units that state measured facts (GUIDE.md section 2).

    find_quantities(sentence) -> list[dict]

``sentence`` is one compact sentence (pipeline.textview): no white space, full-width
digits and ％ folded to ASCII, Chinese punctuation kept. Each quantity is a dict with
start, end, text, value, value_max, unit, kind, role, direction, qualifier, metric.

How a sentence is read:

1. Spans that cannot hold a quantity are marked: quoted names and slogans (“…”, 《…》).
2. Ranking statements are found first (居全市第二, 稳居全市之首, 前移一位).
3. Every numeral (Arabic, Chinese, mixed, fraction, percent word) is read with what
   follows it: a multiplier (万, 亿), an inner qualifier (余, 多), a unit, a compound unit
   tail (/百平方公里), a range partner (1至2家) and an outer qualifier (以上, 左右).
4. Candidates that are dates, codes, ordinals, rate prefixes (每万人口), idioms or
   slogans are dropped.
5. Role and direction come from the words before the number (同比增长, 占, 下降);
   the metric from the noun phrase that names it (metrics.py).

All word lists come from rules/quantities.yaml; regular expressions are compiled once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from pipeline import rules
from pipeline.extract.numerals import multiplier_value, parse_number

__all__ = ["find_quantities", "Quantity", "load_rules"]

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_UNIT_ITEM = {"oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["unit"], "additionalProperties": False,
     "properties": {"unit": {"type": "string", "minLength": 1}, "as": {"type": "string"}}}]}
_SCHEMA = {
    "type": "object",
    "required": ["units", "arabic_only_units", "compound_unit_tail", "compound_unit_joiners",
                 "not_units",
                 "percent_units", "qualifiers", "roles", "negatives", "metric", "jieba_words"],
    "properties": {
        "units": {"type": "object", "additionalProperties": {"type": "array", "items": _UNIT_ITEM},
                  "propertyNames": {"enum": ["money", "count", "duration", "measure"]}},
        "compound_unit_tail": _STR_LIST,
        "compound_unit_joiners": _STR_LIST,
        "arabic_only_units": _STR_LIST,
        "not_units": _STR_LIST,
        "percent_units": {"type": "array", "items": {
            "type": "object", "required": ["unit", "kind"], "additionalProperties": False,
            "properties": {"unit": {"type": "string"}, "as": {"type": "string"},
                           "kind": {"enum": ["percent", "percentage_point", "multiple"]}}}},
        "qualifiers": {"type": "object", "required": ["before", "inside", "after", "not_before"],
                       "additionalProperties": _STR_LIST},
        "roles": {"type": "object", "additionalProperties": _STR_LIST,
                  "required": ["change_up", "change_down", "change_short_up", "change_short_down",
                               "comparison", "share", "share_tail", "share_not", "rank_verbs",
                               "rank_scopes", "rank_first", "rank_change_verbs",
                               "rank_change_down", "magnitude_lead", "rank_verbs_award"]},
        "negatives": {"type": "object",
                      "required": ["rate_prefix", "idioms", "before_name", "after_name",
                                   "date_after", "quotes", "plan_words", "one_keep_units"],
                      "properties": {"quotes": {"type": "array", "items": {
                          "type": "array", "minItems": 2, "maxItems": 2,
                          "items": {"type": "string", "minLength": 1, "maxLength": 1}}}},
                      "additionalProperties": _STR_LIST},
        "metric": {"type": "object", "additionalProperties": _STR_LIST,
                   "required": ["lead_words", "time_words", "lead_verbs", "link_words", "anaphora",
                                "drop_paren_starting", "np_stop", "np_lead", "not_places",
                                "money_hints", "count_hints", "ratio_metric_suffixes"]},
        "jieba_words": _STR_LIST,
    },
}

_CN = "零〇○一二两三四五六七八九十百千万亿点"
_PUNCT = set("，。；：、！？,;:!?（）()“”‘’《》〈〉「」『』【】—…·")
_CLAUSE_BREAK = set("，。；：！？,;:!?")
_RANGE_SEPS = ("至", "到", "-", "—", "–", "~", "～", "－")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass
class Rules:
    """rules/quantities.yaml, compiled once."""
    unit_kind: dict            # written unit -> kind
    unit_as: dict              # written unit -> reported unit
    unit_re: re.Pattern
    arabic_only: frozenset
    tail_re: re.Pattern
    joiners: tuple             # middle dots of 元/人·月, the first one reported
    not_unit_re: re.Pattern
    pct: dict                  # written percent unit -> (kind, reported unit)
    pct_re: re.Pattern
    q_before_re: re.Pattern    # qualifier ending right before a number
    q_inside: tuple
    q_not: frozenset
    q_after_re: re.Pattern
    change_re: re.Pattern      # change verb (with comparison) ending right before a number
    change_noun_re: re.Pattern  # 增速为, 增幅达
    change_down: frozenset
    change_words: list
    share_re: re.Pattern
    share_tail_re: re.Pattern
    share_not: frozenset
    rank_verbs: frozenset
    rank_verbs_award: frozenset
    rank_scopes_re: re.Pattern
    roles_scopes: list
    rank_first_re: re.Pattern
    rank_change_re: re.Pattern
    rank_change_down: frozenset
    magnitude_lead_re: re.Pattern
    rate_prefix_re: re.Pattern
    plan_re: re.Pattern
    one_keep_units: tuple
    idioms_re: re.Pattern
    before_name_re: re.Pattern
    after_name_re: re.Pattern
    date_after_re: re.Pattern
    quotes: dict               # open -> close
    metric: dict               # raw lists from the metric section
    jieba_words: list
    num_re: re.Pattern = field(default=None)
    link_tail_re: re.Pattern = field(default=None)     # 达到, 为 … at the end of a phrase
    ratio_name_re: re.Pattern = field(default=None)    # 倍差缩小至, 系数为 at the end
    scope_lead_re: re.Pattern = field(default=None)    # 全国, 全省 … at the start


def _unit_entries(items):
    for it in items:
        if isinstance(it, str):
            yield it, it
        else:
            yield it["unit"], it.get("as", it["unit"])


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    d = rules.load("quantities", _SCHEMA)
    unit_kind, unit_as = {}, {}
    for kind, items in d["units"].items():
        for written, reported in _unit_entries(items):
            unit_kind[written] = kind
            unit_as[written] = reported
    pct = {}
    for it in d["percent_units"]:
        pct[it["unit"]] = (it["kind"], it.get("as", it["unit"]))
    ro, neg, q = d["roles"], d["negatives"], d["qualifiers"]
    # 比上年, 比2002年同期, 较上年末: a comparison before the change verb
    comparison = (_alternation(ro["comparison"])
                  + r"|(?:比|较|与)(?:\d{4}年|上年|去年|前年|上月|年初|上季度)(?:同期|末|底|初|相比)?")
    up_down = _alternation(ro["change_up"] + ro["change_down"])
    short = _alternation(ro["change_short_up"] + ro["change_short_down"])
    change_nouns = [w for w in ro["change_up"] + ro["change_down"]
                    if w.endswith(("幅", "速", "率"))]
    r = Rules(
        unit_kind=unit_kind, unit_as=unit_as,
        unit_re=re.compile(_alternation(unit_kind)),
        arabic_only=frozenset(d["arabic_only_units"]),
        tail_re=re.compile(r"/((?:百|千|万|亿)?)(" + _alternation(d["compound_unit_tail"]) + ")"
                           + "(?:(?:" + _alternation(d["compound_unit_joiners"]) + ")(?:"
                           + _alternation(d["compound_unit_tail"]) + "))?"),
        joiners=tuple(d["compound_unit_joiners"]),
        not_unit_re=re.compile(_alternation(d["not_units"])),
        pct=pct, pct_re=re.compile(_alternation(pct)),
        q_before_re=re.compile("(?:" + _alternation(q["before"]) + ")$"),
        q_inside=tuple(q["inside"]),
        q_not=frozenset(q["not_before"]),
        q_after_re=re.compile(_alternation(q["after"])),
        change_re=re.compile(
            rf"(?:(?:{comparison})*(?P<v>{up_down})|(?:{comparison})+(?P<s>{short}))(?:了)?$"),
        change_noun_re=re.compile(
            "(?P<v>" + _alternation(change_nouns) + ")(?:为|达到|达|是|约为)?$") if change_nouns
        else re.compile(r"(?!x)x"),
        change_down=frozenset(ro["change_down"] + ro["change_short_down"]),
        change_words=ro["change_up"] + ro["change_down"] + ro["share"],
        share_re=re.compile("(?:" + _alternation(ro["share"]) + ")"),
        share_tail_re=re.compile("(?:" + _alternation(ro["share_tail"])
                                 + ")(?:为|达到|达|是|约|约为|已达)?$"),
        share_not=frozenset(ro["share_not"]),
        rank_verbs=frozenset(ro["rank_verbs"]),
        rank_verbs_award=frozenset(ro["rank_verbs_award"]),
        rank_scopes_re=re.compile("(?:" + _alternation(ro["rank_scopes"]) + ")$"),
        roles_scopes=list(ro["rank_scopes"]),
        rank_first_re=re.compile(_alternation(ro["rank_first"])),
        rank_change_re=re.compile(
            "(?P<v>" + _alternation(ro["rank_change_verbs"]) + rf")了?(?P<n>\d+|[{_CN}]+)"
            r"(?P<u>个位次|位次|位|名)"),
        rank_change_down=frozenset(ro["rank_change_down"]),
        magnitude_lead_re=re.compile("(?:" + _alternation(ro["magnitude_lead"]) + ")$"),
        rate_prefix_re=re.compile("(?:" + _alternation(neg["rate_prefix"]) + ")$"),
        plan_re=re.compile(r"[^，。；：、！？,;:（）()“”]{0,6}?(?:" + _alternation(neg["plan_words"]) + ")"),
        one_keep_units=tuple(neg["one_keep_units"]),
        idioms_re=re.compile(_alternation(neg["idioms"])),
        before_name_re=re.compile("(?:" + _alternation(neg["before_name"]) + ")$"),
        after_name_re=re.compile(_alternation(neg["after_name"])),
        date_after_re=re.compile(_alternation(neg["date_after"])),
        quotes={a: b for a, b in neg["quotes"]},
        metric=d["metric"],
        jieba_words=d["jieba_words"],
    )
    r.link_tail_re = re.compile("(?:" + _alternation(d["metric"]["link_words"]) + ")+$")
    r.ratio_name_re = re.compile("(?:" + _alternation(d["metric"]["ratio_metric_suffixes"])
                                 + r")(?:缩小|扩大|下降|上升|提高|降低|收窄)?(?:至|到|为)?$")
    r.scope_lead_re = re.compile("^(?:" + _alternation(ro["rank_scopes"]) + ")+")
    r.num_re = re.compile(
        rf"(?P<pw>百分之|千分之)(?P<pwn>\d+(?:\.\d+)?|[{_CN}]+)"
        rf"|(?P<cf>\d+|[{_CN}]+?)分之(?P<cfn>\d+|[{_CN}]+)"
        r"|(?P<fr>(?<![\d/.])\d+(?:\.\d+)?/\d+(?:\.\d+)?(?![\d/]))"
        r"|(?P<ar>[-−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)"
        rf"|(?P<cn>[{_CN}]+)")
    return r


@dataclass
class Quantity:
    start: int                 # span start (the numeral, or 第/之首 for ranks)
    end: int                   # span end (after the unit)
    value: float | int
    unit: str
    kind: str
    value_max: float | int | None = None
    qualifier: str | None = None
    q_start: int = -1          # start including a qualifier written before the number
    q_end: int = -1            # end including a qualifier written after the unit
    role: str = "level"
    direction: str | None = None
    metric: str | None = None
    chinese: bool = False      # written in Chinese numerals
    magnitude: bool = False    # a bare magnitude with no unit (突破2万亿, 1002.1万)
    rank_verb_at: int = -1     # for ranks: where the ranking verb starts
    run_head: int = -1         # index of the first quantity of a list (30%、24.5%)
    share_at: int = -1         # for shares: where 占 starts

    def as_dict(self, sentence: str) -> dict:
        return {"start": self.start, "end": self.end, "text": sentence[self.start:self.end],
                "value": self.value, "value_max": self.value_max, "unit": self.unit,
                "kind": self.kind, "role": self.role, "direction": self.direction,
                "qualifier": self.qualifier, "metric": self.metric}


# ----------------------------------------------------------------------------- masks

def _quote_mask(s: str, r: Rules) -> list[bool]:
    """True for characters inside a quote or book-title pair (names, codes, slogans)."""
    mask = [False] * len(s)
    i = 0
    while i < len(s):
        close = r.quotes.get(s[i])
        if close is not None:
            j = s.find(close, i + 1)
            if j > 0 and (close != s[i] or j - i <= 40):
                for k in range(i, j + 1):
                    mask[k] = True
                i = j + 1
                continue
        i += 1
    return mask


_CLAUSE_SCAN_MAX = 1000     # no real clause is longer; bounds the work per figure


def _clause_start(s: str, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last clause break outside brackets
    (at most _CLAUSE_SCAN_MAX characters back)."""
    depth = 0
    floor = max(0, pos - _CLAUSE_SCAN_MAX)
    for i in range(pos - 1, floor - 1, -1):
        ch = s[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth:
                depth -= 1
            continue
        elif depth == 0 and ch in _CLAUSE_BREAK:
            return i + 1
    return floor


# ----------------------------------------------------------------------------- numbers

def _round(v):
    if isinstance(v, float):
        v = round(v, 10)
        if v.is_integer() and abs(v) < 2 ** 53:
            return int(v)
    return v


def _scale(v, mult: int):
    """v × mult without binary float error (2.3亿 is 230000000, not 229999999.99999997)."""
    if v is None:
        return None
    if mult == 1:
        return v
    return _round(float(Decimal(repr(v)) * mult)) if isinstance(v, float) else v * mult


def read_multiplier(s: str, p: int, r: Rules) -> tuple[int, int]:
    """A chain of multipliers at p (万, 亿, 万亿, 千万): (factor, end). A 千 that starts a
    unit (千瓦, 千米, 千克) is the unit's, not a multiplier."""
    factor, i = 1, p
    while i < len(s):
        for m in ("万亿", "亿", "万", "千", "百"):
            if s.startswith(m, i):
                break
        else:
            break
        um = r.unit_re.match(s, i)
        if um and um.group(0).startswith(m) and len(um.group(0)) > len(m):
            break
        if m == "百" and s.startswith("百分", i):
            break
        factor *= multiplier_value(m)
        i += len(m)
    return factor, i


@dataclass
class _Num:
    start: int
    end: int
    value: float | int
    chinese: bool
    kind: str | None = None        # set for fractions and percent words
    unit: str | None = None
    digits: str = ""


def _read_numeral(s: str, m: re.Match) -> _Num | None:
    if m.group("pw"):
        v = parse_number(m.group("pwn"))
        if v is None:
            return None
        unit = "%" if m.group("pw") == "百分之" else "‰"
        return _Num(m.start(), m.end(), v, True, "percent", unit)
    if m.group("cf") is not None:
        v = parse_number(m.group(0))
        if v is None:
            return None
        return _Num(m.start(), m.end(), v, not m.group(0)[0].isdigit(), "ratio", "")
    if m.group("fr"):
        v = parse_number(m.group("fr"))
        if v is None:
            return None
        return _Num(m.start(), m.end(), v, False, "ratio", "")
    if m.group("ar"):
        text, start = m.group("ar"), m.start()
        if text[0] in "-−":
            prev = s[start - 1] if start else ""
            if prev and prev not in "为是至达：:，,（(；;":
                text, start = text[1:], start + 1
        v = parse_number(text)
        if v is None:
            return None
        return _Num(start, m.end(), v, False, digits=text)
    run = m.group("cn")
    # longest prefix of the run that is a numeral (五百四十一万千瓦: the 千 is the unit's)
    for k in range(len(run), 0, -1):
        v = parse_number(run[:k])
        if v is not None:
            return _Num(m.start(), m.start() + k, v, True, digits=run[:k])
    return None


def _is_bare_magnitude(digits: str) -> bool:
    """千亿, 万亿, 千万: a magnitude word with no digit."""
    return bool(digits) and all(ch in "十百千万亿" for ch in digits) and digits != "十"


# ----------------------------------------------------------------------------- ranks

def _tokens_of(s: str):
    from pipeline.extract.metrics import tokens
    return tokens(s)


def _rank_context(s: str, at: int, r: Rules, toks) -> int:
    """Where the ranking verb of the clause before ``at`` starts, or -1 when the clause
    before ``at`` holds neither a ranking verb nor ends with a ranking scope. A verb of
    one character (居, 列) must be a word of its own (not the 居 of 居民)."""
    cs = _clause_start(s, at)
    window = s[cs:at]
    single = {a for w, a, b in toks if len(w) == 1} if toks else set()
    best, best_end = -1, -1
    for v in r.rank_verbs:
        k = window.rfind(v)
        while k >= 0 and len(v) == 1 and cs + k not in single:
            k = window.rfind(v, 0, k)
        if k < 0:
            continue
        # the verb that ends last wins; of those, the longest (晋升至 over 升至)
        a, e = cs + k, cs + k + len(v)
        if e > best_end or (e == best_end and a < best):
            best, best_end = a, e
    if best >= 0:
        return best
    m = r.rank_scopes_re.search(window)
    if m:
        return cs + m.start()               # 全省第5位: the scope stands for the verb
    return -1


def _find_ranks(s: str, r: Rules, mask, toks) -> list[Quantity]:
    out: list[Quantity] = []
    for m in re.finditer(rf"第(\d+|[{_CN}]+)(位|名)?", s):
        if mask[m.start()]:
            continue
        v = parse_number(m.group(1))
        if v is None or not isinstance(v, int) or v <= 0:
            continue
        end = m.end()
        nxt = s[end] if end < len(s) else ""
        if m.group(2) is None and nxt in ("位", "名"):
            continue
        if nxt and not (nxt in _PUNCT or nxt in "的和与创并、"):
            continue                    # 第一批, 第二十四届, 第三产业: an ordinal in a name
        verb = _rank_context(s, m.start(), r, toks)
        if verb < 0:
            # 第4、第5、第15位: later items of a ranking list
            if not (out and out[-1].end + 1 == m.start() and s[out[-1].end] == "、"):
                continue
            verb = out[-1].rank_verb_at
        out.append(Quantity(m.start(), end, v, "", "rank", q_start=m.start(), q_end=end,
                            rank_verb_at=verb, chinese=not m.group(1).isdigit()))
    for m in r.rank_first_re.finditer(s):
        if mask[m.start()] or any(q.start <= m.start() < q.end for q in out):
            continue
        nxt = s[m.end()] if m.end() < len(s) else ""
        if nxt and not (nxt in _PUNCT or nxt in "的和与创并"):
            continue
        verb = _rank_context(s, m.start(), r, toks)
        if verb < 0:
            continue
        out.append(Quantity(m.start(), m.end(), 1, "", "rank", q_start=m.start(), q_end=m.end(),
                            rank_verb_at=verb))
    for m in re.finditer(rf"前(\d+|[{_CN}]+)(位|名)?", s):
        if mask[m.start()]:
            continue
        v = parse_number(m.group(1))
        if v is None or not isinstance(v, int) or v <= 1:
            continue
        nxt = s[m.end()] if m.end() < len(s) else ""
        if nxt and not (nxt in _PUNCT or nxt in "的和与并"):
            continue
        verb = _rank_context(s, m.start(), r, toks)
        if verb < 0:
            continue
        out.append(Quantity(m.start(), m.end(), v, "", "rank", qualifier="前",
                            q_start=m.start(), q_end=m.end(), rank_verb_at=verb))
    for m in r.rank_change_re.finditer(s):
        if mask[m.start()]:
            continue
        v = parse_number(m.group("n"))
        if v is None or not isinstance(v, int) or v <= 0:
            continue
        if any(q.start < m.end() and m.start("n") < q.end for q in out):
            continue
        down = m.group("v") in r.rank_change_down
        out.append(Quantity(m.start("n"), m.end(), v, "", "rank", q_start=m.start("n"),
                            q_end=m.end(), role="change", direction="down" if down else "up",
                            rank_verb_at=m.start()))
    out.sort(key=lambda q: q.start)
    return out


# ----------------------------------------------------------------------------- one numeral

def _read_unit(s: str, p: int, r: Rules) -> tuple[str | None, str | None, str | None, int]:
    """(written unit, reported unit, kind, end) at p; Nones when no unit starts there."""
    pm = r.pct_re.match(s, p)
    if pm:
        kind, rep = r.pct[pm.group(0)]
        return pm.group(0), rep, kind, pm.end()
    if r.not_unit_re.match(s, p):
        return None, None, None, p
    um = r.unit_re.match(s, p)
    if not um:
        return None, None, None, p
    written = um.group(0)
    end = um.end()
    rep, kind = r.unit_as[written], r.unit_kind[written]
    tm = r.tail_re.match(s, end)
    if tm:
        tail = s[tm.start():tm.end()]
        for j in r.joiners[1:]:
            tail = tail.replace(j, r.joiners[0])
        rep = rep + tail
        end = tm.end()
    return written, rep, kind, end


def _read_magnitude(s: str, p: int, r: Rules) -> tuple[int, int, str | None]:
    """Multipliers after an Arabic number, with an approximation word before or between
    them: 万 → 1e4; 多万 (1000多万人), 千多万 (3千多万): (factor, end, 多/余 or None)."""
    inside = None
    for w in r.q_inside:
        if s.startswith(w, p) and s[p + len(w):p + len(w) + 1] in ("万", "亿", "千", "百") \
                and s[p + len(w):p + len(w) + 1]:
            inside, p = w, p + len(w)
            break
    factor, p = read_multiplier(s, p, r)
    if factor > 1 and inside is None:
        for w in r.q_inside:
            if s.startswith(w, p) and s[p + len(w):p + len(w) + 1] in ("万", "亿") \
                    and s[p + len(w):p + len(w) + 1]:
                f2, p2 = read_multiplier(s, p + len(w), r)
                if f2 > 1:
                    factor, p, inside = factor * f2, p2, w
                break
    return factor, p, inside


def _read_quantity(s: str, m: re.Match, r: Rules) -> Quantity | None:
    num = _read_numeral(s, m)
    if num is None:
        return None
    p = num.end
    value = num.value
    if num.kind is not None:                      # fraction or percent word: complete
        if m.group("fr"):
            fm = re.match(r"(?:万亿|亿|万|千|百)", s[p:p + 2])
            if fm:                                # 14.3/10万: a rate per 100 000
                num_s, den = m.group("fr").split("/")
                q = Quantity(num.start, p + fm.end(), parse_number(num_s),
                             "/" + den + fm.group(0), "ratio")
                return _finish(s, q, r)
        q = Quantity(num.start, p, value, num.unit, num.kind, chinese=num.chinese)
        return _finish(s, q, r)
    inside = None
    if num.chinese:
        factor = 1
    else:
        factor, p, inside = _read_magnitude(s, p, r)
        # 1亿3千多万, 1万6千多户: a second part in a smaller magnitude
        m2 = re.match(r"\d+", s[p:p + 5]) if factor > 1 else None
        if m2:
            f2, p2, in2 = _read_magnitude(s, p + m2.end(), r)
            if 1 < f2 < factor:
                value = _scale(value, factor) + _scale(int(m2.group(0)), f2)
                factor, p, inside = 1, p2, in2 or inside
    if inside is None:
        for w in r.q_inside:
            if s.startswith(w, p):
                inside, p = w, p + len(w)
                break
    written, unit, kind, uend = _read_unit(s, p, r)
    if written is None and inside and factor == 1 and value == num.value:
        # 20多 with no unit: the 多 belongs to the next word
        p -= len(inside)
        inside = None
    magnitude = False
    if written is None:
        unit, kind, uend = "", None, p
        if factor == 1 and value == num.value and not (
                num.chinese and _is_bare_magnitude(num.digits) and num.value >= 100):
            if num.chinese and num.digits and num.digits[-1] in "万亿" and num.value >= 10000:
                magnitude = True          # 三十万, a Chinese numeral with 万
            else:
                # 1-2个, 3—5年: a range whose unit follows its second number
                q = Quantity(num.start, p, value, "", "count")
                q2 = _read_range(s, q, num, factor, None, r)
                if q2.value_max is None or not q2.unit:
                    return _bare_number(s, num, r)
                return _finish(s, q2, r, digits=num.digits)
        else:
            magnitude = True
    if num.chinese and _is_bare_magnitude(num.digits):
        magnitude = magnitude or written is None
    value = _scale(value, factor)
    q = Quantity(num.start, uend, value, unit, kind or "count", chinese=num.chinese,
                 magnitude=magnitude)
    if inside:
        q.qualifier = inside
    # range: 1至2家, 3—5年, 5%-6%, 1-2万元
    q = _read_range(s, q, num, factor, written, r)
    return _finish(s, q, r, digits=num.digits, bare_chinese_magnitude=(
        num.chinese and _is_bare_magnitude(num.digits)))


def _read_range(s: str, q: Quantity, num: _Num, factor: int, written, r: Rules) -> Quantity:
    for sep in _RANGE_SEPS:
        at = num.end if written is None and factor == 1 else q.end
        if not s.startswith(sep, at):
            continue
        if sep in "-—–－" and s.startswith(sep * 2, at):
            return q                       # —— is a dash, not a range
        m2 = load_rules().num_re.match(s, at + len(sep))
        if not m2 or not (m2.group("ar") or m2.group("cn")):
            return q
        n2 = _read_numeral(s, m2)
        if n2 is None or n2.chinese != num.chinese or n2.start != at + len(sep):
            return q
        f2, p2 = read_multiplier(s, n2.end, r) if not n2.chinese else (1, n2.end)
        w2, u2, k2, e2 = _read_unit(s, p2, r)
        if written is not None and w2 is not None and w2 != written:
            return q
        if written is not None and w2 is None:
            if f2 != 1:
                return q
            q.value_max = _scale(n2.value, factor)
            q.end = n2.end
            return q
        if written is None and w2 is None and f2 == 1:
            return q
        # the first number takes the multiplier and unit written after the second
        f1 = factor if factor != 1 else f2
        q.value = _scale(num.value, f1)
        q.value_max = _scale(n2.value, f2)
        if w2 is not None:
            q.unit, q.kind = u2, k2
            q.magnitude = False
        q.end = e2
        return q
    return q


def _bare_number(s: str, num: _Num, r: Rules) -> Quantity | None:
    """A number with no unit is a quantity only as a ratio named by its metric
    (城乡居民收入倍差缩小至1.67)."""
    if num.chinese:
        return None
    end = num.end
    nxt = s[end] if end < len(s) else ""
    if nxt and nxt not in _CLAUSE_BREAK and nxt not in "、）)":
        return None
    if (nxt and nxt in ":：") or (num.start and s[num.start - 1] in ":：/"):
        return None                          # 3.9:39.0:57.1 (multi-part ratio)
    cs = _clause_start(s, num.start)
    before = s[cs:num.start]
    before = r.link_tail_re.sub("", before)
    if r.ratio_name_re.search(before):
        return Quantity(num.start, end, num.value, "", "ratio", q_start=num.start, q_end=end)
    return None


def _finish(s: str, q: Quantity, r: Rules, digits: str = "",
            bare_chinese_magnitude: bool = False) -> Quantity | None:
    """Qualifiers around the span and the checks that drop names, dates and codes."""
    start = q.start
    prev = s[start - 1] if start else ""
    nxt = s[q.end] if q.end < len(s) else ""
    # codes and names: 5G, 4A级, PM2.5, 1+N, “4.13”, G60
    if prev.isascii() and prev.isalpha() or (nxt.isascii() and nxt.isalpha()):
        return None
    if (prev and prev in "+＋·#№") or (nxt and nxt in "+＋"):
        return None
    if r.before_name_re.search(s[max(0, start - 4):start]):
        return None
    tail = s[q.end:q.end + 4]
    if q.unit == "" and not q.kind == "ratio" and r.after_name_re.match(tail):
        return None
    # the 每… part of a rate: 每万人口, 每百元
    if r.rate_prefix_re.search(s[max(0, start - 3):start]):
        return None
    # dates: 2023年, 4月23日, 表32023年 (a table number glued to a year)
    if q.unit == "年" and not q.chinese and isinstance(q.value, int) and q.value >= 1000:
        return None
    if q.unit == "年" and re.search(r"\.(?:19|20)\d\d$", digits):
        return None                        # 1.2025年: a list number glued to a year
    if q.unit == "日" and (prev == "月" or r.date_after_re.match(s, q.end - 1)):
        return None
    if q.unit == "年" and q.kind == "duration":
        # 三年行动计划: the name of a programme; 五年来， / 关键的一年： a span of the report
        if r.plan_re.match(s, q.end):
            return None
        if s.startswith("来", q.end) and (q.end + 1 >= len(s) or s[q.end + 1] in _PUNCT):
            return None
        if prev == "的" and (not nxt or nxt in _PUNCT):
            return None
    # 七届六次、七次全会: the sessions of a congress, numbered
    if q.unit == "次" and "届" in s[max(0, start - 8):start]:
        return None
    # idioms and slogans: 一体, 两个维护, 三大
    if q.chinese and r.idioms_re.match(s, start):
        return None
    # a Chinese numeral followed by 个 and an opening quote is a slogan count
    if q.chinese and s.startswith("个“", q.end - 1):
        return None
    if q.chinese and q.unit in r.arabic_only and not bare_chinese_magnitude:
        return None
    if q.chinese and q.kind not in ("percent", "ratio", "rank"):
        # 一个, 一种, 一件: an article, not a count (一个季度 stays: a duration)
        if digits == "一" and not any(q.unit == u for u in r.one_keep_units):
            return None
        # 这两个, 该两种: pointing back, not counting
        if prev and prev in "这那此其每各":
            return None
    # qualifiers before the number
    lead = s[max(0, start - 6):start]
    qm = r.q_before_re.search(lead)
    q.q_start = start
    if qm and len(qm.group(0)) == 1 and start >= 2 and s[start - 2:start] in r.q_not:
        qm = None                          # 约 of 签约, 近 of 最近: part of another word
    if qm:
        q.qualifier = q.qualifier or qm.group(0)
        q.q_start = start - len(qm.group(0))
    # a bare magnitude (千亿, 万亿) counts only after 破/突破/超…
    if bare_chinese_magnitude:
        if not r.magnitude_lead_re.search(s[max(0, q.q_start - 4):q.q_start]) and not qm:
            return None
    # qualifiers after the unit
    q.q_end = q.end
    am = r.q_after_re.match(s, q.end)
    if am:
        word = am.group(0)
        # 内 only bounds a duration or a count (10日内), 上下 only a number
        if not (word in ("内", "以内", "之内") and q.kind not in ("duration", "count")):
            q.qualifier = q.qualifier if (q.qualifier and q.qualifier not in r.q_inside) else word
            q.q_end = q.end + len(word)
    return q


# ----------------------------------------------------------------------------- roles

def _assign_role(s: str, q: Quantity, prev: Quantity | None, r: Rules) -> None:
    if q.kind == "rank":
        return
    cs = _clause_start(s, q.q_start)
    lo = max(cs, prev.q_end) if prev is not None else cs
    pre = s[lo:q.q_start]
    # later items of a list share the role of its first item: 分别增长30%、24.5%
    if prev is not None and prev.q_end >= cs and pre in ("", "、", "和", "及", "与", "或", "、和"):
        q.role, q.direction = prev.role, prev.direction
        q.run_head = prev.run_head if prev.run_head >= 0 else -2   # resolved by caller
        if q.role == "share":
            q.share_at = prev.share_at
        return
    m = r.change_re.search(pre)
    if m:
        verb = m.group("v") or m.group("s")
        q.role, q.direction = "change", "down" if verb in r.change_down else "up"
        return
    m = r.change_noun_re.search(pre) if q.kind in ("percent", "percentage_point", "multiple") \
        else None
    if m:
        verb = m.group("v")
        q.role, q.direction = "change", "down" if verb in r.change_down else "up"
        return
    # 比上年多1.2万人 / 少
    m = re.search(r"比[^，。；、]{0,8}?(多|少)了?$", pre)
    if m:
        q.role, q.direction = "change", "down" if m.group(1) == "少" else "up"
        return
    window = s[cs:q.q_start]
    share_at = -1
    for sm in r.share_re.finditer(window):
        after = window[sm.end():sm.end() + 1]
        if sm.group(0) == "占" and "占" + after in r.share_not:
            continue                           # 占地300亩 is an area, not a share
        share_at = cs + sm.start()
    if share_at >= 0 and q.q_start - share_at <= 30:
        q.role, q.share_at = "share", share_at
        qm = r.q_before_re.search(s[max(0, share_at - 4):share_at])
        if qm and not q.qualifier:
            q.qualifier = qm.group(0)           # 约占法定处理周期2/3
        return
    if r.share_tail_re.search(pre):
        q.role = "share"
        return
    if pre.endswith("的") and q.unit in ("%", "") and q.kind in ("percent", "ratio") \
            and not re.search(r"(?:年|月|日|季度|期)的$", pre):
        q.role = "share"                       # 新增财力的17.7%用于科技投入 (not 1950年的60.8%)


# ----------------------------------------------------------------------------- main

def _overlaps(a: Quantity, taken: list[Quantity]) -> bool:
    return any(a.start < t.end and t.start < a.end for t in taken)


def find_quantities(sentence: str) -> list[dict]:
    """The quantities of one compact sentence, in order (see the module docstring)."""
    if not sentence or not any(ch.isdigit() or ch in _CN for ch in sentence):
        return []
    r = load_rules()
    s = sentence
    mask = _quote_mask(s, r)
    toks = None
    if any(ch in s for ch in "第首前榜") or r.rank_change_re.search(s):
        toks = _tokens_of(s)
    found: list[Quantity] = _find_ranks(s, r, mask, toks) if toks is not None else []
    for m in r.num_re.finditer(s):
        if mask[m.start()] or any(t.start <= m.start() < t.end for t in found):
            continue
        q = _read_quantity(s, m, r)
        if q is None or mask[q.start] or _overlaps(q, found):
            continue
        found.append(q)
    if not found:
        return []
    found.sort(key=lambda q: q.start)
    for i in range(1, len(found)):
        a, b = found[i - 1], found[i]
        if a.kind == b.kind == "rank" and s[a.end:b.start] in ("、", "和", "及", "与"):
            b.run_head = a.run_head if a.run_head >= 0 else i - 1    # 第4、第5、第15位
    # Chinese numerals must stand as words of their own: 七台河, 统一部署, 三门峡 are not
    # counts. jieba tells where words start and end.
    if any(q.chinese and q.kind != "rank" for q in found):
        if toks is None:
            toks = _tokens_of(s)
        starts = {a for _, a, _ in toks}
        ends = {b for _, _, b in toks}
        found = [q for q in found if not q.chinese or q.kind == "rank"
                 or (q.start in starts and (q.end in ends or q.q_end in ends))]
    for i, q in enumerate(found):
        _assign_role(s, q, found[i - 1] if i else None, r)
        if q.run_head == -2:
            q.run_head = i - 1
    from pipeline.extract.metrics import assign_metrics
    assign_metrics(s, found, r)
    for q in found:
        if q.magnitude and not q.unit and q.kind not in ("percent", "ratio", "rank"):
            q.kind = _magnitude_kind(q.metric, r)
    return [q.as_dict(s) for q in found]


def _magnitude_kind(metric: str | None, r: Rules) -> str:
    """突破2万亿 has no unit: money when the metric names money (经济总量, 投资)."""
    if not metric:
        return "count"
    if any(h in metric for h in r.metric["count_hints"]):
        return "count"
    if any(h in metric for h in r.metric["money_hints"]):
        return "money"
    return "count"
