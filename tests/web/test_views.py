"""The page data functions (newsweave.web.views), on every store backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from newsweave.errors import ConfigError, NotFoundError
from newsweave.model import Quote, Span
from newsweave.segment import segment_article
from newsweave.web import views
from newsweave.web.views import StoryFilters
from tests.support import make_article
from tests.web.conftest import World

# --- stories ----------------------------------------------------------------------------------


def test_stories_newest_first_with_counts_and_top_entities(world: World) -> None:
    view = views.stories_view(world.store)
    assert [s.id for s in view.stories] == [world.pier.id, world.library_story.id]
    pier, library = view.stories
    assert pier.headline == "Lakemoor closes its ferry pier"
    assert (pier.n_articles, pier.n_outlets, pier.n_origins) == (4, 4, 3)
    # Both are in 3 of the articles; Lakemoor is mentioned more often.
    assert [e.name for e in pier.top_entities] == ["Lakemoor", "Edda Voss"]
    # An untitled story is headed by its first article's title, and says it has no own title.
    assert library.title == "" and library.headline == "Library reading room reopens"
    assert (view.total, view.n_stories, view.n_articles, view.pages) == (2, 2, 5, 1)
    assert [o.name for o in view.outlets] == [
        "Coast Daily",
        "Lakemoor Wire",
        "Pier Watch",
        "Valley Herald",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (StoryFilters(outlet="Pier Watch"), ["pier"]),
        (StoryFilters(outlet="Lakemoor Wire"), ["pier", "library"]),
        (StoryFilters(since=date(2024, 6, 1)), ["pier"]),
        (StoryFilters(until=date(2024, 5, 31)), ["library"]),
        (StoryFilters(entity="e-voss"), ["pier"]),
        (StoryFilters(entity="edda voss"), ["pier"]),  # a name finds the entity
        (StoryFilters(entity="Mayor Edda"), ["pier"]),  # so does part of an alias
        (StoryFilters(entity="Nobody Atall"), []),
        (StoryFilters(page=2), []),
    ],
)
def test_stories_filters(world: World, filters: StoryFilters, expected: list[str]) -> None:
    ids = {"pier": world.pier.id, "library": world.library_story.id}
    view = views.stories_view(world.store, filters)
    assert [s.id for s in view.stories] == [ids[e] for e in expected]
    assert view.n_stories == 2  # the store's count, whatever the filter


def test_stories_entity_filter_names_the_entity(world: World) -> None:
    view = views.stories_view(world.store, StoryFilters(entity="Voss"))
    assert view.entity is not None and view.entity.name == "Edda Voss"
    assert view.entity.n_articles == 3
    assert views.stories_view(world.store, StoryFilters(entity="Nobody")).entity is None


@pytest.mark.parametrize(
    "filters",
    [
        StoryFilters(page=0),
        StoryFilters(page=views.MAX_PAGE + 1),
        StoryFilters(since=date(2024, 6, 2), until=date(2024, 6, 1)),
    ],
)
def test_stories_refuses_bad_filters(world: World, filters: StoryFilters) -> None:
    with pytest.raises(ConfigError):
        views.stories_view(world.store, filters)


# --- one story --------------------------------------------------------------------------------


def test_story_sources_numbered_by_time_with_provenance(world: World) -> None:
    view = views.story_view(world.store, world.pier.id)
    rows = {s.id: s for s in view.sources}
    assert [s.id for s in view.sources] == [
        world.wire.id,
        world.herald.id,
        world.coast.id,
        world.watch.id,
    ]
    assert [s.number for s in view.sources] == [1, 2, 3, 4]
    assert view.provenance_known
    assert rows[world.wire.id].role == "origin" and rows[world.wire.id].n_copied_by == 2
    assert rows[world.herald.id].role == "copy"
    assert rows[world.herald.id].copy_of == (world.wire.id,)
    # Borrowing one sentence does not make an article a copy.
    assert rows[world.coast.id].role == "origin"
    assert rows[world.coast.id].reuses == (world.wire.id,)
    assert rows[world.watch.id].role == "origin" and rows[world.watch.id].copy_of == ()


def test_story_graph_draws_linked_articles_left_to_right(world: World) -> None:
    graph = views.story_view(world.store, world.pier.id).graph
    nodes = {n.article_id: n for n in graph.nodes}
    assert set(nodes) == {world.wire.id, world.herald.id, world.coast.id}
    assert graph.n_unlinked == 1 and graph.n_omitted == 0
    assert nodes[world.wire.id].layer == 0
    assert nodes[world.herald.id].layer == nodes[world.coast.id].layer == 1
    for edge in graph.edges:
        assert edge.directed and nodes[edge.source_id].x < nodes[edge.target_id].x


def test_story_summary_evidence_carries_the_cited_sentences(world: World) -> None:
    summary = views.story_view(world.store, world.pier.id).summary
    assert summary is not None and len(summary.lines) == 2
    first = summary.lines[0]
    assert [e.number for e in first.evidence] == [1, 2]  # wire (#1), herald (#2)
    wire_ev, herald_ev = first.evidence
    assert wire_ev.sentences[0].text.startswith("LAKEMOOR (Lakemoor Wire) - The town council")
    assert wire_ev.before == ""  # the first sentence of the wire
    assert wire_ev.after.startswith("\u201cThe pier is no longer safe")
    assert herald_ev.before == "Valley readers will remember the pier from summer markets."
    assert summary.lines[1].evidence[0].sentences[0].text.startswith("Lakemoor will shut")
    assert summary.n_words == 19


def test_story_quotes_grouped_by_speaker_with_variants_flagged(world: World) -> None:
    view = views.story_view(world.store, world.pier.id)
    assert view.n_quotes == 4
    voss, unnamed = view.speakers
    assert (voss.name, voss.entity_id, voss.n_articles) == ("Edda Voss", "e-voss", 3)
    (statement,) = voss.statements
    assert statement.text == "The pier is no longer safe for anyone who fishes from it,"
    assert statement.n_articles == 3 and statement.n_variants == 1
    assert [(c.number, c.variant) for c in statement.carriers] == [
        (1, False),
        (2, False),
        (3, True),
    ]
    # "He" names nobody: listed last, as unidentified.
    assert unnamed.name == "" and unnamed.entity_id is None
    assert not unnamed.statements[0].direct


def test_story_entities_and_timeline(world: World) -> None:
    view = views.story_view(world.store, world.pier.id)
    assert [(e.name, e.n_articles) for e in view.entities] == [("Lakemoor", 3), ("Edda Voss", 3)]
    points = view.timeline.points
    assert [p.number for p in points] == [1, 2, 3, 4]
    assert [p.x for p in points] == sorted(p.x for p in points)
    assert view.timeline.n_undated == 0 and view.timeline.ticks


def test_story_without_reuse_says_provenance_is_unknown(world: World) -> None:
    store = world.store
    store.replace_reuse_links([])
    store.replace_stories([replace(world.pier, n_origins=0), world.library_story])
    view = views.story_view(store, world.pier.id)
    assert not view.provenance_known
    assert {s.role for s in view.sources} == {"unknown"}
    assert view.graph.nodes == () and view.graph.n_unlinked == 4
    assert view.summary is not None  # replacing the stories kept the summary of a kept story


def test_unknown_story_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        views.story_view(world.store, "0123456789abcdef")


# --- one article ------------------------------------------------------------------------------


def test_article_highlights_reused_passages_both_ways(world: World) -> None:
    herald = views.article_view(world.store, world.herald.id)
    (taken,) = [h for h in herald.highlights if h.kind == "reused"]
    assert herald.text[taken.start : taken.end] == world.wire.text
    assert [o.article_id for o in taken.others] == [world.wire.id]
    assert taken.label == "taken from Lakemoor Wire"
    wire = views.article_view(world.store, world.wire.id)
    given = [h for h in wire.highlights if h.kind == "reused_by"]
    assert {o.source for h in given for o in h.others} == {"Valley Herald", "Coast Daily"}
    assert [(r.relation, r.other.source) for r in wire.reuse] == [
        ("copied by", "Valley Herald"),
        ("copied by", "Coast Daily"),
    ]


def test_article_quotes_speakers_citations_and_stories(world: World) -> None:
    view = views.article_view(world.store, world.coast.id)
    (q,) = view.quotes
    assert (q.speaker, q.speaker_written) == ("Edda Voss", "Mayor Edda Voss")
    kinds = {h.kind for h in view.highlights}
    assert {"quote", "speaker", "reused"} <= kinds
    assert [s.id for s in view.stories] == [world.pier.id]
    assert [(c.sentence_position, c.sentence_index) for c in view.citations] == [(1, 0)]
    assert [e.name for e in view.entities] == ["Edda Voss", "Lakemoor"]  # once each: by name
    assert view.sentences[0][0] == 0 and len(view.paragraphs) == 2


def test_article_skips_passages_outside_its_text(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    link = world.store.reuse_links(article_id=world.coast.id)[0]
    broken = replace(
        link,
        passages=(replace(link.passages[0], target=Span(world.coast.id, 10, 10_000)),),
    )
    world.store.replace_reuse_links([broken], among=[link.source_id, link.target_id])
    view = views.article_view(world.store, world.coast.id)
    assert not [h for h in view.highlights if h.kind == "reused"]
    assert "out of range" in caplog.text


def test_unknown_article_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        views.article_view(world.store, "0123456789abcdef")


# --- search -----------------------------------------------------------------------------------


def test_search_finds_articles_entities_and_their_quotes(world: World) -> None:
    view = views.search_view(world.store, "  Edda   Voss ")
    assert view.query == "Edda Voss"
    assert {r.article.id for r in view.results} == {world.wire.id, world.herald.id, world.coast.id}
    assert all(r.stories[0].id == world.pier.id for r in view.results)
    assert [(h.story.id, h.n_matching) for h in view.stories] == [(world.pier.id, 3)]
    assert [e.name for e in view.entities] == ["Edda Voss"]
    (voss,) = view.speakers
    assert voss.n_quotes == 3 and voss.statements[0].n_variants == 1
    assert [a.id for a in view.quoted_articles] == [world.wire.id, world.herald.id, world.coast.id]


def test_search_snippets_mark_the_matches(world: World) -> None:
    view = views.search_view(world.store, "divers")
    assert view.results
    for r in view.results:
        assert [r.snippet[a:b].lower() for a, b in r.highlights] == ["divers"] * len(r.highlights)


@pytest.mark.parametrize("query", ["", "   ", "x" * (views.MAX_QUERY_CHARS + 1)])
def test_search_refuses_empty_or_huge_queries(world: World, query: str) -> None:
    with pytest.raises(ConfigError):
        views.search_view(world.store, query)


def test_articles_listing_pages(world: World) -> None:
    view = views.articles_view(world.store)
    assert view.total == 5 and len(view.articles) == 5 and view.pages == 1
    assert views.articles_view(world.store, page=2).articles == ()


def test_many_outlets_are_offered_by_size(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "OUTLETS_OFFERED", 2)
    view = views.stories_view(world.store)
    assert view.n_outlets == 4
    # Lakemoor Wire (2 articles) first by size, then the first of the 1-article outlets by name.
    assert [o.name for o in view.outlets] == ["Coast Daily", "Lakemoor Wire"]


def test_a_split_quote_is_marked_piece_by_piece(world: World) -> None:
    article = world.wire
    first = "The pier is no longer safe"
    second = "for anyone who fishes from it"
    split = Quote(
        article.id,
        Span(article.id, article.text.index(first), article.text.index(second) + len(second)),
        f"{first} … {second}",
        True,
        speaker_text="Mayor Edda Voss",
        parts=(
            Span(article.id, article.text.index(first), article.text.index(first) + len(first)),
            Span(article.id, article.text.index(second), article.text.index(second) + len(second)),
        ),
    )
    world.store.replace_quotes([article.id], [split])
    marked = [
        h for h in views.article_view(world.store, article.id).highlights if h.kind == "quote"
    ]
    assert [article.text[h.start : h.end] for h in marked] == [first, second]
    assert [h.last for h in marked] == [False, True]


def test_remarks_match_the_quotes_stage_grouping() -> None:
    """Folding copies before grouping changes nothing: same groups, wording, variants,
    excerpts and speakers as newsweave.quotes.group_quotes on every quote."""
    import random

    from newsweave.model import Entity, EntityType
    from newsweave.quotes import group_quotes

    rng = random.Random(3)
    remarks = [
        "the pier will close before the winter storms arrive",
        "the pier will shut before the winter storms arrive",  # a variant
        "before the winter storms arrive",  # an excerpt
        "we have no money left for repairs this year",
        "no comment",  # short: direct and reported differ
        "taxes will rise",
    ]
    entities = [Entity("e-a", "Ana Pell", EntityType.PER), Entity("e-b", "Bo Lind", EntityType.PER)]
    quotes = []
    for n in range(300):
        article = f"{rng.randrange(60):016x}"
        text = rng.choice(remarks)
        start = 10 * n
        quotes.append(
            Quote(
                article,
                Span(article, start, start + len(text)),
                text.capitalize() if rng.random() < 0.3 else text,
                direct=rng.random() < 0.7,
                speaker_text=rng.choice(["Ana Pell", "Bo Lind", "he", None]),
                entity_id=rng.choice(["e-a", "e-b", None]),
            )
        )
    expected = {frozenset(q.id for q in g.quotes): g for g in group_quotes(quotes, entities)}
    got = {frozenset(q.id for q in r.quotes): r for r in views._remarks(quotes, entities)}
    assert set(got) == set(expected)
    for key, remark in got.items():
        group = expected[key]
        assert remark.text == group.text
        assert remark.variants == set(group.variant_ids)
        assert remark.excerpts == set(group.excerpt_ids)
        assert (remark.entity_id, remark.speaker) == (group.entity_id, group.speaker)


def test_speakers_written_alike_are_one_speaker() -> None:
    """Unresolved speakers that differ only by case or a leading article are one block, shown
    in the spelling most quotes use; pronouns stay unattributed."""
    said = [
        ("The harbour board", "the gates stay shut until the inspection is done"),
        ("the harbour board", "ferries will run on the old timetable next week"),
        ("Harbour board", "the inspection should take nine days at most"),
        ("The harbour board", "no ship has been turned away so far"),
        ("She", "the board has known about the gates for a year"),
        ("Edda Voss", "the pier must close before winter"),
    ]
    quotes = [
        Quote(
            f"{n:016x}",
            Span(f"{n:016x}", 0, len(text)),
            text,
            direct=True,
            speaker_text=speaker,
        )
        for n, (speaker, text) in enumerate(said)
    ]
    number = {q.article_id: n for n, q in enumerate(quotes, 1)}
    speakers = views._speakers(quotes, [], number)
    assert [(s.name, s.n_quotes) for s in speakers] == [
        ("The harbour board", 4),
        ("Edda Voss", 1),
        ("", 1),
    ]


def test_who_said_what_lists_statements_only() -> None:
    """Reported speech is listed after a verb of saying; a verb's object is not a statement."""

    def reported(n: int, text: str, speaker: str, cue: str | None) -> Quote:
        article = f"{n:016x}"
        return Quote(
            article, Span(article, 0, len(text)), text, False, speaker_text=speaker, cue_text=cue
        )

    quotes = [
        reported(1, "the ferry timetable would change in spring", "The port office", "said"),
        reported(2, "a pay rise", "The crews", "wanted"),
        reported(3, "the tugs would stay in harbour all week", "The pilots", None),
    ]
    number = {q.article_id: n for n, q in enumerate(quotes, 1)}
    assert [s.name for s in views._speakers(quotes, [], number)] == ["The port office"]


