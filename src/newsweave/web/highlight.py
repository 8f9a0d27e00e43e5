"""Cut an article's text into marked pieces for rendering: reused passages, quotes, speakers.

Highlights may overlap (a quote inside a copied passage, one passage copied by many), so the
text of each paragraph is cut at every highlight boundary and each piece carries the set of
highlights over it.  The template then renders every piece as one flat element whose classes
say what covers it: no nesting to untangle, and the text itself is always escaped.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from newsweave.web.views import ArticleView, Highlight

__all__ = ["REUSE_KINDS", "Piece", "paragraph_pieces"]

REUSE_KINDS = frozenset({"reused", "reused_by", "shared"})


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text covered by the same highlights."""

    text: str
    start: int
    kinds: tuple[str, ...]  # kinds of the highlights over it, sorted
    opening: tuple[Highlight, ...]  # highlights that start here: their tags go before the text
    closing: tuple[Highlight, ...]  # highlights that end here: their tags go after the text
    anchors: tuple[int, ...]  # starts of the highlights opening here: anchor ids c<start>
    sentence: int | None  # the index of the sentence starting here (anchor id s<index>)

    @property
    def reuse(self) -> bool:
        return any(k in REUSE_KINDS for k in self.kinds)


def paragraph_pieces(view: ArticleView) -> list[list[Piece]]:
    """The article's paragraphs, each as a list of pieces in reading order."""
    text = view.text
    highlights: Sequence[Highlight] = view.highlights
    sentence_at = {start: index for index, (start, _) in enumerate(view.sentences)}
    spans = [(max(0, a), min(len(text), b)) for a, b in view.paragraphs]
    spans = [(a, b) for a, b in spans if a < b]
    tagged: set[int] = set()  # highlights whose opening tag is placed
    paragraphs: list[list[Piece]] = []
    for n, (p_start, p_end) in enumerate(spans):
        next_start = spans[n + 1][0] if n + 1 < len(spans) else len(text)
        cuts = {p_start, p_end}
        for h in highlights:
            for point in (h.start, h.end):
                if p_start < point < p_end:
                    cuts.add(point)
        for start in sentence_at:
            if p_start < start < p_end:
                cuts.add(start)
        bounds = sorted(cuts)
        pieces = []
        for a, b in itertools.pairwise(bounds):
            over = [(i, h) for i, h in enumerate(highlights) if h.start < b and h.end > a]
            opening = tuple(h for i, h in over if i not in tagged)
            tagged.update(i for i, _ in over)
            # A highlight closes in its last piece: where it ends, or at the end of the paragraph
            # when it ends in the blank between this paragraph and the next.
            last = b == p_end
            pieces.append(
                Piece(
                    text=text[a:b],
                    start=a,
                    kinds=tuple(sorted({h.kind for _, h in over})),
                    opening=opening,
                    closing=tuple(
                        h for _, h in over if h.end <= b or (last and h.end <= next_start)
                    ),
                    anchors=tuple(sorted({h.start for h in opening})),
                    sentence=sentence_at.get(a),
                )
            )
        paragraphs.append(pieces)
    return paragraphs
