"""Batch and incremental clustering agree on a generated set; the ECB+ dev gate (real data)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from newsweave.cluster import ClusterOptions, StoryIndex, cluster_articles
from newsweave.evaluate.datasets import read_clustering
from newsweave.evaluate.metrics import cluster_scores
from newsweave.model import Article, Story
from tests.cluster.corpus import generated
from tests.support import shared_file, slice_hash

FLOORS = Path(__file__).resolve().parent.parent / "floors" / "cluster.json"


def _labels(articles: list[Article], stories: list[Story]) -> list[str]:
    story_of = {a: s.id for s in stories for a in s.article_ids}
    return [story_of[a.id] for a in articles]


def test_generated_stories_are_found_in_batch_and_stream() -> None:
    articles, gold = generated()
    truth = [str(gold[a.id]) for a in articles]
    batch = _labels(articles, cluster_articles(articles, ClusterOptions()))
    assert cluster_scores(truth, batch).bcubed_f1 >= 0.85
    shuffled = list(articles)
    random.Random(1).shuffle(shuffled)
    index = StoryIndex(ClusterOptions(consolidate_every=10))
    for article in shuffled:  # one at a time: each arrival sees only the articles before it
        index.add(article)
    live = [index.story_key(a.id) for a in articles]
    # Live keys between consolidations: an arrival only rescores its own pairs (the partners it
    # displaced wait for the next consolidation), so they lag the consolidated result a little.
    assert cluster_scores(truth, live).bcubed_f1 >= 0.75, "live assignments lag a little at most"
    streamed = _labels(articles, index.stories())
    assert cluster_scores(truth, streamed).bcubed_f1 >= 0.85
    agreement = cluster_scores(batch, streamed)
    assert agreement.bcubed_f1 >= 0.95, "batch and stream agree"


# --- quality gates on real data: small fixed slices, recorded floors --------------------------


def _gates() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))
    gates: list[dict[str, Any]] = data["gates"]
    return gates


def _below(scores: dict[str, float], floors: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {k: (round(scores[k], 4), v) for k, v in floors.items() if scores[k] < v}


@pytest.mark.shared_data
@pytest.mark.parametrize("gate", _gates(), ids=lambda g: Path(g["dataset"]).stem)
def test_quality_gate(gate: dict[str, Any]) -> None:
    path = shared_file(gate["dataset"])
    assert slice_hash(path, gate["records"]) == gate["sha256"], "the gate's data slice changed"
    _, data = read_clustering(path)
    articles = list(data.articles[: gate["records"]])
    truth = [str(x) for x in data.labels[: gate["records"]]]
    batch = _labels(articles, cluster_articles(articles, ClusterOptions()))
    low = _below(cluster_scores(truth, batch).as_dict(), gate["floors"])
    assert not low, f"below the recorded floors (score, floor): {low}"
    if "stream_floors" not in gate:
        return
    shuffled = list(articles)
    random.Random(1).shuffle(shuffled)
    index = StoryIndex(ClusterOptions())
    for article in shuffled:
        index.add(article)
    streamed = _labels(articles, index.stories())
    scores = {
        "bcubed_f1": cluster_scores(truth, streamed).bcubed_f1,
        "bcubed_f1_vs_batch": cluster_scores(batch, streamed).bcubed_f1,
    }
    low = _below(scores, gate["stream_floors"])
    assert not low, f"stream below the recorded floors (score, floor): {low}"
