"""Every quantity mention of a text: numbers with their magnitude, unit and offsets.

How the scan stays fast (the whole pipeline has 2 MB/s per core, this stage
aims at 5 MB/s and more): two compiled regexes find where a candidate can
start, :data:`_TRIGGER` for digits, Chinese numerals and currency symbols and
:data:`_EN_TRIGGER` for English number words (it starts on the space or quote
before the word). Both begin with a character class, which lets the regex
engine skip every other character in C; a pattern that begins with ``\b`` or
an alternation of named groups makes it try every position instead, which was
ten times slower. At each trigger one anchored ``match`` of :data:`_MASTER`
(or :data:`_EN_MASTER`) reads the number itself, and one anchored ``match`` on
the characters right after it reads magnitude and unit (a trie of the Chinese
units, or only the English units that begin with the letter at hand). No
Python code loops over the text; the per-candidate work is a few dozen
operations.

What is *not* a quantity is decided here once, for every later stage: years
and dates used as time stamps, clock times, ordinals (``第十四``, ``20th``,
``十九届``, ``二十大``), plan names (``十四五``), names with digits (``5G``,
``PM2.5``, ``COVID-19``, ``Industry 4.0``), list numbering, phone and
document numbers. Values are given in the canonical units of eval/FORMAT.md
(``2,758.4 billion yuan`` -> 2758400000000 CNY, ``100,000 mu`` -> 6666.67 ha);
a share is left as written (``五分之一`` -> 0.2, form ``fraction``): the
"share -> %" convention belongs to the fact stage, which also knows the
sentence.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from math import isfinite as _isfinite

from zhenxing.extract import numerals_en, numerals_zh
from zhenxing.extract.fastre import by_first_letter, fold
from zhenxing.extract.units import RATE_BASE, RATE_PER, ZH_UNITS, Unit, en_unit_regexes, trie
from zhenxing.model import Quantity

__all__ = ["quantities"]

# --- numbers ------------------------------------------------------------------------

_D = "[0-9０-９]"
# An Arabic number: 1,234,567.8 | 1 234 567 | 1234.5 (full-width digits too).
# Written so that the engine never backtracks over the digits.
_NUM = (
    rf"{_D}{{1,3}}(?:(?:,{_D}{{3}}|，[０-９]{{3}})(?![0-9０-９]))*"
    rf"(?:[\u202f\u00a0\u2009 ]{_D}{{3}}(?![0-9０-９]))*"
    rf"{_D}*(?:[.．]{_D}+)?"
)
_EXP = rf"(?:[eEｅＥ][-+－＋]?{_D}+(?![A-Za-z])|\^[-+]*{_D}+|[x×]10\^[-+]?{_D}+)?"
_ZD = "零〇一二三四五六七八九两兩俩倆仨壹贰貳叁參肆伍陆陸柒捌玖"
_VULGAR = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
_ZCHAR = rf"(?:[{_ZD}十拾佰仟萬億兆]|百(?![ ]?分[ ]?[之点點位])|千(?![瓦克米伏卡])|[万亿](?![ ]?分[ ]?之))"
_ZMAG = "十拾百佰千仟万萬亿億兆"
_ZGLUE = (
    rf"(?:(?:(?<![0-9０-９.,])[ \u3000]{{1,3}}|[ \u3000]{{1,3}}(?=[{_ZMAG}]))?(?:{_ZCHAR}"
    rf"|[点點][ ]?(?=[{_ZD}0-9０-９])"
    rf"|[几幾多余餘][ ]?(?=[{_ZMAG}])"
    r")"
    rf"|(?:(?<=[{_ZMAG}])[ \u3000]{{1,2}}(?={_D}+[ \u3000]?[{_ZMAG}]))?{_NUM})"
)
# First characters of Chinese units and classifiers, for a lone numeral character.
_UNIT_START = "".join(sorted({w[0] for w in ZH_UNITS} | set("万亿萬億千百十多余几幾年月日号时点")))
_ZSINGLE = (
    rf"(?:[零〇一二三四五六七八九两兩俩倆仨十壹贰貳叁參柒捌玖]|[百千](?=[年{_ZD}]))"
    rf"(?=[ ]?[{re.escape(_UNIT_START)}分又]|[不而那这却和或与的]|[^\u3400-\u9fff]|$)"
    rf"|[{_ZD}拾](?=[ ]?[分又]|[不而那这却和或与的]|[^\u3400-\u9fff]|$)"
)
# 五分之一, 三又三分之一, 百分之五, 千分之一 (read when a number is followed by 分之 or 又).
_ZRUN_ALL = rf"(?:(?:{_NUM}|[{_ZD}十拾百佰千仟万萬亿億兆])(?:[ \u3000]{{0,3}}(?:[{_ZD}十拾百佰千仟万萬亿億兆]|[点點][ ]?(?=[{_ZD}0-9０-９]))|{_NUM})*)"
_FRAC = re.compile(
    rf"(?:(?P<whole>[负負]?{_ZRUN_ALL})[ ]{{0,3}}又[ ]{{0,3}})?(?P<den>[负負]?{_ZRUN_ALL})?[ ]{{0,3}}分[ ]{{0,3}}之[ ]{{0,3}}"
    rf"(?P<num>[负負]?(?:{_NUM}|{_ZCHAR})(?:[ \u3000]{{0,3}}(?:{_ZCHAR}|[点點][ ]?(?=[{_ZD}0-9０-９]))|{_NUM})*)"
)

_MASTER = re.compile(
    "|".join(
        [
            # time stamps, phone numbers, versions: consumed and dropped
            rf"(?P<skip>(?=[0-9０-９]{{1,4}}[-/.．年:：]|[0-9]{{11}}|\+|[vV]|0)(?:"
            rf"{_D}{{4}}[-/.．年]{_D}{{1,2}}[-/.．月]{_D}{{1,2}}(?!{_D})[日号]?"
            rf"|{_D}{{1,2}}/{_D}{{1,2}}/{_D}{{2,4}}(?!{_D})"
            rf"|{_D}{{1,2}}[:：]{_D}{{2}}(?:[:：]{_D}{{2}})?(?!{_D})"
            rf"|\+?{_D}{{1,4}}(?:-{_D}{{2,8}}){{2,}}(?!{_D})"
            rf"|\+{_D}{{1,3}}[ ]?\(?{_D}{{2,4}}\)?[ ]?{_D}{{3,4}}[ ]?{_D}{{3,4}}"
            rf"|0{_D}{{2,3}}-{_D}{{7,8}}(?!{_D})"
            rf"|(?<!{_D})1[3-9]{_D}{{9}}(?!{_D})"
            rf"|[vV](?:ersion\s?)?{_D}+(?:\.{_D}+)+))",
            rf"(?P<dots>(?<![0-9.]){_D}{{1,5}}(?:\.{_D}{{1,5}}){{2,}}(?![0-9]))",
            rf"(?P<slash>(?<![0-9/])(?:[-−]\s?)?(?:{_D}{{1,2}}[ ]+)?{_D}{{1,3}}[ ]?[/／][ ]?{_D}{{1,3}}(?![0-9/]))",
            r"(?P<cur>[$£€¥￥₿₹₩₽])",
            rf"(?P<num>(?:(?<![\w.%\-−－])[-−－](?=[0-9０-９.])|[负負](?=[0-9０-９{_ZD}十]))?"
            rf"(?:{_NUM}{_ZGLUE}*{_EXP}|{_ZCHAR}{_ZGLUE}+|(?:(?<=[\s(\-−])|(?<![\s\S]))[.．]{_D}+|{_ZSINGLE}))",
            r"(?P<half>一半|半数|半數|半百|对折|對折|半(?=[成折](?![品本])))",
            rf"(?P<vulgar>[{_VULGAR}])",
            r"(?P<pct>(?:百万万|百万|千万|万万|[百佰千仟万萬])[ ]{0,3}分[ ]{0,3}之)",
        ]
    )
)
# Where a candidate of _MASTER can start. Its first element is a character
# class, so the regex engine skips all other characters in C; the
# lookbehind/lookahead pairs drop most lone numeral characters (一些, 统一)
# before any Python code runs.
_TRIGGER = re.compile(
    rf"[0-9０-９$£€¥￥₿₹₩₽\-−－.．+负負vV{_ZD}十拾百佰千仟万萬亿億兆半对對{_VULGAR}]"
    rf"(?:(?<=[0-9０-９])[0-9０-９]*|(?<=[$£€¥￥₿₹₩₽{_VULGAR}])"
    rf"|(?<=[\-−－.．+])(?<![\w.%－][\-−－.．+])(?=[.．]?[0-9０-９])"
    rf"|(?<=[vV])(?<![\w][vV])(?=(?:ersion\s?)?[0-9])"
    rf"|(?<=[负負])(?=[0-9０-９{_ZD}十])"
    rf"|(?<=[{_ZD}十拾百佰千仟万萬亿億兆])"
    rf"(?=[ ]?[{_ZD}十拾百佰千仟万萬亿億兆{re.escape(_UNIT_START)}点點分又半不而那这却和或与的]|[^\u3400-\u9fff]|$)"
    rf"|(?<=半)(?=[成折数數百])|(?<=[对對])(?=折))"
)

# --- English number words --------------------------------------------------------------

_EN_WORDS = sorted(numerals_en.ALL_WORDS, key=len, reverse=True)
_EN_START = sorted(
    [*numerals_en.ONES, *numerals_en.TEENS, *numerals_en.TENS, "half", "twice", "thrice"],
    key=len,
    reverse=True,
)
_EW = "|".join(_EN_WORDS)
_EN_RUN = (
    rf"(?<![\w'-])(?:(?:minus|negative)\s+)?"
    rf"(?:(?:{'|'.join(_EN_START)})|an?(?=\s+(?:{_EW})\b)|quarter(?=\s+(?:million|billion|trillion)))"
    rf"(?:(?:[ \t]+|[ \t]*-[ \t]*)(?:(?:and|of)[ \t]+)?(?:{_EW})(?![\w]))*"
    r"(?![\w])"
)


_CUR_CODES = ["rmb", "usd", "eur", "gbp", "cny", "jpy", "hkd", "sen"]
_WORD_END = r"(?![\w])"
_AFTER_A = trie(
    [*numerals_en.HUNDRED, *numerals_en.SCALE_WORDS, *numerals_en.DOZEN, *numerals_en.DENOMINATORS]
)
_A_UNIT = r"(?:year|month|week|day|hour|decade|century)"
_EN_WORD_ALTERNATIVES = [
    *(rf"{word}{_WORD_END}" for word in _EN_START),
    rf"a(?=n?\s+(?:{_AFTER_A}|{_A_UNIT})\b)",
    r"hundred(?=-(?:year|day|meter|metre|kilometer|ton)s?\b)",
    r"thousand(?=-(?:year|day|meter|metre|kilometer|ton)s?\b)",
    r"minus(?=\s+[0-9a-z])",
    rf"negative(?=\s+(?:[0-9]|(?:{'|'.join(_EN_START)})\b))",
    r"quarter(?=\s+(?:million|billion|trillion)\b)",
    r"per(?=\s?cents?\s+of\b)",
    r"percents?(?=\s+of\b)",
    *(rf"{code}(?![A-Za-z])" for code in _CUR_CODES),
]
# Words that can begin an English candidate: the start words, and the others with
# the lookahead that makes them a number ("a" only before "hundred", "third" … or
# "year" …). Grouped by first letter (``by_first_letter``), so that at a word start
# re rejects all but one group with a single comparison each; a match covers only
# letters, so which branch matched never moves the next trigger.
_EN_WORD = f"(?i:{by_first_letter(_EN_WORD_ALTERNATIVES)})"
# The scan starts at the character before the word (a space, a quote, a
# bracket): a character class first lets the engine skip the rest in C, which
# a leading \b or a list of letters would not.
_EN_TRIGGER = re.compile(rf"[\s\"'(\[“‘—–/]{_EN_WORD}")
# The same trigger without IGNORECASE, for ``fold(text)``: the engine then rejects
# a branch by its first letter in C (under IGNORECASE it enters every branch),
# which made this scan 3x faster.
_EN_TRIGGER_FOLDED = re.compile(rf"[\s\"'(\[“‘—–/]{_EN_WORD.replace('(?i:', '(?:', 1)}")
_EN_AT_START = re.compile(_EN_WORD)
_EN_MASTER = re.compile(
    "|".join(
        [
            rf"(?P<pctof>per\s?cents?\s+of\s+(?=[0-9]|(?:{'|'.join(_EN_START)})\b))",
            rf"(?P<cur>(?:{'|'.join(_CUR_CODES)})\s?(?=[0-9]))",
            r"(?P<neg>(?:minus|negative)\s+(?=[0-9]))",
            rf"(?P<aunit>an?(?=\s+{_A_UNIT}\b))",
            r"(?P<bare>(?:hundred|thousand)(?=-))",
            rf"(?P<en>{_EN_RUN})",
        ]
    ),
    re.IGNORECASE,
)

# --- what follows a number: magnitude, unit, rate --------------------------------------

_MAG = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "dozen": 12.0, "dozens": 12.0,
    "k": 1e3, "mn": 1e6, "mil": 1e6, "mm": 1e6, "m": 1e6, "bn": 1e9, "bln": 1e9, "b": 1e9, "tn": 1e12, "tln": 1e12,
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "万亿": 1e12, "萬億": 1e12,
}  # fmt: skip
_ZH_STAMPS = {
    "月", "日", "号", "號", "时", "時", "点", "點", "季度", "届", "屆", "世纪", "年代", "中全会", "级", "楼", "版",
    "号线", "次会议", "年底", "年初", "年末", "年度", "年中", "分", "秒",
}  # fmt: skip
_ZH_WORD = {**{w: "stamp" for w in _ZH_STAMPS}, **{w: "unit" for w in ZH_UNITS}}
_ZH_SUFFIX = re.compile(
    r"[ \u3000]{0,4}(?P<mag>万亿|萬億|[万萬亿億])?"
    r"(?P<vague>[多余餘几幾][ ]?)?"
    rf"(?:(?P<pp>[个個]?[ ]{{0,3}}百[ ]{{0,3}}分[ ]{{0,3}}[点點])|(?P<w>{trie(_ZH_WORD)}))?"
    rf"(?:[ ]?(?:/|／|每)[ ]?(?P<per>{trie([w for w in RATE_PER if not w.isascii()])}))?"
    r"(?P<tail>[多余餘]|[ ]?(?:左右|上下))?"
)
_EN_MAG = re.compile(
    r"(?P<w>hundred|thousand|million|billion|trillion|lakhs?|crores?|dozens?|mn|bn|bln|tln|mil|tn|k|mm|m|b)(?![A-Za-z])",
    re.IGNORECASE,
)
_EN_UNIT, _EN_UNIT_OF = en_unit_regexes()
_EN_RATE = re.compile(
    rf"[ ]?(?:/|per[ ]+)[ ]?(?P<per>{'|'.join(sorted((w for w in RATE_PER if w.isascii()), key=len, reverse=True))})s?(?![A-Za-z])",
    re.IGNORECASE,
)
_EN_ORDINAL = re.compile(
    r"(?:st|nd|rd|th|s)(?![A-Za-z])|[ ]?(?:a\.m\.|p\.m\.|am|pm)(?![A-Za-z])", re.IGNORECASE
)
_SPACES = " \t\u00a0\u3000"
_NO_SUFFIX = frozenset("，。、；：,;:)）」》\n\r\"“”'")

_ISOLATE_PREV = frozenset("是有前和或与及为")
_ISOLATE_NEXT = frozenset("不而那这却和或与的")
_MONTHS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|May|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?\s*$",
    re.IGNORECASE,
)
_MONTH_AFTER = re.compile(
    r"\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
_NO_BEFORE = re.compile(
    r"(?:\bNo\.?|\bNos\.?|\bnrs?\.|\bNumber|#|Article|Chapter|Section|Phase|Room|Tel\.?|电话|\bID|码|号|號|编号|证)"
    r"\s*[:：]?\s*$"
)
_ONE_BEFORE = re.compile(
    r"\b(?:the|this|that|which|each|every|any|no|another|only|one|such|one\s+by|all\s+in)\s+$", re.IGNORECASE
)
_ONE_AFTER = re.compile(
    r"\s*(?:-\s*(?!(?:" + _EW + r")\b)[a-z]|of\b|another\b|by\s+one\b|or\s+(?:another|two|more)\b)",
    re.IGNORECASE,
)
_HALF_BEFORE = re.compile(r"\b(?:first|second|latter|former|other|1st|2nd)\s*-?\s*$", re.IGNORECASE)
_HALF_AFTER = re.compile(r"\s*-?\s*(?:year|yearly|month|hour|day|way|time)", re.IGNORECASE)
_TIMES_MULT_AFTER = re.compile(
    r"\s*(?:the|that|as|more|higher|larger|greater|bigger|faster|lower|over|of|than|what)\b", re.IGNORECASE
)
_TIMES_MULT_BEFORE = re.compile(
    r"(?:by|increased?|rose|grew|grown|up|expanded|reached|about|nearly|over|some|almost)\s*$", re.IGNORECASE
)
_RANGE_CHARS = frozenset("-—–~～至到 ")
_RANGE_STAMP = re.compile(
    rf"[ ]?(?:-|—|–|~|～|至|到|——)[ ]?[0-9０-９{_ZD}十]{{1,3}}[ ]?(?:月|日|号|號|时|時)"
)
_FROM_BEFORE = re.compile(r"(?:\bfrom|从|由)\s*$", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_CHENG_OK = frozenset("以左多的半是和与或至到、，。；：,.;:）)”\"' \n")
_ZHE_OK = frozenset("优销出以左多的是和与或至到、，。；：,.;:）)”\"' \n")
_DA_VERB = frozenset("造赢好通击响破开出下牢掉压工卡车折算")
_HAN = re.compile(r"[\u3400-\u9fff]")
_CENTS_AFTER = re.compile(
    r"\s*,?\s*(?:and\s+)?(?P<n>[0-9]{1,2}|(?:"
    + "|".join(numerals_en.TENS)
    + r")(?:[\s-](?:"
    + "|".join(w for w in numerals_en.ONES if w not in ("zero", "nought", "naught", "nil"))
    + r"))?|"
    + "|".join([*numerals_en.ONES, *numerals_en.TEENS])
    + r")(?:\s+cents?)?(?=\s*(?:[.!?;,]|$))",
    re.IGNORECASE,
)
_ZH_CENTS = re.compile(rf"[ ]?又?[ ]?(?P<c>[0-9]{{1,2}}|[{_ZD}十]{{1,3}})[ ]?美分")
_ZH_SUBUNIT = re.compile(rf"[ ]?又?[ ]?(?P<j>[0-9{_ZD}])[ ]?[角毛](?:[ ]?(?P<f>[0-9{_ZD}])[ ]?分)?")
_FW = str.maketrans("０１２３４５６７８９，．－＋ｅＥ", "0123456789,.-+eE")
_PLAIN_NUM = re.compile(
    r"[0-9][0-9,\u202f\u00a0\u2009 ]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+|\^[-+]*[0-9]+|[x×]10\^[-+]?[0-9]+)?|\.[0-9]+"
)
_ZH_MAG_CHARS = frozenset("万萬亿億兆")
_FAST_MIXED = re.compile(r"([0-9]+(?:\.[0-9]+)?)[ \u3000]{0,3}(万亿|萬億|[万萬亿億])")
_ASCII_DIGITS = frozenset("0123456789")
_NUM_AFTER_CUR = re.compile(rf"\s{{0,2}}(?:{_NUM})(?:[ ]?[万萬亿億]+)?")
_CUR_SYMBOL = {
    "$": "USD", "£": "GBP", "€": "EUR", "¥": "CNY", "￥": "CNY", "₿": "BTC", "₹": "INR", "₩": "KRW", "₽": "RUB",
    "rmb": "CNY", "cny": "CNY", "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "hkd": "HKD", "sen": "JPY",
}  # fmt: skip
_CUR_PREFIX = re.compile(
    r"(?<![A-Za-z])(?P<p>u\.?s\.?|us|hk|c|a|au|nz|s|nt|mex|usd|aud|cad|nzd|mxn|hkd)\s?$", re.IGNORECASE
)
_DOLLAR_PREFIX = {
    "us": "USD", "usd": "USD", "hk": "HKD", "hkd": "HKD", "c": "CAD", "cad": "CAD", "a": "AUD", "au": "AUD",
    "aud": "AUD", "nz": "NZD", "nzd": "NZD", "s": "SGD", "nt": "TWD", "mex": "MXN", "mxn": "MXN",
}  # fmt: skip
_PCT_DEN = {
    "百": 100.0, "佰": 100.0, "千": 1e3, "仟": 1e3, "万": 1e4, "萬": 1e4,
    "百万": 1e6, "千万": 1e7, "万万": 1e8, "百万万": 1e10,
}  # fmt: skip


class _Raw:
    """A quantity while it is being built, with what the range merge needs (magnitude, unit factor)."""

    __slots__ = (
        "start",
        "end",
        "value",
        "number",
        "unit",
        "form",
        "high",
        "approx",
        "mag",
        "factor",
        "has_unit",
    )

    def __init__(
        self,
        start: int,
        end: int,
        number: float,
        unit: str | None = None,
        form: str = "number",
        approx: bool = False,
        mag: float = 1.0,
        factor: float = 1.0,
        has_unit: bool = False,
    ) -> None:
        self.start, self.end, self.number, self.value = start, end, number, number * factor
        self.unit, self.form, self.high, self.approx = unit, form, None, approx
        self.mag, self.factor, self.has_unit = mag, factor, has_unit


# --- entry point ------------------------------------------------------------------------


def quantities(text: str) -> list[Quantity]:
    """Every quantity mention in ``text``, in text order; offsets are code points into ``text``.

    Deterministic and free of I/O: the same text always gives the same list.
    """
    raws = _scan(text, _TRIGGER, _MASTER)
    if _EN_HINT.search(text):
        folded = fold(text, document=True)
        if folded is not None:
            en = _scan(text, _EN_TRIGGER_FOLDED, _EN_MASTER, 1, folded)
        else:
            en = _scan(text, _EN_TRIGGER, _EN_MASTER, 1)
        if en:
            raws = _combine(raws, en)
    if raws:
        raws = [r for r in _merge(text, raws) if _isfinite(r.value) and _isfinite(r.number)]
    # positional arguments: start, end, text, value, unit, high, approximate, form, number
    return [
        Quantity(
            r.start,
            r.end,
            text[r.start : r.end],
            r.value if r.value.is_integer() else _clean(r.value),
            r.unit,
            None if r.high is None else _clean(r.high),
            r.approx,
            r.form,
            r.number if r.number.is_integer() else _clean(r.number),
        )
        for r in raws
    ]


_EN_HINT = re.compile(r"[A-Za-z]")


def _scan(
    text: str, trigger: re.Pattern[str], master: re.Pattern[str], skip: int = 0, trigger_text: str | None = None
) -> list[_Raw]:
    """Candidates at the trigger positions (+ ``skip`` characters), read by ``master`` and its branch's handler.

    ``trigger_text`` is what the trigger scans instead of ``text`` (a lower-cased
    copy of the same length); ``master`` always reads ``text`` itself.
    """
    raws: list[_Raw] = []
    append = raws.append
    last_end = 0
    match = master.match
    starts = (t.start() + skip for t in trigger.finditer(text if trigger_text is None else trigger_text))
    if skip and _EN_AT_START.match(text):
        starts = itertools.chain((0,), starts)
    for pos in starts:
        if pos < last_end:
            continue
        m = match(text, pos)
        if m is None:
            continue
        last_end = m.end()
        kind = m.lastgroup
        if pos and text[pos - 1] in _URL_PREV and _in_url(text, pos):
            continue
        if kind == "num":
            r = _number(text, m)
            if r is not None:
                append(r)
        elif kind == "skip":
            continue
        elif kind == "en":
            raws.extend(_english(text, m))
        elif kind == "cur":
            r = _currency(text, m)
            if r is not None:
                append(r)
        elif kind == "pct":
            r = _fraction(text, m.start())
            if r is not None:
                append(r)
        elif kind == "dots":
            raws.extend(_dotted(text, m))
        elif kind == "slash":
            r = _slash(text, m)
            if r is not None:
                append(r)
        elif kind == "vulgar":
            v = unicodedata.numeric(m.group())
            append(_Raw(m.start(), m.end(), v, None, "fraction"))
        elif kind == "half":
            r = _half(text, m)
            if r is not None:
                append(r)
        elif kind == "aunit":
            # "more than a year": one year; not "5% a year" (a rate) nor "a year ago"
            if _A_UNIT_BEFORE.search(text, max(0, pos - 16), pos):
                r = _finish(text, pos, m.end(), 1.0, True, False, False, False, False, m.group())
                if r is not None and r.unit is not None:
                    append(r)
        elif kind == "bare":
            v = 100.0 if m.group().lower() == "hundred" else 1000.0
            r = _finish(text, pos, m.end(), v, True, False, False, False, False, m.group())
            if r is not None and r.has_unit:
                append(r)
        elif kind == "neg":
            inner = _MASTER.match(text, m.end())
            if inner is not None and inner.lastgroup == "num":
                r = _number(text, inner)
                if r is not None:
                    r.start, r.number, r.value = m.start(), -r.number, -r.value
                    append(r)
        elif kind == "pctof":
            r = _percent_of(text, m)
            if r is not None:
                append(r)
        if raws and raws[-1].end > last_end:
            last_end = raws[-1].end
    return raws


_URL_PREV = frozenset("=%/&?#:")


def _in_url(text: str, pos: int) -> bool:
    """Digits inside a URL (…?q=30%25%2020%) are not quantities."""
    lo = max(0, pos - 300)
    ws = max(text.rfind(" ", lo, pos), text.rfind("\n", lo, pos), text.rfind("\t", lo, pos))
    token = text[ws + 1 : pos]
    return "://" in token or "www." in token


def _combine(a: list[_Raw], b: list[_Raw]) -> list[_Raw]:
    """Merge two candidate streams in text order; a mention overlapping an earlier, longer one is dropped."""
    both = sorted(a + b, key=lambda r: (r.start, -r.end))
    out: list[_Raw] = []
    last_end = -1
    for r in both:
        if r.start >= last_end:
            out.append(r)
            last_end = r.end
    return out


def _clean(v: float) -> float:
    """Round away binary noise (2.76 * 1e12) so that values compare as written."""
    if v.is_integer():
        return v
    r = round(v, 9)
    if r.is_integer() and r != 0:
        return r  # 2759999999999.9995 -> 2760000000000.0
    return float(f"{v:.12g}")


# --- numbers -----------------------------------------------------------------------------


def _name_before(text: str, start: int) -> bool:
    """Digits glued to a name: PM2.5, G20, COVID-19, A4."""
    if start == 0:
        return False
    p = text[start - 1]
    if p.isascii() and (p.isalpha() or p == "_"):
        return True
    if p in "-‐" and start >= 2 and text[start - 2].isascii() and text[start - 2].isalpha():
        return True
    return p in "@#"


def _context_rejects(text: str, start: int) -> bool:
    """Ordinals and document numbers: 第十四, No. 5, # 3."""
    j = start
    while j > 0 and text[j - 1] in " \u3000":
        j -= 1
    if j == 0:
        return False
    p = text[j - 1]
    if p == "第":
        return True
    if p in ".Oo#rRe话rlnmD:：码号號证":
        return bool(_NO_BEFORE.search(text, max(0, j - 10), start))
    return False


