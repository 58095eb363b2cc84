"""CLI commands for closed-loop tracking; registered on the main app by ``zhenxing.cli``.

``series``, ``targets``, ``verdict`` and ``conflicts`` are thin shells over
``zhenxing.ledger.series`` / ``verdicts`` / ``conflicts``. Only typer and the
shared options are imported here; the ledger, SQLAlchemy, rich and the
tracking logic are imported inside the commands so ``zhenxing --help`` stays
fast. Import ``zhenxing.cli`` (not this module) first: it defines the shared
options and then registers these commands.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from zhenxing.cli import DbOption, FactFormat, _console, _user_errors

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.verdicts import Tolerance


class RecordFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Judge as of this date (YYYY-MM-DD): later documents are not read. "
        "Default: the newest document's date.",
        show_default=False,
    ),
]
PointsOption = Annotated[
    float,
    typer.Option(
        "--tolerance-points",
        min=0.0,
        help="How far an 'about' target in % may be missed and still be met, in percentage points.",
    ),
]
RelativeOption = Annotated[
    float,
    typer.Option(
        "--tolerance-relative",
        min=0.0,
        max=1.0,
        help="The same for targets of levels, as a share of the target (0.02 = 2%).",
    ),
]

_STATUS_ALIASES = {"no-result": "no result", "no_result": "no result", "noresult": "no result"}


def _tolerance(points: float, relative: float) -> Tolerance:
    from zhenxing.ledger.verdicts import Tolerance

    return Tolerance(points=points, relative=relative)


def _status(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.strip().lower().split())
    return _STATUS_ALIASES.get(cleaned, cleaned)


def series(
    indicator: Annotated[
        str, typer.Argument(help="Indicator id (gdp, urban_jobs ...) or, for unlisted figures, their label.")
    ],
    region: Annotated[str | None, typer.Option(help="Region, e.g. Liaoning or 辽宁.")] = None,
    output_format: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RecordFormat.table,
    db: DbOption = None,
) -> None:
    """Targets and results of an indicator period by period, side by side, each with its sources."""
    from zhenxing import api
    from zhenxing.formats_tracking import series_record, series_table, write_records
    from zhenxing.ledger.series import series_from_ledger

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        found = series_from_ledger(ledger, indicator, region)
    if output_format is RecordFormat.jsonl:
        write_records((series_record(s) for s in found), sys.stdout)
        return
    if not found:
        where = f" in {region}" if region else ""
        print(f"no series for {indicator!r}{where}", file=sys.stderr)
        return
    console = _console()
    for i, s in enumerate(found):
        if i:
            console.print()
        console.print(series_table(s))


def targets(
    period: Annotated[
        str | None, typer.Option(help="Period; a year also finds targets for its halves, quarters, months.")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Region, e.g. Liaoning or 辽宁.")] = None,
    status: Annotated[
        str | None, typer.Option(help="met, missed, pending or 'no result'.", show_default=False)
    ] = None,
    area: Annotated[
        str | None, typer.Option(help="Taxonomy area: economy, livelihood, innovation, green ...")
    ] = None,
    output_format: Annotated[
        FactFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactFormat.table,
    as_of: AsOfOption = None,
    tolerance_points: PointsOption = 0.5,
    tolerance_relative: RelativeOption = 0.02,
    db: DbOption = None,
) -> None:
    """List targets with their verdict (met, missed, pending, no result), results and sources."""
    from zhenxing import api
    from zhenxing.formats import CsvWriter
    from zhenxing.formats_tracking import (
        VERDICT_CSV_FIELDS,
        verdict_record,
        verdict_row,
        verdicts_table,
        write_records,
    )
    from zhenxing.ledger.verdicts import evaluate

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        found = evaluate(
            ledger,
            period=period,
            region=region,
            area=area,
            status=_status(status),
            as_of=as_of,
            tolerance=_tolerance(tolerance_points, tolerance_relative),
        )
    if output_format is FactFormat.jsonl:
        write_records((verdict_record(v) for v in found), sys.stdout)
    elif output_format is FactFormat.csv:
        CsvWriter(sys.stdout, VERDICT_CSV_FIELDS).write_records(verdict_row(v) for v in found)
    elif found:
        counts: dict[str, int] = {}
        for v in found:
            counts[v.status] = counts.get(v.status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in counts.items())
        as_of_shown = found[0].as_of or "unknown"
        title = f"{len(found)} targets as of {as_of_shown}: {summary}"
        _console().print(verdicts_table(found, title=title))
    else:
        print("no targets match", file=sys.stderr)


def verdict(
    target: Annotated[
        str,
        typer.Argument(
            help="A target key from `zhenxing targets` (or a prefix only it has), or a target fact id."
        ),
    ],
    output_format: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RecordFormat.table,
    as_of: AsOfOption = None,
    tolerance_points: PointsOption = 0.5,
    tolerance_relative: RelativeOption = 0.02,
    db: DbOption = None,
) -> None:
    """Show one target's verdict: the sentence, the rule applied, and every source quoted."""
    from zhenxing import api
    from zhenxing.formats_tracking import verdict_record, verdict_text, write_records
    from zhenxing.ledger.verdicts import verdict_for

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        found = verdict_for(
            ledger, target, as_of=as_of, tolerance=_tolerance(tolerance_points, tolerance_relative)
        )
    if output_format is RecordFormat.jsonl:
        write_records([verdict_record(found)], sys.stdout)
    else:
        print(verdict_text(found))


def conflicts(
    indicator: Annotated[str | None, typer.Option(help="Indicator id, e.g. gdp.")] = None,
    region: Annotated[str | None, typer.Option(help="Region, e.g. Liaoning or 辽宁.")] = None,
    period: Annotated[
        str | None, typer.Option(help="Period; a year also finds its halves and months.")
    ] = None,
    output_format: Annotated[
        FactFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactFormat.table,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """List results that contradict each other: different figures for one period, or a level
    and a change that imply another previous year than the ledger holds."""
    from zhenxing import api
    from zhenxing.formats import CsvWriter
    from zhenxing.formats_tracking import conflict_record, conflicts_table, write_records
    from zhenxing.ledger.conflicts import find_conflicts

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        found = find_conflicts(ledger, indicator=indicator, region=region, period=period, as_of=as_of)
    if output_format is FactFormat.jsonl:
        write_records((conflict_record(c) for c in found), sys.stdout)
    elif output_format is FactFormat.csv:
        fields = ("kind", "series", "period", "newest", "explanation")
        CsvWriter(sys.stdout, fields).write_records({k: conflict_record(c)[k] for k in fields} for c in found)
    elif found:
        _console().print(conflicts_table(found, title=f"{len(found)} conflicts"))
    else:
        print("no conflicts found", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="series")(series)
    app.command(name="targets")(targets)
    app.command(name="verdict")(verdict)
    app.command(name="conflicts")(conflicts)
