"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary directory, started on
a free loopback port, stopped and deleted at the end of the session.

The binaries are found in ``$NEWSWEAVE_PG_BIN``, ``pg_config --bindir``, the newest
``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package) or ``PATH``.  PostgreSQL refuses
to run as root, so under root the server runs as the ``postgres`` user (else ``nobody``) through
``runuser``.  With ``$NEWSWEAVE_TEST_PG_URL`` set (a superuser URL of a running server, e.g. a CI
service), that server is used instead and nothing is started.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["PostgresServer", "find_binaries", "postgres_server_empty", "running_server"]

SUPERUSER = "newsweave"
START_TIMEOUT_S = 60
EMPTY = "''"  # an empty setting, quoted for the server command line
# A test server needs no durability: these make initdb and CREATE DATABASE several times faster.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
    "shared_buffers": "32MB",
}


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is absent."""
    candidates: list[Path] = []
    if configured := os.environ.get("NEWSWEAVE_PG_BIN"):
        candidates.append(Path(configured))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            )
            candidates.append(Path(out.stdout.strip()))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name))

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A running server: :meth:`create_database` gives each test a database of its own."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def database_url(self, database: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def create_database(self) -> str:
        """A new, empty UTF-8 database; returns its name."""
        name = f"nw_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def postgres_server_empty(url: str) -> None:
    """Delete every row of every table of the database at ``url`` but ``_migrations``.

    DELETE rather than TRUNCATE: on tables this small it is ten times faster.  Tables are
    emptied in one transaction; foreign keys cascade from the articles and the stories.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename <> '_migrations' "
                "ORDER BY tablename"
            )
        ]
        for table in tables:
            conn.execute(f"DELETE FROM {table}")  # type: ignore[arg-type]


def _as_server_user(argv: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer | str]:
    """A started server, or a string saying why none could be started (the tests skip)."""
    if url := os.environ.get("NEWSWEAVE_TEST_PG_URL"):
        yield PostgresServer(url)
        return
    binaries = find_binaries()
    if binaries is None:
        yield (
            "PostgreSQL binaries not found (install Debian's postgresql package, or set "
            "NEWSWEAVE_PG_BIN to the folder holding initdb and pg_ctl)"
        )
        return
    owner: str | None = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                owner = name
                break
        if owner is None or shutil.which("runuser") is None:
            yield "running as root without a postgres user or runuser to start PostgreSQL as"
            return
    base = Path(tempfile.mkdtemp(prefix="newsweave-pg-"))
    data, log = base / "data", base / "server.log"
    if owner:
        shutil.chown(base, user=owner)
    port = _free_port()
    settings = " ".join(f"-c {k}={v or EMPTY}" for k, v in SERVER_SETTINGS.items())
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust"]
    initdb += ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", str(START_TIMEOUT_S)]
    outcome: PostgresServer | str
    try:
        for argv in (initdb, [*pg_ctl, "-l", str(log), "-o", f"-p {port} {settings}", "start"]):
            subprocess.run(
                _as_server_user(argv, owner),
                check=True,
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S + 10,
            )
        outcome = PostgresServer(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres")
    except subprocess.SubprocessError as exc:
        detail = str(getattr(exc, "stderr", "") or "")
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        outcome = f"could not start PostgreSQL from {binaries}: {exc} {detail.strip()}"
    try:
        yield outcome
    finally:
        if isinstance(outcome, PostgresServer):
            subprocess.run(
                _as_server_user([*pg_ctl, "-m", "immediate", "stop"], owner),
                capture_output=True,
                timeout=START_TIMEOUT_S + 10,
            )
        shutil.rmtree(base, ignore_errors=True)
