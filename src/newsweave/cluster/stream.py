"""Incremental clustering: articles arrive one at a time and join, start or bridge stories.

:class:`StoryIndex` keeps what batch clustering builds — term statistics, the candidate index,
each article's best partners and the links between stories — and updates it per article:

1. the article's terms are counted into the running document frequencies and weighted;
2. the candidate index returns earlier articles sharing its salient terms (within the time
   horizon when dates are known), which are scored and offered the article as a partner;
3. the scored pairs are added to the links between stories, copies are joined outright;
4. the article's story merges with its best linked story while one scores the threshold:
   joining an existing story, or bridging two that this article shows to be one.

The work per article is bounded by the index's posting cap and the candidate count, not by
the size of the archive.  Results agree closely with :func:`cluster_articles` on the same
articles (``benchmarks/cluster.py`` measures it); they are not identical, since an arriving
article only sees the articles before it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsweave.cluster.features import embed_articles
from newsweave.cluster.linkage import StoryGraph
from newsweave.cluster.options import ClusterOptions
from newsweave.cluster.scoring import ArticleTable, PairLinks
from newsweave.cluster.stories import build_stories
from newsweave.model import Article, Story

__all__ = ["Assignment", "StoryIndex"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where an arriving article went.

    ``story`` is the story's key: the id of its earliest-added article, stable while the story
    grows.  ``merged`` lists the keys of stories folded into it because of this article.
    """

    article_id: str
    story: str
    new_story: bool
    merged: tuple[str, ...] = ()


