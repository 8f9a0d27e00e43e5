"""Library baselines registered as evaluation methods: what people would use instead of newsweave.

Summarization: ``lead``, ``random`` (seeded) and sumy's LexRank, TextRank, LSA, Luhn, KL-Sum and
SumBasic.  Every one ranks the **same candidate sentences** — each document split by
:func:`newsweave.segment.segment_article`, exact repeats dropped — and fills the **same word
budget** the same way (:func:`fill_budget`), so only the ranking differs.  sumy gets its document
model built from those sentences with a word tokenizer of ours, so none of NLTK's downloadable
tokenizer data is needed.  KL-Sum and SumBasic rank greedily; sumy ranks every sentence, which
is cubic in their number, so ranking stops once the budget is full (the rest could never be
chosen).

Clustering: TF-IDF + average-link agglomerative clustering (scikit-learn) with a cosine distance
threshold tuned on ECB+ train, and the "all in one" and "all singletons" floors.

Pairs: TF-IDF cosine and rapidfuzz's ``token_ratio``; the harness tunes their thresholds on
another file or by cross-validation.

Extraction: trafilatura with its default settings.

The libraries are the ``eval`` extra; a baseline whose library is missing raises
:class:`~newsweave.errors.MissingDependencyError` when called.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np

from newsweave.errors import MissingDependencyError
from newsweave.evaluate.registry import register
from newsweave.model import Article, content_hash, stable_id
from newsweave.segment import segment_article

__all__ = ["Candidate", "candidates", "fill_budget"]

log = logging.getLogger(__name__)

RANDOM_SEED = 2004  # the random baseline's seed, mixed with each cluster's document ids
MIN_WORDS = 4  # candidate sentences shorter than this are bylines, datelines or debris
# Cosine distance below which TF-IDF vectors are merged (average link).  Tuned on
# clustering/ecbplus_train.jsonl for B-cubed F1 (`python benchmarks/quality.py --tune`);
# never on a dev split.
TFIDF_CLUSTER_THRESHOLD = 0.80
# Above this many articles the agglomerative baseline works on LSA vectors and merges only along
# a k-nearest-neighbour graph: the dense matrices of Multi-News' 14k articles would not fit.
KNN_ABOVE = 3000
KNN_NEIGHBOURS = 15
SVD_DIMENSIONS = 256


# --- summarization ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may go into a summary, and where it stands in its cluster."""

    doc: int  # index of its document in the cluster
    index: int  # its position in that document
    text: str

    @property
    def n_words(self) -> int:
        return len(self.text.split())


@lru_cache(maxsize=32768)
def _sentences(article: Article) -> tuple[str, ...]:
    return tuple(s.text for s in segment_article(article))


def candidates(docs: Sequence[Article]) -> list[Candidate]:
    """Every sentence of the cluster in reading order, exact repeats and fragments dropped."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for d, article in enumerate(docs):
        for i, text in enumerate(_sentences(article)):
            key = content_hash(text)
            if len(text.split()) < MIN_WORDS or key in seen:
                continue
            seen.add(key)
            out.append(Candidate(d, i, " ".join(text.split())))
    return out


def fill_budget(ranked: Sequence[Candidate], words: int) -> list[str]:
    """Take sentences in rank order until ``words`` words; the last one is cut to fit.

    The chosen sentences come back in reading order (document, then position).
    """
    chosen: list[tuple[Candidate, str]] = []
    total = 0
    for candidate in ranked:
        if total >= words:
            break
        tokens = candidate.text.split()
        if total + len(tokens) > words:
            tokens = tokens[: words - total]
        chosen.append((candidate, " ".join(tokens)))
        total += len(tokens)
    chosen.sort(key=lambda pair: (pair[0].doc, pair[0].index))
    return [text for _, text in chosen]


def _recency(article: Article, position: int) -> tuple[datetime, int]:
    return (article.published or datetime.min, position)


@register(
    "summarize",
    "lead",
    baseline=True,
    description="the most recent document's first sentences, then the next most recent's",
)
def lead(docs: Sequence[Article], words: int) -> list[str]:
    order = sorted(range(len(docs)), key=lambda d: _recency(docs[d], d), reverse=True)
    rank = {d: r for r, d in enumerate(order)}
    return fill_budget(sorted(candidates(docs), key=lambda c: (rank[c.doc], c.index)), words)


@register(
    "summarize",
    "random",
    baseline=True,
    description="sentences in a random order, seeded by the cluster's document ids",
    params={"seed": RANDOM_SEED},
)
def random_summary(docs: Sequence[Article], words: int) -> list[str]:
    pool = candidates(docs)
    seed = stable_id(str(RANDOM_SEED), *(d.external_id or d.id for d in docs))
    random.Random(seed).shuffle(pool)
    return fill_budget(pool, words)


class _WordTokenizer:
    """sumy's tokenizer interface, on our own regular expression (no NLTK data needed)."""

    language = "english"
    _WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(self._WORD.findall(text))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return (text,)


