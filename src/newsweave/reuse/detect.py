"""Find reused text between articles: exact copies, near-duplicates and shared passages.

Three candidate generators, each sub-quadratic in the number of articles, feed one verifier:

1. **exact copies** share :attr:`Article.text_hash`; only the earliest of each group goes on;
2. **near-duplicates**: MinHash LSH (datasketch) over the article's shingles — hashed
   ``shingle_size``-grams of normalized content tokens (:mod:`.normalize`), so spun names and
   number formats still match;
3. **shared passages**: an inverted index from shingle to articles.  Shingles found in more than
   ``max_df`` articles (boilerplate, stock phrases, or a wire story printed everywhere — which
   the LSH finds instead) are skipped, so the pairs it yields grow with the corpus, not its
   square; pairs sharing at least ``min_shared_shingles`` shingles are candidates.

Each article keeps at most ``max_candidates`` partners (those sharing the most shingles).  The
verifier aligns the sentences of a candidate pair (:func:`align_sentences`): sentence pairs that
share IDF-weighted content are scored with :func:`.similarity.pair_score` and matched one to
one, best first; a pair at or above ``passage_threshold`` is an :class:`Passage`
(``identical``, ``trimmed`` — one side keeps only part of the other, whose span is narrowed to
that part — or ``reworded``).  The pair becomes a :class:`ReuseLink` when the passages say so
(:func:`_decide`): EXACT, NEAR_DUPLICATE (both articles mostly aligned) or PASSAGE (enough
aligned sentences that are not just a shared quotation).  Who copied whom is decided afterwards
by :mod:`.provenance`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from newsweave.embed import Embedder
from newsweave.errors import ConfigError
from newsweave.model import Article, ReuseKind, Sentence, Span
from newsweave.reuse.attribution import OutletIndex
from newsweave.reuse.normalize import Token, normalize
from newsweave.reuse.similarity import (
    Idf,
    LexicalFeatures,
    idf_from_counts,
    lexical_features,
    pair_score,
)
from newsweave.segment import SegmentOptions, segment_article

__all__ = [
    "Corpus",
    "Found",
    "Pair",
    "Passage",
    "Prepared",
    "ReuseOptions",
    "TokenHasher",
    "Vocabulary",
    "align_sentences",
    "candidate_pairs",
    "find_pairs",
    "hours_apart",
    "identical_passages",
    "low32",
    "minhash_of",
    "prepare",
    "prune_siblings",
    "shared_fragments",
    "verify_pair",
    "within_window",
]

log = logging.getLogger(__name__)

# --- tuning constants -------------------------------------------------------------------------
# Calibrated on the spinning benchmark (benchmarks/spin.py): real articles of ECB+ *train*
# spun at 0-50% of content words, against the other articles of their ECB+ topic.
SHINGLE_SIZE = 3  # content tokens per shingle: 30%-spun text keeps ~1/3 of its 3-grams
NUM_PERM = 128  # MinHash permutations
LSH_THRESHOLD = 0.5  # Jaccard at which LSH reports a pair (it finds lower ones less often)
MAX_DF = 50  # shingles in more articles than this are not indexed (boilerplate, stock phrases)
MIN_SHARED_SHINGLES = 2  # shingles a pair must share to be aligned
MAX_CANDIDATES = 30  # partners verified per article (those sharing the most shingles)
PASSAGE_THRESHOLD = 1.15  # pair_score of an aligned passage (a copy, stricter than equivalence)
MIN_PASSAGES = 3  # aligned passages that make a link (see _decide for the other ways)
MIN_PASSAGE_CONTENT = 6  # content words (not numbers) a passage needs to count
STRONG_PASSAGE = 1.6  # pair_score of a near-verbatim passage
STRONG_PASSAGE_TOKENS = 12  # a near-verbatim passage this long links on its own
ORDERED_OVERLAP = 0.3  # word 4-gram Dice of a spun copy's sentence (ECB+ train: 90% above)
WHOLE_TOKENS = 20  # content words of a whole-text alignment (_whole_alignment)
NEAR_DUPLICATE_COVERAGE = 0.8  # both articles this much aligned: NEAR_DUPLICATE
NEAR_DUPLICATE_JACCARD = 0.5  # or shingle Jaccard this high
# Sentence pairs are scored only if they share this share of the smaller one's content IDF
# mass, or (with an embedder) have at least this cosine.
PREFILTER_SHARE = 0.25
# Second alignment pass (see align_sentences): anchors needed, and the score it accepts.
MIN_ANCHORS = 2
IN_ORDER_THRESHOLD = 0.8
PREFILTER_COSINE = 0.75
QUOTE_SHARE = 0.5  # a sentence this much inside quotation marks is a quotation
TRIM_UNMATCHED = 0.15  # shorter side at most this unmatched, longer side ≥ 3 tokens more: trimmed
EXACT_FANOUT = 50  # exact copies of an article that get its other links verified too
FRAGMENT_TOKENS = 5  # shared words that link two articles when one credits the other...
FRAGMENT_CONTENT = 2  # ...of which this many content words
# An article credits what it took from the credited outlet's recent output: pairs further
# apart in time than this are not verified for credit alone (shared text still links them).
# A week, generous for wire copy; calibrated on nothing but that reading (newsgen's credited
# outlets' stories of other months shared only stock sentences with the crediting article).
CITED_WINDOW_HOURS = 7 * 24.0
MIN_WIRE_CITATIONS = 2  # articles crediting an outlet that make it a wire source

# Reporters write in the third person: outside quotation marks, "I", "we", "my" mean a quote
# whose marks were lost or sit in another sentence.
_FIRST_PERSON_RE = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|we|We|my|My|our|Our|us)\b")
_URL_RE = re.compile(r"https?\s*:\s*/|www\s*\.", re.IGNORECASE)
_MASK64 = (1 << 64) - 1
_FNV_PRIME = 0x100000001B3
# Quotations, across sentence boundaries within a paragraph: “…”, ‘…’, ``…'', "…", «…».
_QUOTED_RE = re.compile(r"“[^”\n]*”|‘[^’\n]*’(?!\w)|``[^\n]*?''|\"[^\"\n]*\"|«[^»\n]*»")


@dataclass(frozen=True)
class ReuseOptions:
    """Options of the reuse stage (see the constants above for what each trades off)."""

    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    lsh_threshold: float = LSH_THRESHOLD
    max_df: int = MAX_DF
    min_shared_shingles: int = MIN_SHARED_SHINGLES
    max_candidates: int = MAX_CANDIDATES
    passage_threshold: float = PASSAGE_THRESHOLD
    min_passages: int = MIN_PASSAGES
    near_duplicate_coverage: float = NEAR_DUPLICATE_COVERAGE
    near_duplicate_jaccard: float = NEAR_DUPLICATE_JACCARD
    equivalence_threshold: float | None = None  # sentence groups; None: per-embedder default
    embedder: Embedder | None = field(default=None, compare=False)  # None: lexical cosine
    segment: SegmentOptions | None = None

    def __post_init__(self) -> None:
        checks: list[tuple[str, bool, str]] = [
            ("shingle_size", 1 <= self.shingle_size <= 8, "an integer from 1 to 8"),
            ("num_perm", 16 <= self.num_perm <= 1024, "an integer from 16 to 1024"),
            ("lsh_threshold", 0.0 < self.lsh_threshold < 1.0, "between 0 and 1, exclusive"),
            ("max_df", self.max_df >= 2, "at least 2"),
            ("min_shared_shingles", self.min_shared_shingles >= 1, "at least 1"),
            ("max_candidates", self.max_candidates >= 1, "at least 1"),
            ("passage_threshold", -1.0 <= self.passage_threshold <= 2.0, "from -1 to 2"),
            ("min_passages", self.min_passages >= 1, "at least 1"),
            ("near_duplicate_coverage", 0.0 < self.near_duplicate_coverage <= 1.0, "in (0, 1]"),
            ("near_duplicate_jaccard", 0.0 < self.near_duplicate_jaccard <= 1.0, "in (0, 1]"),
        ]
        for name, ok, valid in checks:
            if not ok:
                raise ConfigError(f"reuse: {name}={getattr(self, name)!r}; it must be {valid}")
        if self.equivalence_threshold is not None and not -1.0 <= self.equivalence_threshold <= 2:
            raise ConfigError(
                f"reuse: equivalence_threshold={self.equivalence_threshold!r}; "
                "it must be from -1 to 2, or None for the embedder's default"
            )
        if self.embedder is not None and not hasattr(self.embedder, "encode"):
            raise ConfigError("reuse: embedder must have an encode(texts) method (an Embedder)")


class Vocabulary:
    """Integer ids of normalized tokens and their IDF weights, shared by one corpus's articles:
    the sentence aligner compares two articles' sentences as small count matrices over them."""

    def __init__(self, idf: Idf, terms: Iterable[str] = ()) -> None:
        self.idf = idf
        self.index: dict[str, int] = {}
        self._weights: list[float] = []
        self._array: NDArray[np.float64] | None = None
        for term in terms:
            self.id(term)

    def id(self, term: str) -> int:
        found = self.index.get(term)
        if found is None:
            found = self.index[term] = len(self.index)
            self._weights.append(self.idf(term))
            self._array = None
        return found

    def ids(self, tokens: Iterable[str]) -> NDArray[np.int32]:
        index = self.index
        return np.array([index[t] if t in index else self.id(t) for t in tokens], dtype=np.int32)

    @property
    def weights(self) -> NDArray[np.float64]:
        """IDF weight per id."""
        if self._array is None:
            self._array = np.array(self._weights, dtype=np.float64)
        return self._array


