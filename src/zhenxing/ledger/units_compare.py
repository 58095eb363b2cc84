"""Whether two figures can be compared, in which unit, and how precisely each was written.

Why a table and not pint: the ledger's units are the closed list of
``docs/FORMAT.md`` (``CNY``, ``people``, ``households``, ``items``, ``t``,
``ha`` ...), most of them counts and currencies that a physical-units library
does not model, while the physical ones need a dozen exact factors. What
matters here is saying *no* loudly: people are not households, yuan are not
dollars without a rate, ``%`` is not ``percentage_point``. A figure is compared
with another only after :func:`convert` has put both in the same unit, never
raw.

The extractor already stores values in base units (``46.2万人`` is 462000
``people``, ``496.9亿斤`` is 24845000 ``t``), so most conversions are the
identity; the factors cover facts written by other tools or by hand (``kg``,
``mu``, ``km2``) and rate units (``CNY/month`` against ``CNY/year``).

Precision: a figure written ``46.2万`` stands for anything from 461,950 to
462,050, ``2.1%`` for 2.05 to 2.15. :func:`rounding_step` reads that step from
the figure as written, and :func:`agree` says whether two figures can be the
same number rounded differently: the test both for "the same figure stated
twice" and for "a disagreement beyond rounding".
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

# unit -> (dimension, factor to the dimension's base unit). Units in different
# dimensions are never comparable. Counts of different things are different
# dimensions on purpose: 1800 residents are not 1800 households.
_UNITS: dict[str, tuple[str, float]] = {
    "CNY": ("money:CNY", 1.0),
    "USD": ("money:USD", 1.0),
    "EUR": ("money:EUR", 1.0),
    "%": ("percent", 1.0),
    "percentage_point": ("percentage_point", 1.0),
    "times": ("ratio", 1.0),
    "people": ("count:people", 1.0),
    "households": ("count:households", 1.0),
    "enterprises": ("count:enterprises", 1.0),
    "items": ("count:items", 1.0),
    "t": ("mass", 1000.0),
    "kg": ("mass", 1.0),
    "jin": ("mass", 0.5),
    "km": ("length", 1000.0),
    "m": ("length", 1.0),
    "km2": ("area", 1_000_000.0),
    "m2": ("area", 1.0),
    "ha": ("area", 10_000.0),
    "mu": ("area", 10_000.0 / 15.0),
    "ug/m3": ("concentration:ug/m3", 1.0),
    "kw": ("power", 1.0),
    "kwh": ("energy", 1.0),
    # Calendar units: a year is twelve months exactly; days are kept apart
    # (a year is not a fixed number of days, and "days" are mostly durations).
    "years": ("time:month", 12.0),
    "year": ("time:month", 12.0),
    "month": ("time:month", 1.0),
    "months": ("time:month", 1.0),
    "days": ("time:day", 1.0),
    "day": ("time:day", 1.0),
    "person": ("count:people", 1.0),
}

RATE_UNITS = frozenset({"%", "percentage_point"})


def _part(unit: str) -> tuple[str, float] | None:
    return _UNITS.get(unit.strip())


@lru_cache(maxsize=1024)
def dimension(unit: str | None) -> tuple[str, float] | None:
    """The unit's dimension and factor to the dimension's base, or None when unknown.

    A compound unit ``A/B`` (``kg/mu``, ``CNY/month``) is the quotient of its
    parts; ``None`` (a bare number) is its own dimension.
    """
    if unit is None or unit == "":
        return ("number", 1.0)
    known = _part(unit)
    if known is not None:
        return known
    if "/" in unit:
        top, _, bottom = unit.partition("/")
        a, b = _part(top), _part(bottom)
        if a is not None and b is not None:
            return (f"{a[0]}/{b[0]}", a[1] / b[1])
    return None


def comparable(a: str | None, b: str | None) -> bool:
    """True when a figure in unit ``a`` can be converted to unit ``b``."""
    if a == b:
        return True
    da, db = dimension(a), dimension(b)
    return da is not None and db is not None and da[0] == db[0]


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float | None:
    """``value`` in ``from_unit`` expressed in ``to_unit``; None when they measure different things."""
    if from_unit == to_unit:
        return value
    da, db = dimension(from_unit), dimension(to_unit)
    if da is None or db is None or da[0] != db[0]:
        return None
    return value * da[1] / db[1]


def is_rate(unit: str | None) -> bool:
    """Rates (``%``, percentage points) get an absolute tolerance; levels a relative one."""
    return unit in RATE_UNITS


def incomparable_reason(a: str | None, b: str | None) -> str:
    """Why two units cannot be compared, for explanations ("people are not households")."""
    shown_a, shown_b = a or "a bare number", b or "a bare number"
    da, db = dimension(a), dimension(b)
    if da and db and da[0].startswith("money:") and db[0].startswith("money:"):
        return f"{shown_a} and {shown_b} need an exchange rate"
    return f"{shown_a} and {shown_b} measure different things"


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@lru_cache(maxsize=65536)
def rounding_step(value: float, written: str | None) -> float:
    """The step of the last digit written, in the value's unit; 0 when the figure is exact or unknown.

    ``"46.2万人"`` (462000) -> 1000; ``"2.1%"`` -> 0.1; ``"24 million metric
    tons"`` -> 1,000,000; ``"450,000"`` -> 1 (trailing zeros of a number written
    out in full are taken as significant: a count of 1,000 villages is not
    "anything from 500 to 1,500"). Figures in words ("ten", 两, "doubling")
    are exact.
    """
    if not written:
        return 0.0
    text = unicodedata.normalize("NFKC", written)
    match = _NUMBER.search(text)
    if match is None:
        return 0.0
    digits = match.group(0).replace(",", "")
    try:
        number = float(digits)
    except ValueError:  # pragma: no cover - the pattern only matches numbers
        return 0.0
    if number == 0 or not math.isfinite(value) or value == 0:
        return 0.0
    decimals = len(digits.partition(".")[2])
    scale = abs(value) / number
    return scale * 10.0 ** (-decimals)


def agree(a: float, step_a: float, b: float, step_b: float) -> bool:
    """True when ``a`` and ``b`` can be the same number rounded to their written precision.

    Each written figure stands for an interval of half its step either side;
    two figures agree when their intervals touch. A tiny relative slack absorbs
    floating-point noise from unit conversion.
    """
    slack = 1e-9 * max(abs(a), abs(b), 1.0)
    return abs(a - b) <= (step_a + step_b) / 2 + slack
