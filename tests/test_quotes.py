"""Quotes: every quotation mark style, split and running quotes, reported speech, speakers."""

from __future__ import annotations

import pytest

from newsweave.errors import ConfigError
from newsweave.model import Quote, Span
from newsweave.quotes import (
    QuoteGroup,
    QuoteOptions,
    find_quotes,
    group_quotes,
    is_statement,
    quote_marks,
    quote_story,
    verb_forms,
)
from newsweave.segment import words
from tests.support import make_article


def _direct(text: str) -> list[Quote]:
    return [q for q in find_quotes(make_article(text)) if q.direct]


# (text, the quoted words as printed, speaker as written, cue)
DIRECT = [
    (
        "“We will rebuild the bridge,” said Mayor Ana Ortiz.",
        "“We will rebuild the bridge,”",
        "Mayor Ana Ortiz",
        "said",
    ),
    (
        '"The talks failed," the minister told reporters.',
        '"The talks failed,"',
        "the minister",
        "told",
    ),
    ("‘We are not leaving,’ she said.", "‘We are not leaving,’", "she", "said"),
    (
        "« The port will reopen on Monday », the harbour master said.",
        "« The port will reopen on Monday »",
        "the harbour master",
        "said",
    ),
    ("``The vote is final,'' the chairman said.", "``The vote is final,''", "the chairman", "said"),
    ("''It is over,'' Mr. Halvorsen said.", "''It is over,''", "Mr. Halvorsen", "said"),
    (
        "“Prices rose. Wages did not,” the economist said.",
        "“Prices rose. Wages did not,”",
        "the economist",
        "said",
    ),
    (
        "The governor said: “We will not raise taxes this year.”",
        "“We will not raise taxes this year.”",
        "The governor",
        "said",
    ),
    ("“Why now?” asked Senator Lind.", "“Why now?”", "Senator Lind", "asked"),
    (
        "“Why now?” Senator Lind asked. “Nobody warned us.”",
        "“Why now?” … “Nobody warned us.”",
        "Senator Lind",
        "asked",
    ),
    (
        "“It is a good deal,” Jana Novak, a lawyer and author from Brno, said.",
        "“It is a good deal,”",
        "Jana Novak, a lawyer and author from Brno,",
        "said",
    ),
    (
        "“The buses never come on time.” ― Marta Ruiz, 34, a nurse",
        "“The buses never come on time.”",
        "Marta Ruiz",
        "―",
    ),
    (
        "Varga: ‘We Will Not Resign’",
        "‘We Will Not Resign’",
        "Varga",
        ":",
    ),
]


@pytest.mark.parametrize(("text", "quoted", "speaker", "cue"), DIRECT)
def test_direct_quotes_in_every_style(text: str, quoted: str, speaker: str, cue: str) -> None:
    (quote,) = _direct(text)
    assert quote.text == quoted
    assert quote.speaker_text == speaker
    assert quote.cue_text == cue
    article_text = make_article(text).text
    assert article_text[quote.content.start : quote.content.end].startswith(quoted[:3])
    assert quote.speaker is not None
    assert article_text[quote.speaker.start : quote.speaker.end] == speaker


def test_split_quote_keeps_both_pieces() -> None:
    text = "“The plan is sound,” he said, “but the timing is wrong.”"
    (quote,) = _direct(text)
    assert [text[p.start : p.end] for p in quote.parts] == [
        "“The plan is sound,”",
        "“but the timing is wrong.”",
    ]
    assert quote.content.start == 0 and quote.content.end == len(text)
    assert quote.speaker_text == "he"


def test_quote_running_on_in_the_same_paragraph_joins_its_attribution() -> None:
    text = "“The plan is sound,” Ms. Varga said. “We will vote for it on Friday.”"
    (quote,) = _direct(text)
    assert len(quote.parts) == 2
    assert quote.speaker_text == "Ms. Varga"


def test_a_new_speaker_in_between_starts_a_new_quote() -> None:
    text = "“Sign here,” Ebba Lund said, and her husband cut in. “Not yet.”"
    first, second = _direct(text)
    assert first.speaker_text == "Ebba Lund"
    assert second.text == "“Not yet.”"
    assert not first.parts


def test_dash_signature_in_the_next_paragraph() -> None:
    text = "“We were promised a new school.”\n\n- Lena Holm."
    (quote,) = _direct(text)
    assert quote.speaker_text == "Lena Holm" and quote.cue_text == "-"