def _sumy_document(pool: Sequence[Candidate]) -> Any:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = _WordTokenizer()
    by_doc: dict[int, list[Any]] = {}
    for c in pool:
        by_doc.setdefault(c.doc, []).append(Sentence(c.text, tokenizer))
    return ObjectDocumentModel([Paragraph(sentences) for _, sentences in sorted(by_doc.items())])


def _greedy_until(
    budget: int, pick: Callable[[list[Any]], int], pool: list[Any]
) -> dict[Any, float]:
    """Ratings for sumy's greedy summarizers, stopping once ``budget`` words are chosen."""
    ratings: dict[Any, float] = {}
    words = 0
    while pool and words < budget:
        sentence = pool.pop(pick(pool))
        ratings[sentence] = -len(ratings)
        words += len(str(sentence).split())
    for sentence in pool:  # never reached: after everything chosen, in document order
        ratings.setdefault(sentence, -len(ratings) - 1e6)
    return ratings


def _kl_summarizer(stemmer: Any, budget: int) -> Any:
    from sumy.summarizers.kl import KLSummarizer

    class BudgetKL(KLSummarizer):  # type: ignore[misc]
        def _compute_ratings(self, sentences: Sequence[Any]) -> dict[Any, float]:
            doc_freq = self.compute_tf(sentences)
            content = {id(s): self._get_content_words_in_sentence(s) for s in sentences}
            summary_words: list[str] = []

            def pick(pool: list[Any]) -> int:
                kls = [
                    self._kl_divergence(self._joint_freq(content[id(s)], summary_words), doc_freq)
                    for s in pool
                ]
                best = self._find_index_of_best_sentence(kls)
                summary_words.extend(content[id(pool[best])])
                return int(best)

            return _greedy_until(budget, pick, list(sentences))

    return BudgetKL(stemmer)


def _sumbasic_summarizer(stemmer: Any, budget: int) -> Any:
    from sumy.summarizers.sum_basic import SumBasicSummarizer

    class BudgetSumBasic(SumBasicSummarizer):  # type: ignore[misc]
        def _compute_ratings(self, sentences: Sequence[Any]) -> dict[Any, float]:
            word_freq = self._compute_tf(sentences)
            content = {id(s): self._get_content_words_in_sentence(s) for s in sentences}

            def pick(pool: list[Any]) -> int:
                best = self._find_index_of_best_sentence(word_freq, [content[id(s)] for s in pool])
                self._update_tf(word_freq, content[id(pool[best])])
                return int(best)

            return _greedy_until(budget, pick, list(sentences))

    return BudgetSumBasic(stemmer)


def _sumy_summarizer(name: str, budget: int) -> Any:
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.lsa import LsaSummarizer
        from sumy.summarizers.luhn import LuhnSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as exc:
        raise MissingDependencyError(f"the {name} baseline (sumy)", "eval") from exc
    stemmer = Stemmer("english")
    makers: dict[str, Callable[[], Any]] = {
        "lexrank": lambda: LexRankSummarizer(stemmer),
        "textrank": lambda: TextRankSummarizer(stemmer),
        "lsa": lambda: LsaSummarizer(stemmer),
        "luhn": lambda: LuhnSummarizer(stemmer),
        "kl-sum": lambda: _kl_summarizer(stemmer, budget),
        "sumbasic": lambda: _sumbasic_summarizer(stemmer, budget),
    }
    summarizer = makers[name]()
    summarizer.stop_words = get_stop_words("english")
    return summarizer


def _sumy_rank(name: str, pool: list[Candidate], budget: int) -> list[Candidate]:
    """The candidates in the order sumy's ``name`` summarizer rates them, best first."""
    if len(pool) < 2:
        return pool
    document = _sumy_document(pool)
    ranked: list[Any] = []

    def capture(infos: Sequence[Any]) -> Sequence[Any]:  # sumy passes them best first
        ranked.extend(info.sentence for info in infos)
        return infos

    _sumy_summarizer(name, budget)(document, capture)
    by_text: dict[str, list[Candidate]] = {}
    for c in pool:
        by_text.setdefault(c.text, []).append(c)
    order: list[Candidate] = []
    for sentence in ranked:
        matches = by_text.get(str(sentence))
        if matches:
            order.append(matches.pop(0))
    return order


