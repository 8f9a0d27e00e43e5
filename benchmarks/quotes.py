"""Quotes and entities benchmark: speed of the two stages together, and their quality.

Speed: articles/s for quotes + entities on real news (the PolNeAR dev articles, ~800 words
each, and the five seed articles, ~550): one process (best of several passes, wall clock and
CPU time), ``--workers`` processes (wall clock, and CPU time: the rate on cores of one's own
when the machine is shared), and whole stories through ``quote_story``; peak memory.
Quality: the evaluation harness's scores on PolNeAR dev (quotes) and CoNLL-2003 dev
(entities), with direct-quote speaker F1 and PER/ORG/LOC F1 added, and the seed checks
(speakers of direct quotes, people merged across the five articles).  Prints the figures and
writes
``benchmarks/results/quotes.json``.

    python benchmarks/quotes.py [--passes 3] [--workers 2] [--skip-quality]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from newsweave.entities import get_recognizer, load_gazetteer
from newsweave.evaluate import methods
from newsweave.evaluate.datasets import read_ner, read_quotes
from newsweave.evaluate.harness import evaluate_ner, evaluate_quotes
from newsweave.evaluate.metrics import AnnotatedQuote, PredictedQuote, quote_scores
from newsweave.model import Article
from newsweave.quotes import article_quotes, find_quotes, quote_story

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "quotes.json"
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
QUOTES_DEV = DATA / "quotes" / "polnear_dev.jsonl"
NER_DEV = DATA / "ner" / "conll2003_dev.jsonl"
SEEDS = DATA / "seeds"


def seed_articles() -> list[Article]:
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(Article.build(body.strip("\n"), title=title.strip(), external_id=path.stem))
    return articles


def _work(texts: list[str]) -> float:
    """One worker's share: quotes and entities of each text (the worker loads its own lists).
    Returns the CPU seconds it spent."""
    recognizer = get_recognizer("rules")
    c0 = time.process_time()
    for text in texts:
        article_quotes(Article.build(text), recognizer=recognizer)
    return time.process_time() - c0


def parallel_speed(articles: list[Article], workers: int) -> dict[str, Any]:
    """Articles/s with ``workers`` processes, each warmed up first (gazetteers loaded): by the
    wall clock (what this machine gave, shared with other jobs) and by the CPU seconds the
    workers spent (what ``workers`` cores of one's own would give)."""
    texts = [a.text for a in articles]
    chunks = [texts[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_work, [[t] for t in texts[:workers]]))  # load the lists in each worker
        w0 = time.perf_counter()
        cpu = list(pool.map(_work, chunks))
        wall = time.perf_counter() - w0
    return {
        "workers": workers,
        "articles": len(texts),
        "articles_per_s_wall": round(len(texts) / wall, 1),
        "articles_per_s_cpu": round(len(texts) / max(cpu), 1),  # the slowest worker's CPU time
        "cpu_seconds": round(sum(cpu), 2),
    }


def story_speed(articles: list[Article], story_size: int, passes: int) -> dict[str, Any]:
    """Articles/s through :func:`quote_story` (what a digest runs per story: entities merged
    across the story, speakers resolved, quotes grouped) in stories of ``story_size``."""
    stories = [articles[i : i + story_size] for i in range(0, len(articles), story_size)]
    quote_story(stories[0])  # warm caches
    walls, cpus = [], []
    for _ in range(passes):
        w0, c0 = time.perf_counter(), time.process_time()
        for story in stories:
            quote_story(story)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return {
        "articles": len(articles),
        "story_size": story_size,
        "articles_per_s_wall": round(len(articles) / min(walls), 1),
        "articles_per_s_cpu": round(len(articles) / min(cpus), 1),
    }


def speed(articles: list[Article], passes: int) -> dict[str, Any]:
    recognizer = get_recognizer("rules")
    load_gazetteer()
    article_quotes(articles[0], recognizer=recognizer)  # warm caches
    walls, cpus = [], []
    for _ in range(passes):
        w0, c0 = time.perf_counter(), time.process_time()
        for article in articles:
            article_quotes(article, recognizer=recognizer)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    words = sum(len(a.text.split()) for a in articles)
    return {
        "articles": len(articles),
        "words_per_article": round(words / len(articles)),
        "articles_per_s_wall": round(len(articles) / min(walls), 1),
        "articles_per_s_cpu": round(len(articles) / min(cpus), 1),
        "passes": passes,
    }


def quote_quality() -> dict[str, Any]:
    report = evaluate_quotes(QUOTES_DEV, "newsweave")
    docs = []
    for doc in read_quotes(QUOTES_DEV).records:
        predicted = [
            PredictedQuote(
                (q.content.start, q.content.end),
                q.direct,
                (q.speaker.start, q.speaker.end) if q.speaker else None,
            )
            for q in find_quotes(doc.article)
            if q.direct
        ]
        gold = [AnnotatedQuote(q.spans, q.direct, q.speaker_spans) for q in doc.quotes if q.direct]
        docs.append((doc.article.text, predicted, gold))
    direct = quote_scores(docs)
    out = {k: round(v, 4) for k, v in report.scores.items()}
    out["direct_speaker_f1"] = round(direct["speaker_f1"], 4)
    out["direct_speaker_accuracy"] = round(direct["speaker_accuracy"], 4)
    return out


def ner_quality() -> dict[str, Any]:
    methods._stream.cache_clear()
    report = evaluate_ner(NER_DEV, "newsweave")
    out = {k: round(v, 4) for k, v in report.scores.items()}
    # PER, ORG and LOC together (MISC left out), from the same predictions.
    methods._stream.cache_clear()
    correct = predicted = gold = 0
    for sentence in read_ner(NER_DEV).records:
        pred = {p for p in methods.ner_newsweave(sentence.text) if p[2] != "MISC"}
        ref = {tuple(e) for e in sentence.entities if e[2] != "MISC"}
        correct += len(pred & ref)
        predicted += len(pred)
        gold += len(ref)
    p, r = correct / predicted, correct / gold
    out["f1_PER_ORG_LOC"] = round(2 * p * r / (p + r), 4)
    methods._stream.cache_clear()
    return out


def seed_checks(articles: list[Article]) -> dict[str, Any]:
    story = quote_story(articles)
    people = {
        e.name: len({m.span.article_id for m in e.mentions})
        for e in story.entities
        if e.name in ("Vladimir Putin", "Bashar al-Assad", "Barack Obama", "Hassan Rouhani")
    }
    direct = [q for q in story.quotes if q.direct]
    return {
        "direct_quotes": len(direct),
        "direct_quotes_with_speaker": sum(1 for q in direct if q.speaker is not None),
        "articles_per_person": people,
        "groups_across_outlets": sum(1 for g in story.groups if len(g.article_ids) > 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run")
    args = parser.parse_args(argv)
    if not QUOTES_DEV.exists():
        raise SystemExit(f"needs {QUOTES_DEV} (../shared/data)")
    articles = [doc.article for doc in read_quotes(QUOTES_DEV).records]
    seeds = seed_articles() if SEEDS.exists() else []
    result: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "note": "CPU shared with other jobs when measured: figures are provisional",
        },
        "speed_polnear_dev": speed(articles, args.passes),
    }
    result["speed_polnear_dev_parallel"] = parallel_speed(articles * 3, args.workers)
    result["speed_polnear_dev_stories"] = story_speed(articles, 12, args.passes)
    if seeds:
        result["speed_seeds"] = speed(seeds * 20, args.passes)
        result["speed_seeds_parallel"] = parallel_speed(seeds * 60, args.workers)
    if not args.skip_quality:
        result["quotes_polnear_dev"] = quote_quality()
        result["ner_conll2003_dev"] = ner_quality()
        if seeds:
            result["seeds"] = seed_checks(seeds)
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, sort_keys=True))
    return result


if __name__ == "__main__":
    main()
