"""Article text is data, never markup: hostile strings in every field render as inert text.

An article whose title, body, URL, outlet, byline, dateline, credits, quotes, speakers, entity
names, story title, summary and reuse evidence carry script tags, event-handler attributes and
``javascript:`` links is stored; every page is fetched and parsed the way a browser tokenizes
HTML, and no element, attribute or link from the article may appear.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote_plus

import pytest
from fastapi.testclient import TestClient

from newsweave.model import (
    AlignedPassage,
    Article,
    Citation,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Span,
    Story,
    Summary,
    SummarySentence,
)
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from newsweave.web.app import create_app

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = '<a href="javascript:alert(2)">click</a>'
ATTR = '" onmouseover="alert(3)" x="'
SVG = "<svg onload=alert(4)><circle/></svg>"
CLOSE = "</textarea></title></style></script><b onclick=alert(5)>"
PAYLOAD = f"{SCRIPT} {IMG} {LINK} {ATTR} {SVG} {CLOSE}"
OUR_SCRIPT = "/static/newsweave.js"
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def assert_inert(html: str, where: str) -> None:
    parser = Tags()
    parser.feed(html)
    parser.close()
    scripts = [dict(a) for t, a in parser.tags if t == "script"]
    assert scripts == [{"src": OUR_SCRIPT, "defer": None}], where
    assert parser.script_text == [], where
    for tag, attrs in parser.tags:
        assert tag not in {"img", "iframe", "object", "embed", "b", "textarea", "style"}, (
            where,
            tag,
        )
        for name, value in attrs:
            assert not name.lower().startswith("on"), (where, tag, name)
            if name.lower() in URL_ATTRS and value is not None:
                assert not value.strip().lower().startswith(("javascript:", "data:")), (
                    where,
                    value,
                )
        if tag == "svg":  # only our own drawings, never the article's
            assert ("role", "img") in attrs, where
    # Attribute values may hold article text (a tooltip, a form's current value): escaped, it
    # stays inside the value; the checks above find any attribute or element it would add.


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    path = tmp_path_factory.mktemp("hostile") / "web.db"
    body = f"The harbour reopened on Monday. {PAYLOAD} “We are ready {SCRIPT},” said {IMG} today."
    evil = Article.build(
        body,
        title=f"Harbour {PAYLOAD}",
        url="javascript:alert(6)//https://example.org",
        source=f"Outlet {IMG}",
        byline=f"By {ATTR}",
        dateline=f"PORT {SVG}",
        credits=(f"Wire {SCRIPT}",),
        external_id=f"id-{LINK}",
        origin=f"file-{CLOSE}",
        collection=f"col-{ATTR}",
        published=None,
    )
    calm = Article.build(
        "The harbour reopened on Monday. Ships came in.",
        title="Harbour reopens",
        source=f"Copycat {SVG}",
        url=f"https://example.org/{ATTR}",
    )
    with SQLiteStore(path) as store:
        store.add_articles([(a, segment_article(a)) for a in (evil, calm)])
        opening = body.index("The harbour reopened on Monday.")
        store.replace_reuse_links(
            [
                ReuseLink(
                    calm.id,
                    evil.id,
                    ReuseKind.PASSAGE,
                    ReuseDirection.DERIVED,
                    0.5,
                    passages=(
                        AlignedPassage(
                            Span(calm.id, 0, 31),
                            Span(evil.id, opening, opening + 31),
                            1.0,
                            "identical",
                        ),
                    ),
                    evidence=(f"because {SCRIPT}",),
                ),
            ]
        )
        story = Story(
            Story.make_id([evil.id, calm.id]),
            (evil.id, calm.id),
            title=f"Story {PAYLOAD}",
            n_outlets=2,
            n_origins=1,
            method=f"m {IMG}",
        )
        store.replace_stories([story])
        start = body.index("We are ready")
        said = body.index(IMG, start)
        store.replace_quotes(
            [evil.id],
            [
                Quote(
                    evil.id,
                    Span(evil.id, start, start + len(f"We are ready {SCRIPT},")),
                    f"We are ready {SCRIPT},",
                    True,
                    speaker=Span(evil.id, said, said + len(IMG)),
                    speaker_text=IMG,
                    cue_text=f"said {LINK}",
                    entity_id="e-evil",
                )
            ],
        )
        store.replace_entities(
            [evil.id],
            [
                Entity(
                    "e-evil",
                    f"Mallory {IMG}",
                    EntityType.PER,
                    (f"alias {SCRIPT}",),
                    (Mention(Span(evil.id, said, said + len(IMG)), IMG, EntityType.PER, "e-evil"),),
                )
            ],
        )
        first = segment_article(evil)[0]
        store.save_summary(
            Summary(
                story.id,
                (
                    SummarySentence(
                        f"Summary {PAYLOAD}",
                        (Citation(evil.id, first.index, first.start, first.end),),
                    ),
                ),
                method=f"method {SCRIPT}",
                word_budget=50,
            )
        )
    urls = {
        "stories": "/",
        "stories-filtered": f"/?outlet={quote_plus('Outlet ' + IMG)}&entity={quote_plus(IMG)}",
        "story": f"/story/{story.id}",
        "article": f"/article/{evil.id}",
        "copycat": f"/article/{calm.id}",
        "search": f"/search?q={quote_plus('harbour ' + PAYLOAD)}",
        "search-speaker": f"/search?q={quote_plus('Mallory')}",
        "articles": "/articles",
        "error-query": f"/?since={quote_plus(PAYLOAD[:10])}",
        "error-path": f"/story/{quote_plus(SCRIPT)}",
        "not-found": f"/{quote_plus(SCRIPT)}",
    }
    with TestClient(create_app(db=path), raise_server_exceptions=False) as client:
        yield client, urls


@pytest.mark.parametrize(
    "page",
    [
        "stories",
        "stories-filtered",
        "story",
        "article",
        "copycat",
        "search",
        "search-speaker",
        "articles",
        "error-query",
        "error-path",
        "not-found",
    ],
)
def test_no_markup_survives_from_article_data(
    hostile: tuple[TestClient, dict[str, str]], page: str
) -> None:
    client, urls = hostile
    response = client.get(urls[page])
    assert response.status_code in (200, 400, 404), page
    assert response.headers["content-type"].startswith("text/html")
    assert_inert(response.text, page)


def test_hostile_text_is_shown_as_text(hostile: tuple[TestClient, dict[str, str]]) -> None:
    """Escaping, not dropping: the reader still sees what the article says."""
    client, urls = hostile
    article = client.get(urls["article"]).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in article
    assert "javascript:alert(6)//https://example.org" in article  # shown, not linked
    assert 'href="javascript:' not in article
    story = client.get(urls["story"]).text
    assert "Summary &lt;script&gt;" in story and "Mallory &lt;img" in story


def test_json_of_hostile_data_is_json(hostile: tuple[TestClient, dict[str, str]]) -> None:
    client, urls = hostile
    response = client.get(urls["article"] + ".json")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["title"] == f"Harbour {PAYLOAD}"
