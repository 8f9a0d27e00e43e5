"""Batch clustering: every article of a collection into stories, in one pass plus one merge.

Articles are taken in time order (undated ones by id).  Each one queries the candidate index for
the earlier articles sharing its salient terms, scores them, and is indexed in turn, so every
candidate pair is found once, from its later side — the same retrieval the incremental
:class:`~newsweave.cluster.stream.StoryIndex` does.  Term weights use the document frequencies
of the whole collection.  Once every pair is scored (shared neighbours need every list of best
partners), stories merge best pair first while a pair scores the threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from newsweave.cluster.features import embed_articles
from newsweave.cluster.linkage import StoryGraph, naive_utc
from newsweave.cluster.options import ClusterOptions
from newsweave.cluster.scoring import ArticleTable, PairLinks
from newsweave.cluster.stories import build_stories, copy_pairs
from newsweave.model import Article, Story

__all__ = ["cluster_articles", "time_order"]

log = logging.getLogger(__name__)


def time_order(articles: Sequence[Article]) -> list[Article]:
    """Articles by publication time (undated last), then id; repeated ids kept once."""
    unique = {a.id: a for a in articles}
    return sorted(
        unique.values(),
        key=lambda a: (a.published is None, naive_utc(a.published) or datetime.min, a.id),
    )


def cluster_articles(
    articles: Sequence[Article],
    options: ClusterOptions | None = None,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    entities: Mapping[str, Iterable[str]] | None = None,
    embeddings: Mapping[str, NDArray[np.float32]] | None = None,
) -> list[Story]:
    """Group ``articles`` into stories.

    ``must_link``: pairs of article ids that always share a story (copies and near-duplicates
    found by the reuse stage); verbatim copies (equal ``text_hash``) are linked anyway.
    ``entities``: names per article id (from the entities stage), weighed like names found in
    the text.  ``embeddings``: precomputed vectors per article id; the others are computed with
    ``options.embedder``.
    """
    options = options or ClusterOptions()
    ordered = time_order(articles)
    vectors = embed_articles(ordered, options, embeddings)
    table = ArticleTable(options, None if vectors is None else vectors.shape[1])
    table.reserve(len(ordered))
    entities = entities or {}
    # Document frequencies over the whole collection first, then weighted vectors.
    hashed = [table.terms(a, entities.get(a.id, ())) for a in ordered]
    for ids, _ in hashed:
        table.stats.add(ids)
    graph = StoryGraph.from_options(options)
    links = PairLinks()
    for i, (article, (ids, tf)) in enumerate(zip(ordered, hashed, strict=True)):
        vector = table.stats.vector(ids, tf, options.max_df)
        node = table.add(article, vector, None if vectors is None else vectors[i])
        graph.add_node(article.published)
        links.add_node()
        terms, weights = table.salient(vector)
        others = table.candidates(node, terms, weights)
        scores = table.first_order(node, others)
        for other, score in zip(others.tolist(), scores.tolist(), strict=True):
            table.note_partner(node, other, score)
            table.note_partner(other, node, score)
            if table.keeps_pair(score):
                links.add(other, node, score, 0.0)
        table.index.add(node, terms, weights)
    hashed.clear()
    for index, (a, b, first) in enumerate(zip(links.left, links.right, links.first, strict=True)):
        contribution = table.contribution(a, b, first)
        links.contribution[index] = contribution
        if contribution:
            graph.add_score(a, b, contribution)
    copies, unknown = copy_pairs(table, range(len(table)), must_link)
    if unknown:
        log.info("cluster: %d must-link pairs name articles not in this batch", unknown)
    graph.unite_all(copies)
    merges = graph.merge_all(options.link_threshold)
    log.debug("cluster: %d articles, %d pairs, %d merges", len(table), len(links.first), merges)
    return build_stories(table, graph, links.scored(), copies)
