"""Command-line interface: thin commands that call one library function each and render."""

from __future__ import annotations

from newsweave.cli import corpus as _corpus  # noqa: F401  (registers its commands)
from newsweave.cli import serve as _serve  # noqa: F401
from newsweave.cli.app import cli

# Each module adds its commands to `cli` when imported.
# (Issues add their modules here: corpus, evaluate, digest, reuse, cluster, serve, engines.)


def main() -> None:
    cli(prog_name="newsweave")


__all__ = ["cli", "main"]
