"""Series: the targets and results of one measured thing, period by period, each with its sources.

A series is (indicator, region, change): ``gdp`` / ``Liaoning`` / ``growth``
holds "regional GDP growth by more than 5.5%" (a 2022 target) and
"全年地区生产总值增长2.1%" (the 2022 result). Facts the taxonomy does not name
form series by their normalized label. ``other`` facts are not observations.

Why observations and not facts: the same figure is stated again and again (a
work report and the communiqué, a Chinese article and its English
translation), and counting it twice would make one result look like two, or
like a conflict with itself. So facts become *statements* and statements
become *observations*:

* A fact and its counterpart in a translation are one statement. Documents
  name their original with ``translation_of``; the facts of the pair are
  aligned in text order by value (``difflib.SequenceMatcher`` over the
  figures, so an omitted or extra figure on one side does not shift the
  rest), and figures in the same place whose value or unit the translation
  changed are linked too, with the change recorded as a *discrepancy*
  ("1800 people where the original says 1800 households"). The original's
  reading decides the statement's series.
* Statements of the same series, period and kind whose values agree within
  the precision they were written with (2.7584 trillion and 2.76万亿) are one
  observation with several sources, except two figures of one sentence,
  which always measure different things ("5,500 km of rural roads and 5,500
  km of roads in villages").

Keys are built from content only (series key, period, kind, value), never from
database row ids, so they survive re-ingesting and rebuilding a ledger:
``gdp:Liaoning:growth:2022:target:5.5%``.
"""

from __future__ import annotations

import calendar
import gc
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import cache
from typing import TYPE_CHECKING, Any

from zhenxing.ledger.tracking_model import Observation, Series, Source
from zhenxing.ledger.units_compare import agree, comparable, convert, rounding_step
from zhenxing.model import Fact

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger

OBSERVED_KINDS = ("target", "result")

# -- periods ------------------------------------------------------------------------------

_PERIOD_PART = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


def _part_bounds(part: str) -> tuple[date, date] | None:
    match = _PERIOD_PART.match(part.strip())
    if match is None:
        return None
    year, sub = int(match.group(1)), match.group(2)
    if sub is None:
        return date(year, 1, 1), date(year, 12, 31)
    if sub.startswith("H"):
        first = sub == "H1"
        return (date(year, 1, 1), date(year, 6, 30)) if first else (date(year, 7, 1), date(year, 12, 31))
    if sub.startswith("Q"):
        q = int(sub[1])
        first_month, last_month = 3 * q - 2, 3 * q
    else:
        first_month = last_month = int(sub)
        if not 1 <= first_month <= 12:
            return None
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


@cache
def period_bounds(period: str | None) -> tuple[date, date] | None:
    """First and last day of a FORMAT.md period: ``2022``, ``2022-H1``, ``2022-Q3``, ``2022-06``,
    ``2022-01/2022-11``, ``2021/2025``; None when it is missing or not one of these."""
    if not period:
        return None
    parts = period.split("/")
    if len(parts) == 1:
        return _part_bounds(parts[0])
    if len(parts) == 2:
        a, b = _part_bounds(parts[0]), _part_bounds(parts[1])
        if a is None or b is None or b[1] < a[0]:
            return None
        return a[0], b[1]
    return None


def period_end(period: str | None) -> date | None:
    bounds = period_bounds(period)
    return bounds[1] if bounds else None


def is_multi_year(period: str | None) -> bool:
    bounds = period_bounds(period)
    return bool(bounds) and bounds[0].year != bounds[1].year  # type: ignore[index]


def previous_period(period: str | None) -> str | None:
    """The same stretch of the year before (``2022-H1`` -> ``2021-H1``), the base of a year-on-year change.

    None for spans of several years, whose changes are not year on year.
    """
    if not period or period_bounds(period) is None or is_multi_year(period):
        return None
    return re.sub(r"\d{4}", lambda m: str(int(m.group(0)) - 1), period)


