"""The embedded store: one SQLite file (stdlib ``sqlite3``), WAL mode, FTS5 full-text search.

Every mutating method runs in one ``BEGIN IMMEDIATE`` transaction, so a process killed in the
middle of a write leaves the file as it was before that write.  Foreign keys are on; the schema
is built by the named migrations of :mod:`newsweave.store.sqlite_schema`, applied on open.

A :class:`SQLiteStore` object belongs to the thread that opened it (sqlite3's default); open one
per thread or process.  Any number of readers and one writer may share a file at a time.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import groupby
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from newsweave.errors import ConfigError, NotFoundError, StoreError
from newsweave.model import (
    Article,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseLink,
    Sentence,
    Story,
    Summary,
)
from newsweave.store import rows
from newsweave.store.base import (
    AddResult,
    ArticleHeader,
    CitationRef,
    CollectionStats,
    EntityCount,
    OutletStats,
    SearchHit,
    StorySlice,
)
from newsweave.store.checks import (
    check_batch,
    check_entities,
    check_quotes,
    check_stories,
)
from newsweave.store.checks import named as _named
from newsweave.store.sqlite_schema import MIGRATIONS

__all__ = ["SQLiteStore"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000  # wait this long for another process's write before failing
FETCH_SIZE = 500  # rows per fetch when streaming articles
SNIPPET_TOKENS = 16  # words of context in a search snippet (FTS5 allows up to 64)
AMBIGUOUS_SHOWN = 5  # candidate ids named when an id prefix is ambiguous
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"  # snippet() markers, parsed out into offsets
_HEX = re.compile(r"[0-9a-f]+")

# Listing order: by collection (none last), publication date (undated last), outlet, id.  The
# page of ids is chosen first, so sizes and lead sentences are computed only for that page.
_LISTING_ORDER = """a.collection IS NULL, a.collection, a.published IS NULL, a.published,
    a.source, a.id"""
_HEADER_COLUMNS = """
    a.id, a.title, a.url, a.source, a.byline, a.published, a.dateline, a.credits,
    a.language, a.external_id, a.origin, a.collection, a.text_hash,
    length(a.text) AS n_chars,
    (SELECT count(*) FROM sentences s WHERE s.article_id = a.id) AS n_sentences,
    (SELECT s.text FROM sentences s WHERE s.article_id = a.id AND s.idx = 0) AS lead
"""
_HEADER_SELECT = f"""
    SELECT {_HEADER_COLUMNS}
    FROM (SELECT a.seq FROM articles a {{where}} ORDER BY {_LISTING_ORDER} LIMIT ? OFFSET ?)
         AS page
    JOIN articles a ON a.seq = page.seq
    ORDER BY {_LISTING_ORDER}
