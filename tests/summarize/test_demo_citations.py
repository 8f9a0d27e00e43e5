"""Citations on the demo corpus, checked against the copies its ground truth records.

Each event of ``examples/demo-truth.json`` is summarized as ``newsweave digest`` does it (origins
from the reuse stage) and every citation is checked against the truth's copied passages with
:func:`newsweave.summarize.audit.audit_citations`: precision must be 1.0 and recall at least
0.95.  Small hand-made cases check the audit itself.
"""

from __future__ import annotations

import functools
import json

import pytest

from newsweave.clean import clean
from newsweave.embed import minilm_available
from newsweave.ingest import read
from newsweave.model import Article, Citation, Summary, SummarySentence
from newsweave.summarize import SummarizeOptions
from newsweave.summarize.audit import (
    CitationAudit,
    PassagePair,
    audit_citations,
    audit_stories,
    passage_pairs,
)
from tests.support import DEMO, ROOT, make_article

TRUTH = ROOT / "examples" / "demo-truth.json"


@functools.cache
def _events() -> tuple[list[list[Article]], list[PassagePair]]:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    found = {a.external_id: a for a in clean(read([DEMO])) if isinstance(a, Article)}
    events = [[found[k] for k in event["articles"]] for event in truth["events"].values()]
    return events, passage_pairs(truth["copies"])


NEEDS_MINILM = [
    pytest.mark.embed,
    pytest.mark.slow,
    pytest.mark.skipif(not minilm_available(), reason="needs the MiniLM embedder (embed extra)"),
]


@pytest.mark.parametrize(
    "embedder",
    ["hashing", *(pytest.param(e, marks=NEEDS_MINILM) for e in ("minilm", "static"))],
)
def test_demo_citations_match_the_truth(embedder: str) -> None:
    events, pairs = _events()
    audit = audit_stories(events, pairs, SummarizeOptions(words=100, embedder=embedder))
    assert audit.expected >= 30 and audit.judged >= 30, "too little of the summary is in the truth"
    assert audit.recall >= 0.95, audit
    assert audit.precision == 1.0, audit


# --- the audit itself, on invented articles -----------------------------------------------------

WIRE = make_article(
    "The harbour board approved a new breakwater on Tuesday. Work starts in June.",
    external_id="wire",
)
COPY = make_article(
    "Local desk. The harbour board approved a new breakwater on Tuesday. Gulls watched.",
    external_id="copy",
)


def _cite(article: Article, fragment: str) -> Citation:
    start = article.text.index(fragment)
    return Citation(article.id, 0, start, start + len(fragment), 1.0)


SENTENCE = "The harbour board approved a new breakwater on Tuesday."
PAIRS = [PassagePair("wire", SENTENCE, "copy", SENTENCE)]
BY_ID = {WIRE.id: WIRE, COPY.id: COPY}
KEY = {WIRE.id: "wire", COPY.id: "copy"}


def _summary(*citations: Citation) -> Summary:
    return Summary("s", (SummarySentence(SENTENCE, citations, 1),), "test", 100)


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        ([(WIRE, SENTENCE), (COPY, SENTENCE)], CitationAudit(2, 2, 2, 2)),
        ([(WIRE, SENTENCE)], CitationAudit(2, 1, 1, 1)),  # the copy is missed
        ([(WIRE, SENTENCE), (COPY, "Gulls watched.")], CitationAudit(2, 2, 2, 1)),  # wrong span
    ],
)
def test_the_audit_scores_recall_and_precision(
    citations: list[tuple[Article, str]], expected: CitationAudit
) -> None:
    summary = _summary(*(_cite(a, text) for a, text in citations))
    assert audit_citations(summary, BY_ID, PAIRS, KEY) == expected


def test_an_audit_of_nothing_is_perfect_and_sums() -> None:
    empty = CitationAudit()
    assert (empty.recall, empty.precision) == (1.0, 1.0)
    total = CitationAudit(2, 1, 1, 1) + CitationAudit(2, 2, 2, 1)
    assert total == CitationAudit(4, 3, 3, 2)
    assert (total.recall, total.precision) == (0.75, 2 / 3)
