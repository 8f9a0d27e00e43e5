"""The demo corpus in a store, built by the pipeline the way the CLI builds it.

:func:`build_demo_store` makes the library calls the commands make, in their order:
``newsweave ingest examples/demo`` (:func:`newsweave.pipeline.ingest_paths`), ``newsweave reuse``
(:func:`newsweave.reuse.detect_reuse` over every stored article, links stored),
``newsweave digest`` (:func:`newsweave.digest.summarize_stored`: stories and cited summaries,
with the hashing embedder so the tests stay quick) and ``newsweave quotes`` per story
(:func:`newsweave.quotes.quote_story`: quotes and entities stored).  Nothing is written by hand:
the pages show what a user of the CLI sees.  ``stages`` stops early, for the pages' "not
computed yet" states.

Story grouping is changing (clustering), so tests ask the store which story holds an article
rather than naming story ids or counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsweave.digest import DigestOptions, summarize_stored
from newsweave.entities import EntityOptions
from newsweave.model import Article, Story
from newsweave.pipeline import ingest_paths
from newsweave.quotes import quote_story
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.store import SQLiteStore
from newsweave.summarize import SummarizeOptions
from tests.support import DEMO

STAGES = ("ingest", "reuse", "digest", "quotes")
DEMO_ARTICLES = 30  # documents of examples/demo that are news articles (two are rejected)


@dataclass(frozen=True)
class DemoStore:
    path: Path
    by_external: dict[str, Article]  # the input's own id (file stem, URL) -> stored article
    stories: tuple[Story, ...]

    def story_of(self, article: Article) -> Story:
        """The stored story that holds ``article``."""
        (story,) = (s for s in self.stories if article.id in s.article_ids)
        return story

    def article(self, external_id: str) -> Article:
        return self.by_external[external_id]


def build_demo_store(path: Path, stages: tuple[str, ...] = STAGES) -> DemoStore:
    """Run ``stages`` (a prefix of :data:`STAGES`) over examples/demo into the store at ``path``."""
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}; choose from {STAGES}")
    with SQLiteStore(path) as store:
        report = ingest_paths(store, [str(DEMO)])
        assert report.new == DEMO_ARTICLES, report.summary()
        articles = list(store.iter_articles())
        if "reuse" in stages:
            sentences = {a.id: store.get_sentences(a.id) for a in articles}
            store.replace_reuse_links(detect_reuse(articles, ReuseOptions(), sentences))
        if "digest" in stages:
            # digest finds missing links itself; without the reuse stage it must not.  It also
            # stores quotes and entities: the "quotes" stage below does that, and only it.
            options = DigestOptions(
                summarize=SummarizeOptions(embedder="hashing"),
                reuse="reuse" in stages,
                quotes=False,
            )
            summarize_stored(store, options)
        stories = tuple(store.stories())
        if "quotes" in stages:
            for story in stories:
                found = quote_story(
                    store.get_articles(story.article_ids), entity_options=EntityOptions()
                )
                store.replace_quotes(story.article_ids, found.quotes)
                store.replace_entities(story.article_ids, found.entities)
        by_external = {a.external_id: a for a in articles if a.external_id}
    return DemoStore(path, by_external, stories)
