"""Engine benchmark: the run plan on the local engine and on Spark local[2], speed and answers.

1. **Scale**: invented news (``benchmarks/newsgen.py``: stories with planted copies, gold
   known) at ``--articles`` (100,000) run by both engines, each in a fresh process: wall time,
   CPU seconds (steadier than wall time on a shared machine) and the load average around the
   run, articles/s, peak memory of the whole process tree (Spark: driver, JVM and Python
   workers), planted-copy recall (by the rule of ``benchmarks/reuse.py``) and story B-cubed F1
   against the gold.
2. **Growth**: both engines on the first 10,000 and 30,000 of those articles too: CPU time per
   article stays flat when no step compares all pairs.
3. **Equivalence**: both engines on the demo corpus and on ``--multinews`` (5,000) Multi-News
   validation articles: the same articles and sentences, and (once the plan has them) the same
   copy links and stories (pairwise agreement of the two story partitions).

Prints the figures and writes ``benchmarks/results/engines.json``.  On a shared machine the
timings are provisional (the load average is recorded with them).

    python benchmarks/engines.py [--articles 100000] [--growth 10000,30000] [--multinews 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsgen import generate, write_jsonl
from newsweave.engines.load import read_table
from newsweave.evaluate.metrics import cluster_scores

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "engines.json"
MULTINEWS = ROOT.parent / "shared" / "data" / "clustering" / "multinews_val_articles.jsonl"
DEMO = ROOT / "examples" / "demo"
SHARDS = 16  # input files of the generated corpus (a crawl comes as many files)
SPARK_MASTER = "local[2]"
ARTICLES_PER_PARTITION = 4_000  # Spark partitions grow with the corpus: a task's groups fit memory
SAMPLE_S = 0.25  # how often the memory of the process tree is read
# Every run: reuse links and clustered stories; no summaries (the per-story summarizer and quote
# stage are not what this benchmark is about, and tests/engines checks them for equality).
RUN_OPTIONS: dict[str, Any] = {"stories": "cluster", "summaries": False}


# --- one run in a fresh process, its memory watched -------------------------------------------


def _tree(root: int) -> dict[int, tuple[int, float]]:
    """Resident bytes and CPU seconds of ``root`` and every process below it (Linux /proc)."""
    parents: dict[int, int] = {}
    usage: dict[int, tuple[int, float]] = {}
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            cpu = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            usage[int(entry)] = (int(fields[21]) * page, cpu)
        except (OSError, IndexError, ValueError):
            continue
    found: dict[int, tuple[int, float]] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in usage:
            found[pid] = usage[pid]
        stack.extend(p for p, parent in parents.items() if parent == pid)
    return found


def measured_run(
    engine: str, inputs: Sequence[str], output: Path, partitions: int
) -> dict[str, Any]:
    """Run the plan in a child process; its report, wall seconds and peak tree memory."""
    argv = [sys.executable, __file__, "child", engine, str(output), str(partitions), *inputs]
    load_before = os.getloadavg()
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}  # last CPU seconds seen per process of the tree
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            tree = _tree(child.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            for pid, (_, seconds) in tree.items():
                cpu[pid] = max(cpu.get(pid, 0.0), seconds)
            done.wait(SAMPLE_S)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = child.communicate()
    done.set()
    watcher.join()
    wall = time.perf_counter() - started
    total_cpu = sum(cpu.values())  # up to the last sample of each process
    if child.returncode != 0:
        raise RuntimeError(f"{engine} run failed:\n{err[-3000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "engine": engine,
        "wall_s": round(wall, 1),
        "run_s": report["seconds"],  # inside the plan, without interpreter/JVM start-up
        "articles": report["articles"],
        "articles_per_s": round(report["articles"] / wall, 1),
        "cpu_s": round(total_cpu, 1),  # steadier than wall time on a shared machine
        "articles_per_cpu_s": round(report["articles"] / total_cpu, 1) if total_cpu else None,
        "peak_memory_mb": round(peak / 2**20),
        "partitions": partitions if engine == "spark" else None,
        # 1-minute load average when the run started and ended (2 cores: above 2 is contention)
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "report": report,
    }


def child(argv: list[str]) -> None:
    engine_name, output, partitions, *inputs = argv
    from newsweave.engines.plan import RunOptions, run
    from newsweave.reuse import ReuseOptions

    if engine_name == "spark":
        from newsweave.engines.spark import SparkEngine

        engine: Any = SparkEngine(SPARK_MASTER, partitions=int(partitions))
    else:
        from newsweave.engines.local import LocalEngine

        engine = LocalEngine()
    try:
        report = run(engine, inputs, output, RunOptions(**RUN_OPTIONS, reuse=ReuseOptions()))
    finally:
        engine.close()
    print(json.dumps(report.to_dict()))


# --- quality and agreement ----------------------------------------------------------------------


def _ids_by_record(folder: Path) -> dict[str, str]:
    """Article id by input record id (``external_id``)."""
    table = read_table(folder, "articles")
    assert table is not None
    return dict(zip(table["external_id"].to_pylist(), table["id"].to_pylist(), strict=True))


def _links(folder: Path) -> set[frozenset[str]] | None:
    table = read_table(folder, "reuse_links")
    if table is None:
        return None
    pairs = zip(table["source_id"].to_pylist(), table["target_id"].to_pylist(), strict=True)
    return {frozenset(p) for p in pairs}


def _stories(folder: Path) -> dict[str, str] | None:
    table = read_table(folder, "stories")
    if table is None:
        return None
    return {
        article: story
        for story, members in zip(
            table["id"].to_pylist(), table["article_ids"].to_pylist(), strict=True
        )
        for article in members
    }


def copy_finder(
    folder: Path,
    ids: dict[str, str],
    links: set[frozenset[str]],
    copies: Sequence[tuple[str, str, str]],
) -> Callable[[str, str], bool]:
    """Whether a planted copy was found, by the rule of ``benchmarks/reuse.py``: the copy is
    linked to its source, to an article its source copied (a copy of a copy), or to an exact
    duplicate of either.  Text alone cannot tell those apart: of several identical texts the
    reuse stage links the earliest, and a copy of a copy shares its text with the first source.
    """
    table = read_table(folder, "articles")
    assert table is not None
    group = dict(zip(table["id"].to_pylist(), table["text_hash"].to_pylist(), strict=True))
    linked = {frozenset(group.get(x, x) for x in pair) for pair in links}
    parent = {target: source for source, target, _ in copies}

    def is_found(source: str | None, copy: str) -> bool:
        mine = group.get(ids.get(copy, ""), "")
        while source is not None and mine:
            if frozenset((group.get(ids.get(source, ""), ""), mine)) in linked:
                return True
            source = parent.get(source)
        return False

    return is_found


def quality(
    folder: Path, gold_story: dict[str, int], copies: Sequence[tuple[str, str, str]]
) -> dict[str, Any]:
    """Planted-copy recall and story B-cubed F1, where the run has links and stories."""
    ids = _ids_by_record(folder)
    out: dict[str, Any] = {}
    links = _links(folder)
    if links is None:
        out["planted_copy_recall"] = "not measured: the plan has no reuse step yet"
    else:
        found: dict[str, list[bool]] = {}
        is_found = copy_finder(folder, ids, links, copies)
        for source, target, kind in copies:
            found.setdefault(kind, []).append(is_found(source, target))
        every = [x for hits in found.values() for x in hits]
        out["planted_copy_recall"] = round(sum(every) / len(every), 4)
        out["planted_copy_recall_by_kind"] = {
            k: round(sum(v) / len(v), 4) for k, v in found.items()
        }
    stories = _stories(folder)
    if stories is None:
        out["story_bcubed_f1"] = "not measured: the plan has no story step yet"
    else:
        records = [r for r in gold_story if r in ids]
        gold: list[Hashable] = [gold_story[r] for r in records]
        predicted: list[Hashable] = [stories.get(ids[r], ids[r]) for r in records]
        scores = cluster_scores(gold, predicted)
        out["story_bcubed_f1"] = round(scores.bcubed_f1, 4)
        out["story_bcubed_p"] = round(scores.bcubed_p, 4)
        out["story_bcubed_r"] = round(scores.bcubed_r, 4)
    return out


def agreement(local: Path, spark: Path) -> dict[str, Any]:
    """How far two runs of the same input agree, table by table."""
    out: dict[str, Any] = {}
    for name, key in (("articles", "id"), ("sentences", None)):
        a, b = read_table(local, name), read_table(spark, name)
        assert a is not None and b is not None
        if key is None:
            rows_a = {json.dumps(r, sort_keys=True) for r in a.to_pylist()}
            rows_b = {json.dumps(r, sort_keys=True) for r in b.to_pylist()}
        else:  # articles: every field but where each was read from
            rows_a = {json.dumps({**r, "origin": None}, sort_keys=True) for r in a.to_pylist()}
            rows_b = {json.dumps({**r, "origin": None}, sort_keys=True) for r in b.to_pylist()}
        out[name] = {"local": len(rows_a), "spark": len(rows_b), "differ": len(rows_a ^ rows_b)}
    for name in ("reuse_links", "stories"):  # every field of every row
        a, b = read_table(local, name), read_table(spark, name)
        if a is not None and b is not None:
            rows_a = {json.dumps(r, sort_keys=True) for r in a.to_pylist()}
            rows_b = {json.dumps(r, sort_keys=True) for r in b.to_pylist()}
            out[name] = {"local": len(rows_a), "spark": len(rows_b), "differ": len(rows_a ^ rows_b)}
    stories_a, stories_b = _stories(local), _stories(spark)
    if stories_a is not None and stories_b is not None:
        articles = sorted(set(stories_a) | set(stories_b))
        scores = cluster_scores(
            [stories_a.get(x, x) for x in articles], [stories_b.get(x, x) for x in articles]
        )
        out["stories"] |= {
            "pairwise_agreement": round(scores.pairwise_f1, 6),
            "articles_in_other_stories": sum(
                1 for x in articles if stories_a.get(x) is None or stories_b.get(x) is None
            ),
        }
    return out


def against_the_stages(folder: Path) -> dict[str, Any]:
    """The run's links and stories beside the reuse and cluster stages called once on all of
    its articles, in this process (what the plan computes step by step, or by blocks)."""
    from newsweave.cluster import cluster_articles
    from newsweave.engines.plan import DEFAULT_CLUSTER
    from newsweave.engines.tables import from_row
    from newsweave.model import Article, ReuseKind, ReuseLink, Sentence, to_dict
    from newsweave.reuse import ReuseOptions, detect_reuse

    articles_table, sentences_table = (
        read_table(folder, "articles"),
        read_table(folder, "sentences"),
    )
    links_table = read_table(folder, "reuse_links")
    assert articles_table is not None and sentences_table is not None and links_table is not None
    articles = [from_row(Article, r) for r in articles_table.to_pylist()]
    sentences: dict[str, list[Sentence]] = {}
    for row in sentences_table.to_pylist():
        sentences.setdefault(row["article_id"], []).append(from_row(Sentence, row))
    for found in sentences.values():
        found.sort(key=lambda x: x.index)
    started = time.perf_counter()
    expected = detect_reuse(articles, ReuseOptions(), sentences)
    reuse_s = time.perf_counter() - started
    links = [from_row(ReuseLink, r) for r in links_table.to_pylist()]
    rows_a = {json.dumps(to_dict(k), sort_keys=True) for k in links}
    rows_b = {json.dumps(to_dict(k), sort_keys=True) for k in expected}
    copies = [(k.source_id, k.target_id) for k in links if k.kind is not ReuseKind.PASSAGE]
    started = time.perf_counter()
    stories = cluster_articles(articles, DEFAULT_CLUSTER, must_link=copies)
    cluster_s = time.perf_counter() - started
    planned = _stories(folder) or {}
    whole = {a: s.id for s in stories for a in s.article_ids}
    ids = sorted(whole)
    scores = cluster_scores([whole[x] for x in ids], [planned.get(x, x) for x in ids])
    return {
        "reuse_links": {
            "plan": len(rows_a),
            "detect_reuse": len(rows_b),
            "differ": len(rows_a ^ rows_b),
        },
        "detect_reuse_s": round(reuse_s, 1),
        "stories": {
            "plan": len(set(planned.values())),
            "cluster_articles": len(stories),
            "pairwise_agreement": round(scores.pairwise_f1, 6),
            "bcubed_f1": round(scores.bcubed_f1, 6),
        },
        "cluster_articles_s": round(cluster_s, 1),
    }


def equivalence(
    work: Path, multinews: int, partitions: int, save: Callable[[], None]
) -> dict[str, Any]:
    """Both engines on the demo corpus and the first ``multinews`` Multi-News articles."""
    inputs = {"demo": [str(DEMO)]}
    out: dict[str, Any] = {}
    if multinews and MULTINEWS.exists():
        sample = work / "multinews" / "multinews_val_sample.jsonl"
        sample.parent.mkdir()
        with MULTINEWS.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
            for _, line in zip(range(multinews), src, strict=False):
                dst.write(line)
        inputs[f"multinews_{multinews}"] = [str(sample)]
    elif multinews:
        out["note"] = f"{MULTINEWS} absent: Multi-News check skipped"
    for name, paths in inputs.items():
        local_out, spark_out = work / f"eq-local-{name}", work / f"eq-spark-{name}"
        local = measured_run("local", paths, local_out, partitions)
        spark = measured_run("spark", paths, spark_out, partitions)
        out[name] = agreement(local_out, spark_out)
        out[name]["wall_s"] = {"local": local["wall_s"], "spark": spark["wall_s"]}
        out[name]["against_the_stages"] = against_the_stages(local_out)
        print(f"equivalence {name}: {out[name]}", flush=True)
        save()
    return out


def _commit() -> str:
    """The commit the benchmark runs at (``+`` when files other than results have changes)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/results"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head + ("+" if dirty else "")


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "note": "CPU shared with other jobs when measured: timings are provisional",
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--growth", default="10000,30000", help="smaller Spark sizes")
    parser.add_argument("--multinews", type=int, default=5_000)
    parser.add_argument(
        "--partitions",
        type=int,
        default=0,
        help="Spark partitions per shuffle (default: 8, or one per 4,000 articles if more)",
    )
    parser.add_argument("--skip-local", action="store_true", help="Spark runs only")
    parser.add_argument(
        "--fresh-scale", action="store_true", help="drop the scale rows of earlier runs"
    )
    parser.add_argument(
        "--stages-up-to",
        type=int,
        default=10_000,
        help="compare the local run with the stages called once up to this many articles",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--sections",
        default="scale,equivalence",
        help="what to run: scale (with growth), equivalence; the JSON keeps the other's figures",
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="KEY=TEXT",
        help="record (or with an empty TEXT, drop) a note on how the figures were measured",
    )
    args = parser.parse_args(argv)
    sections = set(args.sections.split(",")) - {"", "none"}
    results: dict[str, Any] = {}
    if args.output.exists():  # a section run alone keeps what the other one measured
        results = json.loads(args.output.read_text(encoding="utf-8"))
    if sections:  # notes alone leave the machine's figures as they were measured
        results.update({"machine": _machine(), "spark_master": SPARK_MASTER, "run": RUN_OPTIONS})
    for note in args.note:
        key, _, text = note.partition("=")
        if not key.endswith("_note"):
            parser.error(f"--note {key}: notes are named *_note")
        if text:
            results[key] = text
        else:
            results.pop(key, None)

    def save() -> None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    growth = sorted({int(n) for n in args.growth.split(",") if n} | {args.articles})
    with tempfile.TemporaryDirectory(prefix="newsweave-bench-") as tmp:
        work = Path(tmp)
        if "equivalence" in sections:
            results["equivalence"] = equivalence(work, args.multinews, args.partitions or 8, save)
            results.pop("equivalence_note", None)
        if "scale" not in sections:
            save()
            print(f"wrote {args.output}")
            return results
        corpus = generate(max(growth))
        results["corpus"] = {
            "articles": len(corpus.records),
            "stories": len(set(corpus.story_of.values())),
            "planted_copies": len(corpus.copies),
            "mean_chars": round(sum(len(r["text"]) for r in corpus.records) / len(corpus.records)),
        }
        print(f"corpus: {results['corpus']}", flush=True)

        # 1 and 2: scale and growth (rows of other sizes measured earlier are kept, each with
        # the commit it was measured at, unless --fresh-scale)
        scale: dict[str, Any] = {} if args.fresh_scale else dict(results.get("scale", {}))
        commit = _commit()
        for n in growth:
            subset = type(corpus)(corpus.records[:n], corpus.story_of, corpus.copies)
            folder = work / f"in-{n}"
            write_jsonl(subset, folder, SHARDS)
            kept = {r["id"] for r in subset.records}
            copies = [c for c in corpus.copies if c[0] in kept and c[1] in kept]
            gold = {r: s for r, s in corpus.story_of.items() if r in kept}
            engines = ["spark"] if args.skip_local else ["local", "spark"]
            partitions = args.partitions or max(8, n // ARTICLES_PER_PARTITION)
            for engine in engines:
                out = work / f"out-{engine}-{n}"
                row = measured_run(engine, [str(folder)], out, partitions)
                row.update(quality(out, gold, copies))
                row.pop("report")
                row["commit"] = commit
                if engine == "local" and n <= args.stages_up_to:
                    # the plan's links and stories beside the stages called once, in this process
                    row["against_the_stages"] = against_the_stages(out)
                scale.setdefault(str(n), {})[engine] = row
                print(f"{n} articles, {engine}: {row}", flush=True)
                results["scale"] = scale
                save()
            if len(engines) == 2:  # the same links and stories from both engines
                both = agreement(work / f"out-local-{n}", work / f"out-spark-{n}")
                scale[str(n)]["agreement"] = both
                print(f"{n} articles, agreement: {both}", flush=True)
                save()
        results["scale"] = scale
        for engine in ("local", "spark"):
            rows = sorted((int(n), r[engine]) for n, r in scale.items() if engine in r)
            results[f"{engine}_growth"] = [
                {
                    "articles": n,
                    "wall_s": r["wall_s"],
                    "cpu_s": r["cpu_s"],
                    "cpu_ms_per_article": round(1000 * r["cpu_s"] / n, 2),
                    "load_average": r["load_average"],
                }
                for n, r in rows
            ]

    save()
    print(f"wrote {args.output}")
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2:])
    else:
        main()
