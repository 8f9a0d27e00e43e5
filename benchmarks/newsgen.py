"""Invented news at any scale, with planted copies and known stories, for the engine benchmark.

Every name, place, outlet and sentence is generated here from fixed seeds: nothing comes from a
real corpus.  A *story* is one event (a strike, a fire, an election ...) in one town, with its
own people, organisation, numbers and day; its articles each tell a subset of the story's facts
in their own words (every fact template has several alternatives at several points, so two
independent articles rarely print the same sentence), with a quote, background lines and, for
some outlets, a footer.  Then copies are planted, each recorded as a gold pair:

* ``exact``: another outlet republishes an article word for word;
* ``near_duplicate``: a content farm spins one (synonyms swapped, names padded);
* ``passage``: an article lifts a run of sentences from an earlier one of its story.

:func:`generate` returns the articles as JSON-lines records (``id``, ``title``, ``text``,
``source``, ``url``, ``date``) and the gold: story of each record, planted copy pairs.  The
gold story is *not* in the records, so no stage can read it.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["Corpus", "generate", "write_jsonl"]

SEED = 2024
START = datetime(2023, 1, 1, 6, 0, tzinfo=UTC)
DAYS = 365
EXACT_SHARE = 0.04
SPUN_SHARE = 0.03
PASSAGE_SHARE = 0.04
FOOTER_OUTLET_SHARE = 0.3  # outlets that end every article with the same footer line

_CONSONANTS, _VOWELS = "bdfgklmnprstvz", "aeiou"
_CLOSED = ("bran", "dor", "fen", "gar", "hal", "kel", "lin", "mor", "nor", "pel", "ros", "tar")
_SYLLABLES = (*(c + v for c in _CONSONANTS for v in _VOWELS), *_CLOSED)
_TOWN_ENDS = ("ford", "mouth", "wick", "ton", "by", "stead", "haven", "bury", "field", "port")
_ORG_KINDS = (
    "Port Authority",
    "Holdings",
    "Transport Union",
    "Teachers' Association",
    "Water Board",
    "General Hospital",
    "Football Club",
    "Chamber of Commerce",
    "Shipyards",
    "Energy",
    "Medical Council",
    "Farmers' Cooperative",
    "Rail Company",
    "City Council",
    "University",
)
_ROLES = (
    "spokeswoman",
    "spokesman",
    "chief executive",
    "mayor",
    "union leader",
    "director",
    "police chief",
    "council member",
    "chairwoman",
    "head of operations",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBER_WORDS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
)

# Event types: a headline and facts; "{a|b|c}" is a choice, "{slot}" a story value.
_EVENTS: dict[str, dict[str, list[str]]] = {
    "strike": {
        "headline": [
            "{Workers|Staff} at {org} {walk out|strike} over {pay|wages} in {town}",
            "{org} strike {halts|disrupts} {work|services} in {town}",
        ],
        "facts": [
            "{Workers|Employees|Staff members} at {org} {walked out|went on strike|stopped work} "
            "on {day} {after talks over pay collapsed|when pay talks broke down}.",
            "The {union|workers' union} {says|said} {members|its members} {have not had|were "
            "denied} a {raise|pay rise} for {num} years.",
            "{About|Around|Some} {num2} hundred {workers|people} {joined|took part in} the "
            "{walkout|strike|stoppage}, {according to|said} the {union|organisers}.",
            "{Management|The company|Bosses at {org}} {offered|proposed} a {num3} percent "
            "{increase|rise}, which the {union|workers} {rejected|turned down}.",
            "{Services|Deliveries|Shipments} in {town} {were delayed|ground to a halt|were "
            "disrupted} for {most of the day|several hours}.",
            "{person2}, {role2}, {said|told reporters} the {company|management} {remained "
            "open to|was ready for} {further|new} talks.",
            "{Pickets|Protesters} {gathered|stood} outside the {main gate|headquarters} of "
            "{org} {from dawn|in the rain|through the afternoon}.",
            "{A mediator|An arbitrator} {will meet|is due to meet} both sides {next week|on "
            "{day2}|within days}.",
        ],
        "quote": [
            "We {will not|cannot} {go back|return} {without|until we get} a fair deal",
            "This {dispute|strike} {could have been|was} {avoided|avoidable}",
        ],
    },
    "fire": {
        "headline": [
            "Fire {destroys|guts|ravages} {building|warehouse} in {town}",
            "{Blaze|Fire} at {town} {warehouse|depot} {forces|prompts} evacuation",
        ],
        "facts": [
            "A {fire|blaze} {broke out|started} at a {warehouse|depot|storage building} {owned "
            "by|belonging to} {org} in {town} on {day} {night|evening}.",
            "{num} fire {crews|engines} {fought|battled|tackled} the {flames|blaze} for {num2} "
            "hours {before bringing it under control|until dawn}.",
            "{Residents|Families} {living|in homes} nearby {were evacuated|had to leave} "
            "{as a precaution|during the night}.",
            "No one {was hurt|was injured}, {officials|the fire service} {said|confirmed}.",
            "The cause of the {fire|blaze} {is under investigation|remains unknown|is not yet "
            "known}.",
            "{person2}, {role2}, {said|told reporters} the {damage|loss} {could reach|was "
            "estimated at} {num3} million {euros|dollars}.",
            "{Smoke|A column of smoke} {could be seen|was visible} {from miles away|across "
            "{town}|from the coast road}.",
            "{Roads|Streets} around the {site|depot} {stayed closed|remained shut} {on "
            "{day2}|the next morning}.",
        ],
        "quote": [
            "{It went up|Everything burned} {in minutes|so fast}",
            "We {are lucky|were lucky} {nobody was inside|no one was hurt}",
        ],
    },
    "election": {
        "headline": [
            "{person} {wins|takes} {town} mayoral {race|election}",
            "{town} {elects|chooses} {person} as mayor",
        ],
        "facts": [
            "{person} {won|took} the {race|election} for mayor of {town} on {day} with {num3} "
            "percent of the vote.",
            "Turnout {reached|was} {num4} percent, {the highest|up} {in a decade|on the last "
            "vote}, {officials|election officials} {said|reported}.",
            "{person2}, the {outgoing|incumbent} mayor, {conceded|accepted defeat} {late on "
            "{day}|shortly after midnight}.",
            "{person} {promised|pledged} to {cut|lower} {local taxes|business rates} and "
            "{reopen|rebuild} the {library|harbour|old bridge}.",
            "{The campaign|The race} {was dominated by|centred on} {housing|the cost of "
            "living|transport}.",
            "{A recount|Recounts} {was ruled out|will not be needed}, {the returning "
            "officer|officials} {said|confirmed}.",
            "{person} {will take office|takes office} {next month|in {num} weeks}.",
        ],
        "quote": [
            "{This|Tonight} is a {victory|win} for {every|all} {resident|family} of {town}",
            "We {will|are going to} {get to work|start} {at once|straight away}",
        ],
    },
    "storm": {
        "headline": [
            "Storm {batters|lashes|hits} {town}",
            "{Gales|Storm} {cut|knock out} power in {town}",
        ],
        "facts": [
            "{A storm|Heavy storms|Gale-force winds} {hit|struck|battered} {town} on {day}, "
            "{bringing down|toppling} trees and power lines.",
            "{num2} thousand {homes|households} {were left|remained} without power {overnight|"
            "for hours}, {org} {said|reported}.",
            "{Gusts|Winds} of up to {num5} kilometres per hour {were recorded|were measured} "
            "{on the coast|at the harbour}.",
            "{Ferries|Trains|Bus services} {were cancelled|stopped running} {for the day|until "
            "{day2}}.",
            "{person2}, {role2}, {urged|asked} {residents|people} to {stay indoors|avoid the "
            "seafront}.",
            "{Repair crews|Engineers} {worked|were working} through the night to {restore|bring "
            "back} {power|electricity}.",
            "{Forecasters|Meteorologists} {expect|predict} {calmer weather|the wind to drop} "
            "{by {day2}|later in the week}.",
        ],
        "quote": [
            "{I have never seen|We have not seen} {wind|a storm} like {this|it} {here|in years}",
            "{Please|We ask people to} stay {away from|off} the {coast|roads}",
        ],
    },
    "court": {
        "headline": [
            "Court {rules against|fines} {org}",
            "{org} {loses|fined in} {court case|ruling}",
        ],
        "facts": [
            "A court in {town} {fined|ordered} {org} to pay {num3} million {euros|dollars} on "
            "{day}.",
            "The {judge|court} {found|ruled} that the {company|firm} had {broken|breached} "
            "{safety rules|environmental law|consumer law}.",
            "{person}, {role}, {said|announced} {the company|{org}} {would appeal|will appeal} "
            "the {ruling|decision}.",
            "The case {was brought|had been brought} by {num2} {residents|former workers|"
            "customers} {in|of} {town}.",
            "{Lawyers|Counsel} for the {plaintiffs|claimants} {called|described} the {ruling|"
            "verdict} {a victory|historic}.",
            "{The firm|{org}} {has|had} {num} weeks to {pay|settle}.",
        ],
        "quote": [
            "{Justice|The truth} has {finally|at last} {been done|come out}",
            "We {respect|will study} the {ruling|decision} {carefully|closely}",
        ],
    },
    "bridge": {
        "headline": [
            "{Bridge|Old bridge} in {town} {closed|shut} {after|over} {cracks|safety fears}",
            "{town} bridge {closure|shutdown} {snarls|disrupts} traffic",
        ],
        "facts": [
            "The {old|main} bridge {over|across} the river in {town} was {closed|shut} on {day} "
            "after {inspectors|engineers} found {cracks|damage} in {num} of its {piers|supports}.",
            "{Traffic|Cars and lorries} {is being|were} {diverted|sent} {through|via} {the "
            "ring road|the industrial estate}, {adding|which adds} {num2}0 minutes to journeys.",
            "{org} {said|estimated} {repairs|the work} {could|would} take {num3} months.",
            "{person2}, {role2}, {said|told a meeting} {safety|public safety} {came first|was "
            "the priority}.",
            "{A ferry|Extra buses} will {run|operate} {every|each} {num4} minutes {until|while} "
            "the bridge {reopens|is repaired}.",
            "The bridge {was built|opened} in {year} and {carries|took} {num5} hundred vehicles "
            "a day.",
        ],
        "quote": [
            "We {cannot|could not} {risk|take the risk of} a collapse",
            "{Safety|People's safety} {comes|has to come} first",
        ],
    },
}
_BACKGROUND = [
    "{Officials|Authorities} {said|added} more {details|information} would {follow|be released}.",
    "{Local|Regional} {media|newspapers} {reported|first reported} the {news|story} on {day}.",
    "{The town|{town}} has {about|around} {num5} thousand {inhabitants|residents}.",
    "{It was|This was} the {second|third|first} {such|similar} {incident|event} {this year|in "
    "{num} years}.",
]
# Context any story may carry, in its own names: ties articles of one story together beyond
# the event's facts, as background paragraphs do in real reports.
_CONTEXT = [
    "{person} has {lived|worked} in {town} for {num} years {and knows the area well|}.",
    "{org} {employs|has} {num5} hundred {people|staff} {in the region|across {town}}.",
    "{person2} {joined|took over at} {org} in {year} {after a career in the private sector|}.",
    "{The last time|Last time} {something similar happened|this happened} in {town} was in "
    "{year}, {residents recall|older residents remember}.",
    "{Shops|Businesses} {near the harbour|in the centre of {town}} {stayed open|kept trading} "
    "{as usual|despite the disruption}.",
    "{The regional council|Regional officials} {will discuss|are expected to discuss} the "
    "{matter|events} at {its|their} {next meeting|meeting on {day2}}.",
    "{person} {declined|did not want} to {comment further|say more} {when reached by phone|on "
    "{day2}}.",
    "{A statement|A short statement} from {org} {thanked|praised} {local people|residents} for "
    "their {patience|understanding}.",
    "{Questions|Concerns} about {funding|safety|planning} in {town} {have grown|have been "
    "raised} {for months|since {year}}.",
    "{Neighbours|People nearby} {described|called} the {scene|mood} as {tense|calm|chaotic}.",
    "{The {num} councillors|Councillors} {met|held talks} {behind closed doors|in private} "
    "{on {day2}|the same evening}.",
    "{Photos|Videos} {shared online|posted on social media} showed {crowds|queues} in {town}.",
]
_SPIN = {  # what a content farm swaps to disguise a copy
    "said": "stated",
    "told": "informed",
    "workers": "labourers",
    "fire": "inferno",
    "residents": "inhabitants",
    "town": "municipality",
    "company": "firm",
    "started": "commenced",
    "about": "approximately",
    "closed": "shuttered",
    "won": "secured",
    "hours": "hrs",
    "percent": "per cent",
    "people": "individuals",
}


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _expand(template: str, slots: dict[str, str], rng: random.Random) -> str:
    """Fill ``{slot}`` values and pick one of ``{a|b}`` choices, innermost first."""
    pattern = re.compile(r"\{([^{}]*)\}")
    text = template
    while True:
        match = pattern.search(text)
        if match is None:
            return text
        inner = match.group(1)
        value = rng.choice(inner.split("|")) if "|" in inner else slots.get(inner, inner)
        text = text[: match.start()] + value + text[match.end() :]


@dataclass
class Corpus:
    """Generated records and their gold."""

    records: list[dict[str, str]] = field(default_factory=list)
    story_of: dict[str, int] = field(default_factory=dict)  # record id -> story number
    copies: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, kind)


@dataclass(frozen=True)
class _World:
    given: list[str]
    surnames: list[str]
    towns: list[str]
    outlets: list[str]
    footers: dict[str, str]


def _world(rng: random.Random) -> _World:
    given = sorted({_name(rng, 2) for _ in range(600)})
    surnames = sorted({_name(rng, rng.choice((2, 3))) for _ in range(6000)})
    towns = sorted({_name(rng, 2) + rng.choice(_TOWN_ENDS) for _ in range(2500)})
    outlets = sorted(
        {
            f"The {_name(rng, 2)} {k}"
            for k in ("Courier", "Herald", "Post", "Times", "Gazette", "Wire", "Observer")
            for _ in range(12)
        }
    )
    footers = {
        o: f"Follow {o} for more news from the region."
        for o in outlets
        if rng.random() < FOOTER_OUTLET_SHARE
    }
    return _World(given, surnames, towns, outlets, footers)


def _story_slots(rng: random.Random, world: _World, day: datetime) -> dict[str, str]:
    person = f"{rng.choice(world.given)} {rng.choice(world.surnames)}"
    person2 = f"{rng.choice(world.given)} {rng.choice(world.surnames)}"
    town = rng.choice(world.towns)
    org = f"{rng.choice((town, rng.choice(world.surnames)))} {rng.choice(_ORG_KINDS)}"
    return {
        "person": person,
        "person2": person2,
        "town": town,
        "org": org,
        "role": rng.choice(_ROLES),
        "role2": rng.choice(_ROLES),
        "day": _WEEKDAYS[day.weekday()],
        "day2": _WEEKDAYS[(day.weekday() + 1) % 7],
        "num": rng.choice(_NUMBER_WORDS),
        "num2": str(rng.randint(2, 9)),
        "num3": str(rng.randint(3, 40)),
        "num4": str(rng.randint(20, 80)),
        "num5": str(rng.randint(11, 99)),
        "year": str(rng.randint(1890, 1990)),
        "TOWN": town.upper(),
    }


def _article(
    rng: random.Random,
    event: dict[str, list[str]],
    slots: dict[str, str],
    outlet: str,
    world: _World,
) -> tuple[str, str]:
    facts = list(event["facts"])
    lead, rest = facts[0], facts[1:]
    chosen = [lead, *rng.sample(rest, rng.randint(min(3, len(rest)), len(rest)))]
    sentences = [_capital(_expand(f, slots, rng)) for f in chosen]
    speaker = slots["person2"] if rng.random() < 0.5 else slots["person"]
    quote = _expand(rng.choice(event["quote"]), slots, rng)
    sentences.insert(rng.randint(1, len(sentences)), f"“{quote},” said {speaker}.")
    context = rng.sample(_CONTEXT, rng.randint(3, 7))
    sentences += [_capital(_expand(c, slots, rng)) for c in context]
    sentences += [
        _capital(_expand(rng.choice(_BACKGROUND), slots, rng)) for _ in range(rng.randint(0, 2))
    ]
    if rng.random() < 0.5:
        sentences[0] = f"{slots['TOWN']} ({outlet}) - {sentences[0]}"
    paragraphs = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
    if outlet in world.footers:
        paragraphs.append(world.footers[outlet])
    title = _expand(rng.choice(event["headline"]), slots, rng)
    return title, "\n\n".join(paragraphs)


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _spin(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = _SPIN.get(word.lower())
        if new is None:
            return word
        return new.capitalize() if word[0].isupper() else new

    return re.sub(r"[A-Za-z]+", swap, text)


def generate(n_articles: int, seed: int = SEED) -> Corpus:
    """``n_articles`` records in about ``n_articles / 5`` stories, copies planted (see above)."""
    rng = random.Random(seed)
    world = _world(rng)
    corpus = Corpus()
    story = 0
    events = sorted(_EVENTS)
    while len(corpus.records) < n_articles:
        day = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(12))
        event = _EVENTS[rng.choice(events)]
        slots = _story_slots(rng, world, day)
        size = min(n_articles - len(corpus.records), max(1, int(rng.expovariate(1 / 4.0)) + 1))
        members: list[dict[str, str]] = []
        for k in range(size):
            outlet = rng.choice(world.outlets)
            published = day + timedelta(hours=k * rng.uniform(0.5, 6))
            record = _record(len(corpus.records), outlet, published)
            roll = rng.random()
            if members and roll < EXACT_SHARE:
                source = rng.choice(members)
                record["title"], record["text"] = source["title"], source["text"]
                corpus.copies.append((source["id"], record["id"], "exact"))
            elif members and roll < EXACT_SHARE + SPUN_SHARE:
                source = rng.choice(members)
                record["title"] = _spin(source["title"])
                record["text"] = _spin(source["text"])
                corpus.copies.append((source["id"], record["id"], "near_duplicate"))
            else:
                record["title"], record["text"] = _article(rng, event, slots, outlet, world)
                if members and roll < EXACT_SHARE + SPUN_SHARE + PASSAGE_SHARE:
                    source = rng.choice(members)
                    lifted = _lift(source["text"], rng)
                    record["text"] = lifted + "\n\n" + record["text"]
                    corpus.copies.append((source["id"], record["id"], "passage"))
            members.append(record)
            corpus.records.append(record)
            corpus.story_of[record["id"]] = story
        story += 1
    return corpus


def _lift(text: str, rng: random.Random) -> str:
    """A run of 3 sentences (or all there is) from the body of ``text``, footer excluded."""
    sentences = [s for s in re.split(r"(?<=[.!?”])\s+", text) if s and not s.startswith("Follow ")]
    if len(sentences) <= 3:
        return " ".join(sentences)
    start = rng.randrange(0, len(sentences) - 3)
    return " ".join(sentences[start : start + 3])


def _record(index: int, outlet: str, published: datetime) -> dict[str, str]:
    slug = outlet.lower().replace("the ", "").replace(" ", "-")
    return {
        "id": f"syn-{index:07d}",
        "source": outlet,
        "url": f"https://{slug}.example/{index}",
        "date": published.isoformat(),
        "title": "",
        "text": "",
    }


def write_jsonl(corpus: Corpus, folder: Path, shards: int) -> list[Path]:
    """The records as ``shards`` JSON-lines files (records dealt round-robin)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{i:03d}.jsonl" for i in range(shards)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for i, record in enumerate(corpus.records):
            handles[i % shards].write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return paths
