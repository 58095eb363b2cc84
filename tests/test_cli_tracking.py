"""The tracking commands: series, targets, verdict, conflicts, and the verdicts of ``zhenxing demo``.

They run on ledgers built by the real loader and extractor from the sample
corpus and the result documents of ``tests/data/tracking``; bad input must
give one ``error:`` line and exit status 1, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ledger.test_series import DOC_003, EXAMPLES, TRACKING_DOCS, ingest
from zhenxing.cli import app
from zhenxing.formats_tracking import VERDICT_CSV_FIELDS


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "tracked.db"
    ingest(path, EXAMPLES / DOC_003, *TRACKING_DOCS).close()
    return str(path)


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_commands_are_listed(runner: CliRunner) -> None:
    out = runner.invoke(app, ["--help"]).stdout
    for command in ("series", "targets", "verdict", "conflicts"):
        assert command in out


def test_targets_jsonl_carries_the_contract_fields(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["targets", "--db", db, "--period", "2022", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_key = {r["key"]: r for r in records}
    gdp = by_key["gdp:Liaoning:growth:2022:target:5.5%"]
    for field in ("indicator", "region", "period", "change", "status", "rule", "target", "results"):
        assert field in gdp
    assert (gdp["indicator"], gdp["region"], gdp["period"], gdp["change"], gdp["status"]) == (
        "gdp",
        "Liaoning",
        "2022",
        "growth",
        "missed",
    )
    assert gdp["rule"]["comparator"] == ">" and gdp["rule"]["version"]
    t = gdp["target"]
    assert (t["value"], t["unit"], t["comparator"], t["doc"]) == (5.5, "%", ">", DOC_003)
    assert "regional GDP growth by more than 5.5%" in t["quote"]
    first = gdp["results"][0]
    assert (first["value"], first["unit"], first["doc"]) == (2.3, "%", "gdp-revised-2022-en.txt")
    assert "grew 2.3 percent" in first["quote"] and first["date"] == "2023-12-28"
    houses = by_key["dilapidated_rural_houses:Liaoning:level:2022:target:8000items"]
    assert houses["progress"] == pytest.approx(0.7625)


def test_targets_filters_and_csv(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["targets", "--db", db, "--status", "met", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["status"] for r in rows} == {"met"}
    assert tuple(rows[0]) == VERDICT_CSV_FIELDS
    assert "cpi" in {r["indicator"] for r in rows}
    pending = runner.invoke(
        app, ["targets", "--db", db, "--status", "pending", "--region", "辽宁", "-f", "jsonl"]
    )
    assert {json.loads(line)["period"] for line in pending.stdout.splitlines()} == {"2023"}
    no_result = runner.invoke(app, ["targets", "--db", db, "--status", "no-result", "-f", "jsonl"])
    assert {json.loads(line)["status"] for line in no_result.stdout.splitlines()} == {"no result"}


def test_targets_tolerance_options(runner: CliRunner, db: str) -> None:
    args = ["targets", "--db", db, "--area", "economy", "--period", "2022", "-f", "jsonl"]
    default = {json.loads(x)["key"]: json.loads(x) for x in runner.invoke(app, args).stdout.splitlines()}
    tight = runner.invoke(app, [*args, "--tolerance-points", "0.3"])
    tightened = {json.loads(x)["key"]: json.loads(x) for x in tight.stdout.splitlines()}
    key = "retail_sales:Liaoning:growth:2022:target:8%"
    assert (default[key]["status"], tightened[key]["status"]) == ("met", "missed")
    assert tightened[key]["rule"]["tolerance"] == 0.3


def test_targets_table(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["targets", "--db", db, "--period", "2022", "--region", "Liaoning"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"\d+ targets as of 2023-12-28: ", out)
    for expected in ("missed", "met", "gdp:Liaoning:growth:2022:target:5.5%", "> 5.5%", "2.3%", DOC_003):
        assert expected in out, expected


def test_verdict_shows_the_rule_and_every_source(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["verdict", "cpi:Liaoning:growth:2022", "--db", db])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "met: 2% against a target of about 3%, a ceiling met up to 3.5% (2022, Liaoning)" in out
    assert "lower is better" in out and "tolerance" in out
    assert "consumer prices rising by about [[3%]]" in out
    assert "rose [[2.0 percent]] over the previous year" in out
    facts = runner.invoke(app, ["facts", "--db", db, "--indicator", "cpi", "--kind", "target", "-f", "jsonl"])
    fact_id = json.loads(facts.stdout.splitlines()[0])["id"]
    by_fact = runner.invoke(app, ["verdict", fact_id, "--db", db, "--format", "jsonl"])
    assert json.loads(by_fact.stdout)["key"] == "cpi:Liaoning:growth:2022:target:3%"


def test_series_side_by_side(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["series", "gdp", "--region", "Liaoning", "--db", db])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "gdp (growth, Liaoning)" in out and "gdp (level, Liaoning)" in out
    row = next(line for line in out.splitlines() if "│ 2022 " in line and "> 5.5%" in line)
    assert "2.1%" in row and DOC_003 in row  # target and result on one line
    records = [
        json.loads(x)
        for x in runner.invoke(app, ["series", "gdp", "--db", db, "-f", "jsonl"]).stdout.splitlines()
    ]
    growth = next(r for r in records if r["key"] == "gdp:Liaoning:growth")
    assert [(o["period"], o["kind"]) for o in growth["observations"]][:3] == [
        ("2021", "result"),
        ("2022", "target"),
        ("2022", "result"),
    ]
    empty = runner.invoke(app, ["series", "gdp", "--region", "Tibet", "--db", db])
    assert empty.exit_code == 0 and "no series" in empty.stderr


def test_conflicts(runner: CliRunner, db: str) -> None:
    result = runner.invoke(app, ["conflicts", "--db", db])
    assert result.exit_code == 0, result.output
    assert "disagreement" in result.stdout and "arithmetic" in result.stdout
    assert "gdp-revised-2022-en.txt" in result.stdout
    records = [
        json.loads(x)
        for x in runner.invoke(app, ["conflicts", "--db", db, "-f", "jsonl"]).stdout.splitlines()
    ]
    gdp = next(r for r in records if r["series"] == "gdp:Liaoning:growth")
    assert gdp["newest"] == gdp["observations"][0]["key"]
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["conflicts", "--db", db, "-f", "csv"]).stdout))
    )
    assert {r["kind"] for r in rows} == {"disagreement", "arithmetic"}
    none = runner.invoke(app, ["conflicts", "--db", db, "--period", "2019"])
    assert none.exit_code == 0 and "no conflicts" in none.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["targets", "--status", "done"],
        ["targets", "--area", "astrology"],
        ["targets", "--as-of", "next week"],
        ["verdict", "gdp:Atlantis"],
        ["verdict", "gdp:Liaoning"],
        ["conflicts", "--period", "someday"],
    ],
)
def test_bad_input_is_one_line(runner: CliRunner, db: str, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 1, result.output
    assert len(_errors(result.stderr)) == 1 and "Traceback" not in result.output


def test_missing_ledger_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    for command in (["targets"], ["series", "gdp"], ["verdict", "gdp"], ["conflicts"]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "nowhere.db")])
        assert result.exit_code == 1 and len(_errors(result.stderr)) == 1, command


def test_demo_shows_the_verdicts_of_the_sample_corpus(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db"), "--no-serve"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    title = re.search(r"Targets for 2022 \((\d+)\): (.*), as of (\S+)", out)
    assert title, out
    assert "3 missed" in title[2] and "2 met" in title[2]
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) > 5 and cells[1] in ("met", "missed"):
            rows[cells[2]] = (cells[1], cells[3], cells[4])
    assert rows["gdp"] == ("missed", "> 5.5%", "2.1%")
    assert rows["fixed_asset_investment"] == ("missed", "~ 10%", "3.6%")
    assert rows["trade_total"] == ("missed", "~ 6%", "2.4%")
    assert rows["urban_jobs"] == ("met", "> 450,000 people", "462,000 people")
    assert rows["cpi"] == ("met", "~ 3%", "2%")
    assert "liaoning-gwr-2023-zh.txt (2023-01-12)" in out
