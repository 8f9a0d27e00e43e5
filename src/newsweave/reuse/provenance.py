"""Who copied whom: the direction of each reuse link, with its evidence, and the origins.

A link between two articles gets a direction only from evidence, each piece weighted:

===========================  ======  =========================================================
evidence                      weight  toward
===========================  ======  =========================================================
wire credit / attribution       3    the credited outlet: "(AP) —", "according to Reuters",
                                     "told CNN", a credits field naming the other's outlet
earlier publication             2    the earlier article (dates at least a day apart, or
                                     times at least ``MIN_GAP`` apart)
wire source                     1    an outlet other articles of the corpus credit or cite
                                     (at least ``MIN_WIRE_CITATIONS``), against one nobody does
patchwork                      1.5   the sources of an article stitched from several others
one-way containment             1    the article whose text the other mostly consists of
rarer variants                  1    the article using the common spellings: spinners swap
                                     common names and formats for rarer ones ("Russia" →
                                     "Russian Federation"), frequencies taken from the corpus
===========================  ======  =========================================================

Shared wire credits and a shared dateline are recorded as evidence of a common origin but
point nowhere.  When one side's weight exceeds the other's by at least ``MIN_MARGIN`` the link
is DERIVED (``target`` copied ``source``); otherwise it is UNKNOWN and says why.

:func:`article_origins` folds copies into their origin: exact and near-duplicates, and any
article mostly made of another's text, share the origin of the article they come from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsweave.model import AlignedPassage, Article, ReuseDirection, ReuseKind, ReuseLink
from newsweave.reuse.attribution import dateline_of, name_key, shared_credits
from newsweave.reuse.detect import MIN_WIRE_CITATIONS, Pair, Prepared

__all__ = [
    "DirectionContext",
    "article_origins",
    "direct",
    "direction_context",
    "passage_coverage",
]

# --- tuning constants (set by reasoning about the signals, checked on the demo corpus) ---------
WEIGHT_CREDIT = 3.0
WEIGHT_EARLIER = 2.0
WEIGHT_PATCHWORK = 1.5
WEIGHT_CONTAINMENT = 1.0
WEIGHT_WIRE = 1.0
WEIGHT_VARIANTS = 1.0
MIN_MARGIN = 1.0  # evidence weight one side needs over the other for a direction
MIN_GAP = timedelta(hours=1)  # publication times closer than this say nothing
CONTAINED = 0.8  # share of an article inside aligned passages: "mostly made of the other"
NOT_CONTAINED = 0.6  # ...while the other is at most this much covered
PATCHWORK_SHARE = 0.7  # an article this much covered by passages from ≥ 2 others
ORIGIN_SHARE = 0.5  # an article this much covered by one source shares its origin
MIN_VARIANT_EDGE = 2  # rarer-variant swaps one side must have more of than the other


@dataclass(frozen=True, slots=True)
class _Evidence:
    toward: int  # +1: the pair's ``a`` is the source; -1: ``b`` is; 0: no direction
    weight: float
    text: str


def _publication(a: Article, b: Article) -> _Evidence | None:
    if a.published is None or b.published is None:
        return None
    pa, pb = _naive(a.published), _naive(b.published)
    if _is_midnight(pa) or _is_midnight(pb):
        # A date without a time ("2025-03-03"): only a different day says anything.
        if pa.date() == pb.date():
            return None
        toward = 1 if pa.date() < pb.date() else -1
    elif abs(pb - pa) < MIN_GAP:
        return None
    else:
        toward = 1 if pa < pb else -1
    first, second = (a, b) if toward == 1 else (b, a)
    return _Evidence(
        toward,
        WEIGHT_EARLIER,
        f"{_label(first)} published {_when(first)}, before {_label(second)} ({_when(second)})",
    )


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        offset = value.utcoffset() or timedelta(0)
        return (value - offset).replace(tzinfo=None)
    return value


def _is_midnight(value: datetime) -> bool:
    return value.hour == value.minute == value.second == 0


def _when(article: Article) -> str:
    return article.published.isoformat() if article.published else "undated"


def _label(article: Article) -> str:
    return article.source or article.external_id or article.id


def direct(
    pair: Pair,
    a: Article,
    b: Article,
    context: DirectionContext,
) -> ReuseLink:
    """The :class:`ReuseLink` of a verified pair, oriented by the evidence."""
    evidence: list[_Evidence] = []
    patch = context.patchwork.get((pair.a, pair.b))
    if patch is not None:
        evidence.append(patch)
    for x, y, toward in ((pair.b, pair.a, 1), (pair.a, pair.b, -1)):  # x credits y: y is source
        how = context.credits.get(x, {}).get(y)
        if how:
            evidence.append(
                _Evidence(toward, WEIGHT_CREDIT, f"{_label(context.articles[x])} {how}")
            )
    published = _publication(a, b)
    if published is not None:
        evidence.append(published)
    wire_a, wire_b = context.cited_by.get(pair.a, 0), context.cited_by.get(pair.b, 0)
    if (wire_a >= MIN_WIRE_CITATIONS) != (wire_b >= MIN_WIRE_CITATIONS):
        toward, wire, count = (1, a, wire_a) if wire_a >= MIN_WIRE_CITATIONS else (-1, b, wire_b)
        evidence.append(
            _Evidence(
                toward,
                WEIGHT_WIRE,
                f"{_label(wire)} is a wire source: {count} other articles credit or cite it",
            )
        )
    if pair.coverage_b >= CONTAINED and pair.coverage_a <= NOT_CONTAINED:
        evidence.append(_containment(b, a, pair.coverage_b, pair.coverage_a, 1))
    elif pair.coverage_a >= CONTAINED and pair.coverage_b <= NOT_CONTAINED:
        evidence.append(_containment(a, b, pair.coverage_a, pair.coverage_b, -1))
    rare_a, rare_b = context.variants.get((pair.a, pair.b), (0, 0))
    if rare_b - rare_a >= MIN_VARIANT_EDGE:
        evidence.append(_variants(b, rare_b, rare_a, a, 1))
    elif rare_a - rare_b >= MIN_VARIANT_EDGE:
        evidence.append(_variants(a, rare_a, rare_b, b, -1))
    shared = shared_credits(a, b)
    if shared:
        evidence.append(_Evidence(0, 0.0, f"both credit {', '.join(shared)}"))
    da, db = dateline_of(a), dateline_of(b)
    if da and db and name_key(da) == name_key(db):
        evidence.append(_Evidence(0, 0.0, f"same dateline {da}"))

    toward_a = sum(e.weight for e in evidence if e.toward == 1)
    toward_b = sum(e.weight for e in evidence if e.toward == -1)
    if toward_a - toward_b >= MIN_MARGIN:
        source, target, direction, flip = a, b, ReuseDirection.DERIVED, False
    elif toward_b - toward_a >= MIN_MARGIN:
        source, target, direction, flip = b, a, ReuseDirection.DERIVED, True
    else:
        # No direction: order the pair by corpus order (earliest first) for a stable id.
        source, target, direction, flip = a, b, ReuseDirection.UNKNOWN, False
    texts = [e.text for e in sorted(evidence, key=lambda e: (-e.weight, e.text))]
    if direction is ReuseDirection.UNKNOWN:
        texts.insert(0, "direction unknown: " + _why_unknown(toward_a, toward_b))
    passages = tuple(
        sorted(
            (
                AlignedPassage(p.target, p.source, _unit(p.score), p.kind)
                if flip
                else AlignedPassage(p.source, p.target, _unit(p.score), p.kind)
                for p in pair.passages
            ),
            key=lambda p: (p.source.start, p.target.start),
        )
    )
    cont_src_in_tgt = pair.containment_b_in_a if flip else pair.containment_a_in_b
    cont_tgt_in_src = pair.containment_a_in_b if flip else pair.containment_b_in_a
    return ReuseLink(
        source_id=source.id,
        target_id=target.id,
        kind=pair.kind,
        direction=direction,
        score=round(max(pair.coverage_a, pair.coverage_b), 4),
        jaccard=round(pair.jaccard, 4),
        containment_source_in_target=round(cont_src_in_tgt, 4),
        containment_target_in_source=round(cont_tgt_in_src, 4),
        passages=passages,
        evidence=tuple(texts),
    )


@dataclass(frozen=True)
class DirectionContext:
    """What the corpus as a whole says about direction (built by :func:`direction_context`)."""

    articles: Sequence[Article]
    credits: Mapping[int, Mapping[int, str]]  # article → {article it credits: how}
    cited_by: Mapping[int, int]  # article → how many other articles credit its outlet
    patchwork: Mapping[tuple[int, int], _Evidence]
    variants: Mapping[tuple[int, int], tuple[int, int]]


def direction_context(
    articles: Sequence[Article],
    pairs: Sequence[Pair],
    credits: Mapping[int, Mapping[int, str]],
    get: Callable[[int], Prepared],
) -> DirectionContext:
    cited_by: Counter[int] = Counter()
    for sources in credits.values():
        cited_by.update(sources.keys())
    involved = sorted({i for p in pairs for i in (p.a, p.b)})
    frequency = surface_frequency(get(i) for i in involved)
    variants = {(p.a, p.b): variant_counts(p, get(p.a), get(p.b), frequency) for p in pairs}
    return DirectionContext(
        articles, credits, cited_by, patchwork_evidence(pairs, articles), variants
    )


def _unit(score: float) -> float:
    """A sentence-scorer value (up to 2 for identical text) as the model's 0..1 similarity."""
    return round(min(1.0, max(0.0, score / 2)), 4)


