"""Join visual lines back into paragraphs (PDF text, hard-wrapped plain text).

Why: a line break ends a sentence for the splitter and is a paragraph for the
boilerplate rules, so a text wrapped at a fixed width would be cut into
fragments.  A line is joined to the next when it runs to (near) the right
margin and does not end a sentence, and the next line does not start a list
item.  Chinese lines are joined without a space, English with one.
"""

from __future__ import annotations

import re

_WIDE_RE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
_HAN_EDGE_RE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
SENTENCE_END = tuple('。！？.!?:：；;”"')
_LIST_START_RE = re.compile(
    r"^\s*(?:[-•·●▪◆■*]\s|\(?\d{1,3}[.)、]\s?|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+[章节条])"
)


def display_width(line: str) -> int:
    """Width in columns: a Han character is as wide as two Latin letters."""
    return len(line) + len(_WIDE_RE.findall(line))


def join_lines(left: str, right: str) -> str:
    """``left`` and ``right`` as one line: hyphenation undone, no space between Han characters."""
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right[:1].islower():
        return left[:-1] + right
    if _HAN_EDGE_RE.match(left[-1:]) or _HAN_EDGE_RE.match(right[:1]):
        return left + right
    return left + " " + right


def reflow(text: str, full_ratio: float = 0.8) -> list[str]:
    """Paragraphs of ``text`` whose lines were wrapped at a fixed width."""
    lines = [line.rstrip() for line in text.split("\n")]
    widths = sorted(display_width(line) for line in lines if line.strip())
    if not widths:
        return []
    full = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else widths[-1]
    paragraphs: list[str] = []
    current = ""
    current_full = False
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, current_full = "", False
            continue
        if current and current_full and not current.endswith(SENTENCE_END) and not _LIST_START_RE.match(line):
            current = join_lines(current, line.strip())
        else:
            if current:
                paragraphs.append(current)
            current = line.strip()
        current_full = display_width(line) >= full_ratio * full
    if current:
        paragraphs.append(current)
    return paragraphs


def looks_hard_wrapped(text: str) -> bool:
    """True when most lines stop near one narrow right margin in mid-sentence.

    A text with one paragraph per line (the usual case) has lines of all
    lengths, many far over 100 columns; a wrapped text has a margin of 60-100
    columns that most lines reach without ending a sentence.
    """
    lines = [line.rstrip() for line in text[:200_000].split("\n") if line.strip()]
    if len(lines) < 8:
        return False
    widths = sorted(display_width(line) for line in lines)
    margin = widths[int(len(widths) * 0.9)]
    if not 40 <= margin <= 110 or widths[-1] > margin * 1.3:
        return False
    near = [line for line in lines if display_width(line) >= 0.75 * margin]
    open_ended = [line for line in near if not line.endswith(SENTENCE_END)]
    return len(near) >= 0.5 * len(lines) and len(open_ended) >= 0.5 * len(near)
