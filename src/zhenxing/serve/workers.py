"""Several server processes sharing one computed cache: compute, then fork.

Why: one Python process uses one core (the GIL), and on the 2-core machine
the load benchmark needs both. uvicorn's own ``--workers`` starts each
worker from scratch, so every worker computes the whole tracking cache: on
a ledger of a million facts that is minutes of CPU and gigabytes of memory
per worker. Here the parent opens the ledger, computes verdicts, series and
conflicts once, freezes them out of the garbage collector's sight
(``gc.freeze``, so collections do not touch, and thus copy, their pages) and
then forks: the workers start answering at once and share those pages copy
on write. A socket listens from the start (connections made while the
cache is computed wait in its backlog); on Linux each worker then listens on
its own socket of the same port (``SO_REUSEPORT``), which spreads connections
evenly, and the parent's closes.

A worker that dies is replaced (with the parent's copy of the cache, which a
write since start may have made old: the new worker notices the new
generation and computes its own). Ctrl-C or SIGTERM stops them all.
POSIX only; elsewhere ``run`` falls back to uvicorn's workers.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
from typing import Any

log = logging.getLogger("zhenxing.serve")


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


REUSE_PORT = hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if REUSE_PORT:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    return sock


def _die_with(parent: int) -> None:
    """Have Linux end this worker when the parent ends, however it ends (even SIGKILL): no orphans."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above
        os._exit(0)


def _worker(
    app: Any, inherited: socket.socket, ready: int, host: str, port: int, config: dict[str, Any], parent: int
) -> None:
    """In the child: serve until told to stop, then leave without running the parent's cleanup.

    On Linux each worker listens on a socket of its own (``SO_REUSEPORT``): the
    kernel spreads new connections evenly over the workers. With one shared
    socket, whichever worker woke first accepted a burst of them, and clients
    that keep their connection stayed unevenly split for good (one worker's
    queue twice the other's).
    """
    import uvicorn

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    code = 0
    try:
        if REUSE_PORT:
            sock = _bind(host, port)
            inherited.close()
        else:
            sock = inherited
        os.write(ready, b"1")
        os.close(ready)
        ledger = app.state.zhenxing.ledger
        ledger.engine.dispose(close=False)  # the parent's pooled connections must not be shared
        uvicorn.Server(uvicorn.Config(app, **config)).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - a worker must never fall back into the parent's code
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve_forked(app: Any, host: str, port: int, workers: int, config: dict[str, Any]) -> None:
    """Compute ``app``'s cache, fork ``workers`` processes serving it on ``host:port``, supervise them."""
    from zhenxing.serve.app import preload_file

    state = app.state.zhenxing
    # Listening from now: connections made while the cache is computed wait in the backlog.
    sock = _bind(host, port)
    preload_file(state.ledger)
    state.cache.warm_up(encode=True)  # in this thread: no other thread may run when we fork
    state.ledger.engine.dispose()
    gc.collect()
    gc.freeze()
    config = {k: v for k, v in config.items() if k not in ("host", "port")}
    children: dict[int, int] = {}
    stopping = False
    parent = os.getpid()

    def spawn(slot: int) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _worker(app, sock, write_end, host, port, config, parent)
        os.close(write_end)
        with contextlib.suppress(OSError):
            os.read(read_end, 1)  # the worker listens (or died: end of file)
        os.close(read_end)
        children[pid] = slot

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for slot in range(workers):
            spawn(slot)
        if REUSE_PORT:  # every worker listens on its own socket now; this one would hold connections
            sock.close()
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            slot = children.pop(pid, None)
            if slot is None or stopping:
                continue
            log.warning("worker %d ended (status %d); starting another", pid, status)
            time.sleep(0.5)  # a worker failing at start must not spin
            spawn(slot)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()
