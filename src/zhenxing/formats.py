"""How facts and documents are written out: JSONL, CSV and terminal tables.

One module so that ``zhenxing extract`` (facts fresh from the extractor) and
``zhenxing facts`` (facts from the ledger) print byte-identical records, and so
that the JSONL stays the exchange format of ``eval/FORMAT.md`` that
``score.py`` reads. Rich is imported only by the table functions.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from zhenxing.model import Fact

if TYPE_CHECKING:  # pragma: no cover
    from rich.table import Table
    from rich.text import Text

    from zhenxing.ledger.store import DocumentInfo

# FORMAT.md's fields first (the scorer reads those), then grounding and provenance.
FACT_FIELDS: tuple[str, ...] = (
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
    "start",
    "end",
    "sentence_start",
    "sentence_end",
    "doc_id",
    "language",
    "id",
    "text",
    "extractor_version",
)
_INT_FIELDS = frozenset({"start", "end", "sentence_start", "sentence_end"})
# Empty in CSV means null for these (and a correction may clear them); other text fields keep "" as "".
NULLABLE_FIELDS = frozenset({"unit", "indicator", "period", "region"})

DOCUMENT_FIELDS: tuple[str, ...] = (
    "name",
    "id",
    "date",
    "language",
    "title",
    "fact_count",
    "source",
    "author",
    "translation_of",
    "format",
    "date_source",
    "path",
    "extractor_version",
)


def plain_number(value: float) -> int | float:
    """Whole numbers as ints, so ``2758400000000.0`` prints as ``2758400000000``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def fact_record(fact: Fact) -> dict[str, Any]:
    """The fact as the ordered dict that JSONL and CSV share.

    Read field by field: every field is a str, int, float or None, so the
    deep copy of ``dataclasses.asdict`` bought nothing and was a third of
    the time of an API answer listing facts.
    """
    out = {name: getattr(fact, name) for name in FACT_FIELDS}
    out["value"] = plain_number(out["value"])
    return out


def fact_from_record(record: dict[str, Any]) -> Fact:
    """The inverse of :func:`fact_record`; ``id`` is derived, so it is not read back."""
    kwargs = {name: record.get(name) for name in FACT_FIELDS if name != "id"}
    kwargs["value"] = float(kwargs["value"])
    for name in _INT_FIELDS:
        kwargs[name] = int(kwargs[name])
    for name in ("text", "label"):
        kwargs[name] = kwargs[name] or ""
    if kwargs["extractor_version"] is None:
        del kwargs["extractor_version"]
    return Fact(**kwargs)


def jsonl_line(fact: Fact) -> str:
    return json.dumps(fact_record(fact), ensure_ascii=False)


def write_jsonl(facts: Iterable[Fact], out: IO[str]) -> int:
    """Write one JSON object per line; returns how many."""
    n = 0
    for fact in facts:
        out.write(jsonl_line(fact) + "\n")
        n += 1
    return n


def read_jsonl(lines: Iterable[str]) -> list[Fact]:
    return [fact_from_record(json.loads(line)) for line in lines if line.strip()]


class CsvWriter:
    """CSV with a header before the first row, so batches can be written as they come."""

    def __init__(self, out: IO[str], fields: tuple[str, ...] = FACT_FIELDS) -> None:
        self._writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
        self._header_done = False

    def write_records(self, records: Iterable[dict[str, Any]]) -> None:
        if not self._header_done:
            self._writer.writeheader()
            self._header_done = True
        for record in records:
            self._writer.writerow({k: "" if v is None else v for k, v in record.items()})

    def write(self, facts: Iterable[Fact]) -> None:
        self.write_records(fact_record(f) for f in facts)


def write_csv(facts: Iterable[Fact], out: IO[str]) -> None:
    CsvWriter(out).write(facts)


def read_csv(text: str | IO[str]) -> list[Fact]:
    stream = io.StringIO(text) if isinstance(text, str) else text
    facts = []
    for row in csv.DictReader(stream):
        record: dict[str, Any] = dict(row)
        for name in NULLABLE_FIELDS:
            if record.get(name) == "":
                record[name] = None
        facts.append(fact_from_record(record))
    return facts