@cache
def within(inner: str | None, outer: str | None) -> bool:
    """True when ``inner`` is a shorter stretch inside ``outer`` (2022-H1 inside 2022)."""
    a, b = period_bounds(inner), period_bounds(outer)
    if a is None or b is None or a == b:
        return False
    return b[0] <= a[0] and a[1] <= b[1]


def elapsed_share(inner: str, outer: str) -> float | None:
    """How much of ``outer`` has passed at the end of ``inner``: ``2022-01/2022-11`` of ``2022`` -> 0.917."""
    a, b = period_bounds(inner), period_bounds(outer)
    if a is None or b is None:
        return None
    total = (b[1] - b[0]).days + 1
    return ((a[1] - b[0]).days + 1) / total


@cache
def period_sort_key(period: str | None) -> tuple[Any, ...]:
    """Periods in time order (by end, then start); missing or unreadable ones last."""
    bounds = period_bounds(period)
    if bounds is None:
        return (1, date.max, date.max, period or "")
    return (0, bounds[1], bounds[0], period or "")


@cache
def parse_date(value: str | None) -> date | None:
    """A document date (``2023-01-12``, ``2023-01`` or ``2023``) as its first possible day."""
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    except ValueError:
        return None


# -- keys -----------------------------------------------------------------------------------


@cache
def normalize_label(label: str | None) -> str:
    """A label as a key: NFKC, case-folded, punctuation dropped, words joined by ``_``.

    "Regional GDP growth" and "regional  GDP-growth" are the same label.
    """
    text = unicodedata.normalize("NFKC", label or "").casefold()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text)
    return "_".join(kept.split())


_CANONICAL_SHAPE = re.compile(r"^[A-Z][A-Za-z'\-]*(?: [A-Z][A-Za-z'\-]*)*$")


@cache
def canonical_region(region: str | None) -> str | None:
    """The gazetteer's name for a region ("辽宁省" -> "Liaoning"), else the name as given.

    Stored facts carry the gazetteer's English names already ("Liaoning",
    "Northeast China"), and loading the gazetteer costs a noticeable part of
    a second, so names of that shape are taken as they are; anything else (a
    Chinese name typed into a manual result, "liaoning province") is looked up.
    """
    if not region or not region.strip():
        return None
    if _CANONICAL_SHAPE.match(region) and not region.endswith((" Province", " City")):
        return region
    try:
        from zhenxing.extract.regions import canonical_region as canon
    except ImportError:  # pragma: no cover - the extractor ships with the package
        return region.strip()
    try:
        return canon(region) or region.strip()
    except Exception:  # a faulty gazetteer must not break tracking
        return region.strip()


def _key_part(text: str | None) -> str:
    return "_".join((text or "").split()) or "-"


@cache
def series_key(indicator: str | None, label: str | None, region: str | None, change: str) -> str:
    """``gdp:Liaoning:growth``; a fact without an indicator uses ``~`` + its normalized label."""
    # A label can be a whole clause: keys keep its first 80 characters, so a target key stays
    # short enough to type and to store (the closed loop files overrides under it).
    what = indicator or "~" + (normalize_label(label)[:80].rstrip("_") or "unlabelled")
    return f"{_key_part(what)}:{_key_part(canonical_region(region))}:{_key_part(change)}"


def fact_series_key(fact: Fact) -> str:
    return series_key(fact.indicator, fact.label, fact.region, fact.change)


def value_token(value: float) -> str:
    """A value as it appears in a key: ``5.5``, ``450000``, ``2758400000000``."""
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return f"{value:.10g}"


def observation_key(series: str, period: str | None, kind: str, value: float, unit: str | None) -> str:
    return f"{series}:{_key_part(period)}:{kind}:{value_token(value)}{unit or ''}"


