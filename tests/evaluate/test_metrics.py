"""Metrics on tiny cases worked out by hand (and, where a library has them, checked against it)."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_auc_score

from newsweave.errors import ConfigError
from newsweave.evaluate.metrics import (
    AnnotatedQuote,
    PredictedQuote,
    cluster_scores,
    entity_scores,
    extraction_scores,
    pair_scores,
    quote_scores,
    trim_span,
    tune_threshold,
)

GOLD = ["A", "A", "A", "B", "B"]
PRED = [1, 1, 2, 2, 2]


def test_bcubed_and_pairwise_by_hand() -> None:
    s = cluster_scores(GOLD, PRED)
    # item precisions 1, 1, 1/3, 2/3, 2/3; recalls 2/3, 2/3, 1/3, 1, 1
    assert s.bcubed_p == pytest.approx(11 / 15)
    assert s.bcubed_r == pytest.approx(11 / 15)
    assert s.bcubed_f1 == pytest.approx(11 / 15)
    # same-cluster pairs: 2 in both, 4 predicted, 4 gold
    assert (s.pairwise_p, s.pairwise_r, s.pairwise_f1) == pytest.approx((0.5, 0.5, 0.5))
    assert (s.n_pred, s.n_gold) == (2, 2)


def test_ari_and_nmi_by_hand() -> None:
    s = cluster_scores(GOLD, PRED)
    # index 2, expected 4 * 4 / 10 = 1.6, maximum 4: (2 - 1.6) / (4 - 1.6)
    assert s.ari == pytest.approx(1 / 6)
    # MI = 0.4 ln(5/3) + 0.2 ln(5/9) + 0.4 ln(5/3); both entropies H(3/5, 2/5)
    assert s.nmi == pytest.approx(0.43254, abs=1e-5)


def test_trivial_partitions() -> None:
    one = cluster_scores(GOLD, [0] * 5)
    assert (one.bcubed_r, one.pairwise_r, one.n_pred) == (1.0, 1.0, 1)
    assert one.ari == pytest.approx(0.0)
    singletons = cluster_scores(GOLD, list(range(5)))
    assert (singletons.bcubed_p, singletons.pairwise_p) == (1.0, 1.0)
    assert singletons.pairwise_r == 0.0
    same = cluster_scores(GOLD, ["x", "x", "x", "y", "y"])
    assert (same.bcubed_f1, same.pairwise_f1, same.ari, same.nmi) == pytest.approx((1, 1, 1, 1))


@pytest.mark.parametrize("seed", range(5))
def test_ari_and_nmi_agree_with_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    gold = [rng.randrange(6) for _ in range(60)]
    pred = [rng.randrange(4) for _ in range(60)]
    s = cluster_scores(gold, pred)
    assert s.ari == pytest.approx(adjusted_rand_score(gold, pred))
    assert s.nmi == pytest.approx(normalized_mutual_info_score(gold, pred))


def test_cluster_scores_need_one_label_per_item() -> None:
    with pytest.raises(ConfigError, match="4 predicted labels for 5 items"):
        cluster_scores(GOLD, PRED[:4])


LABELS = [1, 1, 0, 0, 1]
SCORES = [0.9, 0.8, 0.7, 0.2, 0.1]


def test_pair_scores_by_hand() -> None:
    s = pair_scores(LABELS, SCORES, 0.5)
    assert (s.accuracy, s.precision, s.recall, s.f1) == pytest.approx((0.6, 2 / 3, 2 / 3, 2 / 3))
    # positives above negatives: 0.9 and 0.8 beat both, 0.1 neither -> 4 of 6
    assert s.auc == pytest.approx(4 / 6)
    assert s.auc == pytest.approx(roc_auc_score(LABELS, SCORES))


def test_auc_counts_ties_as_half() -> None:
    assert pair_scores([1, 0], [0.5, 0.5], 0.5).auc == pytest.approx(0.5)
    assert pair_scores([1, 1], [0.5, 0.4], 0.5).auc is None


def test_tune_threshold_by_hand() -> None:
    # taking the top two scores is best for both objectives: the cut falls between 0.8 and 0.7
    assert tune_threshold(LABELS, SCORES) == pytest.approx(0.75)
    assert tune_threshold(LABELS, SCORES, "f1") == pytest.approx(0.75)
    # all negative: predicting nothing is best
    assert tune_threshold([0, 0], [0.3, 0.6]) > 0.6
    with pytest.raises(ConfigError):
        tune_threshold(LABELS, SCORES, "auc")


TEXT = "Officials met. “We will rebuild the bridge,” said Mayor Lin. She added that costs rose."


def span_of(piece: str) -> tuple[int, int]:
    start = TEXT.index(piece)
    return start, start + len(piece)


def test_trim_span_drops_quote_marks_and_edge_punctuation() -> None:
    start, end = trim_span(TEXT, *span_of("“We will rebuild the bridge,”"))
    assert TEXT[start:end] == "We will rebuild the bridge"


def test_quote_scores_by_hand() -> None:
    gold = [
        AnnotatedQuote((span_of("“We will rebuild the bridge,”"),), True, (span_of("Mayor Lin"),)),
        AnnotatedQuote((span_of("costs rose"),), False, (span_of("She"),)),
    ]
    predicted = [
        PredictedQuote(span_of("We will rebuild the bridge"), True, span_of("Lin")),
        PredictedQuote(span_of("that costs rose."), False, None),
    ]
    s = quote_scores([(TEXT, predicted, gold)])
    assert s["direct_exact_f1"] == 1.0
    assert s["direct_overlap_f1"] == 1.0
    assert s["all_overlap_f1"] == 1.0
    assert s["all_exact_f1"] == 0.5  # "that costs rose" is not exactly "costs rose"
    # one right speaker of one predicted and two annotated
    assert (s["speaker_p"], s["speaker_r"]) == (1.0, 0.5)
    assert s["speaker_f1"] == pytest.approx(2 / 3)
    assert s["speaker_accuracy"] == 0.5


def test_quotes_match_one_to_one() -> None:
    gold = [AnnotatedQuote((span_of("We will rebuild"),), True)]
    predicted = [
        PredictedQuote(span_of("We will"), True),
        PredictedQuote(span_of("will rebuild"), True),
    ]
    s = quote_scores([(TEXT, predicted, gold)])
    assert (s["direct_overlap_p"], s["direct_overlap_r"]) == (0.5, 1.0)


def test_entity_scores_by_hand() -> None:
    gold = [(0, 5, "PER"), (10, 15, "LOC")]
    pred = [(0, 5, "PER"), (10, 15, "ORG"), (20, 25, "MISC")]
    s = entity_scores([(pred, gold)])
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx((1 / 3, 0.5, 0.4))
    assert s["f1_PER"] == 1.0
    assert s["f1_LOC"] == 0.0 and s["f1_ORG"] == 0.0 and s["f1_MISC"] == 0.0


def test_extraction_scores_by_hand() -> None:
    pages = [
        ("a b c d x", "a b c d e"),  # one 4-gram right, one wrong, one missed
        ("", ""),  # counts in neither average
        ("x y", "p q r s t"),  # nothing right
    ]
    s = extraction_scores(pages)
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx((0.25, 0.25, 0.25))
    assert extraction_scores([("same words in the text", "same words in the text")])["f1"] == 1.0
