"""Scale benchmark of the reuse stage: generated articles with planted copies, 10k to 100k.

Articles are generated (deterministically) from a Zipf-distributed vocabulary of made-up words
mixed with English function words, grouped into stories that share their names and places, so
that same-story articles share many shingles — the hard case for candidate generation.  A share
of them are planted copies of an earlier article: verbatim, trimmed (sentences dropped, one cut
short), partial (a few of its paragraphs inside a new article) or spun (a fifth of the content
words swapped for others, clauses reordered).

Measured per corpus size, each in a fresh process: wall time of ``detect_reuse`` (sentences
given, as the pipeline stores them — pysbd is the segment stage's cost, not this one's),
articles/s, peak resident memory, planted-copy recall (the copy linked to its source) and links
between articles that share no planted text.  The cost ratios between sizes show how it grows.

    python benchmarks/reuse.py                      # 10k, 30k, 100k
    python benchmarks/reuse.py --sizes 2000 --json  # quick check
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.model import Article, Sentence
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.reuse.normalize import is_stopword

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "reuse.json"
SIZES = (10_000, 30_000, 100_000)
PLANTED_SHARE = 0.05  # articles that copy an earlier one
STORY_SIZE = 12  # articles per story, on average
VOCABULARY = 60_000
MEMORY_LIMIT_GB = 4.0

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
_FUNCTION = sorted(
    w
    for w in [
        "the",
        "a",
        "of",
        "to",
        "in",
        "and",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "was",
        "is",
        "it",
        "said",
        "has",
        "have",
        "but",
        "not",
        "be",
        "had",
        "were",
        "which",
        "an",
        "after",
        "will",
        "their",
        "this",
        "they",
        "who",
        "been",
        "would",
        "also",
        "its",
        "more",
        "than",
        "over",
        "about",
        "into",
        "up",
        "when",
    ]
    if is_stopword(w) or w == "said"
)
KINDS = ("verbatim", "trimmed", "partial", "spun")


def _word(rank: int) -> str:
    out = []
    n = rank + 27
    while n:
        n, k = divmod(n, len(_SYLLABLES))
        out.append(_SYLLABLES[k])
    return "".join(out)


@dataclass
class Planted:
    source: int
    copy: int
    kind: str


class Generator:
    """Deterministic article text: stories with their own names, Zipfian general vocabulary."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        weights = [1.0 / (r + 1) ** 1.05 for r in range(VOCABULARY)]
        total = sum(weights)
        self.cumulative: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)

    def general(self) -> str:
        import bisect

        return _word(min(bisect.bisect(self.cumulative, self.rng.random()), VOCABULARY - 1))

    def story_words(self, story: int) -> list[str]:
        rng = random.Random(story * 7919)
        return [_word(VOCABULARY + rng.randrange(10 * VOCABULARY)).capitalize() for _ in range(12)]

    def sentence(self, story_words: Sequence[str]) -> str:
        words = []
        for _ in range(self.rng.randint(10, 26)):
            roll = self.rng.random()
            if roll < 0.42:
                words.append(self.rng.choice(_FUNCTION))
            elif roll < 0.55:
                words.append(self.rng.choice(story_words))
            else:
                words.append(self.general())
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(1, len(words) - 1), ",")
        text = " ".join(words).replace(" ,", ",")
        return text[0].upper() + text[1:] + "."

    def paragraphs(self, story: int, n: int) -> list[list[str]]:
        names = self.story_words(story)
        return [[self.sentence(names) for _ in range(self.rng.randint(1, 3))] for _ in range(n)]


