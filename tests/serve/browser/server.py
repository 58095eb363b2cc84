"""The ledger the page tests serve: the demo ledger, a document made of markup, and a write token.

The server itself is the serve tests' (``tests/serve/conftest.py``:
``start_server``, a real uvicorn on a free port over ``create_app``); this
module only builds what it serves, so the pages are tested on the demo a
newcomer sees plus the worst document an upload could bring.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhenxing.model import Document, Fact

HOSTILE_NAME = "hostile-markup.txt"
# A document whose text is markup: every piece of it must show as text and run nothing.
HOSTILE_TEXT = (
    "Hostile test document.\n"
    "<script>window.__pwned = 'script'; alert('script')</script>\n"
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">\n"
    "<a href=\"javascript:window.__pwned='link'\">click me</a>\n"
    '<svg onload="window.__pwned = \'svg\'"><circle r="5"/></svg>\n'
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>\n"
    "<style>body { display: none }</style>\n"
    "The city will build <b>1,200</b> homes in 2023 and GDP will grow by 6%<script>alert(1)</script>.\n"
)
HOSTILE_TITLE = "<img src=x onerror=\"window.__pwned='title'\"> Hostile title"
HOSTILE_SOURCE = "javascript:window.__pwned='source'"


@dataclass(frozen=True, slots=True)
class Site:
    """A running server over a ledger built here, and a write token for signing in."""

    url: str
    db: Path
    token: str


def hostile_document() -> tuple[Document, list[Fact]]:
    """The hostile document and two facts on its figures, stored as the extractor would store them."""
    import hashlib

    text = HOSTILE_TEXT
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc = Document(
        id=doc_id,
        name=HOSTILE_NAME,
        text=text,
        title=HOSTILE_TITLE,
        date="2023-02-01",
        source=HOSTILE_SOURCE,
        language="en",
    )
    facts = []
    sentence = (
        "The city will build <b>1,200</b> homes in 2023 and GDP will grow by 6%<script>alert(1)</script>."
    )
    s_start = text.index(sentence)
    for figure, value, unit, indicator, change in (
        ("1,200", 1200.0, "items", None, "level"),
        ("6%", 6.0, "%", "gdp", "growth"),
    ):
        start = text.index(figure, s_start)
        facts.append(
            Fact(
                doc=HOSTILE_NAME,
                quote=sentence,
                value=value,
                unit=unit,
                comparator="=",
                indicator=indicator,
                label="homes <script>" if indicator is None else "GDP",
                period="2023",
                region="Liaoning",
                kind="target",
                change=change,
                start=start,
                end=start + len(figure),
                sentence_start=s_start,
                sentence_end=s_start + len(sentence),
                doc_id=doc_id,
                language="en",
                text=figure,
            )
        )
    return doc, facts


def build_ledger(folder: Path) -> tuple[Path, str]:
    """The demo ledger, the hostile document, and a write token; returns the database path and the token."""
    from zhenxing.demo import build_demo
    from zhenxing.ledger.store import Ledger
    from zhenxing.serve.auth import create_token

    db = folder / "ledger.db"
    results = build_demo(db)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    with Ledger(db) as ledger:
        doc, facts = hostile_document()
        ledger.add_document(doc, facts)
        _, token = create_token(ledger, "test-writer")
    return db, token
