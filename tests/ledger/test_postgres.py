"""PostgreSQL as the server store: what only a real server shows.

The ledger suites run on both backends through the ``ledger`` fixture and
the module ledgers of series, verdicts and conflicts (``[postgresql]``);
here: the migrations on an empty database and on a 0001 ledger with data,
the backend-specific pieces of 0003 (the GIN index the search uses) and of
the models (``COLLATE "C"``), two processes meeting on one database, and a
server that cannot be reached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import inspect, text

from tests.ledger.samples import sample_003, sample_gwr
from tests.pg import PostgresServer, free_port
from zhenxing.ledger import search
from zhenxing.ledger.models import SCHEMA_REVISION, SEARCH_TSV_INDEX
from zhenxing.ledger.store import MIGRATIONS_DIR, Ledger, LedgerError


@pytest.fixture
def empty_url(pg_server: PostgresServer) -> Iterator[str]:
    """A database with nothing in it, not even the schema (the template-made ones are migrated)."""
    url = pg_server.create_database(migrated=False)
    yield url
    pg_server.drop_database(url)


def test_an_empty_database_is_migrated_to_head(empty_url: str) -> None:
    with Ledger(empty_url) as ledger:
        assert ledger.schema_revision() == SCHEMA_REVISION
        insp = inspect(ledger.engine)
        assert {"documents", "facts", "fact_corrections", "audit_log", "search_sentences", "search_documents"} <= set(
            insp.get_table_names()
        )
        assert SEARCH_TSV_INDEX in {ix["name"] for ix in insp.get_indexes("search_sentences")}
        assert "ix_facts_indicator_order" in {ix["name"] for ix in insp.get_indexes("facts")}
        with ledger.engine.connect() as conn:
            # Every text column of the ledger (alembic's own table aside): alembic's autogenerate does
            # not compare collations, so the models-match-migrations test cannot see a missing one.
            collations = {
                (table, column): collation
                for table, column, collation in conn.execute(
                    text(
                        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name != 'alembic_version' "
                        "AND data_type IN ('text', 'character varying')"
                    )
                )
            }
            # search_documents.seq is a sequence of its own: never reused, as sqlite_autoincrement on SQLite.
            default = conn.execute(
                text(
                    "SELECT column_default FROM information_schema.columns "
                    "WHERE table_name = 'search_documents' AND column_name = 'seq'"
                )
            ).scalar()
        assert len(collations) > 40 and set(collations.values()) == {"C"}, collations
        assert default and default.startswith("nextval(")
        doc, facts = sample_gwr()
        assert ledger.add_document(doc, facts) == "added"
        assert ledger.facts() == facts


def test_a_0001_ledger_is_upgraded_with_its_data(empty_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    with Ledger(empty_url, migrate=False) as old:
        with old.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        assert old.schema_revision() == "0001"
        doc, facts = sample_gwr()
        old.add_document(doc, facts)  # what a 0001 release wrote (no search index yet)
    with Ledger(empty_url) as ledger:
        assert ledger.schema_revision() == SCHEMA_REVISION
        assert ledger.facts() == facts
        ledger.correct_fact(facts[0].id, value=2.2, reason="upgraded ledgers take corrections", actor="tester")
        assert ledger.fact(facts[0].id).value == 2.2
        assert search.sync_index(ledger) == 1  # what the server does on start
        with ledger.engine.connect() as conn:
            assert search.search(conn, "就业").total >= 1


def test_the_search_uses_the_gin_index(pg_url: str) -> None:
    """The query's expression is the index's, so PostgreSQL can answer from the index."""
    with Ledger(pg_url) as ledger:
        for doc, facts in (sample_003(), sample_gwr()):
            ledger.add_document(doc, facts)
        with ledger.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))  # a table this small would be scanned anyway
            plan = "\n".join(
                conn.execute(
                    text(
                        "EXPLAIN SELECT id FROM search_sentences s "
                        "WHERE to_tsvector('simple', s.tokens) @@ to_tsquery('simple', :q)"
                    ),
                    {"q": search.tsquery(search.parse_query("就业"))},
                ).scalars()
            )
            assert SEARCH_TSV_INDEX in plan, plan
            for query, language in (("就业", None), ("就", None), ("GDP", "en"), ('"grain output"', None)):
                found = search.search(conn, query, language=language)
                assert found.total >= 1 and found.hits, query
                for hit in found.hits:
                    assert hit.highlights
                    assert language is None or hit.language == language


def _together(n: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``n`` threads released at once; their results, or the exceptions they raised."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # reported to the test, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_first_opens_of_an_empty_database_both_succeed(empty_url: str) -> None:
    """Two processes starting on a new server database: one migrates, the other waits and finds it done."""

    def open_it(_: int) -> str | None:
        with Ledger(empty_url) as ledger:
            return ledger.schema_revision()

    assert _together(3, open_it) == [SCHEMA_REVISION] * 3


def test_the_same_document_written_at_once_is_stored_once(pg_url: str) -> None:
    """Two uploads of one file at the same moment: one "added", the other "unchanged", no error."""
    doc, facts = sample_gwr()
    ledgers = [Ledger(pg_url) for _ in range(3)]
    try:
        statuses = _together(3, lambda i: ledgers[i].add_document(doc, facts))
        assert sorted(map(str, statuses)) == ["added", "unchanged", "unchanged"], statuses
        assert ledgers[0].counts() == {"documents": 1, "facts": len(facts)}
        with ledgers[0].engine.connect() as conn:
            assert search.index_counts(conn)["documents"] == 1
    finally:
        for ledger in ledgers:
            ledger.close()


def test_an_unreachable_server_is_a_clear_error() -> None:
    url = f"postgresql+psycopg://someone:secret@127.0.0.1:{free_port()}/zhenxing"  # nothing listens there
    with pytest.raises(LedgerError, match="cannot open the ledger") as raised:
        Ledger(url)
    assert "secret" not in str(raised.value) and "127.0.0.1" in str(raised.value)


def test_tsquery_quotes_every_token() -> None:
    terms = search.parse_query('就业 "grain output" employ* 粮')
    assert search.tsquery(terms) == "('就业') & ('grain' <-> 'output') & ('employ':*) & ('粮':*)"
    hostile = [search.Term("x", ("a'b", "c\\d"))]
    assert search.tsquery(hostile) == "('a''b' <-> 'c\\\\d')"
