"""The report's own region (天河区, 杭州市 ...) and the place names agencies are built from.

A report rarely says "this report is about X": its region shows in the title, in the body
that speaks ('杭州市人民政府市长', '洛阳市统计局'), or only in how often a place is named
('长沙' in a Changsha report whose opening just says '市人民政府'). ``detect_region`` scores
every place chain found in the head of the document (a chain is 'X省Y市Z区' or any
part of it) and returns the best one; the file name's pinyin is a last hint.

The gazetteer (rules/regions.yaml) is loaded once at import; :class:`Place` values and
:func:`match_place` are shared with the agency extractor, which needs the same chains to
read '陕西省西安市中级人民法院' or '广州市天河区知识产权工作领导小组'.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline import rules

_SCHEMA = {
    "type": "object",
    "required": ["provinces", "districts", "ambiguous_stems", "owner_cues", "national"],
    "properties": {
        "national": {"type": "object", "required": ["name", "cues"]},
        "ambiguous_stems": {"type": "array", "items": {"type": "string"}},
        "provinces": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["short", "pinyin"],
                "properties": {
                    "short": {"type": "string"},
                    "pinyin": {"type": "string"},
                    "kind": {"enum": ["province", "municipality", "autonomous_region", "sar"]},
                    "capital": {"type": "string"},
                    "districts": {"type": "array", "items": {"type": "string"}},
                    "cities": {
                        "type": "object",
                        "additionalProperties": {
                            "anyOf": [
                                {"type": "string"},
                                {"type": "object", "required": ["pinyin"],
                                 "properties": {"pinyin": {"type": "string"},
                                                "short": {"type": "string"}}},
                            ]
                        },
                    },
                },
            },
        },
        "districts": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["city"],
                "properties": {"city": {"type": "string"}, "pinyin": {"type": "string"},
                               "streets": {"type": "array", "items": {"type": "string"}}},
            },
        },
        "zones": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["city", "short"],
                "properties": {"city": {"type": "string"}, "short": {"type": "string"},
                               "pinyin": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "mention_only": {"type": "array", "items": {"type": "string"}},
        "county_suffixes": {"type": "array", "items": {"type": "string"}},
        "county_name_blockers": {"type": "array", "items": {"type": "string"}},
        "owner_cues": {"type": "array", "items": {"type": "string"}},
    },
}

_DATA = rules.load("regions", _SCHEMA)

LEVELS = ("national", "province", "city", "district")


@dataclass(frozen=True)
class Place:
    """One administrative unit: its full name, level and the units above it."""
    name: str
    level: str                       # province | city | district
    province: str | None = None
    city: str | None = None
    stem: str = ""                   # the name as used before an agency ('广州', '黔东南')
    pinyin: str = ""
    municipality: bool = False       # 北京市 etc.: a province that is also a city

    def as_region(self) -> dict:
        if self.level == "province":
            city = self.name if self.municipality else None
            return {"name": self.name, "district": None, "city": city,
                    "province": self.name, "level": "province"}
        if self.level == "city":
            return {"name": self.name, "district": None, "city": self.name,
                    "province": self.province, "level": "city"}
        return {"name": self.name, "district": self.name, "city": self.city,
                "province": self.province, "level": "district"}


_SUFFIX_RE = regex.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|地区|林区|省|市|盟)$")


def _stem(name: str) -> str:
    s = _SUFFIX_RE.sub("", name)
    return s if len(s) >= 2 else name


# --- the gazetteer, built once -----------------------------------------------------------
PROVINCES: dict[str, Place] = {}
CITIES: dict[str, Place] = {}
DISTRICTS: dict[str, Place] = {}
STREETS: dict[str, list[str]] = {}          # district name -> street stems
_BY_FORM: dict[str, Place] = {}             # every written form (full name or stem) -> place
_FULL_FORMS: set[str] = set()
AMBIGUOUS = set(_DATA["ambiguous_stems"])

for _pname, _p in _DATA["provinces"].items():
    _muni = _p.get("kind") == "municipality"
    _prov = Place(_pname, "province", _pname, _pname if _muni else None,
                  _p["short"], _p["pinyin"], _muni)
    PROVINCES[_pname] = _prov
    for _cname, _c in (_p.get("cities") or {}).items():
        _c = {"pinyin": _c} if isinstance(_c, str) else _c
        CITIES[_cname] = Place(_cname, "city", _pname, _cname,
                               _c.get("short") or _stem(_cname), _c["pinyin"])
    for _dname in _p.get("districts") or []:
        DISTRICTS[_dname] = Place(_dname, "district", _pname, _pname,
                                  regex.sub(r"(?:新区|区|县)$", "", _dname) if len(_dname) > 2 else _dname)
for _dname, _d in _DATA["districts"].items():
    _city = CITIES.get(_d["city"])
    DISTRICTS[_dname] = Place(_dname, "district", _city.province if _city else None, _d["city"],
                              regex.sub(r"(?:新区|区|县|市)$", "", _dname), _d.get("pinyin", ""))
    if _d.get("streets"):
        STREETS[_dname] = list(_d["streets"])
for _zname, _z in (_DATA.get("zones") or {}).items():
    # a zone in a municipality (两江新区 in 重庆市) has the municipality as its city
    _city = CITIES.get(_z["city"]) or PROVINCES.get(_z["city"])
    _prov = _city.province if _city else None
    DISTRICTS[_zname] = Place(_zname, "district", _prov, _z["city"], _z["short"], _z.get("pinyin", ""))
ZONES: dict[str, Place] = {n: DISTRICTS[n] for n in (_DATA.get("zones") or {})}
MENTION_ONLY = set(_DATA.get("mention_only") or [])

# Later (lower) levels must not shadow a province's short form ('海南', '吉林').
for _table in (DISTRICTS, CITIES, PROVINCES):
    for _pl in _table.values():
        _BY_FORM[_pl.name] = _pl
        _FULL_FORMS.add(_pl.name)
        if _pl.level != "district" and len(_pl.stem) >= 2:
            _BY_FORM[_pl.stem] = _pl
for _pl in CITIES.values():                 # '黔东南州', '凉山州': stem + 州 for prefectures
    if _pl.name.endswith("自治州"):
        _BY_FORM[_pl.stem + "州"] = _pl
        _FULL_FORMS.add(_pl.stem + "州")
for _pl in PROVINCES.values():              # provinces win their short form
    _BY_FORM[_pl.stem] = _pl

_FORMS_RE = regex.compile("|".join(regex.escape(f) for f in sorted(_BY_FORM, key=len, reverse=True)))
_BLOCK = sorted(_DATA.get("county_name_blockers", []), key=len, reverse=True)
_COUNTY_RE = regex.compile(
    r"\p{Han}{1,5}?(?:" + "|".join(regex.escape(s) for s in _DATA.get("county_suffixes", ["区", "县"])) + ")")
_OWNER_RE = regex.compile("|".join(regex.escape(c) for c in
                                   sorted(_DATA["owner_cues"], key=len, reverse=True)))
_NATIONAL_RE = regex.compile("|".join(regex.escape(c) for c in _DATA["national"]["cues"]))
_AGENCY_CHAR_RE = regex.compile(r"[局委院厅办部府会所队站心司]")
# '市'/'县' in '杭州市市长' or '长沙市县域' is not a county-level city
_NOT_COUNTY_TAIL = regex.compile(r"(?:市|县|区)(?:长|委|级|域|内|民|场|属|直|政|里|外|中|情|况|的|和|、)")


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    place: Place          # the lowest unit of the chain
    chain: tuple          # every unit of the chain, highest first
    written: str          # how the lowest unit was written ('广州', '天河区')
    full: bool            # the lowest unit was written with its suffix


def _unknown_county(text: str, pos: int, parent: Place) -> tuple[Place, int] | None:
    """A county-level unit not in the gazetteer, written right after its city."""
    m = _COUNTY_RE.match(text, pos)
    if not m:
        return None
    name = m.group()
    if any(name.startswith(b) for b in _BLOCK) or len(name) < 2:
        return None
    if _AGENCY_CHAR_RE.search(name):        # '公安局天河区' is an agency then a district
        return None
    if _NOT_COUNTY_TAIL.match(text, m.end() - 1):
        return None
    if name.endswith("市") and len(name) < 3:
        return None
    if parent.level == "province" and not parent.municipality and not name.endswith(("市", "县")):
        return None                          # after a province only a county-level city or county
    city = parent.name if parent.level == "city" or parent.municipality else None
    return Place(name, "district", parent.province, city,
                 regex.sub(r"(?:新区|区|县|市|旗)$", "", name)), m.end()


def match_place(text: str, pos: int) -> PlaceMatch | None:
    """The longest place chain starting exactly at ``pos`` ('陕西省西安市', '广州', '天河区')."""
    chain: list[Place] = []
    written, full, i = "", False, pos
    while True:
        m = _FORMS_RE.match(text, i)
        nxt = None
        if m:
            pl = _BY_FORM[m.group()]
            if not chain or _below(pl, chain[-1]):
                nxt = (pl, m.end(), m.group())
        if nxt is None and chain and chain[-1].level in ("city", "province"):
            u = _unknown_county(text, i, chain[-1])
            if u:
                nxt = (u[0], u[1], u[0].name)
        if nxt is None:
            break
        chain.append(nxt[0])
        written, i = nxt[2], nxt[1]
        full = written in _FULL_FORMS
        if nxt[0].level == "district":
            break
    if not chain:
        return None
    return PlaceMatch(pos, i, chain[-1], tuple(chain), written, full)


def _below(lower: Place, upper: Place) -> bool:
    if upper.level == "province":
        return lower.level in ("city", "district") and lower.province == upper.name
    if upper.level == "city":
        return lower.level == "district" and lower.city == upper.name
    return False


def find_places(text: str) -> list[PlaceMatch]:
    """Every place chain in ``text``, left to right, not overlapping."""
    out, i = [], 0
    for m in _FORMS_RE.finditer(text, overlapped=False):
        if m.start() < i:
            continue
        pm = match_place(text, m.start())
        if pm:
            out.append(pm)
            i = pm.end
    return out


def place_by_name(name: str | None) -> Place | None:
    if not name:
        return None
    return _BY_FORM.get(name) or DISTRICTS.get(name)


def _pinyin_hint(source_name: str) -> Place | None:
    """The place whose pinyin appears as whole tokens in the file name (longest wins)."""
    tokens = regex.split(r"[^a-z]+", source_name.lower())
    joined = "-" + "-".join(t for t in tokens if t) + "-"
    best = None
    for table in (PROVINCES, CITIES, DISTRICTS):
        for pl in table.values():
            if pl.pinyin and f"-{pl.pinyin}-" in joined:
                if best is None or len(pl.pinyin) > len(best.pinyin) or (
                        len(pl.pinyin) == len(best.pinyin) and LEVELS.index(pl.level) > LEVELS.index(best.level)):
                    best = pl
    # a district named in the file name wins over its city ('huaian-hongze')
    return best


def detect_region(head: str, source_name: str = "") -> dict | None:
    """The region a report is about, from its title and first ~1500 characters."""
    text = "".join(ch for ch in head if not ch.isspace())
    scores: dict[Place, float] = {}
    first: dict[Place, int] = {}
    for pm in find_places(text):
        pl = pm.place
        if not pm.full and pm.written in AMBIGUOUS:
            continue
        if pl.name in MENTION_ONLY and not (pm.full and _OWNER_RE.match(text, pm.end)):
            continue
        s = 2.0 if pm.full else 1.0
        if len(pm.chain) > 1:
            s += 1.0
        if _OWNER_RE.match(text, pm.end) or regex.match(r"第[一二三四五六七八九十]+届", text[pm.end:pm.end + 6]):
            s += 4.0
        if pm.start < 120:
            s += 2.0
        scores[pl] = scores.get(pl, 0.0) + s
        first.setdefault(pl, pm.start)
    hint = _pinyin_hint(source_name) if source_name else None
    if hint is not None:
        scores[hint] = scores.get(hint, 0.0) + 3.0
        first.setdefault(hint, len(text))
    national = sum(4.0 for _ in _NATIONAL_RE.finditer(text[:600]))
    if not scores:
        return _national() if national else None
    best = max(scores, key=lambda p: (scores[p], LEVELS.index(p.level), -first[p]))
    if national >= scores[best] and best.level != "district":
        return _national()
    # a district chain carries its city: prefer the district when its city is not clearly
    # a stronger topic of its own
    return best.as_region()


def _national() -> dict:
    return {"name": _DATA["national"]["name"], "district": None, "city": None,
            "province": None, "level": "national"}
