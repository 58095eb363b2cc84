"""Word cues around a figure: comparators, changes, tense and achievement.

Each cue is a compiled regex anchored at the end of the text before the figure
or at the start of the text after it, so the classifier looks at a few dozen
characters per figure and never rescans the sentence.
"""

from __future__ import annotations

import re

from zhenxing.extract.fastre import by_first_letter, fold

# --- fast search of case-insensitive cues ------------------------------------
# Run on a lower-cased copy, without IGNORECASE and behind a character class
# (see ``fastre``), a cue lets re skip in C to where one of its words can start:
# searching the cues was the largest share of classifying a figure.


class WordCue:
    """A cue that is present or not: English words between word boundaries, or Chinese words anywhere.

    ``pattern`` is the cue as one IGNORECASE regex, ``\b(?:english)\b|chinese``;
    ``found`` answers whether it occurs, the same answer faster (see above).
    """

    __slots__ = ("_en", "_zh", "pattern")

    def __init__(self, en: list[str], zh: list[str] | None = None) -> None:
        zh = zh or []
        if any(re.search(r"[A-Za-z]", word) for word in zh):
            raise ValueError("Chinese cue words must not depend on case")
        self.pattern = re.compile(
            rf"\b(?:{'|'.join(en)})\b" + "".join(f"|{word}" for word in zh), re.IGNORECASE
        )
        # On " " + the lower-cased text: the leading [^\w] is the \b before a word (all start
        # with a letter). Two searches: one pattern for both ran slower, its first class being
        # the union of the two.
        self._en = re.compile(rf"[^\w](?:{by_first_letter(en)})\b")
        self._zh = re.compile(by_first_letter(zh)) if zh else None

    def found(self, text: str, low: str | None = None) -> bool:
        """Whether the cue occurs in ``text``; ``low`` is ``fold(text)`` when the caller has it."""
        if low is None:
            low = text.lower()
            if len(low) != len(text) or "ı" in low or "ſ" in low:  # not ``fold``-safe
                return self.pattern.search(text) is not None
        if self._zh is not None and self._zh.search(low) is not None:
            return True
        return self._en.search(" " + low) is not None


# --- comparators -----------------------------------------------------------
# Before the figure (the window ends where the figure starts).
_CMP_BEFORE = [
    (">=", [r"at\s+least", r"no\s+less\s+than", r"not\s+less\s+than", r"no\s+fewer\s+than", r"a\s+minimum\s+of",
            "不低于", "不少于", "至少", "起码"]),
    ("<=", [r"at\s+most", r"no\s+more\s+than", r"not\s+more\s+than", r"not\s+exceeding", r"up\s+to",
            r"a\s+maximum\s+of", "不超过", "不高于", "最多", "控制在"]),
    (">", [r"more\s+than", "over", "exceeding", "exceeded", "exceeds", "above", r"in\s+excess\s+of",
           r"upwards\s+of", "beyond", "超过", "超", "逾", "高于", "多于"]),
    ("<", [r"less\s+than", r"fewer\s+than", "below", "under", r"lower\s+than", "不到", "不足", "低于", "少于", "以内的"]),
    ("~", ["about", "around", "approximately", "nearly", "almost", "roughly", "some", r"close\s+to",
           r"an\s+estimated", "estimated", "约", "大约", "近", "将近", "接近", "预计", "大概"]),
]  # fmt: skip
_CMP_NAMES = {">=": "ge", "<=": "le", ">": "gt", "<": "lt", "~": "approx"}
_CMP_BEFORE_TAIL = r"\s*(?:by\s+|to\s+|of\s+|达到?|为)?\s*$"
# One pattern for all comparators, tried in the order above (at least before more than, …).
CMP_BEFORE_ONE = re.compile(
    "(?:"
    + "|".join(f"(?P<{_CMP_NAMES[op]}>(?:{'|'.join(words)}))" for op, words in _CMP_BEFORE)
    + ")"
    + _CMP_BEFORE_TAIL,
    re.IGNORECASE,
)
# The same words without their groups, for a lower-cased window: a quick no for the many
# figures without a comparator (CMP_BEFORE_ONE tries every position of the window).
_CMP_BEFORE_ANY = re.compile(
    f"(?:{by_first_letter([word for _, words in _CMP_BEFORE for word in words])})" + _CMP_BEFORE_TAIL
)


def comparator_before(window: str) -> re.Match[str] | None:
    """``CMP_BEFORE_ONE.search(window)``, answered without it when the window holds no comparator."""
    low = fold(window)
    if low is not None and _CMP_BEFORE_ANY.search(low) is None:
        return None
    return CMP_BEFORE_ONE.search(window)


CMP_OF_GROUP = {name: op for op, name in _CMP_NAMES.items()}
# After the figure (the window starts where the figure ends).
_CMP_AFTER = [
    (">=", r"or\s+more|and\s+above|or\s+above|及以上"),
    ("<=", r"or\s+less|or\s+below|及以下"),
    (">", r"以上|多|余|plus\b|\+"),
    ("<", r"以内|以下|之内"),
    ("~", r"左右|上下|or\s+so\b"),
]
CMP_AFTER_ONE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<{_CMP_NAMES[op]}>{body})" for op, body in _CMP_AFTER) + ")", re.IGNORECASE
)

