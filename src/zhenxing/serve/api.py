"""The JSON API under ``/api``: reads of the ledger and its tracking, and the closed-loop writes.

Every endpoint is a thin shell over the ledger and the tracking stage, like
the CLI: filters are query parameters passed to parameterized SQL (or to the
in-memory indexes of :mod:`api_cache`), lists are pages (``limit``,
``offset``, ``total``, ``next_offset``), errors are ``{"error": "..."}``.
Endpoints are plain ``def`` functions: FastAPI runs them in its thread pool,
so blocking database work never stalls the event loop.

Writes need a writer (:func:`auth.require_writer`), whose token name is the
actor recorded in the audit trail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from zhenxing.formats import fact_record
from zhenxing.ledger.closed_loop import ReviewedFact, audit_entry, load_overlay, reviewed_rows
from zhenxing.ledger.models import AuditRow, DocumentRow, FactRow
from zhenxing.ledger.series import fetch_facts
from zhenxing.ledger.store import Ledger
from zhenxing.model import Fact
from zhenxing.serve import api_models as m
from zhenxing.serve import inline
from zhenxing.serve.api_cache import dumps
from zhenxing.serve.auth import Writer, require_reader, require_writer
from zhenxing.serve.settings import ServeSettings

MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description="Items per page (at most 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Text = Annotated[str | None, Query(max_length=200)]
Detail = Annotated[
    Literal["summary", "full"],
    Query(
        description="summary: each observation's first sentence only (series: chart points, no sentences); "
        "full: every source's sentence, as the single-item endpoints give."
    ),
]


@dataclass
class ServeState:
    """What every request needs: the open ledger, the settings, the tracking cache."""

    ledger: Ledger
    settings: ServeSettings
    cache: Any  # api_cache.TrackingCache
    schema_revision: str | None = None


def state(request: Request) -> ServeState:
    return request.app.state.zhenxing  # type: ignore[no-any-return]


router = APIRouter(prefix="/api", dependencies=[Depends(require_reader)])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.ErrorOut, "description": "The request is refused: a bad value, a missing reason."},
    401: {"model": m.ErrorOut, "description": "A token is needed (or the one sent is invalid)."},
    404: {"model": m.ErrorOut, "description": "Nothing has that id or key."},
    409: {"model": m.ErrorOut, "description": "The prefix given matches several."},
    422: {"model": m.ErrorOut, "description": "A parameter is malformed or out of range."},
}
WRITE_ERRORS = {**ERRORS, 403: {"model": m.ErrorOut, "description": "The form's CSRF token is missing."}}


def _page(
    items: list[Any], limit: int, offset: int, total: int | None, more: bool | None = None
) -> dict[str, Any]:
    if more is None:
        more = total is not None and offset + len(items) < total
    return {
        "items": items,
        "limit": limit,
        "offset": offset,
        "total": total,
        "next_offset": offset + len(items) if more and items else None,
    }


def json_response(payload: Any) -> Response:
    """JSON made by the standard encoder, returned as is.

    The records come from the same functions as the CLI's JSONL; pydantic
    checking each one again on every request cost more than the query
    itself. ``response_model`` still documents them in ``/openapi.json``, and
    the tests validate real responses against those models.
    """
    return Response(dumps(payload), media_type="application/json")


def page_response(
    items: list[bytes], limit: int, offset: int, total: int | None, extra: dict[str, Any] | None = None
) -> Response:
    """A page whose items are already encoded (the tracking caches keep each record's JSON)."""
    meta = _page([], limit, offset, total)
    meta.pop("items")
    meta["next_offset"] = (
        offset + len(items) if items and total is not None and offset + len(items) < total else None
    )
    meta.update(extra or {})
    body = dumps(meta)[:-1] + b',"items":[' + b",".join(items) + b"]}"
    return Response(body, media_type="application/json")


# Reads that outgrow their inline budget (see ``inline``: a substring filter over
# many facts, a long document) share a few threads of their own, so a burst of
# them cannot take every thread from search and writes; two, because they hold
# the GIL for their Python part and more of them only wait for each other.
_SLOW = anyio.CapacityLimiter(2)


async def memoized(request: Request, name: str, key: Any, compute: Any, *, size: int = 2048) -> Response:
    """The JSON answer ``compute()`` gives (bytes, run in the slow threads), kept for this generation of the facts.

    Fact lists and documents cost milliseconds of SQL and encoding, and a
    dashboard asks for the same pages again and again; any new document,
    re-extraction or correction starts a new generation, so nothing stale is
    served (a write by this process expires the generation at once, one by
    another process within ``GENERATION_TTL``).
    """
    st = state(request)
    cache = st.cache
    generation = cache.known_generation()
    if generation is None:
        generation = await inline.read(st.ledger.engine, cache.generation)
    memo = cache.memo(name, generation, size)
    body = memo.peek(key)
    if body is None:
        body = await inline.read(st.ledger.engine, compute, limiter=_SLOW)
        memo.put(key, body)
    return Response(body, media_type="application/json")


async def tracking(request: Request, kind: str) -> Any:
    """The cached verdicts, series or conflicts: from the event loop when current, else computed in a thread."""
    st = state(request)
    cache = st.cache
    generation = cache.known_generation()
    if generation is None:
        generation = await inline.read(st.ledger.engine, cache.generation)
    found = cache.peek(kind, generation)
    if found is None:
        found = await run_in_threadpool(cache.get, kind, generation)
    return found


def fact_out(fact: Fact) -> dict[str, Any]:
    """A fact's JSON record, with its review (rejected, corrected fields) when a person reviewed it."""
    record = fact_record(fact)
    if isinstance(fact, ReviewedFact):
        record.update(
            rejected=fact.rejected,
            extracted=dict(fact.extracted) or None,
            reviewed_by=fact.reviewed_by,
            reviewed_at=fact.reviewed_at,
            review_reason=fact.review_reason,
        )
    return record


def _audit_out(entry: Any) -> dict[str, Any]:
    record = entry.to_record()
    record["description"] = entry.describe()
    return record


# -- health ------------------------------------------------------------------------------------


@router.get("/health", response_model=m.HealthOut, summary="Is the server up, and is its cache computed?")
def health(request: Request) -> dict[str, Any]:
    st = state(request)
    with st.ledger.engine.connect() as conn:
        documents = conn.execute(select(func.count()).select_from(DocumentRow)).scalar() or 0
    return {
        "ok": True,
        "worker": os.getpid(),
        "warm": st.cache.warm.is_set(),
        "documents": documents,
        "schema_revision": st.schema_revision,
    }


# -- documents -----------------------------------------------------------------------------------

_DOC_COLUMNS = (
    DocumentRow.id,
    DocumentRow.name,
    DocumentRow.title,
    DocumentRow.date,
    DocumentRow.date_source,
    DocumentRow.source,
    DocumentRow.author,
    DocumentRow.language,
    DocumentRow.translation_of,
    DocumentRow.format,
    DocumentRow.extractor_version,
    DocumentRow.ingested_at,
)


def _fact_counts(session: Any, ids: list[str]) -> dict[str, int]:
    """Facts per document (rejected ones not counted), for a page of documents only."""
    if not ids:
        return {}
    counts = dict(
        session.execute(
            select(FactRow.doc_id, func.count()).where(FactRow.doc_id.in_(ids)).group_by(FactRow.doc_id)
        ).all()
    )
    overlay = load_overlay(session)
    for row in reviewed_rows(session, overlay, FactRow.doc_id.in_(ids)):
        if overlay[(row.doc_id, row.start, row.end)].rejected:
            counts[row.doc_id] -= 1
    return counts


def _doc_out(row: Any, count: int) -> dict[str, Any]:
    record = dict(row._asdict())
    record["ingested_at"] = row.ingested_at.isoformat() if row.ingested_at else None
    record["fact_count"] = count
    return record


@router.get("/documents", response_model=m.DocumentsPage, responses=ERRORS, summary="Documents, by name")
async def list_documents(
    request: Request,
    limit: Limit = 50,
    offset: Offset = 0,
    language: Annotated[str | None, Query(max_length=16, description="zh, en or mixed.")] = None,
    format: Annotated[
        str | None, Query(max_length=16, description="text, markdown, html, pdf, manual.")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the name or title.")] = None,
) -> Response:
    def run() -> bytes:
        conditions = []
        if language:
            conditions.append(DocumentRow.language == language.strip())
        if format:
            conditions.append(DocumentRow.format == format.strip())
        if q and q.strip():
            needle = q.strip()
            conditions.append(
                DocumentRow.name.icontains(needle, autoescape=True)
                | DocumentRow.title.icontains(needle, autoescape=True)
            )
        query = select(*_DOC_COLUMNS).where(*conditions).order_by(DocumentRow.name, DocumentRow.id)
        ledger = state(request).ledger
        with Session(ledger.engine) as session:
            total = (
                session.execute(select(func.count()).select_from(DocumentRow).where(*conditions)).scalar()
                or 0
            )
            rows = session.execute(query.limit(limit).offset(offset)).all()
            counts = _fact_counts(session, [r.id for r in rows])
        return dumps(_page([_doc_out(r, counts.get(r.id, 0)) for r in rows], limit, offset, total))

    return await memoized(request, "documents", (limit, offset, language, format, q), run, size=1024)


@router.get(
    "/documents/{doc}",
    response_model=m.DocumentDetailOut,
    responses=ERRORS,
    summary="A document with its text and facts",
)
async def get_document(
    request: Request,
    doc: Annotated[str, Path(max_length=512, description="Document id, id prefix or file name.")],
) -> Response:
    def run() -> bytes:
        ledger = state(request).ledger
        document = ledger.document(doc)
        info = ledger.document_info(document.id)
        facts = fetch_facts(ledger, FactRow.doc_id == document.id)  # by the index; ``doc=`` is a prefix scan
        record = info.to_record()
        record.update(text=document.text, meta=document.meta or {}, facts=[fact_out(f) for f in facts])
        record.pop("path", None)
        return dumps(record)

    return await memoized(request, "document", doc, run, size=256)


# -- facts -----------------------------------------------------------------------------------------


@router.get("/facts", response_model=m.FactsPage, responses=ERRORS, summary="Facts matching every filter")
async def list_facts(
    request: Request,
    indicator: Text = None,
    region: Annotated[
        str | None, Query(max_length=128, description="Any written form: Liaoning, 辽宁.")
    ] = None,
    period: Annotated[
        str | None, Query(max_length=32, description="A year also finds its halves, quarters, months.")
    ] = None,
    kind: Annotated[str | None, Query(max_length=16, description="target, result or other.")] = None,
    doc: Annotated[str | None, Query(max_length=512, description="Document id prefix or file name.")] = None,
    text: Annotated[
        str | None, Query(max_length=200, description="Words in the sentence or the label.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    def run() -> bytes:
        ledger = state(request).ledger
        found = ledger.facts(
            indicator=indicator,
            region=region,
            period=period,
            kind=kind,
            doc=doc,
            text=text,
            limit=offset + limit + 1,
        )
        page = found[offset : offset + limit]
        return dumps(
            _page([fact_out(f) for f in page], limit, offset, None, more=len(found) > offset + limit)
        )

    key = (indicator, region, period, kind, doc, text, limit, offset)
    return await memoized(request, "facts", key, run)


@router.get(
    "/facts/{fact_id}",
    response_model=m.FactDetailOut,
    responses=ERRORS,
    summary="A fact, its document and its history",
)
async def get_fact(request: Request, fact_id: Annotated[str, Path(max_length=100)]) -> Response:
    def run() -> Response:
        ledger = state(request).ledger
        fact = ledger.fact(fact_id, include_rejected=True)
        info = ledger.document_info(fact.doc_id).to_record()
        info.pop("path", None)
        history = ledger.audit(entity_id=fact.id)
        return json_response(
            {"fact": fact_out(fact), "document": info, "history": [_audit_out(e) for e in history]}
        )

    return await inline.read(state(request).ledger.engine, run, limiter=_SLOW)  # type: ignore[no-any-return]


# -- tracking ---------------------------------------------------------------------------------------


@router.get(
    "/series",
    response_model=m.SeriesPage,
    responses=ERRORS,
    summary="Series: targets and results period by period",
)
async def list_series(
    request: Request,
    indicator: Annotated[
        str | None, Query(max_length=200, description="Indicator id, or the label of unlisted figures.")
    ] = None,
    region: Annotated[str | None, Query(max_length=128)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    detail: Detail = "summary",
) -> Response:
    index = await tracking(request, "series")
    found = index.select(indicator=indicator, region=region)
    full = detail == "full"
    items = [index.record(i, full) for i in found[offset : offset + limit]]
    return page_response(items, limit, offset, len(found))


@router.get("/series/{key:path}", response_model=m.SeriesOut, responses=ERRORS, summary="One series by key")
async def get_series(request: Request, key: str) -> Response:
    from zhenxing.ledger.store import NotFoundError

    index = await tracking(request, "series")
    position = index.by_key.get(key.strip())
    if position is None:
        raise NotFoundError(f"no series {key!r} (see /api/series for keys)")
    return Response(index.record(position), media_type="application/json")


@router.get("/targets", response_model=m.TargetsPage, responses=ERRORS, summary="Targets with their verdicts")
async def list_targets(
    request: Request,
    period: Annotated[
        str | None, Query(max_length=32, description="A year also finds its halves, quarters, months.")
    ] = None,
    region: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[
        str | None, Query(max_length=16, description="met, missed, pending or no result.")
    ] = None,
    area: Annotated[
        str | None, Query(max_length=32, description="Taxonomy area: economy, livelihood ...")
    ] = None,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    detail: Detail = "summary",
) -> Response:
    from zhenxing.ledger.tracking_model import STATUSES
    from zhenxing.ledger.verdicts import TrackingError, known_areas

    wanted = " ".join(status.strip().lower().replace("_", " ").replace("-", " ").split()) if status else None
    if wanted and wanted not in STATUSES:
        raise TrackingError(f"status {status!r}: one of {', '.join(STATUSES)}")
    if area and area not in known_areas():
        raise TrackingError(f"area {area!r}: one of {', '.join(known_areas())}")
    index = await tracking(request, "verdicts")
    counts = index.counts(period=period, region=region, area=area, indicator=indicator)
    found = index.select(period=period, region=region, status=wanted, area=area, indicator=indicator)
    items = [index.record(i, detail == "full") for i in found[offset : offset + limit]]
    return page_response(items, limit, offset, len(found), {"counts": counts})


@router.get(
    "/verdicts/{target_key:path}",
    response_model=m.VerdictOut,
    responses=ERRORS,
    summary="One target's verdict",
)
async def get_verdict(request: Request, target_key: str) -> Response:
    index = await tracking(request, "verdicts")
    verdict = index.find(target_key)
    return Response(index.record(index.by_key[verdict.target.key]), media_type="application/json")


@router.get(
    "/conflicts",
    response_model=m.ConflictsPage,
    responses=ERRORS,
    summary="Results that contradict each other",
)
async def list_conflicts(
    request: Request,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    region: Annotated[str | None, Query(max_length=128)] = None,
    period: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    detail: Detail = "summary",
) -> Response:
    index = await tracking(request, "conflicts")
    found = index.select(indicator=indicator, region=region, period=period)
    items = [index.record(i, detail == "full") for i in found[offset : offset + limit]]
    return page_response(items, limit, offset, len(found))


# -- search and audit ---------------------------------------------------------------------------------


@router.get(
    "/search", response_model=m.SearchPage, responses=ERRORS, summary="Sentences containing every word"
)
async def search_sentences(
    request: Request,
    q: Annotated[
        str, Query(max_length=200, description='Words, Chinese words (就业, 粮食), "phrases", prefix*.')
    ],
    doc: Annotated[str | None, Query(max_length=64, description="Only this document (id).")] = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=0, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    order: Annotated[
        str,
        Query(
            pattern="^(auto|relevance|recent)$",
            description="relevance (best first), recent (newest first), or auto: relevance up to 1000 matches.",
        ),
    ] = "auto",
) -> Response:
    from zhenxing.ledger import search

    st = state(request)
    generation = st.cache.known_generation()
    if generation is None:
        generation = await inline.read(st.ledger.engine, st.cache.generation)
    memo = st.cache.search_memo(generation)
    key = (q, doc, language, limit, offset, order)
    body = memo.peek(key)
    if body is None:

        def run() -> bytes:
            with st.ledger.engine.connect() as conn:
                found = search.search(
                    conn, q, limit=limit, offset=offset, doc_id=doc, language=language, order=order
                )
            page = _page([h.to_record() for h in found.hits], limit, offset, found.total)
            if found.total_capped and len(found.hits) == limit:
                page["next_offset"] = offset + limit
            page.update(query=q, total_capped=found.total_capped, order=found.order)
            return dumps(page)

        body = await inline.read(st.ledger.engine, run)
        memo.put(key, body)
    return Response(body, media_type="application/json")


@router.get("/audit", response_model=m.AuditPage, responses=ERRORS, summary="The audit trail, newest first")
def list_audit(
    request: Request,
    entity_id: Annotated[str | None, Query(max_length=255, description="A fact id or target key.")] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    conditions = []
    if entity_id:
        conditions.append(AuditRow.entity_id == entity_id.strip())
    if actor:
        conditions.append(AuditRow.actor == actor.strip())
    if action:
        conditions.append(AuditRow.action == action.strip())
    ledger = state(request).ledger
    with Session(ledger.engine) as session:
        total = session.execute(select(func.count()).select_from(AuditRow).where(*conditions)).scalar() or 0
        rows = session.scalars(
            select(AuditRow).where(*conditions).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
        ).all()
        entries = [_audit_out(audit_entry(r)) for r in rows]
    return json_response(_page(entries, limit, offset, total))


# -- writes ---------------------------------------------------------------------------------------------

Writer_ = Annotated[Writer, Depends(require_writer)]


def expire_after_write(request: Request) -> Iterator[None]:
    """After a write, the next read asks the database for the generation (read-your-writes).

    The endpoints also expire it themselves right after writing, before they
    answer; this is the backstop for a write that failed half-way.
    """
    try:
        yield
    finally:
        state(request).cache.expire()


def _target(request: Request, key: str) -> str:
    """The full key of the target a key, key prefix or fact id names: a typo must not file an orphan."""
    return str(state(request).cache.verdicts().find(key).target.key)


@router.post(
    "/results",
    response_model=m.FactOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Add a result by hand, with its source",
)
def add_result(request: Request, body: m.ResultIn, writer: Writer_) -> dict[str, Any]:
    fact = state(request).ledger.add_manual_result(**body.model_dump(), actor=writer.name)
    state(request).cache.expire()
    return fact_out(fact)


@router.post(
    "/facts/{fact_id}/correct",
    response_model=m.FactOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Correct fields of a fact",
)
def correct_fact(
    request: Request, fact_id: Annotated[str, Path(max_length=100)], body: m.CorrectionIn, writer: Writer_
) -> dict[str, Any]:
    from zhenxing.ledger.closed_loop import ClosedLoopError

    if not body.fields:
        raise ClosedLoopError('nothing to correct: give fields, e.g. {"value": 2.3}')
    fact = state(request).ledger.correct_fact(fact_id, actor=writer.name, reason=body.reason, **body.fields)
    state(request).cache.expire()
    return fact_out(fact)


@router.post(
    "/facts/{fact_id}/reject",
    response_model=m.FactOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Reject a wrongly extracted fact",
)
def reject_fact(
    request: Request, fact_id: Annotated[str, Path(max_length=100)], body: m.ReasonIn, writer: Writer_
) -> dict[str, Any]:
    fact = state(request).ledger.reject_fact(fact_id, actor=writer.name, reason=body.reason)
    state(request).cache.expire()
    return fact_out(fact)


@router.post(
    "/facts/{fact_id}/restore",
    response_model=m.FactOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Undo a rejection",
)
def restore_fact(
    request: Request, fact_id: Annotated[str, Path(max_length=100)], body: m.ReasonIn, writer: Writer_
) -> dict[str, Any]:
    fact = state(request).ledger.restore_fact(fact_id, actor=writer.name, reason=body.reason)
    state(request).cache.expire()
    return fact_out(fact)


@router.post(
    "/targets/{key:path}/assign",
    response_model=m.AssignmentOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Give a target an owner and a due date (owner null withdraws it)",
)
def assign_target(request: Request, key: str, body: m.AssignIn, writer: Writer_) -> dict[str, Any]:
    from zhenxing.ledger.closed_loop import ClosedLoopError

    ledger = state(request).ledger
    key = _target(request, key)
    if body.owner is None:
        if not body.reason:
            raise ClosedLoopError("withdrawing an assignment needs a reason")
        ledger.unassign(key, actor=writer.name, reason=body.reason)
        state(request).cache.expire()
        return {"target_key": key, "owner": None, "due": None, "actor": writer.name, "at": None}
    done = ledger.assign(key, owner=body.owner, due=body.due or "", actor=writer.name, reason=body.reason)
    state(request).cache.expire()
    return {"target_key": key, **done}


@router.post(
    "/targets/{key:path}/override",
    response_model=m.OverrideOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(expire_after_write)],
    summary="Set a target's verdict by hand (status null clears it)",
)
def override_target(request: Request, key: str, body: m.OverrideIn, writer: Writer_) -> dict[str, Any]:
    ledger = state(request).ledger
    key = _target(request, key)
    if body.status is None:
        ledger.clear_override(key, actor=writer.name, reason=body.reason)
        state(request).cache.expire()
        return {"target_key": key, "status": None, "reason": body.reason, "actor": writer.name, "at": None}
    done = ledger.override(key, status=body.status, reason=body.reason, actor=writer.name)
    state(request).cache.expire()
    return {"target_key": key, **done}
