"""The store protocol, checked on every backend (see conftest.py): what each method promises."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsweave.errors import ConfigError, NotFoundError, StoreError
from newsweave.model import (
    AlignedPassage,
    Article,
    Citation,
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
    Summary,
    SummarySentence,
)
from newsweave.segment import segment_article
from newsweave.store import Store

BRIDGE = (
    "Harbourton (Tidewire) - The old swing bridge over the Marle river was closed on Monday "
    "after inspectors found cracks in two of its piers.\n"
    "“We cannot risk a collapse,” said Ines Varga, the city engineer. Ferries will run "
    "every twenty minutes until repairs are done."
)
BRIDGE_REWRITE = (
    "The aged swing bridge across the Marle was shut on Monday when inspectors discovered "
    "fissures in two piers.\n"
    "City engineer Ines Varga said the town could not risk a collapse."
)
LIBRARY = (
    "A fire broke out in the basement archive of the Greyfield public library late on Sunday.\n"
    "No one was hurt, the fire brigade said, but hundreds of old maps were lost to smoke "
    "and water."
)
ELECTION = (
    "Voters in Lindmoor chose a new mayor on Tuesday. Turnout reached sixty percent, the "
    "highest in a decade.\nThe winner promised to reopen the bridge to the eastern district."
)


def build(text: str, **fields: object) -> tuple[Article, list[Sentence]]:
    article = Article.build(text, **fields)  # type: ignore[arg-type]
    return article, segment_article(article)


@pytest.fixture
def corpus() -> list[tuple[Article, list[Sentence]]]:
    cest = timezone(timedelta(hours=2))
    return [
        build(
            BRIDGE,
            title="Swing bridge closed after cracks found",
            url="https://tidewire.example/bridge",
            source="Tidewire",
            byline="Mara Oslo",
            published=datetime(2024, 3, 4, 9, 30, tzinfo=cest),
            dateline="Harbourton",
            credits=("Tidewire",),
            language="en",
            external_id="tw-101",
            origin="wire.jsonl:1",
            collection="bridge",
            source_offsets=((0, 0), (40, 43)),
        ),
        build(
            BRIDGE_REWRITE,
            title="Bridge shut over pier fissures",
            source="Daily Gleam",
            published=datetime(2024, 3, 4, 15, 0, tzinfo=UTC),
            external_id="gleam-7",
            collection="bridge",
        ),
        build(
            LIBRARY,
            title="Fire in library archive",
            source="Greyfield Post",
            published=datetime(2024, 2, 11, 22, 0),
            collection="library",
        ),
        build(ELECTION, title="Lindmoor elects a mayor", source="Lindmoor Ledger"),
    ]


@pytest.fixture
def filled(store: Store, corpus: list[tuple[Article, list[Sentence]]]) -> Store:
    store.add_articles(corpus)
    return store


def ids(corpus: list[tuple[Article, list[Sentence]]]) -> list[str]:
    return [a.id for a, _ in corpus]


# --- articles and sentences -------------------------------------------------------------------


def test_add_articles_is_idempotent(store: Store, corpus: list) -> None:
    first = store.add_articles(corpus[:3])
    assert first.new == tuple(ids(corpus[:3])) and first.existing == ()
    again = store.add_articles([corpus[1], corpus[3], corpus[3]])
    assert again.new == (corpus[3][0].id,)
    assert again.existing == (corpus[1][0].id, corpus[3][0].id)
    assert store.count_articles() == 4
    assert store.add_articles([]).new == ()


def test_articles_and_sentences_round_trip(filled: Store, corpus: list) -> None:
    for article, sentences in corpus:
        assert filled.get_article(article.id) == article
        assert filled.get_sentences(article.id) == sentences
    assert filled.get_sentences("0000000000000000") == []


def test_add_articles_is_all_or_nothing(store: Store, corpus: list) -> None:
    article, sentences = corpus[0]
    stray = Sentence("ffffffffffffffff", 0, 0, 3, "The")
    with pytest.raises(StoreError, match="names article ffffffffffffffff"):
        store.add_articles([corpus[1], (article, [*sentences, stray])])
    assert store.count_articles() == 0


def test_get_articles_keeps_order_and_names_missing(filled: Store, corpus: list) -> None:
    wanted = list(reversed(ids(corpus)))
    assert [a.id for a in filled.get_articles(wanted)] == wanted
    with pytest.raises(NotFoundError, match="0123456789abcdef"):
        filled.get_articles([wanted[0], "0123456789abcdef"])
    with pytest.raises(NotFoundError):
        filled.get_article("0123456789abcdef")


def test_resolve_article_id(filled: Store, corpus: list) -> None:
    article_id = corpus[0][0].id
    assert filled.resolve_article_id(article_id) == article_id
    assert filled.resolve_article_id(f" {article_id[:10]} ") == article_id
    assert filled.resolve_article_id("gleam-7") == corpus[1][0].id  # the record's own id
    with pytest.raises(NotFoundError, match="no article"):
        filled.resolve_article_id("nothing-like-this")
    with pytest.raises(NotFoundError):
        filled.resolve_article_id("")


def test_resolve_article_id_refuses_an_ambiguous_prefix(store: Store) -> None:
    # 300 articles: some pair shares a first hex digit, and that prefix is ambiguous.
    batch = [build(f"Article number {i} about nothing in particular.") for i in range(300)]
    store.add_articles(batch)
    first_digits = [a.id[0] for a, _ in batch]
    shared = next(d for d in first_digits if first_digits.count(d) > 1)
    with pytest.raises(NotFoundError, match="several articles"):
        store.resolve_article_id(shared)


def test_iter_articles_by_id_and_collection(filled: Store, corpus: list) -> None:
    assert [a.id for a in filled.iter_articles()] == sorted(ids(corpus))
    bridge = [a.id for a in filled.iter_articles(collection="bridge")]
    assert bridge == sorted(ids(corpus[:2]))
    assert filled.count_articles(collection="bridge") == 2
    assert filled.count_articles(collection="nope") == 0


def test_list_articles_orders_and_pages(filled: Store, corpus: list) -> None:
    headers = filled.list_articles()
    # collection, then publication date: bridge (wire 07:30 UTC, then rewrite), library, none.
    assert [h.id for h in headers] == ids(corpus)
    wire = headers[0]
    assert wire.title == "Swing bridge closed after cracks found"
    assert wire.credits == ("Tidewire",) and wire.dateline == "Harbourton"
    assert wire.n_chars == len(BRIDGE)
    assert wire.n_sentences == len(corpus[0][1]) == 3
    assert wire.lead == corpus[0][1][0].text
    assert [h.id for h in filled.list_articles(limit=2, offset=1)] == ids(corpus)[1:3]
    assert [h.id for h in filled.list_articles(collection="library")] == [corpus[2][0].id]


def test_collections(filled: Store) -> None:
    stats = {c.name: c for c in filled.collections()}
    assert list(stats) == ["bridge", "library", None]
    assert stats["bridge"].n_articles == 2 and stats["bridge"].n_outlets == 2
    assert stats["bridge"].first_published == datetime(
        2024, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=2))
    )
    assert stats["bridge"].last_published == datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
    assert stats[None].first_published is None


# --- search -----------------------------------------------------------------------------------


def test_search_finds_ranks_and_highlights(filled: Store, corpus: list) -> None:
    hits = filled.search("bridge")
    found = [h.article_id for h in hits]
    assert set(found) == {corpus[0][0].id, corpus[1][0].id, corpus[3][0].id}
    assert found.index(corpus[3][0].id) == 2  # one mention ranks below the bridge stories
    for hit in hits:
        assert hit.highlights, hit
        for start, end in hit.highlights:
            assert hit.snippet[start:end].lower() == "bridge"
    assert [h.article_id for h in filled.search("maps smoke")] == [corpus[2][0].id]
    assert filled.search("bridge", limit=1)[0].article_id == found[0]
    assert filled.search("zeppelin") == []


@pytest.mark.parametrize(
    "query", ['"unbalanced quote', "bridge AND", "al-Assad", "(", "NOT", "title:", "*", "^"]
)
def test_search_survives_query_syntax_errors(filled: Store, query: str) -> None:
    assert isinstance(filled.search(query), list)


def test_search_falls_back_to_the_words_of_a_bad_query(filled: Store, corpus: list) -> None:
    hits = filled.search('"swing bridge')
    assert [h.article_id for h in hits][:2] == ids(corpus)[:2]


@pytest.mark.parametrize("query", ["", "   "])
def test_search_refuses_an_empty_query(filled: Store, query: str) -> None:
    with pytest.raises(ConfigError, match="empty"):
        filled.search(query)


# --- reuse ------------------------------------------------------------------------------------


def link(source: str, target: str, score: float = 0.8) -> ReuseLink:
    return ReuseLink(
        source_id=source,
        target_id=target,
        kind=ReuseKind.PASSAGE,
        direction=ReuseDirection.DERIVED,
        score=score,
        jaccard=0.31,
        containment_source_in_target=0.5,
        containment_target_in_source=0.62,
        passages=(AlignedPassage(Span(source, 0, 40), Span(target, 4, 50), 0.9, "reworded"),),
        evidence=("target published 5h later",),
    )


def test_reuse_links_round_trip_and_replace(filled: Store, corpus: list) -> None:
    a, b, c, d = ids(corpus)
    filled.replace_reuse_links([link(a, b), link(a, c)])
    assert filled.reuse_links() == sorted([link(a, b), link(a, c)], key=lambda x: x.target_id)
    assert filled.reuse_links(article_id=c) == [link(a, c)]
    # Recomputing among a and b only keeps the a-c link and replaces the a-b one.
    filled.replace_reuse_links([link(b, a, 0.95)], among=[a, b])
    assert set(filled.reuse_links()) == {link(b, a, 0.95), link(a, c)}
    filled.replace_reuse_links([link(c, d)])
    assert filled.reuse_links() == [link(c, d)]


def test_reuse_links_must_name_stored_articles(filled: Store, corpus: list) -> None:
    a = corpus[0][0].id
    filled.replace_reuse_links([link(a, corpus[1][0].id)])
    with pytest.raises(StoreError, match="abcdefabcdefabcd"):
        filled.replace_reuse_links([link(a, "abcdefabcdefabcd")])
    assert len(filled.reuse_links()) == 1  # nothing changed


# --- stories and summaries --------------------------------------------------------------------


def story(article_ids: list[str], title: str = "", method: str = "cluster") -> Story:
    return Story(
        id=Story.make_id(article_ids),
        article_ids=tuple(article_ids),
        title=title,
        first_published=datetime(2024, 3, 4, 7, 30, tzinfo=UTC),
        last_published=datetime(2024, 3, 4, 15, 0, tzinfo=UTC),
        n_outlets=len(article_ids),
        n_origins=1,
        method=method,
    )


def summary_of(story_id: str, a: str, b: str) -> Summary:
    return Summary(
        story_id=story_id,
        sentences=(
            SummarySentence(
                "The swing bridge closed after inspectors found cracked piers.",
                (Citation(a, 0, 0, 120, 0.93), Citation(b, 0, 0, 110, 0.88)),
                n_origins=1,
            ),
            SummarySentence("Ferries replace it until repairs end.", (Citation(a, 2, 190, 250),)),
        ),
        method="centroid",
        word_budget=100,
    )


def test_stories_round_trip_and_membership(filled: Store, corpus: list) -> None:
    a, b, c, d = ids(corpus)
    bridge = story([b, a], "Bridge closed")  # member order is kept as given
    library = Story(Story.make_id([c]), (c,), "Library fire")
    filled.replace_stories([library, bridge])
    assert filled.stories() == [bridge, library]  # dated stories first
    assert filled.get_story(bridge.id) == bridge
    assert filled.stories_of_article(a) == [bridge]
    assert filled.stories_of_article(d) == []
    with pytest.raises(NotFoundError):
        filled.get_story("0000000000000000")


def test_replace_stories_keeps_summaries_of_kept_stories(filled: Store, corpus: list) -> None:
    a, b, c, d = ids(corpus)
    bridge, library = story([a, b]), story([c])
    filled.replace_stories([bridge, library])
    filled.save_summary(summary_of(bridge.id, a, b))
    filled.save_summary(Summary(library.id, (), "lead", 50))
    retitled = story([a, b], "Bridge closed for repairs")
    election = story([d])
    filled.replace_stories([retitled, election])
    assert {s.id for s in filled.stories()} == {bridge.id, election.id}
    assert filled.get_story(bridge.id).title == "Bridge closed for repairs"
    assert filled.get_summary(bridge.id) == summary_of(bridge.id, a, b)
    assert filled.get_summary(library.id) is None


def test_replace_stories_is_all_or_nothing(filled: Store, corpus: list) -> None:
    a = corpus[0][0].id
    kept = story([a])
    filled.replace_stories([kept])
    with pytest.raises(StoreError, match="9999999999999999"):
        filled.replace_stories([story([a, corpus[1][0].id]), story(["9999999999999999"])])
    with pytest.raises(StoreError, match="twice"):
        filled.replace_stories([story([a, a])])
    assert filled.stories() == [kept]


def test_summaries_round_trip_replace_and_citations(filled: Store, corpus: list) -> None:
    a, b, c, _ = ids(corpus)
    bridge = story([a, b])
    filled.replace_stories([bridge])
    first = summary_of(bridge.id, a, b)
    filled.save_summary(first)
    assert filled.get_summary(bridge.id) == first
    refs = filled.citations_of_article(a)
    assert [(r.story_id, r.sentence_position, r.citation.sentence_index) for r in refs] == [
        (bridge.id, 0, 0),
        (bridge.id, 1, 2),
    ]
    shorter = Summary(
        bridge.id, (SummarySentence("Bridge shut.", (Citation(b, 0, 0, 20),)),), "x", 5
    )
    filled.save_summary(shorter)
    assert filled.get_summary(bridge.id) == shorter
    assert filled.citations_of_article(a) == []
    with pytest.raises(StoreError, match="no such story"):
        filled.save_summary(Summary("0000000000000000", (), "x", 5))
    bad = Summary(
        bridge.id, (SummarySentence("x", (Citation("1111111111111111", 0, 0, 1),)),), "x", 5
    )
    with pytest.raises(StoreError, match="1111111111111111"):
        filled.save_summary(bad)
    assert filled.get_summary(bridge.id) == shorter
    assert filled.citations_of_article(c) == []


# --- quotes and entities ----------------------------------------------------------------------


def quote_in(article: Article, words: str, speaker: str | None, direct: bool = True) -> Quote:
    start = article.text.index(words)
    speaker_span = None
    if speaker is not None:
        s = article.text.index(speaker)
        speaker_span = Span(article.id, s, s + len(speaker))
    cue = article.text.find("said")
    return Quote(
        article_id=article.id,
        content=Span(article.id, start, start + len(words)),
        text=words,
        direct=direct,
        speaker=speaker_span,
        speaker_text=speaker,
        cue=Span(article.id, cue, cue + 4) if cue >= 0 else None,
        cue_text="said" if cue >= 0 else None,
        entity_id="e-varga" if speaker else None,
    )


def test_quotes_round_trip_filter_and_replace(filled: Store, corpus: list) -> None:
    wire, rewrite, library = corpus[0][0], corpus[1][0], corpus[2][0]
    q1 = quote_in(wire, "We cannot risk a collapse,", "Ines Varga")
    q2 = quote_in(rewrite, "the town could not risk a collapse", "Ines Varga", direct=False)
    q3 = quote_in(library, "No one was hurt,", None)
    filled.replace_quotes([wire.id, rewrite.id, library.id], [q1, q2, q3])
    assert filled.quotes() == sorted([q1, q2, q3], key=lambda q: q.article_id)
    assert filled.quotes(article_id=wire.id) == [q1]
    assert filled.quotes(speaker="ines VARGA") == sorted([q1, q2], key=lambda q: q.article_id)
    assert filled.quotes(entity_id="e-varga", article_id=rewrite.id) == [q2]
    filled.replace_quotes([wire.id], [])
    assert filled.quotes() == sorted([q2, q3], key=lambda q: q.article_id)
    with pytest.raises(StoreError, match="outside"):
        filled.replace_quotes([wire.id], [q1, q2])
    astray = replace(q1, speaker=Span(rewrite.id, 0, 4))  # a speaker in another article
    with pytest.raises(StoreError, match="another article"):
        filled.replace_quotes([wire.id], [astray])
    assert filled.quotes(article_id=wire.id) == []


def mention(article: Article, words: str, kind: EntityType, entity_id: str | None) -> Mention:
    start = article.text.index(words)
    return Mention(Span(article.id, start, start + len(words)), words, kind, entity_id)


def test_entities_round_trip_and_scoped_replace(filled: Store, corpus: list) -> None:
    wire, rewrite, library = corpus[0][0], corpus[1][0], corpus[2][0]
    varga = Entity(
        "e-varga",
        "Ines Varga",
        EntityType.PER,
        aliases=("Varga",),
        mentions=tuple(
            sorted(
                [
                    mention(wire, "Ines Varga", EntityType.PER, "e-varga"),
                    mention(rewrite, "Ines Varga", EntityType.PER, None),
                ],
                key=lambda m: (m.span.article_id, m.span.start),
            )
        ),
    )
    marle = Entity(
        "e-marle", "Marle", EntityType.LOC, (), (mention(wire, "Marle", EntityType.LOC, "e-marle"),)
    )
    greyfield = Entity(
        "e-greyfield",
        "Greyfield",
        EntityType.LOC,
        (),
        (mention(library, "Greyfield", EntityType.LOC, None),),
    )
    filled.replace_entities([wire.id, rewrite.id, library.id], [varga, marle, greyfield])
    assert filled.entities() == [greyfield, varga, marle]
    assert filled.entities(type=EntityType.PER) == [varga]
    assert filled.get_entity("e-varga") == varga
    assert [m.text for m in filled.mentions(wire.id)] == ["Marle", "Ines Varga"]
    # Recompute the wire alone: Marle loses its only mention and goes; Varga keeps the rewrite's.
    filled.replace_entities([wire.id], [])
    assert [e.id for e in filled.entities()] == ["e-greyfield", "e-varga"]
    kept = tuple(m for m in varga.mentions if m.span.article_id == rewrite.id)
    assert filled.get_entity("e-varga") == replace(varga, mentions=kept)
    with pytest.raises(NotFoundError):
        filled.get_entity("e-marle")
    with pytest.raises(StoreError, match="outside"):
        filled.replace_entities([wire.id], [greyfield])
    assert filled.mentions(wire.id) == []


def test_the_backend_implements_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)
    with store as entered:
        assert entered is store
