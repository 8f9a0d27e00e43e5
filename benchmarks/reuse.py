"""Scale benchmark of the reuse stage: invented news with planted copies, 10k to 100k articles.

The corpus is :mod:`newsgen`'s (the engines benchmark uses the same generator): stories of
about five articles each, told independently from shared fact templates in each story's own
names, towns and numbers, so that same-story articles share many shingles and some short
phrases — the hard case for candidate generation — and then copies planted and recorded as gold:
``exact`` (republished word for word), ``near_duplicate`` (spun by a content farm) and
``passage`` (a run of three sentences lifted into another article of the story).

Measured per corpus size, each in a fresh process: wall time of ``detect_reuse`` with the
sentences given, as the pipeline stores them (the generated text is split on its own sentence
ends; pysbd is the segment stage's cost, not this one's), articles/s, peak resident memory,
planted-copy recall by kind (the copy linked to its source, to an article the source copied, or
to an exact duplicate of either: text alone cannot tell those apart), links between articles of
*different* stories (false by construction) and unplanted links within a story (independent
reports that happen to print the same template sentence).  The cost ratios between sizes show
how it grows.

    python benchmarks/reuse.py                      # 10k, 30k, 100k
    python benchmarks/reuse.py --sizes 2000         # quick check
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsgen import Corpus, generate
from newsweave.model import Article, Sentence
from newsweave.reuse import ReuseOptions, detect_reuse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "reuse.json"
SIZES = (10_000, 30_000, 100_000)
MEMORY_LIMIT_GB = 4.0
KINDS = ("exact", "near_duplicate", "passage")
_SENTENCE_END = re.compile(r"(?<=[.!?”])\s+")


def sentences_of(article: Article) -> list[Sentence]:
    """The generated text's sentences: paragraphs split where a sentence end meets a space."""
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(article.paragraphs):
        pos = p_start
        for piece in _SENTENCE_END.split(article.text[p_start:p_end]):
            start = article.text.index(piece, pos)
            out.append(Sentence(article.id, len(out), start, start + len(piece), piece, p_index))
            pos = start + len(piece)
    return out


def build(n: int) -> tuple[list[Article], dict[str, list[Sentence]], Corpus]:
    corpus = generate(n)
    articles = [
        Article.build(
            r["text"],
            title=r["title"],
            source=r["source"],
            url=r["url"],
            published=datetime.fromisoformat(r["date"]),
            external_id=r["id"],
        )
        for r in corpus.records
    ]
    return articles, {a.id: sentences_of(a) for a in articles}, corpus


def measure(n: int) -> dict[str, Any]:
    started = time.perf_counter()
    articles, sentences, corpus = build(n)
    generated = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    links = detect_reuse(articles, ReuseOptions(), sentences)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started  # what a shared machine cannot inflate
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    by_external = {a.external_id: a for a in articles}
    external = {a.id: a.external_id for a in articles}
    group = {a.id: a.text_hash for a in articles}
    linked = {frozenset((group[link.source_id], group[link.target_id])) for link in links}
    parent = {target: source for source, target, _ in corpus.copies}

    def found(source: str | None, copy: str) -> bool:
        while source is not None:
            pair = frozenset((group[by_external[source].id], group[by_external[copy].id]))
            if pair in linked:
                return True
            source = parent.get(source)
        return False

    hits = {kind: [found(s, t) for s, t, k in corpus.copies if k == kind] for kind in KINDS}
    planted = {frozenset(pair[:2]) for pair in corpus.copies}
    other_story = same_story = 0
    for link in links:
        a, b = str(external[link.source_id]), str(external[link.target_id])
        if corpus.story_of[a] != corpus.story_of[b]:
            other_story += 1
        elif frozenset((a, b)) not in planted and group[link.source_id] != group[link.target_id]:
            same_story += 1
    total = sum(len(v) for v in hits.values())
    return {
        "articles": n,
        "stories": len(set(corpus.story_of.values())),
        "planted": total,
        "sentences": sum(len(v) for v in sentences.values()),
        "generate_seconds": round(generated, 1),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "articles_per_second": round(n / seconds, 1),
        "articles_per_cpu_second": round(n / cpu_seconds, 1),
        "peak_rss_gb": round(peak_kb / 1024 / 1024, 2),
        "links": len(links),
        "planted_recall": round(sum(sum(v) for v in hits.values()) / total, 4) if total else 0.0,
        "recall_by_kind": {k: round(sum(v) / len(v), 4) if v else None for k, v in hits.items()},
        "links_across_stories": other_story,
        "unplanted_links_within_story": same_story,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size, print JSON
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    rows: list[dict[str, Any]] = []
    result = {
        "benchmark": "reuse",
        "corpus": "benchmarks/newsgen.py (seed 2024)",
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus (shared; timings provisional)",
        "memory_limit_gb": MEMORY_LIMIT_GB,
        "runs": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for n in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{n:>7} articles: {row['seconds']:8.1f} s ({row['cpu_seconds']:.1f} s CPU)  "
            f"{row['articles_per_second']:7.1f} art/s  "
            f"peak {row['peak_rss_gb']:.2f} GB  planted recall {row['planted_recall']:.3f} "
            f"{row['recall_by_kind']}  links across stories {row['links_across_stories']}  "
            f"unplanted within a story {row['unplanted_links_within_story']}",
            flush=True,
        )
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")  # after each size
    for small, large in itertools.pairwise(rows):
        size_ratio = large["articles"] / small["articles"]
        time_ratio = large["seconds"] / small["seconds"] if small["seconds"] else float("nan")
        cpu_small, cpu_large = small.get("cpu_seconds", 0.0), large.get("cpu_seconds", 0.0)
        cpu_ratio = cpu_large / cpu_small if cpu_small else float("nan")
        print(
            f"{small['articles']} → {large['articles']}: size x{size_ratio:.1f}, "
            f"time x{time_ratio:.2f}, CPU x{cpu_ratio:.2f} (linear would be x{size_ratio:.1f}, "
            f"quadratic "
            f"x{size_ratio**2:.0f})"
        )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
