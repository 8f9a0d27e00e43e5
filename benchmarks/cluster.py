"""Story clustering benchmark: batch and stream articles/s, peak memory, quality, growth.

Corpora:

* ``multinews``: the 15,317 Multi-News validation articles
  (``../shared/data/clustering/multinews_val_articles.jsonl``; skipped when absent), gold =
  their Multi-News cluster.  Stream mode takes them in a shuffled order (seeded).
* ``newsgen-15k`` and ``newsgen-100k``: invented news from ``benchmarks/newsgen.py`` (stories
  with planted copies), gold = the generated story.  Stream mode takes them in publication
  order, as a feed delivers them.

Each (corpus, mode) runs in a fresh process so its peak resident memory is its own.  Batch is
:func:`~newsweave.cluster.cluster_articles`; stream adds the articles one at a time to a
:class:`~newsweave.cluster.StoryIndex` and then lists the stories (a last consolidation).  Both
use the fast path (no embedder).  Reported: wall and CPU seconds, articles/s, peak RSS, B-cubed
P/R/F1 against the gold, B-cubed F1 of stream against batch (agreement), and for stream the CPU
cost per arriving article in each tenth of the run: roughly flat means the candidate index keeps
the cost per article independent of the archive's size.

    python benchmarks/cluster.py                         # every corpus
    python benchmarks/cluster.py --corpora newsgen-15k   # one of them
    python benchmarks/cluster.py --calibrate             # the fast path's grid on ECB+ train
    python benchmarks/cluster.py --score '{"shared_neighbour_weight": 0}'  # B-cubed, 4 sets

``--calibrate`` scores the fast path's shared-neighbour weight and threshold on ECB+ train two
ways: as it is (topics of two events, 3-22 articles per event) and in a small-story view (2-3
articles per event drawn with ``CALIBRATION_SEEDS`` seeds, lower-cased and cut to
``SMALL_VIEW_CHARS`` characters: short-lived stories, as most of a news feed is).  Both are
training data; the grid shows what one setting costs in each regime.

``--score OPTIONS`` clusters ECB+ train (the calibration set), ECB+ dev, DUC 2003 articles and
Multi-News val articles in batch with ``ClusterOptions(**OPTIONS)`` (a JSON object of overrides)
and prints B-cubed P/R/F1, story counts and CPU seconds for each, with the load average: one
line to compare a setting on the calibration set and on the reported sets.  Nothing is written.

Timings on a shared machine are provisional.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from newsweave.cluster import ClusterOptions, StoryIndex, cluster_articles
from newsweave.cluster.batch import time_order
from newsweave.errors import ConfigError
from newsweave.evaluate.metrics import cluster_scores
from newsweave.model import Article

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "cluster.json"
MULTINEWS = ROOT.parent / "shared" / "data" / "clustering" / "multinews_val_articles.jsonl"
ECB_TRAIN = ROOT.parent / "shared" / "data" / "clustering" / "ecbplus_train.jsonl"
CALIBRATION = ROOT / "benchmarks" / "results" / "cluster_calibration.json"
CALIBRATION_SEEDS = 10
SMALL_VIEW_CHARS = 1_300  # about a Multi-News article's length (~500 words per story of 2-3)
SHARED_NEIGHBOUR_GRID = (0.0, 0.5, 1.5, 3.0)
THRESHOLD_GRID = (0.06, 0.08, 0.1, 0.12, 0.15)
CORPORA = ("multinews", "newsgen-15k", "newsgen-100k")
SCORED = {
    "ecb+ train": "ecbplus_train.jsonl",
    "ecb+ dev": "ecbplus_dev.jsonl",
    "duc 2003": "duc2003_articles.jsonl",
    "multi-news val": "multinews_val_articles.jsonl",
}
SHUFFLE_SEED = 7
TENTHS = 10


def load(corpus: str) -> tuple[list[Article], list[str], bool]:
    """Articles, their gold labels, and whether stream mode shuffles them."""
    if corpus == "multinews":
        from newsweave.evaluate.datasets import read_clustering

        _, data = read_clustering(MULTINEWS)
        return list(data.articles), [str(x) for x in data.labels], True
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from newsgen import generate

    size = {"newsgen-15k": 15_000, "newsgen-100k": 100_000}[corpus]
    generated = generate(size)
    articles = []
    labels = []
    for record in generated.records:
        articles.append(
            Article.build(
                record["text"],
                title=record["title"],
                source=record["source"],
                url=record["url"],
                published=datetime.fromisoformat(record["date"]),
                external_id=record["id"],
            )
        )
        labels.append(str(generated.story_of[record["id"]]))
    return articles, labels, False


def _labels(articles: list[Article], stories: list[Any]) -> list[str]:
    story_of = {a: s.id for s in stories for a in s.article_ids}
    return [story_of[a.id] for a in articles]


def child(corpus: str, mode: str, out: Path) -> None:
    """One measurement in this process; writes its report and labels to ``out``."""
    articles, gold, shuffle = load(corpus)
    options = ClusterOptions()
    report: dict[str, Any] = {"corpus": corpus, "mode": mode, "articles": len(articles)}
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "batch":
        stories = cluster_articles(articles, options)
    else:
        order = list(articles) if shuffle else time_order(articles)
        if shuffle:
            random.Random(SHUFFLE_SEED).shuffle(order)
        index = StoryIndex(options)
        step = max(1, len(order) // TENTHS)
        per_article = []
        for start in range(0, len(order), step):
            tick = time.process_time()
            for article in order[start : start + step]:
                index.add(article)
            done = len(order[start : start + step])
            per_article.append(round(1000 * (time.process_time() - tick) / done, 3))
        add_wall, add_cpu = time.perf_counter() - wall, time.process_time() - cpu
        tick = time.process_time()
        stories = index.stories()
        report["consolidate_cpu_s"] = round(time.process_time() - tick, 2)
        report["add_cpu_s"] = round(add_cpu, 2)
        report["add_articles_per_s_cpu"] = round(len(order) / add_cpu, 1)
        report["add_articles_per_s_wall"] = round(len(order) / add_wall, 1)
        report["cpu_ms_per_article_by_tenth"] = per_article
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    labels = _labels(articles, stories)
    scores = cluster_scores(gold, labels)
    report.update(
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        articles_per_s_wall=round(len(articles) / wall, 1),
        articles_per_s_cpu=round(len(articles) / cpu, 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        stories=len(stories),
        gold_stories=len(set(gold)),
        bcubed_p=round(scores.bcubed_p, 4),
        bcubed_r=round(scores.bcubed_r, 4),
        bcubed_f1=round(scores.bcubed_f1, 4),
    )
    out.write_text(json.dumps({"report": report, "labels": labels}), encoding="utf-8")


def measure(corpus: str, mode: str) -> tuple[dict[str, Any], list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        command = [sys.executable, __file__, "--child", corpus, mode, str(out)]
        subprocess.run(command, check=True)
        data = json.loads(out.read_text(encoding="utf-8"))
    report = data["report"]
    report["load_average_1min"] = round(os.getloadavg()[0], 2)  # other work sharing the cores
    report["measured"] = datetime.now().isoformat(timespec="minutes")
    return report, data["labels"]


def small_story_view(
    articles: list[Article], gold: list[str], seed: int
) -> tuple[list[Article], list[str]]:
    """2-3 articles of each gold story (seeded), lower-cased and cut to SMALL_VIEW_CHARS."""
    chooser = random.Random(seed)
    by_story: dict[str, list[Article]] = {}
    for article, label in zip(articles, gold, strict=True):
        by_story.setdefault(label, []).append(article)
    view, labels = [], []
    for label in sorted(by_story):
        members = sorted(by_story[label], key=lambda a: a.id)
        chooser.shuffle(members)
        for article in members[: chooser.choice((2, 3))]:
            view.append(
                Article.build(
                    article.text.lower()[:SMALL_VIEW_CHARS],
                    title=article.title.lower(),
                    external_id=article.external_id,
                )
            )
            labels.append(label)
    return view, labels


def calibrate() -> None:
    """B-cubed F1 of the fast path's grid on ECB+ train: as it is and in small-story views."""
    from newsweave.evaluate.datasets import read_clustering

    _, data = read_clustering(ECB_TRAIN)
    articles, gold = list(data.articles), [str(x) for x in data.labels]
    views = [small_story_view(articles, gold, seed) for seed in range(CALIBRATION_SEEDS)]

    def f1(items: list[Article], labels: list[str], options: ClusterOptions) -> float:
        predicted = _labels(items, cluster_articles(items, options))
        return cluster_scores(labels, predicted).bcubed_f1

    grid = []
    for weight in SHARED_NEIGHBOUR_GRID:
        for threshold in THRESHOLD_GRID:
            options = ClusterOptions(shared_neighbour_weight=weight, threshold=threshold)
            full = f1(articles, gold, options)
            small = sum(f1(items, labels, options) for items, labels in views) / len(views)
            row = {
                "shared_neighbour_weight": weight,
                "threshold": threshold,
                "full_bcubed_f1": round(full, 4),
                "small_story_bcubed_f1": round(small, 4),
                "mean": round((full + small) / 2, 4),
            }
            grid.append(row)
            print(
                f"shared-neighbour weight {weight:<4} threshold {threshold:<5} "
                f"ECB+ train {full:.4f}  small-story view {small:.4f}  mean {row['mean']:.4f}",
                flush=True,
            )
    default = ClusterOptions()
    result = {
        "data": "clustering/ecbplus_train.jsonl",
        "small_story_views": {"seeds": CALIBRATION_SEEDS, "chars": SMALL_VIEW_CHARS},
        "default": {
            "shared_neighbour_weight": default.shared_neighbour_weight,
            "threshold": default.link_threshold,
        },
        "grid": grid,
    }
    CALIBRATION.parent.mkdir(parents=True, exist_ok=True)
    CALIBRATION.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CALIBRATION}")


