"""Time expressions in Chinese and English text, resolved to the period strings of eval/FORMAT.md.

A fact's ``period`` says when its figure applies: ``2022``, ``2022-H1``,
``2022-Q1``, ``2022-06``, ``2022-01/2022-11`` (January to November) or
``2016/2021`` (a span of years, both ends included). Texts write these as
explicit dates (2021年, "from 2016 to 2021", 1—11月) and, at least as often,
relative to when they were written (今年, "last year", 过去五年, 一季度), so
every mention is resolved against the document's date; without a date a
relative mention keeps ``period=None`` (FORMAT.md: null when the document's
date is unknown and the text's time is relative).

Conventions taken from the gold files (eval/gold):

* "the past five years" / 过去5年 in a text of 2022 is ``2017/2021``: the N
  whole years before the document's year; "3 年多来" / "over the past three
  years" likewise ``2019/2021``, and 一年来 / "the past year" is the year before.
* "since 2013" / "since the end of last year" (自去年底起) runs to the
  document's year: ``2013/2022``, ``2021/2022``.
* "now" / 现在 / 目前 / "at present" is the document's year.
* "since the 18th National Congress" (党的十八大以来) and durations ("in three
  years", 3 年累计) give no period: the mention is kept with ``period=None``
  so the caller does not borrow one from the context.
* 全年 / "the whole year" is the year under discussion, not necessarily the
  document's: in a January report's review it is the year before. It is
  resolved against an explicit year in the same text, else ``context_year``,
  else left ``None`` (kind ``full_year``) for the caller to decide.
* 比上年 / "over the previous year" / 去年同期 are comparison bases, not
  periods, and are not reported.

How and why it is fast: each rule is a *core* regex that starts with a fixed
word or digit ("quarter" rules start at "first", not at an optional "the"),
plus an optional *prefix* regex checked only after a core matched, on the few
characters before it ("the ", "from ", "2022年", 自). English cores are
scanned on a lower-cased copy behind a ``[^a-z0-9]`` word-boundary class,
which lets ``re`` jump from word start to word start in C; Chinese cores are
tried only where a character that can start one occurs. A text without any
digit or time word costs one short regex search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhenxing.extract.fastre import by_first_letter, first_chars, first_cjk, lowered

__all__ = [
    "PeriodMention",
    "clause_bounds",
    "find_periods",
    "period_for",
    "resolve_year_context",
    "year_of",
]


@dataclass(slots=True)
class PeriodMention:
    """A time expression; ``start``/``end`` are code-point offsets into the scanned text.

    ``period`` is a FORMAT.md period string, or None when the expression is
    relative and cannot be resolved (no document date), or names no period
    (durations, eras). ``relative`` says the value depends on something
    outside the expression (the document date or the context).
    ``granularity``: "year", "half", "quarter", "month", "months" (a range of
    months), "years" (a span of years) or None. ``kind`` says which rule read
    it: "year", "span", "since", "by", "plan", "past", "future", "this_year",
    "last_year", "next_year", "full_year", "now", "quarter", "half", "month",
    "months", "duration", "vague", "era".
    """

    start: int
    end: int
    text: str
    period: str | None
    relative: bool
    granularity: str | None
    kind: str = "year"

    def shifted(self, offset: int) -> PeriodMention:
        """The same mention with offsets into a text that starts ``offset`` later."""
        return PeriodMention(
            self.start - offset,
            self.end - offset,
            self.text,
            self.period,
            self.relative,
            self.granularity,
            self.kind,
        )


# --------------------------------------------------------------------------- rules

_YEAR = r"(?:19[4-9]\d|20\d\d)(?!\d|[.,]\d)"
_N_ZH = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"
_MON_ZH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DASH = r"(?:[-‐‑–—~～－]{1,2}|至|到)"
_N_EN = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Lower case: English cores run on a lower-cased copy; month names are checked for a capital after.
_MONTH_EN = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?![a-z])\.?)(?![a-z])"
)
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"


def _yref(p: str) -> str:
    """The year after "of" in "the first quarter of 2022" / "of this year" / "of the year"."""
    return (
        rf"(?:(?:the\s+)?(?:year\s+)?(?P<{p}y>{_YEAR})"
        rf"|(?P<{p}rel>this|last|next|the\s+current|the\s+previous|the\s+past|the)\s+year)"
    )


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    core: str
    prefix: str | None = None  # what may stand right before the core and belongs to the mention
    starts: str = ""  # Chinese rules: every character the core can start with
    extend: bool = True  # whether a matched prefix becomes part of the mention (else it is only a condition)


_ZH_RULES = [
    _Rule("zh_plan", r"(?P<zp_n>十[一二三四五])五\s*[”\"」』]?\s*"
          r"(?P<zp_sfx>规划期|规划|时期|期间|期末|末|以来|开局之年|开局|收官之年)?"
          r"|第十(?P<zp_n2>[一二三四五])个五年规划(?:时期|期间)?",
          r"[“\"「『]\s*$", starts="十第"),
    _Rule("zh_era", r"十[一二三四五六七八九]大以来|改革开放以来|新中国成立以来|新时代以来|建国以来", r"党的\s*$", starts="十改新建"),
    _Rule("zh_sub", r"(?P<zs_q3>前三季度)|(?P<zs_q2>前两个?季度|前二季度)"
          r"|(?P<zs_qa>[一二三1-3])\s*" + _DASH + r"\s*第?\s*(?P<zs_qb>[二三四2-4])\s*季度"
          r"|(?P<zs_q>[一二三四1-4])\s*季度"
          r"|(?P<zs_h>[上下])半年"
          r"|前\s*(?P<zs_nm>" + _N_ZH + r")\s*个?月"
          r"|(?P<zs_m1>" + _MON_ZH + r")\s*(?:月份?)?\s*" + _DASH + r"\s*(?P<zs_m2>" + _MON_ZH + r")\s*月份?"
          r"|(?P<zs_m>" + _MON_ZH + r")\s*月份?(?:\s*(?P<zs_d>\d{1,2})\s*[日号])?(?:[上中下]旬|底|末|初)?"
          r"|(?P<zs_fy>全年)",
          r"(?:(?:(?P<zsp_y>" + _YEAR + r")\s*年度?|(?P<zsp_rel>今年|本年度?|去年|上年|明年|前年))\s*的?\s*)?(?:第\s*)?$", starts="前一二三四上下全五六七八九十0123456789"),
    _Rule("zh_span", r"(?P<zr_a>" + _YEAR + r")\s*年?\s*" + _DASH + r"\s*(?P<zr_b>" + _YEAR + r")\s*年(?:度|间)?",
          r"(?:从|自)\s*$", starts="12"),
    _Rule("zh_since", r"(?:(?P<zc_y>" + _YEAR + r")\s*年(?:底|末|初)?|(?P<zc_rel>去年|上年|今年|前年|年初)(?:底|末|初)?)"
          r"\s*(?:以来|起|开始|至今)",
          r"(?:自|从)\s*$", starts="12去上今前年"),
    _Rule("zh_past", r"(?:过去|近|最近|这)\s*(?P<zpa_n>" + _N_ZH + r")\s*个?\s*年(?:多)?(?:来|以来|间|中|里)?"
          r"|(?P<zpa_one>过去一年|一年来|上一年度|上年度)"
          r"|(?P<zpa_n2>" + _N_ZH + r")\s*(?:多\s*)?年(?:多)?\s*(?:来|以来)", starts="过近最这一上两二三四五六七八九十0123456789"),
    _Rule("zh_future", r"(?:今后|未来|此后|接下来|往后)\s*(?P<zf_n>" + _N_ZH + r")\s*个?\s*年", starts="今未此接往"),
    _Rule("zh_vague", r"近年来|近几年|近些年|多年来|这些年|历年来|长期以来", starts="近多这历长"),
    _Rule("zh_duration", r"(?:用|花)\s*(?P<zd_n>" + _N_ZH + r")\s*年(?:左右)?(?:时间)?"
          r"|(?P<zd_n2>" + _N_ZH + r")\s*年(?:多)?\s*(?:累计|之内|内|时间|间)", starts="用花一两二三四五六七八九十0123456789"),
    _Rule("zh_year", r"(?P<zy_y>" + _YEAR + r")\s*年(?!代)(?P<zy_sfx>度|底|末|初|中|内|前|以前)?",
          r"(?P<zy_by>到|至|截至|截止到?|截止至)\s*$", starts="12"),
    _Rule("zh_rel", r"(?P<zrl_w>今年|本年度?|当年|去年|上一?年|前年|明年|下一?年|来年|全年|年内|年底|年末|年初)", starts="今本当去上前明下来全年"),
    _Rule("zh_now", r"现阶段|现在|目前|当前|如今|截至目前", starts="现目当如截"),
]  # fmt: skip

_EN_RULES = [
    _Rule("en_plan", r"(?:(?P<ep_n>1[1-5])th|(?P<ep_w>eleventh|twelfth|thirteenth|fourteenth|fifteenth))\s+"
          r"five[-\s]year\s+plan(?:\s+period)?",
          r"(?<![A-Za-z])(?P<ep_end>(?:by|at|until|before)\s+the\s+end\s+of\s+)?(?:(?:during|in)\s+)?(?:the\s+)?$"),
    _Rule("en_era", r"since\s+the\s+(?:1[1-9]th|eighteenth|nineteenth|twentieth|20th)\s+(?:cpc\s+|party\s+)?"
          r"national\s+congress(?:\s+of\s+the\s+(?:communist\s+party\s+of\s+china|cpc))?"
          r"|since\s+(?:the\s+)?reform\s+and\s+opening[-\s]up"
          r"|since\s+the\s+founding\s+of\s+(?:new\s+china|the\s+people['’]s\s+republic(?:\s+of\s+china)?)"),
    _Rule("en_since", r"since\s+(?:the\s+(?:end|beginning|start)\s+of\s+)?(?:(?P<es_y>" + _YEAR + r")"
          r"|(?P<es_rel>last|this|the)\s+year)"
          r"|(?:from|since)\s+(?P<es_y2>" + _YEAR + r")\s+(?:on(?:wards?)?|until\s+now|to\s+date|till\s+now|to\s+now)"
          r"|(?P<es_y3>" + _YEAR + r")\s+(?:to\s+date|until\s+now|till\s+now)"),
    _Rule("en_span", r"between\s+(?P<esp_a>" + _YEAR + r")\s+and\s+(?P<esp_b>" + _YEAR + r")"
          r"|(?P<esp_a2>" + _YEAR + r")\s*(?:to|through|till|until|[-–—~/])\s*(?P<esp_b2>" + _YEAR + r")",
          r"(?<![A-Za-z])from\s+$"),
    _Rule("en_quarter", r"(?P<eq_q3>(?:first|1st)\s+(?:three|3)\s+quarters)(?:\s+of\s+" + _yref("eq3_") + r")?"
          r"|(?P<eq_q>" + _ORD + r")\s+quarter(?:\s+of\s+" + _yref("eq_") + r")?"
          r"|(?P<eq_qy>" + _YEAR + r")\s*q(?P<eq_qn>[1-4])(?![a-z0-9])"
          r"|q(?P<eq_qn2>[1-4])(?:\s+(?P<eq_qy2>" + _YEAR + r"))?(?![a-z0-9])",
          r"(?<![A-Za-z])the\s+$"),
    _Rule("en_half", r"(?P<eh_h>first|second)\s+half(?!\s+of\s+the\s+\d)(?:\s+of\s+" + _yref("eh_") + r")?"
          r"|(?P<eh_hy>" + _YEAR + r")\s*h(?P<eh_hn>[12])(?![a-z0-9])"
          r"|h(?P<eh_hn2>[12])\s+(?P<eh_hy2>" + _YEAR + r")",
          r"(?<![A-Za-z])the\s+$"),
    _Rule("en_months", r"first\s+(?P<em_n>" + _N_EN + r")\s+months(?:\s+of\s+" + _yref("em_") + r")?",
          r"(?<![A-Za-z])the\s+$"),
    _Rule("en_mrange", r"(?P<emr_a>" + _MONTH_EN + r")\s*(?:to|through|till|until|[-–—])\s*(?P<emr_b>" + _MONTH_EN + r")"
          r"(?:,?\s+(?:of\s+)?(?:(?P<emr_y>" + _YEAR + r")|(?P<emr_rel>this|last|next)\s+year))?",
          r"(?<![A-Za-z])from\s+$"),
    _Rule("en_date", r"(?P<ed_m>" + _MONTH_EN + r")\s+(?:(?P<ed_d>\d{1,2})(?:st|nd|rd|th)?,?\s+)?(?P<ed_y>" + _YEAR + r")"
          r"|(?P<ed_d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<ed_m2>" + _MONTH_EN + r"),?\s+(?P<ed_y2>" + _YEAR + r")"
          r"|(?P<ed_m3>" + _MONTH_EN + r")\s+(?P<ed_d3>\d{1,2})(?:st|nd|rd|th)?(?![\d:])"
          r"|(?P<ed_m4>" + _MONTH_EN + r")(?:\s+(?P<ed_rel>this|last|next)\s+year)?",
          r"(?<![A-Za-z])(?P<ed_pre>in|since|by|from|until|till|of|during|early|late|mid-?|end\s+of|beginning\s+of"
          r"|this|last|next)\s+$", extend=False),
    _Rule("en_past", r"(?:past|last|previous|recent)\s+(?P<epa_n>" + _N_EN + r")\s+years(?!\s+of\b)"
          r"|(?<=the\s)(?P<epa_one>past|last)\s+year(?!\s+of\b)(?![-a-z])",
          r"(?<![A-Za-z])(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?$"),
    _Rule("en_future", r"(?:next|coming|following|upcoming)\s+(?P<ef_n>" + _N_EN + r")\s+years",
          r"(?<![A-Za-z])(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?$"),
    _Rule("en_vague", r"in\s+recent\s+years|over\s+the\s+years|in\s+the\s+past\s+(?:few|several)\s+years"
          r"|over\s+the\s+past\s+(?:few|several)\s+years|for\s+many\s+years|in\s+recent\s+times"),
    _Rule("en_duration", r"(?:in|within)\s+(?P<edu_n>" + _N_EN + r")\s+years(?!\s+(?:ago|old|of\s+age))"),
    _Rule("en_by", r"(?P<eb_by>by|before|until|till|as\s+of|at\s+the\s+end\s+of|by\s+the\s+end\s+of)\s+(?P<eb_y>" + _YEAR + r")"),
    _Rule("en_rel", r"(?P<erl_w>this\s+year(?:['’]s)?|the\s+current\s+year|last\s+year(?:['’]s)?|the\s+previous\s+year"
          r"|the\s+preceding\s+year|next\s+year|the\s+coming\s+year|the\s+whole\s+year|the\s+full\s+year"
          r"|the\s+entire\s+year|full[-\s]year|year[-\s]end|the\s+end\s+of\s+(?:the|this|last|next)\s+year"
          r"|the\s+(?:beginning|start)\s+of\s+(?:the|this|last|next)\s+year)(?![-a-z])"),
    _Rule("en_now", r"(?:now|at\s+present|currently|nowadays|presently|so\s+far\s+this\s+year|to\s+date)(?![-a-z])"),
    _Rule("en_year", r"(?P<ey_y>" + _YEAR + r")"),
]  # fmt: skip

_ZH_SINGLE = {r.name: re.compile(f"(?P<{r.name}>{r.core})") for r in _ZH_RULES}
# Where a Chinese core may start: a starting character followed by what some rule needs next
# (新 only before 中国成立以来 or 时代以来, a digit only before 年, 月, 季度 or a dash). Every
# branch begins with a plain character, which lets re jump between candidates in C; the
# rules that can start with that character are then tried on the few positions found.
_NUMERAL_RUN = r"[\s\d一二两三四五六七八九十]*"
_ZH_FOLLOW = {
    "十": r"[一二三四五六七八九年月个多\s]",
    "第": r"十|\s*[一二三四1-4]\s*季",
    "改": r"革开放以来",
    "新": r"中国成立以来|时代以来",
    "建": r"国以来",
    "前": r"三季|两个?季|二季|" + _NUMERAL_RUN + r"个?月|年",
    "上": r"半年|一?年",
    "下": r"半年|一?年",
    "全": r"年",
    "去": r"年",
    "今": r"年|后",
    "年": r"[初底内末]",
    "过": r"去",
    "近": r"[\s\d一二两三四五六七八九十]|年来|几年|些年",
    "最": r"近",
    "这": r"[\s\d一二两三四五六七八九十]|些年",
    "未": r"来",
    "此": r"后",
    "接": r"下来",
    "往": r"后",
    "多": r"年来",
    "历": r"年来",
    "长": r"期以来",
    "用": _NUMERAL_RUN + r"年",
    "花": _NUMERAL_RUN + r"年",
    "本": r"年",
    "当": r"年|前",
    "明": r"年",
    "来": r"年",
    "现": r"在|阶段",
    "目": r"前",
    "如": r"今",
    "截": r"至目前",
}
_NUMBER_FOLLOW = _NUMERAL_RUN + r"(?:季|月|年|个\s*年|多|[-‐‑–—~～－至到])"
for _c in "一二两三四五六七八九0123456789":
    _ZH_FOLLOW[_c] = _NUMBER_FOLLOW
_ZH_START = re.compile("|".join(f"{c}(?={follow})" for c, follow in _ZH_FOLLOW.items()))


def _unnamed(core: str) -> str:
    """A core without its named groups: a pattern that only detects is much faster without them."""
    return re.sub(r"\(\?P<\w+>", "(?:", core)


def _zh_detectors() -> dict[str, tuple[re.Pattern[str], tuple[str, ...]]]:
    by_set: dict[tuple[str, ...], re.Pattern[str]] = {}
    by_char: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {}
    cores = {r.name: r.core for r in _ZH_RULES}
    for ch in sorted({c for r in _ZH_RULES for c in r.starts}):
        names = tuple(r.name for r in _ZH_RULES if ch in r.starts)
        if names not in by_set:
            by_set[names] = re.compile("|".join(_unnamed(cores[n]) for n in names))
        by_char[ch] = (by_set[names], names)
    return by_char


_ZH_BY_CHAR = _zh_detectors()
# Where an English core may start: the first word or two of every rule, each alternative
# beginning with a plain letter or digit. A detector only has to find every place a rule
# could match; the rules themselves are then tried there, in order. The alternatives are
# grouped by their first character (``by_first_letter``), so that at each word start re
# rejects all but one group with a single comparison each.
_EN_NUMBER_WORD = r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
_MONTH_WORDS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept?", "oct", "nov", "dec",
]  # fmt: skip
_MONTH_WORD = rf"(?:{'|'.join(_MONTH_WORDS)})(?![a-z])"
_EN_HEADS = [
    r"since\s",
    r"between\s",
    r"from\s+(?:19|20)\d\d",
    r"19[4-9]\d",
    r"20\d\d",
    r"1[1-9]th\s",
    *(w + r"\s" for w in ("eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth")),
    *(w + r"\s" for w in ("first", "1st", "second", "third", "fourth", "2nd", "3rd", "4th")),
    r"q[1-4]",
    r"h[12]\s",
    *(month + r"(?![a-z])" for month in _MONTH_WORDS),
    *(d + r"\d?(?:st|nd|rd|th)?\s+" + _MONTH_WORD for d in "0123456789"),
    *(w + r"\s" for w in ("past", "last", "previous", "recent")),
    *(w + r"\s" for w in ("next", "coming", "following", "upcoming")),
    r"in\s+(?:recent\s|the\s+past\s|" + _EN_NUMBER_WORD + r")",
    r"over\s+the\s+(?:past\s|years)",
    r"for\s+many\s",
    r"within\s+" + _EN_NUMBER_WORD,
    *(w + r"\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d" for w in ("by", "before", "until", "till")),
    r"as\s+of\s+(?:19|20)\d\d",
    r"at\s+(?:the\s+end\s+of\s+(?:19|20)\d\d|present)",
    r"this\s+year",
    r"the\s+(?:current|previous|preceding|coming|whole|full|entire|end|beginning|start)\s",
    r"full[-\s]year",
    r"year[-\s]end",
    r"now",
    *(w for w in ("currently", "nowadays", "presently", r"so\s+far\s", r"to\s+date")),
]
_EN_DETECTOR = re.compile("[^a-z0-9](?:" + by_first_letter(_EN_HEADS) + ")")
_EN_SINGLE = {r.name: re.compile(f"[^a-z0-9](?P<{r.name}>{r.core})") for r in _EN_RULES}
_EXTEND = {r.name: r.extend for r in (*_ZH_RULES, *_EN_RULES)}
_PREFIX = {r.name: re.compile(f"(?:{r.prefix})", re.IGNORECASE) for r in (*_ZH_RULES, *_EN_RULES) if r.prefix}
_EN_ORDER = [r.name for r in _EN_RULES]


def _rules_by_first_char() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The English rules that can start with each character, in ``_EN_ORDER``; and those that can start anywhere.

    At a detected position only these are tried (a rule that cannot start
    with the character there cannot match), not all fifteen in turn.
    """
    firsts = {r.name: first_chars(r.core) for r in _EN_RULES}
    anywhere = tuple(n for n in _EN_ORDER if firsts[n] is None)
    chars = set().union(*(f for f in firsts.values() if f is not None))
    by_char = {
        ch: tuple(n for n in _EN_ORDER if firsts[n] is None or ch in firsts[n])  # type: ignore[operator]
        for ch in chars
    }
    return by_char, anywhere


