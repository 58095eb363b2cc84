"""From a document's plain text to fact records (eval/FORMAT.md).

The text is scanned once for quantities; each figure is then read in its
sentence and clause: what it measures (taxonomy), how it compares, whether it
is a level, a growth rate or a difference, when and where it applies, and
whether it is a target, a result or a descriptive figure. Context that a
sentence leaves open (the year under review, the province) comes from section
headings, earlier sentences of the paragraph and the document itself.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from zhenxing.extract import cues
from zhenxing.extract.fastre import release
from zhenxing.extract.indicators import (
    STOP_WORDS,
    Indicator,
    IndicatorMention,
    content_words,
    find_indicators,
    loose_indicator_in,
    name_stems,
    stem,
    taxonomy,
)
from zhenxing.extract.periods import find_periods
from zhenxing.extract.quantities import quantities
from zhenxing.extract.regions import find_regions
from zhenxing.model import Document, Fact, Quantity
from zhenxing.text.sentences import split_sentences

_COORDINATED = re.compile(r"^\s*(?:%|％)?\s*(?:and|or|、|和|与|及|以及)\s*$", re.IGNORECASE)
# A clause ends at a punctuation mark (not a thousands comma) or at " while " / " and the ".
# Written as one character class and a check of the character it took, so that re skips in
# C to the next candidate (``[…]|,(?!…)|\s+…`` has no such start and was tried everywhere).
_CLAUSE_BREAK = re.compile(
    r"[\s，；;：:、！？!?,](?:(?<=\s)\s*(?:while|whereas|and(?=\s+(?:the|its|our|we)\b))\s+"
    r"|(?<=[，；;：:、！？!?])|(?<=,)(?!\d{3}))"
)
# The same without the word branch, for a sentence with neither "while", "whereas" nor
# "and the/its/our/we": that branch cannot match there, so spaces are no candidates.
_AND_CLAUSE = re.compile(r"\band\s+(?:the|its|our|we)\b")
_CLAUSE_PUNCTUATION = re.compile(r"[，；;：:、！？!?,](?:(?<=[，；;：:、！？!?])|(?<=,)(?!\d{3}))")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[.。!！?？;；:：,，]\s*$")
_COUNT_UNITS = {None, "items", "people", "households", "enterprises"}
_DIMENSION_UNITS = {"years", "days", "m", "km", "km2", "m2"}

_PEOPLE_NOUN = re.compile(
    r"^(?:people|persons?|residents?|citizens?|workers?|employees?|engineers?|talents?|graduates?|children|students?|"
    r"farmers?|staff|personnel|professionals?|experts?|scientists?|teachers?|doctors?|volunteers?|villagers?|migrants?|"
    r"tourists?|visitors?|members?|deputies|officials?|entrepreneurs?|individuals?|patients?|elderly|seniors?|youths?|"
    r"labou?rers?|researchers?|technicians?|leaders?|retirees?|pensioners?|poor|trainees?|jobs?|job\s+seekers?)$",
    re.IGNORECASE,
)
_ENTERPRISE_NOUN = re.compile(
    r"^(?:enterprises?|companies|company|firms?|smes?|businesses|business|entities|corporations?|manufacturers?|"
    r"exporters?|startups?|start-ups?|gazelles?|unicorns?|giants?)$",
    re.IGNORECASE,
)
_HOUSEHOLD_NOUN = re.compile(r"^(?:households?|families|family)$", re.IGNORECASE)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")
_ZH_PEOPLE = re.compile(
    r"^(?:[名位人]|万人|人次)|^.{0,3}?(?:人才|居民|群众|职工|工人|员工|人员|毕业生|儿童|学生|农民|师|者|员|人)"
)
_ZH_ENTERPRISE = re.compile(r"企|公司|厂商|市场主体|商户|经营主体")
_ZH_HOUSE = re.compile(r"危房|住房|房屋|农房|棚户|住宅|厕所")
_ZH_HOUSEHOLD = re.compile(r"居民|家庭|农户|群众|住户|人家")


# Patterns of the helpers below, compiled once: ``re.match(string, …)`` looks its
# pattern up in re's cache on every call, which the per-figure helpers paid thousands
# of times per document.
_STOP_INSIDE = re.compile(r"[.。!?！？]\s")
_LATIN = re.compile(r"[A-Za-z]")
_FOUR_DIGITS = re.compile(r"\d{4}")
_CAPITAL = re.compile(r"^[A-Z]")
_SPACE_CAPITAL = re.compile(r"^\s+[A-Z]")
_THE_BEFORE = re.compile(r"\bthe\s+$")
_THE_SEQUENCE_BEFORE = re.compile(r"\bthe\s+(?:following|first|last|past|next)\s*$")
_MAJOR_AFTER = re.compile(r"^\s*major\b|^-point\b")
_PLAN_NAME_AFTER = re.compile(
    r"^\s*(?:-year\s+)?(?:action|plan|programme|program|campaign|initiative|reform|strategy)\b|^\s*(?:行动|计划|规划|攻坚|专项)"
)
_AGO_AFTER = re.compile(r"^\s*(?:ago|前)")
_ZH_GAP_STOP = re.compile(r"[，,；;。的]")
_OF_GAP = re.compile(r"^\s*(?:[A-Za-z\-]+\s+)?of\s+(?:the\s+)?", re.IGNORECASE)
_GROWTH_WORD = re.compile(r"growth|增长|增速", re.IGNORECASE)
_NARROWED_FALL = re.compile(r"降幅收窄|跌幅收窄")
_ZH_GROWTH_AFTER = re.compile(r"^\s*(?:的)?(?:增长|增幅|增速)")
_NARROW = re.compile(r"narrow", re.IGNORECASE)
_DOWN_EN_START = re.compile(cues._DOWN_EN, re.IGNORECASE)
_CLASSIFIER_HEAD = re.compile(r"^\s*(?:多|余)?\s*(?:[个项家户座所条台辆套处次批名位人万])?\s*")
_YEAR_START = re.compile(r"^\d{4}")
_PERIOD_END = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?")


@dataclass(slots=True)
class _Context:
    """What a sentence inherits from the document around it."""

    doc_year: int | None
    doc_date: str | None
    section_period: str | None = None
    section_plan: bool = False
    paragraph_period: str | None = None
    paragraph_region: str | None = None
    default_region: str | None = None


def extract_document(doc: Document) -> list[Fact]:
    """All facts of a document, in text order."""
    return extract_text(doc.text, name=doc.name, doc_id=doc.id, date=doc.date, language=doc.language)


def extract_text(
    text: str, *, name: str = "", doc_id: str = "", date: str | None = None, language: str | None = None
) -> list[Fact]:
    """Facts of a plain text; ``date`` (ISO) anchors relative periods, None leaves them null."""
    qs = quantities(text)
    doublings = _doublings(text)
    if doublings:
        qs = sorted([*qs, *doublings], key=lambda q: (q.start, q.end))
    if not qs:
        release(text)
        return []
    q_starts = [q.start for q in qs]
    year = int(date[:4]) if date and date[:4].isdigit() else None
    scan = _Scan(text, date)
    release(text)  # the lower-cased copies the scanners shared
    ctx = _Context(doc_year=year, doc_date=date, default_region=_default_region(scan.regions))
    facts: list[Fact] = []
    for p_start, p_end in _paragraphs(text):
        para = text[p_start:p_end]
        lo = bisect.bisect_left(q_starts, p_start)
        hi = bisect.bisect_left(q_starts, p_end)
        if _is_heading(para):
            _update_section(ctx, para)
            if lo == hi:
                continue
        ctx.paragraph_period = None
        ctx.paragraph_region = None
        if lo == hi:
            # No figure to classify. What the paragraph would leave in ``ctx.paragraph_*`` is
            # never read: the next paragraph with figures resets both before its first sentence.
            continue
        para_lang = _language(para) if language in (None, "mixed") else language
        for s_start, s_end in split_sentences(para):
            a, b = p_start + s_start, p_start + s_end
            s_lo = bisect.bisect_left(q_starts, a, lo, hi)
            s_hi = bisect.bisect_left(q_starts, b, lo, hi)
            if s_lo < s_hi:
                sentence = text[a:b]
                periods, regions = scan.within(a, b)
                places = _place_mentions(sentence, regions)
                sentence_qs = [q for q in qs[s_lo:s_hi] if q.end <= b]
                facts.extend(
                    _sentence_facts(
                        sentence, a, sentence_qs, periods, regions, places, ctx, name, doc_id, para_lang
                    )
                )
            else:
                # Only the context it leaves matters, which needs no offsets into the sentence.
                periods, regions = scan.within(a, b, shift=False)
                places = _place_mentions(text, regions, a, b)
            _carry_paragraph_context(ctx, periods, places)
    return facts


class _Scan:
    """Periods and places of a whole document, found once and handed out per sentence.

    Scanning each sentence again cost more than the rest of extraction; mentions
    are kept only when they lie wholly inside the span asked for, shifted to it.
    """

    def __init__(self, text: str, date: str | None) -> None:
        self.periods = find_periods(text, date) if text else []
        self.regions = find_regions(text) if text else []
        self._p_starts = [p.start for p in self.periods]
        self._r_starts = [r.start for r in self.regions]

    def within(self, a: int, b: int, *, shift: bool = True) -> tuple[list, list]:
        """The mentions inside ``a:b``, with offsets into the sentence (``shift``) or still into the text."""
        return (
            _slice(self.periods, self._p_starts, a, b, shift),
            _slice(self.regions, self._r_starts, a, b, shift),
        )


def _slice(items: list, starts: list[int], a: int, b: int, shift: bool = True) -> list:
    lo = bisect.bisect_left(starts, a)
    hi = bisect.bisect_left(starts, b)
    if lo == hi:
        return []
    if shift:
        return [m.shifted(a) for m in items[lo:hi] if m.end <= b]
    return [m for m in items[lo:hi] if m.end <= b]


_DOUBLING = re.compile(
    r"\bdoubl(?:e|es|ing)(?=\s+(?:the\s+|its\s+|their\s+)?(?:number|output|size|scale|amount|value|volume|total|"
    r"income|revenue|investment|share|capacity|production|sales|exports|gdp)\b)|\bdoubled\b(?!\s+(?:efforts|down))"
    r"|翻(?P<n>一|两|二|三|四)番|翻番",
    re.IGNORECASE,
)
_FOLDS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}


def _doubling_matches(text: str) -> Iterator[re.Match[str]]:
    """Matches of ``_DOUBLING``, tried only where "oubl" or 翻 occurs (a regex over the whole text is slower)."""
    for needle, back in (("oubl", 1), ("OUBL", 1), ("翻", 0)):
        pos = text.find(needle)
        while pos >= 0:
            m = _DOUBLING.match(text, pos - back)
            if m:
                yield m
            pos = text.find(needle, pos + 1)


def _doublings(text: str) -> list[Quantity]:
    """ "doubling the number of listed enterprises", 翻一番: a growth of 100 % that has no digits."""
    out: list[Quantity] = []
    for m in _doubling_matches(text):
        folds = _FOLDS.get(m.group("n") or "一", 1)
        q = Quantity(m.start(), m.end(), m.group(0), float(2**folds - 1), "times")
        q.form = "doubling"
        out.append(q)
    return out


# --- document structure ----------------------------------------------------


def _paragraphs(text: str) -> Iterable[tuple[int, int]]:
    """The lines of ``text`` without their blank ends, skipping empty ones (``str.find``: no regex pass)."""
    pos, n = 0, len(text)
    while pos < n:
        e = text.find("\n", pos)
        if e < 0:
            e = n
        s, next_pos = pos, e + 1
        while s < e and text[s] in " \t\u3000\xa0":
            s += 1
        while e > s and text[e - 1] in " \t\u3000\xa0\r":
            e -= 1
        if e > s:
            yield s, e
        pos = next_pos


_ENUMERATOR = re.compile(
    r"^\s*(?:[IVXLC]+|\d{1,2}|[A-Za-z]|[一二三四五六七八九十]+)\s*[.、．)]\s*|^\s*[(（][^)）]{1,4}[)）]\s*"
)


def _is_heading(para: str) -> bool:
    """A short line without closing punctuation: a title or section heading."""
    body = _ENUMERATOR.sub("", para)
    return not (len(para) > 120 or _SENTENCE_END.search(para) or _STOP_INSIDE.search(body))


_PLAN_HEADING = re.compile(
    r"arrangement|tasks|plan|priorities|targets|goals|objectives|this\s+year|安排|任务|目标|计划|工作部署|今年",
    re.IGNORECASE,
)


_DATELINE = re.compile(
    r"\d{1,2}:\d{2}|release|published|posted|updated|source|date|time|发布|来源|时间|日期|编辑", re.IGNORECASE
)


def _update_section(ctx: _Context, heading: str) -> None:
    """A heading's year becomes the period of what follows ("I. A review of our work in 2021")."""
    if _DATELINE.search(heading):
        return  # "Release time: Apr 16, 2024": when the page was posted, not what it is about
    periods = [
        p for p in find_periods(heading, ctx.doc_date) if p.period and p.granularity not in ("day", "month")
    ]
    if periods:
        ctx.section_period = periods[0].period
        ctx.section_plan = bool(_PLAN_HEADING.search(heading)) and _year_of(periods[0].period) >= (
            ctx.doc_year or 0
        )


