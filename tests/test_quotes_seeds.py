"""The five seed articles: every quotation with the right speaker, and the people merged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsweave.model import Article, EntityType
from newsweave.quotes import StoryQuotes, quote_story
from tests.support import shared_file

pytestmark = pytest.mark.shared_data

# For each seed (file-name prefix), the speaker of every quote that carries quotation marks,
# in reading order: the canonical name it resolves to, ("as written", text) for a speaker no
# entity stands for, None for a quotation no one is credited with, ... where the text does not
# say who it is (a rewrite cut the person a pronoun stood for; "It" is a plan).
OFFICIAL = ("as written", "a senior USA official")
EXPECTED: dict[str, list[object]] = {
    "000": ["Vladimir Putin", "Francois Hollande", ..., None, "Hassan Rouhani"],
    "001": [
        "Hassan Rouhani",
        "James Bays",
        "Hassan Rouhani",
        "John Kerry",
        OFFICIAL,
        "Power",
        "Mogherini",
    ],
    "002": [None, ..., "Vladimir Putin", "Vladimir Putin", None, "Hassan Rouhani"],
    "003": [
        "Ban Ki-moon",
        "Ban Ki-moon",
        "Vladimir Putin",
        "Vladimir Putin",
        "Hassan Rouhani",
        "John Kerry",
    ],
    "004": [
        "Vladimir Putin",
        "Vladimir Putin",
        "Vladimir Putin",  # not 'stressing, however, that" air strikes': a stray mark, dropped
        "Sergey Lavrov",
        "Sergey Lavrov",
        "Mikhail Bogdanov",
        "Sergey Lavrov",
        "Giovanni Paolo II",  # the motto in the page footer, signed with a dash
    ],
}
# The direct quotes among them, by seed: their speakers in order.
DIRECT = {
    "000": [None, "Hassan Rouhani"],
    "001": ["Hassan Rouhani", "John Kerry", OFFICIAL, "Power", "Mogherini"],
    "002": [None, "Hassan Rouhani"],
    "003": [],
    "004": [
        "Vladimir Putin",
        "Sergey Lavrov",
        "Sergey Lavrov",
        "Sergey Lavrov",
        "Giovanni Paolo II",
    ],
}
_MARKS = '“”"‘«'


@pytest.fixture(scope="module")
def seeds() -> tuple[list[Article], StoryQuotes]:
    folder = shared_file("seeds")
    articles = []
    for path in sorted(Path(folder).glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(Article.build(body.strip("\n"), title=title.strip(), external_id=path.stem))
    return articles, quote_story(articles)


def _speakers(story: StoryQuotes, article: Article, direct_only: bool) -> list[object]:
    quotes = sorted(
        (q for q in story.quotes if q.article_id == article.id),
        key=lambda q: q.content.start,
    )
    found: list[object] = []
    for q in quotes:
        if direct_only and not q.direct:
            continue
        if not any(c in q.text for c in _MARKS):
            continue
        name = story.speaker_of(q) if q.entity_id else None
        if name is not None:
            found.append(name)
        elif q.speaker_text is not None and q.speaker_text.lower().startswith(("a ", "an ")):
            found.append(("as written", q.speaker_text))
        else:
            found.append(None)
    return found


def _matches(found: list[object], expected: list[object]) -> bool:
    return len(found) == len(expected) and all(
        e is ... or f == e for f, e in zip(found, expected, strict=True)
    )


def test_every_direct_quote_has_its_speaker(seeds: tuple[list[Article], StoryQuotes]) -> None:
    articles, story = seeds
    for article in articles:
        key = (article.external_id or "")[:3]
        assert _speakers(story, article, True) == DIRECT[key], key


def test_quoted_words_in_reported_speech_have_their_speaker(
    seeds: tuple[list[Article], StoryQuotes],
) -> None:
    articles, story = seeds
    for article in articles:
        key = (article.external_id or "")[:3]
        found = _speakers(story, article, False)
        assert _matches(found, EXPECTED[key]), (key, found)


@pytest.mark.parametrize(
    "name", ["Vladimir Putin", "Bashar al-Assad", "Barack Obama", "Hassan Rouhani"]
)
def test_people_merged_across_the_five_articles(
    seeds: tuple[list[Article], StoryQuotes], name: str
) -> None:
    articles, story = seeds
    (person,) = [e for e in story.entities if e.name == name]
    assert person.type is EntityType.PER
    seen_in = {m.span.article_id for m in person.mentions}
    mentioned = {
        a.id for a in articles if name.split()[-1].split("-")[-1].lower() in a.text.lower()
    }
    assert seen_in == mentioned and len(mentioned) >= 4
    others = [e for e in story.entities if e.id != person.id and e.type is EntityType.PER]
    surname = name.split()[-1].split("-")[-1].lower()
    assert not [e.name for e in others if surname in e.name.lower()]


def test_the_same_remark_in_two_outlets_is_one_group(
    seeds: tuple[list[Article], StoryQuotes],
) -> None:
    _, story = seeds
    shared = [g for g in story.groups if len(g.article_ids) > 1 and g.speaker == "Vladimir Putin"]
    assert shared, "the remark two outlets carry is not grouped"


def test_remarks_credited_to_an_organisation_or_place_are_headed_by_it(
    seeds: tuple[list[Article], StoryQuotes],
) -> None:
    """An organisation or place speaks only when the speaker phrase is its name ("Moscow",
    "the US"), not when it is named inside the phrase (where, or of what, something was said)."""
    _, story = seeds
    kinds = {e.id: e for e in story.entities}
    checked = 0
    for quote in story.quotes:
        entity = kinds.get(quote.entity_id or "")
        if entity is None or entity.type is EntityType.PER or quote.speaker is None:
            continue
        phrase = re.sub(r"^(?:the|a|an)\s+", "", quote.speaker_text or "", flags=re.I)
        opening = [
            m
            for m in entity.mentions
            if m.span.article_id == quote.article_id
            and m.span.start >= quote.speaker.start
            and m.span.end <= quote.speaker.end
            and phrase.startswith(m.text)
        ]
        assert opening, (quote.speaker_text, entity.name)
        checked += 1
    assert checked >= 2
