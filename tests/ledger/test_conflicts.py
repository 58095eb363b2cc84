"""Conflicts end to end on real text: a revised figure, a change that contradicts last year's level.

The ledger is 003 (2021 results, 2022 targets) and the documents of
``tests/data/tracking``: the 2022 communiqué says GDP grew 2.1%, a later note
revises it to 2.3%; a January harvest report says grain output rose by 1.16
million tonnes to 24.85 million, which would put 2021 at 23.69 million, while
003 says 2021 was 25.385 million (and the communiqué's own "down 10.8亿斤"
agrees with it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ledger.conftest import BACKENDS, ledger_url
from tests.ledger.test_series import DOC_003, EXAMPLES, TRACKING_DOCS, ingest
from zhenxing.ledger.conflicts import REAL_GROWTH_INDICATORS, conflicts_in, find_conflicts
from zhenxing.ledger.series import build_series
from zhenxing.ledger.store import Ledger
from zhenxing.ledger.tracking_model import Conflict
from zhenxing.ledger.verdicts import TrackingError


@pytest.fixture(scope="module", params=BACKENDS)
def tracked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with (
        ledger_url(request, request.param, tmp_path_factory.mktemp("conflicts") / "conflicts.db") as db,
        ingest(db, EXAMPLES / DOC_003, *TRACKING_DOCS) as ledger,
    ):
        yield ledger


def of_kind(conflicts: list[Conflict], kind: str, series: str) -> list[Conflict]:
    return [c for c in conflicts if c.kind == kind and c.series_key == series]


def test_a_revised_figure_disagrees_with_the_preliminary_one(tracked: Ledger) -> None:
    (c,) = of_kind(find_conflicts(tracked), "disagreement", "gdp:Liaoning:growth")
    assert c.period == "2022"
    assert [o.value for o in c.observations] == [2.3, 2.1]  # newest first
    assert c.newest == c.observations[0].key
    assert c.explanation == (
        "2022 gdp growth in Liaoning: 2.3% (gdp-revised-2022-en.txt, 2023-12-28; newest) vs "
        "2.1% (communique-2022-zh.txt, 2023-03-20); a later figure may be a revision"
    )
    assert {f.text for f in c.facts} == {"2.3 percent", "2.1%"}


def test_a_change_that_implies_another_previous_year(tracked: Ledger) -> None:
    (c,) = of_kind(find_conflicts(tracked), "arithmetic", "grain_output:Liaoning:level")
    assert c.period == "2022"
    now, change, before = c.observations
    assert (now.period, change.change, change.value, before.period) == ("2022", "delta", 1160000, "2021")
    assert before.value == 25385000 and before.sources[0].doc == DOC_003
    assert "implies 23.69 million t for 2021, but the ledger holds 25.385 million t" in c.explanation
    # The communiqué's own change (down 10.8亿斤 = 540,000 t) fits 003's 2021 figure: no conflict from it.
    assert "-540,000" not in c.explanation


def test_consistent_level_and_growth_are_no_conflict(tracked: Ledger) -> None:
    # 2022 budget revenue 2524.3亿元, down 8.7%: 2021 was 276.47 billion yuan (003). It fits.
    assert not [c for c in find_conflicts(tracked) if c.series_key.startswith("budget_revenue:")]


def test_real_growth_rates_are_not_recomputed_from_nominal_levels(tracked: Ledger) -> None:
    # GDP 2021 2,758.4 billion, 2022 28,975.1亿元 "up 2.1%" at constant prices: nominally it rose 5%.
    assert "gdp" in REAL_GROWTH_INDICATORS
    assert not of_kind(find_conflicts(tracked), "arithmetic", "gdp:Liaoning:level")


def test_a_document_does_not_contradict_itself(tracked: Ledger) -> None:
    # 003 states several 2021 project counts (1,492 projects, 110 projects ...) under one indicator.
    for c in find_conflicts(tracked):
        docs = [{s.doc_id for s in o.sources} for o in c.observations]
        if c.kind == "disagreement":
            assert all(not (a & b) for i, a in enumerate(docs) for b in docs[i + 1 :]), c.explanation


def test_filters(tracked: Ledger) -> None:
    assert {c.series_key for c in find_conflicts(tracked, indicator="gdp")} == {"gdp:Liaoning:growth"}
    assert find_conflicts(tracked, period="2021") == []
    assert find_conflicts(tracked, region="Fushun") == []
    assert len(find_conflicts(tracked, region="辽宁", period="2022")) == len(find_conflicts(tracked))
    assert find_conflicts(tracked, as_of="2023-06-30", indicator="gdp") == []  # before the revision
    with pytest.raises(TrackingError):
        find_conflicts(tracked, period="someday")
    with pytest.raises(TrackingError):
        find_conflicts(tracked, as_of="soon")


def test_money_in_different_currencies_is_not_compared(tmp_path: Path) -> None:
    a = tmp_path / "fdi-a.txt"
    a.write_text("2022年,辽宁省实际使用外资61.6亿美元。\n", encoding="utf-8")
    (tmp_path / "fdi-a.meta.yaml").write_text("date: 2023-02-01\n", encoding="utf-8")
    b = tmp_path / "fdi-b.txt"
    b.write_text("2022年,辽宁省实际使用外资413.6亿元。\n", encoding="utf-8")
    (tmp_path / "fdi-b.meta.yaml").write_text("date: 2023-03-01\n", encoding="utf-8")
    with ingest(tmp_path / "l.db", a, b) as ledger:
        units = {f.unit for f in ledger.facts(kind="result")}
        assert units == {"USD", "CNY"}
        assert find_conflicts(ledger) == []


def test_conflicts_in_built_series(tracked: Ledger) -> None:
    from zhenxing.ledger.series import document_index, fetch_facts

    facts = fetch_facts(tracked)
    found = conflicts_in(build_series(facts, document_index(tracked)))
    assert {c.kind for c in found} == {"disagreement", "arithmetic"}
    assert all(c.facts == [] for c in found)  # only find_conflicts attaches the facts
