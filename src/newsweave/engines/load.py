"""Load the Parquet output of a run into a store (``newsweave import``).

Articles and their sentences are added in batches (insert-if-absent, one transaction per
batch, as ``newsweave ingest`` stores them); the derived tables then replace what the store
holds for the imported articles, each in one transaction: reuse links among them, their quotes
and entities, and the stories with their summaries.  Tables a run did not produce are skipped.

The tables are read with pyarrow from a local folder.  Sentences are matched to their articles
by sorting both tables by article id, so memory grows with the size of the output, not with
its square.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.dataset as ds

from newsweave.engines.plan import MANIFEST
from newsweave.engines.tables import SCHEMA_VERSION, TABLES, from_row
from newsweave.errors import ConfigError
from newsweave.model import Article, Entity, Quote, ReuseLink, Sentence, Story, Summary
from newsweave.store import Store

__all__ = ["ImportReport", "import_run", "read_table"]

log = logging.getLogger(__name__)

T = TypeVar("T")

BATCH_SIZE = 500  # articles per transaction, as pipeline.DEFAULT_BATCH_SIZE


@dataclass(slots=True)
class ImportReport:
    """What an import stored."""

    new: int = 0
    already_stored: int = 0
    tables: dict[str, int] = field(default_factory=dict)  # rows read per table

    def summary(self) -> str:
        others = ", ".join(
            f"{n} {name.replace('_', ' ')}"
            for name, n in self.tables.items()
            if name not in ("articles", "sentences", "rejections")
        )
        return f"{self.new} new articles, {self.already_stored} already stored" + (
            f"; {others}" if others else ""
        )

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "already_stored": self.already_stored, "tables": self.tables}


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise ConfigError(f"import: {folder} is not a folder; give the --output of `newsweave run`")
    if not path.exists():
        raise ConfigError(f"import: {folder} has no {MANIFEST}; it is not the output of a run")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"import: cannot read {path}: {exc}") from exc
    if manifest.get("status") != "done":
        raise ConfigError(f"import: the run that wrote {folder} did not finish; run it again")
    version = int(manifest.get("schema_version", 0))
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"import: {folder} was written by a newer newsweave (tables v{version}, this "
            f"version reads v{SCHEMA_VERSION}); upgrade newsweave"
        )
    return manifest


def read_table(folder: Path, name: str, sort_by: str | None = None) -> pa.Table | None:
    """Table ``name`` of a run's output (all its part files), or None if the run has none."""
    path = folder / name
    if not path.is_dir():
        return None
    table = ds.dataset(path, format="parquet").to_table()
    return table.sort_by(sort_by) if sort_by else table


def _objects(table: pa.Table | None, cls: type[T]) -> list[T]:
    return [] if table is None else [from_row(cls, r) for r in table.to_pylist()]


def _batches(table: pa.Table) -> Iterator[list[dict[str, Any]]]:
    for batch in table.to_batches(max_chunksize=BATCH_SIZE):
        yield batch.to_pylist()


def import_run(directory: str | Path, store: Store) -> ImportReport:
    """Store the tables of the run written to ``directory`` (see the module docstring)."""
    folder = Path(directory).expanduser()
    _manifest(folder)
    report = ImportReport()
    articles = read_table(folder, "articles", "id")
    if articles is None:
        raise ConfigError(f"import: {folder} has no articles table")
    sentences = read_table(folder, "sentences", "article_id")
    report.tables["articles"] = articles.num_rows
    report.tables["sentences"] = sentences.num_rows if sentences is not None else 0
    stream = _sentence_stream(sentences)
    held: Sentence | None = next(stream, None)
    ids: list[str] = []
    for batch in _batches(articles):
        built = [from_row(Article, r) for r in batch]
        last = built[-1].id
        by_article: dict[str, list[Sentence]] = defaultdict(list)
        while held is not None and held.article_id <= last:  # both tables sorted by id
            by_article[held.article_id].append(held)
            held = next(stream, None)
        batch_pairs = [(a, sorted(by_article[a.id], key=lambda s: s.index)) for a in built]
        result = store.add_articles(batch_pairs)
        report.new += len(result.new)
        report.already_stored += len(result.existing)
        ids.extend(a.id for a in built)
    _import_derived(folder, store, ids, report)
    return report


def _sentence_stream(table: pa.Table | None) -> Iterator[Sentence]:
    if table is not None:
        for batch in _batches(table):
            yield from (from_row(Sentence, r) for r in batch)


def _import_derived(folder: Path, store: Store, ids: list[str], report: ImportReport) -> None:
    present = {name for name in TABLES if (folder / name).is_dir()}
    if "reuse_links" in present:
        links = _objects(read_table(folder, "reuse_links"), ReuseLink)
        report.tables["reuse_links"] = len(links)
        store.replace_reuse_links(links, among=ids)
    if "stories" in present:
        stories = _objects(read_table(folder, "stories"), Story)
        report.tables["stories"] = len(stories)
        store.replace_stories(sorted(stories, key=lambda s: s.id))
    if "summaries" in present:
        summaries = _objects(read_table(folder, "summaries"), Summary)
        report.tables["summaries"] = len(summaries)
        for summary in sorted(summaries, key=lambda s: s.story_id):
            store.save_summary(summary)
    if "quotes" in present:
        quotes = _objects(read_table(folder, "quotes"), Quote)
        report.tables["quotes"] = len(quotes)
        store.replace_quotes(ids, quotes)
    if "entities" in present:
        # One row per story an entity is mentioned in: stored story by story, as `newsweave
        # quotes` stores a story's entities (the name and aliases last stored are kept).
        table = read_table(folder, "entities", "story_id")
        assert table is not None
        report.tables["entities"] = table.num_rows
        members = {s.id: s.article_ids for s in store.stories()}
        rows_by_story: dict[str, list[Entity]] = defaultdict(list)
        for row in table.to_pylist():
            rows_by_story[row["story_id"]].append(from_row(Entity, row))
        for story_id in sorted(rows_by_story):
            store.replace_entities(members.get(story_id, ()), rows_by_story[story_id])
