"""The library API's ingest flow on real text: batches, interruptions, errors, reprocessing.

The loader and the extractor are the real ones; the documents are sentences
from ``examples/`` (see ``corpus.py``). Fact counts are compared with each
other and with the ledger, never fixed, so that extraction can improve.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.ledger.corpus import (
    GDP_2022_CNY,
    OLD_VERSION,
    signal_after_first_document,
    store_as_old_release,
    write_corpus,
)
from zhenxing import api, model
from zhenxing.ledger.store import Ledger, LedgerError


def _stored(db: Path) -> tuple[dict[str, tuple[str, object, int]], list[dict]]:
    """Per document: (id, ingested_at, fact count); and every fact as a record."""
    with Ledger(db) as ledger:
        docs = {d.name: (d.id, d.ingested_at, d.fact_count) for d in ledger.documents()}
        return docs, [f.to_record() for f in ledger.facts()]


def test_ingest_then_rerun_is_unchanged(tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    first = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [(Path(r.path).name, r.status) for r in first] == [
        ("a.txt", "added"),
        ("b.txt", "added"),
        ("c.txt", "added"),
    ]
    assert all(r.facts > 0 for r in first)
    docs, facts = _stored(db)
    assert {name: count for name, (_, _, count) in docs.items()} == {
        Path(r.path).name: r.facts for r in first
    }
    assert any(f["value"] == GDP_2022_CNY and f["unit"] == "CNY" and f["doc"] == "a.txt" for f in facts)

    second = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [r.status for r in second] == ["unchanged"] * 3
    assert [r.facts for r in second] == [r.facts for r in first]
    assert [r.message for r in second] == [None] * 3
    # Nothing was written again: same rows, same ingest times, same facts.
    assert _stored(db) == (docs, facts)
    with Ledger(db) as ledger:
        assert ledger.counts() == {"documents": 3, "facts": sum(r.facts for r in first)}


def test_killed_batch_keeps_finished_documents_and_rerun_completes(tmp_path: Path) -> None:
    """A real `zhenxing ingest`, killed with SIGKILL once it has stored its first document."""
    write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    status, _, stderr = signal_after_first_document(db, [str(tmp_path / "docs")], signal.SIGKILL)
    assert status == -signal.SIGKILL, stderr
    docs, _ = _stored(db)
    assert list(docs) == ["a.txt"]
    (extracted,) = api.extract_paths([str(tmp_path / "docs" / "a.txt")])[1]
    assert docs["a.txt"][2] == extracted.facts > 0  # the finished document is whole, all its facts

    rerun = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [r.status for r in rerun] == ["unchanged", "added", "added"]
    assert _stored(db)[0]["a.txt"] == docs["a.txt"]  # kept as the killed run stored it

    fresh = tmp_path / "fresh.db"
    api.ingest_paths([str(tmp_path / "docs")], db=fresh)
    assert [f["id"] for f in _stored(db)[1]] == [f["id"] for f in _stored(fresh)[1]]


def test_bad_files_do_not_stop_the_batch(tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs")
    (tmp_path / "docs" / "empty.txt").write_text("")
    cut_off = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"  # a PDF download that stopped early
    (tmp_path / "docs" / "report.pdf").write_bytes(cut_off)
    (tmp_path / "docs" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    missing = tmp_path / "missing.txt"
    db = tmp_path / "l.db"
    results = api.ingest_paths([str(tmp_path / "docs"), str(missing)], db=db)
    by_name = {Path(r.path).name: r for r in results}
    bad_names = ["empty.txt", "missing.txt", "report.pdf", "scan.txt"]
    assert sorted(by_name) == sorted(["a.txt", "b.txt", "c.txt", *bad_names])
    for bad in bad_names:
        result = by_name[bad]
        assert result.status == "error", bad
        assert result.message.startswith(f"{result.path}: ") and "\n" not in result.message, result.message
    assert "no such file" in by_name["missing.txt"].message
    assert "empty" in by_name["empty.txt"].message
    assert "PDF" in by_name["report.pdf"].message
    assert [by_name[n].status for n in ("a.txt", "b.txt", "c.txt")] == ["added"] * 3
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt", "b.txt", "c.txt"]


def test_a_failed_write_is_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Another writer holds the ledger while b.txt is stored: b fails on one line, c is stored."""
    a, b, c = write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    with Ledger(f"sqlite:///{db}?timeout=0") as ledger:  # do not wait for the lock
        batch = api.ingest_files([a, b, c], ledger)
        assert next(batch).status == "added"
        other = sqlite3.connect(db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a write lock, as another ingest would hold
            failed = next(batch)
        finally:
            other.execute("ROLLBACK")
            other.close()
        last = next(batch)
        assert next(batch, None) is None
    assert failed.status == "error" and failed.path == str(b)
    assert failed.message.startswith(f"{b}: OperationalError: ")  # unexpected errors name their type
    assert "database is locked" in failed.message and "\n" not in failed.message
    assert last.status == "added" and last.path == str(c)
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt", "c.txt"]
    assert [r.status for r in api.ingest_paths([str(tmp_path / "docs")], db=db)] == [
        "unchanged",
        "added",
        "unchanged",
    ]


def test_same_text_under_another_name_is_unchanged(tmp_path: Path) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(a.read_bytes())
    db = tmp_path / "l.db"
    (stored,) = api.ingest_paths([str(a)], db=db)
    (result,) = api.ingest_paths([str(copy)], db=db)
    assert result.status == "unchanged" and result.message == "same text as a.txt"
    assert result.doc_id == stored.doc_id and result.facts == stored.facts


def test_reprocess_uses_the_stored_text(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "docs")
    current = api.extract_paths([str(tmp_path / "docs")])[0]
    db = tmp_path / "l.db"
    store_as_old_release(db, paths)
    for path in paths:
        path.unlink()  # the files are gone: only the ledger's copy can be re-extracted
    results = api.ingest_paths([], db=db, reprocess=True)
    assert [(r.status, r.message) for r in results] == [("reprocessed", f"was {OLD_VERSION}")] * 3
    with Ledger(db) as ledger:
        assert ledger.stale_documents(model.EXTRACTOR_VERSION) == []
        assert {f.extractor_version for f in ledger.facts()} == {model.EXTRACTOR_VERSION}
        assert ledger.counts() == {"documents": 3, "facts": len(current)}
        # What the current extractor finds, not what the old release had stored.
        assert sorted(f.id for f in ledger.facts()) == sorted(f.id for f in current)
    assert [r.facts for r in results] == [
        sum(f.doc == name for f in current) for name in ("a.txt", "b.txt", "c.txt")
    ]
    assert api.ingest_paths([], db=db, reprocess=True) == []


def test_ingest_of_an_old_version_document_reprocesses_it(tmp_path: Path) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    store_as_old_release(db, [a])
    (result,) = api.ingest_paths([str(a)], db=db)
    assert result.status == "reprocessed"
    with Ledger(db) as ledger:
        assert ledger.stale_documents(model.EXTRACTOR_VERSION) == []
        assert ledger.counts() == {"documents": 1, "facts": result.facts}
    assert [r.status for r in api.ingest_paths([str(a)], db=db)] == ["unchanged"]


def test_extract_paths_does_not_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    write_corpus(tmp_path / "docs")
    facts, results = api.extract_paths([str(tmp_path / "docs"), "nope"])
    assert [r.status for r in results] == ["error", "extracted", "extracted", "extracted"]
    assert len(facts) == sum(r.facts for r in results) and all(r.facts > 0 for r in results[1:])
    assert any(f.value == GDP_2022_CNY and f.unit == "CNY" for f in facts)
    assert {f.language for f in facts} == {"en", "zh"}
    assert not (tmp_path / "zhenxing.db").exists()


def test_missing_stage_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zhenxing.ingest.loader", None)
    with pytest.raises(api.StageMissingError, match="document loading is not available"):
        api.expand_paths(["x"])


def test_query_commands_do_not_create_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger there"):
        api.query_facts(tmp_path / "typo.db")
    assert not (tmp_path / "typo.db").exists()


def test_resolve_db(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZHENXING_DB", raising=False)
    assert api.resolve_db(None) == "zhenxing.db"
    monkeypatch.setenv("ZHENXING_DB", "other.db")
    assert api.resolve_db(None) == "other.db"
    assert api.resolve_db("given.db") == "given.db"
