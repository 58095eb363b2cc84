"""``zhenxing serve --workers 2``: processes forked after the cache is computed, sharing the socket."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from zhenxing.serve import workers

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="forked workers need POSIX fork")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids(base: str, tries: int = 60) -> set[int]:
    """Worker pids seen over fresh connections (the kernel spreads them over the workers)."""
    seen: set[int] = set()
    for _ in range(tries):
        health = httpx.get(base + "/api/health", headers={"connection": "close"}, timeout=10).json()
        assert health["warm"] is True  # computed before the fork: warm from the first answer
        seen.add(health["worker"])
    return seen


@pytest.fixture
def forked(example_ledger: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "ledger.db"
    shutil.copyfile(example_ledger, db)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "zhenxing", "serve", "--db", str(db), "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/api/health", timeout=2)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the server did not start: " + process.stdout.read().decode()) from None  # type: ignore[union-attr]
            time.sleep(0.2)
    yield process, base
    if process.poll() is None:
        process.kill()  # its workers go with it (PR_SET_PDEATHSIG): see the test below
        process.wait(timeout=10)


def test_two_workers_answer_with_the_same_computed_cache(forked) -> None:  # type: ignore[no-untyped-def]
    process, base = forked
    pids = _pids(base)
    assert len(pids) == 2 and process.pid not in pids
    answers = {
        httpx.get(base + "/api/targets", params={"period": "2022", "limit": 500}).content for _ in range(6)
    }
    assert len(answers) == 1  # both workers judge the same targets the same way
    assert b'"status":"missed"' in answers.pop()


def test_a_dead_worker_is_replaced_and_sigterm_stops_all(forked) -> None:  # type: ignore[no-untyped-def]
    process, base = forked
    first = _pids(base)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = _pids(base, tries=20)
        if victim not in now and len(now) == 2:
            break
        time.sleep(0.2)
    assert victim not in now and len(now) == 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    for pid in now:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_workers_end_when_the_parent_is_killed(forked) -> None:  # type: ignore[no-untyped-def]
    process, base = forked
    pids = _pids(base)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        for pid in list(alive):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                alive.discard(pid)
        time.sleep(0.1)
    assert not alive
