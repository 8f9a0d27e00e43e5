"""Per-item functions of the run plan: the one place where the engines call stage code.

Every function here takes one item (an input file, a document, an article, a group) and the
stage's options, and calls the stage functions of :mod:`newsweave.ingest`,
:mod:`newsweave.clean`, :mod:`newsweave.segment`, ...; :mod:`newsweave.engines.plan` moves the
items between them with the engine's operations.  Nothing here re-implements a stage.

Per story, :func:`story_work` calls the summarizer and the quote stage on the story's articles.

Cleaning has one step that looks across articles: lines repeated across many articles of one
outlet are boilerplate.  :func:`newsweave.clean.clean` counts them over a sliding window of the
input stream; a distributed run has no stream order, so the plan counts them over the whole
input instead, with the clean stage's own parts: :func:`prepare` (per document), :func:`lines`
(the short lines of a prepared document, as the clean stage counts them), a global count per
outlet (:class:`RepeatCounts`), and :func:`finish` (per document, given the counts), which
applies the clean stage's own thresholds.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from newsweave.clean import CleanOptions, clean_document
from newsweave.clean import _Counts as CleanCounts
from newsweave.clean import _Draft as Draft
from newsweave.clean import _finish as finish_draft
from newsweave.clean import _prepare as prepare_draft
from newsweave.clean import _repeated_lines as repeated_lines
from newsweave.entities import EntityOptions
from newsweave.ingest import IngestOptions, RawDocument, Rejection, read_file
from newsweave.model import Article, Entity, Quote, ReuseLink, Sentence, Story, Summary
from newsweave.quotes import QuoteOptions, quote_story
from newsweave.reuse import origins
from newsweave.segment import SegmentOptions, segment_article
from newsweave.summarize import SummarizeOptions, default_origins, summarize_story

__all__ = [
    "Draft",
    "Order",
    "Rejected",
    "RepeatCounts",
    "StoryWork",
    "collection_story",
    "finish",
    "lines",
    "prepare",
    "read",
    "repeats_on",
    "segment",
    "story_work",
]

log = logging.getLogger(__name__)

# Where an item came from, for "keep the first of duplicates": (file index, record index).
Order = tuple[int, int]
# A line of an outlet's articles, hashed: (outlet, 64-bit hash of the line's key).
LineKey = tuple[str, int]


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that did not become an article: the step that turned it down, and why."""

    step: str  # "read", "clean" or "segment"
    rejection: Rejection


# --- ingest -----------------------------------------------------------------------------------


def read(
    index: int, name: str, local: Path, options: IngestOptions
) -> Iterator[tuple[Order, RawDocument | Rejected]]:
    """The records of one input file, numbered, with origins naming ``name``.

    ``local`` is the file to open: ``name`` itself, or a temporary copy of a remote file, whose
    path is replaced by ``name`` in every origin and reason.
    """
    copy = str(local)
    for number, item in enumerate(read_file(local, options)):
        if isinstance(item, Rejection):
            if copy != name:
                item = Rejection(
                    item.origin.replace(copy, name, 1), item.reason.replace(copy, name)
                )
            yield (index, number), Rejected("read", item)
        else:
            yield (index, number), _renamed(item, copy, name) if copy != name else item


def _renamed(doc: RawDocument, copy: str, name: str) -> RawDocument:
    return replace(doc, origin=doc.origin.replace(copy, name, 1))


# --- clean ------------------------------------------------------------------------------------


def repeats_on(options: CleanOptions) -> bool:
    """Whether the clean stage looks for lines repeated across articles (``clean`` does)."""
    return options.boilerplate and options.repeat_window > 0


def prepare(
    item: tuple[Order, RawDocument | Rejected], options: CleanOptions
) -> tuple[Order, Draft | Article | Rejected]:
    """The clean stage's first pass over one document (body, units, per-line verdicts); the
    whole clean stage when it looks for no repeated lines (the article passes on as it is)."""
    order, doc = item
    if isinstance(doc, Rejected):
        return order, doc
    done = prepare_draft(doc, options) if repeats_on(options) else clean_document(doc, options)
    return order, Rejected("clean", done) if isinstance(done, Rejection) else done


def lines(
    item: tuple[Order, Draft | Article | Rejected],
) -> Iterator[tuple[tuple[str, str], tuple[int, ...]]]:
    """``((outlet, body digest), line hashes)`` of a prepared document with an outlet.

    The lines are those the clean stage counts (short ones); the body digest lets the count
    take an article that appears twice once, as the clean stage does.
    """
    _, draft = item
    if not isinstance(draft, Draft) or draft.outlet is None:
        return
    counted = CleanCounts.of([draft]).lines
    digest = hashlib.blake2b(draft.body.encode("utf-8"), digest_size=16).hexdigest()
    yield (draft.outlet, digest), tuple(sorted(_hash64(key) for _, key in counted))


