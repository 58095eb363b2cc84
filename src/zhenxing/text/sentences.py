"""Sentence spans for Chinese, English and mixed text, as code-point offsets.

Why a regex splitter of our own rather than sentencex: sentencex is accurate,
but it returns strings (offsets must be recovered by searching), it must be
told one language per call while our documents mix both within a page, and it
does not know the two rules the fact records need:

* a line break always ends a sentence (paragraphs are never merged);
* no sentence is longer than a quote can be: a facts' quote over 1,500
  characters matches nothing, so a run-on sentence (Chinese work reports chain
  clauses with ；) is cut at its semicolons once it is longer than
  ``soft_max``, and anything still longer than ``hard_max`` at commas.

Semicolons are *not* boundaries in ordinary sentences: a clause after ； often
depends on the time or place named before it, and a quote must keep that.

English full stops are the hard part: abbreviations (Mr., No. 5, Co., Ltd.,
U.S., e.g.), initials, list numbers ("1. ") and decimals (2.1, "5.8%.") are
handled by looking at the word before the stop and the character after it.
Speed: see ``benchmarks/html_pdf_throughput.py`` (tens of MB/s).
"""

from __future__ import annotations

import re

SOFT_MAX = 400  # longer sentences are cut at ；/; (code points)
HARD_MAX = 1000  # longer pieces are cut at ，/, or, failing that, anywhere

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLOSERS = "\"'”’）)】」』》]"
_CLOSERS_CLASS = _CLOSERS.replace("]", "\\]")
# One branch per kind of candidate boundary; the match covers the terminator and
# the closing quotes/brackets that belong to the sentence. The pattern starts with
# the class of all terminators and each branch checks which one it took, so that
# re skips to the next terminator in C (an alternation of ``\n | [。！？]… | …``
# has no common start and was tried at every character).
_BOUNDARY_RE = re.compile(
    rf"""
    [\n。！？!?.]
    (?: (?<=\n)
      | (?<=[。！？])[。！？!?{_CLOSERS_CLASS}]*
      | (?<=[!?])[!?。！？{_CLOSERS_CLASS}]*(?=\s|$|[{_HAN}])
      | (?<=\.)[.!?{_CLOSERS_CLASS}]*(?=\s|$|[{_HAN}])
    )
    """,
    re.VERBOSE,
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_LIST_NUMBER_RE = re.compile(r"\(?(?:\d{1,3}|[IVXivx]{1,4}|[A-Za-z])")
# What may stand before a list number: a line start or the end of a sentence or clause.
_LIST_CONTEXT = frozenset("\n.!?:;。！？：；" + _CLOSERS)

# Never a sentence end, whatever follows.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "capt",
        "sgt",
        "rev",
        "hon",
        "gov",
        "sen",
        "rep",
        "pres",
        "co",
        "vs",
        "cf",
        "e.g",
        "i.e",
        "etc.al",
        "al",
        "approx",
        "dept",
        "est",
        "ca",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
    ]
)
# Sentence end unless a number follows ("No. 5", "Art. 12", "pp. 3").
_NUMBER_ABBREVIATIONS = frozenset(
    ["no", "nos", "art", "arts", "sec", "fig", "figs", "vol", "p", "pp", "para", "ch"]
)
_SEMICOLON_RE = re.compile(r"[；;](?=\s|[^\x00-\x7f])")
_COMMA_RE = re.compile(r"[，,、](?!\d)")