# -- bulk work ---------------------------------------------------------------------------------


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small records are made.

    Series, observations and sources hold no reference cycles, yet every few
    hundred allocations the collector walks them all: on a ledger of 100,000
    facts that was nearly half the time of ``zhenxing targets``. Reference
    counting still frees everything; the collector resumes on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- documents -------------------------------------------------------------------------------


class DocumentIndex:
    """Documents (``DocumentInfo`` or anything with ``id``, ``name``, ``date``, ``translation_of``)
    by id and by name, whichever key the caller's mapping used."""

    def __init__(self, documents: DocumentIndex | Mapping[str, Any] | Iterable[Any] | None) -> None:
        if isinstance(documents, DocumentIndex):
            values: list[Any] = list(documents.by_id.values())
        elif isinstance(documents, Mapping):
            values = list(documents.values())
        else:
            values = list(documents or [])
        self.by_id: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        for doc in values:
            if getattr(doc, "id", None):
                self.by_id[doc.id] = doc
            if getattr(doc, "name", None):
                self.by_name.setdefault(doc.name, doc)

    def of(self, fact: Fact) -> Any | None:
        return self.by_id.get(fact.doc_id) or self.by_name.get(fact.doc)

    def date(self, fact: Fact) -> str | None:
        doc = self.of(fact)
        return getattr(doc, "date", None) if doc is not None else None

    def original_of(self, doc: Any) -> Any | None:
        """The document ``doc`` is a translation of, when it is in the index."""
        name = getattr(doc, "translation_of", None)
        if not name:
            return None
        return self.by_name.get(name) or self.by_id.get(name)

    def pairs(self) -> list[tuple[Any, Any]]:
        """(original, translation) for every translation whose original is known, in name order."""
        out = []
        for doc in sorted(self.by_id.values(), key=lambda d: (d.name, d.id)):
            original = self.original_of(doc)
            if original is not None and original.id != doc.id:
                out.append((original, doc))
        return out

    def is_translation(self, fact: Fact) -> bool:
        doc = self.of(fact)
        return bool(doc is not None and getattr(doc, "translation_of", None))

    def newest_date(self) -> date | None:
        dates = [d for d in (parse_date(getattr(x, "date", None)) for x in self.by_id.values()) if d]
        return max(dates) if dates else None


def _date_order(value: str | None) -> tuple[int, date]:
    parsed = parse_date(value)
    return (0, parsed) if parsed else (1, date.max)


# -- translation linking ---------------------------------------------------------------------


def _figure_token(fact: Fact) -> str:
    # Alignment anchors on the figure: the same number in base units in both languages.
    return f"{abs(fact.value):.6g}"


def _linkable(a: Fact, b: Fact) -> bool:
    """Figures in the same place of a translation whose values differ: linked only when they
    plainly speak of the same thing (same change, and the same indicator or unit)."""
    if a.change != b.change:
        return False
    return (a.indicator is not None and a.indicator == b.indicator) or a.unit == b.unit


def align_translation(original: list[Fact], translation: list[Fact]) -> list[tuple[Fact, Fact]]:
    """Pairs (original fact, translated fact) stating the same figure, both lists in text order."""
    a = [_figure_token(f) for f in original]
    b = [_figure_token(f) for f in translation]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    pairs: list[tuple[Fact, Fact]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(original[i1:i2], translation[j1:j2], strict=True))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            pairs.extend(
                (x, y) for x, y in zip(original[i1:i2], translation[j1:j2], strict=True) if _linkable(x, y)
            )
    return pairs


