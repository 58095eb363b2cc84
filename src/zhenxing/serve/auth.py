"""Who may write: API tokens, browser sessions, and CSRF protection for forms.

Design, and why:

* **Tokens** (``zhenxing token create``) look like ``zx_<public id>_<secret>``.
  The ledger keeps the public id, a random salt and SHA-256(salt + secret),
  never the token: a copy of the ledger file gives nobody write access. The
  secret is 256 random bits, so a fast salted hash is enough (a slow KDF
  defends guessable passwords, not random keys), and the public id finds the
  row without scanning. The token is printed once, at creation.
* **API clients** send ``Authorization: Bearer <token>``. Browsers never add
  that header by themselves, so bearer requests need no CSRF check.
* **Browsers** sign in once: ``POST /signin`` with the token opens a session
  whose random secret goes into an ``HttpOnly; SameSite=Strict`` cookie (hashed
  in ``web_sessions`` like tokens); revoking the token ends its sessions.
* **CSRF**: every browser gets a random ``HttpOnly`` seed cookie; the form
  token is HMAC(seed, session cookie), so it is bound to the signed-in
  session, changes at sign-in, and cannot be computed by a page that cannot
  read the cookies (synchronizer token without server state). Forms carry it
  as ``csrf_token``, scripts as the ``X-CSRF-Token`` header. Writes made with
  the session cookie are refused without it (403); SameSite=Strict is a
  second wall, not the only one.
* **Reads** are open unless ``ServeSettings.read_requires_token``.

For the pages: ``Depends(require_writer)`` on a form post checks the session
*and* the CSRF token; ``Depends(check_csrf)`` on forms that need no sign-in;
``csrf_token(request)`` for the hidden field; ``current_user(request)`` to
show who is signed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine, delete, insert, select, update
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhenxing.errors import ZhenxingError
from zhenxing.ledger.models import ApiTokenRow, WebSessionRow

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger
    from zhenxing.serve.settings import ServeSettings

TOKEN_PREFIX = "zx_"
SESSION_COOKIE = "zx_session"
CSRF_COOKIE = "zx_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_TOKEN_RE = re.compile(r"^zx_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_SEED_STATE = "zhenxing_csrf_seed"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuthError(ZhenxingError):
    """A token cannot be created, found or revoked."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: never its secret."""

    id: int
    public_id: str
    name: str
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "public_id": self.public_id,
            "name": self.name,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class Writer:
    """Who makes a request that writes: the token's name is the actor of the audit trail."""

    name: str
    token_id: int
    via: str  # "bearer" or "session"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


def _info(row: Any) -> TokenInfo:
    return TokenInfo(row.id, row.public_id, row.name, row.created_at, row.revoked_at)


# -- tokens --------------------------------------------------------------------------------


def create_token(ledger: Ledger, name: str | None = None) -> tuple[TokenInfo, str]:
    """A new write token; returns its record and the token itself, which is not stored and not shown again."""
    from zhenxing.ledger.closed_loop import ClosedLoopError, resolve_actor

    try:
        label = resolve_actor(name)
    except ClosedLoopError as exc:
        raise AuthError(str(exc).replace("--by NAME", "--name NAME")) from None
    public_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    at = _iso(_now())
    with ledger.engine.begin() as conn:
        new_id = conn.execute(
            insert(ApiTokenRow).values(
                public_id=public_id, name=label, salt=salt, digest=_digest(salt, secret), created_at=at
            )
        ).inserted_primary_key[0]
    return TokenInfo(int(new_id), public_id, label, at), f"{TOKEN_PREFIX}{public_id}_{secret}"


def list_tokens(ledger: Ledger) -> list[TokenInfo]:
    """Every token ever created, oldest first, revoked ones marked."""
    with ledger.engine.connect() as conn:
        return [_info(row) for row in conn.execute(select(ApiTokenRow).order_by(ApiTokenRow.id))]


