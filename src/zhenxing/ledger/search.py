"""Full-text search over the sentences of every document, Chinese and English alike.

Why bigrams: Chinese is written without spaces, so a word index needs a
segmenter, and a segmenter's dictionary decides what can be found (jieba
cuts 城镇新增就业 as 城镇/新增/就业 but 稳就业 as one word, so 就业 would
miss it). SQLite's ``trigram`` tokenizer finds any substring of three or more
characters but nothing shorter, and most Chinese words have two characters
(就业, 粮食, 投资). So every run of CJK characters is indexed as its
overlapping character bigrams (城镇新增就业 -> 城镇 镇新 新增 增就 就业) plus
its last character alone, and a query is cut the same way: a word of two or
more characters becomes the *phrase* of its bigrams, which matches exactly the
sentences containing it as a substring; a single character becomes the prefix
query ``粮*``, which the trailing unigram makes complete. English and other
alphabetic words are lower-cased and Snowball-stemmed (so "employment" finds
"employed"), numbers kept as digit runs.

The tokens are made here, in Python, and stored as plain space-separated text
(``search_sentences.tokens``), so the backend only has to split at spaces:
FTS5 with ``unicode61`` on SQLite, ``to_tsvector('simple', ...)`` with a GIN
index on PostgreSQL (the ``simple`` configuration neither stems nor drops
stop words, so it keeps the tokens as they are; tested against a real server
alongside SQLite: the same queries find the same sentences), ``LIKE``
elsewhere. Highlight spans are computed from the same tokens, so they mark
exactly what matched. Only the relevance score differs by backend (FTS5's
BM25, PostgreSQL's ``ts_rank``); ties, and the "recent" order, go by the
sentence's index order on both.

The index is kept in step with the ledger by ``Ledger._write`` and
``Ledger.clear`` (one call each, in the same transaction as the document) and
can be brought up to date (:func:`sync_index`) or rebuilt
(:func:`rebuild_index`, ``zhenxing search --rebuild``) at any time; which
documents are indexed, and by which tokenizer version, is recorded in
``search_documents``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text

from zhenxing.errors import ZhenxingError

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger

# Bump when the tokens change: documents indexed by another version are re-indexed by sync.
TOKENIZER_VERSION = "2"
FTS_TABLE = "search_fts"
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
COUNT_CAP = 1000  # totals are counted up to this; beyond it "1000+" is shown

_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-G
)
_TOKEN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_QUOTED_RE = re.compile(r'"([^"]*)"|(\S+)')
_BATCH = 500


class SearchError(ZhenxingError):
    """A query that cannot be run: empty, too long, or nothing in it to search for."""


# -- tokens ----------------------------------------------------------------------------------


_local = threading.local()


def _stemmer() -> Any:
    """One Snowball stemmer per thread: a stemmer keeps its word in itself, so threads must not share one."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@cache
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def _word_token(word: str) -> str:
    lowered = word.lower()
    return lowered if lowered.isdigit() or not lowered.isascii() else _stem(lowered)


def _cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_tokens(text: str) -> str:
    """The indexed form of a sentence: CJK bigrams plus each run's last character, stemmed words."""
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        cjk, word = match.groups()
        if cjk:
            out.extend(_cjk_tokens(cjk))
        else:
            out.append(_word_token(word))
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class Term:
    """One thing every hit must contain: a phrase of index tokens (a prefix when ``prefix``)."""

    raw: str
    tokens: tuple[str, ...]
    prefix: bool = False
    cjk: bool = False


