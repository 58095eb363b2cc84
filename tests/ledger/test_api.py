"""The library API's ingest flow, with stand-in stages: batches, interruptions, errors, reprocessing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.ledger.fakes import install, write_corpus
from zhenxing import api, model
from zhenxing.ledger.store import Ledger, LedgerError


@pytest.fixture
def stages(monkeypatch: pytest.MonkeyPatch):
    return install(monkeypatch)


def test_ingest_then_rerun_is_unchanged(tmp_path: Path, stages) -> None:
    write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    first = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [(Path(r.path).name, r.status, r.facts) for r in first] == [
        ("a.txt", "added", 2),
        ("b.txt", "added", 1),
        ("c.txt", "added", 3),
    ]
    second = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [r.status for r in second] == ["unchanged"] * 3
    assert [r.facts for r in second] == [2, 1, 3]
    assert stages.extracted == ["a.txt", "b.txt", "c.txt"]  # not extracted again
    with Ledger(db) as ledger:
        assert ledger.counts() == {"documents": 3, "facts": 6}


def test_killed_batch_keeps_finished_documents_and_rerun_completes(tmp_path: Path, stages) -> None:
    write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    stages.fail_on["c.txt"] = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        api.ingest_paths([str(tmp_path / "docs")], db=db)
    with Ledger(db) as ledger:
        assert [d.name for d in ledger.documents()] == ["a.txt", "b.txt"]
        assert ledger.counts()["facts"] == 3
    del stages.fail_on["c.txt"]
    rerun = api.ingest_paths([str(tmp_path / "docs")], db=db)
    assert [r.status for r in rerun] == ["unchanged", "unchanged", "added"]
    with Ledger(db) as ledger:
        assert ledger.counts() == {"documents": 3, "facts": 6}


def test_bad_files_do_not_stop_the_batch(tmp_path: Path, stages) -> None:
    a, b, c = write_corpus(tmp_path / "docs")
    empty = tmp_path / "docs" / "empty.txt"
    empty.write_text("")
    stages.fail_on["b.txt"] = RuntimeError("boom\nsecond line")
    results = api.ingest_paths([str(tmp_path / "docs"), str(tmp_path / "missing.txt")], db=tmp_path / "l.db")
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["missing.txt"].message == f"{tmp_path / 'missing.txt'}: no such file or directory"
    assert by_name["empty.txt"].status == "error" and "empty file" in by_name["empty.txt"].message
    assert by_name["b.txt"].message == f"{b}: RuntimeError: boom second line"
    assert by_name["a.txt"].status == by_name["c.txt"].status == "added"


def test_same_text_under_another_name_is_unchanged(tmp_path: Path, stages) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(a.read_bytes())
    db = tmp_path / "l.db"
    api.ingest_paths([str(a)], db=db)
    (result,) = api.ingest_paths([str(copy)], db=db)
    assert result.status == "unchanged" and result.message == "same text as a.txt"


def test_reprocess_uses_the_stored_text(tmp_path: Path, stages, monkeypatch: pytest.MonkeyPatch) -> None:
    write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.0.1")
    api.ingest_paths([str(tmp_path / "docs")], db=db)
    for path in (tmp_path / "docs").iterdir():
        path.unlink()  # the files are gone: only the ledger's copy can be re-extracted
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.2.0")
    results = api.ingest_paths([], db=db, reprocess=True)
    assert [(r.status, r.message) for r in results] == [("reprocessed", "was 0.0.1")] * 3
    with Ledger(db) as ledger:
        assert ledger.stale_documents("0.2.0") == []
        assert {f.extractor_version for f in ledger.facts()} == {"0.2.0"}
        assert ledger.counts() == {"documents": 3, "facts": 6}
    assert api.ingest_paths([], db=db, reprocess=True) == []


def test_ingest_of_an_old_version_document_reprocesses_it(
    tmp_path: Path, stages, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _, _ = write_corpus(tmp_path / "docs")
    db = tmp_path / "l.db"
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.0.1")
    api.ingest_paths([str(a)], db=db)
    monkeypatch.setattr(model, "EXTRACTOR_VERSION", "0.2.0")
    assert [r.status for r in api.ingest_paths([str(a)], db=db)] == ["reprocessed"]


def test_extract_paths_does_not_store(tmp_path: Path, stages, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_corpus(tmp_path / "docs")
    facts, results = api.extract_paths([str(tmp_path / "docs"), "nope"])
    assert len(facts) == 6
    assert [r.status for r in results] == ["error", "extracted", "extracted", "extracted"]
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
