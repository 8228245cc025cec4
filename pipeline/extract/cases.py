"""Case names: one legal case or one named enforcement case (shared/GUIDE.md section 4).

A case name ends in 案 (一案, 专案, 系列案) and starts at its first party or at the opening
quotation mark of a code: '腾讯公司诉珍分夺秒公司侵害商标权及不正当竞争案',
'“4.13”假冒机油专案', '“啊强酸菜鱼”公司假冒注册商标“阿强”一案'. The end is found first;
the start is read back from it within the clause (never across ，。；： or an earlier case):
the plaintiff before a 诉 (or 与), else the first party or code in the clause. A clause with
no party is a category of cases (专利侵权纠纷案件, 不符合规定案), not a name.
Word lists are in rules/cases.yaml.
"""
from __future__ import annotations

import regex

from pipeline import rules

_STR_LIST = {"type": "array", "items": {"type": "string"}}
_SCHEMA = {
    "type": "object",
    "required": ["ends", "end_blockers_after", "end_blockers_before", "sue_blockers_before",
                 "sue_blockers_after", "joins", "org_suffixes", "body_suffixes", "lead_words", "causes",
                 "offences", "list_number", "name_blockers_first", "category_starts",
                 "code_quote", "anonymous_person", "party_max", "case_types", "court_code_max"],
    "properties": {
        "ends": _STR_LIST, "end_blockers_after": _STR_LIST, "end_blockers_before": _STR_LIST,
        "sue_blockers_before": _STR_LIST, "sue_blockers_after": _STR_LIST, "joins": _STR_LIST,
        "org_suffixes": _STR_LIST, "body_suffixes": _STR_LIST, "lead_words": _STR_LIST, "causes": _STR_LIST,
        "offences": _STR_LIST, "list_number": {"type": "string"}, "name_blockers_first": _STR_LIST,
        "category_starts": _STR_LIST,
        "code_quote": {"type": "string"}, "anonymous_person": {"type": "string"},
        "party_max": {"type": "integer", "minimum": 2},
        "case_types": _STR_LIST, "court_code_max": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
}

_R = rules.load("cases", _SCHEMA)


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_END_RE = regex.compile("(?:" + _alt(_R["ends"]) + ")(?!" + _alt(_R["end_blockers_after"]) + ")")
_END_BEFORE = set(_R["end_blockers_before"])
_SUE_RE = regex.compile("(?<!" + "|".join(regex.escape(c) for c in _R["sue_blockers_before"]) + ")诉(?!"
                        + _alt(_R["sue_blockers_after"]) + ")")
_JOIN_RE = regex.compile(_alt(_R["joins"]))
_ORG_RE = regex.compile("(?:" + _alt(_R["org_suffixes"]) + ")")
# on either side of 诉 a public body is a party too
_PARTY_END_RE = regex.compile("(?:" + _alt(_R["org_suffixes"] + _R["body_suffixes"]) + ")")
_LEAD_RE = regex.compile(_alt(_R["lead_words"]))
# what follows the last party: a cause of action or an offence
_DESC_RE = regex.compile(_alt(_R["causes"] + _R["offences"]))
_OFFENCE_RE = regex.compile(_alt(_R["offences"]))
_LIST_NUMBER_RE = regex.compile(_R["list_number"])
_NAME_BLOCKERS = set(_R["name_blockers_first"])
_CATEGORY_STARTS = tuple(sorted(_R["category_starts"], key=len, reverse=True))
_SPECIAL_ENDS = ("专案", "系列案")              # a quoted name before these is enough
_PARTY_MAX = _R["party_max"]
_OPEN, _CLOSE = "“「『\"", "”」』\""
_QUOTE_RE = regex.compile(r"[“「『\"]([^“”「」『』\"]{1,40})[”」』\"]")
_CODE_RE = regex.compile(_R["code_quote"])
_PERSON_RE = regex.compile(_R["anonymous_person"])
_HARD = set("，。；：！？,;:!?#\n（）()《》")
_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
_MANY_RE = regex.compile(r"(?<=\p{Han})等(?:[0-9]+|[一二三四五六七八九十]+)?人$")


def _clause_start(s: str, end: int, floor: int) -> int:
    """Start of the clause that ends at ``end``: after the last hard punctuation outside
    quotation marks (a party may hold （集团） brackets, so brackets inside a run of Han
    characters are kept)."""
    i = end - 1
    depth = 0
    while i >= floor:
        ch = s[i]
        if ch in "”」』":
            depth += 1
        elif ch in "“「『":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _HARD:
            if ch in "（）()" and _inside_name_brackets(s, i):
                i -= 1
                continue
            return i + 1
        i -= 1
    return floor


def _inside_name_brackets(s: str, i: int) -> bool:
    """'（集团）' inside a company name: brackets with Han text on both sides."""
    if s[i] in "（(":
        close = s.find("）" if s[i] == "（" else ")", i)
        return 0 < close - i <= 6 and i > 0 and _HAN.match(s[i - 1] or "") is not None \
            and close + 1 < len(s) and _HAN.match(s[close + 1]) is not None
    open_ = s.rfind("（" if s[i] == "）" else "(", 0, i)
    return open_ >= 0 and _inside_name_brackets(s, open_)


def _strip_lead(s: str, lo: int, hi: int) -> int:
    """First position in [lo, hi) after the last lead word outside quotation marks."""
    pos = lo
    for m in _LEAD_RE.finditer(s, lo, hi):
        if not _in_quotes(s, lo, m.start()):
            pos = max(pos, m.end())
    return pos


def _in_quotes(s: str, lo: int, i: int) -> bool:
    depth = 0
    for ch in s[lo:i]:
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)
    return depth > 0


