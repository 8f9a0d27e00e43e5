"""The demo corpus's people, organisations, places and speakers, against its ground truth.

``examples/demo-truth.json`` lists every entity of the demo with its type and its aliases as
written.  Each event's articles go through :func:`newsweave.quotes.quote_story`, as the digest
runs them, and what a reader of the digest sees is checked: each entity has the truth's type,
no entity mixes the aliases of two, no fragment of a longer name ("Terminal" of "Terminal 2",
"Aven" of "Port Aven") stands as an entity of its own, and quotes found with a speaker are
credited to the truth's speaker.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator

import pytest

from newsweave.model import Article, Entity, EntityType
from newsweave.pipeline import IngestRunOptions, ingest_paths
from newsweave.quotes import StoryQuotes, quote_story
from newsweave.store import open_store
from tests.support import DEMO, ROOT

TRUTH = ROOT / "examples" / "demo-truth.json"

# Entities whose type the recognizer cannot tell in one event, with the reason.
KNOWN_MISTYPED = {
    # Named there only as the object of a verb, inside quotations: nothing says it is a place.
    ("rebate-vote", "Harbourton"),
}


@functools.cache
def _truth() -> dict[str, dict[str, object]]:
    truth: dict[str, dict[str, object]] = json.loads(TRUTH.read_text(encoding="utf-8"))
    return truth


def _fold(text: str) -> str:
    text = re.sub(r"[‘’']", "'", text)
    return re.sub(r"[“”\"«»]", '"', text).strip(" .,;")


@functools.cache
def _alias_of() -> dict[str, frozenset[str]]:
    """Every truth name and alias, folded, to the truth entities it names."""
    found: dict[str, set[str]] = {}
    for name, entity in _truth()["entities"].items():
        assert isinstance(entity, dict)
        for alias in (name, *entity["aliases"]):
            found.setdefault(_fold(alias), set()).add(name)
    return {k: frozenset(v) for k, v in found.items()}


def _named(entity: Entity) -> frozenset[str]:
    """The truth entities whose aliases this entity carries."""
    alias_of = _alias_of()
    return frozenset().union(*(alias_of.get(_fold(n), ()) for n in (entity.name, *entity.aliases)))


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Article]]:
    """The demo's articles as ingest stores them, by external id."""
    path = tmp_path_factory.mktemp("demo-entities") / "demo.db"
    with open_store(path) as store:
        ingest_paths(store, [str(DEMO)], IngestRunOptions(workers=1))
        yield {a.external_id or "": a for a in store.iter_articles()}


@pytest.fixture(scope="module")
def external_ids(articles: dict[str, Article]) -> dict[str, str]:
    return {a.id: external_id for external_id, a in articles.items()}


@pytest.fixture(scope="module")
def events(articles: dict[str, Article]) -> dict[str, StoryQuotes]:
    """Each event's articles as one story, through the stage the digest runs."""
    found = {}
    for name, event in _truth()["events"].items():
        assert isinstance(event, dict)
        found[name] = quote_story([articles[i] for i in event["articles"]])
    return found


def _shown(story: StoryQuotes) -> list[Entity]:
    return [e for e in story.entities if e.type is not EntityType.MISC]


def test_entities_have_their_true_type(events: dict[str, StoryQuotes]) -> None:
    truth = _truth()["entities"]
    mistyped = set()
    for event, story in events.items():
        for entity in _shown(story):
            named = _named(entity)
            if len(named) == 1:
                (name,) = named
                kind = truth[name]
                assert isinstance(kind, dict)
                if kind["type"] != entity.type.value:
                    mistyped.add((event, name))
    assert mistyped == KNOWN_MISTYPED


def test_no_entity_carries_the_aliases_of_two(events: dict[str, StoryQuotes]) -> None:
    """ "Mr Roskova" belongs to Emil Roskova, never to his sister Mira."""
    mixed = [
        (event, e.name, e.aliases)
        for event, story in events.items()
        for e in _shown(story)
        if len(_named(e)) > 1
    ]
    assert mixed == []


def test_no_fragment_of_a_longer_name_is_an_entity(events: dict[str, StoryQuotes]) -> None:
    """A word written only as part of the truth's names ("Terminal", "Aven", "Keldoran",
    "Review", "Workplace Safety") is no entity unless the truth lists it as an alias."""
    words = {
        w
        for name, entity in _truth()["entities"].items()
        for alias in (name, *entity["aliases"])  # type: ignore[index]
        for w in _fold(alias).split()
    }
    names = {_fold(n) for n in (*_truth()["entities"], *_alias_of())}
    fragments = [
        (event, e.name)
        for event, story in events.items()
        for e in _shown(story)
        if not _named(e)
        and _fold(e.name) not in names
        and (_fold(e.name) in words or any(_part_of(_fold(e.name), n) for n in names))
    ]
    assert fragments == []


def _part_of(words: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", name) is not None


def test_keldora_is_one_place_in_every_event(events: dict[str, StoryQuotes]) -> None:
    """A country written also as "the Republic of Keldora", with its adjective "Keldoran"."""
    for event, story in events.items():
        found = [e for e in _shown(story) if "Keldora" in _named(e)]
        assert len(found) <= 1, event
        for entity in found:
            assert entity.type is EntityType.LOC, event
    assert sum(1 for story in events.values() for e in _shown(story) if e.name == "Keldora") >= 3


def test_quotes_are_credited_to_their_true_speaker(
    events: dict[str, StoryQuotes], external_ids: dict[str, str]
) -> None:
    """Every quote of the truth that newsweave finds with a resolved speaker has the truth's
    speaker ("The family of Emil Roskova" is not Emil Roskova)."""
    quotes = _truth()["quotes"]
    checked = 0
    wrong = []
    for story in events.values():
        entities = {e.id: e for e in story.entities}
        for quote in story.quotes:
            if quote.entity_id is None:
                continue
            got = _fold(quote.text)
            expected = quotes.get(external_ids[quote.article_id], [])
            assert isinstance(expected, list)
            for want in expected:
                text = _fold(want["text"])
                if text in got or (len(got) > 20 and got in text):
                    checked += 1
                    if want["speaker"] not in _named(entities[quote.entity_id]):
                        wrong.append((want["text"], entities[quote.entity_id].name))
    assert checked >= 150
    assert wrong == []