def _why_unknown(toward_a: float, toward_b: float) -> str:
    if toward_a == toward_b == 0:
        return "no dates, credits, containment or spun variants tell them apart"
    return f"the evidence is balanced ({toward_a:g} against {toward_b:g})"


def _containment(
    inner: Article, outer: Article, inner_cov: float, outer_cov: float, toward: int
) -> _Evidence:
    return _Evidence(
        toward,
        WEIGHT_CONTAINMENT,
        f"{_label(inner)} is {inner_cov:.0%} made of {_label(outer)}'s text; "
        f"{_label(outer)} only {outer_cov:.0%} of {_label(inner)}'s",
    )


def _variants(spun: Article, rare: int, other_rare: int, plain: Article, toward: int) -> _Evidence:
    return _Evidence(
        toward,
        WEIGHT_VARIANTS,
        f"{_label(spun)} uses rarer variants of shared words ({rare} swaps against "
        f"{other_rare} in {_label(plain)}), as spinners do",
    )


def patchwork_evidence(
    pairs: Sequence[Pair], articles: Sequence[Article]
) -> dict[tuple[int, int], _Evidence]:
    """Evidence for articles stitched together from the text of several others.

    An article x qualifies when at least two partners each gave it a part of themselves (at
    most ``NOT_CONTAINED`` of the partner is shared) and those parts cover ``PATCHWORK_SHARE`` of
    x's characters together, while no one partner covers ``CONTAINED`` alone.  Each such
    partner is then x's source.
    """
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # (start, end, other)
    by_key: dict[tuple[int, int], Pair] = {}
    for p in pairs:
        by_key[(p.a, p.b)] = p
        for passage in p.passages:
            spans[p.a].append((passage.source.start, passage.source.end, p.b))
            spans[p.b].append((passage.target.start, passage.target.end, p.a))
    out: dict[tuple[int, int], _Evidence] = {}
    for x, found in spans.items():
        length = len(articles[x].text)
        # Partners that gave x a part of themselves (not ones mostly made of x's text).
        sources = []
        for y in sorted({other for _, _, other in found}):
            pair = by_key[(min(x, y), max(x, y))]
            if (pair.coverage_a if pair.a == y else pair.coverage_b) <= NOT_CONTAINED:
                sources.append(y)
        if len(sources) < 2 or not length:
            continue
        covered = _union_length([(s, e) for s, e, y in found if y in sources]) / length
        if covered < PATCHWORK_SHARE:
            continue
        largest = max(_union_length([(s, e) for s, e, o in found if o == y]) for y in sources)
        if largest / length >= CONTAINED:
            continue  # mostly one article's text: containment speaks for it
        for y in sources:
            pair = by_key[(min(x, y), max(x, y))]
            out[(pair.a, pair.b)] = _Evidence(
                1 if pair.a == y else -1,
                WEIGHT_PATCHWORK,
                f"{_label(articles[x])} stitches together text of {len(sources)} articles "
                f"({covered:.0%} of it)",
            )
    return out