# --- changes ---------------------------------------------------------------
_UP_EN = r"increas\w*|ris\w*|rose|grow\w*|grew|growth|up|climb\w*|jump\w*|surg\w*|expand\w*|rais\w*|boost\w*|gain\w*|add\w*|higher"
_DOWN_EN = r"decreas\w*|declin\w*|drop\w*|fall\w*|fell|reduc\w*|cut\w*|down|lower\w*|sav\w*|shrank|shrink\w*|slash\w*|contract\w*|narrow\w*"
_UP_ZH = r"增长|增加(?!值)|上涨|上升|提高|提升|增(?!加值)|涨|扩大|回升"
_DOWN_ZH = r"下降|减少|降低|缩减|压减|压缩|缩短|下滑|回落|节省|节约|减|降|缩小"

# A change verb somewhere before the figure in its clause (English allows a
# few words between: "increase the area of facility agriculture by").
EN_CHANGE_BEFORE = re.compile(
    rf"\b(?P<verb>{_UP_EN}|{_DOWN_EN})\b(?P<gap>[^,;.]{{0,80}}?)\b(?P<by>by|of)\s+(?:(?:more\s+than|about|around|nearly|over|at\s+least|approximately|almost|some|only|just|a\s+further|another)\s+)?$",
    re.IGNORECASE,
)
# Verbs that take the figure directly as object: "reducing 75 handling links", "down 42%".
EN_VERB_DIRECT = re.compile(
    rf"\b(?P<verb>{_DOWN_EN}|up|rose|increased|grew|jumped|climbed|surged|gained|rising|growing)\s+(?:(?:more\s+than|about|around|nearly|over|only|just)\s+)?$",
    re.IGNORECASE,
)
# "a rise of 5.8%", "growth of 10%", "an increase of", "a drop of".
EN_NOUN_OF = re.compile(
    r"\b(?:a|an|the)?\s*(?:year[\s-]on[\s-]year\s+|annual\s+|average\s+)?(?P<verb>rise|increase|growth|gain|jump|decline|decrease|drop|fall|reduction|cut|surge)\s+(?:rate\s+)?of\s+(?:(?:more\s+than|about|around|nearly|over)\s+)?$",
    re.IGNORECASE,
)
# "growth by more than 5.5%", "rising by about 3%", "a more than 10% growth".
EN_GROWTH_NOUN_BEFORE = re.compile(
    r"\b(?P<verb>growth|rising|rise|increase|increasing|decline|declining|decrease|decreasing|fall|falling)\s+(?:by\s+)?(?:(?:more\s+than|about|around|nearly|over|at\s+least)\s+)?$",
    re.IGNORECASE,
)
EN_GROWTH_AFTER = re.compile(
    r"^\s*(?:year[\s-]on[\s-]year\s+|annual\s+|yearly\s+)?(?P<verb>growth|increase|rise|jump|decline|decrease|drop|fall|reduction|cut)\b",
    re.IGNORECASE,
)
EN_FEWER_AFTER = re.compile(r"^\s*(?P<verb>fewer|less|more)\b", re.IGNORECASE)
EN_TO_AFTER_VERB = re.compile(
    rf"\b(?:{_UP_EN}|{_DOWN_EN})\s+to\s+(?:(?:more\s+than|about|around|nearly|over)\s+)?$", re.IGNORECASE
)

# Each of the four patterns above ends "<word>\s+$" or "<word>\s+<qualifier>\s+$", so
# the last word of a window that one of them matches is one of these (a verb with a
# \w* ending begins with one of the stems). ``change_before_possible`` checks that
# first: most figures are not preceded by a change word, and the anchored patterns
# try every position of their window. Keep these in step with the patterns (a test
# checks them against the patterns on generated windows).
_CHANGE_LAST_WORDS = frozenset(
    [
        "by", "of",  # EN_CHANGE_BEFORE, EN_NOUN_OF, EN_GROWTH_NOUN_BEFORE
        # last words of the qualifiers ("more than", "at least", "a further", …)
        "than", "about", "around", "nearly", "over", "least", "approximately", "almost", "some", "only", "just",
        "further", "another",
        # EN_VERB_DIRECT, without the \w* verbs of _DOWN_EN
        "fell", "down", "shrank", "up", "rose", "increased", "grew", "jumped", "climbed", "surged", "gained",
        "rising", "growing",
        # EN_GROWTH_NOUN_BEFORE
        "growth", "rising", "rise", "increase", "increasing", "decline", "declining", "decrease", "decreasing",
        "fall", "falling",
    ]
)  # fmt: skip
_CHANGE_LAST_STEMS = tuple(re.findall(r"([a-z]+)\\w\*", _DOWN_EN))  # "decreas\w*", … of EN_VERB_DIRECT
_WORD_TAIL = re.compile(r"\w+$")


