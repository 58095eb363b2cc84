"""HTML to main text with trafilatura, plus the fixes it needs for our pages.

Why trafilatura: best main-text F1 of the libraries measured (see
shared/notes/libraries.md) and it drops navigation, footers, image attributes
and (with ``include_comments=False``) reader comments.  Its one flaw that
matters here: text that is not wrapped in a block element (a "loose" line
right after an image ``<div>``, as in the lead of sample 004, or ``<br>``-
separated lines directly inside a ``<div>``) may be dropped.  We wrap every
such run in a ``<p>`` before extraction, which keeps it without changing what
trafilatura considers boilerplate.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from zhenxing.ingest.dates import parse_date

_TAG_RE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|br|span|a\s|table|tr|td|ul|ol|li|h[1-6]|article|section|"
    r"img\s|strong|em|meta|title|script|style|font|center|header|footer|nav)\b",
    re.IGNORECASE,
)
_STARTS_AS_HTML_RE = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)

_XML_DECLARATION_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")

# Elements whose direct text runs we may wrap, and elements that end such a run.
_CONTAINERS = frozenset(
    [
        "div",
        "section",
        "article",
        "main",
        "body",
        "td",
        "th",
        "blockquote",
        "center",
        "form",
        "aside",
        "header",
        "footer",
        "figure",
    ]
)
_BLOCKS = frozenset(
    [
        "div",
        "p",
        "table",
        "ul",
        "ol",
        "dl",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "figure",
        "blockquote",
        "pre",
        "hr",
        "form",
        "center",
        "main",
        "address",
        "details",
        "fieldset",
        "br",
    ]
)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publication_date",
    "citation_publication_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
    "firstpublishedtime",
    "datepublished",
    "date",
)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(slots=True)
class HtmlText:
    """Main text and the metadata the page itself states."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    source: str | None = None


def looks_like_html(text: str) -> bool:
    """True when ``text`` is markup, whatever the file's extension.

    A page starts with a doctype/``<html>``, or a body fragment (a .txt or .md
    file holding a scraped ``<div>``) is mostly tags: at least 5 known tags and
    one per 400 characters.  A Markdown file with a stray ``<br>`` is not HTML.
    """
    head = text[:2048]
    if _STARTS_AS_HTML_RE.match(head):
        return True
    sample = text[:200_000]
    tags = len(_TAG_RE.findall(sample))
    return tags >= 5 and tags * 400 >= len(sample.strip())


def _is_block(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in _BLOCKS


def _wrap_loose_text(root: etree._Element) -> None:
    """Wrap text that sits directly in a container, between blocks, in ``<p>``.

    Runs of loose text and inline elements (``<b>``, ``<a>``, ``<span>`` …)
    between two block elements (or ``<br>``) become one paragraph each.
    """
    for container in list(root.iter(*_CONTAINERS)):
        children = list(container)
        if not children or not any(_is_block(child) for child in children):
            continue
        # Runs: (text, [inline elements]) starting at container.text or a block's tail.
        runs: list[tuple[etree._Element | None, list[etree._Element]]] = []
        current: tuple[etree._Element | None, list[etree._Element]] = (None, [])
        for child in children:
            if _is_block(child) or not isinstance(child.tag, str):
                runs.append(current)
                current = (child, [])
            else:
                current[1].append(child)
        runs.append(current)
        for anchor, inline in runs:
            lead = container.text if anchor is None else anchor.tail
            if not (lead and lead.strip()) and not any(
                (element.text_content() if hasattr(element, "text_content") else "").strip()
                for element in inline
            ):
                continue
            paragraph = lxml_html.Element("p")
            paragraph.text = lead
            if anchor is None:
                container.text = None
                container.insert(0, paragraph)
            else:
                anchor.tail = None
                anchor.addnext(paragraph)
            for element in inline:
                paragraph.append(element)  # moves it, tail included


def _meta_content(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def _page_title(root: etree._Element, meta: dict[str, str]) -> str | None:
    for key in ("og:title", "twitter:title", "articletitle", "title"):
        if meta.get(key):
            return meta[key]
    for tag in ("h1", "title"):
        for element in root.iter(tag):
            text = " ".join(element.text_content().split())
            if text:
                return text
    return None


def _page_date(root: etree._Element, meta: dict[str, str]) -> str | None:
    for key in _DATE_META:
        if key in meta:
            date = parse_date(meta[key])
            if date:
                return date
    for element in root.iter("time"):
        date = parse_date(element.get("datetime") or element.text_content())
        if date:
            return date
    return None


def extract_html(markup: str) -> HtmlText:
    """Main text of a page or fragment, one paragraph per line, and its title/date.

    Raises ValueError when the markup cannot be parsed at all; returns an
    empty text when the page has no main text (the caller reports it).
    """
    import trafilatura  # imported here: it is slow to import and only pages need it

    markup = _XML_DECLARATION_RE.sub("", markup, count=1)  # lxml refuses str input that declares an encoding
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as error:
        raise ValueError(f"cannot parse HTML ({error})") from None
    meta = _meta_content(root)
    title = _page_title(root, meta)
    date = _page_date(root, meta)
    author = meta.get("author") or None
    source = meta.get("og:site_name") or meta.get("source") or meta.get("sitename") or None
    _wrap_loose_text(root)
    text = trafilatura.extract(
        root,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        fast=True,  # no readability/jusText fallback: 1.5x faster, same F1 on the benchmark (notes)
        output_format="txt",
        with_metadata=False,
    )
    return HtmlText(text=text or "", title=title, date=date, author=author, source=source)
