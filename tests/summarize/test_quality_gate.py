"""Quality gate: the summarizer on fixed slices of DUC 2003 and Multi-News, against floors.

The floors in ``tests/floors/summarize.json`` were measured with the same method and ROUGE
protocol as ``newsweave eval summarize``, on slices whose hash is recorded, so a changed file
trips the gate instead of moving the bar.  Floors are only ever raised.  Full-set numbers come
from ``benchmarks/summarize.py`` and ``benchmarks/quality.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsweave.evaluate.harness import evaluate_summarize
from tests.support import shared_file, slice_hash

FLOORS = Path(__file__).resolve().parent.parent / "floors" / "summarize.json"
GATE: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.mark.parametrize("gate", GATE["slices"], ids=lambda g: f"{g['dataset']}:{g['records']}")
def test_summarize_gate(gate: dict[str, Any]) -> None:
    path = shared_file(gate["dataset"])
    assert slice_hash(path, gate["records"]) == gate["sha256"], "the gate's data slice changed"
    report = evaluate_summarize(path, GATE["method"], limit=gate["records"])
    assert report.n == gate["records"]
    low = {
        k: (report.scores[k], floor)
        for k, floor in gate["floors"].items()
        if report.scores[k] < floor
    }
    assert not low, f"below the recorded floors (score, floor): {low}"
