"""A real, throwaway PostgreSQL server for the tests: its own cluster in a temp dir, stopped at the end.

Why a private cluster rather than the Debian-packaged service: the tests must
not depend on (or disturb) a server someone configured, and a cluster of our
own can be tuned for speed (no fsync) and trusted on loopback only.

Debian installs the server binaries under ``/usr/lib/postgresql/VERSION/bin``
(not on ``PATH``); the newest version there is used, else ``initdb`` on
``PATH``. ``initdb`` refuses to run as root and the tests run as root in CI,
so there every server command runs as the unprivileged ``postgres`` user the
Debian package creates, in a directory that user owns.

Each test (or module) gets a database of its own, copied from a template that
is migrated once per session (``CREATE DATABASE ... TEMPLATE`` takes a few
hundredths of a second where running the migrations takes a second; tests of
the migrations themselves start from an empty database), and dropped after it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

SERVER_USER = "postgres"  # the system user Debian's postgresql-common creates
TEMPLATE_DB = "zx_template"
SPARE_DATABASES = 2  # made ahead of the tests that will take them
_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or no unprivileged user to run them as."""


def find_bindir() -> Path:
    """The directory of ``initdb``, ``pg_ctl`` and ``postgres``; newest Debian version first."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    if versions:
        return versions[0]
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH); "
        "install the Debian package `postgresql` (make test does)"
    )


def free_port() -> int:
    """A loopback TCP port nothing listens on now (it may be taken before it is used: callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One cluster: ``start()``, ``create_database()``/``drop_database()`` as often as needed, ``stop()``."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.owner = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"running as root and there is no `{SERVER_USER}` user to run the server as"
                ) from exc
            self.user = SERVER_USER
        else:
            self.owner = pwd.getpwuid(os.geteuid())
            self.user = self.owner.pw_name
        self.dir = Path(tempfile.mkdtemp(prefix="zhenxing-pg-"))
        self.data = self.dir / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._started = False
        self._pool: ThreadPoolExecutor | None = None
        self._ready: deque[Future[str]] = deque()

    # -- running the server's own commands --------------------------------------------------

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:  # initdb and postgres refuse root: drop to the server's user
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, cwd=self.dir
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def start(self) -> PostgresServer:
        """Create the cluster (trust auth, UTF-8) and start it on a free loopback port; wait until it answers."""
        if self.as_root:
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(self.dir, 0o700)
        # The databases sort by ICU's en-US rules, as a server set up for people would (case and
        # punctuation ignored at first), so a query that relies on the default collation for its
        # order shows up as a difference from SQLite; C.UTF-8 is the one libc locale every Debian has
        # (it decides which characters the text-search parser takes for letters).
        common = ["initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "--encoding=UTF8", "--no-sync"]
        choices = (
            ["--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"],
            ["--locale=C.UTF-8"],  # a server built without ICU
            ["--locale=C"],  # a system without C.UTF-8 (the parser then takes any non-ASCII for a letter)
        )
        for i, locale in enumerate(choices):
            try:
                self._run(*common, *locale)
                break
            except RuntimeError:
                shutil.rmtree(self.data, ignore_errors=True)
                if i == len(choices) - 1:
                    raise
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.dir}'",
            "fsync": "off",  # a throwaway cluster: durability buys nothing, costs seconds
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "wal_init_zero": "off",
            "autovacuum": "off",  # its workers connect to the template and make CREATE DATABASE wait
            "max_connections": "60",
            "shared_buffers": "32MB",
            "timezone": "'Asia/Shanghai'",  # not UTC, so a missing time-zone conversion shows
        }
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# zhenxing tests\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        for attempt in range(5):  # another process may take the free port between probe and bind
            self.port = free_port()
            with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(f"port = {self.port}\n")
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start")
            except RuntimeError:
                if attempt == 4:
                    raise RuntimeError(f"PostgreSQL did not start:\n{self.log()}") from None
                continue
            break
        self._started = True
        return self

    def log(self) -> str:
        try:
            return (self.dir / "server.log").read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is worth a checkpoint) and remove its directory."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._started:
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            self._started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- databases ------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]  # names are checked by the callers

    def prepare_template(self) -> None:
        """A database migrated to the newest revision, for ``create_database(migrated=True)`` to copy."""
        from zhenxing.ledger.store import Ledger

        self._admin(f"CREATE DATABASE {TEMPLATE_DB}")
        Ledger(self.url(TEMPLATE_DB)).close()  # close() disposes the pool: a template must have no sessions
        self._admin(f"ALTER DATABASE {TEMPLATE_DB} IS_TEMPLATE true ALLOW_CONNECTIONS false")

    def create_database(self, *, migrated: bool = True) -> str:
        """A new database and its URL, made now; ``migrated`` copies the template (schema at head, no rows)."""
        name = f"zx_{os.getpid()}_{next(self._names)}"
        # FILE_COPY: copying the few files of a small template beats WAL-logging every block of it
        # (the default), which had new databases wait for fresh WAL segments.
        template = f" TEMPLATE {TEMPLATE_DB} STRATEGY FILE_COPY" if migrated else ""
        self._admin(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def database(self) -> str:
        """A migrated, empty database: made in the background while the previous test ran.

        ``CREATE DATABASE`` takes 0.03-0.3 s (more on a busy machine); a test
        that had to wait for it every time would spend more time there than
        in its own work.
        """
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        while len(self._ready) < SPARE_DATABASES + 1:
            self._ready.append(self._pool.submit(self.create_database))
        url = self._ready.popleft().result()
        self._ready.append(self._pool.submit(self.create_database))
        return url

    def drop_database(self, url: str, *, wait: bool = False) -> None:
        """Drop a database made here, ending any session a test left open; in the background unless ``wait``."""
        name = url.rsplit("/", 1)[-1]
        if not _NAME_RE.match(name) or name in ("postgres", TEMPLATE_DB):
            raise ValueError(f"not a test database: {name!r}")
        statement = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        if wait or self._pool is None:
            self._admin(statement)
        else:
            self._pool.submit(self._admin, statement)  # the cluster goes at the end anyway: errors do not matter
