"""What each web page shows, as data: one function per page, reading the store protocol only.

Every HTML page and its JSON twin are built from the same function here (``stories_view``,
``story_view``, ``article_view``, ``search_view``, ``articles_view``); routes only parse the
request and render.  The view types are frozen dataclasses, so FastAPI documents them in the
OpenAPI schema and the JSON is exactly their fields.

Nothing here invents data: a story without a summary has ``summary=None``; a store without
reuse links gives articles the role ``"unknown"``, not ``"origin"``; the pages then say which
stage has not run yet.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from newsweave.digest.view import GROUPING_NOTES, speaker_key, usual_spelling
from newsweave.errors import ConfigError, NotFoundError
from newsweave.model import (
    Article,
    Entity,
    EntityType,
    Quote,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Sentence,
    Story,
    Summary,
)
from newsweave.quotes import group_quotes, is_statement
from newsweave.reuse import origins
from newsweave.segment import words
from newsweave.store import ArticleHeader, EntityCount, Store, StorySlice
from newsweave.web.layout import (
    EdgeSpec,
    NodeSpec,
    ProvenanceGraph,
    Timeline,
    layout_graph,
    layout_timeline,
)

__all__ = [
    "ArticleListView",
    "ArticleRef",
    "ArticleView",
    "EntityRef",
    "SearchView",
    "StoriesView",
    "StoryFilters",
    "StoryView",
    "article_view",
    "articles_view",
    "search_view",
    "stories_view",
    "story_view",
]

log = logging.getLogger(__name__)

STORIES_PER_PAGE = 25
ARTICLES_PER_PAGE = 50
MAX_PAGE = 100_000  # deeper pages are refused as bad input
OUTLETS_OFFERED = 200  # outlets listed in the filter; with more, the filter takes a typed name
TOP_ENTITIES = 5  # entity chips per row of the stories page
STORY_ENTITIES = 60  # entities listed on a story page
SEARCH_RESULTS = 30
SEARCH_ENTITIES = 8
SEARCH_QUOTES = 500  # quotes read per matching speaker (grouped into statements for display)
MAX_QUERY_CHARS = 300
MAX_SPEAKERS = 40  # speakers listed under "who said what"; the rest are counted
MAX_STATEMENTS = 12  # statements listed per speaker; the rest are counted
# Copies of a whole article (rather than borrowed passages) make the copy a non-origin.
COPY_KINDS = frozenset({ReuseKind.EXACT, ReuseKind.NEAR_DUPLICATE})
# Speakers written as these words name nobody until the quotes stage resolves them.
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "i",
        "we",
        "you",
        "him",
        "her",
        "them",
        "his",
        "hers",
        "their",
        "one",
        "who",
        "this",
        "that",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)


# --- small records shared by the pages --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article as other pages point at it."""

    id: str
    title: str
    source: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity and in how many of the articles at hand it is mentioned."""

    id: str
    name: str
    type: EntityType
    n_articles: int
    n_mentions: int


@dataclass(frozen=True, slots=True)
class StoryRef:
    id: str
    title: str
    first_published: datetime | None
    last_published: datetime | None
    n_articles: int


def _ref(header: ArticleHeader | Article) -> ArticleRef:
    return ArticleRef(header.id, header.title, header.source, header.published)


def _entity(count: EntityCount) -> EntityRef:
    return EntityRef(count.id, count.name, count.type, count.n_articles, count.n_mentions)


def _instant(value: datetime | None) -> float:
    if value is None:
        return math.inf
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _story_ref(story: Story, headline: str) -> StoryRef:
    return StoryRef(
        story.id, headline, story.first_published, story.last_published, len(story.article_ids)
    )


def _headlines(store: Store, stories: Sequence[Story]) -> dict[str, str]:
    """Each story's title, or the title of its first article where the story has none."""
    untitled = [s for s in stories if not s.title.strip() and s.article_ids]
    firsts = store.article_headers(dict.fromkeys(s.article_ids[0] for s in untitled))
    title_of = {h.id: h.title for h in firsts}
    return {
        s.id: s.title.strip() or (title_of.get(s.article_ids[0], "") if s.article_ids else "")
        for s in stories
    }


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _check_page(page: int) -> int:
    if not 1 <= page <= MAX_PAGE:
        raise ConfigError(f"page must be between 1 and {MAX_PAGE}, not {page}")
    return page


