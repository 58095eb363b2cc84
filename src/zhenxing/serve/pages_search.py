"""The search page: sentences of every document that match a query, Chinese and English alike.

The search engine is not ours: ``zhenxing.ledger.search`` tokenizes (CJK
bigrams, stemmed English words), indexes and ranks. This module only asks
it and lays the hits out as a table whose matched words are highlighted on
escaped text, like every other sentence in the dashboard, with a link into
the document at that sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from zhenxing.serve.pages_i18n import Translator
from zhenxing.serve.pages_tables import Cell, Column, Row, Table
from zhenxing.serve.pages_text import sentence_marks
from zhenxing.serve.pages_views import Context, register_export

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger

PAGE_SIZE = 50
LANGUAGE_FILTERS = ("", "zh", "en", "mixed")


@dataclass(slots=True)
class SearchPage:
    query: str
    language: str
    table: Table
    total: int = 0
    capped: bool = False
    offset: int = 0
    error: str | None = None
    pages: list[tuple[int, str]] = field(default_factory=list)  # (page number, url)


def _sentence_url(doc_id: str, start: int, end: int) -> str:
    """The document opened on a sentence: ``at=START-END`` frames it, ``#focus`` scrolls to it."""
    return f"/document/{quote(doc_id, safe='')}?{urlencode({'at': f'{start}-{end}'})}#focus"


def run_search(ledger: Ledger, query: str, *, language: str | None, limit: int, offset: int) -> Any:
    """The search engine's results (``SearchResults``); ``SearchError`` for a query it cannot run."""
    from zhenxing.ledger.search import search

    with ledger.engine.connect() as conn:
        return search(conn, query, limit=limit, offset=offset, language=language or None)


def results_table(hits: list[Any], t: Translator, params: Mapping[str, str]) -> Table:
    columns = [
        Column("sentence", t("col.sentence")),
        Column("document", t("col.document")),
        Column("date", t("col.date")),
        Column("language", t("col.language")),
    ]
    rows = []
    for hit in hits:
        html: Markup = sentence_marks(hit.sentence, hit.highlights, kind="hit")
        rows.append(
            Row(
                [
                    Cell(hit.sentence, html=html),
                    Cell(hit.doc, href=_sentence_url(hit.doc_id, hit.start, hit.end), note=hit.title),
                    Cell(hit.date or ""),
                    Cell(
                        t(f"language.{hit.language}") if t.has(f"language.{hit.language}") else hit.language
                    ),
                ]
            )
        )
    kept = {k: params.get(k) or "" for k in ("q", "language", "offset")}
    return Table("search", columns, rows, params=kept, caption=t("search.results"), empty=t("search.none"))


def search_page(ctx: Context, params: Mapping[str, str]) -> SearchPage:
    from zhenxing.ledger.search import SearchError

    ledger, t = ctx.ledger, ctx.t
    query = (params.get("q") or "").strip()
    lang = params.get("language") or ""
    if lang not in LANGUAGE_FILTERS:
        lang = ""
    try:
        offset = max(0, int(params.get("offset") or 0))
    except ValueError:
        offset = 0
    if not query:
        return SearchPage(query, lang, results_table([], t, params))
    try:
        found = run_search(ledger, query, language=lang, limit=PAGE_SIZE, offset=offset)
    except SearchError as exc:
        return SearchPage(query, lang, results_table([], t, params), error=str(exc))
    page = SearchPage(
        query, lang, results_table(found.hits, t, params), found.total, found.total_capped, offset
    )
    for number, start in enumerate(range(0, min(found.total, 1000), PAGE_SIZE), start=1):
        query_string = urlencode(
            {k: v for k, v in {"q": query, "language": lang, "offset": start}.items() if v}
        )
        page.pages.append((number, f"/search?{query_string}"))
    return page


def _export(ctx: Context, params: Mapping[str, str]) -> Table:
    return search_page(ctx, params).table


register_export("search", _export)
