"""The digest stores every story's quotes and entities, once."""

from __future__ import annotations

from pathlib import Path

from newsweave.digest import DigestOptions, digest
from newsweave.digest.quoting import QuoteCounts
from newsweave.store import open_store
from newsweave.summarize import SummarizeOptions

FERRY = {
    "harbour-ferry.txt": (
        "Ferry service to Brindle Island halted\n\n"
        "The ferry to Brindle Island was halted on Tuesday after a storm damaged the pier.\n\n"
        '"We will not sail until the pier is safe," said Martha Ellwood, the harbour master.\n\n'
        "Ellwood said repairs would begin as soon as the wind dropped."
    ),
    "island-ferry.txt": (
        "Storm stops Brindle Island ferry\n\n"
        "A storm damaged the pier at Port Alder, halting the ferry to Brindle Island.\n\n"
        '"Nobody will be stranded," Ellwood told reporters, adding that a lifeboat was ready.'
    ),
}
OPTIONS = DigestOptions(summarize=SummarizeOptions(words=60, embedder="hashing"))


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in" / "ferry"
    folder.mkdir(parents=True)
    for name, text in FERRY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "in"


def test_digest_stores_quotes_and_entities_and_keeps_them(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with open_store(tmp_path / "n.db") as store:
        first = digest(store, [str(corpus)], OPTIONS)
        quotes, entities = store.quotes(), store.entities()
        assert first.quotes is not None
        assert first.quotes.stories == first.stories >= 1
        assert first.quotes.kept == 0
        assert first.quotes.quotes == len(quotes) >= 2
        assert "quotes and" in first.summary()
        speakers = {e.name for e in entities if any(q.entity_id == e.id for q in quotes)}
        assert "Martha Ellwood" in speakers  # "Ellwood" in the second article is merged in
        names = {e.name for e in entities}
        assert "Brindle Island" in names

        second = digest(store, [str(corpus)], OPTIONS)
        assert second.quotes == QuoteCounts(kept=first.stories)
        assert "already stored" in second.summary()
        assert store.quotes() == quotes
        assert store.entities() == entities


def test_a_new_article_gets_its_story_looked_at_again(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with open_store(tmp_path / "n.db") as store:
        digest(store, [str(corpus)], OPTIONS)
        (corpus / "ferry" / "late-ferry.txt").write_text(
            "Brindle Island ferry back on Friday\n\n"
            '"The pier has been shored up," said Martha Ellwood on Thursday.',
            encoding="utf-8",
        )
        again = digest(store, [str(corpus)], OPTIONS)
        assert again.quotes is not None and again.quotes.stories >= 1
        late = [a for a in store.iter_articles() if "Friday" in a.title]
        assert late and store.quotes(article_id=late[0].id)


def test_the_step_can_be_turned_off(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with open_store(tmp_path / "n.db") as store:
        report = digest(
            store, [str(corpus)], DigestOptions(summarize=OPTIONS.summarize, quotes=False)
        )
        assert report.quotes is None
        assert store.quotes() == [] and store.entities() == []
