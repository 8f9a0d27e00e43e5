"""Run a method on a dataset and score it: one function per task, each returning a :class:`Report`.

The harness reads the gold file, calls the registered method (see :mod:`.registry`) on inputs
that carry no gold labels, scores the output with :mod:`.metrics` or :mod:`.rouge`, and times
the method.  Reports are flat so ``newsweave eval … --json`` can print them as they are.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.errors import ConfigError, InputError
from newsweave.evaluate.datasets import read_peers, read_references
from newsweave.evaluate.rouge import RougeOptions, rouge_corpus

__all__ = ["Report", "score_peers"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """The scores of one method on one dataset, with what is needed to reproduce them."""

    task: str
    dataset: str
    method: str
    n: int
    seconds: float
    scores: Mapping[str, float]
    params: Mapping[str, Any] = field(default_factory=dict)  # method and protocol settings
    notes: Mapping[str, Any] = field(default_factory=dict)  # skipped records, folded duplicates

    def to_json(self) -> dict[str, Any]:
        """One flat object: scores and notes at the top level, method settings under params."""
        out: dict[str, Any] = {
            "task": self.task,
            "dataset": self.dataset,
            "method": self.method,
            "n": self.n,
            "seconds": round(self.seconds, 3),
        }
        out.update(self.scores)
        out.update(self.notes)
        out["params"] = dict(self.params)
        return out


def _dataset_name(path: str | Path) -> str:
    return Path(path).name.split(".")[0]


def score_peers(
    references: str | Path,
    peers: str | Path,
    options: RougeOptions | None = None,
    *,
    system: str | None = None,
) -> list[Report]:
    """ROUGE of every system in ``peers`` against ``references``: one report per system.

    A cluster a system did not summarize is left out of that system's average (ROUGE-1.5.5
    does the same and warns); the report counts them under ``missing``.
    """
    options = options or RougeOptions()
    refs = read_references(references)
    gold = dict(refs.records)
    if not gold:
        raise InputError("no reference summaries could be read", path=str(references))
    peer_data = read_peers(peers)
    by_system: dict[str, dict[str, str]] = defaultdict(dict)
    unknown: set[str] = set()
    for peer in peer_data.records:
        if peer.id not in gold:
            unknown.add(peer.id)
            continue
        if peer.id in by_system[peer.system]:
            raise InputError(
                f"two summaries of {peer.id} by system {peer.system!r}", path=str(peers)
            )
        by_system[peer.system][peer.id] = peer.summary
    if system is not None:
        if system not in by_system:
            known = ", ".join(sorted(by_system)) or "none"
            raise ConfigError(f"no system {system!r} in {peers}; systems: {known}")
        by_system = defaultdict(dict, {system: by_system[system]})
    if not by_system:
        raise InputError("no peer summary matches a reference id", path=str(peers))
    reports = []
    for name, summaries in sorted(by_system.items()):
        start = time.perf_counter()
        result = rouge_corpus(((i, s, gold[i]) for i, s in summaries.items()), options)
        notes: dict[str, Any] = {"missing": len(gold) - len(summaries)}
        if unknown:
            notes["unknown_ids"] = len(unknown)
        if refs.problems or peer_data.problems:
            notes["skipped"] = len(refs.problems) + len(peer_data.problems)
        reports.append(
            Report(
                task="rouge",
                dataset=_dataset_name(references),
                method=name or "peers",
                n=result.n,
                seconds=time.perf_counter() - start,
                scores=result.flat(),
                params={"rouge": options.perl_args(), "words": options.words},
                notes=notes,
            )
        )
    return reports
