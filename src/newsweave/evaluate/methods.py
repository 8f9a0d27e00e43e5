"""newsweave's own methods for the evaluation harness: one small function per task."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from newsweave.entities import NameMemory, RuleRecognizer
from newsweave.evaluate.registry import register
from newsweave.model import Article, Quote
from newsweave.quotes import QuoteOptions, find_quotes

__all__ = [
    "cluster_newsweave",
    "cluster_newsweave_fast",
    "cluster_newsweave_static",
    "extract_newsweave",
    "extract_page_only",
    "ner_newsweave",
    "pairs_newsweave",
    "pairs_newsweave_fitted",
    "pairs_newsweave_lexical",
    "pairs_newsweave_static",
    "quotes_newsweave",
    "summarize_newsweave",
    "summarize_newsweave_fast",
    "summarize_newsweave_lexical",
]

# Names a stream of sentences remembers: about a few Reuters stories' worth (see below).
NER_MEMORY = 300


@register(
    "quotes",
    "newsweave",
    description="direct quotes in every mark style and reported speech, rule-based",
    params={"indirect": True},
)
def quotes_newsweave(article: Article) -> list[Quote]:
    return find_quotes(article, QuoteOptions(indirect=True))


@register(
    "ner",
    "newsweave",
    description="rule and gazetteer recognizer with document memory over the sentence stream",
    params={"recognizer": "rules", "memory": NER_MEMORY},
)
def ner_newsweave(text: str) -> list[tuple[int, int, str]]:
    """Names of one sentence.

    The harness feeds a corpus one sentence at a time, in order; like a reader of the whole
    story, the recognizer keeps what earlier sentences established ("Phil Simmons" is a
    person, so "Simmons" is too) in a bounded memory, so old stories are forgotten.
    """
    recognizer, memory = _stream()
    return [(s.start, s.end, s.type.value) for s in recognizer.recognize(text, memory)]


@lru_cache(maxsize=1)
def _stream() -> tuple[RuleRecognizer, NameMemory]:
    return RuleRecognizer(), NameMemory(capacity=NER_MEMORY)


# --- extract ----------------------------------------------------------------------------------


@register(
    "extract",
    "newsweave",
    description="the HTML path of ingest: trafilatura (precision, no comments), then clean "
    "(boilerplate lines, repeated headline, dateline, byline): the body newsweave stores",
)
def extract_newsweave(html: str, url: str | None) -> str:
    from newsweave.clean import clean_document
    from newsweave.ingest import RawDocument, Rejection

    result = clean_document(RawDocument(origin=url or "page", format="html", html=html, url=url))
    return "" if isinstance(result, Rejection) else result.text


@register(
    "extract",
    "newsweave-page",
    description="only the extraction step of ingest (trafilatura, precision, no comments), "
    "before clean",
)
def extract_page_only(html: str, url: str | None) -> str:
    from newsweave.extract import extract_text

    return extract_text(html, url)


# --- summarize --------------------------------------------------------------------------------


def _summarize(docs: Sequence[Article], words: int, embedder: str, solver: str) -> list[str]:
    from newsweave.summarize import SummarizeOptions, summarize_story

    # fill: the words whole sentences leave unused take the start of one more sentence, as the
    # baselines' last sentence is cut to the budget (the protocols' ROUGE -l cut)
    options = SummarizeOptions(words=words, embedder=embedder, solver=solver, fill=True)
    return [s.text for s in summarize_story(docs, options).sentences]


@register(
    "summarize",
    "newsweave",
    description="concept-coverage ILP over independent origins, position-weighted, trimmed "
    "sentences; MiniLM (when installed) groups equivalent sentences",
    params={"embedder": "auto", "solver": "ilp", "fill": True},
)
def summarize_newsweave(docs: Sequence[Article], words: int) -> list[str]:
    return _summarize(docs, words, "auto", "ilp")


@register(
    "summarize",
    "newsweave-fast",
    description="the same, with the static model distilled from MiniLM (no torch at run time)",
    params={"embedder": "static", "solver": "ilp", "fill": True},
)
def summarize_newsweave_fast(docs: Sequence[Article], words: int) -> list[str]:
    return _summarize(docs, words, "static", "ilp")


@register(
    "summarize",
    "newsweave-lexical",
    description="the same, with no model at all: hashed word features, ILP",
    params={"embedder": "hashing", "solver": "ilp", "fill": True},
)
def summarize_newsweave_lexical(docs: Sequence[Article], words: int) -> list[str]:
    return _summarize(docs, words, "hashing", "ilp")


# --- pairs ------------------------------------------------------------------------------------


@register(
    "pairs",
    "newsweave",
    description="reuse sentence scorer: MiniLM cosine + IDF-weighted aligned coverage "
    "- longest unmatched run (equal weights, nothing fitted)",
    params={"embedder": "auto (MiniLM when installed)"},
)
def pairs_newsweave(pairs: Sequence[tuple[str, str]]) -> list[float]:
    from newsweave.embed import get_embedder
    from newsweave.reuse import score_pairs

    return [float(x) for x in score_pairs(pairs, get_embedder("auto"))]


@register(
    "pairs",
    "newsweave-fitted",
    description="reuse paraphrase score: logistic regression over MiniLM cosine, coverage, gap, "
    "unmatched and gap counts, number mismatches (weights fitted on MSRP train)",
    params={"embedder": "minilm", "fitted_on": "reuse/msrp_train.jsonl"},
)
def pairs_newsweave_fitted(pairs: Sequence[tuple[str, str]]) -> list[float]:
    from newsweave.embed import get_embedder
    from newsweave.reuse.similarity import paraphrase_scores

    return [float(x) for x in paraphrase_scores(pairs, get_embedder("minilm"))]


@register(
    "pairs",
    "newsweave-static",
    description="reuse sentence scorer, fast path: static (model2vec) cosine + coverage - gap",
    params={"embedder": "static"},
)
def pairs_newsweave_static(pairs: Sequence[tuple[str, str]]) -> list[float]:
    from newsweave.embed import get_embedder
    from newsweave.reuse import score_pairs

    return [float(x) for x in score_pairs(pairs, get_embedder("static"))]


@register(
    "pairs",
    "newsweave-lexical",
    description="reuse sentence scorer without embeddings: lexical cosine + coverage - gap",
    params={"embedder": "none"},
)
def pairs_newsweave_lexical(pairs: Sequence[tuple[str, str]]) -> list[float]:
    from newsweave.reuse import score_pairs

    return [float(x) for x in score_pairs(pairs, None)]


# --- cluster ----------------------------------------------------------------------------------


def _cluster(articles: Sequence[Article], embedder: str, granularity: str = "topic") -> list[str]:
    from newsweave.cluster import ClusterOptions, cluster_articles

    story_of = {}
    options = ClusterOptions(embedder=embedder, granularity=granularity)
    for story in cluster_articles(articles, options):
        for article_id in story.article_ids:
            story_of[article_id] = story.id
    return [story_of[a.id] for a in articles]


@register(
    "cluster",
    "newsweave",
    description="salient-term candidates, tf-idf + MiniLM cosines (when installed) sharpened by "
    "shared nearest neighbours, sparse average link with a time penalty",
    params={"embedder": "auto"},
)
def cluster_newsweave(articles: Sequence[Article]) -> list[str]:
    return _cluster(articles, "auto")


@register(
    "cluster",
    "newsweave-fast",
    description="the same with no embedder: terms and shared neighbours only",
    params={"embedder": "none"},
)
def cluster_newsweave_fast(articles: Sequence[Article]) -> list[str]:
    return _cluster(articles, "none")


@register(
    "cluster",
    "newsweave-static",
    description="the same with the static model distilled from MiniLM",
    params={"embedder": "static"},
)
def cluster_newsweave_static(articles: Sequence[Article]) -> list[str]:
    return _cluster(articles, "static")


@register(
    "cluster",
    "newsweave-event",
    description="the fast path at the granularity the digest uses: bursts of coverage days "
    "apart stay apart (changes only dated sets)",
    params={"embedder": "none", "granularity": "event"},
)
def cluster_newsweave_event(articles: Sequence[Article]) -> list[str]:
    return _cluster(articles, "none", "event")