def parse_query(query: str) -> list[Term]:
    """Terms of a query: each CJK run, each word, each "quoted phrase"; a trailing ``*`` makes a prefix.

    All terms must match (AND). Anything else in the query (operators,
    punctuation) is not syntax, so no input can break the backend's query.
    """
    cleaned = " ".join((query or "").split())
    if not cleaned:
        raise SearchError("give something to search for (q=...)")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    terms: list[Term] = []
    for match in _QUOTED_RE.finditer(cleaned):
        quoted, bare = match.groups()
        chunk = quoted if quoted is not None else bare
        prefix = chunk.endswith("*")
        pieces = list(_TOKEN_RE.finditer(chunk))
        if not pieces:
            continue
        if len(pieces) > 1:  # "grain output", 5.5%, GDP增长: one phrase
            # A phrase is consecutive index tokens: a CJK run inside it ends where the
            # next word starts, so its trailing character is part of the phrase.
            tokens: list[str] = []
            for i, piece in enumerate(pieces):
                cjk, word = piece.groups()
                if not cjk:
                    tokens.append(_word_token(word))
                elif i < len(pieces) - 1:
                    tokens.extend(_cjk_tokens(cjk))
                else:
                    tokens.extend(_cjk_tokens(cjk)[:-1] or [cjk])
            last_cjk = pieces[-1].group(1)
            terms.append(
                Term(
                    chunk.rstrip("*"),
                    tuple(tokens),
                    prefix=prefix or (last_cjk is not None and len(last_cjk) == 1),
                )
            )
            continue
        cjk, word = pieces[0].groups()
        if cjk and len(cjk) == 1:
            terms.append(Term(cjk, (cjk,), prefix=True, cjk=True))
        elif cjk:
            terms.append(Term(cjk, tuple(_cjk_tokens(cjk)[:-1]), cjk=True))
        else:
            terms.append(Term(word, (_word_token(word),), prefix=prefix))
    unique = list(dict.fromkeys(terms))
    if not unique:
        raise SearchError(f"nothing to search for in {query!r} (give words or Chinese characters)")
    if len(unique) > MAX_TERMS:
        raise SearchError(f"at most {MAX_TERMS} words or phrases in one query")
    return unique


