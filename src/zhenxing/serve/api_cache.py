"""Verdicts, series and conflicts computed once per ledger generation and filtered in memory.

Why: tracking is computed from the whole ledger in Python (series are built
across documents, translations aligned, results matched to targets). On a
ledger of 100,000 facts judging every target takes about two seconds, and
even a narrow filter costs half a second of SQL and series building; a
dashboard asks the same questions over and over. So the server computes the
complete lists once, indexes them by the fields the API filters on, and
answers each request by intersecting those indexes: microseconds instead of
seconds.

The *generation* says when to recompute: the newest and oldest search-index
sequence numbers (every stored or re-stored document, manual results
included, takes a new one; ``clear`` empties it) and the newest correction
id; assignments and overrides have their own, cheaper generation, because
they do not change what the rules compute: on their change the computed
verdicts are kept and only the people's part is laid over them again. The
generation is five indexed lookups, read on every request, so a write by
another process (the CLI, the other worker) is seen at once.

One computation runs at a time per kind; concurrent requests wait for it
rather than start their own.
"""

from __future__ import annotations

import bisect
import gc
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import text

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger
    from zhenxing.ledger.tracking_model import Conflict, Series, Verdict

log = logging.getLogger("zhenxing.serve")
T = TypeVar("T")
GENERATION_TTL = 0.25  # seconds a read generation is trusted before the database is asked again


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese stays readable), the same for every response."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


_GENERATION_SQL = text(
    "SELECT (SELECT min(seq) FROM search_documents), (SELECT max(seq) FROM search_documents), "
    "(SELECT max(id) FROM fact_corrections), (SELECT max(id) FROM target_assignments), "
    "(SELECT max(id) FROM verdict_overrides)"
)


