"""The command line: output of every command, exit statuses, and bad input without tracebacks.

Query commands run on a ledger of hand-made samples (``tests/ledger/samples.py``);
``ingest``, ``extract`` and ``demo`` run the real loader and extractor on
sentences from ``examples/`` (``tests/ledger/corpus.py``) and on the examples
themselves. Their fact counts are checked against each other and against the
ledger, not fixed, since extraction keeps improving.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ledger.corpus import (
    GDP_2022_CNY,
    OLD_VERSION,
    signal_after_first_document,
    store_as_old_release,
    write_corpus,
)
from tests.ledger.samples import DOC_003, DOC_GWR, sample_003, sample_gwr
from zhenxing import model
from zhenxing.cli import app
from zhenxing.formats import FACT_FIELDS, read_jsonl
from zhenxing.ledger.store import Ledger

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "samples.db"
    with Ledger(db) as ledger:
        for doc, facts in (sample_003(), sample_gwr()):
            ledger.add_document(doc, facts)
    return db


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


# -- startup ------------------------------------------------------------------------------


def test_help_imports_nothing_heavy() -> None:
    """`zhenxing --help` must start fast: no SQLAlchemy, alembic, rich progress or pipeline stages."""
    code = (
        "import sys\n"
        "from zhenxing.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'zhenxing.api', 'zhenxing.ledger.store',"
        " 'zhenxing.extract.facts', 'zhenxing.ingest.loader', 'yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    assert "ingest" in out and "demo" in out


def test_every_command_takes_db(runner: CliRunner) -> None:
    for command in ("ingest", "extract", "facts", "show", "docs", "demo"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "--db" in result.stdout, command


# -- queries on a hand-made ledger -------------------------------------------------------------


def test_facts_table(runner: CliRunner, sample_db: Path) -> None:
    result = runner.invoke(app, ["facts", "--db", str(sample_db)])
    assert result.exit_code == 0, result.stderr
    assert "11 facts" in result.stdout
    assert "2.7584 trillion CNY" in result.stdout and "urban_jobs" in result.stdout
    assert sample_003()[1][0].id in result.stdout


def test_facts_filters_and_jsonl(runner: CliRunner, sample_db: Path) -> None:
    result = runner.invoke(
        app, ["facts", "--db", str(sample_db), "--indicator", "gdp", "--period", "2021", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["value"] for r in records] == [2758400000000, 5.8]
    assert list(records[0]) == list(FACT_FIELDS)
    for args, n in (
        (["--kind", "target"], 3),
        (["--region", "Liaoning"], 11),
        (["--doc", "liaoning-gwr"], 4),
        (["--text", "城镇"], 4),
        (["--limit", "2"], 2),
        (["--kind", "other"], 0),
    ):
        result = runner.invoke(app, ["facts", "--db", str(sample_db), "-f", "jsonl", *args])
        assert result.exit_code == 0 and len(result.stdout.splitlines()) == n, args


def test_facts_csv(runner: CliRunner, sample_db: Path) -> None:
    result = runner.invoke(app, ["facts", "--db", str(sample_db), "--format", "csv", "--doc", DOC_GWR])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["text"] for r in rows] == ["2.1%", "3.6%", "46.2万人", "2%"]
    assert rows[2]["value"] == "462000"


def test_facts_none_match(runner: CliRunner, sample_db: Path) -> None:
    result = runner.invoke(app, ["facts", "--db", str(sample_db), "--indicator", "nothing"])
    assert result.exit_code == 0 and "no facts match" in result.stderr


def test_facts_env_db(runner: CliRunner, sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENXING_DB", str(sample_db))
    result = runner.invoke(app, ["facts", "-f", "jsonl"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 11


def test_missing_ledger_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    for command in (["facts"], ["docs"], ["show", "abc"]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "typo.db")])
        assert result.exit_code == 1
        assert _error_lines(result.stderr) == [
            f"error: {tmp_path / 'typo.db'}: no ledger there (build one with `zhenxing ingest PATH...`)"
        ]
        assert "Traceback" not in result.output
    assert not (tmp_path / "typo.db").exists()


def test_show_plain(runner: CliRunner, sample_db: Path) -> None:
    fact = sample_gwr()[1][2]  # 46.2万人
    result = runner.invoke(app, ["show", fact.id, "--db", str(sample_db)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == fact.quote.replace("46.2万人", "[[46.2万人]]")
    out = result.stdout
    for expected in (
        f"fact        {fact.id}",
        "462,000 people",
        "urban_jobs",
        "城镇新增就业",
        "2022",
        "Liaoning",
        f"document    {DOC_GWR}",
        "辽宁省政府工作报告（2023年1月12日）",
        "2023-01-12 (from meta)",
        "district.ce.cn",
    ):
        assert expected in out, expected


def test_show_by_prefix_and_errors(runner: CliRunner, sample_db: Path) -> None:
    fact = sample_003()[1][0]
    prefix = f"{fact.doc_id[:12]}-{fact.start}-"
    result = runner.invoke(app, ["show", prefix, "--db", str(sample_db)])
    assert result.exit_code == 0 and "[[2,758.4 billion yuan]]" in result.stdout

    result = runner.invoke(app, ["show", fact.doc_id[:8], "--db", str(sample_db)])
    assert result.exit_code == 1 and "matches several facts" in result.stderr
    result = runner.invoke(app, ["show", "nope", "--db", str(sample_db)])
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == ["error: no fact with id 'nope'"]


def test_docs(runner: CliRunner, sample_db: Path) -> None:
    result = runner.invoke(app, ["docs", "--db", str(sample_db)])
    assert result.exit_code == 0
    assert DOC_003 in result.stdout and DOC_GWR in result.stdout and "2023-01-12" in result.stdout
    result = runner.invoke(app, ["docs", "--db", str(sample_db), "--format", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["name"], r["fact_count"], r["language"]) for r in records] == [
        (DOC_003, 7, "en"),
        (DOC_GWR, 4, "zh"),
    ]
    result = runner.invoke(app, ["docs", "--db", str(sample_db), "--format", "csv"])
    assert result.stdout.splitlines()[0].startswith("name,id,date,language,title,fact_count")


# -- ingest and extract, with the real loader and extractor -----------------------------------


def _facts(n: int) -> str:
    return f"{n} fact{'' if n == 1 else 's'}"


def _stored_counts(db: str | Path) -> dict[str, int]:
    """Fact count per stored document, by path."""
    with Ledger(db) as ledger:
        return {d.path or d.name: d.fact_count for d in ledger.documents()}


def test_ingest_lines_and_rerun(runner: CliRunner, tmp_path: Path) -> None:
    paths = [str(p) for p in write_corpus(tmp_path / "docs")]
    db = str(tmp_path / "l.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    assert result.exit_code == 0, result.output
    counts = _stored_counts(db)
    assert list(counts) == paths and all(counts.values())
    assert result.stdout.splitlines() == [f"added       {p}  ({_facts(counts[p])})" for p in paths]
    assert "3 added, 0 unchanged, 0 reprocessed, 0 failed" in result.stderr
    again = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"unchanged   {p}  (already in the ledger: {_facts(counts[p])})" for p in paths
    ]
    assert "0 added, 3 unchanged, 0 reprocessed, 0 failed" in again.stderr
    assert _stored_counts(db) == counts


def test_ingest_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    a, b, c = write_corpus(tmp_path / "docs")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")  # a download that stopped early
    missing = tmp_path / "missing.txt"
    db = tmp_path / "l.db"
    result = runner.invoke(
        app, ["ingest", str(a), str(missing), str(empty), str(binary), str(pdf), str(c), "--db", str(db)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = _error_lines(result.stderr)
    assert len(errors) == 4, result.stderr
    for bad in (missing, empty, binary, pdf):
        assert sum(line.startswith(f"error: {bad}: ") for line in errors) == 1, (bad, errors)
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["added", "added"]
    assert "2 added, 0 unchanged, 0 reprocessed, 4 failed" in result.stderr
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt", "c.txt"]


def test_ingest_bad_input_beside_an_example(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(os.urandom(2048) + b"\x00" * 64)
    missing = tmp_path / "missing.txt"
    good = str(EXAMPLES / "liaoning-gwr-2023-zh.txt")
    db = tmp_path / "l.db"
    result = runner.invoke(app, ["ingest", str(missing), str(empty), good, str(binary), "--db", str(db)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = _error_lines(result.stderr)
    assert len(errors) == 3, result.stderr
    for bad in (missing, empty, binary):
        assert sum(str(bad) in line for line in errors) == 1, (bad, errors)
    assert result.stdout.startswith(f"added       {good}  (")
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["liaoning-gwr-2023-zh.txt"]


def test_ingest_unexpected_error_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """A write that fails for a reason no one planned (another writer holds the ledger): one line, go on."""
    a, b, c = write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    runner.invoke(app, ["ingest", str(a), str(c), "--db", str(db)])
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # holds the write lock: reading still works, b cannot be stored
        result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", f"sqlite:///{db}?timeout=0"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (error,) = _error_lines(result.stderr)
    assert error.startswith(f"error: {b}: OperationalError: ") and "database is locked" in error
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [
        ["unchanged", str(a)],
        ["unchanged", str(c)],
    ]
    assert "0 added, 2 unchanged, 0 reprocessed, 1 failed" in result.stderr
    rerun = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", str(db)])
    assert rerun.exit_code == 0 and [line.split()[0] for line in rerun.stdout.splitlines()] == [
        "unchanged",
        "added",
        "unchanged",
    ]


def test_ingest_interrupted(runner: CliRunner, tmp_path: Path) -> None:
    """Ctrl-C (a real SIGINT) after the first document: status 130, that document kept, a rerun finishes."""
    paths = [str(p) for p in write_corpus(tmp_path / "docs")]
    db = tmp_path / "l.db"
    status, stdout, stderr = signal_after_first_document(db, [str(tmp_path / "docs")], signal.SIGINT)
    assert status == 130, stderr
    assert _error_lines(stderr) == [
        "error: interrupted; the documents finished so far are stored: run the same command again to finish"
    ]
    assert "Traceback" not in stderr
    # The signal may land before or inside the print of a.txt's line, but nothing after it was begun.
    assert paths[1] not in stdout and paths[2] not in stdout
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt"]
    rerun = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", str(db)])
    assert rerun.exit_code == 0, rerun.output
    assert [line.split()[:2] for line in rerun.stdout.splitlines()] == [
        ["unchanged", paths[0]],
        ["added", paths[1]],
        ["added", paths[2]],
    ]


def test_ingest_needs_a_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--db", str(tmp_path / "l.db")])
    assert result.exit_code == 2 and "give at least one PATH" in result.stderr


def test_ingest_bad_db(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    a, _, _ = write_corpus(tmp_path / "docs")
    result = runner.invoke(app, ["ingest", str(a), "--db", str(tmp_path / "notes.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _error_lines(result.stderr)[0].startswith(
        f"error: {tmp_path / 'notes.db'}: cannot open the ledger"
    )


def test_ingest_reprocess(runner: CliRunner, tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "docs")
    db = str(tmp_path / "l.db")
    store_as_old_release(db, paths)
    result = runner.invoke(app, ["ingest", "--reprocess", "--db", db])
    assert result.exit_code == 0, result.output
    counts = _stored_counts(db)
    assert result.stdout.splitlines() == [
        f"reprocessed {p}  ({_facts(counts[str(p)])}; was {OLD_VERSION})" for p in paths
    ]
    assert "0 added, 0 unchanged, 3 reprocessed, 0 failed" in result.stderr
    with Ledger(db) as ledger:
        assert ledger.stale_documents(model.EXTRACTOR_VERSION) == []
        assert {f.extractor_version for f in ledger.facts()} == {model.EXTRACTOR_VERSION}
    again = runner.invoke(app, ["ingest", "--reprocess", "--db", db])
    assert again.exit_code == 0 and again.stdout == ""


def test_extract_prints_what_ingest_stores(runner: CliRunner, tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs")
    db = str(tmp_path / "l.db")
    extracted = runner.invoke(app, ["extract", str(tmp_path / "docs")])
    assert extracted.exit_code == 0, extracted.output
    runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    stored = runner.invoke(app, ["facts", "--db", db, "--format", "jsonl"])
    assert extracted.stdout == stored.stdout
    records = read_jsonl(extracted.stdout.splitlines())
    n = len(records)
    with Ledger(db) as ledger:
        assert ledger.counts()["facts"] == n > 0
    assert any(f.value == GDP_2022_CNY and f.unit == "CNY" for f in records)

    as_csv = runner.invoke(app, ["extract", str(tmp_path / "docs"), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in rows] == [f.id for f in records]
    as_table = runner.invoke(app, ["extract", str(tmp_path / "docs"), "--format", "table"])
    assert f"{n} facts" in as_table.stdout


def test_extract_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = runner.invoke(app, ["extract", str(empty), str(a), str(tmp_path / "gone.txt")])
    assert result.exit_code == 1
    assert len(_error_lines(result.stderr)) == 2 and "Traceback" not in result.output
    alone = runner.invoke(app, ["extract", str(a)])
    assert alone.exit_code == 0 and alone.stdout
    assert result.stdout == alone.stdout  # a.txt's facts still printed, all of them


# -- the examples ----------------------------------------------------------------------------------


def test_ingest_an_example(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    target = str(EXAMPLES / DOC_003)
    result = runner.invoke(app, ["ingest", target, "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"added       {target}")
    again = runner.invoke(app, ["ingest", target, "--db", db])
    assert again.stdout.startswith(f"unchanged   {target}")

    stored = runner.invoke(app, ["facts", "--db", db, "--format", "jsonl"])
    extracted = runner.invoke(app, ["extract", target])
    assert stored.stdout == extracted.stdout and stored.stdout
    records = read_jsonl(stored.stdout.splitlines())
    assert any(f.value == GDP_2022_CNY and f.unit == "CNY" for f in records)
    first = records[0]
    shown = runner.invoke(app, ["show", first.id, "--db", db])
    assert shown.exit_code == 0 and f"[[{first.text}]]" in shown.stdout


def test_demo(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--db", str(db), "--no-serve"])
    assert result.exit_code == 0, result.output
    for expected in ("Documents", DOC_003, DOC_GWR, "Facts by area", "Targets for"):
        assert expected in result.stdout, expected
    assert "SOURCES.md" not in result.stdout  # the folder's notes are not a document
    totals = re.search(r"(\d+) documents, (\d+) facts", result.stdout)
    assert totals, result.stdout
    with Ledger(db) as ledger:
        assert ledger.counts() == {"documents": int(totals[1]), "facts": int(totals[2])}
    again = runner.invoke(app, ["demo", "--db", str(db), "--no-serve"])  # rebuilt fresh, same result
    assert again.exit_code == 0 and again.stdout == result.stdout