def test_quote_in_its_own_paragraph_after_a_lead_in() -> None:
    text = "The committee chair added:\n\n“The report is final and will be published.”"
    (quote,) = _direct(text)
    assert quote.speaker_text == "The committee chair"
    assert quote.cue_text == "added"


def test_paragraph_of_quotation_continues_the_speaker_before() -> None:
    text = (
        "“We were not consulted,” said Nora Quist, the union leader.\n\n"
        "“Nobody asked the drivers what they think of the new timetable.”"
    )
    first, second = _direct(text)
    assert second.speaker == first.speaker


@pytest.mark.parametrize(
    "text",
    [
        'Critics call the plan a "tax grab" in disguise.',
        "The film “Harbour Lights” opens on Friday in six cities.",
        "He is 6'2\" tall and plays centre.",
        "The players’ union met on Tuesday.",
    ],
)
def test_scare_quotes_and_titles_are_not_direct_quotes(text: str) -> None:
    assert _direct(text) == []


# (text, content of the reported speech, speaker as written)
INDIRECT = [
    (
        "Two members voted against the bill, according to Tallow Wire, which obtained the list.",
        "Two members voted against the bill",
        "Tallow Wire",
    ),
    (
        "The mayor said the bridge would reopen in May.",
        "the bridge would reopen in May",
        "The mayor",
    ),
    (
        "Ms. Varga told reporters that the ferry would resume on Friday.",
        "that the ferry would resume on Friday",
        "Ms. Varga",
    ),
    (
        "According to the Harbour Authority, the ferry will resume on Friday.",
        "the ferry will resume on Friday",
        "the Harbour Authority",
    ),
    (
        "The ferry will resume on Friday, the operator said on Tuesday.",
        "The ferry will resume on Friday",
        "the operator",
    ),
    (
        "The ferry will resume on Friday, said Ola Berg, a spokesman for the operator.",
        "The ferry will resume on Friday",
        "Ola Berg, a spokesman for the operator",
    ),
    (
        "Tomas Brandt believes the budget is too small.",
        "the budget is too small",
        "Tomas Brandt",
    ),
    (
        "Harbour officials say the cranes were inspected in June.",
        "the cranes were inspected in June",
        "Harbour officials",
    ),
    (
        "A lawyer for Orvan Ferries declined to comment on the report.",
        "to comment on the report",
        "A lawyer for Orvan Ferries",
    ),
    (
        "Lena Holm, a member of the board, said the pilots deserved better.",
        "the pilots deserved better",
        "Lena Holm, a member of the board,",
    ),
    (
        "Mira Holm spoke to dockers in Orvel on Friday, saying the port would reopen.",
        "the port would reopen",
        "Mira Holm",
    ),
    (
        "In a long interview, the harbour master went further, warning that cranes could fail.",
        "that cranes could fail",
        "the harbour master",
    ),
    (
        "Then she turned on the board, saying the cranes had been neglected for years.",
        "the cranes had been neglected for years",
        "she",
    ),
    (
        "Winds reached 60 km/h on Friday, according to the weather office, close to the limit.",
        "Winds reached 60 km/h on Friday",
        "the weather office",
    ),
    (
        "The union is warning that the strike could last a month.",
        "that the strike could last a month",
        "The union",
    ),
    (
        "The harbour board this past week announced that the cranes were unsafe.",
        "that the cranes were unsafe",
        "The harbour board",
    ),
    (
        "The dockers have twice complained that the cranes were unsafe.",
        "that the cranes were unsafe",
        "The dockers",
    ),
    (
        "Orvel and its neighbours counter that the port was never safe.",
        "that the port was never safe",
        "Orvel and its neighbours",
    ),
    (
        "The strike went on and dockers said the offer was too low.",
        "the offer was too low",
        "dockers",
    ),
    (
        'The mayor stressed, however, that" the ferries will run.',
        "the ferries will run",
        "The mayor",
    ),
]


def test_relative_clause_reports_speech_and_keeps_the_main_speaker() -> None:
    text = "Brandt, who said the offer was fair, said the talks would go on."
    found = [q for q in find_quotes(make_article(text)) if not q.direct]
    assert [(q.speaker_text, q.text) for q in found] == [
        ("who", "the offer was fair"),
        ("Brandt", "the talks would go on"),
    ]


@pytest.mark.parametrize(
    ("headline", "found"),
    [
        (
            "Ola Berg: The ferries will run again on Monday",
            ("Ola Berg", "The ferries will run again on Monday"),
        ),
        ("The Harbour Diary: Notes from a long week", None),
        ("Berg: Yes", None),
    ],
)
def test_a_headline_credited_to_its_speaker(headline: str, found: tuple[str, str] | None) -> None:
    article = make_article(headline + "\n\nThe ferry company said nothing on Sunday.")
    quotes = [q for q in find_quotes(article) if q.cue_text == ":"]
    assert [(q.speaker_text, q.text) for q in quotes] == ([found] if found else [])
    assert all(is_statement(q) for q in quotes)


