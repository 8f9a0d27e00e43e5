"""Cluster the articles of a store: regroup them all, or keep stored stories up to date.

The cluster stage itself (:func:`~newsweave.cluster.cluster_articles`,
:class:`~newsweave.cluster.StoryIndex`) is pure; this module is its runner against a
:class:`~newsweave.store.Store`: it reads articles and the reuse links stored by the reuse stage
(copies always share a story), runs the stage, and stores the stories.

- :func:`cluster_stored` regroups every stored article (batch).
- :class:`StoredStories` keeps an incremental index in step with a store: it loads the stories
  an earlier run stored, then each :meth:`~StoredStories.update` assigns only the articles that
  arrived since — each joins a stored story, starts one, or bridges two.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsweave.cluster.batch import cluster_articles, time_order
from newsweave.cluster.options import ClusterOptions
from newsweave.cluster.stories import STORY_METHOD
from newsweave.cluster.stream import StoryIndex
from newsweave.model import Article, ReuseKind, ReuseLink, Story
from newsweave.store import Store

__all__ = [
    "COPY_CONTAINMENT",
    "ClusterReport",
    "StoredStories",
    "cluster_stored",
    "copy_pairs_of",
    "group_into_stories",
    "stories_with_copies",
]

log = logging.getLogger(__name__)

# A reuse link of kind "passage" counts as a copy (the two always share a story) when one side
# holds at least this share of the other's shingles: a rewrite of the article, not a borrowed
# background paragraph, which two different events can share.  A judgement, not calibrated.
COPY_CONTAINMENT = 0.5


@dataclass(slots=True)
class ClusterReport:
    """What a clustering run did."""

    mode: str  # "batch" or "incremental"
    articles: int = 0  # articles in the stories
    stories: int = 0
    copies: int = 0  # article pairs held together because reuse found one copies the other
    added: int = 0  # incremental: articles assigned by this run
    started: int = 0  # incremental: arrivals that started a new story
    joined: int = 0  # incremental: arrivals that joined an existing story
    merged: int = 0  # incremental: stories folded into another because an arrival bridged them

    def summary(self) -> str:
        text = f"{self.articles} articles in {self.stories} stories"
        if self.mode == "incremental":
            text += (
                f"; {self.added} new: {self.joined} joined a story, {self.started} started one, "
                f"{self.merged} stories merged"
            )
        if self.copies:
            text += f"; {self.copies} copy pairs kept together"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "articles": self.articles,
            "stories": self.stories,
            "copies": self.copies,
            "added": self.added,
            "started": self.started,
            "joined": self.joined,
            "merged": self.merged,
        }


def copy_pairs_of(links: Iterable[ReuseLink]) -> list[tuple[str, str]]:
    """The article pairs of ``links`` that are copies: exact, near duplicates, or rewrites."""
    pairs = []
    for link in links:
        rewrite = (
            max(link.containment_source_in_target, link.containment_target_in_source)
            >= COPY_CONTAINMENT
        )
        if link.kind in (ReuseKind.EXACT, ReuseKind.NEAR_DUPLICATE) or rewrite:
            pairs.append((link.source_id, link.target_id))
    return sorted(pairs)


def group_into_stories(
    store: Store, articles: Sequence[Article], options: ClusterOptions | None = None
) -> tuple[list[Story], int]:
    """Stories of ``articles`` (stored ones), copies linked by stored reuse; and the copy count.

    Nothing is written: the caller stores the stories.
    """
    links = store.reuse_links(among=[a.id for a in articles], passages=False) if articles else []
    return stories_with_copies(articles, links, options)


def stories_with_copies(
    articles: Sequence[Article], links: Sequence[ReuseLink], options: ClusterOptions | None = None
) -> tuple[list[Story], int]:
    """Stories of ``articles`` in which the copies among ``links`` share a story; and the copy
    count (for a caller that has already read the links)."""
    copies = copy_pairs_of(links)
    return cluster_articles(articles, options, must_link=copies), len(copies)


def cluster_stored(store: Store, options: ClusterOptions | None = None) -> ClusterReport:
    """Regroup every stored article into stories and make them the store's stories."""
    articles = list(store.iter_articles())
    stories, copies = group_into_stories(store, articles, options)
    store.replace_stories(stories)
    return ClusterReport("batch", articles=len(articles), stories=len(stories), copies=copies)


class StoredStories:
    """An incremental story index kept in step with a store.

    Made from a store, it loads the stories a clustering run stored there (other groupings,
    such as one story per input folder, are not kept: their articles are assigned afresh).
    :meth:`update` then assigns the articles stored since, and stores the stories again; a
    stored story no arrival touched keeps its id, and so its summary.
    """

    def __init__(self, store: Store, options: ClusterOptions | None = None) -> None:
        self.store = store
        self.index = StoryIndex(options)
        self.copies = 0
        stored = [s for s in store.stories() if s.method == STORY_METHOD]
        if stored:
            by_id = {a.id: a for a in store.get_articles(i for s in stored for i in s.article_ids)}
            groups = [[by_id[i] for i in s.article_ids] for s in stored]
            seeded = [a for g in groups for a in g]
            must_link = self._must_link(seeded)
            self.index.seed(groups, must_link=must_link)
            log.info("cluster: %d stored stories loaded", len(stored))

    def update(self) -> ClusterReport:
        """Assign the stored articles that are not in a story yet, and store the stories."""
        known = self.index
        fresh_ids = [h.id for h in self.store.list_articles() if h.id not in known]
        fresh = time_order(self.store.get_articles(fresh_ids)) if fresh_ids else []
        report = ClusterReport("incremental", added=len(fresh))
        if fresh:
            must_link = self._must_link(fresh)
            for assignment in self.index.add_many(fresh, must_link=must_link):
                report.merged += len(assignment.merged)
                if assignment.new_story:
                    report.started += 1
                else:
                    report.joined += 1
        stories = self.index.stories()
        if fresh or not self._stored_match(stories):
            self.store.replace_stories(stories)
        report.articles = len(self.index)
        report.stories = len(stories)
        report.copies = self.copies
        return report

    def _must_link(self, articles: Sequence[Article]) -> Mapping[str, list[str]]:
        """Each article's copies among the indexed articles and ``articles`` (both ways)."""
        ids = {a.id for a in articles}
        partners: dict[str, list[str]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for article in articles:
            links = self.store.reuse_links(article_id=article.id, passages=False)
            for a, b in copy_pairs_of(links):
                if (a, b) in seen or not ({a, b} <= ids or a in self.index or b in self.index):
                    continue
                seen.add((a, b))
                partners[a].append(b)
                partners[b].append(a)
        self.copies += len(seen)
        return partners

    def _stored_match(self, stories: Sequence[Story]) -> bool:
        return {s.id for s in self.store.stories()} == {s.id for s in stories}
