"""An in-memory store: the test double of the store protocol, holding model objects in dicts.

It follows the same write semantics as the SQLite store (insert-if-absent articles, scoped
replaces, references checked, each call all-or-nothing) so stage tests can run without a file
and the shared store test suite checks that the protocol, not one backend, defines behaviour.
Its search is a plain word match (every query word must occur; score = occurrences), without
stemming or ranking finesse.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from types import TracebackType
from typing import Self

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
from newsweave.segment import words
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
from newsweave.store.checks import check_batch, check_entities, check_quotes, check_stories

__all__ = ["MemoryStore"]

SNIPPET_CHARS = 80  # characters of context either side of the first match
_QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def _order_key(published: datetime | None) -> tuple[bool, str]:
    return (published is None, published.isoformat() if published else "")


class MemoryStore:
    """Everything in Python dicts; gone when the object is."""

    def __init__(self) -> None:
        self._articles: dict[str, Article] = {}
        self._sentences: dict[str, list[Sentence]] = {}
        self._links: dict[str, ReuseLink] = {}
        self._stories: dict[str, Story] = {}
        self._summaries: dict[str, Summary] = {}
        self._quotes: dict[str, Quote] = {}
        self._entities: dict[str, tuple[str, EntityType, tuple[str, ...]]] = {}
        self._mentions: dict[tuple[str, str, int, int], tuple[str, Mention]] = {}
        self._version = 0  # counts write calls: see data_version()

    @property
    def location(self) -> str:
        return ":memory:"

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _require_articles(self, ids: Iterable[str], what: str) -> None:
        missing = sorted(set(ids) - self._articles.keys())
        if missing:
            raise StoreError(
                f"{what} refer to articles not in :memory:: {', '.join(missing[:5])}; "
                "ingest the articles first"
            )

    # --- articles and sentences ---------------------------------------------------------------

    def add_articles(self, batch: Sequence[tuple[Article, Sequence[Sentence]]]) -> AddResult:
        self._version += 1
        check_batch(batch)
        new: list[str] = []
        existing: list[str] = []
        for article, sentences in batch:
            if article.id in self._articles:
                existing.append(article.id)
                continue
            new.append(article.id)
            self._articles[article.id] = article
            self._sentences[article.id] = sorted(sentences, key=lambda s: s.index)
        return AddResult(tuple(new), tuple(existing))

    def get_article(self, article_id: str) -> Article:
        try:
            return self._articles[article_id]
        except KeyError:
            raise NotFoundError(f"no article {article_id} in :memory:") from None

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        wanted = list(article_ids)
        missing = [i for i in wanted if i not in self._articles]
        if missing:
            raise NotFoundError(f"no article {', '.join(missing[:5])} in :memory:")
        return [self._articles[i] for i in wanted]

    def resolve_article_id(self, ref: str) -> str:
        ref = ref.strip()
        if not ref:
            raise NotFoundError("an article id is needed")
        if ref in self._articles:
            return ref
        candidates = sorted(i for i in self._articles if i.startswith(ref))
        if not candidates:
            candidates = sorted(i for i, a in self._articles.items() if a.external_id == ref)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise NotFoundError(
                f"{ref!r} matches several articles ({', '.join(candidates[:5])}); "
                "give more of the id"
            )
        raise NotFoundError(f"no article {ref!r} in :memory: (not an id, prefix or record id)")

    def iter_articles(self, *, collection: str | None = None) -> Iterator[Article]:
        for article_id in sorted(self._articles):
            article = self._articles[article_id]
            if collection is None or article.collection == collection:
                yield article

    def _header(self, article: Article) -> ArticleHeader:
        sentences = self._sentences.get(article.id, [])
        lead = sentences[0].text if sentences and sentences[0].index == 0 else ""
        return ArticleHeader.of(article, n_sentences=len(sentences), lead=lead)

    def list_articles(
        self, *, collection: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ArticleHeader]:
        chosen = [
            a for a in self._articles.values() if not collection or a.collection == collection
        ]
        chosen.sort(
            key=lambda a: (
                a.collection is None,
                a.collection or "",
                *_order_key(a.published),
                a.source or "",
                a.id,
            )
        )
        end = None if limit is None else offset + limit
        return [self._header(a) for a in chosen[offset:end]]

    def count_articles(self, *, collection: str | None = None) -> int:
        return sum(1 for _ in self.iter_articles(collection=collection))

    def collections(self) -> list[CollectionStats]:
        groups: dict[str | None, list[Article]] = {}
        for article in self._articles.values():
            groups.setdefault(article.collection, []).append(article)
        stats = []
        for name in sorted(groups, key=lambda n: (n is None, n or "")):
            members = groups[name]
            dates = sorted(
                (a.published for a in members if a.published is not None),
                key=lambda d: d.isoformat(),
            )
            stats.append(
                CollectionStats(
                    name=name,
                    n_articles=len(members),
                    n_outlets=len({a.source for a in members if a.source is not None}),
                    first_published=dates[0] if dates else None,
                    last_published=dates[-1] if dates else None,
                )
            )
        return stats

    def get_sentences(self, article_id: str) -> list[Sentence]:
        return list(self._sentences.get(article_id, []))

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        if not query.strip():
            raise ConfigError("search: the query is empty; give one or more words")
        if limit < 1:
            raise ConfigError(f"search: limit must be at least 1, not {limit}")
        terms = {w for w in words(query, lower=False) if w not in _QUERY_OPERATORS}
        terms = {t.lower() for t in terms}
        if not terms:
            return []
        scored: list[tuple[float, str]] = []
        for article in self._articles.values():
            tokens = words(f"{article.title}\n{article.text}")
            if terms <= set(tokens):
                scored.append((float(sum(t in terms for t in tokens)), article.id))
        scored.sort(key=lambda st: (-st[0], st[1]))
        return [self._hit(self._articles[i], terms, score) for score, i in scored[:limit]]

    def _hit(self, article: Article, terms: set[str], score: float) -> SearchHit:
        text = article.text
        lowered = text.lower()
        first = min((p for t in terms if (p := lowered.find(t)) >= 0), default=0)
        start = max(0, first - SNIPPET_CHARS)
        snippet = text[start : first + SNIPPET_CHARS].replace("\n", " ")
        low_snippet = snippet.lower()
        highlights = sorted(
            (p, p + len(t))
            for t in terms
            for p in range(len(low_snippet))
            if low_snippet.startswith(t, p)
        )
        return SearchHit(
            article_id=article.id,
            title=article.title,
            source=article.source,
            published=article.published,
            collection=article.collection,
            snippet=snippet,
            highlights=tuple(highlights),
            score=score,
        )

    # --- reuse --------------------------------------------------------------------------------

    def replace_reuse_links(
        self, links: Iterable[ReuseLink], *, among: Collection[str] | None = None
    ) -> None:
        self._version += 1
        new = {link.id: link for link in links}
        self._require_articles(
            {i for link in new.values() for i in (link.source_id, link.target_id)}, "reuse links"
        )
        if among is None:
            self._links.clear()
        else:
            scope = set(among)
            self._links = {
                k: v
                for k, v in self._links.items()
                if not (v.source_id in scope and v.target_id in scope)
            }
        self._links.update(new)

    def reuse_links(
        self,
        *,
        article_id: str | None = None,
        among: Collection[str] | None = None,
        passages: bool = True,
    ) -> list[ReuseLink]:
        scope = None if among is None else set(among)
        chosen = [
            link
            for link in self._links.values()
            if (article_id is None or article_id in (link.source_id, link.target_id))
            and (scope is None or (link.source_id in scope and link.target_id in scope))
        ]
        if not passages:
            chosen = [replace(link, passages=()) for link in chosen]
        return sorted(chosen, key=lambda link: (link.source_id, link.target_id))

    # --- stories and summaries ----------------------------------------------------------------

    def replace_stories(self, stories: Iterable[Story]) -> None:
        self._version += 1
        new = check_stories(stories)
        self._require_articles((a for s in new for a in s.article_ids), "stories")
        self._stories = {s.id: s for s in new}
        self._summaries = {k: v for k, v in self._summaries.items() if k in self._stories}

    def stories(self) -> list[Story]:
        return sorted(
            self._stories.values(),
            key=lambda s: (*_order_key(s.first_published), s.id),
        )

    def get_story(self, story_id: str) -> Story:
        try:
            return self._stories[story_id]
        except KeyError:
            raise NotFoundError(f"no story {story_id} in :memory:") from None

    def stories_of_article(self, article_id: str) -> list[Story]:
        return [s for s in self.stories() if article_id in s.article_ids]

    def save_summary(self, summary: Summary) -> None:
        self._version += 1
        if summary.story_id not in self._stories:
            raise StoreError(
                f"cannot save a summary of story {summary.story_id}: no such story in :memory:"
            )
        self._require_articles(
            {c.article_id for s in summary.sentences for c in s.citations}, "summary citations"
        )
        self._summaries[summary.story_id] = summary

    def get_summary(self, story_id: str) -> Summary | None:
        return self._summaries.get(story_id)

    def citations_of_article(self, article_id: str) -> list[CitationRef]:
        found = [
            CitationRef(story_id, s_pos, citation)
            for story_id, summary in self._summaries.items()
            for s_pos, sentence in enumerate(summary.sentences)
            for citation in sentence.citations
            if citation.article_id == article_id
        ]
        return sorted(found, key=lambda ref: (ref.story_id, ref.sentence_position))  # stable

    # --- quotes and entities ------------------------------------------------------------------

    def replace_quotes(self, article_ids: Iterable[str], quotes: Iterable[Quote]) -> None:
        self._version += 1
        scope = set(article_ids)
        new = check_quotes(scope, quotes)
        self._require_articles({q.article_id for q in new.values()}, "quotes")
        self._quotes = {k: q for k, q in self._quotes.items() if q.article_id not in scope}
        self._quotes.update(new)

    def quotes(
        self,
        *,
        article_id: str | None = None,
        speaker: str | None = None,
        entity_id: str | None = None,
        article_ids: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Quote]:
        scope = None if article_ids is None else set(article_ids)
        chosen = [
            q
            for q in self._quotes.values()
            if (article_id is None or q.article_id == article_id)
            and (speaker is None or (q.speaker_text or "").lower() == speaker.lower())
            and (entity_id is None or q.entity_id == entity_id)
            and (scope is None or q.article_id in scope)
        ]
        chosen.sort(key=lambda q: (q.article_id, q.content.start, q.content.end))
        return chosen if limit is None else chosen[: max(limit, 0)]

    def replace_entities(self, article_ids: Iterable[str], entities: Iterable[Entity]) -> None:
        self._version += 1
        scope = set(article_ids)
        new = check_entities(scope, entities)
        mention_articles = {m.span.article_id for e in new for m in e.mentions}
        self._require_articles(mention_articles, "entity mentions")
        affected = {owner for (owner, article, _, _) in self._mentions if article in scope}
        self._mentions = {k: v for k, v in self._mentions.items() if k[1] not in scope}
        still = {owner for (owner, _, _, _) in self._mentions}
        for owner in affected - still:
            self._entities.pop(owner, None)
        for entity in new:
            self._entities[entity.id] = (entity.name, entity.type, entity.aliases)
            for m in entity.mentions:
                key = (entity.id, m.span.article_id, m.span.start, m.span.end)
                self._mentions.setdefault(key, (entity.id, m))

    def _entity(self, entity_id: str) -> Entity:
        name, type_, aliases = self._entities[entity_id]
        mentions = sorted(
            ((key, m) for key, (_, m) in self._mentions.items() if key[0] == entity_id),
            key=lambda km: km[0],
        )
        return Entity(entity_id, name, type_, aliases, tuple(m for _, m in mentions))

    def entities(self, *, type: EntityType | None = None) -> list[Entity]:
        chosen = [
            self._entity(i)
            for i, (_, t, _) in self._entities.items()
            if type is None or t == EntityType(type)
        ]
        return sorted(chosen, key=lambda e: (e.name, e.id))

    def get_entity(self, entity_id: str) -> Entity:
        if entity_id not in self._entities:
            raise NotFoundError(f"no entity {entity_id} in :memory:")
        return self._entity(entity_id)

    def mentions(self, article_id: str) -> list[Mention]:
        found = [
            ((key[2], key[3], key[0]), m)
            for key, (_, m) in self._mentions.items()
            if key[1] == article_id
        ]
        return [m for _, m in sorted(found, key=lambda km: km[0])]

    # --- reads for browsing -------------------------------------------------------------------

    def data_version(self) -> int:
        return self._version

    def article_headers(self, article_ids: Iterable[str]) -> list[ArticleHeader]:
        return [self._header(a) for a in self.get_articles(article_ids)]

    def outlets(self) -> list[OutletStats]:
        groups: dict[str, list[datetime]] = {}
        counts: dict[str, int] = {}
        for article in self._articles.values():
            if article.source is None:
                continue
            counts[article.source] = counts.get(article.source, 0) + 1
            if article.published is not None:
                groups.setdefault(article.source, []).append(article.published)
        stats = []
        for name in sorted(counts):
            dates = sorted(groups.get(name, []), key=lambda d: d.isoformat())
            stats.append(
                OutletStats(
                    name, counts[name], dates[0] if dates else None, dates[-1] if dates else None
                )
            )
        return stats

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
        def day(value: datetime | None) -> str | None:
            return value.isoformat()[:10] if value is not None else None

        def keep(story: Story) -> bool:
            last = day(story.last_published or story.first_published)
            first = day(story.first_published or story.last_published)
            if since is not None and (last is None or last < since.isoformat()):
                return False
            if until is not None and (first is None or first > until.isoformat()):
                return False
            if outlet is not None and not any(
                self._articles[a].source == outlet for a in story.article_ids
            ):
                return False
            if entity_id is not None:
                members = set(story.article_ids)
                if not any(
                    owner == entity_id and article in members
                    for (owner, article, _, _) in self._mentions
                ):
                    return False
            return True

        chosen = [s for s in self._stories.values() if keep(s)]
        chosen.sort(key=lambda s: s.id)
        chosen.sort(
            key=lambda s: s.last_published.isoformat() if s.last_published else "", reverse=True
        )
        chosen.sort(key=lambda s: s.last_published is None)
        start = max(offset, 0)
        end = None if limit is None else start + max(limit, 0)
        return StorySlice(len(chosen), tuple(chosen[start:end]))

    def _counts(self, owners: Iterable[str], articles: Collection[str] | None) -> list[EntityCount]:
        wanted = set(owners)
        seen: dict[str, set[str]] = {}
        n_mentions: dict[str, int] = {}
        for owner, article, _, _ in self._mentions:
            if owner in wanted and (articles is None or article in articles):
                seen.setdefault(owner, set()).add(article)
                n_mentions[owner] = n_mentions.get(owner, 0) + 1
        return [
            EntityCount(i, self._entities[i][0], self._entities[i][1], len(seen[i]), n_mentions[i])
            for i in seen
        ]

    def entity_counts(
        self, article_ids: Collection[str], *, limit: int | None = None
    ) -> list[EntityCount]:
        scope = set(article_ids)
        counts = self._counts(self._entities, scope)
        counts.sort(key=lambda c: (-c.n_articles, -c.n_mentions, c.name, c.id))
        return counts if limit is None else counts[: max(limit, 0)]

    def find_entities(self, text: str, *, limit: int = 20) -> list[EntityCount]:
        needle = text.strip().casefold()
        if not needle:
            return []
        matched = [
            i
            for i, (name, _, aliases) in self._entities.items()
            if needle in name.casefold() or any(needle in a.casefold() for a in aliases)
        ]
        counts = {c.id: c for c in self._counts(matched, None)}
        found = [
            counts.get(i, EntityCount(i, self._entities[i][0], self._entities[i][1], 0, 0))
            for i in matched
        ]
        found.sort(
            key=lambda c: (c.name.casefold() != needle, -c.n_articles, -c.n_mentions, c.name, c.id)
        )
        return found[: max(limit, 0)]
