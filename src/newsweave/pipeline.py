"""The pipeline runner: the one place where stages are chained with I/O (files in, store out).

:func:`ingest_paths` reads files, cleans and segments each article, and stores them in
batches of ``batch_size``, one transaction per batch.  A killed run keeps every batch it
committed; running it again stores the rest and counts what was there as *already stored*.
Per-record problems (an empty file, a broken JSON line, an HTML page with no article) are
counted as skipped with their reason and never stop the run.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.pool import Pool
from typing import Any, TypeVar

from newsweave.clean import CleanOptions, clean
from newsweave.errors import ConfigError
from newsweave.ingest import IngestOptions, RawDocument, Rejection, read
from newsweave.model import Article, Sentence
from newsweave.segment import SegmentOptions, segment_article
from newsweave.store import Store

__all__ = ["IngestReport", "IngestRunOptions", "ingest_paths"]

log = logging.getLogger(__name__)

# Articles per transaction.  Larger batches write faster (fewer commits, ~2 ms each in WAL
# mode) but lose more work when a run is killed; 500 clean news articles are ~1.5 MB of text.
DEFAULT_BATCH_SIZE = 500
# Work items per worker per batch handed to the process pool: small enough to balance the load
# of uneven articles, large enough that pickling overhead stays low.
CHUNKS_PER_WORKER = 4

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IngestRunOptions:
    """Options of an ingest run: one per stage, and the size of a stored batch."""

    ingest: IngestOptions | None = None
    clean: CleanOptions | None = None
    segment: SegmentOptions | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 1  # processes splitting sentences (pysbd is most of the cost); 1 = this one

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ConfigError(f"ingest: batch_size must be at least 1, not {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"ingest: workers must be at least 1, not {self.workers}")


@dataclass(slots=True)
class IngestReport:
    """The tally of an ingest run; updated as the run goes, so progress can show it."""

    read: int = 0  # records read: documents and records rejected by the reader
    new: int = 0  # articles stored by this run
    already_stored: int = 0  # articles found in the store already (the same id)
    skipped: list[Rejection] = field(default_factory=list)  # each with its origin and reason
    batches: int = 0  # transactions committed

    @property
    def stored(self) -> int:
        """Articles the store now holds from this input: new plus already stored."""
        return self.new + self.already_stored

    def summary(self) -> str:
        return (
            f"read {self.read}: {self.new} new, {self.already_stored} already stored, "
            f"{len(self.skipped)} skipped"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "new": self.new,
            "already_stored": self.already_stored,
            "skipped": [{"origin": r.origin, "reason": r.reason} for r in self.skipped],
            "batches": self.batches,
        }


Progress = Callable[[IngestReport], None]
# An item after sentence splitting: the article (or rejection), its sentences, or the reason
# the splitter failed on it.
Outcome = tuple[Article | Rejection, list[Sentence] | None, str | None]


def ingest_paths(
    store: Store,
    paths: Sequence[str],
    options: IngestRunOptions | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, clean, segment and store every article under ``paths`` (files, folders, globs).

    ``progress`` is called with the running report after each record and each stored batch.
    With ``options.workers > 1`` sentences are split in that many worker processes, a batch at
    a time, while this process cleans the next batch and stores the last; the stored result is
    the same as with one process.
    """
    options = options or IngestRunOptions()
    report = IngestReport()

    def counted(items: Iterable[RawDocument | Rejection]) -> Iterator[RawDocument | Rejection]:
        for item in items:
            report.read += 1
            yield item

    batch: list[tuple[Article, list[Sentence]]] = []

    def flush() -> None:
        if not batch:
            return
        pending = list(batch)
        batch.clear()
        result = store.add_articles(pending)
        report.new += len(result.new)
        report.already_stored += len(result.existing)
        report.batches += 1
        log.debug("batch %d stored: %s", report.batches, report.summary())
        if progress is not None:
            progress(report)

    cleaned = clean(counted(read(paths, options.ingest)), options.clean)
    try:
        for outcomes in _split_all(cleaned, options):
            for item, sentences, failure in outcomes:
                if isinstance(item, Rejection):
                    log.info("skipped %s: %s", item.origin, item.reason)
                    report.skipped.append(item)
                elif sentences is None:
                    where = item.origin or item.id
                    report.skipped.append(Rejection(where, f"sentence splitting failed: {failure}"))
                else:
                    batch.append((item, sentences))
                    if len(batch) >= options.batch_size:
                        flush()
                if progress is not None:
                    progress(report)
    except Exception:
        flush()  # keep what was split before the failure, then report the failure
        raise
    flush()
    return report


def _split(item: Article | Rejection, options: SegmentOptions | None) -> Outcome:
    """An item with its sentences; a splitter failure is returned, not raised."""
    if isinstance(item, Rejection):
        return item, None, None
    try:
        return item, segment_article(item, options), None
    except Exception as exc:  # one odd text must not stop a run of thousands
        log.warning("sentence splitting failed on %s", item.origin or item.id, exc_info=True)
        return item, None, str(exc) or type(exc).__name__


def _split_all(
    items: Iterator[Article | Rejection], options: IngestRunOptions
) -> Iterator[list[Outcome]]:
    """Split every item: here, one at a time, or in worker processes, a batch at a time."""
    split = partial(_split, options=options.segment)
    if options.workers == 1:
        for item in items:
            yield [split(item)]
        return
    chunks = _chunks(items, options.batch_size)
    first = next(chunks, [])
    second = next(chunks, None)
    if second is None:  # at most one batch: starting workers would cost more than it saves
        for item in first:
            yield [split(item)]
        return
    with _pool(options.workers) as pool:
        pending = pool.map_async(split, first, _chunksize(first, options.workers))
        for chunk in itertools.chain([second], chunks):
            following = pool.map_async(split, chunk, _chunksize(chunk, options.workers))
            yield pending.get()
            pending = following
        yield pending.get()


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _chunksize(chunk: Sequence[object], workers: int) -> int:
    return max(1, len(chunk) // (workers * CHUNKS_PER_WORKER))


def _pool(workers: int) -> Pool:
    # forkserver (spawn where there is none) rather than fork: the CLI runs a progress-bar
    # thread, and forking a process with threads can deadlock the child.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return context.Pool(workers, initializer=_ignore_interrupts)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