def _carry_paragraph_context(ctx: _Context, periods: list, places: list) -> None:
    """Remember the last explicit period of the paragraph and the place of the sentence just read.

    ``places``: ``_place_mentions`` of the sentence.
    """
    periods = [p for p in periods if p.period and not p.relative]
    if periods:
        ctx.paragraph_period = (
            _year_part(periods[-1].period)
            if periods[-1].granularity in ("month", "day")
            else periods[-1].period
        )
    ctx.paragraph_region = _most_specific(places).name if places else None


_LEVEL_RANK = {"prefecture": 0, "province": 1, "macro": 2, "country": 3}
_ORG_AFTER = re.compile(
    r"^\s+(?!City|Province|Provincial|Municipal|Municipality|District|Area|Region|Regional|Pilot|Free)[A-Z&]"
)


def _place_mentions(text: str, regions: list, a: int = 0, b: int | None = None) -> list:
    """Region mentions that name a place, not an organisation ("Benxi Iron & Steel", "Shenyang Blower Works").

    The sentence is ``text[a:b]`` (all of ``text`` by default); ``regions`` have offsets into ``text``.
    """
    if b is None:
        b = len(text)
    out = []
    for r in regions:
        if r.level == "country":
            continue
        after = text[r.end : min(r.end + 12, b)]
        if _ORG_AFTER.match(after) or _ZH_ORG_AFTER.match(after):
            continue
        if (
            r.start - a < 3
            and _DATELINE_AFTER.match(text[r.end : min(r.end + 30, b)])
            and text[r.start : r.end].isupper()
        ):
            continue  # "HARBIN -- …": where the story was filed, not what a figure is about
        out.append(r)
    return out