def test_a_question_put_to_someone_is_reported() -> None:
    text = "Asked on the radio whether the ferries would run, the minister said they would."
    found = [q for q in find_quotes(make_article(text)) if not q.direct]
    assert ("Asked", "whether the ferries would run") in [(q.cue_text, q.text) for q in found]


@pytest.mark.parametrize(("text", "content", "speaker"), INDIRECT)
def test_reported_speech(text: str, content: str, speaker: str) -> None:
    article = make_article(text)
    (quote,) = [q for q in find_quotes(article) if not q.direct]
    assert article.text[quote.content.start : quote.content.end] == content
    assert quote.speaker_text == speaker


def test_a_past_form_after_a_determiner_is_an_adjective() -> None:
    text = "He spoke about the proposed harbour wall, saying it would be finished by May."
    found = [(q.cue_text, q.speaker_text, q.text) for q in find_quotes(make_article(text))]
    assert found == [("saying", "He", "it would be finished by May")]


def test_reported_speech_with_quoted_words_is_one_quote() -> None:
    text = "Mr Brandt said the offer was “the last one on the table”."
    quotes = find_quotes(make_article(text))
    assert [q.direct for q in quotes] == [False]
    assert "the last one on the table" in quotes[0].text


def test_participle_cue_shares_the_speaker_of_its_clause() -> None:
    text = "Lena Holm called for new elections, saying the cabinet had lost its majority."
    quotes = find_quotes(make_article(text))
    saying = next(q for q in quotes if q.cue_text == "saying")
    assert saying.speaker_text == "Lena Holm"


def test_indirect_can_be_switched_off() -> None:
    article = make_article("The mayor said the bridge would reopen in May.")
    assert find_quotes(article, QuoteOptions(indirect=False)) == []


def test_quote_marks_pair_within_paragraphs() -> None:
    text = "He said “one” and “two”.\n“Three"
    article = make_article(text)
    marks = quote_marks(text, article.paragraphs)
    assert [text[m.start : m.end] for m in marks] == ["“one”", "“two”", "“Three"]
    assert [m.closed for m in marks] == [True, True, False]


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("quip", ("quip", "quips", "quipped", "quipping")),
        ("reply", ("reply", "replies", "replied", "replying")),
        ("stress", ("stress", "stresses", "stressed", "stressing")),
        ("say", ("say", "says", "said", "saying")),
    ],
)
def test_verb_forms(lemma: str, forms: tuple[str, ...]) -> None:
    assert verb_forms(lemma) == forms


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="match"):
        QuoteOptions(match=0)
    with pytest.raises(ConfigError, match="exact_match"):
        QuoteOptions(match=0.6, exact_match=0.5)


# --- speakers -----------------------------------------------------------------------------------


# (text, the speaker as written, the person it is resolved to)
RESOLUTION = [
    (
        "Jana Novak chairs the board. “We expect growth next year,” she said.",
        "she",
        "Jana Novak",
    ),
    (
        "Prime Minister Elena Varga met the unions on Monday. "
        "“We will listen,” the prime minister said.",
        "the prime minister",
        "Elena Varga",
    ),
    (
        "Mr Tomas Brandt met Ms Ingrid Lund in Oslo. “No comment,” she said.",
        "she",
        "Ingrid Lund",
    ),
    (
        "Mr Tomas Brandt met Ms Ingrid Lund in Oslo. “No comment,” he said.",
        "he",
        "Tomas Brandt",
    ),
    (
        "“The deal is done,” said Ola Berg, the chief negotiator for Norway.",
        "Ola Berg, the chief negotiator for Norway",
        "Ola Berg",
    ),
    (
        "“The deal is done,” Karin Holm’s spokesman Per Ek said.",
        "Karin Holm’s spokesman Per Ek",
        "Per Ek",
    ),
]


@pytest.mark.parametrize(("text", "written", "resolved"), RESOLUTION)
def test_speakers_resolve_to_people(text: str, written: str, resolved: str) -> None:
    story = quote_story([make_article(text)])
    (quote,) = [q for q in story.quotes if q.direct]
    assert quote.speaker_text == written
    entity = next(e for e in story.entities if e.id == quote.entity_id)
    assert entity.name == resolved == story.speaker_of(quote)


