"""Where Multi-News summaries stand: how much of the reference the input holds, and what words
left out of the summary are worth.

ROUGE F rewards a word only when the reference holds it and the summary does not already hold
it as often.  On this Multi-News split each story's input is cut to ~430 words, so a 256-word
summary takes ~60% of it.  For the summaries ``newsweave eval summarize`` scores (the
``newsweave-lexical`` options, or ``--embedder``), per corpus, with ROUGE's tokens (stemmed,
stopwords kept, summaries cut at the protocol's budget):

- ``input_recall``: share of the reference's tokens the whole input holds (clipped counts): the
  recall no extract of any length can pass;
- ``summary_recall`` and ``summary_precision`` (clipped unigram counts, no jackknife: close to,
  not equal to, ROUGE-1);
- ``left_out_match_rate``: of the input tokens the summary left out, the share that would add a
  reference token the summary lacks, counting each missing reference token once (the best case
  for anything that swaps summary words for left-out words: compression, clean-up, a different
  choice of sentences);
- ``break_even``: F / 2.  A word added to the summary raises ROUGE-1 F only if it adds a match
  with at least this probability (dF > 0 iff Δmatches / Δwords > M / (S + R) = F / 2); a word
  removed lowers F unless it matched less often than that.

When ``left_out_match_rate`` is at or below ``break_even``, words freed by compressing sentences
can only buy words worth no more than the ones removed, on average: what moves F is choosing
*which* input words to keep, not fitting more of them.

    python benchmarks/summarize_headroom.py [--multinews 500] [--start 0] [--embedder hashing]

Prints the figures and writes ``benchmarks/results/summarize_headroom.json`` (or ``--out``).

Finding (November 2026, all 5,622 Multi-News validation clusters, hashing embedder, load ~1.0):
the input holds 62.0% of the reference's tokens, the 256-word summary 48.2% (precision 42.7%);
the 181 input tokens a story's summary leaves out match at 17.1%, below the break-even 22.6%.
So on this split F sits at its length optimum: measured the same month on clusters 0-499,
compressions that free words (trailing attributions, appositives, relative clauses, leading
time phrases, lower-cased datelines; :mod:`newsweave.summarize.trim`), a typographic clean-up
that gives tokenizer-split marks back to their words (3.5 fewer budget words a story), splitting
run-on "sentences" of more than ``max_words`` words, and weighing nothing a story says once
(summaries stop at 223 words instead of 249) each moved ROUGE-1 F by -0.03 to +0.03, except
the run-on split: +0.17 there, -0.03 on clusters 500-999.  What moved it
most was leaving out documents the corpus's own relevance flags mark off topic (+0.70 R-1,
+0.80 R-2 on clusters 0-499, a ceiling that reads the labels); a third of those documents are
web furniture, which :data:`newsweave.summarize.core._BOILERPLATE` now catches in part.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from newsweave.evaluate.datasets import read_mds
from newsweave.evaluate.harness import PROTOCOLS
from newsweave.evaluate.rouge import RougeOptions
from newsweave.evaluate.rouge import tokens as rouge_tokens
from newsweave.segment import segment_article
from newsweave.summarize import SummarizeOptions, summarize_story

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "summarize_headroom.json"
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def headroom(start: int, limit: int, embedder: str) -> dict[str, Any]:
    """The figures above for Multi-News validation clusters ``start`` to ``start + limit``."""
    protocol = PROTOCOLS["multinews"]
    options = SummarizeOptions(words=protocol.words, embedder=embedder, fill=True)
    cut = RougeOptions(words=protocol.words)
    whole = RougeOptions(words=0)
    records = read_mds(DATA / "mds" / "multinews_val.jsonl").records[start : start + limit]
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    for cluster in records:
        reference: Counter[str] = Counter()
        for text in cluster.summaries:  # pooled, as ROUGE's -f A does
            reference.update(rouge_tokens(text, whole))
        sentences = [s.text for article in cluster.docs for s in segment_article(article)]
        given = Counter(rouge_tokens(sentences, whole))  # one tokenizer for the whole input
        lines = [s.text for s in summarize_story(cluster.docs, options).sentences]
        summary = Counter(rouge_tokens(lines, cut))
        matched = sum((summary & reference).values())
        available = sum((given & reference).values())
        totals["reference"] += sum(reference.values())
        totals["input"] += sum(given.values())
        totals["summary"] += sum(summary.values())
        totals["matched"] += matched
        totals["available"] += available
        # left out: what the input holds beyond the summary, and the matches it could add
        totals["left_out"] += sum((given - summary).values())
        totals["left_out_matches"] += available - sum((summary & given & reference).values())
    recall = totals["matched"] / max(1, totals["reference"])
    precision = totals["matched"] / max(1, totals["summary"])
    f = 2 * recall * precision / max(1e-12, recall + precision)
    return {
        "clusters": len(records),
        "start": start,
        "embedder": embedder,
        "words": protocol.words,
        "input_recall": round(totals["available"] / max(1, totals["reference"]), 4),
        "summary_recall": round(recall, 4),
        "summary_precision": round(precision, 4),
        "summary_f": round(f, 4),
        "left_out_match_rate": round(totals["left_out_matches"] / max(1, totals["left_out"]), 4),
        "break_even": round(f / 2, 4),
        "tokens_per_story": {
            k: round(v / max(1, len(records)), 1)
            for k, v in sorted(totals.items())
            if k in ("reference", "input", "summary", "left_out")
        },
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multinews", type=int, default=500, help="clusters to measure")
    parser.add_argument("--start", type=int, default=0, help="first cluster")
    parser.add_argument("--embedder", default="hashing")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    args = parser.parse_args(argv)
    result = headroom(args.start, args.multinews, args.embedder)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
