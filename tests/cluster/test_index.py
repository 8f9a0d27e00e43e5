"""The candidate index: a query sums weight products over the newest postings of its terms."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np

from newsweave.cluster.index import CandidateIndex


def _brute_force(
    posted: dict[int, list[tuple[int, float]]], terms: list[int], weights: list[float], cap: int
) -> dict[int, float]:
    sums: dict[int, float] = defaultdict(float)
    for term, weight in zip(terms, weights, strict=True):
        for node, posted_weight in posted.get(term, [])[-cap:]:
            sums[node] += float(np.float32(posted_weight)) * weight
    return sums


def test_query_matches_a_brute_force_sum_over_the_newest_postings() -> None:
    rng = random.Random(3)
    cap = 5
    index = CandidateIndex(cap)
    posted: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for node in range(300):
        terms = sorted(rng.sample(range(40), 6))
        weights = [round(rng.uniform(0.1, 1.0), 3) for _ in terms]
        index.add(node, np.array(terms, dtype=np.int64), np.array(weights, dtype=np.float32))
        for term, weight in zip(terms, weights, strict=True):
            posted[term].append((node, weight))
    for _ in range(20):  # queries reuse scratch space: each must start from zero
        terms = sorted(rng.sample(range(45), 8))  # some terms were never posted
        weights = [rng.uniform(0.1, 1.0) for _ in terms]
        found, scores = index.query(
            np.array(terms, dtype=np.int64), np.array(weights, dtype=np.float32), 7
        )
        query_weights = [float(np.float32(w)) for w in weights]
        expected = _brute_force(posted, terms, query_weights, cap)
        best = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:7]
        assert found.tolist() == [node for node, _ in best]
        assert np.allclose(scores, [score for _, score in best])
        assert all(node >= 300 - 40 * cap for node in found), "only recent postings are kept"


def test_query_without_postings_is_empty() -> None:
    index = CandidateIndex(10)
    found, scores = index.query(np.array([1, 2]), np.array([0.5, 0.5], dtype=np.float32), 5)
    assert not len(found) and not len(scores)
    index.add(0, np.array([1]), np.array([0.5], dtype=np.float32))
    found, scores = index.query(np.array([1, 2]), np.array([1.0, 1.0], dtype=np.float32), 5)
    assert found.tolist() == [0] and scores.tolist() == [0.5]
