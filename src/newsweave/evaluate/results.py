"""Render the quality results (``benchmarks/results/quality.json``) as the RESULTS.md tables.

The JSON is written by ``benchmarks/quality.py``; RESULTS.md is generated from it and a test
checks that the two agree, so the published numbers are always the measured ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["ANCHORS", "merge_runs", "render"]

# Published numbers for context (from ../shared/data/README.md).  They come from other splits or
# other years, so they bracket ours rather than compare one to one.
ANCHORS: dict[str, str] = {
    "duc2003": "DUC 2004 (Hong et al. 2014, recall): Lead 31.46/6.13, LexRank 36.00/7.51, "
    "best (ICSISumm) 38.44/9.81 — R-1/R-2",
    "multinews_val": "Multi-News test (Fabbri et al. 2019, F): LexRank 38.27/12.70, "
    "TextRank 38.44/13.10, MMR 38.77/11.98, Hi-MAP 43.47/14.89 — R-1/R-2, extracted from the "
    "full articles (~2,100 words a story); this split's input is cut to ~430 words, so a "
    "256-word extract takes ~60% of it and even random sentences score high",
    "duc2007_update": "DUC 2007 update: best system R-2 11.19, lead 4.54",
    "multiling2011_english": "TAC 2011 MultiLing English: best R-2 17.33, centroid 10.96",
    "msrp_train": "MSRP test split: majority-class F1 79.9, ABCNN-3 F1 84.8, BERT-large F1 89.3",
    "polnear_dev": "PolNeAR: annotator agreement 92.3% per attribution",
    "conll2003_dev": "CoNLL-2003 test F1: LSTM-CRF 90.9, BERT-large 92.8",
    "scrapinghub_dev": "full benchmark F1: trafilatura .958, readability .922, newspaper .912",
}


def merge_runs(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Runs keyed by (task, dataset, method): the new ones replace the old; sorted."""
    merged = {(r["task"], r["dataset"], r["method"]): dict(r) for r in old}
    for run in new:
        merged[(run["task"], run["dataset"], run["method"])] = dict(run)
    return [merged[k] for k in sorted(merged)]


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * float(value):.1f}"


Column = tuple[str, Callable[[Mapping[str, Any]], str]]


def _summarize_columns(run: Mapping[str, Any]) -> list[Column]:
    k = "r" if run.get("params", {}).get("measure", "recall") == "recall" else "f"
    return [
        (f"R-1 {k.upper()}", lambda r: _num(r.get(f"rouge1_{k}"))),
        (f"R-2 {k.upper()}", lambda r: _num(r.get(f"rouge2_{k}"))),
        (f"R-SU4 {k.upper()}", lambda r: _num(r.get(f"rougeSU4_{k}"))),
        (f"R-L {k.upper()}", lambda r: _num(r.get(f"rougeL_{k}"))),
    ]


COLUMNS: dict[str, Callable[[Mapping[str, Any]], list[Column]]] = {
    "summarize": _summarize_columns,
    "cluster": lambda _: [
        ("B³ P", lambda r: _pct(r["bcubed_p"])),
        ("B³ R", lambda r: _pct(r["bcubed_r"])),
        ("B³ F1", lambda r: _pct(r["bcubed_f1"])),
        ("pair F1", lambda r: _pct(r["pairwise_f1"])),
        ("ARI", lambda r: _pct(r["ari"])),
        ("NMI", lambda r: _pct(r["nmi"])),
        ("clusters (gold)", lambda r: f"{r['n_pred']} ({r['n_gold']})"),
    ],
    "pairs": lambda _: [
        ("acc", lambda r: _pct(r["accuracy"])),
        ("P", lambda r: _pct(r["precision"])),
        ("R", lambda r: _pct(r["recall"])),
        ("F1", lambda r: _pct(r["f1"])),
        ("AUC", lambda r: _pct(r["auc"])),
        ("threshold", lambda r: _num(r["threshold"], 3)),
    ],
    "quotes": lambda _: [
        ("direct overlap F1", lambda r: _pct(r["direct_overlap_f1"])),
        ("direct exact F1", lambda r: _pct(r["direct_exact_f1"])),
        ("all overlap F1", lambda r: _pct(r["all_overlap_f1"])),
        ("speaker F1", lambda r: _pct(r["speaker_f1"])),
        ("speaker acc", lambda r: _pct(r.get("speaker_accuracy"))),
    ],
    "ner": lambda _: [
        ("F1", lambda r: _pct(r["f1"])),
        ("PER", lambda r: _pct(r["f1_PER"])),
        ("ORG", lambda r: _pct(r["f1_ORG"])),
        ("LOC", lambda r: _pct(r["f1_LOC"])),
        ("MISC", lambda r: _pct(r["f1_MISC"])),
    ],
    "extract": lambda _: [
        ("P", lambda r: _num(r["precision"], 3)),
        ("R", lambda r: _num(r["recall"], 3)),
        ("F1", lambda r: _num(r["f1"], 3)),
    ],
}

