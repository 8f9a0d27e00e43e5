"""What the cluster stage reads from an article: weighted terms, names, a date, an embedding.

Terms are lower-cased words (plurals folded) and pairs of adjacent content words, with a
separate headline counted ``title_boost`` times.  Names — words written with a capital inside a
sentence and never in lower case in the same article, or names given by the entities stage —
count ``entity_boost`` times, so the people and places of an event weigh more than its topic
words.  Nothing depends on capitals alone: a lower-cased text still gets every term.

Terms are hashed into ``2**HASH_BITS`` buckets.  Document frequencies live in one fixed array
(memory does not grow with the archive) and a term's bucket is its id in the sparse vectors.
Two terms sharing a bucket behave as one; at 2**24 buckets that touches a few percent of the
rarest terms and moves a cosine by about 0.01 at most.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray

from newsweave.cluster.options import ClusterOptions
from newsweave.embed import get_embedder
from newsweave.model import Article

__all__ = [
    "HASH_BITS",
    "SparseVector",
    "TermStats",
    "article_terms",
    "embed_articles",
    "embedding_text",
]

EMBED_BATCH = 256  # texts per call to the embedder: bounds memory on large batches
HASH_BITS = 24  # 16M buckets: a 64 MB frequency table, few collisions among rare terms

# Tokens: acronyms with dots (U.S.), then words with inner apostrophes, hyphens or dots.
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[’'.\-]\w+)*")
# A word is sentence-initial when the gap before it holds one of these (or it starts the text).
_SENTENCE_BREAK = re.compile(r"[.!?\n\"“”‘:;(\[]")
_POSSESSIVE = re.compile(r"[’']s$")

# Words that carry no event: function words (scikit-learn's English list) and the scaffolding
# of news copy and of URLs pasted into text.
_NEWS_WORDS = frozenset(
    """said says say saying told tell according reported reports report reporting
    mr mrs ms dr just like new year years time times people also would could one two
    http https www com html htm php aspx org net co uk cms jsp index article story news
    """.split()  # noqa: SIM905 - a word list reads better as words
)


@cache
def stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _NEWS_WORDS


@lru_cache(maxsize=1 << 18)
def _fold(word: str) -> str:
    """Lower-case word with a possessive dropped and a plural folded ('agencies' -> 'agency')."""
    word = _POSSESSIVE.sub("", word.replace("’", "'"))
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _bucket(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & ((1 << HASH_BITS) - 1)


@lru_cache(maxsize=1 << 18)
def _content(word: str) -> str | None:
    """The term of a lower-cased word, or None for a stopword or a single character."""
    if len(word) < 2 or word in stopwords():
        return None
    return _fold(word)


def _plain_tokens(text: str) -> list[str | None]:
    """Content tokens of ``text`` (None for a stopword, kept as a gap)."""
    content = _content
    return [content(w) for w in _WORD.findall(text.lower())]


def _tokens(text: str) -> tuple[list[str | None], set[str], set[str]]:
    """Content tokens (None for a stopword, kept as a gap), names, and words seen lower-case."""
    stop = stopwords()
    out: list[str | None] = []
    capitalised: set[str] = set()
    lowered: set[str] = set()
    last_end = 0
    for match in _WORD.finditer(text):
        raw = match.group()
        start = match.start()
        word = raw.lower()
        if word in stop or len(word) < 2:
            out.append(None)
            last_end = match.end()
            continue
        term = _fold(word)
        first = raw[0]
        if first.isupper():
            if start > 0 and not _SENTENCE_BREAK.search(text, last_end, start):
                capitalised.add(term)
        elif first.islower():
            lowered.add(term)
        out.append(term)
        last_end = match.end()
    return out, capitalised, lowered


def _count(tokens: list[str | None], weight: float, counts: dict[str, float]) -> None:
    previous: str | None = None
    for token in tokens:
        if token is not None:
            counts[token] = counts.get(token, 0.0) + weight
            if previous is not None:
                pair = previous + " " + token
                counts[pair] = counts.get(pair, 0.0) + weight
        previous = token


def article_terms(
    article: Article,
    *,
    title_boost: float,
    entity_boost: float,
    max_chars: int,
    entities: Iterable[str] = (),
) -> dict[str, float]:
    """Term counts of ``article``: unigrams and adjacent pairs, headline and names boosted."""
    counts: dict[str, float] = {}
    text = article.text[:max_chars]
    title = article.title.strip()
    has_title = bool(title) and title_boost > 0 and not article.text.startswith(title[:60])
    if entity_boost == 1.0:  # names weigh like other words: no need to find them
        _count(_plain_tokens(text), 1.0, counts)
        if has_title:
            _count(_plain_tokens(title), title_boost, counts)
        return counts
    tokens, capitalised, lowered = _tokens(text)
    _count(tokens, 1.0, counts)
    if has_title:
        title_tokens, title_caps, _ = _tokens(title)
        _count(title_tokens, title_boost, counts)
        capitalised |= title_caps
    if entity_boost != 1.0:
        names = capitalised - lowered
        if article.dateline:
            names.update(t for t in _tokens(article.dateline.lower())[0] if t)
        for entity in entities:
            names.update(t for t in _tokens(entity.lower())[0] if t)
        for term in list(counts):
            parts = term.split(" ")
            if all(part in names for part in parts):
                counts[term] *= entity_boost
    return counts


def embedding_text(article: Article, max_chars: int) -> str:
    """The headline and the start of the text: what the embedding of an article is made of."""
    title = article.title.strip()
    if title and not article.text.startswith(title[:60]):
        return (title + "\n" + article.text)[:max_chars]
    return article.text[:max_chars]


@dataclass(frozen=True, slots=True)
class SparseVector:
    """A unit-length sparse vector: sorted bucket ids and their weights."""

    ids: NDArray[np.int64]
    weights: NDArray[np.float32]

    def dot(self, other: SparseVector) -> float:
        common, left, right = np.intersect1d(
            self.ids, other.ids, assume_unique=True, return_indices=True
        )
        if not len(common):
            return 0.0
        return float(np.dot(self.weights[left], other.weights[right]))

    def top(self, k: int, allowed: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
        """Ids of the ``k`` heaviest terms (among ``allowed`` ones, a mask over positions)."""
        weights = self.weights if allowed is None else np.where(allowed, self.weights, -1.0)
        if len(weights) > k:
            order = np.argpartition(-weights, k - 1)[:k]
        else:
            order = np.arange(len(weights))
        if allowed is not None:
            order = order[allowed[order]]
        return self.ids[order]


class TermStats:
    """Document frequencies of hashed terms, in a fixed array, and the number of documents."""

    def __init__(self) -> None:
        self.df: NDArray[np.uint32] = np.zeros(1 << HASH_BITS, dtype=np.uint32)
        self.n_docs = 0

    @staticmethod
    def hashed(counts: dict[str, float]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Bucket ids (sorted, unique) and summed counts of a term counter."""
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        ids = np.fromiter((_bucket(t) for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        unique, inverse = np.unique(ids, return_inverse=True)
        if len(unique) == len(ids):
            order = np.argsort(ids)
            return ids[order], tf[order]
        return unique, np.asarray(np.bincount(inverse, weights=tf), dtype=np.float64)

    def add(self, ids: NDArray[np.int64]) -> None:
        self.df[ids] += 1
        self.n_docs += 1

    def vector(
        self, ids: NDArray[np.int64], tf: NDArray[np.float64], max_df: float
    ) -> SparseVector:
        """Sublinear tf times smoothed idf, terms in more than ``max_df`` of documents dropped."""
        n = max(self.n_docs, 1)
        df = self.df[ids].astype(np.float64)
        idf = np.log((n + 1) / (df + 1)) + 1.0
        weights = np.where(tf >= 1, 1.0 + np.log(np.maximum(tf, 1.0)), tf) * idf
        if n >= MIN_DOCS_FOR_MAX_DF:
            keep = df <= max_df * n
            ids, weights = ids[keep], weights[keep]
        norm = math.sqrt(float(np.dot(weights, weights))) or 1.0
        return SparseVector(ids, (weights / norm).astype(np.float32))

    def document_share(self, ids: NDArray[np.int64]) -> NDArray[np.float64]:
        """The share of documents holding each term."""
        return self.df[ids].astype(np.float64) / max(self.n_docs, 1)


MIN_DOCS_FOR_MAX_DF = 50  # below this many documents no term is common enough to drop


def embed_articles(
    articles: Sequence[Article],
    options: ClusterOptions,
    given: Mapping[str, NDArray[np.float32]] | None = None,
) -> NDArray[np.float32] | None:
    """Unit-length embeddings of ``articles`` (rows in order), or None when not used."""
    if not options.uses_embeddings:
        return None
    given = given or {}
    missing = [i for i, a in enumerate(articles) if a.id not in given]
    dim: int
    if missing:
        embedder = get_embedder(options.embedder)
        dim = embedder.dim
    else:
        dim = len(next(iter(given.values()))) if given else 0
    out = np.zeros((len(articles), dim), dtype=np.float32)
    for i, article in enumerate(articles):
        if article.id in given:
            row = np.asarray(given[article.id], dtype=np.float32)
            if row.shape != (dim,):
                raise ValueError(
                    f"embedding of article {article.id} has shape {row.shape}, expected ({dim},)"
                )
            norm = float(np.linalg.norm(row)) or 1.0
            out[i] = row / norm
    if missing:
        for start in range(0, len(missing), EMBED_BATCH):
            chunk = missing[start : start + EMBED_BATCH]
            texts = [embedding_text(articles[i], options.embed_chars) for i in chunk]
            out[chunk] = embedder.encode(texts)
    return out
