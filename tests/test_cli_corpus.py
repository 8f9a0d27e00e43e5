"""The corpus commands: ingest, articles, show, search — through click and as a real process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
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
    assert shown.pop("reuse_links") == []  # none stored (see tests/test_cli_reuse.py)
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


# --- ingest -------------------------------------------------------------------------------------

NOTES = {
    "ferry.txt": "Ferry sails again\n\nThe island ferry sailed on Thursday. The sea was calm.",
    "frost.txt": "Frost hits orchards\n\nGrowers lit fires between the rows. Blossoms froze.",
    "clocks.txt": "Clock gallery reopens\n\nThe museum reopened its clock gallery. It took years.",
}


def write_notes(folder: Path, extra: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in {**NOTES, **(extra or {})}.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def test_ingest_tally_and_rerun(tmp_path: Path) -> None:
    corpus = write_notes(tmp_path / "in", {"blank.txt": "   \n"})
    db = tmp_path / "i.db"
    out, err = run("ingest", str(corpus), "--db", str(db))
    lines = out.splitlines()
    assert lines[0] == f"read 4: 3 new, 0 already stored, 1 skipped  (store: {db})"
    assert lines[1] == "skipped 1:"
    assert lines[2].startswith(f"  {corpus / 'blank.txt'}")
    assert err == ""  # no progress bar when stderr is not a terminal
    out, _ = run("ingest", str(corpus), "--db", str(db), "--json")
    report = json.loads(out)
    assert (report["new"], report["already_stored"], report["read"]) == (0, 3, 4)
    assert report["skipped"][0]["origin"].startswith(str(corpus / "blank.txt"))


def test_ingest_format_option(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(NOTES["ferry.txt"], encoding="utf-8")
    db = str(tmp_path / "f.db")
    run("ingest", str(note), "--db", db, ok=False)  # .md is no input format
    out, _ = run("ingest", str(note), "--db", db, "--format", "txt", "--json")
    assert json.loads(out)["new"] == 1
    _, err = run("ingest", str(note), "--db", db, "--encoding", "klingon", ok=False)
    assert "unknown encoding 'klingon'" in err


def test_ingest_of_nothing_readable_fails(tmp_path: Path) -> None:
    (tmp_path / "only.txt").write_bytes(b"")
    _, err = run("ingest", str(tmp_path / "only.txt"), "--db", str(tmp_path / "x.db"), ok=False)
    assert "error: no article could be read from" in err


def test_ingest_progress_bar_on_request(tmp_path: Path) -> None:
    corpus = write_notes(tmp_path / "in")
    _, err = run("ingest", str(corpus), "--db", str(tmp_path / "p.db"), "--progress")
    assert "records" in err and "new 3" in err


# --- as a real process --------------------------------------------------------------------------


def newsweave(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("newsweave")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newsweave.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_installed_command(tmp_path: Path) -> None:
    corpus = write_notes(tmp_path / "in")
    db = str(tmp_path / "real.db")
    done = newsweave("ingest", str(corpus), "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("read 3: 3 new, 0 already stored, 0 skipped")
    listed = json.loads(newsweave("articles", "--db", db, "--json").stdout)
    assert sorted(a["title"] for a in listed) == sorted(b.split("\n")[0] for b in NOTES.values())
    shown = newsweave("show", listed[0]["id"][:6], "--db", db)
    assert shown.returncode == 0 and shown.stdout.startswith(listed[0]["title"])
    missing = newsweave("show", "nope", "--db", db)
    assert missing.returncode == 1
    assert (
        missing.stderr.startswith("error: no article 'nope'") and "Traceback" not in missing.stderr
    )


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


@pytest.mark.slow
def test_kill_9_during_ingest_then_rerun(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    n = 1200
    for i in range(n):
        (corpus / f"n{i:05d}.txt").write_text(
            f"Notice {i} of the harbour board\n\nBerth {i} closes for dredging on day {i}. "
            f"Boats moor at berth {i + 1} instead. The board apologises.",
            encoding="utf-8",
        )
    db = tmp_path / "killed.db"
    script = Path(sys.executable).with_name("newsweave")
    proc = subprocess.Popen(
        [str(script), "ingest", str(corpus), "--db", str(db), "--batch-size", "20"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while stored_count(db) < 60 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    with SQLiteStore(db, create=False) as store:
        conn = store._conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        kept = store.count_articles()
        assert 60 <= kept < n and kept % 20 == 0  # whole batches only
        without_sentences = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)"
        ).fetchone()[0]
        assert without_sentences == 0

    rerun = newsweave("ingest", str(corpus), "--db", str(db), "--json")
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (report["new"], report["already_stored"], report["skipped"]) == (n - kept, kept, [])
    assert stored_count(db) == n