_DATELINE_AFTER = re.compile(
    r"^,?\s*(?:[A-Z][a-z]+\.?\s+\d{1,2}\s*)?(?:\((?:Xinhua|Reuters|AP|CNS|China Daily)\)\s*)?(?:--|—|–|-\s)"
)
# A Chinese place name that begins a firm's or an institution's name: 大连船舶重工集团, 东软软件园.
_ZH_ORG_AFTER = re.compile(
    r"^[市省]?[^\s，。；、,;]{0,8}?(?:集团|公司|有限|大学|学院|医院|银行|软件园|产业园|工业园|船舶|重工|石化|钢铁|机床|研究院|研究所|鼓风机)"
)


def _most_specific(regions: list):
    return sorted(regions, key=lambda r: (_LEVEL_RANK.get(r.level, 9), -r.start))[0]


def _default_region(regions: list) -> str | None:
    """The place a document is mostly about: its most named province or macro-region."""
    counts: Counter[str] = Counter()
    for r in regions:
        if r.level in ("province", "macro"):
            counts[r.name] += 1
        elif r.level == "prefecture" and r.province:
            counts[r.province] += 0.5  # type: ignore[assignment]
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _language(para: str) -> str:
    cjk = len(_CJK.findall(para[:400]))
    latin = len(_LATIN.findall(para[:400]))
    if cjk and latin and min(cjk, latin / 4) / max(cjk, latin / 4) > 0.3:
        return "mixed"
    return "zh" if cjk >= latin / 4 else "en"


def _year_of(period: str | None) -> int:
    if not period:
        return 0
    m = _FOUR_DIGITS.findall(period)
    return int(m[-1]) if m else 0


# --- one sentence ----------------------------------------------------------


def _clauses(sentence: str) -> list[tuple[int, int]]:
    if "while" in sentence or "whereas" in sentence:
        breaks = [m.span() for m in _CLAUSE_BREAK.finditer(sentence)]
    else:
        breaks = [m.span() for m in _CLAUSE_PUNCTUATION.finditer(sentence)]
        if "and" in sentence:
            breaks = _with_and_breaks(sentence, breaks)
    spans, last = [], 0
    for start, end in breaks:
        spans.append((last, start))
        last = end
    spans.append((last, len(sentence)))
    return spans


