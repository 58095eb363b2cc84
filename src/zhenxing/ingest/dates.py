"""Dates: parse any written form to ISO, and find a document's publication date.

Why a small parser of our own rather than dateparser: we need the position of
each date in the text (to weigh the words around it), dateparser is slow and
guesses from partial strings ("May" alone); the forms that occur are few.

Publication date in the text: only the first ``HEAD_CHARS`` characters are
looked at, and a date counts only when its surroundings say it is the page's
own date: an explicit marker before it ("Release time:", "发布时间：", "date"),
a short date line (with a time or a "来源/source" on it), a date in brackets in
the title line, a "delivered/held on DATE" speech line, or a bare full date at
the very top.  Body dates ("2013 年 8 月 30 日上午，总书记来到…") are events,
not the publication, and are ignored: a wrong date is worse than none because
relative periods ("last year") are resolved against it.
"""

from __future__ import annotations

import datetime as _dt
import re
from email.utils import parsedate_to_datetime

HEAD_CHARS = 1500

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"
# Every written form we read, each with named groups y, m (or mon), d.
_DATE_RE = re.compile(
    r"(?P<zh>(?<!\d)(?P<zy>\d{4})\s*年\s*(?P<zm>\d{1,2})\s*月\s*(?P<zd>\d{1,2})\s*[日号])"
    r"|(?P<cn>(?P<cy>[〇零一二三四五六七八九]{4})\s*年\s*(?P<cm>[一二三四五六七八九十]{1,2})\s*月\s*(?P<cd>[一二三四五六七八九十]{1,3})\s*[日号])"
    r"|(?P<iso>(?<![\d.])(?P<iy>\d{4})(?P<sep>[-/.])(?P<im>\d{1,2})(?P=sep)(?P<id>\d{1,2})(?![\d]))"
    r"|(?P<mdy>\b"
    + _MONTH.replace("mon", "mmon")
    + r"\.?\s+(?P<md>\d{1,2})"
    + _DAY_SUFFIX
    + r",?\s+(?P<my>\d{4})(?!\d))"
    r"|(?P<dmy>(?<!\d)(?P<dd>\d{1,2})"
    + _DAY_SUFFIX
    + r"\s+"
    + _MONTH.replace("mon", "dmon")
    + r"\.?,?\s+(?P<dy>\d{4})(?!\d))",
    re.IGNORECASE,
)
_YEAR_MONTH_RE = re.compile(r"^\s*(\d{4})(?:\s*年\s*|[-/.])(\d{1,2})\s*月?\s*$")
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*年?\s*$")

