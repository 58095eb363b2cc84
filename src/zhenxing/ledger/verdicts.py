"""Verdicts: each target judged against its results, by an explicit, stored, versioned rule.

A target gets one of four statuses:

* ``met`` / ``missed``: a result for the target's period (or, for a
  year-on-year target, the growth computed from two years' levels) compared
  by the rule below;
* ``pending``: the period is not over as of the newest document in the
  ledger (or ``as_of``); an in-year result (first half, January to November)
  says whether it is on track;
* ``no result``: the period is over and no comparable result was found.

The rule (:class:`~zhenxing.ledger.tracking_model.Rule`, version
``RULE_VERSION``) is stored with every verdict so a verdict can be audited and
replayed:

* ``>`` / ``>=`` / ``<`` / ``<=``: as written ("more than 5.5%" is not met by
  5.5%). For a fall (a negative growth or delta target, "cut by more than
  10%") the comparator bounds the size of the fall, so the sense flips.
* ``~`` (about): the indicator's direction in the taxonomy (``better``)
  decides. Higher-is-better makes "about 10%" a floor (met from 10% minus the
  tolerance), lower-is-better a ceiling (a CPI "about 3%" is met by 2%, and up
  to 3.5%), no direction a band either side.
* ``=``: a figure to reach. A delivery target ("renovate 8,000 houses") is met
  when the result reaches it (lower-is-better: when it does not exceed it); an
  indicator with no direction must land within the tolerance.
* Tolerance for "about" (:class:`Tolerance`): ±0.5 percentage points for rates
  (``%`` and ``percentage_point``), ±2 % of the target for levels. Both are
  options (``--tolerance-points``, ``--tolerance-relative``).
* Facts the taxonomy does not name have no direction: counts of things done
  (levels, not rates) are taken as delivery (higher is better), the rest as
  having no direction; the rule says so.

Results are compared only in the target's unit, after conversion
(:mod:`zhenxing.ledger.units_compare`): 46.2万人 meets "more than 450,000
people", 1800 residents cannot count against a target in households. Of
several results for the period the newest statement wins (a revised figure
supersedes a preliminary one; ``zhenxing conflicts`` lists the disagreement).

Overrides and assignments are plain inputs keyed by the target observation's
key (or the id of one of its facts), so the closed loop plugs in: an override
replaces the status and keeps the rule's own in ``computed_status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from zhenxing.errors import ZhenxingError
from zhenxing.formats import format_value
from zhenxing.ledger.series import (
    DocumentIndex,
    build_series,
    bulk,
    canonical_region,
    document_index,
    elapsed_share,
    fetch_facts,
    merge_facts,
    parse_date,
    period_bounds,
    period_condition,
    period_end,
    period_sort_key,
    previous_period,
    region_condition,
    series_key,
    translation_facts,
    within,
)
from zhenxing.ledger.tracking_model import RULE_VERSION, STATUSES, Observation, Rule, Series, Verdict
from zhenxing.ledger.units_compare import (
    comparable,
    convert,
    incomparable_reason,
    is_rate,
    rounding_step,
)
from zhenxing.model import Fact

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger

COMPARATORS = (">", ">=", "<", "<=", "~", "=")
# Growth of these is published at constant prices ("按可比价格计算") while their levels are
# nominal: a growth rate computed from two years' levels would not be the one targeted.
REAL_GROWTH_INDICATORS = frozenset(
    {
        "gdp",
        "gdp_per_capita",
        "industrial_value_added",
        "primary_industry_value_added",
        "secondary_industry_value_added",
        "tertiary_industry_value_added",
    }
)
_WORDS = {">": "more than ", ">=": "at least ", "<": "below ", "<=": "at most ", "~": "about ", "=": ""}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
_EPS = 1e-9


class TrackingError(ZhenxingError):
    """A tracking query cannot be answered as asked (a bad date, status or area)."""


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far an "about" target may be missed and still be met.

    ``points``: absolute, in percentage points, for targets in ``%`` or
    ``percentage_point`` ("about 3%" with 0.5 -> 2.5 to 3.5).
    ``relative``: a share of the target for levels ("about 24 million tonnes"
    with 0.02 -> 23.52 to 24.48 million).
    It also bounds ``=`` targets of indicators without a direction.
    """

    points: float = 0.5
    relative: float = 0.02

    def __post_init__(self) -> None:
        if self.points < 0 or self.relative < 0:
            raise TrackingError("tolerances cannot be negative")

    def for_target(self, unit: str | None) -> tuple[float, str]:
        return (self.points, "points") if is_rate(unit) else (self.relative, "relative")


