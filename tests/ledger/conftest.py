"""The ledger fixtures, on SQLite and on a real PostgreSQL server.

A test that takes ``ledger`` (or a fixture built on it) runs twice, as
``[sqlite]`` and ``[postgresql]``: the same assertions must hold on both, in
the same order. A test that also takes ``db_path`` reaches into the SQLite
file itself (``sqlite3``, triggers, a locked file) and runs on SQLite only, as
does one marked ``sqlite_only``. Module-wide ledgers (series, verdicts,
conflicts) use :func:`ledger_url` with ``params=BACKENDS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from zhenxing.ledger.store import Ledger

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test inspects the SQLite file; no PostgreSQL run")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every ``ledger`` test on both backends unless it needs the SQLite file."""
    if "backend" not in metafunc.fixturenames or "db_path" in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", BACKENDS, indirect=True)


@contextmanager
def ledger_url(request: pytest.FixtureRequest, backend: str, sqlite_path: Path) -> Iterator[str]:
    """Where a ledger on ``backend`` lives: ``sqlite_path``, or a fresh PostgreSQL database dropped after."""
    if backend == "sqlite":
        yield str(sqlite_path)
        return
    server = request.getfixturevalue("pg_server")
    url = server.database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Ledger]:
    # ``db_path`` is looked up, not declared, so that declaring it is what marks a test SQLite-only.
    if backend == "sqlite":
        location = str(request.getfixturevalue("db_path"))
    else:
        location = request.getfixturevalue("pg_url")
    with Ledger(location) as opened:
        yield opened
