"""Fixtures for every test: isolated user directories, and the seeds of ../shared/data.

Helpers importable from any test live in :mod:`tests.support` (``from tests.support import
shared_file``); ``tests`` is a package so that sub-folders may have conftest files of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, postgres_server_empty, running_server
from tests.support import ROOT, shared_file


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test writes to the real user data directory; the embedder cache is shared per run."""
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path_factory.mktemp("db") / "newsweave.db"))
    monkeypatch.setenv("NEWSWEAVE_CACHE", str(ROOT / ".newsweave" / "cache"))


@pytest.fixture
def seeds_dir() -> Path:
    return shared_file("seeds")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on loopback for the session (see tests/postgres_server.py)."""
    with running_server() as server:
        if isinstance(server, str):
            pytest.skip(server)
        yield server


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped after the test."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.database_url(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def _postgres_store_database(postgres_server: PostgresServer) -> Iterator[str]:
    """One database for the session, migrated once by opening a store in it."""
    from newsweave.store.postgres import PostgresStore

    name = postgres_server.create_database()
    url = postgres_server.database_url(name)
    PostgresStore(url).close()
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def postgres_url(_postgres_store_database: str) -> str:
    """The URL of a migrated newsweave store with no data (emptied for each test: creating a
    database and migrating it takes ~0.7 s, emptying one ~30 ms)."""
    postgres_server_empty(_postgres_store_database)
    return _postgres_store_database
