"""Digest commands: `digest` articles into cited stories, list `stories`, show a `story`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from newsweave.cli.app import (
    cli,
    db_option,
    echo_json,
    json_option,
    progress_option,
    workers_option,
)
from newsweave.cli.corpus import day, one_line, progress_bar, safe
from newsweave.digest import GROUPINGS, DigestOptions, digest
from newsweave.digest.render import FORMATS, render
from newsweave.digest.view import resolve_story_id, story_digest, story_digests
from newsweave.embed import EMBEDDERS
from newsweave.errors import NewsweaveError
from newsweave.model import to_dict
from newsweave.pipeline import IngestRunOptions
from newsweave.store import open_store
from newsweave.summarize import SOLVERS, SummarizeOptions

SHORT_ID = 12  # hex digits of a story id shown in listings (`story` takes any unique prefix)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output: plain text, Markdown, one self-contained HTML page, or JSON.",
)
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the output to FILE instead of standard output.",
)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise NewsweaveError(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out}", err=True)


@cli.command("digest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--words",
    type=click.IntRange(min=10),
    default=100,
    show_default=True,
    help="Word budget of each story's summary.",
)
@format_option
@out_option
@click.option(
    "--embedder",
    type=click.Choice(EMBEDDERS),
    default="auto",
    show_default=True,
    help="Sentence similarity: MiniLM (auto, when installed), its static distillate, or hashed "
    "words (no model).",
)
@click.option(
    "--solver",
    type=click.Choice(SOLVERS),
    default="ilp",
    show_default=True,
    help="Sentence choice: exact ILP, or greedy (faster on very large stories).",
)
@click.option(
    "--fill",
    is_flag=True,
    help="Use the whole word budget: after whole sentences, add the start of one more, ended "
    "with '…' (how ROUGE evaluations cut every system's summary; `newsweave eval` runs this).",
)
@click.option("--force", is_flag=True, help="Summarize every story again, even unchanged ones.")
@click.option(
    "--reuse/--no-reuse",
    default=True,
    show_default=True,
    help="Find copies among articles without stored reuse links, so copies count as one source.",
)
@click.option(
    "--grouping",
    type=click.Choice(GROUPINGS),
    default=GROUPINGS[0],
    show_default=True,
    help="How articles form stories: story clustering, or one story per input collection "
    "(folder, feed, WARC file, MDS cluster id).",
)
@workers_option
@progress_option
def digest_command(
    paths: tuple[str, ...],
    db: str | None,
    words: int,
    fmt: str,
    out: Path | None,
    embedder: str,
    solver: str,
    fill: bool,
    force: bool,
    reuse: bool,
    grouping: str,
    workers: int | None,
    progress: bool | None,
) -> None:
    """Turn the articles in PATHS into stories with cited summaries, and print them.

    Reads PATHS like `newsweave ingest` (files, folders, globs), stores the articles, finds
    copies among them (`newsweave reuse`), groups everything in the store into stories (story
    clustering unless --grouping collection), summarizes each story whose summary is missing or
    was made with other settings, stores the summaries, and prints every story: headline, dates,
    counts, the summary with numbered citations, the numbered sources, who said what (quotes by
    speaker, with the articles carrying each) and the people, organisations and places.
    """
    options = DigestOptions(
        summarize=SummarizeOptions(words=words, embedder=embedder, solver=solver, fill=fill),
        ingest=IngestRunOptions(workers=workers or os.cpu_count() or 1),
        force=force,
        reuse=reuse,
        grouping=grouping,
    )
    show_bar = sys.stderr.isatty() if progress is None else progress
    with open_store(db) as store:
        with progress_bar(show_bar) as update:
            report = digest(store, list(paths), options, progress=update)
        if report.ingest is not None and report.ingest.stored == 0:
            raise NewsweaveError("no article could be read from " + ", ".join(paths))
        digests = story_digests(store)
    click.echo(f"{report.summary()}", err=True)
    if report.ingest is not None and report.ingest.skipped:
        click.echo(f"skipped {len(report.ingest.skipped)}:", err=True)
        for rejection in report.ingest.skipped:
            click.echo(f"  {safe(rejection.origin)}: {safe(rejection.reason)}", err=True)
    _emit(render(digests, fmt), out)


@cli.command()
@db_option
@json_option
def stories(db: str | None, as_json: bool) -> None:
    """List the stored stories, oldest first, with their summary's first sentence."""
    with open_store(db, create=False) as store:
        digests = story_digests(store, quotes=False)  # a listing: no who-said-what
    if as_json:
        echo_json([{**to_dict(d), "n_words": d.n_words} for d in digests])
        return
    if not digests:
        click.echo("no stories: run `newsweave digest PATH...` first")
        return
    for d in digests:
        span = day(d.first_published) + (
            f"..{day(d.last_published)}" if day(d.last_published) != day(d.first_published) else ""
        )
        counts = f"{d.n_articles} art, {d.n_outlets} outlets"
        click.echo(f"{d.id[:SHORT_ID]}  {span:<21}  {counts:<20}  {one_line(d.headline, 60)}")
        lead = d.lines[0].text if d.lines else "(no summary yet)"
        click.echo(f"    {one_line(lead, 100)}")


@cli.command()
@click.argument("story_id")
@db_option
@format_option
@out_option
def story(story_id: str, db: str | None, fmt: str, out: Path | None) -> None:
    """Show one stored story: summary, sources, who said what, and the people, organisations
    and places involved (STORY_ID: an id or a unique prefix)."""
    with open_store(db, create=False) as store:
        digest_ = story_digest(store, resolve_story_id(store, story_id))
    _emit(render([digest_], fmt), out)
