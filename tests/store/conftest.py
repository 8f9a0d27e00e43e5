"""The store backends under test: every test taking ``store`` runs once per backend.

Issue 9 adds PostgreSQL here; the suite in ``test_protocol.py`` then runs on it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsweave.store import MemoryStore, SQLiteStore, Store

BACKENDS: dict[str, Callable[[Path], Store]] = {
    "sqlite": lambda tmp: SQLiteStore(tmp / "store.db"),
    "memory": lambda tmp: MemoryStore(),
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = BACKENDS[request.param](tmp_path)
    try:
        yield opened
    finally:
        opened.close()
