"""What only the PostgreSQL backend does: URLs, its migrations, tsvector search, concurrency.

The protocol itself (every backend, PostgreSQL included) is checked in test_protocol.py.  These
tests run against the server tests/conftest.py starts on loopback, and skip without one.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.errors import StoreError
from newsweave.model import Article, Entity, EntityType, Mention, Sentence, Span
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore, open_store
from newsweave.store.postgres import PostgresStore, redact
from newsweave.store.postgres_schema import MIGRATIONS
from newsweave.store.sqlite_schema import MIGRATIONS as SQLITE_MIGRATIONS
from tests.support import DEMO


def article(text: str, **fields: object) -> tuple[Article, list[Sentence]]:
    built = Article.build(text, **fields)  # type: ignore[arg-type]
    return built, segment_article(built)


def sql(url: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


# --- the database and its schema --------------------------------------------------------------


def test_the_migrations_mirror_sqlites_name_for_name() -> None:
    assert MIGRATIONS.names == SQLITE_MIGRATIONS.names


def test_migrations_are_applied_once_and_recorded(postgres_database: str) -> None:
    with PostgresStore(postgres_database) as store:
        assert store.applied_migrations() == MIGRATIONS.names
        store.add_articles([article("A sentence that stays in the archive.")])
    first = sql(postgres_database, "SELECT name, applied_at FROM _migrations ORDER BY seq")
    with open_store(postgres_database) as store:
        assert isinstance(store, PostgresStore)
        assert store.count_articles() == 1
    assert sql(postgres_database, "SELECT name, applied_at FROM _migrations ORDER BY seq") == first


def test_stores_opened_at_once_migrate_once(postgres_database: str) -> None:
    opened: list[PostgresStore] = []
    failures: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresStore(postgres_database))
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and len(opened) == 4
    assert [s.applied_migrations() for s in opened] == [MIGRATIONS.names] * 4
    for store in opened:
        store.close()


def test_a_database_from_a_newer_version_is_refused(postgres_database: str) -> None:
    PostgresStore(postgres_database).close()
    sql(postgres_database, "INSERT INTO _migrations (name, applied_at) VALUES ('m999_x', 'x')")
    with pytest.raises(StoreError, match=r"newer newsweave.*m999_x"):
        PostgresStore(postgres_database)


def test_another_applications_tables_are_refused(postgres_database: str) -> None:
    sql(postgres_database, "CREATE TABLE invoices (id integer PRIMARY KEY)")
    with pytest.raises(StoreError, match=r"not a newsweave store \(invoices\).*search_path"):
        PostgresStore(postgres_database)
    assert sql(postgres_database, "SELECT count(*) FROM invoices") == [(0,)]
    # ...but a schema of its own is fine.
    sql(postgres_database, "CREATE SCHEMA news")
    with PostgresStore(f"{postgres_database}?options=-csearch_path%3Dnews") as store:
        store.add_articles([article("Kept apart from the invoices in a schema of its own.")])
    assert sql(postgres_database, "SELECT count(*) FROM news.articles") == [(1,)]


def test_an_empty_database_is_not_a_store_when_reading(postgres_database: str) -> None:
    with pytest.raises(StoreError, match="no newsweave store in"):
        open_store(postgres_database, create=False)
    assert sql(postgres_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [
        (0,)
    ]


def test_connection_errors_name_the_store_and_hide_the_password(
    postgres_database: str,
) -> None:
    missing = postgres_database.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(StoreError, match=r"no_such_db.*createdb") as caught:
        PostgresStore(missing)
    assert "does not exist" in str(caught.value)
    secret = "postgresql://reader:hunter2@127.0.0.1:1/newsweave"
    with pytest.raises(StoreError) as refused:
        open_store(secret)
    assert "hunter2" not in str(refused.value) and "reader:***@" in str(refused.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p@h/db", "postgresql://u:***@h/db"),
        (
            "postgres://u@h:5/db?password=p&sslmode=require",
            "postgres://u@h:5/db?password=***&sslmode=require",
        ),
        ("postgresql:///db", "postgresql:///db"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_unknown_schemes_are_refused() -> None:
    with pytest.raises(StoreError, match="no 'mysql' store backend"):
        open_store("mysql://h/db")


# --- data PostgreSQL treats differently from SQLite -------------------------------------------


def test_a_nul_character_is_refused_with_the_article_named(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        bad, sentences = article("Text with a \x00 inside it, from a broken feed.", origin="f:3")
        with pytest.raises(StoreError, match=rf"article {bad.id} \(f:3\).*NUL"):
            store.add_articles([article("A fine article about the harbour."), (bad, sentences)])
        assert store.count_articles() == 0


def test_order_is_byte_order_whatever_the_locale(postgres_url: str, tmp_path: Any) -> None:
    # Upper case sorts before lower case, as in SQLite, not as a linguistic collation would.
    pair = article("Names of several kinds appear in this text: alder, Birch, Ångström.")
    a = pair[0]
    spans = {w: a.text.index(w) for w in ("alder", "Birch", "Ångström")}
    entities = [
        Entity(
            f"e-{w}",
            w,
            EntityType.MISC,
            (),
            (Mention(Span(a.id, s, s + len(w)), w, EntityType.MISC),),
        )
        for w, s in spans.items()
    ]
    names = []
    for store in (PostgresStore(postgres_url), SQLiteStore(tmp_path / "s.db")):
        with store:
            store.add_articles([pair])
            store.replace_entities([a.id], entities)
            names.append([e.name for e in store.entities()])
    assert names[0] == names[1] == ["Birch", "alder", "Ångström"]


# --- full-text search -------------------------------------------------------------------------


def test_search_stems_folds_diacritics_and_keeps_stop_words(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        cafe, _ = pair = article(
            "Protesters gathered outside the Café Mürren before the council vote.\n"
            "The owner of the café said the protest was peaceful.",
            title="Crowd at the café",
        )
        other = article("The council met again on Thursday.", title="Council")
        store.add_articles([pair, other])
        assert [h.article_id for h in store.search("protest")] == [cafe.id]
        assert [h.article_id for h in store.search("cafe murren")] == [cafe.id]
        # "the" is indexed (FTS5 drops no stop words either): a phrase with it matches exactly.
        assert [h.article_id for h in store.search('"owner of the cafe"')] == [cafe.id]
        assert [h.article_id for h in store.search('"owner the cafe"')] == []
        assert len(store.search("council")) == 2
        # websearch syntax: -word excludes.
        assert [h.title for h in store.search("council -protest")] == ["Council"]


def test_search_snippets_mark_matches_and_ellipsize_like_fts5(postgres_url: str) -> None:
    long_text = " ".join(f"Filler sentence number {i} says little." for i in range(40))
    long_text += " Then the lighthouse keeper retired. " + long_text
    with PostgresStore(postgres_url) as store:
        store.add_articles([article(long_text, title="Keeper")])
        (hit,) = store.search("lighthouse")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["lighthouse"]
    assert len(hit.snippet.split()) <= 20


def test_concurrent_writers_store_each_article_once(postgres_url: str) -> None:
    batch = [article(f"Report {i} on the tides of the estuary this spring.") for i in range(60)]
    results: list[tuple[int, int]] = []

    def write(part: list[tuple[Article, list[Sentence]]]) -> None:
        with PostgresStore(postgres_url) as store:
            added = store.add_articles(part)
            results.append((len(added.new), len(added.existing)))

    threads = [threading.Thread(target=write, args=(batch[i : i + 40],)) for i in (0, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(new for new, _ in results) == 60
    assert sum(old for _, old in results) == 20
    with PostgresStore(postgres_url) as store:
        assert store.count_articles() == 60
        assert all(store.get_sentences(a.id) == s for a, s in batch)


# --- the CLI on a PostgreSQL store ------------------------------------------------------------


def test_the_demo_corpus_reads_the_same_from_postgresql_and_sqlite(
    postgres_url: str, tmp_path: Any
) -> None:
    sqlite_db = str(tmp_path / "demo.db")
    outputs: dict[str, list[Any]] = {}
    for db in (postgres_url, sqlite_db):
        run = CliRunner().invoke(cli, ["ingest", str(DEMO), "--db", db, "--no-progress"])
        assert run.exit_code == 0, run.output
        listing = CliRunner().invoke(cli, ["articles", "--db", db, "--json"])
        found = CliRunner().invoke(cli, ["search", "crane collapse", "--db", db, "--json"])
        assert listing.exit_code == 0 and found.exit_code == 0, listing.output + found.output
        hits = json.loads(found.output)
        outputs[db] = [json.loads(listing.output), sorted(h["article_id"] for h in hits)]
    pg, lite = outputs[postgres_url], outputs[sqlite_db]
    assert pg[0] == lite[0] and len(pg[0]) >= 25  # the same articles, in the same order
    assert pg[1] and set(pg[1]) == set(lite[1])  # the same articles match


def test_data_version_changes_when_another_writer_commits(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as reader, PostgresStore(postgres_url) as writer:
        before = reader.data_version()
        assert reader.data_version() == before  # nothing happened
        with writer._write() as conn:  # a write in flight is not yet visible: same version
            conn.execute("INSERT INTO stories (id) VALUES ('s-pending')")
            assert reader.data_version() == before
        after = reader.data_version()
        assert after != before and reader.data_version() == after
