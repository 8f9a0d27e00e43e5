"""Choosing sentences under a word budget: concept-coverage ILP (exact) and a greedy fallback.

Both maximise ``Σ_c w_c · covered(c) + Σ_j b_j · chosen(j)`` subject to
``Σ_j len_j · chosen(j) ≤ L`` and at most one sentence from each group of equivalent sentences.
A concept counts once however many chosen sentences carry it, which is what keeps the summary
from repeating itself (Gillick & Favre 2009).  The ILP is solved by HiGHS through
:func:`scipy.optimize.milp`; the greedy variant is Lin & Bilmes' cost-scaled greedy with its
single-best-sentence guard (the objective is monotone submodular, so greedy stays within a
constant factor of the optimum).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["SelectionProblem", "select_greedy", "select_ilp"]

log = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SelectionProblem:
    """Sentences ``j`` of ``lengths[j]`` words carrying concept ids ``concepts[j]``."""

    lengths: Sequence[int]
    concepts: Sequence[frozenset[int]]
    weights: FloatArray  # one weight per concept id
    bonus: FloatArray  # one bonus per sentence
    groups: Sequence[Sequence[int]]  # sentences that say the same thing: at most one is chosen
    budget: int

    @property
    def n(self) -> int:
        return len(self.lengths)

    def value(self, chosen: Sequence[int]) -> float:
        covered: set[int] = set().union(*(self.concepts[j] for j in chosen))
        return float(sum(self.weights[c] for c in covered) + sum(self.bonus[j] for j in chosen))


_STDOUT_LOCK = threading.Lock()


@contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """Send what the solver prints to standard error while it runs.

    HiGHS prints a debug line ("HighsMipSolverData::transformNewIntegerFeasibleSolution
    tmpSolver.run();") to the C-level stdout even with display off (HiGHS issue 2783), which
    would corrupt ``--json`` output.  File descriptor 1 points at descriptor 2 during the solve.
    """
    try:
        out, err = sys.__stdout__.fileno(), sys.__stderr__.fileno()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):  # no real descriptors (embedded, captured)
        yield
        return
    with _STDOUT_LOCK:
        sys.stdout.flush()
        saved = os.dup(out)
        os.dup2(err, out)
        try:
            yield
        finally:
            os.dup2(saved, out)
            os.close(saved)


def select_ilp(problem: SelectionProblem, time_limit: float = 10.0) -> list[int]:
    """The exact optimum (or HiGHS' best within ``time_limit`` seconds), as sorted indices."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n = problem.n
    if n == 0:
        return []
    carriers: dict[int, list[int]] = {}
    for j, found in enumerate(problem.concepts):
        for c in found:
            if problem.weights[c] > 0:
                carriers.setdefault(c, []).append(j)
    used = sorted(carriers)
    objective = -np.concatenate([problem.bonus, problem.weights[used]]).astype(np.float64)
    rows: list[int] = [0] * n  # row 0: the word budget
    cols: list[int] = list(range(n))
    vals: list[float] = [float(length) for length in problem.lengths]
    upper: list[float] = [float(problem.budget)]
    # a concept counts only if a chosen sentence carries it: x_c - Σ_j s_j ≤ 0
    for k, c in enumerate(used):
        row = len(upper)
        rows.append(row)
        cols.append(n + k)
        vals.append(1.0)
        for j in carriers[c]:
            rows.append(row)
            cols.append(j)
            vals.append(-1.0)
        upper.append(0.0)
    # at most one sentence per group of equivalent sentences
    for group in problem.groups:
        if len(group) < 2:
            continue
        row = len(upper)
        rows.extend([row] * len(group))
        cols.extend(group)
        vals.extend([1.0] * len(group))
        upper.append(1.0)

    size = n + len(used)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(upper), size)).tocsr()
    integrality = np.zeros(size)
    integrality[:n] = 1  # x_c may stay continuous: at the optimum it is 0 or 1 anyway
    with _solver_output_to_stderr():
        result = milp(
            objective,
            constraints=LinearConstraint(matrix, -np.inf, np.asarray(upper)),
            integrality=integrality,
            bounds=Bounds(0, 1),
            options={"time_limit": time_limit, "disp": False},
        )
    greedy = select_greedy(problem)
    if result.x is None:
        log.warning("ILP found no solution (%s); using the greedy answer", result.message)
        return greedy
    chosen = [j for j in range(n) if result.x[j] > 0.5]
    # HiGHS stopped by the time limit may trail the greedy answer: keep the better one
    if problem.value(greedy) > problem.value(chosen) + 1e-9:
        log.info("ILP stopped early (%s); the greedy answer is better", result.message)
        return greedy
    return sorted(chosen)


def select_greedy(problem: SelectionProblem, scale: float = 1.0) -> list[int]:
    """Cost-scaled greedy: repeatedly add the sentence with the best gain / length**scale."""
    group_of: dict[int, int] = {}
    for g, group in enumerate(problem.groups):
        for j in group:
            group_of[j] = g
    covered: set[int] = set()
    chosen: list[int] = []
    used_groups: set[int] = set()
    remaining = problem.budget
    available = set(range(problem.n))
    while available:
        best, best_ratio = -1, 0.0
        for j in sorted(available):
            length = problem.lengths[j]
            if length > remaining or group_of.get(j, -1 - j) in used_groups:
                continue
            gain = float(problem.bonus[j]) + sum(
                float(problem.weights[c]) for c in problem.concepts[j] - covered
            )
            ratio = gain / max(length, 1) ** scale
            if ratio > best_ratio:
                best, best_ratio = j, ratio
        if best < 0:
            break
        chosen.append(best)
        available.discard(best)
        covered |= problem.concepts[best]
        remaining -= problem.lengths[best]
        if best in group_of:
            used_groups.add(group_of[best])
    singles = [j for j in range(problem.n) if problem.lengths[j] <= problem.budget]
    if singles:
        single = max(singles, key=lambda j: (problem.value([j]), -j))
        if problem.value([single]) > problem.value(chosen):
            return [single]
    return sorted(chosen)
