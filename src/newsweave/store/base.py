"""The store protocol: what every backend (SQLite now, PostgreSQL later) offers the pipeline.

A backend keeps every model type: articles with their sentences, reuse links, stories, summaries
with their citations, quotes, and entities with their mentions.  Each mutating method is one
transaction: it either happens whole or not at all.

Write semantics, the same in every backend:

* :meth:`Store.add_articles` is *insert-if-absent*: an article whose id is already stored is
  left untouched (ids hash the content, so it is the same article) and reported as existing.
* Stages that recompute a result replace what they computed before:
  :meth:`~Store.replace_reuse_links`, :meth:`~Store.replace_stories`,
  :meth:`~Store.save_summary`, :meth:`~Store.replace_quotes`, :meth:`~Store.replace_entities`.
  Each names its scope in its docstring.
* Everything derived from an article must name a stored article; otherwise the method raises
  :class:`~newsweave.errors.StoreError` and stores nothing.

Reads return model objects (or the small records below), in a deterministic order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from newsweave.model import (
    Article,
    Citation,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseLink,
    Sentence,
    Story,
    Summary,
)

__all__ = [
    "AddResult",
    "ArticleHeader",
    "CitationRef",
    "CollectionStats",
    "EntityCount",
    "OutletStats",
    "SearchHit",
    "Store",
    "StorySlice",
]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_articles` did: ids stored now, ids that were already there."""

    new: tuple[str, ...] = ()
    existing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleHeader:
    """An article's metadata without its text, for listings: sizes and its first sentence."""

    id: str
    title: str
    url: str | None
    source: str | None
    byline: str | None
    published: datetime | None
    dateline: str | None
    credits: tuple[str, ...]
    language: str | None
    external_id: str | None
    origin: str | None
    collection: str | None
    text_hash: str
    n_chars: int
    n_sentences: int
    lead: str  # the first sentence, "" when the article has none

    @classmethod
    def of(cls, article: Article, *, n_sentences: int, lead: str) -> ArticleHeader:
        """The header of ``article``, given its sentence count and first sentence."""
        shared = {
            f.name: getattr(article, f.name)
            for f in fields(cls)
            if f.name not in ("n_chars", "n_sentences", "lead")
        }
        return cls(**shared, n_chars=len(article.text), n_sentences=n_sentences, lead=lead)


@dataclass(frozen=True, slots=True)
class CollectionStats:
    """One input collection (folder, MDS cluster, ...): how many articles, outlets and when."""

    name: str | None
    n_articles: int
    n_outlets: int
    first_published: datetime | None
    last_published: datetime | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text search result.

    ``snippet`` is plain text around the matches; ``highlights`` are ``[start, end)`` offsets of
    the matched terms inside ``snippet`` (so a renderer escapes the text and marks the ranges).
    Higher ``score`` is better.
    """

    article_id: str
    title: str
    source: str | None
    published: datetime | None
    collection: str | None
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float


@dataclass(frozen=True, slots=True)
class CitationRef:
    """A citation of an article by the summary of a story: which story, which summary sentence."""

    story_id: str
    sentence_position: int  # index of the summary sentence in ``Summary.sentences``
    citation: Citation


@dataclass(frozen=True, slots=True)
class OutletStats:
    """One outlet (``Article.source``): how many articles it has in the store, and when."""

    name: str
    n_articles: int
    first_published: datetime | None
    last_published: datetime | None


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity and how widely it is mentioned in some set of articles."""

    id: str
    name: str
    type: EntityType
    n_articles: int  # articles with at least one mention
    n_mentions: int


@dataclass(frozen=True, slots=True)
class StorySlice:
    """One page of the stories matching a filter, and how many match in all."""

    total: int
    stories: tuple[Story, ...]