def highlight_spans(sentence: str, terms: Iterable[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in ``sentence``: sorted, merged ``(start, end)`` code-point offsets."""
    spans: list[tuple[int, int]] = []
    words: list[tuple[int, int, str]] | None = None
    for term in terms:
        if term.cjk:
            start = sentence.find(term.raw)
            while start >= 0:
                spans.append((start, start + len(term.raw)))
                start = sentence.find(term.raw, start + 1)
            continue
        if words is None:
            words = []
            for match in _TOKEN_RE.finditer(sentence):
                cjk, word = match.groups()
                if cjk:
                    words.extend(
                        (match.start() + i, match.start() + i + len(tok), tok)
                        for i, tok in enumerate(_cjk_tokens(cjk))
                    )
                else:
                    words.append((match.start(), match.end(), _word_token(word)))
        n = len(term.tokens)
        for i in range(len(words) - n + 1):
            window = words[i : i + n]
            ok = all(w[2] == t for w, t in zip(window[:-1], term.tokens[:-1], strict=True))
            last = window[-1][2]
            if ok and (last.startswith(term.tokens[-1]) if term.prefix else last == term.tokens[-1]):
                spans.append((window[0][0], window[-1][1]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# -- keeping the index ------------------------------------------------------------------------


def has_index(conn: Connection) -> bool:
    """Whether this database has the index tables (a ledger at schema 0003 or later)."""
    return inspect(conn).has_table("search_documents")


def _fts(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def remove_document(conn: Connection, doc_id: str) -> None:
    """Drop a document's sentences from the index."""
    if _fts(conn):
        conn.execute(
            text(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) "
                "SELECT 'delete', id, tokens FROM search_sentences WHERE doc_id = :d"
            ),
            {"d": doc_id},
        )
    conn.execute(text("DELETE FROM search_sentences WHERE doc_id = :d"), {"d": doc_id})
    conn.execute(text("DELETE FROM search_documents WHERE doc_id = :d"), {"d": doc_id})


def language_token(language: str | None) -> str:
    """The token every sentence of a document in ``language`` carries, so a language filter is one more term."""
    return "zxlang" + "".join(ch for ch in (language or "").lower() if "a" <= ch <= "z")


def _sentence_rows(doc_id: str, body: str, language: str | None) -> list[dict[str, Any]]:
    from zhenxing.text.sentences import split_sentences

    marker = language_token(language)
    rows = []
    for start, end in split_sentences(body):
        sentence = body[start:end]
        tokens = index_tokens(sentence)
        if tokens:
            rows.append(
                {"d": doc_id, "s": start, "e": end, "sentence": sentence, "tokens": f"{tokens} {marker}"}
            )
    return rows


_INSERT_SENTENCE = text(
    'INSERT INTO search_sentences (doc_id, start, "end", sentence, tokens) VALUES (:d, :s, :e, :sentence, :tokens)'
)
_INSERT_DOCUMENT = text("INSERT INTO search_documents (doc_id, version) VALUES (:d, :v)")


def index_document(
    conn: Connection, doc_id: str, body: str, *, language: str | None = None, fts: bool = True
) -> int:
    """(Re)index one document's sentences; returns how many. ``fts=False`` leaves FTS5 to a later rebuild.

    ``language`` defaults to the stored document's.
    """
    remove_document(conn, doc_id)
    if language is None:
        language = conn.execute(text("SELECT language FROM documents WHERE id = :d"), {"d": doc_id}).scalar()
    rows = _sentence_rows(doc_id, body, language)
    if rows:
        conn.execute(_INSERT_SENTENCE, rows)
        if fts and _fts(conn):
            conn.execute(
                text(
                    f"INSERT INTO {FTS_TABLE}(rowid, tokens) "
                    "SELECT id, tokens FROM search_sentences WHERE doc_id = :d"
                ),
                {"d": doc_id},
            )
    conn.execute(_INSERT_DOCUMENT, {"d": doc_id, "v": TOKENIZER_VERSION})
    return len(rows)


def clear_index(conn: Connection) -> None:
    """Empty the index (the ledger was cleared)."""
    if _fts(conn):
        conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
    conn.execute(text("DELETE FROM search_sentences"))
    conn.execute(text("DELETE FROM search_documents"))


def on_document_written(conn: Connection, doc_id: str, body: str) -> None:
    """The ledger's hook: a document was stored or re-stored, in this transaction."""
    if has_index(conn):
        index_document(conn, doc_id, body)


def on_ledger_cleared(conn: Connection) -> None:
    """The ledger's hook: every document was deleted, in this transaction."""
    if has_index(conn):
        clear_index(conn)


def generation(conn: Connection) -> tuple[int, int]:
    """Changes when any document is stored, re-stored or removed: (newest index seq, indexed documents).

    Two indexed lookups, cheap enough to ask on every request.
    """
    row = conn.execute(text("SELECT max(seq), count(*) FROM search_documents")).one()
    return int(row[0] or 0), int(row[1] or 0)


def stale_documents(conn: Connection) -> tuple[list[str], list[str]]:
    """Documents to (re)index (missing, or another tokenizer version) and index entries without a document."""
    missing = conn.execute(
        text(
            "SELECT d.id FROM documents d LEFT JOIN search_documents s ON s.doc_id = d.id "
            "WHERE s.doc_id IS NULL OR s.version != :v ORDER BY d.id"
        ),
        {"v": TOKENIZER_VERSION},
    ).scalars()
    orphans = conn.execute(
        text(
            "SELECT s.doc_id FROM search_documents s LEFT JOIN documents d ON d.id = s.doc_id "
            "WHERE d.id IS NULL ORDER BY s.doc_id"
        )
    ).scalars()
    return list(missing), list(orphans)


def _index_many(
    ledger: Ledger, doc_ids: list[str], *, fts: bool, progress: Callable[[int, int], None] | None
) -> int:
    done = 0
    for i in range(0, len(doc_ids), _BATCH):
        chunk = doc_ids[i : i + _BATCH]
        with ledger.engine.begin() as conn:
            texts = conn.execute(
                text("SELECT id, text, language FROM documents WHERE id IN :ids").bindparams(
                    _expanding("ids")
                ),
                {"ids": chunk},
            ).all()
            for doc_id, body, language in texts:
                index_document(conn, doc_id, body, language=language, fts=fts)
        done += len(chunk)
        if progress:
            progress(done, len(doc_ids))
    return done


def _expanding(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def sync_index(ledger: Ledger, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Index what the ledger holds and the index does not (a ledger from before 0003, a tokenizer change).

    Returns the number of documents (re)indexed or dropped; 0 when the index was current.
    """
    with ledger.engine.connect() as conn:
        if not has_index(conn):
            raise SearchError("this ledger has no search index (its schema is older than 0003)")
        missing, orphans = stale_documents(conn)
    if orphans:
        with ledger.engine.begin() as conn:
            for doc_id in orphans:
                remove_document(conn, doc_id)
    return len(orphans) + _index_many(ledger, missing, fts=True, progress=progress)


def rebuild_index(ledger: Ledger, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop and rebuild the whole index from the stored texts; returns the number of documents."""
    with ledger.engine.begin() as conn:
        if not has_index(conn):
            raise SearchError("this ledger has no search index (its schema is older than 0003)")
        clear_index(conn)
        ids = list(conn.execute(text("SELECT id FROM documents ORDER BY id")).scalars())
    done = _index_many(ledger, ids, fts=False, progress=progress)
    with ledger.engine.begin() as conn:
        if _fts(conn):  # one bulk build is much faster than a document at a time
            conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    return done


def index_counts(conn: Connection) -> dict[str, int]:
    row = conn.execute(
        text("SELECT (SELECT count(*) FROM search_documents), (SELECT count(*) FROM search_sentences)")
    ).one()
    return {"documents": int(row[0]), "sentences": int(row[1])}


# -- querying ----------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchHit:
    """A sentence that matches, where it is, and which parts of it matched."""

    doc_id: str
    doc: str  # document name
    title: str | None
    date: str | None
    language: str
    sentence: str
    start: int  # of the sentence in the document text (code points)
    end: int
    highlights: list[tuple[int, int]] = field(default_factory=list)  # offsets within ``sentence``

    def to_record(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "doc": self.doc,
            "title": self.title,
            "date": self.date,
            "language": self.language,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "highlights": [list(span) for span in self.highlights],
        }


@dataclass(slots=True)
class SearchResults:
    query: str
    terms: list[Term]
    hits: list[SearchHit]
    total: int  # counted up to COUNT_CAP
    total_capped: bool
    limit: int
    offset: int
    order: str = "relevance"


def fts5_query(terms: Iterable[Term]) -> str:
    """The FTS5 MATCH expression: every term a quoted phrase (prefix ``*`` outside the quotes), ANDed."""
    return " AND ".join('"' + " ".join(t.tokens) + '"' + ("*" if t.prefix else "") for t in terms)


def tsquery(terms: Iterable[Term]) -> str:
    """The PostgreSQL ``to_tsquery('simple', ...)`` expression: phrases with ``<->``, prefixes with ``:*``.

    Tokens are letters and digits only, so quoting each cannot be broken out
    of; quotes and backslashes are escaped all the same.
    """
    parts = []
    for t in terms:
        words = ["'" + tok.replace("\\", "\\\\").replace("'", "''") + "'" for tok in t.tokens]
        if t.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def _filters(doc_id: str | None, language: str | None) -> tuple[str, dict[str, Any]]:
    sql, params = "", {}
    if doc_id:
        sql += " AND s.doc_id = :doc_id"
        params["doc_id"] = doc_id
    if language:
        sql += " AND d.language = :language"
        params["language"] = language
    return sql, params


_COLUMNS = 's.doc_id, d.name, d.title, d.date, d.language, s.sentence, s.start, s."end"'


def search(
    conn: Connection,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    doc_id: str | None = None,
    language: str | None = None,
    order: str = "auto",
) -> SearchResults:
    """Sentences containing every term of ``query``; ``doc_id`` and ``language`` narrow it.

    ``order``: "relevance" (BM25, best first), "recent" (newest indexed
    first), or "auto": relevance up to ``COUNT_CAP`` matches, recent beyond,
    where ranking every match of a common word would cost more than the rest
    of the request and say little (every sentence contains the word).
    Totals are counted up to ``COUNT_CAP``. PostgreSQL orders the same way,
    ranked by ``ts_rank`` instead of BM25; other backends by index order.
    """
    if order not in ("auto", "relevance", "recent"):
        raise SearchError(f"order {order!r}: one of auto, relevance, recent")
    used = "relevance"
    terms = parse_query(query)
    if not has_index(conn):
        raise SearchError("this ledger has no search index (open it with this zhenxing to migrate it)")
    limit = max(0, min(limit, 200))
    offset = max(0, offset)
    where, params = _filters(doc_id, language)
    params.update(limit=limit, offset=offset, cap=COUNT_CAP + 1)
    dialect = conn.dialect.name
    if dialect == "sqlite":
        # Rank inside FTS5 alone, then join the page's few rows: joining first
        # made SQLite visit every match's sentence and document.
        params["q"] = fts5_query(terms)
        matched = f"{FTS_TABLE} MATCH :q"
        if doc_id:
            matched += " AND rowid IN (SELECT id FROM search_sentences WHERE doc_id = :doc_id)"
        if language:  # a marker token in every sentence: a join here would cost seconds
            params["q"] += f' AND "{language_token(language)}"'
        counted = conn.execute(
            text(f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {matched} LIMIT :cap)"), params
        ).scalar()
        if order == "relevance" or (order == "auto" and (counted or 0) <= COUNT_CAP):
            ranking, used = "rank", "relevance"
        else:  # ranking every one of many matches costs more than it tells: newest first
            ranking, used = "rowid DESC", "recent"
        rows = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM (SELECT rowid AS rid, {ranking.split()[0]} AS r FROM {FTS_TABLE} "
                f"WHERE {matched} ORDER BY {ranking} LIMIT :limit OFFSET :offset) m "
                "JOIN search_sentences s ON s.id = m.rid JOIN documents d ON d.id = s.doc_id "
                f"ORDER BY m.r{' DESC' if used == 'recent' else ''}, s.id"
            ),
            params,
        ).all()
    elif dialect == "postgresql":
        # The GIN index of migration 0003 is on exactly this expression; the language is a
        # marker token there too, so a filter is one more term the index answers.
        params["q"] = tsquery(terms) + (f" & '{language_token(language)}'" if language else "")
        match = "to_tsvector('simple', s.tokens) @@ to_tsquery('simple', :q)"
        where, _ = _filters(doc_id, None)
        counted = conn.execute(
            text(f"SELECT count(*) FROM (SELECT s.id FROM search_sentences s WHERE {match}{where} LIMIT :cap) c"),
            params,
        ).scalar()
        if order == "relevance" or (order == "auto" and (counted or 0) <= COUNT_CAP):
            rank = "ts_rank(to_tsvector('simple', s.tokens), to_tsquery('simple', :q))"
            ranking, used = f"{rank} DESC, s.id", "relevance"
        else:  # as on SQLite: ranking every one of many matches costs more than it tells
            ranking, used = "s.id DESC", "recent"
        rows = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM (SELECT s.id FROM search_sentences s WHERE {match}{where} "
                f"ORDER BY {ranking} LIMIT :limit OFFSET :offset) m "
                "JOIN search_sentences s ON s.id = m.id JOIN documents d ON d.id = s.doc_id "
                f"ORDER BY {ranking}"
            ),
            params,
        ).all()
    else:  # any other backend: a scan, correct but slow
        likes = []
        for i, t in enumerate(terms):
            params[f"t{i}"] = f"%{t.raw.replace('%', '').replace('_', '')}%"
            likes.append(f"lower(s.sentence) LIKE lower(:t{i})")
        base = (
            "FROM search_sentences s JOIN documents d ON d.id = s.doc_id WHERE " + " AND ".join(likes) + where
        )
        rows = conn.execute(
            text(f"SELECT {_COLUMNS} {base} ORDER BY s.id LIMIT :limit OFFSET :offset"), params
        ).all()
        counted = conn.execute(
            text(f"SELECT count(*) FROM (SELECT s.id {base} LIMIT :cap) AS c"), params
        ).scalar()
    hits = [
        SearchHit(
            doc_id=row[0],
            doc=row[1],
            title=row[2],
            date=row[3],
            language=row[4],
            sentence=row[5],
            start=row[6],
            end=row[7],
            highlights=highlight_spans(row[5], terms),
        )
        for row in rows
    ]
    total = int(counted or 0)
    return SearchResults(
        query=query,
        terms=terms,
        hits=hits,
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        limit=limit,
        offset=offset,
        order=used,
    )
