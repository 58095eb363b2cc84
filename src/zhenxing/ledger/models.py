"""ORM tables of the ledger.

The schema itself is created and changed only by the alembic migrations in
``migrations/versions``; these classes describe it for queries. Column types
are the portable SQLAlchemy ones (``JSON``, ``Double``, ``DateTime``) so the
same models run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The newest migration. Opening a ledger whose ``alembic_version`` already says
# this skips importing alembic (it costs ~0.3 s per command); a test checks
# that it equals the head of ``migrations/versions``.
SCHEMA_REVISION = "0001"

# Explicit constraint names keep migrations reproducible on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocumentRow(Base):
    """One decoded document; ``id`` is the SHA-256 of its text, so a copy is the same row."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512), index=True)
    path: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32))
    date_source: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    translation_of: Mapped[str | None] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(String(32), index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FactRow(Base):
    """One quantitative fact; the columns are the fields of ``zhenxing.model.Fact``."""

    __tablename__ = "facts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(64), ForeignKey("documents.id", ondelete="CASCADE"))
    doc: Mapped[str] = mapped_column(String(512))
    quote: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(String(32))
    comparator: Mapped[str] = mapped_column(String(8))
    indicator: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    change: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_facts_indicator", "indicator"),
        Index("ix_facts_region", "region"),
        Index("ix_facts_period", "period"),
        Index("ix_facts_kind", "kind"),
        Index("ix_facts_doc_id", "doc_id"),
        Index("ix_facts_doc_start", "doc", "start"),
    )
