"""The Spark engine (local[2]) runs the same plan as the local engine, with the same results.

One Spark run of the demo corpus serves every test here (a Spark job costs seconds).  Part of
the corpus is given as ``file://`` URIs, so it takes the path of any Hadoop file system
(listed through Hadoop's FileSystem API, fetched by ``binaryFiles``, read from a temporary
copy); the rest as local paths.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from newsweave.engines.load import read_table
from newsweave.engines.local import LocalEngine
from newsweave.engines.plan import RunReport, run
from newsweave.engines.spark import LOCAL_HEAP_MB, is_hadoop_uri, local_heap, spark_type
from newsweave.engines.tables import TABLES, arrow_schema
from tests.engines.test_plan import FULL_OPTIONS, read_run
from tests.support import DEMO

pytestmark = pytest.mark.spark

URI_INPUTS = [f"file://{DEMO}/*.html", f"file://{DEMO}/crawl-2025-03.warc.gz"]
PATH_INPUTS = [
    str(DEMO / "*.txt"),
    str(DEMO / "*.jsonl"),
    str(DEMO / "*.rss"),
    str(DEMO / "*.atom"),
]
MISSING = "file:///no/such/folder"


@pytest.fixture(scope="module")
def runs(spark_engine: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("runs")
    inputs = [*URI_INPUTS, *PATH_INPUTS, MISSING]
    spark_report = run(spark_engine, inputs, str(folder / "spark"), FULL_OPTIONS)
    local_report = run(LocalEngine(), [str(DEMO)], str(folder / "local"), FULL_OPTIONS)
    return {
        "spark": (spark_report, *read_run(folder / "spark")),
        "local": (local_report, *read_run(folder / "local")),
        "folder": folder,
    }


def local_name(origin: str) -> str:
    """An origin as the local engine names it: ``file:/x/y.html`` is ``/x/y.html``."""
    return (
        origin.removeprefix("file:")
        if origin.startswith("file:/") and origin != MISSING
        else origin
    )


def test_the_same_articles_and_sentences(runs: dict[str, Any]) -> None:
    _, spark_articles, spark_sentences, _ = runs["spark"]
    _, local_articles, local_sentences, _ = runs["local"]
    assert set(spark_articles) == set(local_articles) and len(local_articles) >= 25
    for article_id, article in spark_articles.items():
        assert (
            replace(article, origin=local_name(article.origin or "")) == local_articles[article_id]
        )
    assert spark_sentences == local_sentences


@pytest.mark.parametrize("name", ["reuse_links", "stories", "summaries", "quotes", "entities"])
def test_the_same_links_stories_summaries_and_quotes(runs: dict[str, Any], name: str) -> None:
    folder = Path(runs["folder"])
    spark_rows, local_rows = (read_table(folder / engine, name) for engine in ("spark", "local"))
    assert spark_rows is not None and local_rows is not None
    as_set = [
        {json.dumps(r, sort_keys=True) for r in t.to_pylist()} for t in (spark_rows, local_rows)
    ]
    assert as_set[0] == as_set[1] and as_set[0]


def test_remote_files_keep_their_uri_as_origin(runs: dict[str, Any]) -> None:
    _, spark_articles, _, spark_rejections = runs["spark"]
    origins = sorted(a.origin for a in spark_articles.values())
    assert any(o.startswith("file:/") and ".html" in o for o in origins)
    assert any(o.startswith("file:/") and ".warc.gz#" in o for o in origins)
    assert any(o.startswith(str(DEMO)) for o in origins)  # local paths stay paths
    assert not any("newsweave-" in o for o in origins)  # no temporary copy shows
    reasons = {r["origin"]: r["reason"] for r in spark_rejections}
    assert reasons[MISSING] == "no such file or directory"


def test_the_same_rejections_and_counts(runs: dict[str, Any]) -> None:
    spark_report: RunReport = runs["spark"][0]
    local_report: RunReport = runs["local"][0]
    spark_rejections = {(local_name(r["origin"]), r["reason"], r["step"]) for r in runs["spark"][3]}
    local_rejections = {(r["origin"], r["reason"], r["step"]) for r in runs["local"][3]}
    assert spark_rejections - local_rejections == {(MISSING, "no such file or directory", "read")}
    assert local_rejections <= spark_rejections
    for field in ("articles", "sentences", "duplicates", "records"):
        assert getattr(spark_report, field) == getattr(local_report, field), field
    manifest = json.loads((Path(runs["folder"]) / "spark" / "run.json").read_text())
    assert manifest["engine"] == "spark" and manifest["status"] == "done"


def test_spark_writes_the_tables_schema(runs: dict[str, Any]) -> None:
    import pyarrow.dataset as ds

    for name in sorted(TABLES):
        written = ds.dataset(Path(runs["folder"]) / "spark" / name, format="parquet").schema
        expected = arrow_schema(name)
        assert written.names == expected.names, name
        for field in expected:
            assert written.field(field.name).type == field.type, (name, field.name)


def test_a_local_run_gets_a_heap_sized_to_the_machine(spark_engine: Any) -> None:
    # Spark's default 1 GB heap ran out at 100,000 articles; the JVM must have been started with
    # the share of memory local_heap() computes (the conftest passes no spark.driver.memory).
    wanted = local_heap()
    assert spark_engine.context.getConf().get("spark.driver.memory") == wanted
    heap = spark_engine.context._jvm.java.lang.Runtime.getRuntime().maxMemory()
    assert heap > 0.8 * int(wanted.removesuffix("m")) * 2**20


# --- no session needed ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_has_a_spark_schema(name: str) -> None:
    pytest.importorskip("pyspark")
    schema = arrow_schema(name)
    for field in schema:
        assert spark_type(field.type) is not None
    assert spark_type(pa.list_(pa.string())).simpleString() == "array<string>"


@pytest.mark.parametrize(
    ("name", "hadoop"),
    [
        ("hdfs://nn:8020/crawl", True),
        ("s3a://bucket/news/*.warc.gz", True),
        ("file:/tmp/x", True),
        ("/tmp/x", False),
        ("C:/data", False),
        ("relative/dir", False),
    ],
)
def test_is_hadoop_uri(name: str, hadoop: bool) -> None:
    assert is_hadoop_uri(name) is hadoop


@pytest.mark.parametrize(
    ("total_gb", "heap"),
    [(24, "6144m"), (8, "2048m"), (2, f"{LOCAL_HEAP_MB[0]}m"), (256, f"{LOCAL_HEAP_MB[1]}m")],
)
def test_local_heap_is_a_bounded_share_of_memory(total_gb: int, heap: str) -> None:
    assert local_heap(total_gb * 2**30) == heap
