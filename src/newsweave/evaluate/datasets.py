"""Read the evaluation datasets (JSONL, one record per line) into model objects and small records.

Formats (see ``../shared/data/README.md``):

==============  ===============================================================================
MDS             ``{"id", "docs": [{"id","title","text","date"}], "summaries": [str, ...]}``;
                DUC 2007 update records add ``topic`` and ``subset`` (A, B, C)
references      an MDS file, or ``{"id", "summaries"}`` alone
peers           ``{"id", "summary", "system"?}``: summaries to score against references
clustering      ``{"id","title","text","date","lang","cluster"}``, one article per line
pairs           ``{"id","text_a","text_b","label"}`` (1 = same content)
quotes          ``{"id","title","date","publisher","text","quotes":[{"quote","speaker","cue",
                "quote_spans","speaker_spans","cue_spans","direct","has_explicit_source"}]}``
NER             ``{"id","text","tokens","tags","entities":[{"text","type","start","end"}]}``
extraction      ``{"id","url","html","gold_text"}``
==============  ===============================================================================

A record that cannot be read is skipped with a message naming the file, line and record id; the
rest of the file is read.  Readers never modify the gold data: text is kept byte for byte, so the
character offsets in the annotations stay valid.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from newsweave.errors import InputError
from newsweave.model import Article, content_hash

__all__ = [
    "ClusteringData",
    "Dataset",
    "GoldQuote",
    "MdsCluster",
    "NerSentence",
    "Page",
    "Pair",
    "PeerSummary",
    "QuoteDoc",
    "read_clustering",
    "read_extraction",
    "read_mds",
    "read_ner",
    "read_pairs",
    "read_peers",
    "read_quotes",
    "read_references",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Span = tuple[int, int]

NER_TYPES = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True)
class Dataset(Generic[T]):
    """The records of one file, and a message for every record that had to be skipped."""

    path: str
    records: tuple[T, ...]
    problems: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file name without its extension: ``duc2003``."""
        return Path(self.path).name.split(".")[0]

    def __len__(self) -> int:
        return len(self.records)

    def limit(self, k: int | None) -> Dataset[T]:
        """The first ``k`` records (all when ``k`` is None)."""
        return self if k is None else replace(self, records=self.records[:k])


# --- record types -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MdsCluster:
    """Documents to summarize together, with the human reference summaries.

    For update summarization (DUC 2007), ``background`` holds the documents of the earlier
    subsets of the same topic, which the reader is assumed to have seen already.
    """

    id: str
    docs: tuple[Article, ...]
    summaries: tuple[str, ...]
    topic: str | None = None
    subset: str | None = None
    query: str | None = None
    background: tuple[Article, ...] = ()


@dataclass(frozen=True, slots=True)
class PeerSummary:
    id: str  # the MDS cluster it summarizes
    summary: str
    system: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    text_a: str
    text_b: str
    label: int  # 1 = same content (reworded or not), 0 = different


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """An annotated attribution: content, speaker and cue, each a tuple of ``[start, end)``."""

    id: str
    text: str
    spans: tuple[Span, ...]
    direct: bool
    speaker: str | None = None
    speaker_spans: tuple[Span, ...] = ()
    cue: str | None = None
    cue_spans: tuple[Span, ...] = ()
    explicit_source: bool = True

    @property
    def extent(self) -> Span:
        """From the start of the first content span to the end of the last."""
        return (min(s for s, _ in self.spans), max(e for _, e in self.spans))


@dataclass(frozen=True, slots=True)
class QuoteDoc:
    article: Article
    quotes: tuple[GoldQuote, ...]


@dataclass(frozen=True, slots=True)
class NerSentence:
    id: str
    text: str
    entities: tuple[tuple[int, int, str], ...]  # [start, end) and a CoNLL type
    tokens: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    html: str
    gold_text: str
    url: str | None = None


@dataclass(frozen=True)
class ClusteringData:
    """Articles with their gold cluster labels, each article once.

    An article listed under two gold clusters (the same record id, or the same text under
    different ids) is kept once, with the label it had first; ``in_two_clusters`` says how many
    were folded that way, ``duplicates`` how many repeated records were dropped in total.
    """

    articles: tuple[Article, ...]
    labels: tuple[str, ...]
    in_two_clusters: int = 0
    duplicates: int = 0

    @property
    def n_gold(self) -> int:
        return len(set(self.labels))


# --- reading ----------------------------------------------------------------------------------


