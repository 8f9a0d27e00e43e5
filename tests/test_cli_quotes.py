"""The ``quotes`` and ``entities`` commands on a small stored story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from tests.support import make_article

FIRST = (
    "Harbour engineer Ines Varga closed the swing bridge on Monday.\n\n"
    "“We cannot risk a collapse of the old piers,” said Ms Varga.\n\n"
    "The mayor said ferries would run every twenty minutes."
)
SECOND = (
    "The swing bridge stayed shut on Tuesday.\n\n"
    "“We cannot risk a collapse of the old piers,” Varga told reporters."
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "news.db"
    store = SQLiteStore(path)
    batch = []
    for i, text in enumerate((FIRST, SECOND)):
        article = make_article(text, source=f"Outlet {i}", collection="bridge", title=f"T{i}")
        batch.append((article, segment_article(article)))
    store.add_articles(batch)
    store.close()
    return str(path)


def test_quotes_grouped_by_speaker_across_outlets(db: str) -> None:
    result = CliRunner().invoke(cli, ["quotes", "--collection", "bridge", "--db", db])
    assert result.exit_code == 0, result.output
    assert "Ines Varga" in result.output
    assert "2 articles" in result.output
    data = json.loads(
        CliRunner().invoke(cli, ["quotes", "--collection", "bridge", "--db", db, "--json"]).output
    )
    (shared,) = [g for g in data if len(g["article_ids"]) == 2]
    assert shared["speaker"] == "Ines Varga" and shared["direct"]


def test_results_are_kept_in_the_store(db: str) -> None:
    CliRunner().invoke(cli, ["quotes", "--collection", "bridge", "--db", db])
    store = SQLiteStore(db)
    try:
        kept = store.quotes()
        people = [e for e in store.entities() if e.name == "Ines Varga"]
    finally:
        store.close()
    assert any(q.direct for q in kept)
    assert people and len({m.span.article_id for m in people[0].mentions}) == 2


def test_entities_listing(db: str) -> None:
    result = CliRunner().invoke(
        cli, ["entities", "--collection", "bridge", "--type", "PER", "--db", db, "--no-store"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PER  Ines Varga")


def test_selection_errors_are_clear(db: str) -> None:
    result = CliRunner().invoke(cli, ["quotes", "--db", db])
    assert result.exit_code == 1
    assert "--collection" in result.output
    result = CliRunner().invoke(cli, ["quotes", "--collection", "nowhere", "--db", db])
    assert result.exit_code == 1 and "nowhere" in result.output
