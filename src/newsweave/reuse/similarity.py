"""Score how much two sentences say the same thing: embeddings plus an IDF-weighted word alignment.

The score of a sentence pair is the sum of three terms, each on a 0..1 scale, with equal weights:

``cos``
    cosine of the two sentence embeddings (MiniLM when installed; a lexical cosine over the
    normalized tokens when no embedder is given) — catches synonyms and reordering;
``coverage``
    the IDF-weighted share of both sentences' normalized tokens (:mod:`.normalize`) that find a
    partner in the other sentence — catches spun names and number formats;
``gap`` (subtracted)
    the longest run of unmatched tokens in either sentence, as a share of that sentence —
    an added or dropped clause ("…, assuming the deal closes") is what most separates a
    rewording from a different statement, and a run says that better than a count.

The form (equal weights, no fitted coefficients) was chosen among a handful of unweighted
combinations by 10-fold cross-validated F1 on the MSRP *train* split; nothing else was fitted
on it but the equivalence thresholds below (stated where they are defined).
IDF comes from the texts at hand: the corpus being processed, or the batch of pairs scored.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from newsweave.embed import Embedder
from newsweave.reuse.normalize import normalize

__all__ = [
    "EQUIVALENCE_THRESHOLD",
    "Idf",
    "LexicalFeatures",
    "idf_from_counts",
    "idf_table",
    "lexical_cosine",
    "lexical_features",
    "pair_features",
    "pair_score",
    "paraphrase_scores",
    "score_pairs",
]

# Threshold on :func:`pair_score` above which two sentences count as saying the same thing, per
# embedder: the accuracy-optimal thresholds on all of MSRP *train* (4,076 pairs; the only thing
# fitted on it).  MSRP's positives include independent rewordings of one fact, so this is
# "equivalent", not "copied"; copy decisions in :mod:`.detect` need more (see its constants).
EQUIVALENCE_THRESHOLD: Mapping[str, float] = {
    "minilm": 0.89,
    "static": 1.05,
    "hashing": 0.62,
    "lexical": 0.83,
}

# The fitted paraphrase score (:func:`paraphrase_scores`): a logistic regression over the terms
# of :func:`pair_features` with the MiniLM cosine, its log-odds as the score.  Fitted on all of
# MSRP *train* (4,076 pairs; scikit-learn defaults, standardized features folded back into these
# raw weights); the same model fitted inside each fold scores 84.1 F1 cross-validated there
# (benchmarks/pairs.py) against 83.9 for the unweighted ``cos + coverage - gap``.  For deciding
# "same statement" between news sentences; copy detection keeps the unfitted score.
PARAPHRASE_WEIGHTS: Mapping[str, float] = {
    "cos": 3.8516,
    "coverage": 0.5395,
    "gap": -4.0915,
    "unmatched": -0.1389,
    "longest_gap": -0.119,
    "number_mismatch": -0.1937,
}
PARAPHRASE_INTERCEPT = 0.2828


@dataclass(frozen=True, slots=True)
class LexicalFeatures:
    """The alignment of two token sequences (see the module docstring)."""

    coverage: float  # IDF-weighted share of tokens matched, both sentences together
    gap: float  # longest unmatched run / length, the worse of the two sentences
    matched_a: tuple[bool, ...]  # per token of a: found in b
    matched_b: tuple[bool, ...]


class Idf(NamedTuple):
    """Smoothed inverse document frequencies; ``default`` for tokens never seen (the rarest)."""

    weights: dict[str, float]
    default: float

    def __call__(self, term: str) -> float:
        return self.weights.get(term, self.default)


def idf_from_counts(df: Mapping[str, int], n: int) -> Idf:
    """IDF from document frequencies ``df`` over ``n`` documents."""
    weights = {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}
    return Idf(weights, math.log(n + 1) + 1.0)


def idf_table(documents: Iterable[Iterable[str]]) -> Idf:
    """Smoothed inverse document frequency of each normalized token over ``documents``."""
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        df.update(set(doc))
        n += 1
    return idf_from_counts(df, n)


def _match(tokens: Sequence[str], other: Sequence[str]) -> list[bool]:
    """Multiset matching: each token of ``tokens`` takes one unused equal token of ``other``."""
    available = Counter(other)
    matched: list[bool] = []
    for token in tokens:
        if available[token] > 0:
            available[token] -= 1
            matched.append(True)
        else:
            matched.append(False)
    return matched


def _longest_gap(matched: Sequence[bool]) -> int:
    best = current = 0
    for hit in matched:
        current = 0 if hit else current + 1
        best = max(best, current)
    return best


def lexical_features(a: Sequence[str], b: Sequence[str], idf: Idf) -> LexicalFeatures:
    """IDF-weighted coverage and the longest unmatched run of two normalized token sequences."""
    if not a or not b:
        return LexicalFeatures(0.0, 1.0, (False,) * len(a), (False,) * len(b))
    weights, unseen = idf
    matched_a = _match(a, b)
    matched_b = _match(b, a)
    total = unmatched = 0.0
    for tokens, matched in ((a, matched_a), (b, matched_b)):
        for token, hit in zip(tokens, matched, strict=True):
            weight = weights.get(token, unseen)
            total += weight
            if not hit:
                unmatched += weight
    coverage = 1.0 - unmatched / total if total else 0.0
    gap = max(_longest_gap(matched_a) / len(a), _longest_gap(matched_b) / len(b))
    return LexicalFeatures(coverage, gap, tuple(matched_a), tuple(matched_b))


def lexical_cosine(a: Sequence[str], b: Sequence[str], idf: Idf) -> float:
    """Cosine of IDF-weighted bags of normalized tokens: the embedding stand-in without one."""
    if not a or not b:
        return 0.0
    weights, unseen = idf
    ca, cb = Counter(a), Counter(b)
    dot = sum(n * cb[t] * weights.get(t, unseen) ** 2 for t, n in ca.items() if t in cb)
    na = math.sqrt(sum((n * weights.get(t, unseen)) ** 2 for t, n in ca.items()))
    nb = math.sqrt(sum((n * weights.get(t, unseen)) ** 2 for t, n in cb.items()))
    return dot / (na * nb) if na and nb else 0.0


def pair_score(cos: float, features: LexicalFeatures) -> float:
    """The sentence-pair score: ``cos + coverage - gap`` (range -1..2; see the module docstring)."""
    return cos + features.coverage - features.gap


def pair_features(
    pairs: Sequence[tuple[str, str]], embedder: Embedder | None = None
) -> dict[str, NDArray[np.float64]]:
    """The score's terms for each ``(text_a, text_b)`` pair, IDF taken from the batch itself:
    ``cos`` (the embedder's, or ``lexical_cos`` without one), ``coverage``, ``gap``; and, for
    reference, ``lexical_cos``, ``length_ratio``, ``unmatched`` (tokens of the worse side without
    a partner), ``longest_gap`` (in tokens) and ``number_mismatch`` (numbers in one only)."""
    tokens = [([t.norm for t in normalize(a)], [t.norm for t in normalize(b)]) for a, b in pairs]
    idf = idf_table(doc for pair in tokens for doc in pair)
    lexical = np.array([lexical_cosine(a, b, idf) for a, b in tokens], dtype=np.float64)
    if embedder is not None and pairs:
        texts = [text for pair in pairs for text in pair]
        vectors = embedder.encode(texts)
        cosines = np.einsum("ij,ij->i", vectors[0::2], vectors[1::2]).astype(np.float64)
    else:
        cosines = lexical
    features = [lexical_features(a, b, idf) for a, b in tokens]
    lengths = [(len(a), len(b)) for a, b in tokens]

    def column(values: Iterable[float]) -> NDArray[np.float64]:
        return np.fromiter(values, dtype=np.float64, count=len(pairs))

    return {
        "cos": cosines,
        "coverage": column(f.coverage for f in features),
        "gap": column(f.gap for f in features),
        "lexical_cos": lexical,
        "length_ratio": column(min(x, y) / max(x, y) if max(x, y) else 0.0 for x, y in lengths),
        # For reference only (the learned variant of benchmarks/pairs.py): raw counts.
        "unmatched": column(
            max(f.matched_a.count(False), f.matched_b.count(False)) for f in features
        ),
        "longest_gap": column(
            max(_longest_gap(f.matched_a), _longest_gap(f.matched_b)) for f in features
        ),
        "number_mismatch": column(
            len({t for t in a if t[0] == "#"} ^ {t for t in b if t[0] == "#"}) for a, b in tokens
        ),
    }


def score_pairs(
    pairs: Sequence[tuple[str, str]], embedder: Embedder | None = None
) -> NDArray[np.float64]:
    """Score each ``(text_a, text_b)`` pair; IDF is taken from the texts of the batch itself."""
    if not pairs:
        return np.zeros(0, dtype=np.float64)
    f = pair_features(pairs, embedder)
    scores: NDArray[np.float64] = f["cos"] + f["coverage"] - f["gap"]
    return scores


def paraphrase_scores(
    pairs: Sequence[tuple[str, str]], embedder: Embedder | None = None
) -> NDArray[np.float64]:
    """Log-odds that each ``(text_a, text_b)`` pair says the same thing: the fitted combination
    of :func:`pair_features` (``PARAPHRASE_WEIGHTS``; calibrated with the MiniLM cosine)."""
    if not pairs:
        return np.zeros(0, dtype=np.float64)
    f = pair_features(pairs, embedder)
    scores = np.full(len(pairs), PARAPHRASE_INTERCEPT, dtype=np.float64)
    for name, weight in PARAPHRASE_WEIGHTS.items():
        scores += weight * f[name]
    return scores
