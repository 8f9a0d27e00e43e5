"""A stored story as the digest shows it: headline, dates, counts, cited summary, sources,
who said what and the people, places and organisations involved.

One data function, :func:`story_digest`, feeds every output format (:mod:`.render`), so the JSON
is exactly what the text, Markdown and HTML show.  The summary is never recomputed: a story
without a stored summary has no lines.  Who said what and the entities are found from the
stored articles when the digest is made (:func:`newsweave.quotes.quote_story`: rules, a few
milliseconds an article, the same output for the same articles), so they always match the
articles the story holds now.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from newsweave.entities import EntityOptions
from newsweave.errors import NotFoundError
from newsweave.model import Citation, EntityType, Story
from newsweave.quotes import QuoteGroup, QuoteOptions, StoryQuotes, is_statement, quote_story
from newsweave.store import Store

__all__ = [
    "EntityLine",
    "QuoteLine",
    "QuoteVariant",
    "SourceLine",
    "SpeakerLine",
    "StoryDigest",
    "SummaryLine",
    "entity_lines",
    "resolve_story_id",
    "sort_time",
    "story_digest",
    "story_digests",
    "who_said_what",
]

# How much of who-said-what and of the entities a digest lists (the rest is counted): enough for
# a story of a few dozen articles to read in full, short enough for a digest of many stories.
MAX_SPEAKERS = 12  # speakers listed, the most quoted first; unattributed quotes last
MAX_QUOTES = 6  # remarks listed per speaker, the most widely carried first
MAX_ENTITIES = 10  # people, organisations and places listed per type, the most mentioned first
# Speakers written as these words name nobody until the quotes stage resolves them.
_ARTICLE = re.compile(r"^(?:the|a|an)\s+")  # a leading article of a speaker written as words
_PRONOUNS = frozenset(["he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "who"])
ENTITY_TYPES = (EntityType.PER, EntityType.ORG, EntityType.LOC)

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
    citations: tuple[Citation, ...] = ()  # each carrying sentence: article, index, offsets


@dataclass(frozen=True, slots=True, order=True)
class QuoteVariant:
    """An article that words a remark otherwise (a misquote, a translation, a paraphrase)."""

    number: int  # the article's number among the sources
    text: str  # its wording


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One remark as the story's articles carry it."""

    text: str  # the wording most articles carry, as printed (quotation marks included)
    direct: bool  # quoted words in at least one article; otherwise reported speech
    sources: tuple[int, ...]  # numbers of every article that carries it, in any wording
    # Articles that do not also print the usual wording, and word it otherwise (beyond
    # trimming), or print only part of it.
    variants: tuple[QuoteVariant, ...] = ()
    trimmed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SpeakerLine:
    name: str  # the speaker entity's canonical name, the words as written, or "" for nobody
    entity_id: str | None
    n_remarks: int  # every remark credited to this speaker (``quotes`` lists the first ones)
    quotes: tuple[QuoteLine, ...]


@dataclass(frozen=True, slots=True)
class EntityLine:
    """A person, organisation or place of the story, its names merged across articles."""

    name: str  # canonical name
    type: EntityType
    mentions: int  # mentions across the story's articles (names, descriptions, pronouns)
    sources: tuple[int, ...]  # numbers of the articles that mention it
    aliases: tuple[str, ...] = ()  # the other names it goes by


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
    # Who said what, and the entities: None when the digest was made without them
    # (``story_digests(..., quotes=False)``, for listings).
    speakers: tuple[SpeakerLine, ...] | None = None
    n_speakers: int = 0  # speakers in all, ``speakers`` lists the first MAX_SPEAKERS
    n_remarks: int = 0  # remarks in all (a remark carried by ten articles counts once)
    entities: tuple[EntityLine, ...] | None = None  # people, then organisations, then places
    # In all, per type: ``entities`` lists the first MAX_ENTITIES of each.
    n_people: int = 0
    n_organisations: int = 0
    n_places: int = 0

    @property
    def n_words(self) -> int:
        return sum(len(line.text.split()) for line in self.lines)


def story_digest(store: Store, story_id: str, *, quotes: bool = True) -> StoryDigest:
    """The digest of a stored story (:class:`~newsweave.errors.NotFoundError` if unknown);
    without ``quotes``, who said what and the entities are left out (None)."""
    return _digest(store, store.get_story(story_id), quotes)


def story_digests(
    store: Store, story_ids: Iterable[str] | None = None, *, quotes: bool = True
) -> list[StoryDigest]:
    """Digests of the given stories, or of every story, by first publication then id."""
    stories = store.stories() if story_ids is None else [store.get_story(i) for i in story_ids]
    return [_digest(store, s, quotes) for s in stories]


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


