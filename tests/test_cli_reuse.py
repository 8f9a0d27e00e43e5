"""``newsweave reuse`` on a small stored corpus, and the reuse marks of ``newsweave show``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from tests.support import make_article
from tests.test_reuse import INDEPENDENT, SPUN, WIRE


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "news.db"
    store = SQLiteStore(path)
    articles = [
        make_article(
            WIRE,
            source="Calder News",
            collection="port",
            title="Port aid",
            published=datetime(2024, 5, 6, 9),
        ),
        make_article(
            SPUN,
            source="Newsbuzz Daily",
            collection="port",
            title="Port aid!",
            published=datetime(2024, 5, 7),
        ),
        make_article(
            INDEPENDENT,
            source="Tessin Herald",
            collection="port",
            title="Port",
            published=datetime(2024, 5, 6, 18),
        ),
    ]
    store.add_articles([(a, segment_article(a)) for a in articles])
    store.close()
    return str(path)


def test_reuse_lists_groups_and_links_and_stores_them(db: str) -> None:
    result = CliRunner().invoke(cli, ["reuse", "--db", db])
    assert result.exit_code == 0, result.output
    assert "1 copy groups, 1 links (1 derived" in result.output
    assert "2 independent origins" in result.output
    assert "Calder News 2024-05-06 → Newsbuzz Daily 2024-05-07" in result.output
    data = json.loads(CliRunner().invoke(cli, ["reuse", "--db", db, "--json"]).output)
    assert data["independent_origins"] == 2 and len(data["links"]) == 1
    (link,) = data["links"]
    assert link["direction"] == "derived" and link["passages"]
    with SQLiteStore(Path(db)) as store:
        assert len(store.reuse_links()) == 1


def test_show_marks_reused_sentences_with_their_source(db: str) -> None:
    assert CliRunner().invoke(cli, ["reuse", "--db", db]).exit_code == 0
    with SQLiteStore(Path(db)) as store:
        (link,) = store.reuse_links()
    shown = CliRunner().invoke(cli, ["show", link.target_id, "--db", db])
    assert shown.exit_code == 0, shown.output
    assert f"↳ from Calder News 2024-05-06 [{link.source_id[:12]}]" in shown.output
    source = CliRunner().invoke(cli, ["show", link.source_id, "--db", db])
    assert "↳ copied by Newsbuzz Daily" in source.output
    data = json.loads(
        CliRunner().invoke(cli, ["show", link.source_id, "--db", db, "--json"]).output
    )
    assert data["reuse_links"][0]["target_id"] == link.target_id


def test_reuse_rejects_ids_with_a_collection(db: str) -> None:
    result = CliRunner().invoke(cli, ["reuse", "abc", "--collection", "port", "--db", db])
    assert result.exit_code == 1
    assert "not both" in result.output