# -- the rule ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorTraits:
    """What verdicts need of a taxonomy entry (``data/indicators.yaml``)."""

    area: str
    better: str


@cache
def indicator_traits() -> dict[str, IndicatorTraits]:
    """Indicator id -> area and direction, read from the taxonomy file.

    Read here with PyYAML's C loader when it is built (a tenth of the time of
    the pure-Python one the extractor's full taxonomy uses): a ``targets``
    query should not pay for compiling every indicator name.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = resources.files("zhenxing.data").joinpath("indicators.yaml").read_text(encoding="utf-8")
    out = {}
    for entry in yaml.load(text, Loader=loader) or []:
        if isinstance(entry, dict) and "id" in entry:
            out[str(entry["id"])] = IndicatorTraits(
                area=str(entry.get("area") or "other"), better=str(entry.get("better") or "none")
            )
    return out


def _direction(target: Observation) -> tuple[str, bool]:
    """The indicator's ``better`` from the taxonomy, and whether it was assumed instead."""
    if target.indicator:
        known = indicator_traits().get(target.indicator)
        if known is not None:
            return known.better, False
    if target.change == "level" and not is_rate(target.unit):
        return "higher", True
    return "none", True


def _effective_comparator(target: Observation, comparator: str | None = None) -> str:
    """A fall's comparator bounds its size: "down more than 10%" (-10, ``>``) means below -10."""
    stated = comparator or target.comparator
    if target.value < 0 and target.change in ("growth", "delta") and stated in _FLIP:
        return _FLIP[stated]
    return stated


def make_rule(target: Observation, tolerance: Tolerance | None = None) -> Rule:
    """The rule a target is judged by, with a sentence saying when it is met."""
    tol = tolerance or Tolerance()
    direction, assumed = _direction(target)
    comparator = target.comparator if target.comparator in COMPARATORS else "="
    effective = _effective_comparator(target, comparator)
    uses_tolerance = comparator == "~" or (comparator == "=" and direction not in ("higher", "lower"))
    amount, kind = tol.for_target(target.unit)
    shown_tol = _tolerance_text(amount, kind)
    if effective in (">", ">=", "<", "<="):
        word = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}[effective]
        text = f"met when the result is {word} the target"
        if effective != comparator:
            text += " (a fall: the comparator bounds its size)"
    elif comparator == "~":
        if direction == "higher":
            text = f"about, higher is better: a floor, met from the target minus {shown_tol}"
        elif direction == "lower":
            text = f"about, lower is better: a ceiling, met up to the target plus {shown_tol}"
        else:
            text = f"about, no direction: met within {shown_tol} of the target"
    elif direction == "higher":
        text = "a figure to reach: met when the result reaches the target"
    elif direction == "lower":
        text = "a figure not to exceed: met when the result is at most the target"
    else:
        text = f"a figure to hit, no direction: met within {shown_tol} of the target"
    if assumed:
        text += f" (direction {direction} assumed: the figure has no taxonomy indicator)"
    return Rule(
        comparator=comparator,
        direction=direction,
        tolerance=amount if uses_tolerance else None,
        tolerance_kind=kind if uses_tolerance else None,
        version=RULE_VERSION,
        description=text,
    )


