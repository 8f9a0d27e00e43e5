"""ROUGE-1.5.5 compatibility: hand-computed cases, the Porter variant, and the DUC 2004 table."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.errors import ConfigError
from newsweave.evaluate.porter import stem
from newsweave.evaluate.rouge import RougeOptions, Score, _union_lcs, rouge, rouge_corpus, tokens
from tests.support import shared_file

NO_LIMIT = RougeOptions(words=0)


def approx(score: Score, r: float, p: float, f: float) -> None:
    assert (score.recall, score.precision, score.f) == pytest.approx((r, p, f), abs=1e-5)


# --- the Porter stemmer as ROUGE-1.5.5 runs it ------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("agreement", "agreem"),  # ROUGE's step 4 tries -ement, -ment, then -ent
        ("adjustment", "adjust"),
        ("tuesday", "tuesdai"),
        ("generalization", "gener"),
        ("hopping", "hop"),
        ("hoping", "hope"),
        ("ponies", "poni"),
        ("caresses", "caress"),
        ("relational", "relat"),
        ("valuable", "valuabl"),
        ("adoption", "adopt"),
        ("yelling", "yell"),  # an initial y is a consonant
        ("yearly", "yearli"),
        ("sky", "sky"),
        ("electricity", "electr"),
        ("happiness", "happi"),
        ("go", "go"),  # shorter than three letters: untouched
    ],
)
def test_porter_matches_rouge(word: str, expected: str) -> None:
    assert stem(word) == expected


# --- hand-computed scores ---------------------------------------------------------------------


def test_unigrams_and_bigrams_of_a_tiny_pair() -> None:
    scores = rouge("The cat sat on the mat.", ["The cat was on the mat."], NO_LIMIT)
    # unigrams: the×2, cat, on, mat shared = 5 of 6 either way
    approx(scores["rouge1"], 5 / 6, 5 / 6, 5 / 6)
    # bigrams: the-cat, on-the, the-mat shared = 3 of 5
    approx(scores["rouge2"], 0.6, 0.6, 0.6)
    # 4-grams: none shared (cat-sat vs cat-was breaks every one)
    approx(scores["rouge4"], 0.0, 0.0, 0.0)


def test_wordnet_exceptions_come_before_porter() -> None:
    peer, ref = "They went home", ["They go home"]
    approx(rouge(peer, ref, NO_LIMIT)["rouge1"], 1.0, 1.0, 1.0)
    without = rouge(peer, ref, RougeOptions(words=0, wordnet=False))["rouge1"]
    approx(without, 2 / 3, 2 / 3, 2 / 3)
    unstemmed = rouge("Talks failed", ["talk fails"], RougeOptions(words=0, stem=False))
    approx(unstemmed["rouge1"], 0.0, 0.0, 0.0)
    approx(rouge("Talks failed", ["talk fails"], NO_LIMIT)["rouge1"], 1.0, 1.0, 1.0)


def test_tokens_split_on_punctuation_and_hyphens() -> None:
    assert tokens("Pro-democracy U.S. groups' 2nd rally.", RougeOptions(words=0, stem=False)) == [
        "pro",
        "democracy",
        "u",
        "s",
        "groups",
        "2nd",
        "rally",
    ]


def test_word_limit_counts_whitespace_words_before_punctuation_goes() -> None:
    opts = RougeOptions(words=3, stem=False)
    # "Pinochet 's" is two words, "U.S." one
    assert tokens("Pinochet 's arrest\nwas big news in the U.S.", opts) == [
        "pinochet",
        "s",
        "arrest",
    ]
    assert tokens("U.S. envoy left early today", opts) == ["u", "s", "envoy", "left"]
    # the references are cut too
    approx(rouge("a b c", ["a b c x y z"], opts)["rouge1"], 1.0, 1.0, 1.0)


def test_byte_limit() -> None:
    opts = RougeOptions(words=0, bytes=7, stem=False)
    assert tokens("abc def ghi", opts) == ["abc", "def"]
    # the bytes of earlier lines count, the spaces joining lines do not
    assert tokens("abc\ndefghij", opts) == ["abc", "defg"]


def test_several_references_are_pooled_or_the_best_taken() -> None:
    pooled = rouge("a b", ["a c", "b d d"], NO_LIMIT)["rouge1"]
    # hits 1 + 1 over reference counts 2 + 3; the peer's 2 unigrams count once per reference
    approx(pooled, 0.4, 0.5, 2 * 0.4 * 0.5 / 0.9)
    best = rouge("a b", ["a c", "b d d"], RougeOptions(words=0, formula="B"))["rouge1"]
    approx(best, 0.5, 0.5, 0.5)


def test_alpha_weights_precision() -> None:
    score = rouge("a b", ["a c", "b d d"], RougeOptions(words=0, alpha=1.0))["rouge1"]
    assert score.f == pytest.approx(score.precision)


def test_skip_bigrams_leave_out_the_last_unigram() -> None:
    # peer a b c: a, a-b, a-c, b, b-c (no unigram c); reference a c: a, a-c
    approx(rouge("a b c", ["a c"], NO_LIMIT)["rougeSU4"], 1.0, 0.4, 2 * 0.4 / 1.4)
    far = RougeOptions(words=0, skip_distance=0, skip_unigrams=False)
    assert far.metrics[-1] == "rougeS0"
    approx(rouge("a b c", ["a c"], far)["rougeS0"], 0.0, 0.0, 0.0)


def test_rouge_l_takes_the_union_lcs_over_peer_sentences() -> None:
    # Lin (2004): r = w1..w5, c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5 -> union LCS w1 w2 w3 w5
    ref = ["alpha beta gamma delta epsilon"]
    peer = ["alpha beta zeta eta theta", "alpha gamma theta iota epsilon"]
    approx(rouge(peer, ref, NO_LIMIT)["rougeL"], 0.8, 0.4, 2 * 0.8 * 0.4 / 1.2)


def test_rouge_l_counts_a_token_no_more_often_than_it_occurs() -> None:
    # both reference sentences match "alpha" of the one-word peer; it counts once
    approx(rouge(["alpha"], [["alpha", "alpha beta"]], NO_LIMIT)["rougeL"], 1 / 3, 1.0, 0.5)


def test_empty_peer_scores_zero() -> None:
    approx(rouge("", ["some reference words"], NO_LIMIT)["rouge1"], 0.0, 0.0, 0.0)


def test_corpus_average_of_one_item_is_that_item() -> None:
    report = rouge_corpus([("x", "a b", ["a c"])], NO_LIMIT)
    assert report.n == 1
    assert report.averages["rouge1"].recall == pytest.approx(0.5)
    assert report.averages["rouge1"].recall_ci == pytest.approx((0.5, 0.5))
    assert report.flat()["rouge1_r"] == pytest.approx(50.0)


def test_corpus_average_is_the_bootstrap_mean() -> None:
    items = [(f"d{i}", "a b", ["a c"] if i % 2 else ["x y"]) for i in range(10)]
    avg = rouge_corpus(items, NO_LIMIT).averages["rouge1"]
    assert avg.recall == pytest.approx(0.25, abs=0.02)  # true mean of 0.5 and 0
    assert avg.recall_ci[0] < avg.recall < avg.recall_ci[1]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"words": 10, "bytes": 10},
        {"formula": "C"},
        {"alpha": 1.5},
        {"ngrams": ()},
        {"ngrams": (0,)},
        {"confidence": 100.0},
        {"resamples": 0},
        {"skip_distance": -2},
    ],
)
def test_bad_options_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        RougeOptions(**kwargs)  # type: ignore[arg-type]


def test_perl_args_describe_the_options() -> None:
    assert RougeOptions().perl_args() == "-n 4 -m -l 100 -2 4 -u -c 95 -r 1000 -f A -p 0.5 -t 0"


# --- the published DUC 2004 table (Hong et al. 2014), ROUGE-1.5.5 recall ×100 ---------------

DUC2004 = {  # system
    "Lead": (31.46, 6.13),
    "LexRank": (36.00, 7.51),
    "Centroid": (36.42, 7.98),
    "FreqSum": (35.31, 8.12),
    "TsSum": (35.93, 8.16),
    "GreedyKL": (38.03, 8.56),
    "CLASSY04": (37.71, 9.02),
    "CLASSY11": (37.21, 9.21),
    "Submodular": (39.23, 9.37),
    "DPP": (39.84, 9.62),
    "OCCAMS_V": (38.50, 9.75),
    "RegSum": (38.60, 9.78),
    "ICSISumm": (38.44, 9.81),
}


def _duc2004() -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    refs = {}
    with shared_file("mds/duc2004_references.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            refs[row["id"]] = row["summaries"]
    peers: dict[str, dict[str, str]] = defaultdict(dict)
    with shared_file("mds/duc2004_peer_summaries.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            peers[row["system"]][row["id"]] = row["summary"]
    return refs, peers


@pytest.mark.shared_data
def test_duc2004_table_is_reproduced_within_0_15() -> None:
    refs, peers = _duc2004()
    assert set(peers) == set(DUC2004)
    options = RougeOptions(ngrams=(1, 2), lcs=False, skip_distance=None)
    for system, (r1, r2) in DUC2004.items():
        report = rouge_corpus(((i, s, refs[i]) for i, s in peers[system].items()), options)
        assert report.n == 50
        assert report.averages["rouge1"].recall * 100 == pytest.approx(r1, abs=0.15), system
        assert report.averages["rouge2"].recall * 100 == pytest.approx(r2, abs=0.15), system


@pytest.mark.shared_data
def test_without_the_wordnet_lookup_rouge1_falls_about_0_4_short() -> None:
    """What Google's rouge-score misses: ROUGE-1.5.5's -m looks irregular forms up first."""
    refs, peers = _duc2004()
    options = RougeOptions(ngrams=(1,), lcs=False, skip_distance=None, wordnet=False)
    report = rouge_corpus(((i, s, refs[i]) for i, s in peers["LexRank"].items()), options)
    assert DUC2004["LexRank"][0] - report.averages["rouge1"].recall * 100 > 0.3


# --- the vectorised LCS against the textbook table ---------------------------------------------


def _naive_union_lcs(model: list[int], peers: list[list[int]]) -> list[bool]:
    """ROUGE's lcs_inner + markLCS written out cell by cell."""
    mask = [False] * len(model)
    for peer in peers:
        m, n = len(model), len(peer)
        c = [[0] * (n + 1) for _ in range(m + 1)]
        b = [[""] * (n + 1) for _ in range(m + 1)]
        for i in range(1, m + 1):
            for j in range(1, n + 1):
                if model[i - 1] == peer[j - 1]:
                    c[i][j], b[i][j] = c[i - 1][j - 1] + 1, "diag"
                elif c[i - 1][j] >= c[i][j - 1]:
                    c[i][j], b[i][j] = c[i - 1][j], "up"
                else:
                    c[i][j], b[i][j] = c[i][j - 1], "left"
        i, j = m, n
        while i and j:
            if b[i][j] == "diag":
                i, j = i - 1, j - 1
                mask[i] = True
            elif b[i][j] == "up":
                i -= 1
            else:
                j -= 1
    return mask


@given(
    st.lists(st.integers(0, 4), max_size=12),
    st.lists(st.lists(st.integers(0, 4), max_size=10), max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_union_lcs_matches_the_cell_by_cell_table(model: list[int], peers: list[list[int]]) -> None:
    assert _union_lcs(model, peers) == _naive_union_lcs(model, peers)