# Words that, right before a date, say it is the page's own date.
_MARKER_RE = re.compile(
    r"(?:release[sd]?(?:\s+(?:time|date|on))?|published(?:\s+(?:on|at|time|date))?|publication\s+date|"
    r"posted(?:\s+on)?|issued(?:\s+on)?|updated(?:\s+on)?|pub(?:lish)?\s*date|date|time|发布时间|发布日期|发表时间|发表日期|"
    r"发布于|发表于|发文日期|成文日期|印发日期|更新时间|时间|日期)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_SOURCE_RE = re.compile(r"来源|稿源|作者|编辑|\bsource\b|\bby\b|xinhua|新华社", re.IGNORECASE)
_TIME_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
_DELIVERED_RE = re.compile(r"\b(?:delivered|held|given|made|adopted)\b.*\bon\s*$", re.IGNORECASE)
_DELIVERED_AFTER_RE = re.compile(r"\s*在.{2,40}(?:会议|大会|会)上")  # "2023年1月12日在…大会第一次会议上"
_OPEN_BRACKETS = "（(【["


def _valid(year: int, month: int, day: int | None = None) -> bool:
    if not 1900 <= year <= 2100 or not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _cn_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 三十 -> 30 (month and day numerals)."""
    if "十" not in text:
        return _CN_DIGITS[text[-1]]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _from_match(match: re.Match[str]) -> str | None:
    if match.group("zh"):
        year, month, day = int(match.group("zy")), int(match.group("zm")), int(match.group("zd"))
    elif match.group("cn"):
        year = int("".join(str(_CN_DIGITS[char]) for char in match.group("cy")))
        try:
            month, day = _cn_number(match.group("cm")), _cn_number(match.group("cd"))
        except KeyError:
            return None
    elif match.group("iso"):
        year, month, day = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    elif match.group("mdy"):
        year, month, day = (
            int(match.group("my")),
            _MONTHS[match.group("mmon")[:3].lower()],
            int(match.group("md")),
        )
    else:
        year, month, day = (
            int(match.group("dy")),
            _MONTHS[match.group("dmon")[:3].lower()],
            int(match.group("dd")),
        )
    if not _valid(year, month, day):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(value: object) -> str | None:
    """ISO date ("YYYY-MM-DD", or "YYYY-MM"/"YYYY" when only that is given) of ``value``, or None.

    Accepts date/datetime objects (YAML gives those), ISO strings with or
    without a time, RFC 2822 ("Sun, 29 May 2022 21:20:46 GMT", front matter),
    "2022年02月25日", "Apr 16, 2024 20:35 PM", "16 April 2024", "2022-05".
    The date is the one written: no time-zone shift.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:04d}" if 1900 <= value <= 2100 else None
    text = str(value).strip()
    if not text:
        return None
    match = _DATE_RE.search(text)
    if match:
        return _from_match(match)
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and _valid(parsed.year, parsed.month, parsed.day):
        return parsed.date().isoformat()
    match = _YEAR_MONTH_RE.match(text)
    if match and _valid(int(match.group(1)), int(match.group(2))):
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    match = _YEAR_RE.match(text)
    if match and _valid(int(match.group(1)), 1):
        return f"{int(match.group(1)):04d}"
    return None


# A line that is only a name (an office, a city) and the date: a byline, not a sentence.
_BYLINE_RE = re.compile(
    r"^(?:[A-Z][\w&'’.-]*(?:\s+(?:of|and|for|the|[A-Z][\w&'’.-]*))*\s*,?|[\u4e00-\u9fff]{2,20}\s*)$"
)


def find_text_date(text: str, head_chars: int = HEAD_CHARS) -> tuple[str, str] | None:
    """The publication date stated near the start of ``text``: ``(iso_date, how)``, or None.

    ``how`` names the evidence: "marker", "dateline", "title", "delivered" or
    "top".  The strongest evidence wins; among equals, the first date.
    """
    head = text[:head_chars]
    best: tuple[float, int, str, str] | None = None
    first_line_end = head.find("\n")
    first_line_end = len(head) if first_line_end < 0 else first_line_end
    for match in _DATE_RE.finditer(head):
        date = _from_match(match)
        if date is None:
            continue
        line_start = head.rfind("\n", 0, match.start()) + 1
        line_end = head.find("\n", match.end())
        line_end = len(head) if line_end < 0 else line_end
        before = head[line_start : match.start()]
        after = head[match.end() : line_end]
        rest = (before + after).strip()
        rest_without_time = _TIME_RE.sub("", rest).strip(" \t\u3000\xa0|｜·:：-—()（）")
        if _MARKER_RE.search(before[-40:]):
            score, how = 4.0, "marker"
        elif (
            len(rest_without_time) <= 60
            and (_SOURCE_RE.search(rest) or _TIME_RE.search(after[:12]))
            or not rest_without_time
        ):
            score, how = 3.0, "dateline"
        elif head.count("\n", 0, line_start) <= 6 and _BYLINE_RE.match(rest_without_time):
            # "Liaoning Provincial Bureau of Statistics, March 20, 2023", "Shenyang, December 28, 2023"
            score, how = 2.5, "dateline"
        elif line_start == 0 and before.rstrip()[-1:] in _OPEN_BRACKETS:
            score, how = 2.0, "title"
        elif (_DELIVERED_RE.search(before) or _DELIVERED_AFTER_RE.match(after)) and len(before) + len(
            after
        ) <= 200:
            score, how = 1.5, "delivered"
        elif match.start() < 200 and line_start <= first_line_end + 1:
            score, how = 1.0, "top"
        else:
            continue
        if best is None or score > best[0]:
            best = (score, match.start(), date, how)
    if best is None:
        return None
    return best[2], best[3]
