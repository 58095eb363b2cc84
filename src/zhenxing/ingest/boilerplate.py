"""Remove what is not the article: site headers, footers, link lists and teasers.

Why structure and not phrases: crawled pages end with "Guess you like it",
"相关阅读", "责任编辑：…", copyright lines and teaser stories, but every site
words them differently, so matching the samples' phrases would not carry over.
What does carry over is their shape:

* footers and navigation are short lines that are not sentences: link lists
  ("网站首页 | 关于我们"), bracketed labels ("【相关新闻】"), "label: value"
  lines, copyright/ICP lines, and runs of headline-like lines;
* teaser stories scraped after the article are headline + snippet units
  (no run of more than three prose paragraphs); their headline is doubled,
  carries a tag list ("… | Project | Population") or is followed by a
  dateline (strong signatures), or their snippet is cut off mid-sentence
  (weak signature); and their vocabulary drifts away from the article's.

Only whole lines are removed, only from the top (navigation) and the bottom
(footer, teasers), so the kept text is a contiguous, unchanged slice of the
input: nothing inside the article can be lost.  Teasers are cut at the first
unit when the tail holds two strong signatures; with weaker evidence the tail
must also drift from the article's vocabulary (see ``_drift``), more so when
there is a single unit.  A run of real subheadings never qualifies: sections
have longer prose runs, or share the article's words.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_DIGIT_RE = re.compile(r"\d")
_LINE_RE = re.compile(r"[^\n]+")

# Sentence-final punctuation (a line ending so is prose, not a label or headline).
_TERMINAL = tuple("。！？.!?；;…”\"'’)）")
_STRONG_TERMINAL = tuple("。.；;")
_COPYRIGHT_RE = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|版权所有|icp[备证]|公网安备|网站标识码|备案号|京公网|技术支持[:：]",
    re.IGNORECASE,
)
_TAG_SEPARATOR_RE = re.compile(r"\s[|｜丨]\s|｜|丨")
_BREADCRUMB_RE = re.compile(r"\s?[>»›＞]\s?")
_BRACKET_LABEL_RE = re.compile(r"^\s*(?:【[^】]{1,20}】|\[[^\]]{1,20}\]|〖[^〗]{1,20}〗)\s*$")
_LABEL_VALUE_RE = re.compile(r"^\s*[^:：。，,.!?！？]{1,8}[:：]")
_DATE_OR_TIME_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}:\d{2}|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}",
    re.IGNORECASE,
)
_DATE_ONLY_RE = re.compile(
    r"^\s*[(（]?\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|"
    r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3})\s*日?\s*[)）]?\s*$"
)
_TABLE_ROW_RE = re.compile(r"\t|(?:\d[\d,.%]*\s+){2,}\d")

_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "this",
        "from",
        "have",
        "has",
        "are",
        "was",
        "were",
        "been",
        "will",
        "its",
        "their",
        "they",
        "them",
        "which",
        "who",
        "what",
        "when",
        "where",
        "into",
        "also",
        "more",
        "than",
        "over",
        "such",
        "not",
        "but",
        "all",
        "can",
        "our",
        "your",
        "his",
        "her",
        "she",
        "him",
        "one",
        "two",
        "new",
        "had",
        "would",
        "should",
        "could",
        "about",
        "other",
        "these",
        "those",
        "there",
        "here",
        "said",
        "says",
        "per",
        "year",
        "years",
        "have",
        "being",
        "very",
        "most",
        "some",
        "only",
        "after",
        "before",
        "while",
        "through",
        "under",
        "between",
        "each",
        "many",
        "much",
        "make",
        "made",
        "just",
        "like",
    ]
)

HEADLINE_TOKENS = 40  # a headline or label line is at most this many tokens (Han characters + words)
SHORT_TOKENS = 12  # a "short" line: a label such as "Guess you like it" or "相关阅读"
MIN_ARTICLE_CHARS = 300  # teasers are looked for only after this much article text
MAX_SNIPPET_RUN = 3  # a teaser list alternates headlines and at most this many paragraphs
# Vocabulary drift (see _drift) below which a tail with weak evidence is cut:
SEVERAL_DRIFT = 0.8  # several teaser-shaped units
SINGLE_DRIFT = 0.5  # one
MAX_TOPIC_TESTS = 5  # vocabulary comparisons per document (each is linear in its size)


@dataclass(slots=True)
class Line:
    """A non-empty line with the features the rules look at."""

    start: int
    end: int
    text: str
    tokens: int
    terminal: bool
    has_digit: bool

    @property
    def headline_like(self) -> bool:
        """Short and not a sentence: a title, label or link text."""
        return 0 < self.tokens <= HEADLINE_TOKENS and not self.text.rstrip().endswith(_STRONG_TERMINAL)


@dataclass(slots=True)
class StripResult:
    """The kept slice and what was removed, for ``Document.meta``."""

    text: str
    start: int
    end: int
    removed: list[dict[str, object]] = field(default_factory=list)

    original_length: int = 0

    @property
    def removed_chars(self) -> int:
        """Characters of the input not in ``text`` (blank lines around the cuts included)."""
        return self.original_length - len(self.text)


def _lines(text: str) -> list[Line]:
    lines = []
    for match in _LINE_RE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        tokens = len(_HAN_RE.findall(line)) + len(_WORD_RE.findall(line))
        lines.append(
            Line(
                start=match.start(),
                end=match.end(),
                text=stripped,
                tokens=tokens,
                terminal=stripped.endswith(_TERMINAL),
                has_digit=_DIGIT_RE.search(line) is not None,
            )
        )
    return lines


def _is_link_list(line: Line) -> bool:
    """Navigation or tag list: several short items between separators."""
    if line.tokens > HEADLINE_TOKENS + 10:
        return False
    return len(_TAG_SEPARATOR_RE.findall(line.text)) >= 2


def _is_breadcrumb(line: Line) -> bool:
    return line.tokens <= 20 and not line.terminal and len(_BREADCRUMB_RE.findall(line.text)) >= 2


def _is_strong_junk(line: Line) -> bool:
    """Lines that are never article text, wherever they are."""
    return (
        (_COPYRIGHT_RE.search(line.text) is not None and line.tokens <= 60)
        or _is_link_list(line)
        or _BRACKET_LABEL_RE.match(line.text) is not None
    )


def _is_table_row(line: Line) -> bool:
    return _TABLE_ROW_RE.search(line.text) is not None


def _is_footer_line(line: Line) -> bool:
    """A line that may be dropped at the end of a document."""
    if _is_strong_junk(line):
        return True
    if line.terminal or _is_table_row(line) or _DATE_ONLY_RE.match(line.text):
        return False
    if line.tokens <= SHORT_TOKENS and not line.has_digit:
        return True  # "Guess you like it", "THE END", "相关阅读"
    return line.tokens <= 30 and _LABEL_VALUE_RE.match(line.text) is not None  # "责任编辑：…", "主办:…"


def _trim_tail(lines: list[Line]) -> int:
    """Number of lines to keep after dropping the footer block at the end."""
    keep = len(lines)
    while keep > 0:
        if _is_footer_line(lines[keep - 1]):
            keep -= 1
            continue
        # A run of headline-like lines (a "related articles" list) under a label.
        run = keep
        while (
            run > 0
            and lines[run - 1].headline_like
            and not lines[run - 1].terminal
            and not _is_table_row(lines[run - 1])
            and not _DATE_ONLY_RE.match(lines[run - 1].text)
        ):
            run -= 1
        if keep - run >= 3 or (keep - run >= 2 and run > 0 and _is_footer_line(lines[run - 1])):
            keep = run
            continue
        break
    return keep


def _trim_head(lines: list[Line]) -> int:
    """Index of the first line to keep after dropping navigation at the top."""
    first = 0
    while first < len(lines) and (_is_strong_junk(lines[first]) or _is_breadcrumb(lines[first])):
        first += 1
    return first


def _vocabulary(text: str) -> set[str]:
    """Content words (English, crudely singular) and Han bigrams."""
    vocabulary: set[str] = set()
    for word in _WORD_RE.findall(text):
        if len(word) < 3:
            continue
        word = word.lower()
        if word in _STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s"):
            word = word[:-1]
        vocabulary.add(word)
    for run in re.findall(r"[\u4e00-\u9fff]{2,}", text):
        vocabulary.update(run[index : index + 2] for index in range(len(run) - 1))
    return vocabulary


def _overlap(part: set[str], reference: AbstractSet[str]) -> float:
    return len(part & reference) / len(part) if part else 1.0


_STRONG_SIGNATURES = frozenset({"doubled headline", "tagged headline", "headline with dateline"})


def _signature(lines: list[Line], index: int) -> str | None:
    """How line ``index`` starts a teaser unit, or None.

    Strong: a doubled headline, a tagged headline, a headline with a dateline.
    Weak: a headline whose one-paragraph snippet stops mid-sentence.
    """
    line = lines[index]
    if not (line.headline_like or _is_link_list(line)) or _is_table_row(line):
        return None
    following = lines[index + 1] if index + 1 < len(lines) else None
    if following is not None and _is_table_row(following):
        return None
    if following is not None and following.text == line.text:
        return "doubled headline"
    if _is_link_list(line) and line.tokens >= 3:
        return "tagged headline"
    if (
        following is not None
        and not following.headline_like
        and not following.terminal
        and following.tokens >= 30
        and (index + 2 >= len(lines) or lines[index + 2].headline_like)
    ):
        return "headline with cut-off snippet"
    if (
        following is not None
        and index + 2 < len(lines)
        and following.tokens <= 30
        and _DATE_OR_TIME_RE.search(following.text)
        and not following.terminal
    ):
        return "headline with dateline"
    return None


def _teaser_start(lines: list[Line]) -> tuple[int, str] | None:
    """Index of the first line of a trailing teaser block, and the evidence.

    Linear in the number of lines: signatures, strong-signature counts and
    "no long prose run" are precomputed for every suffix; the vocabulary test
    runs for at most ``MAX_TOPIC_TESTS`` candidates.
    """
    count = len(lines)
    signatures = [_signature(lines, index) for index in range(count)]
    strong_after = [0] * (count + 1)
    any_after = [0] * (count + 1)
    teaser_shaped = [True] * (count + 1)
    run = 0
    shaped = True
    for index in range(count - 1, -1, -1):
        line = lines[index]
        doubled_copy = index > 0 and lines[index - 1].text == line.text
        strong = signatures[index] in _STRONG_SIGNATURES and not doubled_copy
        strong_after[index] = strong_after[index + 1] + strong
        any_after[index] = any_after[index + 1] + (signatures[index] is not None and not doubled_copy)
        if line.headline_like or _is_link_list(line):
            run = 0
        else:
            run += 1
            shaped = shaped and run <= MAX_SNIPPET_RUN
        teaser_shaped[index] = shaped
    total = sum(len(line.text) for line in lines)
    threshold = max(MIN_ARTICLE_CHARS, 0.15 * total)
    seen = substantive = topic_tests = 0
    for index, line in enumerate(lines):
        signature = signatures[index]
        if seen >= threshold and substantive >= 2 and signature is not None and teaser_shaped[index]:
            if signature in _STRONG_SIGNATURES and strong_after[index] >= 2:
                return index, f"{strong_after[index]} teaser headlines ({signature})"
            if topic_tests < MAX_TOPIC_TESTS:
                topic_tests += 1
                drift = _drift(lines, index)
                several = any_after[index] >= 2
                if drift is not None and drift < (SEVERAL_DRIFT if several else SINGLE_DRIFT):
                    evidence = f"{any_after[index]} teaser headlines" if several else signature
                    return index, f"{evidence}, vocabulary drift {drift:.2f}"
        seen += len(line.text)
        if not line.headline_like:
            substantive += 1
    return None


def _drift(lines: list[Line], index: int) -> float | None:
    """How much less the tail reuses the article's vocabulary than the article itself does.

    For each paragraph of the article's second half, the share of its words
    already used above it; for each tail paragraph, the share used anywhere in
    the article.  Returns median(tail) / median(article), or None when there
    is too little text to tell.  On the samples, real article sections score
    0.7-1.9 and unrelated teasers 0.1-0.8.
    """
    seen: set[str] = set()
    own = []
    for position in range(index):
        words = _vocabulary(lines[position].text)
        if position >= index // 2 and len(words) >= 8:
            own.append(len(words & seen) / len(words))
        seen |= words
    tail = [
        _overlap(words, seen)
        for words in (_vocabulary(line.text) for line in lines[index:])
        if len(words) >= 8
    ]
    if len(own) < 2 or not tail:
        return None
    baseline = statistics.median(own)
    return statistics.median(tail) / baseline if baseline else None


def strip_boilerplate(text: str) -> StripResult:
    """Keep the article: drop navigation at the top, footers and teasers at the bottom.

    Returns the kept slice of ``text`` (whole lines, unchanged) with what was
    removed and why.  Text that is all boilerplate by these rules is returned
    whole: an over-eager rule must not empty a document.
    """
    lines = _lines(text)
    if len(lines) < 2:
        return StripResult(text=text, start=0, end=len(text), original_length=len(text))
    removed: list[dict[str, object]] = []
    first = _trim_head(lines)
    if first:
        removed.append(
            {"part": "header", "reason": "navigation", "chars": lines[first - 1].end - lines[0].start}
        )
    last = len(lines)
    for _ in range(4):
        body = lines[first:last]
        if len(body) < 2:
            break
        keep = _trim_tail(body)
        if keep < len(body):
            removed.append(
                {"part": "footer", "reason": "footer lines", "chars": body[-1].end - body[keep].start}
            )
            last = first + keep
            continue
        found = _teaser_start(body)
        if found is None:
            break
        index, reason = found
        removed.append({"part": "teasers", "reason": reason, "chars": body[-1].end - body[index].start})
        last = first + index
    if last <= first:
        return StripResult(text=text, start=0, end=len(text), original_length=len(text))
    start, end = lines[first].start, lines[last - 1].end
    # Keep the lines' own indentation: start at the line, not at its first letter.
    start = text.rfind("\n", 0, start) + 1
    return StripResult(text=text[start:end], start=start, end=end, removed=removed, original_length=len(text))