def score(overrides: dict[str, Any]) -> None:
    """B-cubed scores of batch clustering with ``overrides`` on the four clustering sets."""
    from newsweave.evaluate.datasets import read_clustering

    options = ClusterOptions(**overrides)
    print(f"options {json.dumps(overrides, sort_keys=True)}", flush=True)
    for name, file in SCORED.items():
        path = ECB_TRAIN.parent / file
        if not path.exists():
            print(f"  {name:<15} skipped: {path} is absent", flush=True)
            continue
        _, data = read_clustering(path)
        articles, gold = list(data.articles), [str(x) for x in data.labels]
        tick = time.process_time()
        predicted = _labels(articles, cluster_articles(articles, options))
        cpu = time.process_time() - tick
        scores = cluster_scores(gold, predicted)
        print(
            f"  {name:<15} B3 F1 {scores.bcubed_f1:.4f} (P {scores.bcubed_p:.4f} "
            f"R {scores.bcubed_r:.4f})  stories {scores.n_pred} (gold {scores.n_gold})  "
            f"{cpu:.1f} CPU-s  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--child", nargs=3, metavar=("CORPUS", "MODE", "OUT"), help="internal")
    parser.add_argument(
        "--calibrate", action="store_true", help="The fast path's grid on ECB+ train."
    )
    parser.add_argument(
        "--score",
        metavar="OPTIONS",
        help="JSON object of ClusterOptions overrides: B-cubed on the four clustering sets.",
    )
    args = parser.parse_args(argv)
    if args.score is not None:
        try:
            overrides = json.loads(args.score)
        except ValueError as exc:
            parser.error(f"--score: not JSON: {exc}")
        if not isinstance(overrides, dict):
            parser.error("--score takes a JSON object, e.g. '{\"threshold\": 0.12}'")
        try:
            ClusterOptions(**overrides)
        except (TypeError, ConfigError) as exc:
            parser.error(f"--score: {exc}")
        score(overrides)
        return
    if args.calibrate:
        if not ECB_TRAIN.exists():
            print(f"skipped calibration: {ECB_TRAIN} is absent")
            return
        calibrate()
        return
    if args.child:
        corpus, mode, out = args.child
        child(corpus, mode, Path(out))
        return
    runs = []
    for corpus in args.corpora:
        if corpus == "multinews" and not MULTINEWS.exists():
            print(f"skipped {corpus}: {MULTINEWS} is absent")
            continue
        batch, batch_labels = measure(corpus, "batch")
        stream, stream_labels = measure(corpus, "stream")
        agreement = cluster_scores(batch_labels, stream_labels).bcubed_f1
        stream["bcubed_f1_vs_batch"] = round(agreement, 4)
        stream["f1_minus_batch"] = round(stream["bcubed_f1"] - batch["bcubed_f1"], 4)
        for run in (batch, stream):
            _print(run)
            runs.append(run)
    measured = {run["corpus"] for run in runs}
    if RESULTS.exists():  # keep the corpora this run left out, as they were measured
        earlier = json.loads(RESULTS.read_text(encoding="utf-8")).get("runs", [])
        runs += [run for run in earlier if run["corpus"] not in measured]
    result = {
        "benchmark": "cluster",
        "embedder": "none (the fast path)",
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


def _print(run: dict[str, Any]) -> None:
    line = (
        f"{run['corpus']:<13} {run['mode']:<6} {run['articles']:>7} art  "
        f"{run['articles_per_s_cpu']:>8.1f} art/s cpu  {run['articles_per_s_wall']:>8.1f} wall  "
        f"peak {run['peak_rss_mb']:>5} MB  B3 F1 {run['bcubed_f1']:.4f} "
        f"(P {run['bcubed_p']:.4f} R {run['bcubed_r']:.4f})  {run['stories']} stories"
    )
    if run["mode"] == "stream":
        line += (
            f"\n{'':<21}add {run['add_articles_per_s_cpu']:.1f} art/s cpu, "
            f"consolidate {run['consolidate_cpu_s']} s; vs batch F1 {run['bcubed_f1_vs_batch']}"
            f" ({run['f1_minus_batch']:+.4f}); ms/article by tenth "
            f"{run['cpu_ms_per_article_by_tenth']}"
        )
    print(line, flush=True)


if __name__ == "__main__":
    main()
