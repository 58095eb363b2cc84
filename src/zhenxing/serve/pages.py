"""The web dashboard: server-rendered HTML pages over the ledger, mounted by ``create_app``.

Why server-rendered (Jinja2, autoescape on) rather than a single-page app:
the pages are views of ledger queries that already exist in Python
(verdicts, series, conflicts), every figure must carry its source sentence
exactly, and document text is untrusted. Rendering on the server keeps one
code path for the page and its downloads, works without scripts, and leaves
the escaping to Jinja2's autoescape and ``pages_text`` (highlights built on
escaped text). The scripts in ``static/js`` only enhance: sorting and
filtering tables, the charts, drag-and-drop upload, linking a document to its
translation. There is no inline script or style anywhere, so the server's
Content-Security-Policy can forbid both.

Pages (all GET):
    /                      overview: a region's targets for a year, scorecard by area, the list
    /target/{key}          one target: verdict, rule, sentences, results, closed loop, audit trail
    /indicator/{name}      the series of an indicator (or an unlisted label) as charts and tables
    /document/{id}         a document's text with every fact highlighted; a translation pair side by side
    /documents             every document
    /conflicts             disagreeing and inconsistent results
    /search?q=             full-text search, Chinese and English (the search engine is ``ledger.search``)
    /upload                add documents from the browser (the upload API is ``/api/...``)
    /audit                 the whole audit trail
    /export/{table}.csv|.xlsx   any table of the pages, as shown (filters and sort applied)
    /lang/{en|zh}          switch the language (a cookie), back to the page
    /signin                the sign-in form (``POST /signin`` is the auth module's)

Closed-loop forms post to ``/loop/{assign,unassign,override,clear-override,result}``
with the sign-in cookie and a CSRF token; they answer with a redirect back to
the target page (post/redirect/get), or the page again with the error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from zhenxing import __version__
from zhenxing.serve import auth
from zhenxing.serve.app import UPLOAD_PATH
from zhenxing.serve.pages_i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES, Translator, negotiate
from zhenxing.serve.pages_search import search_page
from zhenxing.serve.pages_tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Table, prepared, to_csv, to_xlsx
from zhenxing.serve.pages_views import (
    AREAS,
    EXPORTS,
    OTHER_AREA,
    CachedTracking,
    Context,
    LedgerTracking,
    audit_entries,
    audit_table,
    conflicts_table,
    document_page,
    documents_table,
    indicator_page,
    overview_data,
    parse_span,
    scorecard_table,
    target_page,
    targets_table,
    url_document,
    url_indicator,
    url_target,
    url_with,
)

router = APIRouter(include_in_schema=False)

# What the pages need of the browser; the app's own header (if it sets one) should be at least this strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
NAV = (
    ("overview", "/"),
    ("documents", "/documents"),
    ("conflicts", "/conflicts"),
    ("search", "/search"),
    ("upload", "/upload"),
    ("audit", "/audit"),
)
_EXPORT_NAME = re.compile(r"^([a-z][a-z0-9-]{0,40})\.(csv|xlsx)$")
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s]*$")
# The upload endpoint of the JSON API (multipart, field ``file``); the upload page's script posts there.
UPLOAD_ENDPOINT = UPLOAD_PATH


# -- rendering -----------------------------------------------------------------------------


@cache
def environment() -> Environment:
    """Jinja2 with autoescape on for every template (``.html``), strict about undefined names."""
    env = Environment(
        loader=PackageLoader("zhenxing.serve", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        url_target=url_target,
        url_document=url_document,
        url_indicator=url_indicator,
        url_with=url_with,
        export_url=export_url,
        AREAS=AREAS,
        OTHER_AREA=OTHER_AREA,
        version=__version__,
        asset=asset_url,
    )
    return env


@cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(env=environment())


@cache
def _asset_digest(path: str) -> str:
    from importlib import resources

    try:
        data = resources.files("zhenxing.serve").joinpath("static", path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return "0"
    return hashlib.sha256(data).hexdigest()[:10]


def asset_url(path: str) -> str:
    """A static file's URL with a digest of its content, so browsers never run a stale script."""
    return f"/static/{path}?v={_asset_digest(path)}"


def export_url(table: Table, fmt: str) -> str:
    query = {k: v for k, v in table.params.items() if v}
    return f"/export/{table.name}.{fmt}" + (f"?{urlencode(query)}" if query else "")


