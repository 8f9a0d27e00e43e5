"""The shared store: a PostgreSQL database (psycopg 3), full-text search with ``tsvector``.

Open it with a libpq URL, ``postgresql://user:password@host:5432/dbname`` (``postgres://`` too;
any libpq parameter may follow as a query string, e.g. ``?options=-csearch_path%3Dnews`` to
keep newsweave's tables in their own schema).  The database must exist; newsweave creates its
tables in it with the same named migrations as the SQLite store
(:mod:`newsweave.store.postgres_schema`) and refuses a schema that holds other tables.

Every mutating method is one transaction, with the same semantics as
:class:`~newsweave.store.SQLiteStore` (see :mod:`newsweave.store.base`); any number of processes
may read and write at once.  Ordering matches SQLite byte for byte: ids and names sort in
byte order (``COLLATE "C"``), NULLs where SQLite puts them.  Search ranks with ``ts_rank``
(title matches weigh more) and cuts snippets with ``ts_headline``; a query is read with
``websearch_to_tsquery`` (words, ``"a phrase"``, ``or``, ``-word``), which accepts any input.

A :class:`PostgresStore` holds one connection: use it from one thread at a time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import groupby
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg.rows import dict_row

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
from newsweave.store.checks import (
    named as _named,
)
from newsweave.store.postgres_schema import FTS_CONFIG, MIGRATIONS
from newsweave.store.sqlite import (
    _HEADER_COLUMNS,
    _LINK_COLUMNS_WITHOUT_PASSAGES,
    AMBIGUOUS_SHOWN,
    FETCH_SIZE,
    SNIPPET_TOKENS,
    _parse_snippet,
    like_pattern,
)
from newsweave.store.sqlite_schema import MIGRATIONS as SQLITE_MIGRATIONS

__all__ = ["SCHEMES", "PostgresStore", "redact"]

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT_S = 10  # fail fast on a wrong host instead of hanging
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"  # ts_headline() markers, parsed out into offsets
_HEX = re.compile(r"[0-9a-f]+")
_MIGRATION_LOCK = 0x6E657773  # pg_advisory_xact_lock key serialising migrations ("news")

# Listing order: SQLite's (collection, none last; date, undated last; outlet, none first; id).
_LISTING_ORDER = """a.collection NULLS LAST, a.published NULLS LAST, a.source NULLS FIRST,
    a.id"""
_HEADER_SELECT = f"""
    SELECT a.id, a.title, a.url, a.source, a.byline, a.published, a.dateline, a.credits,
           a.language, a.external_id, a.origin, a.collection, a.text_hash,
           length(a.text) AS n_chars,
           (SELECT count(*) FROM sentences s WHERE s.article_id = a.id) AS n_sentences,
           (SELECT s.text FROM sentences s WHERE s.article_id = a.id AND s.idx = 0) AS lead
    FROM (SELECT a.seq FROM articles a {{where}} ORDER BY {_LISTING_ORDER} LIMIT %s OFFSET %s)
         AS page
    JOIN articles a ON a.seq = page.seq
    ORDER BY {_LISTING_ORDER}
"""
_ARTICLE_SELECT = f"SELECT {', '.join(rows.ARTICLE_COLUMNS)} FROM articles"
_HEADLINE_OPTIONS = (
    f'StartSel="{_HIT_OPEN}", StopSel="{_HIT_CLOSE}", MaxWords={SNIPPET_TOKENS}, '
    f"MinWords={SNIPPET_TOKENS // 2}, ShortWord=2, MaxFragments=1, "
    'FragmentDelimiter=" … "'
)
_SEARCH = f"""
    WITH q AS (SELECT websearch_to_tsquery('{FTS_CONFIG}', %(query)s) AS query),
    hits AS (
        SELECT a.seq, ts_rank(a.search, q.query, 1) AS rank
        FROM articles a, q
        WHERE a.search @@ q.query
        ORDER BY rank DESC, a.id
        LIMIT %(limit)s
    )
    SELECT a.id, a.title, a.source, a.published, a.collection, h.rank, a.text,
           ts_headline('{FTS_CONFIG}', a.text, q.query, %(options)s) AS snippet
    FROM hits h JOIN articles a ON a.seq = h.seq, q
    ORDER BY h.rank DESC, a.id
