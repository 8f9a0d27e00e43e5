"""Rendered pages are reused until the store changes, whoever changes it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from newsweave.model import Story
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from newsweave.web.app import create_app
from newsweave.web.cache import PageCache
from tests.support import make_article
from tests.web.conftest import fill


def test_a_page_is_built_once_until_another_writer_commits(tmp_path: Path) -> None:
    path = tmp_path / "web.db"
    with SQLiteStore(path) as store:
        world = fill(store)
    app = create_app(db=path)
    cache: PageCache = app.state.page_cache
    with TestClient(app) as client:
        first = client.get("/")
        misses = cache.misses
        again = client.get("/")
        assert again.text == first.text and cache.misses == misses and cache.hits >= 1
        assert again.headers["etag"] == first.headers["etag"]
        # A browser revalidating gets a 304 and no body.
        revalidated = client.get("/", headers={"If-None-Match": first.headers["etag"]})
        assert revalidated.status_code == 304 and revalidated.content == b""
        # Another connection (another process, in real life) writes: the page is rebuilt.
        with SQLiteStore(path) as writer:
            extra = make_article("The ferry returned to service on Friday.", title="Ferry back")
            writer.add_articles([(extra, segment_article(extra))])
            story = Story(Story.make_id([extra.id]), (extra.id,), title="The ferry is back")
            writer.replace_stories([world.pier, world.library_story, story])
        fresh = client.get("/")
        assert "The ferry is back" in fresh.text and fresh.headers["etag"] != first.headers["etag"]
        assert client.get("/", headers={"If-None-Match": first.headers["etag"]}).status_code == 200


def test_errors_are_not_cached_and_json_is(tmp_path: Path) -> None:
    path = tmp_path / "web.db"
    with SQLiteStore(path) as store:
        world = fill(store)
    app = create_app(db=path)
    cache: PageCache = app.state.page_cache
    with TestClient(app) as client:
        for _ in range(2):
            assert client.get("/story/0123456789abcdef").status_code == 404
        assert cache.hits == 0
        url = f"/story/{world.pier.id}.json"
        assert client.get(url).json() == client.get(url).json()
        assert cache.hits == 1
        assert client.get(url).headers["content-type"] == "application/json"


def test_a_small_budget_evicts_and_zero_turns_it_off(tmp_path: Path) -> None:
    path = tmp_path / "web.db"
    with SQLiteStore(path) as store:
        world = fill(store)
    pier, library = f"/story/{world.pier.id}", f"/story/{world.library_story.id}"
    with TestClient(create_app(db=path)) as client:
        sizes = [len(client.get(pier).content), len(client.get(library).content)]
    budget = max(sizes) + min(sizes) // 2  # room for either page, not for both
    small = create_app(db=path, cache_bytes=budget)
    cache: PageCache = small.state.page_cache
    with TestClient(small) as client:
        client.get(pier)
        client.get(library)  # evicts the pier page, least recently used
        misses = cache.misses
        client.get(library)
        assert cache.misses == misses  # kept
        client.get(pier)
        assert cache.misses == misses + 1  # was evicted
    off = create_app(db=path, cache_bytes=0)
    with TestClient(off) as client:
        client.get("/")
        client.get("/")
        assert off.state.page_cache.hits == 0 and "etag" not in client.get("/").headers