def _union_length(intervals: Iterable[tuple[int, int]]) -> int:
    total = 0
    end = -1
    for s, e in sorted(intervals):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def variant_counts(
    pair: Pair, a: Prepared, b: Prepared, frequency: Mapping[str, int]
) -> tuple[int, int]:
    """Matched tokens whose surface differs: how often each side used the rarer surface."""
    rare_a = rare_b = 0
    for passage in pair.passages:
        i, j = passage.source_sentence, passage.target_sentence
        if passage.kind == "identical" or i < 0 or j < 0:
            continue
        surfaces_b: dict[str, list[str]] = defaultdict(list)
        for t in b.tokens[j]:
            if t.content:
                surfaces_b[t.norm].append(_surface(b, t.start, t.end))
        for t in a.tokens[i]:
            if not t.content or not surfaces_b.get(t.norm):
                continue
            sa, sb = _surface(a, t.start, t.end), surfaces_b[t.norm].pop(0)
            if sa == sb:
                continue
            fa, fb = frequency.get(sa, 0), frequency.get(sb, 0)
            if fa < fb:
                rare_a += 1
            elif fb < fa:
                rare_b += 1
    return rare_a, rare_b


def _surface(p: Prepared, start: int, end: int) -> str:
    return " ".join(p.article.text[start:end].split())


