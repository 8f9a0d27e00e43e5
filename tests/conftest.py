"""Shared fixtures: builders for tiny hand-made articles, and the real data in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsweave.model import Article

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test writes to the real user data directory; the embedder cache is shared per run."""
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path_factory.mktemp("db") / "newsweave.db"))
    monkeypatch.setenv("NEWSWEAVE_CACHE", str(ROOT / ".newsweave" / "cache"))


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with a clear message when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"needs {relative} from ../shared/data (not present in this checkout)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return shared_file("seeds")


def make_article(text: str, **fields: object) -> Article:
    """A hand-built article: ``make_article("Body.", title="T", source="Outlet")``."""
    return Article.build(text, **fields)  # type: ignore[arg-type]
