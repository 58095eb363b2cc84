"""The closed loop: people add results, correct and reject facts, assign and judge targets.

Why a layer of its own rather than edits to the fact rows: extraction is rerun
(``ingest --reprocess``, a re-ingest after ``clear``), and every rerun deletes
a document's facts and writes them anew. What a person said about a figure
must survive that, so it is stored apart, keyed by what re-extraction keeps
(document id and figure span), and laid over the extracted facts when they are
read. The extracted value is never changed in place: it stays in the fact row
and rides along on the corrected fact (:class:`ReviewedFact.extracted`).

Every table here is append-only. A change adds a row; the current state of a
fact, target or override is the newest row of its key; and each change writes
an :class:`AuditEntry` (who, when, what before and after, why) in the same
transaction, so the trail and the state cannot disagree.

This module holds the records, the validation of what people type, and
:class:`ClosedLoopMixin`, the methods ``Ledger`` gains. It imports nothing of
``store`` (which imports it); the few ledger internals the mixin needs are
declared below under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import difflib
import getpass
import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhenxing.errors import ZhenxingError
from zhenxing.formats import FACT_FIELDS, NULLABLE_FIELDS
from zhenxing.ledger.models import (
    AuditRow,
    FactCorrectionRow,
    FactRow,
    TargetAssignmentRow,
    VerdictOverrideRow,
)
from zhenxing.ledger.tracking_model import STATUSES
from zhenxing.model import Document, Fact

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import sessionmaker

# -- vocabularies (docs/FORMAT.md) ------------------------------------------------------

# What a person may correct: the classified fields of FORMAT.md's record, ``value`` to ``change``.
CORRECTABLE_FIELDS: tuple[str, ...] = FACT_FIELDS[
    FACT_FIELDS.index("value") : FACT_FIELDS.index("change") + 1
]
CANONICAL_UNITS: tuple[str, ...] = (
    "CNY",
    "USD",
    "%",
    "percentage_point",
    "times",
    "people",
    "households",
    "enterprises",
    "items",
    "t",
    "km",
    "m",
    "km2",
    "m2",
    "ha",
    "ug/m3",
    "kw",
    "years",
    "days",
)
COMPARATORS: tuple[str, ...] = ("=", ">", ">=", "<", "<=", "~")
KINDS: tuple[str, ...] = ("target", "result", "other")
CHANGES: tuple[str, ...] = ("level", "growth", "delta")
OVERRIDE_STATUSES: tuple[str, ...] = STATUSES  # a verdict is overridden to one of the tracking stage's

# A result typed in by a person is stored as a small document of this format and
# "extractor version": ``ingest --reprocess`` must never re-extract it.
MANUAL_FORMAT = "manual"
MANUAL_VERSION = "manual"

_FACT_FIELDS = tuple(f.name for f in fields(Fact))
_RATE_UNIT = re.compile(r"^[A-Za-z][A-Za-z0-9]*/[A-Za-z][A-Za-z0-9]*$")
_PERIOD_ONE = r"\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?"
_PERIOD = re.compile(rf"^{_PERIOD_ONE}(?:/{_PERIOD_ONE})?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-\d{2})?)?$")
# A fact id as the ledger makes them (``Fact.id``): 12 hex digits of the document id, start, end.
FACT_ID = re.compile(r"^[0-9a-f]{12}-\d+-\d+$", re.IGNORECASE)
_COMPARATOR_WORDS = {
    "=": "",
    ">": "more than ",
    ">=": "at least ",
    "<": "less than ",
    "<=": "at most ",
    "~": "about ",
}
_STATUS_ALIASES = {"no_result": "no result", "no-result": "no result", "noresult": "no result"}
_NULL_WORDS = frozenset({"", "null", "none", "-"})
_CHUNK = 500  # ids per IN (...) list: far below every backend's parameter limit


class ClosedLoopError(ZhenxingError):
    """A change is refused: an unknown field, a bad value or date, no reason, no actor."""


# -- small helpers -------------------------------------------------------------------


def now_iso() -> str:
    """UTC now, fixed width (microseconds, "+00:00"), so stored times sort as text on every backend."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers: getpass raises OSError or KeyError
        return None


def resolve_actor(actor: str | None = None) -> str:
    """Who makes a change: ``actor`` (``--by``), else ``$ZHENXING_USER``, else the OS user name."""
    name = actor if actor is not None else (os.environ.get("ZHENXING_USER") or _os_user())
    cleaned = _one_line(name or "")
    if not cleaned:
        raise ClosedLoopError("who is making this change? give --by NAME or set ZHENXING_USER")
    if len(cleaned) > 128:
        raise ClosedLoopError("the name of who makes the change is longer than 128 characters")
    return cleaned