_EN_BY_CHAR, _EN_ANYWHERE = _rules_by_first_char()

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z0-9]")
_LATIN_RUN = re.compile(r"[A-Za-z0-9][\x20-\x7e‐‑–—’]*")
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})

# English contexts in which a bare four-digit number is a year.
_EN_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|by|of|since|from|to|until|till|through|before|after|during|for|year|early|late|mid|end|beginning|"
    r"the|and|or|between|as|at|than|over|within|around|about|compared\s+with)|[,;:(\[\-–—]|^)\s*$",
    re.IGNORECASE,
)
_EN_YEAR_AFTER = re.compile(
    r"(?:\s*(?:[,.;:)\]!?]|$|[-–—]|['’]s\b)|\s+(?:is|was|has|had|will|marks?|marked|saw|witnessed|be|were|are|"
    r"sees?|to|and|or|target|targets|goals?|plan|budget|work|levels?)\b)",
    re.IGNORECASE,
)
# A comparison base, not a period: 比上年 / 较去年 / 与上年相比 / 上年同期 / "over the previous year".
_ZH_BASE_BEFORE = re.compile(r"(?:比|较|同|与|和|跟|对比|相比|高于|低于|超过|为|占)\s*$")
_ZH_BASE_AFTER = re.compile(r"\s*(?:同期|水平|基础上|末基础)")
_EN_BASE_BEFORE = re.compile(
    r"(?:\bthan|\bover|\bfrom|\bcompared\s+(?:with|to)|\bagainst|\bversus|\bvs\.?|\bas\s+in|\bthat\s+of|\bperiod\s+of|"
    r"\bsame\s+period|\byear[-\s]on[-\s]year|\bthe\s+same\s+period)\s*$",
    re.IGNORECASE,
)
_EN_BASE_AFTER = re.compile(r"['’]s\s+(?:level|figure|total)|\s+levels?\b", re.IGNORECASE)
_ZH_NUMERAL_BEFORE = "0123456789.一二两三四五六七八九十百千第"  # a number or ordinal goes on