TITLES = {
    "summarize": "Multi-document summarization (ROUGE-1.5.5, ×100)",
    "cluster": "Story clustering (×100)",
    "pairs": "Same-content pairs (×100; threshold never tuned on the scored labels)",
    "quotes": "Quotes and speakers (×100)",
    "ner": "Named entities (exact match, ×100)",
    "extract": "Article text extraction (word 4-grams)",
}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _notes(run: Mapping[str, Any]) -> str:
    params = run.get("params", {})
    bits = []
    for key in ("protocol", "words", "limit", "threshold", "tuned_on"):
        if params.get(key) is not None and key != "threshold":
            bits.append(f"{key} {params[key]}")
    for key in (
        "threshold_source",
        "in_two_gold_clusters",
        "duplicates_dropped",
        "skipped",
        "failed",
        "missing",
    ):
        if run.get(key):
            bits.append(f"{key.replace('_', ' ')} {run[key]}")
    return "; ".join(bits)


def _task_section(task: str, runs: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [f"## {TITLES.get(task, task)}", ""]
    by_dataset: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        by_dataset.setdefault(run["dataset"], []).append(run)
    for dataset, group in sorted(by_dataset.items()):
        group = sorted(group, key=lambda r: (bool(r.get("baseline")), r["method"]))
        columns = COLUMNS[task](group[0])
        lines.append(f"**{dataset}** — {group[0]['n']} items")
        if dataset in ANCHORS:
            lines.append(f"(published: {ANCHORS[dataset]})")
        lines.append("")
        header = ["method", *[c[0] for c in columns], "seconds", "notes"]
        rows = []
        for run in group:
            name = run["method"] if run.get("baseline") else f"**{run['method']}**"
            rows.append(
                [name, *[f(run) for _, f in columns], _num(run.get("seconds"), 1), _notes(run)]
            )
        lines += _table(header, rows)
        lines.append("")
    return lines


def _reproduction(repro: Mapping[str, Any]) -> list[str]:
    lines = [
        "## ROUGE check: the published DUC 2004 table, recomputed",
        "",
        f"`newsweave eval rouge mds/duc2004_references.jsonl mds/duc2004_peer_summaries.jsonl "
        f"--words 100` (ROUGE-1.5.5 {repro['options']}), recall ×100.  Google's rouge-score "
        "comes out about 0.4 lower on R-1 because ROUGE-1.5.5's `-m` looks each word up in the "
        "WordNet 2.0 exception list (said → say, children → child) before Porter-stemming it; "
        "newsweave's ROUGE does the same, and also keeps ROUGE's own Porter variant, its "
        "whitespace word count for `-l`, its pooling of several references (`-f A`) and its "
        "bootstrap average.",
        "",
    ]

    def delta(ours: float, published: float | None) -> str:
        if published is None:
            return "–"
        diff = round(round(ours, 2) - published, 2)
        return f"{diff:+.2f}" if diff else "0.00"

    rows = []
    for s in repro["systems"]:
        rows.append(
            [
                s["system"],
                _num(s["published_r1"]),
                _num(s["rouge1_r"]),
                delta(s["rouge1_r"], s["published_r1"]),
                _num(s["published_r2"]),
                _num(s["rouge2_r"]),
                delta(s["rouge2_r"], s["published_r2"]),
            ]
        )
    header = ["system", "R-1 published", "R-1 ours", "Δ", "R-2 published", "R-2 ours", "Δ"]
    return [*lines, *_table(header, rows), ""]


def render(results: Mapping[str, Any]) -> str:
    """RESULTS.md for ``results`` (the parsed quality.json)."""
    machine = results.get("machine", {})
    lines = [
        "# Results",
        "",
        "<!-- Generated by `python benchmarks/quality.py` from benchmarks/results/quality.json;"
        " do not edit by hand (tests/evaluate/test_results.py checks it is current). -->",
        "",
        "Quality of newsweave's stages (**bold**) beside library baselines on the development "
        "splits in `../shared/data`, one run each, scored by `newsweave eval`.  Timings are "
        f"wall-clock seconds on a shared {machine.get('cores', '?')}-core machine "
        f"(Python {machine.get('python', '?')}) and only indicative.",
        "",
    ]
    if "rouge_reproduction" in results:
        lines += _reproduction(results["rouge_reproduction"])
    runs = results.get("runs", [])
    for task in COLUMNS:
        task_runs = [r for r in runs if r["task"] == task]
        if task_runs:
            lines += _task_section(task, task_runs)
        else:
            lines += [f"## {TITLES[task]}", "", "No method registered for this task yet.", ""]
    return "\n".join(lines).rstrip() + "\n"