def _number(text: str, m: re.Match[str]) -> _Raw | None:
    start, end = m.span()
    body = m.group()
    if start:
        p = text[start - 1]
        if p.isascii():
            if p.isalpha() or p in "_@#" or (p in "-‐" and _name_before(text, start)):
                return None  # PM2.5, G20, COVID-19: digits glued to a name
            if p in " .#:" and _context_rejects(text, start):
                return None
            if p in "\"'" and text[start - 2 : start - 1] == "=":
                return None  # height="2142": an HTML attribute
        elif p == "第" or (p in "\u3000：码号號证" and _context_rejects(text, start)):
            return None
    nxt = text[end : end + 6]
    if "分" in nxt or "又" in nxt:
        r = _fraction(text, start)
        if r is not None:
            return r
    neg = False
    if body[0] in "-−－负負":
        neg = True
        body = body[1:]
    c0 = body[0]
    seq = vague = False
    if c0 in _ASCII_DIGITS and body.isdigit():
        value = float(body)
        is_int = True
        year_like = len(body) == 4
    elif c0 in _ASCII_DIGITS and (fm := _FAST_MIXED.fullmatch(body)) is not None:
        # the common 46.2万 / 28975.1亿 / 2.76万亿 without the general parser
        digits, big = fm.groups()
        value = float(digits) * _MAG[big]
        is_int = value.is_integer()
        year_like = False
    elif len(body) == 1 and body in numerals_zh.DIGITS:
        value = float(numerals_zh.DIGITS[body])
        is_int, year_like = True, False
    elif c0 in "0123456789０１２３４５６７８９.．":
        t = body.translate(_FW)
        if _PLAIN_NUM.fullmatch(t):
            value = _plain_value(t)
            if value is None:
                return None
            is_int = value == int(value) and "." not in t and "e" not in t.lower()
            year_like = is_int and len(t) == 4
        else:
            zn = numerals_zh.parse(t)
            if zn is None:
                return None
            value, is_int, year_like, vague = zn.value, zn.is_integer, False, zn.vague
    else:
        zn = numerals_zh.parse(body)
        if zn is None and len(body) > 2 and body[-1] in _ZH_MAG_CHARS | {"千", "百"}:
            body = body[:-1]  # 五十千: read 五十, leave the stray magnitude
            end -= 1
            zn = numerals_zh.parse(body)
        if zn is None:
            return None
        value, is_int, year_like, vague, seq = zn.value, zn.is_integer, False, zn.vague, zn.sequence
        if not seq and c0 in "百千" and len(body) > 1 and body[1] not in numerals_zh.DIGITS:
            return None  # 千万, 百万: words, not numbers
        if c0 in "十百千万" and start and text[start - 1] in "数數几幾上成":
            return None  # 数十个, 上百家, 成千上万: "dozens", "hundreds", not a figure
    single_zh = len(body) == 1 and c0 not in "0123456789０１２３４５６７８９"
    r = _finish(text, start, end, -value if neg else value, is_int, year_like, vague, seq, single_zh, body)
    if r is not None and r.mag == 1.0 and body[-1] in _ZH_MAG_CHARS:
        r.mag = _tail_magnitude(body)  # 3-5万: the range's low end borrows 万
    return r


