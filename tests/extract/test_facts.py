"""Fact classification on real sentences from the sample corpus (examples/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenxing.extract.facts import extract_document, extract_text
from zhenxing.ingest.loader import load_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def facts_of(text: str, date: str | None = "2022-02-25", language: str | None = None) -> dict[float, object]:
    return {f.value: f for f in extract_text(text, name="t.txt", doc_id="0" * 64, date=date, language=language)}


def test_result_level_and_growth_in_one_sentence() -> None:
    text = "I. A review of our work in 2021\nThe provincial GDP was 2,758.4 billion yuan, a rise of 5.8%."
    facts = facts_of(text)
    level, growth = facts[2758400000000], facts[5.8]
    assert (level.unit, level.change, level.kind, level.period, level.indicator) == ("CNY", "level", "result", "2021", "gdp")
    assert (growth.unit, growth.change, growth.comparator) == ("%", "growth", "=")


def test_targets_with_comparators() -> None:
    text = (
        "II. Work Arrangement for 2022\n"
        "The main indicators of economic and social development in Liaoning this year are: regional GDP growth by "
        "more than 5.5%; general public budget revenue growth by about 4%; creating more than 450,000 urban jobs; "
        "with surveyed urban unemployment rate below 5.5%; and consumer prices rising by about 3%."
    )
    got = [(f.indicator, f.value, f.comparator, f.kind, f.change, f.period) for f in extract_text(text, date="2022-02-25")]
    assert ("gdp", 5.5, ">", "target", "growth", "2022") in got
    assert ("budget_revenue", 4, "~", "target", "growth", "2022") in got
    assert ("urban_jobs", 450000, ">", "target", "level", "2022") in got
    assert ("unemployment_rate", 5.5, "<", "target", "level", "2022") in got
    assert ("cpi", 3, "~", "target", "growth", "2022") in got


def test_chinese_results_respectively_and_full_year() -> None:
    text = (
        "一、2022年和过去五年工作\n"
        "全年地区生产总值增长2.1%,固定资产投资增长3.6%,城镇新增就业46.2万人,"
        "城镇和农村居民人均可支配收入分别增长2.2%和3.6%。"
    )
    facts = extract_text(text, date="2023-01-12")
    by = {(f.indicator, f.value): f for f in facts}
    assert by[("gdp", 2.1)].period == "2022" and by[("gdp", 2.1)].kind == "result"
    assert by[("urban_jobs", 462000)].unit == "people"
    assert by[("urban_jobs", 462000)].change == "level"  # 新增 counts what was added: a level
    assert ("disposable_income_urban", 2.2) in by and ("disposable_income_rural", 3.6) in by
    assert all(f.region == "Liaoning" or f.region is None for f in facts)


def test_multiples_fractions_and_decreases() -> None:
    text = "In 2021, the output of new energy vehicles increased by 1.2 times, and the number of non coal mines decreased by 1345, down 42%."
    facts = facts_of(text, date="2022-05-29")
    assert (facts[120].unit, facts[120].change) == ("%", "growth")
    assert (facts[-1345].change, facts[-1345].unit) == ("delta", "items")
    assert (facts[-42].change, facts[-42].unit) == ("growth", "%")
    half = facts_of("The new route can save half of the transportation time.", date="2022-05-29")
    assert half[-50].unit == "%" and half[-50].change == "growth"


def test_share_of_a_rate_is_percentage_points() -> None:
    text = "In 2021, the proportion of days with good air quality increased by 4.3%."
    fact = facts_of(text)[4.3]
    assert (fact.unit, fact.change, fact.indicator) == ("percentage_point", "delta", "good_air_days")


def test_units_from_nouns_and_conversions() -> None:
    text = (
        "In 2021 we established more than 4,000 new technology-based small and medium-sized enterprises and "
        "built 25,000 new 5G base stations. We will increase the area of facility agriculture by 100,000 mu."
    )
    facts = facts_of(text)
    assert facts[4000].unit == "enterprises" and facts[4000].comparator == ">"
    assert facts[25000].unit == "items" and facts[25000].indicator == "base_stations_5g"
    mu = next(f for f in facts.values() if f.unit == "ha")
    assert mu.value == pytest.approx(6666.67, rel=1e-3) and mu.change == "delta"


def test_not_facts_years_ordinals_and_names() -> None:
    text = (
        "Since the 18th National Congress of the Communist Party of China in 2012, the “45 Measures” and 5G "
        "networks were promoted; the 14th Five-Year Plan sets the direction."
    )
    assert extract_text(text, date="2022-01-20") == []


def test_relative_period_without_date_is_null() -> None:
    facts = facts_of("Last year, the province's GDP rose by 5.8%.", date=None)
    assert facts[5.8].period is None
    dated = facts_of("Last year, the province's GDP rose by 5.8%.", date="2022-01-20")
    assert dated[5.8].period == "2021"


def test_grounding_offsets_point_at_the_figure_and_sentence() -> None:
    doc = load_document(EXAMPLES / "003_67a0eda2e3f886dd.txt")
    facts = extract_document(doc)
    assert len(facts) > 100
    for f in facts:
        assert doc.text[f.start : f.end] == f.text
        assert doc.text[f.sentence_start : f.sentence_end] == f.quote
        assert f.sentence_start <= f.start < f.end <= f.sentence_end


def test_extraction_is_deterministic() -> None:
    doc = load_document(EXAMPLES / "004_a92002791a908d18.txt")
    first = [f.to_record() for f in extract_document(doc)]
    second = [f.to_record() for f in extract_document(doc)]
    assert first == second and first


def test_chinese_communique_value_added_and_year_end() -> None:
    text = (
        "辽宁省2023年国民经济和社会发展统计公报\n\n"
        "初步核算，全年地区生产总值30209.4亿元，比上年增长5.3%。其中，第一产业增加值2651.0亿元，增长4.7%。\n"
        "年末全省常住人口4182万人，比上年末减少15万人。"
    )
    facts = extract_text(text, date="2024-03-15")
    by = {f.value: f for f in facts}
    assert by[3020940000000].indicator == "gdp" and by[3020940000000].period == "2023"
    value_added = by[265100000000]
    assert value_added.change == "level"  # 增加值 is "value added", not an increase
    assert value_added.indicator == "primary_industry_value_added"
    assert by[41820000].indicator == "population" and by[41820000].period == "2023"  # 年末 of the year reported
    assert by[-150000].change == "delta"


def test_kept_at_about_is_approximate() -> None:
    text = "2023年工作安排\n2023年全省主要预期目标是：城镇调查失业率控制在5.5%左右，地区生产总值增长5%以上。"
    by = {f.indicator: f for f in extract_text(text, date="2023-01-12")}
    assert by["unemployment_rate"].comparator == "~" and by["unemployment_rate"].kind == "target"
    assert by["gdp"].comparator == ">" and by["gdp"].change == "growth"


def test_dateline_city_is_not_the_region() -> None:
    text = (
        "HARBIN -- Heilongjiang province's GDP reached 716.6 billion yuan in the first half of 2024, "
        "up 2.8 percent year-on-year."
    )
    facts = extract_text(text, date="2024-07-25")
    assert {f.region for f in facts} == {"Heilongjiang"}
    assert all(f.period == "2024-H1" and f.kind == "result" for f in facts)


def test_and_the_ends_a_clause_so_a_label_stops_at_its_own_figure() -> None:
    """From sample 003: two figures joined by "and the"; each label is its own clause's words."""
    text = (
        "Official processing of the 612 proposals from the Liaoning Provincial People’s Congress and the "
        "540 proposals from the Liaoning Provincial Committee of the Chinese People’s Political "
        "Consultative Conference were concluded on schedule."
    )
    found = facts_of(text)
    assert found[612].label == "proposals from the Liaoning Provincial People’s Congress"
    assert "and the" not in found[540].label and found[540].label.startswith("proposals from")
