"""Agencies: named bodies of the state or the party, with their canonical names.

A name is read as PREFIX + BODY + HEAD (区 + 市场监管 + 局; 广州市天河区 + 知识产权工作 +
领导小组; 广州 + 知识产权 + 法院). The head is found first, then the prefix by reading back
from it: the nearest level word (区 市 省 ...) that is not part of another word (全市, 市场),
or a place chain from the gazetteer. The body in between is free text within limits, so a
body nobody listed (区退役军人事务局) works as long as the name ends in a head word. National
bodies are a closed list. All word lists are in rules/agencies.yaml; the place names in
rules/regions.yaml (via pipeline.region).

Canonical names follow shared/GUIDE.md section 3: the report's region fills in a bare level
word (区法院 -> 天河区人民法院), higher places are dropped (陕西省西安市中级人民法院 ->
西安市中级人民法院), short forms are expanded (市场监管局 -> 市场监督管理局), and party,
congress and court names take their official shapes (区委 -> 中国共产党天河区委员会).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline import rules
from pipeline.region import ZONES, Place, PlaceMatch, STREETS, find_places, match_place, place_by_name

_STR_LIST = {"type": "array", "items": {"type": "string"}}
_SCHEMA = {
    "type": "object",
    "required": ["heads", "levels", "prefix_blockers", "head_blockers", "body_stops", "body_max",
                 "not_agencies", "short_forms", "canonical_rules", "context_departments",
                 "zone_words", "national", "national_branches", "sub_units"],
    "properties": {
        "heads": {"type": "array", "items": {
            "type": "object", "required": ["head"],
            "properties": {"head": {"type": "string"}, "needs_body": {"type": "boolean"},
                           "stem_prefix": {"type": "boolean"}, "center": {"type": "boolean"},
                           "place_only": {"type": "boolean"}},
            "additionalProperties": False}},
        "levels": {"type": "object", "additionalProperties": {
            "enum": ["national", "province", "city", "district", "town"]}},
        "prefix_blockers": {"type": "object", "required": ["before", "after"],
                            "properties": {"before": _STR_LIST, "after": _STR_LIST,
                                           "openers": _STR_LIST}},
        "head_blockers": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"before": _STR_LIST, "after": _STR_LIST},
            "additionalProperties": False}},
        "body_stops": _STR_LIST,
        "body_max": {"type": "integer", "minimum": 1},
        "center_keywords": _STR_LIST,
        "not_agencies": _STR_LIST,
        "short_forms": {"type": "object", "additionalProperties": {"type": "string"}},
        "canonical_rules": {"type": "array", "items": {
            "type": "object", "required": ["match", "canonical"],
            "properties": {"match": {"type": "string"}, "canonical": {"type": "string"},
                           "level": {"enum": ["province", "city", "district"]}},
            "additionalProperties": False}},
        "context_departments": {"type": "array", "items": {
            "type": "object", "required": ["topic", "keywords", "names"],
            "properties": {"topic": {"type": "string"}, "keywords": _STR_LIST,
                           "names": {"type": "object", "additionalProperties": {"type": "string"}}}}},
        "zone_words": _STR_LIST,
        "national": {"type": "object", "additionalProperties": {"anyOf": [
            {"type": "string"},
            {"type": "object", "required": ["canonical"],
             "properties": {"canonical": {"type": "string"},
                            "eras": {"type": "array", "items": {
                                "type": "object", "required": ["until", "canonical"],
                                "properties": {"until": {"type": "integer"},
                                               "canonical": {"type": "string"}}}}}}]}},
        "national_branches": _STR_LIST,
        "national_blockers_after": {"type": "object", "additionalProperties": _STR_LIST},
        "sub_units": _STR_LIST,
        "sub_unit_body_max": {"type": "integer", "minimum": 1},
        "link_fillers": _STR_LIST,
        "zone_bodies": {"type": "object", "required": ["prefixes", "names"],
                        "properties": {"prefixes": _STR_LIST,
                                       "names": {"type": "object",
                                                 "additionalProperties": {"type": "string"}}}},
    },
}

_R = rules.load("agencies", _SCHEMA)


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


# --- compiled once ------------------------------------------------------------------------
_HEADS = {h["head"]: h for h in _R["heads"]}
_HEAD_RE = regex.compile(_alt(_HEADS))
_LEVELS: dict[str, str] = _R["levels"]
_LEVEL_WORDS = sorted(_LEVELS, key=len, reverse=True)
_PB_BEFORE = sorted(_R["prefix_blockers"]["before"], key=len, reverse=True)
# Words after which a level word does start a name, whatever their last character
# (会同 + 区公安分局: the 同 of 会同 is not the 同 of 不同区).
_PB_OPENERS = tuple(_R["prefix_blockers"].get("openers", []))
_PB_AFTER_RE = regex.compile("(?:" + "|".join(_R["prefix_blockers"]["after"]) + ")")
_HB = {}
for _h, _b in _R["head_blockers"].items():
    _HB[_h] = (tuple(_b.get("before", [])),
               regex.compile("(?:" + "|".join(_b["after"]) + ")") if _b.get("after") else None)
_STOPS = sorted(_R["body_stops"], key=len, reverse=True)
_STOP_RE = regex.compile(_alt(_STOPS))
_BODY_MAX = _R["body_max"]
_CENTER_RE = regex.compile(_alt(_R.get("center_keywords", [])) or r"(?!)")
_NOT_AGENCIES = set(_R["not_agencies"])
_SHORT = _R["short_forms"]
_SHORT_SUFFIX = sorted(_SHORT, key=len, reverse=True)
_CANON_RULES = [(regex.compile(r["match"]), r["canonical"], r.get("level")) for r in _R["canonical_rules"]]
_CTX = [(d["topic"], regex.compile(_alt(d["keywords"])), d["names"]) for d in _R["context_departments"]]
_ZONE_RE = regex.compile("(?:" + _alt(_R["zone_words"]) + ")(?:管委会|管理委员会)")
_NATIONAL: dict[str, dict] = {}
for _k, _v in _R["national"].items():
    _NATIONAL[_k] = {"canonical": _v} if isinstance(_v, str) else _v
_NATIONAL_RE = regex.compile(_alt(_NATIONAL))
_NAT_BLOCK = {k: regex.compile("(?:" + "|".join(v) + ")")
              for k, v in (_R.get("national_blockers_after") or {}).items()}
_BRANCH_RE = regex.compile(_alt(_R["national_branches"]))
_SUB_RE = regex.compile(r"(\p{Han}{0,%d}?)(%s)" % (_R.get("sub_unit_body_max", 6), _alt(_R["sub_units"])))
_HAN = regex.compile(r"\p{Han}")
# a unit's own name holds no conjunction and no level word (市公安局交警支队 | 和区公安分局)
_SUB_BAD_RE = regex.compile("[和与及或、]|" + _alt(_LEVELS))
_CTX_HEADS = {h for _t, _rx, names in _CTX for h in names}
_BODY_EDGE = set(_R.get("body_edges", "和、"))
_BREAKER_RE = regex.compile(_alt(_R.get("body_breakers", [])) or r"(?!)")
_SESSION_RE = regex.compile(r"第?[一二三四五六七八九十百]+届")
_YEAR_RE = regex.compile(r"((?:19|20)\d\d|[一二][九〇零][〇零一二三四五六七八九]{2})年")
_CN_DIGIT = str.maketrans("〇零一二三四五六七八九", "00123456789")
_ZB = _R.get("zone_bodies") or {"prefixes": [], "names": {}}
_ZONE_BODY_RE = regex.compile("(?:" + (_alt(_ZB["prefixes"]) or "(?!)") + ")?(" + (_alt(_ZB["names"]) or "(?!)") + ")") \
    if _ZB["names"] else None
_STREET_RE = {d: regex.compile("(" + _alt(s) + r")(街道办事处|街道|街)(?![道区巷头面坊口市])")
              for d, s in STREETS.items()}


@dataclass
class _Cand:
    start: int
    end: int
    canonical: str
    rank: int = 0          # higher wins among equally long overlapping candidates


# --- small readers --------------------------------------------------------------------------
def _is_han(ch: str) -> bool:
    return bool(_HAN.match(ch))


def _level_at(s: str, j: int) -> str | None:
    """The level word starting at j, when it is a prefix and not part of another word."""
    for w in _LEVEL_WORDS:
        if s.startswith(w, j):
            break
    else:
        return None
    opened = any(j >= len(o) and s[j - len(o):j] == o for o in _PB_OPENERS)
    for b in _PB_BEFORE:
        # blocker words end with the level word's first char's predecessor: 全 + 市
        if not opened and j >= len(b) and s[j - len(b):j] == b:
            return None
    if _PB_AFTER_RE.match(s, j + len(w)):
        return None
    return w


def _head_blocked(s: str, h0: int, h1: int, head: str) -> bool:
    before, after = _HB.get(head, ((), None))
    for b in before:
        if s[max(0, h1 - len(b)):h1] == b:
            return True
    if after is not None and after.match(s, h1):
        return True
    # the last character of a long head has its own blockers (局 in 公安局长)
    last = head[-1]
    if last != head and last in _HB:
        lb, la = _HB[last]
        if la is not None and la.match(s, h1):
            return True
    return False


def _expand(name: str) -> str:
    """Short forms to full forms: the whole name, else its longest known ending."""
    if name in _SHORT:
        return _SHORT[name]
    for k in _SHORT_SUFFIX:
        if len(k) >= 2 and name.endswith(k) and len(name) > len(k):
            return name[: -len(k)] + _SHORT[k]
    return name


def _region_place(region: dict | None, level: str) -> Place | None:
    """The unit of the report's region that a bare level word stands for."""
    if not region:
        return None
    prov, city, dist = region.get("province"), region.get("city"), region.get("district")
    if level == "province" and prov and prov != city:
        return Place(prov, "province", prov)
    if level == "city" and city:
        return Place(city, "city", prov, city)
    if level == "district" and dist:
        return Place(dist, "district", prov, city)
    return None


