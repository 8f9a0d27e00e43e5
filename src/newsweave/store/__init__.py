"""Where newsweave keeps what it computes: the store protocol, its backends, and how to open one.

``open_store(None)`` opens the default database: ``$NEWSWEAVE_DB`` if set, else
``newsweave.db`` in the user data directory (platformdirs).  A path opens (or creates) a SQLite
file; ``":memory:"`` a throwaway SQLite database.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from newsweave.errors import StoreError
from newsweave.store.base import (
    AddResult,
    ArticleHeader,
    CitationRef,
    CollectionStats,
    EntityCount,
    OutletStats,
    SearchHit,
    Store,
    StorySlice,
)
from newsweave.store.memory import MemoryStore
from newsweave.store.sqlite import SQLiteStore

__all__ = [
    "AddResult",
    "ArticleHeader",
    "CitationRef",
    "CollectionStats",
    "EntityCount",
    "MemoryStore",
    "OutletStats",
    "SQLiteStore",
    "SearchHit",
    "Store",
    "StorySlice",
    "default_db_path",
    "open_store",
]

DB_ENV = "NEWSWEAVE_DB"
DB_FILENAME = "newsweave.db"


def default_db_path() -> Path:
    """``$NEWSWEAVE_DB`` if set, else ``newsweave.db`` in the user data directory."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    return user_data_path("newsweave", appauthor=False) / DB_FILENAME


def open_store(location: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """Open the store at ``location`` (see the module docstring).

    With ``create=False`` a missing database is an error instead of a new empty file: commands
    that only read use that, so a mistyped ``--db`` says so rather than showing nothing.
    """
    target = str(location) if location is not None else str(default_db_path())
    scheme = target.split("://", 1)[0] if "://" in target else None
    if scheme is not None and scheme not in ("file", "sqlite"):
        raise StoreError(
            f"{target}: only SQLite files are supported as stores for now "
            f"(no '{scheme}' backend); pass a file path"
        )
    if scheme is not None:
        target = target.split("://", 1)[1]
    return SQLiteStore(target, create=create)