"""


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (it is shown in messages and listings)."""
    shown = re.sub(r"^([a-z][a-z0-9+.-]*://[^/?#@:]*):[^/?#@]*@", r"\1:***@", url, flags=re.I)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", shown)


def _insert_sql(table: str, columns: Iterable[str], suffix: str = "") -> str:
    cols = list(columns)
    values = ", ".join(f"%({c})s" for c in cols)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({values}) {suffix}".strip()


def _upsert_sql(table: str, columns: Sequence[str], key: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return _insert_sql(table, columns, f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def _check_text(values: Iterable[Any], what: str) -> None:
    """PostgreSQL text cannot hold NUL; say which record has one instead of failing vaguely."""
    for value in values:
        if isinstance(value, str) and "\x00" in value:
            raise StoreError(
                f"{what} contains a NUL character, which PostgreSQL cannot store; "
                "clean the input (newsweave's cleaning removes control characters)"
            )


class PostgresStore:
    """A newsweave store in a PostgreSQL database.  See the module docstring."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self._url = url
        self._shown = redact(url)
        self._snapshot: str | None = None  # for data_version()
        self._version = 0
        if MIGRATIONS.names != SQLITE_MIGRATIONS.names:  # a development build out of step
            lagging = sorted(set(SQLITE_MIGRATIONS.names) ^ set(MIGRATIONS.names))
            raise StoreError(
                "this newsweave's PostgreSQL schema is out of step with its SQLite schema "
                f"(migrations {', '.join(lagging)} are not in both); newsweave.store."
                "postgres_schema needs the same named migrations as sqlite_schema"
            )
        try:
            self._conn: psycopg.Connection[dict[str, Any]] = psycopg.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            hint = ""
            if "does not exist" in reason and "database" in reason:
                hint = "; create the database first (createdb NAME, or CREATE DATABASE)"
            raise StoreError(f"cannot open {self._shown}: {reason}{hint}") from exc
        try:
            if self._conn.info.encoding.lower() not in ("utf8", "utf-8"):
                raise StoreError(
                    f"{self._shown} uses the {self._conn.info.encoding} encoding; newsweave "
                    "needs a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8')"
                )
            self._migrate(create)
        except BaseException:
            self._conn.close()
            raise

    # --- connection, transactions, migrations -------------------------------------------------

    def _tables(self) -> set[str]:
        return {
            r["tablename"]
            for r in self._conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        }

    def _migrate(self, create: bool) -> None:
        with self._errors():
            tables = self._tables()
        if "_migrations" not in tables:
            if tables:
                raise StoreError(
                    f"{self._shown} holds tables that are not a newsweave store "
                    f"({_named(sorted(tables))}); use another database, or another schema "
                    "(?options=-csearch_path%3Dnewsweave in the URL)"
                )
            if not create:
                raise StoreError(
                    f"no newsweave store in {self._shown}; create one with "
                    f"`newsweave ingest PATH... --db URL`"
                )
        with self._write() as conn:
            # Other processes may be opening the same store: each step takes this lock, so one
            # creates and migrates while the others wait, then find the work done.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (seq integer GENERATED ALWAYS AS "
                "IDENTITY, name text PRIMARY KEY, applied_at text NOT NULL)"
            )
        for migration in MIGRATIONS.pending(self.applied_migrations(), location=self._shown):
            with self._write() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                if migration.name in self.applied_migrations():
                    continue
                log.info("%s: applying migration %s", self._shown, migration.name)
                migration.apply(conn)
                conn.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)",
                    (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
                )

    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded in the database, in the order they were applied."""
        found = self._query("SELECT name FROM _migrations ORDER BY seq")
        return [r["name"] for r in found]

    @property
    def location(self) -> str:
        return self._shown

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
        return f"PostgresStore({self._shown!r})"

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except psycopg.errors.IntegrityError as exc:
            raise StoreError(f"{self._shown}: write refused: {exc}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self._shown}: {' '.join(str(exc).split())}") from exc

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """One write transaction: committed whole, or rolled back on any exception."""
        with self._errors(), self._conn.transaction():
            yield self._conn

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._errors():
            return self._conn.execute(sql, params).fetchall()

    def _require_articles(self, ids: Iterable[str], what: str) -> None:
        wanted = sorted(set(ids))
        if not wanted:
            return
        missing = [
            r["id"]
            for r in self._conn.execute(
                """SELECT r.id FROM unnest(%s::text[]) AS r (id)
                   WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.id)
                   ORDER BY r.id COLLATE "C" """,
                (wanted,),
            )
        ]
        if missing:
            raise StoreError(
                f"{what} refer to articles not in {self._shown}: {_named(missing)}; "
                "ingest the articles first"
            )

    # --- articles and sentences ---------------------------------------------------------------

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Sentence]]]) -> AddResult:
        if not batch:
            return AddResult()
        check_batch(batch)
        unique: dict[str, tuple[Article, Sequence[Sentence]]] = {}
        for article, sentences in batch:
            unique.setdefault(article.id, (article, sentences))
        # In id order: two writers inserting overlapping batches then lock rows in one order,
        # so one waits for the other instead of deadlocking.
        article_rows = [rows.article_to_row(unique[i][0]) for i in sorted(unique)]
        for row in article_rows:
            _check_text(row.values(), f"article {row['id']} ({row['origin'] or 'no origin'})")
        columns = list(article_rows[0])
        with self._write() as conn:
            # Insert-if-absent in one statement; RETURNING names what this call stored, which
            # stays right when another process stores some of the same articles meanwhile.
            arrays = [[r[c] for r in article_rows] for c in columns]
            inserted = {
                r["id"]
                for r in conn.execute(
                    f"""INSERT INTO articles ({", ".join(columns)})
                        SELECT * FROM unnest({", ".join(["%s::text[]"] * len(columns))})
                        ON CONFLICT (id) DO NOTHING RETURNING id""",
                    arrays,
                )
            }
            sentence_rows = [
                rows.sentence_to_row(s)
                for article_id in sorted(inserted)
                for s in unique[article_id][1]
            ]
            if sentence_rows:
                _check_text((r["text"] for r in sentence_rows), "a sentence")
                names = list(sentence_rows[0])
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY sentences ({', '.join(names)}) FROM STDIN") as copy,
                ):
                    for row in sentence_rows:
                        copy.write_row([row[n] for n in names])
        new: list[str] = []
        existing: list[str] = []
        for article, _ in batch:
            if article.id in inserted:
                new.append(article.id)
                inserted.discard(article.id)  # a repeat inside the batch counts as existing
            else:
                existing.append(article.id)
        return AddResult(tuple(new), tuple(existing))

    def get_article(self, article_id: str) -> Article:
        found = self._query(f"{_ARTICLE_SELECT} WHERE id = %s", (article_id,))
        if not found:
            raise NotFoundError(f"no article {article_id} in {self._shown}")
        return rows.article_from_row(found[0])

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        wanted = list(article_ids)
        found = {
            row["id"]: rows.article_from_row(row)
            for row in self._query(f"{_ARTICLE_SELECT} WHERE id = ANY(%s)", (wanted,))
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"no article {_named(missing)} in {self._shown}")
        return [found[i] for i in wanted]

    def resolve_article_id(self, ref: str) -> str:
        ref = ref.strip()
        if not ref:
            raise NotFoundError("an article id is needed")
        if self._query("SELECT 1 FROM articles WHERE id = %s", (ref,)):
            return ref
        candidates: list[str] = []
        if _HEX.fullmatch(ref):
            candidates = [
                r["id"]
                for r in self._query(
                    "SELECT id FROM articles WHERE id >= %s AND id < %s ORDER BY id LIMIT %s",
                    (ref, ref + "g", AMBIGUOUS_SHOWN + 1),
                )
            ]
        if not candidates:
            candidates = [
                r["id"]
                for r in self._query(
                    "SELECT id FROM articles WHERE external_id = %s ORDER BY id LIMIT %s",
                    (ref, AMBIGUOUS_SHOWN + 1),
                )
            ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise NotFoundError(
                f"{ref!r} matches several articles ({_named(candidates)}); give more of the id"
            )
        raise NotFoundError(f"no article {ref!r} in {self._shown} (not an id, prefix or record id)")

    def iter_articles(self, *, collection: str | None = None) -> Iterator[Article]:
        # Pages by id (keyset), each its own statement: no transaction stays open while the
        # caller works, so it may write to the store between articles.
        where = "WHERE id > %s" + (" AND collection = %s" if collection is not None else "")
        last = ""
        while True:
            params: list[Any] = [last] + ([collection] if collection is not None else [])
            page = self._query(f"{_ARTICLE_SELECT} {where} ORDER BY id LIMIT {FETCH_SIZE}", params)
            yield from (rows.article_from_row(r) for r in page)
            if len(page) < FETCH_SIZE:
                return
            last = page[-1]["id"]

    def list_articles(
        self, *, collection: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ArticleHeader]:
        where, params = ("WHERE a.collection = %s", [collection]) if collection else ("", [])
        found = self._query(_HEADER_SELECT.format(where=where), [*params, limit, offset])
        return [rows.header_from_row(r) for r in found]

    def count_articles(self, *, collection: str | None = None) -> int:
        if collection is None:
            return int(self._query("SELECT count(*) AS n FROM articles")[0]["n"])
        found = self._query(
            "SELECT count(*) AS n FROM articles WHERE collection = %s", (collection,)
        )
        return int(found[0]["n"])

    def collections(self) -> list[CollectionStats]:
        found = self._query(
            """SELECT collection, count(*) AS n, count(DISTINCT source) AS outlets,
                      min(published) AS first, max(published) AS last
               FROM articles GROUP BY collection
               ORDER BY collection NULLS LAST"""
        )
        return [
            CollectionStats(
                name=r["collection"],
                n_articles=int(r["n"]),
                n_outlets=int(r["outlets"]),
                first_published=datetime.fromisoformat(r["first"]) if r["first"] else None,
                last_published=datetime.fromisoformat(r["last"]) if r["last"] else None,
            )
            for r in found
        ]

    def get_sentences(self, article_id: str) -> list[Sentence]:
        found = self._query(
            "SELECT * FROM sentences WHERE article_id = %s ORDER BY idx", (article_id,)
        )
        return [rows.sentence_from_row(r) for r in found]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        if not query.strip():
            raise ConfigError("search: the query is empty; give one or more words")
        if limit < 1:
            raise ConfigError(f"search: limit must be at least 1, not {limit}")
        _check_text([query], "the search query")
        found = self._query(_SEARCH, {"query": query, "limit": limit, "options": _HEADLINE_OPTIONS})
        hits = []
        for r in found:
            snippet, highlights = _parse_snippet(_ellipsize(r["snippet"] or "", r["text"]))
            hits.append(
                SearchHit(
                    article_id=r["id"],
                    title=r["title"],
                    source=r["source"],
                    published=datetime.fromisoformat(r["published"]) if r["published"] else None,
                    collection=r["collection"],
                    snippet=snippet,
                    highlights=highlights,
                    score=float(r["rank"]),
                )
            )
        return hits

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
                scope = sorted(set(among))
                conn.execute(
                    """DELETE FROM reuse_links
                       WHERE source_id = ANY(%(scope)s) AND target_id = ANY(%(scope)s)""",
                    {"scope": scope},
                )
            if link_rows:
                values = list(link_rows.values())
                with conn.cursor() as cur:
                    cur.executemany(_upsert_sql("reuse_links", list(values[0]), "id"), values)

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
            clauses.append("(source_id = %s OR target_id = %s)")
            params += [article_id, article_id]
        if among is not None:
            clauses.append("source_id = ANY(%s) AND target_id = ANY(%s)")
            params += [list(among), list(among)]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        columns = "*" if passages else _LINK_COLUMNS_WITHOUT_PASSAGES
        found = self._query(
            f"SELECT {columns} FROM reuse_links {where} ORDER BY source_id, target_id", params
        )
        return [rows.reuse_from_row(r) for r in found]

    # --- stories and summaries ----------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        new = check_stories(stories)
        ids = [s.id for s in new]
        with self._write() as conn:
            self._require_articles((a for s in new for a in s.article_ids), "stories")
            conn.execute("DELETE FROM stories WHERE NOT (id = ANY(%s))", (ids,))
            if not new:
                return
            story_rows = [rows.story_to_row(s) for s in new]
            with conn.cursor() as cur:
                cur.executemany(_upsert_sql("stories", list(story_rows[0]), "id"), story_rows)
                cur.execute("DELETE FROM story_articles WHERE story_id = ANY(%s)", (ids,))
                cur.executemany(
                    "INSERT INTO story_articles (story_id, article_id, position) "
                    "VALUES (%s, %s, %s)",
                    [(s.id, a, pos) for s in new for pos, a in enumerate(s.article_ids)],
                )

    def _stories(self, where: str = "", params: Sequence[Any] = ()) -> list[Story]:
        with self._errors(), self._conn.transaction():  # one snapshot for heads and members
            heads = self._conn.execute(
                f"SELECT * FROM stories {where} ORDER BY first_published NULLS LAST, id",
                params,
            ).fetchall()
            members = self._conn.execute(
                f"""SELECT story_id, article_id FROM story_articles
                    WHERE story_id IN (SELECT id FROM stories {where})
                    ORDER BY story_id, position""",
                params,
            ).fetchall()
        by_story = {
            k: [m["article_id"] for m in g]
            for k, g in groupby(members, key=lambda m: m["story_id"])
        }
        return [rows.story_from_row(h, by_story.get(h["id"], [])) for h in heads]

    def stories(self) -> list[Story]:
        return self._stories()

    def get_story(self, story_id: str) -> Story:
        found = self._stories("WHERE id = %s", (story_id,))
        if not found:
            raise NotFoundError(f"no story {story_id} in {self._shown}")
        return found[0]

    def stories_of_article(self, article_id: str) -> list[Story]:
        return self._stories(
            "WHERE id IN (SELECT story_id FROM story_articles WHERE article_id = %s)",
            (article_id,),
        )

    def save_summary(self, summary: Summary) -> None:
        head, sentence_rows, citation_rows = rows.summary_to_rows(summary)
        _check_text((r["text"] for r in sentence_rows), f"the summary of {summary.story_id}")
        with self._write() as conn:
            if not conn.execute(
                "SELECT 1 FROM stories WHERE id = %s", (summary.story_id,)
            ).fetchone():
                raise StoreError(
                    f"cannot save a summary of story {summary.story_id}: no such story in "
                    f"{self._shown}"
                )
            self._require_articles({c["article_id"] for c in citation_rows}, "summary citations")
            conn.execute("DELETE FROM summaries WHERE story_id = %s", (summary.story_id,))
            conn.execute(_insert_sql("summaries", head), head)
            with conn.cursor() as cur:
                if sentence_rows:
                    cur.executemany(
                        _insert_sql("summary_sentences", sentence_rows[0]), sentence_rows
                    )
                if citation_rows:
                    cur.executemany(_insert_sql("citations", citation_rows[0]), citation_rows)

    def get_summary(self, story_id: str) -> Summary | None:
        with self._errors(), self._conn.transaction():
            head = self._conn.execute(
                "SELECT * FROM summaries WHERE story_id = %s", (story_id,)
            ).fetchall()
            if not head:
                return None
            sentences = self._conn.execute(
                "SELECT * FROM summary_sentences WHERE story_id = %s", (story_id,)
            ).fetchall()
            citations = self._conn.execute(
                "SELECT * FROM citations WHERE story_id = %s", (story_id,)
            ).fetchall()
        return rows.summary_from_rows(head[0], sentences, citations)

    def citations_of_article(self, article_id: str) -> list[CitationRef]:
        found = self._query(
            """SELECT * FROM citations WHERE article_id = %s
               ORDER BY story_id, sentence_position, position""",
            (article_id,),
        )
        return [
            CitationRef(r["story_id"], int(r["sentence_position"]), rows.citation_from_row(r))
            for r in found
        ]

    # --- quotes and entities ------------------------------------------------------------------

    def replace_quotes(self, article_ids: Iterable[str], quotes: Iterable[Quote]) -> None:
        scope = sorted(set(article_ids))
        checked = check_quotes(set(scope), quotes)
        quote_rows = {i: rows.quote_to_row(q) for i, q in checked.items()}
        for row in quote_rows.values():
            _check_text(row.values(), f"quote {row['id']}")
        with self._write() as conn:
            self._require_articles({r["article_id"] for r in quote_rows.values()}, "quotes")
            conn.execute("DELETE FROM quotes WHERE article_id = ANY(%s)", (scope,))
            if quote_rows:
                values = list(quote_rows.values())
                with conn.cursor() as cur:
                    cur.executemany(_insert_sql("quotes", values[0]), values)

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
            clauses.append("article_id = %s")
            params.append(article_id)
        if speaker is not None:
            clauses.append("lower(speaker_text) = lower(%s)")
            params.append(speaker)
        if entity_id is not None:
            clauses.append("entity_id = %s")
            params.append(entity_id)
        if article_ids is not None:
            clauses.append("article_id = ANY(%s)")
            params.append(list(article_ids))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        found = self._query(
            f"""SELECT * FROM quotes {where}
                ORDER BY article_id, content_start, content_end LIMIT %s""",
            [*params, None if limit is None else max(limit, 0)],
        )
        return [rows.quote_from_row(r) for r in found]

    def replace_entities(self, article_ids: Iterable[str], entities: Iterable[Entity]) -> None:
        scope = sorted(set(article_ids))
        new = check_entities(set(scope), entities)
        mention_rows = [rows.mention_to_row(m, e.id) for e in new for m in e.mentions]
        with self._write() as conn:
            self._require_articles({m["article_id"] for m in mention_rows}, "entity mentions")
            affected = [
                r["owner_id"]
                for r in conn.execute(
                    "SELECT DISTINCT owner_id FROM mentions WHERE article_id = ANY(%s)", (scope,)
                )
            ]
            conn.execute("DELETE FROM mentions WHERE article_id = ANY(%s)", (scope,))
            conn.execute(
                """DELETE FROM entities WHERE id = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.owner_id = entities.id)""",
                (affected,),
            )
            with conn.cursor() as cur:
                if new:
                    entity_rows = [rows.entity_to_row(e) for e in new]
                    cur.executemany(
                        _upsert_sql("entities", list(entity_rows[0]), "id"), entity_rows
                    )
                if mention_rows:
                    cur.executemany(
                        _insert_sql("mentions", mention_rows[0], "ON CONFLICT DO NOTHING"),
                        mention_rows,
                    )

    def _entities(self, where: str = "", params: Sequence[Any] = ()) -> list[Entity]:
        with self._errors(), self._conn.transaction():
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
        return self._entities("WHERE type = %s", (EntityType(type).value,))

    def get_entity(self, entity_id: str) -> Entity:
        found = self._entities("WHERE id = %s", (entity_id,))
        if not found:
            raise NotFoundError(f"no entity {entity_id} in {self._shown}")
        return found[0]

    def mentions(self, article_id: str) -> list[Mention]:
        found = self._query(
            """SELECT * FROM mentions WHERE article_id = %s
               ORDER BY start_char, end_char, owner_id""",
            (article_id,),
        )
        return [rows.mention_from_row(r) for r in found]

    # --- reads for browsing -------------------------------------------------------------------

    def data_version(self) -> int:
        # The current snapshot (xmin:xmax:in-progress ids) names exactly which transactions'
        # writes a query sees: while it stays the same, so does the data.  A write still in
        # flight leaves it alone; a commit anywhere in the server moves it (a reader then only
        # refreshes a cache for nothing).  The WAL position would also move with writes not
        # yet committed and with the server's own housekeeping.
        snapshot = self._query("SELECT pg_current_snapshot()::text AS s")[0]["s"]
        if snapshot != self._snapshot:
            self._snapshot = snapshot
            self._version += 1
        return self._version

    def article_headers(self, article_ids: Iterable[str]) -> list[ArticleHeader]:
        wanted = list(article_ids)
        found = {
            r["id"]: rows.header_from_row(r)
            for r in self._query(
                f"SELECT {_HEADER_COLUMNS} FROM articles a WHERE a.id = ANY(%s)", (wanted,)
            )
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"no article {_named(missing)} in {self._shown}")
        return [found[i] for i in wanted]

    def outlets(self) -> list[OutletStats]:
        found = self._query(
            """SELECT source, count(*) AS n, min(published) AS first, max(published) AS last
               FROM articles WHERE source IS NOT NULL GROUP BY source ORDER BY source"""
        )
        return [
            OutletStats(
                name=r["source"],
                n_articles=int(r["n"]),
                first_published=datetime.fromisoformat(r["first"]) if r["first"] else None,
                last_published=datetime.fromisoformat(r["last"]) if r["last"] else None,
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
            clauses.append("substr(coalesce(last_published, first_published), 1, 10) >= %s")
            params.append(since.isoformat())
        if until is not None:
            clauses.append("substr(coalesce(first_published, last_published), 1, 10) <= %s")
            params.append(until.isoformat())
        if outlet is not None:
            clauses.append(
                """id IN (SELECT sa.story_id FROM articles a
                          JOIN story_articles sa ON sa.article_id = a.id WHERE a.source = %s)"""
            )
            params.append(outlet)
        if entity_id is not None:
            clauses.append(
                """id IN (SELECT sa.story_id FROM mentions m
                          JOIN story_articles sa ON sa.article_id = m.article_id
                          WHERE m.owner_id = %s)"""
            )
            params.append(entity_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        total = int(self._query(f"SELECT count(*) AS n FROM stories {where}", params)[0]["n"])
        page = [
            r["id"]
            for r in self._query(
                f"""SELECT id FROM stories {where}
                    ORDER BY last_published DESC NULLS LAST, id LIMIT %s OFFSET %s""",
                [*params, None if limit is None else max(limit, 0), max(offset, 0)],
            )
        ]
        found = {s.id: s for s in self._stories("WHERE id = ANY(%s)", (page,))}
        return StorySlice(total, tuple(found[i] for i in page))

    def entity_counts(
        self, article_ids: Collection[str], *, limit: int | None = None
    ) -> list[EntityCount]:
        found = self._query(
            """SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS n_articles,
                      count(*) AS n_mentions
               FROM mentions m JOIN entities e ON e.id = m.owner_id
               WHERE m.article_id = ANY(%s)
               GROUP BY e.id, e.name, e.type
               ORDER BY n_articles DESC, n_mentions DESC, e.name, e.id LIMIT %s""",
            (list(article_ids), None if limit is None else max(limit, 0)),
        )
        return [_entity_count(r) for r in found]

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
               WHERE lower(e.name) LIKE %(p)s OR lower(e.aliases) LIKE %(p)s
               ORDER BY lower(e.name) = %(n)s DESC, n_articles DESC, n_mentions DESC, e.name, e.id
               LIMIT %(limit)s""",
            {"p": pattern, "n": needle, "limit": max(limit, 0)},
        )
        return [_entity_count(r) for r in found]


def _entity_count(row: dict[str, Any]) -> EntityCount:
    return EntityCount(
        row["id"],
        row["name"],
        EntityType(row["type"]),
        int(row["n_articles"]),
        int(row["n_mentions"]),
    )


def _ellipsize(marked: str, text: str) -> str:
    """Mark a snippet that starts or ends inside the text with "…", as FTS5's snippet() does.

    ts_headline() leaves out punctuation after its last word: a snippet that ends the text gets
    it back ("… the eastern district." rather than "… the eastern district…").
    """
    plain = marked.replace(_HIT_OPEN, "").replace(_HIT_CLOSE, "").strip()
    at = text.find(plain) if plain else -1
    if at < 0:
        return marked
    head = "…" if text[:at].strip() else ""
    rest = text[at + len(plain) :]
    tail = rest.rstrip() if not any(ch.isalnum() for ch in rest) else "…"
    return f"{head}{marked.strip()}{tail}"
