"""The story graph's time rules: the gap between date spans and between bursts of coverage."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from newsweave.cluster import ClusterOptions
from newsweave.cluster.linkage import StoryGraph

START = datetime(2025, 3, 9, 12, 0)


def _graph(granularity: str, *days: float | None) -> StoryGraph:
    graph = StoryGraph.from_options(ClusterOptions(granularity=granularity))
    for day in days:
        graph.add_node(None if day is None else START + timedelta(days=day))
    return graph


@pytest.mark.parametrize(
    ("days", "granularity", "kept"),
    [
        ((0.0, 1.5), "event", 1.0),  # within the two days of tolerance
        ((0.0, 3.0), "event", 1.0 - 0.7 * 0.5),  # half-way through the scale
        ((0.0, 4.0), "event", 0.3),  # the whole penalty
        ((0.0, 30.0), "event", 0.3 * (1.0 - 23.0 / 60.0)),  # and the span gap beyond a week
        ((0.0, 4.0), "topic", 1.0),  # topics keep bursts days apart together
        ((0.0, None), "event", 1.0),  # an undated article has no gap
        ((0.0, 10.0), "topic", 1.0 - 3.0 / 60.0),  # spans three days past the week
        ((0.0, 67.0), "topic", 0.0),  # the whole penalty: weeks apart
    ],
)
def test_link_score_shrinks_with_the_gap(
    days: tuple[float | None, float | None], granularity: str, kept: float
) -> None:
    graph = _graph(granularity, *days)
    graph.add_score(0, 1, 0.5)
    assert graph.link_score(0, 1) == pytest.approx(0.5 * kept)


def test_bursts_compare_their_bulk_not_their_closest_members() -> None:
    # Three articles on day 0, three on day 4, and one of the later burst on day 1 next to the
    # first: the closest members are a day apart, the bursts' mean dates about three.
    graph = _graph("event", 0.0, 0.0, 0.0, 1.0, 4.0, 4.0)
    for a, b, score in ((0, 1, 1.0), (1, 2, 1.0), (3, 4, 2.0), (4, 5, 1.0)):
        graph.add_score(a, b, score)
    graph.merge_all(0.5)
    early, late = graph.find(0), graph.find(3)
    assert early != late and graph.find(5) == late
    assert graph.span(0)[1] == START and graph.span(3)[0] == START + timedelta(days=1)
    graph.add_score(2, 3, 9.0)  # 9 / 9 pairs: an average of 1.0 before the time rules
    assert graph.time_penalty(early, late) == 0.0
    assert graph.bulk_gap(early, late) == pytest.approx(3.0)
    assert graph.bulk_penalty(early, late) == pytest.approx(0.7 * (3.0 - 2.0) / 2.0)
    assert graph.link_score(early, late) == pytest.approx(1.0 - 0.35)


def test_spans_of_merged_stories_skip_undated_members() -> None:
    graph = _graph("topic", None, 0.0, 2.0, None, 40.0)
    for a, b in ((0, 1), (1, 2), (3, 4)):
        graph.union(a, b)
    assert graph.span(0) == (START, START + timedelta(days=2))
    assert graph.span(3) == (START + timedelta(days=40), START + timedelta(days=40))
    graph.add_score(0, 3, 3.0 * 2)  # pairs score 1.0 on average before the time rule
    # 38 days between the spans: 31 past the week's tolerance, over a 60-day scale
    assert graph.time_penalty(graph.find(0), graph.find(3)) == pytest.approx(31.0 / 60.0)
    assert graph.link_score(graph.find(0), graph.find(3)) == pytest.approx(1.0 - 31.0 / 60.0)
    graph.dissolve([graph.find(0)])
    assert graph.span(2) == (START + timedelta(days=2), START + timedelta(days=2))
    assert graph.time_penalty(0, graph.find(3)) == 0.0, "an undated article has no gap"


def test_an_arrival_joins_its_best_story_after_the_time_rules() -> None:
    # Node 0 links weakly to 1, well to 2, and best of all to 3, which lies 90 days away.
    graph = _graph("topic", 0.0, 0.0, 1.0, 90.0)
    for other, score in ((1, 0.05), (2, 0.5), (3, 0.9)):
        graph.add_score(0, other, score)
    absorbed = graph.merge_around(0, 0.1)
    assert graph.find(0) == graph.find(2)
    assert graph.find(1) != graph.find(0) and graph.find(3) != graph.find(0)
    assert len(absorbed) == 1


def test_merging_goes_on_past_weak_links() -> None:
    graph = _graph("topic", 0.0, 0.0, 0.0, 0.0)
    for a, b, score in ((0, 1, 1.0), (0, 2, 0.01), (1, 2, 0.01), (1, 3, 0.4)):
        graph.add_score(a, b, score)
    assert graph.merge_all(0.1) == 2
    assert graph.find(0) == graph.find(1) == graph.find(3) != graph.find(2)
