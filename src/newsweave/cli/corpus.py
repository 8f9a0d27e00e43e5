"""Corpus commands: ``ingest`` files into the store, list ``articles``, ``show`` one, ``search``."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import click

from newsweave.clean import CleanOptions
from newsweave.cli.app import (
    cli,
    db_option,
    echo_json,
    json_option,
    progress_option,
    workers_option,
)
from newsweave.errors import NewsweaveError
from newsweave.ingest import FORMATS, IngestOptions
from newsweave.model import Article, ReuseLink, Sentence, to_dict
from newsweave.pipeline import DEFAULT_BATCH_SIZE, IngestReport, IngestRunOptions, ingest_paths
from newsweave.store import CollectionStats, SearchHit, open_store

SHORT_ID = 12  # hex digits of an article id shown in listings (`show` accepts any unique prefix)
LEAD_CHARS = 110  # characters of the first sentence shown under each listed article
# C0/C1 control characters other than newline and tab: article text must not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str | None) -> str:
    """Article-derived text made safe to print: control characters shown as escapes."""
    if not text:
        return ""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(text: str | None, limit: int) -> str:
    flat = " ".join(safe(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "----------"


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A tqdm bar on stderr fed by the ingest report, or a no-op callback when disabled."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit=" records", file=sys.stderr, dynamic_ncols=True, mininterval=0.2) as bar:

        def update(report: IngestReport) -> None:
            if report.read > bar.n:
                bar.update(report.read - bar.n)
            bar.set_postfix_str(
                f"new {report.new}, already {report.already_stored}, skipped {len(report.skipped)}",
                refresh=False,
            )

        yield update


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Articles stored per transaction (an interrupted run keeps every finished batch).",
)
@workers_option
@progress_option
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
    help="Encoding of files that do not declare one (BOM, <meta charset>, XML declaration).",
)
@click.option("--include-hidden", is_flag=True, help="Also read dot-files and dot-folders.")
@click.option(
    "--dayfirst", is_flag=True, help="Read ambiguous numeric dates day first (05/02 = 5 Feb)."
)
@click.option(
    "--keep-boilerplate", is_flag=True, help="Keep share/subscribe/related lines in the text."
)
@json_option
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    batch_size: int,
    workers: int | None,
    progress: bool | None,
    input_format: str | None,
    encoding: str,
    include_hidden: bool,
    dayfirst: bool,
    keep_boilerplate: bool,
    as_json: bool,
) -> None:
    """Read, clean, split and store the articles in PATHS (files, folders, globs).

    Formats: .txt (first line = headline), .html/.htm, .jsonl/.json, .warc, RSS/Atom feeds,
    and any of them gzipped.  Re-running on the same files stores nothing twice.
    """
    options = IngestRunOptions(
        ingest=IngestOptions(encoding=encoding, format=input_format, include_hidden=include_hidden),
        clean=CleanOptions(dayfirst=dayfirst, boilerplate=not keep_boilerplate),
        batch_size=batch_size,
        workers=workers or os.cpu_count() or 1,
    )
    show_bar = sys.stderr.isatty() if progress is None else progress
    with open_store(db) as store:
        with progress_bar(show_bar) as update:
            report = ingest_paths(store, list(paths), options, progress=update)
        location = store.location
    if as_json:
        echo_json({"db": location, **report.to_dict()})
    else:
        click.echo(f"{report.summary()}  (store: {location})")
        if report.skipped:
            click.echo(f"skipped {len(report.skipped)}:")
            for rejection in report.skipped:
                click.echo(f"  {safe(rejection.origin)}: {safe(rejection.reason)}")
    if report.stored == 0:
        raise NewsweaveError(
            "no article could be read from "
            + ", ".join(paths)
            + (" (see the reasons above)" if report.skipped and not as_json else "")
        )


def _collection_line(stats: CollectionStats) -> str:
    name = safe(stats.name) if stats.name is not None else "(no collection)"
    dates = ""
    if stats.first_published is not None and stats.last_published is not None:
        first, last = day(stats.first_published), day(stats.last_published)
        dates = f", {first}" + (f" … {last}" if last != first else "")
    articles = f"{stats.n_articles} article" + ("s" if stats.n_articles != 1 else "")
    outlets = f"{stats.n_outlets} outlet" + ("s" if stats.n_outlets != 1 else "")
    return f"{name}: {articles}, {outlets}{dates}"


@cli.command()
@db_option
@click.option("--collection", default=None, help="Only the articles of this input collection.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N articles.")
@json_option
def articles(db: str | None, collection: str | None, limit: int | None, as_json: bool) -> None:
    """List the stored articles, grouped by collection, oldest first, with their first sentence."""
    with open_store(db, create=False) as store:
        headers = store.list_articles(collection=collection, limit=limit)
        if as_json:
            echo_json([to_dict(h) for h in headers])
            return
        stats = {c.name: c for c in store.collections()}
        total = store.count_articles(collection=collection)
    if not headers:
        click.echo("no articles" + (f" in collection {collection!r}" if collection else ""))
        return
    current: object = object()
    for header in headers:
        if header.collection != current:
            current = header.collection
            if header is not headers[0]:
                click.echo()
            click.echo(click.style(_collection_line(stats[header.collection]), bold=True))
        outlet = one_line(header.source or "?", 20)
        title = one_line(header.title or "(no title)", 70)
        click.echo(f"  {header.id[:SHORT_ID]}  {day(header.published)}  {outlet:<20}  {title}")
        if header.lead:
            click.echo(f"      {one_line(header.lead, LEAD_CHARS)}")
    if len(headers) < total:
        click.echo(f"\n({len(headers)} of {total} shown; raise --limit to see more)")


def _article_dict(
    article: Article, sentences: list[Sentence], links: list[ReuseLink]
) -> dict[str, Any]:
    data: dict[str, Any] = to_dict(article)
    data["sentences"] = [to_dict(s) for s in sentences]
    data["reuse_links"] = [to_dict(link) for link in links]
    return data


def _reuse_lines(
    article: Article, sentences: list[Sentence], links: list[ReuseLink], headers: dict[str, Any]
) -> dict[int, list[str]]:
    """Per sentence, one line per reused passage in it: where it came from, or who took it."""
    from newsweave.reuse.marks import passage_marks

    lines: dict[int, list[str]] = {}
    for index, marks in passage_marks(article.id, sentences, links).items():
        for mark in marks:
            other = headers.get(mark.other_id)
            who = f"{safe(other.source or other.external_id) if other else '?'}"
            when = day(other.published) if other else ""
            lines.setdefault(index, []).append(
                f"↳ {mark.relation} {who} {when} [{mark.other_id[:SHORT_ID]}]: {mark.kind}, "
                f"{mark.score:.2f}, chars {mark.start}-{mark.end}"
            )
    return lines


def _render_article(
    article: Article, sentences: list[Sentence], marks: dict[int, list[str]] | None = None
) -> None:
    click.echo(click.style(safe(article.title) or "(no title)", bold=True))
    fields = [
        ("id", article.id),
        ("source", article.source),
        ("published", article.published.isoformat() if article.published else None),
        ("byline", article.byline),
        ("dateline", article.dateline),
        ("credits", ", ".join(article.credits) if article.credits else None),
        ("url", article.url),
        ("language", article.language),
        ("collection", article.collection),
        ("record id", article.external_id),
        ("read from", article.origin),
    ]
    for name, value in fields:
        if value:
            click.echo(f"  {name:<10} {safe(value)}")
    click.echo(
        f"  {'size':<10} {len(article.text)} characters, {len(article.paragraphs)} "
        f"paragraphs, {len(sentences)} sentences"
    )
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    for p_index, (start, end) in enumerate(article.paragraphs or ((0, len(article.text)),)):
        click.echo()
        in_paragraph = by_paragraph.get(p_index)
        if not in_paragraph:  # nothing the splitter kept: show the paragraph as it is
            click.echo(f"¶{p_index + 1}  {safe(article.text[start:end])}")
            continue
        for k, sentence in enumerate(in_paragraph):
            lead = f"¶{p_index + 1}" if k == 0 else ""
            click.echo(f"{lead:<4}[{sentence.index}] {safe(sentence.text)}")
            for mark in (marks or {}).get(sentence.index, ()):
                click.echo(f"{'':<8}{mark}")


@cli.command()
@click.argument("article_id")
@db_option
@json_option
def show(article_id: str, db: str | None, as_json: bool) -> None:
    """Show one article: metadata, dateline, credits, paragraphs and sentences; each reused
    passage (found by `newsweave reuse`) is marked with where it came from.

    ARTICLE_ID is an id, a unique prefix of one (as `articles` prints), or the input record's
    own id (JSONL id, page URL, .txt file stem).
    """
    with open_store(db, create=False) as store:
        article = store.get_article(store.resolve_article_id(article_id))
        sentences = store.get_sentences(article.id)
        links = store.reuse_links(article_id=article.id)
        others = {i for link in links for i in (link.source_id, link.target_id)} - {article.id}
        headers = {h.id: h for h in store.article_headers(sorted(others))}
    if as_json:
        echo_json(_article_dict(article, sentences, links))
    else:
        _render_article(article, sentences, _reuse_lines(article, sentences, links, headers))


def _render_hit(hit: SearchHit) -> str:
    parts: list[str] = []
    pos = 0
    for start, end in hit.highlights:
        parts.append(safe(hit.snippet[pos:start]))
        parts.append(click.style(safe(hit.snippet[start:end]), bold=True, fg="yellow"))
        pos = end
    parts.append(safe(hit.snippet[pos:]))
    return "".join(parts)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
def search(query: tuple[str, ...], db: str | None, limit: int, as_json: bool) -> None:
    """Full-text search of titles and texts, best match first.

    QUERY uses SQLite FTS5 syntax ("exact phrase", title:word, prefix*, AND/OR/NOT); anything
    that is not valid syntax is searched as plain words.
    """
    text = " ".join(query)
    with open_store(db, create=False) as store:
        hits = store.search(text, limit=limit)
    if as_json:
        echo_json([to_dict(h) for h in hits])
        return
    if not hits:
        click.echo(f"no articles match {text!r}", err=True)
        return
    for hit in hits:
        outlet = one_line(hit.source or "?", 20)
        title = one_line(hit.title or "(no title)", 70)
        click.echo(f"{hit.article_id[:SHORT_ID]}  {day(hit.published)}  {outlet:<20}  {title}")
        click.echo(f"    {_render_hit(hit)}")
