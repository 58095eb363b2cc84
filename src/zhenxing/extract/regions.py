"""Place names in Chinese and English text: China's provinces, prefectures and macro-regions.

Every figure a fact records is *about* somewhere (``Liaoning``, ``Shenyang``,
``Northeast China``, ``China``), so the fact classifier asks this module for
the places a sentence names. The gazetteer is data (``data/regions.yaml``,
386 entries); this module only compiles it and scans text.

Why it looks the way it does:

* It runs on every sentence that holds a figure, so all aliases are compiled
  into two regular expressions shaped as tries (one for Chinese, one for
  English). A trie-shaped pattern lets ``re`` skip quickly over characters no
  name starts with and never tries hundreds of alternatives one by one; the
  plain text scan runs at well over 20 MB/s.
* Matching is leftmost-longest: ``沈阳市`` beats ``沈阳``, ``Northeast China``
  beats ``Northeast``/``China``, ``浙江西部`` is 浙江, not 江西.
* Chinese has no word boundaries, so names are found as substrings; short
  names that are also ordinary words (朝阳 "sunrise", 来宾 "guests") are
  listed as ``ambiguous`` in the data and only count next to their province or
  in a list of places, and ``guards`` drop known collocations (白山黑水,
  黄河北岸, 全国人大). English names need word boundaries and ignore case,
  except the few listed as case-sensitive ("Northeast").
* The YAML is parsed once, on first use, and cached for the process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from zhenxing.extract.fastre import first_cjk, lowered

__all__ = [
    "LEVELS",
    "LocalReference",
    "RegionInfo",
    "RegionMention",
    "all_regions",
    "canonical_region",
    "find_local_references",
    "find_regions",
    "region_of",
]

LEVELS = ("country", "macro", "province", "prefecture")


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """One gazetteer entry: a place and every form it is written in."""

    name: str  # English canonical name, the ``region`` of a fact
    level: str  # "country" | "macro" | "province" | "prefecture"
    province: str | None  # English name of the parent province, None for provinces and national macros
    zh: str  # Chinese full name, e.g. 沈阳市
    zh_aliases: tuple[str, ...] = ()
    en_aliases: tuple[str, ...] = ()
    ambiguous: frozenset[str] = field(default_factory=frozenset)


@dataclass(slots=True)
class RegionMention:
    """A place named in a text; ``start``/``end`` are code-point offsets into that text."""

    start: int
    end: int
    name: str
    level: str
    province: str | None
    text: str = ""

    def shifted(self, offset: int) -> RegionMention:
        """The same mention with offsets into a text that starts ``offset`` later."""
        return RegionMention(
            self.start - offset, self.end - offset, self.name, self.level, self.province, self.text
        )


@dataclass(frozen=True, slots=True)
class LocalReference:
    """A deictic place ("全省", "our city", "the province"): which level the text points at.

    These name no place by themselves; the caller maps them to the document's
    own province or city.
    """

    start: int
    end: int
    scope: str  # "province" | "prefecture"
    text: str


@dataclass(frozen=True, slots=True)
class _Alias:
    name: str
    ambiguous: bool
    not_before: tuple[str, ...]  # reject when the text after the match starts with one of these
    not_after: tuple[str, ...]  # reject when the text before the match ends with one of these


@dataclass(slots=True)
class _Gazetteer:
    infos: dict[str, RegionInfo]
    zh: dict[str, _Alias]  # exact Chinese alias -> alias record
    en: dict[str, _Alias]  # normalised, lower-cased English alias -> record
    en_cs: dict[str, _Alias]  # normalised, case-preserved English alias -> record
    lookup: dict[str, str]  # any form, folded -> canonical name (for user input)
    zh_re: re.Pattern[str] | None
    en_re: re.Pattern[str] | None  # for mostly-Latin text
    en_re_sparse: re.Pattern[str] | None  # for mostly-Chinese text


# --------------------------------------------------------------------------- loading

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_APOSTROPHES = "'\u2019\u2018\u02bc"
_DASH_CLASS = "[" + re.escape(_DASHES) + "]"
_APOS_CLASS = "[" + re.escape(_APOSTROPHES) + "]"
_DASH_TABLE = str.maketrans({c: "-" for c in _DASHES} | {c: "'" for c in _APOSTROPHES})
_SPACES = re.compile(r"\s+")


def _norm_en(s: str) -> str:
    """One spelling per English alias: single spaces, ASCII dash and apostrophe."""
    return _SPACES.sub(" ", s.translate(_DASH_TABLE)).strip()


def _fold(s: str) -> str:
    """Key for user input: NFKC, no accents, case-folded, no spaces, dashes or apostrophes."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[\s" + re.escape(_DASHES + _APOSTROPHES) + r".,()（）]+", "", s).casefold()


