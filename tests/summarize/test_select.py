from __future__ import annotations

import itertools
import os
import random

import numpy as np
import pytest

from newsweave.summarize.select import (
    SelectionProblem,
    _solver_output_to_stderr,
    select_greedy,
    select_ilp,
)


def _random_problem(seed: int) -> SelectionProblem:
    rng = random.Random(seed)
    n, m = rng.randint(4, 9), rng.randint(5, 15)
    concepts = [frozenset(rng.sample(range(m), rng.randint(1, 5))) for _ in range(n)]
    groups = [[0, 1]] if n > 3 and rng.random() < 0.5 else []
    return SelectionProblem(
        lengths=[rng.randint(3, 12) for _ in range(n)],
        concepts=concepts,
        weights=np.array([rng.choice([1.0, 2.0, 3.0, 0.5]) for _ in range(m)]),
        bonus=np.array([rng.choice([0.0, 0.0, 0.5]) for _ in range(n)]),
        groups=groups,
        budget=rng.randint(8, 25),
    )


def _feasible(problem: SelectionProblem, chosen: list[int]) -> bool:
    if sum(problem.lengths[j] for j in chosen) > problem.budget:
        return False
    return all(len(set(g) & set(chosen)) <= 1 for g in problem.groups)


def _brute_force(problem: SelectionProblem) -> float:
    best = 0.0
    for r in range(problem.n + 1):
        for subset in itertools.combinations(range(problem.n), r):
            if _feasible(problem, list(subset)):
                best = max(best, problem.value(subset))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_ilp_finds_the_optimum_and_greedy_stays_feasible(seed: int) -> None:
    problem = _random_problem(seed)
    exact = select_ilp(problem)
    greedy = select_greedy(problem)
    assert _feasible(problem, exact)
    assert _feasible(problem, greedy)
    assert problem.value(exact) == pytest.approx(_brute_force(problem))
    assert problem.value(greedy) <= problem.value(exact) + 1e-9


def test_a_concept_counts_once_so_a_repeat_loses_to_new_content() -> None:
    problem = SelectionProblem(
        lengths=[5, 5, 5],
        concepts=[frozenset({0, 1}), frozenset({0, 1}), frozenset({2})],
        weights=np.array([3.0, 3.0, 1.0]),
        bonus=np.zeros(3),
        groups=[],
        budget=10,
    )
    chosen = select_ilp(problem)
    assert chosen in ([0, 2], [1, 2])


def test_empty_problem() -> None:
    problem = SelectionProblem([], [], np.zeros(0), np.zeros(0), [], 100)
    assert select_ilp(problem) == []
    assert select_greedy(problem) == []


def test_what_the_solver_prints_goes_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with _solver_output_to_stderr():
        os.write(1, b"solver chatter\n")
    os.write(1, b"our output\n")
    captured = capfd.readouterr()
    assert captured.out == "our output\n"
    assert "solver chatter" in captured.err
