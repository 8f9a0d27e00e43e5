"""The Parquet tables of a run: schemas follow the model, rows round-trip through Parquet."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsweave.engines.tables import TABLES, arrow_schema, from_row, rejection_row, to_row
from newsweave.ingest import Rejection
from newsweave.model import (
    AlignedPassage,
    Article,
    Citation,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Sentence,
    Span,
    Story,
    Summary,
    SummarySentence,
)

TEXT = (
    "Harbourton - The ferry Marguerite ran aground on a sandbank at dawn.\n"
    "“Nobody was hurt,” said captain Ilse Brandt. Tugs freed her by noon."
)
ARTICLE = Article.build(
    TEXT,
    title="Ferry aground off Harbourton",
    url="https://tidewire.example/ferry",
    source="Tidewire",
    published=datetime(2024, 5, 2, 6, 15, tzinfo=timezone(timedelta(hours=2))),
    dateline="Harbourton",
    credits=("Tidewire",),
    language="en",
    external_id="tw-9",
    origin="wire.jsonl:3",
    collection="ferry",
    source_offsets=((0, 0), (12, 15)),
)
A, B = ARTICLE.id, "b" * 16
QUOTE_START = TEXT.index("Nobody")

EXAMPLES: dict[str, Any] = {
    "articles": ARTICLE,
    "sentences": Sentence(A, 1, 69, 113, TEXT[69:113], paragraph=1),
    "reuse_links": ReuseLink(
        A,
        B,
        ReuseKind.PASSAGE,
        ReuseDirection.DERIVED,
        0.72,
        jaccard=0.3,
        containment_source_in_target=0.5,
        containment_target_in_source=0.6,
        passages=(AlignedPassage(Span(A, 0, 60), Span(B, 5, 70), 1.4, "reworded"),),
        evidence=("target published 3h later",),
    ),
    "stories": Story(
        Story.make_id([A, B]),
        (B, A),
        "Ferry aground",
        datetime(2024, 5, 2, 4, 15, tzinfo=UTC),
        None,
        2,
        1,
        "cluster",
    ),
    "summaries": Summary(
        Story.make_id([A, B]),
        (
            SummarySentence("The ferry ran aground.", (Citation(A, 0, 0, 68, 0.9),), 1),
            SummarySentence("Tugs freed it.", (Citation(A, 2, 114, 136), Citation(B, 3, 7, 20))),
        ),
        "newsweave-greedy",
        100,
    ),
    "quotes": Quote(
        A,
        Span(A, QUOTE_START, QUOTE_START + 15),
        "Nobody was hurt",
        True,
        speaker=Span(A, TEXT.index("captain"), TEXT.index("Brandt") + 6),
        speaker_text="captain Ilse Brandt",
        cue=None,
        cue_text=None,
        entity_id="e-brandt",
        parts=(Span(A, QUOTE_START, QUOTE_START + 6), Span(A, QUOTE_START + 7, QUOTE_START + 15)),
    ),
    "entities": Entity(
        "e-brandt",
        "Ilse Brandt",
        EntityType.PER,
        ("Brandt",),
        (Mention(Span(A, 99, 110), "Ilse Brandt", EntityType.PER, "e-brandt", "name"),),
    ),
}


def test_every_table_has_an_example() -> None:
    assert set(EXAMPLES) == set(TABLES) - {"rejections"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rows_round_trip_through_parquet(name: str, tmp_path: Path) -> None:
    obj = EXAMPLES[name]
    schema = arrow_schema(name)
    row = to_row(obj) | ({"story_id": "s1"} if name == "entities" else {})
    pq.write_table(pa.Table.from_pylist([row], schema=schema), tmp_path / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.schema.equals(schema, check_metadata=False)
    (row,) = table.to_pylist()
    assert from_row(type(obj), row) == obj


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_column_per_model_field(name: str) -> None:
    table = TABLES[name]
    columns = arrow_schema(name).names
    fields = [f.name for f in dataclasses.fields(table.model)]
    assert [c for c in columns if c in fields] == fields
    extra = set(columns) - set(fields)
    assert extra <= {"id", "step", "story_id"}


def test_types_follow_the_model() -> None:
    articles = arrow_schema("articles")
    assert articles.field("published").type == pa.string()  # ISO 8601, offset kept
    assert articles.field("credits").type == pa.list_(pa.string())
    assert articles.field("paragraphs").type == pa.list_(pa.list_(pa.int64()))
    assert not articles.field("id").nullable and articles.field("url").nullable
    quotes = arrow_schema("quotes")
    assert quotes.field("speaker").nullable and not quotes.field("content").nullable
    assert quotes.field("content").type.names == ["article_id", "start", "end"]
    assert quotes.field("id").type == pa.string()
    assert arrow_schema("sentences").metadata[b"newsweave.schema_version"] == b"1"


def test_rejection_rows() -> None:
    row = rejection_row(Rejection("feed.rss#4", "no text"), "clean")
    assert row == {"origin": "feed.rss#4", "reason": "no text", "step": "clean"}
    assert arrow_schema("rejections").names == ["origin", "reason", "step"]


def test_the_readme_lists_every_column() -> None:
    from tests.support import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The output", 1)[1].split("\n### ", 1)[0]
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in section.splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == set(TABLES)
    for name, line in rows.items():
        listed = line.split("|")[2]
        missing = [c for c in arrow_schema(name).names if f"`{c}`" not in listed]
        assert not missing, f"README's {name} row lacks {missing}"