def _trie_pattern(words: list[str], *, english: bool) -> str:
    """A regex for a set of literal words, factored as a trie so matching is fast and longest-first."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def piece(ch: str) -> str:
        if english:
            if ch == " ":
                return r"\s+"
            if ch == "-":
                return _DASH_CLASS
            if ch == "'":
                return _APOS_CLASS
        return re.escape(ch)

    def build(node: dict[str, Any]) -> str:
        terminal = "" in node
        branches = [piece(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if terminal:
            # Greedy optional: the longer name is tried first, the shorter one is the fallback.
            return "(?:" + body + ")?"
        return body

    return build(trie)


def _load_entries() -> list[dict[str, Any]]:
    text = resources.files("zhenxing").joinpath("data/regions.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # a SafeLoader: the C one when PyYAML has it
    return list(data["regions"])


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Parse the YAML once and compile both scanners."""
    infos: dict[str, RegionInfo] = {}
    zh: dict[str, _Alias] = {}
    en: dict[str, _Alias] = {}
    en_cs: dict[str, _Alias] = {}
    lookup: dict[str, str] = {}
    for e in _load_entries():
        name = str(e["name"])
        level = str(e["level"])
        if level not in LEVELS:
            raise ValueError(f"regions.yaml: {name}: unknown level {level!r}")
        if name in infos:
            raise ValueError(f"regions.yaml: duplicate name {name!r}")
        zh_aliases = tuple(str(a) for a in e.get("zh_aliases") or ())
        en_aliases = tuple(str(a) for a in e.get("en_aliases") or ())
        cs_aliases = tuple(str(a) for a in e.get("en_cs") or ())
        ambiguous = frozenset(str(a) for a in e.get("ambiguous") or ())
        guards: dict[str, dict[str, list[str]]] = e.get("guards") or {}
        info = RegionInfo(
            name=name,
            level=level,
            province=e.get("province"),
            zh=str(e["zh"]),
            zh_aliases=zh_aliases,
            en_aliases=en_aliases + cs_aliases,
            ambiguous=ambiguous,
        )
        infos[name] = info

        def alias(
            form: str,
            name: str = name,
            guards: dict[str, dict[str, list[str]]] = guards,
            ambiguous: frozenset[str] = ambiguous,
        ) -> _Alias:
            g = guards.get(form, {})
            return _Alias(
                name=name,
                ambiguous=form in ambiguous,
                not_before=tuple(g.get("not_before", ())),
                not_after=tuple(g.get("not_after", ())),
            )

        for form in (info.zh, *zh_aliases):
            if form in zh:
                raise ValueError(f"regions.yaml: {form} names both {zh[form].name} and {name}")
            zh[form] = alias(form)
        # The canonical name itself is an English alias, except "Taizhou (Jiangsu)"-style keys.
        en_forms = [f for f in (name, *en_aliases) if "(" not in f]
        for form in en_forms:
            key = _norm_en(form).lower()
            en.setdefault(key, alias(form))  # the first (better-known) place keeps a shared spelling
        for form in cs_aliases:
            en_cs[_norm_en(form)] = alias(form)
        for form in (name, info.zh, *zh_aliases, *en_aliases, *cs_aliases):
            lookup.setdefault(_fold(form), name)

    zh_re = re.compile(_trie_pattern(sorted(zh), english=False)) if zh else None
    en_words = sorted(set(en) | {k.lower() for k in en_cs})
    en_re = en_re_sparse = None
    if en_words:
        # Run on a lower-cased copy of the text, without re.IGNORECASE: the pattern then starts
        # with a plain character class, which lets re skip ahead in C (IGNORECASE would not).
        # The leading [^a-z0-9] is the left word boundary; the text gets a space in front.
        trie = _trie_pattern(en_words, english=True)
        en_re = re.compile(r"[^a-z0-9](" + trie + r")(?![a-z0-9])")
        # In Chinese text almost every character passes [^a-z0-9]; there a pattern that starts
        # with the names' first letters skips faster, and the left boundary is checked after.
        en_re_sparse = re.compile("(" + trie + r")(?![a-z0-9])")
    return _Gazetteer(
        infos=infos,
        zh=zh,
        en=en,
        en_cs=en_cs,
        lookup=lookup,
        zh_re=zh_re,
        en_re=en_re,
        en_re_sparse=en_re_sparse,
    )


