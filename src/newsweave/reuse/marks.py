"""Where each reused passage of one article came from, sentence by sentence (for display)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsweave.model import ReuseDirection, ReuseLink, Sentence

__all__ = ["Mark", "passage_marks"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A reused passage inside one sentence of the article being shown."""

    relation: str  # "from" (this article copied it), "copied by", "shared with" (direction unknown)
    other_id: str  # the article at the other end of the link
    kind: str  # "identical" | "trimmed" | "reworded"
    score: float  # 0..1
    start: int  # the passage's span in this article
    end: int


def passage_marks(
    article_id: str, sentences: Sequence[Sentence], links: Iterable[ReuseLink]
) -> dict[int, list[Mark]]:
    """Per sentence index of ``article_id``, the reused passages that start in it."""
    starts = [s.start for s in sentences]
    marks: dict[int, list[Mark]] = {}
    for link in links:
        if article_id not in (link.source_id, link.target_id):
            continue
        is_source = link.source_id == article_id
        other = link.target_id if is_source else link.source_id
        if link.direction is ReuseDirection.UNKNOWN:
            relation = "shared with"
        else:
            relation = "copied by" if is_source else "from"
        for passage in link.passages:
            span = passage.source if is_source else passage.target
            k = bisect.bisect_right(starts, span.start) - 1
            if 0 <= k < len(sentences) and span.start < sentences[k].end:
                marks.setdefault(sentences[k].index, []).append(
                    Mark(relation, other, passage.kind, passage.score, span.start, span.end)
                )
    return marks
