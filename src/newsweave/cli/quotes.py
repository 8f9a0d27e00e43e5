"""Who said what: ``quotes`` of stored articles grouped by speaker, and their ``entities``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from newsweave.cli.app import cli, db_option, echo_json, json_option
from newsweave.cli.corpus import one_line, safe
from newsweave.entities import EntityOptions
from newsweave.errors import ConfigError
from newsweave.model import Article, EntityType, to_dict
from newsweave.quotes import StoryQuotes, quote_story
from newsweave.store import open_store

QUOTE_CHARS = 160  # characters of a quote shown per line
ALIASES_SHOWN = 6


def _selection(store: Any, refs: Sequence[str], collection: str | None) -> list[Article]:
    if refs and collection:
        raise ConfigError("give article ids or --collection, not both")
    if refs:
        return list(store.get_articles([store.resolve_article_id(r) for r in refs]))
    if collection is None:
        raise ConfigError("give article ids or --collection NAME (see `newsweave articles`)")
    headers = store.list_articles(collection=collection)
    if not headers:
        raise ConfigError(f"no stored articles in collection {collection!r}")
    return list(store.get_articles([h.id for h in headers]))


def _story(db: str | None, refs: Sequence[str], collection: str | None, keep: bool) -> StoryQuotes:
    """The story's quotes and entities, found now and (with ``keep``) stored for later."""
    with open_store(db, create=False) as store:
        articles = _selection(store, refs, collection)
        story = quote_story(articles, entity_options=EntityOptions())
        if keep:
            ids = [a.id for a in articles]
            store.replace_quotes(ids, story.quotes)
            store.replace_entities(ids, story.entities)
    return story


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option("--collection", default=None, help="The articles of this input collection.")
@click.option("--indirect/--direct-only", default=True, help="Include reported speech.")
@click.option("--store/--no-store", "keep", default=True, help="Keep what is found in the store.")
@db_option
@json_option
def quotes(
    article_ids: tuple[str, ...],
    collection: str | None,
    indirect: bool,
    keep: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """Who said what in a set of stored articles: quotes grouped by speaker, each with the
    outlets that carry it; rewordings are flagged."""
    story = _story(db, article_ids, collection, keep)
    groups = [g for g in story.groups if indirect or g.direct]
    if as_json:
        echo_json(
            [
                {**to_dict(g), "article_ids": list(g.article_ids), "reworded": g.reworded}
                for g in groups
            ]
        )
        return
    if not groups:
        click.echo("no quotes found")
        return
    by_speaker: dict[str, list[Any]] = {}
    for group in groups:
        by_speaker.setdefault(group.speaker or "(unattributed)", []).append(group)
    for speaker, found in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        click.echo(click.style(f"{safe(speaker)}  ({len(found)})", bold=True))
        for group in found:
            mark = "*" if group.direct else "~"  # quoted words, or reported speech
            outlets = f"{len(group.article_ids)} article" + (
                "s" if len(group.article_ids) > 1 else ""
            )
            flags = []
            if group.variant_ids:
                flags.append(f"worded differently in {len(group.variant_ids)}")
            if group.excerpt_ids:
                flags.append(f"trimmed in {len(group.excerpt_ids)}")
            extra = f"; {', '.join(flags)}" if flags else ""
            click.echo(f"  {mark} {one_line(group.text, QUOTE_CHARS)}  [{outlets}{extra}]")
        click.echo()


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option("--collection", default=None, help="The articles of this input collection.")
@click.option(
    "--type",
    "kind",
    type=click.Choice([t.value for t in EntityType]),
    default=None,
    help="Only people (PER), organisations (ORG), places (LOC) or other names (MISC).",
)
@click.option("--store/--no-store", "keep", default=True, help="Keep what is found in the store.")
@db_option
@json_option
def entities(
    article_ids: tuple[str, ...],
    collection: str | None,
    kind: str | None,
    keep: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """The people, organisations and places of a set of stored articles, with the names each
    goes by and how often it is mentioned."""
    story = _story(db, article_ids, collection, keep)
    found = [e for e in story.entities if kind is None or e.type.value == kind]
    found.sort(key=lambda e: (-len(e.mentions), e.name.lower()))
    if as_json:
        echo_json([to_dict(e) for e in found])
        return
    if not found:
        click.echo("no entities found")
        return
    for entity in found:
        articles = len({m.span.article_id for m in entity.mentions})
        aliases = ", ".join(safe(a) for a in entity.aliases[:ALIASES_SHOWN])
        more = f" (+{len(entity.aliases) - ALIASES_SHOWN})" if len(entity.aliases) > 6 else ""
        line = f"{entity.type.value:<4} {safe(entity.name)}  {len(entity.mentions)} mentions"
        line += f" in {articles} article" + ("s" if articles > 1 else "")
        click.echo(line + (f"  aka {aliases}{more}" if aliases else ""))