def _plain_value(t: str) -> float | None:
    digits = (
        t.replace(",", "").replace(" ", "").replace("\u202f", "").replace("\u00a0", "").replace("\u2009", "")
    )
    try:
        if "x10^" in digits or "×10^" in digits:
            base, _, exp = digits.replace("×", "x").partition("x10^")
            v = float(base) * 10 ** float(exp)
        elif "^" in digits:
            base, _, exp = digits.partition("^")
            sign = -1 if exp.count("-") % 2 else 1
            v = float(base) ** (sign * float(exp.lstrip("+-")))
        else:
            v = float(digits)
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    return v if _isfinite(v) else None


def _tail_magnitude(body: str) -> float:
    mag = 1.0
    for c in reversed(body.rstrip()):
        if c in _ZH_MAG_CHARS:
            mag *= numerals_zh.BIG[c]
        elif c not in " \u3000":
            break
    return mag


class _Suffix:
    """What follows a number: magnitude, unit, where the mention ends, and why it is not a quantity."""

    __slots__ = ("mag", "mag_end", "unit", "word", "end", "stamp", "approx", "rate_end", "per", "tail_end")

    def __init__(self, end: int) -> None:
        self.mag = 1.0
        self.mag_end = 0
        self.unit: Unit | None = None
        self.word = ""
        self.end = end
        self.stamp = ""
        self.approx = False
        self.rate_end = 0
        self.per = ""
        self.tail_end = 0


