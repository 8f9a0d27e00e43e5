"""The `newsweave` command group: shared options and error handling for every command."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import click

from newsweave import __version__
from newsweave.errors import NewsweaveError


class NewsweaveGroup(click.Group):
    """A click group that turns :class:`NewsweaveError` into a one-line message and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsweaveError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=NewsweaveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """newsweave: turn a pile of news articles into cited, redundancy-free stories."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


db_option = click.option(
    "--db",
    "db",
    envvar="NEWSWEAVE_DB",
    default=None,
    metavar="FILE|URL",
    help="The store: a SQLite file (default: in the user data directory; env NEWSWEAVE_DB) "
    "or a postgresql://user@host/dbname URL.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes splitting sentences while ingesting [default: one per CPU core].",
)
progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show an ingest progress bar on stderr [default: when stderr is a terminal].",
)


def echo_json(data: Any) -> None:
    """Print ``data`` as JSON, keys in a stable order."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))
