"""English number words (``twenty-five``, ``a hundred``, ``two thirds``) parsed from a matched span.

The caller's regex finds a run of number words; :func:`parse_run` splits the
run into numbers where the grammar breaks ("three-nought-four" is three
numbers, "two hundred and two thousand" is one) and returns each with its
token range, so that spans stay exact. Working on the few tokens of a run
keeps the per-match cost small.

Grammar, roughly::

    number   := cardinal [point digits] [denominator] [and fraction] [scale]
    cardinal := a | digits | (ones | teens | tens[-ones] | hundred | scale | dozen | and)+
    fraction := (a | cardinal) denominator          # "and a half", "and three fifths"

"one million and a half" is 1,500,000 (the fraction is of the last scale),
"five and a half million" is 5,500,000, "two thirds of a million" 666,667.
"""

from __future__ import annotations

import re

ONES = {
    "zero": 0, "nought": 0, "naught": 0,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "lakh": 1e5, "crore": 1e7}
SCALE_WORDS = {**SCALES, **{w + "s": v for w, v in SCALES.items()}}
HUNDRED = {"hundred", "hundreds"}
DOZEN = {"dozen", "dozens", "dz", "dzs", "doz", "dozs"}
_ORDINALS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1e3, "millionth": 1e6, "billionth": 1e9, "trillionth": 1e12,
}  # fmt: skip
DENOMINATORS: dict[str, float] = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
for _w, _v in _ORDINALS.items():
    DENOMINATORS[_w] = _v
    DENOMINATORS[_w + "s"] = _v

CARDINAL_WORDS = [*ONES, *TEENS, *TENS, *HUNDRED, *SCALE_WORDS]
ALL_WORDS = [*CARDINAL_WORDS, *DOZEN, *DENOMINATORS, "point", "and", "a", "an", "of"]

_TOKEN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|[a-z]+", re.IGNORECASE)


class EnNumber:
    """One number of a run: token range [i, j), its ``value``, ``fraction`` when written as one."""

    __slots__ = ("i", "j", "value", "fraction")

    def __init__(self, i: int, j: int, value: float, fraction: bool) -> None:
        self.i, self.j, self.value, self.fraction = i, j, value, fraction


def tokens(span: str) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) of the words of a span."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(span)]


def parse_run(toks: list[tuple[str, int, int]]) -> list[EnNumber]:
    """Numbers in a run of number-word tokens, split where the grammar breaks."""
    out: list[EnNumber] = []
    words = [t[0] for t in toks]
    i, n = 0, len(words)
    while i < n:
        res = _number(words, i)
        if res is None:
            i += 1
            continue
        out.append(res)
        i = res.j
    return out


def _cardinal(w: list[str], i: int) -> tuple[float, int, float] | None:
    """(value, next index, last scale) of the cardinal starting at i, None if there is none."""
    n = len(w)
    total = cur = 0.0
    last = ""
    last_scale = 1.0
    any_ = False
    j = i
    if w[i] in ("a", "an"):
        if i + 1 < n and (w[i + 1] in HUNDRED or w[i + 1] in SCALE_WORDS or w[i + 1] in DOZEN):
            cur, any_, last = 1.0, True, "a"
            j = i + 1
        else:
            return None
    while j < n:
        t = w[j]
        if t[0].isdigit():
            if any_:
                break
            cur, last = float(t.replace(",", "")), "digits"
        elif t in ONES:
            if last in ("ones", "teens", "tensones", "digits", "dozen", "a"):
                break
            cur += ONES[t]
            last = "tensones" if last == "tens" else "ones"
        elif t in TEENS or t in TENS:
            if last in ("ones", "teens", "tens", "tensones", "digits", "dozen", "a"):
                break
            cur += TEENS.get(t) or TENS[t]
            last = "teens" if t in TEENS else "tens"
        elif t in HUNDRED:
            if last in ("hundred", "dozen") or not any_:
                break
            cur = (cur or 1.0) * 100
            last = "hundred"
        elif t in SCALE_WORDS:
            if not any_:
                break
            s = SCALE_WORDS[t]
            if last == "scale" and cur == 0:
                total *= s  # "three lakh crore"
            elif last_scale > 1 and s >= last_scale:
                break
            else:
                total += (cur or 1.0) * s
            cur, last, last_scale = 0.0, "scale", s
        elif t in DOZEN:
            if not any_ or last == "dozen":
                break
            cur = (cur or 1.0) * 12
            last = "dozen"
        elif t == "and":
            # "one hundred and six", "two thousand and two hundred"; not "and a half", "and three fifths"
            if last not in ("hundred", "scale") or j + 1 >= n:
                break
            nxt = w[j + 1]
            if nxt not in ONES and nxt not in TEENS and nxt not in TENS and not nxt[0].isdigit():
                break
            if nxt in ONES and j + 2 < n and w[j + 2] in DENOMINATORS:
                break
            j += 1
            continue
        else:
            break
        any_ = True
        j += 1
    if not any_ or last == "a":
        return None
    return total + cur, j, last_scale