# --- the stories page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryFilters:
    """What the stories page is asked for; every field optional."""

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    entity: str | None = None  # an entity id, or a name (the best matching entity is used)
    page: int = 1


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: str
    headline: str  # the story's title, else its first article's title
    title: str  # the story's own title, "" when the clustering stage gave none
    first_published: datetime | None
    last_published: datetime | None
    n_articles: int
    n_outlets: int
    n_origins: int  # 0: provenance not computed for this story
    method: str
    top_entities: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class OutletRef:
    name: str
    n_articles: int


@dataclass(frozen=True, slots=True)
class StoriesView:
    filters: StoryFilters
    entity: EntityRef | None  # the entity filtered on, when it exists
    total: int  # stories matching the filters
    page: int
    pages: int
    per_page: int
    stories: tuple[StoryRow, ...]
    n_articles: int  # in the whole store
    n_stories: int  # in the whole store
    outlets: tuple[OutletRef, ...]  # outlets to offer in the filter: the largest, by name
    n_outlets: int  # outlets in the store


def _find_entity(store: Store, ref: str) -> EntityRef | None:
    """The entity with id ``ref``, else the best match for ``ref`` as a name or alias."""
    try:
        entity = store.get_entity(ref)
    except NotFoundError:
        matches = store.find_entities(ref, limit=1)
        return _entity(matches[0]) if matches else None
    return EntityRef(
        entity.id,
        entity.name,
        entity.type,
        len({m.span.article_id for m in entity.mentions}),
        len(entity.mentions),
    )


def stories_view(store: Store, filters: StoryFilters = StoryFilters()) -> StoriesView:
    """Stories newest first, filtered by days, outlet and entity, one page at a time."""
    _check_page(filters.page)
    if filters.since and filters.until and filters.since > filters.until:
        raise ConfigError(
            f"the date range is empty: from {filters.since} is after to {filters.until}"
        )
    entity = _find_entity(store, filters.entity) if filters.entity is not None else None
    if filters.entity is not None and entity is None:
        found = StorySlice(0, ())  # the filter names no known entity: nothing matches
    else:
        found = store.find_stories(
            since=filters.since,
            until=filters.until,
            outlet=filters.outlet,
            entity_id=entity.id if entity is not None else None,
            limit=STORIES_PER_PAGE,
            offset=(filters.page - 1) * STORIES_PER_PAGE,
        )
    unfiltered = filters == StoryFilters(page=filters.page)
    n_stories = found.total if unfiltered else store.find_stories(limit=0).total
    headlines = _headlines(store, found.stories)
    rows = tuple(
        StoryRow(
            id=s.id,
            headline=headlines[s.id],
            title=s.title,
            first_published=s.first_published,
            last_published=s.last_published,
            n_articles=len(s.article_ids),
            n_outlets=s.n_outlets,
            n_origins=s.n_origins,
            method=s.method,
            top_entities=tuple(
                _entity(c) for c in store.entity_counts(s.article_ids, limit=TOP_ENTITIES)
            ),
        )
        for s in found.stories
    )
    outlets = store.outlets()
    offered = sorted(
        (OutletRef(o.name, o.n_articles) for o in outlets), key=lambda o: (-o.n_articles, o.name)
    )[:OUTLETS_OFFERED]
    return StoriesView(
        filters=filters,
        entity=entity,
        total=found.total,
        page=filters.page,
        pages=_pages(found.total, STORIES_PER_PAGE),
        per_page=STORIES_PER_PAGE,
        stories=rows,
        n_articles=store.count_articles(),
        n_stories=n_stories,
        outlets=tuple(sorted(offered, key=lambda o: o.name)),
        n_outlets=len(outlets),
    )


# --- the articles page (a store without stories can still be browsed) -------------------------


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    title: str
    source: str | None
    published: datetime | None
    collection: str | None
    n_sentences: int
    lead: str


@dataclass(frozen=True, slots=True)
class ArticleListView:
    total: int
    page: int
    pages: int
    per_page: int
    articles: tuple[ArticleRow, ...]


def articles_view(store: Store, page: int = 1) -> ArticleListView:
    """Every stored article, by collection, date and outlet, one page at a time."""
    _check_page(page)
    total = store.count_articles()
    headers = store.list_articles(limit=ARTICLES_PER_PAGE, offset=(page - 1) * ARTICLES_PER_PAGE)
    return ArticleListView(
        total=total,
        page=page,
        pages=_pages(total, ARTICLES_PER_PAGE),
        per_page=ARTICLES_PER_PAGE,
        articles=tuple(
            ArticleRow(h.id, h.title, h.source, h.published, h.collection, h.n_sentences, h.lead)
            for h in headers
        ),
    )