def _tolerance_text(amount: float, kind: str) -> str:
    if kind == "points":
        return f"{amount:g} percentage points"
    return f"{amount * 100:g}% of it"


def _absolute_tolerance(rule: Rule, target_value: float) -> float:
    if rule.tolerance is None:
        return 0.0
    return rule.tolerance if rule.tolerance_kind == "points" else rule.tolerance * abs(target_value)


def passes(result: float, target: Observation, rule: Rule) -> bool:
    """Whether ``result`` (in the target's unit) meets ``target`` under ``rule``."""
    t = target.value
    slack = _EPS * max(abs(t), abs(result), 1.0)
    tol = _absolute_tolerance(rule, t)
    comparator = _effective_comparator(target, rule.comparator)
    if comparator == ">":
        return result > t + slack
    if comparator == ">=":
        return result >= t - slack
    if comparator == "<":
        return result < t - slack
    if comparator == "<=":
        return result <= t + slack
    if comparator == "~" or rule.direction not in ("higher", "lower"):
        if rule.direction == "higher":
            return result >= t - tol - slack
        if rule.direction == "lower":
            return result <= t + tol + slack
        return abs(result - t) <= tol + slack
    if rule.direction == "higher":
        return result >= t - slack
    return result <= t + slack


def _band(target: Observation, rule: Rule) -> str:
    """ ", a ceiling met up to 3.5%": what "about" meant, in the explanation."""
    if rule.comparator != "~":
        return ""
    tol = _absolute_tolerance(rule, target.value)
    if rule.direction == "higher":
        return f", a floor met from {format_value(target.value - tol, target.unit)}"
    if rule.direction == "lower":
        return f", a ceiling met up to {format_value(target.value + tol, target.unit)}"
    low, high = format_value(target.value - tol, target.unit), format_value(target.value + tol, target.unit)
    return f", met from {low} to {high}"


def is_delivery(target: Observation, rule: Rule) -> bool:
    """A target that counts things delivered ("renovate 8,000 houses"): its progress is a share."""
    return (
        target.change == "level"
        and rule.direction == "higher"
        and rule.comparator in ("=", ">", ">=")
        and not is_rate(target.unit)
        and target.value > 0
    )


# -- choosing results ---------------------------------------------------------------------------


class ResultIndex:
    """Results by series key and period, built once for many targets (a ledger holds thousands)."""

    def __init__(self, series: Mapping[str, Series] | Iterable[Series]) -> None:
        values = series.values() if isinstance(series, Mapping) else series
        self.series: dict[str, Series] = {}
        self.results: dict[str, dict[str | None, list[Observation]]] = {}
        for s in values:
            self.series[s.key] = s
            by_period: dict[str | None, list[Observation]] = {}
            for o in s.observations:
                if o.kind == "result":
                    by_period.setdefault(o.period, []).append(o)
            self.results[s.key] = by_period

    def final(self, key: str, period: str | None) -> list[Observation]:
        return self.results.get(key, {}).get(period, [])

    def inside(self, key: str, period: str) -> list[Observation]:
        """Results for stretches inside ``period`` (its first half, January to November ...)."""
        return [o for p, group in self.results.get(key, {}).items() if within(p, period) for o in group]


def _newest_source(o: Observation) -> tuple[int, date]:
    dates = [d for d in (parse_date(s.doc_date) for s in o.sources) if d]
    return (1, max(dates)) if dates else (0, date.min)


def _precision(o: Observation) -> float:
    steps = [rounding_step(s.value, s.text) for s in o.sources]
    return min(steps) if steps else 0.0


def best_first(observations: Iterable[Observation]) -> list[Observation]:
    """Newest statement first (a revision supersedes), then the most precisely written, then by key."""
    return sorted(observations, key=lambda o: (_newest_source(o), -_precision(o), o.key), reverse=True)


def _in_unit(o: Observation, unit: str | None) -> float | None:
    return convert(o.value, o.unit, unit)


