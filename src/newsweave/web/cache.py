"""Rendered pages kept in memory until the store changes: many readers, one render.

A newsroom reads the same few stories many times between two pipeline runs, and a large story
page costs tens of milliseconds to build.  :class:`PageCache` keeps rendered responses (HTML and
JSON alike) keyed by the request's path and query, up to a byte budget, least recently used
first out.  It is emptied whenever the store's :meth:`~newsweave.store.Store.data_version`
changes: before each request the cache asks ``probe`` (one store, read from one thread, so
that successive versions compare) whether the data changed, so a ``newsweave digest`` run in
another process shows on the next request.

Every cached response carries an ``ETag``; a browser revalidating with ``If-None-Match`` gets
``304 Not Modified`` without a body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from newsweave.store import Store

__all__ = ["PageCache"]

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: int
    body: bytes
    media_type: str
    etag: str


class PageCache:
    """Responses by request, valid while the store's data version stays the same."""

    def __init__(self, probe: Callable[[], int], budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        if budget_bytes < 0:
            raise ValueError(f"the cache budget must be 0 (off) or more bytes, not {budget_bytes}")
        self.budget = budget_bytes
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._size = 0
        self._generation = 0
        self._lock = threading.Lock()
        self._probe = probe
        self._version: int | None = None  # the data version the cached pages were built from
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    def _current(self) -> int:
        """The generation valid now, after asking the probe whether the data changed."""
        version = self._probe()
        with self._lock:
            if version != self._version:
                self._version = version
                self._generation += 1
                self._entries.clear()
                self._size = 0
            return self._generation

    def respond(
        self, request: Request, store: Store, build: Callable[[Store], Response]
    ) -> Response:
        """The cached response to ``request`` if still valid, else ``build(store)`` (cached when
        it is a 200).  Either way, a matching ``If-None-Match`` gets a 304."""
        if not self.enabled:
            return build(store)
        generation = self._current()
        key = request.url.path + "?" + request.url.query
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.generation == generation:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                entry = None
                self.misses += 1
        if entry is None:
            response = build(store)
            if response.status_code != 200 or not isinstance(response.body, bytes):
                return response
            body = bytes(response.body)
            entry = _Entry(
                generation,
                body,
                response.media_type or "text/html",
                '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
            )
            self._put(key, entry)
        if request.headers.get("if-none-match") == entry.etag:
            return Response(status_code=304, headers={"etag": entry.etag})
        return Response(entry.body, media_type=entry.media_type, headers={"etag": entry.etag})

    def _put(self, key: str, entry: _Entry) -> None:
        size = len(entry.body)
        if size > self.budget:
            return
        with self._lock:
            if entry.generation != self._generation:  # the data changed while it was built
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += size
            while self._size > self.budget:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)