def _first_party(s: str, lo: int, hi: int, ending: str = "案") -> tuple[int, int, str] | None:
    """The first party-like token in s[lo:hi]: (start, end, kind); kind is 'code' for a
    quoted code like “4.13”, 'quote' for a quoted short name the cause follows
    (“某某”技术秘密侵权案), else 'party'."""
    best = None
    for m in _QUOTE_RE.finditer(s, lo, hi):
        inner = m.group(1)
        if _CODE_RE.fullmatch(inner):
            best = (m.start(), m.end(), "code")
            break
        org = _ORG_RE.match(s, m.end())
        if org and org.end() <= hi:
            best = (m.start(), org.end(), "party")
            break
        if _is_short_name(s, m, lo, hi, ending):
            best = (m.start(), m.end(), "quote")
            break
    for m in _ORG_RE.finditer(s, lo, hi):
        if best is not None and m.start() >= best[0]:
            break
        if m.start() > lo and s[m.start() - 1] in _CLOSE:
            continue                                 # “X”公司: found above
        start = _run_start(s, lo, m.start())
        start = _strip_lead(s, start, m.start())
        if m.start() - start >= 2 and not _in_quotes(s, lo, start):
            best = (start, m.end(), "party")
            break
    for m in _PERSON_RE.finditer(s, lo, hi):
        if best is not None and m.start() >= best[0]:
            break
        if _strip_lead(s, _run_start(s, lo, m.start()), m.start() + 1) > m.start():
            continue                                 # 审理某某集团: 理 ends a lead word
        if not _in_quotes(s, lo, m.start()):
            best = (m.start(), m.end(), "party")
            break
    named = _named_person(s, lo, hi)
    if named and (best is None or named[0] < best[0]):
        best = named
    return best


def _is_short_name(s: str, m, lo: int, hi: int, ending: str) -> bool:
    """A quotation that names the case by itself: the cause follows it
    (“某某”商标侵权及不正当竞争纠纷案), or the case is an operation (“飓风”专案)."""
    if ending in _SPECIAL_ENDS:
        return True
    if m.end() == hi:
        return True                                  # “快播”案: the quotation is the name
    desc = _DESC_RE.search(s, m.end(), hi)
    if desc is None:
        return False
    # the cause follows the quotation closely: no other party or verb between
    return desc.start() - m.end() <= 4 and not _LEAD_RE.search(s, m.end(), desc.start())