# --- the story page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRow:
    """An article of the story, numbered by publication time (citation markers use the number)."""

    number: int
    id: str
    title: str
    source: str | None
    published: datetime | None
    byline: str | None
    url: str | None
    role: str  # "origin", "copy" (of another article of the story), or "unknown" (not computed)
    copy_of: tuple[str, ...]  # ids of the articles it copies whole
    reuses: tuple[str, ...]  # ids of articles it took passages from
    shares_with: tuple[str, ...]  # ids of articles it shares text with, direction unknown
    n_copied_by: int  # articles of the story derived from it


@dataclass(frozen=True, slots=True)
class CitedSentence:
    sentence_index: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one cited article says in support of a summary sentence, with a sentence of context."""

    article_id: str
    number: int
    sentences: tuple[CitedSentence, ...]
    before: str  # the sentence before the first cited one ("" at the start)
    after: str  # the sentence after the last cited one


@dataclass(frozen=True, slots=True)
class SummaryLine:
    position: int
    text: str
    n_origins: int
    evidence: tuple[Evidence, ...]  # one per cited article, by article number


@dataclass(frozen=True, slots=True)
class SummaryView:
    method: str
    word_budget: int
    n_words: int
    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True, slots=True)
class QuoteCarrier:
    """One article's rendering of a statement."""

    article_id: str
    number: int
    quote_id: str
    text: str
    direct: bool
    start: int  # offset of the quote in the article (its page has an anchor there)
    variant: bool  # worded differently from the statement's usual wording
    excerpt: bool = False  # only part of the usual wording


@dataclass(frozen=True, slots=True)
class Statement:
    """Something a speaker said, as every article of the story carries it."""

    text: str  # the wording most articles carry (newsweave.quotes.group_quotes)
    direct: bool  # quoted words in at least one article (else reported speech)
    n_articles: int
    n_variants: int  # articles whose wording differs
    carriers: tuple[QuoteCarrier, ...]


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str  # the entity's name, or the speaker as written; "" for unattributed quotes
    entity_id: str | None
    n_articles: int
    n_quotes: int
    n_statements: int
    statements: tuple[Statement, ...]  # the most widely carried first, at most MAX_STATEMENTS


@dataclass(frozen=True, slots=True)
class StoryView:
    id: str
    headline: str
    title: str
    first_published: datetime | None
    last_published: datetime | None
    n_articles: int
    n_outlets: int
    n_origins: int
    method: str
    grouping_note: str  # how the story's articles were grouped, in words ("" needs no saying)
    provenance_known: bool  # reuse links exist for the story, or the stored story counts origins
    summary: SummaryView | None
    sources: tuple[SourceRow, ...]
    graph: ProvenanceGraph
    speakers: tuple[Speaker, ...]
    n_speakers: int
    n_quotes: int
    entities: tuple[EntityRef, ...]
    n_entities: int
    timeline: Timeline
    links: int = field(default=0)  # reuse links among the story's articles


def _roles(
    headers: Sequence[ArticleHeader],
    links: Sequence[ReuseLink],
    origin_of: Mapping[str, str] | None,
) -> dict[str, tuple[str, list[str], list[str], list[str], int]]:
    """Each article's role and its relations: (role, copy of, reuses, shares text with, copied
    by).  The role comes from the reuse stage's origins (``origin_of``), so the sources table
    counts origins the way the story does; None: reuse not computed, every role "unknown"."""
    copy_of: dict[str, list[str]] = {h.id: [] for h in headers}
    reuses: dict[str, list[str]] = {h.id: [] for h in headers}
    shares: dict[str, list[str]] = {h.id: [] for h in headers}
    copied_by: dict[str, int] = dict.fromkeys(copy_of, 0)
    for link in links:
        if link.direction is ReuseDirection.DERIVED:
            (copy_of if link.kind in COPY_KINDS else reuses)[link.target_id].append(link.source_id)
            copied_by[link.source_id] += 1
        else:
            shares[link.source_id].append(link.target_id)
            shares[link.target_id].append(link.source_id)
    roles = {}
    for i in copy_of:
        role = "unknown"
        if origin_of is not None:
            origin = origin_of.get(i, i)
            role = "origin" if origin == i else "copy"
            if role == "copy" and not copy_of[i]:  # folded into its origin by shared text
                copy_of[i].append(origin)
        roles[i] = (role, copy_of[i], reuses[i], shares[i], copied_by[i])
    return roles


