"""The run plan: newsweave's stages as explicit steps over an engine's datasets, and :func:`run`.

==========  =====================================================  ===========================
step        what it does (per item: :mod:`newsweave.engines.steps`)  shuffles
==========  =====================================================  ===========================
read        list the input files; read each file's records          none (files spread over
                                                                    tasks; one large file is
                                                                    repartitioned: 1)
clean       clean pass 1 per document; count repeated lines per     2 small (line counts,
            outlet over all documents; clean pass 2 per document    docs per outlet) + collect
dedupe      one article per id (the first read)                     1 (by article id)
segment     sentences per article                                   none
==========  =====================================================  ===========================

Each step reads the datasets of the steps before it and adds its own to :class:`RunData`;
:func:`run` writes every dataset as a Parquet table (:mod:`newsweave.engines.tables`) and a
``run.json`` manifest.  Reuse, story clustering, summaries and quotes plug in as further steps
once their stages offer the per-item functions the plan needs (see the README).
"""

from __future__ import annotations

import json
import logging
import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from newsweave import __version__
from newsweave.clean import CleanOptions
from newsweave.engines import steps
from newsweave.engines.base import Dataset, Engine
from newsweave.engines.steps import Order, Rejected, RepeatCounts
from newsweave.engines.tables import SCHEMA_VERSION, arrow_schema, rejection_row, to_row
from newsweave.errors import ConfigError
from newsweave.ingest import IngestOptions, Rejection
from newsweave.model import Article, Sentence
from newsweave.segment import SegmentOptions

__all__ = ["STEPS", "RunData", "RunOptions", "RunReport", "plan", "run"]

log = logging.getLogger(__name__)

STEPS = ("read", "clean", "dedupe", "segment")
MANIFEST = "run.json"


@dataclass(frozen=True)
class RunOptions:
    """Options of a run: one per stage, and how finely the engine splits the work."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    segment: SegmentOptions | None = None

    def __post_init__(self) -> None:
        for name, kind in (("ingest", IngestOptions), ("clean", CleanOptions)):
            if not isinstance(getattr(self, name), kind):
                raise ConfigError(f"run: {name} must be a {kind.__name__}")
        if self.segment is not None and not isinstance(self.segment, SegmentOptions):
            raise ConfigError("run: segment must be a SegmentOptions or None")

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingest": asdict(self.ingest),
            "clean": asdict(self.clean),
            "segment": asdict(self.segment) if self.segment else None,
        }


@dataclass
class RunData:
    """The datasets of a run, filled step by step."""

    files: list[str] = field(default_factory=list)
    # every input that did not become an article, with the step that turned it down
    rejections: list[Dataset[Rejected]] = field(default_factory=list)
    records: Dataset[tuple[Order, Any]] | None = None
    articles: Dataset[tuple[Article, list[Sentence]]] | None = None
    # counters each step adds to ("records", 1), ("duplicates", n)...: summed in one pass
    stats: list[Dataset[tuple[str, int]]] = field(default_factory=list)


@dataclass(slots=True)
class RunReport:
    """What a run read and wrote; saved as the output's ``run.json``."""

    engine: str
    inputs: list[str]
    output: str
    files: int = 0
    records: int = 0
    articles: int = 0
    sentences: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # per step
    tables: dict[str, int] = field(default_factory=dict)  # rows per written table
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "newsweave": __version__,
            "schema_version": SCHEMA_VERSION,
            "engine": self.engine,
            "inputs": self.inputs,
            "output": self.output,
            "steps": self.steps,
            "files": self.files,
            "records": self.records,
            "articles": self.articles,
            "sentences": self.sentences,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "tables": self.tables,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        return (
            f"{self.files} files, {self.records} records: {self.articles} articles "
            f"({self.sentences} sentences), {self.duplicates} duplicates, {rejected} rejected"
        )


# --- the steps --------------------------------------------------------------------------------


def _rejected(item: tuple[Order, Any]) -> list[Rejected]:
    return [item[1]] if isinstance(item[1], Rejected) else []


