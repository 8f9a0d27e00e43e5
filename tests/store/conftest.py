"""The store backends under test: every test taking ``store`` runs once per backend.

The PostgreSQL backend runs against a real server started for the session (tests/conftest.py's
``postgres_server``); its tests skip, saying why, when PostgreSQL is not installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsweave.store import MemoryStore, SQLiteStore, Store


def _postgres(request: pytest.FixtureRequest, tmp: Path) -> Store:
    from newsweave.store.postgres import PostgresStore

    return PostgresStore(request.getfixturevalue("postgres_url"))


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], Store]] = {
    "sqlite": lambda request, tmp: SQLiteStore(tmp / "store.db"),
    "memory": lambda request, tmp: MemoryStore(),
    "postgresql": _postgres,
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = BACKENDS[request.param](request, tmp_path)
    try:
        yield opened
    finally:
        opened.close()
