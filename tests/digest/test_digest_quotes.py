"""Who said what and the people, places and organisations of a story, in every digest format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.digest import group_by_collection
from newsweave.digest.render import render
from newsweave.digest.view import (
    EntityLine,
    SpeakerLine,
    StoryDigest,
    story_digest,
    who_said_what,
)
from newsweave.model import EntityType
from newsweave.pipeline import ingest_paths
from newsweave.quotes import quote_story
from newsweave.store import Store, open_store
from tests.support import DEMO, make_article, shared_file

# Three outlets carry one remark of an invented harbour dispute: two word for word, one
# rewords it, one trims it; a second speaker has a quote of her own.
HARBOUR = {
    "tidewire-harbour.txt": (
        "Harbour talks stall\n\n"
        "Talks between the Velmar harbour board and the pilots' guild broke down on Friday.\n\n"
        "“We will not sign a deal that leaves the night pilots without cover,” said Rosa Okafor, "
        "who chairs the pilots' guild.\n\n"
        "“The board has made its last offer,” said Jonas Pell, the chairman of the harbour board."
    ),
    "courier-harbour.txt": (
        "Pilots reject harbour offer\n\n"
        "The pilots' guild walked out of the meeting with the Velmar harbour board on Friday.\n\n"
        "“We will not sign a deal that leaves the night pilots without cover,” Rosa Okafor said."
    ),
    "bulletin-harbour.txt": (
        "Velmar pilots say no\n\n"
        "Pilots in Velmar turned down the harbour board's offer.\n\n"
        "“We will not sign any deal that leaves the night pilots without cover,” Ms Okafor said."
    ),
    "gazette-harbour.txt": (
        "Harbour pilots walk out of talks\n\n"
        "Rosa Okafor led the pilots out of the meeting in Velmar on Friday.\n\n"
        "“We will not sign a deal,” Okafor said."
    ),
}
# Article text that tries to inject markup into each output format.
HOSTILE = {
    "hostile.txt": (
        "A <b>bold</b> claim\n\n"
        "“Ship it <script>alert('x')</script> *right now* [click](javascript:evil) # today,” "
        "said Nadia <i>Quell</i> of the Orvan Port Company."
    ),
}


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _store_stories(store: Store, path: Path) -> None:
    """Ingest ``path`` and store one story per collection, without summarizing."""
    report = ingest_paths(store, [str(path)])
    assert report.stored > 0
    store.replace_stories(group_by_collection(store.iter_articles()))


def _digest_of(tmp_path: Path, files: dict[str, str]) -> StoryDigest:
    _write(tmp_path / "in" / "story", files)
    with open_store(tmp_path / "n.db") as store:
        _store_stories(store, tmp_path / "in")
        (story,) = store.stories()
        return story_digest(store, story.id)


def _speaker(digest: StoryDigest, name: str) -> SpeakerLine:
    assert digest.speakers is not None
    found = [s for s in digest.speakers if s.name == name]
    assert len(found) == 1, [s.name for s in digest.speakers]
    return found[0]


def _entity(digest: StoryDigest, name: str, kind: EntityType) -> EntityLine:
    found = [e for e in digest.entities or () if e.name == name and e.type is kind]
    assert len(found) == 1, [(e.name, e.type) for e in digest.entities or ()]
    return found[0]


def test_one_remark_carried_by_every_outlet_with_its_variant_and_excerpt(tmp_path: Path) -> None:
    digest = _digest_of(tmp_path, HARBOUR)
    number = {s.title: s.number for s in digest.sources}
    okafor = _speaker(digest, "Rosa Okafor")
    (remark,) = okafor.quotes
    assert remark.direct and "night pilots" in remark.text and "We will not" in remark.text
    assert remark.sources == tuple(range(1, 5))
    assert [v.number for v in remark.variants] == [number["Velmar pilots say no"]]
    assert "sign any deal" in remark.variants[0].text
    assert remark.trimmed == (number["Harbour pilots walk out of talks"],)
    pell = _speaker(digest, "Jonas Pell")
    assert [q.sources for q in pell.quotes] == [(number["Harbour talks stall"],)]
    # Okafor is quoted in four articles, Pell in one: the most widely quoted comes first.
    assert digest.speakers is not None and digest.speakers[0] is okafor
    assert digest.n_speakers == 2 and digest.n_remarks == 2

    person = _entity(digest, "Rosa Okafor", EntityType.PER)
    assert person.sources == (1, 2, 3, 4) and person.mentions >= 4
    assert {"Okafor", "Ms Okafor"} <= set(person.aliases)
    assert _entity(digest, "Velmar", EntityType.LOC).sources


def test_every_format_shows_who_said_what_and_the_entities(tmp_path: Path) -> None:
    digest = _digest_of(tmp_path, HARBOUR)
    text = render([digest], "text")
    assert "Who said what" in text and "Rosa Okafor (1 remark)" in text
    assert "worded differently in [" in text and "trimmed in [" in text
    assert "People: Rosa Okafor (" in text and "Places: " in text

    markdown = render([digest], "markdown")
    assert "**Who said what**" in markdown and "- **Rosa Okafor** (1 remark)" in markdown
    assert f"(#story-{digest.id}-1)" in markdown and "*worded differently in*" in markdown

    page = render([digest], "html")
    assert '<section class="said">' in page and "<strong>Rosa Okafor</strong>" in page
    assert '<div class="variant">' in page and '<section class="entities">' in page

    (row,) = json.loads(render([digest], "json"))["stories"]
    okafor = next(s for s in row["speakers"] if s["name"] == "Rosa Okafor")
    assert okafor["quotes"][0]["sources"] == [1, 2, 3, 4]
    assert okafor["quotes"][0]["variants"][0]["text"].startswith('"We will not sign any')
    assert row["n_people"] >= 2
    assert {"name": "Rosa Okafor", "type": "PER"}.items() <= next(
        e for e in row["entities"] if e["name"] == "Rosa Okafor"
    ).items()


def test_article_text_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    digest = _digest_of(tmp_path, HOSTILE)
    assert digest.speakers and "<script>" in digest.speakers[0].quotes[0].text
    page = render([digest], "html")
    assert "<script>" not in page and "<b>bold" not in page and "<i>Quell" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    markdown = render([digest], "markdown")
    said = markdown[markdown.index("**Who said what**") :]
    assert "<script>" not in said and "\\<script\\>" in said
    assert "\\*right now\\*" in said and "\\[click\\]\\(javascript:evil\\)" in said
    assert "\\# today" in said


def test_listing_leaves_quotes_out_and_story_command_shows_them(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "story", HARBOUR)
    db = tmp_path / "n.db"
    with open_store(db) as store:
        _store_stories(store, tmp_path / "in")
        (stored,) = store.stories()
        assert store.get_summary(stored.id) is None
    runner = CliRunner()
    result = runner.invoke(cli, ["story", stored.id[:8], "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert "No summary yet" in result.stdout  # the summarizer did not run
    assert "Rosa Okafor (1 remark)" in result.stdout and "People: " in result.stdout
    result = runner.invoke(cli, ["stories", "--db", str(db), "--json"])
    (listed,) = json.loads(result.stdout)
    assert listed["speakers"] is None and listed["entities"] is None


def test_demo_corpus_stories_name_their_speakers(tmp_path: Path) -> None:
    with open_store(tmp_path / "n.db") as store:
        _store_stories(store, DEMO)
        digests = [story_digest(store, s.id) for s in store.stories()]
    by_speaker: dict[str, set[str]] = {}
    for digest in digests:
        for speaker in digest.speakers or ():
            by_speaker.setdefault(speaker.name, set()).add(digest.id)
    # the union leader and the minister are quoted, each under one name, in their stories
    assert "Tomas Brell" in by_speaker and "Ilsa Varenne" in by_speaker
    assert not {"Brell", "Mr Brell", "Varenne", "Ms Varenne"} & set(by_speaker)
    for digest in digests:
        people = [e.name for e in digest.entities or () if e.type is EntityType.PER]
        assert len(people) == len(set(people)), people
        said = [q for s in digest.speakers or () for q in s.quotes]
        assert all(q.sources and set(q.sources) <= {s.number for s in digest.sources} for q in said)


@pytest.mark.shared_data
def test_seeds_story_has_its_speakers_and_merged_people(tmp_path: Path) -> None:
    seeds = shared_file("seeds")
    with open_store(tmp_path / "n.db") as store:
        _store_stories(store, seeds)
        (story,) = store.stories()
        digest = story_digest(store, story.id)
    assert digest.n_articles == 5
    speakers = {s.name for s in digest.speakers or ()}
    for name in ("Vladimir Putin", "Hassan Rouhani", "John Kerry", "Sergey Lavrov"):
        assert name in speakers
    assert not {"Putin", "Mr Putin", "Rouhani", "Kerry", "Lavrov"} & speakers
    kerry = _speaker(digest, "John Kerry")
    assert any(q.direct and "coordinated" in q.text for q in kerry.quotes)
    for name in ("Vladimir Putin", "Barack Obama", "Bashar al-Assad"):
        assert _entity(digest, name, EntityType.PER).sources == (1, 2, 3, 4, 5)
    assert _entity(digest, "Hassan Rouhani", EntityType.PER).sources == (2, 3, 4, 5)
    assert "Russian Federation" in _entity(digest, "Russia", EntityType.LOC).aliases


def test_who_said_what_lists_a_speaker_written_in_two_cases_once() -> None:
    """ "Police said …" and "…, police said" are one speaker in the digest, as on the web."""
    first = make_article("Police said the road would stay closed until Friday.", source="A")
    second = make_article("The old bridge will reopen next week, police said.", source="B")
    found = quote_story([first, second])
    speakers = who_said_what(found, {first.id: 1, second.id: 2})
    assert [(s.name, s.n_remarks) for s in speakers] == [("Police", 2)]
