"""How series, verdicts and conflicts are written out: JSONL records, CSV rows, terminal tables.

Kept apart from ``formats.py`` (facts and documents) so the tracking records
can change without touching the fact exchange format. The JSONL record of a
verdict is the contract for other tools: it carries at least ``indicator``,
``region``, ``period``, ``change``, ``status``, ``rule``, ``target`` (value,
unit, comparator, doc, quote) and ``results`` (each value, unit, doc, quote),
every source with its document date. Rich is imported only by the tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from zhenxing.formats import clip, format_value, plain_number
from zhenxing.ledger.tracking_model import Conflict, Observation, Series, Source, Verdict

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType
    from rich.table import Table

STATUS_STYLES = {"met": "green", "missed": "red", "pending": "yellow", "no result": "dim"}

VERDICT_CSV_FIELDS: tuple[str, ...] = (
    "key",
    "indicator",
    "label",
    "region",
    "period",
    "change",
    "status",
    "computed_status",
    "comparator",
    "target_value",
    "target_unit",
    "target_doc",
    "target_fact",
    "result_value",
    "result_unit",
    "result_period",
    "result_doc",
    "result_date",
    "result_fact",
    "progress",
    "on_track",
    "as_of",
    "rule_version",
    "rule",
    "explanation",
    "owner",
    "due",
)


# -- records -----------------------------------------------------------------------------------


def source_record(s: Source, *, quote: bool = True) -> dict[str, Any]:
    """A source of an observation; ``quote=False`` leaves its sentence out (the fact id leads to it)."""
    record = {
        "fact": s.fact_id,
        "doc": s.doc,
        "doc_id": s.doc_id,
        "date": s.doc_date,
        "language": s.language,
        "value": plain_number(s.value),
        "unit": s.unit,
        "text": s.text,
        "quote": s.quote,
        "start": s.start,
        "end": s.end,
    }
    if not quote:
        del record["quote"]
    return record


def _observation_head(o: Observation) -> dict[str, Any]:
    """What an observation is and its first source's document: the start of both of its records."""
    first = o.sources[0] if o.sources else None
    return {
        "key": o.key,
        "kind": o.kind,
        "period": o.period,
        "value": plain_number(o.value),
        "unit": o.unit,
        "comparator": o.comparator,
        "doc": first.doc if first else None,
        "date": first.doc_date if first else None,
    }


def observation_point(o: Observation) -> dict[str, Any]:
    """An observation as a point of a chart: its value and where its first source is, no sentences."""
    record = _observation_head(o)
    record.update(fact=o.sources[0].fact_id if o.sources else None, sources=len(o.sources))
    return record


def observation_record(o: Observation, *, quotes: bool = True) -> dict[str, Any]:
    """An observation with its first source's document and quote up front, all sources after.

    ``quotes=False`` (the API's list pages) keeps the first sentence only: the
    same sentence in every source made most of a page's bytes.
    """
    first = o.sources[0] if o.sources else None
    record = _observation_head(o)
    record.update(
        quote=first.quote if first else None,
        fact=first.fact_id if first else None,
        sources=[source_record(s, quote=quotes) for s in o.sources],
    )
    if o.discrepancies:
        record["discrepancies"] = list(o.discrepancies)
    if o.derived_from:
        record["derived_from"] = list(o.derived_from)
    return record


def verdict_record(v: Verdict, *, quotes: bool = True) -> dict[str, Any]:
    """A verdict; ``quotes=False`` (the API's list pages) is its summary.

    The summary keeps each observation's first sentence only (see
    ``observation_record``) and, of the results, the one the verdict rests on
    (they come best first), with ``result_count`` saying how many there are:
    on a large ledger a target can have dozens.
    """
    t = v.target
    return {
        "key": t.key,
        "indicator": t.indicator,
        "label": t.label,
        "region": t.region,
        "period": t.period,
        "change": t.change,
        "status": v.status,
        "explanation": v.explanation,
        "rule": v.rule.to_dict(),
        "target": observation_record(t, quotes=quotes),
        "results": [observation_record(r, quotes=quotes) for r in (v.results if quotes else v.results[:1])],
        "result_count": len(v.results),
        "progress": None if v.progress is None else round(v.progress, 4),
        "on_track": v.on_track,
        "as_of": v.as_of,
        "computed_status": v.computed_status,
        "override": v.override,
        "assignment": v.assignment,
    }


