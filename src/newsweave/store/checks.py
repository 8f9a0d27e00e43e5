"""Checks every backend makes before a write, whatever it stores in: one wording, one place.

Each raises :class:`~newsweave.errors.StoreError` naming what is wrong and returns the input in
the shape the backend writes (lists, or dicts keyed by id where a later item replaces an
earlier one).  Whether referenced articles exist is the backend's to check (it is a query).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsweave.errors import StoreError
from newsweave.model import Article, Entity, Quote, Sentence, Story
from newsweave.store.rows import check_quote_spans

__all__ = ["check_batch", "check_entities", "check_quotes", "check_stories", "named"]

NAMED_SHOWN = 5  # ids named in a message before "and N more"


def named(ids: Iterable[str], limit: int = NAMED_SHOWN) -> str:
    """``a, b, c and 4 more``: the first ``limit`` ids, and how many were left out."""
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def check_batch(batch: Sequence[tuple[Article, Sequence[Sentence]]]) -> None:
    """Every sentence of a batch to add names the article it comes with."""
    for article, sentences in batch:
        for sentence in sentences:
            if sentence.article_id != article.id:
                raise StoreError(
                    f"sentence {sentence.index} of article {article.id} names "
                    f"article {sentence.article_id}"
                )


def check_stories(stories: Iterable[Story]) -> list[Story]:
    """Stories with distinct ids, each listing an article once."""
    new = list(stories)
    ids = [s.id for s in new]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise StoreError(f"replace_stories: story ids given twice: {named(dupes)}")
    for story in new:
        if len(set(story.article_ids)) != len(story.article_ids):
            raise StoreError(f"story {story.id} lists an article twice")
    return new


def check_quotes(scope: set[str], quotes: Iterable[Quote]) -> dict[str, Quote]:
    """Quotes by id, each with its spans in its own article and that article in ``scope``."""
    by_id = {q.id: q for q in quotes}
    try:
        for quote in by_id.values():
            check_quote_spans(quote)
    except ValueError as exc:
        raise StoreError(str(exc)) from exc
    outside = sorted({q.article_id for q in by_id.values()} - scope)
    if outside:
        raise StoreError(
            "replace_quotes: quotes of articles outside the articles being replaced: "
            f"{named(outside)}"
        )
    return by_id


def check_entities(scope: set[str], entities: Iterable[Entity]) -> list[Entity]:
    """Entities with distinct ids whose mentions all lie in ``scope``."""
    new = list(entities)
    if len({e.id for e in new}) != len(new):
        raise StoreError("replace_entities: an entity id is given twice")
    outside = sorted({m.span.article_id for e in new for m in e.mentions} - scope)
    if outside:
        raise StoreError(
            "replace_entities: mentions in articles outside the articles being replaced: "
            f"{named(outside)}"
        )
    return new
