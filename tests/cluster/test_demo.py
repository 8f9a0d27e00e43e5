"""The demo corpus clustered as the digest clusters it, scored against its ground truth.

``examples/demo`` holds five events of one fictional fortnight; ``examples/demo-truth.json``
lists their articles and two pairs built to be hard (same people and places, four days apart,
the later stories quoting the earlier).  The articles are ingested into a store, copies found
by the reuse stage are stored, and the stories come from the cluster stage with the digest's
options — in one batch, and one article at a time through the stored incremental index.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Iterator, Sequence

import pytest

from newsweave.cluster import ClusterOptions, StoryIndex
from newsweave.cluster.stored import StoredStories, group_into_stories
from newsweave.digest import DigestOptions
from newsweave.evaluate.metrics import cluster_scores
from newsweave.model import Article, Story
from newsweave.pipeline import IngestRunOptions, ingest_paths
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.store import Store, open_store
from tests.support import DEMO, ROOT

TRUTH = ROOT / "examples" / "demo-truth.json"


@functools.cache
def _truth() -> dict[str, object]:
    truth: dict[str, object] = json.loads(TRUTH.read_text(encoding="utf-8"))
    return truth


def _events() -> dict[str, list[str]]:
    events = _truth()["events"]
    assert isinstance(events, dict)
    return {name: list(event["articles"]) for name, event in events.items()}


def _close_pairs() -> list[tuple[str, str]]:
    pairs = _truth()["close_but_distinct"]
    assert isinstance(pairs, list)
    return [(p["events"][0], p["events"][1]) for p in pairs]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_store(path) as opened:
        ingest_paths(opened, [str(DEMO)], IngestRunOptions(workers=1))
        articles = list(opened.iter_articles())
        sentences = {a.id: opened.get_sentences(a.id) for a in articles}
        opened.replace_reuse_links(detect_reuse(articles, ReuseOptions(), sentences), among=())
        yield opened


def _score(articles: Sequence[Article], stories: Sequence[Story]) -> tuple[float, list[str]]:
    """B-cubed F1 against the truth's events, and the close pairs that share a story."""
    event_of = {k: name for name, keys in _events().items() for k in keys}
    by_key = {a.external_id: a.id for a in articles}
    assert sorted(event_of) == sorted(by_key), "the truth and the demo list other articles"
    story_of = {i: s.id for s in stories for i in s.article_ids}
    keys = sorted(event_of)
    f1 = cluster_scores([event_of[k] for k in keys], [story_of[by_key[k]] for k in keys]).bcubed_f1
    merged = []
    for first, second in _close_pairs():
        one = {story_of[by_key[k]] for k in _events()[first]}
        other = {story_of[by_key[k]] for k in _events()[second]}
        if one & other:
            merged.append(f"{first} + {second}")
    return f1, merged


def test_digest_options_cluster_by_event() -> None:
    assert DigestOptions().cluster.granularity == "event"


def test_demo_stories_match_the_truth(store: Store) -> None:
    articles = list(store.iter_articles())
    stories, copies = group_into_stories(store, articles, DigestOptions().cluster)
    assert copies >= 3, "the reuse stage should find the demo's copies"
    f1, merged = _score(articles, stories)
    assert merged == []
    assert len(stories) == len(_events())
    assert f1 >= 0.97


def test_demo_stories_match_the_truth_incrementally(store: Store) -> None:
    # The same articles one at a time, in time order, through the stored incremental index.
    articles = list(store.iter_articles())
    stories = StoredStories(store, DigestOptions().cluster)
    stories.update()
    found = store.stories()
    f1, merged = _score(articles, found)
    assert merged == []
    assert f1 >= 0.97


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_stories_in_a_shuffled_arrival_order(store: Store, seed: int) -> None:
    articles = list(store.iter_articles())
    order = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(order)
    index = StoryIndex(DigestOptions().cluster)
    for article in order:
        index.add(article)
    f1, merged = _score(articles, index.stories())
    assert merged == []
    assert f1 >= 0.97


def test_topic_granularity_joins_the_close_events(store: Store) -> None:
    # What keeps the close pairs apart is the gap between the bursts: at the topic granularity
    # (follow-ups days apart belong together) the interview and the vote share one story.
    articles = list(store.iter_articles())
    stories, _ = group_into_stories(store, articles, ClusterOptions(granularity="topic"))
    _, merged = _score(articles, stories)
    assert "rebate-interview + rebate-vote" in merged
