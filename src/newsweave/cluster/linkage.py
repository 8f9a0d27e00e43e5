"""Sparse average-link agglomeration: stories as union-find sets joined by weighted links.

Articles are nodes; a scored pair of articles adds its score to the link between the stories
holding them.  The link score of two stories is the summed score of their scored pairs divided
by the number of all their pairs (unscored pairs count as 0: they were never candidates), less
a share when the stories' date spans lie far apart (weeks), and at the event granularity a share
when their mean dates lie days apart (two bursts of coverage: the gap between their bulk, not
between their closest members, which a late article of one burst can bring next to the other).
Batch clustering merges the best pair of stories first, again and again, while one scores at
least the threshold; incremental updates merge around the story an arriving article joined,
with the same rule.  Either way no two
linked stories are left scoring at least the threshold.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from newsweave.cluster.options import ClusterOptions

__all__ = ["StoryGraph", "naive_utc"]

_SECONDS_PER_DAY = 86_400.0
_EPOCH = datetime(1970, 1, 1)


class StoryGraph:
    """Union-find over articles with the summed pair scores between the current stories."""

    def __init__(
        self,
        *,
        time_tolerance_days: float,
        time_scale_days: float,
        time_penalty: float,
        bulk_tolerance_days: float = 0.0,
        bulk_scale_days: float = 1.0,
        bulk_penalty: float = 0.0,
    ) -> None:
        self._parent: list[int] = []
        self._size: list[int] = []
        self._links: list[dict[int, float]] = []  # root -> {root: summed pair score}
        # root -> its earliest / latest dated member (itself while none is dated): its span
        self._earliest: list[int] = []
        self._latest: list[int] = []
        self._version: list[int] = []
        self._head: list[int] = []  # root -> its earliest-added node
        self._members: list[list[int]] = []  # root -> its nodes (empty for other nodes)
        self._published: list[datetime | None] = []  # node -> its date
        self._day: list[float | None] = []  # node -> its date in days since 1970
        self._moment_sum: list[float] = []  # root -> summed dates (days since 1970) of members
        self._dated: list[int] = []  # root -> its dated members
        self._tolerance = time_tolerance_days
        self._scale = time_scale_days
        self._penalty = time_penalty
        self._bulk_tolerance = bulk_tolerance_days
        self._bulk_scale = bulk_scale_days
        self._bulk_penalty = bulk_penalty

    @classmethod
    def from_options(cls, options: ClusterOptions) -> StoryGraph:
        return cls(
            time_tolerance_days=options.time_tolerance_days,
            time_scale_days=options.time_scale_days,
            time_penalty=options.time_penalty,
            bulk_tolerance_days=options.bulk_tolerance_days,
            bulk_scale_days=options.bulk_scale_days,
            bulk_penalty=options.resolved_bulk_penalty,
        )

    def __len__(self) -> int:
        return len(self._parent)

    def add_node(self, published: datetime | None) -> int:
        published = naive_utc(published)
        node = len(self._parent)
        self._parent.append(node)
        self._size.append(1)
        self._links.append({})
        self._earliest.append(node)
        self._latest.append(node)
        self._version.append(0)
        self._head.append(node)
        self._members.append([node])
        self._published.append(published)
        day = _day_number(published) if published is not None else None
        self._day.append(day)
        self._moment_sum.append(day if day is not None else 0.0)
        self._dated.append(int(published is not None))
        return node

    def find(self, node: int) -> int:
        parent = self._parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def head(self, node: int) -> int:
        """The earliest-added node of ``node``'s story: a key that lasts while it grows."""
        return self._head[self.find(node)]

    def head_of_root(self, root: int) -> int:
        """The head ``root`` had when it was last a root (absorbed roots keep theirs)."""
        return self._head[root]

    def size(self, node: int) -> int:
        return self._size[self.find(node)]

    def span(self, node: int) -> tuple[datetime | None, datetime | None]:
        root = self.find(node)
        return self._published[self._earliest[root]], self._published[self._latest[root]]

    def add_score(self, a: int, b: int, score: float) -> None:
        """Add the score of the article pair ``(a, b)`` to the link of their stories."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        links_a = self._links[ra]
        links_a[rb] = links_a.get(rb, 0.0) + score
        self._links[rb][ra] = links_a[rb]

    def roots(self) -> Iterator[int]:
        return (node for node, parent in enumerate(self._parent) if node == parent)

    def link_score(self, ra: int, rb: int) -> float:
        """Average pair score of two stories (roots), shrunk by their time penalty."""
        summed = self._links[ra].get(rb, 0.0)
        score = summed / (self._size[ra] * self._size[rb])
        if self._penalty:
            score *= 1.0 - self.time_penalty(ra, rb)
        if self._bulk_penalty:
            score *= 1.0 - self.bulk_penalty(ra, rb)
        return score

    def time_penalty(self, ra: int, rb: int) -> float:
        """The share of link score two stories (roots) lose to the gap between their spans."""
        day, earliest, latest = self._day, self._earliest, self._latest
        first_a, first_b = day[earliest[ra]], day[earliest[rb]]
        if first_a is None or first_b is None:
            return 0.0
        last_a, last_b = day[latest[ra]], day[latest[rb]]
        if last_a is None or last_b is None:
            return 0.0
        gap_days = max(first_a, first_b) - min(last_a, last_b)
        if gap_days <= self._tolerance:
            return 0.0
        return self._penalty * min(1.0, (gap_days - self._tolerance) / self._scale)

    def bulk_penalty(self, ra: int, rb: int) -> float:
        """The share of link score two stories (roots) lose to the gap between their mean dates.

        Two bursts of coverage some days apart — an interview and the vote it announced — stay
        two stories even when an article of one falls next to the other.
        """
        gap_days = self.bulk_gap(ra, rb)
        if gap_days is None:
            return 0.0
        if gap_days <= self._bulk_tolerance:
            return 0.0
        share = (gap_days - self._bulk_tolerance) / self._bulk_scale
        return self._bulk_penalty * min(1.0, share)

    def bulk_gap(self, ra: int, rb: int) -> float | None:
        """Days between the mean dates of two stories (roots); None when one is undated."""
        dated_a, dated_b = self._dated[ra], self._dated[rb]
        if not dated_a or not dated_b:
            return None
        return abs(self._moment_sum[ra] / dated_a - self._moment_sum[rb] / dated_b)

    def union(self, a: int, b: int) -> int:
        """Merge the stories of ``a`` and ``b``; returns the root of the merged story."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._links[ra]) < len(self._links[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]
        links_a = self._links[ra]
        links_a.pop(rb, None)
        for other, summed in self._links[rb].items():
            if other == ra:
                continue
            merged = links_a.get(other, 0.0) + summed
            links_a[other] = merged
            links_other = self._links[other]
            links_other.pop(rb, None)
            links_other[ra] = merged
        self._links[rb] = {}
        members_a, members_b = self._members[ra], self._members[rb]
        if len(members_a) < len(members_b):
            members_a, members_b = members_b, members_a
        members_a.extend(members_b)
        self._members[ra], self._members[rb] = members_a, []
        self._head[ra] = min(self._head[ra], self._head[rb])
        self._moment_sum[ra] += self._moment_sum[rb]
        self._dated[ra] += self._dated[rb]
        self._earliest[ra] = self._dated_first(self._earliest[ra], self._earliest[rb], later=False)
        self._latest[ra] = self._dated_first(self._latest[ra], self._latest[rb], later=True)
        self._version[ra] += 1
        self._version[rb] += 1
        return ra

    def _dated_first(self, a: int, b: int, *, later: bool) -> int:
        """Of nodes ``a`` and ``b``, the earlier (or ``later``) dated one; ``a`` on a tie."""
        date_a, date_b = self._published[a], self._published[b]
        if date_a is None:
            return b
        if date_b is None or date_a == date_b:
            return a
        return a if (date_a > date_b) == later else b

    def merge_all(self, threshold: float) -> int:
        """Merge the best-scoring linked pair of stories while one scores ``threshold``.

        Returns the number of merges.
        """
        heap: list[tuple[float, int, int, int, int]] = []
        for ra in self.roots():
            for rb in self._links[ra]:
                if ra < rb:
                    self._push(heap, ra, rb, threshold)
        heapq.heapify(heap)
        return self._drain(heap, threshold)

    def merge_around(self, node: int, threshold: float) -> list[int]:
        """Merge the story of ``node`` with its best linked story while one scores ``threshold``.

        Only links of that story change when an article arrives, so this restores the rule
        that no linked pair of stories scores ``threshold``.  Returns the roots absorbed.
        """
        absorbed: list[int] = []
        root = self.find(node)
        size = self._size
        while True:
            best, best_score = -1, threshold
            for other, summed in self._links[root].items():
                if summed / (size[root] * size[other]) < best_score:
                    continue  # the time rules only shrink the average: it cannot win
                score = self.link_score(root, other)
                if score > best_score or (score == best_score and best >= 0 and other < best):
                    best, best_score = other, score
            if best < 0:
                return absorbed
            merged = self.union(root, best)
            absorbed.append(best if merged == root else root)
            root = merged

    def _push(
        self, heap: list[tuple[float, int, int, int, int]], ra: int, rb: int, threshold: float
    ) -> None:
        score = self.link_score(ra, rb)
        if score >= threshold:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            heap.append((-score, lo, hi, self._version[lo], self._version[hi]))

    def _drain(self, heap: list[tuple[float, int, int, int, int]], threshold: float) -> int:
        merges = 0
        version, size = self._version, self._size
        while heap:
            _, ra, rb, va, vb = heapq.heappop(heap)
            if version[ra] != va or version[rb] != vb:
                continue  # one of them merged since this entry was pushed
            root = self.union(ra, rb)
            merges += 1
            for other, summed in self._links[root].items():
                if summed / (size[root] * size[other]) < threshold:
                    continue  # below it before the time rules, which only shrink it
                score = self.link_score(root, other)
                if score >= threshold:
                    lo, hi = (root, other) if root < other else (other, root)
                    heapq.heappush(heap, (-score, lo, hi, version[lo], version[hi]))
        return merges

    def members(self) -> dict[int, list[int]]:
        """Root -> its nodes, in node order."""
        return {root: sorted(self._members[root]) for root in self.roots()}

    def dissolve(self, roots: Iterable[int]) -> list[int]:
        """Split the stories ``roots`` back into single articles, unlinked; returns the nodes.

        The caller links them again (:meth:`add_score`) and merges (:meth:`merge_from`): this
        is how incremental clustering revisits a region once its neighbourhoods have changed.
        """
        freed: list[int] = []
        for root in set(roots):
            if self._parent[root] != root:
                raise ValueError(f"node {root} is not the root of a story")
            for other in self._links[root]:
                self._links[other].pop(root, None)
            self._links[root] = {}
            self._version[root] += 1
            for node in self._members[root]:
                self._parent[node] = node
                self._size[node] = 1
                self._members[node] = [node]
                self._head[node] = node
                self._earliest[node] = self._latest[node] = node
                day = self._day[node]
                self._moment_sum[node] = day if day is not None else 0.0
                self._dated[node] = int(day is not None)
                self._version[node] += 1
                freed.append(node)
        freed.sort()
        return freed

    def merge_from(self, roots: Iterable[int], threshold: float) -> int:
        """Best-first merging seeded with the links of ``roots`` (other links are settled)."""
        heap: list[tuple[float, int, int, int, int]] = []
        seeds = {self.find(r) for r in roots}
        for ra in sorted(seeds):
            for rb in self._links[ra]:
                if rb not in seeds or ra < rb:
                    self._push(heap, ra, rb, threshold)
        heapq.heapify(heap)
        return self._drain(heap, threshold)

    def unite_all(self, pairs: Iterable[tuple[int, int]]) -> None:
        for a, b in pairs:
            self.union(a, b)


def naive_utc(moment: datetime | None) -> datetime | None:
    """``moment`` as a naive UTC datetime, so that dated and zoned articles compare."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / _SECONDS_PER_DAY


def _day_number(moment: datetime) -> float:
    """Days since 1970-01-01 of a naive UTC ``moment``."""
    return _days(moment, _EPOCH)