def test_an_organisation_described_as_the_union_is_the_speaker() -> None:
    text = (
        "The Brisk Valley Beekeepers' Union met the Tallow Port Authority on Monday. "
        "“We will not move the hives,” the union said."
    )
    story = quote_story([make_article(text)])
    (quote,) = [q for q in story.quotes if q.direct]
    assert quote.speaker_text == "the union"
    assert story.speaker_of(quote) == "Brisk Valley Beekeepers' Union"


def test_an_anonymous_official_stays_unresolved() -> None:
    text = "Tomas Brandt arrived. “It is complicated,” a senior Danish official said."
    story = quote_story([make_article(text)])
    (quote,) = [q for q in story.quotes if q.direct]
    assert quote.speaker_text == "a senior Danish official"
    assert quote.entity_id is None


def test_a_place_named_inside_a_speaker_phrase_is_not_the_speaker() -> None:
    text = (
        "Delegates gathered at the Vorland Assembly Hall on Monday. "
        "“We are ready,” the head of the Vorland Assembly Hall said."
    )
    story = quote_story([make_article(text)])
    (quote,) = [q for q in story.quotes if q.direct]
    assert quote.speaker_text == "the head of the Vorland Assembly Hall"
    assert quote.entity_id is None


@pytest.mark.parametrize(
    "text",
    [
        "Anton Meyer died on Friday. “He was a quiet man,” the family of Anton Meyer said.",
        "Anton Meyer coached the youth team. “We will hold a minute's silence,” "
        "the Tallow football club, where Anton Meyer coached, said.",
    ],
)
def test_a_person_named_inside_a_speaker_phrase_is_not_the_speaker(text: str) -> None:
    story = quote_story([make_article(text)])
    (quote,) = [q for q in story.quotes if q.direct]
    assert "Anton Meyer" in (quote.speaker_text or "")
    assert quote.entity_id is None


def test_where_words_were_spoken_is_no_speaker() -> None:
    text = (
        "While the speeches from the podium of the Vorland Assembly reiterated known positions, "
        "hopes had been rising for a deal on grain."
    )
    story = quote_story([make_article(text)])
    assert not [q for q in story.quotes if "podium" in (q.speaker_text or "")]


def test_an_organisation_described_in_one_article_and_named_in_another() -> None:
    first = make_article("The Tallow Port Authority closed the quay on Monday.", source="A")
    second = make_article("“The quay will reopen,” the port authority said.", source="B")
    story = quote_story([first, second])
    (quote,) = [q for q in story.quotes if q.direct]
    assert quote.speaker_text == "the port authority"
    assert story.speaker_of(quote) == "Tallow Port Authority"


def test_description_resolved_with_what_the_story_knows() -> None:
    first = make_article(
        "Tomas Brandt, the Danish finance minister, presented the budget on Monday.",
        source="A",
    )
    second = make_article(
        "Tomas Brandt arrived late. Lena Holm spoke first.\n\n"
        "“The numbers add up,” said the Danish finance minister.",
        source="B",
    )
    story = quote_story([first, second])
    (quote,) = [q for q in story.quotes if q.direct]
    assert story.speaker_of(quote) == "Tomas Brandt"


# --- one quote across outlets ---------------------------------------------------------------


def _groups(*texts: str) -> list[QuoteGroup]:
    articles = [make_article(t, source=f"outlet{i}") for i, t in enumerate(texts)]
    story = quote_story(articles)
    return group_quotes(story.quotes, story.entities)


def test_same_words_in_three_outlets_are_one_group() -> None:
    quote = "“We will not accept a deal that leaves the harbour workers behind,” said Nora Quist."
    (group,) = _groups(quote, "Talks resumed.\n\n" + quote, quote + "\n\nTalks resumed.")
    assert len(group.article_ids) == 3
    assert not group.reworded and not group.excerpt_ids
    assert group.speaker == "Nora Quist"


def test_trimmed_and_reworded_quotes_are_flagged() -> None:
    full = "“We will not accept a deal that leaves the harbour workers behind,” said Nora Quist."
    trimmed = "“We will not accept a deal that leaves the harbour workers behind,” Nora Quist said."
    short = "“We will not accept a deal,” said Nora Quist, who leads the union."
    reworded = "“We shall not accept a deal that leaves harbour workers behind,” said Nora Quist."
    groups = _groups(full, trimmed, reworded, short)
    (big,) = groups
    assert len(big.quotes) == 4 and len(big.article_ids) == 4
    assert big.reworded and len(big.variant_ids) == 1 and len(big.excerpt_ids) == 1
    variant = next(q for q in big.quotes if q.id == big.variant_ids[0])
    assert "shall" in variant.text