def _level_place(word: str, region: dict | None) -> Place | None:
    level = _LEVELS[word]
    pl = _region_place(region, level)
    if pl is None:
        return None
    # 县 in a district's report, 州 in a city's: not the region's own unit
    if word in ("区", "县", "旗") and not pl.name.endswith(word) and not (word == "区" and pl.name.endswith("新区")):
        return None
    if word in ("州", "盟", "地区") and not pl.name.endswith(word if word != "州" else "州"):
        return None
    if word == "市" and region and region.get("level") == "province" and region.get("city") is None:
        return None
    return pl


def _lowest_place(region: dict | None) -> Place | None:
    if not region or region.get("level") == "national":
        return None
    for level in ("district", "city", "province"):
        pl = _region_place(region, level)
        if pl is not None:
            return pl
    return None


def _fill(template: str, place: Place | None, place_str: str, name: str, groups: tuple) -> str:
    out = template.replace("{place}", place_str).replace("{name}", name)
    if place is not None:
        city = place.city or place_str
        out = out.replace("{city}", city or "").replace("{district}", place.name)
    for i, g in enumerate(groups, 1):
        out = out.replace("{%d}" % i, _expand(g or ""))
    return out


def _canonical(name: str, place: Place | None, place_str: str) -> str:
    level = place.level if place is not None else None
    for rx, template, need in _CANON_RULES:
        if need and need != level:
            continue
        m = rx.fullmatch(name)
        if m:
            if "{city}" in template and (place is None or not place.city):
                continue
            return _fill(template, place, place_str, _expand(name), m.groups())
    return place_str + _expand(name)


