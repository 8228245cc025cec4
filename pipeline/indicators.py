"""Metric → indicator id, from the catalog in ``rules/indicators.yaml``.

Every quantity record gets ``indicator``: the id of the catalog entry its metric names
(``地区生产总值``, ``全市生产总值``, ``GDP`` → ``gdp``), or null. The metric is compared
whole, after scope words (``全市``, ``全年``, ``实现``), the report's own region name,
footnote marks and list markers are dropped: a wrong id costs a batch user more than a
missing one, so a metric that only *contains* a wording (``人均地区生产总值``,
``经开区地区生产总值``) is not that indicator. The record's role stays its own field.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex as re

from pipeline import rules
from pipeline.document import Document

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_KINDS = ["count", "money", "percent", "percentage_point", "ratio", "multiple", "duration",
          "rank", "measure"]
_SCHEMA = {
    "type": "object",
    "required": ["scope_prefixes", "trailing_words", "part_endings", "new_words", "synonyms",
                 "indicators"],
    "additionalProperties": False,
    "properties": {
        "scope_prefixes": _STR_LIST,
        "trailing_words": _STR_LIST,
        "part_endings": _STR_LIST,
        "new_words": _STR_LIST,
        "synonyms": {"type": "object", "additionalProperties": {"type": "string"}},
        "indicators": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "name", "unit", "kinds", "growth"],
                "anyOf": [{"required": ["wordings"]}, {"required": ["patterns"]}],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "name": {"type": "string", "minLength": 1},
                    "national_name": {"type": "string", "minLength": 1},
                    "unit": {"type": "string"},
                    "kinds": {"type": "array", "minItems": 1, "items": {"enum": _KINDS}},
                    "growth": {"enum": ["real", "nominal"]},
                    "flow": {"type": "boolean"},
                    "parts": _STR_LIST,
                    "wordings": _STR_LIST,
                    "patterns": _STR_LIST,
                },
            },
        },
    },
}

# What a change or a share of any indicator may be, besides the kinds of its level.
_CHANGE_KINDS = {"percent", "percentage_point", "multiple"}
_SHARE_KINDS = {"percent", "ratio"}
# Footnote marks ([12], ①), list markers (一）, 1., （三）) and quotation marks around a
# metric are layout, not words of it.
_NOISE = re.compile(r"\[\d+\]|[①-⑳]|^[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|[“”\"]")
# A counting determiner before the noun (新一个经济总量, 第二个): not part of what is measured.
_DETERMINER = re.compile(r"^(?:新|第)?[一两二三四五六七八九十\d]{1,3}个(?=\p{Han}{2})")


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    national_name: str
    unit: str
    kinds: frozenset
    growth: str
    parts: tuple
    flow: bool = False


@dataclass(frozen=True)
class Catalog:
    indicators: dict            # id -> Indicator
    by_wording: dict            # normalised wording -> id
    patterns: tuple             # (compiled regex, id)
    prefixes: tuple             # longest first
    trailing: tuple             # longest first
    part_endings: tuple         # longest first
    new_words: tuple            # longest first
    synonyms: tuple             # (short, long)

    def get(self, indicator_id: str | None) -> Indicator | None:
        return self.indicators.get(indicator_id) if indicator_id else None


def _fold(text: str, synonyms) -> str:
    text = _NOISE.sub("", text.replace(" ", "").replace("\u3000", ""))
    for short, long in synonyms:
        if short in text and long not in text:
            text = text.replace(short, long)
    return text


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    data = rules.load("indicators", _SCHEMA)
    synonyms = tuple(sorted(data["synonyms"].items(), key=lambda kv: -len(kv[0])))
    indicators, by_wording, patterns = {}, {}, []
    for item in data["indicators"]:
        iid = item["id"]
        if iid in indicators:
            raise rules.RulesError(f"rules/indicators.yaml: indicator {iid} listed twice")
        indicators[iid] = Indicator(iid, item["name"], item.get("national_name", item["name"]),
                                    item["unit"], frozenset(item["kinds"]), item["growth"],
                                    tuple(item.get("parts", ())), bool(item.get("flow")))
        for w in item.get("wordings", ()):
            key = _fold(w, synonyms)
            if by_wording.get(key, iid) != iid:
                raise rules.RulesError(f"rules/indicators.yaml: wording {w} names both "
                                       f"{by_wording[key]} and {iid}")
            by_wording[key] = iid
        for p in item.get("patterns", ()):
            try:
                patterns.append((re.compile(p), iid))
            except re.error as e:
                raise rules.RulesError(f"rules/indicators.yaml: bad pattern for {iid}: {e}") from None
    for ind in indicators.values():
        for part in ind.parts:
            if part not in indicators:
                raise rules.RulesError(f"rules/indicators.yaml: {ind.id} has unknown part {part}")
    by_len = lambda ws: tuple(sorted(set(ws), key=len, reverse=True))  # noqa: E731
    return Catalog(indicators, by_wording, tuple(patterns), by_len(data["scope_prefixes"]),
                   by_len(data["trailing_words"]), by_len(data["part_endings"]),
                   by_len(data["new_words"]), synonyms)


def _region_names(region: dict | None) -> tuple[str, ...]:
    """The report's own region as a metric may open with it: 杭州市 and 杭州."""
    if not region or not region.get("name"):
        return ()
    name = region["name"]
    short = re.sub(r"(市|区|县|省|自治州|州|盟)$", "", name)
    return tuple(n for n in (name, short) if len(n) >= 2)


