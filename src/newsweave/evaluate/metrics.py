"""Scores for clustering, paraphrase pairs, quote and entity spans, and article extraction.

Every function takes gold and predicted values and returns plain numbers (0..1), so it can be
checked by hand: the unit tests do exactly that on tiny cases.

* Clustering: B-cubed precision/recall/F1 (Bagga & Baldwin), pairwise P/R/F1 over same-cluster
  pairs, the adjusted Rand index and NMI (scikit-learn's arithmetic normalisation), and the two
  cluster counts.  Computed from the contingency table: linear in the number of articles.
* Pairs: accuracy, precision, recall and F1 of ``score >= threshold``, and ROC AUC.  Thresholds
  come from :func:`tune_threshold` on other data, never from the scored labels themselves.
* Spans: quotes are matched one to one, exactly (after trimming quote marks, spaces and edge
  punctuation) or by any character overlap; the speaker counts as right when the predicted
  speaker span overlaps an annotated one.  Entities are scored exactly (boundaries and type),
  overall and per CoNLL type.
* Extraction: the article-extraction benchmark's measure: precision and recall over multisets of
  word 4-grams per page, normalised per page, averaged over pages, F1 of the two averages.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from newsweave.errors import ConfigError

__all__ = [
    "PRF",
    "ClusteringScores",
    "PairScores",
    "cluster_scores",
    "entity_scores",
    "extraction_scores",
    "pair_scores",
    "quote_scores",
    "tune_threshold",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, correct: float, predicted: float, gold: float) -> PRF:
        """From counts; an empty prediction has precision 1, an empty gold set recall 1."""
        p = correct / predicted if predicted else 1.0
        r = correct / gold if gold else 1.0
        return cls(p, r, _f1(p, r))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


# --- clustering -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    bcubed_p: float
    bcubed_r: float
    bcubed_f1: float
    pairwise_p: float
    pairwise_r: float
    pairwise_f1: float
    ari: float
    nmi: float
    n_pred: int
    n_gold: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def cluster_scores(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> ClusteringScores:
    """Compare a predicted partition with the gold one (one label per item, any hashables)."""
    if len(gold) != len(predicted):
        raise ConfigError(f"cluster: {len(predicted)} predicted labels for {len(gold)} items")
    n = len(gold)
    if n == 0:
        raise ConfigError("cluster: nothing to score")
    cells = Counter(zip(gold, predicted, strict=True))
    gold_sizes = Counter(gold)
    pred_sizes = Counter(predicted)

    # B-cubed: each item's share of its predicted cluster that is in its gold cluster, and back
    bcubed_p = sum(c * c / pred_sizes[p] for (_, p), c in cells.items()) / n
    bcubed_r = sum(c * c / gold_sizes[g] for (g, _), c in cells.items()) / n

    same_both = sum(_pairs(c) for c in cells.values())
    same_pred = sum(_pairs(c) for c in pred_sizes.values())
    same_gold = sum(_pairs(c) for c in gold_sizes.values())
    pairwise = PRF.of(same_both, same_pred, same_gold)

    total = _pairs(n)
    expected = same_pred * same_gold / total if total else 0.0
    maximum = (same_pred + same_gold) / 2
    ari = 1.0 if maximum == expected else (same_both - expected) / (maximum - expected)

    return ClusteringScores(
        bcubed_p=bcubed_p,
        bcubed_r=bcubed_r,
        bcubed_f1=_f1(bcubed_p, bcubed_r),
        pairwise_p=pairwise.precision,
        pairwise_r=pairwise.recall,
        pairwise_f1=pairwise.f1,
        ari=ari,
        nmi=_nmi(cells, gold_sizes, pred_sizes, n),
        n_pred=len(pred_sizes),
        n_gold=len(gold_sizes),
    )


def _nmi(
    cells: Counter[tuple[Hashable, Hashable]],
    gold_sizes: Counter[Hashable],
    pred_sizes: Counter[Hashable],
    n: int,
) -> float:
    """Mutual information over the arithmetic mean of the two entropies (scikit-learn's NMI)."""
    if len(gold_sizes) == len(pred_sizes) == 1 or (len(gold_sizes) == len(pred_sizes) == n):
        return 1.0  # both partitions trivial in the same way: identical

    def entropy(sizes: Iterable[int]) -> float:
        return -sum(s / n * math.log(s / n) for s in sizes)

    mi = sum(
        c / n * math.log(c * n / (gold_sizes[g] * pred_sizes[p])) for (g, p), c in cells.items()
    )
    norm = (entropy(gold_sizes.values()) + entropy(pred_sizes.values())) / 2
    return max(0.0, mi / norm) if norm > 0 else 0.0


# --- pairs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairScores:
    accuracy: float
    precision: float
    recall: float
    f1: float
    auc: float | None  # None when the labels hold a single class
    threshold: float

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC as the Mann-Whitney statistic (ties count one half)."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks of ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(average, counts)
    return float(
        (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def pair_scores(labels: Sequence[int], scores: Sequence[float], threshold: float) -> PairScores:
    """Accuracy, P, R, F1 of predicting 1 when ``score >= threshold``, and ROC AUC."""
    if len(labels) != len(scores):
        raise ConfigError(f"pairs: {len(scores)} scores for {len(labels)} labels")
    if not labels:
        raise ConfigError("pairs: nothing to score")
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isfinite(s)):
        raise ConfigError("pairs: the method returned a score that is not a finite number")
    pred = s >= threshold
    tp = int(np.sum(pred & (y == 1)))
    prf = PRF.of(tp, int(pred.sum()), int(y.sum()))
    accuracy = float(np.mean(pred == (y == 1)))
    return PairScores(accuracy, prf.precision, prf.recall, prf.f1, _auc(y, s), threshold)


def tune_threshold(
    labels: Sequence[int], scores: Sequence[float], objective: str = "accuracy"
) -> float:
    """The threshold that maximises ``objective`` (accuracy or f1) on these labels.

    Candidates are the midpoints between consecutive distinct scores (and one below the
    lowest); ties go to the highest threshold, the most conservative one.
    """
    if objective not in ("accuracy", "f1"):
        raise ConfigError(f"pairs: objective must be 'accuracy' or 'f1', got {objective!r}")
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if not len(y):
        raise ConfigError("pairs: no labelled pairs to tune a threshold on")
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    distinct = np.r_[np.nonzero(np.diff(s_sorted))[0], len(s_sorted) - 1]  # last index per value
    tp = np.cumsum(y_sorted)[distinct]
    predicted = distinct + 1
    positives, n = int(y.sum()), len(y)
    if objective == "accuracy":
        value = (tp + (n - positives) - (predicted - tp)) / n
    else:
        value = np.where(predicted + positives > 0, 2 * tp / (predicted + positives), 0.0)
    best = int(np.argmax(value))
    upper = s_sorted[distinct[best]]
    lower = s_sorted[distinct[best] + 1] if best + 1 < len(distinct) else upper - 1.0
    # predicting nothing (threshold above every score) may be better still
    none_value = (n - positives) / n if objective == "accuracy" else 0.0
    if none_value > value[best]:
        return float(s_sorted[0] + 1.0)
    return float((upper + lower) / 2)


# --- spans: quotes and entities ---------------------------------------------------------------

_TRIM = " \t\r\n\u00a0\"'“”‘’«»„‚,.;:!?—–-"


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past quote marks, spaces and edge punctuation."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _overlap(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


@dataclass(frozen=True, slots=True)
class PredictedQuote:
    """What the quote scorer needs of a predicted quote (see :class:`newsweave.model.Quote`)."""

    span: tuple[int, int]
    direct: bool
    speaker: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class AnnotatedQuote:
    spans: tuple[tuple[int, int], ...]
    direct: bool
    speaker_spans: tuple[tuple[int, int], ...] = ()


def _match(
    text: str, predicted: Sequence[PredictedQuote], gold: Sequence[AnnotatedQuote], exact: bool
) -> list[tuple[int, int]]:
    """One-to-one matches (predicted index, gold index), largest overlaps first."""
    candidates = []
    for i, p in enumerate(predicted):
        ps = trim_span(text, *p.span)
        for j, g in enumerate(gold):
            gs = [trim_span(text, s, e) for s, e in g.spans]
            if exact:
                extent = (min(s for s, _ in gs), max(e for _, e in gs))
                if ps == extent and ps[0] < ps[1]:
                    candidates.append((ps[1] - ps[0], i, j))
            elif (size := _overlap(ps, gs)) > 0:
                candidates.append((size, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def quote_scores(
    docs: Iterable[tuple[str, Sequence[PredictedQuote], Sequence[AnnotatedQuote]]],
) -> dict[str, float]:
    """Quote extraction and attribution scores over ``(text, predicted, gold)`` documents.

    ``direct_*`` compares predicted direct quotes with annotated direct quotes; ``all_*``
    compares every quote regardless of the direct flag.  ``speaker_accuracy`` is the share of
    overlap-matched quotes with an annotated speaker whose predicted speaker overlaps it;
    ``speaker_f1`` scores end to end: right speaker over predicted quotes with a speaker, and
    over annotated quotes with a speaker.
    """
    counts: Counter[str] = Counter()
    for text, predicted, gold in docs:
        direct_p = [q for q in predicted if q.direct]
        direct_g = [q for q in gold if q.direct]
        counts["direct_pred"] += len(direct_p)
        counts["direct_gold"] += len(direct_g)
        counts["direct_exact"] += len(_match(text, direct_p, direct_g, exact=True))
        counts["direct_overlap"] += len(_match(text, direct_p, direct_g, exact=False))
        counts["all_pred"] += len(predicted)
        counts["all_gold"] += len(gold)
        counts["all_exact"] += len(_match(text, predicted, gold, exact=True))
        matched = _match(text, predicted, gold, exact=False)
        counts["all_overlap"] += len(matched)
        counts["speaker_pred"] += sum(1 for q in predicted if q.speaker is not None)
        counts["speaker_gold"] += sum(1 for q in gold if q.speaker_spans)
        for i, j in matched:
            p, g = predicted[i], gold[j]
            if not g.speaker_spans:
                continue
            counts["speaker_matched"] += 1
            if p.speaker is not None and _overlap(p.speaker, g.speaker_spans) > 0:
                counts["speaker_right"] += 1
    out: dict[str, float] = {}
    for name, hits in (
        ("direct_exact", "direct_exact"),
        ("direct_overlap", "direct_overlap"),
        ("all_exact", "all_exact"),
        ("all_overlap", "all_overlap"),
    ):
        kind = name.split("_")[0]
        prf = PRF.of(counts[hits], counts[f"{kind}_pred"], counts[f"{kind}_gold"])
        out[f"{name}_p"], out[f"{name}_r"], out[f"{name}_f1"] = prf.precision, prf.recall, prf.f1
    speaker = PRF.of(counts["speaker_right"], counts["speaker_pred"], counts["speaker_gold"])
    out["speaker_p"], out["speaker_r"], out["speaker_f1"] = (
        speaker.precision,
        speaker.recall,
        speaker.f1,
    )
    with_speaker = counts["speaker_matched"]
    out["speaker_accuracy"] = counts["speaker_right"] / with_speaker if with_speaker else 0.0
    out["n_gold_quotes"] = counts["all_gold"]
    out["n_pred_quotes"] = counts["all_pred"]
    return out


ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")


def entity_scores(
    docs: Iterable[tuple[Sequence[tuple[int, int, str]], Sequence[tuple[int, int, str]]]],
) -> dict[str, float]:
    """Exact-match NER scores (CoNLL: both boundaries and the type) over (predicted, gold)."""
    correct: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for pred, ref in docs:
        pred_set, ref_set = set(pred), set(ref)
        for _, _, kind in pred_set:
            predicted[kind] += 1
        for _, _, kind in ref_set:
            gold[kind] += 1
        for _, _, kind in pred_set & ref_set:
            correct[kind] += 1
    overall = PRF.of(sum(correct.values()), sum(predicted.values()), sum(gold.values()))
    out = {"precision": overall.precision, "recall": overall.recall, "f1": overall.f1}
    for kind in ENTITY_TYPES:
        out[f"f1_{kind}"] = PRF.of(correct[kind], predicted[kind], gold[kind]).f1
    unknown = sorted(set(predicted) - set(ENTITY_TYPES))
    if unknown:
        log.warning("predicted entity types outside CoNLL's: %s", ", ".join(unknown))
    return out


# --- extraction -------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
SHINGLE = 4  # the benchmark's n-gram size


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    grams = [tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))]
    return Counter(g for g in grams if g)


def extraction_scores(pages: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall, F1 over ``(predicted, gold)`` page texts, as the benchmark scores.

    Per page: true/false positives and false negatives over 4-gram multisets (the benchmark
    divides them by their sum, which leaves the page's P and R as they are).  Precision
    averages over pages with any predicted text, recall over pages with any gold text (a page
    where both are empty counts in neither).
    """
    precisions: list[float] = []
    recalls: list[float] = []
    for predicted, gold in pages:
        pred, ref = _shingles(predicted), _shingles(gold)
        tp = sum((pred & ref).values())
        fp = sum((pred - ref).values())
        fn = sum((ref - pred).values())
        if fp == fn == 0:
            p = r = 1.0
        else:
            p = 0.0 if tp == fp == 0 else tp / (tp + fp)
            r = 0.0 if tp == fn == 0 else tp / (tp + fn)
        if tp + fp > 0:
            precisions.append(p)
        if tp + fn > 0:
            recalls.append(r)
    precision = float(np.mean(precisions)) if precisions else 0.0
    recall = float(np.mean(recalls)) if recalls else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}
