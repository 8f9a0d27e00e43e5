"""Store benchmark: how fast the SQLite store writes, lists, streams and searches articles.

Measures the store alone (articles are generated and split into sentences up front, so the
figures exclude reading, cleaning and pysbd): articles/s written in batches of 500, articles/s
streamed back, list and search latency, database size per article, peak memory, and that an
article re-added is recognised as stored.  Prints the figures and writes
``benchmarks/results/store.json``.

    python benchmarks/store.py [--articles 20000] [--sentences 12]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from newsweave.model import Article, Sentence
from newsweave.store import SQLiteStore

RESULTS = Path(__file__).resolve().parent / "results" / "store.json"
BATCH = 500  # the pipeline's default batch size
SEED = 13
VOCAB_SIZE = 5_000  # distinct made-up words: a news-sized vocabulary for the FTS index
OUTLETS = 40
COLLECTIONS = 200


def make_corpus(n: int, n_sentences: int) -> list[tuple[Article, list[Sentence]]]:
    rng = random.Random(SEED)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9)))
        for _ in range(VOCAB_SIZE)
    ]
    corpus = []
    for i in range(n):
        sentences = [
            " ".join(rng.choices(vocab, k=rng.randint(12, 28))).capitalize() + "."
            for _ in range(n_sentences)
        ]
        paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, n_sentences, 3)]
        text = "\n\n".join(paragraphs)
        article = Article.build(
            text,
            title=" ".join(rng.choices(vocab, k=7)).capitalize(),
            source=f"Outlet {i % OUTLETS}",
            collection=f"c{i % COLLECTIONS:03d}",
            external_id=f"rec-{i}",
        )
        built: list[Sentence] = []
        cursor = 0
        for k, sentence in enumerate(sentences):
            start = text.index(sentence, cursor)
            cursor = start + len(sentence)
            built.append(Sentence(article.id, k, start, cursor, sentence, paragraph=k // 3))
        corpus.append((article, built))
    return corpus


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def cpu_timed(fn: Any) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()``: on a busy shared machine CPU time is the steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--sentences", type=int, default=12, help="sentences per article")
    args = parser.parse_args(argv)

    corpus = make_corpus(args.articles, args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = SQLiteStore(db)
        write_s, write_cpu_s = cpu_timed(
            lambda: [
                store.add_articles(corpus[i : i + BATCH]) for i in range(0, len(corpus), BATCH)
            ]
        )
        again, again_s = timed(lambda: store.add_articles(corpus[:BATCH]))
        assert len(again.existing) == min(BATCH, len(corpus))
        stream_s, stream_cpu_s = cpu_timed(lambda: sum(1 for _ in store.iter_articles()))
        streamed = store.count_articles()
        assert streamed == len(corpus)
        _, list_s = timed(lambda: store.list_articles(limit=100))
        _, collections_s = timed(store.collections)
        words = [
            corpus[i][0].title.split()[0].lower()
            for i in range(0, len(corpus), max(1, len(corpus) // 50))
        ]
        latencies = [timed(lambda w=w: store.search(w))[1] for w in words]
        _, sentences_s = timed(lambda: [store.get_sentences(a.id) for a, _ in corpus[:1000]])
        store.close()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    text_bytes = sum(len(a.text.encode()) for a, _ in corpus)
    results = {
        "articles": len(corpus),
        "sentences_per_article": args.sentences,
        "text_mb": round(text_bytes / 1e6, 1),
        "write_articles_per_s": round(len(corpus) / write_s),
        "write_articles_per_cpu_s": round(len(corpus) / write_cpu_s),
        "readd_batch_ms": round(again_s * 1000, 1),
        "stream_articles_per_s": round(streamed / stream_s),
        "stream_articles_per_cpu_s": round(streamed / stream_cpu_s),
        "list_100_ms": round(list_s * 1000, 1),
        "collections_ms": round(collections_s * 1000, 1),
        "search_median_ms": round(statistics.median(latencies) * 1000, 2),
        "search_max_ms": round(max(latencies) * 1000, 2),
        "get_sentences_per_s": round(min(1000, len(corpus)) / sentences_s),
        "db_bytes_per_article": round(size / len(corpus)),
        "db_size_over_text": round(size / text_bytes, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "note": "provisional: measured on a shared 2-core machine",
    }
    for key, value in results.items():
        print(f"{key:>24}  {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
