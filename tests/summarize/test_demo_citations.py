"""Citations on the demo corpus, checked against the copies its ground truth records.

For each event of ``examples/demo-truth.json`` the summarizer writes a summary; each summary
sentence should cite every article that carries it.  The truth lists copy relations with sample
passages (source text, target text).  A passage *carries* a summary sentence when it holds most
of the sentence's words.

- Recall: for every passage pair one side of which carries a summary sentence and is in an
  article the sentence cites, the articles on both sides must be cited.
- Precision: where the truth can judge a cited article — it is on a side of such a passage
  pair — one of its cited sentences must be that passage (share most of its words).  The
  truth's passages are samples, so articles it says nothing about are not judged here.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from newsweave.clean import clean
from newsweave.embed import minilm_available
from newsweave.ingest import read
from newsweave.model import Article
from newsweave.summarize import SummarizeOptions, summarize_story
from newsweave.summarize.text import tokens

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "examples" / "demo-truth.json"
DEMO = ROOT / "examples" / "demo"
MATCH = 0.8  # share of a summary sentence's words a passage must hold to carry it

pytestmark = [pytest.mark.embed, pytest.mark.slow]


def _covers(sentence: str, passage: str) -> bool:
    words = set(tokens(sentence))
    return len(words & set(tokens(passage))) / max(1, len(words)) >= MATCH


@functools.cache
def _demo() -> dict[str | None, Article]:
    return {a.external_id: a for a in clean(read([DEMO])) if isinstance(a, Article)}


def _score(truth: dict[str, Any], words: int) -> tuple[int, int, int, int]:
    """(expected articles cited, expected articles, judged articles rightly cited, judged)."""
    by_external = _demo()
    pairs = [
        (side, passage[side], other, passage[other], copy[side], copy[other])
        for copy in truth["copies"]
        for passage in copy["passages"]
        for side, other in (("source", "target"), ("target", "source"))
    ]
    hit = expected_total = correct = judged = 0
    for event in truth["events"].values():
        story = [by_external[k] for k in event["articles"]]
        external = {a.id: a.external_id for a in story}
        text_of = {a.id: a.text for a in story}
        summary = summarize_story(story, SummarizeOptions(words=words))
        for sentence in summary.sentences:
            cited = {external[a] for a in sentence.article_ids}
            # passages, by article, that the truth says carry this sentence
            carrying: dict[str, list[str]] = defaultdict(list)
            for _, text, _, other_text, article, other in pairs:
                if article in cited and _covers(sentence.text, text):
                    carrying[article].append(text)
                    carrying[other].append(other_text)
            hit += len(cited & set(carrying))
            expected_total += len(carrying)
            spans: dict[str, list[str]] = defaultdict(list)
            for c in sentence.citations:
                spans[external[c.article_id]].append(text_of[c.article_id][c.start : c.end])
            for article, cited_spans in spans.items():
                if article not in carrying:
                    continue
                judged += 1
                correct += any(
                    _overlaps(span, passage)
                    for span in cited_spans
                    for passage in carrying[article]
                )
    return hit, expected_total, correct, judged


def _overlaps(span: str, passage: str) -> bool:
    """The cited sentence is (part of) the passage: most of its words are the passage's."""
    words = set(tokens(span))
    return len(words & set(tokens(passage))) / max(1, len(words)) >= 0.5


@pytest.mark.skipif(not minilm_available(), reason="needs the MiniLM embedder (embed extra)")
@pytest.mark.parametrize("words", [100])
def test_demo_citations_match_the_truth(words: int) -> None:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    hit, expected, correct, judged = _score(truth, words)
    assert expected >= 20 and judged >= 20, "too little of the summary is in the truth"
    assert hit / expected >= 0.95, f"recall {hit}/{expected}"
    assert correct == judged, f"precision {correct}/{judged}"