"""
_ARTICLE_SELECT = f"SELECT {', '.join(rows.ARTICLE_COLUMNS)} FROM articles"
_LINK_COLUMNS_WITHOUT_PASSAGES = (
    "id, source_id, target_id, kind, direction, score, jaccard, containment_source_in_target, "
    "containment_target_in_source, '[]' AS passages, evidence"
)


def _insert_sql(table: str, columns: Iterable[str], suffix: str = "") -> str:
    cols = list(columns)
    names = ", ".join(cols)
    values = ", ".join(f":{c}" for c in cols)
    return f"INSERT INTO {table} ({names}) VALUES ({values}) {suffix}".strip()


def _upsert_sql(table: str, columns: Sequence[str], key: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return _insert_sql(table, columns, f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


class SQLiteStore:
    """A newsweave store in one SQLite file (or ``":memory:"``).  See the module docstring."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            file = Path(self._path).expanduser()
            self._path = str(file)
            if file.is_dir():
                raise StoreError(f"{file} is a directory; --db wants a database file")
            if not file.exists():
                if not create:
                    raise StoreError(
                        f"no newsweave database at {file}; create one with "
                        f"`newsweave ingest PATH... --db {file}`"
                    )
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the directory for {file}: {exc}") from exc
        try:
            self._conn = sqlite3.connect(self._path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self._path}: {exc}") from exc
        try:
            self._setup()
        except StoreError:
            self._conn.close()
            raise
        except sqlite3.Error as exc:
            self._conn.close()
            raise StoreError(
                f"{self._path} is not a newsweave database, or it is damaged (SQLite says: "
                f"{exc}); choose another --db file or move this one aside"
            ) from exc

    # --- connection, transactions, migrations -------------------------------------------------

    def _setup(self) -> None:
        conn = self._conn
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a killed process never corrupts the file or loses a committed batch;
        # only a power cut may lose the last few commits.
        conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _scope (id TEXT PRIMARY KEY)")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _refs (id TEXT PRIMARY KEY)")

    def _migrate(self) -> None:
        conn = self._conn
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if tables and "_migrations" not in tables:
            raise StoreError(
                f"{self._path} is a SQLite database but not a newsweave store "
                f"(it has tables {_named(sorted(tables))}); choose another --db file"
            )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        if not MIGRATIONS.pending(self.applied_migrations(), location=self._path):
            return
        for migration in MIGRATIONS.pending(self.applied_migrations(), location=self._path):
            with self._write():
                # Another process may have applied it since we looked: check inside the lock.
                if migration.name in self.applied_migrations():
                    continue
                log.info("%s: applying migration %s", self._path, migration.name)
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
                )

    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded in the database, in the order they were applied."""
        return [r[0] for r in self._conn.execute("SELECT name FROM _migrations ORDER BY rowid")]

    @property
    def location(self) -> str:
        return self._path

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self._path}: write refused: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self._path}: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back on any exception."""
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:  # some errors roll back by themselves
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._errors():
            return self._conn.execute(sql, params).fetchall()

    def _fill(self, table: str, ids: Iterable[str]) -> None:
        """Load ``ids`` into the temp table ``table`` (``_scope`` or ``_refs``)."""
        self._conn.execute(f"DELETE FROM temp.{table}")
        self._conn.executemany(
            f"INSERT OR IGNORE INTO temp.{table} (id) VALUES (?)", ((i,) for i in ids)
        )

    def _require_articles(self, ids: Iterable[str], what: str) -> None:
        self._fill("_refs", ids)
        missing = [
            r[0]
            for r in self._conn.execute(
                "SELECT r.id FROM temp._refs r WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = r.id) ORDER BY r.id"
            )
        ]
        if missing:
            raise StoreError(
                f"{what} refer to articles not in {self._path}: {_named(missing)}; "
                "ingest the articles first"
            )

    # --- articles and sentences ---------------------------------------------------------------

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Sentence]]]) -> AddResult:
        if not batch:
            return AddResult()
        check_batch(batch)
        new: list[str] = []
        existing: list[str] = []
        with self._write() as conn:
            self._fill("_refs", (article.id for article, _ in batch))
            seen = {
                r[0]
                for r in conn.execute("SELECT r.id FROM temp._refs r JOIN articles a USING (id)")
            }
            article_rows: list[dict[str, Any]] = []
            sentence_rows: list[dict[str, Any]] = []
            for article, sentences in batch:
                if article.id in seen:
                    existing.append(article.id)
                    continue
                seen.add(article.id)
                new.append(article.id)
                article_rows.append(rows.article_to_row(article))
                sentence_rows.extend(rows.sentence_to_row(s) for s in sentences)
            if article_rows:
                last = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
                conn.executemany(_insert_sql("articles", article_rows[0]), article_rows)
                conn.execute(
                    "INSERT INTO articles_fts (rowid, title, text) "
                    "SELECT seq, title, text FROM articles WHERE seq > ?",
                    (last,),
                )
            if sentence_rows:
                conn.executemany(_insert_sql("sentences", sentence_rows[0]), sentence_rows)
        return AddResult(tuple(new), tuple(existing))

    def get_article(self, article_id: str) -> Article:
        found = self._query(f"{_ARTICLE_SELECT} WHERE id = ?", (article_id,))
        if not found:
            raise NotFoundError(f"no article {article_id} in {self._path}")
        return rows.article_from_row(found[0])

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        wanted = list(article_ids)
        with self._errors():
            self._fill("_refs", wanted)
            found = {
                row["id"]: rows.article_from_row(row)
                for row in self._conn.execute(
                    f"{_ARTICLE_SELECT} WHERE id IN (SELECT id FROM temp._refs)"
                )
            }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"no article {_named(missing)} in {self._path}")
        return [found[i] for i in wanted]

    def resolve_article_id(self, ref: str) -> str:
        ref = ref.strip()
        if not ref:
            raise NotFoundError("an article id is needed")
        if self._query("SELECT 1 FROM articles WHERE id = ?", (ref,)):
            return ref
        candidates: list[str] = []
        if _HEX.fullmatch(ref):
            candidates = [
                r[0]
                for r in self._query(
                    "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                    (ref, ref + "g", AMBIGUOUS_SHOWN + 1),
                )
            ]
        if not candidates:
            candidates = [
                r[0]
                for r in self._query(
                    "SELECT id FROM articles WHERE external_id = ? ORDER BY id LIMIT ?",
                    (ref, AMBIGUOUS_SHOWN + 1),
                )
            ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise NotFoundError(
                f"{ref!r} matches several articles ({_named(candidates)}); give more of the id"
            )
        raise NotFoundError(f"no article {ref!r} in {self._path} (not an id, prefix or record id)")

    def iter_articles(self, *, collection: str | None = None) -> Iterator[Article]:
        sql, params = f"{_ARTICLE_SELECT} ORDER BY id", []
        if collection is not None:
            sql, params = f"{_ARTICLE_SELECT} WHERE collection = ? ORDER BY id", [collection]
        with self._errors():
            cursor = self._conn.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH_SIZE):
                yield from (rows.article_from_row(r) for r in chunk)

    def list_articles(
        self, *, collection: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ArticleHeader]:
        where, params = ("WHERE a.collection = ?", [collection]) if collection else ("", [])
        found = self._query(
            _HEADER_SELECT.format(where=where),
            [*params, -1 if limit is None else limit, offset],
        )
        return [rows.header_from_row(r) for r in found]

    def count_articles(self, *, collection: str | None = None) -> int:
        if collection is None:
            return int(self._query("SELECT count(*) FROM articles")[0][0])
        found = self._query("SELECT count(*) FROM articles WHERE collection = ?", (collection,))
        return int(found[0][0])

    def collections(self) -> list[CollectionStats]:
        found = self._query(
            """SELECT collection, count(*), count(DISTINCT source), min(published),
                      max(published)
               FROM articles GROUP BY collection
               ORDER BY collection IS NULL, collection"""
        )
        return [
            CollectionStats(
                name=r[0],
                n_articles=int(r[1]),
                n_outlets=int(r[2]),
                first_published=datetime.fromisoformat(r[3]) if r[3] else None,
                last_published=datetime.fromisoformat(r[4]) if r[4] else None,
            )
            for r in found
        ]

    def get_sentences(self, article_id: str) -> list[Sentence]:
        found = self._query(
            "SELECT * FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,)
        )
        return [rows.sentence_from_row(r) for r in found]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        if not query.strip():
            raise ConfigError("search: the query is empty; give one or more words")
        if limit < 1:
            raise ConfigError(f"search: limit must be at least 1, not {limit}")
        try:
            try:
                found = self._fts(query, limit)
            except sqlite3.OperationalError as exc:
                # Not FTS5 query syntax (a stray quote, "-", a dangling AND, an unknown column):
                # search its words as quoted terms, which always parse.
                log.info("search: %r is not an FTS5 query (%s); searching its words", query, exc)
                words = " ".join('"{}"'.format(w.replace('"', '""')) for w in query.split())
                found = self._fts(words, limit)
        except sqlite3.Error as exc:
            raise StoreError(f"{self._path}: search failed: {exc}") from exc
        hits = []
        for r in found:
            snippet, highlights = _parse_snippet(r["snippet"] or "")
            hits.append(
                SearchHit(
                    article_id=r["id"],
                    title=r["title"],
                    source=r["source"],
                    published=datetime.fromisoformat(r["published"]) if r["published"] else None,
                    collection=r["collection"],
                    snippet=snippet,
                    highlights=highlights,
                    score=-float(r["rank"]),
                )
            )
        return hits

    def _fts(self, match: str, limit: int) -> list[sqlite3.Row]:
        return self._conn.execute(
            f"""SELECT a.id, a.title, a.source, a.published, a.collection,
                       snippet(articles_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet,
                       bm25(articles_fts) AS rank
                FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
                WHERE articles_fts MATCH ?
                ORDER BY rank, a.id LIMIT ?""",
            (_HIT_OPEN, _HIT_CLOSE, match, limit),
        ).fetchall()

    # --- reuse --------------------------------------------------------------------------------

    def replace_reuse_links(
        self, links: Iterable[ReuseLink], *, among: Collection[str] | None = None
    ) -> None:
        link_rows = {link.id: rows.reuse_to_row(link) for link in links}
        with self._write() as conn:
            ends = {r["source_id"] for r in link_rows.values()}
            ends |= {r["target_id"] for r in link_rows.values()}
            self._require_articles(ends, "reuse links")
            if among is None:
                conn.execute("DELETE FROM reuse_links")
            else:
                self._fill("_scope", among)
                conn.execute(
                    """DELETE FROM reuse_links
                       WHERE source_id IN (SELECT id FROM temp._scope)
                         AND target_id IN (SELECT id FROM temp._scope)"""
                )
            if link_rows:
                values = list(link_rows.values())
                conn.executemany(_upsert_sql("reuse_links", list(values[0]), "id"), values)

    def reuse_links(
        self,
        *,
        article_id: str | None = None,
        among: Collection[str] | None = None,
        passages: bool = True,
    ) -> list[ReuseLink]:
        clauses: list[str] = []
        params: list[Any] = []
        if article_id is not None:
            clauses.append("(source_id = ? OR target_id = ?)")
            params += [article_id, article_id]
        with self._errors():
            if among is not None:
                self._fill("_refs", among)
                clauses.append(
                    "source_id IN (SELECT id FROM temp._refs) "
                    "AND target_id IN (SELECT id FROM temp._refs)"
                )
            where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
            columns = "*" if passages else _LINK_COLUMNS_WITHOUT_PASSAGES
            found = self._conn.execute(
                f"SELECT {columns} FROM reuse_links {where} ORDER BY source_id, target_id", params
            ).fetchall()
        return [rows.reuse_from_row(r) for r in found]

    # --- stories and summaries ----------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        new = check_stories(stories)
        ids = [s.id for s in new]
        with self._write() as conn:
            self._require_articles((a for s in new for a in s.article_ids), "stories")
            self._fill("_scope", ids)
            conn.execute("DELETE FROM stories WHERE id NOT IN (SELECT id FROM temp._scope)")
            if not new:
                return
            story_rows = [rows.story_to_row(s) for s in new]
            conn.executemany(_upsert_sql("stories", list(story_rows[0]), "id"), story_rows)
            conn.execute(
                "DELETE FROM story_articles WHERE story_id IN (SELECT id FROM temp._scope)"
            )
            conn.executemany(
                "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
                ((s.id, a, pos) for s in new for pos, a in enumerate(s.article_ids)),
            )

    def _stories(self, where: str = "", params: Sequence[Any] = ()) -> list[Story]:
        with self._errors():
            heads = self._conn.execute(
                f"""SELECT * FROM stories {where}
                    ORDER BY first_published IS NULL, first_published, id""",
                params,
            ).fetchall()
            members = self._conn.execute(
                f"""SELECT story_id, article_id FROM story_articles
                    WHERE story_id IN (SELECT id FROM stories {where})
                    ORDER BY story_id, position""",
                params,
            ).fetchall()
        by_story = {k: [m[1] for m in g] for k, g in groupby(members, key=lambda m: m[0])}
        return [rows.story_from_row(h, by_story.get(h["id"], [])) for h in heads]

    def stories(self) -> list[Story]:
        return self._stories()

    def get_story(self, story_id: str) -> Story:
        found = self._stories("WHERE id = ?", (story_id,))
        if not found:
            raise NotFoundError(f"no story {story_id} in {self._path}")
        return found[0]

    def stories_of_article(self, article_id: str) -> list[Story]:
        return self._stories(
            "WHERE id IN (SELECT story_id FROM story_articles WHERE article_id = ?)",
            (article_id,),
        )

    def save_summary(self, summary: Summary) -> None:
        head, sentence_rows, citation_rows = rows.summary_to_rows(summary)
        with self._write() as conn:
            if not conn.execute(
                "SELECT 1 FROM stories WHERE id = ?", (summary.story_id,)
            ).fetchone():
                raise StoreError(
                    f"cannot save a summary of story {summary.story_id}: no such story in "
                    f"{self._path}"
                )
            self._require_articles({c["article_id"] for c in citation_rows}, "summary citations")
            conn.execute("DELETE FROM summaries WHERE story_id = ?", (summary.story_id,))
            conn.execute(_insert_sql("summaries", head), head)
            if sentence_rows:
                conn.executemany(_insert_sql("summary_sentences", sentence_rows[0]), sentence_rows)
            if citation_rows:
                conn.executemany(_insert_sql("citations", citation_rows[0]), citation_rows)

    def get_summary(self, story_id: str) -> Summary | None:
        head = self._query("SELECT * FROM summaries WHERE story_id = ?", (story_id,))
        if not head:
            return None
        sentences = self._query("SELECT * FROM summary_sentences WHERE story_id = ?", (story_id,))
        citations = self._query("SELECT * FROM citations WHERE story_id = ?", (story_id,))
        return rows.summary_from_rows(head[0], sentences, citations)

    def citations_of_article(self, article_id: str) -> list[CitationRef]:
        found = self._query(
            """SELECT * FROM citations WHERE article_id = ?
               ORDER BY story_id, sentence_position, position""",
            (article_id,),
        )
        return [
            CitationRef(r["story_id"], int(r["sentence_position"]), rows.citation_from_row(r))
            for r in found
        ]

    # --- quotes and entities ------------------------------------------------------------------

    def replace_quotes(self, article_ids: Iterable[str], quotes: Iterable[Quote]) -> None:
        scope = set(article_ids)
        checked = check_quotes(scope, quotes)
        quote_rows = {i: rows.quote_to_row(q) for i, q in checked.items()}
        with self._write() as conn:
            self._require_articles({r["article_id"] for r in quote_rows.values()}, "quotes")
            self._fill("_scope", scope)
            conn.execute("DELETE FROM quotes WHERE article_id IN (SELECT id FROM temp._scope)")
            if quote_rows:
                values = list(quote_rows.values())
                conn.executemany(_insert_sql("quotes", values[0]), values)

    def quotes(
        self,
        *,
        article_id: str | None = None,
        speaker: str | None = None,
        entity_id: str | None = None,
        article_ids: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Quote]:
        clauses: list[str] = []
        params: list[Any] = []
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        if speaker is not None:
            clauses.append("speaker_text = ? COLLATE NOCASE")
            params.append(speaker)
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(entity_id)
        with self._errors():
            if article_ids is not None:
                self._fill("_refs", article_ids)
                clauses.append("article_id IN (SELECT id FROM temp._refs)")
            where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
            found = self._conn.execute(
                f"""SELECT * FROM quotes {where}
                    ORDER BY article_id, content_start, content_end LIMIT ?""",
                [*params, -1 if limit is None else max(limit, 0)],
            ).fetchall()
        return [rows.quote_from_row(r) for r in found]

    def replace_entities(self, article_ids: Iterable[str], entities: Iterable[Entity]) -> None:
        scope = set(article_ids)
        new = check_entities(scope, entities)
        mention_rows = [rows.mention_to_row(m, e.id) for e in new for m in e.mentions]
        with self._write() as conn:
            self._require_articles({m["article_id"] for m in mention_rows}, "entity mentions")
            self._fill("_scope", scope)
            affected = [
                r[0]
                for r in conn.execute(
                    """SELECT DISTINCT owner_id FROM mentions
                       WHERE article_id IN (SELECT id FROM temp._scope)"""
                )
            ]
            conn.execute("DELETE FROM mentions WHERE article_id IN (SELECT id FROM temp._scope)")
            conn.executemany(
                """DELETE FROM entities WHERE id = ?
                   AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.owner_id = entities.id)""",
                ((i,) for i in affected),
            )
            if new:
                entity_rows = [rows.entity_to_row(e) for e in new]
                conn.executemany(_upsert_sql("entities", list(entity_rows[0]), "id"), entity_rows)
            if mention_rows:
                conn.executemany(
                    _insert_sql("mentions", mention_rows[0], "ON CONFLICT DO NOTHING"),
                    mention_rows,
                )

    def _entities(self, where: str = "", params: Sequence[Any] = ()) -> list[Entity]:
        with self._errors():
            heads = self._conn.execute(
                f"SELECT * FROM entities {where} ORDER BY name, id", params
            ).fetchall()
            mentions = self._conn.execute(
                f"""SELECT * FROM mentions WHERE owner_id IN (SELECT id FROM entities {where})
                    ORDER BY owner_id, article_id, start_char, end_char""",
                params,
            ).fetchall()
        by_owner = {k: list(g) for k, g in groupby(mentions, key=lambda m: m["owner_id"])}
        return [rows.entity_from_row(h, by_owner.get(h["id"], [])) for h in heads]

    def entities(self, *, type: EntityType | None = None) -> list[Entity]:
        if type is None:
            return self._entities()
        return self._entities("WHERE type = ?", (EntityType(type).value,))

    def get_entity(self, entity_id: str) -> Entity:
        found = self._entities("WHERE id = ?", (entity_id,))
        if not found:
            raise NotFoundError(f"no entity {entity_id} in {self._path}")
        return found[0]

    def mentions(self, article_id: str) -> list[Mention]:
        found = self._query(
            """SELECT * FROM mentions WHERE article_id = ?
               ORDER BY start_char, end_char, owner_id""",
            (article_id,),
        )
        return [rows.mention_from_row(r) for r in found]

    # --- reads for browsing -------------------------------------------------------------------

    def data_version(self) -> int:
        # SQLite's own counter: it changes when another connection (this process or another)
        # commits to the file; this connection's own commits do not change it.
        return int(self._query("PRAGMA data_version")[0][0])

    def article_headers(self, article_ids: Iterable[str]) -> list[ArticleHeader]:
        wanted = list(article_ids)
        with self._errors():
            self._fill("_refs", wanted)
            found = {
                row["id"]: rows.header_from_row(row)
                for row in self._conn.execute(
                    f"SELECT {_HEADER_COLUMNS} FROM articles a"
                    " WHERE a.id IN (SELECT id FROM temp._refs)"
                )
            }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"no article {_named(missing)} in {self._path}")
        return [found[i] for i in wanted]

    def outlets(self) -> list[OutletStats]:
        found = self._query(
            """SELECT source, count(*), min(published), max(published) FROM articles
               WHERE source IS NOT NULL GROUP BY source ORDER BY source"""
        )
        return [
            OutletStats(
                name=r[0],
                n_articles=int(r[1]),
                first_published=datetime.fromisoformat(r[2]) if r[2] else None,
                last_published=datetime.fromisoformat(r[3]) if r[3] else None,
            )
            for r in found
        ]

    def find_stories(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        outlet: str | None = None,
        entity_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> StorySlice:
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("substr(coalesce(last_published, first_published), 1, 10) >= ?")
            params.append(since.isoformat())
        if until is not None:
            clauses.append("substr(coalesce(first_published, last_published), 1, 10) <= ?")
            params.append(until.isoformat())
        if outlet is not None:
            clauses.append(
                """id IN (SELECT sa.story_id FROM articles a
                          JOIN story_articles sa ON sa.article_id = a.id WHERE a.source = ?)"""
            )
            params.append(outlet)
        if entity_id is not None:
            clauses.append(
                """id IN (SELECT sa.story_id FROM mentions m
                          JOIN story_articles sa ON sa.article_id = m.article_id
                          WHERE m.owner_id = ?)"""
            )
            params.append(entity_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._errors():
            total = int(
                self._conn.execute(f"SELECT count(*) FROM stories {where}", params).fetchone()[0]
            )
            page = [
                r[0]
                for r in self._conn.execute(
                    f"""SELECT id FROM stories {where}
                        ORDER BY last_published IS NULL, last_published DESC, id
                        LIMIT ? OFFSET ?""",
                    [*params, -1 if limit is None else max(limit, 0), max(offset, 0)],
                )
            ]
            self._fill("_scope", page)
            found = {s.id: s for s in self._stories("WHERE id IN (SELECT id FROM temp._scope)")}
        return StorySlice(total, tuple(found[i] for i in page))

    def entity_counts(
        self, article_ids: Collection[str], *, limit: int | None = None
    ) -> list[EntityCount]:
        with self._errors():
            self._fill("_refs", article_ids)
            found = self._conn.execute(
                """SELECT e.id, e.name, e.type, count(DISTINCT m.article_id), count(*) AS n
                   FROM mentions m JOIN entities e ON e.id = m.owner_id
                   WHERE m.article_id IN (SELECT id FROM temp._refs)
                   GROUP BY e.id
                   ORDER BY 4 DESC, 5 DESC, e.name, e.id LIMIT ?""",
                (-1 if limit is None else max(limit, 0),),
            ).fetchall()
        return [EntityCount(r[0], r[1], EntityType(r[2]), int(r[3]), int(r[4])) for r in found]

    def find_entities(self, text: str, *, limit: int = 20) -> list[EntityCount]:
        needle = text.strip().lower()
        if not needle:
            return []
        pattern = like_pattern(needle)
        found = self._query(
            """SELECT e.id, e.name, e.type,
                      (SELECT count(DISTINCT m.article_id) FROM mentions m
                       WHERE m.owner_id = e.id) AS n_articles,
                      (SELECT count(*) FROM mentions m WHERE m.owner_id = e.id) AS n_mentions
               FROM entities e
               WHERE lower(e.name) LIKE ? ESCAPE '\\' OR lower(e.aliases) LIKE ? ESCAPE '\\'
               ORDER BY lower(e.name) = ? DESC, n_articles DESC, n_mentions DESC, e.name, e.id
               LIMIT ?""",
            (pattern, pattern, needle, max(limit, 0)),
        )
        return [EntityCount(r[0], r[1], EntityType(r[2]), int(r[3]), int(r[4])) for r in found]


def like_pattern(needle: str) -> str:
    """A LIKE pattern matching ``needle`` anywhere, its wildcards escaped with backslashes."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _parse_snippet(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Strip the snippet() markers, returning the text and the marked ranges in it."""
    out: list[str] = []
    highlights: list[tuple[int, int]] = []
    start: int | None = None
    for ch in marked:
        if ch == _HIT_OPEN:
            start = len(out)
        elif ch == _HIT_CLOSE:
            if start is not None:
                highlights.append((start, len(out)))
            start = None
        else:
            out.append(" " if ch in "\r\n\t" else ch)
    return "".join(out), tuple(highlights)
