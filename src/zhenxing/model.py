"""Plain records that flow between the pipeline stages.

They are dataclasses rather than ORM rows so that extraction can run without a
database (``zhenxing extract``) and the ledger can map them to any SQL store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Bump whenever extraction output can change: stored facts carry it and
# ``zhenxing ingest --reprocess`` re-extracts documents with an older one.
EXTRACTOR_VERSION = "0.1.1"  # 0.1.1: "and the|its|our|we" ends a clause (labels stop at their figure)


@dataclass(slots=True)
class Document:
    """A decoded document: ``text`` is the plain text all offsets refer to."""

    id: str  # SHA-256 hex of ``text`` (NFC, LF line endings)
    name: str  # file basename, e.g. "003_67a0eda2e3f886dd.txt"; the ``doc`` field of facts
    text: str
    path: str | None = None
    title: str | None = None
    date: str | None = None  # ISO "YYYY-MM-DD" (or "YYYY-MM" / "YYYY"), None when unknown
    date_source: str | None = None  # "meta", "manifest", "front-matter", "html", "text"
    source: str | None = None
    author: str | None = None
    language: str = "en"  # "zh", "en" or "mixed"
    translation_of: str | None = None  # the ``name`` of the original document
    format: str = "text"  # "text", "markdown", "html", "pdf"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Quantity:
    """A number as written in a text, with offsets (code points) into that text."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None = None  # canonical unit of FORMAT.md, "times" for multiples, None for a bare number
    high: float | None = None  # upper end of a range ("5%-6%"), None otherwise
    approximate: bool = False
    # How the figure is written: "number", "percent", "percentage_point", "multiple",
    # "fraction" (五分之一 -> 0.2, "half" -> 0.5), "money", "measure" or "count".
    form: str = "number"
    # The amount in the unit as written, magnitude words applied but not converted:
    # "十斤" -> 10 (value 0.005 t), "50 cents" -> 50 (value 0.5 USD), "100,000 mu" -> 100000.
    number: float | None = None

    def shifted(self, offset: int) -> Quantity:
        """The same quantity with offsets into a text that starts ``offset`` later (faster than ``replace``)."""
        return Quantity(
            self.start - offset, self.end - offset, self.text, self.value, self.unit, self.high, self.approximate,
            self.form, self.number,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Fact:
    """One quantitative statement with its grounding, in the shape of eval/FORMAT.md."""

    doc: str
    quote: str
    value: float
    unit: str | None
    comparator: str
    indicator: str | None
    label: str
    period: str | None
    region: str | None
    kind: str
    change: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    doc_id: str
    language: str
    text: str = ""  # the figure as written
    extractor_version: str = EXTRACTOR_VERSION

    @property
    def id(self) -> str:
        """Stable across runs: the same document and span give the same id."""
        return f"{self.doc_id[:12]}-{self.start}-{self.end}"

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["id"] = self.id
        return record
