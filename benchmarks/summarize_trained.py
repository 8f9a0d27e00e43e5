"""Does a trained sentence scorer help the summarizer?  Cross-validated and cross-dataset ROUGE.

The unsupervised summarizer chooses sentences by the weight of the concepts they cover
(:mod:`newsweave.summarize.core`).  A user holding reference summaries could train a scorer of
candidate sentences and add its opinion to the selection.  This measures whether that helps,
before anything of the kind is offered:

- features: :data:`newsweave.summarize.core.FEATURES` of every candidate sentence (position,
  length, concept score and density, independent-origin support, lexical centroid, quote,
  number, article's place in time), as the summarizer computes them;
- target (``--target``): how much of the sentence the references hold, per word: the mean of
  its unigram and bigram precision against the pooled references (ROUGE's stemmed tokens;
  ``mixed``, the default), either alone (``unigram``, ``bigram``), or ``oracle``: membership
  in a greedy ROUGE oracle's choice within the budget;
- model: ridge regression on standardised features (scikit-learn; logistic regression for
  ``oracle``); at selection time each
  candidate gets a bonus per word of ``strength * (prediction - story mean) / target spread``,
  in units of the story's mean concept weight per word, added to the concept-coverage ILP;
- protocols: 5-fold cross-validation by cluster on Multi-News validation (256 words, ROUGE F,
  fill on, as ``newsweave eval summarize`` runs ``newsweave``); train on DUC 2003, score DUC 2007
  update and MultiLing 2011 (100 and 250 words, recall); train on the Multi-News slice, score
  DUC 2003 (100 words, recall).  Every row carries the unsupervised default of the same run.

Every strength of the grid is reported: none is picked on the sets scored.  Held-out fit is
reported too (R², and the mean Spearman correlation of predictions with targets within a story).

    python benchmarks/summarize_trained.py [--multinews 500] [--embedder auto] \
        [--strengths 0.5,1,2,4] [--target mixed] [--skip-cross] [--out FILE]

Prints the figures and writes ``benchmarks/results/summarize_trained.json`` (or ``--out``).

Finding (November 2026, first 500 Multi-News validation clusters): the scorer ranks sentences
within a story moderately well (held-out Spearman 0.27-0.45), but what it knows the concept
weights already carry: in-fold ROUGE-1 F moves by -0.11 to +0.05 for every target and strength,
ROUGE-2 F by up to +0.37; across datasets the sign changes with the strength.  It does not earn
a ``newsweave train`` command; the summarizer stays unsupervised.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from newsweave.evaluate.datasets import MdsCluster, read_mds
from newsweave.evaluate.harness import PROTOCOLS, sentence_lines
from newsweave.evaluate.rouge import RougeOptions, rouge_corpus
from newsweave.evaluate.rouge import tokens as rouge_tokens
from newsweave.summarize import SummarizeOptions, summarize_story
from newsweave.summarize.core import FEATURES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "summarize_trained.json"
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
MDS = DATA / "mds"
FOLDS = 5
RIDGE_ALPHA = 1.0
LOGISTIC_C = 1.0
_PLAIN = RougeOptions(words=0)

FloatArray = NDArray[np.float64]


@dataclass
class Cluster:
    """One cluster with its unsupervised summary and its candidates' features and targets."""

    data: MdsCluster
    baseline: list[str]
    features: FloatArray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))
    targets: FloatArray = field(default_factory=lambda: np.zeros(0))