# --------------------------------------------------------------------------- reading a match

_ZH_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
_EN_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_ORD_NUM = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_ORD_WORD = {"eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15}
_MONTH_NUM = {name[:3].lower(): i + 1 for i, name in enumerate(_MONTHS)}


def _num(s: str | None) -> int | None:
    """A small number written in digits, Chinese numerals (三, 十二, 两) or English words."""
    if not s:
        return None
    s = s.strip().lower()
    if s.isdigit():
        return int(s)
    if s in _EN_NUM:
        return _EN_NUM[s]
    if s and all(c in _ZH_NUM for c in s):
        if s == "十":
            return 10
        if len(s) == 1:
            return _ZH_NUM[s]
        if s[0] == "十" and len(s) == 2:
            return 10 + _ZH_NUM[s[1]]
        if len(s) == 2 and s[1] == "十":
            return _ZH_NUM[s[0]] * 10
        if len(s) == 3 and s[1] == "十":
            return _ZH_NUM[s[0]] * 10 + _ZH_NUM[s[2]]
    return None


def _month(s: str | None) -> int | None:
    if not s:
        return None
    n = _num(s)
    if n is not None:
        return n if 1 <= n <= 12 else None
    return _MONTH_NUM.get(s.strip(". ").lower()[:3])


def _doc_year(doc_date: str | None) -> int | None:
    if doc_date and len(doc_date) >= 4 and doc_date[:4].isdigit():
        return int(doc_date[:4])
    return None


def year_of(period: str | None) -> int | None:
    """The (last) year a period string covers: ``2016/2021`` -> 2021, ``2022-Q1`` -> 2022."""
    if not period:
        return None
    tail = period.rsplit("/", 1)[-1]
    return int(tail[:4]) if tail[:4].isdigit() else None


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}/{b}"


