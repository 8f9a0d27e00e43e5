"""Rows ⇄ model objects: the one place where store records become dataclasses and back.

A row is a plain mapping of column name to a value any SQL driver accepts (str, int, float,
None).  Datetimes are ISO 8601 strings; nested collections that are only ever read whole
(paragraph offsets, wire credits, aligned passages, aliases) are JSON text.  Every backend uses
these functions, so the SQLite and PostgreSQL stores agree on what a column holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

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
    to_dict,
)
from newsweave.store.base import ArticleHeader


class Row(Protocol):
    """What a driver returns for a row: values looked up by column name (sqlite3.Row, dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


__all__ = [
    "ARTICLE_COLUMNS",
    "Row",
    "article_from_row",
    "article_to_row",
    "check_quote_spans",
    "citation_from_row",
    "entity_from_row",
    "entity_to_row",
    "header_from_row",
    "mention_from_row",
    "mention_to_row",
    "quote_from_row",
    "quote_to_row",
    "reuse_from_row",
    "reuse_to_row",
    "sentence_from_row",
    "sentence_to_row",
    "story_from_row",
    "story_to_row",
    "summary_from_rows",
    "summary_to_rows",
]

ARTICLE_COLUMNS = (
    "id",
    "text",
    "title",
    "url",
    "source",
    "byline",
    "published",
    "dateline",
    "credits",
    "language",
    "paragraphs",
    "external_id",
    "origin",
    "collection",
    "text_hash",
    "source_offsets",
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # drivers with native timestamps
        return value
    return datetime.fromisoformat(str(value))


def _json(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False, separators=(",", ":"))


def _unjson(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value  # drivers that decode JSON columns themselves


# --- articles and sentences -------------------------------------------------------------------


def article_to_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "text": article.text,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "byline": article.byline,
        "published": _time(article.published),
        "dateline": article.dateline,
        "credits": json.dumps(article.credits, ensure_ascii=False),
        "language": article.language,
        "paragraphs": json.dumps(article.paragraphs),
        "external_id": article.external_id,
        "origin": article.origin,
        "collection": article.collection,
        "text_hash": article.text_hash,
        "source_offsets": json.dumps(article.source_offsets),
    }


# Columns read as they are, shared by Article and ArticleHeader.
_PLAIN_COLUMNS = (
    "id",
    "title",
    "url",
    "source",
    "byline",
    "dateline",
    "language",
    "external_id",
    "origin",
    "collection",
    "text_hash",
)


def _metadata(row: Row) -> dict[str, Any]:
    data = {name: row[name] for name in _PLAIN_COLUMNS}
    data["published"] = _parse_time(row["published"])
    data["credits"] = tuple(_unjson(row["credits"]) or ())
    return data


def _pairs(value: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in _unjson(value) or ())


def article_from_row(row: Row) -> Article:
    return Article(
        **_metadata(row),
        text=row["text"],
        paragraphs=_pairs(row["paragraphs"]),
        source_offsets=_pairs(row["source_offsets"]),
    )


def header_from_row(row: Row) -> ArticleHeader:
    """A listing record: the article columns except text/paragraphs, plus sizes and lead."""
    return ArticleHeader(
        **_metadata(row),
        n_chars=int(row["n_chars"]),
        n_sentences=int(row["n_sentences"]),
        lead=row["lead"] or "",
    )


def sentence_to_row(sentence: Sentence) -> dict[str, Any]:
    return {
        "article_id": sentence.article_id,
        "idx": sentence.index,
        "start_char": sentence.start,
        "end_char": sentence.end,
        "text": sentence.text,
        "paragraph": sentence.paragraph,
    }


def sentence_from_row(row: Row) -> Sentence:
    return Sentence(
        article_id=row["article_id"],
        index=int(row["idx"]),
        start=int(row["start_char"]),
        end=int(row["end_char"]),
        text=row["text"],
        paragraph=int(row["paragraph"]),
    )


# --- reuse ------------------------------------------------------------------------------------


def _span(data: Mapping[str, Any]) -> Span:
    return Span(str(data["article_id"]), int(data["start"]), int(data["end"]))


def reuse_to_row(link: ReuseLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "source_id": link.source_id,
        "target_id": link.target_id,
        "kind": link.kind.value,
        "direction": link.direction.value,
        "score": link.score,
        "jaccard": link.jaccard,
        "containment_source_in_target": link.containment_source_in_target,
        "containment_target_in_source": link.containment_target_in_source,
        "passages": _json(link.passages),
        "evidence": _json(link.evidence),
    }


def reuse_from_row(row: Row) -> ReuseLink:
    passages = tuple(
        AlignedPassage(
            source=_span(p["source"]),
            target=_span(p["target"]),
            score=float(p["score"]),
            kind=str(p["kind"]),
        )
        for p in _unjson(row["passages"]) or ()
    )
    return ReuseLink(
        source_id=row["source_id"],
        target_id=row["target_id"],
        kind=ReuseKind(row["kind"]),
        direction=ReuseDirection(row["direction"]),
        score=float(row["score"]),
        jaccard=float(row["jaccard"]),
        containment_source_in_target=float(row["containment_source_in_target"]),
        containment_target_in_source=float(row["containment_target_in_source"]),
        passages=passages,
        evidence=tuple(_unjson(row["evidence"]) or ()),
    )


# --- stories and summaries --------------------------------------------------------------------


def story_to_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "first_published": _time(story.first_published),
        "last_published": _time(story.last_published),
        "n_outlets": story.n_outlets,
        "n_origins": story.n_origins,
        "method": story.method,
    }


def story_from_row(row: Row, article_ids: Sequence[str]) -> Story:
    return Story(
        id=row["id"],
        article_ids=tuple(article_ids),
        title=row["title"],
        first_published=_parse_time(row["first_published"]),
        last_published=_parse_time(row["last_published"]),
        n_outlets=int(row["n_outlets"]),
        n_origins=int(row["n_origins"]),
        method=row["method"],
    )


def summary_to_rows(
    summary: Summary,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The summary row, its sentence rows and its citation rows."""
    head = {
        "story_id": summary.story_id,
        "method": summary.method,
        "word_budget": summary.word_budget,
    }
    sentences: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    for s_pos, sentence in enumerate(summary.sentences):
        sentences.append(
            {
                "story_id": summary.story_id,
                "position": s_pos,
                "text": sentence.text,
                "n_origins": sentence.n_origins,
            }
        )
        for c_pos, citation in enumerate(sentence.citations):
            citations.append(
                {
                    "story_id": summary.story_id,
                    "sentence_position": s_pos,
                    "position": c_pos,
                    "article_id": citation.article_id,
                    "sentence_index": citation.sentence_index,
                    "start_char": citation.start,
                    "end_char": citation.end,
                    "score": citation.score,
                }
            )
    return head, sentences, citations


def citation_from_row(row: Row) -> Citation:
    return Citation(
        article_id=row["article_id"],
        sentence_index=int(row["sentence_index"]),
        start=int(row["start_char"]),
        end=int(row["end_char"]),
        score=float(row["score"]),
    )


def summary_from_rows(head: Row, sentences: Iterable[Row], citations: Iterable[Row]) -> Summary:
    """Inverse of :func:`summary_to_rows`; rows may come in any order."""
    by_sentence: dict[int, list[tuple[int, Citation]]] = {}
    for row in citations:
        by_sentence.setdefault(int(row["sentence_position"]), []).append(
            (int(row["position"]), citation_from_row(row))
        )
    built = []
    for row in sorted(sentences, key=lambda r: int(r["position"])):
        cited = sorted(by_sentence.get(int(row["position"]), []), key=lambda pc: pc[0])
        built.append(
            SummarySentence(
                text=row["text"],
                citations=tuple(c for _, c in cited),
                n_origins=int(row["n_origins"]),
            )
        )
    return Summary(
        story_id=head["story_id"],
        sentences=tuple(built),
        method=head["method"],
        word_budget=int(head["word_budget"]),
    )


# --- quotes and entities ----------------------------------------------------------------------


def _span_columns(prefix: str, span: Span | None) -> dict[str, int | None]:
    return {
        f"{prefix}_start": span.start if span else None,
        f"{prefix}_end": span.end if span else None,
    }


def _span_from_columns(row: Row, prefix: str, article_id: str) -> Span | None:
    start = row[f"{prefix}_start"]
    if start is None:
        return None
    return Span(article_id, int(start), int(row[f"{prefix}_end"]))


def check_quote_spans(quote: Quote) -> None:
    """Raise ValueError unless the content, speaker and cue spans lie in the quote's article."""
    for part in (quote.content, quote.speaker, quote.cue):
        if part is not None and part.article_id != quote.article_id:
            raise ValueError(
                f"quote {quote.id}: a span lies in another article ({part.article_id}) "
                f"than the quote ({quote.article_id})"
            )


def quote_to_row(quote: Quote) -> dict[str, Any]:
    """Quote columns (spans as start/end pairs: they all lie in the quote's own article)."""
    check_quote_spans(quote)
    return {
        "id": quote.id,
        "article_id": quote.article_id,
        "content_start": quote.content.start,
        "content_end": quote.content.end,
        "text": quote.text,
        "direct": 1 if quote.direct else 0,
        **_span_columns("speaker", quote.speaker),
        "speaker_text": quote.speaker_text,
        **_span_columns("cue", quote.cue),
        "cue_text": quote.cue_text,
        "entity_id": quote.entity_id,
        "parts": _json([[p.start, p.end] for p in quote.parts]),
    }


def quote_from_row(row: Row) -> Quote:
    article_id = row["article_id"]
    content = _span_from_columns(row, "content", article_id)
    assert content is not None  # NOT NULL columns
    return Quote(
        article_id=article_id,
        content=content,
        text=row["text"],
        direct=bool(row["direct"]),
        speaker=_span_from_columns(row, "speaker", article_id),
        speaker_text=row["speaker_text"],
        cue=_span_from_columns(row, "cue", article_id),
        cue_text=row["cue_text"],
        entity_id=row["entity_id"],
        parts=tuple(Span(article_id, int(a), int(b)) for a, b in _unjson(row["parts"]) or ()),
    )


def entity_to_row(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type.value,
        "aliases": _json(entity.aliases),
    }


def mention_to_row(mention: Mention, owner_id: str) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "article_id": mention.span.article_id,
        "start_char": mention.span.start,
        "end_char": mention.span.end,
        "text": mention.text,
        "type": mention.type.value,
        "entity_id": mention.entity_id,
        "kind": mention.kind,
    }


def mention_from_row(row: Row) -> Mention:
    return Mention(
        span=Span(row["article_id"], int(row["start_char"]), int(row["end_char"])),
        text=row["text"],
        type=EntityType(row["type"]),
        entity_id=row["entity_id"],
        kind=row["kind"],
    )


def entity_from_row(row: Row, mentions: Iterable[Row]) -> Entity:
    return Entity(
        id=row["id"],
        name=row["name"],
        type=EntityType(row["type"]),
        aliases=tuple(_unjson(row["aliases"]) or ()),
        mentions=tuple(mention_from_row(m) for m in mentions),
    )
