"""Fixtures for every test: isolated user directories, and the seeds of ../shared/data.

Helpers importable from any test live in :mod:`tests.support` (``from tests.support import
shared_file``); ``tests`` is a package so that sub-folders may have conftest files of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