def _origins(
    store: Store, story: Story, links: Sequence[ReuseLink], known: bool
) -> dict[str, str] | None:
    """The reuse stage's origin of each article of ``story`` (None when reuse has not run).

    Without links among them every article is its own origin; with links, the stage decides
    from the aligned passages and the articles' lengths and dates.  ``links`` come without
    their passages (a 500-article story has thousands); the stage reads passages only to
    measure how much of an article a link covers, which matters for links that do not carry
    a whole article and for an article copied from more than one source, so only those links
    are read again with their passages.
    """
    if not known:
        return None
    if not links:
        return {i: i for i in story.article_ids}
    copied_from = Counter(
        link.target_id
        for link in links
        if link.direction is ReuseDirection.DERIVED and link.kind in COPY_KINDS
    )
    measured = {
        link.id for link in links if link.kind not in COPY_KINDS or copied_from[link.target_id] > 1
    }
    if measured:
        ends = sorted(
            {i for link in links if link.id in measured for i in (link.source_id, link.target_id)}
        )
        full = {link.id: link for link in store.reuse_links(among=ends) if link.id in measured}
        links = [full.get(link.id, link) for link in links]
    linked = sorted({i for link in links for i in (link.source_id, link.target_id)})
    found = origins(store.get_articles(linked), links)
    return {i: found.get(i, i) for i in story.article_ids}


def _summary(store: Store, summary: Summary, number: dict[str, int]) -> SummaryView:
    cited_ids = sorted(
        {c.article_id for s in summary.sentences for c in s.citations},
        key=lambda i: number.get(i, 0),
    )
    sentences: dict[str, list[Sentence]] = {i: store.get_sentences(i) for i in cited_ids}
    texts: dict[str, str] = {}  # article texts, loaded only when a citation misses its sentence

    def sentence_text(article_id: str, index: int, start: int, end: int) -> str:
        found = sentences[article_id]
        if 0 <= index < len(found) and found[index].index == index:
            return found[index].text
        if article_id not in texts:
            texts[article_id] = store.get_article(article_id).text
        return texts[article_id][start:end]

    lines = []
    for position, line in enumerate(summary.sentences):
        by_article: dict[str, list[CitedSentence]] = {}
        for c in line.citations:
            by_article.setdefault(c.article_id, []).append(
                CitedSentence(
                    c.sentence_index,
                    c.start,
                    c.end,
                    sentence_text(c.article_id, c.sentence_index, c.start, c.end),
                    c.score,
                )
            )
        evidence = []
        for article_id in sorted(by_article, key=lambda i: number.get(i, 0)):
            cited = sorted(by_article[article_id], key=lambda c: c.sentence_index)
            found = sentences[article_id]
            first, last = cited[0].sentence_index, cited[-1].sentence_index
            before = found[first - 1].text if 0 < first <= len(found) else ""
            after = found[last + 1].text if 0 <= last + 1 < len(found) else ""
            evidence.append(
                Evidence(article_id, number.get(article_id, 0), tuple(cited), before, after)
            )
        lines.append(SummaryLine(position, line.text, line.n_origins, tuple(evidence)))
    return SummaryView(
        method=summary.method,
        word_budget=summary.word_budget,
        n_words=sum(len(s.text.split()) for s in summary.sentences),
        lines=tuple(lines),
    )


def _speaker_key(quote: Quote, names: dict[str, str]) -> tuple[str, str | None]:
    """(display name, entity id) of a quote's speaker; ("", None) when it names nobody."""
    if quote.entity_id is not None and quote.entity_id in names:
        return names[quote.entity_id], quote.entity_id
    written = " ".join((quote.speaker_text or "").split())
    if not written or written.casefold() in PRONOUNS:
        return "", None
    return written, None


def _wording(quote: Quote) -> str:
    """A quote's words without marks or case: what the quotes stage compares."""
    return " ".join(words(quote.text.replace("…", " ")))


@dataclass(frozen=True, slots=True)
class _Remark:
    """One remark across a story: its quotes, wording, speaker (see :func:`_remarks`)."""

    quotes: tuple[Quote, ...]
    ids: tuple[str, ...]  # the quotes' ids, in the same order
    text: str
    variants: frozenset[str]  # quote ids worded otherwise
    excerpts: frozenset[str]  # quote ids printing only part of it
    entity_id: str | None
    speaker: str | None


