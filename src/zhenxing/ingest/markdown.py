"""YAML front matter and Markdown syntax, removed so that only the words remain.

Why not render Markdown to HTML and extract: the plain text is what quotes are
cut from, so it must read as the author wrote it; a line-by-line removal of
markup (heading marks, emphasis, link targets, images, table rules) keeps every
word and every line break where it was.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from zhenxing.ingest.reflow import join_lines

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built: 10x faster

_FRONT_MATTER_RE = re.compile(r"\A\s*---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$")
_RULE_RE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+)\s*$")
_LINK_DEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE_RE = re.compile(r"`([^`\n]+)`")
_QUOTE_RE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET_RE = re.compile(r"^\s*[-*+]\s+(?=\S)")
_ORDERED_RE = re.compile(r"^\s*\d{1,3}[.)]\s+(?=\S)")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>\n]*>|<!--.*?-->", re.DOTALL)
_MARKDOWN_HINT_RE = re.compile(
    r"^\s{0,3}#{1,6}\s+\S|\]\([^)]+\)|^\s*[-*+]\s+\S|^\s*\|.*\|\s*$|\*\*\S", re.MULTILINE
)


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str, str | None]:
    """``(metadata, body, problem)``: YAML front matter split off the top of ``text``.

    metadata is None when there is no front matter.  Broken YAML does not stop
    the document: the block is dropped, metadata is ``{}`` and ``problem`` says
    why (the loader records it in ``Document.meta``).
    """
    match = _FRONT_MATTER_RE.match(text)
    if match is None:
        return None, text, None
    block = match.group(1) or ""
    body = text[match.end() :]
    try:
        data = yaml.load(block, Loader=SAFE_LOADER) if block.strip() else {}
    except yaml.YAMLError as error:
        return {}, body, f"invalid YAML front matter ({str(error).splitlines()[0]})"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        # "---" rules around ordinary text, not front matter.
        return None, text, None
    return {str(key).strip().lower(): value for key, value in data.items()}, body, None


def looks_like_markdown(text: str) -> bool:
    """At least three Markdown constructs (headings, links, bullets, tables, bold)."""
    return len(_MARKDOWN_HINT_RE.findall(text[:100_000])) >= 3


def _inline(line: str) -> str:
    line = _IMAGE_RE.sub("", line)
    line = _LINK_RE.sub(lambda m: m.group(1) or m.group(2), line)
    line = _AUTOLINK_RE.sub("", line)
    line = _CODE_RE.sub(r"\1", line)
    line = _STRONG_RE.sub(r"\2", line)
    line = _EMPHASIS_RE.sub(r"\1", line)
    return line


def markdown_to_text(body: str) -> str:
    """Plain text of a Markdown body: the words, one paragraph per line.

    Lines of one Markdown paragraph (soft-wrapped source) are joined, as a
    renderer would: a line break must mean a paragraph break downstream.
    Headings, list items and table rows stay lines of their own.
    """
    body = _HTML_TAG_RE.sub("", body)
    lines: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = paragraph[0]
            for piece in paragraph[1:]:
                joined = join_lines(joined, piece)
            lines.append(_inline(joined))
            paragraph.clear()

    in_fence = False
    for raw in body.split("\n"):
        if _FENCE_RE.match(raw):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            lines.append(raw)
            continue
        if not raw.strip():
            flush()
            lines.append("")
            continue
        if _RULE_RE.match(raw) or _LINK_DEF_RE.match(raw) or _TABLE_RULE_RE.match(raw):
            flush()
            continue
        heading = _HEADING_RE.match(raw)
        stripped = raw.strip()
        if heading:
            flush()
            lines.append(_inline(heading.group(1)))
            continue
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            flush()
            lines.append(_inline("\t".join(cell.strip() for cell in stripped[1:-1].split("|"))))
            continue
        line = _QUOTE_RE.sub("", raw)
        if _BULLET_RE.match(line) or _ORDERED_RE.match(line):
            flush()
            line = _BULLET_RE.sub("", line)
        hard_break = raw.endswith("  ") or raw.endswith("\\")
        paragraph.append(line.strip().rstrip("\\").rstrip())
        if hard_break:
            flush()
    flush()
    return "\n".join(lines)
