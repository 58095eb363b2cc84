"""English number words (``twenty-five``, ``a hundred``, ``two thirds``) parsed from a matched span.

The caller's regex finds a run of number words; :func:`parse_run` splits the
run into numbers where the grammar breaks ("three-nought-four" is three
numbers, "two hundred and two thousand" is one) and returns each with its
token offsets, so that spans stay exact. Working on the run's few tokens keeps
the per-match cost small.
"""

from __future__ import annotations

import re

ONES = {
    "zero": 0, "nought": 0, "naught": 0, "nil": 0,
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
DOZEN = {"dozen", "dozens", "dz", "dzs", "doz", "dozs"}
_ORD_ONES = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1e3, "millionth": 1e6, "billionth": 1e9, "trillionth": 1e12,
}  # fmt: skip
DENOMINATORS: dict[str, float] = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
for _w, _v in _ORD_ONES.items():
    DENOMINATORS[_w] = _v
    DENOMINATORS[_w + "s"] = _v
FIRSTS = {"first": 1, "firsts": 1}  # only in "twenty-first" and the like

CARDINAL_WORDS = [*ONES, *TEENS, *TENS, "hundred", "hundreds", *SCALES, *(s + "s" for s in SCALES)]
ALL_WORDS = [*CARDINAL_WORDS, *DOZEN, *DENOMINATORS, *FIRSTS, "point", "and", "a", "an", "of"]

_TOKEN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|[a-z]+", re.IGNORECASE)


class EnNumber:
    """One number of a run: token range [i, j), ``value``, ``fraction`` when it is a fraction, ``vague`` never."""

    __slots__ = ("i", "j", "value", "fraction")

    def __init__(self, i: int, j: int, value: float, fraction: bool) -> None:
        self.i, self.j, self.value, self.fraction = i, j, value, fraction


def tokens(span: str) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) of the words of a span."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(span)]


def parse_run(toks: list[tuple[str, int, int]], span: str = "") -> list[EnNumber]:
    """Numbers in a run of number-word tokens, split where the grammar breaks."""
    out: list[EnNumber] = []
    i, n = 0, len(toks)
    while i < n:
        res = _one(toks, i, span)
        if res is None:
            i += 1
            continue
        out.append(res)
        i = res.j
    return out


