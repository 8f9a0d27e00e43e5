"""Engine commands: ``run`` the whole pipeline (locally or on Spark) into Parquet, ``import`` it."""

from __future__ import annotations

import sys
from typing import Any

import click

from newsweave.clean import CleanOptions
from newsweave.cli.app import cli, db_option, echo_json, json_option
from newsweave.embed import EMBEDDERS
from newsweave.errors import MissingDependencyError, NewsweaveError
from newsweave.ingest import FORMATS, IngestOptions
from newsweave.summarize import SummarizeOptions

ENGINES = ("local", "spark")
STORY_MODES = ("none", "collection", "cluster")  # as engines.plan.STORY_MODES (pyarrow-free)


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where the steps run: this process, or Spark (local[N] or a cluster).",
)
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    required=True,
    metavar="PATH",
    help="Files, folders, globs; with Spark also hdfs://, s3a://, gs://... URIs.  Repeatable.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="DIR",
    help="Folder (or, with Spark, URI) for the Parquet tables and run.json; an earlier "
    "run's output there is replaced.",
)
@click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Spark master (local[2], spark://host:7077, yarn) [default: spark-submit's, else "
    "local[*]].",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    default=None,
    help="Spark partitions per shuffle [default: two per core].",
)
@click.option(
    "--conf",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Spark setting (repeatable), e.g. spark.executor.memory=4g.",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(FORMATS),
    default=None,
    help="Read every file as this format [default: by file suffix].",
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Encoding of files that do not declare one.",
)
@click.option("--include-hidden", is_flag=True, help="Also read dot-files and dot-folders.")
@click.option("--dayfirst", is_flag=True, help="Read ambiguous numeric dates day first.")
@click.option("--keep-boilerplate", is_flag=True, help="Keep share/subscribe/related lines.")
@click.option(
    "--reuse/--no-reuse",
    default=True,
    show_default=True,
    help="Find the text articles copied or reworded from each other (reuse_links table).",
)
@click.option(
    "--stories",
    type=click.Choice(STORY_MODES),
    default="cluster",
    show_default=True,
    help="How articles become stories (then summaries and quotes): by the cluster stage, one "
    "story per input collection (MDS cluster, folder, JSONL cluster label), or not at all.",
)
@click.option(
    "--summaries/--no-summaries",
    default=True,
    show_default=True,
    help="Summarize each story and find its quotes (--no-summaries: the stories table only).",
)
@click.option(
    "--embedder",
    type=click.Choice(EMBEDDERS),
    default="static",
    show_default=True,
    help="Sentence embedder of the summaries (minilm: best, ~250 sentences/s; static: fast).",
)
@click.option(
    "--words",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Word budget of each story's summary.",
)
@json_option
def run(
    engine: str,
    inputs: tuple[str, ...],
    output: str,
    master: str | None,
    partitions: int | None,
    settings: tuple[str, ...],
    input_format: str | None,
    encoding: str,
    include_hidden: bool,
    dayfirst: bool,
    keep_boilerplate: bool,
    reuse: bool,
    stories: str,
    summaries: bool,
    embedder: str,
    words: int,
    as_json: bool,
) -> None:
    """Run every step on the inputs and write the results as Parquet tables.

    The same steps run in this process (--engine local) or on Spark (--engine spark), with the
    same results.  Load the output into a store with `newsweave import`.
    """
    try:
        from newsweave.engines.plan import RunOptions
        from newsweave.engines.plan import run as run_plan
        from newsweave.reuse import ReuseOptions
    except ImportError as exc:
        raise MissingDependencyError("newsweave run (pyarrow)", "spark") from exc
    if engine == "local" and (master or partitions or settings):
        raise click.UsageError("--master, --partitions and --conf apply to --engine spark")
    options = RunOptions(
        ingest=IngestOptions(encoding=encoding, format=input_format, include_hidden=include_hidden),
        clean=CleanOptions(dayfirst=dayfirst, boilerplate=not keep_boilerplate),
        reuse=ReuseOptions() if reuse else None,
        stories=stories,
        summaries=summaries,
        summarize=SummarizeOptions(words=words, embedder=embedder),
    )
    runner = _engine(engine, master, partitions, dict(_setting(s) for s in settings))
    try:
        report = run_plan(
            runner, list(inputs), output, options, progress=None if as_json else _progress
        )
    finally:
        runner.close()
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(f"{report.summary()}  ({report.seconds:.1f} s, {engine})")
    click.echo(
        f"wrote {', '.join(f'{k} {v}' for k, v in report.tables.items())} to {report.output}"
    )
    if report.articles == 0:
        raise NewsweaveError(
            "no article could be read from "
            + ", ".join(inputs)
            + " (see rejections/ in the output)"
        )


def _progress(table: str) -> None:
    click.echo(f"writing {table}…", err=True)


def _setting(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--conf")
    return key.strip(), value.strip()


def _engine(name: str, master: str | None, partitions: int | None, settings: dict[str, str]) -> Any:
    if name == "local":
        from newsweave.engines.local import LocalEngine

        return LocalEngine()
    from newsweave.engines.spark import SparkEngine

    click.echo("starting Spark…", err=True) if sys.stderr.isatty() else None
    return SparkEngine(master, partitions=partitions, settings=settings)


@cli.command(name="import")
@click.argument("directory", metavar="DIR")
@db_option
@json_option
def import_run(directory: str, db: str | None, as_json: bool) -> None:
    """Load the Parquet output of `newsweave run` (DIR) into a store, for `serve` and the rest.

    Articles already stored are kept; links, stories, summaries, quotes and entities of the
    imported articles replace what the store had for them.
    """
    try:
        from newsweave.engines.load import import_run as load
    except ImportError as exc:
        raise MissingDependencyError("newsweave import (pyarrow)", "spark") from exc
    from newsweave.store import open_store

    with open_store(db) as store:
        report = load(directory, store)
        location = store.location
    if as_json:
        echo_json({"db": location, **report.to_dict()})
    else:
        click.echo(f"{report.summary()}  (store: {location})")