def _derive_change(
    target: Observation, index: ResultIndex, period: str
) -> tuple[Observation | None, str | None]:
    """A growth (or delta) result computed from the levels of ``period`` and the year before.

    "China-Europe trains will increase by more than 10%" meets "700 trains in
    2022" and "632 in 2021": 10.8%. Returns (observation, why-not).
    """
    previous = previous_period(period)
    level = index.series.get(series_key(target.indicator, target.label, target.region, "level"))
    if previous is None or level is None:
        return None, None
    if target.change == "growth" and target.indicator in REAL_GROWTH_INDICATORS:
        return None, "its growth is measured at constant prices, which nominal levels cannot give"
    now = best_first(index.final(level.key, period))
    before = best_first(index.final(level.key, previous))
    if not now or not before:
        return None, None
    a, b = now[0], before[0]
    b_value = convert(b.value, b.unit, a.unit)
    if b_value is None:
        return None, f"the levels {incomparable_reason(a.unit, b.unit)}"
    if target.change == "growth":
        if b_value == 0:
            return None, None
        value, unit = (a.value / b_value - 1.0) * 100.0, "%"
    else:
        value = a.value - b_value
        unit = "percentage_point" if a.unit == "%" else a.unit
    derived = Observation(
        key=f"{level.key}:{period}:result:derived-{target.change}",
        series_key=target.series_key,
        indicator=target.indicator,
        label=target.label,
        region=target.region,
        change=target.change,
        period=period,
        kind="result",
        value=round(value, 2),
        unit=unit,
        comparator="=",
        sources=[*a.sources, *b.sources],
        derived_from=[a.key, b.key],
    )
    return derived, None


def _result_text(o: Observation, unit: str | None) -> str:
    value = _in_unit(o, unit)
    shown = format_value(value if value is not None else o.value, unit if value is not None else o.unit)
    if o.derived_from and len(o.sources) >= 2:
        first, second = o.sources[0], o.sources[-1]
        return (
            f"{shown} (from {format_value(first.value, first.unit)} and "
            f"{format_value(second.value, second.unit)} the year before)"
        )
    return shown


def _target_text(target: Observation) -> str:
    return _WORDS.get(target.comparator, "") + format_value(target.value, target.unit)


def _context(target: Observation) -> str:
    parts = [target.period or "no period"]
    if target.region:
        parts.append(target.region)
    return f" ({', '.join(parts)})"


# -- judging one target --------------------------------------------------------------------------


