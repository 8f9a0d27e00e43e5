"""The cluster stage on tiny hand-built stories: close events apart, copies joined, time splits."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsweave.cluster import ClusterOptions, StoryIndex, cluster_articles
from newsweave.errors import ConfigError
from newsweave.model import Article, Story
from tests.support import make_article

DAY = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
FAST = ClusterOptions()  # no embedder: terms and shared neighbours


def _article(text: str, title: str, source: str, day: int | None, **fields: object) -> Article:
    published = None if day is None else DAY + timedelta(days=day)
    return make_article(text, title=title, source=source, published=published, **fields)


# Two quakes three days apart in one province: same topic words, different towns, people,
# numbers.  Written for these tests.
QUAKE_ONE = [
    (
        "Quake of magnitude 5.8 kills twelve in Veltmar",
        "A magnitude 5.8 earthquake struck the hill town of Veltmar before dawn on Monday, "
        "killing twelve people and flattening the old grain market. Governor Halim Ostrav said "
        "rescue teams from the Red Crescent were searching the rubble near the Veltmar mosque. "
        "The seismology institute put the epicentre eight kilometres under Veltmar.",
    ),
    (
        "Veltmar digs out after deadly tremor",
        "Residents of Veltmar spent Monday pulling neighbours from collapsed houses after the "
        "5.8 tremor, which left twelve dead. Governor Ostrav toured the grain market, where "
        "most of the victims were traders. Red Crescent volunteers set up tents beside the "
        "Veltmar mosque for families whose homes fell.",
    ),
    (
        "Twelve dead as earthquake hits Veltmar market",
        "Twelve people died when an earthquake of magnitude 5.8 shook Veltmar early on Monday. "
        "The Red Crescent said its teams reached the grain market within an hour. Halim Ostrav, "
        "the provincial governor, promised new homes for every family in Veltmar.",
    ),
    (
        "Governor Ostrav: Veltmar will be rebuilt",
        "Governor Halim Ostrav pledged on Tuesday to rebuild the Veltmar grain market destroyed "
        "by Monday's magnitude 5.8 quake. The death toll stayed at twelve, the Red Crescent "
        "said, and aftershocks kept families sleeping outside the Veltmar mosque.",
    ),
]
QUAKE_TWO = [
    (
        "Magnitude 6.4 quake cracks Dunreth dam",
        "A stronger earthquake of magnitude 6.4 hit Dunreth on Thursday and cracked the wall of "
        "the Dunreth reservoir dam. Water minister Sela Kaviri ordered four villages below the "
        "dam evacuated. No deaths were reported, but nine people were hurt by falling masonry.",
    ),
    (
        "Villages evacuated below damaged Dunreth reservoir",
        "Four villages under the Dunreth dam were emptied on Thursday after a 6.4 quake opened a "
        "crack in its wall. Minister Sela Kaviri said engineers were lowering the reservoir. "
        "Nine people were treated for injuries in the Dunreth clinic.",
    ),
    (
        "Kaviri: Dunreth dam crack under control",
        "Water minister Kaviri said on Friday the crack in the Dunreth dam, opened by Thursday's "
        "magnitude 6.4 earthquake, was under control as the reservoir level fell. Evacuated "
        "villagers from the four villages below the dam stayed in school halls.",
    ),
    (
        "Engineers lower Dunreth reservoir after quake",
        "Engineers opened the spillways of the Dunreth reservoir after the 6.4 quake damaged the "
        "dam wall, minister Sela Kaviri said. Nine people hurt in the tremor were recovering, "
        "and the four evacuated villages waited to return home.",
    ),
]
# Unrelated filler, so that word statistics look like news and not like one topic.
OTHER = [
    (
        "Harbour strike halts ferries",
        "Dock workers at the Port of Lindqvist walked out on Wednesday over night-shift pay, "
        "stranding ferries bound for the islands. The Lindqvist transport union said the "
        "strike would last until Sunday.",
    ),
    (
        "Rovers win cup final on penalties",
        "Askerby Rovers beat Tallis United on penalties to lift the regional cup on Saturday. "
        "Goalkeeper Per Valdane saved two spot kicks in front of a sold-out crowd.",
    ),
    (
        "Central bank holds rates",
        "The central bank kept its main lending rate at 4.25 percent on Thursday, saying "
        "inflation in food prices had eased but rents were still rising quickly.",
    ),
    (
        "Library reopens after roof repair",
        "The old municipal library in Haverlund reopened its reading rooms on Monday after a "
        "year of repairs to a roof damaged by winter storms.",
    ),
]


def _quake_articles() -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    outlets = ("Daily Courier", "Morning Post", "Evening Star", "Wire Service")
    for label, stories, first_day in (("one", QUAKE_ONE, 0), ("two", QUAKE_TWO, 3)):
        for i, (title, text) in enumerate(stories):
            article = _article(text, title, outlets[i], first_day + i // 2)
            articles.append(article)
            gold[article.id] = label
    for i, (title, text) in enumerate(OTHER):
        article = _article(text, title, outlets[i], i)
        articles.append(article)
        gold[article.id] = f"other-{i}"
    return articles, gold


def _groups(stories: list[Story], gold: dict[str, str]) -> set[frozenset[str]]:
    """Each story as the set of gold labels of its articles."""
    return {frozenset(gold[a] for a in s.article_ids) for s in stories}


def _story_of(stories: list[Story]) -> dict[str, str]:
    return {a: s.id for s in stories for a in s.article_ids}


# --- batch ------------------------------------------------------------------------------------


def test_two_close_events_stay_apart() -> None:
    articles, gold = _quake_articles()
    stories = cluster_articles(articles, FAST)
    story_of = _story_of(stories)
    one = {story_of[a.id] for a in articles if gold[a.id] == "one"}
    two = {story_of[a.id] for a in articles if gold[a.id] == "two"}
    assert len(one) == 1, "the Veltmar quake's articles should form one story"
    assert len(two) == 1, "the Dunreth quake's articles should form one story"
    assert one != two, "two quakes three days apart are two stories"
    assert all(len(g) == 1 for g in _groups(stories, gold)), "no story mixes events"


def test_story_fields() -> None:
    articles, gold = _quake_articles()
    stories = cluster_articles(articles, FAST)
    veltmar = next(s for s in stories if gold[s.article_ids[0]] == "one")
    assert veltmar.article_ids == tuple(sorted(a.id for a in articles if gold[a.id] == "one"))
    assert veltmar.id == Story.make_id(veltmar.article_ids)
    assert veltmar.first_published == DAY.replace(tzinfo=None)
    assert veltmar.last_published == (DAY + timedelta(days=1)).replace(tzinfo=None)
    assert veltmar.n_outlets == 4
    assert veltmar.n_origins == 4
    assert veltmar.method == "cluster"
    assert "Veltmar" in veltmar.title
    firsts = [s.first_published or datetime.max for s in stories]
    assert firsts == sorted(firsts), "stories come sorted by first publication"


def test_input_order_does_not_matter() -> None:
    articles, _ = _quake_articles()
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    assert cluster_articles(articles, FAST) == cluster_articles(shuffled, FAST)


def test_repeated_article_is_counted_once() -> None:
    articles, _ = _quake_articles()
    stories = cluster_articles([*articles, articles[0]], FAST)
    assert sum(len(s.article_ids) for s in stories) == len(articles)


def test_must_link_joins_a_reworded_copy() -> None:
    articles, gold = _quake_articles()
    # A content-farm rewrite: every content word swapped, so nothing lexical links it.
    rewrite = _article(
        "Seismic jolt rated 5.8 demolished the uplands settlement's bazaar at daybreak, "
        "claiming a dozen lives; relief crews combed debris.",
        "Bazaar flattened by jolt",
        "Content Farm",
        0,
    )
    alone = cluster_articles([*articles, rewrite], FAST)
    assert any(s.article_ids == (rewrite.id,) for s in alone), "unlinked, the rewrite is alone"
    source = next(a for a in articles if gold[a.id] == "one")
    linked = cluster_articles([*articles, rewrite], FAST, must_link=[(source.id, rewrite.id)])
    story = next(s for s in linked if rewrite.id in s.article_ids)
    assert source.id in story.article_ids
    assert len(story.article_ids) == 5
    assert story.n_origins == 4, "a copy is not an independent origin"


def test_verbatim_copies_share_a_story_and_one_origin() -> None:
    articles, gold = _quake_articles()
    source = next(a for a in articles if gold[a.id] == "two")
    copy = _article(source.text, source.title, "Aggregator", 4)
    stories = cluster_articles([*articles, copy], FAST)
    story = next(s for s in stories if copy.id in s.article_ids)
    assert source.id in story.article_ids
    assert story.n_outlets == 5
    assert story.n_origins == 4


def _council_story(day: int, source: str, variant: int) -> Article:
    texts = (
        "The Oskarby city council voted on {d} to build a tram line along Harbour Road, with "
        "mayor Ilse Brandt calling the tram the biggest investment in the city for decades.",
        "Mayor Ilse Brandt won the Oskarby council vote on the Harbour Road tram line, which "
        "will link the ferry terminal with the university, councillors said on {d}.",
        "Oskarby councillors approved the Harbour Road tram on {d}; mayor Brandt said "
        "construction of the tram line would start after the summer.",
    )
    weekday = (DAY + timedelta(days=day)).strftime("%A")
    return _article(texts[variant].format(d=weekday), "Oskarby tram vote", source, day)


def test_same_topic_weeks_apart_is_a_new_story() -> None:
    articles, _ = _quake_articles()
    march = [_council_story(0, "Daily Courier", 0), _council_story(1, "Morning Post", 1)]
    may = [_council_story(70, "Evening Star", 2), _council_story(71, "Wire Service", 0)]
    together = cluster_articles([*articles, *march, *may], FAST.but(time_penalty=0.0))
    story_of = _story_of(together)
    assert len({story_of[a.id] for a in march + may}) == 1, "without time, one topic, one story"
    apart = cluster_articles([*articles, *march, *may], FAST)
    story_of = _story_of(apart)
    assert story_of[march[0].id] == story_of[march[1].id]
    assert story_of[may[0].id] == story_of[may[1].id]
    assert story_of[march[0].id] != story_of[may[0].id], "ten weeks apart: two stories"


def test_articles_in_between_bridge_a_long_story() -> None:
    articles, _ = _quake_articles()
    weekly = [_council_story(7 * week, f"Outlet {week}", week % 3) for week in range(11)]
    stories = cluster_articles([*articles, *weekly], FAST)
    story_of = _story_of(stories)
    assert len({story_of[a.id] for a in weekly}) == 1, "weekly updates chain one story"


def test_undated_articles_cluster_without_time() -> None:
    articles, gold = _quake_articles()
    undated = [
        Article.build(a.text, title=a.title, source=a.source, published=None) for a in articles
    ]
    undated_gold = {u.id: gold[a.id] for u, a in zip(undated, articles, strict=True)}
    stories = cluster_articles(undated, FAST)
    assert all(len(g) == 1 for g in _groups(stories, undated_gold))
    assert {frozenset({"one"}), frozenset({"two"})} <= _groups(stories, undated_gold)


def test_lower_cased_text_still_clusters() -> None:
    articles, gold = _quake_articles()
    lowered = [
        Article.build(a.text.lower(), title="", source=a.source, published=a.published)
        for a in articles
    ]
    lowered_gold = {lo.id: gold[a.id] for lo, a in zip(lowered, articles, strict=True)}
    stories = cluster_articles(lowered, FAST)
    groups = _groups(stories, lowered_gold)
    assert all(len(g) == 1 for g in groups)
    assert frozenset({"one"}) in groups and frozenset({"two"}) in groups


def test_entity_sets_weigh_in() -> None:
    articles, _ = _quake_articles()
    names = {a.id: ["Halim Ostrav"] for a in articles[:2]}
    options = FAST.but(entity_boost=3.0)
    with_names = cluster_articles(articles, options, entities=names)
    assert sum(len(s.article_ids) for s in with_names) == len(articles)


def test_empty_and_single_inputs() -> None:
    assert cluster_articles([], FAST) == []
    [story] = cluster_articles([make_article("Only one article here.")], FAST)
    assert len(story.article_ids) == 1


def test_hashing_embedder_runs() -> None:
    articles, gold = _quake_articles()
    stories = cluster_articles(articles, ClusterOptions(embedder="hashing"))
    assert all(len(g) == 1 for g in _groups(stories, gold))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"embedder": "bert"}, "unknown embedder 'bert'; choose one of none, hashing"),
        ({"neighbours": 0}, "neighbours must be at least 1"),
        ({"threshold": 0.0}, "threshold must be more than 0"),
        ({"max_df": 1.5}, "max_df must be in (0, 1]"),
        ({"embedding_floor": 1.0}, "embedding_floor must be in [0, 1)"),
        ({"time_penalty": 1.5}, "time_penalty must be in [0, 1]"),
        ({"consolidate_every": -1}, "consolidate_every must be at least 0"),
        ({"consolidate_share": -0.5}, "consolidate_share must be at least 0"),
        ({"granularity": "day"}, "unknown granularity 'day'; choose one of topic, event"),
        ({"bulk_penalty": -0.1}, "bulk_penalty must be in [0, 1]"),
        ({"bulk_scale_days": 0.0}, "bulk_scale_days must be more than 0"),
    ],
)
def test_options_are_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        ClusterOptions(**changes)  # type: ignore[arg-type]


def test_calibration_follows_the_embedder() -> None:
    assert ClusterOptions().threshold == pytest.approx(0.1)
    assert ClusterOptions(embedder="minilm").threshold == pytest.approx(0.2)
    assert ClusterOptions(embedder="minilm", threshold=0.3).threshold == pytest.approx(0.3)
    assert ClusterOptions(embedder="static").embedding_floor == pytest.approx(0.6)


def test_granularity_sets_the_resolved_bulk_penalty() -> None:
    assert ClusterOptions().resolved_bulk_penalty == 0.0
    event = ClusterOptions(granularity="event")
    assert event.resolved_bulk_penalty == pytest.approx(0.7)
    assert ClusterOptions().but(granularity="event").resolved_bulk_penalty == pytest.approx(0.7)
    assert event.but(granularity="topic").resolved_bulk_penalty == 0.0
    given = event.but(granularity="topic", bulk_penalty=0.4)
    assert given.resolved_bulk_penalty == pytest.approx(0.4)


# --- incremental ------------------------------------------------------------------------------


def test_story_index_joins_starts_and_bridges() -> None:
    articles, _ = _quake_articles()
    index = StoryIndex(FAST.but(consolidate_every=0))
    first = index.add(articles[0])
    assert first.new_story and first.story == articles[0].id
    second = index.add(articles[1])
    assert second.story == articles[0].id and not second.new_story
    other = index.add(articles[-1])
    assert other.new_story
    again = index.add(articles[1])
    assert again.story == articles[0].id and not again.new_story, "re-adding is idempotent"
    assert len(index) == 3
    assert articles[1].id in index


def test_story_index_must_link() -> None:
    articles, _ = _quake_articles()
    index = StoryIndex(FAST)
    index.add(articles[0])
    index.add(articles[-1])
    linked = index.add(
        _article("Unrelated words entirely here.", "x", "Farm", 0), must_link=[articles[-1].id]
    )
    assert linked.story == articles[-1].id


def test_bridging_article_merges_two_stories() -> None:
    index = StoryIndex(FAST.but(consolidate_every=0))
    left = [_council_story(0, "A", 0), _council_story(0, "B", 1)]
    right = [_council_story(60, "C", 2), _council_story(60, "D", 0)]
    for article in left + right:
        index.add(article)
    assert index.story_key(left[0].id) != index.story_key(right[0].id), "two months apart"
    bridge = index.add(_council_story(30, "E", 1))
    assert index.story_key(left[0].id) == index.story_key(right[0].id)
    assert bridge.merged == (right[0].id,)
    assert bridge.story == left[0].id


@pytest.mark.parametrize(
    ("every", "share", "expected"),
    [
        (3, 0.0, [3, 6, 9, 12, 15, 18]),  # a fixed step
        (3, 1.0, [3, 6, 12]),  # and once the archive has doubled since the last one
        (3, 0.5, [3, 6, 9, 14]),
        (0, 1.0, []),  # only when stories are listed
    ],
)
def test_consolidation_is_spaced_by_the_archive_size(
    every: int, share: float, expected: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = StoryIndex(FAST.but(consolidate_every=every, consolidate_share=share))
    at: list[int] = []
    consolidate = index.consolidate

    def counted() -> int:
        at.append(len(index))
        return consolidate()

    monkeypatch.setattr(index, "consolidate", counted)
    for day in range(20):
        index.add(_article(f"Item {day} on the harbour tram works.", f"t{day}", "Courier", day))
    assert at == expected
    index.stories()
    assert at[len(expected) :] == [20], "listing consolidates"


def test_stream_agrees_with_batch_on_the_hand_built_set() -> None:
    articles, _ = _quake_articles()
    shuffled = list(articles)
    random.Random(11).shuffle(shuffled)
    index = StoryIndex(FAST)
    index.add_many(shuffled)
    streamed = {s.article_ids for s in index.stories()}
    assert streamed == {s.article_ids for s in cluster_articles(articles, FAST)}
