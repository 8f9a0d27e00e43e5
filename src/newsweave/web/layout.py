"""Lay out the story page's two pictures as SVG geometry: the provenance graph and the timeline.

Both layouts are deterministic functions of their input (sorted by publication time, then the
article's number in the story), so the same story draws the same picture on every request.

* The provenance graph is layered: an article copied from another sits in a column to the right
  of what it copied (the longest chain of copies decides the column), so every arrow points
  right, from the earlier article to the later; within a column articles are ordered by where
  their sources sit, then by publication time.  Links of unknown direction are drawn without an
  arrowhead and do not decide columns.  Articles that share no text with another are not drawn,
  only counted.
* The timeline places articles on a time axis, stacking those published close together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

__all__ = [
    "EdgeSpec",
    "GraphEdge",
    "GraphNode",
    "NodeSpec",
    "ProvenanceGraph",
    "Timeline",
    "TimelinePoint",
    "TimelineTick",
    "layout_graph",
    "layout_timeline",
]

# Graph geometry, in SVG user units (CSS pixels at 100% zoom).  A node holds two lines of 12px
# text: "#3 Outlet name" and the publication time.
NODE_WIDTH = 200
NODE_HEIGHT = 44
COLUMN_GAP = 76  # room for the curves between columns
ROW_GAP = 12
MARGIN = 10
SAME_COLUMN_BULGE = 34  # how far an arc between two nodes of one column swings to the right
LABEL_CHARS = 22  # characters of an outlet name that fit in a node (12px bold, with "#12 ")
MAX_ROWS = 16  # nodes per column before a layer wraps into another column
MAX_GRAPH_NODES = 80  # beyond this a graph is unreadable: whole components are kept, largest first

# Timeline geometry.
TIMELINE_WIDTH = 1150
TIMELINE_PAD = 44  # room for half a tick label at either end
DOT_STEP = 13  # horizontal slot per dot: dots closer than this stack
LANE_HEIGHT = 13
MAX_STACK = 16  # dots stacked in one slot before the slot shows "+n" instead
TICK_TARGET = 8  # at most this many ticks on the axis
_TICK_STEPS = tuple(
    timedelta(hours=h)
    for h in (1, 2, 3, 6, 12, 24, 48, 24 * 7, 24 * 14, 24 * 30, 24 * 91, 24 * 365)
)


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """An article to draw: its number in the story, a label, when, and its role."""

    article_id: str
    number: int
    label: str
    title: str
    published: datetime | None
    role: str  # "origin" | "copy" | "unknown"


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """A reuse link to draw; ``directed`` when ``target`` is known to derive from ``source``."""

    source_id: str
    target_id: str
    directed: bool
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class GraphNode:
    article_id: str
    number: int
    label: str  # the outlet, shortened to fit
    title: str  # the article's title (tooltip)
    when: datetime | None
    role: str
    layer: int  # the longest chain of known copies leading to it
    column: int  # where it is drawn: its layer's column, or one of them when the layer wraps
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source_id: str
    target_id: str
    directed: bool
    kind: str
    score: float
    path: str  # SVG path data from the source node to the target node


@dataclass(frozen=True, slots=True)
class ProvenanceGraph:
    width: float
    height: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    n_unlinked: int  # articles of the story that share no text with another: not drawn
    n_omitted: int  # linked articles left out to keep the graph readable


@dataclass(frozen=True, slots=True)
class TimelineTick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    article_id: str
    number: int
    label: str
    title: str
    when: datetime
    role: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float
    height: float
    axis_y: float
    start: datetime | None
    end: datetime | None
    ticks: tuple[TimelineTick, ...]
    points: tuple[TimelinePoint, ...]
    overflow: tuple[TimelineTick, ...]  # "+n" labels over slots with more than MAX_STACK dots
    n_undated: int


def _instant(value: datetime | None) -> float:
    """Seconds since the epoch; naive datetimes are taken as UTC, no date sorts last."""
    if value is None:
        return math.inf
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _order(node: NodeSpec) -> tuple[float, int, str]:
    return (_instant(node.published), node.number, node.article_id)


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _components(ids: Sequence[str], edges: Sequence[EdgeSpec]) -> list[list[str]]:
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for edge in edges:
        a, b = find(edge.source_id), find(edge.target_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for i in ids:  # ids come in time order, so each group does too
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def layout_graph(
    nodes: Sequence[NodeSpec], edges: Sequence[EdgeSpec], *, max_nodes: int = MAX_GRAPH_NODES
) -> ProvenanceGraph:
    """Columns, rows and curves for the articles that share text (see the module docstring)."""
    spec = {n.article_id: n for n in nodes}
    edges = sorted(
        (
            e
            for e in edges
            if e.source_id in spec and e.target_id in spec and e.source_id != e.target_id
        ),
        key=lambda e: (_order(spec[e.source_id]), _order(spec[e.target_id])),
    )
    linked = sorted(
        {i for e in edges for i in (e.source_id, e.target_id)}, key=lambda i: _order(spec[i])
    )
    kept: list[str] = []
    for component in sorted(
        _components(linked, edges), key=lambda c: (-len(c), _order(spec[c[0]]))
    ):
        room = max_nodes - len(kept)
        if room <= 0:
            break
        if len(component) <= room or not kept:  # one huge component: keep its earliest nodes
            kept.extend(component[:room])
    kept.sort(key=lambda i: _order(spec[i]))
    rank = {i: r for r, i in enumerate(kept)}
    edges = [e for e in edges if e.source_id in rank and e.target_id in rank]

    # Layers: the longest chain of known copies leading to a node, so that every arrow of a
    # known direction points right.  Nodes are taken in topological order, earliest first; a
    # cycle (contradictory data) is broken at its earliest node, whose incoming links then do
    # not count.
    sources: dict[str, list[str]] = {i: [] for i in kept}
    for e in edges:
        if e.directed:
            sources[e.target_id].append(e.source_id)
    waiting = {i: len(set(sources[i])) for i in kept}
    targets: dict[str, set[str]] = {i: set() for i in kept}
    for i in kept:
        for s in sources[i]:
            targets[s].add(i)
    layer: dict[str, int] = {}
    while len(layer) < len(kept):
        ready = [i for i in kept if i not in layer and waiting[i] == 0]
        node = ready[0] if ready else next(i for i in kept if i not in layer)
        sources[node] = [s for s in sources[node] if s in layer]
        layer[node] = max((layer[s] + 1 for s in sources[node]), default=0)
        for t in targets[node]:
            waiting[t] -= 1
    # Rows: layer by layer, each node near the mean row of its sources, then by time.  A layer
    # taller than MAX_ROWS wraps into several columns, so a wire story copied by dozens of
    # outlets stays about one screen high.
    order: dict[str, int] = {}  # position within the layer
    row: dict[str, int] = {}
    column: dict[str, int] = {}
    n_layers = max(layer.values(), default=-1) + 1
    first_column = 0
    for c in range(n_layers):
        members = [i for i in kept if layer[i] == c]

        def key(i: str) -> tuple[float, int]:
            placed = [order[s] for s in sources[i] if s in order]
            return (sum(placed) / len(placed) if placed else -1.0, rank[i])

        for r, i in enumerate(sorted(members, key=key)):
            order[i] = r
            row[i] = r % MAX_ROWS
            column[i] = first_column + r // MAX_ROWS
        first_column += -(-len(members) // MAX_ROWS)
    n_columns = first_column
    placed_nodes = {
        i: GraphNode(
            article_id=i,
            number=spec[i].number,
            label=_short(spec[i].label),
            title=spec[i].title,
            when=spec[i].published,
            role=spec[i].role,
            layer=layer[i],
            column=column[i],
            x=MARGIN + column[i] * (NODE_WIDTH + COLUMN_GAP),
            y=MARGIN + row[i] * (NODE_HEIGHT + ROW_GAP),
            width=NODE_WIDTH,
            height=NODE_HEIGHT,
        )
        for i in kept
    }
    graph_edges = tuple(
        GraphEdge(
            e.source_id,
            e.target_id,
            e.directed,
            e.kind,
            e.score,
            _curve(placed_nodes[e.source_id], placed_nodes[e.target_id]),
        )
        for e in edges
    )
    n_rows = max(row.values(), default=-1) + 1
    width = MARGIN * 2 + n_columns * NODE_WIDTH + max(n_columns - 1, 0) * COLUMN_GAP
    height = MARGIN * 2 + n_rows * NODE_HEIGHT + max(n_rows - 1, 0) * ROW_GAP
    return ProvenanceGraph(
        width=float(width + SAME_COLUMN_BULGE if kept else 0),
        height=float(height if kept else 0),
        nodes=tuple(placed_nodes[i] for i in kept),
        edges=graph_edges,
        n_unlinked=len(spec) - len(linked),
        n_omitted=len(linked) - len(kept),
    )


def _curve(a: GraphNode, b: GraphNode) -> str:
    ya, yb = a.y + a.height / 2, b.y + b.height / 2
    if a.column == b.column:  # an arc on the right-hand side of the column
        x = a.x + a.width
        bulge = SAME_COLUMN_BULGE
        return f"M{x:g} {ya:g} C{x + bulge:g} {ya:g} {x + bulge:g} {yb:g} {x:g} {yb:g}"
    if a.column < b.column:
        x1, x2 = a.x + a.width, b.x
    else:  # a copy drawn to the left of its source (bad dates): still from source to target
        x1, x2 = a.x, b.x + b.width
    mid = (x1 + x2) / 2
    return f"M{x1:g} {ya:g} C{mid:g} {ya:g} {mid:g} {yb:g} {x2:g} {yb:g}"


# --- timeline ---------------------------------------------------------------------------------


def _zone(points: Sequence[NodeSpec]) -> tzinfo:
    """Label the axis in the time zone of the earliest dated article (UTC if it has none)."""
    for point in sorted(points, key=_order):
        if point.published is not None and point.published.tzinfo is not None:
            return point.published.tzinfo
    return UTC


def _tick_label(moment: datetime, step: timedelta) -> str:
    if step < timedelta(days=1):
        return f"{moment.day} {moment:%b} {moment:%H:%M}"
    if step < timedelta(days=300):
        return f"{moment.day} {moment:%b}"
    return f"{moment:%Y}"


def _ticks(t0: float, t1: float, zone: tzinfo, scale: float) -> tuple[TimelineTick, ...]:
    span = max(t1 - t0, 1.0)
    step = next(
        (s for s in _TICK_STEPS if span / s.total_seconds() <= TICK_TARGET), _TICK_STEPS[-1]
    )
    start = datetime.fromtimestamp(t0, zone)
    if step < timedelta(days=1):
        hours = int(step.total_seconds() // 3600)
        first = start.replace(minute=0, second=0, microsecond=0)
        first = first.replace(hour=first.hour - first.hour % hours)
    else:
        first = start.replace(hour=0, minute=0, second=0, microsecond=0)
    ticks: list[TimelineTick] = []
    moment = first
    while moment.timestamp() <= t1 + 1:
        if moment.timestamp() >= t0 - 1:
            x = TIMELINE_PAD + (moment.timestamp() - t0) * scale
            ticks.append(TimelineTick(round(x, 1), _tick_label(moment, step)))
        moment += step
    return tuple(ticks)


def layout_timeline(points: Sequence[NodeSpec]) -> Timeline:
    """Dots on a time axis, one per dated article, stacked where they fall close together."""
    dated = sorted((p for p in points if p.published is not None), key=_order)
    n_undated = len(points) - len(dated)
    if not dated:
        return Timeline(TIMELINE_WIDTH, 0, 0, None, None, (), (), (), n_undated)
    t0, t1 = _instant(dated[0].published), _instant(dated[-1].published)
    usable = TIMELINE_WIDTH - 2 * TIMELINE_PAD
    scale = usable / max(t1 - t0, 3600.0)  # a story within one hour still spans the axis
    slots = int(usable // DOT_STEP)
    stacks: dict[int, int] = {}
    placed: list[tuple[NodeSpec, int, int]] = []
    for p in dated:
        slot = min(round((_instant(p.published) - t0) * scale / DOT_STEP), slots)
        level = stacks.get(slot, 0)
        stacks[slot] = level + 1
        placed.append((p, slot, min(level, MAX_STACK - 1)))
    height_stack = min(max(stacks.values()), MAX_STACK)
    axis_y = TIMELINE_PAD + height_stack * LANE_HEIGHT
    result = tuple(
        TimelinePoint(
            article_id=p.article_id,
            number=p.number,
            label=p.label,
            title=p.title,
            when=p.published,  # type: ignore[arg-type]  # dated
            role=p.role,
            x=TIMELINE_PAD + slot * DOT_STEP,
            y=axis_y - LANE_HEIGHT / 2 - level * LANE_HEIGHT,
        )
        for p, slot, level in placed
    )
    overflow = tuple(
        TimelineTick(TIMELINE_PAD + slot * DOT_STEP, f"+{count - MAX_STACK + 1}")
        for slot, count in sorted(stacks.items())
        if count > MAX_STACK
    )
    zone = _zone(dated)
    return Timeline(
        width=TIMELINE_WIDTH,
        height=axis_y + 30,
        axis_y=axis_y,
        start=dated[0].published,
        end=dated[-1].published,
        ticks=_ticks(t0, t1, zone, scale),
        points=result,
        overflow=overflow,
        n_undated=n_undated,
    )
