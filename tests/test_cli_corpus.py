"""The corpus commands: ingest, articles, show, search — through click and as a real process."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.model import Article, to_dict
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore

WIRE = (
    "Harbourton (Tidewire) - The old swing bridge over the Marle river was closed on Monday "
    "after inspectors found cracks in two of its piers.\n"
    "“We cannot risk a collapse,” said Ines Varga, the city engineer. Ferries will run "
    "every twenty minutes until repairs are done."
)
REWRITE = (
    "The aged swing bridge across the Marle was shut on Monday when inspectors discovered "
    "fissures in two piers.\nCity engineer Ines Varga said the town could not risk a collapse."
)
FIRE = (
    "A fire broke out in the basement archive of the Greyfield public library late on Sunday.\n"
    "No one was hurt, the fire brigade said, but hundreds of old maps were lost to smoke."
)


def build(text: str, **fields: object) -> Article:
    return Article.build(text, **fields)  # type: ignore[arg-type]


@pytest.fixture
def articles() -> list[Article]:
    return [
        build(
            WIRE,
            title="Swing bridge closed after cracks found",
            source="Tidewire",
            published=datetime(2024, 3, 4, 7, 30, tzinfo=UTC),
            dateline="Harbourton",
            credits=("Tidewire",),
            external_id="tw-101",
            collection="bridge",
        ),
        build(
            REWRITE,
            title="Bridge shut over pier fissures",
            source="Daily Gleam",
            published=datetime(2024, 3, 5, 15, 0, tzinfo=UTC),
            collection="bridge",
        ),
        build(FIRE, title="Fire in library \x1b[31marchive", source="Greyfield Post"),
    ]


@pytest.fixture
def db(tmp_path: Path, articles: list[Article]) -> Path:
    path = tmp_path / "cli.db"
    with SQLiteStore(path) as store:
        store.add_articles([(a, segment_article(a)) for a in articles])
    return path


def run(*args: str, ok: bool = True) -> tuple[str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, (result.exit_code, result.output, result.stderr)
    return result.stdout, result.stderr


# --- articles ---------------------------------------------------------------------------------


def test_articles_groups_by_collection(db: Path, articles: list[Article]) -> None:
    out, _ = run("articles", "--db", str(db))
    lines = out.splitlines()
    assert lines[0] == "bridge: 2 articles, 2 outlets, 2024-03-04 … 2024-03-05"
    assert lines[1].split() == [
        articles[0].id[:12],
        "2024-03-04",
        "Tidewire",
        *["Swing", "bridge", "closed", "after", "cracks", "found"],
    ]
    assert lines[2].strip().startswith("Harbourton (Tidewire) - The old swing bridge")
    assert "(no collection): 1 article, 1 outlet" in out
    assert "\x1b" not in out and "Fire in library \\x1b[31marchive" in out  # escaped, not obeyed


def test_articles_json_limit_and_collection(db: Path, articles: list[Article]) -> None:
    out, _ = run("articles", "--db", str(db), "--json")
    listed = json.loads(out)
    assert [a["id"] for a in listed] == [a.id for a in articles]
    assert listed[0]["credits"] == ["Tidewire"] and listed[0]["n_sentences"] == 3
    assert listed[0]["published"] == "2024-03-04T07:30:00+00:00"
    assert "text" not in listed[0]
    out, _ = run("articles", "--db", str(db), "--limit", "1")
    assert "(1 of 3 shown; raise --limit to see more)" in out
    out, _ = run("articles", "--db", str(db), "--collection", "bridge", "--json")
    assert [a["collection"] for a in json.loads(out)] == ["bridge", "bridge"]


def test_articles_uses_newsweave_db(
    db: Path, articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWEAVE_DB", str(db))
    out, _ = run("articles", "--json")
    assert len(json.loads(out)) == len(articles)


# --- show -------------------------------------------------------------------------------------


def test_show_renders_metadata_paragraphs_and_sentences(db: Path, articles: list[Article]) -> None:
    out, _ = run("show", articles[0].id[:8], "--db", str(db))
    lines = out.splitlines()
    assert lines[0] == "Swing bridge closed after cracks found"
    assert "  dateline   Harbourton" in lines and "  credits    Tidewire" in lines
    assert "  record id  tw-101" in lines
    assert lines[-2].startswith("¶2  [1] “We cannot risk a collapse,” said Ines Varga")
    assert lines[-1] == "    [2] Ferries will run every twenty minutes until repairs are done."


def test_show_json_and_record_id(db: Path, articles: list[Article]) -> None:
    out, _ = run("show", "tw-101", "--db", str(db), "--json")
    shown = json.loads(out)
    sentences = shown.pop("sentences")
    assert shown == to_dict(articles[0])
    assert [s["text"] for s in sentences] == [s.text for s in segment_article(articles[0])]


def test_show_unknown_id_is_a_clean_error(db: Path) -> None:
    _, err = run("show", "does-not-exist", "--db", str(db), ok=False)
    assert err.startswith("error: no article 'does-not-exist'")
    assert "Traceback" not in err


# --- search -----------------------------------------------------------------------------------


def test_search(db: Path, articles: list[Article]) -> None:
    out, _ = run("search", "swing", "bridge", "--db", str(db), "--json")
    hits = json.loads(out)
    assert {h["article_id"] for h in hits} == {articles[0].id, articles[1].id}
    for hit in hits:
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end].lower() in {"swing", "bridge"}
    out, _ = run("search", "maps", "--db", str(db))
    assert out.splitlines()[0].startswith(articles[2].id[:12])
    assert "old maps were lost" in out
    out, err = run("search", "zeppelin", "--db", str(db))
    assert out == "" and "no articles match 'zeppelin'" in err
    out, _ = run("search", '"unbalanced', "AND", "--db", str(db), "--json")
    assert json.loads(out) == []


# --- errors -----------------------------------------------------------------------------------


def test_read_commands_do_not_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    _, err = run("articles", "--db", str(missing), ok=False)
    assert "no newsweave database" in err and not missing.exists()


def test_a_corrupt_database_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database\n" * 50)
    for command in (["articles"], ["show", "abc"], ["search", "x"], ["ingest", str(tmp_path)]):
        _, err = run(*command, "--db", str(bad), ok=False)
        assert err.startswith(f"error: {bad} is not a newsweave database"), err
        assert "Traceback" not in err
