"""Cutting an article's text into highlighted pieces."""

from __future__ import annotations

from dataclasses import replace

from newsweave.web import views
from newsweave.web.highlight import paragraph_pieces
from newsweave.web.views import Counterpart, Highlight
from tests.web.conftest import World

TEXT = "Alpha beta gamma delta.\nEpsilon zeta eta theta."
#       0     6    11    17    23 24      32   37  41  46


def article(highlights: list[Highlight]) -> views.ArticleView:
    return views.ArticleView(
        id="0" * 16,
        title="t",
        source=None,
        byline=None,
        published=None,
        dateline=None,
        credits=(),
        url=None,
        language=None,
        external_id=None,
        origin=None,
        collection=None,
        text=TEXT,
        paragraphs=((0, 23), (24, 47)),
        sentences=((0, 23), (24, 47)),
        highlights=tuple(highlights),
        reuse=(),
        quotes=(),
        stories=(),
        citations=(),
        entities=(),
    )


def test_pieces_rebuild_each_paragraph_and_carry_overlaps() -> None:
    passage = Highlight("reused", 6, 37, "taken from X", (Counterpart("1" * 16, "X", 0, 31),))
    quote = Highlight("quote", 11, 16, "Someone", quote_id="q")
    paragraphs = paragraph_pieces(article([passage, quote]))
    assert ["".join(p.text for p in para) for para in paragraphs] == [TEXT[:23], TEXT[24:]]
    first, second = paragraphs
    by_text = {p.text: p for p in first}
    assert by_text["Alpha "].kinds == ()
    assert by_text["gamma"].kinds == ("quote", "reused")
    assert by_text["beta "].kinds == ("reused",) and by_text["beta "].reuse
    # Tags: the passage opens once (not again in the second paragraph); the quote closes once.
    assert by_text["beta "].opening == (passage,) and by_text["beta "].anchors == (6,)
    assert by_text["gamma"].opening == (quote,) and by_text["gamma"].closing == (quote,)
    assert all(passage not in p.opening for p in second)
    assert next(p for p in second if passage in p.closing).text == "Epsilon zeta "
    # Sentence anchors at each sentence start.
    assert first[0].sentence == 0 and second[0].sentence == 1


def test_a_highlight_ending_between_paragraphs_closes_at_the_paragraph_end() -> None:
    quote = Highlight("quote", 17, 24, "Someone", quote_id="q")  # "delta.\n"
    (first, _) = paragraph_pieces(article([quote]))
    assert first[-1].text == "delta." and first[-1].closing == (quote,)


def test_article_page_pieces_cover_the_text(world: World) -> None:
    view = views.article_view(world.store, world.herald.id)
    paragraphs = paragraph_pieces(view)
    rebuilt = ["".join(p.text for p in para) for para in paragraphs]
    assert rebuilt == [view.text[a:b] for a, b in view.paragraphs]
    marked = "".join(p.text for para in paragraphs for p in para if p.reuse)
    assert "The town council of Lakemoor voted" in marked
    assert "Valley readers" not in marked


def test_empty_and_out_of_range_paragraphs_are_skipped() -> None:
    view = replace(article([]), paragraphs=((5, 5), (40, 500)))
    assert [[p.text for p in para] for para in paragraph_pieces(view)] == [[TEXT[40:]]]
