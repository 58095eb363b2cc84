"""The indicator taxonomy and the search for its names in a sentence.

All names of all indicators are compiled into two regexes (English with word
boundaries, case-insensitive; Chinese as plain substrings), longest first, so a
sentence is scanned once whatever the size of the taxonomy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import snowballstemmer
import yaml


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    area: str
    unit: str | None
    better: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    descriptive: bool = (
        False  # a standing fact about a place (population, coastline), never a target or result
    )


@dataclass(frozen=True, slots=True)
class IndicatorMention:
    start: int
    end: int
    text: str
    indicator: Indicator


@cache
def taxonomy() -> dict[str, Indicator]:
    """The project's taxonomy (``data/indicators.yaml``), keyed by id, in file order."""
    raw: list[dict[str, Any]] = yaml.load(  # libyaml's loader when built: 15x faster than the pure-Python one
        resources.files("zhenxing.data").joinpath("indicators.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    out: dict[str, Indicator] = {}
    for entry in raw:
        out[entry["id"]] = Indicator(
            id=entry["id"],
            area=entry.get("area", "other"),
            unit=entry.get("unit"),
            better=entry.get("better", "none"),
            en=tuple(str(n) for n in entry.get("en", [])),
            zh=tuple(str(n) for n in entry.get("zh", [])),
            descriptive=bool(entry.get("descriptive", False)),
        )
    return out


def _is_cjk(name: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in name)


_SPACE = r"[\s\-“”\"'‘’]+"


def _trie_pattern(names: list[str]) -> str:
    """One regex for many names, shaped as a character trie.

    A flat alternation of hundreds of names makes the regex engine try every
    branch at every position; a trie tries each prefix once (20× faster on the
    corpus). Optional subtrees are greedy, so the longest name wins.
    """
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        kids = sorted((ch, sub) for ch, sub in node.items() if ch != "")
        if not kids:
            return ""
        alts = [(_SPACE if ch == " " else re.escape(ch)) + emit(sub) for ch, sub in kids]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@cache
def _matchers() -> tuple[re.Pattern[str], dict[str, Indicator]]:
    """One pattern over every name; the owner of each name, by its folded form.

    A name listed under two indicators belongs to the first (file order), so a
    specific entry placed early wins over a generic one.
    """
    owner: dict[str, Indicator] = {}
    for ind in taxonomy().values():
        for name in (*ind.en, *ind.zh):
            owner.setdefault(_fold(name), ind)
    english = [n for n in owner if not _is_cjk(n)]
    chinese = [n for n in owner if _is_cjk(n)]
    # English names need word boundaries and may take a plural ending.
    # Names are folded to lower case, and so is the text before the scan:
    # a case-sensitive pattern is several times faster than IGNORECASE.
    pattern = re.compile(
        rf"(?<![a-z0-9])(?:{_trie_pattern(english)})(?:e?s)?(?![a-z0-9])|{_trie_pattern(chinese)}"
    )
    return pattern, owner


def _fold(name: str) -> str:
    return re.sub(r"[\s\-“”\"'‘’]+", " ", name.strip().lower()).strip()


def _owner_of(matched: str, owner: dict[str, Indicator]) -> Indicator | None:
    key = _fold(matched)
    if key in owner:
        return owner[key]
    for suffix in ("es", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in owner:
            return owner[key[: -len(suffix)]]
    return None


def find_indicators(text: str) -> list[IndicatorMention]:
    """Every taxonomy name in ``text``, leftmost-longest, without overlaps."""
    pattern, owner = _matchers()
    folded = text.lower()
    if len(folded) != len(text):  # a rare letter whose lower case is longer ("İ"): fold letter by letter
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    mentions = []
    for m in pattern.finditer(folded):
        ind = _owner_of(m.group(0), owner)
        if ind is not None:
            mentions.append(IndicatorMention(m.start(), m.end(), text[m.start() : m.end()], ind))
    return mentions


def canonical_indicator(name: str) -> str | None:
    """An id from an id or any listed name (for CLI filters)."""
    if name in taxonomy():
        return name
    _, owner = _matchers()
    ind = _owner_of(name, owner)
    return ind.id if ind else None


# --- loose matching ---------------------------------------------------------
# Reports reword names ("new jobs were created in urban areas" for "new urban
# jobs"); a name also counts when most of its content words stand near the
# figure, in any order. Only for English: Chinese names are matched exactly.

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "into",
        "under",
        "over",
        "new",
        "total",
        "number",
        "amount",
        "its",
        "their",
        "our",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "more",
        "than",
        "about",
        "nearly",
        "which",
        "that",
        "per",
        "each",
        "all",
        "level",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem, so "benefiting"/"benefited" and "using"/"use" meet; cached: words repeat."""
    return _STEMMER.stemWord(word)


_STEMMER = snowballstemmer.stemmer("english")


def content_words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


@cache
def _word_index() -> dict[str, list[tuple[Indicator, frozenset[str]]]]:
    index: dict[str, list[tuple[Indicator, frozenset[str]]]] = {}
    for ind in taxonomy().values():
        for name in ind.en:
            words = frozenset(content_words(name))
            if len(words) < 2:
                continue
            for w in words:
                index.setdefault(w, []).append((ind, words))
    return index


def loose_indicator(window: str) -> Indicator | None:
    """The indicator most of whose name's content words occur in ``window`` (at least two, and 3/4 of them)."""
    words = set(content_words(window))
    if len(words) < 2:
        return None
    index = _word_index()
    best: tuple[float, int, str, Indicator] | None = None
    seen: set[tuple[str, frozenset[str]]] = set()
    for w in words:
        for ind, name_words in index.get(w, ()):
            key = (ind.id, name_words)
            if key in seen:
                continue
            seen.add(key)
            hit = len(name_words & words)
            share = hit / len(name_words)
            if hit >= 2 and share >= 0.75:
                rank = (share, hit, ind.id, ind)
                if best is None or rank[:2] > best[:2]:
                    best = rank
    return best[3] if best else None
