"""The ledger: documents and their facts in an SQL database.

Why a class around SQLAlchemy rather than raw SQL: the same code has to run on
SQLite (the default, one file next to the user) and PostgreSQL (a shared
ledger), so every statement here is built with the portable expression
language and the schema is owned by alembic migrations that run on open.

Writes go one document per transaction (its row plus all its facts), so a run
that is killed half-way keeps every document it finished and a rerun skips
them ("unchanged") and completes the rest.

What people add to the ledger (manual results, corrections, rejections,
assignments, overrides, the audit trail) is the closed loop of
``closed_loop.py``: ``Ledger`` inherits its methods, and the reads here lay
the current corrections over the extracted facts.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from zhenxing.errors import ZhenxingError
from zhenxing.ledger import search
from zhenxing.ledger.closed_loop import (
    MANUAL_FORMAT,
    ClosedLoopMixin,
    ReviewedFact,
    apply_correction,
    fact_from_row,
    is_rejected,
    latest_correction,
    load_overlay,
    reviewed_rows,
)
from zhenxing.ledger.models import SCHEMA_REVISION, DocumentRow, FactRow
from zhenxing.model import EXTRACTOR_VERSION, Document, Fact

DEFAULT_DB = "zhenxing.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

Status = Literal["added", "unchanged", "reprocessed"]

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_FACT_FIELDS = tuple(f.name for f in fields(Fact))
_DOC_FIELDS = tuple(f.name for f in fields(Document))
_DOC_INFO_COLUMNS = tuple(
    getattr(DocumentRow, name)
    for name in (*_DOC_FIELDS, "extractor_version", "ingested_at")
    if name != "text"
)


class LedgerError(ZhenxingError):
    """The ledger cannot be opened or a lookup has no single answer."""


class NotFoundError(LedgerError):
    """No document or fact matches the id, prefix or name given."""


class AmbiguousError(LedgerError):
    """A prefix matches more than one document or fact."""


class RejectedError(NotFoundError):
    """The fact exists but a person rejected it; ``include_rejected=True`` reads it anyway."""


@dataclass(slots=True)
class DocumentInfo:
    """A stored document without its text: listing a ledger should not load every text."""

    id: str
    name: str
    path: str | None = None
    title: str | None = None
    date: str | None = None
    date_source: str | None = None
    source: str | None = None
    author: str | None = None
    language: str = "en"
    translation_of: str | None = None
    format: str = "text"
    meta: dict[str, Any] = field(default_factory=dict)
    extractor_version: str = EXTRACTOR_VERSION
    ingested_at: datetime | None = None
    fact_count: int = 0

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["ingested_at"] = self.ingested_at.isoformat() if self.ingested_at else None
        return record


def database_url(url_or_path: str | os.PathLike[str] | None = None) -> str:
    """An SQLAlchemy URL for ``--db``: a URL is kept, anything else is an SQLite file path.

    ``None`` means ``$ZHENXING_DB``, then ``./zhenxing.db``; ``":memory:"`` is a
    private in-memory database (tests).
    """
    if url_or_path is None:
        url_or_path = os.environ.get("ZHENXING_DB") or DEFAULT_DB
    raw = os.fspath(url_or_path)
    if raw == ":memory:":
        return "sqlite://"
    if _URL_RE.match(raw):
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def display_url(url: str) -> str:
    """The URL as it may be shown to a user: no password, SQLite files as plain paths."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def ascii_lower(value: str) -> str:
    """Lower-case A-Z only: what SQL's ``lower()`` and ``LIKE`` fold on both backends (SQLite's
    built-ins; PostgreSQL under the ledger's ``COLLATE "C"``), so a filter checked in Python on
    a corrected fact agrees with the same filter in SQL.
    """
    return value.translate(_ASCII_LOWER)