def change_before_possible(low: str) -> bool:
    """False when none of the four anchored change patterns can match ``low`` (a ``fold``-ed window)."""
    stripped = low.rstrip()
    if len(stripped) == len(low) or not stripped:
        return False  # every pattern ends with white space
    word = stripped.rsplit(None, 1)[-1]
    if not word.isalnum():  # the \w run the pattern would end on: "(by" -> "by"
        m = _WORD_TAIL.search(word)
        if m is None:
            return False
        word = m.group()
    return word in _CHANGE_LAST_WORDS or word.startswith(_CHANGE_LAST_STEMS)


# Chinese: a change verb in the clause before the figure; "到/至" right before
# the figure makes it a level ("增加到575亿元"), 新增 is a level ("新增就业").
ZH_CHANGE_BEFORE = re.compile(rf"(?P<verb>{_DOWN_ZH}|{_UP_ZH})")
ZH_TO_BEFORE = re.compile(r"(?:到|至|为|达|达到)\s*(?:约|近|超过|超)?\s*$")
ZH_NEW_BEFORE = re.compile(r"新增")

UP_WORDS = re.compile(rf"^(?:{_UP_EN}|{_UP_ZH}|up|more)$", re.IGNORECASE)
DOWN_WORDS = re.compile(rf"^(?:{_DOWN_EN}|{_DOWN_ZH}|fewer|less)$", re.IGNORECASE)

# A rate whose change is a change of percentage points when written with %.
PROPORTION_LABEL = re.compile(
    r"proportion|share|ratio|\brate\b|percentage|coverage|比例|比重|占比|覆盖率|达标率|优良率|(?<!增长)率",
    re.IGNORECASE,
)

# Doubling words are multiples of their own.
DOUBLING = re.compile(r"\b(?:doubl(?:e|ed|es|ing))\b|翻一番|翻番", re.IGNORECASE)

# --- tense / plan ----------------------------------------------------------
FUTURE = WordCue(
    en=[
        "will", "shall", "should", "must", "strive", "striving", "aim", "aims", "aiming", "target", "targets",
        "planned", "expected", "expect", "projected", "ensure", r"is\s+to", r"are\s+to", "we'll", r"going\s+to",
        "intend", "seek", "endeavou?r",
    ],
    zh=[
        "力争", "确保", "预期", "目标是", "计划", "争取", "预计", "拟",
        "将(?:继续|进一步|全面|加快|新建|建设|完成|实现|达到|新增|增加|提高|开工|推进|建成|改造|培育|打造)",
        "要(?:完成|实现|达到|新增|确保)",
    ],
)  # fmt: skip
# Verbs that report a programme's outcome ("built", "完成"); a descriptive figure has none.
ACHIEVED = WordCue(
    en=[
        "reached", "hit", "achieved", "completed", "complete", "built", "created", "established", "implemented",
        "renovated", "launched", "attracted", "supported", "resolved", "solved", r"benefit\w*", "transported",
        "introduced", r"set\s+up", "cleared", "amended", "abolished", "cleaned", "won", "accomplished",
        "constructed", r"relocat\w*", "allocated", "cultivated", "treated", "improved", "upgraded", "registered",
        "attained", "recorded", "totall?ed", "amounted", "realized", "realised", "processing", "processed",
        "handled", r"put\s+into\s+operation", r"put\s+forward\s+and\s+implemented", r"fully\s+completed",
        "newly", "created", r"enable\w*",
    ],
    zh=[
        "完成", "建成", "实现", "惠及", "运送", "开行", "新建", "新增", "累计", "解决", "引进", "搬迁", "达到", "突破",
        "创建", "培育", "认定", "上线", "设立", "改造", "改善", "办理", "纳入", "复制推广",
    ],
)  # fmt: skip
NOW = WordCue(
    en=["now", "nowadays", "currently", r"at\s+present", "presently", "today", r"so\s+far", r"to\s+date"],
    zh=["目前", "现在", "如今", "当前", "至今", "截至目前"],
)

# A duration used as a time frame, not a fact: "in three years", "3年多来", "over the past five years".
TIMEFRAME_BEFORE = re.compile(
    r"(?:\b(?:in|within|over|during|for|after|past|last|next|coming)\s+(?:the\s+)?(?:past\s+|last\s+|next\s+|coming\s+|first\s+)?$)|(?:过去|近|未来|今后)\s*$",
    re.IGNORECASE,
)
TIMEFRAME_AFTER = re.compile(
    r"^\s*(?:多|余)?(?:来|以来|间|内|里|累计|期间)|^\s*(?:ago|later|earlier|running|in\s+a\s+row)\b",
    re.IGNORECASE,
)

# English past tense of reporting verbs: a figure so stated was achieved, whatever its period.
PAST = WordCue(
    en=[
        "was", "were", r"has\s+been", r"have\s+been", r"had\s+been", "reached", "achieved", "hit", "recorded",
        "rose", "grew", "increased", "decreased", "fell", "declined", "dropped", "completed", "built", "created",
        "totaled", "totalled", "amounted", "registered", "realized", "realised", "stood", "attracted",
        r"ha(?:s|ve|d)\s+(?:\w+ly\s+)?(?:\w+ed|driven|grown|risen|seen|made|won|become|brought|taken|given)",
    ],
)  # fmt: skip
