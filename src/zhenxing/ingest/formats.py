"""Turn decoded file content into plain text, choosing the format by content.

Why by content and not by extension: crawled corpora save pages as ``.txt``
(sample 004 is an HTML fragment under YAML front matter in a ``.txt``), and a
``.md`` may be plain text.  The extension only breaks a tie for Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhenxing.ingest.html import extract_html, looks_like_html
from zhenxing.ingest.markdown import looks_like_markdown, markdown_to_text, split_front_matter
from zhenxing.ingest.reflow import looks_hard_wrapped, reflow
from zhenxing.text.normalize import normalize_newlines

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})


class FormatProblem(Exception):
    """Content that cannot give text; the message is the user-facing problem."""


@dataclass(slots=True)
class Converted:
    """Plain text of a document body plus what its format itself said about it."""

    text: str
    format: str
    front_matter: dict[str, Any] | None = None
    title: str | None = None  # from the page (<title>, og:title, PDF info)
    date: str | None = None  # from the page's own metadata
    author: str | None = None
    source: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)


def convert_text(raw: str, suffix: str) -> Converted:
    """Plain text of decoded content: front matter split, then HTML, Markdown or text."""
    raw = normalize_newlines(raw).lstrip("\ufeff")
    front_matter, body, problem = split_front_matter(raw)
    notes: dict[str, Any] = {}
    if problem:
        notes["front_matter_problem"] = problem
    if looks_like_html(body):
        try:
            page = extract_html(body)
        except ValueError as error:
            raise FormatProblem(str(error)) from None
        if not page.text.strip():
            raise FormatProblem("HTML page has no main text")
        return Converted(
            text=page.text,
            format="html",
            front_matter=front_matter,
            title=page.title,
            date=page.date,
            author=page.author,
            source=page.source,
            notes=notes,
        )
    if front_matter is not None or suffix.lower() in MARKDOWN_SUFFIXES or looks_like_markdown(body):
        return Converted(
            text=markdown_to_text(body), format="markdown", front_matter=front_matter, notes=notes
        )
    if looks_hard_wrapped(body):
        notes["reflowed"] = True
        body = "\n".join(reflow(body))
    return Converted(text=body, format="text", notes=notes)