def judge(
    target: Observation,
    index: Mapping[str, Series] | ResultIndex,
    *,
    as_of: date | None,
    tolerance: Tolerance | None = None,
) -> Verdict:
    """The verdict on one target observation, given every series (by key, or indexed) and the as-of date."""
    if not isinstance(index, ResultIndex):
        index = ResultIndex(index)
    rule = make_rule(target, tolerance)
    shown_as_of = as_of.isoformat() if as_of else None
    context = _context(target)
    period = target.period
    if period is None or period_bounds(period) is None:
        why = "the target states no period" if period is None else f"its period {period!r} cannot be read"
        return Verdict(
            target,
            "no result",
            rule,
            f"no result: {why}, so no result can be matched{context}",
            as_of=shown_as_of,
        )

    finals = index.final(target.series_key, period)
    usable = [o for o in finals if comparable(o.unit, target.unit)]
    unusable = [o for o in finals if not comparable(o.unit, target.unit)]
    derived_note = None
    if not usable and target.change in ("growth", "delta"):
        derived, derived_note = _derive_change(target, index, period)
        if derived is not None and comparable(derived.unit, target.unit):
            usable = [derived]

    if usable:
        ranked = best_first(usable)
        best = ranked[0]
        value = _in_unit(best, target.unit)
        assert value is not None
        status = "met" if passes(value, target, rule) else "missed"
        progress = value / target.value if is_delivery(target, rule) else None
        if progress is not None and target.comparator == "=":
            explanation = (
                f"{status}: {format_value(value, None)} of {format_value(target.value, target.unit)} "
                f"delivered ({progress:.0%}){context}"
            )
        else:
            explanation = (
                f"{status}: {_result_text(best, target.unit)} against a target of "
                f"{_target_text(target)}{_band(target, rule)}{context}"
            )
        return Verdict(
            target, status, rule, explanation, results=ranked, progress=progress, as_of=shown_as_of
        )

    end = period_end(period)
    over = as_of is not None and end is not None and as_of > end
    in_year = [o for o in index.inside(target.series_key, period) if comparable(o.unit, target.unit)]
    in_year.sort(key=lambda o: (period_sort_key(o.period), _newest_source(o), -_precision(o)), reverse=True)
    latest = in_year[0] if in_year else None

    if not over:
        when = f"as of {shown_as_of}" if shown_as_of else "(no dated document in the ledger)"
        explanation = f"pending: {period} is not over {when}"
        on_track = progress = None
        if latest is not None:
            on_track, progress, clause = _on_track(target, rule, latest, period)
            explanation += f"; {clause}"
        return Verdict(
            target,
            "pending",
            rule,
            explanation + context,
            results=[latest] if latest else [],
            progress=progress,
            on_track=on_track,
            as_of=shown_as_of,
        )

    if unusable:
        other = unusable[0]
        why = (
            f"the {period} result {format_value(other.value, other.unit)} cannot be compared with a target "
            f"in {target.unit or 'a bare number'} ({incomparable_reason(other.unit, target.unit)})"
        )
    elif derived_note:
        why = f"no {period} result, and {derived_note}"
    elif latest is not None:
        why = f"{period} is over but only {_result_text(latest, target.unit)} for {latest.period} was found"
    else:
        why = f"no {period} figure in the ledger as of {shown_as_of}"
    progress = None
    if latest is not None and is_delivery(target, rule):
        v = _in_unit(latest, target.unit)
        progress = v / target.value if v is not None else None
    return Verdict(
        target,
        "no result",
        rule,
        f"no result: {why}{context}",
        results=[latest] if latest else [],
        progress=progress,
        as_of=shown_as_of,
    )


def _on_track(
    target: Observation, rule: Rule, latest: Observation, period: str
) -> tuple[bool, float | None, str]:
    """Is an in-year figure on course for the target? Rates and growth compare as they are;
    counts and amounts are projected over the whole period (6,100 by November of a year: 6,655)."""
    value = _in_unit(latest, target.unit)
    assert value is not None
    share = elapsed_share(latest.period or period, period) or 1.0
    flow = not is_rate(target.unit) and target.change != "growth"
    projected = value / share if flow and share > 0 else value
    ok = passes(projected, target, rule)
    progress = value / target.value if is_delivery(target, rule) else None
    verdict = "on track" if ok else "behind"
    if progress is not None:
        clause = (
            f"{format_value(value, None)} by {latest.period} is {progress:.0%} of "
            f"{format_value(target.value, target.unit)} with {share:.0%} of the period gone: {verdict}"
        )
    elif flow:
        clause = (
            f"{_result_text(latest, target.unit)} by {latest.period}, on course for "
            f"{format_value(projected, target.unit)}, is {verdict} for a target of {_target_text(target)}"
        )
    else:
        clause = (
            f"{_result_text(latest, target.unit)} by {latest.period} is {verdict} "
            f"for a target of {_target_text(target)}"
        )
    return ok, progress, clause


# -- the ledger ------------------------------------------------------------------------------------


def _as_of(value: str | date | None, docs: DocumentIndex) -> date | None:
    if isinstance(value, date):
        return value
    if value:
        parsed = parse_date(value)
        if parsed is None or not _looks_like_date(value):
            raise TrackingError(f"--as-of {value!r}: not a date (use YYYY-MM-DD)")
        return parsed
    return docs.newest_date()


