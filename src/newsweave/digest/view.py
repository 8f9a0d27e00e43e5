"""A stored story as the digest shows it: headline, dates, counts, cited summary, sources.

One data function, :func:`story_digest`, feeds every output format (:mod:`.render`), so the JSON
is exactly what the text, Markdown and HTML show.  Nothing is recomputed: a story without a
stored summary has no lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from newsweave.errors import NotFoundError
from newsweave.model import Story
from newsweave.store import Store

__all__ = [
    "SourceLine",
    "StoryDigest",
    "SummaryLine",
    "resolve_story_id",
    "sort_time",
    "story_digest",
    "story_digests",
]

_CLUSTERED = (
    "Stories were formed by story clustering: articles are grouped by the terms and names they "
    "share, the articles both are most similar to, and their dates; copies found by reuse "
    "detection always share a story."
)
GROUPING_NOTES = {  # by digest grouping and by story method
    "collection": "Stories are the input collections (folder, feed, WARC file or cluster id), "
    "not found by story clustering (digest --grouping collection).",
    "stories": _CLUSTERED,
    "cluster": _CLUSTERED,
}


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One article of the story, numbered by publication time: what citation markers point at."""

    number: int
    article_id: str
    outlet: str | None
    title: str
    published: datetime | None
    url: str | None


@dataclass(frozen=True, slots=True)
class SummaryLine:
    text: str
    sources: tuple[int, ...]  # numbers of the articles that carry this sentence
    n_origins: int  # independent origins among them


@dataclass(frozen=True, slots=True)
class StoryDigest:
    id: str
    headline: str
    first_published: datetime | None
    last_published: datetime | None
    n_articles: int
    n_outlets: int
    n_origins: int
    grouping: str
    note: str  # how the story was formed, in words ("" when it needs no saying)
    method: str | None  # the summary's method, None when the story has no summary yet
    word_budget: int | None
    lines: tuple[SummaryLine, ...]
    sources: tuple[SourceLine, ...]

    @property
    def n_words(self) -> int:
        return sum(len(line.text.split()) for line in self.lines)


def story_digest(store: Store, story_id: str) -> StoryDigest:
    """The digest of a stored story (:class:`~newsweave.errors.NotFoundError` if unknown)."""
    return _digest(store, store.get_story(story_id))


def story_digests(store: Store, story_ids: Iterable[str] | None = None) -> list[StoryDigest]:
    """Digests of the given stories, or of every story, by first publication then id."""
    stories = store.stories() if story_ids is None else [store.get_story(i) for i in story_ids]
    return [_digest(store, s) for s in stories]


def resolve_story_id(store: Store, ref: str) -> str:
    """The id of the one stored story whose id is ``ref`` or starts with it."""
    ref = ref.strip().lower()
    if not ref:
        raise NotFoundError("no story id given")
    found = [s.id for s in store.stories() if s.id.startswith(ref)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"no story {ref!r}; `newsweave stories` lists them")
    raise NotFoundError(f"{ref!r} starts {len(found)} story ids; give more of it")


def _digest(store: Store, story: Story) -> StoryDigest:
    headers = sorted(
        store.article_headers(story.article_ids), key=lambda h: (sort_time(h.published), h.id)
    )
    number = {h.id: n for n, h in enumerate(headers, start=1)}
    sources = tuple(
        SourceLine(number[h.id], h.id, h.source, h.title, h.published, h.url) for h in headers
    )
    summary = store.get_summary(story.id)
    lines: tuple[SummaryLine, ...] = ()
    headline = story.title
    if summary is not None:
        lines = tuple(
            SummaryLine(
                s.text,
                tuple(sorted(number[a] for a in s.article_ids if a in number)),
                s.n_origins,
            )
            for s in summary.sentences
        )
        # the headline of the article that carries most of the summary (the earliest on a tie)
        carried = Counter(a for s in summary.sentences for a in s.article_ids if a in number)
        titled = [h for h in headers if h.title and carried[h.id]]
        if titled:
            headline = max(titled, key=lambda h: (carried[h.id], -number[h.id])).title
    return StoryDigest(
        id=story.id,
        headline=headline or (headers[0].title if headers else "") or "(untitled story)",
        first_published=story.first_published,
        last_published=story.last_published,
        n_articles=len(story.article_ids),
        n_outlets=story.n_outlets,
        n_origins=story.n_origins,
        grouping=story.method,
        note=GROUPING_NOTES.get(story.method, ""),
        method=summary.method if summary is not None else None,
        word_budget=summary.word_budget if summary is not None else None,
        lines=lines,
        sources=sources,
    )


def sort_time(value: datetime | None) -> datetime:
    """An aware time to sort by; unknown times sort last."""
    if value is None:
        return datetime.max.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