def require_reason(reason: str | None, what: str) -> str:
    """A reason is part of the record for every change that contradicts the extractor or a verdict."""
    cleaned = _one_line(reason or "", keep_lines=True)
    if not cleaned:
        raise ClosedLoopError(f"{what} needs a reason (--reason)")
    return cleaned


def _optional_reason(reason: str | None) -> str | None:
    return _one_line(reason or "", keep_lines=True) or None


def _one_line(text: str, *, keep_lines: bool = False) -> str:
    """NFC, white space collapsed; control characters refused (they corrupt tables and generated text)."""
    text = unicodedata.normalize("NFC", str(text))
    if keep_lines:
        text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
        text = re.sub(r"\n{2,}", "\n", text)
    else:
        text = " ".join(text.split())
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text):
        raise ClosedLoopError(f"text contains control characters: {text!r}")
    return text


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


# -- validation ----------------------------------------------------------------------


def validate_due(text: str | None) -> str:
    """A due date: an ISO calendar day, ``YYYY-MM-DD``."""
    raw = (text or "").strip()
    if not raw:
        raise ClosedLoopError("a due date is needed (--due YYYY-MM-DD)")
    if not _DAY.match(raw):
        raise ClosedLoopError(f"due date {raw!r} is not YYYY-MM-DD")
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ClosedLoopError(f"due date {raw!r} is not a calendar day") from None


