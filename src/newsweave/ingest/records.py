"""What ingest yields: raw documents as read, rejections, and the options of the reader."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from datetime import datetime

from newsweave.errors import ConfigError

__all__ = ["FORMATS", "IngestOptions", "RawDocument", "Rejection"]

# Input formats, as named in RawDocument.format and accepted by IngestOptions.format.
FORMATS = ("txt", "html", "json", "warc", "feed")

# One whole-file input (a page, a .txt article, a .json array, a feed) or one JSONL line larger
# than this is refused unread: the largest real news page we have seen is a few MB of HTML.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One record as read, before cleaning.

    ``origin`` says where it came from: ``path`` for a whole file, ``path:LINE`` for a JSONL
    line, ``path:LINE#N`` for the N-th document of a cluster on that line, ``path#N`` for the
    N-th record of a WARC file, a feed or a JSON array.
    """

    origin: str
    format: str  # one of FORMATS
    text: str | None = None  # plain body, if the input gave text
    html: str | None = None  # page html, if the input gave html
    title: str = ""
    url: str | None = None
    source: str | None = None  # outlet name or domain
    published: datetime | str | None = None  # as given; clean parses strings
    byline: str | None = None
    external_id: str | None = None  # JSONL record id, page/entry URL, or .txt file stem
    collection: str | None = None  # parent folder, MDS cluster id, gold "cluster" label
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A file or record that could not be used: counted, reported and skipped."""

    origin: str
    reason: str  # a sentence saying what is wrong (and, where it helps, what to do)

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True)
class IngestOptions:
    """How :func:`newsweave.ingest.read` reads its inputs.

    ``encoding`` is used for files that carry no encoding of their own (a byte-order mark, an
    HTML ``<meta charset>``, an HTTP or XML declaration win over it).  ``format`` forces one
    format for every file instead of going by the file suffix.  ``include_hidden`` also reads
    files and folders whose name starts with a dot when walking a directory.
    """

    encoding: str = "utf-8"
    format: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    include_hidden: bool = False

    def __post_init__(self) -> None:
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ConfigError(
                f"ingest: unknown encoding {self.encoding!r}; use a Python codec name "
                "such as 'utf-8', 'cp1252' or 'latin-1'"
            ) from None
        if self.format is not None and self.format not in FORMATS:
            raise ConfigError(
                f"ingest: unknown format {self.format!r}; choose one of {', '.join(FORMATS)}"
            )
        if self.max_bytes <= 0:
            raise ConfigError(f"ingest: max_bytes must be positive, got {self.max_bytes}")
