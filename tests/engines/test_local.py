"""The local engine: lazy datasets with Spark's semantics, and finding local input files."""

from __future__ import annotations

import operator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsweave.engines.links import components
from newsweave.engines.local import LocalDataset, LocalEngine
from newsweave.errors import ConfigError
from newsweave.ingest import Rejection


def test_operations() -> None:
    engine = LocalEngine()
    words = engine.parallelize(["tide", "harbour", "tide", "gull", "harbour", "tide"])
    counts = words.map(lambda w: (w, 1)).reduce_by_key(operator.add)
    assert sorted(counts.collect()) == [("gull", 1), ("harbour", 2), ("tide", 3)]
    grouped = words.map(lambda w: (len(w), w)).group_by_key().collect()
    assert sorted((k, sorted(v)) for k, v in grouped) == [
        (4, ["gull", "tide", "tide", "tide"]),
        (7, ["harbour", "harbour"]),
    ]
    lengths = engine.parallelize([("tide", 4), ("gull", 4), ("reef", 4)])
    joined = counts.join(lengths).collect()
    assert sorted(joined) == [("gull", (1, 4)), ("tide", (3, 4))]
    letters = words.flat_map(list).filter(lambda c: c in "aeiou")
    assert letters.count() == 13
    assert sorted(words.union(engine.parallelize(["reef"])).collect())[-1] == "tide"
    assert engine.broadcast({"a": 1}).value == {"a": 1}
    ranked = engine.parallelize(["tide", "gull", "reef"]).ranked(lambda w: w[::-1]).collect()
    assert sorted(ranked) == [(0, "tide"), (1, "reef"), (2, "gull")]  # by "edit", "feer", "llug"


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([], {}),
        ([(3, 1), (4, 5)], {1: 1, 3: 1, 4: 4, 5: 4}),
        ([(5, 4), (2, 4), (9, 8), (8, 2)], {2: 2, 4: 2, 5: 2, 8: 2, 9: 2}),
    ],
)
def test_connected_components(edges: list[tuple[int, int]], expected: dict[int, int]) -> None:
    assert components(edges) == expected


def test_datasets_are_lazy_until_persisted() -> None:
    calls: list[int] = []

    def seen(x: int) -> int:
        calls.append(x)
        return x

    mapped = LocalDataset.of([1, 2, 3]).map(seen)
    assert calls == []  # nothing computed yet
    mapped.collect()
    mapped.collect()
    assert calls == [1, 2, 3, 1, 2, 3]  # recomputed each time, as Spark does
    calls.clear()
    kept = mapped.persist()
    kept.collect()
    kept.count()
    assert calls == [1, 2, 3]


def test_write_parquet_in_row_groups(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("n", pa.int64()), pa.field("tags", pa.list_(pa.string()))])
    rows = LocalDataset.of(list(range(25_001)))
    rows.write_parquet(str(tmp_path / "t"), schema, lambda n: {"n": n, "tags": [str(n % 3)]})
    table = pq.read_table(tmp_path / "t")
    assert table.num_rows == 25_001 and table.schema.equals(schema)
    assert pq.ParquetFile(tmp_path / "t" / "part-00000.parquet").num_row_groups == 3


def test_list_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "b/1.txt", "b/.hidden.txt", "a.html"):
        (tmp_path / name).write_text("Headline\nBody.\n")
    engine = LocalEngine()
    found = engine.list_files(
        [str(tmp_path / "b"), str(tmp_path / "*.html"), str(tmp_path / "nope"), "s3a://bucket/x"],
        include_hidden=False,
    )
    names = [f for f in found if isinstance(f, str)]
    assert names == [str(tmp_path / p) for p in ("b/1.txt", "b/2.txt", "a.html")]
    reasons = {r.origin: r.reason for r in found if isinstance(r, Rejection)}
    assert "no such file" in reasons[str(tmp_path / "nope")]
    assert "--engine spark" in reasons["s3a://bucket/x"]
    with_hidden = engine.list_files([f"file://{tmp_path}/b"], include_hidden=True)
    assert str(tmp_path / "b" / ".hidden.txt") in with_hidden


def test_output_folders(tmp_path: Path) -> None:
    engine = LocalEngine()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ConfigError, match="not the output of a newsweave run"):
        engine.prepare_output(str(tmp_path / "mine"), "run.json")
    assert (tmp_path / "mine" / "thesis.tex").exists()
    with pytest.raises(ConfigError, match="local folders only"):
        engine.prepare_output("s3a://bucket/out", "run.json")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        engine.prepare_output(str(tmp_path / "file"), "run.json")
    out = Path(engine.prepare_output(str(tmp_path / "new" / "out"), "run.json"))
    (out / "run.json").write_text("{}")
    (out / "articles").mkdir()
    assert Path(engine.prepare_output(str(out), "run.json")) == out  # an earlier run: replaced
    assert list(out.iterdir()) == []
