"""Pydantic models of what the API accepts and returns: they make ``/openapi.json`` a real contract.

The records themselves are made by the same functions as the CLI's JSONL
(``formats.fact_record``, ``formats_tracking.verdict_record`` ...), so the API
and ``--format jsonl`` cannot drift apart; these models describe them, and
allow extra fields so that a field the tracking stage adds still reaches
clients before this file names it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A record that may carry more fields than documented."""

    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    error: str = Field(description="What is wrong, in one line.")


class PageMeta(BaseModel):
    limit: int
    offset: int
    total: int | None = Field(None, description="Items matching the filters (null when not counted).")
    next_offset: int | None = Field(None, description="Offset of the next page; null on the last page.")


# -- documents and facts ---------------------------------------------------------------------


class FactOut(Open):
    id: str
    doc: str
    doc_id: str
    quote: str = Field(description="The sentence that states the figure, exactly as in the document.")
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
    language: str
    text: str = Field(description="The figure as written.")
    extractor_version: str
    rejected: bool = False
    extracted: dict[str, Any] | None = Field(None, description="Extracted values of corrected fields.")
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_reason: str | None = None


class DocumentOut(Open):
    id: str
    name: str
    title: str | None
    date: str | None
    date_source: str | None
    source: str | None
    author: str | None
    language: str
    translation_of: str | None
    format: str
    extractor_version: str
    ingested_at: str | None
    fact_count: int


class DocumentDetailOut(DocumentOut):
    text: str
    meta: dict[str, Any] = Field(default_factory=dict)
    facts: list[FactOut]


class DocumentsPage(PageMeta):
    items: list[DocumentOut]


class FactsPage(PageMeta):
    items: list[FactOut]


class AuditOut(Open):
    id: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    description: str = ""


class AuditPage(PageMeta):
    items: list[AuditOut]


class FactDetailOut(BaseModel):
    fact: FactOut
    document: DocumentOut
    history: list[AuditOut]


# -- tracking ----------------------------------------------------------------------------------


class SourceOut(Open):
    fact: str
    doc: str
    doc_id: str
    date: str | None
    language: str
    value: float
    unit: str | None
    text: str
    quote: str | None = Field(
        None,
        description="The sentence; list pages (detail=summary) leave it out: the observation has the first.",
    )
    start: int
    end: int


class ObservationOut(Open):
    key: str
    kind: str
    period: str | None
    value: float
    unit: str | None
    comparator: str
    doc: str | None
    date: str | None
    quote: str | None
    fact: str | None
    sources: list[SourceOut]


class SeriesOut(Open):
    key: str
    indicator: str | None
    label: str
    region: str | None
    change: str
    unit: str | None
    observations: list[ObservationOut]


class PointOut(Open):
    """An observation as a chart point: value, period and where its first source is, no sentences."""

    key: str
    kind: str
    period: str | None
    value: float
    unit: str | None
    comparator: str
    doc: str | None
    date: str | None
    fact: str | None = Field(description="The first source's fact id: /api/facts/{id} gives its sentence.")
    sources: int = Field(description="How many documents state it.")


class SeriesSummaryOut(Open):
    """A series in a list page: /api/series/{key} gives its observations with their sentences."""

    key: str
    indicator: str | None
    label: str
    region: str | None
    change: str
    unit: str | None
    observations: int = Field(description="How many observations (targets, results) it has.")
    targets: int
    results: int
    first_period: str | None
    last_period: str | None
    latest_target: PointOut | None
    latest_result: PointOut | None


class SeriesPage(PageMeta):
    items: list[SeriesSummaryOut | SeriesOut]


class RuleOut(Open):
    comparator: str
    direction: str
    tolerance: float | None
    tolerance_kind: str | None
    version: str
    description: str


class VerdictOut(Open):
    key: str
    indicator: str | None
    label: str
    region: str | None
    period: str | None
    change: str
    status: str = Field(description="met, missed, pending or no result.")
    explanation: str
    rule: RuleOut
    target: ObservationOut
    results: list[ObservationOut] = Field(
        description="Best first; list pages (detail=summary) give the one the verdict rests on."
    )
    result_count: int = Field(description="How many results there are.")
    progress: float | None
    on_track: bool | None
    as_of: str | None
    computed_status: str | None
    override: dict[str, Any] | None
    assignment: dict[str, Any] | None


class TargetsPage(PageMeta):
    counts: dict[str, int] = Field(description="Targets matching the filters (before status), by status.")
    items: list[VerdictOut]


class ConflictOut(Open):
    kind: str
    series: str
    period: str | None
    explanation: str
    newest: str | None
    observations: list[ObservationOut]
    facts: list[FactOut] | None = Field(None, description="The facts behind it (detail=full).")


class ConflictsPage(PageMeta):
    items: list[ConflictOut]


# -- search ------------------------------------------------------------------------------------


class SearchHitOut(BaseModel):
    doc_id: str
    doc: str
    title: str | None
    date: str | None
    language: str
    sentence: str
    start: int = Field(description="Offset of the sentence in the document text (code points).")
    end: int
    highlights: list[list[int]] = Field(description="[start, end] of each match, within the sentence.")


class SearchPage(PageMeta):
    query: str
    total_capped: bool = Field(description="True when more sentences match than were counted (1000).")
    order: str = Field(description="How the hits are ordered: relevance or recent.")
    items: list[SearchHitOut]


# -- writes ------------------------------------------------------------------------------------


class UploadResultOut(BaseModel):
    file: str = Field(description="The file name as sent (never used on the server's file system).")
    status: str = Field(description="added, unchanged, reprocessed or error.")
    doc_id: str | None = None
    name: str | None = None
    facts: int = 0
    error: str | None = None


class UploadOut(BaseModel):
    results: list[UploadResultOut]


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(description="An indicator id of the taxonomy, e.g. gdp.")
    region: str = Field(description="A place, e.g. Liaoning or 辽宁.")
    period: str = Field(description="2022, 2022-H1, 2022-Q1, 2022-06, 2022-01/2022-11.")
    value: float
    unit: str | None = None
    change: str = "level"
    comparator: str = "="
    label: str | None = None
    source: str = Field(
        description="Where the figure is stated, e.g. 'Liaoning Statistical Yearbook 2023, p. 12'."
    )
    source_date: str | None = None
    reason: str | None = None


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: dict[str, Any] = Field(description='Fields to correct, e.g. {"value": 2.3, "unit": "%"}.')
    reason: str


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(description="A department; null withdraws the assignment (reason needed).")
    due: str | None = Field(None, description="YYYY-MM-DD.")
    reason: str | None = None


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str | None = Field(description="met, missed, pending, no result; null clears the override.")
    reason: str


class AssignmentOut(Open):
    target_key: str
    owner: str | None
    due: str | None
    actor: str
    at: str | None = None


class OverrideOut(Open):
    target_key: str
    status: str | None
    reason: str | None
    actor: str
    at: str | None = None


class HealthOut(BaseModel):
    ok: bool
    worker: int = Field(description="The answering server process (one of --workers).")
    warm: bool = Field(description="Whether verdicts, series and conflicts are computed and cached.")
    documents: int
    schema_revision: str | None
