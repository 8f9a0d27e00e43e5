"""Quotes and entities of a story, stored and read back whole (split quotes, mention kinds)."""

from __future__ import annotations

from pathlib import Path

from newsweave.quotes import quote_story
from newsweave.segment import segment_article
from newsweave.store import SQLiteStore
from tests.support import make_article


def test_story_quotes_and_entities_round_trip(tmp_path: Path) -> None:
    article = make_article(
        "Prime Minister Elena Varga met the unions in Porto.\n\n"
        "“The plan is sound,” she said, “but the timing is wrong.”\n\n"
        "The prime minister said the talks would go on."
    )
    story = quote_story([article])
    split = next(q for q in story.quotes if q.parts)
    kinds = {m.kind for e in story.entities for m in e.mentions}
    assert {"name", "pronoun", "description"} <= kinds

    store = SQLiteStore(tmp_path / "news.db")
    store.add_articles([(article, segment_article(article))])
    store.replace_quotes([article.id], story.quotes)
    store.replace_entities([article.id], story.entities)

    assert store.quotes(article_id=article.id) == sorted(
        story.quotes, key=lambda q: (q.content.start, q.content.end)
    )
    assert split in store.quotes(article_id=article.id)
    stored = {e.id: e for e in store.entities()}
    for entity in story.entities:
        assert stored[entity.id].mentions == entity.mentions
