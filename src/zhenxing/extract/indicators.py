"""The indicator taxonomy and the search for its names in a sentence.

All names of all indicators are compiled into two regexes (English with word
boundaries, case-insensitive; Chinese as plain substrings), longest first, so a
sentence is scanned once whatever the size of the taxonomy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
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


@dataclass(frozen=True, slots=True)
class _Matchers:
    """The compiled name scanners and the owner of each name, by its folded form.

    English and Chinese names are two patterns, each of which lets ``re`` skip in
    C to where a name can start (a flat ``(?<![a-z0-9])…|…`` over both made the
    engine try the whole trie at every character, the slowest step of
    extraction). ``find_indicators`` interleaves their matches so that the
    result is the one the single alternation gave: leftmost, English first.
    """

    english: re.Pattern[str]  # " " + folded text; group 1 is the name, the leading class its left boundary
    english_sparse: re.Pattern[str]  # folded text, mostly CJK: starts at the names' first letters
    chinese: re.Pattern[str]
    owner: dict[str, Indicator]


@cache
def _matchers() -> _Matchers:
    """Scanners over every name, and each name's owner.

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
    en_body = rf"({_trie_pattern(english)})(?:e?s)?(?![a-z0-9])"
    return _Matchers(
        english=re.compile(r"[^a-z0-9]" + en_body),
        english_sparse=re.compile(en_body),
        chinese=re.compile(_trie_pattern(chinese)),
        owner=owner,
    )


_SEPARATORS = re.compile(r"[\s\-“”\"'‘’]+")


def _fold(name: str) -> str:
    return _SEPARATORS.sub(" ", name.strip().lower()).strip()