def _grams(toks: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


TARGETS = ("mixed", "unigram", "bigram", "oracle")


def targets(
    texts: Sequence[str], references: Sequence[str], kind: str = "mixed", words: int = 100
) -> FloatArray:
    """Per candidate: unigram, bigram or the mean of both precisions against the pooled
    references (ROUGE's clipped counts); or ``oracle``: 1 for the candidates a greedy oracle
    picks (most new reference unigrams + bigrams, within ``words``), else 0."""
    ref1: Counter[tuple[str, ...]] = Counter()
    ref2: Counter[tuple[str, ...]] = Counter()
    for reference in references:
        toks = rouge_tokens(reference, _PLAIN)
        ref1 |= _grams(toks, 1)
        ref2 |= _grams(toks, 2)
    if kind == "oracle":
        return _oracle(texts, ref1, ref2, words)
    out = []
    for text in texts:
        toks = rouge_tokens(text, _PLAIN)
        g1, g2 = _grams(toks, 1), _grams(toks, 2)
        p1 = sum((g1 & ref1).values()) / max(1, sum(g1.values()))
        p2 = sum((g2 & ref2).values()) / max(1, sum(g2.values()))
        out.append({"mixed": (p1 + p2) / 2, "unigram": p1, "bigram": p2}[kind])
    return np.asarray(out, np.float64)


def _oracle(
    texts: Sequence[str],
    ref1: Counter[tuple[str, ...]],
    ref2: Counter[tuple[str, ...]],
    words: int,
) -> FloatArray:
    grams = []
    for text in texts:
        toks = rouge_tokens(text, _PLAIN)
        grams.append((_grams(toks, 1), _grams(toks, 2), len(text.split())))
    got1: Counter[tuple[str, ...]] = Counter()
    got2: Counter[tuple[str, ...]] = Counter()
    label = np.zeros(len(texts))
    left = words
    while True:
        best, best_gain = -1, 0
        for j, (g1, g2, n) in enumerate(grams):
            if label[j] or n > left:
                continue
            gain = sum(((got1 + g1) & ref1).values()) - sum((got1 & ref1).values())
            gain += sum(((got2 + g2) & ref2).values()) - sum((got2 & ref2).values())
            if gain > best_gain:
                best, best_gain = j, gain
        if best < 0:
            return label
        label[best] = 1.0
        got1 += grams[best][0]
        got2 += grams[best][1]
        left -= grams[best][2]


def prepare(
    clusters: Sequence[MdsCluster], options: SummarizeOptions, kind: str = "mixed"
) -> list[Cluster]:
    """The unsupervised summary of each cluster, recording its candidates on the way."""
    out = []
    for data in clusters:
        seen: list[tuple[FloatArray, list[str]]] = []

        def record(
            features: FloatArray,
            texts: Sequence[str],
            seen: list[tuple[FloatArray, list[str]]] = seen,
        ) -> FloatArray:
            seen.append((features.copy(), list(texts)))
            return np.zeros(len(texts))

        summary = summarize_story(data.docs, options, scorer=record)
        cluster = Cluster(data, [s.text for s in summary.sentences])
        if seen:
            cluster.features = seen[0][0]
            cluster.targets = targets(seen[0][1], data.summaries, kind, options.words)
        out.append(cluster)
    return out


@dataclass(frozen=True)
class Model:
    scaler: StandardScaler
    fitted: Ridge | LogisticRegression
    spread: float

    def predict(self, features: FloatArray) -> FloatArray:
        x = self.scaler.transform(features)
        if isinstance(self.fitted, LogisticRegression):
            return np.asarray(self.fitted.predict_proba(x)[:, 1], np.float64)
        return np.asarray(self.fitted.predict(x), np.float64)


def train(clusters: Sequence[Cluster]) -> Model:
    x = np.vstack([c.features for c in clusters])
    y = np.concatenate([c.targets for c in clusters])
    scaler = StandardScaler().fit(x)
    if set(np.unique(y)) <= {0.0, 1.0}:  # oracle membership: logistic regression
        fitted: Ridge | LogisticRegression = LogisticRegression(C=LOGISTIC_C, max_iter=1000)
    else:
        fitted = Ridge(alpha=RIDGE_ALPHA)
    fitted.fit(scaler.transform(x), y)
    return Model(scaler, fitted, float(np.std(y)) or 1.0)


def fit_quality(model: Model, clusters: Sequence[Cluster]) -> dict[str, float]:
    """Held-out R² and mean within-story Spearman correlation of predictions with targets."""
    from scipy.stats import spearmanr

    x = np.vstack([c.features for c in clusters])
    y = np.concatenate([c.targets for c in clusters])
    pred = model.predict(x)
    r2 = 1.0 - float(np.sum((y - pred) ** 2)) / max(1e-12, float(np.sum((y - y.mean()) ** 2)))
    rhos = []
    for c in clusters:
        if len(c.targets) > 2 and np.std(c.targets) > 0:
            rho = spearmanr(model.predict(c.features), c.targets).statistic
            if np.isfinite(rho):
                rhos.append(float(rho))
    return {"r2": round(r2, 4), "spearman_in_story": round(float(np.mean(rhos)), 4)}


def rescore(
    clusters: Sequence[Cluster], model: Model, strength: float, options: SummarizeOptions
) -> dict[str, list[str]]:
    def scorer(features: FloatArray, texts: Sequence[str]) -> FloatArray:
        pred = model.predict(features)
        return np.asarray(strength * (pred - pred.mean()) / model.spread, np.float64)

    out = {}
    for c in clusters:
        summary = summarize_story(c.data.docs, options, scorer=scorer)
        out[c.data.id] = [s.text for s in summary.sentences]
    return out


def rouge(clusters: Sequence[Cluster], summaries: dict[str, list[str]], words: int) -> Any:
    return rouge_corpus(
        (
            (c.data.id, summaries[c.data.id], [sentence_lines(r) for r in c.data.summaries])
            for c in clusters
        ),
        RougeOptions(ngrams=(1, 2), words=words, lcs=False, skip_distance=None),
    ).flat()


def _row(scores: Any, measure: str) -> dict[str, float]:
    suffix = "f" if measure == "f" else "r"
    return {
        f"rouge1_{suffix}": round(scores[f"rouge1_{suffix}"], 2),
        f"rouge2_{suffix}": round(scores[f"rouge2_{suffix}"], 2),
    }


def compare(
    name: str,
    held: Sequence[Cluster],
    models: dict[str, Model],
    strengths: Sequence[float],
    protocol: str,
    options: SummarizeOptions,
) -> dict[str, Any]:
    """ROUGE of the unsupervised summaries and of each strength; ``models`` maps a cluster id to
    the model that did not see it."""
    measure = PROTOCOLS[protocol].measure
    words = options.words
    t0 = time.perf_counter()
    out: dict[str, Any] = {
        "clusters": len(held),
        "words": words,
        "measure": measure,
        "unsupervised": _row(rouge(held, {c.data.id: c.baseline for c in held}, words), measure),
    }
    for strength in strengths:
        summaries: dict[str, list[str]] = {}
        by_model: dict[int, list[Cluster]] = {}
        keyed: dict[int, Model] = {}
        for c in held:
            model = models[c.data.id]
            by_model.setdefault(id(model), []).append(c)
            keyed[id(model)] = model
        for key, members in by_model.items():
            summaries.update(rescore(members, keyed[key], strength, options))
        out[f"trained@{strength:g}"] = _row(rouge(held, summaries, words), measure)
        print(name, strength, json.dumps(out[f"trained@{strength:g}"]), flush=True)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(name, "unsupervised", json.dumps(out["unsupervised"]), flush=True)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multinews", type=int, default=500, help="first N validation clusters")
    parser.add_argument("--embedder", default="auto")
    parser.add_argument("--strengths", default="0.25,0.5,1,2")
    parser.add_argument("--target", choices=TARGETS, default="mixed")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    parser.add_argument("--skip-cross", action="store_true", help="only the Multi-News folds")
    args = parser.parse_args(argv)
    strengths = [float(s) for s in args.strengths.split(",")]

    def opts(protocol: str) -> SummarizeOptions:
        return SummarizeOptions(words=PROTOCOLS[protocol].words, embedder=args.embedder, fill=True)

    result: dict[str, Any] = {
        "features": list(FEATURES),
        "target": f"{args.target} precision against the pooled references (per word)",
        "model": f"logistic regression (C {LOGISTIC_C})"
        if args.target == "oracle"
        else f"ridge (alpha {RIDGE_ALPHA}) on standardised features",
        "embedder": args.embedder,
        "strengths": strengths,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }
    t0 = time.perf_counter()
    mn = prepare(
        read_mds(MDS / "multinews_val.jsonl").limit(args.multinews).records,
        opts("multinews"),
        args.target,
    )
    print(f"multinews prepared {len(mn)} in {time.perf_counter() - t0:.0f}s", flush=True)
    folds = [[c for k, c in enumerate(mn) if k % FOLDS == f] for f in range(FOLDS)]
    models: dict[str, Model] = {}
    quality = []
    for f in range(FOLDS):
        model = train([c for g in range(FOLDS) if g != f for c in folds[g]])
        quality.append(fit_quality(model, folds[f]))
        for c in folds[f]:
            models[c.data.id] = model
    result["multinews_cv"] = compare(
        "multinews-cv", mn, models, strengths, "multinews", opts("multinews")
    )
    result["multinews_cv"]["fit_held_out"] = quality
    if not args.skip_cross:
        duc03 = prepare(read_mds(MDS / "duc2003.jsonl").records, opts("duc"), args.target)
        duc07 = prepare(
            read_mds(MDS / "duc2007_update.jsonl").records, opts("duc2007-update"), args.target
        )
        ml = prepare(
            read_mds(MDS / "multiling2011_english.jsonl").records, opts("multiling"), args.target
        )
        on_duc = train(duc03)
        on_mn = train(mn)
        # (result key, label, model, scored set, its harness name)
        crossings = [
            ("duc2003_to_duc2007", "duc03->duc07", on_duc, duc07, "duc2007-update"),
            ("duc2003_to_multiling", "duc03->multiling", on_duc, ml, "multiling"),
            ("multinews_to_duc2003", "mn->duc03", on_mn, duc03, "duc"),
        ]
        for key, label, model, scored, dataset in crossings:
            result[key] = compare(
                label,
                scored,
                dict.fromkeys((c.data.id for c in scored), model),
                strengths,
                dataset,
                opts(dataset),
            )
            result[key]["fit_held_out"] = fit_quality(model, scored)
        result["weights_multinews"] = dict(
            zip(FEATURES, [round(float(w), 5) for w in np.ravel(on_mn.fitted.coef_)], strict=True)
        )
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, sort_keys=True))
    return result


if __name__ == "__main__":
    main()