# --------------------------------------------------------------------------- scanning

_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# What may stand between two places of one list: "沈阳、朝阳", "Chaoyang and Huludao".
_LIST_SEP = re.compile(r"\s*(?:[、，,/&和与及]|以及|and|or)\s*", re.IGNORECASE)
# What may stand between a province and its city: "辽宁朝阳", "辽宁省朝阳市", "Liaoning's Chaoyang".
_PARENT_BEFORE = re.compile(r"\s*(?:省|Province)?\s*(?:'s|’s)?\s*", re.IGNORECASE)
_PARENT_AFTER = re.compile(r"\s*[,，(（]?\s*")


def _guarded(text: str, start: int, end: int, a: _Alias, english: bool) -> bool:
    if not (a.not_before or a.not_after):
        return False
    after = text[end : end + 12]
    before = text[max(0, start - 12) : start]
    if english:
        after, before = after.casefold(), before.casefold()
        return any(after.startswith(g.casefold()) for g in a.not_before) or any(
            before.endswith(g.casefold()) for g in a.not_after
        )
    return any(after.startswith(g) for g in a.not_before) or any(before.endswith(g) for g in a.not_after)


def _scan_zh(text: str, gz: _Gazetteer) -> list[tuple[int, int, _Alias]]:
    out: list[tuple[int, int, _Alias]] = []
    pattern = gz.zh_re
    if pattern is None:
        return out
    search = pattern.search
    zh = gz.zh
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            return out
        s, e = m.span()
        a = zh.get(m.group())
        if a is None or ((a.not_before or a.not_after) and _guarded(text, s, e, a, False)):
            pos = s + 1  # a shorter or later name may still start inside the rejected one
            continue
        out.append((s, e, a))
        pos = e


def _scan_en(text: str, gz: _Gazetteer) -> list[tuple[int, int, _Alias]]:
    out: list[tuple[int, int, _Alias]] = []
    sample = text[:2000]
    sparse = len(_CJK_CHAR.findall(sample)) * 3 > len(sample)
    pattern = gz.en_re_sparse if sparse else gz.en_re
    if pattern is None:
        return out
    shift = 0 if sparse else 1  # dense: the pattern's leading [^a-z0-9] is the left word boundary
    if len(lowered(text)) == len(text):
        low = lowered(text, spaced=not sparse)
    else:  # a rare character whose lower case is longer: keep offsets exact
        low = " " * shift + text.translate(_ASCII_LOWER)
    search = pattern.search
    en = gz.en
    pos = 0
    while True:
        m = search(low, pos)
        if m is None:
            return out
        s, e = m.span(1)
        s -= shift
        e -= shift
        if sparse and s > 0 and text[s - 1].isascii() and text[s - 1].isalnum():
            pos = s + 1
            continue
        form = m.group(1)
        a = en.get(form) or en.get(_norm_en(form))
        if a is None:
            a = gz.en_cs.get(_norm_en(text[s:e]))  # case-sensitive names: compare as written
        if a is None or ((a.not_before or a.not_after) and _guarded(text, s, e, a, True)):
            pos = s + 1 + shift
            continue
        out.append((s, e, a))
        pos = e + shift


_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})


