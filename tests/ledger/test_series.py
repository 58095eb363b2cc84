"""Series and observations, built by the real loader and extractor from real text into SQLite and PostgreSQL.

The sample corpus gives the cases: the 2022 work report (003) sets targets;
000 is the English translation of 004, so every figure they share must be one
observation with two sources, and the one the translation changed (1800 户
households, "1800 residents") stays linked with the change flagged. The small
documents of ``tests/data/tracking`` restate figures in other words and units.
Assertions are about figures the sentences plainly state, not about how many
facts the extractor finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.ledger.conftest import BACKENDS, ledger_url
from zhenxing import api
from zhenxing.ledger.series import (
    build_series,
    canonical_region,
    document_index,
    elapsed_share,
    normalize_label,
    observation_key,
    period_bounds,
    previous_period,
    series_from_ledger,
    series_key,
    within,
)
from zhenxing.ledger.store import Ledger
from zhenxing.ledger.tracking_model import Observation, Series

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TRACKING = ROOT / "tests" / "data" / "tracking"
# The result documents of the verdict and conflict tests (the translation/ folder has its own test).
TRACKING_DOCS = tuple(sorted(TRACKING.glob("*.txt")))
DOC_000 = "000_de1965fb2badf5d8.txt"
DOC_003 = "003_67a0eda2e3f886dd.txt"
DOC_004 = "004_a92002791a908d18.txt"


def ingest(db: Path | str, *paths: Path) -> Ledger:
    """A ledger (a file or a database URL) holding ``paths``, loaded and extracted for real."""
    files, bad = api.expand_paths([str(p) for p in paths])
    assert not bad
    ledger = Ledger(db)
    results = list(api.ingest_files(sorted(files), ledger))
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    return ledger


def observations(found: list[Series], kind: str | None = None) -> list[Observation]:
    return [o for s in found for o in s.observations if kind is None or o.kind == kind]


@pytest.fixture(scope="module", params=BACKENDS)
def translation_pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with (
        ledger_url(request, request.param, tmp_path_factory.mktemp("pair") / "pair.db") as db,
        ingest(db, EXAMPLES / DOC_000, EXAMPLES / DOC_004) as ledger,
    ):
        yield ledger


@pytest.fixture(scope="module", params=BACKENDS)
def report_2022(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with (
        ledger_url(request, request.param, tmp_path_factory.mktemp("report") / "report.db") as db,
        ingest(db, EXAMPLES / DOC_003, EXAMPLES / "liaoning-gwr-2023-zh.txt") as ledger,
    ):
        yield ledger


# -- periods and keys ---------------------------------------------------------------------------


def test_period_bounds() -> None:
    assert period_bounds("2022") == (date(2022, 1, 1), date(2022, 12, 31))
    assert period_bounds("2022-H1") == (date(2022, 1, 1), date(2022, 6, 30))
    assert period_bounds("2022-Q3") == (date(2022, 7, 1), date(2022, 9, 30))
    assert period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2022-01/2022-11") == (date(2022, 1, 1), date(2022, 11, 30))
    assert period_bounds("2021/2025") == (date(2021, 1, 1), date(2025, 12, 31))
    for bad in (None, "", "last year", "2022-13", "2025/2021"):
        assert period_bounds(bad) is None, bad


def test_previous_period_and_inside() -> None:
    assert previous_period("2022") == "2021"
    assert previous_period("2022-01/2022-11") == "2021-01/2021-11"
    assert previous_period("2017/2021") is None  # a span's change is not year on year
    assert within("2022-H1", "2022") and within("2022-01/2022-11", "2022")
    assert not within("2022", "2022") and not within("2021", "2022")
    assert elapsed_share("2022-H1", "2022") == pytest.approx(181 / 365)
    assert elapsed_share("2022-01/2022-11", "2022") == pytest.approx(334 / 365)


def test_keys_are_readable_and_built_from_content() -> None:
    assert series_key("gdp", "regional GDP", "Liaoning", "growth") == "gdp:Liaoning:growth"
    assert series_key(None, "Beautiful  villages!", "Northeast China", "level") == (
        "~beautiful_villages:Northeast_China:level"
    )
    assert series_key("gdp", "x", None, "level") == "gdp:-:level"
    assert observation_key("gdp:Liaoning:growth", "2022", "target", 5.5, "%") == (
        "gdp:Liaoning:growth:2022:target:5.5%"
    )
    assert observation_key("urban_jobs:Liaoning:level", "2022", "result", 462000.0, "people") == (
        "urban_jobs:Liaoning:level:2022:result:462000people"
    )
    assert normalize_label("Regional GDP-growth") == normalize_label("regional  GDP growth")
    clause = "we will support more than 60,000 people with difficulties of finding a job " * 4
    assert (
        len(series_key(None, clause, "Liaoning", "level")) < 100
    )  # keys stay short enough to type and store


def test_region_names_are_canonical() -> None:
    assert canonical_region("Liaoning") == "Liaoning"
    assert canonical_region("辽宁省") == "Liaoning"
    assert canonical_region("liaoning province") == "Liaoning"
    assert canonical_region(None) is None


# -- the 2022 work report ---------------------------------------------------------------------------

# The "main indicators" paragraph of 003, as the sentence states each target.
MAIN_INDICATORS = [
    ("regional GDP growth by more than 5.5%", "gdp", "growth", ">", 5.5, "%"),
    ("general public budget revenue growth by about 4%", "budget_revenue", "growth", "~", 4, "%"),
    (
        "industries above the designated scale by more than 6%",
        "industrial_value_added",
        "growth",
        ">",
        6,
        "%",
    ),
    (
        "grain output remaining stable at about 24 million metric tons",
        "grain_output",
        "level",
        "~",
        24e6,
        "t",
    ),
    ("fixed asset investment growth by about 10%", "fixed_asset_investment", "growth", "~", 10, "%"),
    ("total retail sales of consumer goods growth by about 8%", "retail_sales", "growth", "~", 8, "%"),
    ("total imports and exports growth by about 6%", "trade_total", "growth", "~", 6, "%"),
    ("creating more than 450,000 urban jobs", "urban_jobs", "level", ">", 450000, "people"),
    ("surveyed urban unemployment rate below 5.5%", "unemployment_rate", "level", "<", 5.5, "%"),
    ("consumer prices rising by about 3%", "cpi", "growth", "~", 3, "%"),
]

# The ten livelihood programmes of 003: (words of the sentence, value, unit, comparator).
LIVELIHOOD_PROGRAMMES = [
    ("5,500 kilometers of rural roads", 5500, "km", "="),
    ("5,500 kilometers of roads in villages", 5500, "km", "="),
    ("8,000 dilapidated rural houses will be renovated", 8000, "items", "="),
    ("more than 60,000 people with difficulties of finding a job", 60000, "people", ">"),
    ("ensure that 85% of the 406,000 college graduates", 85, "%", "="),
    ("raised to 80 yuan per person per month", 80, "CNY", "="),
    ("6,200 eligible disabled children", 6200, "people", "="),
    ("30 model home and community elderly service centers", 30, "items", "="),
    ("construct 63 grassroots Chinese medicine clinics", 63, "items", "="),
    ("designate at least one medical institution", 1, "items", ">="),
    ("26 specialized county-level maternal and child health centers", 26, "items", "="),
]


def _covers(quote: str, words: str, start: int, end: int) -> bool:
    """True when ``words`` occur in the sentence around the figure at ``start:end`` (sentence offsets)."""
    at = quote.find(words)
    while at >= 0:
        if at <= start and end <= at + len(words):
            return True
        at = quote.find(words, at + 1)
    return False


def _target_stated(targets: list[Observation], words: str, value: float) -> Observation:
    hits = [
        o
        for o in targets
        if o.value == pytest.approx(value)
        and any(
            _covers(s.quote, words, s.start - s.sentence_start, s.end - s.sentence_start) for s in o.sources
        )
    ]
    assert len(hits) == 1, (words, [o.key for o in hits])
    return hits[0]


def test_every_main_indicator_of_2022_is_a_target(report_2022: Ledger) -> None:
    targets = [o for o in observations(series_from_ledger(report_2022), "target") if o.period == "2022"]
    for words, indicator, change, comparator, value, unit in MAIN_INDICATORS:
        o = _target_stated(targets, words, value)
        assert (o.indicator, o.change, o.comparator, o.unit, o.region) == (
            indicator,
            change,
            comparator,
            unit,
            "Liaoning",
        ), words
        assert o.key == f"{indicator}:Liaoning:{change}:2022:target:{o.key.rsplit(':', 1)[1]}"
        assert [s.doc for s in o.sources] == [DOC_003]


def test_every_livelihood_programme_is_a_target(report_2022: Ledger) -> None:
    targets = [o for o in observations(series_from_ledger(report_2022), "target") if o.period == "2022"]
    found = [_target_stated(targets, words, value) for words, value, _, _ in LIVELIHOOD_PROGRAMMES]
    for o, (words, _, unit, comparator) in zip(found, LIVELIHOOD_PROGRAMMES, strict=True):
        assert (o.unit, o.comparator) == (unit, comparator), words
    # The two 5,500 km targets share a sentence and an indicator but are two programmes, two observations.
    roads = [o for o in found if o.unit == "km"]
    assert len({o.key for o in roads}) == 2


def test_results_of_the_next_report_join_the_same_series(report_2022: Ledger) -> None:
    found = {s.key: s for s in series_from_ledger(report_2022, "gdp", "辽宁")}
    growth = found["gdp:Liaoning:growth"]
    table = [(o.period, o.kind, o.value) for o in growth.observations]
    assert table == [("2021", "result", 5.8), ("2022", "target", 5.5), ("2022", "result", 2.1)]
    result = growth.observations[-1]
    assert result.sources[0].doc == "liaoning-gwr-2023-zh.txt" and result.sources[0].language == "zh"
    assert result.sources[0].doc_date == "2023-01-12"


# -- one figure, several sources -------------------------------------------------------------------


def test_translation_shares_every_figure(translation_pair: Ledger) -> None:
    facts = {d: translation_pair.facts(doc=d) for d in (DOC_000, DOC_004)}
    found = observations(series_from_ledger(translation_pair))
    by_fact = {s.fact_id: o for o in found for s in o.sources}
    english_values = {abs(f.value) for f in facts[DOC_000]}
    shared = 0
    for fact in facts[DOC_004]:
        if fact.kind not in ("target", "result") or abs(fact.value) not in english_values:
            continue
        o = by_fact[fact.id]
        docs = [s.doc for s in o.sources]
        assert sorted(docs) == [DOC_000, DOC_004], (fact.text, o.key, docs)
        assert docs[0] == DOC_004  # the original's reading leads
        shared += 1
    assert shared >= 20
    # No figure of the translation is left on its own when the original states it.
    alone = [o for o in found if {s.doc for s in o.sources} == {DOC_000}]
    assert not [o for o in alone if any(abs(f.value) == abs(o.value) for f in facts[DOC_004])]


def test_translation_that_changed_the_unit_stays_linked_and_flagged(translation_pair: Ledger) -> None:
    found = observations(series_from_ledger(translation_pair, "subsidence_relocation"))
    (o,) = [o for o in found if o.value == 1800]
    assert o.unit == "households" and {s.unit for s in o.sources} == {"households", "people"}
    assert {s.text for s in o.sources} >= {"1800 residents"}
    (note,) = o.discrepancies
    assert "1,800 people" in note and "1,800 households" in note and "unit" in note


def test_the_same_figure_in_two_documents_is_one_observation(tmp_path: Path) -> None:
    # 003 gives 2021 GDP as 2,758.4 billion yuan and 5.8%; a Chinese note restates both.
    note = tmp_path / "gdp-2021-zh.txt"
    note.write_text("2021年辽宁省地区生产总值2.76万亿元,比上年增长5.8%。\n", encoding="utf-8")
    (tmp_path / "gdp-2021-zh.meta.yaml").write_text("date: 2022-03-01\n", encoding="utf-8")
    with ingest(tmp_path / "l.db", EXAMPLES / DOC_003, note) as ledger:
        found = {s.key: s for s in series_from_ledger(ledger, "gdp", "Liaoning")}
    for key, value in (("gdp:Liaoning:level", 2758400000000), ("gdp:Liaoning:growth", 5.8)):
        results = [o for o in found[key].observations if o.kind == "result" and o.period == "2021"]
        assert len(results) == 1, key
        (o,) = results
        assert o.value == value  # the first statement's figure (003, the earlier document)
        assert [s.doc for s in o.sources] == [DOC_003, "gdp-2021-zh.txt"]


def test_keys_survive_rebuilding_the_ledger(tmp_path: Path) -> None:
    paths = (EXAMPLES / DOC_003, EXAMPLES / DOC_000, EXAMPLES / DOC_004, TRACKING / "communique-2022-zh.txt")
    with ingest(tmp_path / "a.db", *paths) as first:
        keys = [o.key for o in observations(series_from_ledger(first))]
    with ingest(tmp_path / "b.db", *reversed(paths)) as second:
        again = [o.key for o in observations(series_from_ledger(second))]
    assert keys == again and len(set(keys)) == len(keys)


def test_build_series_from_facts_without_a_ledger() -> None:
    docs = [api.load_document(TRACKING / name) for name in ("communique-2022-zh.txt", "report-2023-zh.txt")]
    facts = [f for d in docs for f in api.extract_document(d)]
    found = build_series(facts, {d.name: d for d in docs})
    jobs = next(s for s in found if s.key == "urban_jobs:Liaoning:level")
    assert [(o.period, o.kind, o.value, o.comparator) for o in jobs.observations] == [
        ("2022", "result", 462000, "="),
        ("2023", "target", 450000, ">"),
    ]
    assert jobs.observations[0].sources[0].doc_date == "2023-03-20"


def test_other_facts_are_not_observations(translation_pair: Ledger) -> None:
    others = {f.id for f in translation_pair.facts(kind="other")}
    stated = {s.fact_id for o in observations(series_from_ledger(translation_pair)) for s in o.sources}
    # An "other" fact appears only as the translation counterpart of an observed figure.
    leads = {o.sources[0].fact_id for o in observations(series_from_ledger(translation_pair))}
    assert not others & leads
    assert stated  # and there are observations at all


def test_unlisted_figures_form_series_by_label(tmp_path: Path) -> None:
    doc = tmp_path / "villages-zh.txt"
    doc.write_text("2022年,全省建成星级美丽宜居庭院示范村120个。\n", encoding="utf-8")
    (tmp_path / "villages-zh.meta.yaml").write_text("date: 2023-02-01\n", encoding="utf-8")
    with ingest(tmp_path / "l.db", doc) as ledger:
        (fact,) = ledger.facts(kind="result")
        found = series_from_ledger(ledger)
    (s,) = found
    if fact.indicator is None:
        assert s.key.startswith("~") and s.indicator is None and s.label == fact.label
    else:  # the taxonomy has learnt the wording meanwhile: then it is an indicator series
        assert s.key.startswith(fact.indicator + ":")


def test_document_index_reads_dates_and_translations(translation_pair: Ledger) -> None:
    docs = document_index(translation_pair)
    ((original, translation),) = docs.pairs()
    assert (original.name, translation.name) == (DOC_004, DOC_000)
    assert docs.newest_date() == date(2022, 5, 29)


def test_translation_that_changed_a_figure_stays_linked_and_flagged(tmp_path: Path) -> None:
    folder = TRACKING / "translation"
    with ingest(tmp_path / "l.db", folder) as ledger:
        trains = series_from_ledger(ledger, "china_europe_trains")
        firms = series_from_ledger(ledger, "new_enterprises")
    ((o,),) = [s.observations for s in trains]
    assert (o.value, o.period) == (632, "2021")  # the original's figure
    assert sorted(s.text for s in o.sources) == ["623", "632列"]
    (note,) = o.discrepancies
    assert (
        "trains-2021-translation-en.txt says 623 items where trains-2021-original-zh.txt says 632 items"
        in note
    )
    ((same,),) = [s.observations for s in firms]
    assert len(same.sources) == 2 and same.discrepancies == []  # 18.4万户 and 184,000: the same figure


def test_series_by_key(report_2022: Ledger) -> None:
    (growth,) = series_from_ledger(report_2022, keys={"gdp:Liaoning:growth"})
    assert growth.key == "gdp:Liaoning:growth" and len(growth.observations) == 3
    assert series_from_ledger(report_2022, keys=set()) == []
    everything = {s.key for s in series_from_ledger(report_2022)}
    some = sorted(everything)[:5]
    assert [s.key for s in series_from_ledger(report_2022, keys=some)] == some


def test_series_by_words_of_an_unlisted_label(tmp_path: Path) -> None:
    doc = tmp_path / "note-en.txt"
    doc.write_text("In 2022, Liaoning built 120 smart parking garages.\n", encoding="utf-8")
    (tmp_path / "note-en.meta.yaml").write_text("date: 2023-02-01\n", encoding="utf-8")
    with ingest(tmp_path / "l.db", doc) as ledger:
        (fact,) = ledger.facts(kind="result")
        if fact.indicator is not None:  # pragma: no cover - the taxonomy has learnt the wording meanwhile
            pytest.skip("the figure has a taxonomy indicator now")
        key = f"~{normalize_label(fact.label)}:Liaoning:level"
        assert [s.key for s in series_from_ledger(ledger, fact.label)] == [key]
        last_word = fact.label.split()[-1]
        assert [s.key for s in series_from_ledger(ledger, last_word.upper())] == [key]
        assert series_from_ledger(ledger, "no such words") == []