def generations(ledger: Ledger) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(facts generation, closed-loop generation) of the ledger as it is now."""
    with ledger.engine.connect() as conn:
        row = conn.execute(_GENERATION_SQL).one()
    values = tuple(int(v or 0) for v in row)
    return values[:3], values[3:]


def _norm(value: str | None) -> str:
    return (value or "").strip().lower()


def _region_names(region: str) -> set[str]:
    from zhenxing.ledger.series import canonical_region

    return {region.strip().lower(), (canonical_region(region) or "").lower()} - {""}


def _year(period: str | None) -> str:
    return (period or "")[:4]


def _period_matches(period: str | None, wanted: str) -> bool:
    return period == wanted or (period or "").startswith(wanted + "-")


class Memo:
    """Answers already given for this generation, by their filters (at most ``size``; the oldest go first).

    A dashboard asks the same few questions again and again; an index never
    changes once built (a new generation builds a new one), so its answers
    can be kept as long as it lives.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._answers: dict[Any, Any] = {}

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        try:
            return self._answers[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        value = compute()
        self.put(key, value)
        return value

    def peek(self, key: Any) -> Any | None:
        return self._answers.get(key)

    def put(self, key: Any, value: Any) -> None:
        if len(self._answers) >= self.size:
            self._answers.pop(next(iter(self._answers)), None)
        self._answers[key] = value


def _intersect(
    candidates: list[tuple[Any, list[int]]], n: int, sets: dict[Any, frozenset[int]] | None = None
) -> list[int]:
    """Positions in every list (each ascending); all positions when there is no list.

    Each candidate is (key, list): the key names the filter value the list
    belongs to, and ``sets`` keeps the list's set under it (an index never
    changes once built), since on a large ledger building those sets was most
    of the cost of a filtered page. At most ``_SETS`` are kept.
    """
    if not candidates:
        return list(range(n))
    candidates.sort(key=lambda c: len(c[1]))
    result = candidates[0][1]
    for key, other in candidates[1:]:
        members = sets.get(key) if sets is not None else None
        if members is None:
            members = frozenset(other)
            if sets is not None:
                if len(sets) >= _SETS:
                    sets.clear()
                sets[key] = members
        result = [i for i in result if i in members]
    return result


_SETS = 4096


# -- the indexes -----------------------------------------------------------------------------


class VerdictIndex:
    """Every verdict of the ledger, in ``evaluate`` order, with lookups for the API's filters."""

    def __init__(self, verdicts: list[Verdict]) -> None:
        from zhenxing.ledger.verdicts import _area_of

        self.verdicts = verdicts
        self.by_key: dict[str, int] = {}
        self.by_fact: dict[str, list[int]] = defaultdict(list)
        self.by_year: dict[str, list[int]] = defaultdict(list)
        self.by_region: dict[str, list[int]] = defaultdict(list)
        self.by_status: dict[str, list[int]] = defaultdict(list)
        self.by_area: dict[str, list[int]] = defaultdict(list)
        self.by_indicator: dict[str, list[int]] = defaultdict(list)
        for i, v in enumerate(verdicts):
            t = v.target
            self.by_key.setdefault(t.key, i)
            for s in t.sources:
                self.by_fact[s.fact_id].append(i)
            self.by_year[_year(t.period)].append(i)
            self.by_region[_norm(t.region)].append(i)
            self.by_status[v.status].append(i)
            self.by_area[_area_of(t.indicator) or ""].append(i)
            self.by_indicator[t.indicator or ""].append(i)
        self.sorted_keys = sorted(self.by_key)
        self.sorted_facts = sorted(self.by_fact)
        self._records: dict[tuple[int, bool], bytes] = {}
        self._sets: dict[Any, frozenset[int]] = {}
        self.memo = Memo()

    def select(
        self,
        *,
        period: str | None = None,
        region: str | None = None,
        status: str | None = None,
        area: str | None = None,
        indicator: str | None = None,
    ) -> tuple[int, ...]:
        """Positions of the verdicts matching every filter, as ``evaluate`` with those filters would."""
        key = ("select", period, region, status, area, indicator)
        return self.memo.get(key, lambda: tuple(self._select(period, region, status, area, indicator)))

    def counts(
        self,
        *,
        period: str | None = None,
        region: str | None = None,
        area: str | None = None,
        indicator: str | None = None,
    ) -> dict[str, int]:
        """Verdicts by status among those matching the filters."""
        from zhenxing.ledger.tracking_model import STATUSES

        def count() -> dict[str, int]:
            found: dict[str, int] = {s: 0 for s in STATUSES}
            for i in self.select(period=period, region=region, area=area, indicator=indicator):
                status = self.verdicts[i].status
                found[status] = found.get(status, 0) + 1
            return found

        return self.memo.get(("counts", period, region, area, indicator), count)

    def _select(
        self,
        period: str | None,
        region: str | None,
        status: str | None,
        area: str | None,
        indicator: str | None,
    ) -> list[int]:
        lists: list[tuple[Any, list[int]]] = []
        p = period.strip() if period else None
        if p:
            lists.append((("year", _year(p)), self.by_year.get(_year(p), [])))
        if region:
            names = frozenset(_region_names(region))
            lists.append(
                (("region", names), sorted(i for name in names for i in self.by_region.get(name, [])))
            )
        if status:
            lists.append((("status", status), self.by_status.get(status, [])))
        if area:
            lists.append((("area", area), self.by_area.get(area, [])))
        if indicator:
            lists.append((("indicator", indicator.strip()), self.by_indicator.get(indicator.strip(), [])))
        found = _intersect(lists, len(self.verdicts), self._sets)
        if p:
            found = [i for i in found if _period_matches(self.verdicts[i].target.period, p)]
        return found

    def find(self, wanted: str) -> Verdict:
        """One target by key, fact id, key prefix or fact id prefix: ``verdicts.verdict_for``'s rules."""
        from zhenxing.ledger.store import AmbiguousError, NotFoundError

        wanted = (wanted or "").strip()
        if not wanted:
            raise NotFoundError("no target given (a target key, a prefix of one, or a target fact id)")
        if wanted in self.by_key:
            return self.verdicts[self.by_key[wanted]]
        lowered = wanted.lower()
        if lowered in self.by_fact and len(set(self.by_fact[lowered])) == 1:
            return self.verdicts[self.by_fact[lowered][0]]
        for names, lookup in ((self.sorted_keys, self.by_key), (self.sorted_facts, self.by_fact)):
            prefix = wanted if lookup is self.by_key else lowered
            start = bisect.bisect_left(names, prefix)
            hits: list[int] = []
            for name in names[start:]:
                if not name.startswith(prefix):
                    break
                found = lookup[name]
                hits.extend(found if isinstance(found, list) else [found])
                if len(set(hits)) > 5:
                    break
            unique = list(dict.fromkeys(hits))
            if len(unique) == 1:
                return self.verdicts[unique[0]]
            if unique:
                shown = ", ".join(self.verdicts[i].target.key for i in unique[:5])
                more = " …" if len(unique) > 5 else ""
                raise AmbiguousError(f"target {wanted!r} matches several: {shown}{more}")
        raise NotFoundError(
            f"no target matches {wanted!r} (see /api/targets for keys, or give a target fact id)"
        )

    def record(self, i: int, full: bool = True) -> bytes:
        """The JSON of verdict ``i`` (``formats_tracking.verdict_record``), encoded once per form.

        ``full=False``: the list pages' form, each observation's first sentence only.
        """
        found = self._records.get((i, full))
        if found is None:
            from zhenxing.formats_tracking import verdict_record

            found = self._records[(i, full)] = dumps(verdict_record(self.verdicts[i], quotes=full))
        return found


class SeriesIndex:
    """Every series of the ledger with lookups by key, indicator (or label) and region."""

    def __init__(self, series: list[Series]) -> None:
        self.series = series
        self.by_key = {s.key: i for i, s in enumerate(series)}
        self.by_head: dict[str, list[int]] = defaultdict(list)  # indicator id, or "~label"
        self.by_region: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(series):
            self.by_head[s.key.split(":", 1)[0]].append(i)
            if s.indicator:
                self.by_head.setdefault(s.indicator, [])
                if s.key.split(":", 1)[0] != s.indicator:
                    self.by_head[s.indicator].append(i)
            self.by_region[_norm(s.region)].append(i)
        self._records: dict[tuple[int, bool], bytes] = {}
        self._sets: dict[Any, frozenset[int]] = {}
        self.memo = Memo()

    def select(self, *, indicator: str | None = None, region: str | None = None) -> tuple[int, ...]:
        """As ``series_from_ledger(indicator, region)``: an indicator id, or the label of unlisted figures."""
        return self.memo.get(("select", indicator, region), lambda: tuple(self._select(indicator, region)))

    def _select(self, indicator: str | None, region: str | None) -> list[int]:
        from zhenxing.ledger.series import normalize_label

        lists: list[tuple[Any, list[int]]] = []
        if indicator and indicator.strip():
            wanted = indicator.strip()
            heads = {wanted, "~" + normalize_label(wanted)}
            lists.append((("head", wanted), sorted({i for h in heads for i in self.by_head.get(h, [])})))
        if region:
            names = frozenset(_region_names(region))
            lists.append(
                (("region", names), sorted(i for name in names for i in self.by_region.get(name, [])))
            )
        return _intersect(lists, len(self.series), self._sets)

    def record(self, i: int, full: bool = True) -> bytes:
        """The JSON of series ``i``; ``full=False``: its summary (``formats_tracking.series_summary``)."""
        found = self._records.get((i, full))
        if found is None:
            from zhenxing.formats_tracking import series_record, series_summary

            record = series_record(self.series[i]) if full else series_summary(self.series[i])
            found = self._records[(i, full)] = dumps(record)
        return found


class ConflictIndex:
    """Every conflict of the ledger with lookups by indicator, region and period year."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        self.by_indicator: dict[str, list[int]] = defaultdict(list)
        self.by_region: dict[str, list[int]] = defaultdict(list)
        self.by_year: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(conflicts):
            o = c.observations[0] if c.observations else None
            self.by_indicator[(o.indicator if o else None) or ""].append(i)
            self.by_region[_norm(o.region if o else None)].append(i)
            self.by_year[_year(c.period)].append(i)
        self._records: dict[tuple[int, bool], bytes] = {}
        self._sets: dict[Any, frozenset[int]] = {}
        self.memo = Memo()

    def select(
        self, *, indicator: str | None = None, region: str | None = None, period: str | None = None
    ) -> tuple[int, ...]:
        key = ("select", indicator, region, period)
        return self.memo.get(key, lambda: tuple(self._select(indicator, region, period)))

    def _select(self, indicator: str | None, region: str | None, period: str | None) -> list[int]:
        lists: list[tuple[Any, list[int]]] = []
        p = period.strip() if period else None
        if indicator and indicator.strip():
            lists.append((("indicator", indicator.strip()), self.by_indicator.get(indicator.strip(), [])))
        if region:
            names = frozenset(_region_names(region))
            lists.append(
                (("region", names), sorted(i for name in names for i in self.by_region.get(name, [])))
            )
        if p:
            lists.append((("year", _year(p)), self.by_year.get(_year(p), [])))
        found = _intersect(lists, len(self.conflicts), self._sets)
        if p:
            found = [i for i in found if _period_matches(self.conflicts[i].period, p)]
        return found

    def record(self, i: int, full: bool = True) -> bytes:
        """The JSON of conflict ``i``; ``full=False``: first sentences only and no ``facts``."""
        found = self._records.get((i, full))
        if found is None:
            from zhenxing.formats import fact_record
            from zhenxing.formats_tracking import conflict_record

            c = self.conflicts[i]
            record = conflict_record(c, quotes=full)
            if full:
                record["facts"] = [fact_record(f) for f in c.facts]
            found = self._records[(i, full)] = dumps(record)
        return found


# -- the cache --------------------------------------------------------------------------------


@dataclass
class _Slot(Generic[T]):
    lock: threading.Lock = field(default_factory=threading.Lock)
    generation: Any = None
    value: T | None = None
    seconds: float = 0.0


class TrackingCache:
    """The ledger's verdicts, series and conflicts, recomputed when the ledger's generation moves.

    The generation is read from the database at most every ``GENERATION_TTL``
    seconds (writes through this process expire it at once, so they are seen
    by the next request; a write by another process within that fraction of
    a second). ``peek`` answers without blocking when the value is current,
    so the API can serve it from the event loop and send only computations
    to the thread pool.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._raw_verdicts: _Slot[list[Verdict]] = _Slot()
        self._built: _Slot[tuple[SeriesIndex, ConflictIndex]] = _Slot()
        self._slots: dict[str, _Slot[Any]] = {"verdicts": _Slot(), "series": _Slot(), "conflicts": _Slot()}
        self.warm = threading.Event()
        self._generation: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        self._generation_at = 0.0
        self._memos: dict[str, tuple[Any, Memo]] = {}

    def memo(self, name: str, generation: tuple[tuple[int, ...], tuple[int, ...]], size: int = 2048) -> Memo:
        """Answers of endpoint ``name`` for this generation of the facts (a new memo when any fact changed).

        Search, fact lists and documents depend on the facts and the people's
        corrections only, never on assignments or overrides.
        """
        known, memo = self._memos.get(name, (None, None))
        if memo is None or known != generation[0]:
            memo = Memo(size)
            self._memos[name] = (generation[0], memo)
        return memo

    def search_memo(self, generation: tuple[tuple[int, ...], tuple[int, ...]]) -> Memo:
        """Search answers of this generation of the documents (a new one when any document changed)."""
        return self.memo("search", generation)

    # -- generations --------------------------------------------------------------------------

    def generation(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(facts generation, closed-loop generation), from the database unless read a moment ago."""
        known = self.known_generation()
        if known is not None:
            return known
        found = generations(self.ledger)
        self._generation, self._generation_at = found, time.monotonic()
        return found

    def known_generation(self) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """The generation read less than ``GENERATION_TTL`` ago, without asking the database."""
        if self._generation is not None and time.monotonic() - self._generation_at < GENERATION_TTL:
            return self._generation
        return None

    def expire(self) -> None:
        """This process wrote to the ledger: read the generation again on the next request."""
        self._generation_at = 0.0

    @staticmethod
    def _key(kind: str, generation: tuple[tuple[int, ...], tuple[int, ...]]) -> Any:
        return generation if kind == "verdicts" else generation[0]

    def peek(self, kind: str, generation: tuple[tuple[int, ...], tuple[int, ...]]) -> Any | None:
        """The computed ``kind`` ("verdicts", "series", "conflicts") when current for ``generation``."""
        slot = self._slots[kind]
        value = slot.value
        return value if value is not None and slot.generation == self._key(kind, generation) else None

    # -- computing ----------------------------------------------------------------------------

    def _get(self, slot: _Slot[T], generation: Any, compute: Callable[[], T], what: str) -> T:
        value = slot.value
        if value is not None and slot.generation == generation:
            return value
        with slot.lock:
            if slot.value is not None and slot.generation == generation:
                return slot.value
            started = time.perf_counter()
            computed = compute()
            slot.seconds = time.perf_counter() - started
            slot.value, slot.generation = computed, generation
            if slot.seconds > 1:
                log.info("computed %s in %.1f s", what, slot.seconds)
                # Millions of cached records: without this, every full collection walks them
                # all, holding the GIL for seconds (requests stall; uvicorn's supervisor
                # takes the silent worker for hung). They hold no cycles, so reference
                # counting still frees them when a newer generation replaces them.
                gc.freeze()
            return computed

    def get(self, kind: str, generation: tuple[tuple[int, ...], tuple[int, ...]] | None = None) -> Any:
        """The ``kind`` for ``generation`` (default: the current one), computing it if needed (blocking)."""
        generation = generation or self.generation()
        compute = {
            "verdicts": self._compute_verdicts,
            "series": self._compute_series,
            "conflicts": self._compute_conflicts,
        }
        return self._get(
            self._slots[kind], self._key(kind, generation), lambda: compute[kind](generation), kind
        )

    def verdicts(self) -> VerdictIndex:
        return self.get("verdicts")  # type: ignore[no-any-return]

    def series(self) -> SeriesIndex:
        return self.get("series")  # type: ignore[no-any-return]

    def conflicts(self) -> ConflictIndex:
        return self.get("conflicts")  # type: ignore[no-any-return]

    def _compute_verdicts(self, generation: tuple[tuple[int, ...], tuple[int, ...]]) -> VerdictIndex:
        from zhenxing.ledger.verdicts import evaluate

        raw = self._get(
            self._raw_verdicts,
            generation[0],
            lambda: evaluate(self.ledger, overrides={}, assignments={}),
            "the rules' verdicts",
        )
        return self._attach(raw)

    def _attach(self, raw: Iterable[Verdict]) -> VerdictIndex:
        """People's overrides and assignments laid over copies of the computed verdicts."""
        from zhenxing.ledger.verdicts import _attach

        overrides = self.ledger.overrides()
        assignments = self.ledger.assignments()
        if not overrides and not assignments:
            return VerdictIndex(list(raw))
        return VerdictIndex([_attach(dc_replace(v), overrides, assignments) for v in raw])

    def _compute_series(self, generation: Any) -> SeriesIndex:
        return self._get(self._built, generation[0], self._build, "series and conflicts")[0]

    def _compute_conflicts(self, generation: Any) -> ConflictIndex:
        return self._get(self._built, generation[0], self._build, "series and conflicts")[1]

    def _build(self) -> tuple[SeriesIndex, ConflictIndex]:
        """Series and the conflicts among them from one build (see ``series.all_series``)."""
        from zhenxing.ledger.conflicts import attach_facts, conflicts_in
        from zhenxing.ledger.series import all_series

        series, facts = all_series(self.ledger)
        conflicts = attach_facts(conflicts_in(series), facts)
        return SeriesIndex(series), ConflictIndex(conflicts)

    def warm_up(self, *, encode: bool = False) -> None:
        """Compute everything (at server start, in a background thread); errors are logged, not raised.

        ``encode``: also encode every record in the list pages' form, as
        ``zhenxing serve --workers N`` does before it forks: encoded once in
        the parent, shared by the workers, rather than once per worker on
        first use (which was a good part of their CPU in the first minute).
        """
        try:
            for kind in ("verdicts", "series", "conflicts"):
                index = self.get(kind)
                if encode:
                    n = len(index.verdicts if kind == "verdicts" else getattr(index, kind))
                    for i in range(n):
                        index.record(i, False)
            if encode:
                gc.freeze()
        except Exception:  # the requests will raise it again, with a proper answer
            log.exception("warming the tracking cache failed")
        finally:
            self.warm.set()

    def status(self) -> dict[str, Any]:
        return {
            "warm": self.warm.is_set(),
            "seconds": {
                "verdicts": round(self._raw_verdicts.seconds, 3),
                "series": round(self._slots["series"].seconds, 3),
                "conflicts": round(self._slots["conflicts"].seconds, 3),
            },
        }