def _remarks(quotes: Sequence[Quote], entities: Sequence[Entity]) -> list[_Remark]:
    """The story's quotes as remarks, grouped by :func:`newsweave.quotes.group_quotes`.

    Copies repeat a quote word for word, and the stage compares every pair of quotes sharing a
    word triple, so 500 copies of a wire story cost it 500² comparisons.  It always merges two
    identical wordings of the same kind (direct or reported), so it is given one quote per
    wording and the copies are put back in its groups after; each remark's usual wording,
    variants, excerpts and speaker are then chosen over all copies the way the stage chooses
    them (the most carried wording; a member that trims it is an excerpt, one that words it
    otherwise a variant; the speaker most members name).
    """
    ordered = sorted(quotes, key=lambda q: (q.article_id, q.content.start, q.content.end))
    ids = [q.id for q in ordered]  # a quote's id is a hash: computed once here
    wordings = [_wording(q) for q in ordered]
    copies: dict[tuple[str, bool], list[int]] = {}
    for i, q in enumerate(ordered):
        copies.setdefault((wordings[i], q.direct), []).append(i)
    first = {ids[group[0]]: key for key, group in copies.items()}
    names = {e.id: e.name for e in entities}
    remarks = []
    for group in group_quotes([ordered[g[0]] for g in copies.values()], entities):
        members = sorted(i for rep in group.quotes for i in copies[first[rep.id]])
        texts = [wordings[i] for i in members]
        counts = Counter(texts)
        usual = max(counts, key=lambda t: (counts[t], len(t), t))
        shown = ordered[members[texts.index(usual)]]
        trims = {t for t in counts if t != usual and (t in usual or usual in t)}
        said = [ordered[i] for i in members]
        entities_named = Counter(q.entity_id for q in said if q.entity_id)
        entity_id = (
            max(entities_named, key=lambda k: (entities_named[k], k)) if entities_named else None
        )
        speaker = names.get(entity_id) if entity_id else None
        if speaker is None:
            spoken = Counter(q.speaker_text for q in said if q.speaker_text)
            speaker = max(spoken, key=lambda k: (spoken[k], k)) if spoken else None
        remarks.append(
            _Remark(
                quotes=tuple(said),
                ids=tuple(ids[i] for i in members),
                text=shown.text,
                variants=frozenset(
                    ids[i]
                    for i, t in zip(members, texts, strict=True)
                    if t != usual and t not in trims
                ),
                excerpts=frozenset(
                    ids[i] for i, t in zip(members, texts, strict=True) if t in trims
                ),
                entity_id=entity_id,
                speaker=speaker,
            )
        )
    return remarks


def _statement(remark: _Remark, number: dict[str, int]) -> Statement:
    carriers = tuple(
        QuoteCarrier(
            q.article_id,
            number.get(q.article_id, 0),
            quote_id,
            q.text,
            q.direct,
            q.content.start,
            variant=quote_id in remark.variants,
            excerpt=quote_id in remark.excerpts,
        )
        for q, quote_id in sorted(
            zip(remark.quotes, remark.ids, strict=True),
            key=lambda pair: (number.get(pair[0].article_id, 0), pair[0].content.start),
        )
    )
    return Statement(
        text=remark.text,
        direct=any(q.direct for q in remark.quotes),
        n_articles=len({q.article_id for q in remark.quotes}),
        n_variants=len({c.article_id for c in carriers if c.variant}),
        carriers=carriers,
    )


def _speakers(
    quotes: Sequence[Quote], entities: Sequence[EntityRef], number: dict[str, int]
) -> list[Speaker]:
    """Who said what: one statement per remark (across outlets), by speaker.  Only remarks
    with a statement among their quotes (:func:`newsweave.quotes.is_statement`: quoted words,
    or reported speech after a verb of saying) are listed, as in ``newsweave story``."""
    names = {e.id: e.name for e in entities}
    by_speaker: dict[tuple[str, str | None], list[_Remark]] = {}
    written: dict[tuple[str, str | None], Counter[str]] = {}
    for remark in _remarks(quotes, [Entity(e.id, e.name, e.type) for e in entities]):
        if not any(is_statement(q) for q in remark.quotes):
            continue  # a verb's object or a fragment, not something said (as digest lists)
        name = " ".join((remark.speaker or "").split())
        if remark.entity_id is not None and remark.entity_id in names:
            key: tuple[str, str | None] = (names[remark.entity_id], remark.entity_id)
            name = names[remark.entity_id]
        elif not name or name.casefold() in PRONOUNS:
            key, name = ("", None), ""  # names nobody until the quotes stage resolves it
        else:
            key = (speaker_key(name), None)
        by_speaker.setdefault(key, []).append(remark)
        written.setdefault(key, Counter())[name] += len(remark.quotes)
    speakers = []
    for key, remarks in by_speaker.items():
        name, entity_id = usual_spelling(written[key]), key[1]
        statements = sorted(
            (_statement(r, number) for r in remarks),
            key=lambda s: (-s.n_articles, min(c.number for c in s.carriers)),
        )
        said = [q for r in remarks for q in r.quotes]
        speakers.append(
            Speaker(
                name=name,
                entity_id=entity_id,
                n_articles=len({q.article_id for q in said}),
                n_quotes=len(said),
                n_statements=len(statements),
                statements=tuple(statements[:MAX_STATEMENTS]),
            )
        )
    # Named speakers first, the most widely quoted first; unattributed quotes last.
    speakers.sort(key=lambda s: (s.name == "", -s.n_articles, -s.n_quotes, s.name.casefold()))
    return speakers