@dataclass(frozen=True, slots=True)
class RepeatCounts:
    """Articles per outlet, and per (outlet, line) the articles holding the line — only the
    lines held by at least ``repeat_min_docs`` articles (the others cannot be repeats)."""

    docs: dict[str, int]
    lines: dict[LineKey, int]


def finish(
    item: tuple[Order, Draft | Article | Rejected], counts: RepeatCounts, options: CleanOptions
) -> tuple[Order, Article | Rejected]:
    """The clean stage's second pass over one document: drop its repeated lines, build it."""
    order, draft = item
    if not isinstance(draft, Draft):
        return order, draft
    repeated: frozenset[str] = frozenset()
    outlet = draft.outlet
    if outlet is not None and repeats_on(options):
        found: Counter[tuple[str, str]] = Counter()
        for unit in draft.units:
            n = counts.lines.get((outlet, _hash64(unit.key)))
            if n:
                found[(outlet, unit.key)] = n
        window = CleanCounts(Counter({outlet: counts.docs.get(outlet, 0)}), found)
        repeated = repeated_lines(draft, window, None, options)
    done = finish_draft(draft, repeated, options)
    return order, Rejected("clean", done) if isinstance(done, Rejection) else done


# --- segment ----------------------------------------------------------------------------------


def segment(
    article: Article, options: SegmentOptions | None
) -> tuple[Article, list[Sentence]] | Rejected:
    """An article with its sentences, or a rejection saying the splitter failed on it."""
    try:
        return article, segment_article(article, options)
    except Exception as exc:  # one odd text must not stop a run of millions
        log.warning("sentence splitting failed on %s", article.origin or article.id, exc_info=True)
        reason = f"sentence splitting failed: {str(exc) or type(exc).__name__}"
        return Rejected("segment", Rejection(article.origin or article.id, reason))


# --- stories: grouping, then summaries and who said what per story ----------------------------

STORY_BY_COLLECTION = "collection"  # Story.method of stories that are input collections


def _time(article: Article) -> tuple[bool, datetime, str]:
    """Sort key: dated first by naive UTC time, then undated; ties by id."""
    when = article.published
    if when is None:
        return True, datetime.max, article.id
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return False, when, article.id


def collection_story(articles: Sequence[Article]) -> Story:
    """The story of one input collection: its articles in time order, titled by the first
    report, its outlets, and its independent origins (verbatim copies fold into the first)."""
    ordered = sorted(articles, key=_time)
    dated = [a.published for a in ordered if a.published is not None]
    return Story(
        id=Story.make_id(a.id for a in ordered),
        article_ids=tuple(a.id for a in ordered),
        title=ordered[0].title,
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        n_outlets=len({a.source for a in ordered if a.source}),
        n_origins=len(set(default_origins(ordered).values())),
        method=STORY_BY_COLLECTION,
    )


@dataclass(frozen=True, slots=True)
class StoryWork:
    """What the per-story stages made of one story."""

    story: Story
    summary: Summary
    quotes: tuple[Quote, ...]
    entities: tuple[Entity, ...]


def story_work(
    story: Story,
    members: Sequence[tuple[Article, Sequence[Sentence]]],
    summarize: SummarizeOptions,
    quotes: QuoteOptions,
    entities: EntityOptions,
    links: Sequence[ReuseLink] | None = None,
) -> StoryWork:
    """A story's cited summary (:func:`newsweave.summarize.summarize_story`) and its quotes
    with speakers resolved to the story's entities (:func:`newsweave.quotes.quote_story`).

    With ``links`` (the reuse links among the story's articles, possibly none) the summary
    counts independent origins as :func:`newsweave.reuse.origins` finds them; without (no reuse
    step), the summarizer folds verbatim copies itself."""
    by_id = {a.id: (a, s) for a, s in members}
    articles = [by_id[i][0] for i in story.article_ids]
    sentences = {i: by_id[i][1] for i in story.article_ids}
    origin_of = None
    if links is not None:
        ordered = sorted(links, key=lambda k: (k.source_id, k.target_id))
        origin_of = origins(articles, ordered)
    summary = summarize_story(
        articles, summarize, story_id=story.id, sentences=sentences, origins=origin_of
    )
    said = quote_story(articles, quotes, entities)
    return StoryWork(story, summary, said.quotes, said.entities)
