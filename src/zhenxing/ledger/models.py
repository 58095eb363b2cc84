"""ORM tables of the ledger.

The schema itself is created and changed only by the alembic migrations in
``migrations/versions``; these classes describe it for queries. Column types
are the portable SQLAlchemy ones (``JSON``, ``Double``, ``Integer``) plus two
of ours that make PostgreSQL answer as SQLite does: ``exact_text`` (order and
case folding by code point) and ``UTCDateTime`` (times read back as UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Double, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# The newest migration. Opening a ledger whose ``alembic_version`` already says
# this skips importing alembic (it costs ~0.3 s per command); a test checks
# that it equals the head of ``migrations/versions``.
SCHEMA_REVISION = "0006"

# Explicit constraint names keep migrations reproducible on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def exact_text(length: int | None = None) -> TypeEngine[str]:
    """A string column that compares and sorts by code point on every backend: ``COLLATE "C"`` on PostgreSQL.

    SQLite compares text byte by byte (its BINARY collation, which for UTF-8
    is code-point order, as Python sorts). A PostgreSQL database takes its
    server's locale instead, where "a" sorts before "B" and "_" or a space
    is skipped at first, so listings and pages would come in another order
    than on SQLite. With "C", ``lower()``/``LIKE`` fold ASCII only, as on
    SQLite, and prefix lookups (``LIKE 'abc%'``) can use the plain b-tree
    indexes, which a locale collation forbids. The migrations use it too.
    """
    plain: TypeEngine[str] = String(length) if length else Text()
    return plain.with_variant(String(length, collation="C") if length else Text(collation="C"), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored with its zone and read back as naive UTC on every backend.

    SQLite keeps the digits it is given and returns them naive; PostgreSQL's
    ``timestamptz`` returns them converted to the server's time zone (one in
    Shanghai would read 22:30+08:00 for 14:30 UTC), so the same ledger would
    show other times, and ``isoformat()`` another form, by backend. Naive
    values written are taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocumentRow(Base):
    """One decoded document; ``id`` is the SHA-256 of its text, so a copy is the same row."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(exact_text(64), primary_key=True)
    name: Mapped[str] = mapped_column(exact_text(512), index=True)
    path: Mapped[str | None] = mapped_column(exact_text())
    title: Mapped[str | None] = mapped_column(exact_text())
    date: Mapped[str | None] = mapped_column(exact_text(32))
    date_source: Mapped[str | None] = mapped_column(exact_text(32))
    source: Mapped[str | None] = mapped_column(exact_text())
    author: Mapped[str | None] = mapped_column(exact_text())
    language: Mapped[str] = mapped_column(exact_text(16))
    translation_of: Mapped[str | None] = mapped_column(exact_text(512))
    format: Mapped[str] = mapped_column(exact_text(16))
    text: Mapped[str] = mapped_column(exact_text())
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(exact_text(32), index=True)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FactRow(Base):
    """One quantitative fact; the columns are the fields of ``zhenxing.model.Fact``."""

    __tablename__ = "facts"

    id: Mapped[str] = mapped_column(exact_text(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(exact_text(64), ForeignKey("documents.id", ondelete="CASCADE"))
    doc: Mapped[str] = mapped_column(exact_text(512))
    quote: Mapped[str] = mapped_column(exact_text())
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(exact_text(32))
    comparator: Mapped[str] = mapped_column(exact_text(8))
    indicator: Mapped[str | None] = mapped_column(exact_text(64))
    label: Mapped[str] = mapped_column(exact_text())
    period: Mapped[str | None] = mapped_column(exact_text(32))
    region: Mapped[str | None] = mapped_column(exact_text(128))
    kind: Mapped[str] = mapped_column(exact_text(16))
    change: Mapped[str] = mapped_column(exact_text(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(exact_text(16))
    text: Mapped[str] = mapped_column(exact_text())
    extractor_version: Mapped[str] = mapped_column(exact_text(32))

    __table_args__ = (
        Index("ix_facts_indicator", "indicator"),
        Index("ix_facts_region", "region"),
        Index("ix_facts_period", "period"),
        Index("ix_facts_kind", "kind"),
        Index("ix_facts_doc_id", "doc_id"),
        Index("ix_facts_doc_start", "doc", "start"),
    )


# Revisions 0004 and 0006: the facts of one indicator in the order ``Ledger.facts`` lists
# them, so a page is read from the index instead of sorting every fact of the indicator,
# with region and period at the end, so those filters are checked without reading rows.
Index(
    "ix_facts_indicator_order",
    FactRow.indicator,
    FactRow.doc,
    FactRow.doc_id,
    FactRow.start,
    FactRow.end,
    FactRow.id,
    FactRow.region,
    FactRow.period,
)

# Revision 0005: documents in the order they are listed, so a page is read from the index.
Index("ix_documents_name_id", DocumentRow.name, DocumentRow.id)

# -- the closed loop (revision 0002) ------------------------------------------------
#
# What people say about the ledger lives in append-only tables: a change adds a
# row, the current state is the newest row of its key, and nothing is updated
# or deleted. None of them has a foreign key: a correction must outlive the
# fact row it corrects (re-extraction deletes and recreates facts), and an
# assignment or override is keyed by a target key that the tracking stage
# computes, not by a row of ours. Times are UTC ISO 8601 text with a fixed
# width ("2024-05-01T08:30:00.000000+00:00"), so they read and sort the same on
# every backend.


class FactCorrectionRow(Base):
    """One step in the review of an extracted figure, keyed by what re-extraction keeps: document and span.

    ``fields`` holds every field corrected so far (the whole overlay, not just
    this step's change) and ``rejected`` whether the figure is rejected, so the
    newest row of a span is its complete current state.
    """

    __tablename__ = "fact_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(exact_text(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    fact_id: Mapped[str] = mapped_column(exact_text(64))
    action: Mapped[str] = mapped_column(exact_text(16))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    rejected: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(exact_text(128))
    reason: Mapped[str] = mapped_column(exact_text())
    at: Mapped[str] = mapped_column(exact_text(32))

    __table_args__ = (
        Index("ix_fact_corrections_span", "doc_id", "start", "end"),
        Index("ix_fact_corrections_fact_id", "fact_id"),
    )


class TargetAssignmentRow(Base):
    """An owner (department) and a due date for a target; ``owner`` None records that it was unassigned."""

    __tablename__ = "target_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_key: Mapped[str] = mapped_column(exact_text(255))
    owner: Mapped[str | None] = mapped_column(exact_text())
    due: Mapped[str | None] = mapped_column(exact_text(10))
    actor: Mapped[str] = mapped_column(exact_text(128))
    reason: Mapped[str | None] = mapped_column(exact_text())
    at: Mapped[str] = mapped_column(exact_text(32))

    __table_args__ = (Index("ix_target_assignments_target_key", "target_key"),)


class VerdictOverrideRow(Base):
    """A person's verdict on a target, with the reason; ``status`` None records that it was cleared."""

    __tablename__ = "verdict_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_key: Mapped[str] = mapped_column(exact_text(255))
    status: Mapped[str | None] = mapped_column(exact_text(16))
    reason: Mapped[str] = mapped_column(exact_text())
    actor: Mapped[str] = mapped_column(exact_text(128))
    at: Mapped[str] = mapped_column(exact_text(32))

    __table_args__ = (Index("ix_verdict_overrides_target_key", "target_key"),)


class AuditRow(Base):
    """Who changed what, when and why: one row per change, written in the change's own transaction."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(exact_text(32))
    actor: Mapped[str] = mapped_column(exact_text(128))
    action: Mapped[str] = mapped_column(exact_text(32))
    entity_type: Mapped[str] = mapped_column(exact_text(16))
    entity_id: Mapped[str] = mapped_column(exact_text(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    reason: Mapped[str | None] = mapped_column(exact_text())

    __table_args__ = (
        Index("ix_audit_log_entity_id", "entity_id"),
        Index("ix_audit_log_at", "at"),
    )


# -- serving: API tokens, browser sessions, the search index (revision 0003) ----------
#
# A token or a session is stored only as a salted SHA-256 of its secret: a
# copy of the ledger file gives no one write access. The search index is two
# portable tables (sentences with their bigram tokens; which documents are
# indexed by which tokenizer) plus, on SQLite, an FTS5 table over the tokens
# that the migration creates with backend-specific SQL and these models do
# not describe (``SEARCH_FTS_TABLE``; see ``zhenxing.ledger.search``).

SEARCH_FTS_TABLE = "search_fts"


class ApiTokenRow(Base):
    """A write token: ``public_id`` is the part of the token that names it, ``digest`` hashes the rest."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(exact_text(32), unique=True)
    name: Mapped[str] = mapped_column(exact_text(128))
    salt: Mapped[str] = mapped_column(exact_text(64))
    digest: Mapped[str] = mapped_column(exact_text(128))
    created_at: Mapped[str] = mapped_column(exact_text(32))
    revoked_at: Mapped[str | None] = mapped_column(exact_text(32))


class WebSessionRow(Base):
    """A browser sign-in: the cookie's secret hashed, the token it was opened with, when it ends."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(exact_text(128), unique=True)
    token_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(exact_text(32))
    expires_at: Mapped[str] = mapped_column(exact_text(32))

    __table_args__ = (Index("ix_web_sessions_token_id", "token_id"),)


class SearchSentenceRow(Base):
    """One sentence of a document as the search index holds it: its span, text and bigram tokens."""

    __tablename__ = "search_sentences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(exact_text(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(exact_text())
    tokens: Mapped[str] = mapped_column(exact_text())

    __table_args__ = (Index("ix_search_sentences_doc_id", "doc_id"),)


class SearchDocumentRow(Base):
    """A document the index holds, with the tokenizer version; ``seq`` grows with every (re)index."""

    __tablename__ = "search_documents"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(exact_text(64), unique=True)
    version: Mapped[str] = mapped_column(exact_text(16))

    # Never reuse a number (SQLite would hand out the deleted maximum again):
    # the serving layer reads max(seq) as the ledger's generation.
    __table_args__ = {"sqlite_autoincrement": True}


# Migration 0003's expression index on PostgreSQL (GIN over ``to_tsvector('simple', tokens)``).
SEARCH_TSV_INDEX = "ix_search_sentences_tsv"


def is_backend_table(name: str) -> bool:
    """The FTS5 table and its shadow tables: built by migration 0003 on SQLite, not described by models."""
    return name == SEARCH_FTS_TABLE or name.startswith(SEARCH_FTS_TABLE + "_")


def compared(name: str | None, type_: str, parent_names: Any = None) -> bool:
    """alembic's ``include_name``: whether a schema comparison looks at this object.

    The backend-specific search structures of migration 0003 (the FTS5 tables
    on SQLite, the GIN index on PostgreSQL) are made by raw SQL per dialect,
    so the models do not describe them and autogenerate must neither propose
    dropping them nor count them as differences (the models-match-migrations
    test).
    """
    if type_ == "table":
        return not is_backend_table(name or "")
    if type_ == "index":
        return name != SEARCH_TSV_INDEX
    return True
