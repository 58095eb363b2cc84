"""The library API that the CLI is a thin shell over.

Everything a command does is here, so it can be called from Python, tested
without a terminal, and reused by the web view later. Functions yield one
``FileResult`` per input file instead of printing: the caller decides how to
show progress. Bad input never raises out of the batch functions; it becomes a
result with ``status == "error"`` and a one-line message naming the file.

The loader and the extractor are imported on first use: they are other
stages of the pipeline and pull in heavier libraries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhenxing import model
from zhenxing.errors import InputError, ZhenxingError
from zhenxing.model import Document, Fact

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import DocumentInfo, Ledger

DEFAULT_DB = "zhenxing.db"
DEFAULT_MAX_BYTES = 50_000_000


class StageMissingError(ZhenxingError):
    """A pipeline stage (loader, extractor) is not installed in this build."""


@dataclass(slots=True)
class FileResult:
    """What happened to one input: ``added``, ``unchanged``, ``reprocessed``, ``extracted`` or ``error``."""

    path: str
    status: str
    name: str | None = None
    doc_id: str | None = None
    facts: int = 0
    message: str | None = None  # for errors: "PATH: problem"; otherwise an optional note

    @property
    def ok(self) -> bool:
        return self.status != "error"


# -- configuration -----------------------------------------------------------------


def resolve_db(db: str | os.PathLike[str] | None = None) -> str:
    """``--db``, else ``$ZHENXING_DB``, else ``./zhenxing.db`` (a path or an SQLAlchemy URL)."""
    if db is not None and os.fspath(db):
        return os.fspath(db)
    return os.environ.get("ZHENXING_DB") or DEFAULT_DB


def open_ledger(db: str | os.PathLike[str] | None = None, *, create: bool = True) -> Ledger:
    """Open (and migrate) the ledger; with ``create=False`` a missing SQLite file is an error.

    Query commands pass ``create=False`` so that a mistyped ``--db`` says so
    instead of silently answering from a new, empty ledger.
    """
    from zhenxing.ledger.store import Ledger, LedgerError, database_url

    target = resolve_db(db)
    url = database_url(target)
    if not create and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise LedgerError(f"{target}: no ledger there (build one with `zhenxing ingest PATH...`)")
    return Ledger(url)


# -- the other stages, imported on first use -------------------------------------------


def _stage(module: str, attr: str, what: str) -> Any:
    """The function ``attr`` of a stage module; a clear error when the stage is absent."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise StageMissingError(f"{what} is not available in this build ({module} is missing)") from exc
        raise
    return getattr(mod, attr)


def expand_paths(paths: Sequence[str]) -> tuple[list[Path], list[InputError]]:
    """Files, folders and globs to a list of files, and the paths that named nothing."""
    return _stage("zhenxing.ingest.loader", "expand_paths", "document loading")(list(paths))


