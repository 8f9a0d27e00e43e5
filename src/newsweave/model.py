"""The data types that cross stage boundaries: articles, sentences, reuse, stories, summaries.

Every type is a frozen dataclass.  Anything derived from text keeps ``[start, end)`` character
offsets into the clean text of the article it came from, so a summary sentence, a quote or a
reused passage can always be highlighted in its source.  Identifiers are content hashes, stable
across runs; collections are tuples, sorted where order carries no meaning.

Conversions to and from plain dicts (JSON, SQL rows) live in one place: :func:`to_dict` and the
``from_dict`` class methods below.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, TypeVar

__all__ = [
    "AlignedPassage",
    "Article",
    "Citation",
    "Entity",
    "EntityType",
    "Mention",
    "Quote",
    "ReuseDirection",
    "ReuseKind",
    "ReuseLink",
    "Sentence",
    "Span",
    "Story",
    "Summary",
    "SummarySentence",
    "content_hash",
    "stable_id",
    "to_dict",
]

ID_LENGTH = 16  # hex digits of sha256 kept in ids: 64 bits, collision-free far past 10^9 items


def stable_id(*parts: str | None) -> str:
    """Hash ``parts`` into a short hex id; the same parts give the same id in every run."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part or "").encode("utf-8"))
        digest.update(b"\x1f")  # unit separator: ("ab", "c") and ("a", "bc") differ
    return digest.hexdigest()[:ID_LENGTH]


def content_hash(text: str) -> str:
    """Hash of a text with case and whitespace folded: equal for verbatim copies of one text."""
    return stable_id(" ".join(text.lower().split()))


@dataclass(frozen=True, slots=True)
class Span:
    """A ``[start, end)`` character range in the clean text of one article."""

    article_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end}) in article {self.article_id}")

    def __len__(self) -> int:
        return self.end - self.start

    def text(self, article: Article) -> str:
        return article.text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned news article.

    ``id`` hashes what makes a record *this* record (outlet, url, title, clean text), so reading
    the same file twice yields the same id, while two outlets printing the same wire copy stay
    two articles; ``text_hash`` is what verbatim copies share.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    source: str | None = None  # outlet name or domain
    byline: str | None = None
    published: datetime | None = None
    dateline: str | None = None  # "Moscow" in "Moscow (AsiaNews / Agencies) - ..."
    credits: tuple[str, ...] = ()  # wire credits: ("AsiaNews", "Agencies")
    language: str | None = None
    paragraphs: tuple[tuple[int, int], ...] = ()  # [start, end) of each paragraph in ``text``
    external_id: str | None = None  # the id the input record carried, if any
    origin: str | None = None  # where it was read: "path/file.jsonl:12"
    collection: str | None = None  # input grouping: folder, MDS cluster id, gold cluster label
    text_hash: str = ""
    # Offsets back into the body as it was read (RawDocument.text, or the text extracted from
    # the page): ``(clean_offset, source_offset)`` anchors where the shift between the two
    # changes; between anchors the texts advance together.  See :meth:`source_offset`.
    source_offsets: tuple[tuple[int, int], ...] = ()

    @classmethod
    def build(cls, text: str, **fields: Any) -> Article:
        """Make an article with its ids computed from its content."""
        title = fields.get("title", "") or ""
        article_id = stable_id(fields.get("source"), fields.get("url"), title, text)
        paragraphs = fields.pop("paragraphs", None) or paragraph_spans(text)
        return cls(
            id=article_id,
            text=text,
            paragraphs=tuple(paragraphs),
            text_hash=content_hash(text),
            **fields,
        )

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Article:
        return _from_dict(cls, row)

    def source_offset(self, offset: int) -> int:
        """Where ``offset`` of the clean text lies in the body as read (see ``source_offsets``).

        A clean character that replaced several source characters (a collapsed run of spaces,
        a ```` `` ```` quote) maps to the first of them; without anchors the offset is returned.
        """
        anchors = self.source_offsets
        if not anchors or offset < anchors[0][0]:
            return offset
        index = bisect.bisect_right(anchors, (offset, sys.maxsize)) - 1
        clean_at, source_at = anchors[index]
        mapped = source_at + (offset - clean_at)
        if index + 1 < len(anchors):  # inside a shortened replacement: stay before the next
            mapped = min(mapped, anchors[index + 1][1])
        return mapped


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraphs of a clean text: runs of non-blank lines, as ``[start, end)`` offsets."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for block in text.split("\n"):
        stripped = block.strip()
        if stripped:
            start = pos + block.index(stripped[0])
            spans.append((start, start + len(stripped)))
        pos += len(block) + 1
    return tuple(spans)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its position and its text (``article.text[start:end]``)."""

    article_id: str
    index: int  # 0-based position in the article
    start: int
    end: int
    text: str
    paragraph: int = 0  # index into Article.paragraphs

    @property
    def span(self) -> Span:
        return Span(self.article_id, self.start, self.end)

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Sentence:
        return _from_dict(cls, row)


# --- reuse ------------------------------------------------------------------------------------


class ReuseKind(StrEnum):
    EXACT = "exact"  # the same clean text
    NEAR_DUPLICATE = "near_duplicate"  # most of the text shared (MinHash / Jaccard)
    PASSAGE = "passage"  # some passages shared


class ReuseDirection(StrEnum):
    DERIVED = "derived"  # target was derived from source
    UNKNOWN = "unknown"  # the two share text, nothing says who copied whom


@dataclass(frozen=True, slots=True)
class AlignedPassage:
    """A passage of ``source`` found again, verbatim, trimmed or reworded, in ``target``."""

    source: Span
    target: Span
    score: float  # 0..1 similarity of the aligned texts
    kind: str  # "identical" | "trimmed" | "reworded"


@dataclass(frozen=True, slots=True)
class ReuseLink:
    """Two articles that share text.  With direction DERIVED, ``target`` copied ``source``."""

    source_id: str
    target_id: str
    kind: ReuseKind
    direction: ReuseDirection
    score: float
    jaccard: float = 0.0
    containment_source_in_target: float = 0.0  # share of source's shingles found in target
    containment_target_in_source: float = 0.0
    passages: tuple[AlignedPassage, ...] = ()
    evidence: tuple[str, ...] = ()  # human-readable reasons for the direction

    @property
    def id(self) -> str:
        return stable_id("reuse", *sorted((self.source_id, self.target_id)))


# --- stories and summaries --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event."""

    id: str
    article_ids: tuple[str, ...]
    title: str = ""
    first_published: datetime | None = None
    last_published: datetime | None = None
    n_outlets: int = 0
    n_origins: int = 0  # independent origins once copies are folded into what they copy
    method: str = ""  # what grouped them: "cluster", "collection", ...

    @staticmethod
    def make_id(article_ids: Iterable[str]) -> str:
        return stable_id("story", *sorted(article_ids))