def _one(toks: list[tuple[str, int, int]], i: int, span: str) -> EnNumber | None:
    """The longest number starting at token i."""
    n = len(toks)
    total = 0.0
    cur = 0.0
    have = False
    last = ""  # kind of the last number token: ones, teens, tens, hundred, scale, digits
    start = i
    end = i
    and_mark: float | None = None  # value before the last "and"
    pending_a = False
    decimals: str | None = None
    w0 = toks[i][0]
    if w0 in ("and", "of", "point"):
        return None
    j = i
    while j < n:
        w = toks[j][0]
        if w in ("a", "an"):
            if j + 1 < n and (toks[j + 1][0] in DENOMINATORS or toks[j + 1][0] in SCALES
                              or toks[j + 1][0] in DOZEN or toks[j + 1][0] == "hundred"):
                if have and toks[j - 1][0] not in ("and", "of") and last != "half":
                    break
                pending_a = True
                j += 1
                continue
            break
        if w == "and":
            if not have or j + 1 >= n:
                break
            and_mark = total + cur
            j += 1
            continue
        if w == "of":
            # "two thirds of a million", "half of" is not part of the number
            if last == "frac" and j + 2 < n and toks[j + 1][0] == "a" and toks[j + 2][0] in SCALES:
                j += 1
                continue
            break
        if w == "point":
            if not have or decimals is not None or last in ("frac", "dozen"):
                break
            k = j + 1
            digs = ""
            while k < n:
                t = toks[k][0]
                if t in ONES and (not digs or toks[k - 1][0] != "point" or True):
                    digs += str(ONES[t])
                elif t in TEENS and not digs:
                    digs += str(TEENS[t])
                elif t in TENS and not digs:
                    digs += str(TENS[t] // 10)
                    if k + 1 < n and toks[k + 1][0] in ONES and toks[k + 1][0] not in ("zero", "nought", "naught"):
                        digs += str(ONES[toks[k + 1][0]])
                        k += 1
                    else:
                        digs += "0"
                    k += 1
                    break
                else:
                    break
                k += 1
            if not digs:
                break
            decimals = digs
            j = k
            end = j
            last = "decimal"
            continue
        if decimals is not None:
            if w in SCALES:
                cur = (cur + float("0." + decimals)) * SCALES[w]
                decimals = None
                total += cur
                cur = 0
                last = "scale"
                j += 1
                end = j
            break
        if w[0].isdigit():
            if have:
                break
            cur = float(w.replace(",", ""))
            have = True
            last = "digits"
        elif w in ONES:
            if last in ("ones", "teens", "tensones", "digits", "frac", "dozen"):
                break
            if last == "tens":
                # "twenty one", "twenty-one"
                cur += ONES[w]
                last = "tensones"
            else:
                cur += ONES[w]
                last = "ones"
            have = True
        elif w in TEENS:
            if last in ("ones", "teens", "tens", "tensones", "digits", "frac", "dozen"):
                break
            cur += TEENS[w]
            last = "teens"
            have = True
        elif w in TENS:
            if last in ("ones", "teens", "tens", "tensones", "digits", "frac", "dozen"):
                break
            cur += TENS[w]
            last = "tens"
            have = True
        elif w in ("hundred", "hundreds"):
            if last in ("hundred", "frac", "dozen"):
                break
            if not have and not pending_a:
                break  # "hundreds of": no number
            if w == "hundreds" and not have:
                break
            cur = (cur or 1) * 100
            last = "hundred"
            have = True
            pending_a = False
        elif w in SCALES or (w.endswith("s") and w[:-1] in SCALES):
            scale = SCALES[w.rstrip("s")] if w not in SCALES else SCALES[w]
            if last == "frac":
                # "two thirds of a million", "half million"
                total = (total + cur) * scale
                cur = 0
                last = "scale"
                have = True
                j += 1
                end = j
                break
            if not have and not pending_a:
                if w == "half":
                    pass
                break  # "millions of"
            if last == "scale" and cur == 0:
                total *= scale  # "three lakh crore"
            else:
                total += (cur or 1) * scale
            cur = 0
            last = "scale"
            have = True
            pending_a = False
        elif w in DOZEN:
            if not have and not pending_a:
                break
            if last == "frac":
                total, cur = 0, (total + cur) * 12
            else:
                cur = (cur or 1) * 12
            last = "dozen"
            have = True
            pending_a = False
        elif w in DENOMINATORS or (w in FIRSTS and last == "tens"):
            if w in FIRSTS:
                den = cur + 1  # "twenty-first": cur holds the tens
                num_part = 1.0 if and_mark is None else 1.0
                whole = total if not pending_a else 0.0
                value = whole + num_part / den if not pending_a else 1 / den
                return EnNumber(start, j + 1, value, True)
            den = DENOMINATORS[w]
            if w in ("half", "halves"):
                if pending_a or not have:
                    numerator = 1.0
                    base = total + cur if have else 0.0
                elif and_mark is not None:
                    numerator = total + cur - and_mark
                    base = and_mark
                else:
                    numerator = total + cur
                    base = 0.0
                if w == "half" and have and not pending_a and and_mark is None:
                    break  # "two half": not a number
                value = base + numerator / den
            else:
                if last in ("hundred", "scale") and not pending_a and cur == 0 and total == 0:
                    break
                if pending_a:
                    numerator = 1.0
                    base = total + cur
                    if last in ("scale", "hundred") and not (and_mark is not None):
                        # "a hundred trillionths": the numerator is the whole cardinal
                        numerator, base = total + cur, 0.0
                elif and_mark is not None:
                    numerator = total + cur - and_mark
                    base = and_mark
                else:
                    numerator = total + cur
                    base = 0.0
                if not have and not pending_a:
                    break
                value = base + numerator / den
            total, cur = value, 0.0
            have = True
            last = "frac"
            pending_a = False
            j += 1
            end = j
            frac_end = True
            # allow "of a million" / "million" after a fraction
            if j < n and (toks[j][0] in SCALES or (toks[j][0] == "of" and j + 2 < n and toks[j + 2][0] in SCALES)):
                continue
            return EnNumber(start, end, total, frac_end)
        else:
            break
        j += 1
        end = j
    if not have:
        return None
    if decimals is not None:
        cur += float("0." + decimals)
    value = total + cur
    return EnNumber(start, end, value, last == "frac")
