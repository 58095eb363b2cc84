"""The ledger on its own: schema, idempotent writes, transactions, reprocessing, queries."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from tests.ledger.samples import DOC_003, DOC_GWR, RESULTS_2021, fact_at, sample_003, sample_gwr
from zhenxing.ledger.models import SCHEMA_REVISION, Base, compared
from zhenxing.ledger.store import (
    MIGRATIONS_DIR,
    AmbiguousError,
    Ledger,
    LedgerError,
    NotFoundError,
    database_url,
    display_url,
)
from zhenxing.model import EXTRACTOR_VERSION

# -- schema --------------------------------------------------------------------------


def test_fresh_file_gets_the_schema(db_path: Path) -> None:
    assert not db_path.exists()
    with Ledger(db_path) as ledger:
        insp = inspect(ledger.engine)
        assert {"documents", "facts", "alembic_version"} <= set(insp.get_table_names())
        indexed = {tuple(ix["column_names"]) for ix in insp.get_indexes("facts")}
        for column in ("indicator", "region", "period", "kind", "doc_id"):
            assert (column,) in indexed
        assert ledger.schema_revision() == SCHEMA_REVISION
    assert db_path.exists()


def test_schema_revision_constant_is_the_migration_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_orm_models_match_the_migrations(ledger: Ledger) -> None:
    """Autogenerate finds nothing to do: the models describe exactly what the migrations built."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    # The full-text index (FTS5 tables, the GIN index) is made by raw SQL per backend, not the ORM.
    with ledger.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": compared})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_reopening_keeps_the_data(db_path: Path) -> None:
    doc, facts = sample_003()
    with Ledger(db_path) as ledger:
        ledger.add_document(doc, facts)
    with Ledger(db_path) as again:
        assert again.counts() == {"documents": 1, "facts": len(facts)}


def test_an_older_schema_is_migrated_on_open(db_path: Path) -> None:
    """A database without alembic_version (never migrated) is brought to head."""
    sqlite3.connect(db_path).close()  # empty SQLite file
    with Ledger(db_path) as ledger:
        assert ledger.schema_revision() == SCHEMA_REVISION