def _dot_is_boundary(text: str, start: int, end: int) -> bool:
    """Decide whether the full stop(s) matched at ``start:end`` end a sentence."""
    if end >= len(text):
        return True
    # What comes next, after white space on the same line.
    position = end
    length = len(text)
    while position < length and text[position] in " \t\u3000\xa0":
        position += 1
    if position >= length or text[position] == "\n":
        return True
    following = text[position]
    if following.islower():
        return False  # "approx. five", "etc. and", "Inc. said"
    # The word right before the stop, with inner dots ("U.S", "e.g").
    begin = start
    while begin > 0 and start - begin < 24 and text[begin - 1] in _WORD_CHARS:
        begin -= 1
    word = text[begin:start].lstrip(".")
    if word:
        key = word.lower().rstrip(".")
        if key in _ABBREVIATIONS:
            return False
        if key in _NUMBER_ABBREVIATIONS and following.isdigit():
            return False
        if len(word) == 1 and word.isupper():
            return False  # initials: "J. Smith", "I. A review"
        if "." in word and len(key) <= 6 and text[start + 1 : end].strip(_CLOSERS) == "":
            return False  # dotted acronyms: "U.S. economy", "a.m."
    # "1. The first item": a list number at the start of a line or sentence.
    begin = start
    while begin > 0 and start - begin < 6 and not text[begin - 1].isspace():
        begin -= 1
    if _LIST_NUMBER_RE.fullmatch(text[begin:start]) is None:
        return True
    while begin > 0 and text[begin - 1] in " \t\u3000\xa0":
        begin -= 1
    if begin > 0 and text[begin - 1] not in _LIST_CONTEXT:
        return True
    if begin > 0 and text[begin - 1] == ".":
        # "on Jan. 20. The": the stop before the number ends an abbreviation, not a sentence.
        word_start = begin - 1
        while word_start > 0 and begin - word_start < 24 and text[word_start - 1] in _WORD_CHARS:
            word_start -= 1
        if text[word_start : begin - 1].lower().strip(".") in _ABBREVIATIONS:
            return True
    return False


def _emit(
    text: str, start: int, end: int, spans: list[tuple[int, int]], soft_max: int, hard_max: int
) -> None:
    """Append the trimmed span ``start:end``, cut further when too long."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if end - start <= soft_max:
        spans.append((start, end))
        return
    piece_start = start
    for match in _SEMICOLON_RE.finditer(text, start, end):
        cut = match.end()
        if cut - piece_start >= 2:
            _emit_hard(text, piece_start, cut, spans, hard_max)
            piece_start = cut
    _emit_hard(text, piece_start, end, spans, hard_max)


def _emit_hard(text: str, start: int, end: int, spans: list[tuple[int, int]], hard_max: int) -> None:
    """Append ``start:end``, trimmed, cut at commas (or anywhere) into pieces of at most ``hard_max``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > hard_max:
        limit = start + hard_max
        cut = None
        for match in _COMMA_RE.finditer(text, start + hard_max // 2, limit):
            cut = match.end()
        if cut is None:
            space = text.rfind(" ", start + hard_max // 2, limit)
            cut = space + 1 if space > 0 else limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))


def split_sentences(
    text: str, *, soft_max: int = SOFT_MAX, hard_max: int = HARD_MAX
) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, in order, without surrounding white space.

    ``text[start:end]`` is the sentence.  Every line break ends a sentence;
    Chinese 。！？ always end one; English . ! ? end one when white space (or a
    Han character) follows and the word before is not an abbreviation.
    Sentences longer than ``soft_max`` are cut at semicolons, pieces longer
    than ``hard_max`` at commas.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    # Straight double quotes seen so far on the current line: a " right after
    # a full stop closes a quotation when one is open, but opens the next
    # sentence's quotation otherwise (reposted Chinese pages write both “ and
    # ” as ").  Counted incrementally so long lines stay linear.
    quotes_open = False
    scanned = 0
    for match in _BOUNDARY_RE.finditer(text):
        mark = match.group()
        if mark == "\n":
            _emit(text, start, match.start(), spans, soft_max, hard_max)
            start = scanned = match.end()
            quotes_open = False
            continue
        end = match.end()
        if '"' in mark:
            quote = text.index('"', match.start(), end)
            if text.count('"', scanned, quote) % 2:
                quotes_open = not quotes_open
            if not quotes_open:
                end = quote  # the quote opens what follows
            quotes_open = not quotes_open
            scanned = quote + 1
        if mark[0] == "." and not _dot_is_boundary(text, match.start(), end):
            continue
        _emit(text, start, end, spans, soft_max, hard_max)
        start = end
    _emit(text, start, len(text), spans, soft_max, hard_max)
    return spans


def sentences(text: str) -> list[str]:
    """The sentence strings of ``text`` (convenience for tests and tools)."""
    return [text[start:end] for start, end in split_sentences(text)]


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The span containing ``offset`` (binary search), or None when it falls between sentences."""
    low, high = 0, len(spans)
    while low < high:
        middle = (low + high) // 2
        if spans[middle][1] <= offset:
            low = middle + 1
        else:
            high = middle
    if low < len(spans) and spans[low][0] <= offset < spans[low][1]:
        return spans[low]
    return None