def _context_department(head: str, sentence: str, context: str) -> str | None:
    best, best_score = None, 0
    for _topic, rx, names in _CTX:
        if head not in names:
            continue
        score = 3 * len(rx.findall(sentence)) + len(rx.findall(context))
        if score > best_score:
            best, best_score = names[head], score
    return best


def _year_near(sentence: str, pos: int, context: str) -> int | None:
    years = [(abs(m.start() - pos), _year(m)) for m in _YEAR_RE.finditer(sentence)]
    if years:
        return min(years)[1]
    years = [_year(m) for m in _YEAR_RE.finditer(context)]
    return years[0] if years else None


def _year(m) -> int:
    return int(m.group(1).translate(_CN_DIGIT))      # 2005 or 一九五二


# --- the readers ----------------------------------------------------------------------------
def _national(s: str, context: str) -> list[_Cand]:
    out = []
    for m in _NATIONAL_RE.finditer(s):
        form = m.group()
        blk = _NAT_BLOCK.get(form[-1])
        if blk is not None and blk.match(s, m.end()):
            continue
        entry = _NATIONAL[form]
        canon = entry["canonical"]
        if entry.get("eras"):
            year = _year_near(s, m.start(), context)
            if year is not None:
                for era in sorted(entry["eras"], key=lambda e: e["until"]):
                    if year <= era["until"]:
                        canon = era["canonical"]
                        break
        end = m.end()
        pm = match_place(s, end)
        if pm is not None:
            b = _BRANCH_RE.match(s, pm.end)
            if b:                                   # 国家统计局洛阳调查队
                canon = canon + s[pm.start:b.end()]
                end = b.end()
        out.append(_Cand(m.start(), end, canon, rank=2))
    return out


