"""Records of closed-loop tracking: series, verdicts, conflicts.

Plain dataclasses shared by the tracking logic (``ledger/series.py``,
``ledger/verdicts.py``, ``ledger/conflicts.py``), the report and the CLI, so
each can be built and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhenxing.model import Fact

# Bump when a verdict rule changes: every verdict carries it.
RULE_VERSION = "1"

STATUSES = ("met", "missed", "pending", "no result")


@dataclass(slots=True)
class Source:
    """Where a figure is stated: the fact's grounding, with its document's date."""

    fact_id: str
    doc: str  # document name (``Fact.doc``)
    doc_id: str
    doc_date: str | None
    quote: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    language: str
    value: float
    unit: str | None
    text: str = ""  # the figure as written


@dataclass(slots=True)
class Observation:
    """One figure of a series for a period and kind, stated by one or more sources.

    The same figure stated by a document and its translation, or by several
    documents, is one observation with several sources. ``discrepancies`` lists
    differences between linked statements (a translation that changed a unit).
    """

    key: str  # stable id: series key + period + kind + value
    series_key: str
    indicator: str | None
    label: str
    region: str | None
    change: str
    period: str | None
    kind: str  # "target" or "result" ("other" facts form no observations)
    value: float
    unit: str | None
    comparator: str
    sources: list[Source] = field(default_factory=list)
    discrepancies: list[str] = field(default_factory=list)
    # A result computed, not stated: a growth rate from the levels of two years.
    # Holds the keys of the observations it was computed from; empty for stated figures.
    derived_from: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Series:
    """(indicator or normalized label, region, change): targets and results over periods."""

    key: str
    indicator: str | None
    label: str
    region: str | None
    change: str
    unit: str | None
    observations: list[Observation] = field(default_factory=list)


@dataclass(slots=True)
class Rule:
    """The explicit rule a verdict applied; stored with it so it can be audited and replayed."""

    comparator: str  # of the target: ">", ">=", "<", "<=", "~", "="
    direction: str  # the indicator's "better": higher / lower / none
    tolerance: float | None  # for "~": absolute (percentage points) or relative, see ``tolerance_kind``
    tolerance_kind: str | None  # "points" | "relative" | None
    version: str = RULE_VERSION
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "comparator": self.comparator,
            "direction": self.direction,
            "tolerance": self.tolerance,
            "tolerance_kind": self.tolerance_kind,
            "version": self.version,
            "description": self.description,
        }


@dataclass(slots=True)
class Verdict:
    """A target judged against its results."""

    target: Observation
    status: str  # one of STATUSES
    rule: Rule
    explanation: str  # one sentence: "missed: 2.1% against a target of more than 5.5% (2022, Liaoning)"
    results: list[Observation] = field(default_factory=list)  # the result(s) compared, best first
    progress: float | None = None  # delivery targets: share delivered (6,100 of 8,000 -> 0.7625)
    on_track: bool | None = None  # pending targets with an in-year result
    as_of: str | None = None
    override: dict[str, Any] | None = None  # a user's override: status, reason, who, when
    assignment: dict[str, Any] | None = None  # owner, due date
    computed_status: str | None = None  # what the rule said, when an override replaced ``status``


@dataclass(slots=True)
class Conflict:
    """Figures that contradict each other."""

    kind: str  # "disagreement" (two results for one series and period) or "arithmetic"
    series_key: str
    period: str | None
    explanation: str
    observations: list[Observation] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    newest: str | None = None  # key of the observation stated most recently (a revision supersedes)
