"""Rows ⇄ models: every field of every stored type survives, and a new field cannot slip by."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pytest

from newsweave import model
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
from newsweave.store import rows

# The fields the store persists, per model type.  When a stage adds a field to a model type,
# this test fails until the store keeps it: add it to store/rows.py and, for a new column, a
# new migration in store/sqlite_schema.py.
PERSISTED = {
    Article: set(rows.ARTICLE_COLUMNS),
    Sentence: {"article_id", "index", "start", "end", "text", "paragraph"},
    ReuseLink: {
        "source_id",
        "target_id",
        "kind",
        "direction",
        "score",
        "jaccard",
        "containment_source_in_target",
        "containment_target_in_source",
        "passages",
        "evidence",
    },
    AlignedPassage: {"source", "target", "score", "kind"},
    Span: {"article_id", "start", "end"},
    Story: {
        "id",
        "article_ids",
        "title",
        "first_published",
        "last_published",
        "n_outlets",
        "n_origins",
        "method",
    },
    Summary: {"story_id", "sentences", "method", "word_budget"},
    SummarySentence: {"text", "citations", "n_origins"},
    Citation: {"article_id", "sentence_index", "start", "end", "score"},
    Quote: {
        "article_id",
        "content",
        "text",
        "direct",
        "speaker",
        "speaker_text",
        "cue",
        "cue_text",
        "entity_id",
        "parts",
    },
    Entity: {"id", "name", "type", "aliases", "mentions"},
    Mention: {"span", "text", "type", "entity_id", "kind"},
}


@pytest.mark.parametrize("cls", list(PERSISTED), ids=lambda c: c.__name__)
def test_every_model_field_is_persisted(cls: type) -> None:
    fields = {f.name for f in dataclasses.fields(cls)}
    assert fields == PERSISTED[cls], (
        f"{cls.__name__} fields changed: persist {sorted(fields - PERSISTED[cls])} in "
        f"store/rows.py (and a migration), or drop {sorted(PERSISTED[cls] - fields)}"
    )


def test_every_model_type_is_covered() -> None:
    stored = {
        obj
        for obj in vars(model).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == model.__name__
    }
    assert stored == set(PERSISTED)


def full_article() -> Article:
    text = "Kelso (Islewire) - The ferry sailed.\n“Calm seas,” said the master."
    return Article.build(
        text,
        title="Ferry sails",
        url="https://islewire.example/ferry",
        source="Islewire",
        byline="R. Tamm",
        published=datetime(2024, 5, 1, 6, 0, tzinfo=timezone(timedelta(hours=-3))),
        dateline="Kelso",
        credits=("Islewire", "Agencies"),
        language="en",
        external_id="iw-9",
        origin="feed.xml:3",
        collection="ferry",
        source_offsets=((0, 0), (12, 14)),
    )


def test_article_row_is_plain_and_round_trips() -> None:
    article = full_article()
    row = rows.article_to_row(article)
    assert all(isinstance(v, str | int | float | type(None)) for v in row.values())
    assert json.loads(row["credits"]) == ["Islewire", "Agencies"]
    assert rows.article_from_row(row) == article


def test_nested_types_round_trip() -> None:
    a, b = "a" * 16, "b" * 16
    link = ReuseLink(
        a, b, ReuseKind.NEAR_DUPLICATE, ReuseDirection.UNKNOWN, 0.7, 0.6, 0.8, 0.75,
        (AlignedPassage(Span(a, 1, 9), Span(b, 2, 11), 0.99, "identical"),), ("same day",),
    )  # fmt: skip
    assert rows.reuse_from_row(rows.reuse_to_row(link)) == link
    summary = Summary(
        "s" * 16,
        (SummarySentence("One.", (Citation(a, 0, 0, 4, 0.5), Citation(b, 3, 40, 60)), 2),),
        "mmr",
        120,
    )
    head, sentences, citations = rows.summary_to_rows(summary)
    assert rows.summary_from_rows(head, reversed(sentences), reversed(citations)) == summary
    quote = Quote(a, Span(a, 5, 20), "calm seas", True, Span(a, 22, 30), "master", None, None, "e1")
    assert rows.quote_from_row(rows.quote_to_row(quote)) == quote
    entity = Entity(
        "e1",
        "Kelso",
        EntityType.LOC,
        ("the island",),
        (Mention(Span(a, 0, 5), "Kelso", EntityType.LOC),),
    )
    mention_rows = [rows.mention_to_row(m, entity.id) for m in entity.mentions]
    assert rows.entity_from_row(rows.entity_to_row(entity), mention_rows) == entity


def test_a_quote_span_in_another_article_is_refused() -> None:
    quote = Quote("a" * 16, Span("a" * 16, 0, 4), "x", True, speaker=Span("b" * 16, 0, 2))
    with pytest.raises(ValueError, match="another article"):
        rows.quote_to_row(quote)
