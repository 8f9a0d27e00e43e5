"""Command-line interface: thin commands that call one library function each and render."""

from __future__ import annotations

# Each module adds its commands to `cli` when imported.
# (Issues add their modules here: corpus, evaluate, digest, reuse, cluster, serve, engines.)
from newsweave.cli import cluster as _cluster  # noqa: F401  (registers `cluster`, `follow`)
from newsweave.cli import corpus as _corpus  # noqa: F401  (registers its commands)
from newsweave.cli import digest as _digest  # noqa: F401  (registers `digest`, `stories`, `story`)
from newsweave.cli import engines as _engines  # noqa: F401  (registers `run`, `import`)
from newsweave.cli import evaluate as _evaluate  # noqa: F401  (registers `newsweave eval`)
from newsweave.cli import quotes as _quotes  # noqa: F401  (registers `quotes`, `entities`)
from newsweave.cli import reuse as _reuse  # noqa: F401  (registers `reuse`)
from newsweave.cli import serve as _serve  # noqa: F401  (registers `serve`)
from newsweave.cli.app import cli


def main() -> None:
    cli(prog_name="newsweave")


__all__ = ["cli", "main"]
