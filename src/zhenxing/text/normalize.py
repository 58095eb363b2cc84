"""Canonical plain text: the one string every offset, quote and id refers to.

Why these steps and no more: the same document saved as UTF-8 or GB18030, with
CRLF or LF, with or without a BOM must give the same text (and so the same id),
but the characters a reader sees must stay as they are.  NFC merges composed and
decomposed forms; NFKC would also turn full-width punctuation (，。：％) into
ASCII, which changes the quotes the facts cite, so it is not used.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# C0/C1 control characters other than TAB and LF: invisible, and they break
# JSON output and quote matching.  CR is handled before (line endings).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_TRAILING_WS_RE = re.compile(r"[^\S\n]+(?=\n)")
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def normalize_newlines(text: str) -> str:
    """CRLF, CR, form feed and Unicode line/paragraph separators become LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x0c" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.replace("\x0c", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
        text = text.replace("\x85", "\n")
    return text


def normalize_text(text: str) -> str:
    """Return the canonical plain text of ``text``.

    NFC, LF line endings, no BOM or control characters, no trailing white space
    on any line, at most one blank line in a row, no leading or trailing blank
    lines.  Idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    text = normalize_newlines(text)
    text = _CONTROL_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _TRAILING_WS_RE.sub("", text + "\n")
    text = _BLANK_RUN_RE.sub("\n\n", text)
    return text.strip()


def text_id(text: str) -> str:
    """SHA-256 hex of the canonical text: same content, same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