_AFTER_GE = frozenset("万亿萬億") | {w[0] for w, u in ZH_UNITS.items() if u[2] == "money"}
_POSTFIX_MONEY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "₹": "INR", "₩": "KRW", "₽": "RUB",
                  "₿": "BTC", "₡": "CRC", "₾": "GEL", "₭": "LAK"}  # fmt: skip


def _suffix(text: str, end: int, currency: bool) -> _Suffix:
    """Read the magnitude and unit written right after a number (Chinese and English)."""
    sx = _Suffix(end)
    c = text[end : end + 1]
    if not c or c in _NO_SUFFIX:
        return sx
    p = end
    if c in _SPACES:
        p = end + 1
        while p < len(text) and p - end < 4 and text[p] in _SPACES:
            p += 1
        c = text[p : p + 1]
        if not c:
            return sx
    if _HAN.match(c) or c in "%％/":
        _zh_suffix(text, end, sx)
        return sx
    if c in _POSTFIX_MONEY:
        q = p + 1
        while q < len(text) and text[q] in _SPACES:
            q += 1
        if not text[q : q + 1].isdigit():
            sx.unit = (_POSTFIX_MONEY[c], 1.0, "money")
            sx.word = c
            sx.end = p + 1
        return sx
    if not (c.isascii() and c.isalpha()) and c not in "-μµ":
        return sx
    if c == "-":
        if p != end or not text[p + 1 : p + 2].isalpha():
            return sx
        p += 1
        c = text[p]
    attached = p == end
    lc = c.lower()
    if attached and lc in "snrtap":
        o = _EN_ORDINAL.match(text, p)
        if o is not None:
            sx.stamp = o.group()
            return sx
    if lc in "htmblckd":
        m = _EN_MAG.match(text, p)
        if m is not None:
            w = m.group("w")
            lw = w.lower()
            if lw in ("m", "mm", "b") and not currency and (w.islower() if lw != "b" else not attached):
                pass  # 400m is metres, 10 mm millimetres; 1.2b is a billion
            elif w == "K" and attached and end - _num_start(text, end) == 1:
                sx.stamp = "name"  # 4K, 8K: a video format, not four thousand
                return sx
            else:
                sx.mag = _MAG[lw]
                sx.end = sx.mag_end = p = m.end()
                q = p
                while q < len(text) and q - p < 2 and text[q] in _SPACES:
                    q += 1
                c = text[q : q + 1]
                if c and (_HAN.match(c) or c in "%％"):
                    _zh_suffix(text, p, sx)
                    return sx
                if c and (c.isalpha() or c in "%$"):
                    p = q
                    lc = c.lower()
                else:
                    return sx
    if text[p : p + 1] == "-" and text[p + 1 : p + 2].isalpha():
        p += 1
        lc = text[p].lower()
    rx = _EN_UNIT.get(lc)
    m = rx.match(text, p) if rx is not None else None
    if m is None:
        if attached and sx.mag == 1.0:
            sx.stamp = "name"  # 5G, 180ml, 3D: a name, not a quantity
        return sx
    sx.unit = _EN_UNIT_OF[m.lastgroup]  # type: ignore[index]
    sx.word = m.group().lower()
    sx.end = m.end()
    if sx.mag == 1.0 and sx.unit[2] == "money":
        after = _EN_MAG_AFTER.match(text, sx.end)
        if after is not None:  # 75 USD million
            sx.mag = _MAG[after.group("w").lower()]
            sx.end = after.end()
            return sx
    r = _EN_RATE.match(text, sx.end)
    if r is not None:
        sx.per = RATE_PER[r.group("per").lower()]
        sx.rate_end = r.end()
    return sx


