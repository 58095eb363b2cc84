"""Real text and real processes for the ingest-flow tests of ``tests/ledger`` and ``tests/test_cli.py``.

Nothing here stands in for a stage: the documents are sentences copied from
``examples/``, they go through the real loader and extractor, and a batch is
interrupted by signalling a real ``zhenxing ingest`` process. Tests assert
relations (the same facts on a rerun, what the ledger holds against what was
reported) and figures the sentences plainly state, never how many facts the
extractor finds, which changes as extraction improves.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from zhenxing import model
from zhenxing.extract.facts import extract_document
from zhenxing.ingest.loader import load_document
from zhenxing.ledger.store import Ledger

# From examples/003_67a0eda2e3f886dd.txt (Liaoning's 2023 work report, English) and
# examples/liaoning-gwr-2023-zh.txt (the Chinese original), verbatim up to a clause end.
CORPUS = {
    "a.txt": "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, "
    "the general public budget revenue was 276.47 billion yuan, a rise of 4.1%.\n",
    "b.txt": "The main indicators of economic and social development in Liaoning this year are: "
    "regional GDP growth by more than 5.5%; general public budget revenue growth by about 4%.\n",
    "c.txt": "全年地区生产总值增长2.1%,固定资产投资增长3.6%,进出口总额增长2.4%,城镇新增就业46.2万人,"
    "居民消费价格上涨2%,城镇和农村居民人均可支配收入分别增长2.2%和3.6%。\n",
}
GDP_2022_CNY = 2_758_400_000_000  # "2,758.4 billion yuan" in a.txt

# A label for a ledger written by an earlier release of the extractor.
OLD_VERSION = "0.0.1"


def write_corpus(folder: Path) -> list[Path]:
    """The three documents of ``CORPUS`` in ``folder``, in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def store_as_old_release(db: Path | str, paths: list[Path], version: str = OLD_VERSION) -> None:
    """A ledger as an earlier extractor release left it: real documents, fewer facts, an older version.

    The documents are loaded and extracted for real; only the first fact of each
    is kept (the old release found less) and everything is labelled ``version``,
    the way the ledger stores what an older ``zhenxing ingest`` wrote.
    """
    assert version != model.EXTRACTOR_VERSION
    with Ledger(db) as ledger:
        for path in paths:
            doc = load_document(path)
            facts = [replace(f, extractor_version=version) for f in extract_document(doc)[:1]]
            ledger.add_document(doc, facts, extractor_version=version)


def zhenxing_command(*args: str) -> list[str]:
    """``zhenxing ARGS`` as a command line for the interpreter running the tests."""
    return [sys.executable, "-m", "zhenxing", *args]


def _stuffed_pipe() -> tuple[int, int]:
    """A pipe whose buffer is already full: the first write to it blocks until the reader drains it."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    chunk = b"-" * 65536
    while True:
        try:
            os.write(write_fd, chunk)
        except BlockingIOError:
            if len(chunk) == 1:
                break
            chunk = chunk[: len(chunk) // 2]
    os.set_blocking(write_fd, True)
    return read_fd, write_fd


def _document_count(db: Path) -> int:
    with Ledger(db, migrate=False) as ledger:
        return ledger.counts()["documents"]


def _drain(fd: int, *, deadline: float) -> bytes:
    """Everything written to the pipe ``fd`` until its writer exits."""
    chunks = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    raise AssertionError("the ingest process did not exit")


def signal_after_first_document(
    db: Path, paths: list[str], signum: int, *, timeout: float = 60.0
) -> tuple[int, str, str]:
    """Run ``zhenxing ingest PATHS --db DB`` and send it ``signum`` once the first document is committed.

    The ingest prints a status line after each document is stored; its stdout
    is a pipe that is full before it starts, so that first print blocks and the
    process waits, first document committed and second not begun, until it is
    signalled. Returns the exit status (negative: killed by that signal), and
    what the process wrote to stdout (the filler removed) and to stderr.
    """
    Ledger(db).close()  # an existing ledger: the process only reads its schema, the test can poll it
    read_fd, write_fd = _stuffed_pipe()
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHENXING_DB", None)
    with subprocess.Popen(
        zhenxing_command("ingest", *paths, "--db", str(db)),
        stdin=subprocess.DEVNULL,
        stdout=write_fd,
        stderr=subprocess.PIPE,
        env=env,
        # As in a terminal: Ctrl-C interrupts, even when the tests run where SIGINT is ignored (a `&` job).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as process:
        os.close(write_fd)
        try:
            deadline = time.monotonic() + timeout
            while _document_count(db) == 0:
                if process.poll() is not None or time.monotonic() > deadline:
                    why = process.stderr.read().decode() if process.returncode is not None else "timed out"
                    raise AssertionError(f"ingest stored nothing (exit {process.returncode}): {why}")
                time.sleep(0.02)
            process.send_signal(signum)
            # Read what it prints until it exits: an interrupted process may still print.
            out = _drain(read_fd, deadline=time.monotonic() + timeout)
            _, err = process.communicate(timeout=timeout)
        except BaseException:
            process.kill()
            raise
        finally:
            os.close(read_fd)
    return process.returncode, out.lstrip(b"-").decode(), err.decode()
