"""serve stage: the web dashboard and the REST API over a ledger, from one process.

``create_app(db)`` builds the FastAPI application (:mod:`zhenxing.serve.app`);
``run(db, host, port)`` serves it with uvicorn until Ctrl-C. Imports are lazy
so ``import zhenxing.serve`` costs nothing until a server is wanted.
"""

from __future__ import annotations

import dataclasses
import errno
import socket
import sys
from typing import TYPE_CHECKING, Any

from zhenxing.errors import ZhenxingError

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

    from zhenxing.serve.settings import ServeSettings

__all__ = ["create_app", "run", "ServeError"]


class ServeError(ZhenxingError):
    """The server cannot start: the port is taken, the address is not this machine's."""


def create_app(db: str | None = None, *, settings: ServeSettings | None = None) -> FastAPI:
    from zhenxing.serve.app import create_app as _create

    return _create(db, settings=settings)


def _check_port(host: str, port: int) -> None:
    """Fail with one clear line now, rather than in uvicorn's log after start-up."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"cannot listen on {host}:{port}: the port is in use (try --port)") from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run(
    db: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = 1,
    settings: ServeSettings | None = None,
    log_level: str = "warning",
    announce: Any = None,
) -> None:
    """Serve the ledger ``db`` on ``host:port`` until interrupted (what ``zhenxing serve`` and the demo call).

    Reads need a token when ``host`` is not a loopback address, unless
    ``settings`` says otherwise; on a loopback address only loopback host
    names are accepted (DNS rebinding). ``workers`` > 1 runs that many processes
    sharing one computed cache (forked after computing it; see ``workers``;
    uvicorn's workers, each computing its own, where there is no fork). ``announce(url)`` is called (default:
    a line on stderr) once the ledger is open and the port is known free.
    """
    import os

    import uvicorn

    from zhenxing import api
    from zhenxing.ledger.store import display_url
    from zhenxing.serve.app import app_from_env, create_app, sync_search
    from zhenxing.serve.settings import LOOPBACK_HOSTS, SETTINGS_ENV, ServeSettings, is_loopback

    if not 1 <= port <= 65535:
        raise ServeError(f"port {port} is not between 1 and 65535")
    if not 1 <= workers <= 16:
        raise ServeError("--workers must be between 1 and 16")
    settings = settings or ServeSettings(read_requires_token=not is_loopback(host))
    if is_loopback(host) and settings.allowed_hosts is None:
        settings = dataclasses.replace(settings, allowed_hosts=LOOPBACK_HOSTS)
    with api.open_ledger(db, create=False) as ledger:  # migrate and index once, before any worker starts
        url = ledger.url
        sync_search(ledger)
    _check_port(host, port)
    shown_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    address = f"http://{shown_host}:{port}/"
    if announce is None:
        print(f"serving {display_url(url)} at {address}  (Ctrl-C stops)", file=sys.stderr, flush=True)
    else:
        announce(address)
    config: dict[str, Any] = dict(
        host=host, port=port, log_level=log_level, server_header=False, access_log=False
    )
    if workers == 1:
        uvicorn.run(create_app(url, settings=settings), **config)
        return
    from zhenxing.serve import workers as forked

    if forked.can_fork():  # one cache, computed before the fork and shared
        forked.serve_forked(create_app(url, settings=settings), host, port, workers, config)
        return
    os.environ["ZHENXING_DB"] = url
    os.environ[SETTINGS_ENV] = settings.to_env()
    del app_from_env  # imported by uvicorn in each worker, by name
    # A worker computing a large ledger's cache can be slow to answer the supervisor's
    # health ping; it is busy, not hung, so do not kill it after uvicorn's default 5 s.
    uvicorn.run(
        "zhenxing.serve.app:app_from_env",
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=600,
        **config,
    )