def test_excerpts_are_kept_apart_from_variants() -> None:
    full = "“The harbour will reopen on Monday and the ferries will run again,” Ola Berg said."
    part = "“The harbour will reopen on Monday,” Ola Berg said."
    groups = _groups(full, part, full)
    (group,) = groups
    assert len(group.excerpt_ids) == 1 and not group.variant_ids


def test_different_speakers_with_similar_words_stay_apart() -> None:
    a = "“The budget is too small for the schools and the hospitals,” said Ola Berg."
    b = "“The budget is too small for the army,” said Lena Holm."
    groups = _groups(a, b)
    assert len(groups) == 2
    assert sorted(g.speaker or "" for g in groups) == ["Lena Holm", "Ola Berg"]


def test_grouping_is_deterministic() -> None:
    text = "“It is a good deal,” said Ola Berg. “We will sign it,” Lena Holm said."
    articles = [make_article(text, source=s) for s in ("A", "B")]
    story = quote_story(articles)
    quotes = list(story.quotes)
    assert group_quotes(quotes, story.entities) == group_quotes(quotes[::-1], story.entities)
    assert quote_story(articles[::-1]) == story


def _pairwise_groups(quotes: list[Quote], options: QuoteOptions) -> set[frozenset[str]]:
    """The partition :func:`group_quotes` must find, by comparing every pair of quotes."""
    tokens = [words(q.text.replace("…", " ")) for q in quotes]
    triples = [
        {tuple(t[i : i + 3]) for i in range(len(t) - 2)} if len(t) >= 3 else {tuple(t)} - {()}
        for t in tokens
    ]
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        return i if parent[i] == i else find(parent[i])

    for i in range(len(quotes)):
        for j in range(i + 1, len(quotes)):
            count = len(triples[i] & triples[j])
            if not count:
                continue
            small = min(len(triples[i]), len(triples[j]))
            if quotes[i].direct != quotes[j].direct and small < 4:
                continue
            ids = quotes[i].entity_id, quotes[j].entity_id
            agree = None in ids or ids[0] == ids[1]
            if count / max(len(triples[i]), len(triples[j])) >= options.exact_match or (
                count / small >= options.match and agree
            ):
                parent[find(j)] = find(i)
    groups: dict[int, set[str]] = {}
    for i, quote in enumerate(quotes):
        groups.setdefault(find(i), set()).add(quote.id)
    return {frozenset(g) for g in groups.values()}


def test_grouping_copies_by_wording_matches_every_pair_compared() -> None:
    """Collapsing copies before comparing finds the same groups as comparing all pairs,
    including copies of one wording given to different speakers."""
    wordings = [
        ("the harbour will reopen on monday and the ferries will run again", True),
        ("the harbour will reopen on monday", True),
        ("the harbour will reopen on monday and the buses will run again", True),
        ("the harbour will reopen on monday and the ferries will run again", False),
        ("we will sign it", True),
        ("we will sign it", False),
        ("the budget is too small for the schools and the hospitals", True),
        ("the budget is too small for the army", True),
        ("", True),
    ]
    speakers = [None, "e:ola", "e:lena"]
    quotes = []
    for n in range(60):
        text, direct = wordings[(n * 7) % len(wordings)]
        article = f"a{n % 13:02d}"
        start = n * 100
        quotes.append(
            Quote(
                article_id=article,
                content=Span(article, start, start + len(text)),
                text=text,
                direct=direct,
                entity_id=speakers[(n * 5) % 3],
            )
        )
    options = QuoteOptions()
    found = {frozenset(q.id for q in g.quotes) for g in group_quotes(quotes, (), options)}
    assert found == _pairwise_groups(quotes, options)
    assert sum(len(g) for g in found) == len(quotes)


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("“We will rebuild the bridge,” said Mayor Ana Ortiz.", True),
        ("Ana Ortiz said the bridge would be rebuilt within a year.", True),
        ("According to the harbour board, the ferries will run again on Monday.", True),
        ("The mayor, backed by the harbour board and the unions, resigned.", False),
        ("Ana Ortiz supported the plan to rebuild the bridge within a year.", False),
    ],
)
def test_statements_are_quoted_words_or_reported_speech(text: str, statement: bool) -> None:
    found = find_quotes(make_article(text))
    assert found  # every one is an attribution; only some are statements
    assert any(is_statement(q) for q in found) is statement
