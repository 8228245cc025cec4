"""Numeral parsing: examples from the reports, and property tests against a renderer of
our own (int → Chinese numerals) that shares no code with the parser."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numerals import multiplier_value, parse_number

_DIGITS = "零一二三四五六七八九"


def render_section(n: int) -> str:
    """0 < n < 10000 in Chinese numerals, standard form (一千零五, 三百二十, 十五)."""
    out, zero = [], False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value
        n %= value
        if d:
            if zero:
                out.append("零")
                zero = False
            out.append(_DIGITS[d] + name)
        elif out:
            zero = True
    s = "".join(out)
    return s[1:] if s.startswith("一十") else s


def render_chinese(n: int) -> str:
    """A non-negative integer below 10^12 in Chinese numerals with 万 and 亿 sections."""
    if n == 0:
        return "零"
    yi, rest = divmod(n, 10 ** 8)
    wan, low = divmod(rest, 10 ** 4)
    parts, gap = [], False
    for value, mark in ((yi, "亿"), (wan, "万"), (low, "")):
        if value:
            sec = render_section(value)
            if parts and (gap or value < 1000):
                sec = "零" + sec
            parts.append(sec + mark)
            gap = False
        elif parts:
            gap = True
    s = "".join(parts)
    # 一十万 is written 十万 only at the very start
    return s


@pytest.mark.parametrize("text,value", [
    ("19298", 19298),
    ("1,512.28", 1512.28),
    ("-0.57", -0.57),
    ("十五", 15),
    ("一百二十", 120),
    ("两", 2),
    ("零", 0),
    ("〇", 0),
    ("三千零五", 3005),
    ("一千二百万", 12000000),
    ("3.65亿", 365000000),
    ("1.2万", 12000),
    ("2.3亿", 230000000),
    ("53.19亿", 5319000000),
    ("2万亿", 2 * 10 ** 12),
    ("万亿", 10 ** 12),
    ("千亿", 10 ** 11),
    ("三点五", 3.5),
    ("百分之十", 10),
    ("百分之四十五点四", 45.4),
    ("千分之五", 5),
])
def test_examples(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_fractions():
    assert parse_number("2/3") == pytest.approx(0.6667, rel=1e-3)
    assert parse_number("三分之一") == pytest.approx(0.3333, rel=1e-3)
    assert parse_number("十分之一") == pytest.approx(0.1)


@pytest.mark.parametrize("text", ["十四五", "二〇二三", "一二三", "十十", "一百零", "", "abc",
                                  "3.6.5", "点", "分之"])
def test_not_numerals(text):
    # 十四五 is a plan name, 二〇二三 a year written digit by digit
    assert parse_number(text) is None


def test_multiplier_chain():
    assert multiplier_value("万亿") == 10 ** 12
    assert multiplier_value("千万") == 10 ** 7
    assert multiplier_value("元") is None


@given(st.text(max_size=30))
@settings(max_examples=400)
def test_never_crashes_on_text(s):
    v = parse_number(s)
    assert v is None or isinstance(v, (int, float))


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点分之/.,-0123456789%", max_size=20))
@settings(max_examples=400)
def test_never_crashes_on_numeral_soup(s):
    v = parse_number(s)
    assert v is None or isinstance(v, (int, float))


@given(st.integers(min_value=0, max_value=10 ** 12 - 1))
@settings(max_examples=500)
def test_chinese_roundtrip(n):
    assert parse_number(render_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10 ** 9))
def test_arabic_with_separators_roundtrip(n):
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["万", "亿", "万亿", "千"]))
def test_arabic_with_multiplier(n, mult):
    factor = {"万": 10 ** 4, "亿": 10 ** 8, "万亿": 10 ** 12, "千": 10 ** 3}[mult]
    assert parse_number(f"{n}{mult}") == n * factor


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=99))
def test_decimal_with_multiplier_is_exact(whole, cents):
    text = f"{whole}.{cents:02d}亿"
    assert parse_number(text) == round((whole * 100 + cents) * 10 ** 6)
