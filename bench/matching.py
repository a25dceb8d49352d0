"""Benchmark of the matching engine on a synthetic organisation.

    python -m bench.matching --mentees 10000 --mentors 10000 [--kind classic] [--json]
    python -m bench.matching --mentees 100000 --mentors 100000 --no-reference --time-limit 108

`--time-limit` bounds the search, solve and pricing (seconds); the input before them and the
reasons after them take another 10-12 s at 100,000 x 100,000, so 108 keeps the whole pipeline
within the issue's 120 s on this machine when nothing else runs on it.

Prints the whole pipeline's seconds (building the input, scores, solve, reasons), the peak
memory (RSS) after it, the engine's objective and its certificate (proven upper bound, gap),
and, for comparison, the objective of an independent exact reference and of a greedy baseline.

The reference scores every pair densely in float64 (from the engine's input arrays, not its
search or solver) and solves the expanded assignment with SciPy's `linear_sum_assignment`:
one column per mentor place (capacity copies), zero-valued columns for "unmatched", locked
pairs taken first. It runs where the dense matrices fit (`--reference-limit` cells). The
greedy baseline lets mentees in id order take the best feasible mentor with a free place.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from balik.matching.engine import Kind, MatchInput, match
from balik.matching.problem import Problem, build_problem
from balik.matching.scoring import TileScorer, evaluate
from balik.matching.sparse import sparse_candidates
from bench.environment import max_rss_mb
from bench.synthetic_matching import organisation

REFERENCE_LIMIT = 4 * 10**8  # cells of the expanded assignment matrix


def _bits(availability: np.ndarray) -> np.ndarray:
    as_bytes = np.ascontiguousarray(availability, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little").astype(np.float64)


def dense_weights(problem: Problem, rows: np.ndarray, *, rules: bool = True) -> np.ndarray:
    """score + bonuses of rows x every column, -inf where a pair is not allowed."""
    rows_side, cols = problem.rows, problem.cols
    w = problem.weights
    skill = (problem.skill_rows[rows] @ problem.skill_cols).toarray()
    reciprocal = (problem.recip_rows[rows] @ problem.recip_cols).toarray()
    hours = (_bits(rows_side.availability[rows]) @ _bits(cols.availability).T) / 2.0
    availability = np.minimum(1.0, hours / problem.saturation)
    goal = np.clip(rows_side.goal[rows] @ cols.goal.T, 0.0, 1.0)
    preference = problem.wanted_matrix[rows].toarray().astype(np.float64)
    dept_r = rows_side.department[rows][:, None]
    dept_c = cols.department[None, :]
    diversity = ((dept_r != dept_c) & (dept_r >= 0) & (dept_c >= 0)).astype(np.float64)
    score = (
        w[0] * skill
        + w[1] * reciprocal
        + w[2] * availability
        + w[3] * goal
        + w[4] * preference
        + w[5] * diversity
    )
    difference = cols.seniority[None, :] - rows_side.seniority[rows][:, None]
    gap = problem.gap
    if problem.kind is Kind.REVERSE:
        allowed = difference <= -gap
    elif problem.kind is Kind.PEER:
        allowed = np.abs(difference) <= gap
    else:
        allowed = difference >= gap
    allowed &= (rows_side.languages[rows][:, None] & cols.languages[None, :]) != 0
    if problem.require_department:
        allowed &= ~((dept_r == dept_c) & (dept_r >= 0))
    # self, management chain, avoid and forbidden pairs: the input's sparse exceptions
    allowed &= problem.exclusion_matrix[rows].toarray() == 0
    allowed &= score >= problem.min_score - 1e-12
    weight = score + rows_side.bonus[rows][:, None] + cols.bonus[None, :]
    return np.where(allowed, weight, -np.inf) if rules else weight


def lock_weight(problem: Problem) -> float:
    total = 0.0
    for r, c in zip(problem.locked_rows.tolist(), problem.locked_cols.tolist(), strict=True):
        # a locked pair counts even when it breaks a rule
        total += float(dense_weights(problem, np.array([r]), rules=False)[0, c])
    return total


def reference_objective(problem: Problem) -> float:
    rows = np.flatnonzero(problem.row_cap > 0)
    weights = dense_weights(problem, rows)
    weights[~np.isfinite(weights)] = 0.0
    np.maximum(weights, 0.0, out=weights)
    places = np.repeat(np.arange(problem.n_cols), np.maximum(problem.col_cap, 0))
    expanded = weights[:, places]
    del weights
    if expanded.shape[1] < expanded.shape[0]:
        expanded = np.hstack([expanded, np.zeros((len(rows), len(rows) - expanded.shape[1]))])
    r, c = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[r, c].sum()) + lock_weight(problem)


def greedy_objective(problem: Problem) -> float:
    """Mentees in id order take their best allowed mentor with a free place."""
    free = problem.col_cap.astype(np.int64).copy()
    total = lock_weight(problem)
    rows = np.flatnonzero(problem.row_cap > 0)
    block = max(1, 4_000_000 // max(problem.n_cols, 1))
    for start in range(0, len(rows), block):
        weights = dense_weights(problem, rows[start : start + block])
        for line in weights:
            line[free <= 0] = -np.inf
            best = int(np.argmax(line))
            if np.isfinite(line[best]) and line[best] > 0:
                free[best] -= 1
                total += float(line[best])
    return total


def greedy_on_shortlists(problem: Problem) -> float:
    """For programmes too large to score densely: the same greedy over each mentee's
    shortlist from the engine's skill index (12 best partners found there)."""
    active = np.flatnonzero(problem.row_cap > 0)
    r, c, _ = sparse_candidates(problem, TileScorer(problem), active, 12)
    evaluation = evaluate(problem, r, c)
    ok = evaluation.feasible(problem.min_score)
    r, c = r[ok], c[ok]
    weight = evaluation.score[ok] + evaluation.bonus[ok]
    order = np.lexsort((c, -weight, r))
    r, c, weight = r[order], c[order], weight[order]
    free = problem.col_cap.astype(np.int64).copy()
    total = lock_weight(problem)
    taken = np.zeros(problem.n_rows, dtype=bool)
    for row, col, value in zip(r.tolist(), c.tolist(), weight.tolist(), strict=True):
        if not taken[row] and free[col] > 0 and value > 0:
            taken[row] = True
            free[col] -= 1
            total += value
    return total


