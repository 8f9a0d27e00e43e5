"""The reuse stage's entry points: links, origins, story provenance and sentence groups.

:class:`SentenceGroup`, :class:`GroupMember` and :class:`StoryProvenance` are derived from the
stored links on demand (like ``quotes.QuoteGroup``), so they live here, not in the model.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsweave.model import Article, ReuseLink, Sentence, stable_id
from newsweave.reuse.detect import (
    Prepared,
    ReuseOptions,
    corpus_order,
    find_pairs,
    prepare,
)
from newsweave.reuse.provenance import article_origins, direct, direction_context
from newsweave.reuse.similarity import (
    EQUIVALENCE_THRESHOLD,
    Idf,
    idf_table,
    lexical_cosine,
    lexical_features,
    pair_score,
)

__all__ = [
    "GroupMember",
    "SentenceGroup",
    "StoryProvenance",
    "copy_groups",
    "detect_reuse",
    "origins",
    "sentence_groups",
    "story_provenance",
]

log = logging.getLogger(__name__)

# Sentence groups: a content token in more sentences than this is not used to find candidate
# pairs (it still counts in their score); keeps a 1,000-article story near linear.  Sentences
# that say the same thing share rarer words too: names, numbers, places.
GROUP_MAX_DF = 50
# Below this many sentences every pair's embedding cosine is computed (a matrix product); above
# it, candidates come from shared content tokens only.
GROUP_DENSE_MAX = 4000
GROUP_PREFILTER_SHARE = 0.3  # shared IDF mass (of the smaller sentence) to score a pair


@dataclass(frozen=True, slots=True)
class GroupMember:
    """One sentence of a :class:`SentenceGroup`, with the origin its content comes from."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    origin_id: str  # id of the article the reuse chain of this sentence starts from
    score: float = 1.0  # 0..1 similarity to the member it joined (1.0 for the first)


@dataclass(frozen=True, slots=True)
class SentenceGroup:
    """Sentences of different articles that say the same thing (verbatim, trimmed or reworded).

    ``origins`` are the independent origins behind them: copies of one sentence share an origin,
    independent reports of the same fact do not.  A sentence nobody else carries is a group of one.
    """

    id: str
    members: tuple[GroupMember, ...]
    origins: tuple[str, ...]

    @property
    def n_origins(self) -> int:
        return len(self.origins)

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sorted({m.article_id for m in self.members}))


@dataclass(frozen=True, slots=True)
class StoryProvenance:
    """Who reported a story independently: articles, outlets and origins once copies are folded."""

    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    # (origin article id, the articles whose text comes from it, itself included)
    origins: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def n_articles(self) -> int:
        return len(self.article_ids)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)

    @property
    def n_origins(self) -> int:
        return len(self.origins)


def detect_reuse(
    articles: Sequence[Article],
    options: ReuseOptions | None = None,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
) -> list[ReuseLink]:
    """Every pair of ``articles`` that shares text, as a directed or undirected link.

    ``sentences`` (by article id) are used when given, else articles are segmented.  Links are
    sorted by (source id, target id).
    """
    options = options or ReuseOptions()
    found = find_pairs(articles, options, sentences)
    context = direction_context(found.articles, found.pairs, found.credits, found.get)
    links = [
        direct(pair, found.articles[pair.a], found.articles[pair.b], context)
        for pair in found.pairs
    ]
    links.sort(key=lambda link: (link.source_id, link.target_id))
    return links


def origins(articles: Sequence[Article], links: Sequence[ReuseLink]) -> dict[str, str]:
    """``article id → origin id``: copies map to the article they copy, others to themselves."""
    return article_origins(articles, links)


def story_provenance(articles: Sequence[Article], links: Sequence[ReuseLink]) -> StoryProvenance:
    """Articles, outlets and independent origins of one story."""
    origin = article_origins(articles, links)
    members: dict[str, list[str]] = defaultdict(list)
    for article_id, origin_id in origin.items():
        members[origin_id].append(article_id)
    outlets = sorted({a.source for a in articles if a.source})
    return StoryProvenance(
        article_ids=tuple(sorted(a.id for a in articles)),
        outlets=tuple(outlets),
        origins=tuple((o, tuple(sorted(m))) for o, m in sorted(members.items())),
    )