def story_view(store: Store, story_id: str) -> StoryView:
    """Everything the story page shows.  Unknown ids raise :class:`NotFoundError`."""
    story = store.get_story(story_id)
    headers = sorted(
        store.article_headers(story.article_ids), key=lambda h: (_instant(h.published), h.id)
    )
    number = {h.id: n for n, h in enumerate(headers, start=1)}
    links = store.reuse_links(among=story.article_ids, passages=False)
    known = bool(links) or story.n_origins > 0
    roles = _roles(headers, links, _origins(store, story, links, known))
    sources = tuple(
        SourceRow(
            number=number[h.id],
            id=h.id,
            title=h.title,
            source=h.source,
            published=h.published,
            byline=h.byline,
            url=h.url,
            role=roles[h.id][0],
            copy_of=tuple(sorted(roles[h.id][1], key=lambda i: number.get(i, 0))),
            reuses=tuple(sorted(roles[h.id][2], key=lambda i: number.get(i, 0))),
            shares_with=tuple(sorted(roles[h.id][3], key=lambda i: number.get(i, 0))),
            n_copied_by=roles[h.id][4],
        )
        for h in headers
    )
    specs = [
        NodeSpec(s.id, s.number, s.source or "unknown outlet", s.title, s.published, s.role)
        for s in sources
    ]
    graph = layout_graph(
        specs,
        [
            EdgeSpec(
                link.source_id,
                link.target_id,
                link.direction is ReuseDirection.DERIVED,
                link.kind.value,
                link.score,
            )
            for link in links
        ],
    )
    counts = [_entity(c) for c in store.entity_counts(story.article_ids)]
    quotes = store.quotes(article_ids=story.article_ids)
    speakers = _speakers(quotes, counts, number)
    summary = store.get_summary(story.id)
    return StoryView(
        id=story.id,
        headline=_headlines(store, [story])[story.id],
        title=story.title,
        first_published=story.first_published,
        last_published=story.last_published,
        n_articles=len(story.article_ids),
        n_outlets=story.n_outlets,
        n_origins=story.n_origins,
        method=story.method,
        grouping_note=GROUPING_NOTES.get(story.method, ""),
        provenance_known=known,
        summary=_summary(store, summary, number) if summary is not None else None,
        sources=sources,
        graph=graph,
        speakers=tuple(speakers[:MAX_SPEAKERS]),
        n_speakers=len(speakers),
        n_quotes=sum(s.n_quotes for s in speakers),
        entities=tuple(counts[:STORY_ENTITIES]),
        n_entities=len(counts),
        timeline=layout_timeline(specs),
        links=len(links),
    )


# --- the article page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Where a highlighted passage is found in another article."""

    article_id: str
    source: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Highlight:
    """A marked range of the article's text.

    ``kind`` is ``"reused"`` (taken from ``others``), ``"reused_by"`` (``others`` took it),
    ``"shared"`` (found in ``others``, direction unknown), ``"quote"`` (``label`` said it) or
    ``"speaker"`` (the speaker as written).
    """

    kind: str
    start: int
    end: int
    label: str
    others: tuple[Counterpart, ...] = ()
    quote_id: str | None = None
    last: bool = True  # the last piece of its quote (a split quote has several)


@dataclass(frozen=True, slots=True)
class ReuseRow:
    other: ArticleRef
    relation: str  # "copied from", "copied by", "shares text with"
    kind: str
    score: float
    n_passages: int
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteRow:
    id: str
    text: str
    direct: bool
    speaker: str  # entity name, or the speaker as written, or ""
    speaker_written: str | None
    entity_id: str | None
    cue: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CitationRow:
    story_id: str
    story_headline: str
    sentence_position: int  # the summary sentence, 0-based
    sentence_index: int  # the cited sentence of this article, 0-based


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: str
    title: str
    source: str | None
    byline: str | None
    published: datetime | None
    dateline: str | None
    credits: tuple[str, ...]
    url: str | None
    language: str | None
    external_id: str | None
    origin: str | None
    collection: str | None
    text: str
    paragraphs: tuple[tuple[int, int], ...]
    sentences: tuple[tuple[int, int], ...]  # [start, end) of each sentence, by index
    highlights: tuple[Highlight, ...]
    reuse: tuple[ReuseRow, ...]
    quotes: tuple[QuoteRow, ...]
    stories: tuple[StoryRef, ...]
    citations: tuple[CitationRow, ...]
    entities: tuple[EntityRef, ...]


