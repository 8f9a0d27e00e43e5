from __future__ import annotations

from datetime import datetime

import pytest

from newsweave.model import (
    Article,
    Sentence,
    Span,
    Story,
    content_hash,
    paragraph_spans,
    stable_id,
    to_dict,
)


def test_stable_id_separates_parts() -> None:
    assert stable_id("ab", "c") != stable_id("a", "bc")
    assert stable_id("x") == stable_id("x")
    assert len(stable_id("x")) == 16


def test_content_hash_folds_case_and_space() -> None:
    assert content_hash("Putin  met\nObama") == content_hash("putin met obama")
    assert content_hash("Putin met Obama") != content_hash("Putin met Rouhani")


def test_article_id_depends_on_outlet_but_text_hash_does_not() -> None:
    a = Article.build("Same wire copy.", source="Outlet A")
    b = Article.build("Same wire copy.", source="Outlet B")
    assert a.id != b.id
    assert a.text_hash == b.text_hash


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\nTwo.", ((0, 4), (5, 9))),
        ("  Indented.\n\n\nNext.  ", ((2, 11), (14, 19))),
        ("", ()),
    ],
)
def test_paragraph_spans(text: str, expected: tuple[tuple[int, int], ...]) -> None:
    assert paragraph_spans(text) == expected


def test_span_rejects_inverted_range() -> None:
    with pytest.raises(ValueError, match="bad span"):
        Span("a", 5, 2)


def test_article_round_trips_through_dict() -> None:
    article = Article.build(
        "Body text.",
        title="T",
        published=datetime(2015, 9, 29, 12, 0),
        credits=("AP", "Reuters"),
    )
    again = Article.from_dict(to_dict(article))
    assert again == article


def test_sentence_round_trips_through_dict() -> None:
    sentence = Sentence("a1", 0, 0, 5, "Hello", paragraph=0)
    assert Sentence.from_dict(to_dict(sentence)) == sentence


def test_story_id_ignores_member_order() -> None:
    assert Story.make_id(["b", "a"]) == Story.make_id(["a", "b"])