def revoke_token(ledger: Ledger, which: str) -> TokenInfo:
    """Revoke a token named by its public id (or the token itself, or its number); its sessions end too."""
    key = (which or "").strip()
    match = _TOKEN_RE.match(key)
    if match:
        key = match.group(1)
    key = key.removeprefix(TOKEN_PREFIX)
    with ledger.engine.begin() as conn:
        condition = ApiTokenRow.public_id == key.lower()
        if key.isdigit():
            condition = ApiTokenRow.id == int(key)
        row = conn.execute(select(ApiTokenRow).where(condition)).first()
        if row is None:
            raise AuthError(f"no token {which!r} (see `zhenxing token list`)")
        if row.revoked_at is not None:
            raise AuthError(
                f"token {row.public_id} ({row.name}) was already revoked on {row.revoked_at[:10]}"
            )
        at = _iso(_now())
        conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == row.id).values(revoked_at=at))
        conn.execute(delete(WebSessionRow).where(WebSessionRow.token_id == row.id))
    return TokenInfo(row.id, row.public_id, row.name, row.created_at, at)


def verify_token(engine: Engine, token: str) -> TokenInfo | None:
    """The active token ``token`` is, or None (malformed, unknown, wrong secret or revoked)."""
    match = _TOKEN_RE.match((token or "").strip())
    if not match:
        return None
    public_id, secret = match.groups()
    with engine.connect() as conn:
        row = conn.execute(select(ApiTokenRow).where(ApiTokenRow.public_id == public_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.digest, _digest(row.salt, secret)):
        return None
    return _info(row)


# -- browser sessions ----------------------------------------------------------------------


def _session_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def open_session(engine: Engine, token: TokenInfo, hours: float) -> str:
    """A new session for a signed-in browser; returns the cookie value. Expired sessions are swept."""
    secret = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < _iso(now)))
        conn.execute(
            insert(WebSessionRow).values(
                digest=_session_digest(secret),
                token_id=token.id,
                created_at=_iso(now),
                expires_at=_iso(now + timedelta(hours=hours)),
            )
        )
    return secret