def _valid(start: int, end: int, length: int) -> bool:
    return 0 <= start < end <= length


def _side(link: ReuseLink, article_id: str) -> tuple[str, str]:
    """How ``article_id`` takes part in ``link`` ("reused", "reused_by" or "shared"), and the
    other article's id."""
    mine_is_source = link.source_id == article_id
    other_id = link.target_id if mine_is_source else link.source_id
    if link.direction is not ReuseDirection.DERIVED:
        return "shared", other_id
    return ("reused_by" if mine_is_source else "reused"), other_id


def _reuse_highlights(
    article: Article, links: Sequence[ReuseLink], others: dict[str, ArticleRef]
) -> list[Highlight]:
    """One highlight per passage range of this article, listing every article it is found in."""
    merged: dict[tuple[str, int, int], list[Counterpart]] = {}
    for link in links:
        kind, other_id = _side(link, article.id)
        mine_is_source = link.source_id == article.id
        other = others.get(other_id)
        for passage in link.passages:
            mine, theirs = (
                (passage.source, passage.target)
                if mine_is_source
                else (passage.target, passage.source)
            )
            if mine.article_id != article.id or not _valid(mine.start, mine.end, len(article.text)):
                log.warning(
                    "article %s: reuse passage %s out of range, not shown", article.id, mine
                )
                continue
            merged.setdefault((kind, mine.start, mine.end), []).append(
                Counterpart(other_id, other.source if other else None, theirs.start, theirs.end)
            )
    labels = {"reused": "taken from", "reused_by": "taken by", "shared": "also in"}
    return [
        Highlight(
            kind,
            start,
            end,
            f"{labels[kind]} " + ", ".join(sorted({c.source or c.article_id for c in found})),
            tuple(sorted(found, key=lambda c: (c.source or "", c.article_id))),
        )
        for (kind, start, end), found in sorted(
            merged.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])
        )
    ]


def article_view(store: Store, article_id: str) -> ArticleView:
    """Everything the article page shows.  Unknown ids raise :class:`NotFoundError`."""
    article = store.get_article(article_id)
    sentences = store.get_sentences(article.id)
    links = store.reuse_links(article_id=article.id)
    other_ids = sorted(
        {i for link in links for i in (link.source_id, link.target_id)} - {article.id}
    )
    others = {h.id: _ref(h) for h in store.article_headers(other_ids)}
    counts = store.entity_counts([article.id])
    names = {c.id: c.name for c in counts}
    quotes = store.quotes(article_id=article.id)
    highlights = _reuse_highlights(article, links, others)
    quote_rows = []
    for q in quotes:
        speaker, _ = _speaker_key(q, names)
        if not _valid(q.content.start, q.content.end, len(article.text)):
            log.warning("article %s: quote %s out of range, not shown", article.id, q.id)
            continue
        quote_rows.append(
            QuoteRow(
                q.id,
                q.text,
                q.direct,
                speaker,
                q.speaker_text,
                q.entity_id,
                q.cue_text,
                q.content.start,
                q.content.end,
            )
        )
        # A split quote ("…," she said, "…") is marked piece by piece, not across its attribution;
        # the speaker's tag follows the last piece.
        pieces = [p for p in q.parts if _valid(p.start, p.end, len(article.text))] or [q.content]
        last = max(pieces, key=lambda p: p.end)
        highlights.extend(
            Highlight(
                "quote", p.start, p.end, speaker or "unattributed", quote_id=q.id, last=p is last
            )
            for p in pieces
        )
        if q.speaker is not None and _valid(q.speaker.start, q.speaker.end, len(article.text)):
            highlights.append(
                Highlight("speaker", q.speaker.start, q.speaker.end, speaker or "", quote_id=q.id)
            )
    highlights.sort(key=lambda h: (h.start, -h.end, h.kind))
    relation = {
        "reused": "copied from",
        "reused_by": "copied by",
        "shared": "shares text with",
    }
    reuse_rows = []
    for link in links:
        kind, other_id = _side(link, article.id)
        if other_id not in others:
            continue
        reuse_rows.append(
            ReuseRow(
                others[other_id],
                relation[kind],
                link.kind.value,
                link.score,
                len(link.passages),
                link.evidence,
            )
        )
    reuse_rows.sort(key=lambda r: (r.relation, _instant(r.other.published), r.other.id))
    stories = store.stories_of_article(article.id)
    cites = store.citations_of_article(article.id)
    cited_stories = [store.get_story(i) for i in dict.fromkeys(c.story_id for c in cites)]
    headlines = _headlines(store, [*stories, *cited_stories])
    return ArticleView(
        id=article.id,
        title=article.title,
        source=article.source,
        byline=article.byline,
        published=article.published,
        dateline=article.dateline,
        credits=article.credits,
        url=article.url,
        language=article.language,
        external_id=article.external_id,
        origin=article.origin,
        collection=article.collection,
        text=article.text,
        paragraphs=article.paragraphs or ((0, len(article.text)),),
        sentences=tuple((s.start, s.end) for s in sentences),
        highlights=tuple(highlights),
        reuse=tuple(reuse_rows),
        quotes=tuple(quote_rows),
        stories=tuple(_story_ref(s, headlines[s.id]) for s in stories),
        citations=tuple(
            CitationRow(
                c.story_id, headlines[c.story_id], c.sentence_position, c.citation.sentence_index
            )
            for c in cites
        ),
        entities=tuple(_entity(c) for c in counts),
    )


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchResult:
    article: ArticleRef
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # [start, end) of the matched words in ``snippet``
    score: float
    stories: tuple[StoryRef, ...]


