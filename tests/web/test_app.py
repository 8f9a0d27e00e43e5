"""The web app over HTTP: pages, their JSON twins, the OpenAPI schema, errors and headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from newsweave.errors import StoreError
from newsweave.model import to_dict
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from newsweave.web import views
from newsweave.web.app import SECURITY_HEADERS, create_app, date_span, http_url, when
from tests.support import make_article
from tests.web.conftest import World, fill


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, World, Path]]:
    """One store and app for the tests that only read (module-scoped: building it is slow)."""
    path = tmp_path_factory.mktemp("served") / "web.db"
    with SQLiteStore(path) as store:
        world = fill(store)
    with TestClient(create_app(db=path), raise_server_exceptions=False) as client:
        yield client, world, path


def plain(view: Any) -> Any:
    return json.loads(json.dumps(to_dict(view), default=lambda o: o.isoformat()))


def pages(world: World) -> list[tuple[str, str]]:
    """(HTML page, its JSON twin) for every kind of page."""
    return [
        ("/", "/stories.json"),
        (
            "/?since=2024-06-01&outlet=Pier+Watch",
            "/stories.json?since=2024-06-01&outlet=Pier+Watch",
        ),
        (f"/story/{world.pier.id}", f"/story/{world.pier.id}.json"),
        (f"/story/{world.library_story.id}", f"/story/{world.library_story.id}.json"),
        (f"/article/{world.coast.id}", f"/article/{world.coast.id}.json"),
        ("/search?q=Voss", "/search.json?q=Voss"),
        ("/articles", "/articles.json"),
    ]


def test_every_page_and_its_json_twin(served: tuple[TestClient, World, Path]) -> None:
    client, world, _ = served
    for html_path, json_path in pages(world):
        page = client.get(html_path)
        assert page.status_code == 200, html_path
        assert page.headers["content-type"].startswith("text/html")
        assert f'href="{json_path.replace("&", "&amp;")}"' in page.text  # the page links its twin
        twin = client.get(json_path)
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"


def test_json_twins_are_the_view_data(served: tuple[TestClient, World, Path]) -> None:
    client, world, path = served
    with SQLiteStore(path) as store:
        expected = {
            "/stories.json": views.stories_view(store),
            f"/story/{world.pier.id}.json": views.story_view(store, world.pier.id),
            f"/article/{world.herald.id}.json": views.article_view(store, world.herald.id),
            "/search.json?q=Voss": views.search_view(store, "Voss"),
            "/articles.json": views.articles_view(store),
        }
    for url, view in expected.items():
        assert client.get(url).json() == plain(view), url


def test_json_matches_the_documented_schema(served: tuple[TestClient, World, Path]) -> None:
    client, world, _ = served
    schema = client.get("/openapi.json").json()
    documented = {
        "/stories.json": "StoriesView",
        "/story/{story_id}.json": "StoryView",
        "/article/{article_id}.json": "ArticleView",
        "/search.json": "SearchView",
        "/articles.json": "ArticleListView",
    }
    for path, model in documented.items():
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith(f"/{model}"), path
    assert {p["name"] for p in schema["paths"]["/stories.json"]["get"]["parameters"]} == {
        "since",
        "until",
        "outlet",
        "entity",
        "page",
    }
    # The JSON served validates against the documented model (strict types, every field).
    for url, model in [
        ("/stories.json", views.StoriesView),
        (f"/story/{world.pier.id}.json", views.StoryView),
        (f"/article/{world.wire.id}.json", views.ArticleView),
        ("/search.json?q=pier", views.SearchView),
        ("/articles.json", views.ArticleListView),
    ]:
        TypeAdapter(model).validate_python(client.get(url).json())


def test_story_page_shows_every_section(served: tuple[TestClient, World, Path]) -> None:
    client, world, _ = served
    html = client.get(f"/story/{world.pier.id}").text
    for section in ("summary", "sources", "provenance", "quotes", "entities", "timeline"):
        assert f'id="{section}"' in html
    # Each citation marker links to an evidence panel that exists (works without JavaScript).
    targets = set(re.findall(r'class="marker" href="#(ev-\d+)"', html))
    assert targets == {"ev-0", "ev-1"}
    assert all(f'id="{t}"' in html for t in targets)
    assert "copy of #1 Lakemoor Wire" in html and "reuses #1 Lakemoor Wire" in html
    assert "worded differently in 1 article" in html
    assert html.count('class="node ') == 3 and html.count('class="dot ') == 4


def test_article_page_marks_passages_and_quotes(served: tuple[TestClient, World, Path]) -> None:
    client, world, _ = served
    html = client.get(f"/article/{world.herald.id}").text
    assert '<mark class="reused">' in html
    assert f'href="/article/{world.wire.id}#c0"' in html  # the passage links to its source
    assert 'class="quote reused"' in html or 'class="quote reused' in html
    wire = client.get(f"/article/{world.wire.id}").text
    assert 'id="c0"' in wire  # the anchor the link above lands on
    assert (
        '<a href="https://lakemoorwire.example/pier" rel="noopener noreferrer nofollow external">'
        in wire
    )


def test_empty_store_and_store_without_stories_say_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    SQLiteStore(path).close()
    with TestClient(create_app(db=path)) as client:
        assert "The store is empty" in client.get("/").text
        assert client.get("/stories.json").json()["n_articles"] == 0
        assert "The store is empty" in client.get("/articles").text
    with SQLiteStore(path) as store:
        article = make_article("A lone report about the harbour crane.", title="Crane", source="P")
        store.add_articles([(article, segment_article(article))])
    with TestClient(create_app(db=path)) as client:
        html = client.get("/").text
        assert "No stories yet" in html and "newsweave digest" in html
        assert "Crane" in client.get("/articles").text
        page = client.get(f"/article/{article.id}").text
        assert "No reuse link is stored" in page and "No quotes are stored" in page


def test_story_without_stages_says_what_is_missing(tmp_path: Path) -> None:
    from newsweave.model import Story

    path = tmp_path / "bare.db"
    with SQLiteStore(path) as store:
        a = make_article("First report on the lock gates.", title="Gates", source="P")
        b = make_article("Second report on the lock gates.", title="Gates 2", source="Q")
        store.add_articles([(x, segment_article(x)) for x in (a, b)])
        story = Story(Story.make_id([a.id, b.id]), (a.id, b.id), title="Lock gates")
        store.replace_stories([story])
    with TestClient(create_app(db=path)) as client:
        html = client.get(f"/story/{story.id}").text
        assert "No summary is stored" in html
        assert "Reuse has not been computed" in html
        assert "No quotes are stored" in html
        assert "None of these articles carries a publication date" in html
        assert "badge-origin" not in html  # no claim of originality without provenance


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/story/0123456789abcdef", 404),
        ("/story/0123456789abcdef.json", 404),
        ("/story/not-an-id", 404),
        ("/story/ABCDEF0123456789", 404),
        ("/article/0123456789abcdef", 404),
        ("/article/..%2F..%2Fetc%2Fpasswd", 404),
        ("/no/such/page", 404),
        ("/?since=yesterday", 400),
        ("/?since=2024-02-30", 400),
        ("/?since=2024-06-02&until=2024-06-01", 400),
        ("/?page=0", 400),
        ("/?page=999999999", 400),
        ("/?page=two", 400),
        ("/?outlet=" + "x" * 201, 400),
        ("/search?q=", 400),
        ("/search", 400),
        ("/search.json?q=" + "x" * 301, 400),
        ("/articles?page=-1", 400),
    ],
)
def test_bad_requests_get_error_pages_not_tracebacks(
    served: tuple[TestClient, World, Path], url: str, status: int
) -> None:
    client, _, _ = served
    response = client.get(url)
    assert response.status_code == status
    if ".json" in url:
        assert response.json()["error"]["status"] == status
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "Traceback" not in response.text and "<h1>" in response.text
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_a_failing_store_gives_a_503_page(tmp_path: Path) -> None:
    path = tmp_path / "web.db"
    SQLiteStore(path).close()

    class Broken(SQLiteStore):
        def find_stories(self, **kwargs: Any) -> Any:
            raise StoreError("disk I/O error")

    with TestClient(create_app(lambda: Broken(path))) as client:
        response = client.get("/")
    assert response.status_code == 503 and "disk I/O error" in response.text


def test_security_headers_and_static_files(served: tuple[TestClient, World, Path]) -> None:
    client, _, _ = served
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    script = client.get("/static/newsweave.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/newsweave.css").status_code == 200
    assert client.get("/docs").status_code == 404  # no CDN-loaded Swagger UI
    api = client.get("/api").text
    assert "/story/{story_id}.json" in api and "/openapi.json" in api


def test_the_app_refuses_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no newsweave database"):
        create_app(db=tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=c", "https://example.org/a?b=c"),
        ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/x", None),
        ("https://exa mple.org", None),
        ("https:alert", None),
        ("", None),
        (None, None),
    ],
)
def test_only_plain_web_addresses_become_links(url: str | None, expected: str | None) -> None:
    assert http_url(url) == expected


def test_date_formatting() -> None:
    from datetime import datetime

    assert when(datetime(2025, 3, 3, 9, 40)) == "3 Mar 2025, 09:40"
    assert when(datetime(2025, 3, 3)) == "3 Mar 2025"  # a date without a time
    assert date_span(datetime(2025, 3, 3), datetime(2025, 3, 5)) == "3–5 Mar 2025"
    assert date_span(datetime(2025, 2, 28), datetime(2025, 3, 2)) == "28 Feb – 2 Mar 2025"
    assert date_span(datetime(2024, 12, 30), datetime(2025, 1, 2)) == "30 Dec 2024 – 2 Jan 2025"
    assert date_span(None, None) == "undated"


class _Structure(HTMLParser):
    """Landmarks, headings, form controls and their labels, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_pages_are_accessible_in_structure(served: tuple[TestClient, World, Path]) -> None:
    """What a screen reader and a keyboard need: one h1, landmarks, labelled controls,
    unique ids, named SVG pictures and links with text."""
    client, world, _ = served
    for html_path, _ in pages(world):
        parsed = _Structure()
        parsed.feed(client.get(html_path).text)
        tags = parsed.tags
        names = [t for t, _ in tags]
        assert names.count("h1") == 1, html_path
        assert {"header", "nav", "main", "footer"} <= set(names), html_path
        assert ("html", {"lang": "en"}) in tags
        ids = [a["id"] for _, a in tags if a.get("id")]
        assert len(ids) == len(set(ids)), (html_path, sorted(i for i in ids if ids.count(i) > 1))
        labelled = {a.get("for") for t, a in tags if t == "label"}
        for tag, attrs in tags:
            if tag in ("input", "select") and attrs.get("type") != "hidden":
                assert attrs.get("id") in labelled or attrs.get("aria-label"), (html_path, attrs)
            if tag == "svg":
                assert attrs.get("role") == "img" and attrs.get("aria-labelledby"), html_path
        assert any(t == "a" and a.get("class") == "skip-link" for t, a in tags)