def _months(y: int, m1: int, m2: int) -> str:
    return f"{y}-{m1:02d}" if m1 == m2 else f"{y}-{m1:02d}/{y}-{m2:02d}"


def _plan_start(n: int) -> int:
    """First year of the n-th Five-Year Plan (11th..15th: 2006, 2011, 2016, 2021, 2026)."""
    return 2016 + 5 * (n - 13)


_REL_OFFSET = {
    "今年": 0, "本年": 0, "本年度": 0, "this": 0, "the current": 0, "the": 0,
    "去年": -1, "上年": -1, "last": -1, "the previous": -1, "the past": -1,
    "明年": 1, "next": 1, "前年": -2,
}  # fmt: skip


def _rel_year(word: str | None, doc_year: int | None) -> int | None:
    """今年 / "last" / "the" (year) -> a year, None when unknown or without a document date."""
    if word is None or doc_year is None:
        return None
    off = _REL_OFFSET.get(_SPACES.sub(" ", word.strip().lower()))
    return None if off is None else doc_year + off


def _year_part(m: re.Match[str], p: str, doc_year: int | None) -> tuple[int | None, bool]:
    """The year of a sub-year expression: explicit ("of 2022"), relative ("of last year") or the document's."""
    y = m.group(p + "y")
    if y:
        return int(y), False
    return _rel_year(m.group(p + "rel") or "this", doc_year), True


