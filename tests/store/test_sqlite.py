"""What only the SQLite backend does: the file, its migrations, FTS5, and surviving kill -9.

The protocol itself (every backend) is checked in test_protocol.py.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsweave.errors import StoreError
from newsweave.model import Article, Quote, Span, Story
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore, default_db_path, open_store, rows
from newsweave.store.sqlite_schema import MIGRATIONS


def article(text: str, **fields: object) -> tuple[Article, list]:
    built = Article.build(text, **fields)  # type: ignore[arg-type]
    return built, segment_article(built)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# --- the file and its schema ------------------------------------------------------------------


def test_migrations_are_applied_once_and_recorded(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with SQLiteStore(db) as store:
        assert store.applied_migrations() == MIGRATIONS.names
        assert MIGRATIONS.names[0] == "m001_articles_and_sentences"
        store.add_articles([article("A sentence that stays.")])
    first = raw(db).execute("SELECT name, applied_at FROM _migrations ORDER BY rowid").fetchall()
    with SQLiteStore(db) as store:
        assert store.count_articles() == 1
    again = raw(db).execute("SELECT name, applied_at FROM _migrations ORDER BY rowid").fetchall()
    assert again == first and len(first) == len(MIGRATIONS.names)


def test_an_older_database_is_upgraded_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = raw(db)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    first = MIGRATIONS.pending([], location=str(db))[0]
    first.apply(conn)
    conn.execute("INSERT INTO _migrations VALUES (?, '2024-01-01T00:00:00+00:00')", (first.name,))
    old, _ = article("The lighthouse keeper retired after forty winters.", title="Keeper")
    row = rows.article_to_row(old)
    del row["source_offsets"]  # a column of a later migration
    conn.execute(
        f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    conn.close()
    with SQLiteStore(db) as store:
        assert store.applied_migrations() == MIGRATIONS.names
        assert store.get_article(old.id) == old
        # The full-text index added by a later migration covers the article stored before it,
        # and articles added after the upgrade are indexed once.
        assert [h.article_id for h in store.search("lighthouse")] == [old.id]
        new, _ = pair = article("A second lighthouse opened on the northern cape.", title="Cape")
        store.add_articles([pair])
        assert {h.article_id for h in store.search("lighthouse")} == {old.id, new.id}
        store._conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        fts_rows = store._conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        assert fts_rows == 2


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    SQLiteStore(db).close()
    raw(db).execute("INSERT INTO _migrations VALUES ('m999_from_the_future', 'x')")
    with pytest.raises(StoreError, match=r"newer newsweave.*m999_from_the_future"):
        SQLiteStore(db)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"headline\nThis is a text file, not a database.\n" * 20, "not a newsweave database"),
        (bytes(range(256)) * 64, "not a newsweave database"),
        (b"SQLite format 3\x00" + b"\xff" * 4080, "not a newsweave database"),
    ],
    ids=["text", "binary", "corrupt-header"],
)
def test_a_file_that_is_not_a_store_is_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    db = tmp_path / "bad.db"
    db.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        SQLiteStore(db)
    assert db.read_bytes() == content  # left as it was


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    raw(db).execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreError, match=r"not a newsweave store.*invoices"):
        SQLiteStore(db)


def test_a_directory_or_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        SQLiteStore(tmp_path)
    with pytest.raises(StoreError, match="no newsweave database"):
        open_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    with SQLiteStore(tmp_path / "deep" / "er" / "n.db") as store:  # parents are created
        assert store.count_articles() == 0


def test_wal_mode_and_foreign_keys(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_deleting_an_article_cascades(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        wire, _ = pair = article("The ferry ran late. “Fog,” said the captain.", source="A")
        other = article("The ferry ran late again today.", source="B")
        store.add_articles([pair, other])
        store.replace_stories(
            [Story(Story.make_id([wire.id, other[0].id]), (wire.id, other[0].id))]
        )
        span = Span(wire.id, 21, 25)
        store.replace_quotes([wire.id], [Quote(wire.id, span, "Fog,", True)])
        conn = store._conn
        conn.execute("DELETE FROM articles WHERE id = ?", (wire.id,))
        assert store.get_sentences(wire.id) == []
        assert store.quotes() == []
        assert store.stories()[0].article_ids == (other[0].id,)
        assert [h.article_id for h in store.search("ferry")] == [other[0].id]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_fts_stems_filters_columns_and_matches_phrases(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "n.db") as store:
        fire = article(
            "Smoke damaged the archive; firefighters worked all night.", title="Fire at the library"
        )
        bridge = article(
            "Inspectors closed the bridge. The fire service was not needed.", title="Bridge shut"
        )
        store.add_articles([fire, bridge])
        a, b = fire[0].id, bridge[0].id
        assert [h.article_id for h in store.search("inspector")] == [b]  # porter stemming
        assert [h.article_id for h in store.search("title:fire")] == [a]  # column filter
        assert {h.article_id for h in store.search("fire")} == {a, b}
        assert [h.article_id for h in store.search('"closed the bridge"')] == [b]
        assert [h.article_id for h in store.search("archiv*")] == [a]
        assert store.search('"bridge the closed"') == []


def test_open_store_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    with open_store() as store:
        assert store.location == str(tmp_path / "env.db")
    monkeypatch.delenv("NEWSWEAVE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_db_path() == tmp_path / "xdg" / "newsweave" / "newsweave.db"
    with open_store(f"sqlite://{tmp_path / 'url.db'}") as store:
        assert store.location == str(tmp_path / "url.db")
    with pytest.raises(StoreError, match="postgresql"):
        open_store("postgresql://localhost/news")


# --- kill -9 in the middle of a batch -----------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from newsweave.model import Article, Sentence
    from newsweave.store import SQLiteStore

    db, n_batches, size, stall_at = sys.argv[1], *map(int, sys.argv[2:])
    store = SQLiteStore(db)

    def item(i):
        parts = [f"Report {i} opens here.", f"Its middle {i} follows.", f"It ends at {i}."]
        text = " ".join(parts)
        a = Article.build(text, title=f"Report {i}", source="Testwire")
        sentences, pos = [], 0
        for k, part in enumerate(parts):
            start = text.index(part, pos)
            pos = start + len(part)
            sentences.append(Sentence(a.id, k, start, pos, part))
        return a, sentences

    for b in range(n_batches):
        if b == stall_at:
            conn = store._conn
            before = conn.total_changes
            def stall():
                # Inside the batch's transaction, with its articles written: stop and wait.
                if conn.in_transaction and conn.total_changes > before + 2 * size:
                    print("STALLED", flush=True)
                    time.sleep(600)
                return 0
            conn.set_progress_handler(stall, 50)
        result = store.add_articles([item(b * size + i) for i in range(size)])
        print("BATCH", b, len(result.new), len(result.existing), flush=True)
    """
)