def find_regions(text: str) -> list[RegionMention]:
    """All places named in ``text``, in text order, longest name first at each position.

    Ambiguous short names (朝阳, 来宾, "Chaoyang") are kept only when their
    province stands right before or after them or when they sit in a list
    with other places.
    """
    if not text:
        return []
    gz = _gazetteer()
    found: list[tuple[int, int, _Alias]] = []
    if first_cjk(text) >= 0:  # _CJK_CHAR.search(text), shared with the period scan
        found += _scan_zh(text, gz)
    if _ASCII_LETTER.search(text):
        found += _scan_en(text, gz)
    if not found:
        return []
    found.sort(key=lambda t: (t[0], -t[1]))
    # Chinese and English scans are disjoint in practice; drop overlaps all the same.
    kept: list[tuple[int, int, _Alias]] = []
    last_end = -1
    for t in found:
        if t[0] >= last_end:
            kept.append(t)
            last_end = t[1]
    if any(a.ambiguous for _, _, a in kept):
        kept = _resolve_ambiguous(text, kept, gz)
    infos = gz.infos
    mentions = []
    for s, e, a in kept:
        info = infos[a.name]
        mentions.append(RegionMention(s, e, info.name, info.level, info.province, text[s:e]))
    return mentions


def _resolve_ambiguous(
    text: str, found: list[tuple[int, int, _Alias]], gz: _Gazetteer
) -> list[tuple[int, int, _Alias]]:
    """Keep an ambiguous name only beside its province or inside a list of other places."""
    accepted = [not a.ambiguous for _, _, a in found]
    changed = True
    while changed:  # a list may chain ambiguous names: "沈阳、朝阳、来宾"
        changed = False
        for i, (s, e, a) in enumerate(found):
            if accepted[i]:
                continue
            parent = gz.infos[a.name].province
            ok = False
            for j in (i - 1, i + 1):
                if not 0 <= j < len(found) or not accepted[j]:
                    continue
                ns, ne, na = found[j]
                gap = text[ne:s] if j < i else text[e:ns]
                if _LIST_SEP.fullmatch(gap):
                    ok = True
                elif parent and na.name == parent:
                    ok = bool(_PARENT_BEFORE.fullmatch(gap) if j < i else _PARENT_AFTER.fullmatch(gap))
                if ok:
                    break
            if ok:
                accepted[i] = True
                changed = True
    return [t for t, ok in zip(found, accepted, strict=True) if ok]


_LOCAL = re.compile(
    r"(?P<province>全省|我省|本省|省内|全区|我区|(?:the|our|this)\s+(?:whole\s+|entire\s+)?province\b|province-?wide)"
    r"|(?P<prefecture>全市|我市|本市|市内|全州|(?:the|our|this)\s+(?:whole\s+|entire\s+)?city\b|city-?wide)",
    re.IGNORECASE,
)


def find_local_references(text: str) -> list[LocalReference]:
    """Deictic places: 全省 / "the province" (scope province), 全市 / "the city" (scope prefecture).

    Government reports say "全省城镇新增就业" rather than repeat the province's
    name; the caller maps these to the document's own province or city.
    """
    out = []
    for m in _LOCAL.finditer(text):
        scope = m.lastgroup or "province"
        out.append(LocalReference(m.start(), m.end(), scope, m.group()))
    return out


# --------------------------------------------------------------------------- lookup

_SUFFIXES = re.compile(
    r"(?:省|市|自治区|特别行政区|地区|盟|province|city|municipality|prefecture|league|autonomous region|sar)$",
    re.IGNORECASE,
)


def canonical_region(name: str) -> str | None:
    """The canonical English name for any written form of a place, or None.

    For user input (CLI filters): "liaoning", "辽宁", "辽宁省", "Liaoning
    Province" -> "Liaoning"; "shenyang city" -> "Shenyang"; "inner mongolia" ->
    "Inner Mongolia". Ambiguous short names resolve too, since a user typing
    朝阳 means the place.
    """
    if not name or not name.strip():
        return None
    lookup = _gazetteer().lookup
    key = _fold(name)
    hit = lookup.get(key)
    if hit is None:
        stripped = _SUFFIXES.sub("", name.strip()).strip()
        if stripped and stripped != name.strip():
            hit = lookup.get(_fold(stripped))
    return hit


def region_of(name: str) -> RegionInfo | None:
    """The gazetteer entry for a canonical name or any alias, or None."""
    gz = _gazetteer()
    info = gz.infos.get(name)
    if info is not None:
        return info
    canon = canonical_region(name)
    return gz.infos.get(canon) if canon else None


def all_regions() -> tuple[RegionInfo, ...]:
    """Every gazetteer entry, in file order (country, macro-regions, provinces, prefectures)."""
    return tuple(_gazetteer().infos.values())
