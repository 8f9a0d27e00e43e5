"""Quality gates: quotes and entities on fixed slices of the real data, against recorded floors.

Floors live in ``tests/floors/{quotes,ner}.json`` with the hash of the slice they were measured
on, so a changed file trips the gate instead of silently moving the bar.  Floors are only ever
raised.  Full-dataset numbers come from ``benchmarks/quotes.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsweave.evaluate import methods
from newsweave.evaluate.datasets import read_quotes
from newsweave.evaluate.harness import evaluate_ner
from newsweave.evaluate.metrics import AnnotatedQuote, PredictedQuote, quote_scores
from newsweave.quotes import find_quotes
from tests.support import shared_file

FLOORS = Path(__file__).parent / "floors"

pytestmark = pytest.mark.shared_data


def _floors(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FLOORS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _slice_hash(path: Path, records: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for _ in range(records):
            digest.update(handle.readline())
    return digest.hexdigest()


def _check(scores: dict[str, float], floors: dict[str, float]) -> None:
    low = {k: (round(scores[k], 4), v) for k, v in floors.items() if scores[k] < v}
    assert not low, f"below the recorded floors (score, floor): {low}"


def test_quotes_gate() -> None:
    gate = _floors("quotes")
    path = shared_file(gate["dataset"])
    assert _slice_hash(path, gate["records"]) == gate["sha256"], "the gate's data slice changed"
    docs = []
    for doc in read_quotes(path).limit(gate["records"]).records:
        predicted = [
            PredictedQuote(
                (q.content.start, q.content.end),
                q.direct,
                (q.speaker.start, q.speaker.end) if q.speaker else None,
            )
            for q in find_quotes(doc.article)
        ]
        gold = [AnnotatedQuote(q.spans, q.direct, q.speaker_spans) for q in doc.quotes]
        docs.append((doc.article.text, predicted, gold))
    scores = quote_scores(docs)
    direct_only = quote_scores(
        [(t, [p for p in ps if p.direct], [g for g in gs if g.direct]) for t, ps, gs in docs]
    )
    scores["direct_speaker_f1"] = direct_only["speaker_f1"]
    _check(scores, gate["floors"])


def test_ner_gate() -> None:
    gate = _floors("ner")
    path = shared_file(gate["dataset"])
    assert _slice_hash(path, gate["records"]) == gate["sha256"], "the gate's data slice changed"
    methods._stream.cache_clear()  # a fresh memory: the method remembers earlier sentences
    try:
        report = evaluate_ner(path, "newsweave", limit=gate["records"])
    finally:
        methods._stream.cache_clear()
    _check(dict(report.scores), gate["floors"])
