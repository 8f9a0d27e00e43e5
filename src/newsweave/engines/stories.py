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
* stories of consecutive windows merge when they agree on the half the windows share: the
  articles both hold are more than half of those either holds there (:func:`agreed`; the pairs
  are collected, one per story pair, and merged by union-find on the driver);
* each article then takes the merged story of its *home* window: of its two, the one whose
  story of it is the larger (a window's edge sees a few of a story's articles, out of
  context), so every article is in exactly one story.

A story whose articles are exactly one block story's is the stage's own
:class:`~newsweave.model.Story`; any other is rebuilt over its articles: the title of its
largest part, as many origins as groups of copies among them (the reuse step's exact and
near-duplicate links, or the same text).

========  ====================================================  ===========================
part      what it does                                          shuffles
========  ====================================================  ===========================
block     each article to its windows (or the undated block)    1 (group by block)
cluster   ``cluster_articles`` per block                        none
merge     stories of consecutive windows that agree joined;       2 (by article, by story) +
          each article to its home window's merged story        collect of story pairs, 1 join
========  ====================================================  ===========================

Blocks trade a little: term weights come from the block, not the whole corpus, and a story
spread over more than ``BLOCK_DAYS / 2`` days is found only through its overlaps.
"""

from __future__ import annotations

import logging
import operator
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from newsweave.cluster import ClusterOptions, cluster_articles
from newsweave.engines.base import Broadcast, Dataset, Engine
from newsweave.engines.links import components
from newsweave.model import Article, ReuseKind, ReuseLink, Story

__all__ = ["BLOCK_DAYS", "Block", "agreed", "block_of", "merge_stories", "step_stories"]

log = logging.getLogger(__name__)

# Days per time window (windows overlap by half).  A window is a block of the cluster stage,
# whose term weights come from the block: short windows hold too few articles to tell an
# event's words from a beat's.  On the generated benchmark corpus (benchmarks/newsgen.py, 2,000
# articles over a year) story B-cubed F1 is 0.79 with 28-day windows, 0.88 with 56, 0.92 with
# 120 and 0.95 with 240, against 0.98 for one call over everything.  120 days is the cluster
# stage's own horizon (articles further apart are never candidates of each other).
BLOCK_DAYS = 120
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


def _memberships(item: BlockStory) -> Iterator[tuple[str, tuple[int, Block, str]]]:
    block, story = item
    for article_id in story.article_ids:
        yield article_id, (len(story.article_ids), block, story.id)


def _story_edge(
    group: tuple[str, list[tuple[int, Block, str]]],
) -> list[tuple[tuple[StoryKey, StoryKey], int]]:
    """The two stories a dated article is in (one per window), as an edge counted once."""
    keys = sorted({(block, story) for _, block, story in group[1]})
    return [((keys[0], keys[1]), 1)] if len(keys) == 2 else []


def agreed(counts: Mapping[tuple[StoryKey, StoryKey], int]) -> list[tuple[StoryKey, StoryKey]]:
    """Pairs of stories of consecutive windows that hold most of each other's shared half: the
    articles both hold are more than half of those either has in the half the windows share."""
    later_half: Counter[StoryKey] = Counter()
    earlier_half: Counter[StoryKey] = Counter()
    for (a, b), n in counts.items():
        later_half[a] += n
        earlier_half[b] += n
    return sorted(
        (a, b) for (a, b), n in counts.items() if 2 * n > max(later_half[a], earlier_half[b])
    )


def _home(
    item: tuple[str, list[tuple[int, Block, str]]], roots: Broadcast[dict[StoryKey, StoryKey]]
) -> tuple[StoryKey, str]:
    """An article under the merged story of its home window: the one whose story of it is the
    larger (it saw more of the story; a window's edge sees a few articles out of context),
    the later on a tie."""
    _, block, story = max(item[1])
    home = (block, story)
    return roots.value.get(home, home), item[0]


def _root_of(
    item: BlockStory, roots: Broadcast[dict[StoryKey, StoryKey]]
) -> tuple[StoryKey, tuple[str, Any]]:
    key = (item[0], item[1].id)
    return roots.value.get(key, key), ("part", item)


def _ids_of(item: tuple[StoryKey, list[str]]) -> tuple[StoryKey, tuple[str, Any]]:
    return item[0], ("ids", tuple(sorted(item[1])))


def _settled(group: tuple[StoryKey, list[tuple[str, Any]]]) -> list[Story]:
    """A block story kept as the cluster stage made it: its articles are the merged group's."""
    ids = [x for kind, x in group[1] if kind == "ids"]
    if not ids:
        return []  # every article of these block stories is at home in another story
    same = [bs for kind, bs in group[1] if kind == "part" and bs[1].article_ids == ids[0]]
    # Two windows may both find the story whole (same articles, same id), titled apart (each
    # window weighs terms its own way): the earlier window's is kept, whatever order a
    # distributed group gives.
    return [bs[1] for bs in sorted(same, key=lambda bs: (bs[1].id, bs[0]))[:1]]


def _unsettled(group: tuple[StoryKey, list[tuple[str, Any]]]) -> Iterator[tuple[str, StoryKey]]:
    if not _settled(group):
        for kind, ids in group[1]:
            if kind == "ids":
                yield from ((article_id, group[0]) for article_id in ids)


def _parts_of(
    group: tuple[StoryKey, list[tuple[str, Any]]],
) -> list[tuple[StoryKey, tuple[str, Any]]]:
    has_ids = any(kind == "ids" for kind, _ in group[1])
    return [] if not has_ids or _settled(group) else [(group[0], x) for x in group[1]]


def _article_by_id(article: Article) -> tuple[str, Article]:
    return article.id, article


def _to_root(item: tuple[str, tuple[StoryKey, Article]]) -> tuple[StoryKey, tuple[str, Any]]:
    return item[1][0], ("article", item[1][1])


def _merge(
    group: tuple[StoryKey, list[tuple[str, Any]]], must_link: Broadcast[list[tuple[str, str]]]
) -> Story:
    parts = [x for kind, x in group[1] if kind == "part"]
    ids = next(x for kind, x in group[1] if kind == "ids")
    articles = {a.id: a for kind, a in group[1] if kind == "article"}
    return merge_stories(parts, [articles[i] for i in ids], must_link.value)


def merge_stories(
    parts: Sequence[BlockStory], members: Sequence[Article], copies: Sequence[tuple[str, str]]
) -> Story:
    """The story of ``members``, found by the block stories ``parts``: the title of the largest
    part, and as many origins as groups of copies (``copies``, or the same text) among them."""
    ordered = sorted(parts, key=lambda bs: (bs[0], bs[1].id))
    members = sorted(members, key=lambda a: a.id)
    ids = [a.id for a in members]
    largest = max(ordered, key=lambda bs: (len(bs[1].article_ids), -bs[0]))[1]
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
    keys = found.flat_map(_memberships).group_by_key().persist()
    counts = dict(keys.flat_map(_story_edge).reduce_by_key(operator.add).collect())
    roots = engine.broadcast(components(agreed(counts)))
    homes = keys.map(partial(_home, roots=roots)).group_by_key().map(_ids_of)
    grouped = found.map(partial(_root_of, roots=roots)).union(homes).group_by_key().persist()
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