def translation_discrepancies(original: Fact, translated: Fact) -> list[str]:
    """What a translation changed about a figure: its unit, its value."""
    problems = []
    if original.unit != translated.unit:
        problems.append("the translation changed the unit")
    if original.value != translated.value:
        step_o = rounding_step(original.value, original.text)
        step_t = rounding_step(translated.value, translated.text)
        converted = convert(translated.value, translated.unit, original.unit)
        check = converted if converted is not None else translated.value
        if not agree(original.value, step_o, check, step_t):
            problems.append("the translation changed the figure")
    if not problems:
        return []
    from zhenxing.formats import format_value

    said = f"{translated.doc} says {format_value(translated.value, translated.unit)}"
    where = f"where {original.doc} says {format_value(original.value, original.unit)}"
    return [f"{said} {where}: {problem}" for problem in problems]


# -- statements and observations -------------------------------------------------------------


@dataclass(slots=True)
class _Statement:
    """A figure as stated once: a fact, or a fact and its counterparts in translations."""

    fact: Fact  # the reading that decides series, period and kind (the original's, if observed)
    members: list[Fact]  # every linked fact, ``fact`` first
    period: str | None
    discrepancies: list[str] = field(default_factory=list)
    step: float = 0.0
    sentences: frozenset[tuple[str, int]] = frozenset()

    def __post_init__(self) -> None:
        self.sentences = frozenset((m.doc_id, m.sentence_start) for m in self.members)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id becomes the root: deterministic whatever the order of calls.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def _statements(facts: list[Fact], docs: DocumentIndex) -> list[_Statement]:
    by_id: dict[str, Fact] = {}
    for f in facts:
        by_id.setdefault(f.id, f)

    doc_order: dict[str, tuple[bool, tuple[int, date]]] = {}

    def order(f: Fact) -> tuple[Any, ...]:
        head = doc_order.get(f.doc_id)
        if head is None:
            head = doc_order[f.doc_id] = (docs.is_translation(f), _date_order(docs.date(f)))
        return (*head, f.doc, f.start, f.end)

    pairs = docs.pairs()
    paired_docs = {d.id for pair in pairs for d in pair}
    links = _UnionFind()
    notes: dict[str, list[str]] = defaultdict(list)
    if paired_docs:
        by_doc: dict[str, list[tuple[str, Fact]]] = defaultdict(list)
        for fid, f in by_id.items():
            if f.doc_id in paired_docs:
                by_doc[f.doc_id].append((fid, f))
        for group in by_doc.values():
            group.sort(key=lambda item: (item[1].start, item[1].end, item[0]))
        for original, translation in pairs:
            if original.id not in by_doc or translation.id not in by_doc:
                continue
            o_facts = [f for _, f in by_doc[original.id]]
            t_facts = [f for _, f in by_doc[translation.id]]
            for o, t in align_translation(o_facts, t_facts):
                links.union(o.id, t.id)
                notes[t.id].extend(translation_discrepancies(o, t))

    groups: dict[str, list[Fact]] = defaultdict(list)
    statements = []
    for fid, f in by_id.items():
        if f.doc_id in paired_docs:
            groups[links.find(fid)].append(f)
        elif f.kind in OBSERVED_KINDS:  # the common case: a fact stated once, no translation
            statements.append(_Statement(f, [f], f.period, [], rounding_step(f.value, f.text)))
    for members in groups.values():
        members.sort(key=order)
        observed = [m for m in members if m.kind in OBSERVED_KINDS]
        if not observed:
            continue
        lead = observed[0]
        ordered = [lead] + [m for m in members if m is not lead]
        period = lead.period or next((m.period for m in ordered if m.period), None)
        found = [n for m in ordered for n in notes.get(m.id, [])]
        statements.append(_Statement(lead, ordered, period, found, rounding_step(lead.value, lead.text)))
    statements.sort(key=lambda st: order(st.fact))
    return statements


def _source(fact: Fact, docs: DocumentIndex) -> Source:
    return Source(
        fact_id=fact.id,
        doc=fact.doc,
        doc_id=fact.doc_id,
        doc_date=docs.date(fact),
        quote=fact.quote,
        start=fact.start,
        end=fact.end,
        sentence_start=fact.sentence_start,
        sentence_end=fact.sentence_end,
        language=fact.language,
        value=fact.value,
        unit=fact.unit,
        text=fact.text,
    )


