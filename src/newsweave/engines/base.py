"""The engine protocol: the few data-parallel operations a run plan is written in.

A plan (:mod:`newsweave.engines.plan`) is written once against :class:`Engine` and
:class:`Dataset`; :class:`~newsweave.engines.local.LocalEngine` runs it in this process over
lists, :class:`~newsweave.engines.spark.SparkEngine` over Spark RDDs.  The operations only move,
partition, join and group items: every function given to them is a plain Python function that
calls the stage code, so the two engines compute the same thing by construction.

Rules a plan keeps so that both engines give the same answer byte for byte:

* functions passed to the operations are pure and picklable (module-level functions or
  :func:`functools.partial` of them), and never depend on the order items arrive in;
* :meth:`Dataset.group_by_key` gives the values of a key in no particular order: a function
  that cares sorts them first;
* :meth:`Dataset.collect` returns items in no particular order: the plan sorts what it keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import pyarrow as pa

from newsweave.ingest import Rejection

__all__ = ["Broadcast", "Dataset", "Engine", "K", "T", "U", "V"]

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
W = TypeVar("W")
T_co = TypeVar("T_co", covariant=True)


class Broadcast(Protocol, Generic[T_co]):
    """A read-only value shipped once to every worker."""

    @property
    def value(self) -> T_co: ...


class Dataset(Protocol, Generic[T]):
    """A distributed collection of items of one type."""

    def map(self, f: Callable[[T], U]) -> Dataset[U]: ...

    def flat_map(self, f: Callable[[T], Iterable[U]]) -> Dataset[U]: ...

    def filter(self, f: Callable[[T], bool]) -> Dataset[T]: ...

    def union(self, other: Dataset[T]) -> Dataset[T]: ...

    def reduce_by_key(self: Dataset[tuple[K, V]], f: Callable[[V, V], V]) -> Dataset[tuple[K, V]]:
        """One item per key: its values combined with ``f`` (associative and commutative)."""
        ...

    def group_by_key(self: Dataset[tuple[K, V]]) -> Dataset[tuple[K, list[V]]]:
        """One item per key with all its values, in no particular order."""
        ...

    def join(
        self: Dataset[tuple[K, V]], other: Dataset[tuple[K, W]]
    ) -> Dataset[tuple[K, tuple[V, W]]]:
        """Inner join on the key: one item per matching pair of values."""
        ...

    def ranked(self, key: Callable[[T], Any]) -> Dataset[tuple[int, T]]:
        """Each item with its rank (0, 1, ...) in the order of ``key`` (a sort: one shuffle);
        ``key`` must tell every two items apart."""
        ...

    def persist(self) -> Dataset[T]:
        """Keep the items once computed: the dataset is read more than once."""
        ...

    def unpersist(self) -> None:
        """Free what :meth:`persist` kept (the dataset is computed again if read again)."""
        ...

    def repartition(self, partitions: int) -> Dataset[T]:
        """Spread the items evenly over ``partitions`` partitions (a shuffle)."""
        ...

    def count(self) -> int: ...

    def collect(self) -> list[T]:
        """Every item, in this process, in no particular order."""
        ...

    def write_parquet(
        self, path: str, schema: pa.Schema, to_row: Callable[[T], dict[str, Any]]
    ) -> None:
        """Write the items as a Parquet dataset (a folder of part files) at ``path``."""
        ...


class Engine(Protocol):
    """Where a plan runs: makes datasets and broadcasts, and knows the input files."""

    name: str

    @property
    def parallelism(self) -> int:
        """How many items a stage can process at once (partitions worth having)."""
        ...

    def parallelize(self, items: Iterable[T], partitions: int | None = None) -> Dataset[T]: ...

    def broadcast(self, value: T) -> Broadcast[T]: ...

    def list_files(self, inputs: Sequence[str], *, include_hidden: bool) -> list[str | Rejection]:
        """Every file under ``inputs`` (paths, folders walked recursively, glob patterns), sorted
        within each input, as the user would name it (a path, or a URI); an input that names
        nothing is a :class:`~newsweave.ingest.Rejection`.  Names starting with a dot are left
        out unless ``include_hidden``."""
        ...

    def read_files(
        self, files: Sequence[str], read: Callable[[int, str, Path], Iterable[T]]
    ) -> Dataset[T]:
        """``read(index, name, local_path)`` for each of ``files`` (as :meth:`list_files` names
        them): ``local_path`` is a file ``read`` can open with the same name (for a file on a
        remote file system, a temporary copy)."""
        ...

    def prepare_output(self, output: str, manifest: str) -> str:
        """Make ``output`` ready for a run and return it as the engine writes to it: created,
        or emptied if it holds an earlier run (it has ``manifest``); a folder that holds
        anything else is refused with a ConfigError."""
        ...

    def write_text(self, path: str, text: str) -> None:
        """Write a small text file (the manifest) where the tables go."""
        ...

    def close(self) -> None: ...