def surface_frequency(prepared: Iterable[Prepared]) -> Counter[str]:
    """How often each surface form of a token occurs in the given articles."""
    counts: Counter[str] = Counter()
    for p in prepared:
        for tokens in p.tokens:
            counts.update(_surface(p, t.start, t.end) for t in tokens if t.content)
    return counts


def passage_coverage(link: ReuseLink, text_length: Callable[[str], int]) -> tuple[float, float]:
    """Share of the source's and of the target's characters inside the link's passages."""
    src = sum(len(p.source) for p in link.passages)
    tgt = sum(len(p.target) for p in link.passages)
    ls, lt = text_length(link.source_id), text_length(link.target_id)
    return (min(1.0, src / ls) if ls else 0.0, min(1.0, tgt / lt) if lt else 0.0)


def article_origins(articles: Sequence[Article], links: Sequence[ReuseLink]) -> dict[str, str]:
    """Each article's origin: the article its text comes from, or itself.

    Exact and near-duplicates share one origin; so does an article whose text is mostly
    (``ORIGIN_SHARE``) inside passages of one source.  Within a group the origin is an article no
    DERIVED link points into, the earliest published, then the smallest id.
    """
    by_id = {a.id: a for a in articles}
    lengths = {a.id: len(a.text) for a in articles}
    parent: dict[str, str] = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    derived_targets: set[str] = set()
    best_source: dict[str, tuple[float, str]] = {}
    for link in links:
        if link.source_id not in by_id or link.target_id not in by_id:
            continue
        cov_src, cov_tgt = passage_coverage(link, lambda i: lengths[i])
        carried = link.kind in (ReuseKind.EXACT, ReuseKind.NEAR_DUPLICATE)
        if link.direction is ReuseDirection.DERIVED:
            if carried or cov_tgt >= ORIGIN_SHARE:
                derived_targets.add(link.target_id)
                current = best_source.get(link.target_id)
                candidate = (cov_tgt if not carried else 1.0 + cov_tgt, link.source_id)
                if current is None or (candidate[0], _neg(candidate[1])) > (
                    current[0],
                    _neg(current[1]),
                ):
                    best_source[link.target_id] = candidate
        elif carried or min(cov_src, cov_tgt) >= ORIGIN_SHARE:
            _union(parent, find, link.source_id, link.target_id)
    for target, (_, source) in sorted(best_source.items()):
        _union(parent, find, source, target)

    groups: dict[str, list[str]] = defaultdict(list)
    for article_id in sorted(parent):
        groups[find(article_id)].append(article_id)
    origin: dict[str, str] = {}
    for members in groups.values():
        roots = [m for m in members if m not in derived_targets] or members
        chosen = min(roots, key=lambda m: _age_key(by_id[m]))
        for m in members:
            origin[m] = chosen
    return origin


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def _union(parent: dict[str, str], find: Callable[[str], str], x: str, y: str) -> None:
    rx, ry = find(x), find(y)
    if rx != ry:
        parent[max(rx, ry)] = min(rx, ry)


def _age_key(article: Article) -> tuple[int, str, str]:
    if article.published is None:
        return (1, "", article.id)
    return (0, _naive(article.published).isoformat(), article.id)
