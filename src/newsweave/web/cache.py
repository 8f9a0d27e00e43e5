"""Rendered pages kept in memory until the store changes: many readers, one render.

A newsroom reads the same few stories many times between two pipeline runs, and a large story
page costs tens of milliseconds to build.  :class:`PageCache` keeps rendered responses (HTML and
JSON alike) keyed by the request's path and query, up to a byte budget, least recently used
first out.  Each entry belongs to a *generation*; the app reports the store's
:meth:`~newsweave.store.Store.data_version` before every request (read through one connection,
so that successive versions compare), and a new version starts a new generation and empties
the cache: a ``newsweave digest`` run in another process shows on the next request.  A page
built from data older than the current generation is never kept.

Every cached response carries an ``ETag``; a browser revalidating with ``If-None-Match`` gets
``304 Not Modified`` without a body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["DEFAULT_BUDGET_BYTES", "PageCache"]

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    generation: int
    body: bytes
    media_type: str
    etag: str


class PageCache:
    """Responses by request key, valid while the store's data version stays the same."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        if budget_bytes < 0:
            raise ValueError(f"the cache budget must be 0 (off) or more bytes, not {budget_bytes}")
        self.budget = budget_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._generation = 0
        self._version: int | None = None  # the data version of the current generation
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    @property
    def size(self) -> int:
        """Bytes of the responses held."""
        return self._size

    @staticmethod
    def key(request: Request) -> str:
        return request.url.path + "?" + request.url.query

    def generation(self, version: int) -> int:
        """The generation for the store's data ``version``; a new version empties the cache."""
        with self._lock:
            if version != self._version:
                self._version = version
                self._generation += 1
                self._entries.clear()
                self._size = 0
            return self._generation

    def get(self, key: str, generation: int) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.generation != generation:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, generation: int, response: Response) -> Entry | None:
        """Keep a successful ``response`` built for ``generation``; None when it is not kept."""
        if response.status_code != 200 or not isinstance(response.body, bytes):
            return None
        body = bytes(response.body)
        entry = Entry(
            generation,
            body,
            response.media_type or "text/html",
            '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
        )
        if len(body) > self.budget:
            return entry  # served with its ETag, not kept
        with self._lock:
            if generation != self._generation:  # the data changed while it was built
                return entry
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += len(body)
            while self._size > self.budget:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)
        return entry

    @staticmethod
    def reply(request: Request, entry: Entry) -> Response:
        """The entry as a response, or 304 when the browser already holds this version."""
        if request.headers.get("if-none-match") == entry.etag:
            return Response(status_code=304, headers={"etag": entry.etag})
        return Response(entry.body, media_type=entry.media_type, headers={"etag": entry.etag})