def verdict_row(v: Verdict) -> dict[str, Any]:
    """One flat CSV row: the target, its best result, the rule and the sentence."""
    t = v.target
    r = v.results[0] if v.results else None
    first = t.sources[0] if t.sources else None
    r_first = r.sources[0] if r and r.sources else None
    return {
        "key": t.key,
        "indicator": t.indicator,
        "label": t.label,
        "region": t.region,
        "period": t.period,
        "change": t.change,
        "status": v.status,
        "computed_status": v.computed_status,
        "comparator": t.comparator,
        "target_value": plain_number(t.value),
        "target_unit": t.unit,
        "target_doc": first.doc if first else None,
        "target_fact": first.fact_id if first else None,
        "result_value": plain_number(r.value) if r else None,
        "result_unit": r.unit if r else None,
        "result_period": r.period if r else None,
        "result_doc": r_first.doc if r_first else None,
        "result_date": r_first.doc_date if r_first else None,
        "result_fact": r_first.fact_id if r_first else None,
        "progress": None if v.progress is None else round(v.progress, 4),
        "on_track": v.on_track,
        "as_of": v.as_of,
        "rule_version": v.rule.version,
        "rule": v.rule.description,
        "explanation": v.explanation,
        "owner": (v.assignment or {}).get("owner"),
        "due": (v.assignment or {}).get("due"),
    }


def series_record(s: Series) -> dict[str, Any]:
    return {
        "key": s.key,
        "indicator": s.indicator,
        "label": s.label,
        "region": s.region,
        "change": s.change,
        "unit": s.unit,
        "observations": [observation_record(o) for o in s.observations],
    }


def series_summary(s: Series) -> dict[str, Any]:
    """A series as a list of series shows it: what it is, its span, and its latest target and result.

    A series gathers every statement of an indicator in a place over the
    years, so with its observations it grows with the ledger (hundreds of
    points, a megabyte a page on a ledger of a million facts); the series'
    own record (``series_record``, ``/api/series/{key}``) has them all, each
    with its sentences.
    """
    from zhenxing.ledger.series import period_sort_key

    periods = sorted({o.period for o in s.observations if o.period}, key=period_sort_key)
    latest: dict[str, Observation] = {}
    for o in s.observations:
        if o.kind in ("target", "result"):
            seen = latest.get(o.kind)
            if seen is None or period_sort_key(o.period) >= period_sort_key(seen.period):
                latest[o.kind] = o
    return {
        "key": s.key,
        "indicator": s.indicator,
        "label": s.label,
        "region": s.region,
        "change": s.change,
        "unit": s.unit,
        "observations": len(s.observations),
        "targets": sum(1 for o in s.observations if o.kind == "target"),
        "results": sum(1 for o in s.observations if o.kind == "result"),
        "first_period": periods[0] if periods else None,
        "last_period": periods[-1] if periods else None,
        "latest_target": observation_point(latest["target"]) if "target" in latest else None,
        "latest_result": observation_point(latest["result"]) if "result" in latest else None,
    }


def conflict_record(c: Conflict, *, quotes: bool = True) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "series": c.series_key,
        "period": c.period,
        "explanation": c.explanation,
        "newest": c.newest,
        "observations": [observation_record(o, quotes=quotes) for o in c.observations],
    }


