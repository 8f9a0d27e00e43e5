"""RESULTS.md is generated from benchmarks/results/quality.json and must match it."""

from __future__ import annotations

import json

from newsweave.evaluate.results import merge_runs, render
from tests.support import ROOT

RESULTS_JSON = ROOT / "benchmarks" / "results" / "quality.json"
RESULTS_MD = ROOT / "RESULTS.md"


def test_results_md_is_current_with_the_json() -> None:
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    assert RESULTS_MD.read_text(encoding="utf-8") == render(results), (
        "RESULTS.md is stale: regenerate it with `python benchmarks/quality.py --render`"
    )


def test_readme_links_the_results() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Results" in readme and "(RESULTS.md)" in readme


def test_every_run_in_the_json_is_complete() -> None:
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    assert results["machine"]["cores"] >= 1
    for run in results["runs"]:
        assert {"task", "dataset", "method", "n", "seconds", "params"} <= set(run)
        assert run["n"] > 0


def test_merge_replaces_runs_of_the_same_method_and_dataset() -> None:
    old = [{"task": "pairs", "dataset": "d", "method": "m", "f1": 0.1}]
    new = [{"task": "pairs", "dataset": "d", "method": "m", "f1": 0.2}]
    other = [{"task": "pairs", "dataset": "e", "method": "m", "f1": 0.3}]
    merged = merge_runs(old + other, new)
    assert [r["f1"] for r in merged] == [0.2, 0.3]


def test_render_shows_baselines_beside_newsweave() -> None:
    runs = [
        {
            "task": "pairs",
            "dataset": "msrp_train",
            "method": "newsweave",
            "baseline": False,
            "n": 10,
            "seconds": 1.0,
            "accuracy": 0.9,
            "precision": 0.9,
            "recall": 0.9,
            "f1": 0.9,
            "auc": 0.95,
            "threshold": 0.5,
            "params": {},
        },
        {
            "task": "pairs",
            "dataset": "msrp_train",
            "method": "tfidf-cosine",
            "baseline": True,
            "n": 10,
            "seconds": 0.5,
            "accuracy": 0.7,
            "precision": 0.7,
            "recall": 0.8,
            "f1": 0.75,
            "auc": None,
            "threshold": 0.4,
            "params": {},
        },
    ]
    text = render({"machine": {"cores": 2, "python": "3.11"}, "runs": runs})
    assert "| **newsweave** | 90.0 | 90.0 | 90.0 | 90.0 | 95.0 | 0.500 |" in text
    assert "| tfidf-cosine | 70.0 | 70.0 | 80.0 | 75.0 | – | 0.400 |" in text
    assert "No method registered for this task yet." in text  # the other tasks
