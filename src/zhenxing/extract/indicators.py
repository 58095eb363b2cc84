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

import yaml


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    area: str
    unit: str | None
    better: str
    en: tuple[str, ...]
    zh: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndicatorMention:
    start: int
    end: int
    text: str
    indicator: Indicator


@cache
def taxonomy() -> dict[str, Indicator]:
    """The project's taxonomy (``data/indicators.yaml``), keyed by id, in file order."""
    raw: list[dict[str, Any]] = yaml.safe_load(
        resources.files("zhenxing.data").joinpath("indicators.yaml").read_text(encoding="utf-8")
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
        )
    return out


def _is_cjk(name: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in name)


@cache
def _matchers() -> tuple[re.Pattern[str], dict[str, Indicator]]:
    """One alternation over every name; the owner of each name, by its folded form.

    A name listed under two indicators belongs to the first (file order), so a
    specific entry placed early wins over a generic one.
    """
    owner: dict[str, Indicator] = {}
    for ind in taxonomy().values():
        for name in (*ind.en, *ind.zh):
            key = _fold(name)
            owner.setdefault(key, ind)
    names = sorted(owner, key=lambda n: (-len(n), n))
    parts = []
    for name in names:
        escaped = re.escape(name).replace(r"\ ", r"[\s\-“”\"'‘’]+")
        if _is_cjk(name):
            parts.append(escaped)
        else:
            # English plural/singular tolerance: "enterprise(s)", "project(s)".
            parts.append(rf"(?<![A-Za-z0-9]){escaped}(?:e?s)?(?![A-Za-z0-9])")
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    return pattern, owner


def _fold(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", name.strip().lower())


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
    mentions = []
    for m in pattern.finditer(text):
        ind = _owner_of(m.group(0), owner)
        if ind is not None:
            mentions.append(IndicatorMention(m.start(), m.end(), m.group(0), ind))
    return mentions


def canonical_indicator(name: str) -> str | None:
    """An id from an id or any listed name (for CLI filters)."""
    if name in taxonomy():
        return name
    _, owner = _matchers()
    ind = _owner_of(name, owner)
    return ind.id if ind else None
