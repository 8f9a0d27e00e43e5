"""``newsweave serve``: browse the store in a web browser, and read it as JSON."""

from __future__ import annotations

import ipaddress
import logging

import click

from newsweave.cli.app import cli, db_option
from newsweave.errors import MissingDependencyError

log = logging.getLogger(__name__)


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
def serve(db: str | None, host: str, port: int) -> None:
    """Serve a read-only web UI and JSON API over the store (stories, articles, search).

    Open http://HOST:PORT/ in a browser; the JSON API is described at /api and /openapi.json.
    """
    try:
        import uvicorn

        from newsweave.web.app import create_app
    except ImportError as exc:
        raise MissingDependencyError(f"the web UI ({exc.name} is missing)", "web") from exc
    app = create_app(db=db)  # fails here, with a clear message, when the store is missing
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine can read the store",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newsweave: serving the store at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