@dataclass(frozen=True, slots=True)
class Citation:
    """A sentence of a source article that carries the content of a summary sentence."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    score: float = 1.0  # similarity of the cited sentence to the summary sentence


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    citations: tuple[Citation, ...]
    n_origins: int = 1  # independent origins among the cited articles

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sorted({c.article_id for c in self.citations}))


@dataclass(frozen=True, slots=True)
class Summary:
    story_id: str
    sentences: tuple[SummarySentence, ...]
    method: str
    word_budget: int

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


# --- who said what ----------------------------------------------------------------------------


class EntityType(StrEnum):
    PER = "PER"
    ORG = "ORG"
    LOC = "LOC"
    MISC = "MISC"


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an entity in an article."""

    span: Span
    text: str
    type: EntityType
    entity_id: str | None = None  # filled in once mentions are resolved into entities
    kind: str = "name"  # "name" ("Mr Putin"), "description" ("the Russian president"), "pronoun"


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place, with every mention of it across a story."""

    id: str
    name: str  # canonical name: "Vladimir Putin"
    type: EntityType
    aliases: tuple[str, ...] = ()  # "Putin", "Mr Putin", "the Russian president"
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """What someone said: the content, the cue ("said") and the speaker, all as spans."""

    article_id: str
    content: Span
    text: str
    direct: bool  # quoted words vs. reported speech
    speaker: Span | None = None  # the mention as written ("he", "Mr Putin")
    speaker_text: str | None = None
    cue: Span | None = None
    cue_text: str | None = None
    entity_id: str | None = None  # the speaker resolved to an Entity, when it could be
    # The pieces of a quote its attribution interrupts (“…,” he said, “…”), in order; empty
    # when the content is one piece.  ``content`` then runs from the first piece to the last.
    parts: tuple[Span, ...] = ()

    @property
    def id(self) -> str:
        return stable_id("quote", self.article_id, str(self.content.start), str(self.content.end))


# --- dict conversion --------------------------------------------------------------------------

T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data for a model object: enums by value, datetimes in ISO 8601."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, tuple | list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _from_dict(cls: type[T], row: Mapping[str, Any]) -> T:
    """Inverse of :func:`to_dict` for the flat types (Article, Sentence)."""
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in row:
            continue
        value = row[f.name]
        if f.name == "published" and isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif f.name in ("paragraphs", "source_offsets") and value is not None:
            value = tuple(tuple(p) for p in value)
        elif f.name == "credits" and value is not None:
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)