def _num_start(text: str, end: int) -> int:
    """Where the run of digits ending at ``end`` starts."""
    i = end
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    return i


_A_UNIT_BEFORE = re.compile(
    r"\b(?:more\s+than|over|less\s+than|under|nearly|about|almost|within|up\s+to|at\s+least|for|after)\s+$",
    re.IGNORECASE,
)
_EN_MAG_AFTER = re.compile(
    r"[ ]{1,2}(?P<w>million|billion|trillion|thousand|mn|bn)(?![A-Za-z])", re.IGNORECASE
)


def _zh_suffix(text: str, pos: int, sx: _Suffix) -> None:
    """The Chinese part of :func:`_suffix`: 万/亿, 多/余, unit or time-stamp word, rate, 左右."""
    m = _ZH_SUFFIX.match(text, pos)
    if m is None or m.end() == pos:
        return
    if m.group("mag") is not None:
        sx.mag *= _MAG[m.group("mag")]
        sx.end = sx.mag_end = m.end("mag")
    if m.group("vague") is not None and m.group("vague")[0] in "几幾":
        sx.approx = True  # 十几个: ten-odd
    w = m.group("w")
    if w is None and m.group("pp") is not None:
        sx.word = "个百分点"
        sx.unit = ZH_UNITS[sx.word]
        sx.end = m.end("pp")
        return
    tail = m.group("tail")
    if w is not None:
        if _ZH_WORD[w] == "stamp":
            sx.stamp = w
            return
        sx.word = w
        sx.unit = ZH_UNITS[w]
        sx.end = m.end("w")
        if m.group("per") is not None:
            sx.per = RATE_PER[m.group("per")]
            sx.rate_end = m.end("per")
        if tail is not None:
            if tail in "多余餘":
                sx.tail_end = m.end("tail")
            else:
                sx.approx = True
    elif tail is not None and tail not in "多余餘":
        sx.approx = True