def write_records(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


# -- text ----------------------------------------------------------------------------------------


def observation_value(o: Observation) -> str:
    return format_value(o.value, o.unit, o.comparator)


def doc_label(s: Source) -> str:
    return f"{s.doc} ({s.doc_date})" if s.doc_date else s.doc


def sources_text(o: Observation, *, limit: int = 3) -> str:
    """ "003_….txt (2022-02-25); 004_….txt (2022-05-29)": where an observation is stated."""
    names = list(dict.fromkeys(doc_label(s) for s in o.sources))
    shown = "; ".join(names[:limit])
    return shown + (f"; +{len(names) - limit} more" if len(names) > limit else "")


# -- tables --------------------------------------------------------------------------------------


def verdicts_table(verdicts: Iterable[Verdict], *, title: str | None = None) -> Table:
    """One row per target: status, key (for ``zhenxing verdict``), target, result, sources."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("target", overflow="fold", min_width=16, ratio=2)
    table.add_column("target value", justify="right", no_wrap=True)
    table.add_column("result", justify="right", no_wrap=True)
    table.add_column("sources", overflow="fold", ratio=2)
    for v in verdicts:
        t = v.target
        status = Text(v.status, style=STATUS_STYLES.get(v.status, ""))
        if v.computed_status:
            status.append(f"\n(rule: {v.computed_status})", style="dim")
        what = Text(t.indicator or clip(t.label, 40), style="" if t.indicator else "italic")
        what.append(f"\n{t.key}", style="dim")
        result = Text("")
        if v.results:
            best = v.results[0]
            result = Text(format_value(best.value, best.unit))
            if best.period != t.period:
                result.append(f"\nby {best.period}", style="dim")
            if best.derived_from:
                result.append("\n(derived)", style="dim")
        if v.progress is not None:
            result.append(f"\n{v.progress:.0%} delivered", style="dim")
        if v.on_track is not None:
            result.append("\non track" if v.on_track else "\nbehind", style="dim")
        sources = Text(sources_text(t), style="cyan")
        for r in v.results[:1]:
            sources.append("\n→ " + sources_text(r), style="cyan")
        table.add_row(status, what, Text(observation_value(t)), result, sources)
    return table


def series_table(s: Series) -> Table:
    """A series' periods with targets and results side by side, each with its sources."""
    from rich.table import Table
    from rich.text import Text

    where = f", {s.region}" if s.region else ""
    name = s.indicator or s.label
    table = Table(title=f"{name} ({s.change}{where})  [dim]{s.key}[/dim]", title_justify="left")
    table.add_column("period", no_wrap=True)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("target sources", overflow="fold", ratio=1)
    table.add_column("result", justify="right", no_wrap=True)
    table.add_column("result sources", overflow="fold", ratio=1)
    periods: dict[str | None, dict[str, list[Observation]]] = {}
    for o in s.observations:
        periods.setdefault(o.period, {"target": [], "result": []})[o.kind].append(o)
    for period, kinds in periods.items():
        targets, results = kinds["target"], kinds["result"]
        for i in range(max(len(targets), len(results))):
            t = targets[i] if i < len(targets) else None
            r = results[i] if i < len(results) else None
            table.add_row(
                Text(period or "-") if i == 0 else Text(""),
                Text(observation_value(t)) if t else Text(""),
                _sources_cell(t),
                Text(observation_value(r)) if r else Text(""),
                _sources_cell(r),
            )
    return table


def _sources_cell(o: Observation | None) -> Any:
    from rich.text import Text

    if o is None:
        return Text("")
    cell = Text(sources_text(o, limit=4), style="cyan")
    for note in o.discrepancies:
        cell.append(f"\n⚠ {note}", style="yellow")
    return cell


def conflicts_table(conflicts: Iterable[Conflict], *, title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("series", overflow="fold", max_width=40)
    table.add_column("period", no_wrap=True)
    table.add_column("what disagrees", overflow="fold", ratio=1)
    for c in conflicts:
        table.add_row(
            Text(c.kind), Text(c.series_key, style="dim"), Text(c.period or "-"), Text(c.explanation)
        )
    return table


def verdict_details(v: Verdict) -> list[tuple[str, str]]:
    """Labelled lines for ``zhenxing verdict``: the sentence, the rule, then every source."""
    t = v.target
    rows: list[tuple[str, str]] = [
        ("verdict", v.explanation),
        ("status", v.status + (f" (the rule said {v.computed_status})" if v.computed_status else "")),
        ("target", f"{observation_value(t)}  {t.indicator or t.label}  {t.period or '-'}  {t.region or '-'}"),
        ("key", t.key),
        ("rule", f"v{v.rule.version}: {v.rule.description}"),
    ]
    if v.rule.tolerance is not None:
        kind = "percentage points" if v.rule.tolerance_kind == "points" else "relative"
        rows.append(("tolerance", f"{v.rule.tolerance:g} ({kind})"))
    if v.progress is not None:
        rows.append(("progress", f"{v.progress:.1%}"))
    if v.on_track is not None:
        rows.append(("on track", "yes" if v.on_track else "no"))
    rows.append(("as of", v.as_of or "-"))
    if v.assignment:
        rows.append(("owner", f"{v.assignment.get('owner')} (due {v.assignment.get('due')})"))
    if v.override:
        rows.append(("override", json.dumps(v.override, ensure_ascii=False, default=str)))
    return rows


def statement_lines(o: Observation) -> list[str]:
    """Each source of an observation with its sentence, the figure marked ``[[…]]``."""
    lines = []
    for s in o.sources:
        a, b = s.start - s.sentence_start, s.end - s.sentence_start
        quote = s.quote
        if 0 <= a < b <= len(quote):
            quote = f"{quote[:a]}[[{quote[a:b]}]]{quote[b:]}"
        lines.append(f"{doc_label(s)}  fact {s.fact_id}")
        lines.append(f"    {' '.join(quote.split())}")
    for note in o.discrepancies:
        lines.append(f"    ⚠ {note}")
    if o.derived_from:
        lines.append(f"    computed from {', '.join(o.derived_from)}")
    return lines


def verdict_text(v: Verdict) -> RenderableType:
    """The whole ``zhenxing verdict`` page as one renderable (plain text lines)."""
    width = max(len(k) for k, _ in verdict_details(v))
    out = [f"{k:<{width}}  {val}" for k, val in verdict_details(v)]
    out.append("")
    out.append("target stated in:")
    out.extend("  " + line for line in statement_lines(v.target))
    for r in v.results:
        out.append("")
        period = f" for {r.period}" if r.period != v.target.period else ""
        out.append(f"result {format_value(r.value, r.unit)}{period} stated in:")
        out.extend("  " + line for line in statement_lines(r))
    return "\n".join(out)