@dataclass(slots=True)
class _Cluster:
    statements: list[_Statement]
    sentences: set[tuple[str, int]] = field(default_factory=set)

    @property
    def lead(self) -> _Statement:
        return self.statements[0]

    def accepts(self, st: _Statement) -> bool:
        lead = self.lead
        if not comparable(st.fact.unit, lead.fact.unit):
            return False
        if not self.sentences.isdisjoint(st.sentences):
            return False  # two figures of one sentence measure two things
        value = convert(st.fact.value, st.fact.unit, lead.fact.unit)
        assert value is not None
        ratio = abs(value / st.fact.value) if st.fact.value else 1.0
        return agree(lead.fact.value, lead.step, value, st.step * ratio)

    def add(self, st: _Statement) -> None:
        self.statements.append(st)
        self.sentences.update(st.sentences)


def build_series(
    facts: list[Fact], documents: DocumentIndex | Mapping[str, Any] | Iterable[Any] | None
) -> list[Series]:
    """Series of the given facts, with observations merged across documents and translations.

    ``documents`` maps ids or names to document records (``Ledger.documents()``
    entries or anything with ``id``, ``name``, ``date``, ``translation_of``); it
    gives the sources their dates and the translation pairs. Output is sorted
    by series key, observations by period then kind (target before result).
    """
    docs = DocumentIndex(documents)
    clusters: dict[tuple[str, str | None, str], list[_Cluster]] = defaultdict(list)
    for st in _statements(facts, docs):
        bucket = clusters[(fact_series_key(st.fact), st.period, st.fact.kind)]
        for cluster in bucket:
            if cluster.accepts(st):
                cluster.add(st)
                break
        else:
            bucket.append(_Cluster([st], set(st.sentences)))

    by_series: dict[str, list[Observation]] = defaultdict(list)
    seen_keys: Counter[str] = Counter()
    ordered = sorted(clusters.items(), key=lambda kv: (kv[0][0], period_sort_key(kv[0][1]), kv[0][2]))
    for (skey, period, kind), bucket in ordered:
        for cluster in bucket:
            lead = cluster.lead.fact
            key = observation_key(skey, period, kind, lead.value, lead.unit)
            seen_keys[key] += 1
            if seen_keys[key] > 1:
                key = f"{key}#{seen_keys[key]}"
            sources = [_source(m, docs) for st in cluster.statements for m in st.members]
            notes = [n for st in cluster.statements for n in st.discrepancies]
            by_series[skey].append(
                Observation(
                    key=key,
                    series_key=skey,
                    indicator=lead.indicator,
                    label=lead.label,
                    region=canonical_region(lead.region),
                    change=lead.change,
                    period=period,
                    kind=kind,
                    value=lead.value,
                    unit=lead.unit,
                    comparator=lead.comparator,
                    sources=sources,
                    discrepancies=list(dict.fromkeys(notes)),
                )
            )

    out = []
    for skey in sorted(by_series):
        observations = by_series[skey]
        observations.sort(key=lambda o: (period_sort_key(o.period), o.kind != "target", o.key))
        units = Counter(o.unit for o in observations)
        first = observations[0]
        unit = max(units, key=lambda u: (units[u], u == first.unit))
        out.append(
            Series(
                key=skey,
                indicator=first.indicator,
                label=first.label,
                region=first.region,
                change=first.change,
                unit=unit,
                observations=observations,
            )
        )
    return out


# -- reading from the ledger -------------------------------------------------------------------