def validate_source_date(text: str | None) -> str | None:
    """A source's date as documents carry it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None when not given."""
    raw = (text or "").strip()
    if not raw:
        return None
    if not _PARTIAL_DATE.match(raw):
        raise ClosedLoopError(f"source date {raw!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if len(raw) == 10:
        try:
            date.fromisoformat(raw)
        except ValueError:
            raise ClosedLoopError(f"source date {raw!r} is not a calendar day") from None
    return raw


def validate_status(status: str | None) -> str:
    raw = " ".join((status or "").strip().lower().split())
    raw = _STATUS_ALIASES.get(raw, raw)
    if raw not in OVERRIDE_STATUSES:
        shown = ", ".join(OVERRIDE_STATUSES)
        raise ClosedLoopError(f"status {status!r} is not one of {shown}")
    return raw


def validate_field(name: str, value: Any) -> Any:
    """The stored form of a corrected field, or :class:`ClosedLoopError` saying what is wrong.

    The vocabularies are FORMAT.md's; an indicator must be in the taxonomy and
    a region in the gazetteer (any written form: "辽宁" becomes "Liaoning"),
    so that a correction joins the series the tracking stage builds.
    """
    if name not in CORRECTABLE_FIELDS:
        raise ClosedLoopError(
            f"{name!r} is not a field that can be corrected ({', '.join(CORRECTABLE_FIELDS)})"
        )
    if value is None:
        if name in NULLABLE_FIELDS:
            return None
        raise ClosedLoopError(f"{name} cannot be null")
    if name == "value":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ClosedLoopError(f"value must be a number, not {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ClosedLoopError(f"value must be a finite number, not {value!r}")
        return number
    if not isinstance(value, str):
        raise ClosedLoopError(f"{name} must be text, not {value!r}")
    text = _one_line(value)
    if name == "label":
        if len(text) > 500:
            raise ClosedLoopError("label is longer than 500 characters")
        return text
    if not text:
        if name in NULLABLE_FIELDS:
            return None
        raise ClosedLoopError(f"{name} cannot be empty")
    if name == "unit":
        if text in CANONICAL_UNITS or _RATE_UNIT.match(text):
            return text
        raise ClosedLoopError(
            f"unit {text!r} is not a canonical unit ({', '.join(CANONICAL_UNITS)}) or a rate like kg/mu"
        )
    if name == "comparator":
        return _one_of(name, text, COMPARATORS)
    if name == "kind":
        return _one_of(name, text.lower(), KINDS)
    if name == "change":
        return _one_of(name, text.lower(), CHANGES)
    if name == "period":
        if not _PERIOD.match(text):
            raise ClosedLoopError(
                f"period {text!r} is not one of the forms 2022, 2022-H1, 2022-Q1, 2022-06, "
                "2022-01/2022-11, 2016/2021"
            )
        return text
    if name == "indicator":
        from zhenxing.extract.indicators import taxonomy

        known = taxonomy()
        if text in known:
            return text
        close = difflib.get_close_matches(text, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ClosedLoopError(f"indicator {text!r} is not in the taxonomy (data/indicators.yaml){hint}")
    # region
    from zhenxing.extract.regions import canonical_region

    canonical = canonical_region(text)
    if canonical is None:
        raise ClosedLoopError(f"region {text!r} is not in the gazetteer of places")
    return canonical


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ClosedLoopError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return value


def parse_field(name: str, text: str) -> Any:
    """A field as typed on the command line: numbers for ``value``, ``null``/``none``/empty as null."""
    name = name.strip()
    if name not in CORRECTABLE_FIELDS:
        raise ClosedLoopError(
            f"{name!r} is not a field that can be corrected ({', '.join(CORRECTABLE_FIELDS)})"
        )
    raw = text.strip()
    if name in NULLABLE_FIELDS and raw.lower() in _NULL_WORDS:
        return None
    if name == "value":
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            raise ClosedLoopError(f"value must be a number, not {text!r}") from None
    return text


def parse_assignment(item: str) -> tuple[str, Any]:
    """``--field value=2.3`` to ``("value", 2.3)``."""
    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ClosedLoopError(f"--field {item!r} is not NAME=VALUE (e.g. value=2.3, unit=%)")
    return name.strip(), parse_field(name, text)


# -- records -------------------------------------------------------------------------


@dataclass(slots=True)
class ReviewedFact(Fact):
    """A fact as a person left it: corrected fields laid over the extraction, or rejected.

    A ``Fact`` in every respect (same fields, same id), so everything that reads
    facts reads corrected ones; ``extracted`` keeps what the extractor said for
    each corrected field, so the original figure stays visible.
    """

    rejected: bool = False
    extracted: dict[str, Any] = field(default_factory=dict)  # field -> the extracted value
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_reason: str | None = None

    @property
    def corrected(self) -> tuple[str, ...]:
        return tuple(self.extracted)


@dataclass(slots=True)
class Correction:
    """One row of ``fact_corrections``: the state of a figure's review after one change."""

    id: int
    fact_id: str
    doc_id: str
    start: int
    end: int
    action: str  # correct, revert, reject, restore
    fields: dict[str, Any]  # every field corrected at this point (the overlay), not only this change
    rejected: bool
    actor: str
    reason: str
    at: str

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.doc_id, self.start, self.end)

    @property
    def effective(self) -> bool:
        """Whether it changes anything when laid over the fact."""
        return bool(self.fields) or self.rejected

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(slots=True)
class AuditEntry:
    """Who did what, when and why; ``before``/``after`` hold only what the change touched."""

    id: int
    at: str
    actor: str
    action: str
    entity_type: str  # "fact" or "target"
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def describe(self) -> str:
        """The change in one line: ``value: 2.1 -> 2.3``, ``owner: - -> NDRC``."""
        before, after = self.before or {}, self.after or {}
        if self.action == "add_result" and after:
            from zhenxing.formats import format_value

            figure = format_value(after["value"], after.get("unit"), after.get("comparator") or "=")
            return (
                f"{after.get('region')}, {after.get('indicator')} ({after.get('change')}), "
                f"{after.get('period')}: {figure}; source: {after.get('source')}"
            )
        names = list(dict.fromkeys([*before, *after]))
        if not names:
            return ""
        parts = []
        for name in names:
            old = _show(before[name]) if name in before else "-"
            new = _show(after[name]) if name in after else "-"
            parts.append(f"{name}: {old} -> {new}" if self.before is not None else f"{name}: {new}")
        return "; ".join(parts)


@dataclass(slots=True)
class FactHistory:
    """A figure as extracted, as it stands now, and every step in between."""

    extracted: Fact
    current: Fact  # a ReviewedFact when corrected or rejected
    corrections: list[Correction]
    audit: list[AuditEntry]


def fact_from_row(row: FactRow) -> Fact:
    return Fact(**{name: getattr(row, name) for name in _FACT_FIELDS})


def _correction(row: FactCorrectionRow) -> Correction:
    return Correction(
        id=row.id,
        fact_id=row.fact_id,
        doc_id=row.doc_id,
        start=row.start,
        end=row.end,
        action=row.action,
        fields=dict(row.fields or {}),
        rejected=bool(row.rejected),
        actor=row.actor,
        reason=row.reason,
        at=row.at,
    )


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )


def apply_correction(fact: Fact, correction: Correction | None) -> Fact:
    """``fact`` with the correction laid over it; the fact itself when there is nothing to lay."""
    if correction is None or not correction.effective:
        return fact
    values = {name: getattr(fact, name) for name in _FACT_FIELDS}
    extracted = {name: values[name] for name in CORRECTABLE_FIELDS if name in correction.fields}
    values.update({name: correction.fields[name] for name in extracted})
    return ReviewedFact(
        **values,
        rejected=correction.rejected,
        extracted=extracted,
        reviewed_by=correction.actor,
        reviewed_at=correction.at,
        review_reason=correction.reason,
    )


def is_rejected(fact: Fact) -> bool:
    return isinstance(fact, ReviewedFact) and fact.rejected


# Overlays by (engine, fingerprint of the corrections table): every fact query
# reads the overlay, and rebuilding it was a millisecond of each API answer.
_OVERLAYS: dict[tuple[int, tuple[Any, ...]], dict[tuple[str, int, int], Correction]] = {}


def load_overlay(session: Session) -> dict[tuple[str, int, int], Correction]:
    """The current review of every figure that has one that changes anything, by (doc_id, start, end).

    People make corrections, so this is small next to the facts; reading it
    whole lets every query apply it without backend-specific JSON SQL. The
    table's (count, max id, sum of ids) says whether it changed since the last
    read (rows are only ever added, with new ids), so the common case is one
    aggregate query: none at all when nobody corrected anything.
    """
    fingerprint = tuple(
        session.execute(
            select(func.count(), func.max(FactCorrectionRow.id), func.sum(FactCorrectionRow.id))
        ).one()
    )
    if not fingerprint[0]:
        return {}
    key = (id(session.get_bind()), fingerprint)
    cached = _OVERLAYS.get(key)
    if cached is not None:
        return dict(cached)
    latest = select(func.max(FactCorrectionRow.id)).group_by(
        FactCorrectionRow.doc_id, FactCorrectionRow.start, FactCorrectionRow.end
    )
    rows = session.scalars(
        select(FactCorrectionRow).where(FactCorrectionRow.id.in_(latest)).order_by(FactCorrectionRow.id)
    )
    overlay: dict[tuple[str, int, int], Correction] = {}
    for row in rows:
        correction = _correction(row)
        if correction.effective:
            overlay[correction.key] = correction
    if len(_OVERLAYS) > 16:
        _OVERLAYS.clear()
    _OVERLAYS[key] = overlay
    return dict(overlay)


def latest_correction(session: Session, row: FactRow) -> Correction | None:
    """The newest correction of the fact's span (whatever it does), or None."""
    latest = session.scalars(
        select(FactCorrectionRow)
        .where(
            FactCorrectionRow.doc_id == row.doc_id,
            FactCorrectionRow.start == row.start,
            FactCorrectionRow.end == row.end,
        )
        .order_by(FactCorrectionRow.id.desc())
        .limit(1)
    ).first()
    return _correction(latest) if latest is not None else None


def reviewed_rows(
    session: Session, overlay: dict[tuple[str, int, int], Correction], where: Any = None
) -> Iterator[FactRow]:
    """The stored fact rows the overlay applies to, in id order, optionally narrowed by an SQL ``where``.

    Corrections of spans the latest extraction no longer finds have no row.
    """
    ids = sorted({c.fact_id for c in overlay.values()})
    for i in range(0, len(ids), _CHUNK):
        query = select(FactRow).where(FactRow.id.in_(ids[i : i + _CHUNK])).order_by(FactRow.id)
        if where is not None:
            query = query.where(where)
        for row in session.scalars(query):
            if (row.doc_id, row.start, row.end) in overlay:
                yield row


# -- manual results ------------------------------------------------------------------


def _figure_text(value: float, unit: str | None) -> str:
    from zhenxing.formats import plain_number

    number = str(plain_number(value))
    if unit is None:
        return number
    if unit == "%":
        return number + "%"
    if unit == "percentage_point":
        return number + " percentage points"
    return f"{number} {unit}"


def manual_document(
    *,
    indicator: str,
    region: str,
    period: str,
    value: float,
    unit: str | None,
    change: str = "level",
    comparator: str = "=",
    label: str | None = None,
    source: str,
    source_date: str | None = None,
) -> tuple[Document, Fact]:
    """The document and fact that stand for a result typed in by a person.

    A figure in the ledger is always a span of a stored text, so a manual
    result becomes a one-sentence document that states the figure and cites
    the source ("Liaoning: gdp (growth), 2022: 2.1% — source: Liaoning
    Statistical Yearbook 2023, p. 12."). Its id is the SHA-256 of that
    sentence, so entering the same result twice stores it once.
    """
    indicator = validate_field("indicator", indicator)
    region = validate_field("region", region)
    period = validate_field("period", period)
    if indicator is None:
        raise ClosedLoopError("a result needs an indicator (--indicator, an id of data/indicators.yaml)")
    if region is None:
        raise ClosedLoopError("a result needs a region (--region)")
    if period is None:
        raise ClosedLoopError("a result needs a period (--period, e.g. 2022)")
    value = validate_field("value", value)
    unit = validate_field("unit", unit)
    change = validate_field("change", change)
    comparator = validate_field("comparator", comparator)
    label = validate_field("label", label) if label is not None else ""
    label = label or indicator
    cited = _one_line(source or "")
    if not cited:
        raise ClosedLoopError(
            "a result needs its source (--source, e.g. 'Liaoning Statistical Yearbook 2023, p. 12')"
        )
    if len(cited) > 1000:
        raise ClosedLoopError("the source is longer than 1000 characters")
    dated = validate_source_date(source_date)

    figure = _figure_text(value, unit)
    lead = f"{region}: {label} ({change}), {period}: {_COMPARATOR_WORDS[comparator]}"
    citation = cited.rstrip(". ") + (f" ({dated})" if dated else "")
    text = unicodedata.normalize("NFC", f"{lead}{figure} — source: {citation}.")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    language = "mixed" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"
    doc = Document(
        id=doc_id,
        name=f"manual-{doc_id[:12]}",
        text=text,
        title=f"Manual result: {label}, {region}, {period}",
        date=dated,
        date_source=MANUAL_FORMAT if dated else None,
        source=cited,
        language=language,
        format=MANUAL_FORMAT,
    )
    start = len(lead)
    fact = Fact(
        doc=doc.name,
        quote=text,
        value=value,
        unit=unit,
        comparator=comparator,
        indicator=indicator,
        label=label,
        period=period,
        region=region,
        kind="result",
        change=change,
        start=start,
        end=start + len(figure),
        sentence_start=0,
        sentence_end=len(text),
        doc_id=doc_id,
        language=language,
        text=figure,
        extractor_version=MANUAL_VERSION,
    )
    return doc, fact


# -- the Ledger methods ----------------------------------------------------------------


def _audit(
    session: Session,
    *,
    at: str,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None,
) -> None:
    session.execute(
        insert(AuditRow).values(
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            reason=reason,
        )
    )


class ClosedLoopMixin:
    """What ``Ledger`` offers for the closed loop; see the module docstring for the design."""

    if TYPE_CHECKING:  # pragma: no cover - provided by Ledger
        _sessions: sessionmaker[Session]

        def _read(self) -> AbstractContextManager[Session]: ...

        def _resolve_fact_row(self, session: Session, fact_id: str) -> FactRow: ...

        def _write(
            self,
            doc: Document,
            facts: Iterable[Fact],
            extractor_version: str,
            *,
            force: bool,
            on_write: Any = None,
        ) -> str: ...

        def fact(self, fact_id: str, *, include_rejected: bool = False) -> Fact: ...

    # -- manual results ----------------------------------------------------------------

    def add_manual_result(
        self,
        *,
        indicator: str,
        region: str,
        period: str,
        value: float,
        unit: str | None,
        change: str = "level",
        comparator: str = "=",
        label: str | None = None,
        source: str,
        source_date: str | None = None,
        actor: str | None = None,
        reason: str | None = None,
    ) -> Fact:
        """Add a result stated by a source the ledger does not hold (a yearbook page), with its citation.

        Stored as a one-sentence document of format "manual" (see
        :func:`manual_document`), which ``--reprocess`` leaves alone. The same
        input again returns the stored fact and writes nothing.
        """
        doc, fact = manual_document(
            indicator=indicator,
            region=region,
            period=period,
            value=value,
            unit=unit,
            change=change,
            comparator=comparator,
            label=label,
            source=source,
            source_date=source_date,
        )
        who = resolve_actor(actor)
        why = _optional_reason(reason)
        after = {
            "indicator": fact.indicator,
            "region": fact.region,
            "period": fact.period,
            "value": fact.value,
            "unit": fact.unit,
            "comparator": fact.comparator,
            "change": fact.change,
            "label": fact.label,
            "kind": fact.kind,
            "source": doc.source,
            "source_date": doc.date,
            "doc_id": doc.id,
        }

        def record(session: Session) -> None:
            _audit(
                session,
                at=now_iso(),
                actor=who,
                action="add_result",
                entity_type="fact",
                entity_id=fact.id,
                before=None,
                after=after,
                reason=why,
            )

        self._write(doc, [fact], MANUAL_VERSION, force=False, on_write=record)
        return self.fact(fact.id, include_rejected=True)

    # -- corrections -------------------------------------------------------------------

    def _review_state(self, session: Session, fact_id: str) -> tuple[FactRow, Fact, Correction | None]:
        row = self._resolve_fact_row(session, fact_id)
        return row, fact_from_row(row), latest_correction(session, row)

    def _record_review(
        self,
        session: Session,
        row: FactRow,
        *,
        action: str,
        fields: dict[str, Any],
        rejected: bool,
        actor: str,
        reason: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> Correction:
        at = now_iso()
        ordered = {name: fields[name] for name in CORRECTABLE_FIELDS if name in fields}
        values = dict(
            doc_id=row.doc_id,
            start=row.start,
            end=row.end,
            fact_id=row.id,
            action=action,
            fields=ordered,
            rejected=rejected,
            actor=actor,
            reason=reason,
            at=at,
        )
        new_id = session.execute(insert(FactCorrectionRow).values(**values)).inserted_primary_key[0]
        _audit(
            session,
            at=at,
            actor=actor,
            action=action,
            entity_type="fact",
            entity_id=row.id,
            before=before,
            after=after,
            reason=reason,
        )
        return Correction(id=int(new_id), **values)  # type: ignore[arg-type]

    def correct_fact(self, fact_id: str, *, actor: str | None = None, reason: str, **fields: Any) -> Fact:
        """Correct fields of a fact (value, unit, comparator, indicator, label, period, region, kind, change).

        The correction is laid over the extraction, by document and span, so it
        still applies after the document is re-extracted; the extracted values
        stay in the fact row and in ``ReviewedFact.extracted``. Setting fields
        to what they already are writes nothing.
        """
        if not fields:
            raise ClosedLoopError(
                f"nothing to correct: give fields, e.g. value=2.3 ({', '.join(CORRECTABLE_FIELDS)})"
            )
        wanted = {name: validate_field(name, value) for name, value in fields.items()}
        who = resolve_actor(actor)
        why = require_reason(reason, "a correction")
        with self._sessions.begin() as session:
            row, base, current = self._review_state(session, fact_id)
            effective = apply_correction(base, current)
            changed = {name: v for name, v in wanted.items() if getattr(effective, name) != v}
            if not changed:
                return effective
            state = dict(current.fields) if current else {}
            correction = self._record_review(
                session,
                row,
                action="correct",
                fields={**state, **changed},
                rejected=current.rejected if current else False,
                actor=who,
                reason=why,
                before={name: getattr(effective, name) for name in changed},
                after=changed,
            )
        return apply_correction(base, correction)

    def revert_correction(self, fact_id: str, *names: str, actor: str | None = None, reason: str) -> Fact:
        """Drop corrections of the named fields (all when none are named): the extracted values apply again."""
        who = resolve_actor(actor)
        why = require_reason(reason, "reverting a correction")
        for name in names:
            if name not in CORRECTABLE_FIELDS:
                raise ClosedLoopError(
                    f"{name!r} is not a field that can be corrected ({', '.join(CORRECTABLE_FIELDS)})"
                )
        with self._sessions.begin() as session:
            row, base, current = self._review_state(session, fact_id)
            state = dict(current.fields) if current else {}
            dropped = list(names) or list(state)
            missing = [name for name in dropped if name not in state]
            if missing or not dropped:
                what = ", ".join(missing) if missing else "no field"
                raise ClosedLoopError(f"fact {row.id}: {what} is not corrected; nothing to revert")
            correction = self._record_review(
                session,
                row,
                action="revert",
                fields={k: v for k, v in state.items() if k not in dropped},
                rejected=current.rejected if current else False,
                actor=who,
                reason=why,
                before={name: state[name] for name in dropped},
                after={name: getattr(base, name) for name in dropped},
            )
        return apply_correction(base, correction)

    def reject_fact(self, fact_id: str, *, actor: str | None = None, reason: str) -> Fact:
        """Mark a fact as wrongly extracted: queries leave it out until it is restored."""
        return self._set_rejected(fact_id, True, actor=actor, reason=require_reason(reason, "a rejection"))

    def restore_fact(self, fact_id: str, *, actor: str | None = None, reason: str) -> Fact:
        """Undo a rejection (corrections made before it apply again)."""
        return self._set_rejected(fact_id, False, actor=actor, reason=require_reason(reason, "a restore"))

    def _set_rejected(self, fact_id: str, rejected: bool, *, actor: str | None, reason: str) -> Fact:
        who = resolve_actor(actor)
        with self._sessions.begin() as session:
            row, base, current = self._review_state(session, fact_id)
            was = current.rejected if current else False
            if was == rejected:
                return apply_correction(base, current)
            correction = self._record_review(
                session,
                row,
                action="reject" if rejected else "restore",
                fields=dict(current.fields) if current else {},
                rejected=rejected,
                actor=who,
                reason=reason,
                before={"rejected": was},
                after={"rejected": rejected},
            )
        return apply_correction(base, correction)

    def fact_history(self, fact_id: str) -> FactHistory:
        """The fact as extracted, as it stands, its corrections in order and its audit entries."""
        with self._read() as session:
            row, base, current = self._review_state(session, fact_id)
            rows = session.scalars(
                select(FactCorrectionRow)
                .where(
                    FactCorrectionRow.doc_id == row.doc_id,
                    FactCorrectionRow.start == row.start,
                    FactCorrectionRow.end == row.end,
                )
                .order_by(FactCorrectionRow.id)
            )
            corrections = [_correction(r) for r in rows]
            audit = [
                audit_entry(r)
                for r in session.scalars(
                    select(AuditRow).where(AuditRow.entity_id == row.id).order_by(AuditRow.id)
                )
            ]
        return FactHistory(base, apply_correction(base, current), corrections, audit)

    def orphaned_corrections(self) -> list[Correction]:
        """Current corrections whose figure the latest extraction no longer finds (so they apply to nothing)."""
        with self._read() as session:
            overlay = load_overlay(session)
            found = {(r.doc_id, r.start, r.end) for r in reviewed_rows(session, overlay)}
        return [c for key, c in overlay.items() if key not in found]

    # -- targets: assignments and overrides -------------------------------------------------

    def _target_key(self, session: Session, target_key: str) -> str:
        """A target key as given, or the id of a target fact when it is written like a fact id.

        Target keys are the tracking stage's observation keys and opaque here;
        a fact id must name a stored target fact, so a typo does not file an
        assignment under a key nothing will ever look up.
        """
        key = " ".join((target_key or "").split())
        if not key:
            raise ClosedLoopError("no target given (a target key, or the id of a target fact)")
        if len(key) > 255:
            raise ClosedLoopError("a target key is at most 255 characters")
        if not FACT_ID.match(key):
            return key
        row, base, current = self._review_state(session, key.lower())
        fact = apply_correction(base, current)
        if is_rejected(fact):
            raise ClosedLoopError(f"fact {row.id} is rejected; restore it before tracking it as a target")
        if fact.kind != "target":
            raise ClosedLoopError(f"fact {row.id} is a {fact.kind}, not a target")
        return row.id

    def assign(
        self,
        target_key: str,
        *,
        owner: str,
        due: str,
        actor: str | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Give a target an owner (a department) and a due date; the newest assignment is the current one."""
        name = _one_line(owner or "")
        if not name:
            raise ClosedLoopError("an assignment needs an owner (--owner, e.g. a department)")
        if len(name) > 500:
            raise ClosedLoopError("the owner is longer than 500 characters")
        day = validate_due(due)
        who = resolve_actor(actor)
        why = _optional_reason(reason)
        with self._sessions.begin() as session:
            key = self._target_key(session, target_key)
            current = _latest(session, TargetAssignmentRow, key)
            if current is not None and current.owner == name and current.due == day:
                return _assignment(current)
            at = now_iso()
            values = dict(target_key=key, owner=name, due=day, actor=who, reason=why, at=at)
            session.execute(insert(TargetAssignmentRow).values(**values))
            before = {"owner": current.owner, "due": current.due} if current and current.owner else None
            _audit(
                session,
                at=at,
                actor=who,
                action="assign",
                entity_type="target",
                entity_id=key,
                before=before,
                after={"owner": name, "due": day},
                reason=why,
            )
        return {"owner": name, "due": day, "actor": who, "at": at}

    def unassign(self, target_key: str, *, actor: str | None = None, reason: str) -> None:
        """Withdraw a target's assignment (recorded; the earlier ones stay in the trail)."""
        who = resolve_actor(actor)
        why = require_reason(reason, "withdrawing an assignment")
        with self._sessions.begin() as session:
            key = self._target_key(session, target_key)
            current = _latest(session, TargetAssignmentRow, key)
            if current is None or current.owner is None:
                raise ClosedLoopError(f"target {key!r} is not assigned")
            at = now_iso()
            session.execute(
                insert(TargetAssignmentRow).values(
                    target_key=key, owner=None, due=None, actor=who, reason=why, at=at
                )
            )
            _audit(
                session,
                at=at,
                actor=who,
                action="unassign",
                entity_type="target",
                entity_id=key,
                before={"owner": current.owner, "due": current.due},
                after=None,
                reason=why,
            )

    def override(
        self, target_key: str, *, status: str, reason: str, actor: str | None = None
    ) -> dict[str, Any]:
        """Set a target's verdict by hand (met, missed, pending, no result); the reason is required."""
        verdict = validate_status(status)
        why = require_reason(reason, "an override")
        who = resolve_actor(actor)
        with self._sessions.begin() as session:
            key = self._target_key(session, target_key)
            current = _latest(session, VerdictOverrideRow, key)
            if current is not None and current.status == verdict and current.reason == why:
                return _override(current)
            at = now_iso()
            session.execute(
                insert(VerdictOverrideRow).values(
                    target_key=key, status=verdict, reason=why, actor=who, at=at
                )
            )
            before = {"status": current.status} if current and current.status else None
            _audit(
                session,
                at=at,
                actor=who,
                action="override",
                entity_type="target",
                entity_id=key,
                before=before,
                after={"status": verdict},
                reason=why,
            )
        return {"status": verdict, "reason": why, "actor": who, "at": at}

    def clear_override(self, target_key: str, *, reason: str, actor: str | None = None) -> None:
        """Withdraw an override: the computed verdict applies again."""
        why = require_reason(reason, "clearing an override")
        who = resolve_actor(actor)
        with self._sessions.begin() as session:
            key = self._target_key(session, target_key)
            current = _latest(session, VerdictOverrideRow, key)
            if current is None or current.status is None:
                raise ClosedLoopError(f"target {key!r} has no override")
            at = now_iso()
            session.execute(
                insert(VerdictOverrideRow).values(target_key=key, status=None, reason=why, actor=who, at=at)
            )
            _audit(
                session,
                at=at,
                actor=who,
                action="clear_override",
                entity_type="target",
                entity_id=key,
                before={"status": current.status},
                after=None,
                reason=why,
            )

    def assignments(self) -> dict[str, dict[str, Any]]:
        """Current assignments by target key: ``{owner, due, actor, at}``, keys sorted."""
        with self._read() as session:
            rows = _latest_all(session, TargetAssignmentRow)
        return {row.target_key: _assignment(row) for row in rows if row.owner is not None}

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Current overrides by target key: ``{status, reason, actor, at}``, keys sorted."""
        with self._read() as session:
            rows = _latest_all(session, VerdictOverrideRow)
        return {row.target_key: _override(row) for row in rows if row.status is not None}

    # -- the trail -------------------------------------------------------------------------

    def audit(self, entity_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """Audit entries, oldest first; ``entity_id`` a fact id or target key; ``limit`` keeps the newest."""
        query = select(AuditRow)
        if entity_id is not None:
            query = query.where(AuditRow.entity_id == entity_id.strip())
        query = query.order_by(AuditRow.id.desc())
        if limit is not None:
            query = query.limit(max(limit, 0))
        with self._read() as session:
            entries = [audit_entry(row) for row in session.scalars(query)]
        entries.reverse()
        return entries


def _latest(session: Session, table: type[TargetAssignmentRow] | type[VerdictOverrideRow], key: str) -> Any:
    return session.scalars(
        select(table).where(table.target_key == key).order_by(table.id.desc()).limit(1)
    ).first()


def _latest_all(session: Session, table: type[TargetAssignmentRow] | type[VerdictOverrideRow]) -> list[Any]:
    newest = select(func.max(table.id)).group_by(table.target_key)
    return list(session.scalars(select(table).where(table.id.in_(newest)).order_by(table.target_key)))


def _assignment(row: TargetAssignmentRow) -> dict[str, Any]:
    return {"owner": row.owner, "due": row.due, "actor": row.actor, "at": row.at}


def _override(row: VerdictOverrideRow) -> dict[str, Any]:
    return {"status": row.status, "reason": row.reason, "actor": row.actor, "at": row.at}
