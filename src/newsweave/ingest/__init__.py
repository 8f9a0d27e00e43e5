"""Read articles from files: text, HTML, JSON/JSONL, WARC and RSS/Atom, gzipped or not.

:func:`read` streams :class:`RawDocument` records (one per article, as the input gave it) and
:class:`Rejection` values (a file or record that cannot be used, with the reason) in input
order.  It never stops on bad input and never holds more than one file (or, for JSONL and
WARC, one record) in memory.

=================  ==============================================================================
suffix             what is read
=================  ==============================================================================
.txt .text         one article: the first non-empty line is the headline, the rest the body
.html .htm .xhtml  one web page (text and metadata are extracted by :mod:`newsweave.clean`)
.jsonl .ndjson     one record per line: ``id, title, text|html, url, date, source`` (+ author,
                   lang, cluster); an ``{"id", "docs": [...]}`` line is a cluster of documents
.json              one record, an array of records, or JSON Lines
.warc              every HTML response record, with its target URI and WARC-Date
.rss .atom .xml    every feed entry with content or a summary (an .xml file must be a feed)
any of these + .gz decompressed on the fly (.warc.gz as written by crawlers, too)
=================  ==============================================================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newsweave.errors import InputError
from newsweave.ingest.files import expand_paths, read_bytes, suffix
from newsweave.ingest.jsonl import read_json_file, read_jsonl_file
from newsweave.ingest.pages import is_feed, read_feed_file, read_html_file, read_warc_file
from newsweave.ingest.records import FORMATS, IngestOptions, RawDocument, Rejection
from newsweave.ingest.text import read_text_file

__all__ = ["FORMATS", "IngestOptions", "RawDocument", "Rejection", "read", "read_file"]

log = logging.getLogger(__name__)

Reader = Callable[[Path, IngestOptions], Iterator[RawDocument | Rejection]]

_BY_SUFFIX: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".xml": "xml",
}
_READERS: dict[str, Reader] = {
    "txt": read_text_file,
    "html": read_html_file,
    "jsonl": read_jsonl_file,
    "json": read_json_file,
    "warc": read_warc_file,
    "feed": read_feed_file,
}
_KNOWN = ".txt, .html/.htm, .json/.jsonl, .warc, .rss/.atom/.xml feeds, and any of them .gz"


def read(
    paths: Iterable[str | Path], options: IngestOptions | None = None
) -> Iterator[RawDocument | Rejection]:
    """Every article in ``paths`` (files, folders walked recursively in sorted order, globs).

    >>> from newsweave.ingest import read
    >>> [type(item).__name__ for item in read(["no/such/file.txt"])]
    ['Rejection']
    """
    options = options or IngestOptions()
    for item in expand_paths(paths, options):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from read_file(item, options)


def read_file(
    path: Path, options: IngestOptions | None = None
) -> Iterator[RawDocument | Rejection]:
    """The articles of one file, by its format (``options.format`` or its suffix)."""
    options = options or IngestOptions()
    kind = options.format
    if kind == "json":
        kind = "jsonl" if suffix(path)[0] in (".jsonl", ".ndjson") else "json"
    if kind is None:
        ext, _ = suffix(path)
        kind = _BY_SUFFIX.get(ext)
        if kind is None:
            what = f"'{ext}'" if ext else "without a suffix"
            yield Rejection(str(path), f"unknown format {what}; newsweave reads {_KNOWN}")
            return
    if kind == "xml":
        kind = _sniff_xml(path, options)
        if kind is None:
            yield Rejection(str(path), "an XML file that is not an RSS or Atom feed")
            return
    log.debug("reading %s as %s", path, kind)
    yield from _READERS[kind](path, options)


def _sniff_xml(path: Path, options: IngestOptions) -> str | None:
    try:
        data = read_bytes(path, options)
    except InputError:
        return "feed"  # let the feed reader report what is wrong
    return "feed" if is_feed(data) or not data.strip() else None