def _fraction(w: list[str], i: int) -> tuple[float, int] | None:
    """(value, next index) of 'a half', 'three quarters', 'two thirds', 'fifty-four hundredths' at i."""
    n = len(w)
    if i >= n:
        return None
    if w[i] in ("a", "an", "one") and i + 1 < n and w[i + 1] in DENOMINATORS:
        return 1.0 / DENOMINATORS[w[i + 1]], i + 2
    card = _cardinal(w, i)
    if card is None or card[1] >= n or w[card[1]] not in DENOMINATORS:
        return None
    return card[0] / DENOMINATORS[w[card[1]]], card[1] + 1


def _scaled(w: list[str], j: int, value: float) -> tuple[float, int]:
    """A fraction followed by a scale: 'half million', 'two thirds of a million', 'half a dozen'."""
    n = len(w)
    if j < n and w[j] in SCALE_WORDS:
        return value * SCALE_WORDS[w[j]], j + 1
    if j + 1 < n and w[j] in ("a", "an") and w[j + 1] in DOZEN:
        return value * 12, j + 2
    if j + 2 < n and w[j] == "of" and w[j + 1] in ("a", "an") and w[j + 2] in SCALE_WORDS:
        return value * SCALE_WORDS[w[j + 2]], j + 3
    return value, j


def _number(w: list[str], i: int) -> EnNumber | None:
    """The longest number starting at token i."""
    n = len(w)
    t = w[i]
    if t in ("and", "of", "point"):
        return None
    # a fraction with no cardinal before it: "half", "a third", "quarter million"
    if t in ("half", "quarter") or (t in ("a", "an") and i + 1 < n and w[i + 1] in DENOMINATORS):
        k = i + 1 if t in ("half", "quarter") else i + 2
        den = DENOMINATORS[t if t in ("half", "quarter") else w[i + 1]]
        if t == "quarter" and not (k < n and w[k] in SCALE_WORDS):
            return None
        value, k2 = _scaled(w, k, 1.0 / den)
        return EnNumber(i, k2, value, k2 == k)
    card = _cardinal(w, i)
    if card is None:
        return None
    value, j, last_scale = card
    fraction = False
    if j < n and w[j] == "point":
        digits, k = _decimals(w, j + 1)
        if digits:
            value += float("0." + digits)
            j = k
            if j < n and w[j] in SCALE_WORDS:
                value *= SCALE_WORDS[w[j]]
                j += 1
            return EnNumber(i, j, value, False)
    if j < n and w[j] in DENOMINATORS and w[j] not in ("half",):
        value = value / DENOMINATORS[w[j]]
        j += 1
        fraction = True
        value, j = _scaled(w, j, value)
        return EnNumber(i, j, value, fraction and not (j > i and w[j - 1] in SCALE_WORDS))
    if j + 1 < n and w[j] == "and":
        f = _fraction(w, j + 1)
        if f is not None:
            fv, k = f
            if k < n and w[k] in SCALE_WORDS:
                s = SCALE_WORDS[w[k]]
                value = value + fv * s if last_scale > 1 else (value + fv) * s
                k += 1
            elif last_scale >= 1e3:
                value += fv * last_scale  # "one million and a half"
            else:
                value += fv
            return EnNumber(i, k, value, False)
    return EnNumber(i, j, value, fraction)


def _decimals(w: list[str], j: int) -> tuple[str, int]:
    """Digits after 'point': 'zero three' -> '03', 'seventy-one' -> '71', 'eleven' -> '11'."""
    n = len(w)
    digits = ""
    while j < n:
        t = w[j]
        if t in ONES:
            digits += str(ONES[t])
        elif t in TEENS and not digits:
            return str(TEENS[t]), j + 1
        elif t in TENS and not digits:
            if j + 1 < n and w[j + 1] in ONES and ONES[w[j + 1]] > 0:
                return str(TENS[t] + ONES[w[j + 1]]), j + 2
            return str(TENS[t] // 10), j + 1
        else:
            break
        j += 1
    return digits, j