# A rule's reading: (period, relative, granularity, kind), or None to drop the match.
_Reading = tuple[str | None, bool, str | None, str]


def _read(
    name: str, m: re.Match[str], pm: re.Match[str] | None, text: str, s: int, e: int, doc_year: int | None
) -> _Reading | None:
    """Turn one rule's match into a period; None drops it (e.g. a comparison base, not a year)."""
    g = m.group
    if name == "zh_plan" or name == "en_plan":
        if name == "zh_plan":
            if s > 0 and text[s - 1] in _ZH_NUMERAL_BEFORE:
                return None
            digit = (g("zp_n") or "十" + (g("zp_n2") or ""))[1:]
            n = 10 + "一二三四五".index(digit) + 1
            sfx = g("zp_sfx")
            end_of = sfx in ("末", "期末", "收官之年")
        else:
            n = int(g("ep_n")) if g("ep_n") else _ORD_WORD[g("ep_w")]
            sfx = None
            end_of = bool(pm and pm.group("ep_end"))
        start = _plan_start(n)
        if end_of:
            return str(start + 4), False, "year", "plan"
        if sfx in ("开局之年", "开局"):
            return str(start), False, "year", "plan"
        if sfx == "以来":
            if doc_year is None:
                return None, True, "years", "since"
            return _span(start, max(start, min(doc_year, start + 4))), True, "years", "since"
        return f"{start}/{start + 4}", False, "years", "plan"
    if name in ("zh_era", "en_era"):
        return None, True, None, "era"
    if name in ("zh_vague", "en_vague"):
        return None, True, None, "vague"
    if name == "zh_duration":
        if g("zd_n2") and s > 0 and text[s - 1] in _ZH_NUMERAL_BEFORE:
            return None
        return None, True, None, "duration"
    if name == "en_duration":
        return None, True, None, "duration"
    if name == "zh_sub":
        return _read_zh_sub(m, pm, text, s, doc_year)
    if name in ("zh_span", "en_span"):
        if name == "zh_span":
            a, b = g("zr_a"), g("zr_b")
        else:
            a, b = g("esp_a") or g("esp_a2"), g("esp_b") or g("esp_b2")
        ya, yb = int(a), int(b)
        if not ya < yb <= ya + 50:
            return None
        return f"{ya}/{yb}", False, "years", "span"
    if name in ("zh_since", "en_since"):
        if name == "zh_since":
            y = g("zc_y")
            rel = g("zc_rel")
            start = int(y) if y else _rel_year("今年" if rel == "年初" else rel, doc_year)
        else:
            y = g("es_y") or g("es_y2") or g("es_y3")
            start = int(y) if y else _rel_year(g("es_rel"), doc_year)
        if start is None or doc_year is None:
            return None, True, "years", "since"
        return _span(start, max(start, doc_year)), True, ("years" if start < doc_year else "year"), "since"
    if name in ("zh_past", "en_past"):
        if name == "zh_past":
            if g("zpa_n2") and s > 0 and text[s - 1] in _ZH_NUMERAL_BEFORE:
                return None
            n = 1 if g("zpa_one") else _num(g("zpa_n") or g("zpa_n2"))
        else:
            n = 1 if g("epa_one") else _num(g("epa_n"))
        if not n or n > 30:
            return None
        gran = "year" if n == 1 else "years"
        if doc_year is None:
            return None, True, gran, "past"
        return _span(doc_year - n, doc_year - 1), True, gran, "past"
    if name in ("zh_future", "en_future"):
        n = _num(g("zf_n") if name == "zh_future" else g("ef_n"))
        if not n or n > 30:
            return None
        gran = "year" if n == 1 else "years"
        if doc_year is None:
            return None, True, gran, "future"
        return _span(doc_year, doc_year + n - 1), True, gran, "future"
    if name == "zh_year":
        if s > 0 and (text[s - 1] in "0123456789." or (text[s - 1] == "," and text[s - 2 : s - 1].isdigit())):
            return None
        return g("zy_y"), False, "year", ("by" if pm and pm.group("zy_by") else "year")
    if name == "en_by":
        return g("eb_y"), False, "year", "by"
    if name == "zh_rel":
        return _read_zh_rel(m, text, s, e, doc_year)
    if name == "en_rel":
        return _read_en_rel(m, text, s, e, doc_year)
    if name in ("zh_now", "en_now"):
        return (str(doc_year) if doc_year else None), True, "year", "now"
    if name == "en_quarter":
        return _read_en_quarter(m, text, s, doc_year)
    if name == "en_half":
        if g("eh_hy") or g("eh_hy2"):
            if "H" not in text[s:e]:
                return None  # "2022 h1" written in lower case: not the H1 notation
            return f"{g('eh_hy') or g('eh_hy2')}-H{g('eh_hn') or g('eh_hn2')}", False, "half", "half"
        y, rel = _year_part(m, "eh_", doc_year)
        h = 1 if g("eh_h") == "first" else 2
        return (f"{y}-H{h}" if y else None), rel, "half", "half"
    if name == "en_months":
        n = _num(g("em_n"))
        if not n or n > 12:
            return None
        y, rel = _year_part(m, "em_", doc_year)
        return (_months(y, 1, n) if y else None), rel, "months", "months"
    if name == "en_mrange":
        if not _capitalised_months(text, m, ("emr_a", "emr_b")):
            return None
        a, b = _month(g("emr_a")), _month(g("emr_b"))
        if not a or not b or a >= b:
            return None
        if g("emr_y"):
            y, rel = int(g("emr_y")), False
        else:
            y, rel = _rel_year(g("emr_rel") or "this", doc_year), True
        return (_months(y, a, b) if y else None), rel, "months", "months"
    if name == "en_date":
        return _read_en_date(m, pm, text, doc_year)
    if name == "en_year":
        before = text[max(0, s - 24) : s]
        if before[-1:] in (",", ".") and before[-2:-1].isdigit():
            return None  # "2,020 projects"
        if not (_EN_YEAR_BEFORE.search(before) or _EN_YEAR_AFTER.match(text, e)):
            return None  # "treat 2000 hectares": a number, not a year
        return g("ey_y"), False, "year", "year"
    return None