def _jsonable(value: Any) -> Any:
    """``meta`` comes from YAML front matter, whose dates are ``datetime.date``: store them as text."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _make_engine(url: str) -> Engine:
    shown = display_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise LedgerError(f"{url}: not a database path or SQLAlchemy URL") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            parent = Path(database).parent
            if not parent.is_dir():
                raise LedgerError(f"{shown}: folder {parent} does not exist")
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError as exc:
        raise LedgerError(f"{shown}: unsupported database URL ({exc})") from exc
    except ModuleNotFoundError as exc:
        raise LedgerError(f"{shown}: database driver {exc.name!r} is not installed") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


_LOCK_SPACE = 0x7A78  # "zx": the first key of every advisory lock the ledger takes


def _lock(conn: Connection, key: str) -> None:
    """On PostgreSQL, hold an advisory lock on ``key`` until the transaction ends; elsewhere nothing.

    Why: two processes writing the same document to a shared server (two
    uploads, two ``ingest`` runs) would both find it absent and the second
    insert would fail; serialised, the second finds it stored ("unchanged").
    The same for two first opens migrating an empty database. SQLite locks
    the whole file for a write, so it needs none of this.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"), {"space": _LOCK_SPACE, "key": key})


def _fact_row(fact: Fact) -> dict[str, Any]:
    row = {name: getattr(fact, name) for name in _FACT_FIELDS}
    row["id"] = fact.id
    return row


_fact_from_row = fact_from_row


def _document_from_row(row: DocumentRow) -> Document:
    return Document(**{name: getattr(row, name) for name in _DOC_FIELDS})


