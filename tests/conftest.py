"""Fixtures for every test package: a real PostgreSQL server (``tests/pg.py``) and a database per test.

PostgreSQL tests are skipped with the reason when the server binaries are
missing, except in CI (``$CI`` set): there a missing server fails them, so CI
cannot pass by silently running SQLite alone (``make test`` installs the
Debian package ``postgresql``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.pg import PostgresServer, PostgresUnavailable


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for the whole session, with a migrated template database."""
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        if in_ci():
            pytest.fail(f"CI is set but PostgreSQL cannot run here: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        server.start()
        server.prepare_template()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database with the schema at head and no rows; dropped after the test."""
    url = pg_server.database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(scope="session")
def pg_example_ledger(pg_server: PostgresServer) -> Iterator[str]:
    """A PostgreSQL ledger holding what the serve tests' SQLite ledger holds, ingested for real."""
    from tests.serve.conftest import SOURCES
    from zhenxing import api

    url = pg_server.create_database(migrated=False)  # the real first open: migrations on an empty database
    results = api.ingest_paths([str(p) for p in SOURCES], db=url)
    failed = [r.message for r in results if not r.ok]
    assert not failed, failed
    yield url
    pg_server.drop_database(url, wait=True)


@pytest.fixture(scope="session")
def pg_live_server(pg_example_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zhenxing serve --db postgresql+psycopg://...`` in a subprocess on a free port; its base URL.

    A subprocess, not a thread: it is the command a person runs, with the
    driver imported and the ledger opened as the command does.
    """
    import httpx

    from tests.pg import free_port

    port = free_port()
    log = tmp_path_factory.mktemp("pg-serve") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "zhenxing", "serve", "--db", pg_example_ledger, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"zhenxing serve exited ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"zhenxing serve did not answer in 60 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
