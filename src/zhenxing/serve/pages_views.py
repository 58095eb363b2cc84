"""What each dashboard page shows, computed from the ledger: page data and the tables in it.

Kept apart from the routes (``pages.py``) so a page's content can be built
and tested without a server, and so the CSV/XLSX download of a table calls the
very builder its page called (``EXPORTS``): the download cannot drift from
the screen.

Every page reads the ledger in a fixed number of queries, whatever the
number of targets or facts: verdicts, series and conflicts come from the
tracking stage's bulk functions (one read of the facts they need), document
titles and audit entries for a page's many ids come in one ``IN`` query
each. Nothing here loops over rows issuing a query per row.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlencode

from markupsafe import Markup

from zhenxing.ledger.tracking_model import STATUSES, Conflict, Observation, Rule, Series, Source, Verdict
from zhenxing.serve.pages_i18n import Translator
from zhenxing.serve.pages_tables import Cell, Column, Row, Table
from zhenxing.serve.pages_text import Mark, anchor_id, highlight, quote_html

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.closed_loop import AuditEntry
    from zhenxing.ledger.store import Ledger
    from zhenxing.model import Document, Fact

# The taxonomy's areas in the order work reports take them; figures outside the taxonomy go under "other".
AREAS = ("economy", "innovation", "digital", "industry", "reform", "opening", "rural", "green", "livelihood")
OTHER_AREA = "other"
ALL_REGIONS = "all"
SNIPPET_WIDTH = 90


# -- where tracking comes from -------------------------------------------------------------


class Tracking(Protocol):
    """Verdicts, series and conflicts: from the server's cache, or computed from the ledger."""

    def target_counts(self) -> dict[str, Counter[str]]: ...

    def verdicts(self, *, period: str | None, region: str | None) -> list[Verdict]: ...

    def verdict(self, key: str) -> Verdict: ...

    def series(self, name: str, region: str | None) -> list[Series]: ...

    def conflicts(
        self, *, indicator: str | None, region: str | None, period: str | None
    ) -> list[Conflict]: ...


@dataclass(frozen=True, slots=True)
class LedgerTracking:
    """Tracking computed on each call by the tracking stage: for tests and for a ledger without a server."""

    ledger: Ledger

    def target_counts(self) -> dict[str, Counter[str]]:
        """Per year, targets per region: one grouped count of the facts."""
        counts: dict[str, Counter[str]] = {}
        for (period, region, kind), n in self.ledger.count_facts("period", "region", "kind").items():
            year = _single_year(period) if kind == "target" else None
            if year is not None:
                counts.setdefault(year, Counter())[region or ""] += n
        return counts

    def verdicts(self, *, period: str | None, region: str | None) -> list[Verdict]:
        from zhenxing.ledger.verdicts import evaluate

        return evaluate(self.ledger, period=period, region=region)

    def verdict(self, key: str) -> Verdict:
        from zhenxing.ledger.verdicts import verdict_for

        return verdict_for(self.ledger, key)

    def series(self, name: str, region: str | None) -> list[Series]:
        from zhenxing.ledger.series import series_from_ledger

        return series_from_ledger(self.ledger, name, region)

    def conflicts(self, *, indicator: str | None, region: str | None, period: str | None) -> list[Conflict]:
        from zhenxing.ledger.conflicts import find_conflicts

        return find_conflicts(self.ledger, indicator=indicator, region=region, period=period)


@dataclass(frozen=True, slots=True)
class CachedTracking:
    """The server's tracking cache (``serve.api_cache.TrackingCache``): computed once per ledger generation.

    A dashboard asks the same questions over and over; the cache answers
    them from in-memory indexes and recomputes only when the ledger changed,
    so a page costs a few indexed lookups on a ledger of any size. The
    verdicts it returns are shared: pages only read them.
    """

    cache: Any

    def target_counts(self) -> dict[str, Counter[str]]:
        """Per year, targets per region, read from the cached verdicts (no scan of the facts)."""
        counts: dict[str, Counter[str]] = {}
        for v in self.cache.verdicts().verdicts:
            year = _single_year(v.target.period)
            if year is not None:
                counts.setdefault(year, Counter())[v.target.region or ""] += 1
        return counts

    def verdicts(self, *, period: str | None, region: str | None) -> list[Verdict]:
        index = self.cache.verdicts()
        return [index.verdicts[i] for i in index.select(period=period, region=region)]

    def verdict(self, key: str) -> Verdict:
        return self.cache.verdicts().find(key)  # type: ignore[no-any-return]

    def series(self, name: str, region: str | None) -> list[Series]:
        index = self.cache.series()
        return [index.series[i] for i in index.select(indicator=name, region=region)]

    def conflicts(self, *, indicator: str | None, region: str | None, period: str | None) -> list[Conflict]:
        from zhenxing.ledger.series import period_bounds
        from zhenxing.ledger.verdicts import TrackingError

        if period and period_bounds(period.strip()) is None:
            raise TrackingError(f"period {period!r}: not a period (2022, 2022-H1, 2022-01/2022-11 ...)")
        index = self.cache.conflicts()
        return [index.conflicts[i] for i in index.select(indicator=indicator, region=region, period=period)]


