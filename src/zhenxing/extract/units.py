"""Unit words after a number, and the canonical units of eval/FORMAT.md they map to.

Every unit surface maps to ``(unit, factor, form)``: the canonical unit, the
factor that converts an amount in the written unit into that canonical unit
(``亩`` -> ``ha`` is 1/15), and the form of the quantity ("money", "measure",
"count", "percent", ...). The tables are turned into one alternation each so
that a single ``re.match`` at the end of a number reads the whole unit; the
alternations are sorted longest first, so ``平方公里`` wins over ``公里`` and
``美元`` over ``元``.

Rates (``78公斤/亩``, ``yuan per month``) keep the written units on both sides
of the slash, unconverted, because FORMAT.md writes them so (``kg/mu``).
"""

from __future__ import annotations

import re

Unit = tuple[str | None, float, str]

MU_HA = 1 / 15

# --- Chinese ------------------------------------------------------------------

ZH_MONEY: dict[str, Unit] = {
    "元": ("CNY", 1, "money"),
    "元人民币": ("CNY", 1, "money"),
    "人民币": ("CNY", 1, "money"),
    "块钱": ("CNY", 1, "money"),
    "块": ("CNY", 1, "money"),
    "塊": ("CNY", 1, "money"),
    "塊錢": ("CNY", 1, "money"),
    "美元": ("USD", 1, "money"),
    "美圆": ("USD", 1, "money"),
    "美金": ("USD", 1, "money"),
    "美刀": ("USD", 1, "money"),
    "美分": ("USD", 0.01, "money"),
    "欧元": ("EUR", 1, "money"),
    "日元": ("JPY", 1, "money"),
    "英镑": ("GBP", 1, "money"),
    "港元": ("HKD", 1, "money"),
    "港币": ("HKD", 1, "money"),
    "澳元": ("AUD", 1, "money"),
    "加元": ("CAD", 1, "money"),
    "新台币": ("TWD", 1, "money"),
    "台币": ("TWD", 1, "money"),
    "韩元": ("KRW", 1, "money"),
    "卢布": ("RUB", 1, "money"),
    "瑞士法郎": ("CHF", 1, "money"),
    "法郎": ("FRF", 1, "money"),
    "卢比": ("INR", 1, "money"),
    "泰铢": ("THB", 1, "money"),
    "新加坡元": ("SGD", 1, "money"),
    "奈拉": ("NGN", 1, "money"),
    "比特币": ("BTC", 1, "money"),
}

ZH_MEASURE: dict[str, Unit] = {
    "亩": ("ha", MU_HA, "measure"),
    "公顷": ("ha", 1, "measure"),
    "平方公里": ("km2", 1, "measure"),
    "平方千米": ("km2", 1, "measure"),
    "平方米": ("m2", 1, "measure"),
    "立方米": ("m3", 1, "measure"),
    "公里": ("km", 1, "measure"),
    "千米": ("km", 1, "measure"),
    "米": ("m", 1, "measure"),
    "厘米": ("m", 0.01, "measure"),
    "毫米": ("m", 0.001, "measure"),
    "吨": ("t", 1, "measure"),
    "公斤": ("t", 0.001, "measure"),
    "千克": ("t", 0.001, "measure"),
    "斤": ("t", 0.0005, "measure"),
    "千瓦时": ("kwh", 1, "measure"),
    "千瓦": ("kw", 1, "measure"),
    "兆瓦": ("kw", 1000, "measure"),
    "微克/立方米": ("ug/m3", 1, "measure"),
    "毫克/立方米": ("ug/m3", 1000, "measure"),
    "年": ("years", 1, "measure"),
    "周年": ("years", 1, "measure"),
    "岁": ("years", 1, "measure"),
    "周岁": ("years", 1, "measure"),
    "天": ("days", 1, "measure"),
    "个工作日": ("days", 1, "measure"),
    "工作日": ("days", 1, "measure"),
    "个月": ("months", 1, "measure"),
    "个多月": ("months", 1, "measure"),
    "小时": ("hours", 1, "measure"),
    "个小时": ("hours", 1, "measure"),
    "分钟": ("minutes", 1, "measure"),
}

ZH_COUNT: dict[str, Unit] = {
    "人": ("people", 1, "count"),
    "人次": ("people", 1, "count"),
    "名": ("people", 1, "count"),
    "位": ("people", 1, "count"),
    "户": ("households", 1, "count"),
    "家": ("items", 1, "count"),
}
for _c in "个项座所条台辆套处次批栋幢间艘架片层只棵株场轮类种件列趟支颗枚张份篇笔宗门款例双对個項條臺輛處層隻張場類種雙對":
    ZH_COUNT.setdefault(_c, ("items", 1, "count"))