def fetch_facts(ledger: Ledger, *conditions: Any) -> list[Fact]:
    """Facts matching SQL ``conditions`` on ``FactRow`` (all of them), in document order.

    Tracking filters in SQL (kinds, indicators, regions, years) and builds
    series in memory from what is left, so a query on a large ledger reads a
    small part of it. People's corrections are laid over the extracted facts
    and rejected facts are left out, as ``Ledger.facts`` does; corrected facts
    come whatever the filters (there are few, and callers filter again), since
    the SQL saw their extracted values.
    """
    from dataclasses import fields

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from zhenxing.ledger.models import FactRow

    query = select(*(getattr(FactRow, f.name) for f in fields(Fact)))  # in field order: Fact(*row)
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    with Session(ledger.engine) as session:
        facts = [Fact(*row) for row in session.execute(query)]
        overlay = _corrections(session)
        if overlay:
            from zhenxing.ledger.closed_loop import (
                apply_correction,
                fact_from_row,
                is_rejected,
                reviewed_rows,
            )

            facts = [f for f in facts if (f.doc_id, f.start, f.end) not in overlay]
            for row in reviewed_rows(session, overlay):
                fact = apply_correction(fact_from_row(row), overlay[(row.doc_id, row.start, row.end)])
                if not is_rejected(fact):
                    facts.append(fact)
    facts.sort(key=lambda f: (f.doc, f.doc_id, f.start, f.end, f.id))
    return facts


def _corrections(session: Any) -> dict[tuple[str, int, int], Any]:
    """The closed loop's corrections by figure span; none in a build without it."""
    try:
        from zhenxing.ledger.closed_loop import load_overlay
    except ImportError:  # pragma: no cover - the closed loop ships with the package
        return {}
    return load_overlay(session)


@dataclass(frozen=True, slots=True)
class DocumentStub:
    """What tracking needs of a document: its name, date and the original it translates."""

    id: str
    name: str
    date: str | None
    translation_of: str | None
    language: str = "en"


def document_index(ledger: Ledger) -> DocumentIndex:
    """The ledger's documents for tracking, read in one light query.

    ``Ledger.documents()`` also counts every document's facts, which a ledger
    of 100,000 facts takes a fifth of a second to do; tracking needs only
    names, dates and translation links.
    """
    from sqlalchemy import select

    from zhenxing.ledger.models import DocumentRow

    query = select(
        DocumentRow.id, DocumentRow.name, DocumentRow.date, DocumentRow.translation_of, DocumentRow.language
    ).order_by(DocumentRow.name, DocumentRow.id)
    with ledger.engine.connect() as conn:
        return DocumentIndex([DocumentStub(*row) for row in conn.execute(query)])


def region_condition(region: str | None) -> Any:
    """SQL: the fact's region is ``region`` in any written form the gazetteer knows."""
    if not region:
        return None
    from sqlalchemy import func, or_

    from zhenxing.ledger.models import FactRow

    names = {region.strip(), canonical_region(region.strip()) or ""} - {""}
    return or_(*(func.lower(FactRow.region) == n.lower() for n in sorted(names)))


def period_condition(period: str | None) -> Any:
    """SQL: the fact's period is ``period`` or inside it by name (``2022`` finds ``2022-H1``)."""
    if not period:
        return None
    from sqlalchemy import or_

    from zhenxing.ledger.models import FactRow

    p = period.strip()
    return or_(FactRow.period == p, FactRow.period.startswith(p + "-", autoescape=True))


def translation_facts(
    ledger: Ledger, docs: DocumentIndex, touching: Iterable[Fact] | None = None
) -> list[Fact]:
    """Every fact of documents in a translation pair: alignment needs them all, ``other`` ones too.

    With ``touching``, only the pairs one of whose documents states one of those facts.
    """
    pairs = docs.pairs()
    if touching is not None:
        present = {f.doc_id for f in touching}
        pairs = [p for p in pairs if p[0].id in present or p[1].id in present]
    ids = sorted({d.id for pair in pairs for d in pair})
    if not ids:
        return []
    from zhenxing.ledger.models import FactRow

    return fetch_facts(ledger, FactRow.doc_id.in_(ids))


