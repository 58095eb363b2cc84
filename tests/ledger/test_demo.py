"""The demo summary, computed from a ledger of hand-made sample facts."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from tests.ledger.samples import DOC_003, DOC_GWR, sample_003, sample_gwr
from zhenxing.demo import examples_dir, indicator_areas, period_year, render, reset_ledger, snippet, summarize
from zhenxing.ledger.store import Ledger, LedgerError


@pytest.fixture
def summary(ledger: Ledger):
    for doc, facts in (sample_003(), sample_gwr()):
        ledger.add_document(doc, facts)
    return summarize(ledger)


def test_period_year() -> None:
    assert period_year("2023") == (2023, False)
    assert period_year("2023-Q1") == (2023, False)
    assert period_year("2022-01/2022-11") == (2022, False)
    assert period_year("2021/2025") == (2025, True)
    assert period_year(None) is None
    assert period_year("last year") is None


def test_summary_documents_areas_and_targets(summary) -> None:
    assert [d.name for d in summary.documents] == [DOC_003, DOC_GWR]
    assert summary.totals == {"documents": 2, "facts": 11}
    assert summary.by_area["economy"] == {"target": 1, "result": 7, "other": 0}
    assert summary.by_area["livelihood"] == {"target": 1, "result": 1, "other": 0}
    assert summary.by_area["rural"] == {"target": 1, "result": 0, "other": 0}
    assert sum(sum(row.values()) for row in summary.by_area.values()) == 11
    assert summary.target_year == 2022
    assert [f.text for f in summary.targets] == ["5.5%", "24 million metric tons", "450,000"]


def test_unclassified_area(ledger: Ledger) -> None:
    import dataclasses

    doc, facts = sample_gwr()
    ledger.add_document(doc, [dataclasses.replace(facts[0], indicator=None)])
    assert summarize(ledger).by_area == {"unclassified": {"target": 0, "result": 1, "other": 0}}
    assert summarize(ledger).target_year is None


def test_render(summary) -> None:
    console = Console(file=io.StringIO(), width=140, color_system=None)
    render(summary, console, db="demo.db")
    out = console.file.getvalue()
    for expected in (
        "2 documents, 11 facts",
        DOC_GWR,
        "2023-01-12",
        "Facts by area",
        "economy",
        "Targets for 2022 (3)",
        "> 5.5%",
        "urban_jobs",
        "> 450,000 people",
        "regional GDP growth",
    ):
        assert expected in out, expected


def test_snippet_centres_on_the_figure() -> None:
    fact = sample_003()[1][3]  # 4.1% at the end of a long quote
    piece = snippet(fact, width=40)
    assert "4.1%" in piece and piece.startswith("…") and len(piece) <= 42


def test_taxonomy_areas() -> None:
    areas = indicator_areas()
    assert areas["gdp"] == "economy" and areas["urban_jobs"] == "livelihood"


def test_examples_dir_is_the_repo_folder() -> None:
    assert (examples_dir() / DOC_003).is_file()


def test_reset_ledger(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    reset_ledger(db)  # nothing there: fine
    doc, facts = sample_gwr()
    with Ledger(db) as ledger:
        ledger.add_document(doc, facts)
    reset_ledger(db)
    assert not db.exists()

    foreign = tmp_path / "precious.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER)")
    with pytest.raises(LedgerError, match="not a zhenxing ledger"):
        reset_ledger(foreign)
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    with pytest.raises(LedgerError):
        reset_ledger(notes)
    assert foreign.exists() and notes.read_text() == "keep me"