@dataclass(frozen=True, slots=True)
class StoryHit:
    story: StoryRef
    n_matching: int  # of the matching articles shown, how many are in this story


@dataclass(frozen=True, slots=True)
class SearchView:
    query: str
    stories: tuple[StoryHit, ...]  # stories of the matching articles, most matches first
    results: tuple[SearchResult, ...]  # articles, best first
    entities: tuple[EntityRef, ...]  # people, organisations and places whose name matches
    speakers: tuple[Speaker, ...]  # what the matching speakers said, grouped into statements
    quoted_articles: tuple[ArticleRef, ...]  # the articles carrying those statements, by date


def _check_query(query: str) -> str:
    query = " ".join(query.split())
    if not query:
        raise ConfigError("the search is empty: type one or more words")
    if len(query) > MAX_QUERY_CHARS:
        raise ConfigError(
            f"the search is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})"
        )
    return query


def search_view(store: Store, query: str) -> SearchView:
    """Articles matching ``query`` (full-text), the entities it names and what they said."""
    query = _check_query(query)
    hits = store.search(query, limit=SEARCH_RESULTS)
    story_lists = {h.article_id: store.stories_of_article(h.article_id) for h in hits}
    all_stories = list({s.id: s for found in story_lists.values() for s in found}.values())
    headlines = _headlines(store, all_stories)
    results = tuple(
        SearchResult(
            ArticleRef(h.article_id, h.title, h.source, h.published),
            h.snippet,
            h.highlights,
            h.score,
            tuple(_story_ref(s, headlines[s.id]) for s in story_lists[h.article_id]),
        )
        for h in hits
    )
    matching: dict[str, int] = {}
    for h in hits:  # best hits first, so ties keep the order of the best match
        for story in story_lists[h.article_id]:
            matching[story.id] = matching.get(story.id, 0) + 1
    by_id = {s.id: s for s in all_stories}
    story_hits = tuple(
        StoryHit(_story_ref(by_id[i], headlines[i]), n)
        for i, n in sorted(matching.items(), key=lambda kv: -kv[1])
    )
    entities = [_entity(e) for e in store.find_entities(query, limit=SEARCH_ENTITIES)]
    said: dict[str, Quote] = {}
    for e in entities:
        if e.type is EntityType.PER or e.type is EntityType.ORG:
            for q in store.quotes(entity_id=e.id, limit=SEARCH_QUOTES):
                said.setdefault(q.id, q)
    for q in store.quotes(speaker=query, limit=SEARCH_QUOTES):
        said.setdefault(q.id, q)
    headers = store.article_headers(dict.fromkeys(q.article_id for q in said.values()))
    headers.sort(key=lambda h: (_instant(h.published), h.id))
    number = {h.id: n for n, h in enumerate(headers, start=1)}
    speakers = [s for s in _speakers(list(said.values()), entities, number) if s.name]
    return SearchView(
        query=query,
        stories=story_hits,
        results=results,
        entities=tuple(entities),
        speakers=tuple(speakers),
        quoted_articles=tuple(_ref(h) for h in headers),
    )