def document_record(info: DocumentInfo) -> dict[str, Any]:
    record = info.to_record()
    return {name: record.get(name) for name in DOCUMENT_FIELDS}


# -- human-readable ------------------------------------------------------------

_COMPARATOR_SIGNS = {"=": "", ">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ ", "~": "~ "}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def format_value(value: float, unit: str | None, comparator: str = "=") -> str:
    """A figure for people: ``2.7584 trillion CNY``, ``≥ 5.8%``, ``462,000 people``."""
    sign = _COMPARATOR_SIGNS.get(comparator, comparator + " ")
    magnitude = abs(value)
    number = None
    for scale, word in _SCALES:
        if magnitude >= scale:
            number = f"{value / scale:,.6g} {word}"
            break
    if number is None:
        v = plain_number(value)
        number = f"{v:,}" if isinstance(v, int) else f"{v:,.6g}"
    if unit in (None, ""):
        return sign + number
    if unit == "%":
        return f"{sign}{number}%"
    if unit == "percentage_point":
        return f"{sign}{number} pp"
    return f"{sign}{number} {unit}"


def short_id(value: str, n: int = 12) -> str:
    return value[:n]


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def marked_sentence(fact: Fact, *, plain: bool = True, style: str = "bold reverse") -> str | Text:
    """The fact's sentence with the figure marked: ``[[...]]`` in plain text, highlighted for rich.

    Offsets are the fact's own (``start - sentence_start``); when they do not
    land on the figure (a quote that is not the exact sentence) the figure is
    searched for instead.
    """
    quote = fact.quote
    a, b = fact.start - fact.sentence_start, fact.end - fact.sentence_start
    if not (0 <= a < b <= len(quote)) or (fact.text and quote[a:b] != fact.text):
        found = quote.find(fact.text) if fact.text else -1
        a, b = (found, found + len(fact.text)) if found >= 0 else (-1, -1)
    if plain:
        return quote if a < 0 else f"{quote[:a]}[[{quote[a:b]}]]{quote[b:]}"
    from rich.text import Text

    out = Text(quote)
    if a >= 0:
        out.stylize(style, a, b)
    return out


def facts_table(facts: Iterable[Fact], *, title: str | None = None) -> Table:
    """Compact columns: enough to scan and to copy an id for ``zhenxing show``."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, expand=False)
    # Narrow terminals squeeze the id and document name first, never the facts themselves.
    table.add_column("id", style="dim", overflow="fold", min_width=8)
    table.add_column("doc", max_width=24, overflow="fold", min_width=6)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("indicator / label", max_width=34, overflow="fold", min_width=12)
    table.add_column("period", no_wrap=True)
    table.add_column("region", max_width=14, overflow="ellipsis", min_width=8)
    table.add_column("kind", no_wrap=True)
    table.add_column("change", no_wrap=True)
    for f in facts:
        # Text cells, not strings: a "[...]" in a label must not be read as rich markup.
        label = Text(f.indicator) if f.indicator else Text(clip(f.label, 60), style="italic")
        table.add_row(
            Text(f.id),
            Text(f.doc),
            Text(format_value(f.value, f.unit, f.comparator)),
            label,
            Text(f.period or ""),
            Text(f.region or ""),
            Text(f.kind),
            Text(f.change),
        )
    return table


def documents_table(docs: Iterable[DocumentInfo], *, title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    table.add_column("name", no_wrap=True)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("date", no_wrap=True)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", max_width=60, no_wrap=True, overflow="ellipsis")
    table.add_column("facts", justify="right")
    for d in docs:
        cells = (
            d.name,
            short_id(d.id),
            d.date or "",
            d.language,
            clip(d.title or "", 200),
            str(d.fact_count),
        )
        table.add_row(*(Text(c) for c in cells))
    return table


def iter_jsonl_records(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False)