def _with_and_breaks(sentence: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``breaks`` plus " and the|its|our|we ", spanning the white space around "and" as ``_CLAUSE_BREAK`` does.

    Found by the word, not by trying every space: "and" is common in English
    and the full pattern made clause splitting a tenth of extraction.
    """
    found = []
    for m in _AND_CLAUSE.finditer(sentence):
        start = m.start()
        if start == 0 or not sentence[start - 1].isspace():
            continue
        while start > 0 and sentence[start - 1].isspace():
            start -= 1
        end = m.start() + 3
        while end < len(sentence) and sentence[end].isspace():
            end += 1
        found.append((start, end))
    if not found:
        return breaks
    merged: list[tuple[int, int]] = []
    for span in sorted([*breaks, *found]):
        if merged and span[0] < merged[-1][1]:  # the scan never yields overlapping breaks
            continue
        merged.append(span)
    return merged


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in clauses:
        if s <= pos < e or (pos == e and s < e):
            return s, e
    return clauses[-1]


def _sentence_facts(
    sentence: str,
    offset: int,
    qs: list[Quantity],
    periods: list,
    regions: list,
    places: list,
    ctx: _Context,
    name: str,
    doc_id: str,
    lang: str,
) -> list[Fact]:
    clauses = _clauses(sentence)
    indicators = find_indicators(sentence)
    future = _Future(sentence)
    respectively = "分别" in sentence or "espectively" in sentence
    out: list[Fact] = []
    previous: tuple[int, int, bool] | None = None  # end, direction and change word of the last figure
    local = [q.shifted(offset) for q in qs]
    forms = [getattr(q, "form", None) for q in qs]
    for index, (q, form) in enumerate(zip(local, forms, strict=True)):
        if _inside_period(q, periods) or _not_a_fact(sentence, q, form):
            continue
        clause = _clause_of(clauses, q.start)
        before = sentence[clause[0] : q.start]
        after = sentence[q.end : clause[1]]
        fact, mention, mention_id = None, None, None
        direction, change_word = _change(before, after, lang)
        if not direction and previous and previous[1] and _COORDINATED.match(sentence[previous[0] : q.start]):
            # "increased by 6.6% and 10.1% respectively": the second figure shares the verb.
            direction, change_word = previous[1], previous[2]
        previous = (q.end, direction, change_word)
        cues_of_figure = (_comparator(before, after, q), direction, change_word)
        for candidate in _indicator_candidates(sentence, indicators, q, clause, lang):
            cid = (
                _respective_indicator(sentence, candidate, local, index)
                if respectively
                else candidate.indicator.id
            )
            attempt = _classify(sentence, q, form, before, after, candidate, cid, lang, cues_of_figure)
            if attempt is not None and _compatible(taxonomy()[cid].unit, attempt[1], attempt[3]):
                fact, mention, mention_id = attempt, candidate, cid
                break
        if fact is None:
            fact = _classify(sentence, q, form, before, after, None, None, lang, cues_of_figure)
        if fact is None:
            continue
        value, unit, comparator, change = fact
        if mention_id is None and unit == "people" and change == "level" and _is_population(sentence, q):
            mention_id = "population"
        period = _period_for(sentence, q, clause, periods, ctx, unit, mention_id)
        kind = _kind(sentence, before, q, mention_id, unit, change, period, future, ctx, clause[1])
        region = _region_for(sentence, q, clause, places, regions, ctx, kind, unit, mention_id)
        label = mention.text if mention else _label(sentence, q, clause, lang)
        out.append(
            Fact(
                doc=name,
                quote=sentence,
                value=_round(value),
                unit=unit,
                comparator=comparator,
                indicator=mention_id,
                label=label,
                period=period,
                region=region,
                kind=kind,
                change=change,
                start=q.start + offset,
                end=q.end + offset,
                sentence_start=offset,
                sentence_end=offset + len(sentence),
                doc_id=doc_id,
                language=lang,
                text=q.text,
            )
        )
    return out


_UNIT_GROUPS = (
    {"CNY", "USD"},
    {"people", "households"},
    {"items", "enterprises"},
    {"ha", "m2", "km2"},
    {"km", "m"},
    {"t"},
    {"%", "percentage_point", "times"},
    {"years", "days"},
    {"ug/m3"},
    {"kw"},
)


def _compatible(indicator_unit: str | None, unit: str | None, change: str) -> bool:
    """Whether a figure in ``unit`` can measure an indicator kept in ``indicator_unit``."""
    if indicator_unit is None or unit is None or unit == indicator_unit:
        return True
    if change == "growth" or unit == "percentage_point" and change == "delta":
        return unit in ("%", "percentage_point")
    base = unit.split("/")[0]
    return any(base in group and indicator_unit in group for group in _UNIT_GROUPS)


_PEOPLE_OF_PLACE = re.compile(
    r"^\s*(?:people|residents|inhabitants|citizens|人民|人口|群众|居民|各族)", re.IGNORECASE
)


def _is_population(sentence: str, q: Quantity) -> bool:
    """ "The 43 million Liaoshen people", "4300 万辽沈人民": millions of a place's people are its population."""
    if q.value < 1_000_000:
        return False
    after = sentence[q.end : q.end + 30]
    places = [r for r in find_regions(after) if r.start <= 2]
    return bool(places) and bool(_PEOPLE_OF_PLACE.match(after[places[0].end :]))


def _round(value: float) -> float:
    r = round(value, 6)
    return int(r) if r == int(r) and abs(r) < 1e18 else r


def _inside_period(q: Quantity, periods: list) -> bool:
    return any(p.start <= q.start and q.end <= p.end for p in periods)


def _not_a_fact(sentence: str, q: Quantity, form: str | None) -> bool:
    """List numbering, ordinals kept by the recognizer, numbers inside names, time frames."""
    before = sentence[max(0, q.start - 12) : q.start]
    after = sentence[q.end : q.end + 12]
    if q.unit is None and form in (None, "number", "count"):
        # "(1)", "1.", "第1", "No. 3": list numbers and ordinals.
        if _ORDINAL_BEFORE.search(before):
            return True
        if q.start == 0 and _LIST_MARK_AFTER.match(after):
            return True
        if before.endswith(("(", "（")) and after.startswith((")", "）")):
            return True
        # A number inside a quoted name: the "45 Measures ...".
        if _QUOTE_OPEN_BEFORE.search(before) and _NAME_START_AFTER.match(after):
            return True
    spelled = not _DIGIT.search(q.text)
    if spelled:
        if q.value == 1 and q.unit in (None, "items") and not _OPEN_COMPARATOR.search(before):
            # "one after another", 一个/一项/一辆: an article, not a count.
            return True
        if q.value == 0:
            return True  # "zero tariff", "dynamic zero": slogans
        if _in_short_quote(sentence, q) or _CAPITAL.match(q.text) and _SPACE_CAPITAL.match(after):
            return True  # "One Rim, One Belt and Two Areas", “两个确立”
        if _THE_BEFORE.search(before) and not _THE_SEQUENCE_BEFORE.search(before):
            return True  # "the six fronts": a known set named by its size
        if _MAJOR_AFTER.match(after):
            return True
    if q.unit == "years" and _PLAN_NAME_AFTER.match(after):
        return True  # "three-year action", 国企改革三年行动: the name of a plan
    if q.unit == "years" and (cues.TIMEFRAME_BEFORE.search(before) or cues.TIMEFRAME_AFTER.search(after)):
        return True
    return bool(q.unit in ("years", "days") and _AGO_AFTER.match(after))


_ORDINAL_BEFORE = re.compile(r"(?:第|No\.\s*|#|Article\s+|Chapter\s+|Section\s+|Phase\s+)$", re.IGNORECASE)
_LIST_MARK_AFTER = re.compile(r"^\s*[.)、）．]")
_QUOTE_OPEN_BEFORE = re.compile(r"[\"“「《]\s*$")
_NAME_START_AFTER = re.compile(r"^\s*[A-Z\u4e00-\u9fff]")
_OPEN_COMPARATOR = re.compile(r"(?:at\s+least|more\s+than|over|至少|不少于|超过)\s*$", re.IGNORECASE)


def _in_short_quote(sentence: str, q: Quantity) -> bool:
    """Whether the figure sits inside a quoted name of a few words."""
    return any(m.start() < q.start and q.end < m.end() for m in _QUOTED.finditer(sentence))


_QUOTED = re.compile(r"“[^”]{1,40}”|\"[^\"]{1,40}\"|「[^」]{1,40}」|《[^》]{1,60}》")


def _loose_mention(sentence: str, q: Quantity, clause: tuple[int, int]) -> IndicatorMention | None:
    """A reworded taxonomy name in the figure's clause (see ``indicators.loose_indicator``)."""
    start, end = max(clause[0], q.start - 120), min(clause[1], q.end + 120)
    # The figure's own noun phrase first ("the 540 proposals from …"), then both sides.
    after = content_words(sentence[q.end : end])
    for a, b in ((q.end, end), (start, end)):
        if a == q.end:
            words = after
        elif a < q.start:
            # The words of "before + ' ' + after": the space ends the last word before the figure.
            words = content_words(sentence[a : q.start]) + after
        else:
            words = content_words(sentence[a:b])
        ind = loose_indicator_in(words)
        if ind is not None:
            return IndicatorMention(a, b, _loose_label(sentence[a:b], ind), ind)
    return None


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def _loose_label(window: str, ind: Indicator) -> str:
    """The stretch of the window that holds the name's words, as the text's own label."""
    wanted = name_stems(ind.id)
    # A run of ASCII letters and digits is one word of ``content_words``: its stem, unless a stop word.
    spans = [
        m.span()
        for m in _ASCII_WORD.finditer(window)
        if (low := m.group().lower()) not in STOP_WORDS and stem(low) in wanted
    ]
    if not spans:
        return window.strip()
    return window[spans[0][0] : spans[-1][1]].strip()


def _noun_gap(gap: str, lang: str) -> bool:
    """Whether the words between a figure and a name are only its modifiers ("137 new national-level")."""
    if lang == "zh" or _CJK.search(gap):
        return len(gap) <= 6 and not _ZH_GAP_STOP.search(gap)
    if len(gap) > 50 or _DIGIT.search(gap):
        return False
    # "2,200 kilometers of national ... roads", "32,000 sets of affordable rental houses"
    gap = _OF_GAP.sub(" ", gap, count=1)
    return not _GAP_STOP.search(gap)


_GAP_STOP = re.compile(
    r"\b(?:or|of|for|with|in|to|by|on|at|from|was|were|is|are|has|have|had|will|be|been|which|that|than|per)\b|[,;:.]",
    re.IGNORECASE,
)


def _indicator_candidates(
    sentence: str, mentions: list[IndicatorMention], q: Quantity, clause: tuple[int, int], lang: str
) -> Iterator[IndicatorMention]:
    """Names that may say what the figure measures, most likely first.

    The figure's own noun phrase ("137 new … little giant enterprises"), then the
    subject before it in its clause ("固定资产投资增长3.6%"), then a reworded name
    in the clause, then a name earlier in the sentence ("GDP was …, a rise of 5.8%").
    The caller takes the first whose unit fits the figure; later candidates,
    the loose ones especially, are only computed when needed.
    """
    seen: set[tuple[int, str]] = set()
    for m in _ranked_candidates(sentence, mentions, q, clause, lang):
        key = (m.start, m.indicator.id)
        if key not in seen:
            seen.add(key)
            yield m


def _ranked_candidates(
    sentence: str, mentions: list[IndicatorMention], q: Quantity, clause: tuple[int, int], lang: str
) -> Iterator[IndicatorMention]:
    in_clause = [
        m for m in mentions if clause[0] <= m.start < clause[1] and not (m.start < q.end and q.start < m.end)
    ]
    after = [m for m in in_clause if m.start >= q.end and _noun_gap(sentence[q.end : m.start], lang)]
    before = [m for m in in_clause if m.end <= q.start]
    if lang == "zh":
        # Chinese puts the label before the figure, or right after a classifier ("18 个工业互联网…节点").
        if after and after[0].start - q.end <= 3:
            yield after[0]
        yield from reversed(before)
        yield from after
    else:
        yield from after
        yield from reversed(before)
    yield from (
        m
        for m in in_clause
        if m.start >= q.end and m.start - q.end <= 40 and not _DIGIT.search(sentence[q.end : m.start])
    )
    if lang != "zh":
        loose = _loose_mention(sentence, q, clause)
        if loose:
            yield loose
    earlier = [m for m in mentions if m.end <= q.start and q.start - m.end < 120 and m not in in_clause]
    yield from reversed(earlier)
    if lang != "zh" and not earlier:
        loose = _loose_mention(sentence, q, (max(0, q.start - 120), q.start))
        if loose:
            yield loose


_DIGIT = re.compile(r"\d")


_MODIFIERS = {"urban": ("urban", "城镇", "城市"), "rural": ("rural", "农村", "乡村")}


def _respective_indicator(sentence: str, mention: IndicatorMention, qs: list[Quantity], index: int) -> str:
    """For "urban and rural ... rose 6.6% and 10.1% respectively", the i-th figure gets the i-th modifier."""
    order: list[tuple[int, str]] = []
    # Chinese puts the modifiers before the name (城镇和农村居民…), English after (… of urban and rural residents).
    reach = 0 if _CJK.match(mention.text[:1]) else 40
    low = sentence[max(0, mention.start - 12) : mention.end + reach].lower()
    for key, words in _MODIFIERS.items():
        positions = [low.find(w) for w in words if low.find(w) >= 0]
        if positions:
            order.append((min(positions), key))
    if "城乡" in low and not order:
        order = [(0, "urban"), (1, "rural")]
    base = mention.indicator.id
    for suffix in ("_urban", "_rural"):
        base = base.removesuffix(suffix)
    if len(order) < 2:
        return mention.indicator.id
    order.sort()
    siblings = [q for q in qs if q.unit == qs[index].unit and q.start > mention.start]
    position = siblings.index(qs[index]) if qs[index] in siblings else 0
    key = order[min(position, len(order) - 1)][1]
    candidate = f"{base}_{key}"
    return candidate if candidate in taxonomy() else mention.indicator.id


def _classify(
    sentence: str,
    q: Quantity,
    form: str | None,
    before: str,
    after: str,
    mention: IndicatorMention | None,
    indicator: str | None,
    lang: str,
    figure_cues: tuple[str, int, bool],
) -> tuple[float, str | None, str, str] | None:
    """Value, unit, comparator and change of a figure, read as measuring ``mention``."""
    value, unit = q.value, q.unit
    comparator, direction, change_word = figure_cues
    if form == "doubling":
        return value * 100, "%", comparator, "growth"
    label_text = mention.text if mention else before[-40:]
    if form == "fraction" or (unit is None and form == "fraction"):
        value, unit = value * 100, "%"
        if direction:
            return value * direction, unit, comparator, "growth"
        return value, unit, comparator, "level"
    if unit == "times":
        if direction:
            return value * 100 * direction, "%", comparator, "growth"
        return value, "times", comparator, "level"
    if unit == "percentage_point":
        return value * (direction or 1), unit, comparator, "delta" if direction else "level"
    if unit == "%":
        if direction:
            if cues.PROPORTION_LABEL.search(label_text) and not _GROWTH_WORD.search(before):
                return value * direction, "percentage_point", comparator, "delta"
            return value * direction, "%", comparator, "growth"
        return value, "%", comparator, "level"
    unit = _count_unit(sentence, q, unit, before, after, indicator, lang)
    if direction and change_word:
        return value * direction, unit, comparator, "delta"
    return value, unit, comparator, "level"


_MANY_SUFFIX = re.compile(r"[多余]\S{0,2}$")
_MANY_MAGNITUDE = re.compile(r"[多余][万亿]")


def _comparator(before: str, after: str, q: Quantity) -> str:
    m = cues.comparator_before(before[-30:])
    after_m = cues.CMP_AFTER_ONE.match(after, 0, 8)
    if m:
        op = cues.CMP_OF_GROUP[m.lastgroup or ""]
        if op == "<=" and m.group().startswith("控制在") and after_m and after_m.lastgroup == "approx":
            return "~"  # 控制在5.5%左右: "kept at about 5.5%"
        return op
    if after_m:
        return cues.CMP_OF_GROUP[after_m.lastgroup or ""]
    if _MANY_SUFFIX.search(q.text) and not _MANY_MAGNITUDE.search(q.text):
        return ">"
    return "~" if q.approximate else "="


def _change(before: str, after: str, lang: str) -> tuple[int, bool]:
    """(+1 | -1 | 0, whether a change verb governs the figure)."""
    before = before[-120:]  # the verb is near; the anchored patterns would rescan a long clause
    if lang == "zh" or _CJK.search(before[-6:]):
        if cues.ZH_TO_BEFORE.search(before):
            return 0, False
        verbs = list(cues.ZH_CHANGE_BEFORE.finditer(before))
        verbs = [
            v for v in verbs if not (v.group() == "增" and before[max(0, v.start() - 1) : v.start()] == "新")
        ]
        verbs = [v for v in verbs if before[v.end() : v.end() + 1] not in ("长率", "速")]
        if verbs:
            v = verbs[-1]
            if before[max(0, v.start() - 1) : v.end()] == "新增":
                return 0, False
            if _NARROWED_FALL.search(before):
                return 1, True
            return (-1 if cues.DOWN_WORDS.match(v.group()) else 1), True
        if _ZH_GROWTH_AFTER.match(after):
            return 1, True
        return 0, False
    low = before.lower()
    if not _EN_CHANGE_STEM.search(low):
        return _change_after(after)  # no change verb before: skip the anchored patterns
    near = before[-40:]
    if (
        len(low) == len(before)
        and "ı" not in low
        and "ſ" not in low  # ``low`` is ``fold(before)``: read as the IGNORECASE patterns read it
        and not cues.change_before_possible(low)
        and not cues.change_before_possible(low[-40:])  # the last word cut by ``near``
    ):
        return _change_after(after)  # not the word the patterns end with: none can match
    for pattern, window in (
        (cues.EN_NOUN_OF, near),
        (cues.EN_GROWTH_NOUN_BEFORE, near),
        (cues.EN_VERB_DIRECT, near),
        (cues.EN_CHANGE_BEFORE, before),
    ):
        m = pattern.search(window)
        if m:
            if cues.EN_TO_AFTER_VERB.search(before):
                return 0, False
            verb = m.group("verb")
            if _NARROW.search(verb):
                return 1, True
            return (
                -1 if cues.DOWN_WORDS.match(verb) or _DOWN_EN_START.match(verb) else 1
            ), True
    return _change_after(after)


# Every English change verb of ``cues`` contains one of these; a window without any has no change.
_EN_CHANGE_STEMS = (
    "increas",
    "ris",
    "rose",
    "grow",
    "grew",
    "up",
    "climb",
    "jump",
    "surg",
    "expand",
    "rais",
    "boost",
    "gain",
    "add",
    "higher",
    "decreas",
    "declin",
    "drop",
    "fall",
    "fell",
    "reduc",
    "cut",
    "down",
    "lower",
    "sav",
    "shr",
    "slash",
    "contract",
    "narrow",
)
_EN_CHANGE_STEM = re.compile("|".join(_EN_CHANGE_STEMS))


def _change_after(after: str) -> tuple[int, bool]:
    """A change named after the figure: "5.8% growth", "1345 fewer mines"."""
    m = cues.EN_GROWTH_AFTER.search(after) or cues.EN_FEWER_AFTER.search(after)
    if m:
        verb = m.group("verb").lower()
        if verb == "more":
            return 0, False
        return (
            -1 if verb in ("decline", "decrease", "drop", "fall", "reduction", "cut", "fewer", "less") else 1
        ), True
    return 0, False


def _count_unit(
    sentence: str, q: Quantity, unit: str | None, before: str, after: str, indicator: str | None, lang: str
) -> str | None:
    if unit not in _COUNT_UNITS:
        return unit
    noun_unit = _noun_unit(q, before, after, lang)
    if noun_unit:
        return noun_unit
    if unit is not None and unit != "items":
        return unit
    if indicator:
        ind_unit = taxonomy()[indicator].unit
        if ind_unit in _COUNT_UNITS:
            return ind_unit
    return "items"


def _noun_unit(q: Quantity, before: str, after: str, lang: str) -> str | None:
    if lang == "zh" or _CJK.match(after[:1] or "x"):
        # The noun after the classifier ("589 家矿企"), else the label before ("上云企业近9万户").
        head = _CLASSIFIER_HEAD.sub("", after)[:8]
        tail = before[-10:]
        if q.text.endswith("户") or head.startswith("户"):
            # 户 counts families unless the text counts houses or firms with it (FORMAT.md).
            if _ZH_ENTERPRISE.search(head[:6]) or _ZH_ENTERPRISE.search(tail):
                return "enterprises"
            if _ZH_HOUSE.search(head[:6]) or (_ZH_HOUSE.search(tail) and not _ZH_HOUSEHOLD.search(head[:6])):
                return "items"
            return "households"
        if _ZH_ENTERPRISE.search(head[:4]):
            return "enterprises"
        if _ZH_PEOPLE.search(head[:5]) or q.text.endswith(("人", "名")):
            return "people"
        if _ZH_CLASSIFIER.search(q.text + after[:3]):
            return "items"  # "140 多个国家和地区", "小区共有 6 个": counted things, not people or firms
        if _ZH_ENTERPRISE.search(tail[-4:]):
            return "enterprises"
        return None
    # The counted noun is the head (last word) of the first run of the noun phrase
    # that holds a noun: "20 … community elderly care service centers" counts centers.
    run: list[str] = []
    for word in [*_EN_WORD.findall(after[:90])[:9], "of"]:
        low = word.lower()
        if low in _EN_PHRASE_END or low in ("and", "or"):
            nouny = [w for w in run if _noun_class(w)]
            if nouny:
                return _noun_class(run[-1]) or _noun_class(nouny[-1])
            if low not in ("and", "or"):
                return None
            run = []
            continue
        run.append(word)
    return None


def _noun_class(word: str) -> str | None:
    if _PEOPLE_NOUN.match(word):
        return "people"
    if _ENTERPRISE_NOUN.match(word):
        return "enterprises"
    if _HOUSEHOLD_NOUN.match(word):
        return "households"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return "items"
    return None


_EN_PHRASE_END = frozenset(
    (
        "of",
        "in",
        "to",
        "for",
        "with",
        "from",
        "by",
        "on",
        "at",
        "were",
        "was",
        "have",
        "has",
        "are",
        "is",
        "will",
        "than",
        "that",
        "which",
        "who",
        "under",
        "across",
        "into",
        "through",
        "while",
        "had",
        "be",
        "been",
        "could",
        "can",
        "the",
        "a",
        "an",
        "its",
        "their",
        "our",
        "this",
        "these",
        "those",
        "his",
        "her",
    )
)
_ZH_CLASSIFIER = re.compile(r"[个项座所条台辆套处次批]")


def _period_for(
    sentence: str,
    q: Quantity,
    clause: tuple[int, int],
    periods: list,
    ctx: _Context,
    unit: str | None,
    indicator: str | None,
) -> str | None:
    """A period in the figure's clause, else in its sentence, else "now", else the paragraph's or section's."""
    # "now" dates only what follows it in its clause ("used to take 15 days … now takes 5 days").
    usable = [
        p
        for p in periods
        if (p.period or p.relative)
        and (
            getattr(p, "kind", "") != "now" or (clause[0] <= p.start and p.end <= q.start and unit != "years")
        )
    ]
    same_clause = [p for p in usable if clause[0] <= p.start < clause[1]]
    chosen = None
    if same_clause:
        before = [p for p in same_clause if p.end <= q.start]
        chosen = before[-1] if before else same_clause[0]
    elif usable:
        before = [p for p in usable if p.end <= q.start]
        chosen = before[-1] if before else usable[0]
    if chosen is not None:
        if (
            chosen.period is None and getattr(chosen, "kind", "") == "full_year"
        ) or chosen.text in _YEAR_PARTS:
            # 全年 / "the whole year": the year the section or paragraph is about.
            return (
                ctx.paragraph_period
                or ctx.section_period
                or chosen.period
                or (str(ctx.doc_year) if ctx.doc_year else None)
            )
        if chosen.period and _DAY_IN_DATE.search(chosen.text):
            return _year_part(chosen.period)  # "on August 30, 2013": an event's date, the year is the period
        return chosen.period
    if unit in ("years",):
        return None
    if cues.NOW.found(sentence[clause[0] : q.start]) and ctx.doc_year:
        return str(ctx.doc_year)
    if unit in _DIMENSION_UNITS and not indicator:
        return None
    return ctx.paragraph_period or ctx.section_period


# 年末 / 年底 / 全年: a part of the year the section is about (a communiqué on 2023 is dated 2024).
_YEAR_PARTS = frozenset({"全年", "年末", "年底", "年初", "年内", "当年", "年中"})
_DAY_IN_DATE = re.compile(
    r"\d{1,2}\s*(?:日|号|st|nd|rd|th)|[A-Za-z]+\.?\s+\d{1,2},\s*\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}"
)


def _year_part(period: str | None) -> str | None:
    return period[:4] if period and _YEAR_START.match(period) and "/" not in period else period


class _Future:
    """Whether a sentence speaks of the future (``cues.FUTURE``), looked up the first time it is asked.

    ``_kind`` needs it only for figures whose period is not over (or unknown):
    most figures of a report, results of past years, never ask.
    """

    __slots__ = ("_found", "_sentence")

    def __init__(self, sentence: str) -> None:
        self._sentence = sentence
        self._found: bool | None = None

    def __bool__(self) -> bool:
        if self._found is None:
            self._found = cues.FUTURE.found(self._sentence)
        return self._found


def _kind(
    sentence: str,
    before: str,
    q: Quantity,
    indicator: str | None,
    unit: str | None,
    change: str,
    period: str | None,
    future: _Future,
    ctx: _Context,
    clause_end: int,
) -> str:
    """Target: a figure for a time not yet over when the document was written; result: achieved."""
    if indicator and taxonomy()[indicator].descriptive:
        return "other"
    programme = bool(indicator) or change != "level"
    clause_after = sentence[q.end : clause_end]
    # One search for both windows: a NUL between them ends a word as the end of a string would,
    # and no cue word holds one.
    clause_achieved = cues.ACHIEVED.found(before[-80:] + "\x00" + clause_after[:120])
    if not indicator and change == "level":
        if unit in ("years", "days") or unit in _DIMENSION_UNITS and not clause_achieved:
            return "other"  # ages, durations, sizes
        if _OCCURRENCE.search(q.text) or _STRUCTURE_NOUN.match(clause_after):
            return "other"  # "visited twice", "the following ten assignments", "eight aspects"
    if (
        not indicator
        and change == "level"
        and unit in (None, "items")
        and not _DIGIT.search(q.text)
        and q.value < 20
    ):
        # "stability on six fronts", "two random selections and one disclosure": slogans named by a number
        return "other" if not clause_achieved else "result"
    over = _period_over(period, ctx)
    if over is False:
        if cues.NOW.found(sentence[: q.start]):
            return "result" if programme or clause_achieved else "other"
        if not future and cues.PAST.found(sentence[max(0, q.start - 120) : clause_end]):
            # "In the first half of this year, the provinces achieved a GDP of …": reported, not planned.
            return "result" if programme or clause_achieved else "other"
        if programme or future or ctx.section_plan:
            return "target"
        return "other"
    if (
        over is None
        and future
        and (ctx.doc_year is None or ctx.section_plan or not period)
        and ctx.section_plan
    ):
        return "target" if programme or clause_achieved else "other"
    if over is None and future and ctx.doc_year is None and programme:
        return "target"
    if programme or clause_achieved:
        return "result"
    if over and unit in _STATISTIC_UNITS:
        return "result"  # a money or tonnage figure of a past year, stated plainly: a measured outcome
    return "other"


_STATISTIC_UNITS = frozenset({"CNY", "USD", "t", "%", "ha", "kw"})
_OCCURRENCE = re.compile(r"次$|^(?:twice|thrice|once)$|\btimes$", re.IGNORECASE)
_STRUCTURE_NOUN = re.compile(
    r"^\s*(?:[a-z\-]+\s+){0,2}(?:aspects?|assignments?|points?|fronts?|respects?|requirements?|priorities|dimensions?|"
    r"principles?|pillars?|areas?\s+of\s+work|things?)\b|^\s*(?:个)?(?:方面|要求|原则|重点|任务)",
    re.IGNORECASE,
)


def _period_over(period: str | None, ctx: _Context) -> bool | None:
    """Whether the period had ended by the document's date; None when either is unknown."""
    if not period or not ctx.doc_date:
        return None
    end = period.split("/")[-1]
    m = _PERIOD_END.match(end)
    if not m:
        return None
    year, part = int(m.group(1)), m.group(2)
    month = 12
    if part and part.startswith("Q"):
        month = int(part[1]) * 3
    elif part and part.startswith("H"):
        month = 6 if part == "H1" else 12
    elif part:
        month = int(part)
    doc = ctx.doc_date
    doc_year = int(doc[:4])
    doc_month = int(doc[5:7]) if len(doc) >= 7 and doc[5:7].isdigit() else 1
    return (year, month) < (doc_year, doc_month)


def _region_for(
    sentence: str,
    q: Quantity,
    clause: tuple[int, int],
    places: list,
    regions: list,
    ctx: _Context,
    kind: str,
    unit: str | None,
    indicator: str | None,
) -> str | None:
    """The clause's place; else the sentence's, when it has one place; else the context's."""
    in_clause = [r for r in places if clause[0] <= r.start < clause[1]]
    if in_clause:
        before = [r for r in in_clause if r.end <= q.start]
        return (before[-1] if before else in_clause[0]).name
    country = [r for r in regions if r.level == "country" and clause[0] <= r.start and r.end <= q.start]
    if country:
        return country[-1].name
    names = {r.name for r in places}
    if len(names) == 1 and places[0].end <= q.start and q.start - places[0].end <= 150:
        return places[0].name
    # A place that opens the sentence frames all of it ("In Dalian area of …, one vehicle … can save half").
    framing = [r for r in places if r.end <= min(q.start, 40)]
    if framing:
        return _most_specific(framing).name
    if kind == "other" and not indicator:
        return None
    return ctx.paragraph_region or ctx.default_region


_LABEL_TRIM = re.compile(
    r"(?:比上年|比上年末|同比|较上年|year[\s-]on[\s-]year|by|of|was|were|is|are|reached|hit|to|达到?|为|增长|增加|下降|减少|上涨|"
    r"rose|increased|decreased|fell|grew|about|nearly|more\s+than|over|约|近|超过|\s)+$",
    re.IGNORECASE,
)


_EN_NOUN_PHRASE = re.compile(
    r"\s+((?:(?!(?:of|in|to|for|with|from|by|on|at|was|were|is|are|has|have|had|will|be|been|than|that|which|and)\b)"
    r"[A-Za-z][A-Za-z\-’']*\s*){1,6})",
)


def _label(sentence: str, q: Quantity, clause: tuple[int, int], lang: str) -> str:
    """The text's own words for the figure when no taxonomy name fits: what precedes it in its clause."""
    if lang != "zh":
        # "built 120 smart parking garages": what is counted follows the figure.
        phrase = _EN_NOUN_PHRASE.match(sentence, q.end, clause[1])
        if phrase and len(phrase.group(1)) >= 3:
            return phrase.group(1).strip()
    head = _LABEL_TRIM.sub("", sentence[clause[0] : q.start]).strip(" ,，;；:：")
    if len(head) >= 2:
        return head[-60:].strip()
    tail = sentence[q.end : clause[1]].strip(" ,，;；:：。.")
    return (tail[:60] or q.text).strip()
