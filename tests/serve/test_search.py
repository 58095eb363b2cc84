"""Full-text search: CJK bigrams find two-character Chinese words that a trigram index cannot.

The tokenizer and query parser on their own; the index kept in step with the
ledger by its own writes (add, re-extract, clear) and brought up to date for
a ledger written before the index existed; ``zhenxing search``; and
``/api/search`` on a real server, where 就业 and 粮食 find Chinese sentences
with highlight spans on exactly those words. The ledger tests and the API
tests run on SQLite (FTS5) and on a real PostgreSQL server (GIN over
``to_tsvector``), where ``zhenxing serve --db postgresql+psycopg://...`` runs
as a subprocess; the two must find the same sentences.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.ledger.samples import sample_003, sample_gwr
from tests.serve.conftest import LiveServer
from zhenxing.ledger import search
from zhenxing.ledger.store import Ledger

# -- tokens and queries -----------------------------------------------------------------------------


def test_cjk_runs_become_bigrams_and_a_trailing_character() -> None:
    assert search.index_tokens("城镇新增就业46.2万人") == "城镇 镇新 新增 增就 就业 业 46 2 万人 人"
    assert search.index_tokens("粮") == "粮"
    assert search.index_tokens("Employment rose; GDP grew 5.5%.") == "employ rose gdp grew 5 5"


def test_queries_become_phrases_of_the_same_tokens() -> None:
    assert [t.tokens for t in search.parse_query("就业")] == [("就业",)]
    assert [t.tokens for t in search.parse_query("新增就业")] == [("新增", "增就", "就业")]
    single = search.parse_query("粮")[0]
    assert single.tokens == ("粮",) and single.prefix
    assert [t.tokens for t in search.parse_query('"grain output" 5.5%')] == [("grain", "output"), ("5", "5")]
    assert [t.tokens for t in search.parse_query("employ*")] == [("employ",)]
    assert search.parse_query("employ*")[0].prefix
    for hostile in ('" OR 1=1 --', "NEAR(a b)", "a AND b", "*", "'; DROP TABLE facts; --"):
        query = search.fts5_query(search.parse_query(hostile) if any(c.isalnum() for c in hostile) else [])
        assert query.count('"') % 2 == 0
    with pytest.raises(search.SearchError):
        search.parse_query("   ")
    with pytest.raises(search.SearchError):
        search.parse_query("!!! ???")
    with pytest.raises(search.SearchError):
        search.parse_query("字" * 300)


def test_highlights_mark_exactly_the_matches() -> None:
    sentence = "全年粮食总产量达到2538.4万吨，粮食生产保持稳定。"
    spans = search.highlight_spans(sentence, search.parse_query("粮食"))
    assert [sentence[a:b] for a, b in spans] == ["粮食", "粮食"]
    english = "Employment grew and 450,000 new urban jobs were employed."
    spans = search.highlight_spans(english, search.parse_query("employment jobs"))
    assert [english[a:b] for a, b in spans] == ["Employment", "jobs", "employed"]


# -- the index follows the ledger --------------------------------------------------------------------


def _count(ledger: Ledger, query: str) -> int:
    with ledger.engine.connect() as conn:
        return search.search(conn, query).total


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new ledger's place: an SQLite file, or a fresh database on the test PostgreSQL server."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "ledger.db")


def test_the_index_follows_writes_and_clear(location: str) -> None:
    with Ledger(location) as ledger:
        doc, facts = sample_gwr()
        assert _count(ledger, "就业") == 0
        ledger.add_document(doc, facts)
        assert _count(ledger, "就业") >= 1
        with ledger.engine.connect() as conn:
            before = search.generation(conn)
        ledger.replace_facts(doc.id, facts)  # re-extraction re-indexes, with a new generation
        with ledger.engine.connect() as conn:
            assert search.generation(conn)[0] > before[0]
            assert search.index_counts(conn)["documents"] == 1
        ledger.add_document(*sample_003())
        assert _count(ledger, "GDP") >= 1
        ledger.clear()
        assert _count(ledger, "就业") == 0 and _count(ledger, "GDP") == 0


def test_a_ledger_without_an_index_is_brought_up_to_date(location: str) -> None:
    with Ledger(location) as ledger:
        ledger.add_document(*sample_gwr())
        with ledger.engine.begin() as conn:  # as if written before revision 0003
            search.clear_index(conn)
        assert _count(ledger, "就业") == 0
        assert search.sync_index(ledger) == 1
        assert _count(ledger, "就业") >= 1
        assert search.sync_index(ledger) == 0


def test_the_search_command_rebuilds_and_finds(location: str) -> None:
    from zhenxing.cli import app  # registers cli_serve's commands

    db = location
    with Ledger(db) as ledger:
        ledger.add_document(*sample_gwr())
    runner = CliRunner()
    rebuilt = runner.invoke(app, ["search", "--rebuild", "--db", str(db)])
    assert rebuilt.exit_code == 0 and "rebuilt: 1 documents" in rebuilt.stderr
    found = runner.invoke(app, ["search", "就业", "--json", "--db", str(db)])
    assert found.exit_code == 0 and '"language": "zh"' in found.stdout and "就业" in found.stdout
    empty = runner.invoke(app, ["search", "???", "--db", str(db)])
    assert empty.exit_code == 1 and empty.stderr.startswith("error: ")


def test_bigrams_find_two_character_words_that_a_trigram_index_misses(live_server: LiveServer) -> None:
    """The measurement behind the design, on the example ledger's own sentences."""
    conn = sqlite3.connect(live_server.db)
    try:
        sentences = [r[0] for r in conn.execute("SELECT sentence FROM search_sentences")]
        conn.execute("CREATE VIRTUAL TABLE temp.tri USING fts5(s, tokenize='trigram')")
        conn.executemany("INSERT INTO temp.tri(s) VALUES (?)", [(s,) for s in sentences])
        for word in ("就业", "粮食", "投资", "增长"):
            truth = sum(word in s for s in sentences)
            trigram = conn.execute(
                "SELECT count(*) FROM temp.tri WHERE tri MATCH ?", (f'"{word}"',)
            ).fetchone()[0]
            bigram = conn.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?",
                (search.fts5_query(search.parse_query(word)),),
            ).fetchone()[0]
            assert truth > 0 and trigram == 0 and bigram == truth, (word, truth, trigram, bigram)
    finally:
        conn.close()