def language(request: Request) -> str:
    return negotiate(request.cookies.get(COOKIE), request.headers.get("accept-language"))


def translator(request: Request) -> Translator:
    return Translator(language(request))


def serve_state(request: Request) -> Any:
    """What ``create_app`` keeps for every request: the ledger, the settings, the tracking cache."""
    return request.app.state.zhenxing


def context(request: Request) -> Context:
    """The ledger, tracking (the server's cache when it has one) and the language of this request."""
    state = serve_state(request)
    cache = getattr(state, "cache", None)
    tracking: Any = CachedTracking(cache) if cache is not None else LedgerTracking(state.ledger)
    return Context(state.ledger, tracking, translator(request))


async def identity(request: Request) -> Any:
    """Who is signed in (``auth.Writer``), None for a reader."""
    try:
        return await auth.current_user(request)
    except HTTPException:  # a malformed Authorization header: pages treat it as no sign-in
        return None


def _needs_sign_in(request: Request, who: Any) -> bool:
    settings = getattr(serve_state(request), "settings", None)
    return bool(getattr(settings, "read_requires_token", False)) and who is None


@dataclass(slots=True)
class Outcome:
    """What building a page gave: its data, or the response that stands instead (an error, a sign-in)."""

    data: Mapping[str, Any] | None = None
    response: Response | None = None
    who: Any = None


async def compute(request: Request, build: Callable[[Context], Mapping[str, Any]]) -> Outcome:
    """Build a page's data off the event loop (ledger queries block).

    A ``LedgerError`` (an unknown document, target or prefix) becomes a 404
    page, a ``TrackingError`` (a malformed period) a 400 page; a server that
    needs a token for reading sends a browser that has none to sign in.
    """
    from zhenxing.ledger.store import LedgerError
    from zhenxing.ledger.verdicts import TrackingError

    who = await identity(request)
    if _needs_sign_in(request, who):
        return Outcome(response=RedirectResponse(_signin_url(request), status_code=303), who=who)
    ctx = context(request)
    try:
        data = await run_in_threadpool(build, ctx)
    except LedgerError as exc:
        return Outcome(response=error_page(request, "error.not_found", str(exc), 404, who=who), who=who)
    except TrackingError as exc:
        return Outcome(response=error_page(request, "error.bad_request", str(exc), 400, who=who), who=who)
    return Outcome(data=data, who=who)


async def page(
    request: Request,
    template: str,
    build: Callable[[Context], Mapping[str, Any]],
    *,
    nav: str | None = None,
    status_code: int = 200,
) -> Response:
    outcome = await compute(request, build)
    if outcome.response is not None:
        return outcome.response
    assert outcome.data is not None
    return render(request, template, outcome.data, who=outcome.who, nav=nav, status_code=status_code)


def error_page(
    request: Request,
    title_key: str,
    message: str,
    status_code: int,
    *,
    who: Any = None,
    back: str | None = None,
) -> HTMLResponse:
    """An error as a page of the dashboard; ``back``: where signing in returns to (default: this page)."""
    t = translator(request)
    data: dict[str, Any] = {"title": t(title_key), "message": message}
    if back:
        data["signin_url"] = "/signin?" + urlencode({"next": back})
    return render(request, "error.html", data, who=who, status_code=status_code)


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _signin_url(request: Request) -> str:
    return "/signin?" + urlencode({"next": _here(request)})


def render(
    request: Request,
    name: str,
    data: Mapping[str, Any],
    *,
    who: Any = None,
    status_code: int = 200,
    nav: str | None = None,
) -> HTMLResponse:
    t = translator(request)
    path = _here(request)
    full = {
        "t": t,
        "lang": t.lang,
        "nav": NAV,
        "active": nav,
        "here": path,
        "switch_url": f"/lang/{t.other}?{urlencode({'next': path})}",
        "csrf_token": auth.csrf_token(request),
        "identity": who,
        "who": _actor(who) or "",
        "signin_url": _signin_url(request),
        **data,
    }
    response = templates().TemplateResponse(request, name, full, status_code=status_code)
    _page_headers(response, t.lang)
    return response


def _page_headers(response: Response, lang: str) -> None:
    # The app adds the other security headers (nosniff, no referrer, no framing) to every answer.
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["Content-Language"] = "zh-Hans" if lang == "zh" else lang
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers.setdefault("Cache-Control", "no-store")


# -- pages -----------------------------------------------------------------------------------

