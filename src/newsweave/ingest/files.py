"""Finding input files, opening them (gzip included), spotting binary data and decoding text."""

from __future__ import annotations

import codecs
import glob
import gzip
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from newsweave.errors import InputError
from newsweave.ingest.records import IngestOptions, Rejection

__all__ = [
    "GZIP_ERRORS",
    "binary_reason",
    "decode",
    "expand_paths",
    "open_binary",
    "read_bytes",
    "read_text",
    "stem",
    "suffix",
]

# Errors a damaged gzip stream raises while it is read.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)

# How many leading bytes are checked for signs of a binary file.
SNIFF_BYTES = 8192
# A text with more than this share of control characters (other than tab, CR, LF, FF) in its
# first SNIFF_BYTES is binary: real text files have none; 5% tolerates a few stray bytes.
MAX_CONTROL_SHARE = 0.05

# File signatures of formats people drop into an input folder by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (also .docx, .xlsx, .epub)"),
    (b"\x1f\x8b", "gzip-compressed data without a .gz suffix"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office document"),
)
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_GLOB_CHARS = re.compile(r"[*?\[]")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""")


def expand_paths(paths: Iterable[str | Path], options: IngestOptions) -> Iterator[Path | Rejection]:
    """Every file named by ``paths``: files as given, folders walked recursively, globs matched.

    Files come out in sorted order within each folder; nothing is listed ahead of need beyond
    one folder's entries.  A path that names nothing becomes a :class:`Rejection`.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, options)
        elif path.is_file():
            yield path
        elif _GLOB_CHARS.search(str(given)):
            matches = sorted(glob.iglob(str(given), recursive=True))
            if not matches:
                yield Rejection(str(given), "no file matches this pattern")
            for match in matches:
                found = Path(match)
                if found.is_dir():
                    yield from _walk(found, options)
                elif found.is_file():
                    yield found
        else:
            yield Rejection(str(given), "no such file or directory")


def _walk(folder: Path, options: IngestOptions) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if options.include_hidden or not d.startswith("."))
        for name in sorted(files):
            if options.include_hidden or not name.startswith("."):
                yield Path(root) / name


def suffix(path: Path) -> tuple[str, bool]:
    """The format suffix of ``path`` (lower case, ``.gz`` looked through) and whether gzipped."""
    name = path.name.lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    return os.path.splitext(name)[1], gzipped


def stem(path: Path) -> str:
    """The file name without its format suffix and any ``.gz``: ``001_abc`` for 001_abc.txt.gz."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[0]


def open_binary(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes, decompressed on the fly when it ends in ``.gz``."""
    if path.name.lower().endswith(".gz"):
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def read_bytes(path: Path, options: IngestOptions) -> bytes:
    """The whole content of ``path`` (decompressed), refusing files over ``max_bytes``."""
    try:
        with open_binary(path) as stream:
            data = stream.read(options.max_bytes + 1)
    except GZIP_ERRORS as exc:
        raise InputError(f"truncated or corrupt gzip file ({exc})", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from exc
    if len(data) > options.max_bytes:
        raise InputError(
            f"file is larger than max_bytes={options.max_bytes:,}; split it or raise the limit",
            path=str(path),
        )
    return data


def read_text(path: Path, options: IngestOptions, *, declared: bool = False) -> tuple[bytes, str]:
    """The bytes of ``path`` and their text; binary data and undecodable bytes are errors.

    With ``declared``, an encoding the content names (``<meta charset>``, ``<?xml encoding``)
    wins over ``options.encoding``.
    """
    data = read_bytes(path, options)
    why = binary_reason(data)
    if why:
        raise InputError(why, path=str(path))
    encoding = (declared_encoding(data) if declared else None) or options.encoding
    return data, decode(data, encoding, where=str(path))


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (a known file signature, NUL or control bytes), or None."""
    head = data[:SNIFF_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"this is {what}, not text"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text: NUL bytes are expected
    if b"\x00" in head:
        return "contains NUL bytes: a binary file, not text"
    if head:
        controls = sum(1 for byte in head if byte in _CONTROL)
        if controls > MAX_CONTROL_SHARE * len(head):
            return f"{controls} control bytes in the first {len(head)}: a binary file, not text"
    return None


def declared_encoding(data: bytes) -> str | None:
    """The encoding an HTML ``<meta charset>`` or an XML declaration names, if it is known."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, encoding: str, *, where: str) -> str:
    """``data`` as text.  A byte-order mark wins over ``encoding``; bad bytes are an error."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start:,} "
            "cannot be decoded; convert the file to UTF-8 or give its encoding",
            path=where,
        ) from exc
