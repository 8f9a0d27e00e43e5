"""Check a summary's citations against known copied passages (a ground truth of reuse).

A truth of copies lists pairs of passages, one in each of two articles, that carry the same
content (verbatim, trimmed or reworded).  For each summary sentence:

- *expected* articles: every article on either side of a passage pair one side of which carries
  the sentence (holds ``MATCH`` of its words) and lies in an article the sentence cites;
- *recall*: the share of expected articles the sentence cites;
- *precision*: among cited articles the truth can judge (they are expected), the share whose
  cited sentences are really that passage (most of a cited sentence's words are the passage's).
  The truth's passages are samples: articles it says nothing about are not judged.

The demo corpus (``examples/demo-truth.json``, field ``copies``) is such a truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsweave.model import Article, Summary
from newsweave.reuse import ReuseOptions, detect_reuse, origins
from newsweave.summarize.core import SummarizeOptions, summarize_story
from newsweave.summarize.text import tokens

__all__ = ["CitationAudit", "PassagePair", "audit_citations", "audit_stories", "passage_pairs"]

# Share of a summary sentence's words a passage must hold to carry it: high enough that a
# passage merely on the same topic does not count (set by reading demo-corpus summaries).
MATCH = 0.8
# Share of a cited sentence's words that must be the passage's for the citation to be right:
# a cited sentence may be a trimmed part of a longer passage, or hold a little more.
OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class PassagePair:
    """Two passages carrying the same content, each in its article (ids as the caller keys)."""

    article_a: str
    text_a: str
    article_b: str
    text_b: str


@dataclass(frozen=True, slots=True)
class CitationAudit:
    expected: int = 0  # articles the truth says carry a summary sentence (summed over sentences)
    hit: int = 0  # of those, cited
    judged: int = 0  # cited articles the truth can judge
    correct: int = 0  # of those, cited at the right passage

    @property
    def recall(self) -> float:
        return self.hit / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.judged if self.judged else 1.0

    def __add__(self, other: CitationAudit) -> CitationAudit:
        return CitationAudit(
            self.expected + other.expected,
            self.hit + other.hit,
            self.judged + other.judged,
            self.correct + other.correct,
        )


def passage_pairs(copies: Iterable[Mapping[str, Any]]) -> list[PassagePair]:
    """Passage pairs from a truth's ``copies`` (source, target, passages of source/target)."""
    return [
        PassagePair(copy["source"], passage["source"], copy["target"], passage["target"])
        for copy in copies
        for passage in copy["passages"]
    ]


def audit_citations(
    summary: Summary,
    articles: Mapping[str, Article],
    pairs: Sequence[PassagePair],
    key: Mapping[str, str] | None = None,
) -> CitationAudit:
    """Score ``summary``'s citations against ``pairs``.

    ``articles`` holds at least every cited article by id; ``key`` maps an article id to the id
    the pairs use (e.g. its ``external_id``), identity when absent.
    """
    key = key or {}
    sides = [
        side
        for pair in pairs
        for side in (
            (pair.article_a, pair.text_a, pair.article_b, pair.text_b),
            (pair.article_b, pair.text_b, pair.article_a, pair.text_a),
        )
    ]
    total = CitationAudit()
    for sentence in summary.sentences:
        cited_spans: dict[str, list[str]] = defaultdict(list)
        for c in sentence.citations:
            text = articles[c.article_id].text
            cited_spans[key.get(c.article_id, c.article_id)].append(text[c.start : c.end])
        carrying: dict[str, list[str]] = defaultdict(list)
        for article, text, other, other_text in sides:
            if article in cited_spans and _share(sentence.text, text) >= MATCH:
                carrying[article].append(text)
                carrying[other].append(other_text)
        judged = [a for a in cited_spans if a in carrying]
        correct = [
            a
            for a in judged
            if any(_share(span, p) >= OVERLAP for span in cited_spans[a] for p in carrying[a])
        ]
        total += CitationAudit(len(carrying), len(judged), len(judged), len(correct))
    return total


def audit_stories(
    stories: Iterable[Sequence[Article]],
    pairs: Sequence[PassagePair],
    options: SummarizeOptions | None = None,
    *,
    reuse: ReuseOptions | None = None,
) -> CitationAudit:
    """Summarize each story as ``newsweave digest`` does and audit the citations, all summed.

    Origins and aligned passages come from the reuse stage run over each story (``reuse``,
    lexical by default).
    The pairs name articles by ``external_id`` (the input's own id), as a truth file does.
    """
    total = CitationAudit()
    for story in stories:
        links = detect_reuse(story, reuse or ReuseOptions())
        summary = summarize_story(story, options, origins=origins(story, links), links=links)
        key = {a.id: a.external_id or a.id for a in story}
        total += audit_citations(summary, {a.id: a for a in story}, pairs, key)
    return total


def _share(text: str, passage: str) -> float:
    """Share of ``text``'s distinct words found in ``passage``."""
    words = set(tokens(text))
    return len(words & set(tokens(passage))) / max(1, len(words))
