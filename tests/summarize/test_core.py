"""The summarizer on hand-built stories: grouping, independent origins, budget, citations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsweave.embed import HashingEmbedder, minilm_available
from newsweave.errors import ConfigError
from newsweave.model import (
    AlignedPassage,
    Article,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Span,
    Summary,
)
from newsweave.summarize import SummarizeOptions, default_origins, summarize, summarize_story
from newsweave.summarize.core import FEATURES
from tests.support import make_article

DAY = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
LEXICAL = SummarizeOptions(embedder="hashing")


def _article(outlet: str, sentences: list[str], *, hours: int = 0, title: str = "") -> Article:
    return make_article(
        " ".join(sentences),
        source=outlet,
        title=title or f"{outlet} report",
        url=f"https://{outlet.lower().replace(' ', '')}.example/story",
        published=DAY + timedelta(hours=hours),
    )


def _words(summary: Summary) -> int:
    return len(summary.text.split())


def _sentence_with(summary: Summary, needle: str) -> int:
    hits = [i for i, s in enumerate(summary.sentences) if needle in s.text]
    assert hits, f"no summary sentence mentions {needle!r}: {summary.text!r}"
    return hits[0]


# --- a flood story told by three outlets, one of them rewording another -----------------------

FLOOD_A = [
    "The city council approved a $40mn plan to rebuild the flooded riverside district on "
    "Tuesday night.",
    "Engineers will raise the embankment by two metres along the whole eastern bank.",
    "Residents of the riverside district have lived in temporary housing since March.",
    "The council's vote passed by nine votes to four after a long debate.",
]
FLOOD_B = [
    "The City Council has approved a $40-million plan to rebuild the riverside district that "
    "flooded in March.",
    "Engineers are to raise the eastern embankment by two metres, the council said.",
    "Shop owners in the district said the money would arrive too late for many businesses.",
    "Insurance claims from the flood have already passed twelve million dollars this spring.",
]
FLOOD_C = [
    "Insurance claims from the flood have already passed twelve million dollars this spring.",
    "A local charity has opened a second food bank near the old market hall.",
    "Volunteers from three neighbouring towns helped clear mud from the streets in April.",
    "The charity said donations of blankets and tinned food were still needed.",
]


def _flood() -> list[Article]:
    return [
        _article("Harbor Times", FLOOD_A, hours=0),
        _article("Valley Post", FLOOD_B, hours=2),
        _article("Daily Ledger", FLOOD_C, hours=5),
    ]


@pytest.mark.embed
@pytest.mark.skipif(not minilm_available(), reason="needs the MiniLM embedder (embed extra)")
def test_reworded_sentences_are_one_unit_cited_together() -> None:
    articles = _flood()
    summary = summarize_story(articles, SummarizeOptions(words=60))
    plan = summary.sentences[_sentence_with(summary, "plan to rebuild")]
    assert set(plan.article_ids) == {articles[0].id, articles[1].id}
    assert plan.n_origins == 2
    # the other outlet's wording of the same fact is not chosen again
    assert sum("plan to rebuild" in s.text for s in summary.sentences) == 1


def test_a_copy_is_cited_with_its_offsets() -> None:
    articles = _flood()
    summary = summarize_story(articles, SummarizeOptions(words=80, embedder="hashing"))
    claims = summary.sentences[_sentence_with(summary, "Insurance claims")]
    assert set(claims.article_ids) == {articles[1].id, articles[2].id}
    by_id = {a.id: a for a in articles}
    for citation in claims.citations:
        cited = by_id[citation.article_id].text[citation.start : citation.end]
        assert cited == FLOOD_B[3] or cited == FLOOD_C[0]


SPUN = [
    "Shop proprietors across the quarter warned the cash would come far too late for numerous "
    "firms.",
    "A brass band played outside the town hall while the results were read.",
]


def test_a_spin_aligned_by_a_reuse_link_is_cited_too() -> None:
    articles = [*_flood(), _article("Spin Farm", SPUN, hours=8)]
    source, spin = articles[1], articles[3]
    first = source.text.index(FLOOD_B[2])
    passage = AlignedPassage(
        source=Span(source.id, first, first + len(FLOOD_B[2])),
        target=Span(spin.id, 0, len(SPUN[0])),
        score=0.61,
        kind="reworded",
    )
    link = ReuseLink(
        source.id, spin.id, ReuseKind.PASSAGE, ReuseDirection.DERIVED, 0.5, passages=(passage,)
    )
    options = SummarizeOptions(words=120, embedder="hashing")
    origins = {spin.id: source.id}
    without = summarize_story(articles, options, origins=origins)
    shops = [s for s in without.sentences if s.text.startswith(("Shop owners", "Shop proprie"))]
    assert shops  # too few shared words for similarity to see one fact told twice:
    assert all(len(s.article_ids) == 1 for s in shops)  # each cites its own article only
    summary = summarize_story(articles, options, origins=origins, links=[link])
    lines = [s for s in summary.sentences if s.text.startswith(("Shop owners", "Shop proprie"))]
    assert len(lines) == 1  # aligned sentences are one unit: one of them is chosen
    assert set(lines[0].article_ids) == {source.id, spin.id}
    assert lines[0].n_origins == 1  # the spin is its source's echo
    cited = next(c for c in lines[0].citations if c.article_id == spin.id)
    assert spin.text[cited.start : cited.end] == SPUN[0]
    # a passage naming an article outside the story changes nothing
    stray = ReuseLink("elsewhere", spin.id, ReuseKind.PASSAGE, ReuseDirection.UNKNOWN, 0.5)
    assert summarize_story(articles, options, origins=origins, links=[stray]) == without


def test_every_citation_points_at_the_sentence_it_names() -> None:
    articles = _flood()
    by_id = {a.id: a for a in articles}
    summary = summarize_story(articles, SummarizeOptions(words=120, embedder="hashing"))
    assert summary.sentences
    for sentence in summary.sentences:
        assert sentence.citations
        for c in sentence.citations:
            text = by_id[c.article_id].text
            assert 0 <= c.start < c.end <= len(text)
            assert 0.0 < c.score <= 1.0


# --- independent origins ------------------------------------------------------------------------

ECHOED = "Fire crews contained the warehouse blaze in the eastern industrial zone after six hours."
CORROBORATED = (
    "Mayor Lena Ortiz ordered an inquiry into the warehouse fire safety inspections today."
)


def _echo_story() -> tuple[list[Article], dict[str, str]]:
    source = _article(
        "Wire One",
        [
            ECHOED,
            "The cause of the blaze is not yet known to anyone.",
            "Smoke could be seen from the motorway for most of the afternoon.",
            "Nearby businesses were told to keep their windows closed overnight.",
        ],
    )
    # content-farm copies: the wire sentence among lines of their own, so that only the reuse
    # stage's links (given here as ``origins``) can tell they are copies
    copies = [
        _article(
            f"Echo Site {k}",
            [
                ECHOED,
                f"Our district number {k} team has more local stories on the website this week.",
                f"Readers in district {k} can send their photos of the scene to the news desk.",
                f"Traffic in district {k} is expected to be heavy around the zone until Friday.",
            ],
            hours=1 + k,
        )
        for k in range(10)
    ]
    independent = [
        _article(
            "City Desk",
            [CORROBORATED, "Her office said the report would be published within a month."],
            hours=3,
        ),
        _article(
            "Metro Radio",
            [CORROBORATED, "Opposition councillors called for the fire chief to testify first."],
            hours=4,
        ),
    ]
    articles = [source, *copies, *independent]
    origins = {c.id: source.id for c in copies}
    return articles, origins


def test_ten_copies_of_one_source_do_not_outweigh_two_independent_sources() -> None:
    articles, origins = _echo_story()
    budget = max(len(ECHOED.split()), len(CORROBORATED.split()))
    options = SummarizeOptions(words=budget, embedder="hashing")
    summary = summarize_story(articles, options, origins=origins)
    assert [s.text for s in summary.sentences] == [CORROBORATED]
    assert summary.sentences[0].n_origins == 2
    # the same story without provenance counts the echoes as eleven outlets
    naive = summarize_story(articles, options)
    assert [s.text for s in naive.sentences] == [ECHOED]
    assert naive.sentences[0].n_origins == 11


def test_echoes_are_cited_but_counted_as_one_origin() -> None:
    articles, origins = _echo_story()
    summary = summarize_story(
        articles, SummarizeOptions(words=40, embedder="hashing"), origins=origins
    )
    echoed = summary.sentences[_sentence_with(summary, "Fire crews")]
    assert len(echoed.article_ids) == 11
    assert echoed.n_origins == 1


def test_near_verbatim_copies_count_once_without_provenance() -> None:
    """An agency story and its update share most sentences: one origin even without links."""
    source = _article("Wire One", [ECHOED, "The cause of the blaze is not yet known to anyone."])
    update = _article(
        "Wire One update",
        [
            ECHOED,
            "The cause of the blaze is not yet known to anyone.",
            "Two firefighters were treated.",
        ],
        hours=2,
    )
    independent = [
        _article("City Desk", [CORROBORATED, "Her office will publish the report."], hours=3),
        _article(
            "Metro Radio", [CORROBORATED, "Councillors want the fire chief to testify."], hours=4
        ),
    ]
    cited = summarize_story(
        [source, update, *independent], SummarizeOptions(words=40, embedder="hashing")
    )
    echoed = cited.sentences[_sentence_with(cited, "Fire crews")]
    assert len(echoed.article_ids) == 2 and echoed.n_origins == 1
    corroborated = cited.sentences[_sentence_with(cited, "Mayor Lena Ortiz")]
    assert corroborated.n_origins == 2


def test_verbatim_copies_share_an_origin_by_default() -> None:
    text = "The harbour bridge reopened to traffic after nine months of repair work."
    first = make_article(text, source="Outlet A", published=DAY)
    second = make_article(text, source="Outlet B", published=DAY + timedelta(hours=1))
    other = make_article("A different story about the harbour ferry timetable changes today.")
    origins = default_origins([second, first, other])
    assert origins[first.id] == origins[second.id] == first.id
    assert origins[other.id] == other.id


# --- budget, order, options ---------------------------------------------------------------------


@pytest.mark.parametrize("words", [12, 25, 40, 70, 120, 400])
def test_the_word_budget_is_never_exceeded(words: int) -> None:
    summary = summarize_story(_flood(), SummarizeOptions(words=words, embedder="hashing"))
    assert summary.sentences, "a budget of 12 words or more fits at least one sentence here"
    assert _words(summary) <= words
    assert summary.word_budget == words


def test_sentences_come_in_time_order_then_source_order() -> None:
    early = _article(
        "Morning Star",
        [
            "Storm warnings were issued for the whole northern coast early on Monday morning.",
            "Schools along the northern coast will stay closed until the storm has passed.",
        ],
        hours=0,
    )
    late = _article(
        "Evening News",
        [
            "The storm made landfall near the fishing port of Keld late on Monday evening.",
            "Power lines were brought down across three coastal villages near the port.",
        ],
        hours=10,
    )
    summary = summarize_story([late, early], SummarizeOptions(words=200, embedder="hashing"))
    assert summary.text == early.text + " " + late.text


def test_short_fragments_are_summarized_when_nothing_else_is_there() -> None:
    article = make_article("Bridge reopens.\n\nTraffic moving again.")
    summary = summarize_story([article], SummarizeOptions(words=10, embedder="hashing"))
    assert summary.text
    assert _words(summary) <= 10


def test_an_empty_story_has_an_empty_summary() -> None:
    summary = summarize_story([], LEXICAL, story_id="s1")
    assert summary.sentences == ()
    assert summary.story_id == "s1"


def test_the_stage_function_summarizes_each_story() -> None:
    flood = _flood()
    echo, _ = _echo_story()
    summaries = list(summarize([("flood", flood), ("fire", echo)], LEXICAL))
    assert [s.story_id for s in summaries] == ["flood", "fire"]
    assert all(s.sentences for s in summaries)


def test_the_same_input_gives_the_same_summary() -> None:
    a = summarize_story(_flood(), LEXICAL)
    b = summarize_story(list(reversed(_flood())), LEXICAL)
    assert a.text == b.text


def test_an_embedder_can_be_passed_in() -> None:
    summary = summarize_story(_flood(), SummarizeOptions(words=50), embedder=HashingEmbedder(512))
    assert summary.sentences


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"words": 0}, "words must be at least 1"),
        ({"embedder": "bert"}, "choose one of auto, minilm, static, hashing"),
        ({"solver": "magic"}, "choose one of ilp, greedy"),
        ({"min_words": 9, "max_words": 3}, "min_words <= max_words"),
        ({"max_candidates": 0}, "max_candidates"),
        ({"concept_min_share": 1.5}, "concept_min_share"),
        ({"position_scale": 0}, "position_scale"),
        ({"offtopic_similarity": 1.0}, "offtopic_similarity"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        SummarizeOptions(**kwargs)  # type: ignore[arg-type]


def test_greedy_solver_respects_the_budget_too() -> None:
    summary = summarize_story(
        _flood(), SummarizeOptions(words=45, solver="greedy", embedder="hashing")
    )
    assert summary.sentences
    assert _words(summary) <= 45


def test_an_article_given_twice_is_cited_once() -> None:
    flood = _flood()
    summary = summarize_story([*flood, flood[0]], LEXICAL)
    for sentence in summary.sentences:
        keys = [(c.article_id, c.sentence_index) for c in sentence.citations]
        assert len(keys) == len(set(keys))


# --- filling the budget, furniture pages, off-topic origins ----------------------------------


def test_fill_uses_the_words_whole_sentences_leave_and_cites_the_cut_sentence() -> None:
    articles = _flood()
    strict = summarize_story(articles, SummarizeOptions(words=50, embedder="hashing"))
    filled = summarize_story(articles, SummarizeOptions(words=50, embedder="hashing", fill=True))
    assert _words(strict) < 50 - 4  # whole sentences leave room here
    assert 50 - 4 <= _words(filled) <= 50
    last = filled.sentences[-1]
    assert last.text.endswith("…")
    by_id = {a.id: a for a in articles}
    source = [by_id[c.article_id].text[c.start : c.end] for c in last.citations]
    # the cut sentence is the start of a whole source sentence, which the citation points at
    assert any(text.startswith(last.text[:-1].rstrip()) for text in source)
    assert [s.text for s in filled.sentences[: len(strict.sentences)]] != [] and all(
        s.text in {f.text for f in filled.sentences} for s in strict.sentences
    )


TRUNCATED = [
    "The museum reopened its east wing on Saturday.",  # seven words: below min_words
    "Curators moved four hundred paintings back from storage over the winter months and",
]


def test_fill_takes_short_and_cut_off_sentences_when_well_formed_ones_run_out() -> None:
    articles = [
        _article("Arts Wire", TRUNCATED, hours=0),
        _article("Gallery News", [TRUNCATED[0]], hours=1),
    ]
    options = SummarizeOptions(words=40, embedder="hashing", fill=True)
    summary = summarize_story(articles, options)
    texts = [s.text for s in summary.sentences]
    assert TRUNCATED[0] in texts
    # the sentence the source cut off is shown as cut off
    assert any(t.startswith("Curators moved") and t.endswith("and…") for t in texts)
    assert _words(summary) <= 40


FURNITURE_PAGE = [
    "Tweet with a location you can add location information to your tweets from the web.",
    "You always have the option to delete your tweet location history. Learn more.",
    "This feature is not available right now. Please try again later.",
]


# a web archive's note saved in place of the page, and an account's and a paywall's messages
ARCHIVE_NOTE = [
    "This crawl started in the spring and followed links from every news home page it found.",
    "Crawled sites are stored for later study, though some of the files are not public yet.",
    "The collection keeps a copy of each page as it looked on the day it was captured.",
]
ACCOUNT_PAGE = [
    "We have sent you a verification email to confirm the new profile you created today.",
    "If the verification message does not arrive in a few minutes, look in the spam folder.",
    "Sorry, this street address is outside the deliverable area for the printed edition.",
]


@pytest.mark.parametrize("page_text", [FURNITURE_PAGE, ARCHIVE_NOTE, ACCOUNT_PAGE])
def test_a_page_of_web_furniture_is_never_summarized(page_text: list[str]) -> None:
    page = _article("Video Host", page_text, hours=1)
    articles = [*_flood(), page]
    summary = summarize_story(articles, SummarizeOptions(words=200, embedder="hashing", fill=True))
    assert summary.sentences
    assert all(page.id not in s.article_ids for s in summary.sentences)


def test_a_crawl_that_is_not_a_web_crawl_is_reporting() -> None:
    jam = _article(
        "Road Desk",
        [
            "Traffic slowed to a crawl on the river bridge for three hours after the flood.",
            "Drivers waited in long queues while crews cleared mud from both lanes of the road.",
        ],
        hours=1,
    )
    summary = summarize_story([jam], SummarizeOptions(words=40, embedder="hashing"))
    assert any(s.text.startswith("Traffic slowed to a crawl") for s in summary.sentences)


RECIPE = [
    "Whisk the eggs with a pinch of salt before folding in the grated cheese slowly.",
    "Bake the tart for forty minutes until the crust turns a deep golden brown colour.",
]


def test_an_off_topic_origin_is_left_out_only_when_asked() -> None:
    recipe = _article("Kitchen Blog", RECIPE, hours=1)
    articles = [*_flood(), recipe]
    kept = summarize_story(articles, SummarizeOptions(words=200, embedder="hashing"))
    assert any(recipe.id in s.article_ids for s in kept.sentences)  # off by default
    options = SummarizeOptions(words=200, embedder="hashing", offtopic_similarity=0.1)
    summary = summarize_story(articles, options)
    assert summary.sentences
    assert all(recipe.id not in s.article_ids for s in summary.sentences)


def test_two_articles_on_two_subjects_are_both_kept() -> None:
    # nothing says which of the two is the story: neither is dropped
    articles = [_article("Kitchen Blog", RECIPE), _article("Harbor Times", FLOOD_A, hours=1)]
    options = SummarizeOptions(words=200, embedder="hashing", offtopic_similarity=0.1)
    summary = summarize_story(articles, options)
    cited = {a for s in summary.sentences for a in s.article_ids}
    assert cited == {articles[0].id, articles[1].id}


def test_an_article_a_reuse_link_ties_to_the_story_is_never_off_topic() -> None:
    recipe = _article("Kitchen Blog", RECIPE, hours=1)
    articles = [*_flood(), recipe]
    link = ReuseLink(
        articles[0].id, recipe.id, ReuseKind.PASSAGE, ReuseDirection.DERIVED, 0.5, passages=()
    )
    options = SummarizeOptions(words=200, embedder="hashing", offtopic_similarity=0.1)
    summary = summarize_story(articles, options, links=[link])
    assert any(recipe.id in s.article_ids for s in summary.sentences)


# --- the sentence-scorer hook (benchmarks/summarize_trained.py) --------------------------------


def test_candidate_features_have_one_row_per_candidate_in_the_named_columns() -> None:
    seen: list[tuple[object, list[str]]] = []

    def record(features: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        seen.append((features, list(texts)))
        return np.zeros(len(texts))

    summarize_story(_flood(), SummarizeOptions(words=45, embedder="hashing"), scorer=record)
    assert len(seen) == 1
    features, texts = seen[0]
    assert isinstance(features, np.ndarray)
    assert features.shape == (len(texts), len(FEATURES))
    column = {name: k for k, name in enumerate(FEATURES)}
    row = {text: features[k] for k, text in enumerate(texts)}
    opening = next(t for t in texts if t.startswith("The city council approved"))
    later = next(t for t in texts if t.startswith("The council's vote passed"))
    assert row[opening][column["first"]] == 1.0 and row[later][column["first"]] == 0.0
    assert row[opening][column["log_index"]] < row[later][column["log_index"]]
    assert row[opening][column["number"]] == 1.0  # "$40mn"
    assert features[:, column["concept_score"]].max() == pytest.approx(1.0)
    assert np.all((features[:, column["support"]] > 0) & (features[:, column["support"]] <= 1))


def test_a_zero_scorer_changes_nothing() -> None:
    options = SummarizeOptions(words=45, embedder="hashing")
    plain = summarize_story(_flood(), options)
    scored = summarize_story(_flood(), options, scorer=lambda features, texts: np.zeros(len(texts)))
    assert scored == plain


def test_a_strong_scorer_decides_which_sentences_are_chosen() -> None:
    options = SummarizeOptions(words=20, embedder="hashing")
    wanted = "A local charity has opened a second food bank"
    assert wanted not in summarize_story(_flood(), options).text

    def favour(features: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        return np.array([100.0 if t.startswith(wanted) else 0.0 for t in texts])

    assert wanted in summarize_story(_flood(), options, scorer=favour).text