ZH_RATIO: dict[str, Unit] = {
    "%": ("%", 1, "percent"),
    "％": ("%", 1, "percent"),
    "个百分点": ("percentage_point", 1, "percentage_point"),
    "個百分點": ("percentage_point", 1, "percentage_point"),
    "百分点": ("percentage_point", 1, "percentage_point"),
    "百分點": ("percentage_point", 1, "percentage_point"),
    "倍": ("times", 1, "multiple"),
    "成": ("%", 10, "percent"),
    "折": ("%", 10, "percent"),
    "打": (None, 12, "number"),  # a dozen: 十打 -> 120
}

# Per-part of a rate, written after "/" or 每: unit as FORMAT.md writes it.
RATE_PER: dict[str, str] = {
    "亩": "mu",
    "公顷": "ha",
    "月": "month",
    "年": "year",
    "天": "day",
    "日": "day",
    "人": "person",
    "吨": "t",
    "公斤": "kg",
    "平方米": "m2",
    "小时": "hour",
    "mu": "mu",
    "hectare": "ha",
    "ha": "ha",
    "month": "month",
    "year": "year",
    "annum": "year",
    "day": "day",
    "ton": "t",
    "tonne": "t",
    "kg": "kg",
    "hour": "hour",
    "square meter": "m2",
    "square metre": "m2",
    "capita": "person",
}

# Written names of rate numerators (the part before the slash).
RATE_BASE: dict[str, str] = {
    "元": "CNY",
    "万元": "CNY",
    "美元": "USD",
    "公斤": "kg",
    "千克": "kg",
    "斤": "jin",
    "吨": "t",
    "千瓦时": "kwh",
    "yuan": "CNY",
    "kg": "kg",
    "kilograms": "kg",
    "jin": "jin",
    "tons": "t",
    "tonnes": "t",
}

# --- English ------------------------------------------------------------------

