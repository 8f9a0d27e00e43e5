"""The PostgreSQL schema: the SQLite store's named migrations, one for one, in PostgreSQL's SQL.

Every migration of :mod:`newsweave.store.sqlite_schema` has a namesake here, in the same order
(checked when :mod:`newsweave.store.postgres` is imported), so a database of either kind records
the same ``_migrations`` names for the same schema version.  This module is the one place where
the two dialects differ; the columns, their meaning and the row conversion
(:mod:`newsweave.store.rows`) are shared:

* ``INTEGER PRIMARY KEY`` row ids become identity columns; ``WITHOUT ROWID`` goes;
* ``REAL`` becomes ``double precision`` (PostgreSQL's ``real`` is 4 bytes: scores would not
  round-trip);
* text that is compared or sorted is ``COLLATE "C"``: byte order, as SQLite sorts, whatever the
  database's locale; ``COLLATE NOCASE`` indexes become ``lower(...)`` expression indexes;
* full-text search is a generated ``tsvector`` column with a GIN index instead of an FTS5
  table kept by triggers, with a text search configuration that mirrors FTS5's
  ``porter unicode61 remove_diacritics``: Snowball English stems, no stop words dropped, and
  diacritics folded by the ``unaccent`` extension when the database lets us create it.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from newsweave.store.migrations import Migrations

__all__ = ["FTS_CONFIG", "FTS_MAX_CHARS", "MIGRATIONS"]

log = logging.getLogger(__name__)

MIGRATIONS: Migrations[psycopg.Connection[Any]] = Migrations("postgresql")

FTS_CONFIG = "newsweave_fts"  # the text search configuration, in the store's schema
FTS_DICTIONARY = "newsweave_stem"
# Characters of an article's text that are indexed for search: a tsvector holds at most 1 MB,
# which a pathological text (hundreds of thousands of distinct tokens) could exceed and so fail
# the insert.  News articles are far shorter (cleaning rejects bodies over 1,000,000 chars;
# the longest demo and Multi-News articles are under 30,000).
FTS_MAX_CHARS = 300_000
C_TEXT = 'text COLLATE "C"'  # byte-ordered text, as SQLite compares and sorts

Conn = psycopg.Connection[Any]


def _run(conn: Conn, *statements: str) -> None:
    for statement in statements:
        conn.execute(statement)


@MIGRATIONS
def m001_articles_and_sentences(conn: Conn) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE articles (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id {C_TEXT} NOT NULL UNIQUE,
            text text NOT NULL,
            title text NOT NULL DEFAULT '',
            url text,
            source {C_TEXT},
            byline text,
            published {C_TEXT},
            dateline text,
            credits text NOT NULL DEFAULT '[]',
            language text,
            paragraphs text NOT NULL DEFAULT '[]',
            external_id {C_TEXT},
            origin text,
            collection {C_TEXT},
            text_hash {C_TEXT} NOT NULL
        )
        """,
        "CREATE INDEX articles_collection ON articles (collection, published)",
        "CREATE INDEX articles_published ON articles (published)",
        "CREATE INDEX articles_text_hash ON articles (text_hash)",
        "CREATE INDEX articles_external_id ON articles (external_id)",
        f"""
        CREATE TABLE sentences (
            article_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            idx integer NOT NULL,
            start_char integer NOT NULL,
            end_char integer NOT NULL,
            text text NOT NULL,
            paragraph integer NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, idx)
        )
        """,
    )


def _unaccent_dictionary(conn: Conn) -> str | None:
    """The schema-qualified ``unaccent`` dictionary, creating the extension if we may."""
    try:
        with conn.transaction():  # a savepoint: a refusal must not abort the migration
            conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except psycopg.Error as exc:
        log.warning(
            "the unaccent extension is not available (%s); search will not fold diacritics. "
            "A superuser can run CREATE EXTENSION unaccent in this database.",
            str(exc).strip(),
        )
    with conn.cursor(row_factory=tuple_row) as cur:
        found = cur.execute(
            """SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
               FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
               WHERE d.dictname = 'unaccent' ORDER BY n.nspname LIMIT 1"""
        ).fetchone()
    return str(found[0]) if found else None


@MIGRATIONS
def m002_articles_fts(conn: Conn) -> None:
    # Title weighted A, body B: ts_rank then favours articles whose headline matches, as a
    # matching title (a short column) weighs in FTS5's BM25.
    unaccent = _unaccent_dictionary(conn)
    filters = f"{unaccent}, {FTS_DICTIONARY}" if unaccent else FTS_DICTIONARY
    _run(
        conn,
        f"CREATE TEXT SEARCH DICTIONARY {FTS_DICTIONARY} (TEMPLATE = snowball, Language = english)",
        f"CREATE TEXT SEARCH CONFIGURATION {FTS_CONFIG} (COPY = pg_catalog.simple)",
        f"""ALTER TEXT SEARCH CONFIGURATION {FTS_CONFIG}
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH {filters}""",
        f"""
        ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{FTS_CONFIG}', title), 'A')
            || setweight(to_tsvector('{FTS_CONFIG}', left(text, {FTS_MAX_CHARS})), 'B')
        ) STORED
        """,
        "CREATE INDEX articles_search ON articles USING gin (search)",
    )


