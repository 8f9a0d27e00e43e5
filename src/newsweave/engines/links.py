"""The reuse step of the run plan: :func:`newsweave.reuse.detect_reuse` as joins and groups.

The reuse stage finds its links in one process over the whole corpus
(:func:`newsweave.reuse.detect.find_pairs`); this module cuts the same computation into steps an
engine can spread, each calling the stage's own functions on one item, so that the links come
out the same, field for field:

==============  ==============================================================  ============
step            what it does                                                    shuffles
==============  ==============================================================  ============
order           articles ranked in the stage's corpus order (time, then id)     1 (sort)
prepare         per article: ``prepare`` (normalized sentences) and shingles    none
idf             sentence document frequency of every token, summed               1 (+collect)
exact           articles grouped by ``text_hash``: the first is the             1 (+collect of
                representative, the others its verbatim copies                  copies only)
outlets         outlet keys of every article (driver: ``OutletIndex``, sent     collect,
                to every task) and what each article credits                    broadcast
passages        shingle → representatives, postings of 2..``max_df``           2
                articles give pairs, counted
bands           MinHash band keys exploded, grouped: pairs of representatives    4
                sharing a band; each keeps its ``max_candidates`` earliest;
                shared shingles counted by joining both sides' shingles
candidates      each representative keeps its ``max_candidates`` partners        1
                sharing the most; credited pairs added
verify          pairs by cell (CELL_RANKS): each cell receives its pairs and    3 per round
                the prepared articles they need, once; ``verify_pair`` per      (2 rounds)
                pair; then the same for the exact copies of linked articles
                (``EXACT_FANOUT``)
siblings        pairs and articles (not their prepared text) grouped by         collect, 1
                connected component (edges collected to the driver):
                ``prune_siblings`` and ``patchwork_evidence`` per component
direction       kept pairs by cell, as in verify; surface counts of linked      3 (+2
                articles (only those the direction evidence asks for);          collects)
                ``direct`` per pair with its credits, citations, patchwork
                and spelling variants
==============  ==============================================================  ============

Every set that reaches the driver grows with the articles (outlet keys, publication times) or
with the links (edges, copies, credited pairs, looked-up surfaces), never with pairs of articles.
The sentence embedder is not used (lexical scores), as in ``newsweave reuse`` by default.
"""

from __future__ import annotations

import logging
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from newsweave.engines.base import Broadcast, Dataset, Engine
from newsweave.model import Article, ReuseKind, ReuseLink, Sentence
from newsweave.reuse.attribution import OutletIndex
from newsweave.reuse.detect import (
    EXACT_FANOUT,
    MIN_WIRE_CITATIONS,
    Corpus,
    Pair,
    Prepared,
    ReuseOptions,
    TokenHasher,
    Vocabulary,
    encode,
    hours_apart,
    identical_passages,
    minhash_of,
    prepare,
    prune_siblings,
    time_key,
    verify_pair,
    within_window,
)
from newsweave.reuse.provenance import (
    DirectionContext,
    direct,
    patchwork_evidence,
    surface_frequency,
    variant_counts,
)
from newsweave.reuse.similarity import Idf, idf_from_counts

__all__ = ["components", "corpus_key", "step_reuse"]

log = logging.getLogger(__name__)


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


N = TypeVar("N", bound=_Ordered)  # a node of a graph: any hashable, ordered value

Member = tuple[Article, list[Sentence]]
# An article ready for alignment, with its shingles (representatives only are shingled).
Ready = tuple[Prepared, NDArray[np.uint64]]
PairKey = tuple[int, int]
Cell = tuple[int, int]  # (rank // CELL_RANKS of a pair's earlier article, same of the later)

# Pairs are verified by cells: a pair of ranks (a, b) belongs to cell (a // CELL_RANKS,
# b // CELL_RANKS), and each cell receives every prepared article its pairs need once.  Ranks
# follow publication time and most candidates are close in time (on the generated benchmark
# corpus three in four links join articles fewer than 50 ranks apart), so an article travels to
# a few cells instead of once per pair; a cell holds at most 2 * CELL_RANKS articles.
CELL_RANKS = 256


def corpus_key(item: Member) -> tuple[int, str, str]:
    """The reuse stage's corpus order (:func:`newsweave.reuse.detect.corpus_order`)."""
    article = item[0]
    return (*time_key(article), article.id)


