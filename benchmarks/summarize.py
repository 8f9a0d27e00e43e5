"""Summarizer benchmark: DUC 2003 end to end (speed and ROUGE), and cost against story size.

1. DUC 2003, 30 clusters, every method variant (``newsweave`` with MiniLM, ``newsweave-fast``
   with the static model, ``newsweave-lexical`` with hashed features):
   wall-clock seconds for the whole set, segmentation and embeddings included (the embedding
   model's one-off load is timed apart), and ROUGE-1/2 recall as ``newsweave eval summarize``
   scores it.
2. Cost against story size: one story of 10, 100 and 1,000 real articles (DUC 2003 documents,
   republished with a new first line past the 298 there are, as wire copy is), timed in two
   parts: segmentation, and the summarizer given the sentences.  The summarizer's cost should
   grow about linearly: it keeps at most ``max_candidates`` sentences for the ILP and compares
   each chosen sentence with the story's sentences once.

3. Citations on the demo corpus: each event of ``examples/demo-truth.json`` summarized as
   ``newsweave digest`` does it (origins from the reuse stage), every citation checked against
   the truth's copied passages (:mod:`newsweave.summarize.audit`): precision and recall.

4. With ``--ceiling K``, only the extractive ceiling on the first K Multi-News validation
   clusters: a greedy ROUGE oracle that, knowing the reference, adds the sentence (baseline
   candidates: every sentence of 4+ words) that most raises ROUGE-1 F + ROUGE-2 F under the
   256-word cut, until none does; scored as ``newsweave eval summarize`` scores methods.
   Stored under ``multinews_ceiling`` in the results file, the rest kept.

Prints the figures and writes ``benchmarks/results/summarize.json``.

    python benchmarks/summarize.py [--skip-duc] [--sizes 10,100,1000] [--skip-demo]
    python benchmarks/summarize.py --ceiling 500
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsweave.clean import clean
from newsweave.embed import get_embedder, minilm_available
from newsweave.evaluate.baselines import candidates
from newsweave.evaluate.datasets import read_mds
from newsweave.evaluate.harness import sentence_lines
from newsweave.evaluate.rouge import RougeOptions, rouge_corpus
from newsweave.evaluate.rouge import tokens as rouge_tokens
from newsweave.ingest import read
from newsweave.model import Article, Sentence
from newsweave.segment import segment_article
from newsweave.summarize import SummarizeOptions, summarize_story
from newsweave.summarize.audit import audit_stories, passage_pairs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "summarize.json"
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
DUC2003 = DATA / "mds" / "duc2003.jsonl"
MULTINEWS = DATA / "mds" / "multinews_val.jsonl"
DEMO = ROOT / "examples" / "demo"
DEMO_TRUTH = ROOT / "examples" / "demo-truth.json"

VARIANTS = {
    "newsweave": SummarizeOptions(embedder="minilm" if minilm_available() else "hashing"),
    "newsweave-fast": SummarizeOptions(embedder="static"),
    "newsweave-lexical": SummarizeOptions(embedder="hashing"),
}


def _load_model(name: str) -> float:
    """Seconds to load (or distil, the first time) the embedder ``name``."""
    t0 = time.perf_counter()
    get_embedder(name).encode(["warm up"])
    return round(time.perf_counter() - t0, 2)


def duc_end_to_end() -> dict[str, Any]:
    clusters = read_mds(DUC2003).records
    out: dict[str, Any] = {
        "clusters": len(clusters),
        "articles": sum(len(c.docs) for c in clusters),
    }
    for name, options in VARIANTS.items():
        load = _load_model(options.embedder)
        # fresh Article objects: no segmentation cached from an earlier variant
        stories = [[Article.build(d.text, **_fields(d)) for d in c.docs] for c in clusters]
        t0 = time.perf_counter()
        # filled as ``newsweave eval summarize`` registers it (newsweave.evaluate.methods)
        summaries = [summarize_story(docs, replace(options, fill=True)) for docs in stories]
        wall = time.perf_counter() - t0
        report = rouge_corpus(
            (
                (
                    c.id,
                    [s.text for s in summary.sentences],
                    [sentence_lines(r) for r in c.summaries],
                )
                for c, summary in zip(clusters, summaries, strict=True)
            ),
            RougeOptions(ngrams=(1, 2), words=100, lcs=False, skip_distance=None),
        ).flat()
        out[name] = {
            "embedder": options.embedder,
            "solver": options.solver,
            "fill": True,
            "model_load_s": load,
            "seconds": round(wall, 2),
            "seconds_per_cluster": round(wall / len(clusters), 3),
            "rouge1_r": report["rouge1_r"],
            "rouge2_r": report["rouge2_r"],
        }
        print(name, json.dumps(out[name]), flush=True)
    return out


def _fields(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "published": article.published,
        "external_id": article.external_id,
    }


def _story(size: int) -> list[Article]:
    """``size`` real articles; past the ones there are, copies republished with a new intro."""
    docs = [d for c in read_mds(DUC2003).records for d in c.docs]
    story = []
    for k in range(size):
        d = docs[k % len(docs)]
        text = d.text if k < len(docs) else f"Republished by outlet number {k}.\n\n{d.text}"
        story.append(Article.build(text, source=f"outlet-{k}", **_fields(d)))
    return story


def scaling(sizes: list[int]) -> list[dict[str, Any]]:
    for name in ("newsweave", "newsweave-lexical"):
        _load_model(VARIANTS[name].embedder)
    rows = []
    for size in sizes:
        story = _story(size)
        t0 = time.perf_counter()
        sentences: dict[str, list[Sentence]] = {a.id: segment_article(a) for a in story}
        segment_s = time.perf_counter() - t0
        n_sentences = sum(len(s) for s in sentences.values())
        row: dict[str, Any] = {
            "articles": size,
            "sentences": n_sentences,
            "segment_s": round(segment_s, 2),
        }
        for name in ("newsweave", "newsweave-lexical"):
            options = VARIANTS[name]
            t1 = time.perf_counter()
            summary = summarize_story(story, options, sentences=sentences)
            took = time.perf_counter() - t1
            row[f"{name}_s"] = round(took, 2)
            row[f"{name}_ms_per_article"] = round(1000 * took / size, 2)
            row[f"{name}_citations"] = sum(len(s.citations) for s in summary.sentences)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def demo_citations() -> dict[str, Any]:
    """Citation precision and recall on the demo corpus, per method variant."""
    truth = json.loads(DEMO_TRUTH.read_text(encoding="utf-8"))
    found = {a.external_id: a for a in clean(read([DEMO])) if isinstance(a, Article)}
    events = [[found[k] for k in event["articles"]] for event in truth["events"].values()]
    pairs = passage_pairs(truth["copies"])
    out: dict[str, Any] = {}
    for name, options in VARIANTS.items():
        audit = audit_stories(events, pairs, options)
        out[name] = {
            "precision": round(audit.precision, 4),
            "recall": round(audit.recall, 4),
            "judged": audit.judged,
            "correct": audit.correct,
            "expected": audit.expected,
            "cited": audit.hit,
        }
        print("demo citations", name, json.dumps(out[name]), flush=True)
    return out


def _f(hits: int, reference: int, peer: int) -> float:
    return 2.0 * hits / (reference + peer) if hits else 0.0


def _grams(toks: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def multinews_ceiling(limit: int, words: int = 256) -> dict[str, Any]:
    """The greedy ROUGE oracle on the first ``limit`` Multi-News validation clusters."""
    clusters = read_mds(MULTINEWS).limit(limit).records
    plain = RougeOptions(words=0)  # tokens of one sentence; the word cut is applied below

    def cut_tokens(chosen: list[tuple[list[str], int]]) -> list[str]:
        out: list[str] = []
        total = 0
        for toks, n_words in chosen:
            if total + n_words >= words:  # ROUGE keeps part of the line that reaches the limit
                out.extend(toks[: max(0, words - total)])  # approximate: tokens for words
                break
            out.extend(toks)
            total += n_words
        return out

    picked: dict[str, list[str]] = {}
    for cluster in clusters:
        reference = cut_tokens(
            [(rouge_tokens(line, plain), len(line.split())) for line in cluster.summaries[0:1]]
        )
        ref1, ref2 = _grams(reference, 1), _grams(reference, 2)
        pool = [c.text for c in candidates(cluster.docs)]
        toks = [(rouge_tokens(text, plain), len(text.split())) for text in pool]
        chosen: list[int] = []
        best = 0.0
        while sum(toks[j][1] for j in chosen) < words:
            best_j = -1
            for j in range(len(pool)):
                if j in chosen:
                    continue
                peer = cut_tokens([toks[k] for k in sorted([*chosen, j])])
                p1, p2 = _grams(peer, 1), _grams(peer, 2)
                score = _f(sum((p1 & ref1).values()), len(reference), len(peer)) + _f(
                    sum((p2 & ref2).values()), max(1, len(reference) - 1), max(1, len(peer) - 1)
                )
                if score > best + 1e-9:
                    best, best_j = score, j
            if best_j < 0:
                break
            chosen.append(best_j)
        picked[cluster.id] = [pool[j] for j in sorted(chosen)]
    report = rouge_corpus(
        ((c.id, picked[c.id], [sentence_lines(r) for r in c.summaries]) for c in clusters),
        RougeOptions(words=words),
    ).flat()
    n_words = [min(words, sum(len(s.split()) for s in v)) for v in picked.values()]
    out = {
        "clusters": len(clusters),
        "rouge1_f": report["rouge1_f"],
        "rouge2_f": report["rouge2_f"],
        "mean_words": round(sum(n_words) / max(1, len(n_words)), 1),
    }
    print("multinews ceiling", json.dumps(out), flush=True)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-duc", action="store_true")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--ceiling", type=int, default=0, help="Only the Multi-News oracle.")
    args = parser.parse_args(argv)
    if args.ceiling:
        kept = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        kept["multinews_ceiling"] = multinews_ceiling(args.ceiling)
        RESULTS.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return kept
    if not DUC2003.exists():
        raise SystemExit(f"needs {DUC2003} (../shared/data)")
    result: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "note": "CPU shared with other jobs when measured: figures are provisional",
        },
    }
    if not args.skip_demo:
        result["demo_citations"] = demo_citations()
    if not args.skip_duc:
        result["duc2003_end_to_end"] = duc_end_to_end()
    result["story_size"] = scaling([int(s) for s in args.sizes.split(",")])
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    kept = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    if "multinews_ceiling" in kept:  # measured by its own run (--ceiling)
        result["multinews_ceiling"] = kept["multinews_ceiling"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, sort_keys=True))
    return result


if __name__ == "__main__":
    main()
