"""Output formats: the JSONL/CSV records are the exchange format, so they must round-trip exactly."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from rich.console import Console

from tests.ledger.samples import sample_003, sample_gwr
from zhenxing.formats import (
    FACT_FIELDS,
    clip,
    fact_record,
    facts_table,
    format_value,
    marked_sentence,
    plain_number,
    read_csv,
    read_jsonl,
    write_csv,
    write_jsonl,
)
from zhenxing.ledger.store import Ledger

FORMAT_MD_FIELDS = [
    "doc",
    "quote",
    "value",
    "unit",
    "comparator",
    "indicator",
    "label",
    "period",
    "region",
    "kind",
    "change",
]


def _all_facts():
    return sample_003()[1] + sample_gwr()[1]


def test_jsonl_record_shape() -> None:
    facts = _all_facts()
    out = io.StringIO()
    assert write_jsonl(facts, out) == len(facts)
    lines = out.getvalue().splitlines()
    first = json.loads(lines[0])
    assert list(first) == list(FACT_FIELDS)
    assert list(first)[: len(FORMAT_MD_FIELDS)] == FORMAT_MD_FIELDS
    assert first["id"] == facts[0].id
    # Whole numbers as ints, not "2758400000000.0"; Chinese kept as is.
    assert '"value": 2758400000000,' in lines[0]
    assert '"value": 5.8,' in lines[1]
    assert "城镇新增就业" in out.getvalue() and "\\u" not in out.getvalue()


def test_jsonl_round_trip() -> None:
    facts = _all_facts()
    out = io.StringIO()
    write_jsonl(facts, out)
    assert read_jsonl(out.getvalue().splitlines()) == facts


def test_csv_round_trip_with_nulls() -> None:
    facts = _all_facts()
    facts[0] = dataclasses.replace(facts[0], unit=None, indicator=None, period=None, region=None, label="")
    out = io.StringIO()
    write_csv(facts, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(FACT_FIELDS)
    assert len(rows) == len(facts) + 1
    assert read_csv(out.getvalue()) == facts


def test_ledger_output_equals_input_records(tmp_path) -> None:
    """What `facts --format jsonl` prints from the ledger is what `extract` printed for the same facts."""
    doc, facts = sample_gwr()
    before, after = io.StringIO(), io.StringIO()
    write_jsonl(facts, before)
    with Ledger(tmp_path / "l.db") as ledger:
        ledger.add_document(doc, facts)
        write_jsonl(ledger.facts(), after)
    assert after.getvalue() == before.getvalue()


def test_plain_number() -> None:
    assert plain_number(43000000.0) == 43000000 and isinstance(plain_number(43000000.0), int)
    assert plain_number(5.8) == 5.8
    assert plain_number(-1.0) == -1
    assert fact_record(_all_facts()[0])["value"] == 2758400000000


def test_format_value() -> None:
    assert format_value(2758400000000, "CNY") == "2.7584 trillion CNY"
    assert format_value(276470000000, "CNY") == "276.47 billion CNY"
    assert format_value(5.5, "%", ">") == "> 5.5%"
    assert format_value(462000, "people") == "462,000 people"
    assert format_value(4.3, "percentage_point", "~") == "~ 4.3 pp"
    assert format_value(-1345, "items") == "-1,345 items"
    assert format_value(24000000, "t", ">=") == "≥ 24 million t"
    assert format_value(3, None) == "3"


def test_marked_sentence() -> None:
    fact = sample_003()[1][1]  # 5.8%
    assert marked_sentence(fact) == fact.quote.replace("5.8%", "[[5.8%]]")
    rich_text = marked_sentence(fact, plain=False)
    assert rich_text.plain == fact.quote and rich_text.spans
    # Offsets that do not fit the quote: the figure is searched instead.
    moved = dataclasses.replace(fact, sentence_start=fact.sentence_start - 3)
    assert marked_sentence(moved) == fact.quote.replace("5.8%", "[[5.8%]]")
    lost = dataclasses.replace(moved, text="9.9%")
    assert marked_sentence(lost) == fact.quote


def test_table_does_not_interpret_markup() -> None:
    fact = dataclasses.replace(sample_gwr()[1][0], indicator=None, label="[bold]not markup[/bold]")
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(facts_table([fact]))
    assert "[bold]not markup[/bold]" in console.file.getvalue()


def test_clip() -> None:
    assert clip("a  b\nc", 10) == "a b c"
    assert clip("x" * 20, 5) == "xxxx…"