def _looks_like_date(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"\d{4}(-\d{1,2}(-\d{1,2})?)?", value.strip()))


def known_areas() -> list[str]:
    return sorted({i.area for i in indicator_traits().values()})


def _area_of(indicator: str | None) -> str | None:
    known = indicator_traits().get(indicator) if indicator else None
    return known.area if known else None


def _closed_loop(ledger: Any, name: str, given: Mapping[str, dict[str, Any]] | None) -> Mapping[str, Any]:
    if given is not None:
        return given
    method = getattr(ledger, name, None)
    return (method() or {}) if callable(method) else {}


def _attach(verdict: Verdict, overrides: Mapping[str, Any], assignments: Mapping[str, Any]) -> Verdict:
    keys = [verdict.target.key, *(s.fact_id for s in verdict.target.sources)]
    override = next((overrides[k] for k in keys if k in overrides), None)
    assignment = next((assignments[k] for k in keys if k in assignments), None)
    verdict.assignment = dict(assignment) if assignment else None
    if override and override.get("status") in STATUSES:
        verdict.override = dict(override)
        verdict.computed_status = verdict.status
        verdict.status = override["status"]
        who = override.get("actor") or override.get("by") or override.get("who")
        reason = override.get("reason")
        by = f" by {who}" if who else ""
        because = f": {reason}" if reason else ""
        verdict.explanation = (
            f"{verdict.status} (overridden{by}{because}); the rule said {verdict.explanation}"
        )
    elif override:
        verdict.override = dict(override)
    return verdict


def evaluate(
    ledger: Ledger,
    *,
    period: str | None = None,
    region: str | None = None,
    area: str | None = None,
    status: str | None = None,
    as_of: str | date | None = None,
    tolerance: Tolerance | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    assignments: dict[str, dict[str, Any]] | None = None,
    indicator: str | None = None,
) -> list[Verdict]:
    """Every target in the ledger matching the filters, judged; in period order, then as documents state them.

    ``period`` is a period or its year (``2022`` also finds ``2022-H1``
    targets); ``region`` any written form of a place; ``area`` a taxonomy area
    (economy, livelihood ...); ``status`` one of ``STATUSES``; ``as_of`` a date
    (default: the newest document's), after which documents are not read;
    ``overrides`` / ``assignments`` by target key or target fact id (default:
    the ledger's own, when it keeps them).
    """
    from sqlalchemy import and_, or_

    from zhenxing.ledger.models import FactRow

    if status is not None and status not in STATUSES:
        raise TrackingError(f"--status {status!r}: one of {', '.join(STATUSES)}")
    area_ids: list[str] | None = None
    if area:
        areas = known_areas()
        if area not in areas:
            raise TrackingError(f"--area {area!r}: one of {', '.join(areas)}")
        area_ids = sorted(i for i, traits in indicator_traits().items() if traits.area == area)

    docs = document_index(ledger)
    cutoff = _as_of(as_of, docs)
    what = FactRow.indicator == indicator if indicator else None
    if area_ids is not None:
        what = (
            FactRow.indicator.in_(area_ids) if what is None else and_(what, FactRow.indicator.in_(area_ids))
        )

    targets = fetch_facts(
        ledger, FactRow.kind == "target", period_condition(period), region_condition(region), what
    )
    if not targets:
        return []
    years: set[int] = set()
    for fact in targets:
        bounds = period_bounds(fact.period)
        if bounds:
            years.update(range(bounds[0].year - 1, bounds[1].year + 1))
    indicators = sorted({f.indicator for f in targets if f.indicator})
    regions = sorted({f.region for f in targets if f.region})
    # Only results in the targets' regions can share their series (translations are loaded whole below).
    same_place = or_(FactRow.region.in_(regions), FactRow.region.is_(None))
    same_thing = and_(or_(FactRow.indicator.in_(indicators), FactRow.indicator.is_(None)), same_place)
    when = or_(*(FactRow.period.contains(str(y), autoescape=True) for y in sorted(years))) if years else None
    results = fetch_facts(ledger, FactRow.kind == "result", same_thing, when)
    facts = merge_facts(targets, results, translation_facts(ledger, docs, [*targets, *results]))
    if as_of is not None and cutoff is not None:
        facts = [f for f in facts if (d := parse_date(docs.date(f))) is None or d <= cutoff]

    with bulk():
        return _judge_all(
            ledger,
            facts,
            docs,
            cutoff,
            period,
            region,
            area,
            status,
            indicator,
            tolerance,
            overrides,
            assignments,
        )