class Encoded(NamedTuple):
    """An article's tokens as vocabulary ids: every token, and the content tokens, of all its
    sentences in order, with each sentence's token counts."""

    vocabulary: Vocabulary
    norm_ids: NDArray[np.int32]
    norm_lengths: NDArray[np.int32]
    content_ids: NDArray[np.int32]
    content_lengths: NDArray[np.int32]


def encode(prepared: Prepared, vocabulary: Vocabulary) -> Encoded:
    """``prepared``'s tokens as ids of ``vocabulary`` (which learns the ones it lacks)."""
    return Encoded(
        vocabulary,
        vocabulary.ids(t for norms in prepared.norms for t in norms),
        np.array([len(n) for n in prepared.norms], dtype=np.int32),
        vocabulary.ids(t for content in prepared.content for t in content),
        np.array([len(c) for c in prepared.content], dtype=np.int32),
    )


class _LazyTokens(Sequence[list[Token]]):
    """An article's normalized tokens with offsets, per sentence, normalized when asked for:
    few sentences ever need them, and keeping them all costs more memory than the text."""

    __slots__ = ("_sentences",)

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self._sentences = sentences

    def __len__(self) -> int:
        return len(self._sentences)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [normalize(s.text, s.start) for s in self._sentences[k]]
        sentence = self._sentences[k]
        return normalize(sentence.text, sentence.start)


@dataclass(slots=True)
class Prepared:
    """An article ready for alignment: its sentences and their normalized tokens.

    Token offsets (``tokens``) are only needed for the passages of linked articles, so they are
    not kept: asking for a sentence's tokens normalizes it again.  Normalized tokens are
    interned (one string object per distinct token in the process, not one per occurrence).
    """

    article: Article
    sentences: list[Sentence]
    norms: list[list[str]]  # per sentence, every token
    content: list[list[str]]  # per sentence, content tokens only
    quote_share: list[float]  # per sentence, share of characters inside quotation marks
    weights: list[float] = field(default_factory=list)  # per sentence content IDF mass (cache)
    names: list[frozenset[str]] | None = None  # per sentence, see _names
    encoded: Encoded | None = None  # token ids in the corpus vocabulary (set by find_pairs)

    @property
    def tokens(self) -> Sequence[list[Token]]:
        """Normalized tokens per sentence, with offsets into the article text."""
        return _LazyTokens(self.sentences)


_NO_NAMES: frozenset[str] = frozenset()


