"""The dashboard's two languages: message catalogues, the choice of language, figures in words.

Why catalogues in JSON files (``serve/i18n/en.json``, ``zh.json``) rather
than gettext: there are two languages and a few hundred messages, the
browser's scripts need some of the same strings (``/i18n/{lang}.json``), and
a translator can edit a flat JSON file without tooling.

The language is the ``zhenxing_lang`` cookie that the switch in the page sets;
without it, the first language of the browser's ``Accept-Language`` that we
speak; else English. Every page states its language in ``<html lang>``.

Figures are written the way readers of each language write them: English
"2.76 trillion CNY", Chinese "2.76万亿元" (万 and 亿, Chinese unit words).
The ledger keeps base units; only the display differs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from zhenxing.formats import format_value

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
COOKIE = "zhenxing_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

_LANG_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*$")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of one language; keys missing there fall back to English."""
    text = resources.files("zhenxing.serve").joinpath("i18n", f"{lang}.json").read_text(encoding="utf-8")
    messages: dict[str, str] = json.loads(text)
    if lang != DEFAULT_LANGUAGE:
        return {**catalogue(DEFAULT_LANGUAGE), **messages}
    return messages


def script_messages(lang: str) -> dict[str, str]:
    """The messages the browser's scripts use (keys starting ``js.``), served as JSON."""
    return {k: v for k, v in catalogue(lang).items() if k.startswith("js.")}


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The page language: the cookie when it names one we speak, else the browser's preference."""
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    return from_accept_language(accept_language)


def from_accept_language(header: str | None) -> str:
    """The first language of ``Accept-Language`` (by q-value, then order) that we speak; else English.

    ``zh-CN``, ``zh-TW``, ``zh-Hans`` all mean Chinese: the dashboard is in
    simplified characters, which readers of traditional ones read too.
    """
    if not header:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:32]):
        tag, _, params = item.partition(";")
        match = _LANG_TAG.match(tag)
        if match is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if not math.isfinite(quality) or quality <= 0:
            continue
        ranked.append((-quality, position, match.group(1).lower()))
    for _, _, primary in sorted(ranked):
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Translator:
    """``t("key", name=value)``: a message of the page's language with its ``{name}`` fields filled.

    A key missing from both catalogues shows as the key itself, so a missing
    message is visible on the page (and a test catches it) rather than blank.
    """

    lang: str

    def __call__(self, key: str, /, **fields: Any) -> str:
        message = catalogue(self.lang).get(key, key)
        if fields:
            try:
                return message.format(**fields)
            except (KeyError, IndexError, ValueError):
                return message
        return message

    def has(self, key: str) -> bool:
        return key in catalogue(self.lang)

    @property
    def other(self) -> str:
        """The language the switch offers."""
        return "zh" if self.lang == "en" else "en"

    def status(self, status: str | None) -> str:
        return self(f"status.{status}") if status else ""

    def area(self, area: str | None) -> str:
        return self(f"area.{area or 'other'}")

    def kind(self, kind: str | None) -> str:
        return self(f"kind.{kind}") if kind else ""

    def change(self, change: str | None) -> str:
        return self(f"change.{change}") if change else ""

    def indicator(self, indicator: str | None, label: str | None = None) -> str:
        """An indicator's name in the page's language (the taxonomy's first wording), else the label."""
        if indicator:
            names = indicator_names().get(indicator)
            if names:
                return names[1] if self.lang == "zh" and names[1] else names[0]
            return indicator
        return label or self("common.unlabelled")

    def region(self, name: str | None) -> str:
        """A region's name as its readers write it: the gazetteer's Chinese name on Chinese pages."""
        if not name:
            return ""
        if self.lang == "zh":
            return region_names().get(name, name)
        return name

    def figure(self, value: float | None, unit: str | None, comparator: str = "=") -> str:
        return format_figure(value, unit, comparator, self.lang)


@cache
def indicator_names() -> Mapping[str, tuple[str, str]]:
    """Indicator id -> (English name, Chinese name), the first wordings of the taxonomy."""
    from zhenxing.extract.indicators import taxonomy

    out = {}
    for ind in taxonomy().values():
        en = ind.en[0] if ind.en else ind.id.replace("_", " ")
        zh = ind.zh[0] if ind.zh else ""
        out[ind.id] = (en[:1].upper() + en[1:], zh)
    return out


@cache
def region_names() -> Mapping[str, str]:
    """Gazetteer name -> Chinese name ("Liaoning" -> "辽宁省"), from ``data/regions.yaml``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = resources.files("zhenxing.data").joinpath("regions.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=loader) or []
    entries = data.get("regions", []) if isinstance(data, dict) else data
    return {
        str(e["name"]): str(e["zh"]) for e in entries if isinstance(e, dict) and e.get("name") and e.get("zh")
    }


# -- figures ---------------------------------------------------------------------------

_ZH_UNITS = {
    "CNY": "元",
    "USD": "美元",
    "people": "人",
    "households": "户",
    "enterprises": "家",
    "items": "个",
    "t": "吨",
    "km": "公里",
    "m": "米",
    "km2": "平方公里",
    "m2": "平方米",
    "ha": "公顷",
    "kw": "千瓦",
    "years": "年",
    "days": "天",
    "times": "倍",
}
_ZH_COMPARATORS = {"=": "", ">": "超过", ">=": "不低于", "<": "低于", "<=": "不超过", "~": "约"}


def _zh_number(value: float) -> str:
    magnitude = abs(value)
    for scale, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if magnitude >= scale:
            return f"{value / scale:,.6g}{word}"
    if value == int(value) and magnitude < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def format_figure(value: float | None, unit: str | None, comparator: str = "=", lang: str = "en") -> str:
    """A figure for a reader of ``lang``: ``> 5.5%`` / ``超过5.5%``, ``2.7584 trillion CNY`` / ``2.7584万亿元``."""
    if value is None:
        return ""
    if lang != "zh":
        return format_value(value, unit, comparator)
    prefix = _ZH_COMPARATORS.get(comparator, comparator)
    number = _zh_number(value)
    if unit in (None, ""):
        return prefix + number
    if unit == "%":
        return f"{prefix}{number}%"
    if unit == "percentage_point":
        return f"{prefix}{number}个百分点"
    if unit in _ZH_UNITS:
        return f"{prefix}{number}{_ZH_UNITS[unit]}"
    return f"{prefix}{number} {unit}"