def _judge_all(
    ledger: Ledger,
    facts: list[Fact],
    docs: DocumentIndex,
    cutoff: date | None,
    period: str | None,
    region: str | None,
    area: str | None,
    status: str | None,
    indicator: str | None,
    tolerance: Tolerance | None,
    overrides: dict[str, dict[str, Any]] | None,
    assignments: dict[str, dict[str, Any]] | None,
) -> list[Verdict]:
    all_series = build_series(facts, docs)
    index = ResultIndex(all_series)
    canon = canonical_region(region) if region else None
    p = period.strip() if period else None

    chosen: list[Observation] = []
    for s in all_series:
        for o in s.observations:
            if o.kind != "target":
                continue
            if p and not (o.period == p or (o.period or "").startswith(p + "-")):
                continue
            if region and (o.region or "").lower() not in {(canon or "").lower(), region.strip().lower()}:
                continue
            if area and _area_of(o.indicator) != area:
                continue
            if indicator and o.indicator != indicator:
                continue
            chosen.append(o)
    chosen.sort(key=lambda o: (period_sort_key(o.period), _first_statement(o, docs)))

    found_overrides = _closed_loop(ledger, "overrides", overrides)
    found_assignments = _closed_loop(ledger, "assignments", assignments)
    verdicts = [
        _attach(judge(o, index, as_of=cutoff, tolerance=tolerance), found_overrides, found_assignments)
        for o in chosen
    ]
    if status is not None:
        verdicts = [v for v in verdicts if v.status == status]
    return verdicts


def _first_statement(o: Observation, docs: DocumentIndex) -> tuple[Any, ...]:
    s = o.sources[0]
    parsed = parse_date(s.doc_date)
    return ((0, parsed) if parsed else (1, date.max), s.doc, s.start, o.key)


def verdict_for(
    ledger: Ledger,
    target_key_or_prefix: str,
    *,
    as_of: str | date | None = None,
    tolerance: Tolerance | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    assignments: dict[str, dict[str, Any]] | None = None,
) -> Verdict:
    """The verdict on one target: by its key, a prefix only it has, or the id (or id prefix) of one of its facts."""
    from zhenxing.ledger.store import AmbiguousError, NotFoundError

    wanted = (target_key_or_prefix or "").strip()
    if not wanted:
        raise NotFoundError("no target given (a target key, a prefix of one, or a target fact id)")
    head = wanted.split(":", 1)[0]
    indicator = head if ":" in wanted and not head.startswith("~") else None
    verdicts = evaluate(
        ledger,
        as_of=as_of,
        tolerance=tolerance,
        overrides=overrides,
        assignments=assignments,
        indicator=indicator,
    )
    for test in (
        lambda v: v.target.key == wanted,
        lambda v: any(s.fact_id == wanted.lower() for s in v.target.sources),
        lambda v: v.target.key.startswith(wanted),
        lambda v: any(s.fact_id.startswith(wanted.lower()) for s in v.target.sources),
    ):
        hits = [v for v in verdicts if test(v)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            shown = ", ".join(v.target.key for v in hits[:5])
            more = " …" if len(hits) > 5 else ""
            raise AmbiguousError(f"target {wanted!r} matches several: {shown}{more}")
    raise NotFoundError(
        f"no target matches {wanted!r} (see `zhenxing targets` for keys, or give a target fact id)"
    )
