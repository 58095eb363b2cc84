"""Helpers that keep the cue and scanner regexes fast without changing what they match.

Two things make Python's ``re`` slow on long texts: IGNORECASE, under which it
compares every branch of an alternation letter by letter, and a pattern that
begins with ``\\b``, a lookbehind or a group, which it has to try at every
position. A pattern that begins with a plain character or a character class,
run case-sensitively on a lower-cased copy of the text, lets ``re`` skip in C
to where a match can start and reject a branch with one comparison.
"""

from __future__ import annotations

import re

# IGNORECASE matches dotless ı and long ſ to i and s, but ``str.lower`` keeps them
# (İ lowers to two code points, which the length check catches): ``fold`` refuses them.


def fold(text: str, *, document: bool = False) -> str | None:
    """``text.lower()`` if case-insensitive ASCII patterns read it exactly as they read ``text``, else None.

    The result has the same length, so offsets carry over; None sends the
    caller to its IGNORECASE pattern. ``document``: a whole text that other
    scanners lower-case too (see ``lowered``).
    """
    low = lowered(text) if document else text.lower()
    if len(low) != len(text) or "ı" in low or "ſ" in low:
        return None
    return low


def by_first_letter(alternatives: list[str]) -> str:
    """``a|b|…`` regrouped as ``x(?:…)|y(?:…)``, so that every branch starts with a plain character.

    Matches what the plain alternation matches (the order of the branches is
    kept within each first character; callers that read which branch matched
    must not depend on the order across characters). Every alternative must
    begin with a literal character that no quantifier follows, not a class,
    group or escape, and hold no ``|`` outside a group.
    """
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        if not alt or alt[0] in "\\[(.?*+{|^$" or alt[1:2] in ("*", "+", "?", "{"):
            raise ValueError(f"alternative must start with a plain character: {alt!r}")
        if _has_top_level_bar(alt):
            raise ValueError(f"alternative holds a | outside a group: {alt!r}")
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(f"{re.escape(c)}(?:{'|'.join(rests)})" for c, rests in groups.items())


def _has_top_level_bar(pattern: str) -> bool:
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


class _Document:
    """What the scanners of one text share: its lower-cased copies and where its first ideograph is."""

    __slots__ = ("cjk", "low", "spaced", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.low: str | None = None
        self.spaced: str | None = None
        self.cjk: int | None = None


_last = _Document("")


def _document(text: str) -> _Document:
    """The shared record of ``text``: the last one made is kept, with the text it belongs to.

    Compared by identity, so another text, even an equal one, gets a record of
    its own; only the scanners of one document share it.
    """
    global _last
    doc = _last
    if doc.text is not text:
        doc = _last = _Document(text)
    return doc


def release(text: str) -> None:
    """Drop the shared record of ``text`` (its copies are as large as the text), if it is the last one."""
    global _last
    if _last.text is text:
        _last = _Document("")


def lowered(text: str, *, spaced: bool = False) -> str:
    """``text.lower()`` (``spaced``: with a space in front), computed once per document.

    Quantities, periods and places each scan a lower-cased copy of the same
    document, which is lower-cased once, not three or four times.
    """
    doc = _document(text)
    if doc.low is None:
        doc.low = text.lower()
    if not spaced:
        return doc.low
    if doc.spaced is None:
        doc.spaced = " " + doc.low
    return doc.spaced


_CJK_WIDE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def first_cjk(text: str) -> int:
    """Where the first ideograph (U+3400-9FFF, U+F900-FAFF) of ``text`` is, -1 if none; once per document.

    Periods and places both ask before their Chinese scans; in an English
    document the answer costs a pass over all of it.
    """
    doc = _document(text)
    if doc.cjk is None:
        m = _CJK_WIDE.search(text)
        doc.cjk = -1 if m is None else m.start()
    return doc.cjk


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` (case-sensitive) can begin with; None when any or unknown.

    Lets a scanner try only the rules that can start at the character it found,
    instead of every rule in turn. Read from ``re``'s own parse of the pattern;
    whatever this cannot follow (a class like ``\\w``, a back-reference) gives
    None, which only means "try it everywhere".
    """
    try:
        from re import _constants as c
        from re import _parser

        parsed = _parser.parse(pattern)
    except Exception:  # another Python's internals: try the rule everywhere
        return None

    def first(items: list) -> tuple[set[str] | None, bool]:  # (first characters, can match empty)
        out: set[str] = set()
        for op, av in items:
            if op is c.LITERAL:
                return out | {chr(av)}, False
            if op is c.IN:
                chars: set[str] = set()
                for kind, value in av:
                    if kind is c.LITERAL:
                        chars.add(chr(value))
                    elif kind is c.RANGE and value[1] - value[0] < 256:
                        chars.update(chr(x) for x in range(value[0], value[1] + 1))
                    else:
                        return None, False
                return out | chars, False
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width: the next item starts the match
            if op is c.SUBPATTERN:
                sub, empty = first(av[3].data)
            elif op is c.BRANCH:
                sub, empty = set(), False
                for branch in av[1]:
                    chars_b, empty_b = first(branch.data)
                    if chars_b is None:
                        return None, False
                    sub |= chars_b
                    empty = empty or empty_b
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                sub, empty = first(av[2].data)
                empty = empty or av[0] == 0
            else:
                return None, False
            if sub is None:
                return None, False
            out |= sub
            if not empty:
                return out, False
        return out, True

    chars, empty = first(parsed.data)
    return None if chars is None or empty else frozenset(chars)