@dataclass(frozen=True)
class _Lookups:
    """What every task needs to know of the whole corpus, sent once (grows with articles)."""

    outlets: OutletIndex  # by rank
    published: list[Article]  # by rank: id and publication time only (text left out)
    copies: dict[int, list[int]]  # representative → its verbatim copies, in corpus order
    representative: dict[int, int]  # copy → its representative


# --- per item ---------------------------------------------------------------------------------


def _prepare(item: tuple[int, Member], options: ReuseOptions) -> tuple[int, Ready]:
    rank, (article, sentences) = item
    prepared = prepare(article, sentences, options)
    flat = [t for content in prepared.content for t in content]
    return rank, (prepared, TokenHasher().shingles(flat, options.shingle_size))


def _sentence_df(item: tuple[int, Ready]) -> Iterator[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for norms in item[1][0].norms:
        counts.update(set(norms))
    yield ("\0sentences", len(item[1][0].norms))  # the count of documents rides along
    yield from counts.items()


def _by_text(item: tuple[int, Ready]) -> tuple[Any, int]:
    rank, (prepared, _) = item
    key = prepared.article.text_hash
    return (key if key else ("rank", rank)), rank


def _copies(group: tuple[Any, list[int]]) -> list[tuple[int, list[int]]]:
    ranks = sorted(group[1])
    return [(ranks[0], ranks[1:])] if len(ranks) > 1 else []


def _stub(item: tuple[int, Ready]) -> tuple[int, Article]:
    """What the outlet index and the time ranking read of an article (its opening for credits)."""
    rank, (prepared, _) = item
    return rank, replace(prepared.article, text=prepared.article.text[:300], paragraphs=())


def _credits(
    item: tuple[int, Ready], lookups: Broadcast[_Lookups]
) -> list[tuple[int, dict[int, str]]]:
    """What one article credits or cites (:func:`newsweave.reuse.detect._credit_map`)."""
    rank, (prepared, _) = item
    outlets = lookups.value.outlets
    found: dict[int, str] = {}
    for s, how in outlets.credited(prepared.article):
        if s != rank and not outlets.same_outlet(s, rank):
            found.setdefault(s, how)
    return [(rank, found)] if found else []


def _attribution(
    item: tuple[int, dict[int, str]], lookups: Broadcast[_Lookups], options: ReuseOptions
) -> list[PairKey]:
    """Credited pairs of one article (:func:`newsweave.reuse.detect._attribution_pairs`)."""
    t, sources = item
    known = lookups.value
    times = known.published
    ranked = sorted(
        (s for s in sources if within_window(times[s], times[t])),
        key=lambda s: (s > t, hours_apart(times[s], times[t]), s),
    )
    out = []
    for s in ranked[: options.max_candidates]:
        a, b = known.representative.get(s, s), known.representative.get(t, t)
        if a != b:
            out.append((min(a, b), max(a, b)))
    return out


def _representative(item: tuple[int, Ready], lookups: Broadcast[_Lookups]) -> bool:
    return item[0] not in lookups.value.representative


def _postings(item: tuple[int, Ready]) -> Iterator[tuple[int, int]]:
    rank, (_, shingles) = item
    for value in shingles.tolist():
        yield value, rank


def _shared_pairs(group: tuple[int, list[int]], max_df: int) -> list[tuple[PairKey, int]]:
    ranks = sorted(group[1])
    if not 2 <= len(ranks) <= max_df:
        return []
    return [((a, b), 1) for k, a in enumerate(ranks) for b in ranks[k + 1 :]]


def _bands(item: tuple[int, Ready], options: ReuseOptions, rows: int) -> list[tuple[Any, int]]:
    """The MinHash band keys of a representative, as the reuse stage's LSH hashes it."""
    rank, (_, shingles) = item
    if len(shingles) == 0:
        return []
    values = minhash_of(shingles, options.num_perm).hashvalues
    bands = options.num_perm // rows if rows else 0
    return [((k, values[k * rows : (k + 1) * rows].tobytes()), rank) for k in range(bands)]


def _band_pairs(group: tuple[Any, list[int]], limit: int) -> list[tuple[int, int]]:
    """(later, earlier) for representatives sharing a band: each later one with the ``limit``
    earliest before it (only those can be among its ``limit`` earliest over all bands)."""
    ranks = sorted(group[1])
    return [(b, a) for k, b in enumerate(ranks) for a in ranks[: min(k, limit)]]


def _earliest_neighbours(group: tuple[int, list[int]], limit: int) -> list[PairKey]:
    later, earlier = group
    return [(a, later) for a in sorted(set(earlier))[:limit]]


def _shared_count(
    item: tuple[int, tuple[tuple[PairKey, NDArray[np.uint64]], NDArray[np.uint64]]],
    minimum: int,
) -> tuple[PairKey, int]:
    _, ((pair, left), right) = item
    shared = len(np.intersect1d(left, right, assume_unique=True))
    return pair, max(shared, minimum)


def _both_sides(item: tuple[PairKey, int]) -> list[tuple[int, tuple[int, int]]]:
    (a, b), count = item
    return [(a, (count, b)), (b, (count, a))]


def _best_partners(group: tuple[int, list[tuple[int, int]]], limit: int) -> list[PairKey]:
    rank, partners = group
    best = sorted(partners, key=lambda cp: (-cp[0], cp[1]))[:limit]
    return [(min(rank, other), max(rank, other)) for _, other in best]


def _verify_cell(
    group: tuple[Cell, list[tuple[str, Any]]], idf: Broadcast[Idf], options: ReuseOptions
) -> list[Pair]:
    """The candidate pairs of one cell aligned by the reuse stage's verifier (``how``:
    "exact", "cited" or "candidate"), each prepared article of the cell unpickled once."""
    ready: dict[int, Ready] = {}
    pairs: list[tuple[PairKey, str]] = []
    for kind, value in group[1]:
        if kind == "article":
            ready[value[0]] = value[1]
        else:
            pairs.append(value)
    # Token ids as the stage numbers them (its vocabulary is the corpus's terms in sorted
    # order): the cell's terms sorted keep every two terms in the same order, so the aligner
    # sums its matrices in the same order and scores come out the same to the last bit.
    terms = {t for prepared, _ in ready.values() for norms in prepared.norms for t in norms}
    vocabulary = Vocabulary(idf.value, sorted(terms))
    for prepared, _ in ready.values():
        prepared.encoded = encode(prepared, vocabulary)
    out = []
    for (a, b), how in sorted(pairs):
        (pa, sa), (pb, sb) = ready[a], ready[b]
        if how == "exact":
            passages = identical_passages(pa, pb)
            out.append(Pair(a, b, ReuseKind.EXACT, 1.0, 1.0, 1.0, 1.0, 1.0, passages))
            continue
        corpus = Corpus(
            [pa.article, pb.article], [sa, sb], idf.value, [pa, pb].__getitem__, _no_cos
        )
        found = verify_pair(corpus, 0, 1, options, cited=how == "cited")
        if found is not None:
            out.append(replace(found, a=a, b=b))
    return out


def _no_cos(a: Prepared, b: Prepared) -> None:
    return None


def _fanout(
    pair: Pair, lookups: Broadcast[_Lookups], cited: Broadcast[frozenset[PairKey]]
) -> list[tuple[PairKey, str]]:
    """The exact copies of a linked article share its link's text: their pairs, to verify."""
    out = []
    for rep, other in ((pair.a, pair.b), (pair.b, pair.a)):
        for member in lookups.value.copies.get(rep, [])[:EXACT_FANOUT]:
            key = (min(member, other), max(member, other))
            out.append((key, "cited" if key in cited.value else "candidate"))
    return out


def _cell_of(pair: PairKey, size: int) -> Cell:
    return pair[0] // size, pair[1] // size


def _cell_pair(item: tuple[PairKey, str], size: int) -> tuple[Cell, tuple[str, Any]]:
    return _cell_of(item[0], size), ("pair", item)


def _cell_ends(item: tuple[PairKey, str], size: int) -> list[tuple[tuple[int, Cell], None]]:
    cell = _cell_of(item[0], size)
    return [((item[0][0], cell), None), ((item[0][1], cell), None)]


def _rank_cell(item: tuple[tuple[int, Cell], None]) -> tuple[int, Cell]:
    return item[0]


def _article_in_cell(item: tuple[int, tuple[Cell, Ready]]) -> tuple[Cell, tuple[str, Any]]:
    rank, (cell, ready) = item
    return cell, ("article", (rank, ready))


def _stronger_label(a: str, b: str) -> str:
    order = {"exact": 2, "cited": 1, "candidate": 0}
    return a if order[a] >= order[b] else b


def _pair_key(pair: Pair) -> tuple[PairKey, Pair]:
    return (pair.a, pair.b), pair


def _same_pair(a: Pair, b: Pair) -> Pair:
    return a  # the same pair verified twice comes out the same


def _component_of(pair: Pair, components: Broadcast[dict[int, int]]) -> tuple[int, Any]:
    return components.value[pair.a], ("pair", pair)


def _component_member(
    item: tuple[int, Member], components: Broadcast[dict[int, int]]
) -> list[tuple[int, Any]]:
    rank, (article, _) = item
    root = components.value.get(rank)
    return [] if root is None else [(root, ("article", (rank, article)))]


def _kept_pairs(
    group: tuple[int, list[tuple[str, Any]]], cited_by: Broadcast[dict[int, int]]
) -> list[tuple[Pair, Any]]:
    """Sibling pairs of one connected component dropped
    (:func:`newsweave.reuse.detect.prune_siblings`), each kept pair with the patchwork evidence
    of the component (:func:`newsweave.reuse.provenance.patchwork_evidence`) on it, if any.

    Only pairs and articles travel here, not the prepared text: a component can hold most of
    a corpus (independent reports of like events share stock sentences)."""
    members = sorted((v for kind, v in group[1] if kind == "article"), key=operator.itemgetter(0))
    ranks = [r for r, _ in members]
    articles = [a for _, a in members]
    local = {r: k for k, r in enumerate(ranks)}
    renumbered = sorted(
        (replace(p, a=local[p.a], b=local[p.b]) for kind, p in group[1] if kind == "pair"),
        key=lambda p: (p.a, p.b),
    )
    counts = cited_by.value
    upstream = [(counts.get(r, 0) < MIN_WIRE_CITATIONS, *time_key(a)) for r, a in members]
    kept = prune_siblings(renumbered, upstream)
    patchwork = patchwork_evidence(kept, articles)
    return [(replace(p, a=ranks[p.a], b=ranks[p.b]), patchwork.get((p.a, p.b))) for p in kept]


def _kept_in_cell(item: tuple[Pair, Any], size: int) -> tuple[Cell, tuple[str, Any]]:
    pair = item[0]
    return _cell_of((pair.a, pair.b), size), ("pair", item)


def _kept_ends(item: tuple[Pair, Any], size: int) -> list[tuple[tuple[int, Cell], None]]:
    pair = item[0]
    cell = _cell_of((pair.a, pair.b), size)
    return [((pair.a, cell), None), ((pair.b, cell), None)]


class _Asked(dict[str, int]):
    """A frequency table that notes every surface asked for (and answers 0)."""

    def get(self, key: str, default: Any = None) -> int:
        self[key] = 0
        return 0


def _cell_parts(
    group: tuple[Cell, list[tuple[str, Any]]],
) -> tuple[dict[int, Prepared], list[tuple[Pair, Any]]]:
    prepared = {v[0]: v[1][0] for kind, v in group[1] if kind == "article"}
    pairs = sorted((v for kind, v in group[1] if kind == "pair"), key=lambda x: (x[0].a, x[0].b))
    return prepared, pairs


def _surfaces_asked(group: tuple[Cell, list[tuple[str, Any]]]) -> Iterator[tuple[str, int]]:
    """The token surfaces whose frequency the direction evidence of a cell's pairs asks for."""
    prepared, pairs = _cell_parts(group)
    asked = _Asked()
    for p, _ in pairs:
        variant_counts(p, prepared[p.a], prepared[p.b], asked)
    yield from ((s, 0) for s in asked)


def _linked(item: tuple[int, Ready], involved: Broadcast[frozenset[int]]) -> bool:
    return item[0] in involved.value


def _surface_counts(
    item: tuple[int, Ready], asked: Broadcast[frozenset[str]]
) -> Iterator[tuple[str, int]]:
    wanted = asked.value
    for surface, n in surface_frequency([item[1][0]]).items():
        if surface in wanted:
            yield surface, n


def _directed(
    group: tuple[Cell, list[tuple[str, Any]]],
    credits: Broadcast[dict[int, dict[int, str]]],
    cited_by: Broadcast[dict[int, int]],
    frequency: Broadcast[dict[str, int]],
) -> list[ReuseLink]:
    """Each kept pair of a cell directed by the evidence (:func:`direct`): its own credits,
    citation counts, patchwork evidence and spelling variants, as the stage gathers them."""
    prepared, pairs = _cell_parts(group)
    known, counts = credits.value, cited_by.value
    out = []
    for p, patch in pairs:
        a, b = prepared[p.a], prepared[p.b]
        ends = (p.a, p.b)
        context = DirectionContext(
            [a.article, b.article],
            {
                k: {1 - k: how}
                for k, (x, y) in enumerate((ends, ends[::-1]))
                if (how := known.get(x, {}).get(y))
            },
            {k: counts[x] for k, x in enumerate(ends) if x in counts},
            {} if patch is None else {(0, 1): patch},
            {(0, 1): variant_counts(p, a, b, frequency.value)},
        )
        out.append(direct(replace(p, a=0, b=1), a.article, b.article, context))
    return out


# --- the step ---------------------------------------------------------------------------------


def components(edges: Iterable[tuple[N, N]]) -> dict[N, N]:
    """Each node of ``edges`` with its connected component, named by its smallest node."""
    parent: dict[N, N] = {}

    def find(x: N) -> N:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def _verified(
    pairs: Dataset[tuple[PairKey, str]],
    ready: Dataset[tuple[int, Ready]],
    idf: Any,
    options: ReuseOptions,
) -> Dataset[Pair]:
    """Each pair verified with its two prepared articles (see :data:`CELL_RANKS`)."""
    wanted = (
        pairs.flat_map(partial(_cell_ends, size=CELL_RANKS))
        .reduce_by_key(_keep_none)
        .map(_rank_cell)
    )
    articles = wanted.join(ready).map(_article_in_cell)
    cells = pairs.map(partial(_cell_pair, size=CELL_RANKS)).union(articles).group_by_key()
    return cells.flat_map(partial(_verify_cell, idf=idf, options=options))


def _keep_none(a: None, b: None) -> None:
    return None


def step_reuse(
    engine: Engine, members: Dataset[Member], options: ReuseOptions
) -> Dataset[ReuseLink]:
    """The reuse links among ``members`` (see the module docstring), computed and kept (the
    caller unpersists them)."""
    if options.embedder is not None:
        from newsweave.errors import ConfigError

        raise ConfigError("run: the reuse step scores sentences lexically; leave embedder unset")
    ranked = members.ranked(corpus_key).persist()
    ready = ranked.map(partial(_prepare, options=options)).persist()

    # IDF over every sentence of the corpus.
    df = dict(ready.flat_map(_sentence_df).reduce_by_key(operator.add).collect())
    n_sentences = df.pop("\0sentences", 0)
    idf = engine.broadcast(idf_from_counts(df, n_sentences))
    log.info("reuse: %d sentences, %d distinct tokens", n_sentences, len(df))
    del df

    # Verbatim copies, and the corpus-wide lookups every task needs.
    copies = dict(ready.map(_by_text).group_by_key().flat_map(_copies).collect())
    stubs = sorted(ready.map(_stub).collect(), key=operator.itemgetter(0))
    outlets = OutletIndex([a for _, a in stubs])
    published = [replace(a, text="") for _, a in stubs]
    del stubs
    lookups = engine.broadcast(
        _Lookups(
            outlets,
            published,
            copies,
            {m: rep for rep, ms in copies.items() for m in ms},
        )
    )
    credit_map = dict(ready.flat_map(partial(_credits, lookups=lookups)).collect())
    credits = engine.broadcast(credit_map)
    cited_counts: Counter[int] = Counter(s for found in credit_map.values() for s in found)
    cited_by = engine.broadcast(dict(cited_counts))
    attribute = partial(_attribution, lookups=lookups, options=options)
    cited_pairs = frozenset(p for item in sorted(credit_map.items()) for p in attribute(item))
    cited = engine.broadcast(cited_pairs)
    log.info(
        "reuse: %d copies of %d texts, %d credited pairs",
        sum(map(len, copies.values())),
        len(copies),
        len(cited_pairs),
    )

    # Candidates among representatives: shared rare shingles, and MinHash bands.
    reps = ready.filter(partial(_representative, lookups=lookups)).persist()
    shingles = reps.map(_shingles_of)
    shared = (
        reps.flat_map(_postings)
        .group_by_key()
        .flat_map(partial(_shared_pairs, max_df=options.max_df))
        .reduce_by_key(operator.add)
        .filter(partial(_at_least, options.min_shared_shingles))
    )
    from datasketch import MinHashLSH

    rows = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm).r
    banded = (
        reps.flat_map(partial(_bands, options=options, rows=rows))
        .group_by_key()
        .flat_map(partial(_band_pairs, limit=options.max_candidates))
        .group_by_key()
        .flat_map(partial(_earliest_neighbours, limit=options.max_candidates))
    )
    counted = (
        banded.map(_pair_by_first)
        .join(shingles)
        .map(_pair_by_second)
        .join(shingles)
        .map(partial(_shared_count, minimum=options.min_shared_shingles))
    )
    candidates = (
        shared.union(counted)
        .reduce_by_key(operator.add)
        .flat_map(_both_sides)
        .group_by_key()
        .flat_map(partial(_best_partners, limit=options.max_candidates))
        .map(partial(_labelled, label="candidate"))
    )
    exact = engine.parallelize(
        [((rep, m), "exact") for rep, ms in sorted(copies.items()) for m in ms]
    )
    to_verify = (
        candidates.union(engine.parallelize([(p, "cited") for p in sorted(cited_pairs)]))
        .union(exact)
        .reduce_by_key(_stronger_label)
    )
    found = _verified(to_verify, ready, idf, options).persist()
    fanout = (
        found.filter(_not_exact)
        .flat_map(partial(_fanout, lookups=lookups, cited=cited))
        .reduce_by_key(_stronger_label)
    )
    again = _verified(fanout, ready, idf, options)
    every = found.union(again)
    pairs = every.map(_pair_key).reduce_by_key(_same_pair).map(_value).persist()
    reps.unpersist()
    log.info("reuse: %d pairs verified", pairs.count())

    # Siblings per connected component of the pair graph (pairs and articles only).
    parts = engine.broadcast(components(pairs.map(_ends).collect()))
    grouped = pairs.map(partial(_component_of, components=parts)).union(
        ranked.flat_map(partial(_component_member, components=parts))
    )
    kept = grouped.group_by_key().flat_map(partial(_kept_pairs, cited_by=cited_by)).persist()
    # Direction per pair, by cells as in verification: spelling variants need the surface
    # frequency of every linked article, for the surfaces the pairs ask about.
    wanted = (
        kept.flat_map(partial(_kept_ends, size=CELL_RANKS))
        .reduce_by_key(_keep_none)
        .map(_rank_cell)
    )
    cells = (
        kept.map(partial(_kept_in_cell, size=CELL_RANKS))
        .union(wanted.join(ready).map(_article_in_cell))
        .group_by_key()
        .persist()
    )
    asked = engine.broadcast(
        frozenset(s for s, _ in cells.flat_map(_surfaces_asked).reduce_by_key(_keep).collect())
    )
    involved = engine.broadcast(frozenset(r for k in kept.map(_ends_of_kept).collect() for r in k))
    frequency = dict(
        ready.filter(partial(_linked, involved=involved))
        .flat_map(partial(_surface_counts, asked=asked))
        .reduce_by_key(operator.add)
        .collect()
    )
    links = cells.flat_map(
        partial(
            _directed, credits=credits, cited_by=cited_by, frequency=engine.broadcast(frequency)
        )
    ).persist()
    n_links = links.count()
    found.unpersist()
    pairs.unpersist()
    kept.unpersist()
    cells.unpersist()
    ready.unpersist()
    ranked.unpersist()
    log.info("reuse: %d links", n_links)
    return links


def _not_exact(pair: Pair) -> bool:
    return pair.kind is not ReuseKind.EXACT


def _shingles_of(item: tuple[int, Ready]) -> tuple[int, NDArray[np.uint64]]:
    return item[0], item[1][1]


def _at_least(minimum: int, item: tuple[PairKey, int]) -> bool:
    return item[1] >= minimum


def _pair_by_first(pair: PairKey) -> tuple[int, PairKey]:
    return pair[0], pair


def _pair_by_second(
    item: tuple[int, tuple[PairKey, NDArray[np.uint64]]],
) -> tuple[int, tuple[PairKey, NDArray[np.uint64]]]:
    return item[1][0][1], item[1]


def _labelled(pair: PairKey, label: str) -> tuple[PairKey, str]:
    return pair, label


def _value(item: tuple[Any, Pair]) -> Pair:
    return item[1]


def _ends(pair: Pair) -> PairKey:
    return pair.a, pair.b


def _ends_of_kept(item: tuple[Pair, Any]) -> PairKey:
    return item[0].a, item[0].b


def _keep(a: int, b: int) -> int:
    return a
