"""The span parsers behind ``quantities``: Chinese numerals and English number words."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.extract import numerals_en, numerals_zh


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("十", 10),
        ("十五", 15),
        ("一百零一万一千", 1011000),
        ("两千四百五", 2450),  # 五 after 百 stands for 50
        ("一万三", 13000),
        ("一千零五", 1005),  # after 零 a digit is literal
        ("五亿零六", 500000006),
        ("四万万", 400000000),
        ("二十一万亿", 21e12),
        ("五兆六十二亿四万五千二", 5006200045200),
        ("拾万零五十六", 100056),  # financial numerals
        ("壹佰伍拾", 150),
        ("二点七六万亿", 2.76e12),
        ("两千万点五五四四", 20000000.5544),
        ("4300 万", 43000000),
        ("5亿1万4千6百", 500014600),
        ("3万4000", 34000),
        ("1,100.9亿", 110090000000),
        ("２.２亿", 220000000),
    ],
)
def test_chinese_values(span: str, value: float) -> None:
    zn = numerals_zh.parse(span)
    assert zn is not None and math.isclose(zn.value, value, rel_tol=1e-12)


@pytest.mark.parametrize("span", ["十四五", "一五一十", "两两", "万", "万万", "千千万万", "三三两两"])
def test_malformed_chinese_runs_are_rejected(span: str) -> None:
    zn = numerals_zh.parse(span)
    assert zn is None or zn.sequence  # names and idioms are not numbers


def test_vague_digits_are_flagged() -> None:
    zn = numerals_zh.parse("二十几万")
    assert zn is not None and zn.value == 200000 and zn.vague
    zn = numerals_zh.parse("一千多万")
    assert zn is not None and zn.value == 10000000 and zn.vague


def test_digit_by_digit_sequences_are_marked() -> None:
    zn = numerals_zh.parse("二〇二二")
    assert zn is not None and zn.sequence and zn.value == 2022


_ZH = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """A plain reference writer for 1..99999999 (no abbreviations), to check the parser against."""
    units = ["", "十", "百", "千"]

    def below_10000(k: int) -> str:
        out, zero = "", False
        for i in range(3, -1, -1):
            d = k // 10**i % 10
            if d:
                if zero and out:
                    out += "零"
                out += _ZH[d] + units[i]
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10000)
    if not high:
        return below_10000(low)
    s = below_10000(high) + "万"
    if low:
        s += ("零" if low < 1000 else "") + below_10000(low)
    return s


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_round_trip(n: int) -> None:
    zn = numerals_zh.parse(_to_chinese(n))
    assert zn is not None and zn.value == n


def _en(span: str) -> list[float]:
    return [round(x.value, 9) for x in numerals_en.parse_run(numerals_en.tokens(span))]


@pytest.mark.parametrize(
    ("span", "values"),
    [
        ("twenty-five", [25]),
        ("one hundred and six", [106]),
        ("two hundred and two thousand", [202000]),
        ("twenty-one trillion three hundred", [21000000000300]),
        ("a hundred", [100]),
        ("a dozen", [12]),
        ("half a dozen", [6]),
        ("two thirds", [round(2 / 3, 9)]),
        ("one and a half", [1.5]),
        ("one million and a half", [1500000]),
        ("five and a half million", [5500000]),
        ("two thirds of a million", [round(2e6 / 3, 9)]),
        ("two hundred point zero three", [200.03]),
        ("three nought four", [3, 0, 4]),
        ("hundreds", []),
        ("millions", []),
    ],
)
def test_english_runs(span: str, values: list[float]) -> None:
    assert _en(span) == values
