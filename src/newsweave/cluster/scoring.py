"""Pair scores of articles: lexical and embedding cosines, plus their shared nearest neighbours.

The first-order score of two articles is ``lexical_weight * cosine(tf-idf) + embedding_weight *
max(0, cosine(embedding) - floor) / (1 - floor)``.  Each article keeps its ``neighbours`` best
first-order partners; the pair score adds ``shared_neighbour_weight`` times the share of those
lists the two articles have in common.  Articles about one event point at the same other
articles, while two events of one topic (two fights of one boxer, two quakes in one region)
share topic words but not neighbours: on ECB+ train the shared-neighbour part lifts the
within-topic ROC AUC of same-event pairs from 0.91 (tf-idf cosine) to 0.95.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from newsweave.cluster.features import (
    MIN_DOCS_FOR_MAX_DF,
    SparseVector,
    TermStats,
    article_terms,
)
from newsweave.cluster.index import CandidateIndex
from newsweave.cluster.linkage import naive_utc
from newsweave.cluster.options import ClusterOptions
from newsweave.model import Article

__all__ = ["ArticleTable", "PairLinks", "outlet_of"]

_SECONDS_PER_DAY = 86_400.0


class ArticleTable:
    """Per-article state shared by batch and incremental clustering, indexed by node number."""

    def __init__(self, options: ClusterOptions, dim: int | None) -> None:
        self.options = options
        self.stats = TermStats()
        self.index = CandidateIndex(options.posting_cap)
        self.article_ids: list[str] = []
        self.vectors: list[SparseVector] = []
        self.published: list[datetime | None] = []
        self.outlets: list[str] = []  # outlet name, or the URL's host; '' when unknown
        self.titles: list[str] = []
        self.text_hashes: list[str] = []
        # Each node's best first-order partners, as (-score, node), best first.
        self.partners: list[list[tuple[float, int]]] = []
        self._top: list[frozenset[int] | None] = []  # caches of top() and background()
        self._background: list[float | None] = []
        self._keep = max(options.neighbours, options.background_rank)
        self._dim = dim
        self._embeddings: NDArray[np.float32] = np.zeros((0, dim or 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.article_ids)

    # --- adding articles ----------------------------------------------------------------------

    def terms(
        self, article: Article, entities: Iterable[str] = ()
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        counts = article_terms(
            article,
            title_boost=self.options.title_boost,
            entity_boost=self.options.entity_boost,
            max_chars=self.options.max_chars,
            entities=entities,
        )
        return TermStats.hashed(counts)

    def add(
        self,
        article: Article,
        vector: SparseVector,
        embedding: NDArray[np.float32] | None,
    ) -> int:
        node = len(self.article_ids)
        self.article_ids.append(article.id)
        self.vectors.append(vector)
        self.published.append(naive_utc(article.published))
        self.outlets.append(outlet_of(article))
        self.titles.append(article.title)
        self.text_hashes.append(article.text_hash)
        self.partners.append([])
        self._top.append(None)
        self._background.append(None)
        if self._dim is not None:
            if embedding is None:
                raise ValueError(f"article {article.id} has no embedding")
            self._append_embedding(node, embedding)
        return node

    def _append_embedding(self, node: int, embedding: NDArray[np.float32]) -> None:
        if node >= len(self._embeddings):  # grow by doubling
            grown = np.zeros((max(16, 2 * len(self._embeddings)), self._dim or 0), np.float32)
            grown[: len(self._embeddings)] = self._embeddings
            self._embeddings = grown
        self._embeddings[node] = embedding

    def reserve(self, n: int) -> None:
        """Make room for ``n`` embeddings at once (batch runs know their size)."""
        if self._dim is not None and n > len(self._embeddings):
            grown = np.zeros((n, self._dim), np.float32)
            grown[: len(self._embeddings)] = self._embeddings
            self._embeddings = grown

    def salient(self, vector: SparseVector) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The terms ``vector`` is indexed and queried by: its heaviest not-too-common terms."""
        allowed = None
        if self.stats.n_docs >= MIN_DOCS_FOR_MAX_DF:
            allowed = self.stats.document_share(vector.ids) <= self.options.salient_max_df
        top = vector.top(self.options.salient_terms, allowed)
        positions = np.searchsorted(vector.ids, top)
        return top, vector.weights[positions]

    # --- scoring ------------------------------------------------------------------------------

    def candidates(
        self, node: int, terms: NDArray[np.int64], weights: NDArray[np.float32]
    ) -> NDArray[np.int64]:
        """Indexed articles sharing salient terms with ``node``, within the time horizon."""
        found, _ = self.index.query(terms, weights, self.options.candidates)
        published = self.published[node]
        if published is None or not len(found):
            return found
        horizon = self.options.horizon_days * _SECONDS_PER_DAY
        keep = [
            (other := self.published[int(c)]) is None
            or abs((other - published).total_seconds()) <= horizon
            for c in found
        ]
        kept: NDArray[np.int64] = found[np.asarray(keep, dtype=bool)]
        return kept

    def first_order(self, node: int, others: NDArray[np.int64]) -> NDArray[np.float64]:
        """First-order scores of ``node`` with each of ``others``."""
        if not len(others):
            return np.zeros(0, dtype=np.float64)
        options = self.options
        scores = options.lexical_weight * self._cosines(node, others)
        if self._dim is not None and options.embedding > 0:
            cos = self._embeddings[others] @ self._embeddings[node]
            floor = options.floor
            scores += options.embedding * np.maximum(cos - floor, 0.0) / (1.0 - floor)
        return scores

    def _cosines(self, node: int, others: NDArray[np.int64]) -> NDArray[np.float64]:
        query = self.vectors[node]
        parts = [self.vectors[int(o)] for o in others]
        lengths = np.fromiter((len(p.ids) for p in parts), dtype=np.int64, count=len(parts))
        if not len(query.ids) or not lengths.sum():
            return np.zeros(len(parts), dtype=np.float64)
        ids = np.concatenate([p.ids for p in parts])
        weights = np.concatenate([p.weights for p in parts]).astype(np.float64)
        position = np.minimum(np.searchsorted(query.ids, ids), len(query.ids) - 1)
        hit = query.ids[position] == ids
        products = np.where(hit, query.weights[position] * weights, 0.0)
        cumulative = np.concatenate(([0.0], np.cumsum(products)))
        ends = np.cumsum(lengths)
        return np.asarray(cumulative[ends] - cumulative[ends - lengths], dtype=np.float64)

    def note_partner(self, a: int, b: int, score: float) -> bool:
        """Offer ``b`` (first-order score ``score`` with ``a``) to ``a``'s best partners.

        Returns whether ``a``'s list changed (and with it the scores of ``a``'s pairs).
        """
        best = self.partners[a]
        entry = (-score, b)
        if len(best) >= self._keep:
            if entry >= best[-1]:
                return False
            best.pop()
        bisect.insort(best, entry)
        self._top[a] = None
        self._background[a] = None
        return True

    def background(self, node: int) -> float:
        """First-order score of the ``background_rank``-th best partner (or the last one)."""
        cached = self._background[node]
        if cached is None:
            best = self.partners[node]
            rank = min(self.options.background_rank, len(best))
            cached = self._background[node] = -best[rank - 1][0] if best else 0.0
        return cached

    def top(self, node: int) -> frozenset[int]:
        """The ``neighbours`` best partners of ``node``."""
        cached = self._top[node]
        if cached is None:
            k = self.options.neighbours
            cached = self._top[node] = frozenset(n for _, n in self.partners[node][:k])
        return cached

    def shared_share(self, a: int, b: int) -> float:
        """The share of ``neighbours`` slots the best-partner lists of ``a`` and ``b`` share."""
        return len(self.top(a) & self.top(b)) / self.options.neighbours

    def pair_score(self, a: int, b: int, first_order: float) -> float:
        """``(first_order - background_weight * mean background) * (1 + w * shared share)``."""
        options = self.options
        score = first_order
        if options.background_weight:
            score -= options.background_weight * (self.background(a) + self.background(b)) / 2
        if options.shared_neighbour_weight:
            score *= 1.0 + options.shared_neighbour_weight * self.shared_share(a, b)
        return score

    def rescore(self, node: int, links: PairLinks) -> list[tuple[int, float]]:
        """Update the contributions of ``node``'s pairs; returns (other node, change) pairs.

        The same arithmetic as :meth:`contribution`, inlined: this runs for every article whose
        best partners an arrival changed, and is most of the incremental cost.
        """
        options = self.options
        beta, weight, floor = (
            options.background_weight,
            options.shared_neighbour_weight,
            options.edge_floor,
        )
        k = options.neighbours
        background, top = self.background, self.top
        own_background = background(node)
        own_top = top(node)
        first, contribution = links.first, links.contribution
        changes = []
        for other, index in links.adjacency[node].items():
            score = first[index]
            if beta:
                score -= beta * (own_background + background(other)) / 2
            if weight:
                score *= 1.0 + weight * len(own_top & top(other)) / k
            new = score if score >= floor else 0.0
            old = contribution[index]
            if new != old:
                contribution[index] = new
                changes.append((other, new - old))
        return changes

    def contribution(self, a: int, b: int, first_order: float) -> float:
        """What the pair adds to the link of its stories: its score, or 0 below the floor."""
        score = self.pair_score(a, b, first_order)
        return score if score >= self.options.edge_floor else 0.0

    def keeps_pair(self, first_order: float) -> bool:
        """Whether a pair can ever contribute: its score is at most ``first * (1 + w)``."""
        return first_order * (1.0 + self.options.shared_neighbour_weight) >= self.options.edge_floor

    # --- stories ------------------------------------------------------------------------------

    def medoid(self, nodes: Sequence[int], degree: dict[int, float]) -> int:
        """The member most linked to the others; ties go to the earliest, then the lowest id."""
        return min(
            nodes,
            key=lambda n: (
                -degree.get(n, 0.0),
                self.published[n] or datetime.max,
                self.article_ids[n],
            ),
        )


class PairLinks:
    """The scored candidate pairs: first-order score and current contribution, by adjacency."""

    def __init__(self) -> None:
        self.adjacency: list[dict[int, int]] = []  # node -> {other node: pair index}
        self.left, self.right = array("i"), array("i")
        self.first = array("d")
        self.contribution = array("d")

    def add_node(self) -> None:
        self.adjacency.append({})

    def add(self, a: int, b: int, first: float, contribution: float) -> int:
        index = len(self.first)
        self.left.append(a)
        self.right.append(b)
        self.first.append(first)
        self.contribution.append(contribution)
        self.adjacency[a][b] = index
        self.adjacency[b][a] = index
        return index

    def scored(self) -> Iterator[tuple[int, int, float]]:
        """Every pair with a contribution above 0."""
        for a, b, c in zip(self.left, self.right, self.contribution, strict=True):
            if c > 0:
                yield a, b, c


def outlet_of(article: Article) -> str:
    """The outlet's name (case-folded), or the host of its URL when the input did not name it."""
    if article.source:
        return article.source.strip().casefold()
    if article.url and "://" in article.url:
        host = article.url.split("://", 1)[1].split("/", 1)[0].lower()
        return host.removeprefix("www.")
    return ""
