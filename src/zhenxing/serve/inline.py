"""Short reads on the event loop, long ones in threads: SQLite's progress handler tells which is which.

Why: under the load benchmark (50 clients, one process), a read that costs
2 ms of SQLite and Python took tens of milliseconds when run in a thread. The
thread gives up the GIL for every SQL step and must take it back from the
event loop, which is busy answering cached requests and lets go of it only
every 5 ms (the interpreter's switch interval): a convoy, which also cost CPU.
Run on the loop, the same read costs its 2 ms. But a read is not always
short (a substring filter over a million facts, a document of megabytes), and
the loop must never stall for long. So a read starts on the loop with a small
budget; SQLite's progress handler interrupts it once the budget is spent,
and it runs again from the start in a thread, where it may take as long as
it needs. Reads only: a write must never be interrupted and run twice.

Only SQLite in this process has a progress handler and in-process I/O;
other backends always read in a thread.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")
INLINE_BUDGET = 0.008  # seconds of SQLite a read may take on the event loop before it moves to a thread
_CHECK_EVERY = 2000  # SQLite virtual-machine steps between two looks at the clock (~tens of microseconds)
_DEADLINE: ContextVar[float | None] = ContextVar("zhenxing_inline_deadline", default=None)
_INSTALLED = "zhenxing_inline"


def install(engine: Any) -> None:
    """Give the engine's SQLite connections a budget whenever they are taken out for an inline read."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite" or getattr(engine, _INSTALLED, False):
        return
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "checkin", _on_checkin)
    setattr(engine, _INSTALLED, True)


def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    deadline = _DEADLINE.get()
    if deadline is not None:
        # A true return value makes SQLite stop the statement with "interrupted".
        dbapi_connection.set_progress_handler(lambda: time.perf_counter() > deadline, _CHECK_EVERY)
        record.info["zhenxing_budget"] = True


def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    if record.info.pop("zhenxing_budget", False):
        dbapi_connection.set_progress_handler(None, 0)


def _interrupted(exc: BaseException | None) -> bool:
    """Whether SQLite stopped a statement because the budget was spent (however the error was wrapped)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, sqlite3.OperationalError) and "interrupted" in str(exc):
            return True
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.OperationalError) and "interrupted" in str(orig):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


async def read(engine: Any, function: Callable[[], T], *, limiter: Any = None) -> T:
    """``function()`` (a read of the ledger behind ``engine``): on the loop if it is quick, else in a thread."""
    if getattr(engine, _INSTALLED, False):
        token = _DEADLINE.set(time.perf_counter() + INLINE_BUDGET)
        try:
            return function()
        except Exception as exc:
            if not _interrupted(exc):
                raise
        finally:
            _DEADLINE.reset(token)
    return await anyio.to_thread.run_sync(function, limiter=limiter)
