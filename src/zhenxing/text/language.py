"""Language of a paragraph or a document: ``zh``, ``en`` or ``mixed``.

Only Chinese and English are in scope, so a character count is enough and far
faster than a statistical identifier: a paragraph is Chinese when Han
characters dominate its letters.  Latin letters are weighed per word, not per
letter, because an English word carries about as much as one Han character; a
Chinese sentence naming "GDP" or "5G" stays Chinese.
"""

from __future__ import annotations

import re

# Han ideographs (basic block, extension A, compatibility) and CJK punctuation
# are not counted as letters; the punctuation says nothing once the text is NFC.
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_PARAGRAPH_RE = re.compile(r"[^\n]+")

# Share of "letters" (Han characters + Latin words) that are Han.
ZH_THRESHOLD = 0.7  # at or above: zh
EN_THRESHOLD = 0.3  # at or below: en; in between: mixed
# Document level: a language must hold this share of the weighted paragraphs.
DOC_SHARE = 0.8


def han_and_words(text: str) -> tuple[int, int]:
    """Number of Han characters and of Latin words in ``text``."""
    return len(_HAN_RE.findall(text)), len(_LATIN_WORD_RE.findall(text))


def _classify(han: int, words: int) -> str | None:
    total = han + words
    if total == 0:
        return None
    share = han / total
    if share >= ZH_THRESHOLD:
        return "zh"
    if share <= EN_THRESHOLD:
        return "en"
    return "mixed"


def paragraph_language(text: str) -> str | None:
    """Language of one paragraph, or None when it has no letters (numbers only)."""
    return _classify(*han_and_words(text))


def paragraph_languages(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, lang)`` for every non-empty line of ``text``.

    Lines without letters inherit the language of the line before (or "en" at
    the start), so every line has one and callers need no special case.
    """
    spans: list[tuple[int, int, str]] = []
    previous = None
    for match in _PARAGRAPH_RE.finditer(text):
        if not match.group().strip():
            continue
        lang = paragraph_language(match.group()) or previous
        spans.append((match.start(), match.end(), lang or "en"))
        previous = lang or previous
    return spans


def detect_language(text: str) -> str:
    """``zh``, ``en`` or ``mixed`` for a paragraph or a whole document.

    A single paragraph is classed by its Han share.  For several paragraphs,
    each is classed and weighted by its size: a document is ``zh`` or ``en``
    when that language holds at least 80 % of the weight, else ``mixed`` (a
    Chinese dateline on top of an English report does not make it mixed).
    Text without letters is ``en``, the dataclass default.
    """
    if "\n" not in text:
        return paragraph_language(text) or "en"
    weight = {"zh": 0, "en": 0, "mixed": 0}
    for match in _PARAGRAPH_RE.finditer(text):
        han, words = han_and_words(match.group())
        lang = _classify(han, words)
        if lang is not None:
            weight[lang] += han + words
    total = sum(weight.values())
    if total == 0:
        return "en"
    for lang in ("zh", "en"):
        if weight[lang] >= DOC_SHARE * total:
            return lang
    return "mixed"
