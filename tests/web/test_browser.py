"""End to end in a real headless Chromium: the demo corpus read the way a person reads it.

The server runs in a thread on a free loopback port over the demo corpus as the pipeline stores
it (ingest, reuse, digest, quotes: the session fixture ``demo``, see demo_data.py).  Chromium is
Debian's (``apt-get install chromium``), driven by Playwright without downloading a browser.
Screenshots go to each test's tmp_path.  Story grouping is changing, so the tests find a story
by an article it holds, never by its id or position.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsweave.model import ReuseDirection, ReuseLink
from newsweave.store import SQLiteStore
from newsweave.web import views
from newsweave.web.app import create_app
from tests.web.demo_data import DemoStore

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIRE = "mp-2025-0303-0412"  # Meridian Press's wire report of the dock strike (examples/demo)
SPEAKER = "Tomas Brell"  # the dockworkers' union leader, quoted across the demo's outlets
TIMEOUT_MS = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(demo: DemoStore) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db=demo.path), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install -y chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that fails the test on any console error (a CSP violation, a 404, a bug)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert errors == []


def _cited_line(demo: DemoStore, story_id: str) -> views.SummaryLine:
    """The first summary line of the story that cites something."""
    with SQLiteStore(demo.path) as store:
        summary = views.story_view(store, story_id).summary
    assert summary is not None, "digest stored no summary for the story"
    return next(line for line in summary.lines if line.evidence)


def test_stories_page_lists_the_stored_stories(
    page: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    rows = page.locator("ol.story-list > li")
    assert rows.count() == len(demo.stories)
    with SQLiteStore(demo.path) as store:
        listed = views.stories_view(store).stories
    titles = [t.strip() for t in page.locator("ol.story-list h2").all_inner_texts()]
    assert titles == [row.headline for row in listed]  # in the view's order: newest first
    ends = [row.last_published for row in listed if row.last_published]
    assert ends == sorted(ends, reverse=True)
    story = demo.story_of(demo.article(WIRE))
    row = rows.filter(has=page.locator(f'a[href="/story/{story.id}"]'))
    text = row.inner_text()
    assert f"{len(story.article_ids)} articles" in text
    assert f"{story.n_origins} independent origin" in text  # reuse ran: origins are counted
    assert row.locator(".chips a").count() >= 1  # its top entities
    page.screenshot(path=tmp_path / "stories.png", full_page=True)


def test_open_a_story_and_activate_a_citation_marker(
    page: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    wire = demo.article(WIRE)
    story = demo.story_of(wire)
    page.goto(base_url + "/")
    link = page.locator(f'ol.story-list a[href="/story/{story.id}"]').first
    headline = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(rf"/story/{story.id}$"))
    assert page.locator("h1").inner_text() == headline
    assert page.locator("table.sources a", has_text=wire.title).is_visible()
    line = _cited_line(demo, story.id)
    panel = page.locator(f"#ev-{line.position}")
    assert panel.is_hidden()
    page.screenshot(path=tmp_path / "story.png", full_page=True)
    marker = page.locator(f'.marker[data-panel="ev-{line.position}"]').first
    marker.click()
    assert panel.is_visible()
    assert marker.get_attribute("aria-expanded") == "true"
    # The panel shows a sentence of a cited article, word for word, and names the article.
    evidence = line.evidence[0]
    cited = panel.locator(".evidence-card").first.locator("mark.cited").first
    assert cited.is_visible()
    shown = " ".join(cited.inner_text().split())
    with SQLiteStore(demo.path) as store:
        article = store.get_article(evidence.article_id)
    assert evidence.article_id in story.article_ids
    assert shown and shown in " ".join(article.text.split())
    # Side by side: every cited article has its card in the panel.
    assert panel.locator(".evidence-card").count() == len(line.evidence)
    page.screenshot(path=tmp_path / "story-citation.png")
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    # The keyboard alone opens it too.
    marker.focus()
    page.keyboard.press("Enter")
    assert panel.is_visible()


def test_citation_markers_work_without_javascript(
    browser: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    story = demo.story_of(demo.article(WIRE))
    line = _cited_line(demo, story.id)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{base_url}/story/{story.id}")
        panel = page.locator(f"#ev-{line.position}")
        assert panel.is_hidden()
        page.locator(f'.marker[href="#ev-{line.position}"]').first.click()
        assert panel.is_visible() and panel.locator("mark.cited").count() >= 1
        page.screenshot(path=tmp_path / "story-citation-nojs.png")
    finally:
        context.close()


def test_search_for_a_speaker(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    box = page.get_by_role("searchbox", name="Search articles, people and quotes")
    box.fill(SPEAKER)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Tomas\+Brell"))
    assert page.locator("h1").inner_text() == f"Search: “{SPEAKER}”"
    assert page.locator("#s-ent + .chips a", has_text=SPEAKER).is_visible()
    speaker = page.locator(".speaker").filter(has=page.locator("h3", has_text=SPEAKER))
    assert speaker.is_visible()
    assert speaker.locator("blockquote").first.inner_text().strip() != ""
    assert page.locator("ol.results > li").count() >= 2
    assert page.locator("ol.results mark").first.inner_text() in SPEAKER.split()
    page.screenshot(path=tmp_path / "search.png", full_page=True)


def _copied_within_a_story(demo: DemoStore) -> ReuseLink:
    """A stored derived-from link with aligned passages whose two articles share a story."""
    with SQLiteStore(demo.path) as store:
        links = store.reuse_links()
    together = [
        link
        for link in links
        if link.direction is ReuseDirection.DERIVED
        and link.passages
        and any({link.source_id, link.target_id} <= set(s.article_ids) for s in demo.stories)
    ]
    assert together, "reuse stored no derived-from link inside a story of the demo corpus"
    return together[0]


def test_an_article_shows_its_reused_passage_highlighted(
    page: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    link = _copied_within_a_story(demo)
    with SQLiteStore(demo.path) as store:
        source, target = store.get_article(link.source_id), store.get_article(link.target_id)
    page.goto(f"{base_url}/story/{demo.story_of(target).id}")
    page.locator("table.sources a", has_text=target.title).first.click()
    page.wait_for_url(f"**/article/{target.id}")
    reused = page.locator("mark.reused")
    assert reused.count() > 0 and reused.first.is_visible()
    background = reused.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    highlighted = " ".join(re.findall(r"\w+", " ".join(reused.all_inner_texts())))
    passage = link.passages[-1].target
    words = re.findall(r"\w+", target.text[passage.start : passage.end])
    assert " ".join(words[-6:]) in highlighted
    page.screenshot(path=tmp_path / "article.png", full_page=True)
    # The passage links to where it came from.
    page.locator(f'.tag-reused a[href^="/article/{source.id}#c"]').first.click()
    page.wait_for_url(re.compile(rf"/article/{source.id}#c\d+$"))
    assert page.locator("h1").inner_text() == source.title
    assert page.locator("mark.reused_by").first.is_visible()
