"""Story clustering commands: `cluster` the stored articles, `follow` inputs as they grow."""

from __future__ import annotations

import json
import os
import time

import click

from newsweave.cli.app import cli, db_option, echo_json, json_option, workers_option
from newsweave.cli.corpus import safe
from newsweave.cluster import ClusterOptions
from newsweave.cluster.options import EMBEDDER_CHOICES, GRANULARITIES
from newsweave.cluster.stored import ClusterReport, StoredStories, cluster_stored
from newsweave.errors import NewsweaveError
from newsweave.pipeline import IngestReport, IngestRunOptions, ingest_paths
from newsweave.store import open_store

embedder_option = click.option(
    "--embedder",
    type=click.Choice(EMBEDDER_CHOICES),
    default="none",
    show_default=True,
    help="Semantic similarity besides terms and names: none (the fast path, best measured on "
    "ECB+ and DUC 2003), static, minilm, auto (MiniLM when installed), hashing.",
)

granularity_option = click.option(
    "--granularity",
    type=click.Choice(GRANULARITIES),
    default="event",
    show_default=True,
    help="What one story is: event (two bursts of coverage days apart stay two stories, as "
    "the digest groups them) or topic (follow-ups weeks apart stay together).",
)


@cli.command("cluster")
@db_option
@embedder_option
@granularity_option
@click.option(
    "--incremental",
    is_flag=True,
    help="Keep the stored stories and assign only the articles that are in none of them yet.",
)
@json_option
def cluster_command(
    db: str | None, embedder: str, granularity: str, incremental: bool, as_json: bool
) -> None:
    """Group the stored articles into stories and store them.

    Articles about one event share a story; copies found by `newsweave reuse` always do.  The
    stories replace the stored ones (a story whose articles did not change keeps its summary);
    list them with `newsweave stories`.
    """
    options = ClusterOptions(embedder=embedder, granularity=granularity)
    with open_store(db, create=False) as store:
        if store.count_articles() == 0:
            raise NewsweaveError("the store holds no article: run `newsweave ingest PATH...` first")
        if incremental:
            report = StoredStories(store, options).update()
        else:
            report = cluster_stored(store, options)
        location = store.location
    _show(report, location, as_json)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@embedder_option
@granularity_option
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds to wait between reads of PATHS.",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Stop after this many reads (0: run until interrupted).",
)
@workers_option
@json_option
def follow(
    paths: tuple[str, ...],
    db: str | None,
    embedder: str,
    granularity: str,
    interval: float,
    rounds: int,
    workers: int | None,
    as_json: bool,
) -> None:
    """Read PATHS again and again; each new article joins a stored story or starts one.

    PATHS are read like `newsweave ingest` (folders, feeds, files, globs) every INTERVAL
    seconds; articles already stored are skipped, new ones are stored and assigned to the
    stories incrementally (stories merge when a new article bridges them), and the stories are
    stored after each read.  One line per read (one JSON object per line with --json).
    """
    options = ClusterOptions(embedder=embedder, granularity=granularity)
    ingest_options = IngestRunOptions(workers=workers or os.cpu_count() or 1)
    with open_store(db) as store:
        stories = StoredStories(store, options)
        done = 0
        reported: set[tuple[str, str]] = set()  # rejections are told once, not on every read
        while True:
            ingested = ingest_paths(store, list(paths), ingest_options)
            fresh = [r for r in ingested.skipped if (r.origin, r.reason) not in reported]
            reported.update((r.origin, r.reason) for r in fresh)
            ingested.skipped = fresh
            report = stories.update()
            _show_round(done + 1, ingested, report, store.location, as_json)
            done += 1
            if rounds and done >= rounds:
                break
            time.sleep(interval)


def _show(report: ClusterReport, location: str, as_json: bool) -> None:
    if as_json:
        echo_json({"db": location, **report.to_dict()})
    else:
        click.echo(f"{report.summary()}  (store: {location})")


def _show_round(
    number: int, ingested: IngestReport, report: ClusterReport, location: str, as_json: bool
) -> None:
    if as_json:
        line = {"round": number, "db": location, "ingest": ingested.to_dict(), **report.to_dict()}
        click.echo(json.dumps(line, ensure_ascii=False, default=str))
        return
    click.echo(f"[{time.strftime('%H:%M:%S')}] read {number}: {ingested.summary()}")
    click.echo(f"    {report.summary()}")
    for rejection in ingested.skipped:
        click.echo(f"    skipped {safe(rejection.origin)}: {safe(rejection.reason)}")
