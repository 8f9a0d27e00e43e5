"""``newsweave reuse``: copy groups and derived-from links among stored articles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from newsweave.cli.app import cli, db_option, echo_json, json_option
from newsweave.cli.corpus import day, one_line, safe
from newsweave.errors import ConfigError
from newsweave.model import Article, ReuseDirection, ReuseLink, to_dict
from newsweave.reuse import ReuseOptions, copy_groups, detect_reuse, story_provenance
from newsweave.store import open_store

SHORT_ID = 12
TITLE_CHARS = 70
EVIDENCE_SHOWN = 3
EMBEDDERS = ("lexical", "static", "minilm")


def _selection(store: Any, refs: Sequence[str], collection: str | None) -> list[Article]:
    if refs and collection:
        raise ConfigError("give article ids or --collection, not both")
    if refs:
        return list(store.get_articles([store.resolve_article_id(r) for r in refs]))
    return list(store.iter_articles(collection=collection))


def _label(article: Any) -> str:
    outlet = article.source or article.external_id or article.id[:SHORT_ID]
    return f"{safe(outlet)} {day(article.published)}"


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option("--collection", default=None, help="Only the articles of this input collection.")
@click.option(
    "--embedder",
    type=click.Choice(EMBEDDERS),
    default="lexical",
    show_default=True,
    help="Sentence similarity: lexical (fast), or an embedder (catches heavier rewording).",
)
@click.option("--store/--no-store", "keep", default=True, help="Keep the links in the store.")
@db_option
@json_option
def reuse(
    article_ids: tuple[str, ...],
    collection: str | None,
    embedder: str,
    keep: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """Find copied, trimmed and spun text among stored articles: copy groups, who derived from
    whom (with the evidence), and how many independent origins there are.

    Without ARTICLE_IDS or --collection, every stored article is compared.
    """
    options = ReuseOptions()
    if embedder != "lexical":
        from newsweave.embed import get_embedder

        options = ReuseOptions(embedder=get_embedder(embedder))
    with open_store(db, create=False) as store:
        articles = _selection(store, article_ids, collection)
        sentences = {a.id: store.get_sentences(a.id) for a in articles}
        links = detect_reuse(articles, options, sentences)
        if keep:
            subset = bool(article_ids or collection)
            store.replace_reuse_links(links, among=[a.id for a in articles] if subset else None)
    by_id = {a.id: a for a in articles}
    groups = copy_groups(links)
    provenance = story_provenance(articles, links)
    if as_json:
        echo_json(
            {
                "articles": provenance.n_articles,
                "outlets": provenance.n_outlets,
                "independent_origins": provenance.n_origins,
                "groups": [list(g) for g in groups],
                "origins": {origin: list(members) for origin, members in provenance.origins},
                "links": [to_dict(link) for link in links],
            }
        )
        return
    derived = sum(1 for link in links if link.direction is ReuseDirection.DERIVED)
    click.echo(
        f"{len(articles)} articles from {provenance.n_outlets} outlets: "
        f"{provenance.n_origins} independent origins; {len(groups)} copy groups, "
        f"{len(links)} links ({derived} derived, {len(links) - derived} of unknown direction)"
    )
    for number, group in enumerate(groups, 1):
        click.echo()
        click.echo(click.style(f"group {number}: {len(group)} articles", bold=True))
        for article_id in group:
            article = by_id[article_id]
            title = one_line(article.title, TITLE_CHARS) or "(no title)"
            click.echo(f"  {article_id[:SHORT_ID]}  {_label(article):<34} {title}")
        for link in (k for k in links if k.source_id in group):
            _render_link(link, by_id)


def _render_link(link: ReuseLink, by_id: Mapping[str, Article]) -> None:
    source, target = by_id[link.source_id], by_id[link.target_id]
    arrow = "→" if link.direction is ReuseDirection.DERIVED else "~"
    click.echo(
        f"    {link.source_id[:SHORT_ID]} {arrow} {link.target_id[:SHORT_ID]}  "
        f"{link.kind.value}, {len(link.passages)} passages, "
        f"{link.score:.0%} of the more-copied article  ({_label(source)} {arrow} {_label(target)})"
    )
    for reason in link.evidence[:EVIDENCE_SHOWN]:
        click.echo(f"        {one_line(reason, 110)}")