def _capitalised_months(text: str, m: re.Match[str], groups: tuple[str, ...]) -> bool:
    """English month names count only capitalised: "May" is a month, "may" a verb."""
    return all(text[m.start(g) - 1].isupper() for g in groups if m.group(g))


def _read_zh_sub(
    m: re.Match[str], pm: re.Match[str] | None, text: str, s: int, doc_year: int | None
) -> _Reading | None:
    g = m.group
    if pm is not None and pm.group("zsp_y"):
        y: int | None = int(pm.group("zsp_y"))
        rel = False
    elif pm is not None and pm.group("zsp_rel"):
        y, rel = _rel_year(pm.group("zsp_rel"), doc_year), True
    else:
        y, rel = doc_year, True
        if s > 0 and text[s - 1] in "0123456789.":
            return None
    explicit = pm is not None and pm.group("zsp_y") is not None
    if g("zs_fy"):
        if explicit:
            return str(y), False, "year", "year"
        if pm is not None and pm.group("zsp_rel"):
            return (str(y) if y else None), True, "year", "this_year"
        return None, True, "year", "full_year"  # resolved later against the text or the caller's context
    if g("zs_q3"):
        return (_months(y, 1, 9) if y else None), rel, "months", "months"
    if g("zs_q2"):
        return (f"{y}-H1" if y else None), rel, "half", "half"
    if g("zs_qa"):
        qa, qb = _num(g("zs_qa")), _num(g("zs_qb"))
        if not qa or not qb or qa >= qb or qb > 4:
            return None
        return (_months(y, 3 * qa - 2, 3 * qb) if y else None), rel, "months", "months"
    if g("zs_q"):
        q = _num(g("zs_q"))
        if not q or q > 4:
            return None
        return (f"{y}-Q{q}" if y else None), rel, "quarter", "quarter"
    if g("zs_h"):
        return (f"{y}-H{1 if g('zs_h') == '上' else 2}" if y else None), rel, "half", "half"
    if g("zs_nm"):
        n = _num(g("zs_nm"))
        if not n or n > 12:
            return None
        return (_months(y, 1, n) if y else None), rel, "months", "months"
    if g("zs_m1"):
        a, b = _month(g("zs_m1")), _month(g("zs_m2"))
        if not a or not b or a >= b:
            return None
        return (_months(y, a, b) if y else None), rel, "months", "months"
    if g("zs_m"):
        mo = _month(g("zs_m"))
        if not mo:
            return None
        return (f"{y}-{mo:02d}" if y else None), rel, "month", "month"
    return None


_ZH_REL_OFFSET = {
    "今年": 0, "本年": 0, "本年度": 0, "年内": 0, "年底": 0, "年末": 0, "年初": 0,
    "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
    "明年": 1, "下年": 1, "下一年": 1, "来年": 1,
}  # fmt: skip
_KIND_OF_OFFSET = {0: "this_year", -1: "last_year", -2: "last_year", 1: "next_year"}