class _Reader:
    """Iterates a JSONL file's records, turning each into ``T`` or a recorded problem."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError("no such file", path=str(self.path))
        self.problems: list[str] = []

    def records(self, build: Callable[[Mapping[str, Any], str], T]) -> Iterator[T]:
        with self.path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                record_id: str | None = None
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("a record must be a JSON object")
                    record_id = str(row["id"]) if "id" in row else None
                    yield build(row, f"{self.path}:{line_no}")
                except (ValueError, KeyError, TypeError) as exc:
                    why = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
                    error = InputError(why, path=str(self.path), line=line_no, record=record_id)
                    self.problems.append(str(error))
                    log.warning("skipped: %s", error)

    def dataset(self, build: Callable[[Mapping[str, Any], str], T]) -> Dataset[T]:
        records = tuple(self.records(build))
        return Dataset(str(self.path), records, tuple(self.problems))


def _str(row: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = row.get(key)
    if value is None:
        if required:
            raise KeyError(key)
        return ""
    if not isinstance(value, str):
        raise TypeError(f"field {key!r} must be a string, not {type(value).__name__}")
    return value


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _spans(value: Any, key: str) -> tuple[Span, ...]:
    if value is None:
        return ()
    spans = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise ValueError(f"{key}: a span must be [start, end], got {item!r}")
        start, end = int(item[0]), int(item[1])
        if not 0 <= start <= end:
            raise ValueError(f"{key}: bad span [{start}, {end})")
        spans.append((start, end))
    return tuple(spans)


def _article(doc: Mapping[str, Any], origin: str, collection: str | None) -> Article:
    text = _str(doc, "text")
    fields: dict[str, Any] = {
        "title": _str(doc, "title", required=False),
        "published": _date(doc.get("date")),
        "external_id": str(doc["id"]) if doc.get("id") is not None else None,
        "origin": origin,
        "collection": collection,
    }
    if doc.get("url"):
        fields["url"] = str(doc["url"])
    if doc.get("publisher"):
        fields["source"] = str(doc["publisher"])
    if doc.get("lang"):
        fields["language"] = str(doc["lang"])
    return Article.build(text, **fields)


def _summaries(row: Mapping[str, Any]) -> tuple[str, ...]:
    summaries = row["summaries"]
    if not isinstance(summaries, list) or not all(isinstance(s, str) for s in summaries):
        raise TypeError("field 'summaries' must be a list of strings")
    return tuple(summaries)


def read_mds(path: str | Path) -> Dataset[MdsCluster]:
    """MDS clusters; DUC 2007 update subsets get the earlier subsets' documents as background."""

    def build(row: Mapping[str, Any], origin: str) -> MdsCluster:
        cluster_id = str(row["id"])
        docs = row["docs"]
        if not isinstance(docs, list) or not docs:
            raise ValueError("field 'docs' must be a non-empty list")
        query = row.get("query")
        if isinstance(query, dict):
            query = " ".join(str(v) for v in query.values() if v)
        return MdsCluster(
            id=cluster_id,
            docs=tuple(_article(d, origin, cluster_id) for d in docs),
            summaries=_summaries(row),
            topic=str(row["topic"]) if row.get("topic") is not None else None,
            subset=str(row["subset"]) if row.get("subset") is not None else None,
            query=query if isinstance(query, str) else None,
        )

    data = _Reader(path).dataset(build)
    return replace(data, records=_with_background(data.records))


def _with_background(clusters: Sequence[MdsCluster]) -> tuple[MdsCluster, ...]:
    by_topic: dict[str, list[MdsCluster]] = defaultdict(list)
    for cluster in clusters:
        if cluster.topic is not None and cluster.subset is not None:
            by_topic[cluster.topic].append(cluster)
    background: dict[str, tuple[Article, ...]] = {}
    for members in by_topic.values():
        seen: list[Article] = []
        for cluster in sorted(members, key=lambda c: c.subset or ""):
            background[cluster.id] = tuple(seen)
            seen.extend(cluster.docs)
    return tuple(replace(c, background=background.get(c.id, ())) for c in clusters)


def read_references(path: str | Path) -> Dataset[tuple[str, tuple[str, ...]]]:
    """``(cluster id, reference summaries)`` from an MDS file or a references-only file."""

    def build(row: Mapping[str, Any], origin: str) -> tuple[str, tuple[str, ...]]:
        summaries = _summaries(row)
        if not summaries:
            raise ValueError("no reference summaries")
        return str(row["id"]), summaries

    return _Reader(path).dataset(build)