def _zones(s: str, region: dict | None, places: list[PlaceMatch]) -> list[_Cand]:
    """科技园管委会 -> 天河科技园管理委员会."""
    out = []
    for m in _ZONE_RE.finditer(s):
        start = m.start()
        stem = _region_stem(region)
        # a place written right before the zone belongs to its name (长沙经开区, 天河中央商务区)
        pm = next((p for p in places if p.end == start), None)
        if pm is not None:
            start = pm.start
        elif stem and s.startswith(stem, start - len(stem)):
            start -= len(stem)
        zone = regex.sub(r"(?:管委会|管理委员会)$", "", s[start:m.end()])
        if pm is not None or (stem and zone.startswith(stem)):
            canon = zone + "管理委员会"
        else:
            canon = stem + zone + "管理委员会"
        out.append(_Cand(start, m.end(), canon, rank=1))
    return out


def _zone_bodies(s: str, region: dict | None, places: list[PlaceMatch]) -> list[_Cand]:
    """In a development zone's own report, its bodies by their short names: 党工委 ->
    中国共产党平潭综合实验区工作委员会, 管委会 -> 平潭综合实验区管理委员会."""
    if _ZONE_BODY_RE is None or not region or region.get("district") not in ZONES:
        return []
    zone = ZONES[region["district"]]
    out = []
    for m in _ZONE_BODY_RE.finditer(s):
        start = m.start()
        # the zone written in front (平潭综合实验区党工委, 平潭管委会) belongs to the name
        for written in (zone.name, zone.stem):
            if written and s.startswith(written, m.start(1) - len(written)):
                start = m.start(1) - len(written)
                break
        else:
            if m.start() == m.start(1) and start > 0 and _is_han(s[start - 1]) \
                    and not _stop_ends_at(s, start) and s[start - 1] not in "和与及、" \
                    and not any(s.endswith(n, 0, start) for n in _ZB["names"]):
                continue                    # 园区管委会: another zone's committee
        canon = _ZB["names"][m.group(1)].replace("{place}", zone.name)
        out.append(_Cand(start, m.end(), canon, rank=2))
    return out


def _stop_ends_at(s: str, j: int) -> bool:
    """A stop word ends right before j (reading back must not cross it)."""
    for w in _STOPS:
        if j >= len(w) and s[j - len(w):j] == w:
            return True
    return False


def _region_stem(region: dict | None) -> str:
    if not region or not region.get("name") or region.get("level") == "national":
        return ""
    pl = place_by_name(region["name"])
    if pl is not None and pl.stem:
        return pl.stem
    return regex.sub(r"(?:新区|区|县|市|省|旗)$", "", region["name"])


