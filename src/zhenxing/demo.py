"""``zhenxing demo``: a fresh ledger from ``examples/`` and a summary a newcomer can read.

It exercises the whole pipeline (load, extract, store, query) on the shipped
samples, so it doubles as a smoke test: ``make demo`` failing means the
pipeline is broken end to end.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from zhenxing import api
from zhenxing.errors import ZhenxingError
from zhenxing.formats import clip, format_value
from zhenxing.model import Fact

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console
    from rich.table import Table

    from zhenxing.ledger.store import DocumentInfo, Ledger
    from zhenxing.ledger.tracking_model import Verdict

DEFAULT_DEMO_DB = "zhenxing-demo.db"
KINDS = ("target", "result", "other")
UNCLASSIFIED = "unclassified"


def examples_dir() -> Path:
    """The repository's ``examples/`` (next to ``src/``), else ``./examples``."""
    candidates = [Path(__file__).resolve().parents[2] / "examples", Path.cwd() / "examples"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ZhenxingError("examples folder not found (looked in " + ", ".join(map(str, candidates)) + ")")


def _is_foreign_sqlite(path: Path) -> bool:
    """True when ``path`` holds something other than a zhenxing ledger, which the demo must not delete."""
    if path.stat().st_size == 0:
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return True
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return True
    return bool(tables) and not {"documents", "facts"} <= tables


def reset_ledger(db: str | os.PathLike[str]) -> None:
    """Start the demo ledger afresh: delete the SQLite file, or empty the tables of a server database."""
    from zhenxing.ledger.store import Ledger, LedgerError, database_url

    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            if _is_foreign_sqlite(path):
                raise LedgerError(f"{db}: exists and is not a zhenxing ledger; not overwriting it")
            for extra in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    with Ledger(url) as ledger:
        ledger.clear()


def build_demo(
    db: str | os.PathLike[str] = DEFAULT_DEMO_DB, examples: Path | None = None
) -> list[api.FileResult]:
    """Rebuild ``db`` from the example documents; one result per file."""
    folder = examples or examples_dir()
    files, errors = api.expand_paths([str(folder)])
    reset_ledger(db)
    results = [api.FileResult(e.path, "error", message=str(e)) for e in errors]
    with api.open_ledger(db) as ledger:
        documents = sorted(f for f in files if not _is_companion(f))
        results.extend(api.ingest_files(documents, ledger))
    return results


def _is_companion(path: Path) -> bool:
    """Sidecars (``NAME.meta.yaml``) and the folder's own notes (``SOURCES.md``) are not documents."""
    name = path.name.lower()
    return name.endswith((".meta.yaml", ".meta.yml")) or name.startswith(("readme", "sources."))


@cache
def indicator_areas() -> dict[str, str]:
    """Indicator id -> taxonomy area, from ``zhenxing/data/indicators.yaml``."""
    import yaml

    text = resources.files("zhenxing.data").joinpath("indicators.yaml").read_text(encoding="utf-8")
    return {str(e["id"]): str(e.get("area") or "other") for e in yaml.safe_load(text) or [] if "id" in e}


_YEAR = re.compile(r"^(\d{4})(?:-[0-9A-Za-z]+)?$")


def period_year(period: str | None) -> tuple[int, bool] | None:
    """The year a period falls in and whether it spans several years.

    "2023", "2023-Q1", "2022-01/2022-11" fall in one year; "2021/2025" spans
    several and is keyed by its last year.
    """
    if not period:
        return None
    years = [int(m.group(1)) for part in period.split("/") if (m := _YEAR.match(part.strip()))]
    if not years:
        return None
    return max(years), len(set(years)) > 1


@dataclass(slots=True)
class DemoSummary:
    """What the demo prints, computed from the ledger (kept apart from rendering for tests)."""

    documents: list[DocumentInfo]
    by_area: dict[str, dict[str, int]]
    target_year: int | None
    targets: list[Fact]
    totals: dict[str, int] = field(default_factory=dict)
    # The targets of ``target_year`` judged against the results in the ledger
    # (``zhenxing targets --period YEAR``), judged ones first.
    verdicts: list[Verdict] = field(default_factory=list)


def summarize(ledger: Ledger) -> DemoSummary:
    areas = indicator_areas()
    by_area: dict[str, dict[str, int]] = {}
    for (indicator, kind), n in ledger.count_facts("indicator", "kind").items():
        area = areas.get(indicator, UNCLASSIFIED) if indicator else UNCLASSIFIED
        row = by_area.setdefault(area, dict.fromkeys(KINDS, 0))
        row[kind] = row.get(kind, 0) + n
    ordered = dict(
        sorted(by_area.items(), key=lambda kv: (kv[0] == UNCLASSIFIED, -sum(kv[1].values()), kv[0]))
    )

    targets = ledger.facts(kind="target")
    keyed = [(period_year(f.period), f) for f in targets]
    annual = [(y[0], f) for y, f in keyed if y and not y[1]]
    pool = annual or [(y[0], f) for y, f in keyed if y]
    # The year a work report sets targets for is the one with the most of them;
    # a stray planned figure in a later news story should not hide it.
    counts: dict[int, int] = {}
    for y, _ in pool:
        counts[y] = counts.get(y, 0) + 1
    year = max(counts, key=lambda y: (counts[y], y), default=None)
    chosen = [f for y, f in pool if y == year]
    verdicts = _verdicts(ledger, year) if year is not None else []
    return DemoSummary(ledger.documents(), ordered, year, chosen, ledger.counts(), verdicts)


_STATUS_ORDER = {"missed": 0, "met": 1, "pending": 2, "no result": 3}


def _verdicts(ledger: Ledger, year: int) -> list[Verdict]:
    """The year's targets judged; those with a result first, each group in the order the report states them."""
    from zhenxing.ledger.verdicts import evaluate

    found = evaluate(ledger, period=str(year))
    return sorted(found, key=lambda v: _STATUS_ORDER.get(v.status, 9))  # stable: report order within a status


class Quoted(Protocol):
    """Anything with a sentence and the figure as written in it: a ``Fact`` or a tracking ``Source``."""

    quote: str
    text: str


def snippet(fact: Quoted, width: int = 70) -> str:
    """A short piece of the sentence around the figure, to show where it comes from."""
    quote = " ".join(fact.quote.split()) if len(fact.quote) > width else fact.quote
    if len(quote) <= width:
        return quote
    at = quote.find(fact.text) if fact.text else -1
    if at < 0:
        return clip(quote, width)
    begin = max(0, min(at - width // 3, len(quote) - width))
    piece = quote[begin : begin + width]
    return ("…" if begin > 0 else "") + piece.strip() + ("…" if begin + width < len(quote) else "")


def render(summary: DemoSummary, console: Console, *, db: str | None = None) -> None:
    """Print the summary as rich tables."""
    from rich.table import Table
    from rich.text import Text

    where = f" in {db}" if db else ""
    console.print(
        Text.assemble(
            ("zhenxing demo", "bold"),
            f": {summary.totals.get('documents', 0)} documents, {summary.totals.get('facts', 0)} facts{where}",
        )
    )

    docs = Table(title="Documents", title_justify="left")
    for name, justify in (("name", "left"), ("date", "left"), ("language", "left"), ("facts", "right")):
        docs.add_column(name, justify=justify, no_wrap=name != "name")  # type: ignore[arg-type]
    for d in summary.documents:
        docs.add_row(Text(d.name), Text(d.date or "unknown"), Text(d.language), Text(str(d.fact_count)))
    console.print()
    console.print(docs)

    kinds = list(KINDS) + sorted({k for row in summary.by_area.values() for k in row} - set(KINDS))
    areas = Table(title="Facts by area", title_justify="left")
    areas.add_column("area")
    for kind in kinds:
        areas.add_column(kind, justify="right")
    areas.add_column("total", justify="right", style="bold")
    for area, row in summary.by_area.items():
        areas.add_row(Text(area), *(str(row.get(k, 0)) for k in kinds), str(sum(row.values())))
    console.print()
    console.print(areas)
    console.print()

    if summary.target_year is None:
        console.print(Text("No targets with a year were found.", style="italic"))
        return
    if summary.verdicts:
        console.print(verdict_table(summary))
    else:
        console.print(_target_list(summary))


def _target_list(summary: DemoSummary) -> Table:
    """The year's target facts, for a ledger where none could be judged (no tracking stage)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"Targets for {summary.target_year} ({len(summary.targets)})",
        title_justify="left",
    )
    table.add_column("indicator / label", max_width=28)
    table.add_column("figure", justify="right", no_wrap=True)
    table.add_column("change", no_wrap=True)
    table.add_column("region", max_width=14)
    table.add_column("source", ratio=1)
    for f in summary.targets:
        label = Text(f.indicator) if f.indicator else Text(clip(f.label, 40), style="italic")
        if f.indicator and f.label:
            label.append(f"\n{clip(f.label, 40)}", style="dim")
        source = Text(f.doc, style="cyan")
        source.append("\n" + snippet(f), style="dim")
        table.add_row(
            label,
            Text(format_value(f.value, f.unit, f.comparator)),
            Text(f.change),
            Text(f.region or ""),
            source,
        )
    return table


def verdict_table(summary: DemoSummary) -> Table:
    """The year's targets with their verdict, result and both sources: what the ledger is for."""
    from rich.table import Table
    from rich.text import Text

    from zhenxing.formats_tracking import STATUS_STYLES

    counts: dict[str, int] = {}
    for v in summary.verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    shown = ", ".join(
        f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: _STATUS_ORDER.get(kv[0], 9))
    )
    as_of = summary.verdicts[0].as_of or "unknown"
    table = Table(
        title=f"Targets for {summary.target_year} ({len(summary.verdicts)}): {shown}, as of {as_of}",
        title_justify="left",
    )
    table.add_column("status", no_wrap=True)
    table.add_column("indicator / label", max_width=28)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("result", justify="right", no_wrap=True)
    table.add_column("region", max_width=14)
    table.add_column("sources", ratio=1)
    for v in summary.verdicts:
        t = v.target
        label = Text(t.indicator) if t.indicator else Text(clip(t.label, 40), style="italic")
        if t.indicator and t.label:
            label.append(f"\n{clip(t.label, 40)}", style="dim")
        result = Text("")
        if v.results:
            best = v.results[0]
            result = Text(format_value(best.value, best.unit))
            if best.period != t.period:
                result.append(f"\nby {best.period}", style="dim")
        if v.progress is not None and t.comparator == "=":
            result.append(f"\n{v.progress:.0%} delivered", style="dim")
        sources = Text()
        for s in t.sources[:2]:
            sources.append(f"{s.doc}\n", style="cyan")
            if v.results:  # judged rows quote both sentences; the rest stay one line
                sources.append(snippet(s) + "\n", style="dim")
        for r in v.results[:1]:
            for s in r.sources[:2]:
                sources.append(f"→ {s.doc}" + (f" ({s.doc_date})" if s.doc_date else "") + "\n", style="cyan")
                sources.append(snippet(s) + "\n", style="dim")
        sources.rstrip()
        table.add_row(
            Text(v.status, style=STATUS_STYLES.get(v.status, "")),
            label,
            Text(format_value(t.value, t.unit, t.comparator)),
            result,
            Text(t.region or ""),
            sources,
        )
    return table


def failed(results: Iterable[api.FileResult]) -> list[api.FileResult]:
    return [r for r in results if not r.ok]
