"""The run plan on the local engine: what it reads, cleans, keeps, rejects and writes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.cluster import cluster_articles
from newsweave.engines import steps
from newsweave.engines.load import read_table
from newsweave.engines.local import LocalEngine
from newsweave.engines.plan import DEFAULT_CLUSTER, STEPS, RunOptions, run
from newsweave.engines.stories import UNDATED, agreed, block_of, merge_stories
from newsweave.engines.tables import from_row
from newsweave.errors import ConfigError
from newsweave.model import Article, Quote, ReuseKind, ReuseLink, Sentence, Story, Summary
from newsweave.pipeline import ingest_paths
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.store import MemoryStore, SQLiteStore
from newsweave.summarize import SummarizeOptions, summarize_story
from tests.support import DEMO, make_article

FOOTER = "Bayside Courier - the bay's own paper since 1921"
STORIES = [
    "Fishermen on the north quay voted on Monday to stop landing catches at the new market "
    "hall until the council lowers its fees.",
    "The lifeboat crew rescued two kayakers who drifted past the breakwater in fog on Sunday "
    "afternoon, the station said.",
    "Work on the seawall behind the old customs house will begin in June and last through the "
    "summer, engineers told residents.",
    "The island ferry will add a late sailing on Fridays from next month after a petition "
    "signed by eight hundred commuters.",
    "A grey seal that hauled out on the slipway drew a crowd of onlookers before it returned to "
    "the water at high tide.",
]


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def read_run(
    out: Path,
) -> tuple[dict[str, Article], dict[str, list[Sentence]], list[dict[str, Any]]]:
    articles_table = read_table(out, "articles")
    sentences_table = read_table(out, "sentences")
    rejections_table = read_table(out, "rejections")
    assert articles_table is not None and sentences_table is not None
    assert rejections_table is not None
    articles = {a.id: a for a in (from_row(Article, r) for r in articles_table.to_pylist())}
    sentences: dict[str, list[Sentence]] = {}
    for row in sentences_table.to_pylist():
        sentence = from_row(Sentence, row)
        sentences.setdefault(sentence.article_id, []).append(sentence)
    for found in sentences.values():
        found.sort(key=lambda s: s.index)
    return articles, sentences, rejections_table.to_pylist()


def test_the_demo_corpus_comes_out_as_ingest_stores_it(tmp_path: Path) -> None:
    report = run(LocalEngine(), [str(DEMO)], str(tmp_path / "out"))
    articles, sentences, rejections = read_run(tmp_path / "out")
    store = MemoryStore()
    ingested = ingest_paths(store, [str(DEMO)])
    assert report.articles == len(articles) == ingested.new >= 25
    assert articles == {a.id: a for a in store.iter_articles()}
    assert all(sentences.get(i, []) == store.get_sentences(i) for i in articles)
    assert sorted((r["origin"], r["reason"]) for r in rejections) == sorted(
        (r.origin, r.reason) for r in ingested.skipped
    )
    assert report.records == ingested.read and report.sentences == sum(map(len, sentences.values()))
    manifest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert manifest["status"] == "done" and manifest["engine"] == "local"
    assert manifest["tables"] == {
        "articles": report.articles,
        "sentences": report.sentences,
        "rejections": len(rejections),
    }


def test_lines_repeated_across_an_outlets_files_are_dropped(tmp_path: Path) -> None:
    # One article per file: the count runs across files, as over ingest's stream.
    folder = tmp_path / "courier"
    folder.mkdir()
    for i, body in enumerate(STORIES):
        record = {"id": f"c{i}", "title": f"Story {i}", "source": "Bayside Courier"}
        record["text"] = body + ("\n" + FOOTER if i < 4 else "")
        (folder / f"{i}.jsonl").write_text(jsonl([record]))
    run(LocalEngine(), [str(folder)], str(tmp_path / "out"))
    articles, _, _ = read_run(tmp_path / "out")
    assert len(articles) == 5
    assert not any(FOOTER in a.text for a in articles.values())
    kept = run(
        LocalEngine(),
        [str(folder)],
        str(tmp_path / "kept"),
        RunOptions(clean=RunOptions().clean.__class__(boilerplate=False)),
    )
    assert kept.articles == 5
    with_footer, _, _ = read_run(tmp_path / "kept")
    assert sum(FOOTER in a.text for a in with_footer.values()) == 4


def test_an_article_read_twice_is_kept_once_from_its_first_file(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "seal.txt").write_text("Seal on the slipway\n\n" + STORIES[4])
    report = run(LocalEngine(), [str(tmp_path / "b"), str(tmp_path / "a")], str(tmp_path / "o"))
    articles, _, _ = read_run(tmp_path / "o")
    assert report.articles == 1 and report.duplicates == 1 and report.records == 2
    (article,) = articles.values()
    assert article.origin == str(tmp_path / "b" / "seal.txt")  # the first input given


def test_rejections_name_the_record_and_the_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records = [{"id": f"r{i}", "title": f"T{i}", "text": body} for i, body in enumerate(STORIES)]
    records.append({"id": "empty", "title": "Nothing", "text": "Share"})
    (folder / "feed.jsonl").write_text(jsonl(records) + "{broken json\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    real = steps.segment_article

    def fragile(article: Article, options: object = None) -> list[Sentence]:
        if "seal" in article.text:
            raise RuntimeError("splitter exploded")
        return real(article)

    monkeypatch.setattr(steps, "segment_article", fragile)
    report = run(LocalEngine(), [str(folder), str(tmp_path / "missing")], str(tmp_path / "o"))
    _, _, rejections = read_run(tmp_path / "o")
    by_step = {(r["step"], Path(r["origin"]).name) for r in rejections}
    assert by_step == {
        ("read", "missing"),
        ("read", "photo.png"),
        ("read", "feed.jsonl:7"),
        ("clean", "feed.jsonl:6"),
        ("segment", "feed.jsonl:5"),
    }
    assert report.articles == 4
    assert report.rejected == {"clean": 1, "read": 3, "segment": 1}
    assert any("splitter exploded" in r["reason"] for r in rejections)


def test_bad_runs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no input"):
        run(LocalEngine(), [], str(tmp_path / "o"))
    with pytest.raises(ConfigError, match="must be a CleanOptions"):
        RunOptions(clean="strict")  # type: ignore[arg-type]


# --- the commands ------------------------------------------------------------------------------


def test_run_then_import_fills_a_store_as_ingest_does(tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "run.db"
    done = CliRunner().invoke(
        cli, ["run", "-i", str(DEMO), "-o", str(out), "--embedder", "hashing", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["articles"] >= 25
    loaded = CliRunner().invoke(cli, ["import", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    again = CliRunner().invoke(cli, ["import", str(out), "--db", str(db), "--json"])
    report = json.loads(again.output)
    assert report["new"] == 0 and report["already_stored"] == report["tables"]["articles"]
    reference = MemoryStore()
    ingest_paths(reference, [str(DEMO)])
    with SQLiteStore(db) as store:
        assert list(store.iter_articles()) == list(reference.iter_articles())
        assert all(
            store.get_sentences(a.id) == reference.get_sentences(a.id)
            for a in reference.iter_articles()
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "-i", "x", "-o", "y", "--master", "local[2]"], "apply to --engine spark"),
        (["run", "-o", "y"], "Missing option '--input'"),
        (["run", "-i", "nothing/here", "-o", "{new}"], "no article could be read"),
        (["run", "-i", str(DEMO), "-o", "{stray}"], "not the output of a newsweave run"),
        (["import", "{stray}"], "no run.json"),
        (["import", "{new}"], "is not a folder"),
    ],
)
def test_command_errors(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "stray").mkdir()
    (tmp_path / "stray" / "notes.txt").write_text("not a run")
    places = {"{new}": str(tmp_path / "new"), "{stray}": str(tmp_path / "stray")}
    filled = [places.get(a, a) for a in args]
    result = CliRunner().invoke(cli, filled)
    assert result.exit_code != 0
    assert message in result.output


def test_import_into_postgresql(tmp_path: Path, postgres_url: str) -> None:
    from newsweave.engines.load import import_run
    from newsweave.store.postgres import PostgresStore

    run(LocalEngine(), [str(DEMO)], str(tmp_path / "out"))
    with PostgresStore(postgres_url) as store:
        report = import_run(tmp_path / "out", store)
        reference = MemoryStore()
        ingest_paths(reference, [str(DEMO)])
        assert report.new == reference.count_articles()
        assert list(store.iter_articles()) == list(reference.iter_articles())
        assert [h.article_id for h in store.search("crane")]  # indexed for search


# --- stories, summaries, quotes ----------------------------------------------------------------

QUARRY = [
    "Harlow Quarry reopens\n\nThe Harlow quarry reopened on Monday after a six-month closure "
    "ordered by safety inspectors.\n\n“We fixed every fault they found,” said Mira Okonjo, the "
    "site manager. About forty workers returned to their jobs at the pit.",
    "Quarry back at work\n\nWork resumed at the Harlow quarry on Monday, six months after "
    "inspectors closed it over unsafe blasting.\n\nSite manager Mira Okonjo said every fault "
    "had been fixed. Neighbours said the blasts shook their windows last year.",
]
REGATTA = [
    "Regatta cancelled\n\nThe Linden Bay regatta was cancelled on Saturday as gusts reached "
    "sixty kilometres an hour.\n\n“Safety comes first,” said race officer Tomas Reyl. The "
    "races move to next weekend.",
]


def write_stories(folder: Path) -> Path:
    for name, texts in (("quarry", QUARRY), ("regatta", REGATTA)):
        (folder / name).mkdir(parents=True)
        for i, text in enumerate(texts):
            (folder / name / f"{i}.txt").write_text(text, encoding="utf-8")
    return folder


STORY_OPTIONS = RunOptions(
    stories="collection", summarize=SummarizeOptions(embedder="hashing", solver="greedy")
)


def test_collections_become_stories_with_summaries_and_quotes(tmp_path: Path) -> None:
    inputs = write_stories(tmp_path / "in")
    report = run(LocalEngine(), [str(inputs)], str(tmp_path / "out"), STORY_OPTIONS)
    assert report.steps[-3:] == ["stories", "summarize", "quotes"]
    articles, sentences, _ = read_run(tmp_path / "out")
    stories = {s.title: s for s in table_objects(tmp_path / "out", "stories", Story)}
    assert sorted(stories) == ["Harlow Quarry reopens", "Regatta cancelled"]
    quarry = stories["Harlow Quarry reopens"]
    assert len(quarry.article_ids) == 2 and quarry.method == "collection"
    assert quarry.n_outlets == 0 and quarry.n_origins == 2
    summaries = {s.story_id: s for s in table_objects(tmp_path / "out", "summaries", Summary)}
    # The run's summary is what the summarizer makes of the story's articles.
    members = [articles[i] for i in quarry.article_ids]
    expected = summarize_story(
        members,
        STORY_OPTIONS.summarize,
        story_id=quarry.id,
        sentences={i: sentences[i] for i in quarry.article_ids},
    )
    assert summaries[quarry.id] == expected and expected.sentences
    cited = {c.article_id for s in expected.sentences for c in s.citations}
    assert cited <= set(quarry.article_ids)
    quotes = table_objects(tmp_path / "out", "quotes", Quote)
    direct = sorted((q.text, q.speaker_text) for q in quotes if q.direct)
    assert direct == [
        ('"Safety comes first,"', "race officer Tomas Reyl"),
        ('"We fixed every fault they found,"', "Mira Okonjo, the site manager"),
    ]
    # Across the quarry story, the manager's quote and her reported speech are one person.
    okonjo = {q.entity_id for q in quotes if q.speaker_text and "Okonjo" in q.speaker_text}
    assert len(okonjo) == 1 and None not in okonjo
    entity_rows = read_table(tmp_path / "out", "entities")
    assert entity_rows is not None
    assert set(entity_rows["story_id"].to_pylist()) <= {s.id for s in stories.values()}
    assert report.tables["stories"] == 2 and report.tables["summaries"] == 2


def test_stories_import_into_a_store(tmp_path: Path) -> None:
    from newsweave.engines.load import import_run

    inputs = write_stories(tmp_path / "in")
    run(LocalEngine(), [str(inputs)], str(tmp_path / "out"), STORY_OPTIONS)
    with SQLiteStore(tmp_path / "s.db") as store:
        report = import_run(tmp_path / "out", store)
        assert report.tables["stories"] == 2
        stories = store.stories()
        assert len(stories) == 2
        for story in stories:
            summary = store.get_summary(story.id)
            assert summary is not None and summary.sentences
        okonjo = [e for e in store.entities() if e.name == "Mira Okonjo"]
        assert okonjo and {m.span.article_id for m in okonjo[0].mentions} <= set(
            stories[0].article_ids + stories[1].article_ids
        )
        assert store.quotes()


def table_objects(folder: Path, name: str, cls: type[Any]) -> list[Any]:
    table = read_table(folder, name)
    assert table is not None
    return [from_row(cls, r) for r in table.to_pylist()]


# --- reuse links and clustered stories ----------------------------------------------------------

FULL_OPTIONS = RunOptions(
    reuse=ReuseOptions(),
    stories="cluster",
    summarize=SummarizeOptions(embedder="hashing", solver="greedy"),
)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("full") / "out"
    report = run(LocalEngine(), [str(DEMO)], str(out), FULL_OPTIONS)
    assert report.steps == list(STEPS)
    return out


def test_the_plan_finds_the_reuse_stage_s_links(full_run: Path) -> None:
    articles, sentences, _ = read_run(full_run)
    links = table_objects(full_run, "reuse_links", ReuseLink)
    expected = detect_reuse(list(articles.values()), ReuseOptions(), sentences)
    assert len(expected) >= 10
    assert sorted(links, key=lambda k: (k.source_id, k.target_id)) == expected


def test_the_plan_finds_the_cluster_stage_s_stories(full_run: Path) -> None:
    # The demo corpus spans twelve days: one time window holds it whole, and the windows that
    # hold part of it add nothing the whole did not find.
    articles, _, _ = read_run(full_run)
    links = table_objects(full_run, "reuse_links", ReuseLink)
    copies = [(k.source_id, k.target_id) for k in links if k.kind is not ReuseKind.PASSAGE]
    expected = cluster_articles(list(articles.values()), DEFAULT_CLUSTER, must_link=copies)
    stories = table_objects(full_run, "stories", Story)
    assert sorted(stories, key=lambda s: s.id) == sorted(expected, key=lambda s: s.id)
    assert len(stories) >= 3
    summaries = {s.story_id for s in table_objects(full_run, "summaries", Summary)}
    assert summaries == {s.id for s in stories}


def test_reuse_links_import_into_a_store(full_run: Path, tmp_path: Path) -> None:
    from newsweave.engines.load import import_run

    with SQLiteStore(tmp_path / "s.db") as store:
        report = import_run(full_run, store)
        links = table_objects(full_run, "reuse_links", ReuseLink)
        assert report.tables["reuse_links"] == len(links) > 0
        stored = store.reuse_links(among=[a.id for a in store.iter_articles()])
        assert sorted(stored, key=lambda k: (k.source_id, k.target_id)) == sorted(
            links, key=lambda k: (k.source_id, k.target_id)
        )
        assert len(store.stories()) == len(table_objects(full_run, "stories", Story))


def _story(ids: tuple[str, ...], title: str) -> Story:
    return Story(id=Story.make_id(ids), article_ids=ids, title=title, method="cluster")


def test_stories_of_two_windows_merge_when_they_agree_on_the_shared_half() -> None:
    early, late = (0, "s"), (1, "t")
    # s holds 3 articles of the shared half, t 4: they share 3 of them.
    assert agreed({(early, late): 3, (early, (1, "u")): 0, ((0, "v"), late): 1}) == [(early, late)]
    # s is split between t and u in the next window: neither holds most of it.
    assert agreed({(early, late): 2, (early, (1, "u")): 2}) == []


def test_block_stories_merge_into_one() -> None:
    day = datetime(2025, 3, 3, 9, 0)
    made = {
        i: make_article(f"Text number {i} about the harbour.", published=day + timedelta(days=k))
        for k, i in enumerate("abc")
    }
    ids = {k: a.id for k, a in made.items()}
    by_id = {a.id: a for a in made.values()}
    early = _story((ids["a"], ids["b"]), "early")
    late = _story((ids["b"], ids["c"]), "late and longer")
    merged = merge_stories([(1, early), (2, late)], list(by_id.values()), [])
    assert merged.article_ids == tuple(sorted(ids.values()))
    assert merged.title == "early"  # the largest part; ties go to the earlier block
    assert merged.first_published == day and merged.last_published == day + timedelta(days=2)
    assert merged.n_origins == 3
    copied = merge_stories([(1, early), (2, late)], list(by_id.values()), [(ids["a"], ids["c"])])
    assert copied.n_origins == 2


@pytest.mark.parametrize(
    ("published", "blocks"),
    [
        (None, [UNDATED]),
        (datetime(1970, 1, 1), [-1, 0]),
        (datetime(1970, 1, 14, 23), [-1, 0]),
        (datetime(1970, 1, 15), [0, 1]),
    ],
)
def test_each_dated_article_is_in_two_windows(
    published: datetime | None, blocks: list[int]
) -> None:
    assert block_of(make_article("Some words.", published=published), days=28) == blocks


def test_a_credit_pairs_articles_only_within_the_stage_s_window(tmp_path: Path) -> None:
    # b and c both credit the Harbour Gazette and repeat a clause of its article a: b two days
    # later (a cited pair: the shared clause links them), c three weeks later (too far apart
    # for the credit to pair them, and the clause alone is not a copy).
    clause = "blasting at the east face would pause for the nesting season."
    records = [
        {
            "id": "a",
            "source": "Harbour Gazette",
            "url": "https://harbour.example/1",
            "date": "2024-03-01T09:00:00+00:00",
            "title": "Quarry pauses blasting",
            "text": f"The quarry owners said on Tuesday that {clause} Residents of the lower "
            "valley had complained about dust on their washing for two summers. The council "
            "will review the permit in autumn.",
        },
        {
            "id": "b",
            "source": "Valley Echo",
            "url": "https://valley.example/2",
            "date": "2024-03-03T09:00:00+00:00",
            "title": "Birds win a reprieve",
            "text": f"Walkers welcomed the news. As the Harbour Gazette reported, {clause} A "
            "ranger counted eleven pairs of peregrines last year.",
        },
        {
            "id": "c",
            "source": "Ridge Times",
            "url": "https://ridge.example/3",
            "date": "2024-03-25T09:00:00+00:00",
            "title": "Spring on the ridge",
            "text": f"The ridge path reopened after the storms. As the Harbour Gazette reported, "
            f"{clause} The café at the top now opens at eight.",
        },
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl(records), encoding="utf-8")
    out = tmp_path / "out"
    run(LocalEngine(), [str(source)], str(out), RunOptions(reuse=ReuseOptions(), stories="none"))
    articles, sentences, _ = read_run(out)
    links = table_objects(out, "reuse_links", ReuseLink)
    assert sorted(links, key=lambda k: (k.source_id, k.target_id)) == detect_reuse(
        list(articles.values()), ReuseOptions(), sentences
    )
    record = {a.id: a.external_id for a in articles.values()}
    assert [(record[k.source_id], record[k.target_id]) for k in links] == [("a", "b")]


@pytest.mark.parametrize("reverse", [False, True])
def test_a_story_two_windows_find_whole_keeps_the_earlier_window_s_title(reverse: bool) -> None:
    from newsweave.engines.stories import _settled

    ids = ("a1", "a2", "a3")
    story = Story(id=Story.make_id(ids), article_ids=ids, title="Ferry adds a late sailing")
    parts = [(4, story), (5, replace(story, title="Late ferry on Fridays"))]
    group = [("part", p) for p in (parts[::-1] if reverse else parts)]
    kept = _settled(((4, story.id), [*group, ("ids", ids)]))
    assert [s.title for s in kept] == ["Ferry adds a late sailing"]
