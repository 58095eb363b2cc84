"""CLI command for the scorecard report; registered on the main app by ``zhenxing.cli``.

``zhenxing report --period 2022 --region Liaoning --out report.html`` is a thin
shell over :mod:`zhenxing.serve.report`. Like the other command modules it
imports only typer and the shared options at the top (``zhenxing --help`` must
stay fast); the ledger, Jinja2 and the tracking logic are imported inside the
command. Bad input (an unknown region, a period with no targets, a file that
cannot be written) is one ``error:`` line and exit status 1.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from zhenxing.cli import DbOption, _error, _user_errors


class ReportFormat(StrEnum):
    html = "html"
    md = "md"


def report(
    period: Annotated[
        str | None,
        typer.Option(
            help="Period of the targets: a year (also takes its halves, quarters, months) or 2022-H1 ...",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Region, e.g. Liaoning or 辽宁 (default: every region).", show_default=False),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge as of this date (YYYY-MM-DD): later documents are not read. "
            "Default: the newest document's date.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="File to write (replaced atomically).", show_default=False),
    ] = None,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html or md. Default: from the extension of --out (.md: Markdown, else HTML).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the scorecard of a period: targets by area with verdicts, charts and quoted sources."""
    if not period or not out:
        missing = " and ".join(name for name, given in (("--period", period), ("--out", out)) if not given)
        _error(f"give {missing} (e.g. zhenxing report --period 2022 --out report.html)")
        raise typer.Exit(2)
    from zhenxing import api
    from zhenxing.serve.report import build_report, report_format, write_report

    with _user_errors():
        fmt = report_format(out, output_format.value if output_format else None)
        with api.open_ledger(db, create=False) as ledger:
            built = build_report(ledger, period=period, region=region, as_of=as_of)
        written = write_report(built, out, fmt=fmt)
    counts = ", ".join(f"{n} {status}" for status, n in built.counts.items())
    total = sum(built.counts.values())
    print(f"{written}: {total} targets ({counts}), as of {built.as_of or 'unknown'}", file=sys.stdout)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="report")(report)