def read_peers(path: str | Path) -> Dataset[PeerSummary]:
    """Summaries to score: ``{"id", "summary", "system"?}`` (``summary`` may be a sentence list)."""

    def build(row: Mapping[str, Any], origin: str) -> PeerSummary:
        summary = row["summary"]
        if isinstance(summary, list) and all(isinstance(s, str) for s in summary):
            summary = "\n".join(summary)
        if not isinstance(summary, str):
            raise TypeError("field 'summary' must be a string or a list of sentences")
        return PeerSummary(str(row["id"]), summary, str(row.get("system") or ""))

    return _Reader(path).dataset(build)


def read_clustering(path: str | Path) -> tuple[Dataset[Article], ClusteringData]:
    """Articles labelled by gold cluster; see :class:`ClusteringData` for duplicates."""

    def build(row: Mapping[str, Any], origin: str) -> tuple[Article, str]:
        label = row["cluster"]
        if label is None or label == "":
            raise ValueError("empty 'cluster' label")
        return _article(row, origin, None), str(label)

    reader = _Reader(path)
    articles: list[Article] = []
    labels: list[str] = []
    label_of_id: dict[str | None, str] = {}
    label_of_text: dict[str, str] = {}
    folded: set[str] = set()  # ids and texts already counted as being in two clusters
    duplicates = 0
    for article, label in reader.records(build):
        text_key = content_hash(article.text)
        if article.external_id in label_of_id:
            duplicates += 1
            if label_of_id[article.external_id] != label:
                folded.add(f"id:{article.external_id}")
            continue
        if label_of_text.get(text_key, label) != label:
            duplicates += 1
            folded.add(f"text:{text_key}")
            continue
        if article.external_id is not None:
            label_of_id[article.external_id] = label
        label_of_text.setdefault(text_key, label)
        articles.append(article)
        labels.append(label)
    data = Dataset(str(path), tuple(articles), tuple(reader.problems))
    return data, ClusteringData(tuple(articles), tuple(labels), len(folded), duplicates)


def read_pairs(path: str | Path) -> Dataset[Pair]:
    def build(row: Mapping[str, Any], origin: str) -> Pair:
        label = row["label"]
        if label not in (0, 1, True, False, "0", "1"):
            raise ValueError(f"label must be 0 or 1, got {label!r}")
        return Pair(str(row["id"]), _str(row, "text_a"), _str(row, "text_b"), int(label))

    return _Reader(path).dataset(build)


def read_quotes(path: str | Path) -> Dataset[QuoteDoc]:
    def build(row: Mapping[str, Any], origin: str) -> QuoteDoc:
        article = _article(row, origin, None)
        text = article.text
        quotes = []
        for index, q in enumerate(row.get("quotes") or []):
            spans = _spans(q.get("quote_spans"), "quote_spans")
            if not spans:
                raise ValueError(f"quote {index}: no quote_spans")
            speaker_spans = _spans(q.get("speaker_spans"), "speaker_spans")
            cue_spans = _spans(q.get("cue_spans"), "cue_spans")
            if any(e > len(text) for _, e in (*spans, *speaker_spans, *cue_spans)):
                raise ValueError(f"quote {index}: a span runs past the end of the text")
            quotes.append(
                GoldQuote(
                    id=str(q.get("id") or index),
                    text=str(q.get("quote") or ""),
                    spans=spans,
                    direct=bool(q.get("direct")),
                    speaker=q.get("speaker") or None,
                    speaker_spans=speaker_spans,
                    cue=q.get("cue") or None,
                    cue_spans=cue_spans,
                    explicit_source=bool(q.get("has_explicit_source", True)),
                )
            )
        return QuoteDoc(article, tuple(quotes))

    return _Reader(path).dataset(build)


def read_ner(path: str | Path) -> Dataset[NerSentence]:
    def build(row: Mapping[str, Any], origin: str) -> NerSentence:
        text = _str(row, "text")
        entities = []
        for e in row.get("entities") or []:
            start, end, kind = int(e["start"]), int(e["end"]), str(e["type"])
            if kind not in NER_TYPES:
                raise ValueError(f"unknown entity type {kind!r}; expected one of {NER_TYPES}")
            if not 0 <= start < end <= len(text):
                raise ValueError(f"entity span [{start}, {end}) outside the text")
            entities.append((start, end, kind))
        return NerSentence(
            id=str(row["id"]),
            text=text,
            entities=tuple(sorted(entities)),
            tokens=tuple(row.get("tokens") or ()),
            tags=tuple(row.get("tags") or ()),
        )

    return _Reader(path).dataset(build)


def read_extraction(path: str | Path) -> Dataset[Page]:
    def build(row: Mapping[str, Any], origin: str) -> Page:
        return Page(
            str(row["id"]), _str(row, "html"), _str(row, "gold_text"), row.get("url") or None
        )

    return _Reader(path).dataset(build)