def test_unknown_newer_revision_is_a_clear_error(db_path: Path) -> None:
    Ledger(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(LedgerError, match="9999"):
        Ledger(db_path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(LedgerError, match="notes.db"):
        Ledger(bogus)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger(tmp_path / "no" / "such" / "ledger.db")


def test_database_url_and_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(":memory:") == "sqlite://"
    monkeypatch.setenv("ZHENXING_DB", str(tmp_path / "env.db"))
    assert database_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("ZHENXING_DB")
    monkeypatch.chdir(tmp_path)
    assert database_url(None) == f"sqlite:///{tmp_path / 'zhenxing.db'}"
    assert "secret" not in display_url("postgresql+psycopg://u:secret@h/db")
    assert display_url(f"sqlite:///{tmp_path / 'a.db'}") == str(tmp_path / "a.db")


def test_in_memory_ledger() -> None:
    doc, facts = sample_gwr()
    with Ledger(":memory:") as ledger:
        assert ledger.add_document(doc, facts) == "added"
        assert len(ledger.facts()) == len(facts)


# -- writing ---------------------------------------------------------------------------


def test_add_document_is_idempotent(ledger: Ledger) -> None:
    doc, facts = sample_003()
    assert ledger.add_document(doc, facts) == "added"
    assert ledger.add_document(doc, facts) == "unchanged"
    assert ledger.counts() == {"documents": 1, "facts": len(facts)}
    assert ledger.facts() == sorted(facts, key=lambda f: f.start)


def test_stored_records_equal_the_input(ledger: Ledger) -> None:
    doc, facts = sample_gwr()
    ledger.add_document(doc, facts)
    assert ledger.facts() == facts
    stored = ledger.document(doc.id)
    assert stored.text == doc.text
    assert dataclasses.replace(stored, meta={}) == dataclasses.replace(doc, meta={})
    for fact in facts:
        assert stored.text[fact.start : fact.end] == fact.text
        assert stored.text[fact.sentence_start : fact.sentence_end] == fact.quote


def test_meta_with_dates_is_stored_as_json(ledger: Ledger) -> None:
    doc, facts = sample_003()  # meta holds a datetime.date, as YAML front matter gives
    ledger.add_document(doc, facts)
    assert ledger.document(doc.id).meta == {"published": "2022-02-25"}


def test_ingested_at_reads_as_utc_on_every_backend(ledger: Ledger) -> None:
    """The test PostgreSQL server's time zone is Asia/Shanghai: a stored time must still read as UTC."""
    before = datetime.now(UTC).replace(tzinfo=None)
    ledger.add_document(*sample_003())
    after = datetime.now(UTC).replace(tzinfo=None)
    (info,) = ledger.documents()
    assert info.ingested_at is not None and info.ingested_at.tzinfo is None
    assert before - timedelta(seconds=1) <= info.ingested_at <= after + timedelta(seconds=1)
    assert info.to_record()["ingested_at"] == info.ingested_at.isoformat()


def test_one_transaction_per_document(ledger: Ledger) -> None:
    """A failure while storing a document leaves nothing of it and keeps the earlier ones."""
    doc_a, facts_a = sample_003()
    doc_b, facts_b = sample_gwr()
    assert ledger.add_document(doc_a, facts_a) == "added"
    broken = [*facts_b[:2], dataclasses.replace(facts_b[2], value=None)]  # NOT NULL violated mid-insert
    with pytest.raises(IntegrityError):
        ledger.add_document(doc_b, broken)
    assert [d.name for d in ledger.documents()] == [DOC_003]
    assert ledger.facts(doc=doc_b.id) == []
    assert ledger.counts() == {"documents": 1, "facts": len(facts_a)}
    # The rerun completes the batch.
    assert ledger.add_document(doc_a, facts_a) == "unchanged"
    assert ledger.add_document(doc_b, facts_b) == "added"
    assert ledger.counts() == {"documents": 2, "facts": len(facts_a) + len(facts_b)}


def test_facts_of_another_document_are_refused(ledger: Ledger) -> None:
    doc_a, _ = sample_003()
    _, facts_b = sample_gwr()
    with pytest.raises(ValueError, match="belongs to document"):
        ledger.add_document(doc_a, facts_b)
    assert ledger.counts() == {"documents": 0, "facts": 0}


def test_duplicate_spans_are_stored_once(ledger: Ledger) -> None:
    doc, facts = sample_gwr()
    assert ledger.add_document(doc, [*facts, facts[0]]) == "added"
    assert ledger.counts()["facts"] == len(facts)


def test_document_without_facts(ledger: Ledger) -> None:
    doc, _ = sample_gwr()
    assert ledger.add_document(doc, []) == "added"
    assert ledger.add_document(doc, []) == "unchanged"
    assert ledger.documents()[0].fact_count == 0


def test_reprocess_replaces_facts_of_older_versions(ledger: Ledger) -> None:
    doc, old_facts = sample_003(version="0.0.1")
    other, other_facts = sample_gwr()
    ledger.add_document(doc, old_facts[:3], extractor_version="0.0.1")
    ledger.add_document(other, other_facts)
    stale = ledger.stale_documents(EXTRACTOR_VERSION)
    assert [d.id for d in stale] == [doc.id]
    assert stale[0].extractor_version == "0.0.1"

    _, new_facts = sample_003(version=EXTRACTOR_VERSION)
    assert ledger.add_document(doc, new_facts, extractor_version=EXTRACTOR_VERSION) == "reprocessed"
    stored = ledger.facts(doc=doc.id)
    assert stored == new_facts
    assert {f.extractor_version for f in stored} == {EXTRACTOR_VERSION}
    assert ledger.stale_documents(EXTRACTOR_VERSION) == []
    assert ledger.facts(doc=other.id) == other_facts  # untouched
    assert ledger.add_document(doc, new_facts, extractor_version=EXTRACTOR_VERSION) == "unchanged"


def test_replace_facts_from_stored_text(ledger: Ledger) -> None:
    doc, facts = sample_003(version="0.0.1")
    ledger.add_document(doc, facts, extractor_version="0.0.1")
    _, fresh = sample_003(version="0.2.0")
    assert ledger.replace_facts(doc.id, fresh[:2], extractor_version="0.2.0") == "reprocessed"
    assert ledger.facts() == fresh[:2]
    assert ledger.document_version(doc.id) == "0.2.0"
    with pytest.raises(NotFoundError):
        ledger.replace_facts("f" * 64, [])


def test_clear(ledger: Ledger) -> None:
    for doc, facts in (sample_003(), sample_gwr()):
        ledger.add_document(doc, facts)
    ledger.clear()
    assert ledger.counts() == {"documents": 0, "facts": 0}


# -- queries ---------------------------------------------------------------------------------


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    for doc, facts in (sample_gwr(), sample_003()):
        ledger.add_document(doc, facts)
    return ledger


def test_order_is_document_name_then_position(filled: Ledger) -> None:
    facts = filled.facts()
    assert [(f.doc, f.start) for f in facts] == sorted((f.doc, f.start) for f in facts)
    assert facts[0].doc == DOC_003
    assert filled.facts(limit=3) == facts[:3]
    assert filled.facts(limit=0) == []


def test_filter_indicator(filled: Ledger) -> None:
    gdp = filled.facts(indicator="gdp")
    assert {(f.doc, f.text) for f in gdp} == {
        (DOC_003, "2,758.4 billion yuan"),
        (DOC_003, "5.8%"),
        (DOC_003, "5.5%"),
        (DOC_GWR, "2.1%"),
    }
    assert filled.facts(indicator="no_such_indicator") == []


def test_filter_kind(filled: Ledger) -> None:
    targets = filled.facts(kind="target")
    assert {f.text for f in targets} == {"5.5%", "450,000", "24 million metric tons"}
    assert all(f.kind == "result" for f in filled.facts(kind="result"))


def test_filter_region_exact_and_case_insensitive(filled: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without a region normaliser (or with one that does not know the name) the name is matched as given.
    monkeypatch.setitem(sys.modules, "zhenxing.extract.regions", None)
    assert len(filled.facts(region="Liaoning")) == 11
    assert len(filled.facts(region="liaoning")) == 11
    assert filled.facts(region="辽宁") == []


def test_filter_region_uses_the_canonical_name(filled: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("zhenxing.extract.regions")
    fake.canonical_region = lambda s: {"辽宁": "Liaoning", "辽宁省": "Liaoning"}.get(s.strip())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zhenxing.extract.regions", fake)
    assert len(filled.facts(region="辽宁省")) == 11
    assert len(filled.facts(region="Liaoning")) == 11


def test_filter_period_exact_and_by_year(ledger: Ledger) -> None:
    doc, _ = sample_003()
    periods = ["2021", "2021-Q1", "2021-01/2021-11", "2022", "2016/2021", "20210"]
    figures = ["2,758.4 billion yuan", "5.8%", "276.47 billion yuan", "4.1%", "2,758.4", "276.47"]
    facts = [
        fact_at(doc, RESULTS_2021, fig, 1.0, None, period=p) for p, fig in zip(periods, figures, strict=True)
    ]
    facts[4].start, facts[4].end = facts[4].start + 1, facts[4].end + 1  # distinct spans
    facts[5].start, facts[5].end = facts[5].start + 1, facts[5].end + 1
    ledger.add_document(doc, facts)
    assert sorted(f.period for f in ledger.facts(period="2021")) == ["2021", "2021-01/2021-11", "2021-Q1"]
    assert [f.period for f in ledger.facts(period="2021-Q1")] == ["2021-Q1"]
    assert [f.period for f in ledger.facts(period="2016/2021")] == ["2016/2021"]
    assert ledger.facts(period="202") == []
    assert ledger.facts(period="2021-%") == []  # LIKE wildcards are escaped


def test_filter_doc_by_id_prefix_and_name(filled: Ledger) -> None:
    doc, facts = sample_003()
    for key in (doc.id, doc.id[:8], doc.id[:8].upper(), DOC_003, "003_67a0eda2e3f886dd", "003"):
        assert filled.facts(doc=key) == facts, key
    assert filled.facts(doc="zzz") == []


def test_filter_text_in_quote_or_label(filled: Ledger) -> None:
    assert {f.text for f in filled.facts(text="urban jobs")} == {"450,000"}
    assert {f.text for f in filled.facts(text="GRAIN OUTPUT")} == {"24 million metric tons"}
    assert {f.text for f in filled.facts(text="城镇新增就业")} == {"2.1%", "3.6%", "46.2万人", "2%"}
    assert len(filled.facts(text="5.8%")) == 4  # a literal %, not a wildcard: the four facts of that quote
    assert filled.facts(text="100%") == []


def test_filters_combine(filled: Ledger) -> None:
    found = filled.facts(indicator="gdp", kind="result", period="2021", region="Liaoning", doc="003")
    assert [f.text for f in found] == ["2,758.4 billion yuan", "5.8%"]


def test_fact_by_id_and_prefix(filled: Ledger) -> None:
    fact = filled.facts(indicator="urban_jobs", kind="target")[0]
    assert filled.fact(fact.id) == fact
    assert filled.fact(f"{fact.doc_id[:12]}-{fact.start}-") == fact  # a unique prefix
    assert filled.fact(fact.id.upper()) == fact
    with pytest.raises(AmbiguousError, match="several"):
        filled.fact(fact.doc_id[:6])
    with pytest.raises(NotFoundError):
        filled.fact("0000nope")
    with pytest.raises(NotFoundError):
        filled.fact("  ")


def test_documents_and_document_lookup(filled: Ledger) -> None:
    docs = filled.documents()
    assert [d.name for d in docs] == [DOC_003, DOC_GWR]
    assert [d.fact_count for d in docs] == [7, 4]
    assert docs[1].title == "辽宁省政府工作报告（2023年1月12日）"
    assert docs[1].date == "2023-01-12" and docs[1].language == "zh"
    doc, _ = sample_gwr()
    for key in (doc.id, doc.id[:10], DOC_GWR, "liaoning-gwr-2023-zh"):
        assert filled.document(key).id == doc.id
        assert filled.document_info(key).fact_count == 4
    with pytest.raises(NotFoundError):
        filled.document("nothing-like-this")


def test_document_prefix_can_be_ambiguous(ledger: Ledger) -> None:
    doc, _ = sample_gwr()
    twin = dataclasses.replace(doc, id=doc.id[:6] + "0" * 58, name="copy.txt")
    ledger.add_document(doc, [])
    ledger.add_document(twin, [])
    with pytest.raises(AmbiguousError):
        ledger.document(doc.id[:6])
    assert ledger.document(doc.id[:7]).id == doc.id


def test_order_is_by_code_point_on_every_backend(ledger: Ledger) -> None:
    """Names sort as Python sorts them (SQLite's binary order), not by a server's locale.

    A PostgreSQL database made for people sorts "a" before "B" and skips
    "_" and spaces at first (the test cluster's default is ICU en-US); the
    ledger's own columns are ``COLLATE "C"`` there, so listings, pages and
    prefix lookups agree across backends.
    """
    doc, facts = sample_gwr()
    names = ["B.txt", "a.txt", "_c.txt", "Z 2.txt", "z1.txt", "ä.txt", "辽宁.txt", "a-b.txt", "ab.txt"]
    for i, name in enumerate(names):
        text = f"{doc.text}\n{i}"
        copy = dataclasses.replace(doc, id=hashlib.sha256(text.encode()).hexdigest(), name=name, text=text)
        ledger.add_document(copy, [dataclasses.replace(f, doc=name, doc_id=copy.id) for f in facts[:2]])
    assert [d.name for d in ledger.documents()] == sorted(names)
    listed = ledger.facts()
    assert [f.doc for f in listed] == sorted(f.doc for f in listed)
    assert [f.doc for f in ledger.facts(limit=5)] == [f.doc for f in listed[:5]]
    assert [f.doc for f in ledger.facts(indicator=facts[0].indicator)] == sorted(names)
    assert ledger.document("a").name == "a.txt"  # "a" + "." first: not "a-b.txt", "ab.txt"
    assert ledger.document("Z1").name == "z1.txt"  # prefixes ignore the case of A-Z, on both backends
    with pytest.raises(AmbiguousError):
        ledger.document("Z")  # "Z 2.txt" and "z1.txt"


def test_counts(filled: Ledger) -> None:
    assert filled.counts() == {"documents": 2, "facts": 11}
    by_kind = filled.count_facts("kind")
    assert by_kind == {"result": 8, "target": 3}
    by_two = filled.count_facts("indicator", "kind")
    assert by_two[("gdp", "result")] == 3 and by_two[("gdp", "target")] == 1
    assert filled.count_facts() == {(): 11}


def test_migrations_render_for_postgresql(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The migrations are portable: offline mode renders them as PostgreSQL DDL without a server."""
    from alembic import command
    from alembic.config import Config

    monkeypatch.delenv("ZHENXING_DB", raising=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", "postgresql+psycopg://user@localhost/zhenxing")
    command.upgrade(config, "head", sql=True)
    ddl = capsys.readouterr().out
    assert "CREATE TABLE facts" in ddl and "DOUBLE PRECISION" in ddl and "TIMESTAMP WITH TIME ZONE" in ddl
    assert "CREATE INDEX ix_facts_indicator ON facts (indicator)" in ddl