def _digest(store: Store, story: Story, quotes: bool) -> StoryDigest:
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
                tuple(c for c in s.citations if c.article_id in number),
            )
            for s in summary.sentences
        )
        # the headline of the article that carries most of the summary (the earliest on a tie)
        carried = Counter(a for s in summary.sentences for a in s.article_ids if a in number)
        titled = [h for h in headers if h.title and carried[h.id]]
        if titled:
            headline = max(titled, key=lambda h: (carried[h.id], -number[h.id])).title
    speakers: list[SpeakerLine] | None = None
    entities: dict[EntityType, list[EntityLine]] | None = None
    if quotes:
        found = quote_story(store.get_articles(story.article_ids), QuoteOptions(), EntityOptions())
        speakers = who_said_what(found, number)
        entities = entity_lines(found, number)
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
        speakers=None if speakers is None else tuple(speakers[:MAX_SPEAKERS]),
        n_speakers=len(speakers or ()),
        n_remarks=sum(s.n_remarks for s in speakers or ()),
        entities=None
        if entities is None
        else tuple(e for t in ENTITY_TYPES for e in entities[t][:MAX_ENTITIES]),
        n_people=len(entities[EntityType.PER]) if entities else 0,
        n_organisations=len(entities[EntityType.ORG]) if entities else 0,
        n_places=len(entities[EntityType.LOC]) if entities else 0,
    )


def speaker_key(name: str) -> str:
    """One key for the spellings of a speaker the quotes stage left as words: "Police" and
    "police", "The union" and "the union" are one speaker until the stage resolves them."""
    return _ARTICLE.sub("", name.casefold())


def usual_spelling(forms: Counter[str]) -> str:
    """The most used of a speaker's spellings, capitalised before lower case on a tie."""
    return max(forms, key=lambda form: (forms[form], form[:1].isupper(), form))


def who_said_what(found: StoryQuotes, number: dict[str, int]) -> list[SpeakerLine]:
    """The story's remarks by speaker: named speakers first, the most quoted (by articles,
    then remarks) first; quotes credited to nobody, or to an unresolved pronoun, last.  Only
    statements are listed (:func:`newsweave.quotes.is_statement`): quoted words, and reported
    speech after a verb of saying.

    ``number`` gives each article's number among the sources.
    """
    by_speaker: dict[tuple[str, str | None], list[QuoteGroup]] = {}
    written: dict[tuple[str, str | None], Counter[str]] = {}
    for group in found.groups:
        if not any(is_statement(q) for q in group.quotes):
            continue  # "backed by Iran", "opposed to Assad": an attribution, not a statement
        name = " ".join((group.speaker or "").split())
        if group.entity_id is None and name.casefold() in _PRONOUNS:
            name = ""
        key = (name if group.entity_id else speaker_key(name), group.entity_id if name else None)
        by_speaker.setdefault(key, []).append(group)
        written.setdefault(key, Counter())[name] += len(group.quotes)
    ranked = []
    for key, groups in by_speaker.items():
        name, entity_id = usual_spelling(written[key]), key[1]
        lines = sorted(
            (_quote_line(g, number) for g in groups),
            key=lambda q: (-len(q.sources), not q.direct, q.sources, q.text),
        )
        n_articles = len({n for q in lines for n in q.sources})
        speaker = SpeakerLine(name, entity_id, len(lines), tuple(lines[:MAX_QUOTES]))
        ranked.append(
            ((name == "", -n_articles, -len(lines), name.casefold(), entity_id or ""), speaker)
        )
    return [speaker for _, speaker in sorted(ranked, key=lambda r: r[0])]


def _quote_line(group: QuoteGroup, number: dict[str, int]) -> QuoteLine:
    of = {q.id: number.get(q.article_id, 0) for q in group.quotes}
    texts = {q.id: q.text for q in group.quotes}
    odd = set(group.variant_ids) | set(group.excerpt_ids)
    usual = {of[q.id] for q in group.quotes if q.id not in odd}  # articles with the usual words
    return QuoteLine(
        text=group.text,
        direct=group.direct,
        sources=tuple(sorted(set(of.values()) - {0})),
        variants=tuple(
            sorted(
                {
                    QuoteVariant(of[i], texts[i])
                    for i in group.variant_ids
                    if of[i] and of[i] not in usual
                }
            )
        ),
        trimmed=tuple(sorted({of[i] for i in group.excerpt_ids if of[i] and of[i] not in usual})),
    )


def entity_lines(found: StoryQuotes, number: dict[str, int]) -> dict[EntityType, list[EntityLine]]:
    """The story's people, organisations and places, each type the most widely mentioned first
    (by articles, then mentions, then name)."""
    out: dict[EntityType, list[EntityLine]] = {t: [] for t in ENTITY_TYPES}
    for entity in found.entities:
        if entity.type not in out or not entity.mentions:
            continue
        sources = tuple(
            sorted(
                {number[m.span.article_id] for m in entity.mentions if m.span.article_id in number}
            )
        )
        aliases = tuple(a for a in entity.aliases if a != entity.name)
        out[entity.type].append(
            EntityLine(entity.name, entity.type, len(entity.mentions), sources, aliases)
        )
    for lines in out.values():
        lines.sort(key=lambda e: (-len(e.sources), -e.mentions, e.name.casefold(), e.name))
    return out


def sort_time(value: datetime | None) -> datetime:
    """An aware time to sort by; unknown times sort last."""
    if value is None:
        return datetime.max.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
