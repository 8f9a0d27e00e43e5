"""The Spark engine: a run plan executed over Spark RDDs, locally (``local[N]``) or on a cluster.

Inputs may be local paths (read by the executors where they are: in local mode, or with a file
system mounted at the same path on every node) or URIs of any Hadoop-compatible file system
(``hdfs://``, ``s3a://``, ``gs://``, ``abfs://``, ``file://``): those are listed through Hadoop's
``FileSystem`` API on the driver and read whole by one task each (``binaryFiles``), from a
temporary copy, so that the ingest code reads them as it reads local files.  Parquet is written
by Spark itself, so outputs go wherever Spark can write.

Without ``master`` the session takes what ``spark-submit`` (or ``spark-defaults.conf``) says,
and ``local[*]`` when run outside ``spark-submit``.  In local mode the driver binds to loopback
and the workers run this Python interpreter.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

import pyarrow as pa

from newsweave.engines.local import LocalEngine, empty_local_output
from newsweave.errors import ConfigError, MissingDependencyError
from newsweave.ingest import Rejection

__all__ = ["SparkDataset", "SparkEngine", "is_hadoop_uri", "spark_type"]

log = logging.getLogger(__name__)

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
W = TypeVar("W")

PARTITIONS_PER_CORE = 2  # default partitions of a shuffle: a few per core balances uneven items
LOCAL_SETTINGS = {
    # In local mode the driver talks to its executors over loopback only.
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}
# In local mode one JVM is driver and executor, and Spark's default heap (1 GB) holds every
# cached partition and shuffle buffer: 100,000 generated articles ran out of it while reading a
# spilled partition back.  Local runs take this share of the machine's memory instead (at least
# 1 GB, at most 16 GB); ``--conf spark.driver.memory=...`` still decides.
LOCAL_HEAP_SHARE = 0.25
LOCAL_HEAP_MB = (1024, 16 * 1024)
SETTINGS = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.parquet.compression.codec": "snappy",
}


def local_heap(total_bytes: int | None = None) -> str:
    """The driver heap of a local run: a share of the machine's memory, as Spark writes sizes."""
    if total_bytes is None:
        try:
            total_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (AttributeError, OSError, ValueError):  # no sysconf: Spark's own default
            total_bytes = 0
    low, high = LOCAL_HEAP_MB
    return f"{min(high, max(low, int(total_bytes * LOCAL_HEAP_SHARE) // 2**20))}m"


def is_hadoop_uri(name: str) -> bool:
    """Whether ``name`` is a URI for Hadoop's file systems (``scheme://...``, ``file:/...``)."""
    head = name.split(":", 1)[0]
    return ":" in name and len(head) > 1 and head.replace("+", "").isalnum()


def spark_type(arrow: pa.DataType) -> Any:
    """The Spark SQL type of an Arrow type (the ones :mod:`.tables` uses)."""
    from pyspark.sql import types as st

    if pa.types.is_string(arrow):
        return st.StringType()
    if pa.types.is_int64(arrow):
        return st.LongType()
    if pa.types.is_int32(arrow):
        return st.IntegerType()
    if pa.types.is_float64(arrow):
        return st.DoubleType()
    if pa.types.is_boolean(arrow):
        return st.BooleanType()
    if pa.types.is_timestamp(arrow):
        return st.TimestampType()
    if pa.types.is_list(arrow):
        return st.ArrayType(spark_type(arrow.value_type), containsNull=True)
    if pa.types.is_struct(arrow):
        return st.StructType(
            [
                st.StructField(f.name, spark_type(f.type), nullable=f.nullable)
                for f in (arrow.field(i) for i in range(arrow.num_fields))
            ]
        )
    raise ConfigError(f"no Spark type for {arrow}")  # pragma: no cover


class _Value(Generic[T]):
    """A Spark broadcast, typed."""

    def __init__(self, broadcast: Any) -> None:
        self._broadcast = broadcast

    @property
    def value(self) -> T:
        return self._broadcast.value  # type: ignore[no-any-return]


