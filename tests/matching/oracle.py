"""Independent checks: hard rules written out again, brute force, and a dense reference."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from balik.matching.model import Kind, MatchInput
from balik.matching.problem import build_problem
from balik.matching.scoring import evaluate


def breaks_a_rule(inp: MatchInput, mentor: int, mentee: int) -> bool:
    people, settings = inp.people, inp.settings
    if mentor == mentee:
        return True
    gap = settings.gap
    difference = int(people.seniority[mentor]) - int(people.seniority[mentee])
    if settings.kind is Kind.REVERSE and difference > -gap:
        return True
    if settings.kind in (Kind.FLIPPED, Kind.CLASSIC) and difference < gap:
        return True
    if settings.kind is Kind.PEER and abs(difference) > gap:
        return True
    if int(people.languages[mentor]) & int(people.languages[mentee]) == 0:
        return True
    same = people.department[mentor] == people.department[mentee] and people.department[mentor] >= 0
    if settings.require_different_department and same:
        return True
    depth_limit = settings.manager_chain_depth
    if depth_limit != 0:
        for a, b in ((mentor, mentee), (mentee, mentor)):
            above = people.tin[a] < people.tin[b] < people.tout[a]
            near = depth_limit is None or people.depth[b] - people.depth[a] <= depth_limit
            if above and near:
                return True
    for x, y in inp.avoid.tolist():
        if {x, y} == {mentor, mentee}:
            return True
    for x, y in inp.forbidden.tolist():
        if (x, y) == (mentor, mentee) or (
            settings.kind is Kind.PEER and (y, x) == (mentor, mentee)
        ):
            return True
    return False


def pair_weights(
    inp: MatchInput,
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """(mentor, mentee) -> score + bonus for feasible pairs; and -> score for every pair."""
    problem = build_problem(inp)
    rows, cols = np.meshgrid(np.arange(problem.n_rows), np.arange(problem.n_cols), indexing="ij")
    r, c = rows.ravel(), cols.ravel()
    evaluation = evaluate(problem, r, c)
    feasible: dict[tuple[int, int], float] = {}
    scores: dict[tuple[int, int], float] = {}
    for k in range(len(r)):
        mentee = int(problem.rows.person[r[k]])
        mentor = int(problem.cols.person[c[k]])
        scores[(mentor, mentee)] = float(evaluation.score[k])
        if evaluation.score[k] >= inp.settings.min_score - 1e-12 and not breaks_a_rule(
            inp, mentor, mentee
        ):
            feasible[(mentor, mentee)] = float(evaluation.score[k] + evaluation.bonus[k])
    return feasible, scores


def brute_force_bipartite(inp: MatchInput) -> float:
    feasible, _ = pair_weights(inp)
    capacity = dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True))
    locked_mentees = set()
    fixed = 0.0
    problem = build_problem(inp)
    for mentor, mentee in inp.locked.tolist():
        capacity[mentor] -= 1
        locked_mentees.add(mentee)
        r, c = problem.row_of[mentee], problem.col_of[mentor]
        e = evaluate(problem, np.array([r]), np.array([c]))
        fixed += float(e.score[0] + e.bonus[0])
    mentees = [m for m in inp.mentees.tolist() if m not in locked_mentees]
    best = 0.0

    def go(k: int, total: float) -> None:
        nonlocal best
        if k == len(mentees):
            best = max(best, total)
            return
        go(k + 1, total)
        for mentor in inp.mentors.tolist():
            weight = feasible.get((mentor, mentees[k]))
            if weight is not None and capacity[mentor] > 0 and mentor != mentees[k]:
                capacity[mentor] -= 1
                go(k + 1, total + weight)
                capacity[mentor] += 1

    go(0, 0.0)
    return best + fixed


def brute_force_peer(inp: MatchInput) -> float:
    feasible, _ = pair_weights(inp)
    pool = sorted(set(inp.mentors.tolist()) | set(inp.mentees.tolist()))
    capacity = {p: 1 for p in pool}
    capacity.update(dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True)))
    edges = []
    for a, b in itertools.combinations(pool, 2):
        w = max(feasible.get((a, b), -1.0), feasible.get((b, a), -1.0))
        if w >= 0:
            edges.append((a, b, w))
    best = 0.0

    def go(k: int, total: float) -> None:
        nonlocal best
        if k == len(edges):
            best = max(best, total)
            return
        go(k + 1, total)
        a, b, w = edges[k]
        if capacity[a] > 0 and capacity[b] > 0:
            capacity[a] -= 1
            capacity[b] -= 1
            go(k + 1, total + w)
            capacity[a] += 1
            capacity[b] += 1

    go(0, 0.0)
    return best


def dense_reference(inp: MatchInput) -> float:
    """linear_sum_assignment on mentees x mentor places (no locks)."""
    feasible, _ = pair_weights(inp)
    places = [
        m
        for m, cap in zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True)
        for _ in range(cap)
    ]
    mentees = inp.mentees.tolist()
    matrix = np.zeros((len(mentees), max(len(places), 1) + len(mentees)))
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(places):
            matrix[i, j] = max(feasible.get((mentor, mentee), 0.0), 0.0)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum())


def milp_peer_reference(inp: MatchInput) -> float:
    feasible, _ = pair_weights(inp)
    pool = sorted(set(inp.mentors.tolist()) | set(inp.mentees.tolist()))
    capacity = {p: 1 for p in pool}
    capacity.update(dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True)))
    index = {p: k for k, p in enumerate(pool)}
    edges = []
    for a, b in itertools.combinations(pool, 2):
        w = max(feasible.get((a, b), -1.0), feasible.get((b, a), -1.0))
        if w > 0:
            edges.append((index[a], index[b], w))
    if not edges:
        return 0.0
    a = np.array([e[0] for e in edges])
    b = np.array([e[1] for e in edges])
    w = np.array([e[2] for e in edges])
    k = len(edges)
    incidence = sp.csr_matrix(
        (np.ones(2 * k), (np.r_[a, b], np.r_[np.arange(k), np.arange(k)])), shape=(len(pool), k)
    )
    cap = np.array([capacity[p] for p in pool], dtype=float)
    result = milp(
        -w,
        constraints=LinearConstraint(incidence, -np.inf, cap),
        integrality=np.ones(k),
        bounds=Bounds(0, 1),
    )
    return float(-result.fun)
