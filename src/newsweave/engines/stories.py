"""The story step of the run plan: blocks of articles clustered apart, then merged.

The cluster stage (:func:`newsweave.cluster.cluster_articles`) never compares all pairs: it
retrieves each article's candidates through an index of salient terms.  To spread it, the plan
cuts the corpus into **blocks** no story is likely to straddle, clusters every block with the
stage as it is, and **merges** what the blocks found:

* dated articles fall into overlapping time windows: ``BLOCK_DAYS`` long, one starting every
  ``BLOCK_DAYS / 2`` days, so each dated article is in two windows and any story whose articles
  lie within ``BLOCK_DAYS / 2`` days of each other is whole in at least one window; undated
  articles form one block of their own (nothing says which window they belong to);
* each block is clustered by the stage, with the copies the reuse step found as must-links;
* stories of different windows that share an article are merged (union-find over the stories:
  the edges are collected, one per article in two windows whose stories differ).

A story that no merge touched is the stage's own :class:`~newsweave.model.Story`; a merged one
is rebuilt over its articles: the title of its largest part, as many origins as groups of
copies among them (the reuse step's exact and near-duplicate links, or the same text).

========  ====================================================  ===========================
part      what it does                                          shuffles
========  ====================================================  ===========================
block     each article to its windows (or the undated block)    1 (group by block)
cluster   ``cluster_articles`` per block                        none
merge     stories sharing an article joined                     1 (by article) + collect of
                                                                story edges, 1 (by story)
========  ====================================================  ===========================

Blocks trade a little: term weights come from the block, not the whole corpus, and a story
spread over more than ``BLOCK_DAYS / 2`` days is found only through its overlaps.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from newsweave.cluster import ClusterOptions, cluster_articles
from newsweave.engines.base import Broadcast, Dataset, Engine
from newsweave.engines.links import components
from newsweave.model import Article, ReuseKind, ReuseLink, Story

__all__ = ["BLOCK_DAYS", "Block", "block_of", "merge_stories", "step_stories"]

log = logging.getLogger(__name__)

# Days per time window (windows overlap by half).  Stories of the generated benchmark corpus
# (benchmarks/newsgen.py) and of DUC 2003 run for days, rarely a week; the cluster stage's own
# time tolerance is 7 days, so a window of 28 keeps every story of up to 14 days whole.
BLOCK_DAYS = 28
UNDATED = -1  # the block of undated articles
_EPOCH = datetime(1970, 1, 1)

Block = int  # index of a time window (its first day // half a window), or UNDATED
BlockStory = tuple[Block, Story]  # a story as one block's clustering found it
StoryKey = tuple[Block, str]  # (block, story id)


def block_of(article: Article, days: int = BLOCK_DAYS) -> list[Block]:
    """The windows an article falls into: two overlapping ones, or the undated block."""
    if article.published is None:
        return [UNDATED]
    when = article.published
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    half = (when - _EPOCH).days // (days // 2)
    return [half - 1, half]  # window w covers halves w and w + 1


def _to_blocks(article: Article, days: int) -> list[tuple[Block, Article]]:
    return [(block, article) for block in block_of(article, days)]


def _cluster_block(
    group: tuple[Block, list[Article]],
    options: ClusterOptions,
    must_link: Broadcast[list[tuple[str, str]]],
) -> list[BlockStory]:
    block, articles = group
    ids = {a.id for a in articles}
    pairs = [(a, b) for a, b in must_link.value if a in ids and b in ids]
    articles = sorted(articles, key=lambda a: a.id)  # the stage orders them; be safe anyway
    return [(block, s) for s in cluster_articles(articles, options, must_link=pairs)]


def _memberships(item: BlockStory) -> Iterator[tuple[str, tuple[Block, str]]]:
    block, story = item
    for article_id in story.article_ids:
        yield article_id, (block, story.id)


def _story_edges(group: tuple[str, list[StoryKey]]) -> list[tuple[StoryKey, StoryKey]]:
    keys = sorted(set(group[1]))
    return [(keys[0], k) for k in keys[1:]]


def _root_of(
    item: BlockStory, roots: Broadcast[dict[StoryKey, StoryKey]]
) -> tuple[StoryKey, BlockStory]:
    key = (item[0], item[1].id)
    return roots.value.get(key, key), item


def _settled(group: tuple[StoryKey, list[BlockStory]]) -> list[Story]:
    """The story of a group of block stories that all hold the same articles."""
    parts = sorted(group[1], key=lambda bs: (bs[0], bs[1].id))
    return [parts[0][1]] if len({s.article_ids for _, s in parts}) == 1 else []


def _unsettled(group: tuple[StoryKey, list[BlockStory]]) -> Iterator[tuple[str, StoryKey]]:
    if len({s.article_ids for _, s in group[1]}) > 1:
        for article_id in sorted({i for _, s in group[1] for i in s.article_ids}):
            yield article_id, group[0]


def _parts_of(group: tuple[StoryKey, list[BlockStory]]) -> list[tuple[StoryKey, Any]]:
    if len({s.article_ids for _, s in group[1]}) == 1:
        return []
    return [(group[0], ("part", bs)) for bs in group[1]]


def _article_by_id(article: Article) -> tuple[str, Article]:
    return article.id, article


def _to_root(item: tuple[str, tuple[StoryKey, Article]]) -> tuple[StoryKey, Any]:
    return item[1][0], ("article", item[1][1])


def _merge(group: tuple[StoryKey, list[Any]], must_link: Broadcast[list[tuple[str, str]]]) -> Story:
    parts = [x for kind, x in group[1] if kind == "part"]
    articles = {a.id: a for kind, a in group[1] if kind == "article"}
    return merge_stories(parts, articles, must_link.value)


def merge_stories(
    parts: Sequence[BlockStory], articles: Mapping[str, Article], copies: Sequence[tuple[str, str]]
) -> Story:
    """One story over the block stories ``parts`` that share articles: the title of the largest
    part, and as many origins as groups of copies (``copies``, or the same text) among them."""
    ordered = sorted(parts, key=lambda bs: (bs[0], bs[1].id))
    ids = sorted({i for _, s in ordered for i in s.article_ids})
    largest = max(ordered, key=lambda bs: (len(bs[1].article_ids), -bs[0]))[1]
    members = [articles[i] for i in ids]
    dated = sorted(a.published for a in members if a.published is not None)
    inside = set(ids)
    first_of_text: dict[str, str] = {}
    pairs = [(a, b) for a, b in copies if a in inside and b in inside]
    for article in members:
        if article.text_hash:
            pairs.append((first_of_text.setdefault(article.text_hash, article.id), article.id))
    origin = components(pairs)
    return replace(
        largest,
        id=Story.make_id(ids),
        article_ids=tuple(ids),
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        n_outlets=len({a.source for a in members if a.source}),
        n_origins=len({origin.get(i, i) for i in ids}),
    )


def _must_link(link: ReuseLink) -> bool:
    return link.kind in (ReuseKind.EXACT, ReuseKind.NEAR_DUPLICATE)


def _ids(link: ReuseLink) -> tuple[str, str]:
    return link.source_id, link.target_id


def step_stories(
    engine: Engine,
    articles: Dataset[Article],
    links: Dataset[ReuseLink],
    options: ClusterOptions,
    days: int = BLOCK_DAYS,
) -> Dataset[Story]:
    """Stories of ``articles`` (see the module docstring)."""
    must_link = engine.broadcast(sorted(links.filter(_must_link).map(_ids).collect()))
    found = (
        articles.flat_map(partial(_to_blocks, days=days))
        .group_by_key()
        .flat_map(partial(_cluster_block, options=options, must_link=must_link))
        .persist()
    )
    edges = found.flat_map(_memberships).group_by_key().flat_map(_story_edges).collect()
    roots = engine.broadcast(components(sorted(set(edges))))
    grouped = found.map(partial(_root_of, roots=roots)).group_by_key().persist()
    settled = grouped.flat_map(_settled)
    wanted = grouped.flat_map(_unsettled)
    members = wanted.join(articles.map(_article_by_id)).map(_to_root)
    merged = (
        grouped.flat_map(_parts_of)
        .union(members)
        .group_by_key()
        .map(partial(_merge, must_link=must_link))
    )
    return settled.union(merged)