def load_document(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return _stage("zhenxing.ingest.loader", "load_document", "document loading")(path, max_bytes=max_bytes)


def extract_document(doc: Document) -> list[Fact]:
    """The extractor's facts, in text order (a stable sort keeps its order for ties)."""
    facts = _stage("zhenxing.extract.facts", "extract_document", "fact extraction")(doc)
    return sorted(facts, key=lambda f: (f.start, f.end))


def describe_error(path: str, exc: BaseException) -> str:
    """One line for the user: ``PATH: problem``; unexpected errors also name their type."""
    if isinstance(exc, InputError):
        return str(exc)
    # A database error's text carries the SQL and its parameters (document text): show the driver's reason.
    orig = getattr(exc, "orig", None)
    if orig is not None and isinstance(orig, Exception):
        exc = orig
    message = " ".join(str(exc).split()) or "(no message)"
    if len(message) > 300:
        message = message[:297] + "..."
    if isinstance(exc, ZhenxingError):
        return f"{path}: {message}"
    return f"{path}: {type(exc).__name__}: {message}"


# -- ingest ---------------------------------------------------------------------------


def ingest_files(
    files: Iterable[str | os.PathLike[str]], ledger: Ledger, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[FileResult]:
    """Load, extract and store each file, one transaction per document.

    A document already stored by the current extractor is not extracted again.
    Errors of one file (bad input, an extractor bug, a failed write) become an
    ``error`` result and the next file is processed; only KeyboardInterrupt
    and the like stop the batch, and every document finished before stays.
    """
    for item in files:
        path = os.fspath(item)
        try:
            doc = load_document(path, max_bytes=max_bytes)
            version = model.EXTRACTOR_VERSION
            if ledger.document_version(doc.id) == version:
                stored = ledger.document_info(doc.id)
                note = None if stored.name == doc.name else f"same text as {stored.name}"
                yield FileResult(path, "unchanged", stored.name, doc.id, stored.fact_count, note)
                continue
            facts = extract_document(doc)
            status = ledger.add_document(doc, facts, extractor_version=version)
            yield FileResult(path, status, doc.name, doc.id, len({f.id for f in facts}))
        except Exception as exc:  # one bad file must not stop the batch
            yield FileResult(path, "error", message=describe_error(path, exc))


def reprocess_stale(ledger: Ledger) -> Iterator[FileResult]:
    """Re-extract, from their stored text, documents stored by another extractor version."""
    version = model.EXTRACTOR_VERSION
    for info in ledger.stale_documents(version):
        label = info.path or info.name
        try:
            doc = ledger.document(info.id)
            facts = extract_document(doc)
            ledger.replace_facts(doc.id, facts, extractor_version=version)
            note = f"was {info.extractor_version}"
            yield FileResult(label, "reprocessed", doc.name, doc.id, len({f.id for f in facts}), note)
        except Exception as exc:  # go on with the other documents
            yield FileResult(label, "error", info.name, info.id, message=describe_error(label, exc))


def ingest_paths(
    paths: Sequence[str],
    *,
    db: str | os.PathLike[str] | None = None,
    ledger: Ledger | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reprocess: bool = False,
) -> list[FileResult]:
    """Everything ``zhenxing ingest`` does, as a list of results (one per file or bad path)."""
    own = ledger is None
    ledger = ledger or open_ledger(db)
    try:
        results: list[FileResult] = []
        if reprocess:
            results.extend(reprocess_stale(ledger))
        if paths:
            files, errors = expand_paths(paths)
            results.extend(FileResult(e.path, "error", message=str(e)) for e in errors)
            results.extend(ingest_files(files, ledger, max_bytes=max_bytes))
        return results
    finally:
        if own:
            ledger.close()


# -- extract without storing --------------------------------------------------------------


def extract_files(
    files: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[FileResult, list[Fact]]]:
    """Facts of each file, as ``ingest`` would store them, with the same error handling."""
    for item in files:
        path = os.fspath(item)
        try:
            doc = load_document(path, max_bytes=max_bytes)
            facts = extract_document(doc)
            yield FileResult(path, "extracted", doc.name, doc.id, len(facts)), facts
        except Exception as exc:  # one bad file must not stop the batch
            yield FileResult(path, "error", message=describe_error(path, exc)), []


def extract_paths(
    paths: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Fact], list[FileResult]]:
    """All facts of the files the paths name, and one result per file or bad path."""
    files, errors = expand_paths(paths)
    results = [FileResult(e.path, "error", message=str(e)) for e in errors]
    facts: list[Fact] = []
    for result, found in extract_files(files, max_bytes=max_bytes):
        results.append(result)
        facts.extend(found)
    return facts, results


# -- queries ------------------------------------------------------------------------------


def query_facts(db: str | os.PathLike[str] | None = None, **filters: object) -> list[Fact]:
    """``Ledger.facts`` on the ledger ``db`` (see there for the filters)."""
    with open_ledger(db, create=False) as ledger:
        return ledger.facts(**filters)  # type: ignore[arg-type]


def fact_with_document(fact_id: str, db: str | os.PathLike[str] | None = None) -> tuple[Fact, DocumentInfo]:
    """A fact by id or unique prefix, and the document it was read from."""
    with open_ledger(db, create=False) as ledger:
        fact = ledger.fact(fact_id)
        return fact, ledger.document_info(fact.doc_id)


def list_documents(db: str | os.PathLike[str] | None = None) -> list[DocumentInfo]:
    with open_ledger(db, create=False) as ledger:
        return ledger.documents()
