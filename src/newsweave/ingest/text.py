"""Plain-text articles: the first non-empty line is the headline, the rest is the body.

A file may open with a front-matter block that gives what plain text cannot carry::

    ---
    outlet: Aven Gazette
    url: https://www.avengazette.example/news/dockers-ready
    date: 2025-03-03 12:30
    ---
    'We've had enough': Aven dockers ready to walk out
    ...

Its fields are those of a JSON record (``title, url, date, source, author, id, lang`` and
their synonyms, ``outlet`` included); the body still comes after the block.  A block that is
never closed, a line that is not ``field: value`` or an unknown field rejects the file; a
``---`` line above an ordinary headline is not a block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from newsweave.errors import InputError
from newsweave.ingest.files import read_text, stem
from newsweave.ingest.jsonl import METADATA_FIELDS, metadata
from newsweave.ingest.records import IngestOptions, RawDocument, Rejection

__all__ = ["read_text_file"]

_FENCE = "---"
# A front-matter block longer than this is a file that happens to start with "---".
_MAX_FRONT_MATTER_LINES = 40
_FIELD_LINE = re.compile(r"\s*[A-Za-z_]+\s*:")


def read_text_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """One article from a ``.txt`` file (the format of ``shared/data/seeds``)."""
    origin = str(path)
    try:
        data, text = read_text(path, options)
        fields, text = _front_matter(text.lstrip())
    except InputError as exc:
        yield Rejection(origin, exc.message)
        return
    if not text.strip():
        if fields:
            yield Rejection(origin, "the file holds front matter but no article after it")
        else:
            yield Rejection(origin, "empty file" if not data else "the file holds only blank space")
        return
    head, _, body = text.lstrip().partition("\n")
    if not body.strip():
        yield Rejection(
            origin,
            f"the file is a single line of {len(head):,} characters; a .txt article is a "
            "headline line followed by the body",
        )
        return
    meta = metadata(fields)
    yield RawDocument(
        origin=origin,
        format="txt",
        text=body,
        title=meta.pop("title", "") or head.strip(),
        external_id=meta.pop("external_id", "") or stem(path),
        collection=meta.pop("collection", "") or path.parent.name or None,
        **meta,
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """The ``field: value`` pairs of a leading ``---`` block, and the text after it."""
    lines = text.split("\n")
    first_field = next((line for line in lines[1:] if line.strip()), "")
    if lines[0].strip() != _FENCE or not _FIELD_LINE.match(first_field):
        # No block; a "---" rule above an ordinary headline is dropped.
        return {}, "\n".join(lines[1:]) if lines[0].strip() == _FENCE else text
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1 : _MAX_FRONT_MATTER_LINES + 1], start=2):
        if line.strip() == _FENCE:
            return fields, "\n".join(lines[number:])
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name:
            raise InputError(
                f"front matter line {number}: expected 'field: value' or the closing "
                f"{_FENCE!r}, got {line.strip()[:60]!r}"
            )
        if name not in METADATA_FIELDS:
            raise InputError(
                f"front matter line {number}: unknown field {name!r}; known fields: "
                + ", ".join(sorted(METADATA_FIELDS))
            )
        if name in fields:
            raise InputError(f"front matter line {number}: field {name!r} given twice")
        fields[name] = value.strip()
    raise InputError(
        f"the file opens a front-matter block with {_FENCE!r} but does not close it within "
        f"{_MAX_FRONT_MATTER_LINES} lines"
    )
