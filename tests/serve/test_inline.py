"""Reads start on the event loop with a budget and move to a thread when SQLite spends it."""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
import pytest
from sqlalchemy import create_engine, text

from zhenxing.serve import inline

# Counting to n with a recursive CTE: pure SQLite work whose length we choose.
COUNT = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT count(*) FROM c"


def _run(main):  # type: ignore[no-untyped-def]
    """``_run(main)`` in a thread of its own (the browser tests keep a loop in the main thread)."""
    out: dict[str, object] = {}

    def target() -> None:
        try:
            out["value"] = anyio.run(main)
        except BaseException as exc:  # re-raised below, in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    inline.install(engine)
    yield engine
    engine.dispose()


def _counter(engine, n: int, threads: list[int]):  # type: ignore[no-untyped-def]
    def read() -> int:
        threads.append(threading.get_ident())
        with engine.connect() as conn:
            return int(conn.execute(text(COUNT), {"n": n}).scalar_one())

    return read


def test_a_quick_read_stays_on_the_event_loop(engine) -> None:  # type: ignore[no-untyped-def]
    threads: list[int] = []

    async def main() -> tuple[int, int]:
        return await inline.read(engine, _counter(engine, 100, threads)), threading.get_ident()

    value, loop_thread = _run(main)
    assert value == 100
    assert threads == [loop_thread]


def test_a_long_read_is_interrupted_and_finished_in_a_thread(engine) -> None:  # type: ignore[no-untyped-def]
    threads: list[int] = []
    n = 3_000_000  # about a second of SQLite: far over the budget

    async def main() -> tuple[int, int]:
        return await inline.read(engine, _counter(engine, n, threads)), threading.get_ident()

    value, loop_thread = _run(main)
    assert value == n  # the answer is whole: the second run started from the beginning
    assert len(threads) == 2 and threads[0] == loop_thread and threads[1] != loop_thread
    # The connection went back to the pool without its budget: a long read outside ``read`` finishes.
    with engine.connect() as conn:
        assert conn.execute(text(COUNT), {"n": n}).scalar_one() == n


def test_other_errors_are_raised_not_retried(engine) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))

    async def main() -> None:
        await inline.read(engine, broken)

    with pytest.raises(Exception, match="no_such_table"):
        _run(main)
    assert calls == [1]


def test_engines_without_a_progress_handler_read_in_a_thread() -> None:
    engine = create_engine("sqlite://")  # not installed: as for PostgreSQL
    threads: list[int] = []

    async def main() -> int:
        return threading.get_ident()

    async def run() -> tuple[int, int]:
        value = await inline.read(engine, _counter(engine, 10, threads))
        return value, await main()

    value, loop_thread = _run(run)
    assert value == 10 and threads and threads[0] != loop_thread
