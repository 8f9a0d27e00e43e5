"""Turn the final grouping of articles into :class:`~newsweave.model.Story` records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from newsweave.cluster.linkage import StoryGraph
from newsweave.cluster.scoring import ArticleTable
from newsweave.model import Story

__all__ = ["STORY_METHOD", "build_stories", "copy_pairs"]

STORY_METHOD = "cluster"


def copy_pairs(
    table: ArticleTable, nodes: Sequence[int], must_link: Iterable[tuple[str, str]]
) -> tuple[list[tuple[int, int]], int]:
    """Node pairs that must share a story: given pairs and verbatim copies (equal text hash).

    Returns the pairs and how many given pairs named an article that is not there.
    """
    node_of = {table.article_ids[n]: n for n in nodes}
    pairs: list[tuple[int, int]] = []
    unknown = 0
    for left, right in must_link:
        a, b = node_of.get(left), node_of.get(right)
        if a is None or b is None:
            unknown += 1
        elif a != b:
            pairs.append((a, b))
    first_of_text: dict[str, int] = {}
    for node in nodes:
        key = table.text_hashes[node]
        if not key:
            continue
        first = first_of_text.setdefault(key, node)
        if first != node:
            pairs.append((first, node))
    return pairs, unknown


def build_stories(
    table: ArticleTable,
    graph: StoryGraph,
    scored: Iterable[tuple[int, int, float]],
    copies: Iterable[tuple[int, int]],
) -> list[Story]:
    """One story per group of ``graph``, sorted by first publication date, then id."""
    degree: dict[int, float] = {}
    for a, b, score in scored:
        if graph.find(a) == graph.find(b):
            degree[a] = degree.get(a, 0.0) + score
            degree[b] = degree.get(b, 0.0) + score
    origin_parent: dict[int, int] = {}

    def origin(node: int) -> int:
        while origin_parent.get(node, node) != node:
            node = origin_parent[node]
        return node

    for a, b in copies:
        ra, rb = origin(a), origin(b)
        if ra != rb:
            origin_parent[max(ra, rb)] = min(ra, rb)
    stories = []
    for root, nodes in graph.members().items():
        first, last = graph.span(root)
        ids = tuple(sorted(table.article_ids[n] for n in nodes))
        outlets = {table.outlets[n] for n in nodes} - {""}
        head = table.medoid(nodes, degree)
        stories.append(
            Story(
                id=Story.make_id(ids),
                article_ids=ids,
                title=table.titles[head],
                first_published=first,
                last_published=last,
                n_outlets=len(outlets),
                n_origins=len({origin(n) for n in nodes}),
                method=STORY_METHOD,
            )
        )
    stories.sort(key=lambda s: (s.first_published or datetime.max, s.id))
    return stories