def run(args: argparse.Namespace) -> dict[str, Any]:
    start = time.perf_counter()
    inp: MatchInput = organisation(args.mentees, args.mentors, kind=args.kind, seed=args.seed)
    built = time.perf_counter() - start
    result = match(inp, time_limit=args.time_limit)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss = max_rss_mb()
    certificate = result.certificate
    out: dict[str, Any] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "kind": args.kind,
        "seconds": round(seconds, 3),
        "seconds_input": round(built, 3),
        # processor time of this process (BLAS threads add up): tells contention from work
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "stage_seconds": {k: round(v, 3) for k, v in result.stage_seconds.items()},
        "peak_rss_mb": round(rss, 1),
        "pairs": len(result.pairs),
        "unmatched": len(result.unmatched),
        "objective": result.objective,
        "upper_bound": certificate.upper_bound,
        "gap": certificate.gap,
        "relative_gap": certificate.relative_gap,
        "proven_optimal": certificate.proven_optimal,
        "certificate_method": certificate.method,
        "unresolved_people": certificate.unresolved,
        "candidates": result.candidates,
        "solver": result.solver,
        "reference_objective": None,
        "reference_seconds": None,
        "relative_difference": None,
        "greedy_objective": None,
        "greedy_method": None,
    }
    problem = build_problem(inp)
    cells = int((problem.row_cap > 0).sum()) * max(int(problem.col_cap.sum()), problem.n_rows)
    if args.kind != "peer" and cells <= args.reference_limit:
        if not args.no_reference:
            t = time.perf_counter()
            reference = reference_objective(problem)
            out["reference_seconds"] = round(time.perf_counter() - t, 3)
            out["reference_objective"] = reference
            out["relative_difference"] = abs(result.objective - reference) / max(
                abs(reference), 1e-12
            )
        out["greedy_objective"] = greedy_objective(problem)
        out["greedy_method"] = "mentees in id order take their best allowed mentor"
    elif args.kind != "peer":
        out["greedy_objective"] = greedy_on_shortlists(problem)
        out["greedy_method"] = "mentees in id order take the best of their skill-index shortlist"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--kind", choices=[k.value for k in Kind], default="classic")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds for search, solve and pricing"
    )
    parser.add_argument("--reference-limit", type=int, default=REFERENCE_LIMIT)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = run(args)
    if args.json:
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
        return 0
    for key, value in out.items():
        print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
