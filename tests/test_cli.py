"""The command line: output of every command, exit statuses, and bad input without tracebacks.

Tests marked by ``_real_stages()`` run the real loader and extractor and are
skipped until those stages are in the tree; the others use the hand-made
ledger samples or stand-in stages (``tests/ledger/fakes.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ledger.fakes import install, write_corpus
from tests.ledger.samples import DOC_003, DOC_GWR, sample_003, sample_gwr
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


def _real_stages() -> None:
    pytest.importorskip("zhenxing.ingest.loader")
    pytest.importorskip("zhenxing.extract.facts")


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


# -- ingest and extract with stand-in stages -------------------------------------------------------


@pytest.fixture
def stages(monkeypatch: pytest.MonkeyPatch):
    return install(monkeypatch)


def test_ingest_lines_and_rerun(runner: CliRunner, tmp_path: Path, stages) -> None:
    write_corpus(tmp_path / "docs")
    db = str(tmp_path / "l.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"added       {tmp_path / 'docs' / 'a.txt'}  (2 facts)",
        f"added       {tmp_path / 'docs' / 'b.txt'}  (1 fact)",
        f"added       {tmp_path / 'docs' / 'c.txt'}  (3 facts)",
    ]
    assert "3 added, 0 unchanged, 0 reprocessed, 0 failed" in result.stderr
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["unchanged"] * 3
    assert "already in the ledger" in result.stdout


def test_ingest_bad_input(runner: CliRunner, tmp_path: Path, stages) -> None:
    a, b, c = write_corpus(tmp_path / "docs")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    missing = tmp_path / "missing.txt"
    db = tmp_path / "l.db"
    result = runner.invoke(
        app, ["ingest", str(a), str(missing), str(empty), str(binary), str(c), "--db", str(db)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = _error_lines(result.stderr)
    assert len(errors) == 3
    for bad in (missing, empty, binary):
        assert sum(str(bad) in line for line in errors) == 1, bad
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt", "c.txt"]


def test_ingest_unexpected_error_is_one_line(runner: CliRunner, tmp_path: Path, stages) -> None:
    a, b, c = write_corpus(tmp_path / "docs")
    stages.fail_on["b.txt"] = ZeroDivisionError("division by zero")
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", str(tmp_path / "l.db")])
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == [f"error: {b}: ZeroDivisionError: division by zero"]
    assert "Traceback" not in result.output
    assert len(result.stdout.splitlines()) == 2


def test_ingest_interrupted(runner: CliRunner, tmp_path: Path, stages) -> None:
    write_corpus(tmp_path / "docs")
    stages.fail_on["b.txt"] = KeyboardInterrupt()
    db = tmp_path / "l.db"
    result = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", str(db)])
    assert result.exit_code == 130
    assert "run the same command again" in result.stderr
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt"]


def test_ingest_needs_a_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--db", str(tmp_path / "l.db")])
    assert result.exit_code == 2 and "give at least one PATH" in result.stderr


def test_ingest_bad_db(runner: CliRunner, tmp_path: Path, stages) -> None:
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    a, _, _ = write_corpus(tmp_path / "docs")
    result = runner.invoke(app, ["ingest", str(a), "--db", str(tmp_path / "notes.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _error_lines(result.stderr)[0].startswith(
        f"error: {tmp_path / 'notes.db'}: cannot open the ledger"
    )


def test_ingest_reprocess(runner: CliRunner, tmp_path: Path, stages, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhenxing import model

    write_corpus(tmp_path / "docs")
    db = str(tmp_path / "l.db")
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.0.1")
    runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.3.0")
    result = runner.invoke(app, ["ingest", "--reprocess", "--db", db])
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["reprocessed"] * 3
    assert "was 0.0.1" in result.stdout


def test_extract_prints_what_ingest_stores(runner: CliRunner, tmp_path: Path, stages) -> None:
    write_corpus(tmp_path / "docs")
    db = str(tmp_path / "l.db")
    extracted = runner.invoke(app, ["extract", str(tmp_path / "docs")])
    assert extracted.exit_code == 0
    runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", db])
    stored = runner.invoke(app, ["facts", "--db", db, "--format", "jsonl"])
    assert extracted.stdout == stored.stdout
    assert len(read_jsonl(extracted.stdout.splitlines())) == 6

    as_csv = runner.invoke(app, ["extract", str(tmp_path / "docs"), "--format", "csv"])
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 6
    as_table = runner.invoke(app, ["extract", str(tmp_path / "docs"), "--format", "table"])
    assert "6 facts" in as_table.stdout


def test_extract_bad_input(runner: CliRunner, tmp_path: Path, stages) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = runner.invoke(app, ["extract", str(empty), str(a), str(tmp_path / "gone.txt")])
    assert result.exit_code == 1
    assert len(_error_lines(result.stderr)) == 2 and "Traceback" not in result.output
    assert len(result.stdout.splitlines()) == 2  # a.txt's facts still printed


def test_demo_with_stand_in_stages(runner: CliRunner, tmp_path: Path, stages) -> None:
    db = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--db", str(db), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Documents" in result.stdout and DOC_003 in result.stdout and "Facts by area" in result.stdout
    assert "SOURCES.md" not in result.stdout
    again = runner.invoke(app, ["demo", "--db", str(db)])  # rebuilt fresh, same result
    assert again.exit_code == 0 and again.stdout == result.stdout


# -- with the real loader and extractor --------------------------------------------------------------


def test_real_ingest_examples(runner: CliRunner, tmp_path: Path) -> None:
    _real_stages()
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
    first = json.loads(stored.stdout.splitlines()[0])
    shown = runner.invoke(app, ["show", first["id"], "--db", db])
    assert shown.exit_code == 0 and f"[[{first['text']}]]" in shown.stdout


def test_real_loader_bad_input(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input is the loader's to detect: the real loader, with the stand-in extractor."""
    pytest.importorskip("zhenxing.ingest.loader")
    from tests.ledger.fakes import fake_extract_document
    from zhenxing import api

    monkeypatch.setattr(api, "extract_document", fake_extract_document)
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
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["liaoning-gwr-2023-zh.txt"]


def test_real_demo(runner: CliRunner, tmp_path: Path) -> None:
    _real_stages()
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db"), "--no-serve"])
    assert result.exit_code == 0, result.output
    for expected in ("Documents", DOC_003, DOC_GWR, "Facts by area", "Targets for"):
        assert expected in result.stdout, expected
