"""Entities: the rule recognizer, coreference in an article, merging across a story."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from newsweave.entities import (
    EntityOptions,
    NameMemory,
    RuleRecognizer,
    SpacyRecognizer,
    article_entities,
    get_recognizer,
    merge_entities,
    sentence_spans,
)
from newsweave.errors import ConfigError
from newsweave.model import Entity, EntityType, Mention, Span
from tests.support import make_article


@pytest.fixture(scope="module")
def rules() -> RuleRecognizer:
    return RuleRecognizer()


def _names(recognizer: RuleRecognizer, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.type.value) for s in recognizer.recognize(text)]


# (sentence, the names in it with their CoNLL types)
NAMES = [
    (
        "The Riverside Harbour Authority said on Monday that Elena Varga would visit Lisbon.",
        [("Riverside Harbour Authority", "ORG"), ("Elena Varga", "PER"), ("Lisbon", "LOC")],
    ),
    (
        "Danish Foreign Minister Tomas Brandt met NATO officials in Brussels.",
        [("Danish", "MISC"), ("Tomas Brandt", "PER"), ("NATO", "ORG"), ("Brussels", "LOC")],
    ),
    (
        "Secretary of State John Kerry flew to Geneva.",
        [("John Kerry", "PER"), ("Geneva", "LOC")],
    ),
    (
        "Shares of Nordvik Shipping Ltd fell 4 percent in Oslo.",
        [("Nordvik Shipping Ltd", "ORG"), ("Oslo", "LOC")],
    ),
    ("After the vote, Mr. Halvorsen left Norway.", [("Halvorsen", "PER"), ("Norway", "LOC")]),
    ("LISBON 2025-03-10", [("LISBON", "LOC")]),
    ("Leeds 3 Hull 1", [("Leeds", "ORG"), ("Hull", "ORG")]),
    (
        "Striker Karl Ostrowski scored twice as Leeds beat Hull.",
        [("Karl Ostrowski", "PER"), ("Leeds", "ORG"), ("Hull", "ORG")],
    ),
    (
        "1. Ingrid Solberg ( Norway ) 2:05.11",
        [("Ingrid Solberg", "PER"), ("Norway", "LOC")],
    ),
    ("The Toronto-based lender cut rates.", [("Toronto-based", "MISC")]),
    ("President Bashar al-Assad spoke.", [("Bashar al-Assad", "PER")]),
    ("Rain is expected in the north of Scotland.", [("Scotland", "LOC")]),
    # A plural possessive inside an organisation's name, in either apostrophe.
    (
        "The Ostland Ferrymen's Guild and the Varnish Growers' Association met in Tallow.",
        [
            ("Ostland Ferrymen's Guild", "ORG"),
            ("Varnish Growers' Association", "ORG"),
            ("Tallow", "LOC"),
        ],
    ),
    (
        "Members of the Brisk Valley Beekeepers’ Union voted on Sunday.",
        [("Brisk Valley Beekeepers’ Union", "ORG")],
    ),
    ("The players' coach Sami Rask was fined.", [("Sami Rask", "PER")]),
    # A name of the form "<organisation word> of <something>" is an organisation.
    (
        "The Tallow Chamber of Commerce said the ferries must keep running.",
        [("Tallow Chamber of Commerce", "ORG")],
    ),
    ("Boats were diverted to Gannet Point overnight.", [("Gannet Point", "LOC")]),
    (
        "Trawlers left Port Orvel after Gannet & Finch warned of storms. "
        "Northwind Container Line said it would wait.",
        [("Port Orvel", "LOC"), ("Gannet & Finch", "ORG"), ("Northwind Container Line", "ORG")],
    ),
    ("The skipper lived in Strand with his wife.", [("Strand", "LOC")]),
    ("He was a father of two from the village of Strand.", [("Strand", "LOC")]),
    ("The rest centre on Chapel Hill is open.", [("Chapel Hill", "LOC")]),
    ("Damon Hill said the race was over.", [("Damon Hill", "PER")]),
    (
        "The River Sull burst its banks near Mill Lane on Tuesday.",
        [("River Sull", "LOC"), ("Mill Lane", "LOC")],
    ),
    # A capitalised plural noun opening a sentence is nobody.
    ("Importers said the new tariff would raise prices.", []),
    ("Beekeepers have warned of a poor harvest.", []),
    ("Peters said the harbour would reopen.", [("Peters", "PER")]),
    ("Harbours along the coast were closed.", []),  # a British spelling
    # A facility numbered rather than named is one place, number and all.
    ("Work at Berth 4 stopped after the crash.", [("Berth 4", "LOC")]),
    ("Terminal 3 will stay open, the port said.", [("Terminal 3", "LOC")]),
    ("Cranes at Pier 7's north end were idle.", [("Pier 7", "LOC")]),
    # Hyphenated common words are no names: a sentence's first word, a letter grade.
    ("Cold-store cargo is the most exposed.", []),
    ("Lisbon kept its A-minus rating.", [("Lisbon", "LOC")]),
    # A day's name that opens a programme's name belongs to it; a programme is no organisation.
    (
        "Ms Lind told the Sunday Review programme that the tax would go.",
        [("Lind", "PER"), ("Sunday Review", "MISC")],
    ),
    # "<organisation word> for <something>" is one organisation.
    (
        "The Ostland Inspectorate for Mine Safety said it had sent investigators.",
        [("Ostland Inspectorate for Mine Safety", "ORG")],
    ),
    # A person's name, then "of" and an organisation: two names.
    (
        "Sergeant Anna Lund of Tallow Harbour Police said the road was closed.",
        [("Anna Lund", "PER"), ("Tallow Harbour Police", "ORG")],
    ),
    # An acronym opening a name makes it an organisation, whatever verb follows.
    ("He told NRK Radio Vest on Monday.", [("NRK Radio Vest", "ORG")]),
    # The portfolio before "Minister" belongs to the title.
    ("It was backed by Transport Minister Lars Holt.", [("Lars Holt", "PER")]),
    # A kinship word and a comma before a lone name: a person.
    ("He lived there with his wife, Marit, and two sons.", [("Marit", "PER")]),
    # An unknown word shaped like a nationality before a common noun is an adjective.
    ("Boats were diverted to smaller Vorlanian ports.", [("Vorlanian", "MISC")]),
    # A country's formal name.
    ("The Republic of Vorlania voted on Monday.", [("Republic of Vorlania", "LOC")]),
    # A region's name opening a sentence, its first word a direction.
    ("Upper Tallow's member of parliament said no.", [("Upper Tallow", "LOC")]),
    # An office set off before its holder's name is a title, not a name.
    ("The Speaker, Arvid Holm, suspended the sitting.", [("Arvid Holm", "PER")]),
    # "Mission" names organisations, plural possessive and all.
    (
        "A book of condolence lies at the Seafarers' Mission in Tallow.",
        [("Seafarers' Mission", "ORG"), ("Tallow", "LOC")],
    ),
    # Names joined by "and" are of one kind.
    (
        "Trains between Lisbon and Orvel were cancelled.",
        [("Lisbon", "LOC"), ("Orvel", "LOC")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_rule_recognizer(rules: RuleRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert _names(rules, text) == expected


def test_document_memory_types_later_mentions(rules: RuleRecognizer) -> None:
    memory = NameMemory()
    rules.recognize("Goalkeeper Pavel Hrubesch saved a penalty.", memory)
    assert _names_with(rules, "Hrubesch was named man of the match.", memory) == [
        ("Hrubesch", "PER")
    ]


def _names_with(rules: RuleRecognizer, text: str, memory: NameMemory) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.type.value) for s in rules.recognize(text, memory)]


def test_memory_is_bounded() -> None:
    memory = NameMemory(capacity=2)
    for i in range(5):
        memory.learn(f"name {i}", ["name", str(i)], EntityType.PER)
    assert len(memory.types) <= 2


def test_sentence_spans_respect_abbreviations_and_quotes() -> None:
    text = "Sen. Lind met Mr. Berg at 5 p.m. on Friday. “Why?” he asked. They left."
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Sen. Lind met Mr. Berg at 5 p.m. on Friday.",
        "“Why?” he asked.",
        "They left.",
    ]


# --- coreference in an article and across a story -------------------------------------------


def test_mentions_of_one_person_are_one_entity() -> None:
    article = make_article(
        "Prime Minister Elena Varga arrived in Porto. Ms Varga said the talks went well. "
        "She will return on Friday, the prime minister added."
    )
    entities = article_entities(article)
    (varga,) = [e for e in entities if e.type is EntityType.PER]
    assert varga.name == "Elena Varga"
    kinds = sorted({m.kind for m in varga.mentions})
    assert kinds == ["description", "name", "pronoun"]
    assert "Prime Minister Elena Varga" in varga.aliases
    assert all(m.entity_id == varga.id for m in varga.mentions)


def test_pronouns_follow_gender() -> None:
    article = make_article("Mr Tomas Brandt met Ms Ingrid Lund. He praised her plan.")
    people = {e.name: e for e in article_entities(article) if e.type is EntityType.PER}
    pronouns = {m.text: e for e in people.values() for m in e.mentions if m.kind == "pronoun"}
    assert pronouns["He"].name == "Tomas Brandt"
    assert pronouns["her"].name == "Ingrid Lund"


def test_pronouns_inside_quotations_are_not_linked() -> None:
    article = make_article("Ola Berg spoke. “He lied to us,” a farmer said.")
    berg = next(e for e in article_entities(article) if e.name == "Ola Berg")
    assert [m.kind for m in berg.mentions] == ["name"]


def test_story_merges_aliases_across_articles() -> None:
    articles = [
        make_article("President Elena Varga of Portugal met the unions.", source="A"),
        make_article("Ms Varga promised a new budget.", source="B"),
        make_article("Varga and the Portuguese cabinet met on Monday.", source="C"),
    ]
    merged, remap = merge_entities([article_entities(a) for a in articles])
    (varga,) = [e for e in merged if "varga" in e.name.lower()]
    assert varga.name == "Elena Varga" and varga.type is EntityType.PER
    assert {m.span.article_id for m in varga.mentions} == {a.id for a in articles}
    assert set(remap.values()) >= {varga.id}


def test_a_lone_word_takes_the_type_most_of_its_mentions_have() -> None:
    articles = [
        make_article("Crews from Aven and Strand were at the scene within minutes.", source="A"),
        make_article("The skipper lived in Strand with his wife.", source="B"),
        make_article("Neighbours in Strand left candles on Friday night.", source="C"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    (strand,) = [e for e in merged if e.name == "Strand"]
    assert strand.type is EntityType.LOC


def test_shared_surname_of_two_people_is_not_merged() -> None:
    articles = [
        make_article("Anna Berg and Lars Berg met on Monday.", source="A"),
        make_article("Berg declined to comment.", source="B"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    names = sorted(e.name for e in merged if e.type is EntityType.PER)
    assert names == ["Anna Berg", "Berg", "Lars Berg"]


def test_countries_merge_under_one_name() -> None:
    articles = [
        make_article("The USA and Russia signed the accord.", source="A"),
        make_article("The United States and the Russian Federation signed it.", source="B"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    places = {e.name: len(e.mentions) for e in merged if e.type is EntityType.LOC}
    assert places == {"Russia": 2, "United States": 2}


def test_acronyms_merge_with_their_expansion() -> None:
    articles = [
        make_article("The International Monetary Fund approved the loan.", source="A"),
        make_article("The IMF approved the loan.", source="B"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    (imf,) = [e for e in merged if e.type is EntityType.ORG]
    assert imf.name == "International Monetary Fund" and "IMF" in imf.aliases


def test_entity_ids_are_stable() -> None:
    article = make_article("Elena Varga met Tomas Brandt in Oslo.")
    assert article_entities(article) == article_entities(article)


# --- recognizers ---------------------------------------------------------------------------------


@dataclass
class _FakeEnt:
    start_char: int
    end_char: int
    label_: str


class _FakeNlp:
    """A stand-in for a spaCy pipeline: finds the two words it is told about."""

    def __call__(self, text: str) -> object:
        ents = [
            _FakeEnt(text.index("Varga"), text.index("Varga") + 5, "PERSON"),
            _FakeEnt(text.index("Lisbon"), text.index("Lisbon") + 6, "GPE"),
            _FakeEnt(0, 3, "DATE"),
        ]
        return type("Doc", (), {"ents": ents})()


def test_spacy_recognizer_maps_labels() -> None:
    text = "Monday Varga flew to Lisbon."
    spans = SpacyRecognizer(_FakeNlp()).recognize(text)
    assert [(text[s.start : s.end], s.type) for s in spans] == [
        ("Varga", EntityType.PER),
        ("Lisbon", EntityType.LOC),
    ]


def test_article_entities_accept_any_recognizer() -> None:
    article = make_article("Monday Varga flew to Lisbon.")
    entities = article_entities(article, recognizer=SpacyRecognizer(_FakeNlp()))
    assert sorted((e.name, e.type.value) for e in entities) == [("Lisbon", "LOC"), ("Varga", "PER")]


def test_get_recognizer() -> None:
    assert get_recognizer("rules").name == "rules"
    assert get_recognizer("auto").name in ("rules", "spacy")
    with pytest.raises(ConfigError, match="unknown recognizer"):
        get_recognizer("crystal-ball")
    with pytest.raises(ConfigError, match="no_such_model_here"):
        get_recognizer("spacy:no_such_model_here")


def test_entity_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="recognizer"):
        EntityOptions(recognizer="magic")
    with pytest.raises(ConfigError, match="pronoun_window"):
        EntityOptions(pronoun_window=-1)


def test_a_name_typed_differently_across_articles_is_one_entity() -> None:
    """A place in two articles, read as an organisation in a third: one place."""

    def named(article_id: str, kind: EntityType) -> Entity:
        span = Span(article_id, 0, 6)
        return Entity(f"e-{article_id}", "Velmar", kind, (), (Mention(span, "Velmar", kind),))

    merged, remap = merge_entities(
        [
            [named("a1", EntityType.LOC)],
            [named("a2", EntityType.ORG)],
            [named("a3", EntityType.LOC)],
        ]
    )
    (entity,) = merged
    assert entity.type is EntityType.LOC and len(entity.mentions) == 3
    assert all(m.type is EntityType.LOC for m in entity.mentions)
    assert set(remap.values()) == {entity.id}


# (text, the description, the organisation it stands for)
ORG_DESCRIPTIONS = [
    (  # the nearest organisation named before that fits the noun
        "The Ostland Ferrymen's Union and the Tallow Port Authority met on Monday. "
        "The union later said it would strike.",
        "The union",
        "Ostland Ferrymen's Union",
    ),
    (
        "The Ostland Ferrymen's Union and the Tallow Port Authority met on Monday. "
        "The authority later said it would not move.",
        "The authority",
        "Tallow Port Authority",
    ),
    (  # named only after the description
        "Ferry crews will stop work on Friday, their union said.\n\n"
        "The Ostland Ferrymen's Union called the stoppage after talks failed.",
        "their union",
        "Ostland Ferrymen's Union",
    ),
    (
        "Shares in Gannet Holdings rose. The company said profits doubled.",
        "The company",
        "Gannet Holdings",
    ),
    (  # words before the noun that are words of the name
        "The Ostland Ferrymen's Union and the Tallow Port Authority met on Monday. "
        "The port authority later said it would not move.",
        "The port authority",
        "Tallow Port Authority",
    ),
    (
        "The Tallow Port Authority met on Monday. The port's authority said it would wait.",
        "The port's authority",
        "Tallow Port Authority",
    ),
]


@pytest.mark.parametrize(("text", "description", "name"), ORG_DESCRIPTIONS)
def test_descriptions_of_organisations_link_to_them(text: str, description: str, name: str) -> None:
    entities = article_entities(make_article(text))
    (entity,) = [
        e
        for e in entities
        if any(m.text == description and m.kind == "description" for m in e.mentions)
    ]
    assert entity.name == name and entity.type is EntityType.ORG


def test_an_organisation_description_with_nothing_that_fits_is_left_alone() -> None:
    text = "The Tallow Port Authority met on Monday. The union said nothing."
    entities = article_entities(make_article(text))
    assert not any(m.text == "The union" for e in entities for m in e.mentions)


def test_an_organisation_description_with_words_not_in_the_name_is_left_alone() -> None:
    text = "The Tallow Port Authority met on Monday. The airport authority said nothing."
    entities = article_entities(make_article(text))
    assert not any("airport" in m.text for e in entities for m in e.mentions)


def test_spellings_of_one_organisation_merge_across_articles() -> None:
    first = article_entities(make_article("The Ostland Ferry Men's Union met.", source="A"))
    second = article_entities(make_article("The Ostland Ferrymen's Union met.", source="B"))
    merged, _ = merge_entities([first, second])
    (union,) = [e for e in merged if e.type is EntityType.ORG]
    assert len(union.mentions) == 2


# --- names that are not entities of their own ------------------------------------------------


def _entity(name: str, kind: EntityType, article_id: str = "a1", *aliases: str) -> Entity:
    span = Span(article_id, 0, len(name))
    return Entity(f"e-{article_id}-{name}", name, kind, aliases, (Mention(span, name, kind),))


def _by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def test_an_honorific_attaches_only_to_a_person_of_its_gender() -> None:
    article = make_article(
        "Anton Meyer died on Friday. He loved the sea, said his sister, Greta Meyer. "
        "Mr Meyer had worked at the port for 22 years."
    )
    people = _by_name([e for e in article_entities(article) if e.type is EntityType.PER])
    assert "Mr Meyer" in people["Anton Meyer"].aliases
    assert "Mr Meyer" not in people["Greta Meyer"].aliases
    assert len(people["Greta Meyer"].mentions) == 1


def test_a_nationality_adjective_is_no_entity_and_makes_its_country_a_place() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Vorlanian Dockers' Union", EntityType.ORG, "a1")],
            [_entity("Vorlania", EntityType.ORG, "a2"), _entity("Vorlanian", EntityType.LOC, "a2")],
            [_entity("Vorlanian", EntityType.ORG, "a3")],
        ]
    )
    names = _by_name(merged)
    assert "Vorlanian" not in names
    assert names["Vorlania"].type is EntityType.LOC
    assert all(m.type is EntityType.LOC for m in names["Vorlania"].mentions)


def test_a_formal_country_name_and_the_short_one_are_one_place() -> None:
    articles = [
        make_article("The Republic of Vorlania held a vote on Monday.", source="A"),
        make_article("Dockers in Vorlania voted to strike.", source="B"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    (place,) = [e for e in merged if "Vorlania" in e.name]
    assert place.type is EntityType.LOC and len(place.mentions) == 2
    assert {place.name, *place.aliases} == {"Republic of Vorlania", "Vorlania"}


def test_the_first_name_of_one_person_of_the_story_is_that_person() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Anton Meyer", EntityType.PER, "a1")],
            [_entity("Anton", EntityType.ORG, "a2")],
        ]
    )
    (anton,) = merged
    assert anton.name == "Anton Meyer" and anton.type is EntityType.PER
    assert "Anton" in anton.aliases and len(anton.mentions) == 2


def test_a_first_name_two_people_share_is_left_alone() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Anton Meyer", EntityType.PER, "a1"), _entity("Anton Berg", EntityType.PER)],
            [_entity("Anton", EntityType.ORG, "a2")],
        ]
    )
    assert _by_name(merged)["Anton"].type is EntityType.ORG


def test_an_organisation_word_heading_one_longer_name_stands_for_it() -> None:
    merged, _ = merge_entities(
        [
            [_entity("National Assembly", EntityType.ORG, "a1")],
            [_entity("Assembly", EntityType.ORG, "a2")],
        ]
    )
    (assembly,) = merged
    assert assembly.name == "National Assembly" and "Assembly" in assembly.aliases


def test_an_organisation_word_heading_several_names_is_none_of_them() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Sunday Review", EntityType.MISC, "a1")],
            [_entity("Trade & Shipping Review", EntityType.ORG, "a2")],
            [_entity("Review", EntityType.ORG, "a3")],
        ]
    )
    assert "Review" not in _by_name(merged)


def test_an_organisation_word_heading_an_alias_is_that_entity() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Keldora", EntityType.LOC, "a1", "Keldoran Federation")],
            [_entity("Federation", EntityType.ORG, "a2")],
        ]
    )
    (keldora,) = merged
    assert keldora.name == "Keldora" and keldora.type is EntityType.LOC
    assert "Federation" in keldora.aliases and len(keldora.mentions) == 2


def test_an_outlet_named_short_in_its_own_article_is_the_outlet() -> None:
    article = make_article(
        "The harbour authority did not respond to the Gazette's request for comment. "
        "Staff at the Evening Post said the same.",
        source="Tallow Evening Post",
    )
    names = _by_name(article_entities(article))
    assert "Gazette" in names  # not this outlet's name: left as written
    assert names["Tallow Evening Post"].aliases == ("Evening Post",)


def test_the_distinctive_word_of_a_place_name_is_that_place() -> None:
    articles = [
        make_article("Fire crews from Orvel and Lisbon were at the scene.", source="A"),
        make_article("Dockers at Port Orvel walked out on Monday.", source="B"),
    ]
    merged, _ = merge_entities([article_entities(a) for a in articles])
    (port,) = [e for e in merged if "Orvel" in e.name]
    assert port.name == "Port Orvel" and port.type is EntityType.LOC
    assert "Orvel" in port.aliases and len(port.mentions) == 2


def test_a_programme_is_not_an_organisation_where_its_name_is_also_read_as_one() -> None:
    merged, _ = merge_entities(
        [
            [_entity("Sunday Review", EntityType.MISC, "a1")],
            [_entity("Sunday Review", EntityType.ORG, "a2")],
            [_entity("Sunday Review", EntityType.ORG, "a3")],
        ]
    )
    (review,) = merged
    assert review.type is EntityType.MISC


def test_a_description_does_not_run_across_a_sentence_end() -> None:
    article = make_article(
        "Prime Minister Elena Varga backed the bill. Its leader, she said, would not resign."
    )
    (varga,) = [e for e in article_entities(article) if e.type is EntityType.PER]
    assert not [a for a in varga.aliases if "." in a]
    assert not [m for m in varga.mentions if m.kind == "description"]