# (alternatives, unit): each alternative is a regex that starts with a literal
# character, so that the table can be split by first letter (see
# :func:`en_unit_regexes`); matched case-insensitively.
EN_UNITS: list[tuple[list[str], Unit]] = [
    (
        [r"percentage\s+points?", r"percentage-points?", r"pct\.?\s+points?", r"ppts?", r"pp"],
        ("percentage_point", 1, "percentage_point"),
    ),
    ([r"per\s?cent(?:age)?s?", r"pct", r"%", r"％"], ("%", 1, "percent")),
    ([r"times", r"fold"], ("times", 1, "multiple")),
    ([r"chinese\s+yuan", r"yuan", r"renminbi", r"rmb", r"cny"], ("CNY", 1, "money")),
    (
        [r"us\s+dollars?", r"u\.s\.\s+dollars?", r"american\s+dollars?", r"usd", r"dollars?", r"bucks"],
        ("USD", 1, "money"),
    ),
    ([r"cents?"], ("USD", 0.01, "money")),
    ([r"euros?", r"eur"], ("EUR", 1, "money")),
    ([r"japanese\s+yen", r"yen", r"jpy"], ("JPY", 1, "money")),
    ([r"british\s+pounds?", r"pounds?\s+sterling", r"pounds?", r"gbp", r"quid"], ("GBP", 1, "money")),
    ([r"pence", r"pennies", r"penny"], ("GBP", 0.01, "money")),
    ([r"swiss\s+francs?", r"chf"], ("CHF", 1, "money")),
    ([r"francs?"], ("FRF", 1, "money")),
    ([r"hong\s+kong\s+dollars?", r"hkd"], ("HKD", 1, "money")),
    ([r"australian\s+dollars?", r"aud"], ("AUD", 1, "money")),
    ([r"canadian\s+dollars?", r"cad"], ("CAD", 1, "money")),
    ([r"indian\s+rupees?", r"rupees?", r"inr"], ("INR", 1, "money")),
    ([r"rubles?", r"roubles?"], ("RUB", 1, "money")),
    ([r"korean\s+won", r"south\s+korean\s+won"], ("KRW", 1, "money")),
    ([r"pesos?"], ("MXN", 1, "money")),
    ([r"pesetas?"], ("ESP", 1, "money")),
    ([r"finnish\s+markkas?", r"markkas?"], ("FIM", 1, "money")),
    ([r"dutch\s+guilders?", r"guilders?"], ("NLG", 1, "money")),
    ([r"turkish\s+liras?", r"liras?"], ("TRY", 1, "money")),
    ([r"bitcoins?", r"btc"], ("BTC", 1, "money")),
    ([r"satoshis?"], ("BTC", 1e-8, "money")),
    ([r"mu"], ("ha", MU_HA, "measure")),
    ([r"hectares?", r"ha"], ("ha", 1, "measure")),
    ([r"square\s+kilomet(?:er|re)s?", r"sq\.?\s*km", r"km2", r"km²"], ("km2", 1, "measure")),
    ([r"square\s+met(?:er|re)s?", r"sq\.?\s*m", r"m2", r"m²"], ("m2", 1, "measure")),
    ([r"cubic\s+met(?:er|re)s?", r"m3", r"m³"], ("m3", 1, "measure")),
    ([r"kilomet(?:er|re)s?", r"km"], ("km", 1, "measure")),
    ([r"centimet(?:er|re)s?", r"cm"], ("m", 0.01, "measure")),
    ([r"millimet(?:er|re)s?", r"mm"], ("m", 0.001, "measure")),
    ([r"met(?:er|re)s?", r"m"], ("m", 1, "measure")),
    (
        [r"metric\s+(?:tons|tonnes|ton|tonne)", r"tons", r"tonnes", r"tonne", r"ton", r"t"],
        ("t", 1, "measure"),
    ),
    ([r"kilograms?", r"kg"], ("t", 0.001, "measure")),
    ([r"jin"], ("t", 0.0005, "measure")),
    ([r"kilowatt[-\s]hours?", r"kwh"], ("kwh", 1, "measure")),
    ([r"kilowatts?", r"kw"], ("kw", 1, "measure")),
    ([r"megawatts?", r"mw"], ("kw", 1000, "measure")),
    ([r"gigawatts?", r"gw"], ("kw", 1e6, "measure")),
    (
        [
            r"micrograms?\s*(?:per\s+cubic\s+met(?:er|re)|/\s*(?:m3|m³))",
            r"mcg\s*(?:per\s+cubic\s+met(?:er|re)|/\s*(?:m3|m³))",
            r"μg\s*/\s*(?:m3|m³)",
            r"µg\s*/\s*(?:m3|m³)",
            r"ug\s*/\s*(?:m3|m³)",
        ],
        ("ug/m3", 1, "measure"),
    ),
    ([r"years?[-\s]olds?", r"years?", r"yrs?"], ("years", 1, "measure")),
    ([r"days?"], ("days", 1, "measure")),
    ([r"months?"], ("months", 1, "measure")),
    ([r"hours?"], ("hours", 1, "measure")),
    ([r"weeks?"], ("weeks", 1, "measure")),
    ([r"minutes?"], ("minutes", 1, "measure")),
    ([r"seconds?"], ("seconds", 1, "measure")),
    ([r"people", r"persons?", r"person-times", r"residents"], ("people", 1, "count")),
    ([r"households?", r"families"], ("households", 1, "count")),
    ([r"enterprises", r"companies", r"firms"], ("enterprises", 1, "count")),
]

ZH_UNITS: dict[str, Unit] = {**ZH_MONEY, **ZH_MEASURE, **ZH_COUNT, **ZH_RATIO}


def en_unit_regexes() -> tuple[dict[str, re.Pattern[str]], dict[str, Unit]]:
    """English unit regexes keyed by the lower-cased first character, and the unit of each group name.

    Trying only the units that start with the character at hand keeps the
    per-number cost low; within one regex the longer alternatives come first.
    """
    by_first: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, Unit] = {}
    k = 0
    for alternatives, unit in EN_UNITS:
        for alt in alternatives:
            name = f"g{k}"
            k += 1
            names[name] = unit
            by_first.setdefault(alt[0].lower(), []).append((name, alt))
    out = {}
    for first, items in by_first.items():
        items.sort(key=lambda it: len(it[1]), reverse=True)
        body = "|".join(f"(?P<{name}>{alt})" for name, alt in items)
        out[first] = re.compile(rf"(?:{body})(?![A-Za-z])", re.IGNORECASE)
    return out, names


def trie(words: list[str] | dict[str, object]) -> str:
    """A regex for a set of literal words, built as a trie so that matching tries one branch per character.

    A plain alternation of a hundred unit words makes the regex engine test
    each word in turn at every number; the trie form rejects or accepts with
    one comparison per character. Longer words win because optional tails are
    greedy.
    """
    root: dict[str, dict] = {}
    end = ""
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[end] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c != end]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end in node:
            return (body if len(alts) > 1 else "(?:" + body + ")") + "?"
        return body

    return emit(root)
