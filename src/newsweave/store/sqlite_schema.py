"""The SQLite schema, as named migrations (see :mod:`newsweave.store.migrations`).

Conventions: character offsets are ``start_char``/``end_char`` (``end`` is reserved in SQL);
datetimes are ISO 8601 text; JSON columns hold what is only ever read whole.  Everything derived
from an article references it with ``ON DELETE CASCADE``.
"""

from __future__ import annotations

import sqlite3

from newsweave.store.migrations import Migrations

__all__ = ["MIGRATIONS"]

MIGRATIONS: Migrations[sqlite3.Connection] = Migrations("sqlite")


def _run(conn: sqlite3.Connection, *statements: str) -> None:
    # One statement at a time: executescript() would COMMIT the migration's transaction.
    for statement in statements:
        conn.execute(statement)


@MIGRATIONS
def m001_articles_and_sentences(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,          -- stable rowid, used by the full-text index
            id TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            url TEXT,
            source TEXT,
            byline TEXT,
            published TEXT,
            dateline TEXT,
            credits TEXT NOT NULL DEFAULT '[]',     -- JSON list of str
            language TEXT,
            paragraphs TEXT NOT NULL DEFAULT '[]',  -- JSON list of [start, end)
            external_id TEXT,
            origin TEXT,
            collection TEXT,
            text_hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX articles_collection ON articles (collection, published)",
        "CREATE INDEX articles_published ON articles (published)",
        "CREATE INDEX articles_text_hash ON articles (text_hash)",
        "CREATE INDEX articles_external_id ON articles (external_id)",
        """
        CREATE TABLE sentences (
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            paragraph INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, idx)
        ) WITHOUT ROWID
        """,
    )


@MIGRATIONS
def m002_articles_fts(conn: sqlite3.Connection) -> None:
    # An external-content FTS5 index over title and text, kept in step by triggers.  Porter
    # stemming so "protest" finds "protesters"; diacritics folded so "Assad" finds "Asad".
    _run(
        conn,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5 (
            title, text,
            content='articles', content_rowid='seq',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
        """
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
        END
        """,
        """
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
        END
        """,
        """
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
        END
        """,
        "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
    )


@MIGRATIONS
def m003_reuse_links(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE reuse_links (
            id TEXT PRIMARY KEY,              -- hash of the unordered article pair
            source_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            target_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            direction TEXT NOT NULL,
            score REAL NOT NULL,
            jaccard REAL NOT NULL,
            containment_source_in_target REAL NOT NULL,
            containment_target_in_source REAL NOT NULL,
            passages TEXT NOT NULL DEFAULT '[]',  -- JSON list of aligned passages
            evidence TEXT NOT NULL DEFAULT '[]'   -- JSON list of str
        )
        """,
        "CREATE INDEX reuse_links_source ON reuse_links (source_id)",
        "CREATE INDEX reuse_links_target ON reuse_links (target_id)",
    )


@MIGRATIONS
def m004_stories(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            first_published TEXT,
            last_published TEXT,
            n_outlets INTEGER NOT NULL DEFAULT 0,
            n_origins INTEGER NOT NULL DEFAULT 0,
            method TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX stories_first_published ON stories (first_published)",
        """
        CREATE TABLE story_articles (
            story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (story_id, article_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX story_articles_article ON story_articles (article_id)",
    )


@MIGRATIONS
def m005_summaries(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE summaries (
            story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
            method TEXT NOT NULL,
            word_budget INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE summary_sentences (
            story_id TEXT NOT NULL REFERENCES summaries (story_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            n_origins INTEGER NOT NULL,
            PRIMARY KEY (story_id, position)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE citations (
            story_id TEXT NOT NULL,
            sentence_position INTEGER NOT NULL,
            position INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            sentence_index INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (story_id, sentence_position, position),
            FOREIGN KEY (story_id, sentence_position)
                REFERENCES summary_sentences (story_id, position) ON DELETE CASCADE
        ) WITHOUT ROWID
        """,
        "CREATE INDEX citations_article ON citations (article_id)",
    )


@MIGRATIONS
def m006_quotes_and_entities(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '[]'  -- JSON list of str
        )
        """,
        "CREATE INDEX entities_name ON entities (name COLLATE NOCASE)",
        """
        CREATE TABLE mentions (
            owner_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            type TEXT NOT NULL,
            entity_id TEXT,                   -- Mention.entity_id as given (may be NULL)
            PRIMARY KEY (owner_id, article_id, start_char, end_char)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX mentions_article ON mentions (article_id, start_char)",
        """
        CREATE TABLE quotes (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            content_start INTEGER NOT NULL,
            content_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            direct INTEGER NOT NULL,
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_text TEXT,
            cue_start INTEGER,
            cue_end INTEGER,
            cue_text TEXT,
            entity_id TEXT                    -- soft reference: entities are replaced apart
        )
        """,
        "CREATE INDEX quotes_article ON quotes (article_id, content_start)",
        "CREATE INDEX quotes_speaker ON quotes (speaker_text COLLATE NOCASE)",
        "CREATE INDEX quotes_entity ON quotes (entity_id)",
    )


@MIGRATIONS
def m007_article_source_offsets(conn: sqlite3.Connection) -> None:
    # Article.source_offsets: (clean offset, source offset) anchors, read whole, so JSON.
    _run(conn, "ALTER TABLE articles ADD COLUMN source_offsets TEXT NOT NULL DEFAULT '[]'")


@MIGRATIONS
def m008_bulk_fts_and_listing_index(conn: sqlite3.Connection) -> None:
    # New articles are indexed by SQLiteStore.add_articles, one INSERT ... SELECT per batch:
    # about 3x faster than the per-row trigger of m002 (measured with benchmarks/store.py).
    # The listing index grows to cover the listing order, so `articles` and per-collection
    # statistics read the index instead of the article texts.
    _run(
        conn,
        "DROP TRIGGER IF EXISTS articles_fts_insert",
        "DROP INDEX IF EXISTS articles_collection",
        "CREATE INDEX articles_collection ON articles (collection, published, source, id)",
    )


@MIGRATIONS
def m009_quote_parts_and_mention_kinds(conn: sqlite3.Connection) -> None:
    # Quote.parts: the pieces of a quote its attribution interrupts, [[start, end], ...] in the
    # quote's article, read whole, so JSON.  Mention.kind: "name", "description" or "pronoun".
    _run(
        conn,
        "ALTER TABLE quotes ADD COLUMN parts TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE mentions ADD COLUMN kind TEXT NOT NULL DEFAULT 'name'",
    )


@MIGRATIONS
def m010_browse_indexes(conn: sqlite3.Connection) -> None:
    # For the web UI's listings: stories newest first, and outlets.  The outlet index covers
    # (source, published, id) so that counting an outlet's articles or finding its stories never
    # reads the article rows (whose text comes before these columns and may overflow pages).
    _run(
        conn,
        "CREATE INDEX stories_last_published ON stories (last_published)",
        "CREATE INDEX articles_source ON articles (source, published, id)",
    )