class Ledger(ClosedLoopMixin):
    """Documents and facts in one database; opening it brings the schema up to date.

    ``Ledger("zhenxing.db")``, ``Ledger("postgresql+psycopg://user@host/db")``,
    ``Ledger()`` (``$ZHENXING_DB`` or ``./zhenxing.db``). Use it as a context
    manager or call :meth:`close`.
    """

    def __init__(self, url_or_path: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> None:
        self.url = database_url(url_or_path)
        self.engine = _make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.engine.dispose()
                raise

    # -- lifecycle -----------------------------------------------------------

    def __repr__(self) -> str:
        return f"Ledger({display_url(self.url)!r})"

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def schema_revision(self) -> str | None:
        """The alembic revision the database is at (None before the first migration)."""
        with self.engine.connect() as conn:
            return self._revision(conn)

    @staticmethod
    def _revision(conn: Any) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        return versions[0] if len(versions) == 1 else ",".join(sorted(versions))

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision.

        Alembic is imported only when the database is behind: it is the
        slowest import of the package and most opens find the schema current.
        """
        shown = display_url(self.url)
        try:
            with self.engine.connect() as conn:
                current = self._revision(conn)
        except DBAPIError as exc:
            raise LedgerError(f"{shown}: cannot open the ledger ({_reason(exc)})") from exc
        if current == SCHEMA_REVISION:
            return

        from alembic import command
        from alembic.config import Config
        from alembic.util.exc import CommandError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("path_separator", "os")
        try:
            with self.engine.begin() as conn:
                _lock(conn, "schema")  # another process may be migrating the same server database
                if self._revision(conn) == SCHEMA_REVISION:
                    return
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except CommandError as exc:
            raise LedgerError(
                f"{shown}: schema revision {current} is unknown to this zhenxing "
                f"(newest known: {SCHEMA_REVISION}); is the ledger from a newer version? ({exc})"
            ) from exc
        except DBAPIError as exc:
            raise LedgerError(f"{shown}: cannot create the ledger schema ({_reason(exc)})") from exc

    # -- writing ---------------------------------------------------------------

    def add_document(
        self, doc: Document, facts: Iterable[Fact], *, extractor_version: str = EXTRACTOR_VERSION
    ) -> Status:
        """Store a document and its facts in one transaction.

        Returns ``"unchanged"`` when the same text is already stored by the same
        extractor version (nothing is written), ``"reprocessed"`` when it is
        stored by another version (its facts are replaced), ``"added"`` otherwise.
        Facts with the same id (same span) are stored once, the first kept.
        """
        return self._write(doc, facts, extractor_version, force=False)

    def replace_facts(
        self, doc_id: str, facts: Iterable[Fact], *, extractor_version: str = EXTRACTOR_VERSION
    ) -> Status:
        """Swap a stored document's facts for a new extraction of its stored text, in one transaction."""
        with self._read() as session:
            row = session.get(DocumentRow, doc_id)
            if row is None:
                raise NotFoundError(f"no document with id {doc_id!r}")
            doc = _document_from_row(row)
        return self._write(doc, facts, extractor_version, force=True)

    def _write(
        self,
        doc: Document,
        facts: Iterable[Fact],
        extractor_version: str,
        *,
        force: bool,
        on_write: Callable[[Session], None] | None = None,
    ) -> Status:
        """Store or replace; ``on_write`` runs in the same transaction when something is written (the audit entry)."""
        rows: dict[str, dict[str, Any]] = {}
        for fact in facts:
            if fact.doc_id != doc.id:
                raise ValueError(f"fact {fact.id} belongs to document {fact.doc_id}, not {doc.id}")
            rows.setdefault(fact.id, _fact_row(fact))
        values = {name: getattr(doc, name) for name in _DOC_FIELDS}
        values["meta"] = _jsonable(doc.meta or {})
        values["extractor_version"] = extractor_version
        values["ingested_at"] = datetime.now(UTC)

        with self._sessions.begin() as session:
            _lock(session.connection(), doc.id)
            existing = session.get(DocumentRow, doc.id)
            if existing is None:
                session.add(DocumentRow(**values))
                status: Status = "added"
            elif existing.extractor_version == extractor_version and not force:
                return "unchanged"
            else:
                session.execute(delete(FactRow).where(FactRow.doc_id == doc.id))
                for name, value in values.items():
                    if getattr(existing, name) != value:
                        setattr(existing, name, value)
                status = "reprocessed"
            session.flush()
            if rows:
                session.execute(insert(FactRow), list(rows.values()))
            search.on_document_written(session.connection(), doc.id, doc.text)  # the index, same transaction
            if on_write is not None:
                on_write(session)
        return status

    def clear(self) -> None:
        """Delete every document and fact (keeps the schema), in one transaction.

        What people recorded (corrections, assignments, overrides, the audit
        trail) is kept: it is keyed to survive re-extraction, so it applies
        again when the same documents are ingested anew. Manual results are
        documents and go with the rest.
        """
        with self._sessions.begin() as session:
            session.execute(delete(FactRow))
            session.execute(delete(DocumentRow))
            search.on_ledger_cleared(session.connection())

    # -- reading ---------------------------------------------------------------

    def document_version(self, doc_id: str) -> str | None:
        """The extractor version a document is stored with, None when it is not stored.

        Lets ``ingest`` skip extraction for documents that would be "unchanged".
        """
        with self._read() as session:
            return session.scalar(select(DocumentRow.extractor_version).where(DocumentRow.id == doc_id))

    def stale_documents(self, version: str = EXTRACTOR_VERSION) -> list[DocumentInfo]:
        """Documents stored by an extractor version other than ``version`` (normally older).

        Manual results are never stale: their fact was typed in, not extracted,
        and re-extracting their generated sentence would replace it.
        """
        return [d for d in self.documents() if d.extractor_version != version and d.format != MANUAL_FORMAT]

    def documents(self) -> list[DocumentInfo]:
        """Every stored document with its fact count (rejected facts not counted), by name; texts are not loaded."""
        with self._read() as session:
            counts = {
                doc_id: n
                for doc_id, n in session.execute(
                    select(FactRow.doc_id, func.count()).group_by(FactRow.doc_id)
                )
            }
            for doc_id, n in self._rejected_by_document(session).items():
                counts[doc_id] = counts.get(doc_id, 0) - n
            rows = session.execute(select(*_DOC_INFO_COLUMNS).order_by(DocumentRow.name, DocumentRow.id))
            return [DocumentInfo(**row._asdict(), fact_count=counts.get(row.id, 0)) for row in rows]

    def document(self, key: str) -> Document:
        """A document with its text, by id, file name, id prefix, name without extension or name prefix.

        The first of these that matches anything decides; more than one match is ambiguous.
        Name prefixes ignore the case of A-Z (as SQLite's ``LIKE`` always did; the same on PostgreSQL).
        """
        with self._read() as session:
            row = session.get(DocumentRow, self._document_id(session, key))
            assert row is not None
            return _document_from_row(row)

    def document_info(self, key: str) -> DocumentInfo:
        """Like :meth:`document` without the text, with the fact count."""
        with self._read() as session:
            doc_id = self._document_id(session, key)
            row = session.execute(select(*_DOC_INFO_COLUMNS).where(DocumentRow.id == doc_id)).one()
            count = session.scalar(select(func.count()).select_from(FactRow).where(FactRow.doc_id == doc_id))
            count = (count or 0) - self._rejected_by_document(session).get(doc_id, 0)
            return DocumentInfo(**row._asdict(), fact_count=count)

    @staticmethod
    def _rejected_by_document(session: Session) -> dict[str, int]:
        overlay = load_overlay(session)
        out: dict[str, int] = {}
        for row in reviewed_rows(session, overlay):
            if overlay[(row.doc_id, row.start, row.end)].rejected:
                out[row.doc_id] = out.get(row.doc_id, 0) + 1
        return out

    @staticmethod
    def _document_id(session: Session, key: str) -> str:
        key = key.strip()
        if not key:
            raise NotFoundError("no document given")
        for condition in (
            DocumentRow.id == key,
            DocumentRow.name == key,
            DocumentRow.id.startswith(key.lower(), autoescape=True),
            DocumentRow.name.istartswith(key + ".", autoescape=True),
            DocumentRow.name.istartswith(key, autoescape=True),
        ):
            ids = session.scalars(select(DocumentRow.id).where(condition).limit(6)).all()
            if len(ids) == 1:
                return ids[0]
            if ids:
                shown = ", ".join(i[:12] for i in ids)
                raise AmbiguousError(f"document {key!r} matches several: {shown}")
        raise NotFoundError(f"no document matches {key!r}")

    def fact(self, fact_id: str, *, include_rejected: bool = False) -> Fact:
        """A fact by its id or a prefix of it that only one fact has, with its corrections applied.

        A rejected fact is a :class:`RejectedError` (saying who rejected it and
        why) unless ``include_rejected``; then it comes marked ``rejected``.
        """
        with self._read() as session:
            row = self._resolve_fact_row(session, fact_id)
            fact = apply_correction(_fact_from_row(row), latest_correction(session, row))
        if not include_rejected and isinstance(fact, ReviewedFact) and fact.rejected:
            when = (fact.reviewed_at or "")[:10]
            raise RejectedError(
                f"fact {fact.id} was rejected by {fact.reviewed_by} on {when}: {fact.review_reason} "
                "(`zhenxing restore` brings it back)"
            )
        return fact

    @staticmethod
    def _resolve_fact_row(session: Session, fact_id: str) -> FactRow:
        """The row of a fact id or of a prefix only one fact has; NotFound/Ambiguous otherwise."""
        fact_id = (fact_id or "").strip()
        if not fact_id:
            raise NotFoundError("no fact id given")
        row = session.get(FactRow, fact_id)
        if row is not None:
            return row
        rows = session.scalars(
            select(FactRow)
            .where(FactRow.id.startswith(fact_id.lower(), autoescape=True))
            .order_by(FactRow.id)
            .limit(6)
        ).all()
        if len(rows) == 1:
            return rows[0]
        if rows:
            shown = ", ".join(r.id for r in rows[:5])
            raise AmbiguousError(
                f"fact id {fact_id!r} matches several facts: {shown}{' …' if len(rows) > 5 else ''}"
            )
        raise NotFoundError(f"no fact with id {fact_id!r}")

    def facts(
        self,
        indicator: str | None = None,
        region: str | None = None,
        period: str | None = None,
        kind: str | None = None,
        doc: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        *,
        include_rejected: bool = False,
    ) -> list[Fact]:
        """Facts matching every filter given, ordered by document name and position.

        ``region`` is normalised with ``zhenxing.extract.regions.canonical_region``
        when that module is present ("辽宁" finds "Liaoning"); ``period="2022"``
        also finds "2022-Q1" and "2022-01/2022-11"; ``doc`` is a prefix of the
        document id or of its file name; ``text`` is a substring of the quote
        or the label. Names, regions and texts match whatever the case of A-Z
        (other letters as written), the same on every backend.

        Corrections apply: filters see the corrected values and corrected facts
        come as ``ReviewedFact`` (the extracted values in ``.extracted``).
        Rejected facts are left out unless ``include_rejected``; then they come
        marked (``.rejected``).
        """
        region_names: set[str] = set()
        if region:
            region_names = {ascii_lower(n) for n in (region.strip(), _canonical_region(region.strip())) if n}
        p = period.strip() if period else ""
        doc_filter = None
        if doc:
            d = doc.strip()
            doc_filter = or_(
                FactRow.doc_id.startswith(d.lower(), autoescape=True),
                FactRow.doc.istartswith(d, autoescape=True),
            )
        # Columns in ``Fact``'s field order, not ORM entities: ``Fact(*row)`` is a third of the cost.
        query = select(*(getattr(FactRow, name) for name in _FACT_FIELDS))
        if indicator:
            query = query.where(FactRow.indicator == indicator.strip())
        if region_names:
            query = query.where(or_(*(func.lower(FactRow.region) == n for n in sorted(region_names))))
        if p:
            query = query.where(or_(FactRow.period == p, FactRow.period.startswith(p + "-", autoescape=True)))
        if kind:
            query = query.where(FactRow.kind == kind.strip())
        if doc_filter is not None:
            query = query.where(doc_filter)
        if text:
            query = query.where(
                or_(
                    FactRow.quote.icontains(text, autoescape=True),
                    FactRow.label.icontains(text, autoescape=True),
                )
            )
        query = query.order_by(FactRow.doc, FactRow.doc_id, FactRow.start, FactRow.end, FactRow.id)

        def matches(fact: Fact) -> bool:
            """The filters above, on a corrected fact (the SQL saw its extracted values)."""
            if indicator and fact.indicator != indicator.strip():
                return False
            if region_names and ascii_lower(fact.region or "") not in region_names:
                return False
            if p and not (fact.period == p or (fact.period or "").startswith(p + "-")):
                return False
            if kind and fact.kind != kind.strip():
                return False
            if text:
                needle = ascii_lower(text)
                if needle not in ascii_lower(fact.quote) and needle not in ascii_lower(fact.label):
                    return False
            return not (is_rejected(fact) and not include_rejected)

        with self._read() as session:
            overlay = load_overlay(session)
            if not overlay:  # the common case: the database does all the work
                if limit is not None:
                    query = query.limit(max(limit, 0))
                return [Fact(*row) for row in session.execute(query)]
            if limit is not None:  # enough rows even if every reviewed fact is among them
                query = query.limit(max(limit, 0) + len(overlay))
            found = [
                Fact(*row) for row in session.execute(query) if (row.doc_id, row.start, row.end) not in overlay
            ]
            for row in reviewed_rows(session, overlay, doc_filter):
                fact = apply_correction(_fact_from_row(row), overlay[(row.doc_id, row.start, row.end)])
                if matches(fact):
                    found.append(fact)
        found.sort(key=lambda f: (f.doc, f.doc_id, f.start, f.end, f.id))
        return found if limit is None else found[: max(limit, 0)]

    def count_facts(self, *by: str) -> dict[Any, int]:
        """Fact counts grouped by columns, e.g. ``count_facts("indicator", "kind")``.

        With one column the keys are its values, with several they are tuples;
        with none the result is ``{(): total}``. Counted as :meth:`facts` reads
        them: corrected values, rejected facts left out.
        """
        columns = [getattr(FactRow, name) for name in by]
        with self._read() as session:
            query = select(*columns, func.count()).select_from(FactRow).group_by(*columns)
            counts: dict[tuple[Any, ...], int] = {tuple(row[:-1]): row[-1] for row in session.execute(query)}
            overlay = load_overlay(session)
            for row in reviewed_rows(session, overlay):
                extracted = _fact_from_row(row)
                old = tuple(getattr(extracted, name) for name in by)
                counts[old] -= 1
                if not counts[old]:
                    del counts[old]
                fact = apply_correction(extracted, overlay[(row.doc_id, row.start, row.end)])
                if not is_rejected(fact):
                    new = tuple(getattr(fact, name) for name in by)
                    counts[new] = counts.get(new, 0) + 1
        if not by:
            return {(): counts.get((), 0)}
        if len(by) == 1:
            return {key[0]: n for key, n in counts.items()}
        return counts

    def counts(self) -> dict[str, int]:
        """Numbers of documents and facts (rejected facts not counted)."""
        with self._read() as session:
            rejected = sum(self._rejected_by_document(session).values())
            return {
                "documents": session.scalar(select(func.count()).select_from(DocumentRow)) or 0,
                "facts": (session.scalar(select(func.count()).select_from(FactRow)) or 0) - rejected,
            }


def _canonical_region(name: str) -> str | None:
    """The region module is written by another stage; until it exists match as given."""
    try:
        from zhenxing.extract.regions import canonical_region
    except ImportError:
        return None
    try:
        return canonical_region(name)
    except Exception:  # a faulty normaliser must not break querying
        return None


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]