def _named_person(s: str, lo: int, hi: int) -> tuple[int, int, str] | None:
    """A person written by name before an offence (赖某民受贿案 written out): 2 to 4 Han
    characters that open the clause or follow a lead word, then the offence."""
    off = _OFFENCE_RE.search(s, lo, hi)
    if off is None:
        return None
    start = _strip_lead(s, lo, off.start())
    end = off.start()
    run = s[start:end]
    # 等 / 等N人 after the name: 王立等3人受贿案
    m = regex.search(r"等(?:[0-9]+|[一二三四五六七八九十]+)?人?$", run)
    if m:
        end -= len(m.group())
        run = run[:len(run) - len(m.group())]
    if not 2 <= len(run) <= 3 or not _HAN_RUN.fullmatch(run) or run[0] in _NAME_BLOCKERS:
        return None
    # only right after a lead word (审结赖某民受贿案): at a clause start the run is as
    # likely a verb or an adjective (严惩电信诈骗案)
    if not any(m.end() == start for m in _LEAD_RE.finditer(s, max(lo, start - 4), start)):
        return None
    return (start, end, "party")


def _run_start(s: str, lo: int, i: int) -> int:
    """Start of the run of name characters ending at i (Han, digits, brackets of （集团）)."""
    j = i
    while j > lo and (_HAN.match(s[j - 1]) or s[j - 1].isalnum() or s[j - 1] in "（）()"):
        j -= 1
    return j


def _split_parties(s: str, lo: int, hi: int, last: bool) -> list[str]:
    """Party names in s[lo:hi], separated by 、; when ``last`` the list runs into the
    description of the dispute, which is cut off."""
    parts = []
    pieces = []
    depth, start = 0, lo
    for k in range(lo, hi):
        ch = s[k]
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            pieces.append((start, k))
            start = k + 1
    pieces.append((start, hi))
    for n, (a, b) in enumerate(pieces):
        if last and n == len(pieces) - 1:
            b = _party_end(s, a, b)
        if b > a:
            parts.append(s[a:b])
    return parts


def _party_end(s: str, a: int, b: int) -> int:
    """End of the last party before the description (珍分夺秒公司|侵害商标权…)."""
    q = _QUOTE_RE.match(s, a)
    desc = _DESC_RE.search(s, a, b)
    dpos = desc.start() if desc else b
    if q and q.end() <= b:
        org = _ORG_RE.match(s, q.end())
        return org.end() if org and org.end() <= dpos else q.end()
    ends = [m.end() for m in _PARTY_END_RE.finditer(s, a, b)]
    for e in ends:                                   # the organisation the description follows
        if e == b or _DESC_RE.match(s, e):
            return e
    before = [e for e in ends if e <= dpos]
    if before:
        return before[-1]
    return dpos if dpos > a else a


def find_cases(sentence: str) -> list[dict]:
    """Case names in one compact sentence: dicts with start, end, text, parties."""
    from pipeline.extract.case_numbers import find_case_numbers

    s = sentence
    out: list[dict] = []
    floor = 0
    number_ends = [n["end"] for n in find_case_numbers(s)]
    for m in _END_RE.finditer(s):
        end = m.end()
        # a case number before the name is not part of it: 在（2012）…号甲诉乙…案
        lo = max([_clause_start(s, m.start(), floor)] + [e for e in number_ends if e <= m.start()])
        lo = _name_start(s, lo, m.start())
        quoted = _quoted_operation(s, lo, m)
        if quoted is not None:
            out.append(quoted)
            floor = end
            continue
        if m.start() - lo < 3:
            continue
        case = _read_case(s, lo, m.start(), end, m.group())
        if case is not None:
            out.append(case)
            floor = end
    return out