def step_read(engine: Engine, data: RunData, inputs: Sequence[str], options: RunOptions) -> None:
    listed = engine.list_files(inputs, include_hidden=options.ingest.include_hidden)
    data.files = [f for f in listed if isinstance(f, str)]
    missing = [Rejected("read", r) for r in listed if isinstance(r, Rejection)]
    data.rejections.append(engine.parallelize(missing))
    records = engine.read_files(data.files, partial(steps.read, options=options.ingest))
    if len(data.files) < engine.parallelism:  # few large files: spread their records
        records = records.repartition(engine.parallelism)
    data.records = records


def step_clean(engine: Engine, data: RunData, options: RunOptions) -> Dataset[Any]:
    assert data.records is not None
    prepared = data.records.map(partial(steps.prepare, options=options.clean)).persist()
    data.stats.append(prepared.map(partial(_one, "records")))
    counts = RepeatCounts({}, {})
    if steps.repeats_on(options.clean):
        # One job: identical bodies of an outlet counted once, then articles per outlet and
        # per (outlet, line); only lines in enough articles to be repeats come back.
        tallies = (
            prepared.flat_map(steps.lines)
            .reduce_by_key(_first)
            .flat_map(_tallies)
            .reduce_by_key(operator.add)
            .filter(partial(_worth_keeping, options.clean.repeat_min_docs))
            .collect()
        )
        docs = {outlet: n for (kind, outlet, _), n in tallies if kind == "docs"}
        lines = {(outlet, line): n for (kind, outlet, line), n in tallies if kind == "line"}
        counts = RepeatCounts(docs, lines)
        log.info("clean: %d outlets, %d lines repeated across articles", len(docs), len(lines))
    shared = engine.broadcast(counts)
    cleaned = prepared.map(partial(_finish, counts=shared, options=options.clean)).persist()
    data.rejections.append(cleaned.flat_map(_rejected))
    return cleaned


def _one(name: str, item: object) -> tuple[str, int]:
    return name, 1


