"""Fixtures of the engine tests: one Spark session for the whole run (starting one takes many
seconds), skipped with the reason when pyspark or Java is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

SPARK_PARTITIONS = 2  # two tasks per stage on local[2]: enough to shuffle across, fewest tasks


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[object]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (a JRE 17 or later) on PATH")
    from newsweave.engines.spark import SparkEngine

    engine = SparkEngine(
        "local[2]",
        partitions=SPARK_PARTITIONS,
        settings={"spark.sql.shuffle.partitions": str(SPARK_PARTITIONS)},
        app_name="newsweave-tests",
    )
    try:
        yield engine
    finally:
        engine.close()