def _spin_sentence(sentence: str, gen: Generator) -> str:
    words = sentence[:-1].split(" ")
    for k, word in enumerate(words):
        bare = word.rstrip(",").lower()
        if not is_stopword(bare) and gen.rng.random() < 0.2:
            words[k] = gen.general() + ("," if word.endswith(",") else "")
    if gen.rng.random() < 0.2 and ", " in " ".join(words):
        first, _, second = " ".join(words).partition(", ")
        text = f"{second}, {first[0].lower()}{first[1:]}"
    else:
        text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def build(n: int, seed: int = 0) -> tuple[list[Article], dict[str, list[Sentence]], list[Planted]]:
    """``n`` articles (about ``PLANTED_SHARE`` of them planted copies) and their sentences."""
    gen = Generator(seed)
    bodies: list[list[list[str]]] = []
    stories: list[int] = []
    planted: list[Planted] = []
    n_stories = max(1, n // STORY_SIZE)
    for i in range(n):
        story = gen.rng.randrange(n_stories)
        if i > 10 and gen.rng.random() < PLANTED_SHARE:
            source = gen.rng.randrange(i)
            kind = KINDS[len(planted) % len(KINDS)]
            body = [list(p) for p in bodies[source]]
            if kind == "trimmed":
                body = body[: max(2, len(body) * 2 // 3)]
                last = body[-1][-1]
                body[-1][-1] = last[: max(20, len(last) // 2)].rstrip(" ,") + "."
            elif kind == "partial":
                own = gen.paragraphs(stories[source], gen.rng.randint(3, 8))
                body = own[:2] + body[: gen.rng.randint(2, 4)] + own[2:]
            elif kind == "spun":
                body = [[_spin_sentence(s, gen) for s in p] for p in body]
            planted.append(Planted(source, i, kind))
            story = stories[source]
        else:
            body = gen.paragraphs(story, gen.rng.randint(5, 12))
        bodies.append(body)
        stories.append(story)
    articles: list[Article] = []
    sentences: dict[str, list[Sentence]] = {}
    for i, body in enumerate(bodies):
        text = "\n\n".join(" ".join(p) for p in body)
        article = Article.build(text, source=f"outlet-{i % 997}", external_id=f"gen-{i}")
        articles.append(article)
        sents: list[Sentence] = []
        pos = 0
        for p_index, paragraph in enumerate(body):
            for sentence in paragraph:
                start = text.index(sentence, pos)
                sents.append(
                    Sentence(
                        article.id, len(sents), start, start + len(sentence), sentence, p_index
                    )
                )
                pos = start + len(sentence)
        sentences[article.id] = sents
    return articles, sentences, planted


def measure(n: int) -> dict[str, Any]:
    started = time.perf_counter()
    articles, sentences, planted = build(n)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    links = detect_reuse(articles, ReuseOptions(), sentences)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A planted copy counts as found when a link joins it to its source, to an article the
    # source was itself copied from (a copy of a copy carries the original's text), or to an
    # exact duplicate of either: text alone cannot tell those apart.
    group = {a.id: a.text_hash for a in articles}
    linked = {frozenset((group[link.source_id], group[link.target_id])) for link in links}
    parent = {p.copy: p.source for p in planted}

    def found_one(p: Planted) -> bool:
        source: int | None = p.source
        while source is not None:
            if frozenset((group[articles[source].id], group[articles[p.copy].id])) in linked:
                return True
            source = parent.get(source)
        return False

    found = {kind: [found_one(p) for p in planted if p.kind == kind] for kind in KINDS}
    related = {articles[p.copy].id for p in planted} | {articles[p.source].id for p in planted}
    unplanted = sum(1 for link in links if not {link.source_id, link.target_id} <= related)
    hits = sum(sum(v) for v in found.values())
    return {
        "articles": n,
        "planted": len(planted),
        "generate_seconds": round(generated, 1),
        "seconds": round(seconds, 1),
        "articles_per_second": round(n / seconds, 1),
        "peak_rss_gb": round(peak_kb / 1024 / 1024, 2),
        "links": len(links),
        "planted_recall": round(hits / len(planted), 4) if planted else 0.0,
        "recall_by_kind": {k: round(sum(v) / len(v), 4) if v else None for k, v in found.items()},
        "links_between_unrelated_articles": unplanted,
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
    rows = []
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
            f"{n:>7} articles: {row['seconds']:8.1f} s  {row['articles_per_second']:7.1f} art/s  "
            f"peak {row['peak_rss_gb']:.2f} GB  planted recall {row['planted_recall']:.3f} "
            f"{row['recall_by_kind']}  unrelated links {row['links_between_unrelated_articles']}"
        )
    for small, large in itertools.pairwise(rows):
        size_ratio = large["articles"] / small["articles"]
        time_ratio = large["seconds"] / small["seconds"] if small["seconds"] else float("nan")
        print(
            f"{small['articles']} → {large['articles']}: size x{size_ratio:.1f}, "
            f"time x{time_ratio:.2f} (linear would be x{size_ratio:.1f}, quadratic "
            f"x{size_ratio**2:.0f})"
        )
    result = {
        "benchmark": "reuse",
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus (shared; timings provisional)",
        "memory_limit_gb": MEMORY_LIMIT_GB,
        "runs": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
