"""The ``zhenxing`` command: a thin typer shell over :mod:`zhenxing.api`.

``zhenxing --help`` has to start in well under half a second, so this module
imports only typer at the top; the API, SQLAlchemy, rich and the pipeline
stages are imported inside the commands that use them.

Conventions: data goes to stdout, per-file status lines too; errors go to
stderr as one line ``error: PATH: problem`` and never as a traceback; the exit
status is 1 when anything failed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from rich.console import Console

    from zhenxing.api import FileResult
    from zhenxing.ledger.store import Ledger

app = typer.Typer(
    name="zhenxing",
    help="Regional development targets and results from Chinese and English documents, every figure sourced.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FactFormat(StrEnum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ZHENXING_DB",
        help="Ledger: an SQLite file or an SQLAlchemy URL (postgresql+psycopg://...). Default ./zhenxing.db.",
        show_default=False,
    ),
]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Refuse input files larger than this many bytes.")
]


# -- output helpers -------------------------------------------------------------------


def _console(stderr: bool = False) -> Console:
    """A rich console; off a terminal it gets a wide fixed width so piped tables do not wrap."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, width=160 if wide else None, highlight=False)


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn a ``ZhenxingError`` into one ``error:`` line and exit status 1."""
    from zhenxing.errors import ZhenxingError

    try:
        yield
    except ZhenxingError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None


def _status_line(result: FileResult) -> str:
    if result.status == "unchanged":
        detail = f"already in the ledger: {result.facts} fact{'s' if result.facts != 1 else ''}"
        if result.message:
            detail += f"; {result.message}"
    else:
        detail = f"{result.facts} fact{'s' if result.facts != 1 else ''}"
        if result.message:
            detail += f"; {result.message}"
    return f"{result.status:<11} {result.path}  ({detail})"


def _report(result: FileResult) -> None:
    if result.ok:
        print(_status_line(result), flush=True)
    else:
        _error(result.message or result.path)


# -- commands ---------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or globs of documents.", show_default=False),
    ] = None,
    db: DbOption = None,
    max_bytes: MaxBytesOption = 50_000_000,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help="Also re-extract, from their stored text, documents stored by an older extractor.",
        ),
    ] = False,
) -> None:
    """Load, extract and store documents in the ledger (one line per file)."""
    if not paths and not reprocess:
        _error("give at least one PATH (a file, folder or glob), or --reprocess")
        raise typer.Exit(2)
    from zhenxing import api, model

    with _user_errors():
        ledger = api.open_ledger(db)
    with ledger, _user_errors():
        files, bad = api.expand_paths(paths) if paths else ([], [])
        for error in bad:
            _error(str(error))
        stale = len(ledger.stale_documents(model.EXTRACTOR_VERSION)) if reprocess else 0
        counts = _run_ingest(ledger, files, stale, reprocess=reprocess, max_bytes=max_bytes)
    counts["error"] += len(bad)
    summary = ", ".join(f"{n} {'failed' if k == 'error' else k}" for k, n in counts.items())
    from zhenxing.ledger.store import display_url

    print(f"{summary}; ledger: {display_url(ledger.url)}", file=sys.stderr)
    if counts["error"]:
        raise typer.Exit(1)


def _run_ingest(
    ledger: Ledger, files: list[Path], stale: int, *, reprocess: bool, max_bytes: int
) -> dict[str, int]:
    """Process the batch with a progress bar on a terminal and plain lines elsewhere."""
    from zhenxing import api

    counts = {"added": 0, "unchanged": 0, "reprocessed": 0, "error": 0}

    def jobs() -> Iterator[tuple[str, Iterator[FileResult]]]:
        if reprocess:
            yield "stored documents", api.reprocess_stale(ledger)
        for path in files:
            yield os.fspath(path), api.ingest_files([path], ledger, max_bytes=max_bytes)

    def run(progress_update: object = None) -> None:
        for label, results in jobs():
            if progress_update:
                progress_update(label)  # type: ignore[operator]
            for result in results:
                counts[result.status if result.status in counts else "error"] += 1
                _report(result)
                if progress_update:
                    progress_update(None)  # type: ignore[operator]

    try:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[current]}", markup=False),
                console=_console(stderr=True),
                transient=True,
                # Status lines go to stdout: keep them there when it is a file, not the terminal.
                redirect_stdout=sys.stdout.isatty(),
            ) as progress:
                task = progress.add_task("ingest", total=len(files) + stale, current="")

                def update(label: str | None) -> None:
                    if label is None:
                        progress.advance(task)
                    else:
                        progress.update(task, current=os.path.basename(label))

                run(update)
        else:
            run()
    except KeyboardInterrupt:
        _error("interrupted; the documents finished so far are stored: run the same command again to finish")
        raise typer.Exit(130) from None
    return counts


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs of documents.")],
    output_format: Annotated[
        FactFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactFormat.jsonl,
    max_bytes: MaxBytesOption = 50_000_000,
    db: DbOption = None,
) -> None:
    """Print the facts of documents without storing them (the records `ingest` would store)."""
    del db  # accepted for uniformity; extract never touches the ledger
    from zhenxing import api
    from zhenxing.formats import CsvWriter, facts_table, write_jsonl

    with _user_errors():
        files, bad = api.expand_paths(paths)
    for error in bad:
        _error(str(error))
    failures = len(bad)
    collected = []
    writer = CsvWriter(sys.stdout) if output_format is FactFormat.csv else None
    if writer:
        writer.write([])
    for result, facts in api.extract_files(files, max_bytes=max_bytes):
        if not result.ok:
            failures += 1
            _error(result.message or result.path)
            continue
        if output_format is FactFormat.jsonl:
            write_jsonl(facts, sys.stdout)
        elif writer:
            writer.write(facts)
        else:
            collected.extend(facts)
        sys.stdout.flush()
    if output_format is FactFormat.table:
        _console().print(facts_table(collected, title=f"{len(collected)} facts"))
    if failures:
        raise typer.Exit(1)


@app.command()
def facts(
    indicator: Annotated[str | None, typer.Option(help="Indicator id, e.g. gdp.")] = None,
    region: Annotated[str | None, typer.Option(help="Region, e.g. Liaoning or 辽宁.")] = None,
    period: Annotated[
        str | None, typer.Option(help="Period; a year also finds its quarters and months.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="target, result or other.")] = None,
    doc: Annotated[str | None, typer.Option(help="Document id prefix or file name.")] = None,
    text: Annotated[str | None, typer.Option(help="Words in the sentence or the label.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many facts.")] = None,
    output_format: Annotated[
        FactFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactFormat.table,
    db: DbOption = None,
) -> None:
    """Query the facts in the ledger."""
    from zhenxing import api
    from zhenxing.formats import facts_table, write_csv, write_jsonl

    with _user_errors():
        found = api.query_facts(
            db, indicator=indicator, region=region, period=period, kind=kind, doc=doc, text=text, limit=limit
        )
    if output_format is FactFormat.jsonl:
        write_jsonl(found, sys.stdout)
    elif output_format is FactFormat.csv:
        write_csv(found, sys.stdout)
    elif found:
        _console().print(facts_table(found, title=f"{len(found)} facts"))
    else:
        print("no facts match", file=sys.stderr)


@app.command()
def show(
    fact_id: Annotated[str, typer.Argument(help="A fact id (or a prefix only one fact has).")],
    db: DbOption = None,
) -> None:
    """Show a fact in its sentence, with its fields and its document."""
    from zhenxing import api
    from zhenxing.formats import format_value, marked_sentence, plain_number

    with _user_errors():
        fact, info = api.fact_with_document(fact_id, db)

    raw = plain_number(fact.value)
    value = format_value(fact.value, fact.unit, fact.comparator)
    if abs(fact.value) >= 1e6:  # scaled for reading ("2.7584 trillion"): also give the stored number
        value += f"   ({raw}{' ' + fact.unit if fact.unit else ''})"
    date = info.date or "unknown"
    if info.date and info.date_source:
        date += f" (from {info.date_source})"
    sections = [
        [
            ("fact", fact.id),
            ("value", value),
            ("as written", fact.text),
            ("indicator", fact.indicator or "-"),
            ("label", fact.label),
            ("period", fact.period or "-"),
            ("region", fact.region or "-"),
            ("kind", fact.kind),
            ("change", fact.change),
            ("position", f"{fact.start}-{fact.end} (sentence {fact.sentence_start}-{fact.sentence_end})"),
            ("extractor", fact.extractor_version),
        ],
        [
            ("document", info.name),
            ("id", info.id),
            ("title", info.title or "-"),
            ("date", date),
            ("source", info.source or "-"),
            ("language", info.language),
        ],
    ]
    if info.translation_of:
        sections[1].append(("translation of", info.translation_of))

    console = _console()
    if console.is_terminal:
        from rich.table import Table
        from rich.text import Text

        console.print(marked_sentence(fact, plain=False, style="bold black on yellow"))
        for rows in sections:
            console.print()
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column()
            for key, val in rows:
                grid.add_row(Text(key), Text(str(val)))
            console.print(grid)
    else:
        print(marked_sentence(fact))
        width = max(len(k) for rows in sections for k, _ in rows)
        for rows in sections:
            print()
            for key, val in rows:
                print(f"{key:<{width}}  {val}")


@app.command()
def docs(
    output_format: Annotated[
        FactFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactFormat.table,
    db: DbOption = None,
) -> None:
    """List the documents in the ledger."""
    from zhenxing import api
    from zhenxing.formats import (
        DOCUMENT_FIELDS,
        CsvWriter,
        document_record,
        documents_table,
        iter_jsonl_records,
    )

    with _user_errors():
        found = api.list_documents(db)
    if output_format is FactFormat.jsonl:
        for line in iter_jsonl_records(document_record(d) for d in found):
            print(line)
    elif output_format is FactFormat.csv:
        CsvWriter(sys.stdout, DOCUMENT_FIELDS).write_records(document_record(d) for d in found)
    elif found:
        _console().print(documents_table(found, title=f"{len(found)} documents"))
    else:
        print("no documents in the ledger", file=sys.stderr)


@app.command()
def demo(
    db: Annotated[
        str, typer.Option("--db", help="Demo ledger to rebuild from scratch (an SQLite file or a URL).")
    ] = "zhenxing-demo.db",
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Only build and print the summary; do not start the web dashboard.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Address the dashboard listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port the dashboard listens on.")] = 8000,
) -> None:
    """Build a ledger from the bundled examples, print a summary, then serve the dashboard until Ctrl-C."""
    from zhenxing import api
    from zhenxing.demo import build_demo, examples_dir, failed, render, summarize

    with _user_errors():
        folder = examples_dir()
        print(f"building {db} from {folder} ...", file=sys.stderr, flush=True)
        results = build_demo(db, folder)
    for result in failed(results):
        _error(result.message or result.path)
    with _user_errors(), api.open_ledger(db) as ledger:
        summary = summarize(ledger)
    render(summary, _console(), db=db)
    if failed(results):
        raise typer.Exit(1)
    if no_serve:
        return
    from zhenxing.serve import run

    with _user_errors(), suppress(KeyboardInterrupt):
        run(db, host, port)


# Commands of the tracking stage live in their own modules; imported here, after
# the shared options above are defined, so they can use them.
from zhenxing import cli_loop, cli_report, cli_serve, cli_tracking  # noqa: E402

cli_tracking.register(app)
cli_loop.register(app)
cli_report.register(app)
cli_serve.register(app)


def main() -> None:
    """Console-script entry point (``zhenxing = zhenxing.cli:main``)."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