def test_story_roles_weigh_passages_like_the_reuse_stage() -> None:
    """A passage link that covers most of an article makes it a copy; the story page reads
    links without passages, so it must read that one again to see it."""
    from newsweave.model import AlignedPassage, ReuseDirection, ReuseKind, ReuseLink, Story
    from newsweave.store import MemoryStore

    borrowed = "The lock gates at Velmar will stay shut until the divers finish their survey."
    source = make_article(borrowed + " The survey began on Monday.", title="Gates", source="A")
    target = make_article("Update. " + borrowed, title="Gates shut", source="B")
    store = MemoryStore()
    store.add_articles([(a, segment_article(a)) for a in (source, target)])
    at = target.text.index(borrowed)
    passage = AlignedPassage(
        Span(source.id, 0, len(borrowed)),
        Span(target.id, at, at + len(borrowed)),
        1.0,
        "identical",
    )
    store.replace_reuse_links(
        [
            ReuseLink(
                source.id,
                target.id,
                ReuseKind.PASSAGE,
                ReuseDirection.DERIVED,
                0.9,
                passages=(passage,),
            )
        ]
    )
    story = Story(Story.make_id([source.id, target.id]), (source.id, target.id), n_origins=1)
    store.replace_stories([story])
    roles = {s.id: s.role for s in views.story_view(store, story.id).sources}
    assert roles == {source.id: "origin", target.id: "copy"}