def copy_groups(links: Sequence[ReuseLink]) -> list[tuple[str, ...]]:
    """Articles connected by reuse links (any kind), each group sorted, groups sorted."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        rs, rt = find(link.source_id), find(link.target_id)
        if rs != rt:
            parent[max(rs, rt)] = min(rs, rt)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in sorted(parent):
        groups[find(x)].append(x)
    return sorted(tuple(sorted(g)) for g in groups.values())


def sentence_groups(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]] | None,
    links: Sequence[ReuseLink],
    options: ReuseOptions | None = None,
    vectors: Mapping[str, NDArray[np.float32]] | None = None,
) -> list[SentenceGroup]:
    """Group the sentences of ``articles`` that say the same thing, with their origins.

    Two sentences join when a reuse link aligned them, or when their :func:`pair_score` reaches
    the equivalence threshold (``options.equivalence_threshold``, by default the one calibrated
    for ``options.embedder``).  A group never holds two sentences of one article.  Every sentence
    is in exactly one group (most in a group of one); groups come in corpus order.

    ``vectors`` (article id → one unit-length row per sentence) reuse embeddings the caller
    already has; otherwise ``options.embedder`` computes them, or a lexical cosine stands in.
    """
    options = options or ReuseOptions()
    ordered = [articles[i] for i in corpus_order(articles)]
    prepared = [prepare(a, (sentences or {}).get(a.id), options) for a in ordered]
    rank = {a.id: i for i, a in enumerate(ordered)}
    nodes: list[tuple[int, int]] = [
        (d, s) for d, p in enumerate(prepared) for s in range(len(p.sentences))
    ]
    node_id = {node: k for k, node in enumerate(nodes)}
    idf = idf_table(norms for p in prepared for norms in p.norms)
    matrix = _sentence_vectors(prepared, options, vectors)

    edges: list[tuple[float, int, int, bool]] = []  # (score, node, node, is_reuse)
    for link in links:
        if link.source_id not in rank or link.target_id not in rank:
            continue
        ds, dt = rank[link.source_id], rank[link.target_id]
        for passage in link.passages:
            s = _sentence_at(prepared[ds], passage.source.start)
            t = _sentence_at(prepared[dt], passage.target.start)
            if s is not None and t is not None:
                # back on the scorer's scale (AlignedPassage.score is halved to 0..1)
                edges.append((passage.score * 2, node_id[(ds, s)], node_id[(dt, t)], True))
    threshold = options.equivalence_threshold
    if threshold is None:
        if options.embedder is not None:
            name = options.embedder.name
        else:
            name = "minilm" if vectors is not None else "lexical"
        threshold = EQUIVALENCE_THRESHOLD.get(name, EQUIVALENCE_THRESHOLD["lexical"])
    for u, v in _group_candidates(prepared, nodes, idf, matrix):
        (du, su), (dv, sv) = nodes[u], nodes[v]
        features = lexical_features(prepared[du].norms[su], prepared[dv].norms[sv], idf)
        if matrix is not None:
            cos = float(matrix[u] @ matrix[v])
        else:
            cos = lexical_cosine(prepared[du].norms[su], prepared[dv].norms[sv], idf)
        score = pair_score(cos, features)
        if score >= threshold:
            edges.append((score, u, v, False))
    edges.sort(key=lambda e: (-e[0], not e[3], e[1], e[2]))

    origin_of_article = article_origins(ordered, links)
    reuse_root = _components(len(nodes), [(u, v) for _, u, v, reuse in edges if reuse], nodes)
    group_root = _components(len(nodes), [(u, v) for _, u, v, _ in edges], nodes, scores=edges)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(nodes)):
        groups[group_root.find(k)].append(k)
    out: list[SentenceGroup] = []
    for root in sorted(groups, key=lambda r: min(groups[r])):
        members_k = sorted(groups[root])
        members: list[GroupMember] = []
        for k in members_k:
            d, s = nodes[k]
            sentence = prepared[d].sentences[s]
            first_k = reuse_root.find(k)
            origin_article = ordered[nodes[first_k][0]].id
            members.append(
                GroupMember(
                    article_id=ordered[d].id,
                    sentence_index=sentence.index,
                    start=sentence.start,
                    end=sentence.end,
                    origin_id=origin_of_article.get(origin_article, origin_article),
                    score=round(min(1.0, max(0.0, group_root.score.get(k, 2.0) / 2)), 4),
                )
            )
        origins_ = tuple(sorted({m.origin_id for m in members}))
        group_id = stable_id("group", *(f"{m.article_id}:{m.sentence_index}" for m in members))
        out.append(SentenceGroup(group_id, tuple(members), origins_))
    return out


def _sentence_at(p: Prepared, start: int) -> int | None:
    """The position in ``p`` of the sentence holding offset ``start``."""
    k = bisect.bisect_right([s.start for s in p.sentences], start) - 1
    if 0 <= k < len(p.sentences) and start < p.sentences[k].end:
        return k
    return None


def _sentence_vectors(
    prepared: Sequence[Prepared],
    options: ReuseOptions,
    vectors: Mapping[str, NDArray[np.float32]] | None,
) -> NDArray[np.float32] | None:
    if vectors is not None:
        rows = [vectors[p.article.id] for p in prepared]
        for p, row in zip(prepared, rows, strict=True):
            if len(row) != len(p.sentences):
                raise ValueError(
                    f"vectors for article {p.article.id} have {len(row)} rows; "
                    f"it has {len(p.sentences)} sentences"
                )
        return np.vstack(rows).astype(np.float32) if rows else None
    if options.embedder is None:
        return None
    texts = [s.text for p in prepared for s in p.sentences]
    return options.embedder.encode(texts) if texts else None


def _group_candidates(
    prepared: Sequence[Prepared],
    nodes: Sequence[tuple[int, int]],
    idf: Idf,
    matrix: NDArray[np.float32] | None,
) -> list[tuple[int, int]]:
    """Sentence pairs of different articles worth scoring (each once, ``u < v``)."""
    postings: dict[str, list[int]] = defaultdict(list)
    mass: list[float] = []
    for k, (d, s) in enumerate(nodes):
        unique = set(prepared[d].content[s])
        mass.append(sum(idf(t) for t in unique))
        for t in unique:
            postings[t].append(k)
    shared: dict[tuple[int, int], float] = defaultdict(float)
    for t, ks in postings.items():
        if len(ks) < 2 or len(ks) > GROUP_MAX_DF:
            continue
        weight = idf(t)
        for x in range(len(ks)):
            for y in range(x + 1, len(ks)):
                u, v = ks[x], ks[y]
                if nodes[u][0] != nodes[v][0]:
                    shared[(u, v)] += weight
    found = {
        uv for uv, m in shared.items() if m >= GROUP_PREFILTER_SHARE * min(mass[uv[0]], mass[uv[1]])
    }
    if matrix is not None and len(nodes) <= GROUP_DENSE_MAX:
        sims = matrix @ matrix.T
        docs = np.array([d for d, _ in nodes])
        close = np.argwhere((sims >= 0.6) & (docs[:, None] != docs[None, :]))
        found.update((int(u), int(v)) for u, v in close if u < v)
    return sorted(found)


class _Components:
    """Union-find over sentence nodes that never puts two sentences of one article together."""

    def __init__(self, n: int, nodes: Sequence[tuple[int, int]]) -> None:
        self.parent = list(range(n))
        self.articles: list[set[int]] = [{nodes[k][0]} for k in range(n)]
        self.score: dict[int, float] = {}

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, u: int, v: int) -> bool:
        ru, rv = self.find(u), self.find(v)
        if ru == rv or self.articles[ru] & self.articles[rv]:
            return False
        keep, drop = min(ru, rv), max(ru, rv)
        self.parent[drop] = keep
        self.articles[keep] |= self.articles[drop]
        self.articles[drop] = set()
        return True


def _components(
    n: int,
    pairs: Sequence[tuple[int, int]],
    nodes: Sequence[tuple[int, int]],
    scores: Sequence[tuple[float, int, int, bool]] | None = None,
) -> _Components:
    comps = _Components(n, nodes)
    if scores is not None:
        for score, u, v, _ in scores:
            if comps.union(u, v):
                later = max(u, v)
                comps.score.setdefault(later, score)
    else:
        for u, v in pairs:
            comps.union(u, v)
    return comps