def _streets(s: str, region: dict | None) -> list[_Cand]:
    if not region or region.get("district") not in _STREET_RE:
        return []
    out = []
    for m in _STREET_RE[region["district"]].finditer(s):
        out.append(_Cand(m.start(), m.end(), region["district"] + m.group(1) + "街道办事处", rank=1))
    return out


def _generic(s: str, region: dict | None, context: str, places: list[PlaceMatch]) -> list[_Cand]:
    out = []
    cover = {}                                   # index -> place chain covering it
    for pm in places:
        for i in range(pm.start, pm.end):
            cover[i] = pm
    for m in _HEAD_RE.finditer(s, overlapped=True):
        h0, h1, head = m.start(), m.end(), m.group()
        # only the longest head ending at h1 and starting at h0
        if _HEAD_RE.fullmatch(s, h0, h1) is None:
            continue
        longer = [x for x in _HEADS if len(x) > len(head) and s.startswith(x, h1 - len(x))]
        if longer:
            continue
        spec = _HEADS[head]
        if _head_blocked(s, h0, h1, head):
            continue
        c = _read_name(s, h0, h1, spec, region, context, cover)
        if c is not None:
            out.append(c)
    return out


def _read_name(s, h0, h1, spec, region, context, cover) -> _Cand | None:
    head = spec["head"]
    j = h0 - 1
    lo = max(0, h0 - _BODY_MAX - 1)
    start = None
    place: Place | None = None
    place_str = ""
    written_stem = False
    while j >= lo:
        pm = cover.get(j)
        if pm is not None and pm.end <= h0:
            start, place = pm.start, pm.place
            place_str = pm.place.name
            written = pm.written
            written_stem = not pm.full          # 广州 (stem) vs 广州市 / 黔东南州 (full)
            prefix_end = pm.end
            break
        if not _is_han(s[j]):
            return _bare_known(s, h0, h1, spec, region)
        w = None
        for lw in _LEVEL_WORDS:              # longest level word ending at j (自治区 before 区)
            st = j - len(lw) + 1
            if st >= 0 and s.startswith(lw, st):
                w = _level_at(s, st)
                if w is not None and st + len(w) != j + 1:
                    w = None
                break
        if w is not None:
            start = st
            prefix_end = st + len(w)
            if spec.get("place_only"):
                return None
            if _LEVELS[w] == "national":
                place_str = w
            else:
                place = _level_place(w, region)
                if place is None:            # 区委 in a city report: some district, not named
                    return None
                place_str = place.name
            break
        if _stop_ends_at(s, j + 1):
            return _bare_known(s, h0, h1, spec, region)
        j -= 1
    if start is None:
        return _bare_known(s, h0, h1, spec, region)
    body = s[prefix_end:h0]
    if len(body) > _BODY_MAX or (body and not all(_is_han(c) for c in body)):
        return None
    if body and (body[0] in _BODY_EDGE or body[-1] in _BODY_EDGE or head in body
                 or _BREAKER_RE.search(body)):
        return None
    name = s[prefix_end:h1]
    if place is None and _LEVELS.get(place_str) == "national":
        nat = _NATIONAL.get(name)                # 国家生态环境部
        if nat is not None:
            return _Cand(start, h1, nat["canonical"])
        if not body:
            return None
    if not body and spec.get("needs_body"):
        if head not in _CTX_HEADS:
            return None
        dept = _context_department(head, s, context)
        canon = (place_str + dept) if dept else (place_str + head)
        return _Cand(start, h1, canon)
    if spec.get("center") and not _CENTER_RE.search(body):
        return None
    if head == "委" and body and (body + head) not in _SHORT and not body.startswith("委"):
        return None
    text = s[start:h1]
    if text in _NOT_AGENCIES or name in _NOT_AGENCIES and not body and place is None:
        return None
    if _SESSION_RE.fullmatch(body or "x") is None and body and head in ("人大", "人民代表大会", "人大常委会"):
        return None
    if written_stem and (body or spec.get("stem_prefix")):
        place_str = written                      # 广州知识产权法院, 洛阳海关: kept as written
    canon = _canonical(name, place, place_str)
    return _Cand(start, h1, canon)


