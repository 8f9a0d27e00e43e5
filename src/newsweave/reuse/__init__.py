"""Reuse detection and provenance: copies, rewrites, who copied whom, and independent origins.

The stage in one call::

    links = detect_reuse(articles, ReuseOptions())          # list[ReuseLink]

A :class:`~newsweave.model.ReuseLink` joins two articles that share text: ``kind`` EXACT (same
clean text), NEAR_DUPLICATE (both mostly aligned) or PASSAGE (some sentences copied, trimmed or
reworded); ``passages`` are the aligned sentences as :class:`~newsweave.model.AlignedPassage`
(character spans on both sides, ``kind`` identical / trimmed / reworded, a 0..1 score: the
sentence scorer's value halved); ``jaccard`` and the two ``containment_*`` are shingle overlaps;
``score`` is the share of the more-covered article inside aligned passages.  With
``direction`` DERIVED, ``target`` copied ``source``; with UNKNOWN the evidence did not say.
``evidence`` lists the reasons in words (wire credits, "according to …", publication times,
one-way containment, patchwork, rarer spun variants, wire sources, shared dateline).

For the summarizer (and anything counting sources):

``origins(articles, links) -> dict[article_id, origin_id]``
    copies fold into the article they copy; independent articles are their own origin.
``story_provenance(articles, links) -> StoryProvenance``
    a story's articles, outlets and independent origins (``n_origins`` for ``Story``).
``sentence_groups(articles, sentences, links, options=None, vectors=None) -> list[SentenceGroup]``
    every sentence of ``articles`` in exactly one group of sentences that say the same thing
    (aligned by a link, or scored equivalent by :func:`pair_score`), never two of one article.
    Each :class:`GroupMember` carries its span and ``origin_id``; the group's
    ``origins`` are the independent origins supporting it — weight a unit by ``n_origins``,
    not by its number of members.  ``sentences`` by article id must be the segmentation the
    caller uses (``segment_article``); ``vectors`` by article id (one unit row per sentence)
    lets the caller share embeddings it already computed.
``copy_groups(links) -> list[tuple[article_id, ...]]``
    articles connected by any reuse link.

``score_pairs(pairs, embedder)`` scores sentence pairs (the ``pairs`` evaluation method).
Options are one frozen :class:`ReuseOptions`; give it ``embedder=get_embedder("minilm")`` for
semantic scoring (slower), or leave ``None`` for the lexical scorer.
"""

from newsweave.reuse.detect import ReuseOptions
from newsweave.reuse.normalize import normalize
from newsweave.reuse.similarity import pair_score, score_pairs
from newsweave.reuse.stage import (
    GroupMember,
    SentenceGroup,
    StoryProvenance,
    copy_groups,
    detect_reuse,
    origins,
    sentence_groups,
    story_provenance,
)

__all__ = [
    "GroupMember",
    "ReuseOptions",
    "SentenceGroup",
    "StoryProvenance",
    "copy_groups",
    "detect_reuse",
    "normalize",
    "origins",
    "pair_score",
    "score_pairs",
    "sentence_groups",
    "story_provenance",
]
