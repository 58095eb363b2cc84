"""The web application: JSON API, dashboard pages, static files and API docs in one FastAPI app.

``create_app(db)`` opens (and migrates) the ledger, brings its search index
up to date, and wires everything that every response must have whatever
route made it:

* security headers (a Content-Security-Policy that allows no inline script,
  ``nosniff``, no referrer, no framing): document text is untrusted, so even
  a mistake in a template cannot run a script it contains;
* a request-body limit checked before any parsing (uploads 20 MB by default,
  everything else 1 MB);
* errors as ``{"error": "..."}`` with a proper status, never a traceback;
* the CSRF seed cookie for browser forms (:mod:`auth`).

The API docs (``/docs``) are Swagger UI served from this package
(``static/vendor/swagger-ui``, vendored from npm's ``swagger-ui-dist``) and
started by a script file, not an inline script, so they need neither the
network nor a weaker CSP. The dashboard pages are another module
(``zhenxing.serve.pages``), included when present.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhenxing import __version__
from zhenxing.errors import ZhenxingError
from zhenxing.serve.settings import MB, ServeSettings

log = logging.getLogger("zhenxing.serve")

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER_DIR = "/static/vendor/swagger-ui"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
UPLOAD_PATH = "/api/documents"
_MULTIPART_ROOM = 64 * 1024  # boundaries and part headers around the files
_THREADS = 12  # blocking work in parallel per process: above 2 cores' worth, below the DB pool (15)


# -- middleware --------------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response (kept if a route set its own value), and Server-Timing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope.get("path", "").startswith("/api/")
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                # How long the server took, for browser dev tools and the load benchmark.
                elapsed = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={elapsed:.2f}".encode("ascii")))
                if is_api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _json_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    response = JSONResponse({"error": message}, status_code=status, headers=headers)
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name.decode(), value.decode())
    return response


class BodyTooLarge(HTTPException):
    """A request body over its limit, found while reading it (no or a false Content-Length)."""


class BodyLimitMiddleware:
    """Refuse request bodies over the limit before anything parses them.

    A declared ``Content-Length`` over the limit is answered at once with 413
    (after draining what the client sends, up to a bound, so that it reads
    the answer instead of a reset connection); a body without one is counted
    as it streams and stopped when it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, upload_limit: int, form_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.form_limit = form_limit

    def _limit(self, scope: Scope) -> tuple[int, int]:
        """(bytes allowed, the limit as told): uploads get room for the multipart framing."""
        if scope.get("path") == UPLOAD_PATH:
            return self.upload_limit + _MULTIPART_ROOM, self.upload_limit
        return self.form_limit, self.form_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit, told = self._limit(scope)
        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
        if declared is not None and declared > limit:
            await self._drain(receive, max(4 * limit, 64 * MB))
            response = _json_error(413, _too_large(told, declared), {"connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(413, _too_large(told, None))
            return message

        await self.app(scope, counted, send)

    @staticmethod
    async def _drain(receive: Receive, bound: int) -> None:
        read = 0
        while read <= bound:
            message = await receive()
            if message["type"] != "http.request":
                return
            read += len(message.get("body", b""))
            if not message.get("more_body", False):
                return


def _too_large(limit: int, size: int | None) -> str:
    shown = f"{size / MB:.1f} MB" if size is not None else "more"
    return f"the request is too large ({shown}); the limit is {limit / MB:g} MB"


# -- errors --------------------------------------------------------------------------------------------


def _status_for(exc: ZhenxingError) -> int:
    from zhenxing.ledger.store import AmbiguousError, LedgerError, NotFoundError

    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AmbiguousError):
        return 409
    if isinstance(exc, LedgerError):
        return 503
    return 400


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return _json_error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _json_error(422, _validation_message(exc))

    @app.exception_handler(ZhenxingError)
    async def user_error(request: Request, exc: ZhenxingError) -> Response:
        return _json_error(_status_for(exc), " ".join(str(exc).split()))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error answering %s %s", request.method, request.url.path)
        return _json_error(500, f"internal error ({type(exc).__name__}); the server log has the details")


# -- docs ----------------------------------------------------------------------------------------------


def _docs_page() -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zhenxing API</title>
<link rel="stylesheet" href="{SWAGGER_DIR}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{SWAGGER_DIR}/swagger-ui-bundle.js"></script>
<script src="{SWAGGER_DIR}/zhenxing-init.js"></script>
</body></html>"""
    )


# -- the app -------------------------------------------------------------------------------------------


def _reading_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Memory-mapped reads and a larger page cache per connection: a server reads far
    # more than it writes, and many requests touch the same pages.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA mmap_size=4294967296")
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.close()


def _prepare_ledger(db: str | None) -> Any:
    """Open the ledger (migrated), in WAL mode on SQLite so readers never wait for a writer."""
    from sqlalchemy import event

    from zhenxing import api

    ledger = api.open_ledger(db, create=False)
    if ledger.engine.dialect.name == "sqlite" and ledger.url != "sqlite://":
        with ledger.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        event.listen(ledger.engine, "connect", _reading_pragmas)
        ledger.engine.dispose()  # connections opened from now on get the pragmas
    return ledger


def preload_file(ledger: Any) -> None:
    """Read an SQLite ledger file once so the OS caches it: the first requests then need no disk.

    Only when it fits comfortably in the memory available (a quarter of it).
    """
    from pathlib import Path

    url = ledger.url
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    try:
        size = path.stat().st_size
        available = 0
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
        if not available or size > available // 4:
            return
        with path.open("rb") as handle:
            while handle.read(8 * 1024 * 1024):
                pass
    except OSError:
        return


def sync_search(ledger: Any) -> int:
    """Index the documents the search index lacks; errors are logged (search then says what is wrong)."""
    from zhenxing.ledger import search

    try:
        return search.sync_index(ledger)
    except Exception:
        log.exception("bringing the search index up to date failed")
        return 0


def _pages_router() -> Any | None:
    """The dashboard pages' router, or None while that module does not exist."""
    try:
        from zhenxing.serve.pages import router
    except ModuleNotFoundError as exc:
        if exc.name in ("zhenxing.serve.pages",):
            return None
        raise
    return router


def create_app(
    db: str | None = None, *, settings: ServeSettings | None = None, ledger: Any = None
) -> FastAPI:
    """The application over the ledger ``db`` (``--db``: a path or URL; default ``$ZHENXING_DB``, ``./zhenxing.db``).

    ``ledger``: an open ``Ledger`` to serve instead (the caller closes it).
    """
    from zhenxing.serve import api, api_upload, auth, inline
    from zhenxing.serve.api_cache import TrackingCache

    settings = settings or ServeSettings()
    owned = ledger is None
    ledger = ledger if ledger is not None else _prepare_ledger(db)
    sync_search(ledger)
    inline.install(ledger.engine)
    cache = TrackingCache(ledger)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = _THREADS
        if settings.warm_cache and not cache.warm.is_set():  # a forked worker's is computed already

            def warm() -> None:
                preload_file(ledger)
                cache.warm_up()

            threading.Thread(target=warm, name="zhenxing-warm-up", daemon=True).start()
        else:
            cache.warm.set()
        try:
            yield
        finally:
            if owned:
                ledger.close()

    app = FastAPI(
        title="zhenxing",
        version=__version__,
        description=(
            "Targets and results of regional development programmes, every figure traced to its sentence. "
            "Reads are open unless the server runs `--private`; writes need a token "
            "(`zhenxing token create`), sent as `Authorization: Bearer <token>`."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.zhenxing = api.ServeState(
        ledger=ledger, settings=settings, cache=cache, schema_revision=ledger.schema_revision()
    )
    _install_error_handlers(app)

    # Added first = innermost: the hot reads skip FastAPI's routing, nothing else.
    from zhenxing.serve.fastpath import FastReads, routes_of

    app.add_middleware(
        FastReads,
        routes=routes_of(api.router),
        enabled=lambda: settings.fast_reads and not settings.read_requires_token,
    )
    # Added last = outermost: the limit applies before anything reads the body,
    # the headers go on every answer, the limit's own 413 included.
    app.add_middleware(auth.CsrfSeedMiddleware, secure=settings.secure_cookies)
    app.add_middleware(
        BodyLimitMiddleware,
        upload_limit=settings.max_upload_bytes,
        form_limit=settings.max_form_bytes,
    )
    if settings.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeadersMiddleware)

    app.include_router(api.router)  # first: the reads are most of the traffic, and routes are tried in order
    app.include_router(api_upload.router)
    app.include_router(auth.router)
    pages = _pages_router()
    routes: set[tuple[str | None, str]] = set()
    if pages is not None:
        app.include_router(pages)
        routes = {
            (getattr(r, "path", None), m) for r in pages.routes for m in getattr(r, "methods", None) or ()
        }
    if ("/signin", "GET") not in routes:
        app.add_api_route("/signin", auth.signin_page, methods=["GET"], include_in_schema=False)
    if ("/", "GET") not in routes:
        app.add_api_route("/", lambda: RedirectResponse("/docs"), methods=["GET"], include_in_schema=False)
    app.add_api_route("/docs", _docs_page, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app


def app_from_env() -> FastAPI:
    """The factory ``zhenxing serve --workers N`` gives uvicorn: ledger and settings from the environment."""
    import os

    from zhenxing.serve.settings import SETTINGS_ENV

    return create_app(
        os.environ.get("ZHENXING_DB"), settings=ServeSettings.from_env(os.environ.get(SETTINGS_ENV))
    )