def session_user(engine: Engine, cookie: str) -> TokenInfo | None:
    """The token a session cookie was opened with, while the session lasts and the token is not revoked."""
    if not cookie or len(cookie) > 200:
        return None
    query = (
        select(
            ApiTokenRow.id,
            ApiTokenRow.public_id,
            ApiTokenRow.name,
            ApiTokenRow.created_at,
            ApiTokenRow.revoked_at,
            WebSessionRow.expires_at,
        )
        .join(WebSessionRow, WebSessionRow.token_id == ApiTokenRow.id)
        .where(WebSessionRow.digest == _session_digest(cookie))
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or row.expires_at < _iso(_now()) or row.revoked_at is not None:
        return None
    return _info(row)


def close_session(engine: Engine, cookie: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(WebSessionRow).where(WebSessionRow.digest == _session_digest(cookie)))


# -- request helpers (FastAPI) -------------------------------------------------------------


def _serve_state(request: Request) -> Any:
    return request.app.state.zhenxing


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HTTPException(401, "the Authorization header must be 'Bearer <token>'")
    return value.strip()


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer realm="zhenxing"'})


def _identify(request: Request) -> Writer | None:
    """Blocking: the writer a request authenticates as; a bad bearer token is an error, not anonymity."""
    cached = request.scope.get("zhenxing_user", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    engine = _serve_state(request).ledger.engine
    token = _bearer(request)
    user: Writer | None = None
    if token is not None:
        info = verify_token(engine, token)
        if info is None:
            raise _unauthorized("invalid or revoked token")
        user = Writer(info.name, info.id, "bearer")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        info = session_user(engine, cookie) if cookie else None
        if info is not None:
            user = Writer(info.name, info.id, "session")
    request.scope["zhenxing_user"] = user
    return user


async def current_user(request: Request) -> Writer | None:
    """Who the request is from, or None for an anonymous browser or client."""
    return await run_in_threadpool(_identify, request)


def _csrf_seed(request: Request) -> str | None:
    return request.scope.get("state", {}).get(_SEED_STATE) or request.cookies.get(CSRF_COOKIE)


def csrf_token(request: Request) -> str:
    """The value a form must send back as ``csrf_token`` (or a script as ``X-CSRF-Token``).

    Bound to this browser's seed cookie and its session cookie, so it changes at sign-in.
    """
    seed = _csrf_seed(request) or ""
    session = request.cookies.get(SESSION_COOKIE, "")
    mac = hmac.new(seed.encode("utf-8"), b"zhenxing-csrf:" + session.encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request) -> None:
    """Dependency for browser form posts: 403 unless the form's CSRF token matches this browser's."""
    if request.method in _SAFE_METHODS:
        return
    submitted = await _submitted_csrf(request)
    if not submitted or not _csrf_seed(request):
        raise HTTPException(403, "missing CSRF token: reload the page and submit the form again")
    if not hmac.compare_digest(submitted, csrf_token(request)):
        raise HTTPException(403, "invalid CSRF token: reload the page and submit the form again")


async def require_writer(request: Request) -> Writer:
    """Dependency for every write: a bearer token, or a signed-in browser whose request carries the CSRF token."""
    user = await current_user(request)
    if user is None:
        raise _unauthorized("writing needs a token: send 'Authorization: Bearer <token>' or sign in")
    if user.via == "session":
        await check_csrf(request)
    return user


async def require_reader(request: Request) -> Writer | None:
    """Dependency for reads: open unless the server was started ``--private``."""
    if not _serve_state(request).settings.read_requires_token:
        return None
    user = await current_user(request)
    if user is None:
        raise _unauthorized("this server needs a token for reading too: sign in or send a bearer token")
    return user


# -- the CSRF seed cookie --------------------------------------------------------------------


class CsrfSeedMiddleware:
    """Give every browser a random CSRF seed cookie, usable in the very request that creates it.

    API paths are left alone: their clients authenticate with bearer tokens,
    and a cookie on every JSON answer would only be noise.
    """

    def __init__(self, app: ASGIApp, *, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] != "http" or path.startswith(("/api/", "/static/", "/openapi.json")):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.cookies.get(CSRF_COOKIE):
            await self.app(scope, receive, send)
            return
        seed = secrets.token_urlsafe(32)
        scope.setdefault("state", {})[_SEED_STATE] = seed
        cookie = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Strict"
        if self.secure:
            cookie += "; Secure"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# -- sign-in routes ---------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect to another site."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\r\n\\"):
        return "/"
    return target


def _set_session_cookie(response: Response, value: str, settings: ServeSettings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Sign a browser in with a token (form fields ``token``, ``csrf_token``, optional ``next``).

    Success: a session cookie and a redirect to ``next``. A wrong token:
    a redirect back to ``/signin?error=invalid`` (the page says so).
    """
    await check_csrf(request)
    form = await request.form()
    token = form.get("token")
    target = safe_next(form.get("next") if isinstance(form.get("next"), str) else None)  # type: ignore[arg-type]
    state = _serve_state(request)
    info = await run_in_threadpool(verify_token, state.ledger.engine, token if isinstance(token, str) else "")
    if info is None:
        return RedirectResponse(f"/signin?error=invalid&next={quote(target, safe='/')}", status_code=303)
    secret = await run_in_threadpool(open_session, state.ledger.engine, info, state.settings.session_hours)
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, secret, state.settings)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End this browser's session (form with ``csrf_token``)."""
    await check_csrf(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        await run_in_threadpool(close_session, _serve_state(request).ledger.engine, cookie)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def signin_page(request: Request) -> HTMLResponse:
    """A plain sign-in form, used only when the dashboard pages do not provide their own."""
    error = request.query_params.get("error")
    target = safe_next(request.query_params.get("next"))
    message = '<p class="error">That token is not valid (or was revoked).</p>' if error else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · zhenxing</title></head>
<body><main><h1>Sign in</h1>{message}
<form method="post" action="/signin">
<input type="hidden" name="csrf_token" value="{html.escape(csrf_token(request))}">
<input type="hidden" name="next" value="{html.escape(target)}">
<label>Token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
<p>Create a token with <code>zhenxing token create</code>.</p></main></body></html>"""
    return HTMLResponse(body, status_code=401 if error else 200)