def prepare(
    article: Article, sentences: Sequence[Sentence] | None, options: ReuseOptions
) -> Prepared:
    """Segment (unless ``sentences`` are given) and normalize one article."""
    sents = list(sentences) if sentences is not None else segment_article(article, options.segment)
    norms: list[list[str]] = []
    content: list[list[str]] = []
    names: list[frozenset[str]] = []
    intern = sys.intern
    text = article.text
    for sentence in sents:
        tokens = normalize(sentence.text, sentence.start)
        row = [intern(t.norm) for t in tokens]
        norms.append(row)
        content.append([n for n, t in zip(row, tokens, strict=True) if t.content])
        names.append(_capitalized(text, tokens) or _NO_NAMES)
    return Prepared(
        article=article,
        sentences=sents,
        norms=norms,
        content=content,
        quote_share=_quote_shares(article.text, sents),
        names=names,
    )


def _quote_shares(text: str, sentences: Sequence[Sentence]) -> list[float]:
    """Share of each sentence's characters inside a quotation (which may span sentences)."""
    quoted = [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]
    shares = []
    for sentence in sentences:
        inside = sum(
            max(0, min(end, sentence.end) - max(start, sentence.start)) for start, end in quoted
        )
        shares.append(inside / max(1, sentence.end - sentence.start))
    return shares


