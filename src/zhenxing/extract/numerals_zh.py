"""Chinese numerals, alone or mixed with Arabic digits, parsed from a matched span.

cn2an handles pure Chinese numerals but not the mixed forms that government
reports use all the time (``2.76万亿``, ``4300 万``, ``二点七六万亿``,
``5万4千6百``), and its whole-text mode loses offsets, so the span is parsed
here: the regex in :mod:`zhenxing.extract.quantities` finds the span, this
module turns it into a value. Only spans are parsed, never whole texts, so the
Python loop below runs over a handful of characters per number.

The parser is strict on purpose: a run of numeral characters that is not a
well-formed number (``十四五`` the plan name, ``一五一十`` the idiom,
``千千万万``) returns None, so that names and idioms made of numeral
characters are not read as quantities.
"""

from __future__ import annotations

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "俩": 2, "倆": 2,
    "三": 3, "叁": 3, "參": 3, "仨": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG: dict[str, float] = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}
POINT = frozenset("点點.．")
VAGUE = frozenset("几幾多余餘")  # 十几万, 一千多万, 五百余万: an unknown lower digit
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")
_ASCII_DIGITS = frozenset("0123456789")

# Characters that may appear in a numeral span (for the regex of the caller).
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL) + "".join(BIG)


class ZhNumber:
    """A parsed span: ``value``; ``vague`` when 几/多/余 stood for a digit; ``sequence`` for 一九九一-style digit strings."""

    __slots__ = ("value", "vague", "sequence", "has_big", "is_integer")

    def __init__(self, value: float, vague: bool, sequence: bool, has_big: bool, is_integer: bool) -> None:
        self.value = value
        self.vague = vague
        self.sequence = sequence
        self.has_big = has_big
        self.is_integer = is_integer


def _tokens(s: str) -> list[tuple[str, float]] | None:
    """Split a span into (kind, value) tokens: d digit, n Arabic number, u 十百千, b 万亿, z 零, p point, x vague."""
    out: list[tuple[str, float]] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _ASCII_DIGITS:
            j = i + 1
            while j < n and (
                s[j] in _ASCII_DIGITS or (s[j] == "," and j + 1 < n and s[j + 1] in _ASCII_DIGITS)
            ):
                j += 1
            if j + 1 < n and s[j] == "." and s[j + 1] in _ASCII_DIGITS:
                j += 1
                while j < n and s[j] in _ASCII_DIGITS:
                    j += 1
            out.append(("n", float(s[i:j].replace(",", ""))))
            i = j
            continue
        if c in DIGITS:
            d = DIGITS[c]
            out.append(("z" if d == 0 and c == "零" else "d", d))
        elif c in SMALL:
            out.append(("u", SMALL[c]))
        elif c in BIG:
            out.append(("b", BIG[c]))
        elif c in POINT:
            out.append(("p", 0))
        elif c in VAGUE:
            out.append(("x", 0))
        elif c in " \u3000\xa0,":
            pass
        else:
            return None
        i += 1
    return out


def _integer(tokens: list[tuple[str, float]]) -> tuple[float, bool, bool] | None:
    """Value of an integer part: (value, vague, has_big), None when malformed."""
    stack: list[list[float]] = []  # [value, level] of parts closed by 万/亿/兆
    section = 0.0  # the part below 万 being built
    num: float | None = None  # a digit (or Arabic number) waiting for its unit
    num_kind = ""
    last_small = 0  # the last 十/百/千 used in this section
    prev = ""  # kind of the previous token
    after_zero = False
    vague = False
    for kind, v in tokens:
        if kind in ("d", "n"):
            if num is not None:
                return None  # two digits in a row: 一五, 十四五
            num, num_kind = v, kind
        elif kind == "z":
            if num is not None:
                return None
            after_zero = True
        elif kind == "x":
            vague = True
            if num is None:
                num, num_kind = 0.0, "x"
        elif kind == "u":
            if num is None:
                if prev in ("", "z") or v == 10:
                    num = 1.0  # 十五, 百三, 零十
                else:
                    return None
            if last_small and v >= last_small:
                return None  # 十百, 五十五十
            if num_kind == "n" and num != int(num):
                return None
            section += num * v
            num, num_kind, last_small, after_zero = None, "", int(v), False
        elif kind == "b":
            cur = section + (num or 0.0)
            if prev == "b" and num is None and section == 0:
                if not stack:
                    return None
                stack[-1][0] *= v  # 万亿, 四万万
                stack[-1][1] *= v
            else:
                if prev == "" or (cur == 0 and num is None):
                    return None  # a bare 万 or 亿
                while stack and stack[-1][1] < v:
                    cur += stack.pop()[0]
                if stack and stack[-1][1] == v:
                    return None
                stack.append([cur * v, v])
            section, num, num_kind, last_small, after_zero = 0.0, None, "", 0, False
        else:
            return None
        prev = kind
    total = sum(part[0] for part in stack) + section
    if num is not None:
        if num_kind == "d" and not after_zero and prev == "d" and len(tokens) >= 2:
            before = tokens[-2][0]
            if before == "u" and last_small > 10:
                num *= last_small / 10  # 两千四百五 -> 2450
            elif before == "b":
                num *= stack[-1][1] / 10  # 一万三 -> 13000
        total += num
    return total, vague, bool(stack)


def parse(span: str) -> ZhNumber | None:
    """The value of a numeral span such as ``一百二十``, ``4300 万``, ``二点七六万亿``; None when malformed."""
    s = span.translate(_FULLWIDTH)
    tokens = _tokens(s)
    if not tokens:
        return None
    kinds = "".join(k for k, _ in tokens)
    if len(tokens) >= 2 and not kinds.strip("dz"):
        # 一九九一, 二〇二二, 五五: digit by digit
        return ZhNumber(float("".join(str(int(v)) for _, v in tokens)), False, True, False, True)
    if "p" in kinds:
        i = kinds.index("p")
        int_part, rest = tokens[:i], tokens[i + 1 :]
        j = 0
        digits = []
        while j < len(rest) and rest[j][0] in "dz":
            digits.append(str(int(rest[j][1])))
            j += 1
        mags = rest[j:]
        if not digits and j < len(rest) and rest[j][0] == "n":  # 三点5
            return None
        if not digits or any(k != "b" for k, _ in mags):
            return None
        head = _integer(int_part) if int_part else (0.0, False, False)
        if head is None:
            return None
        value = head[0] + float("0." + "".join(digits))
        for _, m in mags:
            value *= m
        return ZhNumber(value, head[1], False, head[2] or bool(mags), False)
    res = _integer(tokens)
    if res is None:
        return None
    value, vague, has_big = res
    return ZhNumber(value, vague, False, has_big, value == int(value))