def _finish(
    text: str,
    start: int,
    end: int,
    value: float,
    is_int: bool,
    year_like: bool,
    vague: bool,
    seq: bool,
    single_zh: bool,
    body: str,
    currency: tuple[str, float] | None = None,
) -> _Raw | None:
    """Read magnitude and unit after a number, apply the not-a-quantity rules, build the record."""
    sx = _suffix(text, end, currency is not None)
    if sx.word in ("个", "個") and text[sx.end : sx.end + 1] in _AFTER_GE:
        # 20个比特币, 5个亿: the classifier stands before a currency or a magnitude
        sx2 = _suffix(text, sx.end, currency is not None)
        if (sx2.unit is not None and sx2.unit[2] == "money") or (
            sx2.unit is None and not sx2.stamp and sx2.mag != 1.0
        ):
            sx2.mag *= sx.mag
            sx = sx2
    if sx.stamp:
        if sx.stamp in ("点", "點", "路", "版", "级", "楼") and not is_int:
            pass
        else:
            return None
    mag = sx.mag
    unit: str | None = None
    factor = 1.0
    form = "number"
    has_unit = False
    new_end = sx.end
    approx = vague or sx.approx
    if sx.unit is not None:
        unit, factor, form = sx.unit
        word = sx.word
        if sx.end - len(word) >= 0 and _HAN.match(word[:1]):
            ok = _zh_unit_ok(text, start, sx.end, word, value, seq, factor)
            if ok is None:
                return None
            factor = ok
            if word in ("成", "成") and text[sx.end : sx.end + 1] == "半":
                value += 0.5  # 三成半 -> 35 %
                new_end = sx.end + 1
            if word in _FIRM_CLASSIFIERS and (
                _FIRM_NOUN.match(text, sx.end)
                or (
                    _HAN.match(text[sx.end : sx.end + 1] or "x") is None
                    and _FIRM_BEFORE.search(text, max(0, start - 12), start)
                )
            ):
                unit = "enterprises"  # 589 家矿企, 规上工业企业1200家: the classifier counts firms
            if word == "打":
                value *= 12
                unit, form, factor = None, "number", 1.0
                has_unit = True
            elif (
                word in ("块", "塊")
                and text[sx.end : sx.end + 1] not in ("钱", "錢")
                and _HAN.match(text[sx.end : sx.end + 1] or "x")
            ):
                unit, form, factor = "items", "count", 1.0  # 一块蛋糕: a classifier; 三块(钱): yuan
        elif unit == "times" and is_int and not _times_is_multiple(text, start, sx.end):
            unit, form = "items", "count"
        has_unit = has_unit or unit is not None
        if sx.per:
            base = RATE_BASE.get(word)
            if base:
                unit, factor = f"{base}/{sx.per}", 1.0
                new_end = sx.rate_end
        if sx.tail_end and form in ("measure", "multiple", "count", "money"):
            new_end = sx.tail_end
    if currency is not None:
        if form == "money" and unit != currency[0]:
            unit, factor, form, has_unit, new_end = None, 1.0, "number", False, sx.mag_end or end
        if form != "money":
            if has_unit:
                return None
            unit, factor = currency
            form, has_unit = "money", True
    if not has_unit:
        if seq or (single_zh and mag == 1.0 and not _isolated(text, start, end)):
            return None  # 一九九一: digits read one by one; 统一: a word
        if mag == 1.0:
            if 11 <= value <= 29 and text[end : end + 1] == "大" and "十" in body:
                return None  # 十八大, 二十大: the Party congress, an ordinal
            if year_like and 1900 <= value <= 2100:
                return None  # a year used as a time stamp
            if (
                is_int
                and 1 <= value <= 31
                and (_MONTHS.search(text, max(0, start - 11), start) or _MONTH_AFTER.match(text, end))
            ):
                return None  # January 20, 20 January
            if _list_number(text, start, end, is_int):
                return None
            if text[end : end + 1] in _RANGE_CHARS and _RANGE_STAMP.match(text, end):
                return None  # 1—11月: the first month of a span of months
            if not is_int and _version_name(text, start, body):
                return None
    elif unit == "years" and (seq or (year_like and 1900 <= value <= 2100)):
        return None  # 2022年, 二〇二二年
    if start and text[start - 1] in _OPEN_QUOTES and body[0] not in _ALL_DIGITS and _slogan(text, new_end):
        return None  # “两个维护”, “五位一体”: a slogan named with a numeral
    if not approx and start > 0:
        approx = _approx_before(text, start)
    return _Raw(start, new_end, value * mag, unit, form, approx, mag, factor, has_unit)


_FIRM_CLASSIFIERS = frozenset("家户戶")
_FIRM_NOUN = re.compile(
    r"[^，。；、,;.!?\s]{0,8}?(?:企业|企業|公司|矿企|厂|商户|市场主体|经营主体|民企|国企|外企|单位)"
)
_FIRM_BEFORE = re.compile(r"(?:企业|企業|公司|矿企|商户|市场主体)[^，。；、,;]{0,5}$")
_OPEN_QUOTES = frozenset('“"「『')
_ALL_DIGITS = frozenset("0123456789０１２３４５６７８９")
_SLOGAN_END = re.compile(r"[\u3400-\u9fff]{1,6}[”\"」』]")


def _slogan(text: str, end: int) -> bool:
    """A short quoted phrase closes right after the number: the number is part of a name."""
    return _SLOGAN_END.match(text, end) is not None


_APPROX_ZH = ("约", "近", "大约", "将近", "接近", "约为", "大概", "約", "將近")
_APPROX_EN = ("about", "around", "nearly", "approximately", "roughly", "some", "almost", "approx.", "approx",
              "close to")  # fmt: skip


_APPROX_LAST = frozenset(" \u3000\xa0" + "".join(w[-1] + w[-1].upper() for w in (*_APPROX_ZH, *_APPROX_EN)))


def _approx_before(text: str, start: int) -> bool:
    """约 / 近 / about / nearly right before the number (a plain string test: this runs for every number)."""
    p = text[start - 1]
    if p not in _APPROX_LAST:
        return False
    if p in " \u3000\xa0":
        before = text[max(0, start - 16) : start].rstrip()
        if not before:
            return False
        p = before[-1]
    else:
        before = text[max(0, start - 16) : start]
    if _HAN.match(p):
        return before.endswith(_APPROX_ZH)
    if not p.isalpha():
        return False
    low = before.lower()
    for w in _APPROX_EN:
        if low.endswith(w):
            k = len(low) - len(w)
            return k == 0 or not low[k - 1].isalpha()
    return False


def _zh_unit_ok(
    text: str, start: int, after: int, word: str, value: float, seq: bool, factor: float
) -> float | None:
    """The factor to use for a Chinese unit word (``factor`` from the table), None when it is not a unit here.

    Rejects classifiers that begin a longer word (一次性, 一部分), reads 成
    and 折 as percentages (七成 = 70 %, 八折 = 80 %, 75折 = 75 %) only where
    they stand as such.
    """
    nxt = text[after : after + 1]
    if word == "成":
        if value > 10 or (nxt and nxt not in _CHENG_OK and _HAN.match(nxt) is not None):
            return None
        return factor
    if word == "折":
        prev = text[start - 1 : start]
        if (
            value == 10
            or value >= 100
            or (nxt and nxt not in _ZHE_OK and _HAN.match(nxt) is not None and prev != "打")
        ):
            return None
        return 1.0 if value > 10 else factor  # 75折 -> 75 %, 八折 -> 80 %
    if seq:
        return None
    if len(word) == 1 and nxt == word and _is_classifier(word):
        return None  # 一辆辆, 一项项: "one after another", not a count
    if word == "打" and nxt in _DA_VERB:
        return None
    if word == "次" and nxt == "性":
        return None
    if word in ("家", "户") and value == 1 and nxt in ("乡", "人", "庭"):
        return None
    return factor


def _is_classifier(word: str) -> bool:
    """Whether a Chinese unit word is a classifier (个, 项, 辆 …)."""
    unit = ZH_UNITS.get(word)
    return unit is not None and unit[2] == "count"


def _times_is_multiple(text: str, start: int, end: int) -> bool:
    """'1.2 times the average' / 'increased 3 times' is a multiple; 'visited 3 times' counts occurrences."""
    if _TIMES_MULT_AFTER.match(text, end):
        return True
    return _TIMES_MULT_BEFORE.search(text, max(0, start - 14), start) is not None


def _isolated(text: str, start: int, end: int) -> bool:
    """A lone Chinese numeral character counts only when it stands apart: 答案是四, “一”和“五”."""
    p = text[start - 1] if start > 0 else ""
    n = text[end] if end < len(text) else ""
    p_ok = not p or p in _ISOLATE_PREV or _HAN.match(p) is None
    n_ok = not n or n in _ISOLATE_NEXT or (_HAN.match(n) is None and n != "、")
    return p_ok and n_ok


