"""Web inputs: saved HTML pages, WARC archives (warcio) and RSS/Atom feeds (feedparser).

Pages are passed on as HTML: :mod:`newsweave.clean` extracts their text and metadata.  Feed
entries carry HTML fragments, not pages, so their text is taken here.
"""

from __future__ import annotations

import calendar
import codecs
import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.extract import html_to_text
from newsweave.ingest.files import GZIP_ERRORS, declared_encoding, decode, read_text, stem
from newsweave.ingest.records import IngestOptions, RawDocument, Rejection

__all__ = ["is_feed", "read_feed_file", "read_html_file", "read_warc_file"]

log = logging.getLogger(__name__)

# WARC record types that carry no document (crawl info, the requests, crawler notes) are
# passed over silently; every response or resource record is used or rejected with a reason.
_DOCUMENT_RECORDS = ("response", "resource")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)


def _read_text(path: Path, options: IngestOptions) -> tuple[bytes, str]:
    """The bytes and text of a markup file (its declared encoding honoured); not empty."""
    data, text = read_text(path, options, declared=True)
    if not text.strip():
        raise InputError("empty file", path=str(path))
    return data, text


def read_html_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """One saved web page."""
    try:
        _, html = _read_text(path, options)
    except InputError as exc:
        yield Rejection(str(path), exc.message)
        return
    yield RawDocument(
        origin=str(path), format="html", html=html, collection=path.parent.name or None
    )


def is_feed(data: bytes) -> bool:
    """Whether an XML document is an RSS or Atom feed (its root element says so)."""
    return _FEED_ROOT.search(data[:4096]) is not None


# --- WARC -------------------------------------------------------------------------------------


def read_warc_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """Every HTML response of a WARC file (``.warc`` or ``.warc.gz``) as a page.

    Each page gets its target URI and ``WARC-Date`` (the capture time: the best date a crawl
    offers when the page itself states none).  Responses that are not HTML, or not HTTP 2xx,
    are rejected with the reason.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        with path.open("rb") as stream:
            for n, record in enumerate(ArchiveIterator(stream), 1):
                if record.rec_type in _DOCUMENT_RECORDS:
                    yield _warc_document(record, f"{path}#{n}", path, options)
    except (ArchiveLoadFailed, *GZIP_ERRORS, ValueError) as exc:
        yield Rejection(
            f"{path}#{n + 1}", f"not a readable WARC record ({exc}); {n} records before it read"
        )
    except OSError as exc:
        yield Rejection(str(path), f"cannot read the file ({exc.strerror or exc})")
    else:
        if n == 0:
            yield Rejection(str(path), "empty file: no WARC records")


def _warc_document(
    record: Any, origin: str, path: Path, options: IngestOptions
) -> RawDocument | Rejection:
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    what = uri or "the record"
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return Rejection(origin, f"{what}: HTTP status {status}, not a page")
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return Rejection(origin, f"{what} is {mime or 'of no stated type'}, not an HTML page")
    body = record.content_stream().read()
    if not body.strip():
        return Rejection(origin, f"{what}: the response body is empty")
    match = _HTTP_CHARSET.search(content_type)
    encoding = declared_encoding(body) or (match.group(1) if match else None) or options.encoding
    try:
        html = decode(body, _known(encoding, options.encoding), where=origin)
    except InputError as exc:
        return Rejection(origin, f"{what}: {exc.message}")
    return RawDocument(
        origin=origin,
        format="warc",
        html=html,
        url=uri,
        published=record.rec_headers.get_header("WARC-Date") or None,
        external_id=uri,
        collection=stem(path),
    )


def _known(encoding: str, fallback: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return fallback


# --- RSS / Atom -------------------------------------------------------------------------------


def read_feed_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """Each entry of an RSS or Atom feed that has content or a summary."""
    import feedparser

    try:
        data, _ = _read_text(path, options)
    except InputError as exc:
        yield Rejection(str(path), exc.message)
        return
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            yield Rejection(str(path), f"not a readable RSS or Atom feed ({problem})")
        else:
            yield Rejection(str(path), "the feed has no entries")
        return
    feed = parsed.get("feed") or {}
    source = (feed.get("title") or "").strip() or None
    language = feed.get("language") or None
    for index, entry in enumerate(entries, 1):
        yield _feed_document(entry, f"{path}#{index}", source, language, path)


def _feed_document(
    entry: Any, origin: str, source: str | None, language: str | None, path: Path
) -> RawDocument | Rejection:
    text = ""
    for content in entry.get("content") or []:
        text = _entry_text(content.get("value") or "", content.get("type") or "")
        if text:
            break
    if not text:
        text = _entry_text(entry.get("summary") or "", _summary_type(entry))
    link = entry.get("link") or None
    if not text:
        what = link or entry.get("id")
        named = f"feed entry {what}" if what else "feed entry"
        return Rejection(origin, f"{named} has no content or summary")
    return RawDocument(
        origin=origin,
        format="feed",
        text=text,
        title=(entry.get("title") or "").strip(),
        url=link,
        source=source,
        published=_entry_date(entry),
        byline=entry.get("author") or None,
        external_id=link or entry.get("id") or None,
        collection=stem(path),
        language=language,
    )


def _summary_type(entry: Any) -> str:
    detail = entry.get("summary_detail") or {}
    return str(detail.get("type") or "text/html")


def _entry_text(value: str, mime: str) -> str:
    if not value.strip():
        return ""
    if "html" in mime:
        return html_to_text(value).strip()
    return value.strip()


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).replace(tzinfo=None)
    return None