@MIGRATIONS
def m003_reuse_links(conn: Conn) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE reuse_links (
            id {C_TEXT} PRIMARY KEY,
            source_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            target_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            kind text NOT NULL,
            direction text NOT NULL,
            score double precision NOT NULL,
            jaccard double precision NOT NULL,
            containment_source_in_target double precision NOT NULL,
            containment_target_in_source double precision NOT NULL,
            passages text NOT NULL DEFAULT '[]',
            evidence text NOT NULL DEFAULT '[]'
        )
        """,
        "CREATE INDEX reuse_links_source ON reuse_links (source_id)",
        "CREATE INDEX reuse_links_target ON reuse_links (target_id)",
    )


@MIGRATIONS
def m004_stories(conn: Conn) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE stories (
            id {C_TEXT} PRIMARY KEY,
            title text NOT NULL DEFAULT '',
            first_published {C_TEXT},
            last_published {C_TEXT},
            n_outlets integer NOT NULL DEFAULT 0,
            n_origins integer NOT NULL DEFAULT 0,
            method text NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX stories_first_published ON stories (first_published)",
        f"""
        CREATE TABLE story_articles (
            story_id {C_TEXT} NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            article_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            position integer NOT NULL,
            PRIMARY KEY (story_id, article_id)
        )
        """,
        "CREATE INDEX story_articles_article ON story_articles (article_id)",
    )


@MIGRATIONS
def m005_summaries(conn: Conn) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE summaries (
            story_id {C_TEXT} PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
            method text NOT NULL,
            word_budget integer NOT NULL
        )
        """,
        f"""
        CREATE TABLE summary_sentences (
            story_id {C_TEXT} NOT NULL REFERENCES summaries (story_id) ON DELETE CASCADE,
            position integer NOT NULL,
            text text NOT NULL,
            n_origins integer NOT NULL,
            PRIMARY KEY (story_id, position)
        )
        """,
        f"""
        CREATE TABLE citations (
            story_id {C_TEXT} NOT NULL,
            sentence_position integer NOT NULL,
            position integer NOT NULL,
            article_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            sentence_index integer NOT NULL,
            start_char integer NOT NULL,
            end_char integer NOT NULL,
            score double precision NOT NULL,
            PRIMARY KEY (story_id, sentence_position, position),
            FOREIGN KEY (story_id, sentence_position)
                REFERENCES summary_sentences (story_id, position) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX citations_article ON citations (article_id)",
    )


@MIGRATIONS
def m006_quotes_and_entities(conn: Conn) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE entities (
            id {C_TEXT} PRIMARY KEY,
            name {C_TEXT} NOT NULL,
            type text NOT NULL,
            aliases text NOT NULL DEFAULT '[]'
        )
        """,
        "CREATE INDEX entities_name ON entities (lower(name))",
        f"""
        CREATE TABLE mentions (
            owner_id {C_TEXT} NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
            article_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            start_char integer NOT NULL,
            end_char integer NOT NULL,
            text text NOT NULL,
            type text NOT NULL,
            entity_id {C_TEXT},
            PRIMARY KEY (owner_id, article_id, start_char, end_char)
        )
        """,
        "CREATE INDEX mentions_article ON mentions (article_id, start_char)",
        f"""
        CREATE TABLE quotes (
            id {C_TEXT} PRIMARY KEY,
            article_id {C_TEXT} NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            content_start integer NOT NULL,
            content_end integer NOT NULL,
            text text NOT NULL,
            direct integer NOT NULL,
            speaker_start integer,
            speaker_end integer,
            speaker_text {C_TEXT},
            cue_start integer,
            cue_end integer,
            cue_text text,
            entity_id {C_TEXT}
        )
        """,
        "CREATE INDEX quotes_article ON quotes (article_id, content_start)",
        "CREATE INDEX quotes_speaker ON quotes (lower(speaker_text))",
        "CREATE INDEX quotes_entity ON quotes (entity_id)",
    )


@MIGRATIONS
def m007_article_source_offsets(conn: Conn) -> None:
    _run(conn, "ALTER TABLE articles ADD COLUMN source_offsets text NOT NULL DEFAULT '[]'")


@MIGRATIONS
def m008_bulk_fts_and_listing_index(conn: Conn) -> None:
    # The generated search column needs no bulk step (SQLite's m008 dropped an insert trigger);
    # the listing index covers the listing order, NULL collections and dates last as listed.
    _run(
        conn,
        "DROP INDEX IF EXISTS articles_collection",
        """CREATE INDEX articles_collection
           ON articles (collection NULLS LAST, published NULLS LAST, source NULLS FIRST, id)""",
    )


@MIGRATIONS
def m009_quote_parts_and_mention_kinds(conn: Conn) -> None:
    _run(
        conn,
        "ALTER TABLE quotes ADD COLUMN parts text NOT NULL DEFAULT '[]'",
        "ALTER TABLE mentions ADD COLUMN kind text NOT NULL DEFAULT 'name'",
    )


@MIGRATIONS
def m010_browse_indexes(conn: Conn) -> None:
    # The web UI's listings: stories newest first, and an outlet's articles by date.
    _run(
        conn,
        "CREATE INDEX stories_last_published ON stories (last_published)",
        "CREATE INDEX articles_source ON articles (source, published, id)",
    )