class StoryIndex:
    """Stories of the articles added so far, updated one article at a time."""

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self._table: ArticleTable | None = None  # made on the first article: needs the dim
        self._graph = StoryGraph.from_options(self.options)
        self._node_of: dict[str, int] = {}
        self._holder_of_text: dict[str, int] = {}
        self._copies: list[tuple[int, int]] = []
        self._pinned: list[tuple[int, int]] = []  # seeded stories: held together like copies
        self._links = PairLinks()
        self._dirty: set[int] = set()  # nodes whose pairs changed since the last consolidation
        self._since_consolidation = 0

    def __len__(self) -> int:
        return len(self._node_of)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._node_of

    def add(
        self,
        article: Article,
        *,
        must_link: Iterable[str] = (),
        entities: Iterable[str] = (),
        embedding: NDArray[np.float32] | None = None,
    ) -> Assignment:
        """Assign ``article`` to a story.

        ``must_link``: ids of already added articles it copies or is copied by (from the reuse
        stage); they share its story.  ``entities``: its names from the entities stage.
        ``embedding``: a precomputed vector; otherwise ``options.embedder`` makes one.
        """
        given = {article.id: embedding} if embedding is not None else None
        return self.add_many(
            [article],
            must_link={article.id: tuple(must_link)},
            entities={article.id: tuple(entities)},
            embeddings=given,
        )[0]

    def add_many(
        self,
        articles: Sequence[Article],
        *,
        must_link: Mapping[str, Iterable[str]] | None = None,
        entities: Mapping[str, Iterable[str]] | None = None,
        embeddings: Mapping[str, NDArray[np.float32]] | None = None,
    ) -> list[Assignment]:
        """Add ``articles`` in order (embeddings are computed for all of them at once)."""
        fresh = [a for a in dict.fromkeys(articles) if a.id not in self._node_of]
        vectors, hashed = self._prepare(fresh, entities or {}, embeddings)
        row = {a.id: i for i, a in enumerate(fresh)}
        out = []
        for article in articles:
            if article.id in self._node_of:
                out.append(self._existing(article.id))
                continue
            i = row[article.id]
            vector = None if vectors is None else vectors[i]
            links = (must_link or {}).get(article.id, ())
            out.append(self._add_one(article, vector, hashed[i], links))
        return out

    def _prepare(
        self,
        fresh: Sequence[Article],
        entities: Mapping[str, Iterable[str]],
        embeddings: Mapping[str, NDArray[np.float32]] | None,
    ) -> tuple[NDArray[np.float32] | None, list[tuple[NDArray[np.int64], NDArray[np.float64]]]]:
        """Embeddings and hashed terms of ``fresh``, whose terms enter the document frequencies
        all at once: articles that arrive together are weighted as batch clustering weighs them.
        """
        vectors = embed_articles(fresh, self.options, embeddings) if fresh else None
        if fresh and self._table is None:
            self._table = ArticleTable(self.options, None if vectors is None else vectors.shape[1])
        hashed = []
        for article in fresh:
            ids, tf = self._require_table().terms(article, entities.get(article.id, ()))
            self._require_table().stats.add(ids)
            hashed.append((ids, tf))
        return vectors, hashed

    def seed(
        self,
        stories: Sequence[Sequence[Article]],
        *,
        must_link: Mapping[str, Iterable[str]] | None = None,
        embeddings: Mapping[str, NDArray[np.float32]] | None = None,
    ) -> None:
        """Load stories known already (e.g. stored by an earlier run) without regrouping them.

        Their articles are indexed in time order and each story is held together as it was;
        nothing merges while seeding.  Articles added afterwards join these stories, start new
        ones, or bridge two of them (and only stories an arrival touched are revisited).
        """
        from newsweave.cluster.batch import time_order

        group_of = {a.id: k for k, members in enumerate(stories) for a in members}
        ordered = [a for a in time_order([a for m in stories for a in m]) if a.id not in self]
        vectors, hashed = self._prepare(ordered, {}, embeddings)
        first_of: dict[int, int] = {}
        for i, article in enumerate(ordered):
            vector = None if vectors is None else vectors[i]
            node = self._index(article, vector, hashed[i])
            self._joined(node, article, (must_link or {}).get(article.id, ()))
            group = group_of[article.id]
            holder = first_of.setdefault(group, node)
            if holder != node:
                self._pinned.append((holder, node))
                self._graph.union(holder, node)
        self._dirty.clear()
        self._since_consolidation = 0

    def story_key(self, article_id: str) -> str:
        """The key of the story holding ``article_id``."""
        table = self._require_table()
        return table.article_ids[self._graph.head(self._node_of[article_id])]

    def stories(self) -> list[Story]:
        """The current stories (consolidated first), sorted by first publication date, then id."""
        if self._table is None:
            return []
        self.consolidate()
        return build_stories(self._table, self._graph, self._links.scored(), self._copies)

    def consolidate(self) -> int:
        """Revisit the stories whose articles' pairs changed since the last consolidation.

        An arriving article joins or merges stories on what is known when it arrives; later
        articles refine everyone's best partners and so the pair scores.  Consolidation splits
        the changed stories back into articles and merges them again, best pair first, with the
        current scores — what batch clustering would do with them.  Returns the merges made.
        """
        if not self._dirty:
            return 0
        table, graph, links = self._require_table(), self._graph, self._links
        for node in self._dirty:  # their best partners changed: so did their pairs' scores
            table.rescore(node, links)
        nodes = graph.dissolve({graph.find(n) for n in self._dirty})
        region = set(nodes)
        for a in nodes:
            for b, index in links.adjacency[a].items():
                contribution = links.contribution[index]
                if contribution and (b not in region or a < b):
                    graph.add_score(a, b, contribution)
        for a, b in (*self._copies, *self._pinned):
            if a in region or b in region:
                graph.union(a, b)
        merges = graph.merge_from(nodes, self.options.link_threshold)
        self._dirty.clear()
        self._since_consolidation = 0
        return merges

    # --- internals ----------------------------------------------------------------------------

    def _require_table(self) -> ArticleTable:
        if self._table is None:
            raise KeyError("no article has been added")
        return self._table

    def _existing(self, article_id: str) -> Assignment:
        return Assignment(article_id, self.story_key(article_id), new_story=False)

    def _index(
        self,
        article: Article,
        embedding: NDArray[np.float32] | None,
        hashed: tuple[NDArray[np.int64], NDArray[np.float64]],
    ) -> int:
        """Score ``article`` (its terms counted in already) against its candidates and index it;
        returns its node."""
        options = self.options
        table, graph = self._require_table(), self._graph
        ids, tf = hashed
        vector = table.stats.vector(ids, tf, options.max_df)
        node = table.add(article, vector, embedding)
        graph.add_node(article.published)
        self._node_of[article.id] = node
        self._links.add_node()
        terms, weights = table.salient(vector)
        others = table.candidates(node, terms, weights)
        first = table.first_order(node, others)
        for other, score in zip(others.tolist(), first.tolist(), strict=True):
            table.note_partner(node, other, score)
            if table.note_partner(other, node, score):
                self._dirty.add(other)
            if table.keeps_pair(score):
                self._links.add(other, node, score, 0.0)
        table.index.add(node, terms, weights)
        for other, change in table.rescore(node, self._links):
            graph.add_score(node, other, change)
        self._dirty.add(node)
        return node

    def _add_one(
        self,
        article: Article,
        embedding: NDArray[np.float32] | None,
        hashed: tuple[NDArray[np.int64], NDArray[np.float64]],
        must_link: Iterable[str],
    ) -> Assignment:
        options, graph = self.options, self._graph
        node = self._index(article, embedding, hashed)
        table = self._require_table()
        heads = [graph.head(n) for n in self._joined(node, article, must_link)]
        absorbed = graph.merge_around(node, options.link_threshold)
        root = graph.find(node)
        head = graph.head(root)
        heads += [graph.head_of_root(r) for r in absorbed if graph.find(r) == root]
        merged = sorted({table.article_ids[h] for h in heads if h not in (head, node)})
        self._since_consolidation += 1
        if self._consolidation_due():
            self.consolidate()
        return Assignment(
            article.id,
            table.article_ids[head],
            new_story=head == node,
            merged=tuple(merged),
        )

    def _consolidation_due(self) -> bool:
        """Whether the arrivals since the last consolidation number ``consolidate_every`` and
        ``consolidate_share`` of the articles indexed before them.

        A consolidation costs about the stories the arrivals touched, up to the whole archive;
        spacing them in proportion to the archive keeps that cost constant per article.
        """
        every, since = self.options.consolidate_every, self._since_consolidation
        if not every or since < every:
            return False
        return since >= self.options.consolidate_share * (len(self) - since)

    def _joined(self, node: int, article: Article, must_link: Iterable[str]) -> list[int]:
        """Join ``node`` with the articles it must share a story with; returns their nodes."""
        partners = [self._node_of[i] for i in must_link if i in self._node_of]
        unknown = sum(1 for i in must_link if i not in self._node_of)
        if unknown:
            log.info("cluster: %d must-link ids of %s are not indexed yet", unknown, article.id)
        if article.text_hash:
            holder = self._holder_of_text.setdefault(article.text_hash, node)
            if holder != node:
                partners.append(holder)
        for partner in partners:
            self._copies.append((partner, node))
        roots = [self._graph.find(p) for p in partners]
        for partner in partners:
            self._graph.union(partner, node)
        return roots
