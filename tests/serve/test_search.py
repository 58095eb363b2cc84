"""Full-text search: CJK bigrams find two-character Chinese words that a trigram index cannot.

The tokenizer and query parser on their own; the index kept in step with the
ledger by its own writes (add, re-extract, clear) and brought up to date for
a ledger written before the index existed; ``zhenxing search``; and
``/api/search`` on a real server, where 就业 and 粮食 find Chinese sentences
with highlight spans on exactly those words.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

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


def test_the_index_follows_writes_and_clear(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.db") as ledger:
        doc, facts = sample_gwr()
        assert _count(ledger, "就业") == 0
        ledger.add_document(doc, facts)
        assert _count(ledger, "就业") >= 1
        before = search.generation(ledger.engine.connect())
        ledger.replace_facts(doc.id, facts)  # re-extraction re-indexes, with a new generation
        with ledger.engine.connect() as conn:
            assert search.generation(conn)[0] > before[0]
            assert search.index_counts(conn)["documents"] == 1
        ledger.add_document(*sample_003())
        assert _count(ledger, "GDP") >= 1
        ledger.clear()
        assert _count(ledger, "就业") == 0 and _count(ledger, "GDP") == 0


def test_a_ledger_without_an_index_is_brought_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Ledger(db) as ledger:
        ledger.add_document(*sample_gwr())
        with ledger.engine.begin() as conn:  # as if written before revision 0003
            search.clear_index(conn)
        assert _count(ledger, "就业") == 0
        assert search.sync_index(ledger) == 1
        assert _count(ledger, "就业") >= 1
        assert search.sync_index(ledger) == 0


def test_the_search_command_rebuilds_and_finds(tmp_path: Path) -> None:
    from zhenxing.cli import app  # registers cli_serve's commands

    db = tmp_path / "cli.db"
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


def test_the_index_holds_every_sentence(live_server: LiveServer) -> None:
    with Ledger(live_server.db) as ledger, ledger.engine.connect() as conn:
        documents = conn.execute(text("SELECT count(*) FROM documents")).scalar()
        assert search.index_counts(conn)["documents"] == documents
        assert search.stale_documents(conn) == ([], [])