# -- the API ------------------------------------------------------------------------------------------


class Served(NamedTuple):
    url: str  # base URL of a real server over the example ledger
    db: str  # that ledger: an SQLite file path or a PostgreSQL URL


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest) -> Served:
    """The example ledger served on SQLite (uvicorn in a thread) or PostgreSQL (``zhenxing serve``)."""
    if request.param == "postgresql":
        return Served(request.getfixturevalue("pg_live_server"), request.getfixturevalue("pg_example_ledger"))
    live: LiveServer = request.getfixturevalue("live_server")
    return Served(live.url, str(live.db))


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    """The API tests below run against both servers (this replaces the conftest's SQLite-only client)."""
    with httpx.Client(base_url=served.url, timeout=30) as c:
        yield c


@pytest.mark.parametrize("word", ["就业", "粮食"])
def test_api_search_finds_chinese_words(client: httpx.Client, word: str) -> None:
    page = client.get("/api/search", params={"q": word}).json()
    assert page["total"] >= 1 and page["items"]
    for hit in page["items"]:
        assert word in hit["sentence"]
        assert hit["language"] == "zh"
        marked = {hit["sentence"][a:b] for a, b in hit["highlights"]}
        assert marked == {word}
        document = client.get(f"/api/documents/{hit['doc_id']}").json()
        assert document["text"][hit["start"] : hit["end"]] == hit["sentence"]


def test_api_search_english_mixed_and_filters(client: httpx.Client) -> None:
    english = client.get("/api/search", params={"q": "grain output"}).json()
    assert english["items"] and all("grain" in h["sentence"].lower() for h in english["items"])
    mixed = client.get("/api/search", params={"q": "地区生产总值 2.1%"}).json()
    assert mixed["items"] and all(
        "地区生产总值" in h["sentence"] and "2.1" in h["sentence"] for h in mixed["items"]
    )
    only_en = client.get("/api/search", params={"q": "GDP", "language": "en", "limit": 200}).json()
    assert only_en["items"] and {h["language"] for h in only_en["items"]} == {"en"}
    first = client.get("/api/search", params={"q": "GDP", "limit": 3}).json()
    second = client.get("/api/search", params={"q": "GDP", "limit": 3, "offset": 3}).json()
    assert first["next_offset"] == 3
    assert not {(h["doc_id"], h["start"]) for h in first["items"]} & {
        (h["doc_id"], h["start"]) for h in second["items"]
    }
    for hostile in ('" OR 1=1 --', "NEAR(就业 粮食)", "就业 AND", "'; DROP TABLE facts; --", "*"):
        response = client.get("/api/search", params={"q": hostile})
        assert response.status_code in (200, 400), hostile
        assert "error" in response.json() or "items" in response.json()