def _read_zh_rel(m: re.Match[str], text: str, s: int, e: int, doc_year: int | None) -> _Reading | None:
    w = m.group("zrl_w")
    if w in ("去年", "上年", "上一年", "前年", "今年", "本年", "当年") and (
        _ZH_BASE_BEFORE.search(text, max(0, s - 4), s) or _ZH_BASE_AFTER.match(text, e)
    ):
        return None  # 比上年增长 / 上年同期: the base of a comparison
    if w in ("全年", "当年"):
        return None, True, "year", "full_year"
    off = _ZH_REL_OFFSET.get(w)
    if off is None:
        return None
    return (str(doc_year + off) if doc_year else None), True, "year", _KIND_OF_OFFSET[off]


def _read_en_rel(m: re.Match[str], text: str, s: int, e: int, doc_year: int | None) -> _Reading | None:
    w = _SPACES.sub(" ", m.group("erl_w").replace("’", "'"))
    if not w.startswith(("this", "the end", "the beginning", "the start")) and (
        _EN_BASE_BEFORE.search(text, max(0, s - 24), s) or _EN_BASE_AFTER.match(text, e)
    ):
        return None  # "over the previous year", "than last year": a comparison base
    if w in ("the whole year", "the full year", "the entire year", "full-year", "full year"):
        return None, True, "year", "full_year"
    if w.startswith(("this year", "the current year")) or w in ("year-end", "year end"):
        off = 0
    elif w.startswith("last year") or w in ("the previous year", "the preceding year"):
        off = -1
    elif w in ("next year", "the coming year"):
        off = 1
    elif w.startswith(("the end of", "the beginning of", "the start of")):
        off = {"the": 0, "this": 0, "last": -1, "next": 1}[w.split()[3]]
    else:
        return None
    return (str(doc_year + off) if doc_year else None), True, "year", _KIND_OF_OFFSET[off]


def _read_en_quarter(m: re.Match[str], text: str, s: int, doc_year: int | None) -> _Reading | None:
    g = m.group
    if g("eq_q3"):
        y, rel = _year_part(m, "eq3_", doc_year)
        return (_months(y, 1, 9) if y else None), rel, "months", "months"
    if g("eq_qy") or g("eq_qn2"):
        if "Q" not in text[s : m.end() - 1]:
            return None  # the notation is "Q1", upper case
        if g("eq_qy"):
            return f"{g('eq_qy')}-Q{g('eq_qn')}", False, "quarter", "quarter"
        if g("eq_qy2"):
            return f"{g('eq_qy2')}-Q{g('eq_qn2')}", False, "quarter", "quarter"
        return (f"{doc_year}-Q{g('eq_qn2')}" if doc_year else None), True, "quarter", "quarter"
    q = _ORD_NUM[g("eq_q")]
    y, rel = _year_part(m, "eq_", doc_year)
    return (f"{y}-Q{q}" if y else None), rel, "quarter", "quarter"


def _read_en_date(
    m: re.Match[str], pm: re.Match[str] | None, text: str, doc_year: int | None
) -> _Reading | None:
    g = m.group
    if not _capitalised_months(text, m, ("ed_m", "ed_m2", "ed_m3", "ed_m4")):
        return None
    for mk, yk in (("ed_m", "ed_y"), ("ed_m2", "ed_y2")):
        if g(mk) and g(yk):
            mo = _month(g(mk))
            return (f"{g(yk)}-{mo:02d}" if mo else None), False, "month", "month"
    if g("ed_m3"):
        if not 1 <= int(g("ed_d3")) <= 31:
            return None
        mo = _month(g("ed_m3"))
        y = doc_year
    else:
        # A month name alone needs a preposition before it: "in May", not "May we".
        pre = pm.group("ed_pre").lower() if pm is not None and pm.group("ed_pre") else None
        if pre is None:
            return None
        mo = _month(g("ed_m4"))
        word = g("ed_rel") or (pre if pre in ("this", "last", "next") else "this")
        y = _rel_year(word, doc_year)
    if not mo:
        return None
    return (f"{y}-{mo:02d}" if y else None), True, "month", "month"


# --------------------------------------------------------------------------- public API


def _scan_zh(text: str, doc_year: int | None) -> list[PeriodMention]:
    out: list[PeriodMention] = []
    pos = 0
    by_char = _ZH_BY_CHAR
    for c in _ZH_START.finditer(text):
        p = c.start()
        if p < pos:
            continue
        detector, names = by_char[c.group()]
        if detector.match(text, p) is None:
            continue
        for name in names:
            m = _ZH_SINGLE[name].match(text, p)
            if m is not None and (mention := _accept(name, m, text, p, m.end(), doc_year, out)) is not None:
                pos = mention.end
                break
    return out


def _scan_en(text: str, doc_year: int | None) -> list[PeriodMention]:
    out: list[PeriodMention] = []
    # The patterns' leading [^a-z0-9] is the left word boundary: the text gets a space in front.
    if len(lowered(text)) == len(text):
        low = lowered(text, spaced=True)
    else:  # a character whose lower case is longer: keep offsets exact
        low = " " + text.translate(_ASCII_LOWER)
    search = _EN_DETECTOR.search
    by_char, anywhere = _EN_BY_CHAR, _EN_ANYWHERE
    sample = text[:2000]
    if len(_CJK.findall(sample)) * 3 > len(sample):
        # Mostly Chinese: every ideograph would pass [^a-z0-9], so scan only the Latin runs.
        spans = [(r.start(), r.end() + 1) for r in _LATIN_RUN.finditer(text)]
    else:
        spans = [(0, len(low))]
    for lo, hi in spans:
        pos = lo
        while True:
            d = search(low, pos, hi)
            if d is None:
                break
            s = d.start()  # the core's start in ``text`` (``low`` has one character in front)
            pos = s + 1
            for name in by_char.get(low[s + 1], anywhere):
                m = _EN_SINGLE[name].match(low, s)
                if (
                    m is not None
                    and (mention := _accept(name, m, text, s, m.end() - 1, doc_year, out)) is not None
                ):
                    pos = mention.end + 1
                    break
    return out


