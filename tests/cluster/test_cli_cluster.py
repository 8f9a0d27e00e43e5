"""``newsweave cluster``, ``newsweave follow`` and ``digest --grouping`` on invented news."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.model import Article
from newsweave.store import open_store
from tests.cluster.corpus import generated


def _write(path: Path, articles: Sequence[Article]) -> None:
    records = [
        {
            "id": f"a{i}-{a.id[:8]}",
            "title": a.title,
            "text": a.text,
            "source": a.source,
            "date": a.published.isoformat() if a.published else None,
        }
        for i, a in enumerate(articles)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _run(*args: str) -> tuple[int, str]:
    """Exit code and standard output (errors and progress go to standard error)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_cluster_command_stores_stories(tmp_path: Path) -> None:
    articles, gold = generated(12)
    _write(tmp_path / "news.jsonl", articles)
    db = str(tmp_path / "n.db")
    assert _run("ingest", str(tmp_path / "news.jsonl"), "--db", db, "--no-progress")[0] == 0
    code, out = _run("cluster", "--db", db, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["mode"] == "batch" and report["articles"] == len(articles)
    with open_store(db, create=False) as store:
        stories = store.stories()
    assert report["stories"] == len(stories) and len(set(gold.values())) / 2 < len(stories)
    code, out = _run("stories", "--db", db)
    assert code == 0 and out.count(" art, ") == len(stories)


def test_cluster_needs_articles(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    with open_store(db):
        pass
    code, out = _run("cluster", "--db", db)
    assert code == 1 and "holds no article" in out


def test_follow_assigns_only_what_arrived(tmp_path: Path) -> None:
    articles, _ = generated(12)
    feed = tmp_path / "feed"
    feed.mkdir()
    half = len(articles) // 2
    _write(feed / "monday.jsonl", articles[:half])
    db = str(tmp_path / "n.db")
    code, out = _run("follow", str(feed), "--db", db, "--rounds", "1", "--interval", "0", "--json")
    assert code == 0, out
    first = json.loads(out.strip().splitlines()[-1])
    assert (first["round"], first["ingest"]["new"], first["added"]) == (1, half, half)
    _write(feed / "tuesday.jsonl", articles[half:])
    code, out = _run("follow", str(feed), "--db", db, "--rounds", "2", "--interval", "0", "--json")
    assert code == 0, out
    rounds = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["added"] for r in rounds] == [len(articles) - half, 0]
    assert rounds[0]["ingest"]["already_stored"] == half
    assert rounds[0]["joined"] + rounds[0]["started"] == len(articles) - half
    assert rounds[-1]["articles"] == len(articles)
    code, out = _run("cluster", "--db", db, "--incremental", "--json")
    assert code == 0 and json.loads(out)["added"] == 0


def test_digest_groups_by_stories_or_by_collection(tmp_path: Path) -> None:
    articles, _ = generated(6)
    _write(tmp_path / "news.jsonl", articles)
    db = str(tmp_path / "n.db")
    common = ("digest", str(tmp_path / "news.jsonl"), "--db", db, "--embedder", "hashing")
    code, out = _run(*common, "--grouping", "collection", "--format", "json")
    assert code == 0, out
    by_file = json.loads(out)["stories"]
    assert len(by_file) == 1 and "input collections" in by_file[0]["note"]
    code, out = _run(*common, "--format", "json")
    assert code == 0, out
    clustered = json.loads(out)["stories"]
    assert len(clustered) > 1 and all("story clustering" in d["note"] for d in clustered)
