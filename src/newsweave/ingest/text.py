"""Plain-text articles: the first non-empty line is the headline, the rest is the body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsweave.errors import InputError
from newsweave.ingest.files import read_text, stem
from newsweave.ingest.records import IngestOptions, RawDocument, Rejection

__all__ = ["read_text_file"]


def read_text_file(path: Path, options: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """One article from a ``.txt`` file (the format of ``shared/data/seeds``)."""
    origin = str(path)
    try:
        data, text = read_text(path, options)
    except InputError as exc:
        yield Rejection(origin, exc.message)
        return
    if not text.strip():
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
    yield RawDocument(
        origin=origin,
        format="txt",
        text=body,
        title=head.strip(),
        external_id=stem(path),
        collection=path.parent.name or None,
    )