def _list_number(text: str, start: int, end: int, is_int: bool) -> bool:
    """List numbering: 一、 (1) （二） 1. at the start of a line."""
    n = text[end : end + 1]
    if not n:
        return False
    if n == "、":
        return True
    p = text[start - 1 : start]
    if p and p in "(（" and n in ")）":
        return True
    if is_int and n in ".．)）" and len(text) > end + 1:
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip():
            return not text[end + 1 : end + 2].isdigit()
    return False


def _version_name(text: str, start: int, body: str) -> bool:
    """Industry 4.0, Web 3.0, 工业4.0: a one-digit 'N.0' right after a name."""
    if not (len(body) == 3 and body.endswith(".0")):
        return False
    j = start
    if j > 0 and text[j - 1] == " ":
        j -= 1
    p = text[j - 1 : j]
    if p.isascii() and p.isalpha():
        k = j - 1
        while k > 0 and text[k - 1].isalpha():
            k -= 1
        return text[k].isupper()
    return text[max(0, j - 2) : j] in ("工业", "互联", "版本")


# --- the other candidate kinds ---------------------------------------------------------------


def _english(text: str, m: re.Match[str]) -> list[_Raw]:
    """Numbers in a run of English number words; 'the one', 'one of', 'first half' are dropped."""
    span = m.group()
    base = m.start()
    toks = numerals_en.tokens(span)
    neg = bool(toks) and toks[0][0] in ("minus", "negative")
    if neg:
        toks = toks[1:]
    if len(toks) == 1 and toks[0][0] in ("twice", "thrice"):
        v = 2.0 if toks[0][0] == "twice" else 3.0
        return [_Raw(base + toks[0][1], base + toks[0][2], v, "items", "count", has_unit=True)]
    out: list[_Raw] = []
    for num in numerals_en.parse_run(toks):
        s = base + toks[num.i][1]
        e = base + toks[num.j - 1][2]
        first = toks[num.i][0]
        lead = neg and num.i == 0
        if lead:
            s = base
        value = -num.value if lead else num.value
        is_int = not num.fraction and value == int(value)
        r = _finish(text, s, e, value, is_int, False, False, False, False, span)
        if r is None:
            continue
        if span[toks[num.i][1]].isupper() and _title_name(text, s, r):
            continue
        if first == "half" and num.j - num.i == 1 and _HALF_AFTER.match(text, e):
            continue
        if num.j - num.i == 1 and not r.has_unit:
            if first == "one" and (_ONE_BEFORE.search(text, max(0, s - 10), s) or _ONE_AFTER.match(text, e)):
                continue
            if first == "zero" and text[e : e + 1] == "-":
                continue
            if first == "half" and (
                _HALF_BEFORE.search(text, max(0, s - 10), s) or _HALF_AFTER.match(text, e)
            ):
                continue
        if num.fraction and r.unit is None:
            r.form = "fraction"
        if r.form == "money" and text.startswith("-level", r.end) and num.j - num.i >= 2:
            scale = numerals_en.SCALE_WORDS.get(toks[num.j - 1][0])
            if scale and not toks[num.j - 2][0][0].isdigit() and toks[num.j - 2][0] in _SMALL_WORDS:
                # "three trillion yuan-level bases": three bases, each of the trillion-yuan level
                count = r.number / scale
                out.append(_Raw(s, base + toks[num.j - 2][2], count))
                r.start = base + toks[num.j - 1][1]
                r.number = scale
                r.value = scale * r.factor
        out.append(r)
    return out


_SMALL_WORDS = frozenset([*numerals_en.ONES, *numerals_en.TEENS, *numerals_en.TENS])


def _title_name(text: str, start: int, r: _Raw) -> bool:
    """'One Belt and Two Areas', 'the Six Key Tasks', '14th Five-Year Plan': a capitalised number word
    inside a sentence (or right after a quote mark) begins a name."""
    if _TITLE_PLAN.match(text, start):
        return True
    j = start
    while j > 0 and text[j - 1] in " \t\xa0":
        j -= 1
    if j == 0 or text[j - 1] in ".!?\n:;":
        return False
    return not r.has_unit or r.unit == "years"


_TITLE_PLAN = re.compile(r"[A-Z][a-z]+[- ]Year\s+Plan", re.ASCII)


def _fraction(text: str, start: int) -> _Raw | None:
    """五分之一 -> 0.2 (fraction), 百分之五 -> 5 %, 千分之一 -> 0.1 %, 三又三分之一 -> 3.33."""
    m = _FRAC.match(text, start)
    if m is None:
        return None
    end = m.end()
    if _context_rejects(text, start):
        return None
    whole_s, den_s, num_s = m.group("whole"), (m.group("den") or "").strip(), m.group("num").strip()
    sign = 1.0
    if whole_s and whole_s[:1] in ("负", "負"):
        sign, whole_s = -1.0, whole_s[1:]
    if den_s[:1] in ("负", "負"):
        sign, den_s = -sign, den_s[1:]
    if num_s[:1] in ("负", "負"):
        sign, num_s = -sign, num_s[1:]
    if num_s in ("百", "千") and den_s == num_s:
        numerator, vague = 100.0, False  # 百分之百
    else:
        zn = numerals_zh.parse(num_s)
        if zn is None or zn.sequence:
            return None
        numerator, vague = zn.value, zn.vague
    if den_s in _PCT_DEN and not whole_s:
        pct = sign * numerator * 100 / _PCT_DEN[den_s]
        sx = _suffix(text, end, False)
        if sx.unit is not None or sx.stamp:
            return None
        approx = vague or (start > 0 and _approx_before(text, start))
        return _Raw(start, end, pct, "%", "percent", approx, has_unit=True)
    if not den_s:
        return None
    zd = numerals_zh.parse(den_s)
    if zd is None or zd.value == 0 or zd.sequence:
        return None
    value = numerator / zd.value
    if whole_s:
        zw = numerals_zh.parse(whole_s)
        if zw is None:
            return None
        value = abs(value) + zw.value
    return _Raw(start, end, sign * value, None, "fraction", vague)


def _currency(text: str, m: re.Match[str]) -> _Raw | None:
    """$20, US$ 150 million, ￥300, RMB 10."""
    sym = m.group().strip()
    start = m.start()
    n = _NUM_AFTER_CUR.match(text, m.end())
    if n is None:
        return None
    unit = _CUR_SYMBOL.get(sym.lower(), "USD")
    if sym == "$":
        pre = _CUR_PREFIX.search(text, max(0, start - 6), start)
        if pre:
            unit = _DOLLAR_PREFIX.get(re.sub(r"[\s.]", "", pre.group("p").lower()), "USD")
            start = pre.start()
    body = n.group().strip()
    t = body.translate(_FW)
    if _PLAIN_NUM.fullmatch(t):
        value = _plain_value(t)
    else:
        zn = numerals_zh.parse(t)
        value = None if zn is None else zn.value
    if value is None:
        return None
    r = _finish(
        text, n.start(), n.end(), value, value == int(value), False, False, False, False, body, (unit, 1.0)
    )
    if r is None:
        return None
    r.start = start
    return r


def _dotted(text: str, m: re.Match[str]) -> list[_Raw]:
    """192.168.1.2 is four numbers (as the peer specs read it); 1.2.3 at a line start is a section number."""
    start = m.start()
    if _name_before(text, start):
        return []
    parts = m.group().split(".")
    is_ip = len(parts) == 4 and all(len(p) <= 3 and int(p.translate(_FW)) <= 255 for p in parts)
    line_start = text.rfind("\n", 0, start) + 1
    if not is_ip and not text[line_start:start].strip() and all(len(p) <= 2 for p in parts):
        return []  # 1.2.3 Section heading
    out = []
    pos = start
    for part in parts:
        out.append(_Raw(pos, pos + len(part), float(part.translate(_FW))))
        pos += len(part) + 1
    return out


