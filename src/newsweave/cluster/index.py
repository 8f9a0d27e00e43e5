"""Candidate retrieval: an inverted index from salient terms to the articles that hold them.

Each article is posted under its ``salient_terms`` heaviest terms (terms held by more than
``salient_max_df`` of the articles seen are left out: they name a beat, not an event).  A
query adds up, over the query's own salient terms, the weight products of every posted article
and returns the best ``candidates``.  A posting list keeps its ``posting_cap`` most recent
entries, so the work per query is bounded by ``salient_terms * posting_cap`` whatever the size of
the archive: the cost per arriving article stays flat as the archive grows.  Scores are summed in
a scratch array indexed by node, touched only where the query's postings point, so a query
costs its postings and never the size of the archive (nor a sort of its postings).
"""

from __future__ import annotations

from array import array

import numpy as np
from numpy.typing import NDArray

__all__ = ["CandidateIndex"]


class _Postings:
    __slots__ = ("nodes", "weights")

    def __init__(self) -> None:
        self.nodes = array("i")
        self.weights = array("f")

    def append(self, node: int, weight: float, cap: int) -> None:
        self.nodes.append(node)
        self.weights.append(weight)
        if len(self.nodes) >= 2 * cap:  # trim in halves: amortised O(1) per append
            del self.nodes[:-cap]
            del self.weights[:-cap]


class CandidateIndex:
    """Salient term -> the most recent articles posted under it, with their term weights."""

    def __init__(self, posting_cap: int) -> None:
        self.posting_cap = posting_cap
        self._postings: dict[int, _Postings] = {}
        # Scratch space of query(), by node: summed scores (all 0 between queries) and the
        # position in the query's postings that last wrote a node (to find distinct nodes).
        self._sums = np.zeros(0, dtype=np.float64)
        self._slot = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._postings)

    def add(self, node: int, terms: NDArray[np.int64], weights: NDArray[np.float32]) -> None:
        if node >= len(self._sums):  # grow by doubling
            size = max(1024, 2 * len(self._sums), node + 1)
            self._sums = np.zeros(size, dtype=np.float64)
            self._slot = np.zeros(size, dtype=np.int64)
        cap = self.posting_cap
        for term, weight in zip(terms.tolist(), weights.tolist(), strict=True):
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = _Postings()
            postings.append(node, weight, cap)

    def query(
        self, terms: NDArray[np.int64], weights: NDArray[np.float32], limit: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The ``limit`` posted articles with the largest summed weight products, best first."""
        node_parts: list[NDArray[np.int32]] = []
        weight_parts: list[NDArray[np.float32]] = []
        query_weights: list[float] = []
        lengths: list[int] = []
        cap = self.posting_cap
        for term, weight in zip(terms.tolist(), weights.tolist(), strict=True):
            postings = self._postings.get(term)
            if postings is None:
                continue
            nodes = np.frombuffer(postings.nodes, dtype=np.int32)[-cap:]
            node_parts.append(nodes)
            weight_parts.append(np.frombuffer(postings.weights, dtype=np.float32)[-cap:])
            query_weights.append(weight)
            lengths.append(len(nodes))
        if not node_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        nodes = np.concatenate(node_parts)
        products = np.concatenate(weight_parts).astype(np.float64)
        products *= np.repeat(np.asarray(query_weights, dtype=np.float64), lengths)
        sums, slot = self._sums, self._slot
        np.add.at(sums, nodes, products)
        positions = np.arange(len(nodes))
        slot[nodes] = positions  # a node posted under several terms keeps one position
        unique = nodes[slot[nodes] == positions]
        scores = sums[unique]  # a copy: fancy indexing
        sums[unique] = 0.0
        if len(unique) > limit:
            keep = np.argpartition(-scores, limit - 1)[:limit]
            unique, scores = unique[keep], scores[keep]
        order = np.lexsort((unique, -scores))  # best first, ties by node: deterministic
        return unique[order].astype(np.int64), scores[order]