class TokenHasher:
    """Stable 64-bit hashes of tokens and shingles (blake2b; Python's ``hash`` is salted)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def token(self, norm: str) -> int:
        value = self._cache.get(norm)
        if value is None:
            digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
            value = self._cache[norm] = int.from_bytes(digest, "little")
        return value

    def shingles(self, content: Sequence[str], size: int) -> NDArray[np.uint64]:
        hashes = [self.token(t) for t in content]
        if len(hashes) < size:
            if not hashes:
                return np.zeros(0, dtype=np.uint64)
            size = len(hashes)  # a short text is one shingle
        out = set()
        for i in range(len(hashes) - size + 1):
            h = 0
            for value in hashes[i : i + size]:
                h = ((h * _FNV_PRIME) ^ value) & _MASK64
            out.add(h)
        return np.array(sorted(out), dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Passage:
    """An aligned passage while pairs are verified: a model ``AlignedPassage`` that also knows
    the positions of its two sentences (``source`` is on the pair's ``a`` side)."""

    source: Span
    target: Span
    score: float
    kind: str  # "identical" | "trimmed" | "reworded"
    source_sentence: int
    target_sentence: int


@dataclass(frozen=True, slots=True)
class Pair:
    """A verified candidate pair: ``a`` is the earlier article in the corpus order."""

    a: int
    b: int
    kind: ReuseKind
    jaccard: float
    containment_a_in_b: float  # shingles of a found in b
    containment_b_in_a: float
    coverage_a: float  # share of a's content inside aligned passages
    coverage_b: float
    passages: tuple[Passage, ...]  # source side = a, target side = b


@dataclass
class Corpus:
    """What the verifier needs of the whole corpus, built in one pass."""

    articles: list[Article]
    shingles: list[NDArray[np.uint64]]
    idf: Idf
    get: Callable[[int], Prepared]
    cosine: Callable[[Prepared, Prepared], NDArray[np.float32] | None]


def corpus_order(articles: Sequence[Article]) -> list[int]:
    """Indices of ``articles`` by publication time (undated last), then id: the corpus order.

    A date without a time (midnight exactly) counts as the end of its day: "published on the
    3rd" is no evidence of being earlier than "08:40 on the 3rd".
    """
    return sorted(range(len(articles)), key=lambda i: (*time_key(articles[i]), articles[i].id))


def time_key(article: Article) -> tuple[int, str]:
    """Sort key of a publication time: dated first, date-only at the end of its day."""
    if article.published is None:
        return (1, "")
    when = _naive(article.published)
    if when.hour == when.minute == when.second == when.microsecond == 0:
        when = when.replace(hour=23, minute=59, second=59)
    return (0, when.isoformat())


@dataclass
class Found:
    """What :func:`find_pairs` returns: the corpus in order, its verified pairs, and context."""

    articles: list[Article]  # corpus order: earliest first
    pairs: list[Pair]  # indices into ``articles``, ``a < b``
    get: Callable[[int], Prepared]  # prepared articles (cached)
    outlets: OutletIndex
    credits: dict[int, dict[int, str]]  # article → {article it credits or cites: how}
    siblings: int = 0  # pairs dropped as sharing text only through a third article


def find_pairs(
    articles: Sequence[Article],
    options: ReuseOptions,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
) -> Found:
    """Candidates, verification and sibling pruning over ``articles`` (see the module docstring)."""
    ordered = [articles[i] for i in corpus_order(articles)]
    sentences = sentences or {}
    hasher = TokenHasher()
    cache: dict[int, Prepared] = {}

    def get(i: int) -> Prepared:
        found = cache.get(i)
        if found is None:
            found = cache[i] = prepare(ordered[i], sentences.get(ordered[i].id), options)
        return found

    # Pass 1: shingles and sentence document frequencies.
    shingle_sets: list[NDArray[np.uint64]] = []
    df: Counter[str] = Counter()
    n_sentences = 0
    for i in range(len(ordered)):
        prepared = get(i)
        flat = [t for content in prepared.content for t in content]
        shingle_sets.append(hasher.shingles(flat, options.shingle_size))
        for norms in prepared.norms:
            df.update(set(norms))
        n_sentences += len(prepared.norms)
    idf = idf_from_counts(df, n_sentences)
    vocabulary = Vocabulary(idf, sorted(df))
    del df
    for i in range(len(ordered)):
        prepared = get(i)
        prepared.encoded = encode(prepared, vocabulary)

    embeddings: dict[int, NDArray[np.float32]] = {}

    def cosine(a: Prepared, b: Prepared) -> NDArray[np.float32] | None:
        if options.embedder is None:
            return None
        vectors = []
        for prepared in (a, b):
            key = id(prepared.article)
            if key not in embeddings:
                embeddings[key] = options.embedder.encode([s.text for s in prepared.sentences])
            vectors.append(embeddings[key])
        matrix: NDArray[np.float32] = vectors[0] @ vectors[1].T
        return matrix

    corpus = Corpus(ordered, shingle_sets, idf, get, cosine)
    outlets = OutletIndex(ordered)
    credits = _credit_map(ordered, outlets)
    exact_pairs, members = _exact_groups(ordered)
    representatives = sorted(members)
    candidates = set(candidate_pairs(shingle_sets, representatives, options))
    cited = _attribution_pairs(ordered, credits, members, options)
    pairs: list[Pair] = [
        Pair(a, b, ReuseKind.EXACT, 1.0, 1.0, 1.0, 1.0, 1.0, identical_passages(get(a), get(b)))
        for a, b in exact_pairs
    ]
    for a, b in sorted(candidates | cited):
        verified = verify_pair(corpus, a, b, options, cited=(a, b) in cited)
        if verified is None:
            continue
        pairs.append(verified)
        # Exact copies of either side share this text too (up to EXACT_FANOUT of them).
        for rep, other in ((a, b), (b, a)):
            for member in members.get(rep, [])[1 : EXACT_FANOUT + 1]:
                x, y = min(member, other), max(member, other)
                copied = verify_pair(corpus, x, y, options, cited=(x, y) in cited)
                if copied is not None:
                    pairs.append(copied)
    pairs = sorted({(p.a, p.b): p for p in pairs}.values(), key=lambda p: (p.a, p.b))
    cited_by = Counter(s for sources in credits.values() for s in sources)
    upstream = [
        (cited_by[i] < MIN_WIRE_CITATIONS, *time_key(article)) for i, article in enumerate(ordered)
    ]
    kept = prune_siblings(pairs, upstream)
    log.info(
        "reuse: %d articles, %d exact copies, %d candidate pairs, %d links (%d siblings dropped)",
        len(ordered),
        len(exact_pairs),
        len(candidates | cited),
        len(kept),
        len(pairs) - len(kept),
    )
    return Found(ordered, kept, get, outlets, credits, len(pairs) - len(kept))


def _credit_map(articles: Sequence[Article], outlets: OutletIndex) -> dict[int, dict[int, str]]:
    """For each article, the corpus articles whose outlet it credits or cites, and how."""
    out: dict[int, dict[int, str]] = {}
    for t, article in enumerate(articles):
        found: dict[int, str] = {}
        for s, how in outlets.credited(article):
            if s != t and not outlets.same_outlet(s, t):
                found.setdefault(s, how)
        if found:
            out[t] = found
    return out


def _attribution_pairs(
    articles: Sequence[Article],
    credits: Mapping[int, Mapping[int, str]],
    members: Mapping[int, Sequence[int]],
    options: ReuseOptions,
) -> set[tuple[int, int]]:
    """Pairs (a, b) where one credits or cites the other's outlet: verified even with little
    shared text.  Per article, the credited outlet's articles nearest in time, earlier first."""
    representative = {m: rep for rep, group in members.items() for m in group}
    out: set[tuple[int, int]] = set()
    for t, sources in credits.items():
        ranked = sorted(
            (s for s in sources if within_window(articles[s], articles[t])),
            key=lambda s: (s > t, hours_apart(articles[s], articles[t]), s),
        )
        for s in ranked[: options.max_candidates]:
            a, b = representative.get(s, s), representative.get(t, t)
            if a != b:
                out.add((min(a, b), max(a, b)))
    return out


def within_window(a: Article, b: Article) -> bool:
    """Whether two articles are close enough in time for a credit to pair them (or undated)."""
    return a.published is None or b.published is None or hours_apart(a, b) <= CITED_WINDOW_HOURS


def hours_apart(a: Article, b: Article) -> float:
    if a.published is None or b.published is None:
        return 1e9
    return abs((_naive(a.published) - _naive(b.published)).total_seconds()) / 3600.0


def _naive(value: datetime) -> datetime:
    offset = value.utcoffset()
    return (value - offset).replace(tzinfo=None) if offset is not None else value


def prune_siblings(pairs: Sequence[Pair], upstream: Sequence[tuple[Any, ...]]) -> list[Pair]:
    """Drop the pairs whose every passage they share only through a third article.

    B and C that both copied A share A's text; B–C is then not a copy relation.  A pair (x, y)
    is dropped when some z, not downstream of the later of the two and linked to both by pairs
    still kept, carries every passage of (x, y) on both sides.  ``upstream[i]`` orders articles:
    wire sources (outlets other articles credit) first, then by publication time; undated
    articles tie.  Later pairs are judged first, and among equals the weaker; so a chain
    A → B → C keeps B → C when C has text only B added, and drops A – C.  Exact copies are
    never dropped.
    """
    by_key = {(p.a, p.b): p for p in pairs}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for p in pairs:
        neighbours[p.a].add(p.b)
        neighbours[p.b].add(p.a)
    dropped: set[tuple[int, int]] = set()

    def later(p: Pair) -> tuple[Any, ...]:
        return max(upstream[p.a], upstream[p.b])

    order = sorted(pairs, key=lambda p: (_strength(p), p.a, p.b))
    order.sort(key=lambda p: (later(p), min(upstream[p.a], upstream[p.b])), reverse=True)
    for p in order:
        if p.kind is ReuseKind.EXACT:
            continue
        for z in sorted((neighbours[p.a] & neighbours[p.b]) - {p.a, p.b}):
            if upstream[z] > later(p):
                continue
            via_a = by_key.get((min(p.a, z), max(p.a, z)))
            via_b = by_key.get((min(p.b, z), max(p.b, z)))
            if via_a is None or via_b is None:
                continue
            if (via_a.a, via_a.b) in dropped or (via_b.a, via_b.b) in dropped:
                continue
            if all(
                _covered(via_a, p.a, _side(p, passage, p.a))
                and _covered(via_b, p.b, _side(p, passage, p.b))
                for passage in p.passages
            ):
                dropped.add((p.a, p.b))
                break
    return [p for p in pairs if (p.a, p.b) not in dropped]


def _strength(p: Pair) -> tuple[int, float]:
    order = {ReuseKind.PASSAGE: 0, ReuseKind.NEAR_DUPLICATE: 1, ReuseKind.EXACT: 2}
    return (order[p.kind], max(p.coverage_a, p.coverage_b))


def _side(pair: Pair, passage: Passage, article: int) -> Span:
    return passage.source if article == pair.a else passage.target


def _covered(pair: Pair, article: int, span: Span) -> bool:
    """Whether ``span`` of ``article`` overlaps a passage of ``pair`` on that article's side."""
    for passage in pair.passages:
        other = passage.source if article == pair.a else passage.target
        if other.start < span.end and span.start < other.end:
            return True
    return False


def _exact_groups(
    articles: Sequence[Article],
) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """Pairs (earliest, copy) for every verbatim copy, and each group's members by its earliest
    (the representative that stays a candidate); an article without copies is its own group."""
    first: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    members: dict[int, list[int]] = {}
    for i, article in enumerate(articles):
        key = article.text_hash
        if key and key in first:
            pairs.append((first[key], i))
            members[first[key]].append(i)
        else:
            if key:
                first[key] = i
            members[i] = [i]
    return pairs, members


def candidate_pairs(
    shingles: Sequence[NDArray[np.uint64]], indices: Sequence[int], options: ReuseOptions
) -> list[tuple[int, int]]:
    """Pairs ``(a, b)``, ``a < b``, worth aligning: LSH neighbours and passage-index partners."""
    shared = _index_pairs(shingles, indices, options)
    shared.update(_lsh_pairs(shingles, indices, options))
    by_article: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (a, b), count in shared.items():
        by_article[b].append((count, a))
        by_article[a].append((count, b))
    kept: set[tuple[int, int]] = set()
    for i, partners in by_article.items():
        partners.sort(key=lambda cp: (-cp[0], cp[1]))
        for _, other in partners[: options.max_candidates]:
            kept.add((min(i, other), max(i, other)))
    return sorted(kept)


def _index_pairs(
    shingles: Sequence[NDArray[np.uint64]], indices: Sequence[int], options: ReuseOptions
) -> Counter[tuple[int, int]]:
    """Article pairs sharing at least ``min_shared_shingles`` shingles of document frequency
    ``2..max_df``: a sort over all shingles, then the pairs inside each shingle's postings."""
    sizes = [len(shingles[i]) for i in indices]
    if not sizes or sum(sizes) == 0:
        return Counter()
    values = np.concatenate([shingles[i] for i in indices])
    owners = np.repeat(np.asarray(indices, dtype=np.int64), sizes)
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    keep = (lengths >= 2) & (lengths <= options.max_df)
    keys: list[NDArray[np.int64]] = []
    n = int(owners.max()) + 1
    for length in np.unique(lengths[keep]):
        group_starts = starts[keep & (lengths == length)]
        members = owners[group_starts[:, None] + np.arange(length)[None, :]]  # (groups, length)
        left, right = np.triu_indices(int(length), k=1)
        a, b = members[:, left].ravel(), members[:, right].ravel()
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not keys:
        return Counter()
    pair_keys, counts = np.unique(np.concatenate(keys), return_counts=True)
    good = counts >= options.min_shared_shingles
    return Counter(
        {
            (int(k // n), int(k % n)): int(c)
            for k, c in zip(pair_keys[good], counts[good], strict=True)
        }
    )


def _lsh_pairs(
    shingles: Sequence[NDArray[np.uint64]], indices: Sequence[int], options: ReuseOptions
) -> Counter[tuple[int, int]]:
    """Near-duplicate pairs from MinHash LSH: each article queries the ones before it."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
    found: Counter[tuple[int, int]] = Counter()
    for i in indices:
        values = shingles[i]
        if len(values) == 0:
            continue
        minhash = minhash_of(values, options.num_perm)
        neighbours = sorted(lsh.query(minhash))
        for other in neighbours[: options.max_candidates]:
            shared = len(np.intersect1d(shingles[other], values, assume_unique=True))
            found[(int(other), i)] = max(shared, options.min_shared_shingles)
        lsh.insert(i, minhash)
    return found


def low32(value: int) -> int:
    return value & 0xFFFFFFFF


@cache
def _minhash_template(num_perm: int) -> Any:
    """The MinHash whose permutations every article's MinHash takes (drawn once per process)."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1)


def minhash_of(shingles: NDArray[np.uint64], num_perm: int) -> Any:
    """An article's MinHash as the LSH index hashes it: shingle hashes folded to 32 bits and
    the shared permutations, so every process (or Spark task) computes the same values."""
    from datasketch import MinHash

    minhash = MinHash(
        num_perm=num_perm,
        seed=1,
        hashfunc=low32,
        permutations=_minhash_template(num_perm).permutations,
        scheme="affine32",
    )
    minhash.update_batch(shingles.tolist())
    return minhash


def identical_passages(a: Prepared, b: Prepared) -> tuple[Passage, ...]:
    return tuple(
        Passage(
            source=Span(a.article.id, sa.start, sa.end),
            target=Span(b.article.id, sb.start, sb.end),
            score=2.0,
            kind="identical",
            source_sentence=sa.index,
            target_sentence=sb.index,
        )
        for sa, sb in zip(a.sentences, b.sentences, strict=False)
    )


def verify_pair(
    corpus: Corpus, a: int, b: int, options: ReuseOptions, *, cited: bool = False
) -> Pair | None:
    sa, sb = corpus.shingles[a], corpus.shingles[b]
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    union = len(sa) + len(sb) - inter
    jaccard = inter / union if union else 0.0
    cont_a = inter / len(sa) if len(sa) else 0.0
    cont_b = inter / len(sb) if len(sb) else 0.0
    pa, pb = corpus.get(a), corpus.get(b)
    passages = align_sentences(pa, pb, corpus.idf, options, corpus.cosine(pa, pb))
    cov_a = _coverage(pa, [p.source_sentence for p in passages], corpus.idf)
    cov_b = _coverage(pb, [p.target_sentence for p in passages], corpus.idf)
    kind = _decide(pa, pb, passages, jaccard, cov_a, cov_b, options)
    if kind is None and cited:
        # One credits the other: any shared sentence, or a shared run of words, is reuse;
        # not a stock sentence told of another event (a number or name traded).
        passages = [p for p in passages if not _substituted(pa, pb, p)]
        if not passages:
            passages = shared_fragments(pa, pb, corpus.idf)
        if passages:
            kind = ReuseKind.PASSAGE
    if kind is None:
        return None
    return Pair(a, b, kind, jaccard, cont_a, cont_b, cov_a, cov_b, tuple(passages))


def shared_fragments(a: Prepared, b: Prepared, idf: Idf) -> list[Passage]:
    """Runs of at least ``FRAGMENT_TOKENS`` equal normalized tokens in both articles ("It cannot
    go on forever"), with ``FRAGMENT_CONTENT`` content tokens among them, as passages."""
    flat_a = [(k, t) for k, tokens in enumerate(a.tokens) for t in tokens]
    flat_b = [(k, t) for k, tokens in enumerate(b.tokens) for t in tokens]
    n = FRAGMENT_TOKENS
    starts: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(len(flat_a) - n + 1):
        starts[tuple(t.norm for _, t in flat_a[i : i + n])].append(i)
    passages: list[Passage] = []
    j = 0
    used_a: set[int] = set()
    while j <= len(flat_b) - n:
        key = tuple(t.norm for _, t in flat_b[j : j + n])
        best: tuple[int, int] | None = None
        for i in starts.get(key, ()):
            if i in used_a:
                continue
            length = n
            while (
                i + length < len(flat_a)
                and j + length < len(flat_b)
                and flat_a[i + length][1].norm == flat_b[j + length][1].norm
            ):
                length += 1
            if best is None or length > best[1]:
                best = (i, length)
        if best is None:
            j += 1
            continue
        i, length = best
        run_a, run_b = flat_a[i : i + length], flat_b[j : j + length]
        if sum(t.content for _, t in run_a) >= FRAGMENT_CONTENT:
            used_a.update(range(i, i + length))
            passages.append(
                Passage(
                    Span(a.article.id, run_a[0][1].start, run_a[-1][1].end),
                    Span(b.article.id, run_b[0][1].start, run_b[-1][1].end),
                    2.0,
                    "trimmed",
                    run_a[0][0],
                    run_b[0][0],
                )
            )
        j += length
    return passages


def _coverage(prepared: Prepared, indices: Iterable[int], idf: Idf) -> float:
    """IDF-weighted share of an article's content tokens inside the given sentences."""
    if not prepared.weights:
        prepared.weights = [sum(idf(t) for t in content) for content in prepared.content]
    weights = prepared.weights
    total = sum(weights)
    covered = sum(weights[i] for i in set(indices) if 0 <= i < len(weights))
    return covered / total if total else 0.0


def _decide(
    a: Prepared,
    b: Prepared,
    passages: Sequence[Passage],
    jaccard: float,
    cov_a: float,
    cov_b: float,
    options: ReuseOptions,
) -> ReuseKind | None:
    """Whether aligned passages make a copy relation, and of which kind.

    Only passages of at least ``MIN_PASSAGE_CONTENT`` content words that are not quotations on
    either side count (:func:`_counts`): independent reports share quotes, datelines and
    "Obama said." too.  A link
    needs ``min_passages`` of them, or two with one near-verbatim (``STRONG_PASSAGE``), or one
    near-verbatim passage that is long or most of both articles, or near-verbatim passages in
    adjacent sentences that are long together (:func:`_strong_run`), or an in-order alignment
    of most of both articles (:func:`_whole_alignment`).
    """
    # In-order passages below the threshold (align_sentences' second pass) add detail, not
    # evidence.
    counted = [p for p in passages if p.score >= options.passage_threshold and _counts(a, b, p)]
    strong = [p for p in counted if p.score >= STRONG_PASSAGE]
    enough = (
        len(counted) >= options.min_passages
        or (strong and len(counted) >= 2)
        or any(_length(a, b, p) >= STRONG_PASSAGE_TOKENS for p in strong)
        or _strong_run(a, b, passages)
        or (strong and min(cov_a, cov_b) >= options.near_duplicate_coverage)
        or _whole_alignment(a, b, passages, cov_a, cov_b, options)
        # Two short articles aligned whole, each passage keeping the word order of a copy.
        or (
            counted
            and min(cov_a, cov_b) >= options.near_duplicate_coverage
            and all(_ordered_overlap(a, b, p) >= ORDERED_OVERLAP for p in counted)
        )
    )
    if not enough:
        return None
    if min(cov_a, cov_b) >= options.near_duplicate_coverage or (
        jaccard >= options.near_duplicate_jaccard
    ):
        return ReuseKind.NEAR_DUPLICATE
    return ReuseKind.PASSAGE


def _whole_alignment(
    a: Prepared,
    b: Prepared,
    passages: Sequence[Passage],
    cov_a: float,
    cov_b: float,
    options: ReuseOptions,
) -> bool:
    """Whether two articles align sentence by sentence, in one order, over most of both: a
    rewrite of the whole text.  Independent reports of one event do not keep each other's
    sentence order from start to end; short or first-person texts (a statement, a blog post),
    whose passages :func:`_counts` ignores one by one, are copied this way too, and so are
    lower-cased texts the splitter left in one long "sentence".  The aligned passages must
    score ``passage_threshold``, trade no number or name, and hold ``WHOLE_TOKENS`` content
    words together."""
    if min(cov_a, cov_b) < options.near_duplicate_coverage:
        return False
    kept = [
        p for p in passages if p.score >= options.passage_threshold and not _substituted(a, b, p)
    ]
    if not kept:
        return False
    targets = [p.target_sentence for p in sorted(kept, key=lambda p: p.source_sentence)]
    return targets == sorted(targets) and sum(_length(a, b, p) for p in kept) >= WHOLE_TOKENS


def _strong_run(a: Prepared, b: Prepared, passages: Sequence[Passage]) -> bool:
    """Whether near-verbatim passages in adjacent sentences on both sides hold
    ``STRONG_PASSAGE_TOKENS`` content words together: a copied run of short sentences ("Roads
    stayed shut. Smoke could be seen across town. …") is as telling as one long sentence."""
    run = sentences = 0
    previous: Passage | None = None
    for p in sorted(passages, key=lambda p: (p.source_sentence, p.target_sentence)):
        if (
            p.score < STRONG_PASSAGE
            or a.quote_share[p.source_sentence] >= QUOTE_SHARE
            or b.quote_share[p.target_sentence] >= QUOTE_SHARE
            or _substituted(a, b, p)
        ):
            previous = None
            continue
        adjacent = previous is not None and (p.source_sentence, p.target_sentence) == (
            previous.source_sentence + 1,
            previous.target_sentence + 1,
        )
        run, sentences = (run, sentences) if adjacent else (0, 0)
        run += _length(a, b, p)
        sentences += 1
        if sentences >= 2 and run >= STRONG_PASSAGE_TOKENS:
            return True
        previous = p
    return False


def _ordered_overlap(a: Prepared, b: Prepared, p: Passage) -> float:
    """Dice overlap of the two sentences' word 4-grams: high for a copy with words swapped,
    low for an independent rewording of the same fact, whose words come in another order."""
    grams = []
    for norms in (a.norms[p.source_sentence], b.norms[p.target_sentence]):
        grams.append({tuple(norms[k : k + 4]) for k in range(len(norms) - 3)})
    total = len(grams[0]) + len(grams[1])
    return 2 * len(grams[0] & grams[1]) / total if total else 0.0


def _length(a: Prepared, b: Prepared, p: Passage) -> int:
    """Content words (numbers, currencies aside) of the shorter of a passage's two sentences."""
    return min(
        sum(1 for t in a.content[p.source_sentence] if t[0] not in "#¤%"),
        sum(1 for t in b.content[p.target_sentence] if t[0] not in "#¤%"),
    )


def _counts(a: Prepared, b: Prepared, p: Passage) -> bool:
    """Whether a passage is evidence of copying: long enough, in the reporter's own words on
    both sides (not a quotation, which independent reports share), and not page furniture."""
    if a.quote_share[p.source_sentence] >= QUOTE_SHARE:
        return False
    if b.quote_share[p.target_sentence] >= QUOTE_SHARE:
        return False
    for prepared, k in ((a, p.source_sentence), (b, p.target_sentence)):
        text = prepared.sentences[k].text
        if _FIRST_PERSON_RE.search(_QUOTED_RE.sub(" ", text)) or _URL_RE.search(text):
            return False
    return _length(a, b, p) >= MIN_PASSAGE_CONTENT and not _substituted(a, b, p)


def _substituted(a: Prepared, b: Prepared, p: Passage) -> bool:
    """Whether the two sentences trade a number or a name for another one ("closed in Aford on
    Sunday, adding 50 minutes" / "closed in Bton on Monday, adding 40 minutes"): the same
    stock sentence told of another event.  Copies, spun or not, keep their numbers and names
    (formats and country variants are normalized away); trims drop them on one side only."""
    norms_a, norms_b = a.norms[p.source_sentence], b.norms[p.target_sentence]
    numbers_a = {t for t in norms_a if t[0] == "#"}
    numbers_b = {t for t in norms_b if t[0] == "#"}
    if numbers_a - numbers_b and numbers_b - numbers_a:
        return True
    return bool(
        _names(a, p.source_sentence) - set(norms_b) and _names(b, p.target_sentence) - set(norms_a)
    )


def _names(prepared: Prepared, k: int) -> frozenset[str]:
    """Capitalized content words of sentence ``k`` past its first word: names, mostly."""
    if prepared.names is not None:
        return prepared.names[k]
    return _capitalized(prepared.article.text, prepared.tokens[k])


def _capitalized(text: str, tokens: Sequence[Token]) -> frozenset[str]:
    """Content words of a sentence written with a capital that is not owed to a sentence start:
    names, mostly.  The first word is skipped, and so is a word right after ``.``, ``!``, ``?``
    or ``:`` (opening quotes or brackets between): in lower-cased text, or where the sentence
    splitter missed a boundary, such a word is the start of the next sentence, not a name."""
    out = set()
    for t in tokens[1:]:
        if not (t.content and t.norm[0].isalpha() and text[t.start].isupper()):
            continue
        before = text[max(0, t.start - 4) : t.start].rstrip(" \t\"“‘'(")
        if before and before[-1] in ".!?:\n":
            continue
        out.add(t.norm)
    return frozenset(out)


def align_sentences(
    a: Prepared,
    b: Prepared,
    idf: Idf,
    options: ReuseOptions,
    cosines: NDArray[np.float32] | None = None,
    threshold: float | None = None,
) -> list[Passage]:
    """Sentences of ``a`` found again in ``b``, one to one, best first (source side = ``a``).

    A first pass keeps pairs scoring ``threshold``.  When it finds ``MIN_ANCHORS`` of them, a
    second pass adds pairs down to ``IN_ORDER_THRESHOLD`` that sit in order between or right
    after those anchors: a heavily spun sentence is found by where it is, as a reader would.
    """
    threshold = options.passage_threshold if threshold is None else threshold
    floor = min(threshold, IN_ORDER_THRESHOLD)
    scored: list[tuple[float, int, int]] = []
    features: dict[tuple[int, int], LexicalFeatures] = {}
    for i, j, cos, coverage in _sentence_candidates(a, b, idf, cosines):
        if cos + coverage < floor - 1e-9:
            continue  # the score is at most cos + coverage (its gap term is never negative)
        found = features[i, j] = lexical_features(a.norms[i], b.norms[j], idf)
        score = pair_score(cos, found)
        if score >= floor:
            scored.append((score, i, j))
    scored.sort(key=lambda sij: (-sij[0], sij[1], sij[2]))
    chosen = _one_to_one([x for x in scored if x[0] >= threshold], set(), set())
    if len(chosen) >= MIN_ANCHORS:
        anchors = sorted((i, j) for _, i, j in chosen)
        weak = [x for x in scored if x[0] < threshold and _in_order(anchors, x[1], x[2])]
        chosen += _one_to_one(weak, {i for _, i, _ in chosen}, {j for _, _, j in chosen})
    passages = [_passage(a, b, i, j, score, features[i, j]) for score, i, j in chosen]
    passages.sort(key=lambda p: (p.source_sentence, p.target_sentence))
    return passages


def _one_to_one(
    scored: Sequence[tuple[float, int, int]], used_a: set[int], used_b: set[int]
) -> list[tuple[float, int, int]]:
    chosen = []
    for score, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((score, i, j))
    return chosen


def _in_order(anchors: Sequence[tuple[int, int]], i: int, j: int) -> bool:
    """Whether (i, j) lies between two anchors in both articles, or one step past one."""
    before = [(x, y) for x, y in anchors if x < i and y < j]
    after = [(x, y) for x, y in anchors if x > i and y > j]
    if before and after:
        return True
    return any(i - x == 1 and j - y == 1 for x, y in before) or any(
        x - i == 1 and y - j == 1 for x, y in after
    )


def _sentence_candidates(
    a: Prepared, b: Prepared, idf: Idf, cosines: NDArray[np.float32] | None
) -> list[tuple[int, int, float, float]]:
    """Sentence pairs ``(i, j, cos, coverage)`` sharing enough content IDF mass (or, with
    embeddings, with a high cosine), with the cosine term of their score (the embedder's, or
    the lexical cosine) and their :func:`.similarity.lexical_features` coverage.

    All of it comes from small count matrices over the two articles' vocabulary, for every
    sentence pair at once: shared content mass ``(Ca·w) Cbᵀ``, the lexical cosine of the
    IDF-weighted counts, and the matched weight ``Σ_t min(ca_t, cb_t)·w_t`` as ``Σ_k (Ka ≥ k)·w
    (Kb ≥ k)ᵀ`` over the counts ``k`` that occur.
    """
    ea, eb = a.encoded, b.encoded
    if ea is None or eb is None or ea.vocabulary is not eb.vocabulary:
        vocabulary = Vocabulary(idf)
        ea, eb = encode(a, vocabulary), encode(b, vocabulary)
    na, nb = len(a.norms), len(b.norms)
    if not na or not nb:
        return []
    pieces = (ea.norm_ids, eb.norm_ids, ea.content_ids, eb.content_ids)
    terms, inverse = np.unique(np.concatenate(pieces), return_inverse=True)
    inverse = inverse.ravel()
    cuts = np.cumsum([len(p) for p in pieces])[:-1]
    ids_a, ids_b, content_a, content_b = np.split(inverse, cuts)
    v = len(terms)
    w = ea.vocabulary.weights[terms]
    count_a = _counts_matrix(ids_a, ea.norm_lengths, na, v)
    count_b = _counts_matrix(ids_b, eb.norm_lengths, nb, v)
    has_a = _counts_matrix(content_a, ea.content_lengths, na, v) > 0
    has_b = _counts_matrix(content_b, eb.content_lengths, nb, v) > 0
    mass_a, mass_b = has_a @ w, has_b @ w
    shared = (has_a * w) @ has_b.T
    found = (shared > 0) & (
        shared >= PREFILTER_SHARE * np.minimum(mass_a[:, None], mass_b[None, :])
    )
    if cosines is not None and cosines.size:
        found |= cosines >= PREFILTER_COSINE
    rows, cols = np.nonzero(found)
    if not len(rows):
        return []
    weighted_a, weighted_b = count_a * w, count_b * w
    if cosines is None:
        norm_a = np.sqrt((weighted_a**2).sum(axis=1))
        norm_b = np.sqrt((weighted_b**2).sum(axis=1))
        cos = (weighted_a @ weighted_b.T)[rows, cols]
        denominator = norm_a[rows] * norm_b[cols]
        cos = np.divide(cos, denominator, out=np.zeros_like(cos), where=denominator > 0)
    else:
        cos = cosines[rows, cols].astype(np.float64)
    matched = np.zeros((na, nb), dtype=np.float64)
    for k in range(1, int(min(count_a.max(), count_b.max())) + 1):
        matched += ((count_a >= k) * w) @ (count_b >= k).T
    total = weighted_a.sum(axis=1)[rows] + weighted_b.sum(axis=1)[cols]
    coverage = np.divide(2 * matched[rows, cols], total, out=np.zeros_like(total), where=total > 0)
    return [
        (int(i), int(j), float(c), float(g))
        for i, j, c, g in zip(rows, cols, cos, coverage, strict=True)
    ]


def _counts_matrix(
    ids: NDArray[np.intp], lengths: NDArray[np.int32], rows: int, columns: int
) -> NDArray[np.float64]:
    """Token counts per sentence (row) and vocabulary id (column)."""
    row_of = np.repeat(np.arange(rows), lengths)
    flat = np.bincount(row_of * columns + ids, minlength=rows * columns)
    return flat.reshape(rows, columns).astype(np.float64)


def _passage(
    a: Prepared, b: Prepared, i: int, j: int, score: float, features: LexicalFeatures
) -> Passage:
    sa, sb = a.sentences[i], b.sentences[j]
    span_a = Span(a.article.id, sa.start, sa.end)
    span_b = Span(b.article.id, sb.start, sb.end)
    if " ".join(sa.text.lower().split()) == " ".join(sb.text.lower().split()):
        return Passage(span_a, span_b, 2.0, "identical", i, j)
    unmatched_a = features.matched_a.count(False)
    unmatched_b = features.matched_b.count(False)
    kind = "reworded"
    if len(a.norms[i]) <= len(b.norms[j]):
        shorter_unmatched, shorter_len, longer_unmatched = unmatched_a, len(a.norms[i]), unmatched_b
    else:
        shorter_unmatched, shorter_len, longer_unmatched = unmatched_b, len(b.norms[j]), unmatched_a
    if shorter_unmatched <= TRIM_UNMATCHED * shorter_len and longer_unmatched >= 3:
        kind = "trimmed"
        if longer_unmatched == unmatched_b:
            span_b = _matched_span(b.tokens[j], features.matched_b, span_b)
        else:
            span_a = _matched_span(a.tokens[i], features.matched_a, span_a)
    return Passage(span_a, span_b, round(score, 4), kind, i, j)


def _matched_span(tokens: Sequence[Token], matched: Sequence[bool], whole: Span) -> Span:
    """The part of a sentence from its first to its last matched content token, widened over
    the matched function words right next to them ("The money …", not "money …")."""
    hits = [k for k, t in enumerate(tokens) if matched[k] and t.content]
    if not hits:
        return whole
    first, last = hits[0], hits[-1]
    while first > 0 and matched[first - 1]:
        first -= 1
    while last + 1 < len(tokens) and matched[last + 1]:
        last += 1
    return Span(whole.article_id, tokens[first].start, tokens[last].end)