STATUS_ORDER = ("met", "missed", "pending", "no result")


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request) -> Response:
    params = dict(request.query_params)

    def build(ctx: Context) -> dict[str, Any]:
        view = overview_data(ctx, params)
        return {
            "view": view,
            "scorecard": scorecard_table(view, ctx.t),
            "targets": targets_table(view, ctx.t),
            "statuses": STATUS_ORDER,
        }

    return await page(request, "overview.html", build, nav="overview")


@router.get("/target/{key:path}", response_class=HTMLResponse)
async def target(request: Request, key: str) -> Response:
    saved = request.query_params.get("saved")
    return await _target_response(request, key, saved=saved if saved in _ACTIONS else None)


async def _target_response(
    request: Request,
    key: str,
    *,
    saved: str | None = None,
    error: str | None = None,
    form: Mapping[str, str] | None = None,
) -> Response:
    def build(ctx: Context) -> dict[str, Any]:
        found = target_page(ctx, key)
        return {
            "page": found,
            "v": found.verdict,
            "error": error,
            "form": dict(form or {}),
            "saved": saved,
            "statuses": STATUS_ORDER,
        }

    return await page(request, "target.html", build, nav="overview", status_code=422 if error else 200)


@router.get("/indicator/{name:path}", response_class=HTMLResponse)
async def indicator(request: Request, name: str) -> Response:
    region = request.query_params.get("region") or None

    def build(ctx: Context) -> dict[str, Any]:
        from zhenxing.ledger.store import NotFoundError

        found = indicator_page(ctx, name, region)
        if not found.series:
            raise NotFoundError(ctx.t("indicator.none", name=name))
        return {"page": found}

    return await page(request, "indicator.html", build, nav="overview")


@router.get("/document/{key:path}", response_class=HTMLResponse)
async def document(request: Request, key: str) -> Response:
    fact = request.query_params.get("fact")
    at = parse_span(request.query_params.get("at"))
    return await page(
        request, "document.html", lambda ctx: {"page": document_page(ctx, key, fact, at=at)}, nav="documents"
    )


@router.get("/documents", response_class=HTMLResponse)
async def documents(request: Request) -> Response:
    return await page(
        request, "documents.html", lambda ctx: {"table": documents_table(ctx, {})}, nav="documents"
    )


@router.get("/conflicts", response_class=HTMLResponse)
async def conflicts(request: Request) -> Response:
    params = {k: request.query_params.get(k) or "" for k in ("indicator", "region", "period")}
    return await page(
        request,
        "conflicts.html",
        lambda ctx: {"table": conflicts_table(ctx, params), "params": params},
        nav="conflicts",
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request) -> Response:
    return await page(
        request,
        "audit.html",
        lambda ctx: {"table": audit_table(audit_entries(ctx.ledger), ctx.t, {})},
        nav="audit",
    )


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request) -> Response:
    params = dict(request.query_params)
    return await page(request, "search.html", lambda ctx: {"page": search_page(ctx, params)}, nav="search")


@router.get("/upload", response_class=HTMLResponse)
async def upload(request: Request) -> Response:
    return await page(request, "upload.html", lambda ctx: {"endpoint": UPLOAD_ENDPOINT}, nav="upload")


