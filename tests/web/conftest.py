"""A small invented world for the web tests: two stories, copies, quotes, entities, a summary.

Story "pier" (four articles): the Lakemoor Wire's report (the origin), the Valley Herald's
republication of it, the Coast Daily's own report that rewords the mayor's quote and borrows one
sentence, and Pier Watch's unrelated-looking piece that shares nothing.  Story "library" is one
older article.  Everything is built by hand with the model types; every backend is exercised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

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
    Span,
    Story,
    Summary,
    SummarySentence,
)
from newsweave.segment import segment_article
from newsweave.store import MemoryStore, SQLiteStore, Store
from tests.web.demo_data import DemoStore, build_demo_store

CET = timezone(timedelta(hours=1))

WIRE = (
    "LAKEMOOR (Lakemoor Wire) - The town council of Lakemoor voted on Tuesday to close the old "
    "ferry pier after divers found its pilings rotten.\n"
    "\u201cThe pier is no longer safe for anyone who fishes from it,\u201d said Mayor Edda Voss. "
    "Repairs would cost four million crowns, the council said."
)
HERALD = (
    "Valley readers will remember the pier from summer markets.\n"
    "LAKEMOOR (Lakemoor Wire) - The town council of Lakemoor voted on Tuesday to close the old "
    "ferry pier after divers found its pilings rotten.\n"
    "\u201cThe pier is no longer safe for anyone who fishes from it,\u201d said Mayor Edda Voss. "
    "Repairs would cost four million crowns, the council said."
)
COAST = (
    "Lakemoor will shut its ferry pier, a decision that angered fishing crews.\n"
    "\u201cThe pier is no longer safe for anybody who fishes from it,\u201d Mayor Edda Voss told "
    "the Coast Daily. Repairs would cost four million crowns, the council said."
)
WATCH = (
    "Pier Watch has followed the pilings for years. He said the timber had been failing since "
    "the storms of last winter."
)
LIBRARY = "The Lakemoor library reopened its reading room on Monday after a leak was repaired."


@dataclass(frozen=True)
class World:
    store: Store
    wire: Article
    herald: Article
    coast: Article
    watch: Article
    library: Article
    pier: Story
    library_story: Story


def span_of(article: Article, words: str, after: int = 0) -> Span:
    start = article.text.index(words, after)
    return Span(article.id, start, start + len(words))


def quote(
    article: Article, words: str, speaker: str | None, entity: str | None, direct: bool = True
) -> Quote:
    return Quote(
        article_id=article.id,
        content=span_of(article, words),
        text=words,
        direct=direct,
        speaker=span_of(article, speaker) if speaker else None,
        speaker_text=speaker,
        cue=None if direct else span_of(article, "said"),  # reported speech: "He said the …"
        cue_text=None if direct else "said",
        entity_id=entity,
    )


def fill(store: Store) -> World:
    wire = Article.build(
        WIRE,
        title="Lakemoor to close its ferry pier",
        source="Lakemoor Wire",
        url="https://lakemoorwire.example/pier",
        byline="Ana Pell",
        dateline="LAKEMOOR",
        credits=("Lakemoor Wire",),
        published=datetime(2024, 6, 4, 9, 0, tzinfo=CET),
    )
    herald = Article.build(
        HERALD,
        title="Pier to close, council decides",
        source="Valley Herald",
        published=datetime(2024, 6, 4, 13, 30, tzinfo=CET),
    )
    coast = Article.build(
        COAST,
        title="Fishing crews angry as pier closes",
        source="Coast Daily",
        published=datetime(2024, 6, 5, 8, 0, tzinfo=UTC),
    )
    watch = Article.build(
        WATCH,
        title="The pilings we warned about",
        source="Pier Watch",
        published=datetime(2024, 6, 6, 18, 0, tzinfo=UTC),
    )
    library = Article.build(
        LIBRARY,
        title="Library reading room reopens",
        source="Lakemoor Wire",
        published=datetime(2024, 5, 20, 10, 0, tzinfo=UTC),
    )
    articles = [wire, herald, coast, watch, library]
    store.add_articles([(a, segment_article(a)) for a in articles])

    lead = "LAKEMOOR (Lakemoor Wire) - The town council"
    cost = "Repairs would cost four million crowns, the council said."
    store.replace_reuse_links(
        [
            ReuseLink(
                wire.id,
                herald.id,
                ReuseKind.NEAR_DUPLICATE,
                ReuseDirection.DERIVED,
                0.93,
                passages=(
                    AlignedPassage(
                        Span(wire.id, 0, len(WIRE)),
                        Span(herald.id, HERALD.index(lead), len(HERALD)),
                        1.0,
                        "identical",
                    ),
                ),
                evidence=("wire credit in the target", "source published earlier"),
            ),
            ReuseLink(
                wire.id,
                coast.id,
                ReuseKind.PASSAGE,
                ReuseDirection.DERIVED,
                0.41,
                passages=(
                    AlignedPassage(span_of(wire, cost), span_of(coast, cost), 1.0, "identical"),
                ),
                evidence=("source published earlier",),
            ),
        ]
    )
    pier = Story(
        id=Story.make_id(a.id for a in (wire, herald, coast, watch)),
        article_ids=(herald.id, wire.id, coast.id, watch.id),  # stored order is not time order
        title="Lakemoor closes its ferry pier",
        first_published=wire.published,
        last_published=watch.published,
        n_outlets=4,
        n_origins=3,
        method="cluster",
    )
    library_story = Story(
        id=Story.make_id([library.id]),
        article_ids=(library.id,),
        title="",  # untitled: pages fall back to the article's title
        first_published=library.published,
        last_published=library.published,
        n_outlets=1,
        n_origins=1,
        method="cluster",
    )
    store.replace_stories([pier, library_story])

    voss = "e-voss"
    store.replace_quotes(
        [a.id for a in articles],
        [
            quote(
                wire,
                "The pier is no longer safe for anyone who fishes from it,",
                "Mayor Edda Voss",
                voss,
            ),
            quote(
                herald,
                "The pier is no longer safe for anyone who fishes from it,",
                "Mayor Edda Voss",
                voss,
            ),
            quote(
                coast,
                "The pier is no longer safe for anybody who fishes from it,",
                "Mayor Edda Voss",
                voss,
            ),
            quote(
                watch,
                "the timber had been failing since the storms of last winter",
                "He",
                None,
                False,
            ),
        ],
    )

    def mentions(
        words: str, kind: EntityType, entity: str, among: list[Article]
    ) -> tuple[Mention, ...]:
        found = []
        for a in among:
            at = a.text.find(words)
            while at >= 0:
                found.append(Mention(Span(a.id, at, at + len(words)), words, kind, entity))
                at = a.text.find(words, at + 1)
        return tuple(found)

    store.replace_entities(
        [a.id for a in articles],
        [
            Entity(
                voss,
                "Edda Voss",
                EntityType.PER,
                ("Mayor Edda Voss",),
                mentions("Edda Voss", EntityType.PER, voss, [wire, herald, coast]),
            ),
            Entity(
                "e-lakemoor",
                "Lakemoor",
                EntityType.LOC,
                (),
                mentions("Lakemoor", EntityType.LOC, "e-lakemoor", [wire, herald, coast, library]),
            ),
        ],
    )
    wire_sentences = segment_article(wire)
    herald_sentences = segment_article(herald)
    coast_sentences = segment_article(coast)
    first = wire_sentences[0]
    copied = next(s for s in herald_sentences if s.text == first.text)
    crews = coast_sentences[0]
    store.save_summary(
        Summary(
            pier.id,
            (
                SummarySentence(
                    "Lakemoor's council voted to close the ferry pier after divers found rot.",
                    (
                        Citation(wire.id, first.index, first.start, first.end, 0.91),
                        Citation(herald.id, copied.index, copied.start, copied.end, 0.91),
                    ),
                    n_origins=1,
                ),
                SummarySentence(
                    "Fishing crews were angered by the decision.",
                    (Citation(coast.id, crews.index, crews.start, crews.end, 0.8),),
                    n_origins=1,
                ),
            ),
            method="test",
            word_budget=60,
        )
    )
    return World(store, wire, herald, coast, watch, library, pier, library_story)


BACKENDS: dict[str, Callable[[Path], Store]] = {
    "sqlite": lambda tmp: SQLiteStore(tmp / "web.db"),
    "memory": lambda tmp: MemoryStore(),
}


@pytest.fixture(params=sorted(BACKENDS))
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    store = BACKENDS[request.param](tmp_path)
    try:
        yield fill(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """examples/demo through ingest, reuse, digest and quotes: what the CLI stores (read-only)."""
    return build_demo_store(tmp_path_factory.mktemp("demo") / "demo.db")