def _quoted_operation(s: str, lo: int, m) -> dict | None:
    """An operation named inside quotation marks, the tail with it: …诈骗“717专案”."""
    if m.group() not in _SPECIAL_ENDS or m.end() >= len(s) or s[m.end()] not in _CLOSE:
        return None
    open_ = max(s.rfind(q, lo, m.start()) for q in _OPEN[:3])
    if open_ < 0 or m.start() - open_ - 1 < 2 or any(c in _CLOSE[:3] for c in s[open_ + 1:m.start()]):
        return None
    return _case(s, open_ + 1, m.end(), [])


def _name_start(s: str, lo: int, hi: int) -> int:
    """Skip what opens a clause but is no part of a name: list separators (、) and a list
    number (1. （一） ①)."""
    while lo < hi and s[lo] in "、":
        lo += 1
    m = _LIST_NUMBER_RE.match(s, lo, hi)
    return m.end() if m else lo


def is_generic(text: str) -> bool:
    """A category of cases, not one case (涉众型经济犯罪案, 新类型…案): used on model spans."""
    return text.startswith(_CATEGORY_STARTS)


def _read_case(s: str, lo: int, core_end: int, end: int, ending: str) -> dict | None:
    sue = _SUE_RE.search(s, lo, core_end)
    if sue is None:
        j = _JOIN_RE.search(s, lo, core_end)
        if j is not None and _ends_party(s, lo, j.start()):
            sue = j
    if sue is not None:
        start = _plaintiff_start(s, lo, sue.start())
        if start is not None and sue.end() < core_end:
            parties = _split_parties(s, start, sue.start(), last=False)
            parties += _split_parties(s, sue.end(), core_end, last=True)
            return _case(s, start, end, parties)
    if ending == "案" and s[core_end - 1] in _END_BEFORE:
        return None                                  # 方案, 立案, 议案: a word, unless A诉B…案
    first = _first_party(s, lo, core_end, ending)
    if first is None:
        return None
    start, pend, kind = first
    if kind == "quote":
        return _case(s, start, end, [])
    if kind == "code":
        if ending == "案" and not _DESC_RE.search(s, pend, core_end) and core_end - pend < 2:
            return None
        return _case(s, start, end, [])
    if ending == "案" and not _DESC_RE.search(s, pend, core_end):
        return None
    if core_end - pend < 2:
        return None                                  # '该公司一案': no description
    return _case(s, start, end, [s[start:pend]])


def _ends_party(s: str, lo: int, i: int) -> bool:
    """s[lo:i] ends with a party: a quotation, an organisation or a 某 person."""
    if i <= lo:
        return False
    if s[i - 1] in _CLOSE:
        return True
    if _PERSON_RE.fullmatch(s, max(lo, i - 3), i) or _PERSON_RE.fullmatch(s, max(lo, i - 2), i):
        return True
    return any(m.end() == i for m in _PARTY_END_RE.finditer(s, max(lo, i - 12), i))


def _plaintiff_start(s: str, lo: int, k: int) -> int | None:
    """Start of the plaintiff(s) written before 诉 at k."""
    if k <= lo:
        return None
    if s[k - 1] in _CLOSE:                            # “喜剧之王”诉…
        open_ = max(s.rfind(q, lo, k - 1) for q in _OPEN)
        if open_ < 0:
            return None
        start = open_
        # a list of parties before: “A”、“B”诉…
        while start - 1 > lo and s[start - 1] == "、" and s[start - 2] in _CLOSE:
            o = max(s.rfind(q, lo, start - 2) for q in _OPEN)
            if o < 0:
                break
            start = o
        return start
    # 张某等人诉…, 王某等3人诉…: 等 here closes the plaintiffs, it is no lead word
    many = _MANY_RE.search(s, lo, k)
    start = _strip_lead(s, lo, many.start() if many else k)
    if start >= k or k - start > _PARTY_MAX:
        return None
    return start


def _case(s: str, start: int, end: int, parties: list[str]) -> dict:
    names = []
    for p in parties:
        q = _QUOTE_RE.fullmatch(p)
        p = q.group(1) if q else p                   # “喜剧之王” -> 喜剧之王
        if p:
            names.append(p)
    return {"start": start, "end": end, "text": s[start:end], "parties": names}