def run_writer(script: Path, db: Path, *args: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(script), str(db), *map(str, args)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_kill_9_inside_a_batch_leaves_a_consistent_database(tmp_path: Path) -> None:
    script, db = tmp_path / "writer.py", tmp_path / "kill.db"
    script.write_text(WRITER)
    n_batches, size, stall_at = 5, 40, 3
    proc = run_writer(script, db, n_batches, size, stall_at)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if line.startswith("STALLED"):
            break
    assert lines[-1] == "STALLED", lines
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with SQLiteStore(db, create=False) as store:
        conn = store._conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert store.count_articles() == stall_at * size  # the killed batch left nothing
        counts = conn.execute(
            "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM sentences s "
            "WHERE s.article_id = a.id) != 3"
        ).fetchone()[0]
        assert counts == 0
        assert len(store.search('"Report 0"')) == 1
        assert store.search(f'"Report {stall_at * size}"') == []

    rerun = run_writer(script, db, n_batches, size, -1)
    out, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0
    tallies = [tuple(map(int, line.split()[1:])) for line in out.splitlines()]
    expected_done = [(b, 0, size) for b in range(stall_at)]
    expected_new = [(b, size, 0) for b in range(stall_at, n_batches)]
    assert tallies == expected_done + expected_new
    with SQLiteStore(db) as store:
        assert store.count_articles() == n_batches * size