def test_the_index_holds_every_sentence(served: Served) -> None:
    with Ledger(served.db) as ledger, ledger.engine.connect() as conn:
        documents = conn.execute(text("SELECT count(*) FROM documents")).scalar()
        assert search.index_counts(conn)["documents"] == documents
        assert search.stale_documents(conn) == ([], [])


# -- PostgreSQL and SQLite agree ------------------------------------------------------------------------

QUERIES = [
    {"q": "就业"},
    {"q": "粮食"},
    {"q": "粮"},  # one character: a prefix of the bigrams
    {"q": "城镇新增就业"},
    {"q": "grain output"},
    {"q": '"grain output"'},
    {"q": "employ*"},
    {"q": "employment"},  # stemmed: finds "employed" too
    {"q": "地区生产总值 2.1%"},
    {"q": "GDP", "language": "en", "limit": 200},
    {"q": "GDP", "language": "zh", "limit": 200},
    {"q": "增长", "limit": 200},
    {"q": "增长", "order": "recent", "limit": 7, "offset": 3},
    {"q": "nothingsuchhere"},
]


def _hits(page: dict[str, Any]) -> list[tuple[str, int, int, str, str, list[list[int]]]]:
    return [(h["doc_id"], h["start"], h["end"], h["sentence"], h["language"], h["highlights"]) for h in page["items"]]


def test_postgresql_and_sqlite_find_the_same_sentences(live_server: LiveServer, pg_live_server: str) -> None:
    """Same ledger, same queries: the same totals and hits (highlights too); "recent" in the same order.

    Relevance is scored by BM25 on SQLite and ``ts_rank`` on PostgreSQL, so
    the order of a relevance page may differ; what is found may not.
    """
    with httpx.Client(base_url=live_server.url, timeout=30) as lite, httpx.Client(
        base_url=pg_live_server, timeout=30
    ) as pg:
        for params in QUERIES:
            a = lite.get("/api/search", params=params)
            b = pg.get("/api/search", params=params)
            assert a.status_code == b.status_code == 200, (params, a.text, b.text)
            one, other = a.json(), b.json()
            assert (one["total"], one["total_capped"], one["order"]) == (
                other["total"],
                other["total_capped"],
                other["order"],
            ), params
            if one["order"] == "recent":
                assert _hits(one) == _hits(other), params
            else:
                assert sorted(_hits(one)) == sorted(_hits(other)), params
        assert lite.get("/api/search", params={"q": "就业"}).json()["total"] >= 1


def test_the_rest_api_serves_a_postgresql_ledger(live_server: LiveServer, pg_live_server: str) -> None:
    """``zhenxing serve --db postgresql+psycopg://...``: facts, search, targets; the same answers as on SQLite."""
    with httpx.Client(base_url=live_server.url, timeout=30) as lite, httpx.Client(
        base_url=pg_live_server, timeout=30
    ) as pg:
        health = pg.get("/api/health").json()
        assert health["ok"] and health["documents"] >= 10
        facts = pg.get("/api/facts", params={"limit": 50}).json()
        assert len(facts["items"]) == 50
        found = pg.get("/api/search", params={"q": "就业"}).json()
        assert found["items"] and all("就业" in h["sentence"] for h in found["items"])
        targets = pg.get("/api/targets").json()
        assert targets["items"] and {t["status"] for t in targets["items"]} >= {"met", "missed"}
        for path, params in (
            ("/api/facts", {"limit": 200}),
            ("/api/facts", {"indicator": "gdp", "limit": 200}),
            ("/api/facts", {"region": "辽宁", "period": "2022", "limit": 200}),
            ("/api/facts", {"text": "GRAIN", "limit": 200}),
            ("/api/targets", {}),
            ("/api/conflicts", {}),
            ("/api/series", {"limit": 200}),
        ):
            a, b = lite.get(path, params=params), pg.get(path, params=params)
            assert a.status_code == b.status_code == 200, (path, params, b.text)
            assert a.json() == b.json(), (path, params)
        docs_a, docs_b = lite.get("/api/documents").json(), pg.get("/api/documents").json()
        for page in (docs_a, docs_b):
            for doc in page["items"]:
                doc.pop("ingested_at")  # when each ledger was built
        assert docs_a == docs_b
