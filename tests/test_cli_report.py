"""``zhenxing report``: writes the scorecard, prints the path and the counts; bad input is one line.

The ledger is built from ``examples/`` by the real ``zhenxing ingest``; the
last test runs the installed command in a subprocess, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from zhenxing.cli import app
from zhenxing.ledger.store import Ledger
from zhenxing.ledger.tracking_model import STATUSES
from zhenxing.ledger.verdicts import evaluate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-report") / "ledger.db"
    result = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _summary(db: Path, **filters: str) -> str:
    """What the command should print after the path, from the tracking API on the same ledger."""
    with Ledger(db) as ledger:
        verdicts = evaluate(ledger, **filters)
    counts = {s: sum(1 for v in verdicts if v.status == s) for s in STATUSES}
    shown = ", ".join(f"{n} {s}" for s, n in counts.items())
    return f"{len(verdicts)} targets ({shown}), as of {verdicts[0].as_of}"


def _run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args, "--db", str(db)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _one_error(runner: CliRunner, db: Path, *args: str) -> str:
    code, out, err = _run(runner, db, *args)
    assert code == 1, (args, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, err)
    assert out == ""
    return lines[0]


def test_report_is_listed_and_takes_db(runner: CliRunner) -> None:
    assert "report" in runner.invoke(app, ["--help"]).stdout
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    for option in ("--period", "--region", "--as-of", "--out", "--format", "--db"):
        assert option in result.stdout


def test_html_report(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report-2022.html"
    code, stdout, stderr = _run(runner, db, "--period", "2022", "--region", "Liaoning", "--out", str(out))
    assert code == 0, stderr
    assert stdout.strip() == f"{out}: {_summary(db, period='2022', region='Liaoning')}"
    assert "(2 met, 3 missed, 0 pending," in stdout and stdout.strip().endswith("as of 2024-04-16")
    page = lxml.html.fromstring(out.read_bytes())
    assert page.xpath('//section[@id="area-economy"]') and page.xpath('//section[@id="sources"]')
    assert "<script" not in out.read_text(encoding="utf-8")


def test_markdown_by_extension_or_format(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    md = tmp_path / "card.md"
    code, stdout, _ = _run(runner, db, "--period", "2022", "--region", "辽宁", "--out", str(md))
    assert code == 0 and stdout.strip() == f"{md}: {_summary(db, period='2022', region='Liaoning')}"
    text = md.read_text(encoding="utf-8")
    with Ledger(db) as ledger:
        unresolved = sum(
            1 for v in evaluate(ledger, period="2022", region="Liaoning") if v.status == "no result"
        )
    assert text.startswith("# Liaoning 辽宁省 · 2022") and f"| 2 | 3 | 0 | {unresolved} |" in text

    forced = tmp_path / "card.txt"
    code, _, _ = _run(
        runner, db, "--period", "2022", "--region", "Liaoning", "--out", str(forced), "-f", "md"
    )
    assert code == 0 and forced.read_text(encoding="utf-8") == text
    html = tmp_path / "card.md.html"
    code, _, _ = _run(runner, db, "--period", "2022", "--region", "Liaoning", "--out", str(html))
    assert code == 0 and html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_as_of(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "early.html"
    code, stdout, _ = _run(
        runner, db, "--period", "2022", "--region", "Liaoning", "--as-of", "2022-12-31", "--out", str(out)
    )
    assert code == 0
    assert stdout.strip() == f"{out}: {_summary(db, period='2022', region='Liaoning', as_of='2022-12-31')}"
    assert "(0 met, 0 missed, " in stdout and stdout.strip().endswith(
        "as of 2022-12-31"
    )  # the year is not over


def test_replaces_the_file_atomically(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.html"
    out.write_text("old", encoding="utf-8")
    code, _, _ = _run(runner, db, "--period", "2022", "--out", str(out))
    assert code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["card.html"]


def test_bad_input_is_one_line(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "x.html")
    assert "Atlantis" in _one_error(runner, db, "--period", "2022", "--region", "Atlantis", "--out", out)
    assert "no targets for 1999 in Liaoning" in _one_error(
        runner, db, "--period", "1999", "--region", "Liaoning", "--out", out
    )
    assert "not a period" in _one_error(runner, db, "--period", "someday", "--out", out)
    assert "not a date" in _one_error(runner, db, "--period", "2022", "--as-of", "soon", "--out", out)
    assert "no folder" in _one_error(runner, db, "--period", "2022", "--out", str(tmp_path / "no" / "x.html"))
    assert "is a folder" in _one_error(runner, db, "--period", "2022", "--out", str(tmp_path))
    assert "no ledger there" in _one_error(runner, tmp_path / "missing.db", "--period", "2022", "--out", out)
    assert not (tmp_path / "x.html").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_folder(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "cannot write" in _one_error(runner, db, "--period", "2022", "--out", str(locked / "x.html"))
    finally:
        locked.chmod(0o700)


def test_missing_options_are_a_usage_error(runner: CliRunner, db: Path) -> None:
    code, _, err = _run(runner, db, "--period", "2022")
    assert (
        code == 2
        and err.strip() == "error: give --out (e.g. zhenxing report --period 2022 --out report.html)"
    )


def test_help_does_not_load_the_report_stack() -> None:
    code = (
        "import sys\n"
        "from zhenxing.cli import app\n"
        "try:\n    app(['report', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('jinja2', 'markupsafe', 'sqlalchemy', 'zhenxing.serve.report',"
        " 'zhenxing.ledger.verdicts') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out and "--period" in out


def test_installed_command(db: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("zhenxing")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "zhenxing"]
    out = tmp_path / "card.md"
    done = subprocess.run(
        [*command, "report", "--period", "2022", "--region", "Liaoning", "--out", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "ZHENXING_DB": ""},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{out}: {_summary(db, period='2022', region='Liaoning')}" and out.exists()
    bad = subprocess.run(
        [*command, "report", "--period", "2022", "--region", "Atlantis", "--out", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and len(bad.stderr.splitlines()) == 1 and "Traceback" not in bad.stderr