@router.get("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    """The sign-in form (it posts to the auth module's ``POST /signin``)."""
    who = await identity(request)
    error = request.query_params.get("error")
    data = {"next": auth.safe_next(request.query_params.get("next")), "error": bool(error)}
    return render(request, "signin.html", data, who=who, status_code=401 if error else 200)


# -- downloads and the language switch --------------------------------------------------------


@router.get("/export/{filename}")
async def export(request: Request, filename: str) -> Response:
    """A table of a page as CSV or XLSX: the page's parameters, plus ``filter``, ``sort`` and ``dir``."""
    match = _EXPORT_NAME.match(filename)
    name, fmt = match.groups() if match else ("", "")
    if name not in EXPORTS:
        message = translator(request)("error.no_table", name=filename)
        return error_page(request, "error.not_found", message, 404, who=await identity(request))
    params = dict(request.query_params)

    def build(ctx: Context) -> dict[str, Any]:
        table = EXPORTS[name](ctx, params)
        rows = prepared(
            table, needle=params.get("filter"), sort=params.get("sort"), direction=params.get("dir")
        )
        return {"table": table, "rows": rows}

    outcome = await compute(request, build)
    if outcome.response is not None:
        return outcome.response
    assert outcome.data is not None
    table, rows = outcome.data["table"], outcome.data["rows"]
    stem = f"zhenxing-{name}"
    if fmt == "csv":
        body, media = to_csv(table, rows), CSV_MEDIA_TYPE
    else:
        body, media = to_xlsx(table, rows, sheet_title=table.caption or name), XLSX_MEDIA_TYPE
    headers = {
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=media, headers=headers)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Remember the language in a cookie and go back to the page (only a path of this site)."""
    target_path = request.query_params.get("next") or "/"
    if not _LOCAL_PATH.match(target_path):
        target_path = "/"
    response = RedirectResponse(target_path, status_code=303)
    if code in LANGUAGES:
        secure = bool(getattr(getattr(request.app.state, "settings", None), "secure_cookies", False))
        response.set_cookie(
            COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", secure=secure, httponly=False
        )
    return response


# -- the closed loop ----------------------------------------------------------------------------

_ACTIONS = ("assign", "unassign", "override", "clear-override", "result")


def _actor(who: Any) -> str | None:
    """The name the audit trail records: the writer's token name."""
    name = getattr(who, "name", None)
    return name if isinstance(name, str) and name else None


def _number(text: str) -> float:
    """A value as typed: ``2,758,400,000,000`` and full-width commas allowed."""
    from zhenxing.ledger.closed_loop import ClosedLoopError

    cleaned = text.strip().replace(",", "").replace("\uff0c", "")
    try:
        return float(cleaned)
    except ValueError:
        raise ClosedLoopError(f"value must be a number, not {text!r}") from None


def _ledger_changed(request: Request) -> None:
    """This process wrote to the ledger: the tracking cache reads the ledger's generation again at once."""
    cache = getattr(serve_state(request), "cache", None)
    expire = getattr(cache, "expire", None)
    if callable(expire):
        expire()


def apply_action(ctx: Context, action: str, form: Mapping[str, str], actor: str | None) -> None:
    """One closed-loop change; the ledger validates it and records who, when and why (``ClosedLoopError``)."""
    ledger = ctx.ledger
    key = form.get("target_key", "").strip()
    if action == "assign":
        ledger.assign(
            key,
            owner=form.get("owner", ""),
            due=form.get("due", ""),
            actor=actor,
            reason=form.get("reason") or None,
        )
    elif action == "unassign":
        ledger.unassign(key, actor=actor, reason=form.get("reason", ""))
    elif action == "override":
        ledger.override(key, status=form.get("status", ""), reason=form.get("reason", ""), actor=actor)
    elif action == "clear-override":
        ledger.clear_override(key, reason=form.get("reason", ""), actor=actor)
    else:
        ledger.add_manual_result(
            indicator=form.get("indicator", ""),
            region=form.get("region", ""),
            period=form.get("period", ""),
            value=_number(form.get("value", "")),
            unit=form.get("unit") or None,
            change=form.get("change") or "level",
            comparator=form.get("comparator") or "=",
            source=form.get("source", ""),
            source_date=form.get("source_date") or None,
            actor=actor,
            reason=form.get("reason") or None,
        )


@router.post("/loop/{action}")
async def closed_loop(request: Request, action: str) -> Response:
    """Assign, override, add a manual result from the target page's forms.

    ``auth.require_writer`` checks the sign-in and, for a browser, the form's
    CSRF token; a refusal (signed out meanwhile, a stale form) is a page that
    says so and links to the sign-in, not a JSON error. Success redirects to
    the target page (post/redirect/get); a change the ledger refuses shows
    the page again with the ledger's reason and what was typed.
    """
    from zhenxing.ledger.closed_loop import ClosedLoopError
    from zhenxing.ledger.store import LedgerError

    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    key = form.get("target_key", "").strip()
    try:
        writer = await auth.require_writer(request)
    except HTTPException as exc:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error_page(
            request, "error.refused", message, exc.status_code, back=url_target(key) if key else "/"
        )
    if action not in _ACTIONS or not key:
        return error_page(request, "error.not_found", translator(request)("error.no_action"), 404, who=writer)
    try:
        await run_in_threadpool(apply_action, context(request), action, form, _actor(writer))
    except (ClosedLoopError, LedgerError) as exc:
        return await _target_response(request, key, error=str(exc), form={**form, "action": action})
    finally:
        _ledger_changed(request)
    return RedirectResponse(f"{url_target(key)}?saved={action}#loop", status_code=303)
