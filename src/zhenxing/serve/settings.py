"""How a server is configured: one frozen record, passed to ``create_app`` and to every worker.

A record rather than globals so that tests can run servers with different
settings side by side in one process, and so that ``zhenxing serve
--workers N`` can hand the same settings to each worker process (through the
environment, as JSON: :meth:`ServeSettings.to_env` / :meth:`from_env`).
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

from zhenxing.errors import ZhenxingError

SETTINGS_ENV = "ZHENXING_SERVE_SETTINGS"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MB = 1024 * 1024


class SettingsError(ZhenxingError):
    """A server setting is out of range."""


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What the server allows and how much it accepts.

    ``read_requires_token``: reads (GET) need a token or a signed-in browser
    too; off by default, for a server on the loopback address (``zhenxing
    serve --private`` turns it on, and it is on by default when ``--host`` is
    not a loopback address).
    ``max_upload_bytes``: the largest upload request (all files together).
    ``max_upload_files``: files per upload request.
    ``max_form_bytes``: any other request body (JSON, sign-in forms).
    ``session_hours``: how long a browser stays signed in.
    ``secure_cookies``: mark cookies ``Secure`` (behind an HTTPS proxy).
    ``warm_cache``: compute verdicts, series and conflicts in the background at start.
    ``fast_reads``: answer the hot reads without FastAPI's parameter machinery
    (``serve/fastpath.py``; the same endpoints, the same answers).
    ``allowed_hosts``: the ``Host`` names requests may carry (None: any). A
    server on the loopback address allows only loopback names, so a web page
    cannot read the ledger through DNS rebinding (a name of its own that
    resolves to 127.0.0.1).
    """

    read_requires_token: bool = False
    max_upload_bytes: int = 20 * MB
    max_upload_files: int = 20
    max_form_bytes: int = 1 * MB
    session_hours: float = 12.0
    secure_cookies: bool = False
    warm_cache: bool = True
    fast_reads: bool = True
    allowed_hosts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.allowed_hosts is not None:  # JSON (``from_env``) brings a list
            object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))
        if self.max_upload_bytes < 1024:
            raise SettingsError("the upload limit must be at least 1 KB")
        if not 1 <= self.max_upload_files <= 1000:
            raise SettingsError("files per upload must be between 1 and 1000")
        if self.max_form_bytes < 1024:
            raise SettingsError("the form limit must be at least 1 KB")
        if not 0 < self.session_hours <= 24 * 365:
            raise SettingsError("a sign-in lasts between a moment and a year")

    def to_env(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_env(cls, value: str | None = None) -> ServeSettings:
        raw = value if value is not None else os.environ.get(SETTINGS_ENV)
        if not raw:
            return cls()
        try:
            data: dict[str, Any] = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"${SETTINGS_ENV} is not JSON ({exc})") from None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: addresses only this machine can reach."""
    if host.strip().lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
