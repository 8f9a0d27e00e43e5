"""Quality of every registered method on every development set, baselines beside newsweave's own.

Runs ``newsweave.evaluate.harness`` for each (task, dataset, method), recomputes the published
DUC 2004 ROUGE table, writes ``benchmarks/results/quality.json`` (merged with earlier runs, so
``--only`` refreshes part of it) and regenerates ``RESULTS.md`` from it.

    python benchmarks/quality.py                    # everything (Multi-News in full: slow)
    python benchmarks/quality.py --limit 500        # Multi-News capped at 500 stories
    python benchmarks/quality.py --only cluster,pairs --method tfidf-cosine
    python benchmarks/quality.py --dataset multinews      # only the Multi-News sets
    python benchmarks/quality.py --tune             # the clustering baseline's threshold grid

Development splits only: DUC 2003, Multi-News validation, DUC 2007 update, MultiLing 2011,
ECB+ dev, Multi-News validation articles, MSRP train (thresholds by cross-validation), PolNeAR
dev, CoNLL-2003 dev, the extraction benchmark's dev half.  Reads ../shared/data (or
``NEWSWEAVE_SHARED_DATA``); a missing file is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsweave.errors import NewsweaveError
from newsweave.evaluate import harness, registry
from newsweave.evaluate.baselines import agglomerative_labels
from newsweave.evaluate.datasets import read_clustering
from newsweave.evaluate.metrics import cluster_scores
from newsweave.evaluate.results import merge_runs, render
from newsweave.evaluate.rouge import RougeOptions

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS_JSON = ROOT / "benchmarks" / "results" / "quality.json"
RESULTS_MD = ROOT / "RESULTS.md"

# (task, file, capped by --limit)
DEV_SETS: tuple[tuple[str, str, bool], ...] = (
    ("summarize", "mds/duc2003.jsonl", False),
    ("summarize", "mds/multinews_val.jsonl", True),
    ("summarize", "mds/duc2007_update.jsonl", False),
    ("summarize", "mds/multiling2011_english.jsonl", False),
    ("cluster", "clustering/ecbplus_dev.jsonl", False),
    ("cluster", "clustering/multinews_val_articles.jsonl", True),
    ("cluster", "clustering/duc2003_articles.jsonl", False),
    ("pairs", "reuse/msrp_train.jsonl", False),
    ("quotes", "quotes/polnear_dev.jsonl", False),
    ("ner", "ner/conll2003_dev.jsonl", False),
    ("extract", "extraction/scrapinghub_dev.jsonl", False),
)

EVALUATORS: dict[str, Callable[..., harness.Report]] = {
    "summarize": harness.evaluate_summarize,
    "cluster": harness.evaluate_cluster,
    "pairs": harness.evaluate_pairs,
    "quotes": harness.evaluate_quotes,
    "ner": harness.evaluate_ner,
    "extract": harness.evaluate_extract,
}

# The published DUC 2004 table (Hong et al. 2014), recall ×100.
DUC2004 = {
    "Lead": (31.46, 6.13, 0.62),
    "LexRank": (36.00, 7.51, 0.83),
    "Centroid": (36.42, 7.98, 1.20),
    "FreqSum": (35.31, 8.12, 1.00),
    "TsSum": (35.93, 8.16, 1.03),
    "GreedyKL": (38.03, 8.56, 1.27),
    "CLASSY04": (37.71, 9.02, 1.53),
    "CLASSY11": (37.21, 9.21, 1.48),
    "Submodular": (39.23, 9.37, 1.39),
    "DPP": (39.84, 9.62, 1.57),
    "OCCAMS_V": (38.50, 9.75, 1.33),
    "RegSum": (38.60, 9.78, 1.62),
    "ICSISumm": (38.44, 9.81, 1.74),
}

TUNING_GRID = tuple(round(0.60 + 0.01 * i, 2) for i in range(36))  # cosine distance 0.60..0.95


def evaluate_all(
    data: Path,
    tasks: Sequence[str],
    methods: Sequence[str],
    limit: int | None,
    datasets: Sequence[str] = (),
) -> list[dict[str, Any]]:
    runs = []
    for task, relative, capped in DEV_SETS:
        if task not in tasks or (datasets and not any(d in relative for d in datasets)):
            continue
        path = data / relative
        if not path.exists():
            print(f"skip {relative}: not in {data}", file=sys.stderr)
            continue
        found = registry.methods(task)
        if not found:
            print(f"{task:<9} {relative:<42} no method registered", flush=True)
        for name in found:
            if methods and name not in methods:
                continue
            try:
                report = EVALUATORS[task](path, name, limit=limit if capped else None)
            except NewsweaveError as exc:
                print(f"{task:<9} {relative:<42} {name:<22} failed: {exc}", flush=True)
                continue
            run = report.to_json()
            run["finished"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            runs.append(run)
            print(f"{task:<9} {relative:<42} {name:<22} {_headline(run)}", flush=True)
    return runs


def _headline(run: dict[str, Any]) -> str:
    keys = {
        "summarize": ("rouge1_r", "rouge2_r", "rouge1_f", "rouge2_f"),
        "cluster": ("bcubed_f1", "ari", "n_pred", "n_gold"),
        "pairs": ("accuracy", "f1", "auc"),
        "quotes": ("direct_overlap_f1", "speaker_f1"),
        "ner": ("f1",),
        "extract": ("precision", "recall", "f1"),
    }[run["task"]]
    shown = " ".join(f"{k}={run[k]:.4g}" for k in keys if run.get(k) is not None)
    return f"n={run['n']} {shown} ({run['seconds']:.1f} s)"


def reproduce_duc2004(data: Path) -> dict[str, Any] | None:
    refs = data / "mds" / "duc2004_references.jsonl"
    peers = data / "mds" / "duc2004_peer_summaries.jsonl"
    if not (refs.exists() and peers.exists()):
        return None
    options = RougeOptions()
    systems = []
    for report in harness.score_peers(refs, peers, options):
        r1, r2, r4 = DUC2004.get(report.method, (None, None, None))
        systems.append(
            {
                "system": report.method,
                "published_r1": r1,
                "published_r2": r2,
                "published_r4": r4,
                "rouge1_r": report.scores["rouge1_r"],
                "rouge2_r": report.scores["rouge2_r"],
                "rouge4_r": report.scores["rouge4_r"],
                "rougeSU4_r": report.scores["rougeSU4_r"],
            }
        )
        print(
            f"rouge     duc2004 {report.method:<12} R-1 {report.scores['rouge1_r']:.2f} "
            f"(published {r1})  R-2 {report.scores['rouge2_r']:.2f} (published {r2})"
        )
    order = list(DUC2004)
    systems.sort(key=lambda s: order.index(s["system"]) if s["system"] in order else len(order))
    return {"options": options.perl_args(), "systems": systems}


def tune_cluster_threshold(data: Path) -> None:
    """B-cubed F1 of the TF-IDF agglomerative baseline per threshold on ECB+ *train*."""
    _, gold = read_clustering(data / "clustering" / "ecbplus_train.jsonl")
    best = (0.0, 0.0)
    for threshold in TUNING_GRID:
        scores = cluster_scores(gold.labels, agglomerative_labels(gold.articles, threshold))
        print(f"threshold {threshold:.2f}  B3 F1 {scores.bcubed_f1:.4f}  clusters {scores.n_pred}")
        best = max(best, (scores.bcubed_f1, threshold))
    print(f"best on ecbplus_train: {best[1]:.2f} (B3 F1 {best[0]:.4f})")


def load(path: Path) -> dict[str, Any]:
    if path.exists():
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    return {"runs": []}


def write(results: dict[str, Any]) -> None:
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    RESULTS_MD.write_text(render(results), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=int, default=None, help="Cap the Multi-News sets at K items."
    )
    parser.add_argument(
        "--only",
        default=None,
        help="Comma-separated tasks (summarize, cluster, pairs, quotes, "
        "ner, extract, rouge); default all.",
    )
    parser.add_argument("--method", default=None, help="Comma-separated method names only.")
    parser.add_argument(
        "--dataset", default=None, help="Comma-separated parts of file names (e.g. multinews)."
    )
    parser.add_argument("--data", type=Path, default=DATA, help="The shared data folder.")
    parser.add_argument("--tune", action="store_true", help="Print the clustering threshold grid.")
    parser.add_argument("--render", action="store_true", help="Only regenerate RESULTS.md.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    if args.tune:
        tune_cluster_threshold(args.data)
        return
    results = load(RESULTS_JSON)
    if args.render:
        write(results)
        return
    wanted = args.only.split(",") if args.only else [*EVALUATORS, "rouge"]
    unknown = set(wanted) - {*EVALUATORS, "rouge"}
    if unknown:
        parser.error(f"unknown task(s): {', '.join(sorted(unknown))}")
    methods = args.method.split(",") if args.method else []
    started = time.perf_counter()
    if "rouge" in wanted and (repro := reproduce_duc2004(args.data)) is not None:
        results["rouge_reproduction"] = repro
    datasets = args.dataset.split(",") if args.dataset else []
    tasks = [t for t in wanted if t != "rouge"]
    runs = evaluate_all(args.data, tasks, methods, args.limit, datasets)
    latest = load(RESULTS_JSON)  # another run may have written meanwhile: merge into that
    if "rouge_reproduction" in results:
        latest["rouge_reproduction"] = results["rouge_reproduction"]
    results = latest
    results["runs"] = merge_runs(results.get("runs", []), runs)
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }
    write(results)
    print(
        f"wrote {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)} "
        f"({time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
