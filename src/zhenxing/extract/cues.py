"""Word cues around a figure: comparators, changes, tense and achievement.

Each cue is a compiled regex anchored at the end of the text before the figure
or at the start of the text after it, so the classifier looks at a few dozen
characters per figure and never rescans the sentence.
"""

from __future__ import annotations

import re

# --- comparators -----------------------------------------------------------
# Before the figure (the window ends where the figure starts).
_CMP_BEFORE = [
    (
        ">=",
        r"(?:at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+fewer\s+than|a\s+minimum\s+of|不低于|不少于|至少|起码)",
    ),
    (
        "<=",
        r"(?:at\s+most|no\s+more\s+than|not\s+more\s+than|not\s+exceeding|up\s+to|a\s+maximum\s+of|不超过|不高于|最多|控制在)",
    ),
    (
        ">",
        r"(?:more\s+than|over|exceeding|exceeded|exceeds|above|in\s+excess\s+of|upwards\s+of|beyond|超过|超|逾|高于|多于)",
    ),
    ("<", r"(?:less\s+than|fewer\s+than|below|under|lower\s+than|不到|不足|低于|少于|以内的)"),
    (
        "~",
        r"(?:about|around|approximately|nearly|almost|roughly|some|close\s+to|an\s+estimated|estimated|约|大约|近|将近|接近|预计|大概)",
    ),
]
_CMP_NAMES = {">=": "ge", "<=": "le", ">": "gt", "<": "lt", "~": "approx"}
# One pattern for all comparators, tried in the order above (at least before more than, …).
CMP_BEFORE_ONE = re.compile(
    "(?:"
    + "|".join(f"(?P<{_CMP_NAMES[op]}>{body})" for op, body in _CMP_BEFORE)
    + r")\s*(?:by\s+|to\s+|of\s+|达到?|为)?\s*$",
    re.IGNORECASE,
)
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
FUTURE = re.compile(
    r"\b(?:will|shall|should|must|strive|striving|aim|aims|aiming|target|targets|planned|expected|expect|projected|ensure|"
    r"is\s+to|are\s+to|we'll|going\s+to|intend|seek|endeavou?r)\b"
    r"|力争|确保|预期|目标是|计划|争取|预计|拟|将(?:继续|进一步|全面|加快|新建|建设|完成|实现|达到|新增|增加|提高|开工|推进|建成|改造|培育|打造)|要(?:完成|实现|达到|新增|确保)",
    re.IGNORECASE,
)
# Verbs that report a programme's outcome ("built", "完成"); a descriptive figure has none.
ACHIEVED = re.compile(
    r"\b(?:reached|hit|achieved|completed|complete|built|created|established|implemented|renovated|launched|attracted|"
    r"supported|resolved|solved|benefit\w*|transported|introduced|set\s+up|cleared|amended|abolished|cleaned|won|"
    r"accomplished|constructed|relocat\w*|allocated|cultivated|treated|improved|upgraded|registered|attained|"
    r"recorded|totall?ed|amounted|realized|realised|processing|processed|handled|put\s+into\s+operation|"
    r"put\s+forward\s+and\s+implemented|fully\s+completed|newly|created|enable\w*)\b"
    r"|完成|建成|实现|惠及|运送|开行|新建|新增|累计|解决|引进|搬迁|达到|突破|创建|培育|认定|上线|设立|改造|改善|办理|纳入|复制推广",
    re.IGNORECASE,
)
NOW = re.compile(
    r"\b(?:now|nowadays|currently|at\s+present|presently|today|so\s+far|to\s+date)\b|目前|现在|如今|当前|至今|截至目前",
    re.IGNORECASE,
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
PAST = re.compile(
    r"\b(?:was|were|has\s+been|have\s+been|had\s+been|reached|achieved|hit|recorded|rose|grew|increased|decreased|fell|"
    r"declined|dropped|completed|built|created|totaled|totalled|amounted|registered|realized|realised|stood|attracted)\b"
    r"|\b(?:has|have|had)\s+(?:\w+ly\s+)?(?:\w+ed|driven|grown|risen|seen|made|won|become|brought|taken|given)\b",
    re.IGNORECASE,
)