def _bare_known(s, h0, h1, spec, region) -> _Cand | None:
    """A full department name with no prefix (市场监督管理局): the report's own unit."""
    for full in _BARE_NAMES:
        if full.endswith(spec["head"]) and s.startswith(full, h1 - len(full)) and h1 - len(full) >= 0:
            start = h1 - len(full)
            if start > 0 and s[start - 1] in _LEVEL_FIRST_CHARS:
                return None
            pl = _lowest_place(region)
            return _Cand(start, h1, (pl.name if pl else "") + full)
    return None


# Full department names that stand alone (values of short_forms that are two words or more
# and end in 局/委员会; e.g. 市场监督管理局).
_BARE_NAMES = sorted({v for v in _SHORT.values()
                      if len(v) >= 5 and v.endswith(("局", "委员会")) and not v.startswith("人民政府")},
                     key=len, reverse=True)
_LEVEL_FIRST_CHARS = {w[0] for w in _LEVELS}


def _sub_units(s: str, cands: list[_Cand]) -> None:
    """Extend an agency by a unit written right after it (市公安局 + 交警支队)."""
    for c in cands:
        m = _SUB_RE.match(s, c.end)
        if not m:
            continue
        body = m.group(1)
        pm = match_place(s, c.end) if body else None
        if pm is not None and pm.end == m.start(2):
            pass                                   # 广州市公安局 + 天河区 + 分局
        elif _STOP_RE.search(body) or _SUB_BAD_RE.search(body) or not all(_is_han(x) for x in body):
            continue
        c.canonical = c.canonical + m.group()
        c.end = m.end()


def _select(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda c: (-(c.end - c.start), -c.rank, c.start))
    taken: list[_Cand] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


def find_agencies(sentence: str, region: dict | None, context: str = "") -> list[dict]:
    """Agencies in one compact sentence: dicts with start, end, text, canonical."""
    s = sentence
    if not s:
        return []
    places = find_places(s)
    cands = _national(s, context)
    cands += _zones(s, region, places)
    cands += _zone_bodies(s, region, places)
    cands += _streets(s, region)
    gen = _generic(s, region, context, places)
    _sub_units(s, [c for c in gen if c.end < len(s)])
    cands += gen
    out = []
    for c in _select(cands):
        text = s[c.start:c.end]
        if text in _NOT_AGENCIES:
            continue
        out.append({"start": c.start, "end": c.end, "text": text, "canonical": c.canonical})
    return out


def link_canonicals(canonicals: list[str]) -> list[str]:
    """Document-level pass: a canonical name that is a shorter form of one met earlier in
    the same document takes the earlier one (天河区知识产权领导小组 after
    天河区知识产权工作领导小组). Same first and last two characters, every character of the
    short one in order in the long one, at most 4 characters missing, and what is missing
    only filler words (工作, 管理; rules/agencies.yaml link_fillers): 天河区人民政府办公室 is
    another body than 天河区人民政府外事办公室 and keeps its name."""
    seen: list[str] = []
    out = []
    for c in canonicals:
        best = c
        for e in seen:
            if len(e) > len(c) and len(e) - len(c) <= 4 and e[:2] == c[:2] and e[-2:] == c[-2:] \
                    and _subsequence(c, e) and _only_fillers_missing(c, e):
                best = e
                break
        out.append(best)
        if c not in seen:
            seen.append(c)
    return out


_FILLERS = sorted(_R.get("link_fillers", []), key=len, reverse=True)


def _only_fillers_missing(short: str, long: str) -> bool:
    """Every run of characters of ``long`` left out of ``short`` is a filler word (aligned
    from the left; a run may be several fillers in a row)."""
    gaps, gap, j = [], "", 0
    for ch in long:
        if j < len(short) and ch == short[j]:
            if gap:
                gaps.append(gap)
                gap = ""
            j += 1
        else:
            gap += ch
    if gap:
        gaps.append(gap)
    return all(regex.fullmatch("(?:" + "|".join(map(regex.escape, _FILLERS)) + ")+", g)
               for g in gaps) if _FILLERS else True


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)