def _owner_of(matched: str, owner: dict[str, Indicator]) -> Indicator | None:
    ind = owner.get(matched)
    if ind is not None:
        return ind  # already a folded name (folding a folded name changes nothing)
    key = _fold(matched)
    if key in owner:
        return owner[key]
    for suffix in ("es", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in owner:
            return owner[key[: -len(suffix)]]
    return None


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")  # what ``_is_cjk`` looks for
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def find_indicators(text: str) -> list[IndicatorMention]:
    """Every taxonomy name in ``text``, leftmost-longest, without overlaps.

    At each position an English name is tried before a Chinese one, as in one
    alternation of both; the two scans only search again when a match of the
    other one has moved past their pending match.
    """
    m_ = _matchers()
    owner = m_.owner
    folded = text.lower()
    if len(folded) != len(text):  # a rare letter whose lower case is longer ("İ"): fold letter by letter
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    mentions: list[IndicatorMention] = []
    if _CJK_CHAR.search(folded) is None:
        # No ideograph, so no Chinese name: one English scan, whose matches are the mentions.
        for m in m_.english.finditer(" " + folded):
            s, e = m.start(1) - 1, m.end() - 1
            ind = _owner_of(folded[s:e], owner)
            if ind is not None:
                mentions.append(IndicatorMention(s, e, text[s:e], ind))
        return mentions
    n = len(folded)
    # English: in mostly-Latin text the pattern's leading [^a-z0-9] (the left word boundary, on a
    # text with a space in front) lets re jump from word to word; in mostly-CJK text almost every
    # character passes it, so there the pattern starts with the names and the boundary is checked here.
    sparse = len(_CJK_CHAR.findall(folded, 0, 400)) * 3 > min(n, 400)
    en_text = folded if sparse else " " + folded
    shift = 0 if sparse else 1
    en_search = (m_.english_sparse if sparse else m_.english).search
    zh_search = m_.chinese.search
    pos = 0
    en_m: re.Match[str] | None = None
    en_s = -1  # start of the pending English match in ``folded``; n + 1: none left
    zh_m: re.Match[str] | None = None
    # Every Chinese name holds an ideograph (``_is_cjk``): without one the scan can find nothing,
    # and its first letters ("r&d经费", "pm2.5浓度") would send it to every r and p of an English text.
    zh_s = -1 if _HAN.search(folded) else n + 1
    while pos < n:
        if en_s < pos:
            at = pos  # the same index in both scanned texts: en_text[pos] is the boundary before folded[pos]
            while True:
                en_m = en_search(en_text, at)
                if en_m is None:
                    en_s = n + 1
                    break
                en_s = en_m.start(1) - shift
                if sparse and en_s > 0 and folded[en_s - 1] in _ALNUM:
                    at = en_s + 1  # inside a word: what the dense pattern's boundary class rejects
                    continue
                break
        if zh_s < pos:
            zh_m = zh_search(folded, pos)
            zh_s = zh_m.start() if zh_m is not None else n + 1
        if en_s > n and zh_s > n:
            break
        if en_s <= zh_s:
            assert en_m is not None
            s, e = en_s, en_m.end() - shift
        else:
            assert zh_m is not None
            s, e = zh_s, zh_m.end()
        ind = _owner_of(folded[s:e], owner)
        if ind is not None:
            mentions.append(IndicatorMention(s, e, text[s:e], ind))
        pos = e if e > s else s + 1
    return mentions


def canonical_indicator(name: str) -> str | None:
    """An id from an id or any listed name (for CLI filters)."""
    if name in taxonomy():
        return name
    ind = _owner_of(name, _matchers().owner)
    return ind.id if ind else None


# --- loose matching ---------------------------------------------------------
# Reports reword names ("new jobs were created in urban areas" for "new urban
# jobs"); a name also counts when most of its content words stand near the
# figure, in any order. Only for English: Chinese names are matched exactly.

STOP_WORDS = frozenset(
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


class _Stems(dict[str, str]):
    """Snowball (Porter 2) stems by word, so "benefiting"/"benefited" and "using"/"use" meet.

    Memoised because words repeat; a dict whose ``__missing__`` stems is looked
    up in C, which an ``lru_cache`` wrapper per word was not. Cleared when full,
    so that a long-running process does not collect every number it has seen.
    """

    __slots__ = ()
    limit = 65536

    def __missing__(self, word: str) -> str:
        if word.isdigit():
            return word  # Porter 2 changes letters only; figures are new in every text, not kept
        if len(self) >= self.limit:
            self.clear()
        stem = self[word] = _STEMMER.stemWord(word)
        return stem


_STEMMER = snowballstemmer.stemmer("english")
_STEMS = _Stems()


def stem(word: str) -> str:
    """The memoised Snowball stem of a lower-case word."""
    return _STEMS[word]


def content_words(text: str) -> list[str]:
    stems = _STEMS
    return [stems[w] for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


@cache
def name_stems(indicator_id: str) -> frozenset[str]:
    """The content words of all English names of an indicator (for labels of loose matches)."""
    return frozenset(w for name in taxonomy()[indicator_id].en for w in content_words(name))


@cache
def _word_index() -> dict[str, list[tuple[int, Indicator, frozenset[str]]]]:
    """Content word -> (number, indicator, the name's content words), for the names of 2+ content words.

    The number is that of the first name with the same indicator and words, in taxonomy order.
    """
    index: dict[str, list[tuple[int, Indicator, frozenset[str]]]] = {}
    number = 0
    for ind in taxonomy().values():
        for name in ind.en:
            words = frozenset(content_words(name))
            if len(words) < 2:
                continue
            # One number per distinct (indicator, words): the pair that ``loose_indicator`` visits once.
            for w in words:
                index.setdefault(w, []).append((number, ind, words))
            number += 1
    seen: dict[tuple[str, frozenset[str]], int] = {}
    return {
        w: [(seen.setdefault((ind.id, words), number), ind, words) for number, ind, words in entries]
        for w, entries in index.items()
    }


def loose_indicator(window: str) -> Indicator | None:
    """The indicator most of whose name's content words occur in ``window`` (at least two, and 3/4 of them)."""
    return loose_indicator_in(content_words(window))


def loose_indicator_in(window_words: list[str]) -> Indicator | None:
    """``loose_indicator`` of a window whose ``content_words`` are ``window_words``."""
    words = set(window_words)
    if len(words) < 2:
        return None
    index = _word_index()
    indexed = [w for w in words if w in index]
    if len(indexed) < 2:
        return None  # every name that counts needs two of its words here
    best: tuple[float, int, int] | None = None
    best_ind: Indicator | None = None
    seen: set[int] = set()
    for w in indexed:
        for key, ind, name_words in index[w]:
            if key in seen:
                continue
            seen.add(key)
            hit = len(name_words & words)
            if hit < 2:
                continue
            share = hit / len(name_words)
            if share >= 0.75:
                # A tie goes to the name listed first in the taxonomy: the order of a set of
                # words changes from one process to the next, the answer must not.
                rank = (share, hit, -key)
                if best is None or rank > best:
                    best, best_ind = rank, ind
    return best_ind
