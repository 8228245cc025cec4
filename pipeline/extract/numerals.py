"""Numbers as Chinese reports write them: Arabic, Chinese, mixed, fractions, percent words.

``parse_number`` turns one numeral string into a number, or None when the string is not a
well-formed numeral; it never raises. The grammar is strict on purpose: a run of numeral
characters such as ``十四五`` (a plan name) or ``一二三`` (a digit string) is not a number,
so callers can use ``None`` to reject candidates.
"""
from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["parse_number", "parse_chinese", "parse_arabic", "MULTIPLIERS", "CN_DIGITS",
           "CN_NUMERAL_CHARS", "multiplier_value"]

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9,
             "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
# Small place values inside a section of four digits; 拾/佰/仟 are the financial forms.
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Multipliers that may follow a number (Arabic or Chinese). Longest first when matching.
MULTIPLIERS = {"万亿": 10 ** 12, "亿": 10 ** 8, "万": 10 ** 4, "千": 10 ** 3, "百": 10 ** 2}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(_SMALL_UNITS) + "万亿点"

_ARABIC = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_MULT_SUFFIX = re.compile(r"(万亿|亿|万|千|百)+$")
_MIXED = re.compile(r"([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)((?:万亿|亿|万|千|百)*)")
_FRACTION = re.compile(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_CN_FRACTION = re.compile(r"(.+?)分之(.+)")


def _num(x: float):
    """int when the value is a whole number small enough to be exact, else float."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2 ** 53:
        return int(x)
    return x


def multiplier_value(s: str) -> int | None:
    """Value of a chain of multipliers: 万 → 1e4, 万亿 → 1e12, 千万 → 1e7; None if not one."""
    if not s:
        return 1
    total, i = 1, 0
    while i < len(s):
        for m in ("万亿", "亿", "万", "千", "百"):
            if s.startswith(m, i):
                total *= MULTIPLIERS[m]
                i += len(m)
                break
        else:
            return None
    return total


def parse_arabic(s: str):
    """'19298' → 19298, '1,512.28' → 1512.28, '-0.57' → -0.57; None if not Arabic."""
    if not s or not _ARABIC.fullmatch(s):
        return None
    t = s.replace(",", "").replace("−", "-")
    try:
        return _num(float(t)) if "." in t else int(t)
    except ValueError:
        return None


def _parse_section(s: str) -> int | None:
    """A Chinese numeral below 10^4 (digits with 十/百/千), strictly formed."""
    if not s:
        return None
    total, digit, last_unit, pending_zero = 0, None, 10 ** 5, False
    for i, ch in enumerate(s):
        if ch in CN_DIGITS:
            if digit is not None:          # two digits in a row: a digit string, not a numeral
                return None
            d = CN_DIGITS[ch]
            if d == 0:
                if i == 0 and len(s) > 1:
                    return None
                pending_zero = True
                digit = None if len(s) > 1 else 0
                if len(s) == 1:
                    return 0
                continue
            digit = d
        elif ch in _SMALL_UNITS:
            u = _SMALL_UNITS[ch]
            if u >= last_unit:
                return None
            if digit is None:
                if u == 10 and total == 0 and i == 0:
                    digit = 1                # 十五 = 15
                else:
                    return None
            total += digit * u
            last_unit, digit, pending_zero = u, None, False
        else:
            return None
    if pending_zero and digit is None:
        return None                          # a trailing 零 (一百零) is not a numeral
    if digit is not None:
        # 一百二 (=120) style abbreviation is accepted only without a zero before the digit
        if last_unit < 10 ** 5 and last_unit >= 100 and not pending_zero and digit:
            total += digit * (last_unit // 10)
        else:
            total += digit
    return total


def _parse_cn_integer(s: str) -> int | None:
    """Chinese integer with 万/亿 sections: 十五, 一百二十, 三千零五, 十五万, 一亿二千万."""
    if not s:
        return None
    # Split on the largest section markers first: 亿 then 万.
    for mark, size in (("亿", 10 ** 8), ("万", 10 ** 4)):
        if mark in s:
            head, _, tail = s.partition(mark)
            hv = _parse_cn_integer(head) if head else None
            if hv is None:
                return None
            if not tail:
                return hv * size
            if tail[0] in "零〇○":
                tail = tail[1:]
                if not tail:
                    return None
            tv = _parse_cn_integer(tail)
            if tv is None or tv >= size:
                return None
            return hv * size + tv
    return _parse_section(s)


def parse_chinese(s: str):
    """Chinese numeral, optionally with a decimal part after 点: 三点五 → 3.5."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        # multipliers may follow the decimal: 三点五万 is written, but rarely; keep it simple
        w = _parse_cn_integer(whole) if whole else None
        if w is None:
            return None
        return _num(float(f"{w}." + "".join(str(CN_DIGITS[c]) for c in frac)))
    return _parse_cn_integer(s)


def parse_number(s):
    """Value of one numeral string, multipliers folded in; None when ``s`` is not a numeral.

    Arabic ('19298', '1,512.28', '-0.57'), Chinese ('十五', '一百二十', '两', '三千零五'),
    mixed ('3.65亿', '1.2万', '2万亿'), fractions ('2/3', '三分之一') and percent words
    ('百分之十' → 10, '千分之五' → 5).
    """
    try:
        return _parse_number(s)
    except (ValueError, OverflowError, ZeroDivisionError, TypeError, RecursionError,
            ArithmeticError):
        return None


def _parse_number(s):
    if not isinstance(s, str):
        return None
    s = s.strip()
    if not s or len(s) > 64:
        return None
    # percent words: 百分之十, 千分之五 — the value is the count of hundredths/thousandths
    for lead in ("百分之", "千分之"):
        if s.startswith(lead):
            return _parse_plain(s[len(lead):])
    m = _FRACTION.fullmatch(s)
    if m:
        a, b = float(m.group(1)), float(m.group(2))
        return _num(a / b) if b else None
    m = _CN_FRACTION.fullmatch(s)
    if m:
        den, num = _parse_plain(m.group(1)), _parse_plain(m.group(2))
        if den is None or num is None or den == 0:
            return None
        return _num(num / den)
    return _parse_plain(s)


def _parse_plain(s: str):
    if not s:
        return None
    if s[0].isdigit() or s[0] in "-−":
        m = _MIXED.fullmatch(s)
        if not m:
            return None
        base = parse_arabic(m.group(1))
        mult = multiplier_value(m.group(2))
        if base is None or mult is None:
            return None
        if isinstance(base, int):
            return base * mult
        # decimal arithmetic: 2.3亿 is 230000000, not 229999999.99999997
        return _num(float(Decimal(m.group(1).replace(",", "").replace("−", "-")) * mult))
    if all(ch in CN_NUMERAL_CHARS for ch in s):
        v = parse_chinese(s)
        if v is not None:
            return v
        # a pure chain of multipliers (千亿, 万亿, 千万) names a magnitude: 破万亿
        mv = multiplier_value(s)
        if mv is not None and s and s[0] in "千百万亿":
            return mv
    return None
