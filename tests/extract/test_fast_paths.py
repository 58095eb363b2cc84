"""The fast forms of the scanners and cues give the answers of the plain patterns they replace.

Extraction runs its regexes on lower-cased copies, regroups alternations by
first letter, skips patterns that cannot match and interleaves two name scans
(see ``extract/fastre.py``); each test here generates texts around the words
that matter, in mixed case and with the letters that case-folding treats
specially (İ ı ſ K), and compares with the straightforward form.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenxing.extract import cues, indicators, periods
from zhenxing.extract.facts import _CLAUSE_BREAK, _clauses, _paragraphs
from zhenxing.extract.fastre import by_first_letter, first_chars, first_cjk, fold, lowered, release
from zhenxing.text import sentences

_NOISE = [" ", "  ", "\t", "\n", "\u3000", "\xa0", ",", ".", ";", "(", ")", "-", "'", "_", "x", "5", "2021",
          "中", "的", "。", "，", "İ", "ı", "ſ", "K", "Σ"]  # fmt: skip


def _texts(words: list[str]) -> st.SearchStrategy[str]:
    """Texts made of ``words`` (in any case) and noise, with and without spaces between them."""
    word = st.sampled_from(words).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.title(), w.swapcase()])
    )
    return st.lists(st.one_of(word, st.sampled_from(_NOISE)), max_size=14).map("".join)


_CUE_WORDS = [
    "will", "shall", "aims", "is to", "we'll", "going  to", "endeavor", "endeavour", "力争", "将继续", "要确保",
    "reached", "benefited", "set up", "put into operation", "fully completed", "enabled", "totalled", "完成",
    "now", "at present", "so far", "to date", "目前", "截至目前", "was", "has been", "have greatly improved",
    "had driven", "rose", "realised", "willing", "nowhere", "hitch",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_texts(_CUE_WORDS))
def test_word_cues_agree_with_their_pattern(text: str) -> None:
    for cue in (cues.FUTURE, cues.ACHIEVED, cues.NOW, cues.PAST):
        assert cue.found(text) == bool(cue.pattern.search(text)), text
        low = fold(text)
        if low is not None:
            assert cue.found(text, low) == bool(cue.pattern.search(text)), text


_CMP_WORDS = [
    "at least", "no more than", "not exceeding", "up to", "more than", "over", "exceeds", "in excess of",
    "below", "under", "about", "close to", "an estimated", "estimated", "by", "to", "of", "不超过", "超过", "超",
    "控制在", "约", "达到", "为", "以内的",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_texts(_CMP_WORDS))
def test_comparator_before_agrees_with_the_pattern(text: str) -> None:
    window = text[-30:]
    expected = cues.CMP_BEFORE_ONE.search(window)
    got = cues.comparator_before(window)
    assert (got is None) == (expected is None), window
    if got is not None and expected is not None:
        assert (got.span(), got.lastgroup) == (expected.span(), expected.lastgroup)


_CHANGE_WORDS = [
    "increased", "rose", "grew", "growth", "rise", "rising", "decline", "decreasing", "fell", "down", "up",
    "dropped", "reducing", "cut", "lowered", "saving", "shrank", "slashed", "contracted", "narrowed", "the",
    "a", "an", "year-on-year", "annual", "rate", "by", "of", "more than", "about", "at least", "a further",
    "another", "only", "GDP", "proof", "(by",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_texts(_CHANGE_WORDS))
def test_change_filter_never_hides_a_match(text: str) -> None:
    low = fold(text)
    if low is None:
        return
    patterns = (cues.EN_NOUN_OF, cues.EN_GROWTH_NOUN_BEFORE, cues.EN_VERB_DIRECT, cues.EN_CHANGE_BEFORE)
    if any(p.search(text) for p in patterns):
        assert cues.change_before_possible(low), text


def _reference_indicators(text: str) -> list[tuple[int, int, str]]:
    """The scan as one alternation of both tries, English first (what ``find_indicators`` must equal)."""
    owner = indicators._matchers().owner
    english = [n for n in owner if not indicators._is_cjk(n)]
    chinese = [n for n in owner if indicators._is_cjk(n)]
    pattern = re.compile(
        rf"(?<![a-z0-9])(?:{indicators._trie_pattern(english)})(?:e?s)?(?![a-z0-9])"
        rf"|{indicators._trie_pattern(chinese)}"
    )
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    out = []
    for m in pattern.finditer(folded):
        ind = indicators._owner_of(m.group(0), owner)
        if ind is not None:
            out.append((m.start(), m.end(), ind.id))
    return out


_NAME_WORDS = [
    "GDP", "gdp growth", "R&D", "r&d经费", "研发经费", "5G base stations", "5g基站", "PM2.5浓度", "grain output",
    "per capita disposable income", "urban", "new urban jobs", "exports", "gdps", "地区生产总值", "粮食产量",
]  # fmt: skip


@pytest.fixture(scope="module")
def reference_pattern() -> None:
    indicators._matchers()  # compile once, outside hypothesis' deadline


@settings(max_examples=300, deadline=None)
@given(_texts(_NAME_WORDS))
def test_find_indicators_equals_one_alternation(reference_pattern: None, text: str) -> None:
    got = [(m.start, m.end, m.indicator.id) for m in indicators.find_indicators(text)]
    assert got == _reference_indicators(text), text


def test_find_indicators_in_mostly_chinese_text() -> None:
    text = "全年GDP增长5%，研发经费投入强度2.1%，gdps和R&D经费，5G基站1.2万个。" * 3
    got = [(m.start, m.end, m.indicator.id) for m in indicators.find_indicators(text)]
    assert got == _reference_indicators(text)
    assert got


# The two patterns below as plain alternations, the way they read; a change to one needs the other.
_CLAUSE_BREAK_PLAIN = re.compile(
    r"[，；;：:、！？!?]|,(?!\d{3})|\s+(?:while|whereas|and(?=\s+(?:the|its|our|we)\b))\s+"
)
_HAN = sentences._HAN
_CLOSERS = sentences._CLOSERS_CLASS
_BOUNDARY_PLAIN = re.compile(
    rf"\n|[。！？][。！？!?{_CLOSERS}]*|[!?][!?。！？{_CLOSERS}]*(?=\s|$|[{_HAN}])"
    rf"|\.[.!?{_CLOSERS}]*(?=\s|$|[{_HAN}])"
)
_PUNCTUATION = list("，；;：:、！？!?,.。\n\"”）)】」』》]") + [" while ", " and the ", "  whereas\t", ",123", ", 12", "..."]


@settings(max_examples=400, deadline=None)
@given(_texts(_PUNCTUATION + ["and", "we", "its", "our", "the", "U.S", "Mr"]))
def test_clause_and_sentence_breaks_equal_their_alternations(text: str) -> None:
    assert [m.span() for m in _CLAUSE_BREAK.finditer(text)] == [
        m.span() for m in _CLAUSE_BREAK_PLAIN.finditer(text)
    ]
    plain = [m.span() for m in _CLAUSE_BREAK_PLAIN.finditer(text)]
    assert _clauses(text) == [
        (a, b) for (a, b) in zip([0] + [e for _, e in plain], [s for s, _ in plain] + [len(text)], strict=True)
    ]
    assert [m.span() for m in sentences._BOUNDARY_RE.finditer(text)] == [
        m.span() for m in _BOUNDARY_PLAIN.finditer(text)
    ]


@given(
    st.lists(st.sampled_from(["ab", "ac", "b", "bcd", "a", "ca+", "cx?y", "d(?:x|y)"]), min_size=1, max_size=6),
    st.text("abcdxy", max_size=12),
)
def test_by_first_letter_matches_what_the_alternation_matches(words: list[str], text: str) -> None:
    plain = re.compile(f"(?:{'|'.join(words)})")
    grouped = re.compile(f"(?:{by_first_letter(words)})")
    for pos in range(len(text) + 1):
        assert bool(plain.match(text, pos)) == bool(grouped.match(text, pos))


def test_by_first_letter_refuses_what_it_cannot_regroup() -> None:
    with pytest.raises(ValueError):
        by_first_letter([r"\bword"])
    with pytest.raises(ValueError):
        by_first_letter(["(?:a|b)c"])
    with pytest.raises(ValueError):
        by_first_letter(["c+"])  # the quantifier belongs to the first letter
    with pytest.raises(ValueError):
        by_first_letter(["ab|cd"])


def test_fold_refuses_letters_that_ignorecase_reads_otherwise() -> None:
    assert fold("GDP Rose") == "gdp rose"
    assert fold("\u212a") == "k"  # Kelvin sign: IGNORECASE and lower() agree
    for text in ("İstanbul", "ıncrease", "ſome"):
        assert fold(text) is None


def test_lowered_belongs_to_the_text_it_was_made_from() -> None:
    a = "GDP Rose By 5%"
    b = "".join(["GDP ", "Rose By 5%"])  # equal, another object
    assert lowered(a) == a.lower() and lowered(a, spaced=True) == " " + a.lower()
    assert lowered(b) == b.lower()
    assert lowered("Other") == "other"
    assert lowered(a) == a.lower()


def test_first_chars_of_the_period_rules() -> None:
    assert first_chars(r"(?<=the\s)(?P<x>past|last)\s+year") == frozenset("pl")
    assert first_chars(r"q(?P<n>[1-4])|(?:\s*)x") is None  # \s* can be empty, then \s is not a set
    assert first_chars(r"a?b") == frozenset("ab")
    assert first_chars(r"\w+") is None
    for rule in periods._EN_RULES:
        chars = first_chars(rule.core)
        for text in ("since 2013", "between 2016 and 2021", "the first quarter of 2022", "q3 2022",
                     "2022 h1", "first three months", "january to march", "march 2022", "last year",
                     "past five years", "next three years", "in recent years", "within three years",
                     "by 2025", "at present", "2021", "14th five-year plan", "the whole year"):  # fmt: skip
            m = re.match(rule.core, text)
            if m is not None and m.end() > 0:
                assert chars is None or text[0] in chars, (rule.name, text)


def test_first_cjk_and_release() -> None:
    text = "GDP grew 5% in 2023（全年）."
    assert first_cjk(text) == text.index("全")
    assert lowered(text) == text.lower()
    assert first_cjk("No ideograph here") == -1
    release(text)  # not the last text any more: nothing to drop
    other = "Place: 沈阳"
    assert first_cjk(other) == 7 and lowered(other, spaced=True) == " place: 沈阳"
    release(other)
    assert first_cjk(other) == 7


@given(st.text(alphabet=" \t\u3000\xa0\r\nab中", max_size=30))
def test_paragraphs_are_the_trimmed_lines(text: str) -> None:
    expected = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s] in " \t\u3000\xa0":
            s += 1
        while e > s and text[e - 1] in " \t\u3000\xa0\r":
            e -= 1
        if e > s:
            expected.append((s, e))
    assert list(_paragraphs(text)) == expected


@settings(max_examples=300, deadline=None)
@given(_texts(_CUE_WORDS), _texts(_CUE_WORDS))
def test_a_nul_joins_two_windows_without_joining_their_words(before: str, after: str) -> None:
    for cue in (cues.FUTURE, cues.ACHIEVED, cues.NOW, cues.PAST):
        joined = cue.found(before + "\x00" + after)
        assert joined == (bool(cue.pattern.search(before)) or bool(cue.pattern.search(after)))
