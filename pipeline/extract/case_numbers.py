"""Case numbers: a court's docket number as written (shared/GUIDE.md section 4, Case numbers).

A docket number opens with the bracketed year and runs to 号: （2012）西民四初字第438号,
（2016）最高法民再98号, (2023)粤0106民初12345号. Its parts are read: the year, the court's
code (粤0106, 最高法, 西; empty in old numbers of the Supreme People's Court such as
（2009）民申字第1065号), the case type (民初, 刑终, 知民终, 民四初) and the serial.
Government document numbers put their issuer before the year (国办发〔2021〕12号) and have
no case type after it, so they never match. Case types are in rules/cases.yaml.
"""
from __future__ import annotations

import regex

from pipeline.extract import cases  # noqa: F401  (registers the schema of rules/cases.yaml)
from pipeline import rules

_R = rules.load("cases")
_DIVISION = "[一二三四五六七八九十]"


def _type_pattern(t: str) -> str:
    """民初 -> 民[一…十]?初: a division numeral may follow the first letter (民四初)."""
    head = 2 if t.startswith(("知", "商")) and len(t) > 2 else 1
    if len(t) <= head:
        return regex.escape(t)
    return regex.escape(t[:head]) + _DIVISION + "?" + regex.escape(t[head:])


_TYPES = "|".join(_type_pattern(t) for t in sorted(set(_R["case_types"]), key=len, reverse=True))
_NUMBER_RE = regex.compile(
    r"[（(〔\[［【]\s*(?P<year>(?:19|20)[0-9]{2})\s*[）)〕\]］】]"
    r"(?P<court>[\p{Han}0-9]{0,%d}?)"
    r"(?P<type>%s)"
    r"字?第?(?P<serial>[0-9]{1,8})(?:[-—~至、][0-9]{1,8})*号" % (_R["court_code_max"], _TYPES))


def find_case_numbers(sentence: str) -> list[dict]:
    """Case numbers in one compact sentence: dicts with start, end, text and the parts
    read from it (year, court_code, case_type, serial)."""
    out = []
    for m in _NUMBER_RE.finditer(sentence):
        if m.start() > 0 and sentence[m.start() - 1] in "发函":
            continue                                   # 国办发〔2021〕…: an issuer before the year
        out.append({"start": m.start(), "end": m.end(), "text": m.group(),
                    "year": int(m.group("year")), "court_code": m.group("court") or None,
                    "case_type": m.group("type"), "serial": int(m.group("serial"))})
    return out
