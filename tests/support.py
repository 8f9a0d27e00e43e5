"""Helpers shared by the tests: paths, the real data in ../shared/data, article builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsweave.model import Article

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO = ROOT / "examples" / "demo"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with a clear message when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"needs {relative} from ../shared/data (not present in this checkout)")
    return path


def make_article(text: str, **fields: object) -> Article:
    """A hand-built article: ``make_article("Body.", title="T", source="Outlet")``."""
    return Article.build(text, **fields)  # type: ignore[arg-type]


def slice_hash(path: Path, records: int) -> str:
    """sha256 of the first ``records`` lines of ``path``: a quality gate's data slice."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for _ in range(records):
            digest.update(handle.readline())
    return digest.hexdigest()
