"""Spinning benchmark: are spun copies of real articles found, and same-event articles left apart?

For each data set, every real article gets a spun copy (``benchmarks/spinner.py``: WordNet
synonyms, country-name variants, number formats, clause swaps) at each rate of content words
replaced; the originals and their copies go through ``detect_reuse`` together.  Measured:

- **copy recall**: share of spun copies linked to their original, or to an exact or
  near-duplicate of it (``copy_recall_strict``: to the original itself);
- **passage recall**: share of the originals' sentences aligned to a sentence of their copy;
- **cross-article links**: pairs of *different* original articles of the same event (ECB+
  ``cluster``, Multi-News story, DUC cluster) joined by a link, directly or through one's spun
  copy, over all such pairs; and the same across events.  Many are genuine: same-event articles
  often reprint one wire story (ECB+ and DUC are full of AP copy).  A link is *backed* when the
  two originals share a run of ``BACKED_RUN`` identical words; the **false link rate** is the
  share of same-event pairs joined by an unbacked link.  Links are listed, by id, for reading by
  hand — ``--show N`` prints the passages of the first N unbacked ones;
- **stray links**: a spun copy linked to an original other than its own;

The tuning set is ECB+ *train*; ECB+ dev, DUC 2003 and Multi-News validation are reported.

    python benchmarks/spin.py                                # lexical scorer, all sets
    python benchmarks/spin.py --sets ecb_dev --embedder minilm --rates 0.3
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import os
import platform
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsweave.embed import get_embedder
from newsweave.model import Article, ReuseKind, ReuseLink, Sentence, stable_id
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.segment import segment_article, words
from spinner import spin, wordnet_available

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSWEAVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results" / "spin.json"
RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
SETS = {
    "ecb_train": "clustering/ecbplus_train.jsonl",
    "ecb_dev": "clustering/ecbplus_dev.jsonl",
    "duc2003": "clustering/duc2003_articles.jsonl",
    "multinews": "clustering/multinews_val_articles.jsonl",
}
TARGET_RECALL = 0.95  # at 30% replaced
TARGET_FALSE = 0.01  # same-event false link rate
# A link between two different originals is *backed* when their texts share a run of at least
# this many identical words (lower-cased): wire copy both reprinted, a press release, a long
# common quotation.  Links without such a run are the false copy links.  Ten words is longer than
# a stock phrase ("said in a statement on ...") and shorter than any copied sentence.
BACKED_RUN = 10

log = logging.getLogger("spin")


@dataclass(frozen=True)
class Item:
    article: Article
    event: str
    topic: str


def load(name: str, limit_events: int | None) -> list[Item]:
    path = DATA / SETS[name]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing (../shared/data)")
    items: list[Item] = []
    events: list[str] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            event = str(row["cluster"])
            if event not in events:
                if limit_events is not None and len(events) >= limit_events:
                    continue
                events.append(event)
            text = row["text"].strip()
            if not text or text in seen:
                continue  # a text given twice (Multi-News repeats crawl notes) has no one original
            seen.add(text)
            article = Article.build(
                text,
                title=row.get("title") or "",
                source=f"{name}:{row['id']}",
                external_id=row["id"],
            )
            items.append(Item(article, event, str(row.get("topic", event))))
    return items


def spun_copy(item: Item, rate: float) -> tuple[Article, float]:
    seed = int(stable_id("spin", item.article.id, f"{rate:.2f}")[:8], 16)
    result = spin(item.article.text, rate, seed=seed)
    copy = Article.build(
        result.text,
        title=item.article.title,
        source=f"spun:{item.article.source}",
        external_id=f"{item.article.external_id}~{rate:.2f}",
    )
    return copy, result.rate


def run_rate(
    items: Sequence[Item],
    rate: float,
    options: ReuseOptions,
    examples: int,
    sentences: dict[str, list[Sentence]],
    show: int = 0,
) -> dict[str, Any]:
    copies = [spun_copy(item, rate) for item in items]
    originals = [item.article for item in items]
    corpus = originals + [c for c, _ in copies]
    for copy, _ in copies:
        sentences.setdefault(copy.id, segment_article(copy))
    started = time.perf_counter()
    links = detect_reuse(corpus, options, sentences)
    seconds = time.perf_counter() - started
    by_pair: dict[frozenset[str], ReuseLink] = {
        frozenset((link.source_id, link.target_id)): link for link in links
    }
    # Originals that are copies of each other (exact or near-duplicate links, transitively):
    # a spun copy linked to any of them was found (which of two near-identical articles the
    # spinner used cannot be told from the text when the copy carries nothing only one has).
    twins = _near_duplicate_groups(links, {item.article.id for item in items})
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        neighbours[link.source_id].add(link.target_id)
        neighbours[link.target_id].add(link.source_id)
    found = found_in_group = 0
    aligned = total_sentences = 0
    for item, (copy, _) in zip(items, copies, strict=True):
        link = by_pair.get(frozenset((item.article.id, copy.id)))
        n = max(1, len(sentences[item.article.id]))
        total_sentences += n
        if link is not None or neighbours[copy.id] & twins.get(item.article.id, set()):
            found_in_group += 1
        if link is not None:
            found += 1
            starts = [x.start for x in sentences[item.article.id]]
            side = {
                bisect.bisect_right(
                    starts, (p.source if link.source_id == item.article.id else p.target).start
                )
                for p in link.passages
            }
            aligned += min(n, len(side))
    # Each link joins two articles; map spun copies to their originals.  A link whose two
    # originals differ is a link between different articles (directly, or through a copy).
    info = {item.article.id: item for item in items}
    original = {item.article.id: item for item in items}
    original.update({copy.id: item for item, (copy, _) in zip(items, copies, strict=True)})
    same_event_pairs = sum(n * (n - 1) // 2 for n in _counts(item.event for item in items).values())
    crossed: dict[frozenset[str], ReuseLink] = {}
    for link in links:
        x, y = original[link.source_id], original[link.target_id]
        if x.article.id != y.article.id:
            crossed.setdefault(frozenset((x.article.id, y.article.id)), link)
    false_same = []
    unbacked_same: list[dict[str, Any]] = []
    false_other = unbacked_other = 0
    for key, link in sorted(crossed.items(), key=lambda kv: sorted(kv[0])):
        x, y = (info[k] for k in sorted(key))
        run = longest_shared_run(x.article.text, y.article.text)
        if x.event == y.event:
            described = _describe(link, x.article, y.article) | {"longest_shared_run": run}
            false_same.append(described)
            if run < BACKED_RUN:
                unbacked_same.append(described)
                if len(unbacked_same) <= show:
                    _show(link, {a.id: a for a in corpus})
        else:
            false_other += 1
            unbacked_other += run < BACKED_RUN
    stray = sum(
        1
        for link in links
        if (link.source_id in info) != (link.target_id in info)
        and original[link.source_id].article.id != original[link.target_id].article.id
    )
    return {
        "rate": rate,
        "achieved_rate": round(sum(r for _, r in copies) / len(copies), 4) if copies else 0.0,
        "articles": len(corpus),
        "copy_recall": round(found_in_group / len(items), 4) if items else 0.0,
        "copy_recall_strict": round(found / len(items), 4) if items else 0.0,
        "passage_recall": round(aligned / total_sentences, 4) if total_sentences else 0.0,
        "same_event_pairs": same_event_pairs,
        "cross_same_event_links": len(false_same),
        "cross_same_event_rate": round(len(false_same) / same_event_pairs, 4)
        if same_event_pairs
        else 0.0,
        "cross_same_event_unbacked": len(unbacked_same),
        "false_link_rate": round(len(unbacked_same) / same_event_pairs, 4)
        if same_event_pairs
        else 0.0,
        "cross_other_event_links": false_other,
        "cross_other_event_unbacked": unbacked_other,
        "stray_links": stray,
        "seconds": round(seconds, 2),
        "cross_examples": false_same[:examples],
        "unbacked_examples": unbacked_same[:examples],
    }


def longest_shared_run(a: str, b: str) -> int:
    """Length in words of the longest run of identical (lower-cased) words of ``a`` and ``b``."""
    wa, wb = words(a), words(b)

    def shares(n: int) -> bool:
        grams = {tuple(wa[i : i + n]) for i in range(len(wa) - n + 1)}
        return any(tuple(wb[i : i + n]) in grams for i in range(len(wb) - n + 1))

    low, high = 0, min(len(wa), len(wb))
    while low < high:  # the largest n with a shared n-gram (shares() is monotone in n)
        mid = (low + high + 1) // 2
        if shares(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _counts(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return out


def _describe(link: ReuseLink, a: Article, b: Article) -> dict[str, Any]:
    passage = link.passages[0] if link.passages else None
    return {
        "a": a.external_id,
        "b": b.external_id,
        "kind": link.kind.value,
        "score": link.score,
        "passages": len(link.passages),
        "first_passage_score": passage.score if passage else None,
    }


def _near_duplicate_groups(links: Sequence[ReuseLink], originals: set[str]) -> dict[str, set[str]]:
    """Each original with the originals it is an exact or near-duplicate of (transitively)."""
    parent = {a: a for a in originals}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        if (
            link.kind in (ReuseKind.EXACT, ReuseKind.NEAR_DUPLICATE)
            and {
                link.source_id,
                link.target_id,
            }
            <= originals
        ):
            parent[find(link.source_id)] = find(link.target_id)
    groups: dict[str, set[str]] = defaultdict(set)
    for a in originals:
        groups[find(a)].add(a)
    return {a: groups[find(a)] for a in originals}


def _show(link: ReuseLink, by_id: dict[str, Article]) -> None:
    """Print a link's passages, for reading by hand (never written to the results file)."""
    source, target = by_id[link.source_id], by_id[link.target_id]
    print(f"  -- {source.external_id} / {target.external_id}: {link.kind.value}")
    for p in link.passages[:3]:
        print(f"     {p.kind} {p.score:.2f} | {p.source.text(source)[:110]}")
        print(f"     {'':>{len(p.kind) + 5}} | {p.target.text(target)[:110]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="ecb_train,ecb_dev,duc2003,multinews")
    parser.add_argument("--rates", default=",".join(str(r) for r in RATES))
    parser.add_argument("--embedder", default="none", help="none (lexical), static, minilm")
    parser.add_argument("--multinews-events", type=int, default=1000)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--show", type=int, default=0, help="print N unbacked same-event links")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not wordnet_available():
        print("the spinner needs WordNet: pip install 'newsweave[bench]'", file=sys.stderr)
        return 2
    embedder = None if args.embedder == "none" else get_embedder(args.embedder)
    options = ReuseOptions(embedder=embedder)
    rates = [float(r) for r in args.rates.split(",")]
    results: dict[str, Any] = {
        "benchmark": "spin",
        "embedder": args.embedder,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus (shared; timings provisional)",
        "targets": {"copy_recall_at_0.3": TARGET_RECALL, "false_same_event_rate": TARGET_FALSE},
        "note": "cross_* links join different articles; read them by hand (--show) to tell "
        "genuine shared wire copy from false links",
        "sets": {},
    }
    for name in args.sets.split(","):
        limit = args.multinews_events if name == "multinews" else None
        try:
            items = load(name, limit)
        except FileNotFoundError as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        rows = []
        sentences = {item.article.id: segment_article(item.article) for item in items}
        print(f"\n{name}: {len(items)} articles, {len({i.event for i in items})} events")
        print(
            "  rate  achieved  copy-recall (strict)  passage-recall  same-event links (rate)"
            "  unbacked (false rate)  other-event  stray  seconds"
        )
        for rate in rates:
            row = run_rate(items, rate, options, args.examples, dict(sentences), args.show)
            rows.append(row)
            print(
                f"  {rate:4.2f}  {row['achieved_rate']:8.3f}  {row['copy_recall']:11.3f} "
                f"({row['copy_recall_strict']:.3f})  {row['passage_recall']:14.3f}  "
                f"{row['cross_same_event_links']:16d} ({row['cross_same_event_rate']:.4f})  "
                f"{row['cross_same_event_unbacked']:8d} ({row['false_link_rate']:.4f})  "
                f"{row['cross_other_event_links']:11d}  {row['stray_links']:5d}  "
                f"{row['seconds']:7.1f}"
            )
        results["sets"][name] = rows
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if Path(args.out).exists():
        previous = json.loads(Path(args.out).read_text(encoding="utf-8"))
    runs = previous.get("runs", {}) if isinstance(previous.get("runs"), dict) else {}
    runs[args.embedder] = results
    Path(args.out).write_text(json.dumps({"runs": runs}, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