@runtime_checkable
class Store(Protocol):
    """A place that keeps what newsweave computes.  See the module docstring for semantics."""

    @property
    def location(self) -> str:
        """Where the data lives: a file path, a URL, or ``:memory:``."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    # --- articles and sentences ---------------------------------------------------------------

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Sentence]]]) -> AddResult:
        """Store each article with its sentences unless its id is stored already; one transaction.

        An id repeated inside ``batch`` is stored once and its repeats count as existing.
        """
        ...

    def get_article(self, article_id: str) -> Article:
        """The article with this exact id; :class:`NotFoundError` otherwise."""
        ...

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        """Several articles, in the order asked; :class:`NotFoundError` names any missing id."""
        ...

    def resolve_article_id(self, ref: str) -> str:
        """The id meant by ``ref``: a full id, a unique id prefix, or an input record's own id."""
        ...

    def iter_articles(self, *, collection: str | None = None) -> Iterator[Article]:
        """Every article (of one collection), by id, streamed."""
        ...

    def list_articles(
        self, *, collection: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ArticleHeader]:
        """Article headers by collection, publication date, outlet and id."""
        ...

    def count_articles(self, *, collection: str | None = None) -> int: ...

    def collections(self) -> list[CollectionStats]:
        """One record per collection, by name (articles without a collection last)."""
        ...

    def get_sentences(self, article_id: str) -> list[Sentence]:
        """The sentences of one article in reading order (empty for an unknown id)."""
        ...

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles and texts, best first.

        A query the backend's query language cannot parse is searched as plain words instead of
        failing.  An empty query raises :class:`ConfigError`.
        """
        ...

    # --- reuse --------------------------------------------------------------------------------

    def replace_reuse_links(
        self, links: Iterable[ReuseLink], *, among: Collection[str] | None = None
    ) -> None:
        """Replace the reuse links: all of them, or (with ``among``) those between those articles.

        A link is keyed by its unordered article pair (:attr:`ReuseLink.id`); a later link for the
        same pair replaces an earlier one.
        """
        ...

    def reuse_links(
        self,
        *,
        article_id: str | None = None,
        among: Collection[str] | None = None,
        passages: bool = True,
    ) -> list[ReuseLink]:
        """All links, those touching one article, or (with ``among``) those with both ends in a
        set of articles; by (source_id, target_id).  Both filters may be combined.  With
        ``passages=False`` the links come without their aligned passages (cheaper to read)."""
        ...

    # --- stories and summaries ----------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make ``stories`` the set of stories.

        Stories not in the new set are deleted with their summaries; a story kept (same id, hence
        the same articles) keeps its summary and gets its metadata updated.
        """
        ...

    def stories(self) -> list[Story]:
        """Every story, by first publication date then id."""
        ...

    def get_story(self, story_id: str) -> Story: ...

    def stories_of_article(self, article_id: str) -> list[Story]: ...

    def save_summary(self, summary: Summary) -> None:
        """Store the summary of ``summary.story_id``, replacing the one it had."""
        ...

    def get_summary(self, story_id: str) -> Summary | None: ...

    def citations_of_article(self, article_id: str) -> list[CitationRef]:
        """Where summaries cite this article, by story and summary sentence."""
        ...

    # --- quotes and entities ------------------------------------------------------------------

    def replace_quotes(self, article_ids: Iterable[str], quotes: Iterable[Quote]) -> None:
        """Replace the quotes of ``article_ids`` with ``quotes`` (each must be in one of them)."""
        ...

    def quotes(
        self,
        *,
        article_id: str | None = None,
        speaker: str | None = None,
        entity_id: str | None = None,
        article_ids: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Quote]:
        """Quotes filtered by article (or a set of articles), speaker as written
        (case-insensitive) or speaker entity; by article then position, at most ``limit``."""
        ...

    def replace_entities(self, article_ids: Iterable[str], entities: Iterable[Entity]) -> None:
        """Replace what is known of the entities mentioned in ``article_ids``.

        Every mention inside those articles is dropped, entities left with no mention are
        deleted, then ``entities`` are stored (name, type and aliases updated; their mentions,
        which must lie in ``article_ids``, added).
        """
        ...

    def entities(self, *, type: EntityType | None = None) -> list[Entity]:
        """Every entity (of one type) with its mentions, by name then id."""
        ...

    def get_entity(self, entity_id: str) -> Entity: ...

    def mentions(self, article_id: str) -> list[Mention]:
        """The entity mentions in one article, by position."""
        ...

    # --- reads for browsing (the web UI): filtered, counted, paged --------------------------

    def data_version(self) -> int:
        """A number that changes when the stored data may have changed since this store object
        last looked: readers cache what they computed until it changes.  Writes made through
        another store object or process always change it (SQLite: ``PRAGMA data_version``);
        whether this object's own writes do is up to the backend, so a cache should be kept by
        readers only."""
        ...

    def article_headers(self, article_ids: Iterable[str]) -> list[ArticleHeader]:
        """Headers of several articles, in the order asked; :class:`NotFoundError` names any
        missing id."""
        ...

    def outlets(self) -> list[OutletStats]:
        """One record per outlet (articles without a source are left out), by name."""
        ...

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
        """Stories newest first (latest publication, then id), filtered, one page of them.

        ``since``/``until`` keep stories whose span overlaps those days, comparing calendar days
        as written in the stored dates (the outlet's local day); a story without dates is left
        out when either is given.  ``outlet`` keeps stories with an article from that outlet
        (exact name), ``entity_id`` those with an article mentioning that entity.
        """
        ...

    def entity_counts(
        self, article_ids: Collection[str], *, limit: int | None = None
    ) -> list[EntityCount]:
        """The entities mentioned in these articles, the most widely mentioned first (by
        articles, then mentions, then name and id)."""
        ...

    def find_entities(self, text: str, *, limit: int = 20) -> list[EntityCount]:
        """Entities whose name or an alias contains ``text`` (case-insensitive), counted over
        every article: exact name matches first, then the most widely mentioned."""
        ...