SUMY_METHODS = {
    "lexrank": "sumy LexRank (Erkan & Radev 2004): eigenvector centrality of a TF-IDF graph",
    "textrank": "sumy TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap similarity",
    "lsa": "sumy LSA (Steinberger & Ježek 2004): sentences by their weight in the top topics",
    "luhn": "sumy Luhn (1958): clusters of significant words",
    "kl-sum": "sumy KL-Sum (Haghighi & Vanderwende 2009): greedy KL divergence to the input",
    "sumbasic": "sumy SumBasic (Nenkova & Vanderwende 2005): greedy word probability",
}


def _register_sumy(name: str, description: str) -> None:
    @register("summarize", name, baseline=True, description=description)
    def summarize(docs: Sequence[Article], words: int) -> list[str]:
        pool = candidates(docs)
        return fill_budget(_sumy_rank(name, pool, words), words)


for _name, _description in SUMY_METHODS.items():
    _register_sumy(_name, _description)


# --- clustering -------------------------------------------------------------------------------


def _tfidf(texts: Sequence[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    return vectorizer.fit_transform(texts)


def _article_text(article: Article) -> str:
    return f"{article.title}\n{article.text}" if article.title else article.text


def agglomerative_labels(articles: Sequence[Article], threshold: float) -> list[str]:
    """Average-link agglomerative clusters of TF-IDF vectors, cut at a cosine distance.

    Above :data:`KNN_ABOVE` articles the vectors are reduced to :data:`SVD_DIMENSIONS` (LSA)
    and clusters only merge along a k-nearest-neighbour graph, which keeps memory linear.
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.decomposition import TruncatedSVD
    from sklearn.neighbors import kneighbors_graph
    from sklearn.preprocessing import normalize

    if len(articles) < 2:
        return ["0"] * len(articles)
    matrix = _tfidf([_article_text(a) for a in articles])
    connectivity = None
    if len(articles) > KNN_ABOVE:
        svd = TruncatedSVD(n_components=SVD_DIMENSIONS, random_state=0)
        vectors = normalize(svd.fit_transform(matrix))
        connectivity = kneighbors_graph(vectors, KNN_NEIGHBOURS, metric="cosine")
    else:
        vectors = matrix.toarray()
    model = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=threshold,
        metric="cosine",
        linkage="average",
        connectivity=connectivity,
    )
    return [str(label) for label in model.fit_predict(vectors)]


@register(
    "cluster",
    "tfidf-agglomerative",
    baseline=True,
    description="scikit-learn TF-IDF + average-link agglomerative clustering, cosine distance",
    params={
        "threshold": TFIDF_CLUSTER_THRESHOLD,
        "tuned_on": "clustering/ecbplus_train.jsonl",
        "lsa_knn_above": KNN_ABOVE,
    },
)
def tfidf_agglomerative(articles: Sequence[Article]) -> list[str]:
    return agglomerative_labels(articles, TFIDF_CLUSTER_THRESHOLD)


@register("cluster", "all-in-one", baseline=True, description="every article in one cluster")
def all_in_one(articles: Sequence[Article]) -> list[str]:
    return ["all"] * len(articles)


@register("cluster", "singletons", baseline=True, description="every article its own cluster")
def singletons(articles: Sequence[Article]) -> list[str]:
    return [str(i) for i in range(len(articles))]


# --- pairs ------------------------------------------------------------------------------------


@register(
    "pairs",
    "tfidf-cosine",
    baseline=True,
    description="cosine of TF-IDF vectors (scikit-learn), IDF from the scored texts",
)
def tfidf_cosine(pairs: Sequence[tuple[str, str]]) -> list[float]:
    if not pairs:
        return []
    matrix = _tfidf([t for pair in pairs for t in pair])
    a, b = matrix[0::2], matrix[1::2]  # rows are L2-normalised: the dot product is the cosine
    return [float(x) for x in np.asarray(a.multiply(b).sum(axis=1)).ravel()]


@register(
    "pairs",
    "rapidfuzz-token-ratio",
    baseline=True,
    description="rapidfuzz fuzz.token_ratio (best of token-sort and token-set ratios) / 100",
)
def token_ratio(pairs: Sequence[tuple[str, str]]) -> list[float]:
    from rapidfuzz import fuzz, utils

    return [fuzz.token_ratio(a, b, processor=utils.default_process) / 100 for a, b in pairs]


# --- extraction -------------------------------------------------------------------------------


@register("extract", "trafilatura", baseline=True, description="trafilatura.extract, defaults")
def trafilatura_default(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""
