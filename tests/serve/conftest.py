"""Real servers for the serve tests: uvicorn on a free loopback port, in a thread, over a real ledger.

The ledger is built once per session from ``examples/`` and the tracking
samples (``tests/data/tracking``, for targets with results, a translation
pair and a Chinese text about grain) with the real ingest API; every server
gets its own copy, so tests that write cannot disturb tests that read.

Fixtures for other test modules (the dashboard pages' too):

* ``live_server``: ``LiveServer(url, db)``, a session-wide server with default settings;
* ``writer_token``: a write token for ``live_server``'s ledger;
* ``start_server``: a factory, ``start_server(settings=None) -> LiveServer`` on a fresh copy;
* ``example_ledger``: the path of the pristine ledger (copy it before writing).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import uvicorn

from zhenxing import api
from zhenxing.serve.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "examples", ROOT / "tests" / "data" / "tracking"]


class LiveServer(NamedTuple):
    url: str  # base URL without the trailing slash: http://127.0.0.1:PORT
    db: Path  # the ledger file it serves


class _Running:
    def __init__(self, db: Path, settings: ServeSettings | None) -> None:
        from zhenxing.serve.app import create_app

        self.app = create_app(str(db), settings=settings or ServeSettings(warm_cache=False))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.live = LiveServer(f"http://127.0.0.1:{port}", db)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self.live

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


@pytest.fixture(scope="session")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve-ledger") / "examples.db"
    results = api.ingest_paths([str(p) for p in SOURCES], db=path)
    failed = [r.message for r in results if not r.ok]
    assert not failed, failed
    return path


@pytest.fixture(scope="session")
def start_server(
    example_ledger: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., LiveServer]]:
    running: list[_Running] = []

    def start(settings: ServeSettings | None = None, db: Path | None = None) -> LiveServer:
        if db is None:
            db = tmp_path_factory.mktemp("serve-copy") / "ledger.db"
            shutil.copyfile(example_ledger, db)
        server = _Running(db, settings)
        running.append(server)
        return server.start()

    yield start
    for server in running:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server()


@pytest.fixture(scope="session")
def writer_token(live_server: LiveServer) -> str:
    return make_token(live_server.db, "tester")


def make_token(db: Path, name: str) -> str:
    from zhenxing.ledger.store import Ledger
    from zhenxing.serve.auth import create_token

    with Ledger(db) as ledger:
        return create_token(ledger, name)[1]


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30) as c:
        yield c
