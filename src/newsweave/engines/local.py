"""The local engine: a run plan executed in this process, one item at a time.

Datasets are lazy like Spark's: ``map``, ``flat_map`` and ``filter`` chain generators, and the
items are computed when a shuffle (``reduce_by_key``, ``group_by_key``, ``join``), ``persist``,
``collect`` or a write needs them; ``persist`` keeps them in a list.  Only local files are read.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from newsweave.errors import ConfigError
from newsweave.ingest import IngestOptions, Rejection
from newsweave.ingest.files import expand_paths

__all__ = ["LocalDataset", "LocalEngine", "empty_local_output"]

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
W = TypeVar("W")

ROWS_PER_GROUP = 10_000  # rows per Parquet row group written at a time (bounds memory)
PART_FILE = "part-00000.parquet"


class _Value(Generic[T]):
    def __init__(self, value: T) -> None:
        self._value = value

    @property
    def value(self) -> T:
        return self._value


class LocalDataset(Generic[T]):
    """Items computed on demand by ``source``, a function returning a fresh iterator; or, once
    persisted, kept in a list."""

    def __init__(self, source: Callable[[], Iterator[T]]) -> None:
        self._source = source
        self._kept: list[T] | None = None

    @classmethod
    def of(cls, items: list[T]) -> LocalDataset[T]:
        return cls(lambda: iter(items))

    def __iter__(self) -> Iterator[T]:
        return iter(self._kept) if self._kept is not None else self._source()

    def map(self, f: Callable[[T], U]) -> LocalDataset[U]:
        return LocalDataset(lambda: map(f, self))

    def flat_map(self, f: Callable[[T], Iterable[U]]) -> LocalDataset[U]:
        return LocalDataset(lambda: itertools.chain.from_iterable(map(f, self)))

    def filter(self, f: Callable[[T], bool]) -> LocalDataset[T]:
        return LocalDataset(lambda: filter(f, self))

    def union(self, other: LocalDataset[T]) -> LocalDataset[T]:
        return LocalDataset(lambda: itertools.chain(self, other))

    def reduce_by_key(
        self: LocalDataset[tuple[K, V]], f: Callable[[V, V], V]
    ) -> LocalDataset[tuple[K, V]]:
        reduced: dict[K, V] = {}
        for key, value in self:
            reduced[key] = f(reduced[key], value) if key in reduced else value
        return LocalDataset.of(list(reduced.items()))

    def group_by_key(self: LocalDataset[tuple[K, V]]) -> LocalDataset[tuple[K, list[V]]]:
        groups: dict[K, list[V]] = defaultdict(list)
        for key, value in self:
            groups[key].append(value)
        return LocalDataset.of(list(groups.items()))

    def join(
        self: LocalDataset[tuple[K, V]], other: LocalDataset[tuple[K, W]]
    ) -> LocalDataset[tuple[K, tuple[V, W]]]:
        index: dict[K, list[W]] = defaultdict(list)
        for key, w in other:
            index[key].append(w)
        joined = [(key, (v, w)) for key, v in self for w in index.get(key, ())]
        return LocalDataset.of(joined)

    def ranked(self, key: Callable[[T], Any]) -> LocalDataset[tuple[int, T]]:
        return LocalDataset.of(list(enumerate(sorted(self, key=key))))

    def persist(self) -> LocalDataset[T]:
        kept: LocalDataset[T] = LocalDataset(self._source)
        kept._kept = list(self)
        return kept

    def unpersist(self) -> None:
        self._kept = None

    def repartition(self, partitions: int) -> LocalDataset[T]:
        return self

    def count(self) -> int:
        return sum(1 for _ in self)

    def collect(self) -> list[T]:
        return list(self)

    def write_parquet(
        self, path: str, schema: pa.Schema, to_row: Callable[[T], dict[str, Any]]
    ) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.parquet"):
            stale.unlink()
        rows = map(to_row, self)
        with pq.ParquetWriter(folder / PART_FILE, schema) as writer:
            while chunk := list(itertools.islice(rows, ROWS_PER_GROUP)):
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))


class LocalEngine:
    """Runs a plan in this process (see the module docstring)."""

    name = "local"

    @property
    def parallelism(self) -> int:
        return 1

    def parallelize(self, items: Iterable[T], partitions: int | None = None) -> LocalDataset[T]:
        return LocalDataset.of(list(items))

    def broadcast(self, value: T) -> _Value[T]:
        return _Value(value)

    def list_files(self, inputs: Sequence[str], *, include_hidden: bool) -> list[str | Rejection]:
        found: list[str | Rejection] = []
        for given in inputs:
            if "://" in given and not given.startswith("file://"):
                scheme = given.split("://", 1)[0]
                found.append(
                    Rejection(
                        given,
                        f"the local engine reads local files only; read {scheme}:// inputs "
                        "with --engine spark",
                    )
                )
                continue
            local = given.removeprefix("file://")
            options = IngestOptions(include_hidden=include_hidden)
            found.extend(
                item if isinstance(item, Rejection) else os.fspath(item)
                for item in expand_paths([local], options)
            )
        return found

    def read_files(
        self, files: Sequence[str], read: Callable[[int, str, Path], Iterable[T]]
    ) -> LocalDataset[T]:
        listed = list(files)
        return LocalDataset(
            lambda: itertools.chain.from_iterable(
                read(index, name, Path(name)) for index, name in enumerate(listed)
            )
        )

    def prepare_output(self, output: str, manifest: str) -> str:
        if "://" in output and not output.startswith("file://"):
            raise ConfigError(
                f"run: the local engine writes to local folders only, not {output}; "
                "use --engine spark to write to a remote file system"
            )
        folder = Path(output.removeprefix("file://")).expanduser().resolve()
        empty_local_output(folder, manifest)
        return str(folder)

    def write_text(self, path: str, text: str) -> None:
        Path(path).write_text(text, encoding="utf-8")

    def close(self) -> None:
        pass


def empty_local_output(folder: Path, manifest: str) -> None:
    """Create ``folder``, or empty it if it holds an earlier run (it has ``manifest``)."""
    if folder.exists():
        if not folder.is_dir():
            raise ConfigError(f"run: {folder} is a file; --output wants a folder")
        if any(folder.iterdir()) and not (folder / manifest).exists():
            raise ConfigError(
                f"run: {folder} holds files that are not the output of a newsweave run "
                f"(no {manifest}); choose a new or empty folder"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
