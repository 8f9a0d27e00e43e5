"""The digest job and its renderers, on two small hand-written stories in two folders."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsweave.digest import DigestOptions, digest, group_by_collection
from newsweave.digest.render import render
from newsweave.digest.view import StoryDigest, resolve_story_id, story_digest, story_digests
from newsweave.errors import ConfigError, NotFoundError
from newsweave.store import open_store
from newsweave.summarize import SummarizeOptions
from tests.support import make_article

BRIDGE = {
    "tidewire-bridge.txt": (
        "Swing bridge closed after cracks found\n\n"
        "The old swing bridge over the Marle river was closed on Monday after inspectors found "
        "cracks in two of its piers.\n\n"
        "Ferries will run every twenty minutes between the two banks until repairs are done.\n\n"
        "The city engineer said repairs to the piers could take at least three months."
    ),
    "courier-bridge.txt": (
        "Marle bridge shut for repairs\n\n"
        "The old swing bridge over the Marle river was closed on Monday after inspectors found "
        "cracks in two of its piers.\n\n"
        "Shopkeepers on the east bank said the closure would cost them a busy spring season."
    ),
}
LIBRARY = {
    "gazette-library.txt": (
        "Fire in library archive\n\n"
        "A fire broke out in the basement archive of the Greyfield public library late on "
        "Sunday evening.\n\n"
        "Hundreds of old maps of the county were lost to smoke, the head librarian said."
    ),
}
LEXICAL = DigestOptions(summarize=SummarizeOptions(words=60, embedder="hashing"))


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    _write(tmp_path / "in" / "bridge", BRIDGE)
    _write(tmp_path / "in" / "library", LIBRARY)
    return tmp_path / "in"


def test_digest_stores_one_cited_summary_per_collection(corpus: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        report = digest(store, [str(corpus)], LEXICAL)
        assert report.ingest is not None and report.ingest.new == 3
        assert (report.stories, report.summarized, report.kept) == (2, 2, 0)
        digests = {len(d.sources): d for d in story_digests(store)}
        bridge = digests[2]
        assert bridge.headline in {
            "Swing bridge closed after cracks found",
            "Marle bridge shut for repairs",
        }
        cracked = [line for line in bridge.lines if "cracks in two of its piers" in line.text]
        assert len(cracked) == 1 and cracked[0].sources == (1, 2)
        assert bridge.n_words <= 60
        assert bridge.n_origins == 2  # reuse detection ran: one shared line is no copy
        assert "formed by story clustering" in bridge.note


def test_collection_grouping_is_still_selectable(corpus: Path, tmp_path: Path) -> None:
    by_folder = DigestOptions(summarize=LEXICAL.summarize, grouping="collection")
    with open_store(tmp_path / "n.db") as store:
        report = digest(store, [str(corpus)], by_folder)
        assert (report.stories, report.grouping) == (2, "collection")
        assert "input collections" in report.note
        assert {s.method for s in store.stories()} == {"collection"}
        clustered = digest(store, [str(corpus)], LEXICAL)
        assert clustered.grouping == "stories" and "story clustering" in clustered.note
        assert {s.method for s in store.stories()} == {"cluster"}
        assert sorted(len(s.article_ids) for s in store.stories()) == [1, 2]


def test_without_reuse_detection_provenance_is_unknown(corpus: Path, tmp_path: Path) -> None:
    options = DigestOptions(summarize=LEXICAL.summarize, reuse=False)
    with open_store(tmp_path / "n.db") as store:
        report = digest(store, [str(corpus)], options)
        assert report.links == 0 and not store.reuse_links()
        bridge = next(d for d in story_digests(store) if len(d.sources) == 2)
        assert bridge.n_origins == 0  # no links: unknown, not "2"


def test_copies_found_by_the_reuse_step_are_one_origin(corpus: Path, tmp_path: Path) -> None:
    copy = BRIDGE["tidewire-bridge.txt"].replace("Swing bridge", "Copied: swing bridge")
    (corpus / "bridge" / "echo-bridge.txt").write_text(copy, encoding="utf-8")
    with open_store(tmp_path / "n.db") as store:
        report = digest(store, [str(corpus)], LEXICAL)
        links = store.reuse_links(passages=False)
        assert report.links == len(links) >= 1  # the echo and its source
        assert "reuse links found" in report.summary()
        bridge = next(d for d in story_digests(store) if len(d.sources) == 3)
        assert bridge.n_origins == 2
        cracked = [line for line in bridge.lines if "cracks in two of its piers" in line.text]
        assert len(cracked) == 1 and len(cracked[0].sources) == 3
        again = digest(store, [str(corpus)], LEXICAL)
        assert again.links == 0  # every article is linked or in a stored story: nothing to redo
        assert len(store.reuse_links(passages=False)) == len(links)


def test_the_reuse_step_keeps_links_stored_with_other_settings(
    corpus: Path, tmp_path: Path
) -> None:
    copy = BRIDGE["tidewire-bridge.txt"].replace("Swing bridge", "Copied: swing bridge")
    (corpus / "bridge" / "echo-bridge.txt").write_text(copy, encoding="utf-8")
    with open_store(tmp_path / "n.db") as store:
        digest(store, [str(corpus)], LEXICAL)
        found = store.reuse_links(passages=False)[0]
        mine = replace(found, score=0.123)  # as if stored by `newsweave reuse` with an embedder
        store.replace_reuse_links([mine], among=())
        _write(corpus / "more", {"late-news.txt": "Late news\n\nA fox was seen in the park."})
        report = digest(store, [str(corpus)], LEXICAL)
        assert report.ingest is not None and report.ingest.new == 1
        kept = {link.id: link for link in store.reuse_links(passages=False)}
        assert kept[mine.id].score == 0.123


def test_a_second_run_keeps_up_to_date_summaries(corpus: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        digest(store, [str(corpus)], LEXICAL)
        again = digest(store, [str(corpus)], LEXICAL)
        assert again.ingest is not None and again.ingest.already_stored == 3
        assert (again.summarized, again.kept) == (0, 2)
        other_budget = DigestOptions(summarize=SummarizeOptions(words=30, embedder="hashing"))
        assert digest(store, [str(corpus)], other_budget).summarized == 2
        forced = DigestOptions(summarize=other_budget.summarize, force=True)
        assert digest(store, [str(corpus)], forced).summarized == 2
        assert all(d.word_budget == 30 for d in story_digests(store))


def test_story_ids_resolve_by_prefix(corpus: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        digest(store, [str(corpus)], LEXICAL)
        story_id = story_digests(store)[0].id
        assert resolve_story_id(store, story_id[:8]) == story_id
        assert story_digest(store, story_id).id == story_id
        with pytest.raises(NotFoundError, match="no story"):
            resolve_story_id(store, "ffffffffffff")


def test_articles_without_a_collection_group_by_their_file() -> None:
    a = make_article("One text about the harbour works.", origin="feed.jsonl:1")
    b = make_article("Another text about the harbour works.", origin="feed.jsonl:2")
    c = make_article("A third text, from elsewhere.", origin="other.jsonl:1")
    stories = group_by_collection([a, b, c])
    assert sorted(len(s.article_ids) for s in stories) == [1, 2]
    assert all(s.method == "collection" for s in stories)


def test_unknown_grouping_is_refused() -> None:
    with pytest.raises(ConfigError, match="choose one of stories, collection"):
        DigestOptions(grouping="topics")


# --- rendering ----------------------------------------------------------------------------------

HOSTILE = {
    "hostile.txt": (
        "<script>alert('x')</script> & *bold* [link](javascript:evil)\n\n"
        "The council <b>voted</b> to close the old swing bridge & reopen the ferry line today.\n\n"
        "Residents said the \x1b[31mferry\x1b[0m line would need two more boats by the summer."
    ),
}


@pytest.fixture
def hostile(tmp_path: Path) -> list[StoryDigest]:
    _write(tmp_path / "h", HOSTILE)
    with open_store(tmp_path / "h.db") as store:
        digest(store, [str(tmp_path / "h")], LEXICAL)
        return story_digests(store)


def test_html_is_one_escaped_self_contained_page(hostile: list[StoryDigest]) -> None:
    page = render(hostile, "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>voted</b>" not in page and "&lt;b&gt;voted&lt;/b&gt;" in page
    assert "\x1b" not in page
    assert 'href="#story-' in page and "[1]" in page
    assert "<link" not in page and "src=" not in page  # nothing fetched from elsewhere


def test_markdown_escapes_article_text(hostile: list[StoryDigest]) -> None:
    text = render(hostile, "markdown")
    assert "\\<script\\>" in text
    assert "\\*bold\\*" in text
    assert "](javascript:" not in text


def test_text_drops_control_characters(hostile: list[StoryDigest]) -> None:
    text = render(hostile, "text")
    assert "\x1b" not in text
    assert "1 article, outlets unknown" in text  # a .txt file names no outlet: not "0 outlets"
    assert "Sources" in text and "[1]" in text


def test_json_carries_what_the_other_formats_show(hostile: list[StoryDigest]) -> None:
    data = json.loads(render(hostile, "json"))
    story = data["stories"][0]
    assert story["headline"] == hostile[0].headline
    assert [line["text"] for line in story["lines"]] == [line.text for line in hostile[0].lines]
    assert story["sources"][0]["number"] == 1
    assert story["n_words"] == hostile[0].n_words


def test_unknown_format_is_refused(hostile: list[StoryDigest]) -> None:
    with pytest.raises(ValueError, match="choose one of text, markdown, html, json"):
        render(hostile, "pdf")


def test_a_story_with_nothing_that_fits_says_so(tmp_path: Path) -> None:
    long_sentence = " ".join(f"word{k}" for k in range(80)) + "."
    _write(tmp_path / "long", {"one.txt": "A headline\n\n" + long_sentence})
    options = DigestOptions(summarize=SummarizeOptions(words=20, embedder="hashing"))
    with open_store(tmp_path / "l.db") as store:
        digest(store, [str(tmp_path / "long")], options)
        digests = story_digests(store)
    assert digests[0].lines == ()
    assert "fits the summary's word budget" in render(digests, "text")


def test_json_citations_point_at_the_carrying_sentences(corpus: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        digest(store, [str(corpus)], LEXICAL)
        bridge = next(d for d in story_digests(store) if len(d.sources) == 2)
        data = json.loads(render([bridge], "json"))["stories"][0]
        number = {s["article_id"]: s["number"] for s in data["sources"]}
        cracked = next(line for line in data["lines"] if "cracks in two" in line["text"])
        assert sorted(number[c["article_id"]] for c in cracked["citations"]) == cracked["sources"]
        for citation in cracked["citations"]:
            text = store.get_article(citation["article_id"]).text
            carried = text[citation["start"] : citation["end"]]
            assert "cracks in two of its piers" in carried
            sentence = store.get_sentences(citation["article_id"])[citation["sentence_index"]]
            assert (sentence.start, sentence.end) == (citation["start"], citation["end"])
