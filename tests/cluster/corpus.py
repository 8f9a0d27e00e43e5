"""Invented news for the cluster tests: stories of a few kinds of event in invented towns."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newsweave.model import Article
from tests.support import make_article

# Invented stories: an event kind, a town, a person, a number; each article tells some of the
# facts in its own words.  Several stories share an event kind (three fires, three strikes...).
_EVENTS = {
    "fire": (
        "A fire broke out at the {place} warehouse in {town}, and {n} firefighters fought it.",
        "Flames gutted the {place} depot in {town} overnight; {person} said {n} crews attended.",
        "{person}, the {town} fire chief, said the blaze at {place} is under control.",
        "Smoke from {place} closed roads across {town} for hours.",
        "Investigators from {town} will examine the wiring at {place}, {person} said.",
        "Neighbours of {place} described a loud bang before the roof of the building collapsed.",
        "Insurers put the damage at {place} at {n} thousand, according to {person}.",
        "{town} schools near {place} stayed shut while the ruins cooled.",
    ),
    "strike": (
        "Workers at {place} in {town} walked out over pay, said union leader {person}.",
        "{n} staff of {place} joined the walkout in {town} on its second day.",
        "{person} told the {town} strikers at {place} that talks would resume.",
        "The {place} stoppage in {town} halted deliveries to {n} shops.",
        "Management at {place} offered a bonus that {person} called an insult.",
        "Pickets gathered at the gates of {place} as buses to {town} ran empty.",
        "A mediator arrived in {town} to meet {person} and the owners of {place}.",
        "The union said {n} members had voted for the action at {place}.",
    ),
    "flood": (
        "The river burst its banks in {town}, flooding {n} homes near {place}.",
        "{person} ordered the {place} district of {town} evacuated as water rose.",
        "Volunteers filled sandbags at {place} while {town} waited for the crest.",
        "Water reached {n} houses in {town}, {person} said after visiting {place}.",
        "Rescuers in boats lifted families from rooftops around {place}.",
        "The {town} bridge by {place} was closed after debris struck its pillars.",
        "{person} asked the government for emergency funds to rebuild {place}.",
        "Forecasters expect the level at {place} to fall within {n} hours.",
    ),
}
_SYLLABLES = ("ka", "lo", "mer", "dun", "vel", "tor", "sa", "bri", "os", "ne", "ral", "fen")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def generated(n_stories: int = 24, seed: int = 5) -> tuple[list[Article], dict[str, int]]:
    """``n_stories`` stories of 2-5 articles each; returns the articles and their story by id."""
    rng = random.Random(seed)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    articles: list[Article] = []
    gold: dict[str, int] = {}
    for story in range(n_stories):
        kind = sorted(_EVENTS)[story % len(_EVENTS)]
        facts = {
            "town": _word(rng, 3),
            "place": _word(rng, 2) + " " + rng.choice(("Mill", "Yard", "Works", "Quay")),
            "person": _word(rng, 2) + " " + _word(rng, 3),
            "n": str(rng.randrange(12, 400)),
        }
        day = start + timedelta(days=rng.randrange(90))
        for k in range(rng.randrange(2, 6)):
            lines = rng.sample(_EVENTS[kind], 3)
            text = " ".join(line.format(**facts) for line in lines)
            article = make_article(
                text,
                title=f"{facts['town']} {kind}",
                source=f"Outlet {k}",
                published=day + timedelta(hours=6 * k),
            )
            articles.append(article)
            gold[article.id] = story
    return articles, gold
