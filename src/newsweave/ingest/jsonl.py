"""JSON Lines and JSON: article records, and the evaluation formats of ``shared/data``.

One record per line (``.jsonl``), or a ``.json`` file holding one record or an array of them.
A record gives ``text`` or ``html`` and optionally ``id, title, url, date, source, author,
lang``; a few common synonyms are accepted (``body``/``content``, ``link``, ``published``,
``publisher``, ``byline``, ``language``).  Two evaluation formats are recognised:

* a multi-document cluster ``{"id", "docs": [{...}, ...]}`` gives one document per entry of
  ``docs``, each with ``collection`` = the cluster id;
* a clustering article ``{..., "cluster": "..."}`` gets ``collection`` = its cluster label.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.ingest.files import GZIP_ERRORS, decode, iter_lines, read_text, stem
from newsweave.ingest.records import IngestOptions, RawDocument, Rejection

__all__ = [
    "METADATA_FIELDS",
    "metadata",
    "read_json_file",
    "read_jsonl_file",
    "records_from_object",
]

log = logging.getLogger(__name__)

# Field names looked up, in order, for each RawDocument field.
_TEXT_FIELDS = ("text", "body", "content", "maintext", "article")
_HTML_FIELDS = ("html", "raw_html")
_TITLE_FIELDS = ("title", "headline")
_URL_FIELDS = ("url", "link", "canonical_url")
_DATE_FIELDS = ("date", "published", "date_publish", "publish_date", "published_at", "datetime")
_SOURCE_FIELDS = ("source", "publisher", "outlet", "site", "sitename", "source_domain")
_BYLINE_FIELDS = ("author", "byline", "authors")
_ID_FIELDS = ("id", "doc_id", "docid", "article_id")
_COLLECTION_FIELDS = ("cluster", "collection", "story")
_LANGUAGE_FIELDS = ("lang", "language")

# What a record may say about an article besides its body, by RawDocument field.
_METADATA = {
    "title": _TITLE_FIELDS,
    "url": _URL_FIELDS,
    "published": _DATE_FIELDS,
    "source": _SOURCE_FIELDS,
    "byline": _BYLINE_FIELDS,
    "external_id": _ID_FIELDS,
    "collection": _COLLECTION_FIELDS,
    "language": _LANGUAGE_FIELDS,
}
# Every field name (synonyms included) that carries metadata.
METADATA_FIELDS = frozenset(name for names in _METADATA.values() for name in names)


def read_jsonl_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """Records of a JSON Lines file, streamed line by line; bad lines are rejected, not fatal."""
    lineno = 0
    records = 0
    try:
        for lineno, raw in enumerate(iter_lines(path, options.max_bytes), 1):
            origin = f"{path}:{lineno}"
            if raw is None:
                yield Rejection(origin, f"line is longer than max_bytes={options.max_bytes:,}")
                continue
            if raw.strip():
                records += 1
                yield from _parse_line(raw, origin, options)
    except GZIP_ERRORS as exc:
        yield Rejection(
            f"{path}:{lineno + 1}",
            f"truncated or corrupt gzip file ({exc}); the {lineno:,} lines before it were read",
        )
        return
    except OSError as exc:
        yield Rejection(str(path), f"cannot read the file ({exc.strerror or exc})")
        return
    if records == 0:
        yield Rejection(
            str(path), "empty file" if lineno == 0 else "the file holds only blank lines"
        )


def _parse_line(
    raw: bytes, origin: str, options: IngestOptions
) -> Iterator[RawDocument | Rejection]:
    try:
        line = decode(raw, options.encoding, where=origin)
    except InputError as exc:
        if b"\x00" in raw:
            yield Rejection(origin, "contains NUL bytes: binary data, not a JSON line")
        else:
            yield Rejection(origin, exc.message)
        return
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Rejection(origin, f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    yield from records_from_object(obj, origin)


def read_json_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """Records of a ``.json`` file: one object, an array of objects, or JSON Lines after all."""
    origin = str(path)
    try:
        _, text = read_text(path, options)
    except InputError as exc:
        yield Rejection(origin, exc.message)
        return
    if not text.strip():
        yield Rejection(origin, "empty file")
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several values, one per line: it is JSON Lines
            yield from read_jsonl_file(path, options)
        else:
            yield Rejection(
                origin, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            )
        return
    if isinstance(obj, list):
        for index, item in enumerate(obj, 1):
            yield from records_from_object(item, f"{origin}#{index}")
    else:
        yield from records_from_object(obj, origin, default_id=stem(path))


def records_from_object(
    obj: Any, origin: str, *, default_id: str | None = None
) -> Iterator[RawDocument | Rejection]:
    """The documents of one decoded JSON value: an article record or a cluster of them."""
    if not isinstance(obj, dict):
        yield Rejection(origin, f"expected a JSON object, found {_json_type(obj)}")
        return
    docs = obj.get("docs")
    if isinstance(docs, list):
        cluster = _string(obj, _ID_FIELDS)
        for index, doc in enumerate(docs, 1):
            where = f"{origin}#{index}"
            if isinstance(doc, dict):
                yield _record(doc, where, collection=cluster)
            else:
                yield Rejection(where, f"expected a document object, found {_json_type(doc)}")
        if not docs:
            yield Rejection(origin, "the cluster's 'docs' list is empty")
        return
    yield _record(obj, origin, default_id=default_id)


def _record(
    rec: Mapping[str, Any],
    origin: str,
    *,
    collection: str | None = None,
    default_id: str | None = None,
) -> RawDocument | Rejection:
    try:
        text = _string(rec, _TEXT_FIELDS, strict=True)
        html = _string(rec, _HTML_FIELDS, strict=True)
    except InputError as exc:
        return Rejection(origin, exc.message)
    if not (text and text.strip()) and not (html and html.strip()):
        fields = ", ".join(sorted(map(str, rec))) or "none"
        return Rejection(
            origin,
            f"record has no text: expected a non-empty 'text' or 'html' field (fields: {fields})",
        )
    meta = metadata(rec)
    stated_collection = meta.pop("collection", None)
    return RawDocument(
        origin=origin,
        format="json",
        text=text if text and text.strip() else None,
        html=html if not (text and text.strip()) else None,
        title=meta.pop("title", ""),
        external_id=meta.pop("external_id", None) or default_id,
        collection=collection or stated_collection,
        **meta,
    )


def metadata(rec: Mapping[str, Any]) -> dict[str, str]:
    """The RawDocument metadata fields a record gives, by RawDocument field name."""
    found = {
        field: _SPECIAL_READERS[field](rec) if field in _SPECIAL_READERS else _string(rec, names)
        for field, names in _METADATA.items()
    }
    return {field: value for field, value in found.items() if value}


def _string(rec: Mapping[str, Any], names: tuple[str, ...], *, strict: bool = False) -> str | None:
    """The first present field of ``names`` as a string (numbers converted), or None."""
    for name in names:
        value = rec.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if strict:
            raise InputError(f"field {name!r} is {_json_type(value)}, expected a string")
        log.debug("ignoring field %r of type %s", name, type(value).__name__)
    return None


def _source(rec: Mapping[str, Any]) -> str | None:
    for name in _SOURCE_FIELDS:
        value = rec.get(name)
        if isinstance(value, dict):  # {"id": "bbc-news", "name": "BBC News"} as news APIs give
            value = value.get("name") or value.get("id")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _byline(rec: Mapping[str, Any]) -> str | None:
    for name in _BYLINE_FIELDS:
        value = rec.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v).strip() for v in value if str(v).strip())
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# Metadata fields read by more than a plain string lookup.
_SPECIAL_READERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "source": _source,
    "byline": _byline,
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