def _candidates(metric: str, cat: Catalog, region_names) -> list[str]:
    """The metric and what is left of it after each scope word is dropped, in order."""
    text = _DETERMINER.sub("", _fold(metric, cat.synonyms))
    changed = True
    while changed:
        changed = False
        for word in cat.trailing:
            if text.endswith(word) and len(text) > len(word) + 1:
                text = text[: -len(word)]
                changed = True
                break
    out = [text]
    openers = tuple(region_names) + cat.prefixes
    changed = True
    while changed:
        changed = False
        for word in openers:
            if text.startswith(word) and len(text) > len(word) + 1:
                text = text[len(word):]
                out.append(text)
                changed = True
                break
    return out


_COORDINATED = re.compile(r"(?:和|与|及|、)\p{Han}{1,6}$")


def _before_words(before: str, cat: Catalog, region_names) -> str:
    """The sentence text before a metric without the scope words that end it."""
    text = before.rstrip(" \u3000")
    openers = tuple(region_names) + cat.prefixes
    changed = True
    while changed and text:
        changed = False
        for word in openers:
            if text.endswith(word):
                text = text[: -len(word)]
                changed = True
                break
    return text


_SHARED = re.compile(r"^[^，。；]*?(?:分别|均)")


def _names_a_part(text: str, after: str, cat: Catalog) -> bool:
    """Whether the words right before a metric name a part of the region or of its economy
    (经开区, 东北地区, 地铁), or one of several heads sharing it, each with its own figure
    (城镇和农村|居民人均可支配收入分别…)."""
    return text.endswith(cat.part_endings) or bool(
        _COORDINATED.search(text) and _SHARED.match(after or ""))


def indicator_for(metric: str | None, kind: str | None, role: str | None,
                  region: dict | None = None, before: str | None = None,
                  after: str | None = None) -> str | None:
    """The catalog id a figure of ``metric`` (with its kind and role) measures, or None.
    ``before`` and ``after`` are the sentence text around the metric, where the caller has
    it (:func:`metric_context`)."""
    if not metric:
        return None
    cat = catalog()
    words = _before_words(before, cat, _region_names(region)) if before else ""
    if words and _names_a_part(words, after, cat):
        return None
    found = None
    for cand in _candidates(metric, cat, _region_names(region)):
        found = cat.by_wording.get(cand)
        if found is None:
            found = next((iid for rx, iid in cat.patterns if rx.fullmatch(cand)), None)
        if found:
            break
    if found is None:
        return None
    ind = cat.indicators[found]
    if words and not ind.flow and words.endswith(cat.new_words):
        return None                         # 新登记|市场主体: the new ones, not the stock
    if role == "change":
        # a change in percentage points is the change of a rate: of a percent indicator
        # (城镇化率提高0.5个百分点), never of a count or an amount (a growth rate's change)
        ok = (kind in _CHANGE_KINDS or kind in ind.kinds) and (
            kind != "percentage_point" or "percent" in ind.kinds)
    elif role == "share":
        ok = kind in _SHARE_KINDS
    else:
        ok = kind in ind.kinds
    return found if ok else None


def indicator_name(indicator_id: str | None, region_level: str | None = None) -> str | None:
    """The catalog's Chinese name: the country's own name (国内生产总值) for a national
    report, else the regional one (地区生产总值)."""
    ind = catalog().get(indicator_id)
    if ind is None:
        return None
    return ind.national_name if region_level == "national" else ind.name


def assign_indicators(doc: Document) -> Document:
    """Give every quantity record of ``doc`` its ``indicator`` field."""
    for r in doc.records:
        if r.type == "quantity":
            r.fields["indicator"] = record_indicator(r.fields, r.start, r.end, doc.region)
    return doc


def record_indicator(fields: dict, start: int, end: int | None, region: dict | None) -> str | None:
    """The indicator of a quantity record (its fields, span and the report's region), its
    metric read with the sentence around it."""
    context = metric_context(fields, start, end)
    if context is None:
        return None
    return indicator_for(fields.get("metric"), fields.get("kind"), fields.get("role"), region,
                         *context)


# Between a metric's mention and its figure: another clause's list (…能耗下降3.27%，化学需氧量、
# 二氧化硫排放总量…分别下降3.14%) or another clause altogether; the figure is not the metric's.
_OTHER_CLAUSE = re.compile(r"；|;|[，,].*分别")
# A figure right before its metric with 以上/以下 is a threshold (500万元以上固定资产投资项目).
_THRESHOLD = re.compile(r"^(?:及|或)?(?:以上|以下)")


def metric_context(fields: dict, start: int, end: int | None = None):
    """The sentence text before and after the metric's last mention ahead of the figure (or
    its first mention when the metric only follows it); (None, None) when the sentence
    does not spell the metric; None when the mention cannot be the figure's: in another
    clause, or right after a threshold figure."""
    sentence, metric = fields.get("sentence"), fields.get("metric")
    if not sentence or not metric or fields.get("sentence_start") is None:
        return None, None
    at = start - fields["sentence_start"]
    k = sentence.rfind(metric, 0, max(at, 0))
    if k >= 0 and _OTHER_CLAUSE.search(sentence[k + len(metric):at]):
        return None
    if k < 0:
        k = sentence.find(metric)
        if k < 0:
            return None, None
        if end is not None:
            gap = sentence[end - fields["sentence_start"]:k]
            if _THRESHOLD.match(gap) and len(gap) <= 3:
                return None
    return sentence[:k], sentence[k + len(metric):]