def _slash(text: str, m: re.Match[str]) -> _Raw | None:
    """3/4, 1 3/5, -3/2: a fraction written with a slash."""
    start, end = m.span()
    if _name_before(text, start):
        return None
    nxt = text[end : end + 1]
    if nxt == "/" or (nxt.isascii() and nxt.isalpha()):
        return None
    span = m.group().translate(_FW).replace("／", "/")
    if span in ("24/7", "7/24"):
        return None  # "24/7 service": round the clock
    neg = span.lstrip().startswith(("-", "−"))
    head, _, den = span.lstrip("-− ").partition("/")
    parts = head.split()
    try:
        num = float(parts[-1])
        d = float(den.strip())
        whole = float(parts[0]) if len(parts) > 1 else 0.0
    except ValueError:
        return None
    if d == 0:
        return None
    value = whole + num / d
    return _Raw(start, end, -value if neg else value, None, "fraction")


def _half(text: str, m: re.Match[str]) -> _Raw | None:
    """一半 / 半数 (0.5, a fraction), 对折 (50 %), 半成 (5 %), 半折 (50 %)."""
    start, end = m.span()
    word = m.group()
    if word in ("对折", "對折"):
        if text[start - 1 : start] != "打":
            return None  # 对折 alone also means folding in half
        return _Raw(start, end, 50.0, "%", "percent", has_unit=True)
    if word == "半":
        nxt = text[end : end + 1]
        after = text[end + 1 : end + 2]
        ok = not after or after in _CHENG_OK or _HAN.match(after) is None
        if nxt == "成" and ok:
            return _Raw(start, end + 1, 5.0, "%", "percent", has_unit=True)
        if nxt == "折" and (not after or after in _ZHE_OK or _HAN.match(after) is None):
            return _Raw(start, end + 1, 50.0, "%", "percent", has_unit=True)
        return None
    if word == "半百":
        return _Raw(start, end, 50.0)
    return _Raw(start, end, 0.5, None, "fraction")


_NUMBER_BEFORE = re.compile(r"[0-9]\s*$|\b(?:" + "|".join(_EN_START) + r")\s*$", re.IGNORECASE)


def _percent_of(text: str, m: re.Match[str]) -> _Raw | None:
    """'per cent of 22': a percentage written before its number (not after one: '5 percent of 10')."""
    j = m.start()
    if _NUMBER_BEFORE.search(text[max(0, j - 12) : j]):
        return None
    inner = _MASTER.match(text, m.end()) or _EN_MASTER.match(text, m.end())
    if inner is None or inner.lastgroup not in ("num", "en"):
        return None
    found = [_number(text, inner)] if inner.lastgroup == "num" else _english(text, inner)
    if not found or found[0] is None or found[0].has_unit:
        return None
    r = found[0]
    return _Raw(m.start(), r.end, r.value, "%", "percent", r.approx, has_unit=True)


# --- ranges and compound amounts ---------------------------------------------------------------


def _merge(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Join neighbours that are one mention.

    Ranges ('5%-6%', '3-5万', 'between 3 and 5 million'), fractions written
    with words ('one out of three'), compound numbers ('3 hundred and 21'),
    and amounts with a minor unit ('3 dollars 50 cents', '五元三毛').
    """
    out: list[_Raw] = []
    i, n = 0, len(raws)
    a = raws[0]
    while True:
        if i + 1 < n:
            b = raws[i + 1]
            if b.start - a.end <= 8:
                merged = _range(text, a, b) or _word_fraction(text, a, b) or _compound(text, a, b)
                if merged is not None:
                    a = merged
                    i += 1
                    continue
        if a.form == "money" and a.mag == 1.0 and a.number == int(a.number):
            _cents(text, a)
            while i + 1 < n and raws[i + 1].start < a.end:
                i += 1
        out.append(a)
        i += 1
        if i >= n:
            return out
        a = raws[i]


_OVER = re.compile(r"\s+(?:over|out\s+of)\s+$", re.IGNORECASE)
_AND_GAP = re.compile(r"\s+(?:and\s+)?$", re.IGNORECASE)


def _word_fraction(text: str, a: _Raw, b: _Raw) -> _Raw | None:
    """'one out of three', '1 over 20': a fraction; not '2000 over 3 years' (a unit follows)."""
    if (
        a.has_unit
        or b.has_unit
        or a.form != "number"
        or b.form != "number"
        or b.number == 0
        or a.high
        or b.high
    ):
        return None
    gap = text[a.end : b.start]
    if not _OVER.fullmatch(gap) and not _OVER.match(" " + gap.strip() + " "):
        return None
    if "over" in gap.lower() and text[b.end : b.end + 2].strip()[:1].isalpha():
        return None
    value = a.number / b.number
    return _Raw(a.start, b.end, value, None, "fraction", a.approx)


def _compound(text: str, a: _Raw, b: _Raw) -> _Raw | None:
    """'3 hundred and 21', '4 thousand 3 hundred': a number written in parts, each smaller than the last."""
    if a.has_unit or a.mag < 100 or b.form not in ("number", "money", "measure", "count") or a.high or b.high:
        return None
    if b.number >= a.mag or b.mag >= a.mag or b.number <= 0:
        return None
    if not _AND_GAP.fullmatch(text, a.end, b.start) or text[b.start : b.start + 1].isalpha():
        return None
    number = a.number + b.number
    r = _Raw(a.start, b.end, number, b.unit, b.form, a.approx or b.approx, b.mag, b.factor, b.has_unit)
    return r


def _range(text: str, a: _Raw, b: _Raw) -> _Raw | None:
    gap = text[a.end : b.start]
    sep = gap.strip().lower()
    if sep in ("-", "–", "—", "~", "～", "〜", "至", "到", "to", "——"):
        if sep in ("到", "to") and _FROM_BEFORE.search(text, max(0, a.start - 8), a.start):
            return None  # from 5% to 6%: two values, not a range
        if sep == "-" and gap != "-":
            return None
    elif sep == "and":
        if not _BETWEEN_BEFORE.search(text, max(0, a.start - 9), a.start):
            return None
    else:
        return None
    if a.high is not None or b.high is not None or a.form == "fraction" or b.form == "fraction":
        return None
    if a.has_unit:
        if not b.has_unit or a.unit != b.unit:
            return None
        low, number = a.value, a.number
    else:
        number = a.number * (b.mag if a.mag == 1.0 else 1.0)
        low = number * b.factor
    if low > b.value >= 0:
        return None
    r = _Raw(a.start, b.end, number, b.unit, b.form, a.approx or b.approx, b.mag, b.factor, b.has_unit)
    r.value = low
    r.high = b.value
    return r


def _cents(text: str, a: _Raw) -> None:
    """'3 dollars 50 cents', '15 dollars and 50.', '五元三毛': fold the minor unit into the amount."""
    nxt = text[a.end : a.end + 1]
    if not nxt or nxt in "，。、；：,;:!?)）\n":
        return
    if a.unit == "CNY" and (m := _ZH_SUBUNIT.match(text, a.end)) is not None:
        extra = _digit(m.group("j")) / 10 + (_digit(m.group("f")) / 100 if m.group("f") else 0.0)
    elif a.unit == "USD" and (m := _ZH_CENTS.match(text, a.end)) is not None:
        z = numerals_zh.parse(m.group("c"))
        if z is None:
            return
        extra = z.value / 100
    elif not a.unit or a.unit not in ("USD", "EUR", "GBP", "CNY", "CAD", "AUD", "HKD"):
        return
    else:
        m = _CENTS_AFTER.match(text, a.end)
        if m is None:
            return
        words = numerals_en.parse_run(numerals_en.tokens(m.group("n")))
        if not words:
            return
        extra = words[0].value / 100
    a.end = m.end()
    a.number += extra
    a.value = a.number * a.factor


def _digit(c: str) -> int:
    return int(c) if c.isdigit() else numerals_zh.DIGITS.get(c, 0)