class SparkDataset(Generic[T]):
    """A typed view of an RDD (see :class:`newsweave.engines.base.Dataset`)."""

    def __init__(self, engine: SparkEngine, rdd: Any) -> None:
        self._engine = engine
        self.rdd = rdd

    def _wrap(self, rdd: Any) -> SparkDataset[Any]:
        return SparkDataset(self._engine, rdd)

    def map(self, f: Callable[[T], U]) -> SparkDataset[U]:
        return self._wrap(self.rdd.map(f))

    def flat_map(self, f: Callable[[T], Iterable[U]]) -> SparkDataset[U]:
        return self._wrap(self.rdd.flatMap(f))

    def filter(self, f: Callable[[T], bool]) -> SparkDataset[T]:
        return self._wrap(self.rdd.filter(f))

    def union(self, other: SparkDataset[T]) -> SparkDataset[T]:
        return self._wrap(self.rdd.union(other.rdd))

    def reduce_by_key(
        self: SparkDataset[tuple[K, V]], f: Callable[[V, V], V]
    ) -> SparkDataset[tuple[K, V]]:
        return self._wrap(self.rdd.reduceByKey(f, numPartitions=self._engine.partitions))

    def group_by_key(self: SparkDataset[tuple[K, V]]) -> SparkDataset[tuple[K, list[V]]]:
        grouped = self.rdd.groupByKey(numPartitions=self._engine.partitions)
        return self._wrap(grouped.mapValues(list))

    def join(
        self: SparkDataset[tuple[K, V]], other: SparkDataset[tuple[K, W]]
    ) -> SparkDataset[tuple[K, tuple[V, W]]]:
        return self._wrap(self.rdd.join(other.rdd, numPartitions=self._engine.partitions))

    def ranked(self, key: Callable[[T], Any]) -> SparkDataset[tuple[int, T]]:
        ordered = self.rdd.sortBy(key, numPartitions=self._engine.partitions)
        return self._wrap(ordered.zipWithIndex().map(_rank_first))

    def persist(self) -> SparkDataset[T]:
        from pyspark import StorageLevel

        return self._wrap(self.rdd.persist(StorageLevel.MEMORY_AND_DISK))

    def unpersist(self) -> None:
        self.rdd.unpersist()

    def repartition(self, partitions: int) -> SparkDataset[T]:
        return self._wrap(self.rdd.repartition(partitions))

    def count(self) -> int:
        return int(self.rdd.count())

    def collect(self) -> list[T]:
        return list(self.rdd.collect())

    def write_parquet(
        self, path: str, schema: pa.Schema, to_row: Callable[[T], dict[str, Any]]
    ) -> None:
        from pyspark.sql import types as st

        spark_schema = st.StructType(
            [st.StructField(f.name, spark_type(f.type), nullable=f.nullable) for f in schema]
        )
        # The rows are built from the same schema (tables.py), so Spark need not check each.
        frame = self._engine.session.createDataFrame(
            self.rdd.map(to_row), schema=spark_schema, verifySchema=False
        )
        frame.write.mode("overwrite").parquet(path)


