"""Conflicts: figures in the ledger that cannot all be right.

Two kinds are flagged, each with every source and its date:

* ``disagreement``: two results for the same series and period whose values
  differ beyond the precision they were written with (2.1% and 2.3% for the
  same year's GDP growth). The usual, legitimate cause is a preliminary figure
  revised later, so the newest statement is named (``Conflict.newest``).
  A document does not contradict itself: two figures of one document for one
  series and period measure two things (a sub-total, a category, a
  "respectively" list the extractor gave one indicator), so only figures of
  different documents are compared, and never in units that cannot be
  converted.
* ``arithmetic``: a level and its year-on-year change that imply a previous
  year other than the one the ledger holds (grain output 24.845 million t
  "up 1.16 million t" implies 23.685 million t the year before; the ledger
  says 25.385). The allowance is the rounding of the three figures plus a
  relative slack (1 % by default) for base-year revisions, since official
  growth rates are computed on revised previous-year figures. Indicators whose
  growth is reported at constant prices (GDP, value added) are not checked:
  their real growth rate cannot be recomputed from nominal levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from zhenxing.formats import format_value
from zhenxing.ledger.series import (
    build_series,
    bulk,
    document_index,
    fetch_facts,
    is_multi_year,
    merge_facts,
    parse_date,
    period_bounds,
    period_sort_key,
    previous_period,
    region_condition,
    series_key,
    translation_facts,
)
from zhenxing.ledger.tracking_model import Conflict, Observation, Series
from zhenxing.ledger.units_compare import agree, comparable, convert, rounding_step
from zhenxing.ledger.verdicts import REAL_GROWTH_INDICATORS, TrackingError, best_first
from zhenxing.model import Fact

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger

DEFAULT_SLACK = 0.01


def _documents(o: Observation) -> set[str]:
    return {s.doc_id for s in o.sources}


def _step(o: Observation) -> float:
    steps = [rounding_step(s.value, s.text) for s in o.sources if s.unit == o.unit]
    return max(steps) if steps else 0.0


def _newest(o: Observation) -> date | None:
    dates = [d for d in (parse_date(s.doc_date) for s in o.sources) if d]
    return max(dates) if dates else None


def _stated(o: Observation, *, newest: bool = False) -> str:
    """ "2.1% (liaoning-gwr-2023-zh.txt, 2023-01-12; newest)"."""
    docs = []
    for s in o.sources:
        shown = f"{s.doc}, {s.doc_date}" if s.doc_date else s.doc
        if shown not in docs:
            docs.append(shown)
    tail = "; newest" if newest else ""
    return f"{format_value(o.value, o.unit)} ({'; '.join(docs)}{tail})"


def _what(o: Observation) -> str:
    what = o.indicator or o.label or "a figure"
    where = f" in {o.region}" if o.region else ""
    return f"{o.period} {what} {o.change}{where}"


def _disagreements(series: Series) -> list[Conflict]:
    by_period: dict[str, list[Observation]] = defaultdict(list)
    for o in series.observations:
        if o.kind == "result" and o.period:
            by_period[o.period].append(o)
    out = []
    for period, group in by_period.items():
        if len(group) < 2:
            continue
        # By identity, in first-seen order: ``o not in involved`` compared whole dataclasses
        # and made a period with hundreds of figures cubic (minutes on a large ledger).
        involved: list[Observation] = []
        seen: set[int] = set()
        documents = [_documents(o) for o in group]
        steps = [_step(o) for o in group]
        for i, a in enumerate(group):
            for j in range(i + 1, len(group)):
                b = group[j]
                if not comparable(a.unit, b.unit) or documents[i] & documents[j]:
                    continue
                b_value = convert(b.value, b.unit, a.unit)
                assert b_value is not None
                ratio = abs(b_value / b.value) if b.value else 1.0
                if agree(a.value, steps[i], b_value, steps[j] * ratio):
                    continue
                for o in (a, b):
                    if id(o) not in seen:
                        seen.add(id(o))
                        involved.append(o)
        if not involved:
            continue
        ranked = best_first(involved)
        newest = ranked[0] if _newest(ranked[0]) and _newest(ranked[0]) != _newest(ranked[-1]) else None
        shown = " vs ".join(_stated(o, newest=o is newest) for o in ranked)
        hint = "; a later figure may be a revision" if newest else ""
        out.append(
            Conflict(
                kind="disagreement",
                series_key=series.key,
                period=period,
                explanation=f"{_what(ranked[0])}: {shown}{hint}",
                observations=ranked,
                newest=newest.key if newest else None,
            )
        )
    return out


def _arithmetic(series: Series, index: dict[str, Series], slack: float) -> list[Conflict]:
    if series.change != "level" or series.indicator in REAL_GROWTH_INDICATORS:
        return []
    levels: dict[str, list[Observation]] = defaultdict(list)
    for o in series.observations:
        if o.kind == "result" and o.period and not is_multi_year(o.period) and period_bounds(o.period):
            levels[o.period].append(o)
    out = []
    for period in sorted(levels, key=period_sort_key):
        before = previous_period(period)
        if before not in levels:
            continue
        now, prior = best_first(levels[period])[0], best_first(levels[before])[0]
        prior_value = convert(prior.value, prior.unit, now.unit)
        if prior_value is None or now.value == 0:
            continue
        for change in ("growth", "delta"):
            changes = index.get(series_key(series.indicator, series.label, series.region, change))
            stated = [
                o
                for o in (changes.observations if changes else [])
                if o.kind == "result" and o.period == period
            ]
            if not stated:
                continue
            step_now, step_prior = (
                _step(now),
                _step(prior) * (abs(prior_value / prior.value) if prior.value else 1),
            )
            for c in best_first(stated):
                if change == "growth":
                    if c.unit != "%" or c.value <= -100:
                        continue
                    implied = now.value / (1 + c.value / 100)
                    rel = step_now / 2 / abs(now.value) + _step(c) / 2 / (100 + c.value)
                    allowed = abs(implied) * (rel + slack) + step_prior / 2
                else:
                    unit = "%" if c.unit == "percentage_point" and now.unit == "%" else c.unit
                    delta = convert(c.value, unit, now.unit)
                    if delta is None:
                        continue
                    implied = now.value - delta
                    allowed = (step_now + _step(c) + step_prior) / 2 + slack * abs(prior_value)
                if abs(implied - prior_value) <= allowed:
                    continue
                explanation = (
                    f"{period} {series.indicator or series.label} in {series.region or 'no region'}: "
                    f"{_stated(now)} with a {change} of {_stated(c)} implies "
                    f"{format_value(implied, now.unit)} for {before}, but the ledger holds {_stated(prior)}"
                )
                out.append(
                    Conflict(
                        kind="arithmetic",
                        series_key=series.key,
                        period=period,
                        explanation=explanation,
                        observations=[now, c, prior],
                        newest=None,
                    )
                )
    return out


def conflicts_in(series_list: Iterable[Series], *, slack: float = DEFAULT_SLACK) -> list[Conflict]:
    """The conflicts among built series (``facts`` left empty: see :func:`find_conflicts`)."""
    all_series = list(series_list)
    index = {s.key: s for s in all_series}
    found: list[Conflict] = []
    for s in all_series:
        found.extend(_disagreements(s))
        found.extend(_arithmetic(s, index, slack))
    found.sort(key=lambda c: (c.series_key, period_sort_key(c.period), c.kind))
    return found


def find_conflicts(
    ledger: Ledger,
    *,
    indicator: str | None = None,
    region: str | None = None,
    period: str | None = None,
    as_of: str | date | None = None,
    slack: float = DEFAULT_SLACK,
) -> list[Conflict]:
    """Disagreeing and arithmetically inconsistent results in the ledger, by series and period.

    ``period`` keeps conflicts about that period or inside it (``2022`` finds
    ``2022-H1``); ``as_of`` ignores documents dated after it.
    """
    from sqlalchemy import or_

    from zhenxing.ledger.models import FactRow

    if slack < 0:
        raise TrackingError("the arithmetic slack cannot be negative")
    docs = document_index(ledger)
    when = None
    if period:
        bounds = period_bounds(period.strip())
        if bounds is None:
            raise TrackingError(f"--period {period!r}: not a period (2022, 2022-H1, 2022-01/2022-11 ...)")
        years = range(bounds[0].year - 1, bounds[1].year + 1)
        when = or_(*(FactRow.period.contains(str(y), autoescape=True) for y in years))
    what = FactRow.indicator == indicator.strip() if indicator else None
    results = fetch_facts(ledger, FactRow.kind == "result", what, region_condition(region), when)
    facts = merge_facts(results, translation_facts(ledger, docs, results))
    if as_of is not None:
        cutoff = as_of if isinstance(as_of, date) else parse_date(as_of)
        if cutoff is None:
            raise TrackingError(f"--as-of {as_of!r}: not a date (use YYYY-MM-DD)")
        facts = [f for f in facts if (d := parse_date(docs.date(f))) is None or d <= cutoff]
    by_id: dict[str, Fact] = {f.id: f for f in facts}
    with bulk():
        found = conflicts_in(build_series(facts, docs), slack=slack)

    def keep(c: Conflict) -> bool:
        o = c.observations[0]
        if indicator and o.indicator != indicator.strip():
            return False
        if region:
            from zhenxing.ledger.series import canonical_region

            names = {region.strip().lower(), (canonical_region(region) or "").lower()}
            if (o.region or "").lower() not in names:
                return False
        p = period.strip() if period else None
        return not p or c.period == p or (c.period or "").startswith(p + "-")

    out = [c for c in found if keep(c)]
    for c in out:
        c.facts = _facts_of(c.observations, by_id)
    return out


def attach_facts(conflicts: list[Conflict], facts: Iterable[Fact]) -> list[Conflict]:
    """Give each conflict the facts behind its observations (``Conflict.facts``), from ``facts``."""
    by_id = {f.id: f for f in facts}
    for c in conflicts:
        c.facts = _facts_of(c.observations, by_id)
    return conflicts


def _facts_of(observations: Iterable[Observation], by_id: dict[str, Any]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for o in observations:
        for s in o.sources:
            if s.fact_id in by_id:
                seen.setdefault(s.fact_id, by_id[s.fact_id])
    return list(seen.values())
