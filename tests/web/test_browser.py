"""End to end in a real headless Chromium: the demo corpus read the way a person reads it.

The server runs in a thread on a free loopback port over the demo corpus (ingested for real;
stories, reuse, quotes, entities and summaries from the ground truth, see demo_data.py).
Chromium is Debian's (``apt-get install chromium``), driven by Playwright without downloading a
browser.  Screenshots go to each test's tmp_path.
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

from newsweave.store import SQLiteStore
from newsweave.web import views
from newsweave.web.app import create_app
from tests.web.demo_data import DemoStore, build_demo_store

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
STRIKE = "Port Aven dockworkers call a 72-hour strike over pay"
TIMEOUT_MS = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    return build_demo_store(tmp_path_factory.mktemp("demo") / "demo.db")


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


def _story_id(demo: DemoStore, event: str = "port-strike") -> str:
    return demo.story_of_event[event]


def test_stories_page_lists_the_demo_stories(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    rows = page.locator("ol.story-list > li")
    assert rows.count() == 5
    titles = [t.strip() for t in page.locator("ol.story-list h2").all_inner_texts()]
    assert titles[-1] == STRIKE  # newest first: the strike (3-5 March) is the oldest
    strike = rows.filter(has_text=STRIKE)
    assert "7 articles" in strike.inner_text() and "3–5 Mar 2025" in strike.inner_text()
    assert strike.locator(".chips a", has_text="Tomas Brell").is_visible()
    page.screenshot(path=tmp_path / "stories.png", full_page=True)


def test_open_a_story_and_activate_a_citation_marker(
    page: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name=STRIKE).click()
    page.wait_for_url(re.compile(r"/story/[0-9a-f]{16}$"))
    assert page.locator("h1").inner_text() == STRIKE
    with SQLiteStore(demo.path) as store:
        summary = views.story_view(store, _story_id(demo)).summary
    assert summary is not None
    line = summary.lines[0]
    cited = line.evidence[0].sentences[0].text
    panel = page.locator(f"#ev-{line.position}")
    assert panel.is_hidden()
    page.screenshot(path=tmp_path / "story.png", full_page=True)
    marker = page.locator(f'.marker[data-panel="ev-{line.position}"]').first
    marker.click()
    assert panel.is_visible()
    assert marker.get_attribute("aria-expanded") == "true"
    card = panel.locator(".evidence-card").first
    assert card.locator("mark.cited").first.inner_text().strip() == cited.strip()
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
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{base_url}/story/{_story_id(demo, 'crane-collapse')}")
        panel = page.locator("#ev-1")
        assert panel.is_hidden()
        page.locator('.marker[href="#ev-1"]').first.click()
        assert panel.is_visible() and panel.locator("mark.cited").count() >= 1
        page.screenshot(path=tmp_path / "story-citation-nojs.png")
    finally:
        context.close()


def test_search_for_a_speaker(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    box = page.get_by_role("searchbox", name="Search articles, people and quotes")
    box.fill("Tomas Brell")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Tomas\+Brell"))
    assert page.locator("h1").inner_text() == "Search: “Tomas Brell”"
    assert page.locator("#s-ent + .chips a", has_text="Tomas Brell").is_visible()
    speaker = page.locator(".speaker").filter(has=page.locator("h3", has_text="Tomas Brell"))
    assert speaker.is_visible()
    assert speaker.locator("blockquote").first.inner_text().strip() != ""
    assert page.locator("ol.results > li").count() >= 5
    assert page.locator("ol.results mark").first.inner_text() in ("Tomas", "Brell")
    page.screenshot(path=tmp_path / "search.png", full_page=True)


def test_an_article_shows_its_reused_passage_highlighted(
    page: Any, base_url: str, demo: DemoStore, tmp_path: Path
) -> None:
    # The Ledger republished Meridian Press's wire copy (demo-truth.json, the first copy).
    copy = demo.truth["copies"][0]
    source, target = demo.by_external[copy["source"]], demo.by_external[copy["target"]]
    page.goto(f"{base_url}/story/{_story_id(demo)}")
    page.locator("table.sources a", has_text=target.title).click()
    page.wait_for_url(f"**/article/{target.id}")
    reused = page.locator("mark.reused")
    assert reused.count() > 0 and reused.first.is_visible()
    background = reused.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    highlighted = " ".join(" ".join(reused.all_inner_texts()).split())
    with SQLiteStore(demo.path) as store:
        (link,) = store.reuse_links(among=[source.id, target.id])
    passage = link.passages[-1].target
    words = target.text[passage.start : passage.end].split()
    assert " ".join(words[-8:]) in highlighted
    page.screenshot(path=tmp_path / "article.png", full_page=True)
    # The passage links to where it came from.
    page.locator(".tag-reused a").first.click()
    page.wait_for_url(re.compile(rf"/article/{source.id}#c\d+$"))
    assert page.locator("h1").inner_text() == source.title
    assert page.locator("mark.reused_by").first.is_visible()