class SparkEngine:
    """Runs a plan on Spark (see the module docstring)."""

    name = "spark"

    def __init__(
        self,
        master: str | None = None,
        *,
        partitions: int | None = None,
        settings: dict[str, str] | None = None,
        app_name: str = "newsweave",
    ) -> None:
        try:
            from pyspark import SparkConf, SparkContext
            from pyspark.serializers import PickleSerializer
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise MissingDependencyError("the Spark engine (pyspark)", "spark") from exc
        conf = SparkConf().setAppName(app_name)
        # Under spark-submit the master (and everything else) comes from its configuration;
        # run directly, without a master, newsweave uses every local core.
        submitted = "PYSPARK_GATEWAY_PORT" in os.environ
        master = master or (None if submitted else "local[*]")
        local = master is not None and master.startswith("local")
        if master is not None:
            conf.setMaster(master)
        if local:
            # The executors must import newsweave: in local mode they run this interpreter.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            conf.setAll(list(LOCAL_SETTINGS.items()))
            conf.set("spark.driver.memory", local_heap())
        conf.setAll(list({**SETTINGS, **(settings or {})}.items()))
        # Rows travel with the standard pickler: every row is made of importable classes, and
        # PySpark's default for rows (cloudpickle) runs Python code for every object it writes.
        # Functions still travel with cloudpickle (PySpark pickles them apart from the rows).
        context = SparkContext._active_spark_context or SparkContext(
            conf=conf, serializer=PickleSerializer()
        )
        self.session = SparkSession(context)
        self.context = context
        self.context.setLogLevel("WARN")
        cores = int(self.context.defaultParallelism)
        self.partitions = partitions or max(2, PARTITIONS_PER_CORE * cores)
        if self.partitions < 1:
            raise ConfigError(f"spark: partitions must be at least 1, not {partitions}")
        log.info(
            "spark: master %s, %d partitions per shuffle", self.context.master, self.partitions
        )

    @property
    def parallelism(self) -> int:
        return self.partitions

    def parallelize(self, items: Iterable[T], partitions: int | None = None) -> SparkDataset[T]:
        data = list(items)
        slices = max(1, min(len(data), partitions or self.partitions))
        return SparkDataset(self, self.context.parallelize(data, slices))

    def broadcast(self, value: T) -> _Value[T]:
        return _Value(self.context.broadcast(value))

    def list_files(self, inputs: Sequence[str], *, include_hidden: bool) -> list[str | Rejection]:
        found: list[str | Rejection] = []
        for given in inputs:
            if is_hadoop_uri(given):
                found.extend(self._list_hadoop(given, include_hidden))
            else:
                found.extend(LocalEngine().list_files([given], include_hidden=include_hidden))
        return found

    def _list_hadoop(self, uri: str, include_hidden: bool) -> list[str | Rejection]:
        try:
            path, fs = self._hadoop_path(uri)
            statuses = fs.globStatus(path)
        except Exception as exc:  # py4j wraps Java exceptions (no such scheme, no access, ...)
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            return [Rejection(uri, f"cannot list it: {message}")]
        if statuses is None or len(statuses) == 0:
            glob = any(ch in uri for ch in "*?[{")
            reason = "no file matches this pattern" if glob else "no such file or directory"
            return [Rejection(uri, reason)]
        files: list[str] = []
        for status in statuses:
            if not status.isDirectory():
                files.append(status.getPath().toString())
                continue
            root = status.getPath().toString().rstrip("/")
            listing = fs.listFiles(status.getPath(), True)
            below: list[str] = []
            while listing.hasNext():
                name = listing.next().getPath().toString()
                parts = PurePosixPath(name[len(root) :]).parts
                if include_hidden or not any(p.startswith(".") for p in parts):
                    below.append(name)
            files.extend(sorted(below))
        return list(files)

    def read_files(
        self, files: Sequence[str], read: Callable[[int, str, Path], Iterable[T]]
    ) -> SparkDataset[T]:
        indexed = list(enumerate(files))
        local = [(i, name) for i, name in indexed if not is_hadoop_uri(name)]
        remote = {name: i for i, name in indexed if is_hadoop_uri(name)}
        parts: list[SparkDataset[T]] = []
        if local:
            rdd = self.context.parallelize(local, max(1, min(len(local), self.partitions)))
            parts.append(SparkDataset(self, rdd.flatMap(partial(_read_local, read=read))))
        if remote:
            contents = self.context.binaryFiles(
                ",".join(remote), minPartitions=min(len(remote), self.partitions)
            )
            indexes = self.context.broadcast(remote)
            reader = partial(_read_remote, read=read, indexes=indexes)
            parts.append(SparkDataset(self, contents.flatMap(reader)))
        if not parts:
            return SparkDataset(self, self.context.emptyRDD())
        out = parts[0]
        for part in parts[1:]:
            out = out.union(part)
        return out

    def _hadoop_path(self, uri: str) -> tuple[Any, Any]:
        jvm = self.context._jvm  # py4j: how PySpark reaches Hadoop's FileSystem API
        assert jvm is not None  # a live context has its gateway
        path = jvm.org.apache.hadoop.fs.Path(uri)
        return path, path.getFileSystem(self.context._jsc.hadoopConfiguration())

    def prepare_output(self, output: str, manifest: str) -> str:
        if not is_hadoop_uri(output):
            folder = Path(output).expanduser().resolve()
            empty_local_output(folder, manifest)
            return str(folder)
        path, fs = self._hadoop_path(output)
        if fs.exists(path):
            if not fs.getFileStatus(path).isDirectory():
                raise ConfigError(f"run: {output} is a file; --output wants a folder")
            has_files = len(fs.listStatus(path)) > 0
            manifest_path, _ = self._hadoop_path(f"{output.rstrip('/')}/{manifest}")
            if has_files and not fs.exists(manifest_path):
                raise ConfigError(
                    f"run: {output} holds files that are not the output of a newsweave run "
                    f"(no {manifest}); choose a new or empty folder"
                )
            fs.delete(path, True)
        fs.mkdirs(path)
        return output

    def write_text(self, path: str, text: str) -> None:
        if not is_hadoop_uri(path):
            Path(path).write_text(text, encoding="utf-8")
            return
        jpath, fs = self._hadoop_path(path)
        stream = fs.create(jpath, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def close(self) -> None:
        self.session.stop()


def _rank_first(item: tuple[T, int]) -> tuple[int, T]:
    return item[1], item[0]


def _read_local(
    item: tuple[int, str], read: Callable[[int, str, Path], Iterable[T]]
) -> Iterable[T]:
    index, name = item
    return read(index, name, Path(name))


def _read_remote(
    item: tuple[str, bytes], read: Callable[[int, str, Path], Iterable[T]], indexes: Any
) -> Iterator[T]:
    """Read a file fetched by ``binaryFiles`` from a temporary copy named like it."""
    uri, data = item
    remote = PurePosixPath(uri.split(":", 1)[1])
    with tempfile.TemporaryDirectory(prefix="newsweave-") as tmp:
        folder = Path(tmp) / (remote.parent.name or "input")
        folder.mkdir()
        copy = folder / remote.name
        copy.write_bytes(data)
        del data
        yield from read(indexes.value[uri], uri, copy)
