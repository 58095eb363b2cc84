"""The scorecard: a period's targets by area, with their verdicts, series and sources, as HTML or Markdown.

``zhenxing report --period 2022 --region Liaoning --out report.html`` is what a
reader of the ledger sees first, so every figure on it is a link to the
sentence that states it (a numbered entry of the "Sources" section, the figure
marked in the quote), and nothing on it comes from anywhere but the ledger.

Three steps, each testable on its own:

* :func:`build_report` asks the tracking logic (``ledger.verdicts``,
  ``ledger.series``, ``ledger.conflicts``) for the period's verdicts, the
  series of their targets and the conflicts, and numbers every quoted source
  once (documents by date, sentences by position), so the HTML and the
  Markdown cite the same source by the same number.
* :func:`render_html` fills ``templates/report.html.j2`` (Jinja2, autoescape
  on). Document text is untrusted: it only ever reaches the page through
  autoescaped expressions, so a ``<script>`` in a sentence is shown, not run.
  The page is one self-contained file: inline CSS, inline SVG charts, no
  script, no fonts or images to fetch; its own ``Content-Security-Policy``
  meta allows nothing but that one stylesheet (by hash), so even a page opened
  from disk cannot load or run anything.
* :func:`render_markdown` fills ``templates/report.md.j2`` with GitHub
  Markdown: tables, and footnotes for the sources. Its Jinja environment
  escapes every expression for Markdown (``finalize``) unless a helper built
  the Markdown itself from escaped parts (:class:`MdSafe`), the Markdown
  counterpart of autoescape.

Charts are drawn here as small inline SVGs (a sparkline per series, targets as
hollow diamonds and results as dots, each a link to its source) rather than
with a plotting library: a few dozen coordinates do not justify a dependency,
and the output must be byte-for-byte deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhenxing.errors import ZhenxingError
from zhenxing.formats import format_value
from zhenxing.ledger.tracking_model import (
    RULE_VERSION,
    STATUSES,
    Conflict,
    Observation,
    Series,
    Source,
    Verdict,
)

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment

    from zhenxing.ledger.store import DocumentInfo, Ledger

__all__ = [
    "AREA_TITLES",
    "AreaGroup",
    "Chart",
    "ComputedInput",
    "DocumentRef",
    "Report",
    "ReportError",
    "SourceRef",
    "build_report",
    "render_html",
    "render_markdown",
    "report_format",
    "write_report",
]

# Area ids of data/indicators.yaml -> (English, Chinese) headings, as work reports name their chapters.
# Areas not listed here are shown by their id; figures the taxonomy does not name come last.
AREA_TITLES: dict[str, tuple[str, str]] = {
    "economy": ("Economy", "经济发展"),
    "innovation": ("Innovation", "科技创新"),
    "opening": ("Opening up", "对外开放"),
    "reform": ("Reform", "深化改革"),
    "rural": ("Rural revitalization", "乡村振兴"),
    "livelihood": ("Livelihood", "民生保障"),
    "digital": ("Digital economy", "数字经济"),
    "industry": ("Industry", "产业发展"),
    "green": ("Green development", "绿色发展"),
    "other": ("Other indicators", "其他指标"),
}
UNCLASSIFIED = "unclassified"
UNCLASSIFIED_TITLE = ("Figures outside the taxonomy", "未归类指标")

STATUS_SYMBOLS = {"met": "✓", "missed": "✗", "pending": "◷", "no result": "–"}
_COMPARATOR_SIGNS = {"=": "", ">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ ", "~": "≈ "}
_CHANGE_WORDS = {"growth": "growth", "delta": "change", "level": "level"}
_LANG = {"zh": "zh-Hans", "en": "en"}


class ReportError(ZhenxingError):
    """A report cannot be made as asked: a bad period, an unknown region, no targets, an unwritable file."""


# -- the records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A document the report quotes: what the Sources section says about it."""

    id: str
    name: str
    title: str | None
    date: str | None
    source: str | None  # where it came from (often a URL): shown as text, never as a link
    language: str
    anchor: str  # "doc-1"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One quoted sentence of the Sources section: the fact's grounding and its number."""

    number: int
    anchor: str  # "src-3": the id of its entry, the href of every figure it states
    source: Source
    document: DocumentRef

    @property
    def lang(self) -> str | None:
        """The quote's language as an HTML ``lang`` (a CJK font is picked for ``zh-Hans``)."""
        return _LANG.get(self.source.language)

    def parts(self) -> tuple[str, str, str]:
        """The quote split around the figure (before, figure, after), for ``<mark>`` or bold.

        The fact's offsets are used when they land on the figure as written;
        otherwise the figure is searched for; failing both nothing is marked.
        """
        s = self.source
        quote = s.quote
        a, b = s.start - s.sentence_start, s.end - s.sentence_start
        if not (0 <= a < b <= len(quote)) or (s.text and quote[a:b] != s.text):
            found = quote.find(s.text) if s.text else -1
            if found < 0:
                return quote, "", ""
            a, b = found, found + len(s.text)
        return quote[:a], quote[a:b], quote[b:]