def _first(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return min(a, b)  # the same body twice has the same lines: any one will do


Tally = tuple[str, str, int]  # ("docs", outlet, 0) or ("line", outlet, line hash)


def _tallies(item: tuple[tuple[str, str], tuple[int, ...]]) -> list[tuple[Tally, int]]:
    (outlet, _), lines = item
    return [(("docs", outlet, 0), 1), *((("line", outlet, line), 1) for line in lines)]


def _worth_keeping(minimum: int, item: tuple[Tally, int]) -> bool:
    return item[0][0] == "docs" or item[1] >= minimum


def _finish(item: Any, counts: Any, options: CleanOptions) -> tuple[Order, Article | Rejected]:
    return steps.finish(item, counts.value, options)


def step_dedupe(
    data: RunData, cleaned: Dataset[tuple[Order, Article | Rejected]]
) -> Dataset[Article]:
    # Two copies of one article (the same file read twice, a record repeated) have one id:
    # keep the first read, as the store keeps the first stored, and count the others.
    first = cleaned.flat_map(_keyed_article).reduce_by_key(_earliest).persist()
    data.stats.append(first.map(_extra_copies))
    return first.map(_article_of)


Copies = tuple[Order, Article, int]  # the first copy read, and how many were read


def _keyed_article(item: tuple[Order, Article | Rejected]) -> list[tuple[str, Copies]]:
    order, article = item
    return [] if isinstance(article, Rejected) else [(article.id, (order, article, 1))]


def _earliest(a: Copies, b: Copies) -> Copies:
    first = a if a[0] <= b[0] else b
    return first[0], first[1], a[2] + b[2]


def _extra_copies(item: tuple[str, Copies]) -> tuple[str, int]:
    return "duplicates", item[1][2] - 1


def _article_of(item: tuple[str, Copies]) -> Article:
    return item[1][1]


def step_segment(data: RunData, articles: Dataset[Article], options: RunOptions) -> None:
    segmented = articles.map(partial(steps.segment, options=options.segment)).persist()
    data.rejections.append(segmented.flat_map(_segment_rejection))
    data.articles = segmented.flat_map(_segmented)


def _segment_rejection(item: Any) -> list[Rejected]:
    return [item] if isinstance(item, Rejected) else []


def _segmented(item: Any) -> list[tuple[Article, list[Sentence]]]:
    return [] if isinstance(item, Rejected) else [item]


def plan(engine: Engine, inputs: Sequence[str], options: RunOptions) -> RunData:
    """Every step of a run, as datasets of ``engine`` (nothing is computed yet)."""
    data = RunData()
    step_read(engine, data, inputs, options)
    cleaned = step_clean(engine, data, options)
    articles = step_dedupe(data, cleaned)
    step_segment(data, articles, options)
    return data


# --- writing a run ----------------------------------------------------------------------------


def _article_row(item: tuple[Article, list[Sentence]]) -> dict[str, Any]:
    return to_row(item[0])


def _sentences(item: tuple[Article, list[Sentence]]) -> list[Sentence]:
    return item[1]


def _rejection_row(item: Rejected) -> dict[str, Any]:
    return rejection_row(item.rejection, item.step)


def run(
    engine: Engine,
    inputs: Sequence[str],
    output: str,
    options: RunOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunReport:
    """Run every step on ``inputs`` and write the tables and ``run.json`` under ``output``.

    ``output`` is a local folder or (Spark) any URI Spark writes to; an earlier run's output
    there is replaced, anything else is refused.  ``progress`` is told each table as it is
    written.  The report's ``output`` is the folder as written to (made absolute).
    """
    if not inputs:
        raise ConfigError("run: no input given; name files, folders, globs or URIs")
    options = options or RunOptions()
    started = time.perf_counter()
    output = engine.prepare_output(output, MANIFEST)
    report = RunReport(engine=engine.name, inputs=list(inputs), output=output, steps=list(STEPS))
    running = {"status": "running", **report.to_dict()}  # a killed run is still recognised
    engine.write_text(f"{output.rstrip('/')}/{MANIFEST}", json.dumps(running, indent=2) + "\n")
    data = plan(engine, inputs, options)
    assert data.articles is not None
    report.files = len(data.files)

    def write(name: str, dataset: Dataset[Any], to: Callable[[Any], dict[str, Any]]) -> None:
        if progress is not None:
            progress(name)
        dataset.write_parquet(f"{output.rstrip('/')}/{name}", arrow_schema(name), to)

    articles = data.articles.persist()
    write("articles", articles, _article_row)
    write("sentences", articles.flat_map(_sentences), to_row)
    rejections = data.rejections[0]
    for more in data.rejections[1:]:
        rejections = rejections.union(more)
    write("rejections", rejections, _rejection_row)

    stats = articles.flat_map(_sizes).union(rejections.map(_step_one))
    for more_stats in data.stats:
        stats = stats.union(more_stats)
    totals = dict(stats.reduce_by_key(operator.add).collect())
    report.articles = totals.get("articles", 0)
    report.sentences = totals.get("sentences", 0)
    report.records = totals.get("records", 0)
    report.duplicates = totals.get("duplicates", 0)
    report.rejected = {
        k.removeprefix("rejected:"): n
        for k, n in sorted(totals.items())
        if k.startswith("rejected:")
    }
    report.tables = {
        "articles": report.articles,
        "sentences": report.sentences,
        "rejections": sum(report.rejected.values()),
    }
    report.seconds = time.perf_counter() - started
    manifest = json.dumps({"status": "done", **report.to_dict()}, indent=2, ensure_ascii=False)
    manifest += "\n"
    engine.write_text(f"{output.rstrip('/')}/{MANIFEST}", manifest)
    return report


def _sizes(item: tuple[Article, list[Sentence]]) -> list[tuple[str, int]]:
    return [("articles", 1), ("sentences", len(item[1]))]


def _step_one(item: Rejected) -> tuple[str, int]:
    return f"rejected:{item.step}", 1
