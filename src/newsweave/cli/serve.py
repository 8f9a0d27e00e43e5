"""``newsweave serve``: browse the store in a web browser, and read it as JSON."""

from __future__ import annotations

import ipaddress
import logging
import os

import click

from newsweave.cli.app import cli, db_option
from newsweave.errors import MissingDependencyError
from newsweave.store import default_db_path

log = logging.getLogger(__name__)

MB = 1024 * 1024


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on.  Anything but loopback lets other machines read the store.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes; more use more cores when many people read at once.",
)
@click.option(
    "--cache-mb",
    type=click.IntRange(0, 1_000_000),
    default=64,
    show_default=True,
    help="Memory per process for rendered pages, kept until the store changes (0: no cache).",
)
def serve(db: str | None, host: str, port: int, workers: int, cache_mb: int) -> None:
    """Serve a read-only web UI and JSON API over the store (stories, articles, search).

    Open http://HOST:PORT/ in a browser; the JSON API is described at /api and /openapi.json.
    """
    try:
        import uvicorn

        from newsweave.web import app as web
    except ImportError as exc:
        raise MissingDependencyError(f"the web UI ({exc.name} is missing)", "web") from exc
    location = str(db) if db is not None else str(default_db_path())
    app = web.create_app(db=location, cache_bytes=cache_mb * MB)  # fails early when missing
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine can read the store",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newsweave: serving the store at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        return
    os.environ[web.SERVE_DB_ENV] = location
    os.environ[web.SERVE_CACHE_ENV] = str(cache_mb * MB)
    uvicorn.run(
        "newsweave.web.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
    )