@dataclass(frozen=True, slots=True)
class ComputedInput:
    """One figure a computed result was derived from (``700 items`` for ``2022``), with its sources."""

    figure: str
    period: str | None
    refs: list[SourceRef]
    notes: list[str]  # discrepancies between its statements


@dataclass(slots=True)
class AreaGroup:
    """The verdicts of one taxonomy area, in the order ``evaluate`` gives them."""

    area: str
    title: str
    title_zh: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return _count(self.verdicts)


@dataclass(slots=True)
class Report:
    """Everything a scorecard shows, ready to render; built by :func:`build_report`."""

    period: str
    region: str | None  # the gazetteer's name when it knows the place
    region_zh: str | None
    as_of: str | None
    areas: list[AreaGroup]
    series: list[Series]  # the series of the targets, observations stated by ``as_of``
    conflicts: list[Conflict]
    documents: list[DocumentRef]  # every document quoted, by date then name
    sources: list[SourceRef]  # every quoted sentence, numbered, in document order
    # The level observations computed results were derived from, by key (``Observation.derived_from``).
    inputs: dict[str, Observation] = field(default_factory=dict)
    rule_version: str = RULE_VERSION
    generator: str = ""
    # Lookups the templates use for every figure, built once (a whole-ledger report has thousands).
    _by_fact: dict[str, SourceRef] = field(init=False, repr=False, compare=False)
    _by_series: dict[str, Series] = field(init=False, repr=False, compare=False)
    _by_doc: dict[str, list[SourceRef]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_fact = {r.source.fact_id: r for r in self.sources}
        self._by_series = {s.key: s for s in self.series}
        self._by_doc = {}
        for r in self.sources:
            self._by_doc.setdefault(r.document.id, []).append(r)

    @property
    def verdicts(self) -> list[Verdict]:
        return [v for group in self.areas for v in group.verdicts]

    @property
    def counts(self) -> dict[str, int]:
        """Targets per status, every status present (zero included), in ``STATUSES`` order."""
        return _count(self.verdicts)

    def refs(self, o: Observation) -> list[SourceRef]:
        """The numbered sources of an observation, each once, in source order."""
        index = self._by_fact
        return list({s.fact_id: index[s.fact_id] for s in o.sources if s.fact_id in index}.values())

    def inputs_of(self, o: Observation) -> list[ComputedInput]:
        """What a computed result was computed from: each input figure with its period and sources.

        The inputs are the observations named by ``derived_from`` (this
        year's level, last year's), each with every statement of it (a
        translation's too, with its discrepancy noted). When one cannot be
        found the sources are grouped by value instead.
        """
        found = [self.inputs[k] for k in o.derived_from if k in self.inputs]
        if len(found) == len(o.derived_from):
            return [ComputedInput(figure(i), i.period, self.refs(i), list(i.discrepancies)) for i in found]
        grouped: dict[tuple[float, str | None], list[Source]] = {}
        for s in o.sources:
            grouped.setdefault((s.value, s.unit), []).append(s)
        index = self._by_fact
        return [
            ComputedInput(
                source_figure(group[0]), None, [index[s.fact_id] for s in group if s.fact_id in index], []
            )
            for group in grouped.values()
        ]

    def series_for(self, key: str) -> Series | None:
        return self._by_series.get(key)

    def sources_of(self, doc: DocumentRef) -> list[SourceRef]:
        return list(self._by_doc.get(doc.id, ()))


def _count(verdicts: Iterable[Verdict]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    return counts


# -- building ------------------------------------------------------------------------------------


def build_report(
    ledger: Ledger,
    *,
    period: str,
    region: str | None = None,
    as_of: str | date | None = None,
) -> Report:
    """The scorecard of ``period`` (a year also takes its halves and quarters) for ``region``.

    Verdicts come from :func:`zhenxing.ledger.verdicts.evaluate` (with the
    ledger's own overrides and assignments), series from
    :func:`~zhenxing.ledger.series.series_from_ledger` (cut at ``as_of``, so a
    chart shows only what was known then), conflicts from
    :func:`~zhenxing.ledger.conflicts.find_conflicts`. Raises
    :class:`ReportError` for a period that cannot be read, a region neither the
    gazetteer nor the ledger knows, and a period with no targets: an empty
    scorecard would look like a clean one.
    """
    from zhenxing import __version__
    from zhenxing.ledger.conflicts import find_conflicts
    from zhenxing.ledger.series import parse_date, period_bounds, series_from_ledger
    from zhenxing.ledger.verdicts import evaluate

    wanted = (period or "").strip()
    if not wanted or period_bounds(wanted) is None:
        raise ReportError(f"--period {period!r}: not a period (2022, 2022-H1, 2022-01/2022-11 ...)")
    place, place_zh = _region(ledger, region)

    verdicts = evaluate(ledger, period=wanted, region=region, as_of=as_of)
    if not verdicts:
        where = f" in {place}" if place else ""
        raise ReportError(f"no targets for {wanted}{where} in the ledger")
    shown_as_of = next((v.as_of for v in verdicts if v.as_of), None)
    cutoff = parse_date(shown_as_of) if as_of is not None else None

    keys = {v.target.series_key for v in verdicts}
    derived = {k for v in verdicts for r in v.results for k in r.derived_from}
    series: list[Series] = []
    inputs: dict[str, Observation] = {}
    for found in series_from_ledger(ledger, region=region):
        if found.key not in keys and not any(k.startswith(found.key + ":") for k in derived):
            continue
        known = _until(found, cutoff)
        inputs.update((o.key, o) for o in known.observations if o.key in derived)
        if found.key in keys and known.observations:
            series.append(known)
    series.sort(key=lambda s: s.key)
    conflicts = find_conflicts(ledger, region=region, period=wanted, as_of=as_of)

    observations: list[Observation] = []
    for v in verdicts:
        observations.append(v.target)
        observations.extend(v.results)
    for s in series:
        observations.extend(s.observations)
    for c in conflicts:
        observations.extend(c.observations)
    observations.extend(inputs[k] for k in sorted(inputs))
    documents, sources = _number_sources(ledger, observations)

    return Report(
        period=wanted,
        region=place,
        region_zh=place_zh,
        as_of=shown_as_of,
        areas=_group_by_area(verdicts),
        series=series,
        conflicts=conflicts,
        documents=documents,
        sources=sources,
        inputs=inputs,
        rule_version=RULE_VERSION,
        generator=f"zhenxing {__version__}",
    )


def _region(ledger: Ledger, region: str | None) -> tuple[str | None, str | None]:
    """The gazetteer's English and Chinese names of ``region``; a place only the ledger knows stays as typed."""
    if region is None:
        return None, None
    if not region.strip():
        raise ReportError("--region: empty (leave it out for every region)")
    from zhenxing.extract.regions import canonical_region, region_of

    canon = canonical_region(region)
    if canon is None:
        if ledger.facts(region=region.strip(), limit=1):
            return region.strip(), None
        raise ReportError(f"--region {region!r}: neither the gazetteer nor the ledger knows this place")
    info = region_of(canon)
    return canon, info.zh if info else None


def _until(series: Series, cutoff: date | None) -> Series:
    """The series as known on ``cutoff``: statements dated later dropped, emptied observations too."""
    if cutoff is None:
        return series
    from zhenxing.ledger.series import parse_date

    def known(s: Source) -> bool:
        d = parse_date(s.doc_date)
        return d is None or d <= cutoff

    kept = []
    for o in series.observations:
        sources = [s for s in o.sources if known(s)]
        if len(sources) == len(o.sources):
            kept.append(o)
        elif sources:
            kept.append(_with_sources(o, sources))
    return Series(series.key, series.indicator, series.label, series.region, series.change, series.unit, kept)


def _with_sources(o: Observation, sources: list[Source]) -> Observation:
    return Observation(
        key=o.key,
        series_key=o.series_key,
        indicator=o.indicator,
        label=o.label,
        region=o.region,
        change=o.change,
        period=o.period,
        kind=o.kind,
        value=o.value,
        unit=o.unit,
        comparator=o.comparator,
        sources=sources,
        discrepancies=list(o.discrepancies),
        derived_from=list(o.derived_from),
    )


@cache
def _area_order() -> tuple[str, ...]:
    """Areas in the order the taxonomy file first uses them (economy first, as work reports do)."""
    from zhenxing.extract.indicators import taxonomy

    return tuple(dict.fromkeys(i.area for i in taxonomy().values()))


def area_of(indicator: str | None) -> str:
    """The taxonomy area of an indicator; :data:`UNCLASSIFIED` for figures the taxonomy does not name."""
    from zhenxing.extract.indicators import taxonomy

    known = taxonomy().get(indicator) if indicator else None
    return known.area if known else UNCLASSIFIED


def _group_by_area(verdicts: Sequence[Verdict]) -> list[AreaGroup]:
    groups: dict[str, AreaGroup] = {}
    for v in verdicts:
        area = area_of(v.target.indicator)
        if area not in groups:
            en, zh = (
                UNCLASSIFIED_TITLE
                if area == UNCLASSIFIED
                else AREA_TITLES.get(area, (area.replace("_", " ").capitalize(), ""))
            )
            groups[area] = AreaGroup(area, en, zh)
        groups[area].verdicts.append(v)
    order = {a: i for i, a in enumerate(_area_order())}
    return sorted(
        groups.values(), key=lambda g: (g.area == UNCLASSIFIED, order.get(g.area, len(order)), g.area)
    )


def _number_sources(
    ledger: Ledger, observations: Iterable[Observation]
) -> tuple[list[DocumentRef], list[SourceRef]]:
    """Every source once, numbered in reading order of the Sources section: documents by date
    (undated last) and name, sentences by position. Numbers depend only on the content."""
    by_fact: dict[str, Source] = {}
    for o in observations:
        for s in o.sources:
            by_fact.setdefault(s.fact_id, s)
    infos = {d.id: d for d in ledger.documents()}
    doc_ids = sorted(
        {s.doc_id for s in by_fact.values()},
        key=lambda i: _doc_order(infos.get(i), next(s for s in by_fact.values() if s.doc_id == i)),
    )
    documents: list[DocumentRef] = []
    sources: list[SourceRef] = []
    for n, doc_id in enumerate(doc_ids, 1):
        first = next(s for s in by_fact.values() if s.doc_id == doc_id)
        doc = _document_ref(infos.get(doc_id), first, f"doc-{n}")
        documents.append(doc)
        stated = sorted(
            (s for s in by_fact.values() if s.doc_id == doc_id),
            key=lambda s: (s.sentence_start, s.start, s.end, s.fact_id),
        )
        for s in stated:
            number = len(sources) + 1
            sources.append(SourceRef(number, f"src-{number}", s, doc))
    return documents, sources


def _doc_order(info: DocumentInfo | None, s: Source) -> tuple[Any, ...]:
    day = (info.date if info else None) or s.doc_date
    return (day is None, day or "", info.name if info else s.doc, s.doc_id)


def _document_ref(info: DocumentInfo | None, s: Source, anchor: str) -> DocumentRef:
    if info is None:  # a source whose document row is gone: say what the fact itself knows
        return DocumentRef(s.doc_id, s.doc, None, s.doc_date, None, s.language, anchor)
    return DocumentRef(info.id, info.name, info.title, info.date, info.source, info.language, anchor)


# -- what the templates show ----------------------------------------------------------------------


def format_figure(value: float, unit: str | None, comparator: str = "=") -> str:
    """A figure for the scorecard: ``> 5.5%``, ``≈ 24 million t``, ``450,000 people``."""
    return _COMPARATOR_SIGNS.get(comparator, comparator + " ") + format_value(value, unit)


def figure(o: Observation) -> str:
    """An observation's figure as stated (with its comparator for targets)."""
    return format_figure(o.value, o.unit, o.comparator if o.kind == "target" else "=")


def source_figure(s: Source) -> str:
    return format_figure(s.value, s.unit)


def indicator_names(o: Observation) -> tuple[str, str | None, bool]:
    """(English name, Chinese name, named by the taxonomy) of what an observation measures."""
    from zhenxing.extract.indicators import taxonomy

    known = taxonomy().get(o.indicator) if o.indicator else None
    if known is None:
        label = " ".join((o.label or "").split())
        return (label or "unlabelled figure"), None, False
    en = known.en[0] if known.en else known.id.replace("_", " ")
    return en[:1].upper() + en[1:], (known.zh[0] if known.zh else None), True


def change_word(o: Observation | Series) -> str:
    return _CHANGE_WORDS.get(o.change, o.change)


def progress_view(v: Verdict) -> tuple[int, str] | None:
    """(bar value 0-100, text) for delivery targets: ``(100, "103% delivered")``."""
    if v.progress is None:
        return None
    share = max(v.progress, 0.0)
    return min(round(share * 100), 100), f"{share:.0%} delivered"


def status_class(status: str) -> str:
    return "status-" + re.sub(r"[^a-z]+", "-", status.lower()).strip("-")


def bar_label(v: Verdict) -> str:
    """What an override or an on-track reading adds to a status badge."""
    notes = []
    if v.computed_status and v.computed_status != v.status:
        notes.append(f"overridden; the rule said {v.computed_status}")
    if v.on_track is not None:
        notes.append("on track" if v.on_track else "behind")
    return "; ".join(notes)


# -- charts ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartPoint:
    kind: str  # "target" | "result"
    x: str  # SVG coordinates, formatted once so the output is stable
    y: str
    shape: str  # circle centre for results ("cx cy"), diamond polygon points for targets
    label: str  # "2022 target: > 5.5% [source 3]"
    anchor: str | None  # "src-3"


@dataclass(frozen=True, slots=True)
class Chart:
    """A sparkline of one series: what the template needs to draw it, nothing to compute."""

    width: int
    height: int
    label: str  # the whole series in words, for screen readers
    result_path: str  # "M x y L x y ..." through the results in time order ("" for fewer than 2)
    target_path: str
    zero_y: str | None  # where the zero line is, when zero is in range
    points: list[ChartPoint]
    ticks: list[tuple[str, str, str]]  # (x, text-anchor, period) under the first and last points


CHART_WIDTH, CHART_HEIGHT = 168, 52
_PAD_X, _PAD_TOP, _PAD_BOTTOM = 6.0, 6.0, 14.0


def _period_position(period: str | None) -> float | None:
    """Where a period sits on the time axis: its last day, in fractional years (a target is
    due at the end of its period; a January-November result was known at the end of November)."""
    from zhenxing.ledger.series import period_bounds

    bounds = period_bounds(period)
    if bounds is None:
        return None
    end = bounds[1]
    days = (date(end.year, 12, 31) - date(end.year, 1, 1)).days + 1
    return end.year + end.timetuple().tm_yday / days


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def chart_for(report: Report, series: Series | None, unit: str | None = None) -> Chart | None:
    """The sparkline of a series: targets and results over the periods, each point linked to its source.

    Values are drawn in ``unit`` (the target's, in a scorecard row: what the
    verdict compares in; default the series'). Figures that cannot be
    converted to it, and figures without a readable period, are left out of
    the drawing, and its label says how many (the series table lists them).
    """
    if series is None:
        return None
    from zhenxing.ledger.series import period_sort_key
    from zhenxing.ledger.units_compare import convert

    unit = unit if unit is not None else series.unit
    plotted: list[tuple[float, float, Observation]] = []
    left_out = 0
    for o in sorted(series.observations, key=lambda o: (period_sort_key(o.period), o.kind, o.value, o.key)):
        x = _period_position(o.period)
        y = o.value if o.unit == unit else convert(o.value, o.unit, unit)
        if x is not None and y is not None:
            plotted.append((x, y, o))
        else:
            left_out += 1
    if not plotted:
        return None

    xs = [p[0] for p in plotted]
    ys = [p[1] for p in plotted]
    x_lo, x_hi = min(xs), max(xs)
    y_lo, y_hi = min(ys), max(ys)
    if y_lo == y_hi:
        spread = abs(y_lo) * 0.1 or 1.0
        y_lo, y_hi = y_lo - spread, y_hi + spread
    else:
        margin = (y_hi - y_lo) * 0.08
        y_lo, y_hi = y_lo - margin, y_hi + margin
    inner_w = CHART_WIDTH - 2 * _PAD_X
    inner_h = CHART_HEIGHT - _PAD_TOP - _PAD_BOTTOM

    def sx(x: float) -> float:
        return CHART_WIDTH / 2 if x_hi == x_lo else _PAD_X + (x - x_lo) / (x_hi - x_lo) * inner_w

    def sy(y: float) -> float:
        return _PAD_TOP + (y_hi - y) / (y_hi - y_lo) * inner_h

    # The lines go through one figure per period and kind (the one a verdict would use: the newest
    # statement), so two results for one year are two dots, not a vertical zigzag.
    from zhenxing.ledger.verdicts import best_first

    on_line: dict[tuple[str | None, str], Observation] = {}
    for key in dict.fromkeys((o.period, o.kind) for _, _, o in plotted):
        on_line[key] = best_first(o for _, _, o in plotted if (o.period, o.kind) == key)[0]

    points: list[ChartPoint] = []
    paths: dict[str, list[str]] = {"target": [], "result": []}
    for x, y, o in plotted:
        px, py = sx(x), sy(y)
        refs = report.refs(o)
        cited = f" [source {', '.join(str(r.number) for r in refs)}]" if refs else ""
        label = f"{o.period} {o.kind}: {figure(o)}{cited}"
        if o.kind == "target":
            shape = " ".join(
                f"{_num(a)},{_num(b)}"
                for a, b in ((px, py - 3.5), (px + 3.5, py), (px, py + 3.5), (px - 3.5, py))
            )
        else:
            shape = f"{_num(px)} {_num(py)}"
        points.append(ChartPoint(o.kind, _num(px), _num(py), shape, label, refs[0].anchor if refs else None))
        if on_line[(o.period, o.kind)] is o:
            paths.setdefault(o.kind, []).append(f"{_num(px)} {_num(py)}")

    def path(coords: list[str]) -> str:
        return "M" + " L".join(coords) if len(coords) > 1 else ""

    first, last = plotted[0], plotted[-1]
    ticks = [(_num(sx(first[0])), "start" if x_hi != x_lo else "middle", first[2].period or "")]
    if last[2].period != first[2].period and x_hi != x_lo:
        ticks.append((_num(sx(last[0])), "end", last[2].period or ""))
    name, name_zh, _ = indicator_names(plotted[0][2])
    where = f", {series.region}" if series.region else ""
    said = "; ".join(p.label for p in points)
    if left_out:
        said += (
            f" ({left_out} figure{'s' if left_out > 1 else ''} in another unit or without a period not drawn)"
        )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        label=f"{name} ({change_word(series)}{where}): {said}",
        result_path=path(paths["result"]),
        target_path=path(paths["target"]),
        zero_y=_num(sy(0.0)) if y_lo < 0 < y_hi else None,
        points=points,
        ticks=ticks,
    )


def series_rows(report: Report, series: Series) -> list[tuple[str, list[Observation], list[Observation]]]:
    """(period, targets, results) of a series, in period order, for the data tables beside the charts."""
    from zhenxing.ledger.series import period_sort_key

    periods: dict[str | None, tuple[list[Observation], list[Observation]]] = {}
    for o in sorted(series.observations, key=lambda o: period_sort_key(o.period)):
        targets, results = periods.setdefault(o.period, ([], []))
        (targets if o.kind == "target" else results).append(o)
    return [(p or "no period", t, r) for p, (t, r) in periods.items()]


def area_series(report: Report, group: AreaGroup) -> list[Series]:
    """The series of an area's targets, each once, in the order of the area's table."""
    seen: dict[str, Series] = {}
    for v in group.verdicts:
        s = report.series_for(v.target.series_key)
        if s is not None:
            seen.setdefault(s.key, s)
    return list(seen.values())


# -- HTML --------------------------------------------------------------------------------------------


def _template_globals(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "STATUSES": STATUSES,
        "STATUS_SYMBOLS": STATUS_SYMBOLS,
        "figure": figure,
        "indicator_names": indicator_names,
        "change_word": change_word,
        "progress_view": progress_view,
        "status_class": status_class,
        "bar_label": bar_label,
        "chart_for": lambda s, unit=None: chart_for(report, s, unit),
        "series_rows": lambda s: series_rows(report, s),
        "area_series": lambda g: area_series(report, g),
    }


@cache
def _html_environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("zhenxing.serve", "templates"),
        autoescape=True,  # every expression, whatever the template's name: document text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def stylesheet() -> str:
    """The page's CSS (ours, static): inserted as is, and allowed by its hash in the page's CSP."""
    css = resources.files("zhenxing.serve").joinpath("templates", "report.css").read_text(encoding="utf-8")
    if "</" in css:  # would end the <style> element early
        raise ReportError("report.css must not contain '</'")
    return css


def content_security_policy(css: str) -> str:
    """Nothing but our own inline stylesheet: no script, no fetches, no forms, no base URL."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(report: Report) -> str:
    """The scorecard as one self-contained HTML page (UTF-8, inline CSS and SVG, no script)."""
    from markupsafe import Markup

    css = stylesheet()
    template = _html_environment().get_template("report.html.j2")
    return template.render(
        css=Markup(css),  # our static file, never document text
        csp=content_security_policy(css),
        **_template_globals(report),
    )


# -- Markdown ----------------------------------------------------------------------------------------


class MdSafe(str):
    """Markdown built by a helper from escaped parts: the finalizer passes it through unescaped."""

    __slots__ = ()


# Characters that can start Markdown (or GitHub's math, strikethrough, table) syntax inside a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_WHITESPACE = re.compile(r"\s+")


def md_escape(text: object) -> str:
    """Plain text as inert GitHub Markdown on one line: HTML-escaped, syntax backslash-escaped.

    ``<`` and ``&`` become entities, so a ``<script>`` or ``<img onerror>`` in a
    quote is shown as text by any renderer (and no ``<http://...>`` autolink
    forms); ``[`` and ``]`` are escaped, so a ``[x](javascript:...)`` cannot
    become a link; emphasis, code, table, strikethrough and math markers are
    escaped. What only matters at the start of a line (``#``, ``>``, ``-``) is
    left alone: an expression never starts a line in these templates.
    """
    if text is None:
        return ""
    s = _WHITESPACE.sub(" ", str(text))  # one line, but a part's edge spaces are kept (``than **5.5%**``)
    s = s.replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _md_finalize(value: object) -> str:
    if isinstance(value, MdSafe):
        return value
    return md_escape(value)


@cache
def _md_environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("zhenxing.serve", "templates"),
        autoescape=False,
        finalize=_md_finalize,  # Markdown's autoescape: every {{ }} is escaped unless MdSafe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # A macro's output was escaped piece by piece as it was built: ``{{ cell(v)|built }}`` keeps it.
    env.filters["built"] = MdSafe
    return env


def _footnotes(refs: Sequence[SourceRef]) -> str:
    return "".join(f"[^s{n}]" for n in sorted({r.number for r in refs}))


def render_markdown(report: Report) -> str:
    """The scorecard as GitHub-flavoured Markdown: tables by area, footnotes quoting the sources."""

    def md_figure(o: Observation) -> MdSafe:
        """A figure followed by footnote references to every sentence that states it."""
        return MdSafe(md_escape(figure(o)) + _footnotes(report.refs(o)))

    def md_input(i: ComputedInput) -> MdSafe:
        """An input of a computed result: ``632 items[^s1][^s88] (2021)``."""
        period = f" ({md_escape(i.period)})" if i.period else ""
        notes = "".join(f" ⚠ {md_escape(n)}" for n in i.notes)
        return MdSafe(md_escape(i.figure) + _footnotes(i.refs) + period + notes)

    def md_quote(ref: SourceRef) -> MdSafe:
        before, fig, after = ref.parts()
        marked = f"**{md_escape(fig)}**" if fig else ""
        return MdSafe(f"“{md_escape(before)}{marked}{md_escape(after)}”")

    template = _md_environment().get_template("report.md.j2")
    text = template.render(
        md_figure=md_figure,
        md_input=md_input,
        md_quote=md_quote,
        md_refs=lambda refs: MdSafe(_footnotes(refs)),
        **_template_globals(report),
    )
    return re.sub(r"\n{3,}", "\n\n", text)


# -- writing ----------------------------------------------------------------------------------------


def report_format(path: str | os.PathLike[str], given: str | None = None) -> str:
    """``html`` or ``md``: as given, else from the extension (``.md``/``.markdown`` -> Markdown)."""
    if given:
        fmt = given.lower().strip()
        if fmt in ("markdown", "md"):
            return "md"
        if fmt in ("html", "htm"):
            return "html"
        raise ReportError(f"--format {given!r}: html or md")
    return "md" if Path(path).suffix.lower() in (".md", ".markdown") else "html"


def write_report(report: Report, path: str | os.PathLike[str], *, fmt: str | None = None) -> Path:
    """Render and write atomically: a reader never sees half a page, a failed write leaves the old file.

    The text goes to a new file beside ``path`` (created with the usual
    permissions, so the umask applies), is flushed to disk, then renamed over
    ``path``. Returns the path written.
    """
    target = Path(path)
    kind = report_format(target, fmt)
    text = render_markdown(report) if kind == "md" else render_html(report)
    if target.is_dir():
        raise ReportError(f"{target}: is a folder, not a file")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ReportError(f"{target}: no folder {folder} to write into")
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ReportError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target
