"""The store's reads for browsing (used by the web UI), checked on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsweave.errors import NotFoundError
from newsweave.model import (
    AlignedPassage,
    Article,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Sentence,
    Span,
    Story,
)
from newsweave.segment import segment_article
from newsweave.store import EntityCount, OutletStats, Store

EAST = timezone(timedelta(hours=3))


def build(text: str, **fields: object) -> tuple[Article, list[Sentence]]:
    article = Article.build(text, **fields)  # type: ignore[arg-type]
    return article, segment_article(article)


@pytest.fixture
def corpus() -> list[tuple[Article, list[Sentence]]]:
    """Five articles: two outlets on a ferry strike, two on a museum, one undated."""
    return [
        build(
            "Ferry crews in Osterby walked out at dawn. Captain Rolf Amsel said pay was the issue.",
            title="Ferry crews strike",
            source="Osterby Post",
            published=datetime(2024, 5, 1, 6, 0, tzinfo=UTC),
        ),
        build(
            "Osterby ferry crews struck on Wednesday. Rolf Amsel blamed pay.",
            title="Ferries halted",
            source="Lakeside Daily",
            published=datetime(2024, 5, 2, 23, 30, tzinfo=EAST),  # 2 May local, 20:30 UTC
        ),
        build(
            "The Osterby museum reopened its glass hall after two years of repairs.",
            title="Glass hall reopens",
            source="Osterby Post",
            published=datetime(2024, 5, 20, 10, 0, tzinfo=UTC),
        ),
        build(
            "Visitors queued round the block for the museum's glass hall.",
            title="Queues at the museum",
            source="Lakeside Daily",
            published=datetime(2024, 5, 21, 9, 0, tzinfo=UTC),
        ),
        build("An undated note about the harbour.", title="Note", source=None),
    ]


def story_of(members: list[Article], title: str) -> Story:
    dated = sorted(a.published for a in members if a.published is not None)
    return Story(
        id=Story.make_id(a.id for a in members),
        article_ids=tuple(a.id for a in members),
        title=title,
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        n_outlets=len({a.source for a in members}),
        n_origins=1,
    )


def mention(article: Article, words: str, kind: EntityType, entity_id: str) -> Mention:
    start = article.text.index(words)
    return Mention(Span(article.id, start, start + len(words)), words, kind, entity_id)


@pytest.fixture
def browsed(store: Store, corpus: list[tuple[Article, list[Sentence]]]) -> Store:
    store.add_articles(corpus)
    ferry1, ferry2, museum1, museum2, note = (a for a, _ in corpus)
    store.replace_stories(
        [
            story_of([ferry1, ferry2], "Ferry strike"),
            story_of([museum1, museum2], "Museum reopens"),
            story_of([note], "Undated"),
        ]
    )
    amsel = Entity(
        "e-amsel",
        "Rolf Amsel",
        EntityType.PER,
        aliases=("Captain Rolf Amsel", "Amsel"),
        mentions=(
            mention(ferry1, "Rolf Amsel", EntityType.PER, "e-amsel"),
            mention(ferry2, "Rolf Amsel", EntityType.PER, "e-amsel"),
        ),
    )
    osterby = Entity(
        "e-osterby",
        "Osterby",
        EntityType.LOC,
        mentions=(
            mention(ferry1, "Osterby", EntityType.LOC, "e-osterby"),
            mention(ferry2, "Osterby", EntityType.LOC, "e-osterby"),
            mention(museum1, "Osterby", EntityType.LOC, "e-osterby"),
        ),
    )
    store.replace_entities([a.id for a, _ in corpus], [amsel, osterby])
    return store


def titles(stories: tuple[Story, ...]) -> list[str]:
    return [s.title for s in stories]


def test_find_stories_newest_first_and_paged(browsed: Store) -> None:
    found = browsed.find_stories()
    assert found.total == 3
    assert titles(found.stories) == ["Museum reopens", "Ferry strike", "Undated"]
    page = browsed.find_stories(limit=1, offset=1)
    assert page.total == 3 and titles(page.stories) == ["Ferry strike"]
    assert browsed.find_stories(limit=5, offset=10).stories == ()
    assert found.stories[1] == browsed.get_story(found.stories[1].id)  # members included


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (date(2024, 5, 2), None, ["Museum reopens", "Ferry strike"]),
        # The ferry story's last article is 2 May in its own time zone (20:30 UTC that day).
        (date(2024, 5, 3), None, ["Museum reopens"]),
        (None, date(2024, 5, 1), ["Ferry strike"]),
        (date(2024, 5, 10), date(2024, 5, 19), []),
        (date(2024, 5, 21), date(2024, 5, 21), ["Museum reopens"]),
    ],
)
def test_find_stories_by_days(
    browsed: Store, since: date | None, until: date | None, expected: list[str]
) -> None:
    found = browsed.find_stories(since=since, until=until)
    assert titles(found.stories) == expected and found.total == len(expected)


def test_find_stories_by_outlet_and_entity(browsed: Store) -> None:
    assert titles(browsed.find_stories(outlet="Lakeside Daily").stories) == [
        "Museum reopens",
        "Ferry strike",
    ]
    assert browsed.find_stories(outlet="lakeside daily").total == 0  # exact names
    assert titles(browsed.find_stories(entity_id="e-amsel").stories) == ["Ferry strike"]
    both = browsed.find_stories(
        entity_id="e-osterby", outlet="Osterby Post", since=date(2024, 5, 5)
    )
    assert titles(both.stories) == ["Museum reopens"]
    assert browsed.find_stories(entity_id="e-nobody").total == 0


def test_article_headers_in_order(browsed: Store, corpus: list) -> None:
    wanted = [corpus[3][0].id, corpus[0][0].id]
    headers = browsed.article_headers(wanted)
    assert [h.id for h in headers] == wanted
    assert headers[1].n_sentences == 2 and headers[1].lead.startswith("Ferry crews")
    with pytest.raises(NotFoundError, match="0123456789abcdef"):
        browsed.article_headers([wanted[0], "0123456789abcdef"])


def test_outlets(browsed: Store) -> None:
    assert browsed.outlets() == [
        OutletStats(
            "Lakeside Daily",
            2,
            datetime(2024, 5, 2, 23, 30, tzinfo=EAST),
            datetime(2024, 5, 21, 9, 0, tzinfo=UTC),
        ),
        OutletStats(
            "Osterby Post",
            2,
            datetime(2024, 5, 1, 6, 0, tzinfo=UTC),
            datetime(2024, 5, 20, 10, 0, tzinfo=UTC),
        ),
    ]


def test_entity_counts_most_widely_mentioned_first(browsed: Store, corpus: list) -> None:
    ferry = [corpus[0][0].id, corpus[1][0].id]
    assert browsed.entity_counts(ferry) == [  # a tie: by name
        EntityCount("e-osterby", "Osterby", EntityType.LOC, 2, 2),
        EntityCount("e-amsel", "Rolf Amsel", EntityType.PER, 2, 2),
    ]
    assert browsed.entity_counts([corpus[2][0].id]) == [
        EntityCount("e-osterby", "Osterby", EntityType.LOC, 1, 1)
    ]
    assert [c.id for c in browsed.entity_counts([a.id for a, _ in corpus], limit=1)] == [
        "e-osterby"
    ]
    assert browsed.entity_counts([]) == []


def test_find_entities_by_name_or_alias(browsed: Store) -> None:
    assert [e.id for e in browsed.find_entities("amsel")] == ["e-amsel"]
    assert [e.id for e in browsed.find_entities("CAPTAIN")] == ["e-amsel"]  # an alias
    assert browsed.find_entities("osterby") == [
        EntityCount("e-osterby", "Osterby", EntityType.LOC, 3, 3)
    ]
    assert browsed.find_entities("o", limit=1)[0].id == "e-osterby"  # widest first
    assert browsed.find_entities("%") == [] and browsed.find_entities("  ") == []


def test_reuse_links_among_a_set(browsed: Store, corpus: list) -> None:
    a, b, c, d = (x.id for x, _ in corpus[:4])

    def link(s: str, t: str) -> ReuseLink:
        return ReuseLink(s, t, ReuseKind.PASSAGE, ReuseDirection.UNKNOWN, 0.7)

    browsed.replace_reuse_links([link(a, b), link(a, c), link(c, d)])
    assert browsed.reuse_links(among=[a, b, d]) == [link(a, b)]
    assert browsed.reuse_links(among=[a, c, d], article_id=d) == [link(c, d)]
    assert browsed.reuse_links(among=[]) == []


def test_reuse_links_without_passages(browsed: Store, corpus: list) -> None:
    a, b = (x.id for x, _ in corpus[:2])
    passage = AlignedPassage(Span(a, 0, 5), Span(b, 0, 5), 1.0, "identical")
    full = ReuseLink(
        a, b, ReuseKind.PASSAGE, ReuseDirection.DERIVED, 0.7, 0.2, 0.3, 0.4, (passage,), ("e",)
    )
    browsed.replace_reuse_links([full])
    assert browsed.reuse_links() == [full]
    assert browsed.reuse_links(passages=False) == [replace(full, passages=())]


def test_quotes_of_a_set_of_articles_with_a_limit(browsed: Store, corpus: list) -> None:
    arts = [a for a, _ in corpus[:3]]

    def quote(article: Article, words: str) -> Quote:
        start = article.text.index(words)
        return Quote(article.id, Span(article.id, start, start + len(words)), words, False)

    quotes = [
        quote(arts[0], "pay was the issue"),
        quote(arts[1], "blamed pay"),
        quote(arts[2], "reopened"),
    ]
    browsed.replace_quotes([a.id for a in arts], quotes)
    chosen = browsed.quotes(article_ids=[arts[0].id, arts[2].id])
    assert sorted(q.text for q in chosen) == ["pay was the issue", "reopened"]
    assert len(browsed.quotes(limit=2)) == 2
    assert browsed.quotes(article_ids=[arts[1].id], limit=0) == []


def test_data_version_changes_when_another_writer_commits(tmp_path: Path) -> None:
    from newsweave.store import SQLiteStore

    path = tmp_path / "v.db"
    with SQLiteStore(path) as reader, SQLiteStore(path) as writer:
        before = reader.data_version()
        assert reader.data_version() == before  # nothing happened
        writer.add_articles([build("A new report about the pier.", title="Pier")])
        after = reader.data_version()
        assert after != before and reader.data_version() == after


def test_memory_store_counts_its_writes() -> None:
    from newsweave.store import MemoryStore

    store = MemoryStore()
    before = store.data_version()
    store.add_articles([build("A new report about the pier.", title="Pier")])
    store.replace_stories([])
    assert store.data_version() == before + 2