def merge_facts(*groups: Iterable[Fact]) -> list[Fact]:
    """Facts of several queries, each once, in document order."""
    seen: dict[str, Fact] = {}
    for group in groups:
        for fact in group:
            seen.setdefault(fact.id, fact)
    return sorted(seen.values(), key=lambda f: (f.doc, f.doc_id, f.start, f.end, f.id))


def series_from_ledger(
    ledger: Ledger,
    indicator: str | None = None,
    region: str | None = None,
    *,
    keys: Iterable[str] | None = None,
) -> list[Series]:
    """Series of the ledger, optionally of one indicator (or unlisted label), region, or set of series keys.

    ``indicator`` is a taxonomy id (``gdp``); for figures the taxonomy does
    not name, words of their label ("dilapidated neighborhoods") find the
    series built from it. ``keys`` (series keys, as ``Observation.series_key``)
    narrows the query to those series: a report that shows the series of its
    verdicts should pass them rather than build every series of the ledger.
    """
    from sqlalchemy import and_, or_

    from zhenxing.ledger.models import FactRow

    docs = document_index(ledger)
    wanted = indicator.strip() if indicator else None
    conditions: list[Any] = [FactRow.kind.in_(OBSERVED_KINDS), region_condition(region)]
    if wanted:
        conditions.append(
            or_(
                FactRow.indicator == wanted,
                and_(FactRow.indicator.is_(None), FactRow.label.icontains(wanted, autoescape=True)),
            )
        )
    wanted_keys = set(keys) if keys is not None else None
    if wanted_keys is not None:
        conditions.append(_keys_condition(wanted_keys))
    found_facts = fetch_facts(ledger, *conditions)
    facts = merge_facts(found_facts, translation_facts(ledger, docs, found_facts))
    with bulk():
        found = build_series(facts, docs)
    if wanted:
        exact = [s for s in found if s.indicator == wanted]
        words = normalize_label(wanted)
        # Unlisted figures: the series whose label holds the words asked for.
        found = exact or [
            s for s in found if s.indicator is None and words and words in s.key.split(":", 1)[0]
        ]
    if region:
        canon = canonical_region(region)
        found = [s for s in found if (s.region or "").lower() in {(canon or "").lower(), region.lower()}]
    if wanted_keys is not None:
        found = [s for s in found if s.key in wanted_keys]
    return found


def all_series(ledger: Ledger) -> tuple[list[Series], list[Fact]]:
    """Every series of the ledger (``series_from_ledger()`` unfiltered) and the facts they are built from.

    The server builds the series once and finds the conflicts among them
    from the same build (``conflicts.conflicts_in``), rather than building
    them a second time from the results alone: building is most of the cost
    of both, and a target never changes how results cluster.
    """
    from zhenxing.ledger.models import FactRow

    docs = document_index(ledger)
    found = fetch_facts(ledger, FactRow.kind.in_(OBSERVED_KINDS))
    facts = merge_facts(found, translation_facts(ledger, docs, found))
    with bulk():
        return build_series(facts, docs), facts


def _keys_condition(keys: set[str]) -> Any:
    """SQL narrowing facts to what the series ``keys`` can hold: their indicators and regions."""
    from sqlalchemy import false, or_

    from zhenxing.ledger.models import FactRow

    if not keys:
        return false()
    parts = [k.split(":") for k in keys]
    indicators = sorted({p[0] for p in parts if not p[0].startswith("~")})
    labelled = any(p[0].startswith("~") for p in parts)
    regions = sorted({p[1].replace("_", " ") for p in parts if len(p) > 1 and p[1] != "-"})
    unplaced = any(len(p) > 1 and p[1] == "-" for p in parts)
    what = or_(FactRow.indicator.in_(indicators), FactRow.indicator.is_(None) if labelled else false())
    where = or_(FactRow.region.in_(regions), FactRow.region.is_(None) if unplaced else false())
    return what & where