@dataclass(frozen=True, slots=True)
class Context:
    """What every page and table builder needs: the ledger, where tracking comes from, the language."""

    ledger: Ledger
    tracking: Tracking
    t: Translator


# -- URLs --------------------------------------------------------------------------------


def url_target(key: str) -> str:
    """A target page; keys hold ``:``, ``%``, ``#``, ``~`` and ``/`` (multi-year periods), all quoted."""
    return "/target/" + quote(key, safe="")


def url_document(doc_id: str, fact_id: str | None = None) -> str:
    """A document page; with a fact, opened on its sentence (``?fact=``) and scrolled to it (``#fact-``)."""
    base = "/document/" + quote(doc_id, safe="")
    if not fact_id:
        return base
    return f"{base}?{urlencode({'fact': fact_id})}#{anchor_id(fact_id)}"


def url_indicator(indicator: str | None, label: str | None = None, region: str | None = None) -> str:
    """An indicator page: by taxonomy id, or for figures outside the taxonomy by their label."""
    name = indicator or label or ""
    base = "/indicator/" + quote(name, safe="")
    return f"{base}?{urlencode({'region': region})}" if region else base


def url_with(path: str, params: Mapping[str, str | None]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def safe_external(url: str | None) -> str | None:
    """A document's source URL, only when it is http(s): a ``javascript:`` source stays plain text."""
    if not url:
        return None
    cleaned = url.strip()
    lowered = cleaned.lower()
    if lowered.startswith(("http://", "https://")) and not any(ch in cleaned for ch in "\"'<> \n\r\t"):
        return cleaned
    return None


# -- shared pieces -------------------------------------------------------------------------


def area_of(indicator: str | None) -> str:
    if not indicator:
        return OTHER_AREA
    from zhenxing.ledger.verdicts import indicator_traits

    traits = indicator_traits().get(indicator)
    area = traits.area if traits else OTHER_AREA
    return area if area in AREAS else OTHER_AREA


def snippet_html(
    quote_text: str, start: int, end: int, *, kind: str = "other", width: int = SNIPPET_WIDTH
) -> Markup:
    """A piece of a sentence around its figure (marked), for table cells; the full sentence is the export."""
    if len(quote_text) <= width or not 0 <= start < end <= len(quote_text):
        return quote_html(quote_text, start, end, kind=kind)
    room = max(0, width - (end - start))
    begin = max(0, min(start - room // 3, len(quote_text) - width))
    stop = min(len(quote_text), max(end, begin + width))
    head = "…" if begin > 0 else ""
    tail = "…" if stop < len(quote_text) else ""
    inner = quote_html(quote_text[begin:stop], start - begin, end - begin, kind=kind)
    return Markup("{}{}{}").format(head, inner, tail)


@dataclass(slots=True)
class SourceView:
    """A sentence that states a figure, ready for a page: where it is and the sentence, figure marked."""

    fact_id: str
    doc_id: str
    doc: str
    title: str | None
    date: str | None
    language: str
    url: str
    sentence: Markup
    figure: str


def document_titles(ledger: Ledger, doc_ids: Iterable[str]) -> dict[str, str | None]:
    """Titles of documents by id, in one query."""
    from sqlalchemy import select

    from zhenxing.ledger.models import DocumentRow

    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(DocumentRow.id, DocumentRow.title).where(DocumentRow.id.in_(ids)))
        return {row.id: row.title for row in rows}


def source_view(s: Source, kind: str, titles: Mapping[str, str | None]) -> SourceView:
    return SourceView(
        fact_id=s.fact_id,
        doc_id=s.doc_id,
        doc=s.doc,
        title=titles.get(s.doc_id),
        date=s.doc_date,
        language=s.language,
        url=url_document(s.doc_id, s.fact_id),
        sentence=quote_html(s.quote, s.start - s.sentence_start, s.end - s.sentence_start, kind=kind),
        figure=s.text,
    )


def status_cell(v: Verdict, t: Translator) -> Cell:
    note = None
    if v.override and v.computed_status:
        note = t("target.overridden")
    elif v.status == "pending" and v.on_track is not None:
        note = t("target.on_track") if v.on_track else t("target.behind")
    order = STATUSES.index(v.status) if v.status in STATUSES else len(STATUSES)
    return Cell(t.status(v.status), value=float(order), badge=v.status.replace(" ", "-"), note=note)


def observation_figure(o: Observation, t: Translator, *, comparator: bool = True) -> str:
    return t.figure(o.value, o.unit, o.comparator if comparator else "=")


# -- overview --------------------------------------------------------------------------------


@dataclass(slots=True)
class Overview:
    """A region's targets for a year: every verdict, the filtered list, and the choices offered."""

    year: str | None
    region: str | None  # None: all regions
    area: str | None
    status: str | None
    years: list[str]
    regions: list[str]
    verdicts: list[Verdict] = field(default_factory=list)
    shown: list[Verdict] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # area -> status -> n
    totals: dict[str, int] = field(default_factory=dict)
    as_of: str | None = None

    @property
    def params(self) -> dict[str, str]:
        return {
            "year": self.year or "",
            "region": self.region or ALL_REGIONS,
            "area": self.area or "",
            "status": self.status or "",
        }

    def link(self, **changes: str | None) -> str:
        params: dict[str, str | None] = dict(self.params)
        params.update(changes)
        return url_with("/", params)


def _single_year(period: str | None) -> str | None:
    """The year of a period within one year ("2022", "2022-H1", "2022-01/2022-11"); None for plans over years."""
    from zhenxing.demo import period_year

    year = period_year(period)
    return str(year[0]) if year is not None and not year[1] else None


def overview_data(ctx: Context, params: Mapping[str, str]) -> Overview:
    """The overview for the ``year``, ``region``, ``area`` and ``status`` asked (defaults: the busiest)."""
    from zhenxing.ledger.series import canonical_region

    by_year = ctx.tracking.target_counts()
    years = sorted(by_year, reverse=True)
    year = (params.get("year") or "").strip() or None
    if year not in by_year:
        year = max(by_year, key=lambda y: (sum(by_year[y].values()), y)) if by_year else None
    counts = by_year.get(year or "", Counter())
    regions = sorted((r for r in counts if r), key=lambda r: (-counts[r], r))
    asked = (params.get("region") or "").strip()
    if asked == ALL_REGIONS:
        region = None
    elif asked:
        region = canonical_region(asked) or asked
    else:
        region = regions[0] if regions else None
    area = (params.get("area") or "").strip() or None
    if area is not None and area not in (*AREAS, OTHER_AREA):
        area = None
    status = (params.get("status") or "").strip().replace("_", " ").replace("-", " ") or None
    if status is not None and status not in STATUSES:
        status = None

    view = Overview(year, region, area, status, years, regions)
    if year is None:
        return view
    view.verdicts = ctx.tracking.verdicts(period=year, region=region)
    for area_name in (*AREAS, OTHER_AREA):
        view.counts[area_name] = dict.fromkeys(STATUSES, 0)
    view.totals = dict.fromkeys(STATUSES, 0)
    for v in view.verdicts:
        a = area_of(v.target.indicator)
        view.counts[a][v.status] = view.counts[a].get(v.status, 0) + 1
        view.totals[v.status] = view.totals.get(v.status, 0) + 1
    if not any(view.counts[OTHER_AREA].values()):
        del view.counts[OTHER_AREA]
    view.shown = [
        v
        for v in view.verdicts
        if (area is None or area_of(v.target.indicator) == area) and (status is None or v.status == status)
    ]
    view.as_of = next((v.as_of for v in view.verdicts if v.as_of), None)
    return view


def scorecard_table(view: Overview, t: Translator) -> Table:
    columns = [Column("area", t("col.area"))]
    columns += [Column(s.replace(" ", "_"), t.status(s), numeric=True) for s in STATUSES]
    columns.append(Column("total", t("col.total"), numeric=True))
    rows = []
    for area, counts in view.counts.items():
        cells = [Cell(t.area(area), href=view.link(area=area, status=""))]
        for s in STATUSES:
            n = counts.get(s, 0)
            cells.append(
                Cell(
                    str(n),
                    value=float(n),
                    href=view.link(area=area, status=s) if n else None,
                    badge=s.replace(" ", "-") if n else None,
                )
            )
        total = sum(counts.values())
        cells.append(Cell(str(total), value=float(total)))
        classes = "active" if area == view.area else ""
        rows.append(Row(cells, id=f"area-{area}", classes=classes))
    total_cells = [Cell(t("col.all_areas"), href=view.link(area="", status=""))]
    for s in STATUSES:
        n = view.totals.get(s, 0)
        total_cells.append(Cell(str(n), value=float(n), href=view.link(area="", status=s) if n else None))
    grand = sum(view.totals.values())
    total_cells.append(Cell(str(grand), value=float(grand)))
    rows.append(Row(total_cells, id="area-all", classes="total"))
    return Table(
        "scorecard",
        columns,
        rows,
        params=view.params,
        caption=t("overview.scorecard"),
        empty=t("overview.no_targets"),
    )


def targets_table(view: Overview, t: Translator) -> Table:
    columns = [
        Column("status", t("col.status")),
        Column("area", t("col.area")),
        Column("indicator", t("col.indicator")),
        Column("target", t("col.target")),
        Column("result", t("col.result")),
        Column("period", t("col.period")),
        Column("region", t("col.region")),
        Column("owner", t("col.owner")),
        Column("due", t("col.due")),
        Column("source", t("col.source")),
    ]
    rows = []
    for v in view.shown:
        o = v.target
        best = v.results[0] if v.results else None
        result = Cell()
        if best is not None:
            result = Cell(
                observation_figure(best, t, comparator=False),
                note=t("target.by_period", period=best.period) if best.period != o.period else None,
            )
        first = o.sources[0] if o.sources else None
        source = Cell()
        if first is not None:
            source = Cell(first.doc, href=url_document(first.doc_id, first.fact_id), note=first.doc_date)
        assignment = v.assignment or {}
        rows.append(
            Row(
                [
                    status_cell(v, t),
                    Cell(t.area(area_of(o.indicator))),
                    Cell(
                        t.indicator(o.indicator, o.label),
                        href=url_target(o.key),
                        note=t.change(o.change),
                        title=o.label,
                    ),
                    Cell(observation_figure(o, t)),
                    result,
                    Cell(o.period or ""),
                    Cell(t.region(o.region)),
                    Cell(assignment.get("owner") or ""),
                    Cell(assignment.get("due") or ""),
                    source,
                ],
                classes=f"status-{v.status.replace(' ', '-')}",
            )
        )
    return Table(
        "targets",
        columns,
        rows,
        params=view.params,
        caption=t("overview.targets"),
        empty=t("overview.no_match"),
    )


# -- target ------------------------------------------------------------------------------------


def rule_text(rule: Rule, target: Observation, t: Translator) -> str:
    """The rule in the page's language, from its stored parts (the stored English sentence is shown too)."""
    # The fall rule must read exactly as the ledger applies it.
    from zhenxing.ledger.verdicts import _effective_comparator

    effective = _effective_comparator(target, rule.comparator)
    if rule.tolerance is None:
        tolerance = ""
    elif rule.tolerance_kind == "points":
        tolerance = t("rule.tolerance_points", n=f"{rule.tolerance:g}")
    else:
        tolerance = t("rule.tolerance_relative", n=f"{rule.tolerance * 100:g}")
    if effective in (">", ">=", "<", "<="):
        key = {">": "rule.gt", ">=": "rule.ge", "<": "rule.lt", "<=": "rule.le"}[effective]
        text = t(key)
        if effective != rule.comparator:
            text += t("rule.fall")
    elif rule.comparator == "~":
        text = t(
            f"rule.about.{rule.direction if rule.direction in ('higher', 'lower') else 'none'}", tol=tolerance
        )
    elif rule.direction == "higher":
        text = t("rule.reach")
    elif rule.direction == "lower":
        text = t("rule.not_exceed")
    else:
        text = t("rule.hit", tol=tolerance)
    return text


@dataclass(slots=True)
class ResultView:
    observation: Observation
    figure: str
    sources: list[SourceView]
    derived: bool


def verdict_summary(v: Verdict, t: Translator) -> str | None:
    """A judged target in the page's language: status, result against target, period and region.

    The tracking stage writes its explanation in English (it is stored and
    audited as such); pages in Chinese lead with this sentence and show the
    stored one beneath it.
    """
    if v.status not in ("met", "missed") or not v.results:
        return None
    o, best = v.target, v.results[0]
    return t(
        "target.summary",
        status=t.status(v.status),
        result=t.figure(best.value, best.unit),
        target=t.figure(o.value, o.unit, o.comparator),
        period=o.period or "",
        region=t.region(o.region) or t("common.no_region"),
    )


@dataclass(slots=True)
class TargetPage:
    verdict: Verdict
    area: str
    rule: str
    summary: str | None
    sources: list[SourceView]
    results: list[ResultView]
    audit: Table
    indicator_url: str


def audit_entries(
    ledger: Ledger, entity_ids: Iterable[str] | None = None, limit: int = 2000
) -> list[AuditEntry]:
    """Audit entries of some entities (all when None), oldest first, in one query."""
    from sqlalchemy import select

    from zhenxing.ledger.closed_loop import AuditEntry
    from zhenxing.ledger.models import AuditRow

    query = select(AuditRow)
    if entity_ids is not None:
        ids = sorted(set(entity_ids))
        if not ids:
            return []
        query = query.where(AuditRow.entity_id.in_(ids))
    query = query.order_by(AuditRow.id.desc()).limit(limit)
    with ledger.engine.connect() as conn:
        rows = list(conn.execute(query))
    entries = [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=r.entity_id,
            before=r.before,
            after=r.after,
            reason=r.reason,
        )
        for r in rows
    ]
    entries.reverse()
    return entries


def audit_table(entries: Sequence[AuditEntry], t: Translator, params: Mapping[str, str]) -> Table:
    columns = [
        Column("at", t("col.when")),
        Column("actor", t("col.who")),
        Column("action", t("col.action")),
        Column("entity", t("col.what")),
        Column("change", t("col.change")),
        Column("reason", t("col.reason")),
    ]
    rows = []
    for e in reversed(entries):  # newest first on screen
        href = url_target(e.entity_id) if e.entity_type == "target" else None
        if e.entity_type == "fact" and e.after and e.after.get("doc_id"):
            href = url_document(str(e.after["doc_id"]), e.entity_id)
        action = t(f"action.{e.action}") if t.has(f"action.{e.action}") else e.action
        rows.append(
            Row(
                [
                    Cell(e.at[:19].replace("T", " "), title=e.at),
                    Cell(e.actor),
                    Cell(action),
                    Cell(e.entity_id, href=href),
                    Cell(e.describe()),
                    Cell(e.reason or ""),
                ]
            )
        )
    return Table(
        "audit", columns, rows, params=dict(params), caption=t("audit.title"), empty=t("audit.empty")
    )


def target_page(ctx: Context, key: str) -> TargetPage:
    """The verdict on one target with its rule, sentences, results and trail (NotFoundError when unknown)."""
    ledger, t = ctx.ledger, ctx.t
    v = ctx.tracking.verdict(key)
    o = v.target
    every_source = [*o.sources, *(s for r in v.results for s in r.sources)]
    titles = document_titles(ledger, (s.doc_id for s in every_source))
    sources = [source_view(s, "target", titles) for s in o.sources]
    results = [
        ResultView(
            r,
            t.figure(r.value, r.unit),
            [source_view(s, "result", titles) for s in r.sources],
            bool(r.derived_from),
        )
        for r in v.results
    ]
    ids = {o.key, *(s.fact_id for s in every_source)}
    entries = audit_entries(ledger, ids)
    return TargetPage(
        verdict=v,
        area=area_of(o.indicator),
        rule=rule_text(v.rule, o, t),
        summary=verdict_summary(v, t),
        sources=sources,
        results=results,
        audit=audit_table(entries, t, {"key": o.key}),
        indicator_url=url_indicator(o.indicator, o.label, o.region),
    )


def target_audit_table(ctx: Context, params: Mapping[str, str]) -> Table:
    key = params.get("key") or ""
    if not key:
        return audit_table(audit_entries(ctx.ledger), ctx.t, {})
    return target_page(ctx, key).audit


# -- indicator -------------------------------------------------------------------------------


@dataclass(slots=True)
class SeriesView:
    series: Series
    title: str
    chart: str  # JSON for the chart script (a data-* attribute)
    table: Table
    skipped: int  # observations whose unit cannot be drawn on this series' axis


def _point(o: Observation, value: float, t: Translator) -> dict[str, Any]:
    first = o.sources[0] if o.sources else None
    return {
        "period": o.period or "?",
        "value": value,
        "figure": t.figure(o.value, o.unit, o.comparator if o.kind == "target" else "="),
        "url": url_document(first.doc_id, first.fact_id) if first else None,
        "doc": first.doc if first else "",
        "sources": len(o.sources),
    }


def series_view(s: Series, t: Translator, params: Mapping[str, str]) -> SeriesView:
    from zhenxing.ledger.series import period_sort_key
    from zhenxing.ledger.units_compare import convert

    periods = sorted(
        {o.period or "?" for o in s.observations}, key=lambda p: period_sort_key(None if p == "?" else p)
    )
    targets: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    skipped = 0
    for o in s.observations:
        value = convert(o.value, o.unit, s.unit)
        if value is None:
            skipped += 1
            continue
        (targets if o.kind == "target" else results).append(_point(o, value, t))
    title = f"{t.indicator(s.indicator, s.label)} · {t.region(s.region) or t('common.no_region')} · {t.change(s.change)}"
    chart = {
        "title": title,
        "unit": s.unit or "",
        "unitLabel": t.figure(1, s.unit).replace("1", "", 1).strip() if s.unit else "",
        "periods": periods,
        "targets": targets,
        "results": results,
        "lang": t.lang,
        "names": {"target": t("kind.target"), "result": t("kind.result")},
    }
    return SeriesView(
        s, title, json.dumps(chart, ensure_ascii=False), observations_table(s, t, params), skipped
    )


def observations_table(s: Series, t: Translator, params: Mapping[str, str]) -> Table:
    columns = [
        Column("period", t("col.period")),
        Column("kind", t("col.kind")),
        Column("figure", t("col.figure")),
        Column("value", t("col.value"), numeric=True),
        Column("unit", t("col.unit")),
        Column("source", t("col.source")),
        Column("sentence", t("col.sentence")),
    ]
    from zhenxing.ledger.series import period_sort_key

    order = {p: i for i, p in enumerate(sorted({o.period for o in s.observations}, key=period_sort_key))}
    rows = []
    for o in s.observations:
        first = o.sources[0] if o.sources else None
        sentence = Cell()
        source = Cell()
        if first is not None:
            sentence = Cell(
                first.quote,
                html=snippet_html(
                    first.quote,
                    first.start - first.sentence_start,
                    first.end - first.sentence_start,
                    kind=o.kind,
                ),
            )
            more = t("common.more_sources", n=len(o.sources) - 1) if len(o.sources) > 1 else None
            source = Cell(first.doc, href=url_document(first.doc_id, first.fact_id), note=more)
        rows.append(
            Row(
                [
                    Cell(o.period or "", value=float(order.get(o.period, 0))),
                    Cell(t.kind(o.kind)),
                    Cell(t.figure(o.value, o.unit, o.comparator if o.kind == "target" else "=")),
                    Cell(f"{o.value:g}", value=o.value),
                    Cell(o.unit or ""),
                    source,
                    sentence,
                ],
                classes=f"kind-{o.kind}",
            )
        )
    merged = {**params, "series": s.key}
    return Table("series", columns, rows, params=merged, caption=t("indicator.observations"), empty="")


@dataclass(slots=True)
class IndicatorPage:
    name: str
    title: str
    region: str | None
    area: str | None
    series: list[SeriesView]
    regions: list[str]


def indicator_page(ctx: Context, name: str, region: str | None) -> IndicatorPage:
    t = ctx.t
    # The series with the most figures first: a province's own series before a city mentioned once.
    found = sorted(ctx.tracking.series(name, region or None), key=lambda s: (-len(s.observations), s.key))
    params = {"name": name, "region": region or ""}
    views = [series_view(s, t, params) for s in found]
    regions = sorted({s.region for s in found if s.region})
    indicator = next((s.indicator for s in found if s.indicator), None)
    title = t.indicator(indicator, name) if indicator else name
    return IndicatorPage(name, title, region, area_of(indicator) if indicator else None, views, regions)


def series_table_export(ctx: Context, params: Mapping[str, str]) -> Table:
    t = ctx.t
    page = indicator_page(ctx, params.get("name") or "", params.get("region") or None)
    wanted = params.get("series")
    for view in page.series:
        if not wanted or view.series.key == wanted:
            return view.table
    return observations_table(Series("", None, "", None, "level", None), t, params)


# -- documents -------------------------------------------------------------------------------


@dataclass(slots=True)
class TextPane:
    """One document's text as HTML, with its facts; two panes side by side for a translation pair."""

    doc: Document
    html: Markup
    facts: list[Fact]
    role: str  # "single", "original" or "translation"


@dataclass(slots=True)
class DocumentPage:
    doc: Document
    info: Any  # DocumentInfo
    source_url: str | None
    panes: list[TextPane]
    facts: Table
    current: Fact | None
    counterpart: Any | None  # the other document of a translation pair
    counterpart_role: str | None  # what it is to this one: "original" or "translation"
    linked: int  # facts linked across the pair


def _marks(facts: Sequence[Fact], peers: Mapping[str, str], t: Translator) -> list[Mark]:
    out = []
    for f in facts:
        title = f"{t.kind(f.kind)} · {t.indicator(f.indicator, f.label)} · {f.period or ''}".strip(" ·")
        out.append(Mark(f.start, f.end, f.id, f.kind, peers.get(f.id), title))
    return out


def parse_span(text: str | None) -> tuple[int, int] | None:
    """``at=120-188`` (a sentence a search found) as offsets; None when absent or not two numbers."""
    if not text:
        return None
    start, sep, end = text.partition("-")
    if not sep or not start.isdigit() or not end.isdigit() or int(end) <= int(start):
        return None
    return int(start), int(end)


def document_page(
    ctx: Context, key: str, current_id: str | None = None, *, at: tuple[int, int] | None = None
) -> DocumentPage:
    """A document's text, every fact highlighted; with its translation or original beside it when the ledger has it.

    ``current_id`` (a fact) or ``at`` (a sentence's span) frames one sentence
    of the document, the one a link pointed at.
    """
    from zhenxing.ledger.series import align_translation, document_index

    ledger, t = ctx.ledger, ctx.t
    doc = ledger.document(key)
    info = ledger.document_info(doc.id)
    facts = ledger.facts(doc=doc.id)
    facts = [f for f in facts if f.doc_id == doc.id]
    current = next((f for f in facts if f.id == current_id), None) if current_id else None

    index = document_index(ledger)
    counterpart_stub = None
    role = "single"
    original_stub = index.original_of(index.by_id.get(doc.id)) if doc.id in index.by_id else None
    if original_stub is not None and original_stub.id != doc.id:
        counterpart_stub, role = original_stub, "translation"
    else:
        translations = [tr for o, tr in index.pairs() if o.id == doc.id]
        if translations:
            counterpart_stub, role = translations[0], "original"

    panes: list[TextPane] = []
    peers: dict[str, str] = {}
    linked = 0
    counterpart_doc = None
    other_facts: list[Fact] = []
    if counterpart_stub is not None:
        counterpart_doc = ledger.document(counterpart_stub.id)
        other_facts = [f for f in ledger.facts(doc=counterpart_doc.id) if f.doc_id == counterpart_doc.id]
        original_facts, translated_facts = (
            (facts, other_facts) if role == "original" else (other_facts, facts)
        )
        for a, b in align_translation(original_facts, translated_facts):
            peers[a.id], peers[b.id] = b.id, a.id
            linked += 1

    focus = (current.sentence_start, current.sentence_end) if current else at
    own = TextPane(
        doc, highlight(doc.text, _marks(facts, peers, t), focus=focus, current=current_id), facts, role
    )
    if counterpart_doc is not None:
        other_role = "original" if role == "translation" else "translation"
        other = TextPane(
            counterpart_doc,
            highlight(counterpart_doc.text, _marks(other_facts, peers, t)),
            other_facts,
            other_role,
        )
        panes = [own, other] if role == "original" else [other, own]
    else:
        panes = [own]
    table = facts_table(doc, facts, peers, t)
    counterpart_role = None
    if counterpart_doc is not None:
        counterpart_role = "original" if role == "translation" else "translation"
    return DocumentPage(
        doc, info, safe_external(doc.source), panes, table, current, counterpart_doc, counterpart_role, linked
    )


def facts_table(doc: Document, facts: Sequence[Fact], peers: Mapping[str, str], t: Translator) -> Table:
    columns = [
        Column("figure", t("col.figure")),
        Column("value", t("col.value"), numeric=True),
        Column("unit", t("col.unit")),
        Column("kind", t("col.kind")),
        Column("indicator", t("col.indicator")),
        Column("period", t("col.period")),
        Column("region", t("col.region")),
        Column("change", t("col.change")),
        Column("sentence", t("col.sentence")),
        Column("id", t("col.fact_id")),
    ]
    rows = []
    for f in facts:
        rows.append(
            Row(
                [
                    Cell(
                        f.text or t.figure(f.value, f.unit),
                        href="#" + anchor_id(f.id),
                        note=t("document.linked") if f.id in peers else None,
                    ),
                    Cell(f"{f.value:g}", value=f.value),
                    Cell(f.unit or ""),
                    Cell(t.kind(f.kind), badge=f"kind-{f.kind}"),
                    Cell(t.indicator(f.indicator, f.label), title=f.label),
                    Cell(f.period or ""),
                    Cell(t.region(f.region)),
                    Cell(t.change(f.change)),
                    Cell(
                        f.quote,
                        html=snippet_html(
                            f.quote, f.start - f.sentence_start, f.end - f.sentence_start, kind=f.kind
                        ),
                    ),
                    Cell(f.id),
                ],
                id=f"row-{f.id}",
                classes=f"kind-{f.kind}",
            )
        )
    return Table(
        "facts",
        columns,
        rows,
        params={"doc": doc.id},
        caption=t("document.facts"),
        empty=t("document.no_facts"),
    )


def facts_table_export(ctx: Context, params: Mapping[str, str]) -> Table:
    return document_page(ctx, params.get("doc") or "").facts


def documents_table(ctx: Context, params: Mapping[str, str]) -> Table:
    ledger, t = ctx.ledger, ctx.t
    columns = [
        Column("name", t("col.document")),
        Column("title", t("col.title")),
        Column("date", t("col.date")),
        Column("language", t("col.language")),
        Column("facts", t("col.facts"), numeric=True),
        Column("translation_of", t("col.translation_of")),
        Column("format", t("col.format")),
    ]
    rows = []
    for d in ledger.documents():
        rows.append(
            Row(
                [
                    Cell(d.name, href=url_document(d.id)),
                    Cell(d.title or ""),
                    Cell(d.date or ""),
                    Cell(t(f"language.{d.language}") if t.has(f"language.{d.language}") else d.language),
                    Cell(str(d.fact_count), value=float(d.fact_count)),
                    Cell(d.translation_of or ""),
                    Cell(d.format),
                ]
            )
        )
    return Table(
        "documents", columns, rows, params={}, caption=t("documents.title"), empty=t("documents.empty")
    )


# -- conflicts -------------------------------------------------------------------------------


def _figures_html(c: Conflict, t: Translator) -> tuple[Markup, str]:
    parts: list[Markup] = []
    plain: list[str] = []
    for o in c.observations:
        figure = t.figure(o.value, o.unit)
        first = o.sources[0] if o.sources else None
        newest = " ★" if c.newest and o.key == c.newest else ""
        if first is not None:
            when = f" ({first.doc_date})" if first.doc_date else ""
            parts.append(
                Markup('<a href="{}">{}</a> <span class="muted">{}{}</span>{}').format(
                    url_document(first.doc_id, first.fact_id), figure, first.doc, when, newest
                )
            )
            plain.append(f"{figure} ({first.doc}{when}){newest}")
        else:
            parts.append(Markup("{}").format(figure))
            plain.append(figure)
    return Markup("<br>").join(parts), "; ".join(plain)


def conflicts_table(ctx: Context, params: Mapping[str, str]) -> Table:
    t = ctx.t
    found = ctx.tracking.conflicts(
        indicator=params.get("indicator") or None,
        region=params.get("region") or None,
        period=params.get("period") or None,
    )
    columns = [
        Column("kind", t("col.conflict")),
        Column("indicator", t("col.indicator")),
        Column("region", t("col.region")),
        Column("period", t("col.period")),
        Column("figures", t("col.figures")),
        Column("explanation", t("col.explanation")),
    ]
    rows = []
    for c in found:
        o = c.observations[0] if c.observations else None
        html, plain = _figures_html(c, t)
        rows.append(
            Row(
                [
                    Cell(t(f"conflict.{c.kind}"), badge=f"conflict-{c.kind}"),
                    Cell(
                        t.indicator(o.indicator, o.label) if o else c.series_key,
                        href=url_indicator(o.indicator, o.label, o.region) if o else None,
                        note=t.change(o.change) if o else None,
                    ),
                    Cell(t.region(o.region) if o else ""),
                    Cell(c.period or ""),
                    Cell(plain, html=html),
                    Cell(c.explanation),
                ]
            )
        )
    kept = {k: params.get(k) or "" for k in ("indicator", "region", "period")}
    return Table(
        "conflicts", columns, rows, params=kept, caption=t("conflicts.title"), empty=t("conflicts.empty")
    )


# -- exports -----------------------------------------------------------------------------------

Builder = Callable[[Context, Mapping[str, str]], Table]


def _scorecard_export(ctx: Context, params: Mapping[str, str]) -> Table:
    return scorecard_table(overview_data(ctx, params), ctx.t)


def _targets_export(ctx: Context, params: Mapping[str, str]) -> Table:
    return targets_table(overview_data(ctx, params), ctx.t)


EXPORTS: dict[str, Builder] = {
    "scorecard": _scorecard_export,
    "targets": _targets_export,
    "audit": target_audit_table,
    "series": series_table_export,
    "facts": facts_table_export,
    "documents": documents_table,
    "conflicts": conflicts_table,
}


def register_export(name: str, builder: Builder) -> None:
    """Tables of other page modules (search results) join the downloads here."""
    EXPORTS[name] = builder
