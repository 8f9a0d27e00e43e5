"""Every page over the demo corpus as the pipeline stores it, and over stores where stages are
missing: what has landed is shown, what has not run says so, nothing is made up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from newsweave.digest.view import GROUPING_NOTES
from newsweave.quotes import is_statement
from newsweave.reuse import origins
from newsweave.store import SQLiteStore
from newsweave.web import views
from newsweave.web.app import SPEAKERS_OPEN, create_app
from tests.web.demo_data import DemoStore, build_demo_store

WIRE = "mp-2025-0303-0412"  # Meridian Press's wire report of the dock strike (examples/demo)


@pytest.fixture(scope="module")
def client(demo: DemoStore) -> Iterator[TestClient]:
    with TestClient(create_app(db=demo.path), raise_server_exceptions=False) as served:
        yield served


def test_every_story_page_shows_what_the_pipeline_stored(
    client: TestClient, demo: DemoStore
) -> None:
    with SQLiteStore(demo.path) as store:
        for story in demo.stories:
            view = views.story_view(store, story.id)
            html = client.get(f"/story/{story.id}").text
            # Independent origins: counted by digest from the stored links, and the sources
            # table marks as many articles "origin" unless links reach outside the story.
            assert story.n_origins >= 1
            assert f"{story.n_origins} independent origin" in html
            roles = [s.role for s in view.sources]
            assert "unknown" not in roles and roles.count("origin") >= 1
            assert html.count('class="badge badge-origin"') == roles.count("origin")
            # The summary cites sentences of the story's own articles.
            assert view.summary is not None and view.summary.lines
            for line in view.summary.lines:
                for evidence in line.evidence:
                    assert evidence.article_id in story.article_ids
            markers = set(re.findall(r'class="marker" href="#(ev-\d+)"', html))
            assert markers and all(f'id="{m}"' in html for m in markers)
            # Timeline: one dot per dated article; entities listed.
            dated = sum(1 for s in view.sources if s.published is not None)
            assert html.count('class="dot role-') == dated
            assert view.entities and 'class="chips"' in html
            assert "not been computed" not in html and "No quotes are stored" not in html
            # How the articles were grouped, when the grouping needs saying.
            assert view.grouping_note == GROUPING_NOTES.get(story.method, "")
            assert escape(view.grouping_note) in html


def test_the_provenance_graph_draws_the_stored_links(client: TestClient, demo: DemoStore) -> None:
    with SQLiteStore(demo.path) as store:
        links = store.reuse_links(passages=False)
    drawn = 0
    for story in demo.stories:
        inside = [
            k
            for k in links
            if k.source_id in story.article_ids and k.target_id in story.article_ids
        ]
        html = client.get(f"/story/{story.id}").text
        svg = html.split('<section id="provenance"', 1)[1].split("</section>", 1)[0]
        assert svg.count('class="edge ') == len(inside)
        linked = {i for k in inside for i in (k.source_id, k.target_id)}
        assert svg.count('class="node ') == len(linked)
        for link in inside:  # each end of a link is a node that opens its article
            assert f'href="/article/{link.source_id}" class="node' in svg
            assert f'href="/article/{link.target_id}" class="node' in svg
        drawn += len(inside)
    assert drawn >= 1, "no reuse link inside any demo story: the graph is never drawn"


def test_quotes_are_grouped_by_speaker(client: TestClient, demo: DemoStore) -> None:
    story = demo.story_of(demo.article(WIRE))
    with SQLiteStore(demo.path) as store:
        view = views.story_view(store, story.id)
        stored = store.quotes(article_ids=story.article_ids)
    # Only statements are listed (quoted words, reported speech after a verb of saying), as
    # `newsweave story` lists them; fragments the quotes stage also stores are left out.
    by_id = {q.id: q for q in stored}
    assert 0 < view.n_quotes <= len(stored)
    assert view.n_quotes == sum(s.n_quotes for s in view.speakers) or view.n_speakers > len(
        view.speakers
    )
    for speaker in view.speakers:
        for statement in speaker.statements:
            assert any(is_statement(by_id[c.quote_id]) for c in statement.carriers)
    named = [s for s in view.speakers if s.name]
    assert named, "the quotes stage attributed no quote to anyone"
    assert len({s.name for s in named}) == len(named)  # one block per speaker
    html = client.get(f"/story/{story.id}").text
    headings = re.findall(r'<h3 id="sp-\d+">(.*?)<span class="count">', html, re.S)
    shown = [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in headings]
    assert shown == [s.name or "Speaker not identified" for s in view.speakers]
    # The most quoted are open; the rest wait in a <details> after them.
    assert len(view.speakers) > SPEAKERS_OPEN  # the demo strike story quotes many people
    folded = html.split('<details class="more-speakers">', 1)[1]
    assert folded.count('<section class="speaker"') == len(view.speakers) - SPEAKERS_OPEN
    for carried in re.findall(r'<p class="carriers">(.*?)</p>', html, re.S):
        numbers = re.findall(r'class="carrier[^"]*"[^>]*>#(\d+) ', carried)
        assert numbers and len(numbers) == len(set(numbers))  # each article listed once
    for speaker in named:
        for statement in speaker.statements:
            assert {c.article_id for c in statement.carriers} <= set(story.article_ids)


def test_an_article_page_marks_its_stored_passages_and_quotes(
    client: TestClient, demo: DemoStore
) -> None:
    with SQLiteStore(demo.path) as store:
        link = next(k for k in store.reuse_links() if k.passages)
        quoted = store.quotes(article_ids=[link.target_id])
    html = client.get(f"/article/{link.target_id}").text
    assert '<mark class="reused' in html or '<mark class="shared' in html
    assert f'href="/article/{link.source_id}#c' in html
    if quoted:
        assert 'class="plain quotes"' in html
    assert client.get(f"/article/{link.source_id}").status_code == 200


def test_search_finds_a_speaker_and_the_json_twin_agrees(client: TestClient) -> None:
    page = client.get("/search", params={"q": "Tomas Brell"}).text
    twin = client.get("/search.json", params={"q": "Tomas Brell"}).json()
    assert any(e["name"] == "Tomas Brell" for e in twin["entities"])
    assert twin["results"] and "Tomas Brell" in page


@pytest.mark.parametrize(
    ("stages", "says", "absent"),
    [
        (("ingest",), ["No stories yet", "newsweave digest"], []),
        (
            ("ingest", "digest"),
            [
                "Reuse has not been computed",
                "newsweave reuse",
                "origins —",
                "No quotes are stored",
                "newsweave quotes",
                "No people, organisations or places are stored",
            ],
            ["badge-origin", "badge-copy", r"\d independent origin"],
        ),
        (
            ("ingest", "reuse", "digest"),
            ["No quotes are stored", r"\d independent origin"],
            ["Reuse has not been computed", "origins —"],
        ),
    ],
)
def test_missing_stages_are_named_not_faked(
    tmp_path: Path, stages: tuple[str, ...], says: list[str], absent: list[str]
) -> None:
    built = build_demo_store(tmp_path / "partial.db", stages)
    with TestClient(create_app(db=built.path)) as client:
        if not built.stories:
            html = client.get("/").text
        else:
            story = built.story_of(built.article(WIRE))
            html = client.get(f"/story/{story.id}").text
            assert 'class="marker"' in html  # digest ran: the summary is there
        for words in says:
            assert re.search(words, html), words
        for words in absent:
            assert not re.search(words, html), words


def test_roles_read_passages_only_where_the_reuse_stage_needs_them(demo: DemoStore) -> None:
    """Origins from links read without passages (re-read where coverage matters) are the
    reuse stage's origins from the links with every passage."""
    with SQLiteStore(demo.path) as store:
        for story in demo.stories:
            bare = store.reuse_links(among=story.article_ids, passages=False)
            full = store.reuse_links(among=story.article_ids)
            linked = sorted({i for k in full for i in (k.source_id, k.target_id)})
            expected = origins(store.get_articles(linked), full) if full else {}
            got = views._origins(store, story, bare, known=True)
            assert got == {i: expected.get(i, i) for i in story.article_ids}
