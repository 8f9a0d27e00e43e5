"""Provenance graph and timeline layouts: deterministic, arrows left to right, bounded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from newsweave.web.layout import (
    MAX_STACK,
    EdgeSpec,
    NodeSpec,
    layout_graph,
    layout_timeline,
)

T0 = datetime(2024, 6, 4, 9, 0, tzinfo=UTC)


def node(n: int, hours: float | None = None) -> NodeSpec:
    when = T0 + timedelta(hours=hours if hours is not None else n) if hours != -1 else None
    return NodeSpec(f"a{n:02d}", n, f"Outlet {n}", f"Title {n}", when, "origin")


def edge(a: int, b: int, directed: bool = True) -> EdgeSpec:
    return EdgeSpec(f"a{a:02d}", f"a{b:02d}", directed, "near_duplicate", 0.9)


def columns(graph_nodes: tuple) -> dict[str, int]:
    return {n.article_id: n.column for n in graph_nodes}


def test_a_chain_of_copies_runs_left_to_right() -> None:
    graph = layout_graph([node(1), node(2), node(3), node(4)], [edge(1, 2), edge(2, 3)])
    assert columns(graph.nodes) == {"a01": 0, "a02": 1, "a03": 2}
    assert graph.n_unlinked == 1 and graph.n_omitted == 0
    x = {n.article_id: n.x for n in graph.nodes}
    assert all(x[e.source_id] < x[e.target_id] for e in graph.edges)
    assert graph.width > max(n.x + n.width for n in graph.nodes)
    assert graph.height >= max(n.y + n.height for n in graph.nodes)


def test_direction_beats_dates() -> None:
    """A copy stamped earlier than its source (bad dates) still sits right of the source."""
    graph = layout_graph([node(1, hours=5), node(2, hours=1)], [edge(1, 2)])
    assert columns(graph.nodes) == {"a01": 0, "a02": 1}


def test_links_of_unknown_direction_do_not_decide_columns() -> None:
    graph = layout_graph([node(1), node(2)], [edge(1, 2, directed=False)])
    assert columns(graph.nodes) == {"a01": 0, "a02": 0}
    (drawn,) = graph.edges
    assert not drawn.directed and drawn.path.startswith("M")


def test_a_cycle_in_bad_data_is_broken_not_looped() -> None:
    graph = layout_graph([node(1), node(2), node(3)], [edge(1, 2), edge(2, 3), edge(3, 1)])
    assert sorted(columns(graph.nodes).values()) == [0, 1, 2]


def test_big_graphs_keep_whole_components_and_count_the_rest() -> None:
    nodes = [node(n) for n in range(1, 101)]
    edges = [edge(n, n + 1) for n in range(1, 101, 2)]  # 50 pairs
    graph = layout_graph(nodes, edges, max_nodes=15)
    assert len(graph.nodes) == 14  # whole pairs only
    assert graph.n_omitted == 86 and graph.n_unlinked == 0
    kept = {n.article_id for n in graph.nodes}
    assert all((e.source_id in kept) == (e.target_id in kept) for e in edges)


def test_layout_is_deterministic_whatever_the_input_order() -> None:
    nodes = [node(n) for n in range(1, 12)]
    edges = [edge(1, 2), edge(1, 3), edge(3, 4), edge(5, 6, False), edge(2, 7), edge(8, 9)]
    first = layout_graph(nodes, edges)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(nodes)
        rng.shuffle(edges)
        assert layout_graph(nodes, edges) == first


def test_no_links_no_graph() -> None:
    graph = layout_graph([node(1), node(2)], [])
    assert graph.nodes == () and graph.width == 0 and graph.n_unlinked == 2


def test_timeline_places_articles_in_time_order_and_stacks_close_ones() -> None:
    nodes = [node(1, 0), node(2, 0), node(3, 0.01), node(4, 30), node(5, -1)]
    timeline = layout_timeline(nodes)
    assert timeline.n_undated == 1
    points = {p.article_id: p for p in timeline.points}
    assert set(points) == {"a01", "a02", "a03", "a04"}
    assert points["a01"].x == points["a02"].x == points["a03"].x < points["a04"].x
    assert len({points[i].y for i in ("a01", "a02", "a03")}) == 3  # stacked
    assert all(0 <= p.x <= timeline.width and 0 <= p.y <= timeline.axis_y for p in points.values())
    labels = [t.label for t in timeline.ticks]
    assert labels and all(0 <= t.x <= timeline.width for t in timeline.ticks)
    assert timeline.start == T0 and timeline.end == T0 + timedelta(hours=30)


@pytest.mark.parametrize(
    ("hours", "label"), [(3, "4 Jun 09:00"), (24 * 9, "6 Jun"), (24 * 900, "2025")]
)
def test_timeline_ticks_suit_the_span(hours: int, label: str) -> None:
    timeline = layout_timeline([node(1, 0), node(2, hours)])
    labels = [t.label for t in timeline.ticks]
    assert label in labels and len(labels) <= 9


def test_timeline_caps_a_tall_stack() -> None:
    timeline = layout_timeline([node(n, 0) for n in range(1, 41)])
    assert timeline.axis_y == pytest.approx(28 + MAX_STACK * 13)
    (overflow,) = timeline.overflow
    assert overflow.label == f"+{40 - MAX_STACK + 1}"


def test_timeline_of_undated_articles_is_empty() -> None:
    timeline = layout_timeline([node(1, -1)])
    assert timeline.points == () and timeline.n_undated == 1 and timeline.height == 0
