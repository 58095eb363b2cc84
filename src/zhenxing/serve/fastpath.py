"""The hot reads of the API, called without FastAPI's routing and parameter machinery.

Why: once its answers were cached, a request for targets, series or search
spent more CPU in FastAPI (trying routes in order, solving the dependency,
validating each query parameter through pydantic's generic path) than in
zhenxing, and under the load benchmark CPU per request is what latency is
made of. This middleware sits inside the security middlewares and, for a GET
of one of those endpoints with well-formed parameters, calls the same
endpoint function with the parameters parsed here, by the constraints the
route itself declares (read from FastAPI's own model of the route at start,
so the two cannot drift apart). Anything else, or anything unusual (a
missing or malformed value, a repeated parameter, a constraint this module
does not know, reads that need a token, an error from the endpoint), goes
to FastAPI as before, which answers it, errors and all, in its own way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

FAST_PATHS = ("/api/targets", "/api/series", "/api/search", "/api/conflicts", "/api/facts", "/api/documents")
_NO = object()  # a value that could not be parsed here: FastAPI decides


@dataclass(frozen=True)
class _Param:
    alias: str
    kind: str  # "str", "int", "choice"
    default: Any
    required: bool
    max_length: int | None = None
    ge: int | None = None
    le: int | None = None
    pattern: re.Pattern[str] | None = None
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> Any:
        if self.kind == "int":
            if not (
                raw.isascii() and raw.isdigit()
            ):  # signs, spaces, "5.0": pydantic's rules, FastAPI's answer
                return _NO
            value = int(raw)
            if (self.ge is not None and value < self.ge) or (self.le is not None and value > self.le):
                return _NO
            return value
        if self.max_length is not None and len(raw) > self.max_length:
            return _NO
        if self.pattern is not None and not self.pattern.search(raw):
            return _NO
        if self.kind == "choice" and raw not in self.choices:
            return _NO
        return raw


def _param(field: Any) -> _Param | None:
    """The route's parameter as this module can check it, or None when it cannot (the route is left out)."""
    info = field.field_info
    annotation = info.annotation
    required = info.is_required()
    default = None if required else info.default
    kwargs: dict[str, Any] = {}
    for item in info.metadata:
        name = type(item).__name__
        if name == "MaxLen":
            kwargs["max_length"] = item.max_length
        elif name == "Ge":
            kwargs["ge"] = item.ge
        elif name == "Le":
            kwargs["le"] = item.le
        elif name == "_PydanticGeneralMetadata" and set(vars(item)) <= {"pattern"}:
            kwargs["pattern"] = re.compile(item.pattern)
        else:
            return None
    if annotation is int:
        kind = "int"
    elif annotation in (str, str | None):
        kind = "str"
    elif get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        kind, kwargs["choices"] = "choice", get_args(annotation)
    else:
        return None
    return _Param(field.alias, kind, default, required, **kwargs)


@dataclass(frozen=True)
class _Route:
    endpoint: Callable[..., Any]
    params: dict[str, _Param]  # by the endpoint's argument name

    def arguments(self, query: bytes) -> dict[str, Any] | None:
        # Parsed exactly as Starlette parses it for FastAPI, so both see the same values.
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True) if query else []
        given: dict[str, str] = {}
        for key, value in pairs:
            if key in given:
                return None
            given[key] = value
        out: dict[str, Any] = {}
        for name, param in self.params.items():
            raw = given.get(param.alias)
            if raw is None:
                if param.required:
                    return None
                out[name] = param.default
                continue
            value = param.parse(raw)
            if value is _NO:
                return None
            out[name] = value
        return out


def routes_of(router: Any) -> dict[str, _Route]:
    """The fast routes of ``router`` (the API's): GET, query parameters only, constraints this module knows."""
    from zhenxing.serve.auth import require_reader

    found: dict[str, _Route] = {}
    for route in getattr(router, "routes", []):
        path = getattr(route, "path", None)
        if path not in FAST_PATHS or "GET" not in (getattr(route, "methods", None) or ()):
            continue
        dependant = route.dependant
        if (
            dependant.path_params
            or dependant.header_params
            or dependant.cookie_params
            or dependant.body_params
        ):
            continue
        if any(d.call is not require_reader for d in dependant.dependencies):
            continue
        params: dict[str, _Param] = {}
        for field in dependant.query_params:
            param = _param(field)
            if param is None:
                break
            params[field.name] = param
        else:
            if dependant.request_param_name == "request":
                found[path] = _Route(route.endpoint, params)
    return found


class FastReads:
    """ASGI middleware: the routes of ``routes_of`` answered directly, everything else by ``app``."""

    def __init__(self, app: ASGIApp, *, routes: dict[str, _Route], enabled: Callable[[], bool]) -> None:
        self.app = app
        self.routes = routes
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope.get("path", "")) if scope["type"] == "http" else None
        if route is not None and scope["method"] == "GET" and self.enabled():
            arguments = route.arguments(scope.get("query_string", b""))
            if arguments is not None:
                try:
                    response = await route.endpoint(Request(scope, receive), **arguments)
                except Exception:  # FastAPI answers it again, with its own error handling
                    response = None
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
