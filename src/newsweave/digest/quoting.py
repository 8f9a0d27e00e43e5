"""The digest's who-said-what step: find and store the quotes and entities of every story.

The story pages of ``newsweave web`` read quotes and entities from the store; this step fills it
for every story the digest made, with the stage functions ``newsweave quotes`` and ``newsweave
entities`` use (:func:`newsweave.quotes.quote_story`: speakers resolved and entities merged across
the story's articles).  Articles are content-addressed, so an article with stored quotes or
mentions is unchanged since they were found: a story all of whose articles have some is skipped,
and a second digest of the same corpus does no work here.  (A story with an article that has
neither, a text naming nobody, is looked at again on every run; that is cheap.)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsweave.entities import EntityOptions, get_recognizer
from newsweave.model import Article, Story
from newsweave.quotes import QuoteOptions, quote_story
from newsweave.store import Store

__all__ = ["QuoteCounts", "store_quotes"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuoteCounts:
    """What the step did: stories looked at now and kept as stored, quotes and entities found."""

    stories: int = 0  # stories whose quotes and entities were found and stored by this run
    kept: int = 0  # stories whose articles already had them stored
    quotes: int = 0
    entities: int = 0

    def summary(self) -> str:
        if not self.stories:
            return f"quotes and entities of {self.kept} stories already stored"
        kept = f", {self.kept} already stored" if self.kept else ""
        return (
            f"{self.quotes} quotes and {self.entities} entities found in "
            f"{self.stories} stories{kept}"
        )


def store_quotes(
    store: Store,
    stories: Sequence[Story],
    articles: Mapping[str, Article],
    options: QuoteOptions | None = None,
    entity_options: EntityOptions | None = None,
) -> QuoteCounts:
    """Find and store the quotes and entities of each story whose articles lack them.

    ``articles`` maps every article id of ``stories`` to its article.  Linear in the number of
    stored quotes and mentions (read once) plus the articles of the stories looked at.
    """
    entity_options = entity_options or EntityOptions()
    done = {q.article_id for q in store.quotes()}
    done.update(m.span.article_id for e in store.entities() for m in e.mentions)
    recognizer = get_recognizer(entity_options.recognizer)
    stories_done = kept = n_quotes = n_entities = 0
    for story in stories:
        if all(i in done for i in story.article_ids):
            kept += 1
            continue
        found = quote_story(
            [articles[i] for i in story.article_ids], options, entity_options, recognizer
        )
        store.replace_quotes(story.article_ids, found.quotes)
        store.replace_entities(story.article_ids, found.entities)
        stories_done += 1
        n_quotes += len(found.quotes)
        n_entities += len(found.entities)
    log.info("quotes: %d stories looked at, %d kept as stored", stories_done, kept)
    return QuoteCounts(stories_done, kept, n_quotes, n_entities)
