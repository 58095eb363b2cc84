"""The closed-loop commands: add-result, correct, reject, restore, assign, override, audit.

They run on a real SQLite ledger of hand-made samples (``tests/ledger/samples.py``);
the last test runs the installed command in a subprocess, as a user would.
Bad input must be one ``error:`` line and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ledger.samples import DOC_GWR, sample_003, sample_gwr
from zhenxing.cli import app
from zhenxing.ledger.store import Ledger

COMMANDS = ("add-result", "correct", "reject", "restore", "assign", "override", "audit")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    monkeypatch.setenv("ZHENXING_USER", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "samples.db"
    with Ledger(path) as ledger:
        for doc, facts in (sample_003(), sample_gwr()):
            ledger.add_document(doc, facts)
    return path


GDP_2022 = sample_gwr()[1][0]  # 2.1%, result
TARGET = sample_003()[1][4]  # more than 5.5%, target


def _run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _one_error(runner: CliRunner, db: Path, *args: str) -> str:
    code, out, err = _run(runner, db, *args)
    assert code == 1, (args, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, err)
    return lines[0]


def test_every_command_is_listed_and_takes_db(runner: CliRunner) -> None:
    listing = runner.invoke(app, ["--help"]).stdout
    for command in COMMANDS:
        assert command in listing
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "--db" in result.stdout, command


def test_add_result_then_query_it(runner: CliRunner, db: Path) -> None:
    args = (
        "add-result",
        "--indicator",
        "gdp",
        "--region",
        "辽宁",
        "--period",
        "2022",
        "--value",
        "2.1",
        "--unit",
        "%",
        "--change",
        "growth",
        "--source",
        "Liaoning Statistical Yearbook 2023, p. 12",
        "--source-date",
        "2023-10-01",
        "--by",
        "alice",
    )
    code, out, err = _run(runner, db, *args)
    assert code == 0, err
    status, fact_id, sentence = out.rstrip("\n").split(maxsplit=2)
    assert status == "added"
    assert sentence == (
        "Liaoning: gdp (growth), 2022: 2.1% — source: Liaoning Statistical Yearbook 2023, p. 12 (2023-10-01)."
    )
    code, out, _ = _run(runner, db, *args)
    assert code == 0 and out.split(maxsplit=2)[:2] == ["unchanged", fact_id]

    code, out, _ = _run(
        runner, db, "facts", "--indicator", "gdp", "--period", "2022", "--kind", "result", "-f", "jsonl"
    )
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["doc"].startswith("manual-"), r["value"]) for r in records] == [(False, 2.1), (True, 2.1)]
    with Ledger(db) as ledger:
        (entry,) = ledger.audit()
        assert (entry.actor, entry.action) == ("alice", "add_result")


def test_add_result_negative_value(runner: CliRunner, db: Path) -> None:
    code, out, err = _run(
        runner, db, "add-result", "--indicator", "grain_output", "--region", "Liaoning", "--period", "2022",
        "--value", "-1.5", "--unit", "%", "--change", "growth", "--source", "Liaoning Statistical Communiqué 2022",
    )  # fmt: skip
    assert code == 0, err
    assert ": -1.5% — source:" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--value", "abc"], "value must be a number"),
        (["--value", "2.1", "--indicator", "gpd"], "did you mean gdp"),
        (["--value", "2.1", "--region", "Atlantis"], "gazetteer"),
        (["--value", "2.1", "--period", "last year"], "period"),
        (["--value", "2.1", "--unit", "percent"], "canonical unit"),
        (["--value", "2.1", "--source", ""], "source"),
        (["--value", "2.1", "--source-date", "2023-13"], "source date"),
        ([], "needs --value"),
    ],
)
def test_add_result_bad_input(runner: CliRunner, db: Path, extra: list[str], message: str) -> None:
    base = {"--indicator": "gdp", "--region": "Liaoning", "--period": "2022", "--source": "Yearbook"}
    args = ["add-result"]
    for option, value in base.items():
        if option not in extra:
            args += [option, value]
    line = _one_error(runner, db, *args, *extra)
    assert message in line


def test_correct_reject_restore(runner: CliRunner, db: Path) -> None:
    code, out, err = _run(
        runner, db, "correct", GDP_2022.id, "--field", "value=2.3", "--field", "unit=%", "--reason", "yearbook", "--by", "bob"
    )  # fmt: skip
    assert code == 0, err
    assert out == f"corrected  {GDP_2022.id}  value: 2.1 -> 2.3  (extracted: 2.1)\n"
    code, out, _ = _run(runner, db, "correct", GDP_2022.id, "--field", "value=2.3", "--reason", "again")
    assert code == 0 and out.startswith("unchanged")

    code, out, _ = _run(runner, db, "facts", "--doc", DOC_GWR, "--indicator", "gdp", "-f", "jsonl")
    assert json.loads(out)["value"] == 2.3

    code, out, _ = _run(runner, db, "reject", GDP_2022.id, "--reason", "duplicate", "--by", "carol")
    assert code == 0 and out.startswith(f"rejected   {GDP_2022.id}  2.3%  gdp  (duplicate)")
    code, out, _ = _run(runner, db, "facts", "--doc", DOC_GWR, "-f", "jsonl")
    assert GDP_2022.id not in out and len(out.splitlines()) == 3
    line = _one_error(runner, db, "show", GDP_2022.id)
    assert "rejected by carol" in line and "duplicate" in line

    code, out, _ = _run(runner, db, "restore", GDP_2022.id, "--reason", "not a duplicate")
    assert code == 0 and out.startswith(f"restored   {GDP_2022.id}")
    code, out, _ = _run(runner, db, "restore", GDP_2022.id, "--reason", "again")
    assert code == 0 and out.startswith("unchanged")

    code, out, _ = _run(
        runner, db, "correct", GDP_2022.id, "--revert", "all", "--reason", "the report was right"
    )
    assert code == 0 and out == f"reverted   {GDP_2022.id}  value: 2.3 -> 2.1  (as extracted)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["correct", "nope", "--field", "value=1", "--reason", "r"], "error: no fact with id 'nope'"),
        (["correct", GDP_2022.id, "--field", "colour=red", "--reason", "r"], "'colour' is not a field"),
        (["correct", GDP_2022.id, "--field", "value", "--reason", "r"], "NAME=VALUE"),
        (["correct", GDP_2022.id, "--field", "value=x", "--reason", "r"], "must be a number"),
        (["correct", GDP_2022.id, "--field", "kind=goal", "--reason", "r"], "kind 'goal'"),
        (["correct", GDP_2022.id, "--field", "value=1"], "needs a reason"),
        (["correct", GDP_2022.id, "--reason", "r"], "--field"),
        (["correct", "--field", "value=1", "--reason", "r"], "give the FACT"),
        (["correct", GDP_2022.id, "--field", "value=1", "--revert", "unit", "--reason", "r"], "not both"),
        (["correct", GDP_2022.id, "--revert", "value", "--reason", "r"], "nothing to revert"),
        (["correct", GDP_2022.doc_id[:6], "--field", "value=1", "--reason", "r"], "matches several facts"),
        (["reject", GDP_2022.id], "needs a reason"),
        (["restore", GDP_2022.id, "--reason", " "], "needs a reason"),
        (["assign", TARGET.id, "--owner", "NDRC", "--due", "2022-02-30"], "not a calendar day"),
        (["assign", TARGET.id, "--owner", "NDRC", "--due", "end of year"], "YYYY-MM-DD"),
        (["assign", TARGET.id, "--due", "2022-12-31"], "--owner"),
        (["assign", TARGET.id, "--owner", "NDRC"], "--due"),
        (["assign", GDP_2022.id, "--owner", "NDRC", "--due", "2022-12-31"], "is a result, not a target"),
        (["assign", "--owner", "NDRC", "--due", "2022-12-31"], "give the TARGET"),
        (["assign", TARGET.id, "--clear"], "needs a reason"),
        (["override", TARGET.id, "--status", "met"], "needs a reason"),
        (["override", TARGET.id, "--reason", "r"], "--status"),
        (
            ["override", TARGET.id, "--status", "won", "--reason", "r"],
            "not one of met, missed, pending, no result",
        ),
        (["override", TARGET.id, "--clear", "--reason", "r"], "has no override"),
    ],
)
def test_bad_input_is_one_line(runner: CliRunner, db: Path, args: list[str], message: str) -> None:
    assert message in _one_error(runner, db, *args)
    with Ledger(db) as ledger:
        assert ledger.audit() == []


def test_missing_ledger_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for args in (
        ["correct", "x", "--field", "value=1", "--reason", "r"],
        ["audit"],
        ["reject", "x", "--reason", "r"],
    ):
        line = _one_error(runner, typo, *args)
        assert "no ledger there" in line
    assert not typo.exists()


def test_assign_override_and_audit(runner: CliRunner, db: Path) -> None:
    owner = "Provincial Development and Reform Commission"
    code, out, _ = _run(
        runner, db, "assign", TARGET.id, "--owner", owner, "--due", "2022-12-31", "--by", "ann"
    )
    assert code == 0 and out == f"assigned   {TARGET.id}  owner: {owner}; due: 2022-12-31\n"
    code, out, _ = _run(runner, db, "assign", TARGET.id, "--owner", owner, "--due", "2022-12-31")
    assert code == 0 and out.startswith("unchanged")
    key = "gdp:Liaoning:growth:2022:target:5.5%"
    code, out, _ = _run(runner, db, "override", key, "--status", "no-result", "--reason", "yearbook not out")
    assert code == 0 and out == f"override   {key}  no result  (yearbook not out)\n"
    code, out, _ = _run(runner, db, "override", key, "--clear", "--reason", "published")
    assert code == 0 and out.startswith(f"cleared    {key}")
    code, out, _ = _run(runner, db, "assign", TARGET.id, "--clear", "--reason", "target dropped")
    assert code == 0 and out.startswith(f"unassigned  {TARGET.id}")

    code, out, _ = _run(runner, db, "audit", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["actor"], r["action"], r["entity_id"]) for r in records] == [
        ("ann", "assign", TARGET.id),
        ("tester", "override", key),
        ("tester", "clear_override", key),
        ("tester", "unassign", TARGET.id),
    ]
    assert records[1]["after"] == {"status": "no result"} and records[1]["reason"] == "yearbook not out"

    code, out, _ = _run(runner, db, "audit", "--entity", key)
    assert code == 0 and "2 audit entries" in out and "status: no result" in out and "yearbook not out" in out
    code, out, _ = _run(runner, db, "audit", "--limit", "1", "-f", "jsonl")
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["unassign"]
    code, out, _ = _run(
        runner, db, "audit", "--entity", f"{TARGET.doc_id[:12]}-{TARGET.start}-", "-f", "jsonl"
    )
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["assign", "unassign"]
    code, out, err = _run(runner, db, "audit", "--entity", "nothing")
    assert code == 0 and out == "" and "no audit entries" in err


def test_user_from_environment_and_by(runner: CliRunner, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENXING_USER", "li.wei")
    _run(runner, db, "reject", GDP_2022.id, "--reason", "r")
    _run(runner, db, "restore", GDP_2022.id, "--reason", "r", "--by", "Zhang San")
    with Ledger(db) as ledger:
        assert [e.actor for e in ledger.audit()] == ["li.wei", "Zhang San"]


def test_the_installed_command(tmp_path: Path, db: Path) -> None:
    """A real process: exit statuses and streams as a shell sees them."""
    env = {**os.environ, "ZHENXING_USER": "shell", "COLUMNS": "200"}
    env.pop("ZHENXING_DB", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zhenxing", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
        )

    done = run("correct", GDP_2022.id, "--field", "value=2.3", "--reason", "yearbook")
    assert done.returncode == 0 and "value: 2.1 -> 2.3" in done.stdout
    bad = run("correct", GDP_2022.id, "--field", "value=2.4")
    assert bad.returncode == 1 and bad.stderr == "error: a correction needs a reason (--reason)\n"
    audit = run("audit")
    assert audit.returncode == 0 and "shell" in audit.stdout and "value: 2.1 -> 2.3" in audit.stdout
