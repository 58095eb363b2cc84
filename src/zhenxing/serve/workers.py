"""Several server processes sharing one computed cache: compute, then fork.

Why: one Python process uses one core (the GIL), and on the 2-core machine
the load benchmark needs both. uvicorn's own ``--workers`` starts each
worker from scratch, so every worker computes the whole tracking cache: on
a ledger of a million facts that is minutes of CPU and gigabytes of memory
per worker. Here the parent opens the ledger, computes verdicts, series and
conflicts once, freezes them out of the garbage collector's sight
(``gc.freeze``, so collections do not touch, and thus copy, their pages) and
then forks: the workers start answering at once and share those pages copy
on write. The listening socket is bound before the fork and shared, so the
kernel spreads connections over the workers.

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


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(app: Any, sock: socket.socket, config: dict[str, Any]) -> None:
    """In the child: serve on the shared socket until told to stop, then leave without cleanup handlers."""
    import uvicorn

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
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
    state.cache.warm_up()  # in this thread: no other thread may run when we fork
    state.ledger.engine.dispose()
    gc.collect()
    gc.freeze()
    config = {k: v for k, v in config.items() if k not in ("host", "port")}
    children: dict[int, int] = {}
    stopping = False

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            _worker(app, sock, config)
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