def _accept(
    name: str, m: re.Match[str], text: str, s: int, e: int, doc_year: int | None, out: list[PeriodMention]
) -> PeriodMention | None:
    """Read one rule's match at ``s``..``e``; None when the rule rejects it (the caller tries the next)."""
    reading, start = _reading_with_prefix(name, m, text, s, e, doc_year)
    if reading is None:
        return None
    while out and out[-1].start >= start:
        out.pop()  # a prefix took in an earlier mention: "2022年" + "一季度"
    period, relative, granularity, kind = reading
    mention = PeriodMention(start, e, text[start:e], period, relative, granularity, kind)
    out.append(mention)
    return mention


def _reading_with_prefix(
    name: str, m: re.Match[str], text: str, s: int, e: int, doc_year: int | None
) -> tuple[_Reading | None, int]:
    prefix = _PREFIX.get(name)
    pm = None
    start = s
    if prefix is not None and s > 0:
        pm = prefix.search(text, max(0, s - 24), s)
        if pm is not None and pm.start() < s and _EXTEND[name]:
            start = pm.start()
    return _read(name, m, pm, text, s, e, doc_year), start


def find_periods(
    text: str, doc_date: str | None, *, context_year: int | str | None = None
) -> list[PeriodMention]:
    """All time expressions in ``text``, in order, resolved against ``doc_date`` (ISO, or None).

    ``context_year`` (e.g. the year a section reviews) resolves 全年 / "the
    whole year" when the text itself gives no explicit year.
    """
    if not text:
        return []
    doc_year = _doc_year(doc_date)
    found: list[PeriodMention] = []
    first = first_cjk(text)  # of a wider range than _CJK: none there, none here
    if first >= 0 and _CJK.search(text, first):
        found += _scan_zh(text, doc_year)
    if _LATIN.search(text):
        en = _scan_en(text, doc_year)
        if found and en:
            found = _merge(found, en)
        else:
            found += en
    if any(p.kind == "full_year" for p in found):
        _resolve_full_year(found, context_year)
    return found


def _merge(a: list[PeriodMention], b: list[PeriodMention]) -> list[PeriodMention]:
    """Both scripts' mentions in text order; where they overlap the earlier, then longer, wins."""
    out: list[PeriodMention] = []
    for p in sorted(a + b, key=lambda p: (p.start, -(p.end - p.start))):
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


def _resolve_full_year(mentions: list[PeriodMention], context_year: int | str | None) -> None:
    """全年 / "the whole year": the nearest explicit year of the same text, else the caller's context."""
    explicit = [p for p in mentions if not p.relative and p.granularity == "year" and p.period]
    ctx = year_of(str(context_year)) if context_year is not None else None
    for p in mentions:
        if p.kind != "full_year" or p.period is not None:
            continue
        if explicit:
            near = min(explicit, key=lambda q: (abs(q.start - p.start), q.start > p.start))
            p.period = near.period
        elif ctx is not None:
            p.period = str(ctx)


_CLAUSE_SPLIT = re.compile(r"[，；;。！？!?：:\n]|,(?!\d)|(?<=[a-z])\.\s")


def clause_bounds(sentence: str, index: int) -> tuple[int, int]:
    """Start and end of the clause holding ``index``: split on ，,；;。：: and the like.

    A comma followed by a digit ("2,758.4") does not split.
    """
    start = 0
    end = len(sentence)
    for m in _CLAUSE_SPLIT.finditer(sentence):
        if m.end() <= index:
            start = m.end()
        elif m.start() >= index:
            end = m.start()
            break
    return start, end


def period_for(
    sentence: str,
    figure_start: int,
    doc_date: str | None,
    context_period: str | None = None,
    *,
    mentions: list[PeriodMention] | None = None,
) -> str | None:
    """The period a figure at ``figure_start`` in ``sentence`` applies to.

    Order: a mention in the same clause before the figure (the nearest); one
    later in the same clause; the nearest before it in the sentence; the
    nearest after it; then ``context_period`` (a heading's or an earlier
    sentence's period); else None. "now" / 现在 only looks forward (in "used
    to take 15 days, now only 5 days" the 15 is not of now). A chosen mention
    that resolves to None (a relative time without a document date, a
    duration, "since the 18th Congress") gives None rather than the context:
    the text did say when, just not resolvably. 全年 / "the whole year" with no
    explicit year in the sentence takes the year of ``context_period`` when
    given, else the document's year.
    ``mentions`` may pass ``find_periods(sentence, doc_date)`` already computed.
    """
    if mentions is None:
        mentions = find_periods(sentence, doc_date)
    usable = [p for p in mentions if not (p.start <= figure_start < p.end)]
    if usable:
        cs, ce = clause_bounds(sentence, figure_start)
        before = [p for p in usable if p.end <= figure_start]
        after = [p for p in usable if p.start >= figure_start and p.kind != "now"]
        chosen = None
        in_clause_before = [p for p in before if p.start >= cs]
        in_clause_after = [p for p in after if p.end <= ce]
        if in_clause_before:
            chosen = in_clause_before[-1]
        elif in_clause_after:
            chosen = in_clause_after[0]
        elif before:
            chosen = before[-1]
        elif after:
            chosen = after[0]
        if chosen is not None:
            if chosen.kind == "full_year" and chosen.period is None:
                ctx = year_of(context_period)
                if ctx is not None:
                    return str(ctx)
                year = _doc_year(doc_date)
                return str(year) if year else None
            return chosen.period
    return context_period


def resolve_year_context(text: str, doc_date: str | None) -> str | None:
    """The period a heading or paragraph sets for what follows: its first resolvable mention.

    "一、2022年和过去五年工作" -> "2022"; "A review of our work in 2021" -> "2021";
    "2023年工作安排" -> "2023"; a heading with only relative times uses the
    document's date ("今年工作安排" in a 2023 report -> "2023").
    """
    for p in find_periods(text, doc_date):
        if p.period and p.kind not in ("duration", "vague", "era"):
            return p.period
    return None
