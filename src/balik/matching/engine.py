"""Balik's matching engine: exact, explained, two-way matching. Pure: NumPy and SciPy only.

    result = match(MatchInput.build(people, Settings(kind="reverse"), mentors=..., mentees=...))

The algorithm:
1. Score pairs (scoring.py) and keep each person's best `candidates_per_person` partners,
   plus an upper bound on every pair not kept (search.py). Small and medium programmes scan
   every pair in float32 tiles; large ones score every teacher of each mentee's most wanted
   skills and bound the other mentors jointly (sparse.SkillSearch).
2. Solve the restricted problem exactly (solver.py): an epsilon-scaling auction for mentor /
   mentee programmes (its prices are the LP duals u, v); HiGHS LP + MILP for peer pools.
3. Prove that no pair left out can improve the optimum: a pair is harmless when its reduced
   cost score - u - v is <= 0 (LP duality; the bipartite b-matching polytope is integral).
   Rows whose bound already shows that are done; the others are scanned exactly (large
   programmes: the skill search goes on with u as its target), violating pairs join the
   candidates, and the problem is solved again, the auction starting from the last prices
   (column generation), until none is left. Where a time limit stops this, the certificate
   carries the best upper bound any of the solves proved.
4. Explain: facts for every pair and every person left unmatched (reasons.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from balik.matching.eligibility import euler_tour, overlap_hours, pack_slots, weekly_slots
from balik.matching.model import (
    BELOW_MIN_SCORE,
    COMPONENTS,
    RULE_BITS,
    Certificate,
    Kind,
    MatchInput,
    MatchResult,
    Pair,
    People,
    ReasonFact,
    Rule,
    Settings,
    Unmatched,
    Weights,
)
from balik.matching.problem import Problem, build_problem
from balik.matching.reasons import broken_rule_names, pair_facts, top_skills
from balik.matching.scoring import TILE_SLACK, TileScorer, evaluate, rule_bits
from balik.matching.search import Candidates, ColumnStats, scan, scan_pairs
from balik.matching.solver import (
    EPS_FINAL,
    PRICE_SECONDS,
    BipartiteSolution,
    peer_lp,
    peer_milp,
    solve_bipartite,
)
from balik.matching.sparse import SkillSearch, row_bounds, skill_search, sparse_candidates

__all__ = [
    "BELOW_MIN_SCORE",
    "COMPONENTS",
    "Certificate",
    "Kind",
    "MatchInput",
    "MatchResult",
    "Pair",
    "PairEvaluation",
    "People",
    "ReasonFact",
    "Rule",
    "ScoreRow",
    "Settings",
    "Unmatched",
    "Weights",
    "euler_tour",
    "evaluate_pairs",
    "export_scores",
    "match",
    "pack_slots",
    "weekly_slots",
]

TOLERANCE = 1e-9
DENSE_PAIRS = 400_000_000  # rows x columns up to which every pair is scanned up front
REASON_PAIRS_BUDGET = 4_000_000  # exact evaluations spent on explaining unmatched people
PRICING_BATCH = 1024  # rows scanned between two looks at the clock
SPARSE_KEEP = 12  # candidates per person from the skill index (the proof adds what is missing)
SEARCH_RESERVE = 50.0  # seconds of a time limit kept from the large-programme search for solving
SEARCH_SOLVE_SECONDS = 25.0  # auction time per solve on the large-programme path
WARM_SOLVE_SECONDS = 8.0  # what a re-solve from the last prices is expected to take
PRICE_FINISH_SECONDS = 10.0  # scoring and adding what a pricing pass found, after its deadline


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.mark = self.start
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.mark
        self.mark = now

    def total(self) -> float:
        return time.perf_counter() - self.start


class _Weights:
    """Exact weights (score + bonuses) of candidate pairs, computed once per pair."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.keys = np.zeros(0, dtype=np.int64)
        self.weight = np.zeros(0)

    def of(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        keys = self.problem.keys(r, c)
        missing = ~np.isin(keys, self.keys)
        if missing.any():
            _, first = np.unique(keys[missing], return_index=True)
            missing = np.flatnonzero(missing)[first]
            evaluation = evaluate(self.problem, r[missing], c[missing])
            value = np.where(
                evaluation.feasible(self.problem.min_score),
                evaluation.score + evaluation.bonus,
                -np.inf,
            )
            order = np.argsort(np.concatenate([self.keys, keys[missing]]), kind="stable")
            self.keys = np.concatenate([self.keys, keys[missing]])[order]
            self.weight = np.concatenate([self.weight, value])[order]
        return self.weight[np.searchsorted(self.keys, keys)]


def _initial_candidates(
    problem: Problem,
    scorer: TileScorer,
    keep: int,
    stats: ColumnStats,
    search_deadline: float | None,
) -> tuple[Candidates, int, SkillSearch | None]:
    active = np.flatnonzero(problem.row_cap > 0)
    search = None
    bound = np.full(problem.n_rows, -np.inf)
    if problem.n_rows * problem.n_cols <= DENSE_PAIRS:
        result = scan(problem, scorer, active, keep, stats=stats)
        stats.complete = True
        r, c = scan_pairs(result)
        bound[active] = result.bound
        scanned = result.pairs_scanned
    else:
        search = skill_search(problem, scorer, active)
        if search is not None:
            r, c, bound[active] = search.initial(min(keep, SPARSE_KEEP), search_deadline)
            scanned = search.scanned
        else:
            r, c, scanned = sparse_candidates(problem, scorer, active, min(keep, SPARSE_KEEP))
            bound[active] = row_bounds(problem, active)
    if problem.peer:
        r, c = np.minimum(r, c), np.maximum(r, c)
    candidates = Candidates(
        r=np.zeros(0, dtype=np.int64), c=np.zeros(0, dtype=np.int64), bound=bound
    )
    candidates.add(problem, r, c)
    return candidates, scanned, search


class _Outcome(NamedTuple):
    pairs_r: np.ndarray
    pairs_c: np.ndarray
    objective: float
    upper_bound: float
    rounds: int
    max_violation: float
    unresolved: int
    solver: str
    pairs_checked: int
    row_dual: np.ndarray
    col_dual: np.ndarray


def _dual_value(
    problem: Problem,
    weights: _Weights,
    candidates: Candidates,
    u: np.ndarray,
    v: np.ndarray,
    left_out: np.ndarray | None = None,
) -> float:
    """The upper bound that duals u, v prove with the bounds on pairs left out (LP duality:
    each row's dual is raised to cover its candidates' and its left-out pairs' reduced cost).
    `left_out` bounds weight - v of each row's pairs left out (default: their weight bound)."""
    w = weights.of(candidates.r, candidates.c)
    reduced = np.where(np.isfinite(w), w - u[candidates.r] - v[candidates.c], -np.inf)
    slack = np.zeros(problem.n_rows)
    if reduced.size:
        np.maximum.at(slack, candidates.r, np.maximum(reduced, 0.0))
    bound = candidates.bound if left_out is None else left_out
    bound = np.where(problem.row_cap > 0, bound, -np.inf)
    return float(np.maximum(u + slack, bound).sum() + (problem.col_cap * v).sum())


def _solve_bipartite(
    problem: Problem,
    scorer: TileScorer,
    candidates: Candidates,
    keep: int,
    deadline: float | None,
    clock: _Clock,
    checked: int,
    search: SkillSearch | None = None,
) -> _Outcome:
    weights = _Weights(problem)
    active = problem.row_cap > 0
    bound = candidates.bound
    rounds = 0
    unresolved = np.zeros(0, dtype=np.int64)
    deeper = 2 * keep
    tracking = search is not None
    best: BipartiteSolution | None = None
    best_upper = np.inf
    warm_seconds = WARM_SOLVE_SECONDS
    while True:
        rounds += 1
        w = weights.of(candidates.r, candidates.c)
        ok = np.isfinite(w)
        budget = PRICE_SECONDS
        if deadline is not None:
            budget = min(budget, max(2.0, 0.5 * (deadline - time.perf_counter())))
            if search is not None:
                # a fixed share per solve: the pricing needs the time more than the last
                # digits of the duals, and a solve cut short early prices badly
                budget = min(SEARCH_SOLVE_SECONDS, max(2.0, deadline - time.perf_counter()))
        solve_started = time.perf_counter()
        solution = solve_bipartite(
            problem.n_rows,
            problem.n_cols,
            candidates.r[ok],
            candidates.c[ok],
            w[ok],
            problem.col_cap,
            price_seconds=budget,
            prices=None if best is None else best.v,
        )
        if best is not None:
            warm_seconds = time.perf_counter() - solve_started
        u, v = solution.u, solution.v
        clock.lap("solve")
        if tracking:
            # each solve proves its own bound; a later one cut short may prove less
            best_upper = min(best_upper, _dual_value(problem, weights, candidates, u, v))
            if best is None or solution.objective > best.objective:
                best = solution
        open_rows = np.flatnonzero(active & (bound > u + TOLERANCE))
        if not open_rows.size:
            break
        # the rows that could gain most first, so that a deadline leaves the smallest gap
        open_rows = open_rows[np.lexsort((open_rows, -(bound[open_rows] - u[open_rows])))]
        if search is not None:
            # leave time for solving again with what the pricing finds
            stop = None
            last_pass = False
            if deadline is not None:
                # a solve from the last prices takes a fraction of the first
                stop = deadline - min(SEARCH_SOLVE_SECONDS, 1.5 * warm_seconds + 1.0)
                stop -= PRICE_FINISH_SECONDS
                if time.perf_counter() > stop:
                    # no time to solve again: these duals get what is left for pricing
                    # (a solve that ended late would otherwise leave its weight bound alone)
                    last_pass = True
                    stop = deadline - PRICE_FINISH_SECONDS
                    if time.perf_counter() > stop:
                        unresolved = open_rows
                        break
            before = search.scanned
            vr, vc, _ = search.price(open_rows, u, deeper, stop)
            checked += search.scanned - before
            found = False
            if vr.size:
                weight = weights.of(vr, vc)
                found = bool((weight - u[vr] - v[vc] > TOLERANCE).any())
                # pairs above u are candidates (even when the mentor's price covers them: a
                # bound in weight could not); the bound covers the others at no cost
                above = weight > u[vr] + TOLERANCE
                candidates.add(problem, vr[above], vc[above])
                search.cover(vr[~above], weight[~above])
            # both bounds hold for pairs left out (candidates only grow): keep the smaller
            bound[open_rows] = np.minimum(bound[open_rows], search.bound_of(open_rows))
            # a pair left out can only help if weight - u - v > 0: with the mentors' prices
            # taken off, the non-skill bound proves rows searched deep enough (these duals)
            closable = open_rows[search.closable(open_rows, u) & (bound[open_rows] > u[open_rows])]
            if closable.size:
                stop = None if deadline is None else deadline - PRICE_FINISH_SECONDS
                search.reduced(closable, v, candidates.r, candidates.c, stop)
            # the same duals with the tighter bounds (and the new pairs' slack) prove more
            left_out = bound.copy()
            left_out[open_rows] = np.minimum(bound[open_rows], search.reduced_of(open_rows))
            best_upper = min(best_upper, _dual_value(problem, weights, candidates, u, v, left_out))
            clock.lap("pricing")
            if last_pass:
                unresolved = open_rows[left_out[open_rows] > u[open_rows] + TOLERANCE]
                break
            if found:
                deeper *= 2
                continue
            # what the search cannot close (say, a mentee who wants no skill) is scanned in full
            search = None
            open_rows = open_rows[left_out[open_rows] > u[open_rows] + TOLERANCE]
            if not open_rows.size:
                break
        if deadline is not None and solution.method != "auction":
            # prices from an auction cut short flag pairs by the million; in a race against
            # the clock they are not worth scanning for
            unresolved = open_rows
            break
        found = False
        for b0 in range(0, len(open_rows), PRICING_BATCH):
            if deadline is not None and time.perf_counter() > deadline:
                unresolved = open_rows[b0:]
                break
            batch = open_rows[b0 : b0 + PRICING_BATCH]
            result = scan(problem, scorer, batch, deeper, u=u, v=v, threshold=TOLERANCE)
            checked += result.pairs_scanned
            vr, vc = result.violator_r, result.violator_c
            if vr.size:
                reduced = weights.of(vr, vc) - u[vr] - v[vc]
                real = reduced > TOLERANCE
                if real.any():
                    found = True
                    vr, vc, reduced = vr[real], vc[real], reduced[real]
                    # the most violated pairs per row are enough to move the duals
                    order = np.lexsort((vc, -reduced, vr))
                    vr, vc = vr[order], vc[order]
                    rank = np.arange(len(vr)) - np.searchsorted(vr, vr)
                    candidates.add(problem, vr[rank < deeper], vc[rank < deeper])
            tr, tc = scan_pairs(result)
            bound[batch] = result.bound
            candidates.add(problem, tr, tc)
        clock.lap("pricing")
        if unresolved.size or not found:
            break
        deeper *= 2
    w = weights.of(candidates.r, candidates.c)
    ok = np.isfinite(w)
    reduced = np.where(ok, w - u[candidates.r] - v[candidates.c], -np.inf)
    slack = np.zeros(problem.n_rows)
    if reduced.size:
        np.maximum.at(slack, candidates.r, np.maximum(reduced, 0.0))
    dual = float(u.sum() + slack.sum() + (problem.col_cap * v).sum())
    dual += float(np.maximum(bound[unresolved] - u[unresolved] - slack[unresolved], 0.0).sum())
    if best is not None and best.objective > solution.objective:
        solution = best
    dual = min(dual, best_upper)
    matched = np.flatnonzero(solution.mate >= 0)
    return _Outcome(
        pairs_r=matched,
        pairs_c=solution.mate[matched],
        objective=solution.objective,
        upper_bound=max(dual, solution.objective),
        rounds=rounds,
        max_violation=float(reduced.max(initial=0.0)),
        unresolved=len(unresolved),
        solver=(
            f"b-matching by {solution.method}; auction prices as LP duals "
            f"(epsilon scaling to {EPS_FINAL:g}, {solution.forward_rounds} forward / "
            f"{solution.reverse_rounds} reverse rounds)"
        ),
        pairs_checked=checked,
        row_dual=u,
        col_dual=v,
    )


def _solve_peer(
    problem: Problem,
    scorer: TileScorer,
    candidates: Candidates,
    keep: int,
    deadline: float | None,
    clock: _Clock,
    checked: int,
) -> _Outcome:
    weights = _Weights(problem)
    n = problem.n_rows
    cap = problem.row_cap.astype(np.float64)
    active = problem.row_cap > 0
    bound = candidates.bound
    rounds = 0
    unresolved = np.zeros(0, dtype=np.int64)
    while True:
        rounds += 1
        w = weights.of(candidates.r, candidates.c)
        ok = np.isfinite(w) & (w > 0)
        a, b, wa = candidates.r[ok], candidates.c[ok], w[ok]
        order = np.lexsort((b, a))
        lp_a, lp_b = a[order], b[order]
        lp = peer_lp(n, lp_a, lp_b, wa[order], cap)
        y = lp.y
        clock.lap("solve")
        # a pair left out is harmless when y_a + y_b >= its weight; it is at most min(bound_a,
        # bound_b), so rows with y >= bound / 2 vouch for each other and the rest are scanned
        open_rows = np.flatnonzero(active & (bound > 2 * y + TOLERANCE))
        if not open_rows.size:
            break
        if deadline is not None and time.perf_counter() > deadline:
            unresolved = open_rows
            break
        result = scan(problem, scorer, open_rows, keep, u=y, v=y, threshold=TOLERANCE)
        checked += result.pairs_scanned
        vr, vc = result.violator_r, result.violator_c
        real = np.zeros(0, dtype=bool)
        if vr.size:
            lo, hi = np.minimum(vr, vc), np.maximum(vr, vc)
            wv = weights.of(lo, hi)
            # pairs already in the LP are covered by their own dual z (x <= 1)
            real = (wv - y[lo] - y[hi] > TOLERANCE) & ~np.isin(
                problem.keys(lo, hi), problem.keys(candidates.r, candidates.c)
            )
            vr, vc = lo, hi
        clock.lap("pricing")
        if not real.any():
            break
        candidates.add(problem, vr[real], vc[real])
    lp_bound = lp.value + float(np.maximum(bound[unresolved] - 2 * y[unresolved], 0.0).sum() / 2)
    w = weights.of(candidates.r, candidates.c)
    ok = np.isfinite(w) & (w > 0)
    chosen = peer_milp(n, candidates.r[ok], candidates.c[ok], w[ok], cap)
    objective = float(w[ok][chosen].sum())
    clock.lap("solve")
    gap = lp.value - objective
    if gap > TOLERANCE and not len(unresolved):
        # reduced-cost fixing: a better solution would need a pair with y_a + y_b - weight
        # smaller than the gap; bring every such pair in, then the MILP is globally optimal
        rows = np.flatnonzero(active)
        result = scan(problem, scorer, rows, keep, u=y, v=y, threshold=-gap - TOLERANCE)
        checked += result.pairs_scanned
        vr, vc = (
            np.minimum(result.violator_r, result.violator_c),
            np.maximum(result.violator_r, result.violator_c),
        )
        candidates.add(problem, vr, vc)
        w = weights.of(candidates.r, candidates.c)
        ok = np.isfinite(w) & (w > 0)
        chosen = peer_milp(n, candidates.r[ok], candidates.c[ok], w[ok], cap)
        objective = float(w[ok][chosen].sum())
        lp_bound = objective  # proven by the fixing argument
        clock.lap("pricing")
    a, b = candidates.r[ok][chosen], candidates.c[ok][chosen]
    reduced = np.where(ok, w - y[candidates.r] - y[candidates.c], -np.inf)
    # the LP's edges carry their own dual z (x <= 1); theirs is covered by it
    lp_keys = problem.keys(lp_a, lp_b)
    at = np.searchsorted(lp_keys, problem.keys(candidates.r, candidates.c))
    at = np.minimum(at, max(len(lp_keys) - 1, 0))
    if len(lp_keys):
        in_lp = lp_keys[at] == problem.keys(candidates.r, candidates.c)
        reduced[in_lp] -= lp.z[at[in_lp]]
    return _Outcome(
        pairs_r=a,
        pairs_c=b,
        objective=objective,
        upper_bound=max(lp_bound, objective),
        rounds=rounds,
        max_violation=float(np.maximum(reduced, 0.0).max(initial=0.0)),
        unresolved=len(unresolved),
        solver="HiGHS LP duals + MILP on the candidate pairs (general b-matching)",
        pairs_checked=checked,
        row_dual=y,
        col_dual=y,
    )


def _wanted_by(inp: MatchInput) -> dict[int, set[int]]:
    wanted: dict[int, set[int]] = {}
    for who, whom in inp.wanted.tolist():
        wanted.setdefault(who, set()).add(whom)
    return wanted


def _rule_counts(bits: np.ndarray) -> dict[str, int]:
    return {
        str(rule): int(np.count_nonzero(bits & bit))
        for rule, bit in RULE_BITS.items()
        if np.count_nonzero(bits & bit)
    }


class _Explainer:
    """Reasons for people left unmatched, within an evaluation budget."""

    def __init__(self, problem: Problem, budget: int) -> None:
        self.problem = problem
        self.budget = budget

    def _full(self, row: int | None, col: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        problem = self.problem
        other = problem.n_cols if row is not None else problem.n_rows
        if other > self.budget:
            return None
        self.budget -= other
        if row is not None:
            r = np.full(problem.n_cols, row, dtype=np.int64)
            c = np.arange(problem.n_cols)
        else:
            r = np.arange(problem.n_rows)
            c = np.full(problem.n_rows, col, dtype=np.int64)
        bits = rule_bits(problem, r, c)
        eligible = np.flatnonzero(bits == 0)
        scores = np.full(len(r), -np.inf)
        if eligible.size:
            scores[eligible] = evaluate(problem, r[eligible], c[eligible]).score
        return bits, scores

    def without_feasible(
        self, role: str, partner_role: str, row: int | None, col: int | None
    ) -> ReasonFact:
        problem = self.problem
        found = self._full(row, col)
        if found is None:
            return ReasonFact(
                "not_shortlisted", {"partner_role": partner_role, "exhaustive": False}
            )
        bits, scores = found
        if problem.peer and row is not None:
            keep = np.arange(len(bits)) != row
            bits, scores = bits[keep], scores[keep]
        best = float(scores.max(initial=-np.inf))
        feasible = scores >= problem.min_score - 1e-12
        if feasible.any():
            return ReasonFact(
                "not_shortlisted", {"partner_role": partner_role, "best_score": round(best, 4)}
            )
        if np.isfinite(best):
            return ReasonFact(
                BELOW_MIN_SCORE,
                {
                    "partner_role": partner_role,
                    "best_score": round(best, 4),
                    "min_score": problem.min_score,
                    "eligible": int(np.isfinite(scores).sum()),
                },
            )
        return ReasonFact(
            f"no_eligible_{partner_role}",
            {
                "partner_role": partner_role,
                "candidates": len(bits),
                "excluded_by": _rule_counts(bits),
            },
        )


def match(inp: MatchInput, *, time_limit: float | None = None) -> MatchResult:
    """Pairs maximising the total score under the hard rules, with reasons and a certificate.

    time_limit (seconds) stops the optimality proof early on very large programmes; the
    certificate then reports the proven upper bound instead of claiming optimality.
    """
    clock = _Clock()
    deadline = None if time_limit is None else clock.start + time_limit
    problem = build_problem(inp)
    scorer = TileScorer(problem)
    clock.lap("inputs")
    keep = inp.settings.candidates_per_person
    stats = ColumnStats(
        best_feasible=np.full(problem.n_cols, -np.inf, dtype=np.float32),
        best_eligible=np.full(problem.n_cols, -np.inf, dtype=np.float32),
    )
    search_deadline = None
    if time_limit is not None:
        search_deadline = clock.start + max(0.5 * time_limit, time_limit - SEARCH_RESERVE)
    candidates, checked, search = _initial_candidates(problem, scorer, keep, stats, search_deadline)
    clock.lap("candidates")
    if problem.peer:
        outcome = _solve_peer(problem, scorer, candidates, keep, deadline, clock, checked)
    else:
        outcome = _solve_bipartite(
            problem, scorer, candidates, keep, deadline, clock, checked, search
        )

    # locked pairs
    lock_r, lock_c = problem.locked_rows, problem.locked_cols
    lock_eval = evaluate(problem, lock_r, lock_c)
    lock_bits = lock_eval.rules & ~RULE_BITS[Rule.NO_CAPACITY]
    lock_weight = float((lock_eval.score + lock_eval.bonus).sum())
    objective = outcome.objective + lock_weight
    upper = outcome.upper_bound + lock_weight
    gap = max(upper - objective, 0.0)
    n_active = int((problem.row_cap > 0).sum())
    tolerance = TOLERANCE * max(1.0, abs(objective)) + EPS_FINAL * max(n_active, 1) * 2
    certificate = Certificate(
        upper_bound=upper,
        gap=gap,
        relative_gap=gap / max(abs(upper), 1e-12),
        proven_optimal=outcome.unresolved == 0 and gap <= tolerance,
        rounds=outcome.rounds,
        max_violation=outcome.max_violation,
        tolerance=tolerance,
        pairs_checked_exactly=outcome.pairs_checked,
        unresolved=outcome.unresolved,
        method=(
            "LP duality: restricted optimum's duals checked against every pair"
            if outcome.unresolved == 0
            else "Lagrangian bound: restricted duals plus per-person bounds on unchecked pairs"
        ),
    )

    # pairs with reasons
    all_r = np.concatenate([outcome.pairs_r, lock_r]).astype(np.int64)
    all_c = np.concatenate([outcome.pairs_c, lock_c]).astype(np.int64)
    locked_flag = np.r_[np.zeros(len(outcome.pairs_r), bool), np.ones(len(lock_r), bool)]
    final = evaluate(problem, all_r, all_c)
    wanted_by = _wanted_by(inp)
    people = inp.people
    pairs: list[Pair] = []
    # the mentor is the column person except in peer pools (where rows and columns coincide)
    mentee_at = np.where(final.mentor_is_row, all_c, all_r)
    mentor_at = np.where(final.mentor_is_row, all_r, all_c)
    taught = top_skills(problem.rows, mentee_at, problem.cols, mentor_at, 2)
    back = top_skills(problem.cols, mentor_at, problem.rows, mentee_at, 2)
    hours = overlap_hours(problem.rows.availability[all_r], problem.cols.availability[all_c])
    for k in range(len(all_r)):
        r, c = int(all_r[k]), int(all_c[k])
        mentor_is_row = bool(final.mentor_is_row[k])
        mentor = int(problem.rows.person[r] if mentor_is_row else problem.cols.person[c])
        mentee = int(problem.cols.person[c] if mentor_is_row else problem.rows.person[r])
        broken = (
            broken_rule_names(int(final.rules[k] & ~RULE_BITS[Rule.NO_CAPACITY]))
            if locked_flag[k]
            else ()
        )
        pairs.append(
            Pair(
                mentor=mentor,
                mentee=mentee,
                mentor_id=int(people.ids[mentor]),
                mentee_id=int(people.ids[mentee]),
                score=float(final.score[k]),
                bonus=float(final.bonus[k]),
                components=dict(zip(COMPONENTS, final.components[k].tolist(), strict=True)),
                reasons=pair_facts(
                    problem,
                    r,
                    c,
                    mentor_is_row,
                    final.components[k],
                    wanted_by,
                    bool(locked_flag[k]),
                    broken,
                    taught=taught[k],
                    back=back[k],
                    hours=float(hours[k]),
                ),
                locked=bool(locked_flag[k]),
                broken_rules=broken,
            )
        )
    pairs.sort(key=lambda p: (p.mentor_id, p.mentee_id))
    del lock_bits
    unmatched = _unmatched(problem, candidates, stats, all_r, all_c, final)
    clock.lap("reasons")
    solver = outcome.solver
    mentee_dual = np.full(len(people), np.nan)
    mentor_dual = np.full(len(people), np.nan)
    mentee_dual[problem.rows.person] = outcome.row_dual
    mentor_dual[problem.cols.person] = outcome.col_dual
    return MatchResult(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        objective=objective,
        solver=solver,
        seconds=clock.total(),
        stage_seconds=dict(clock.stages),
        certificate=certificate,
        candidates=len(candidates.r),
        mentee_dual=mentee_dual,
        mentor_dual=mentor_dual,
    )


def _unmatched(
    problem: Problem,
    candidates: Candidates,
    stats: ColumnStats,
    pair_r: np.ndarray,
    pair_c: np.ndarray,
    final: object,
) -> list[Unmatched]:
    people = problem.inp.people
    explainer = _Explainer(problem, REASON_PAIRS_BUDGET)
    # only candidates of someone left unmatched are read: score those alone (100k x 100k:
    # 40,000 of 1.3 million)
    if problem.peer:
        used = np.zeros(problem.n_rows, dtype=bool)
        used[pair_r] = True
        used[pair_c] = True
        read = ~used[candidates.r] | ~used[candidates.c]
    else:
        matched_rows = np.zeros(problem.n_rows, dtype=bool)
        matched_rows[pair_r] = True
        load = np.bincount(pair_c, minlength=problem.n_cols)
        read = ~matched_rows[candidates.r] | (load[candidates.c] == 0)
    read_r, read_c = candidates.r[read], candidates.c[read]
    weights = evaluate(problem, read_r, read_c)
    feasible = weights.feasible(problem.min_score)
    cand_r, cand_c = read_r[feasible], read_c[feasible]
    cand_score = weights.score[feasible]
    out: list[Unmatched] = []
    if problem.peer:
        partner_of: dict[int, list[int]] = {}
        for a, b in zip(pair_r.tolist(), pair_c.tolist(), strict=True):
            partner_of.setdefault(a, []).append(b)
            partner_of.setdefault(b, []).append(a)
        for row in np.flatnonzero(~used).tolist():
            person = int(problem.rows.person[row])
            fact = _peer_reason(problem, explainer, row, cand_r, cand_c, cand_score, partner_of)
            out.append(Unmatched(person, int(people.ids[person]), "peer", fact))
        return out
    mentees_of: dict[int, list[int]] = {}
    for r, c in zip(pair_r.tolist(), pair_c.tolist(), strict=True):
        mentees_of.setdefault(c, []).append(int(problem.rows.person[r]))
    mentor_of_row = np.full(problem.n_rows, -1)
    mentor_of_row[pair_r] = pair_c
    best_col = _best_partner(cand_r, cand_c, cand_score, problem.n_rows)
    best_row = _best_partner(cand_c, cand_r, cand_score, problem.n_cols)
    for row in np.flatnonzero(~matched_rows).tolist():
        person = int(problem.rows.person[row])
        if best_col[row] >= 0:
            best = int(best_col[row])
            col = int(cand_c[best])
            fact = ReasonFact(
                "capacity_taken",
                {
                    "partner_role": "mentor",
                    "partner": int(problem.cols.person[col]),
                    "best_score": round(float(cand_score[best]), 4),
                    "taken_by": mentees_of.get(col, []),
                },
            )
        else:
            fact = explainer.without_feasible("mentee", "mentor", row, None)
            if fact.code == "not_shortlisted":
                fact = ReasonFact("capacity_taken", {**dict(fact.data), "partner_role": "mentor"})
        out.append(Unmatched(person, int(people.ids[person]), "mentee", fact))
    original_capacity = np.zeros(problem.n_cols, dtype=np.int64)
    original_capacity[:] = problem.col_cap + np.bincount(
        problem.locked_cols, minlength=problem.n_cols
    )
    for col in np.flatnonzero(load == 0).tolist():
        person = int(problem.cols.person[col])
        if original_capacity[col] == 0:
            fact = ReasonFact("no_capacity", {"partner_role": "mentee"})
        else:
            if best_row[col] >= 0:
                best = int(best_row[col])
                row = int(cand_r[best])
                partner_mentor = mentor_of_row[row]
                fact = ReasonFact(
                    "matched_elsewhere",
                    {
                        "partner_role": "mentee",
                        "partner": int(problem.rows.person[row]),
                        "best_score": round(float(cand_score[best]), 4),
                        "partner_matched_with": (
                            int(problem.cols.person[partner_mentor])
                            if partner_mentor >= 0
                            else None
                        ),
                    },
                )
            elif stats.complete and np.isfinite(stats.best_feasible[col]):
                fact = ReasonFact(
                    "not_shortlisted",
                    {
                        "partner_role": "mentee",
                        "best_score": round(float(stats.best_feasible[col]), 4),
                    },
                )
            elif stats.complete and np.isfinite(stats.best_eligible[col]):
                eligible_count = None
                fact = ReasonFact(
                    BELOW_MIN_SCORE,
                    {
                        "partner_role": "mentee",
                        "best_score": round(float(stats.best_eligible[col]), 4),
                        "min_score": problem.min_score,
                        "eligible": eligible_count,
                    },
                )
            else:
                fact = explainer.without_feasible("mentor", "mentee", None, col)
        out.append(Unmatched(person, int(people.ids[person]), "mentor", fact))
    out.sort(key=lambda u: (u.role != "mentee", u.person_id))
    return out


def _best_partner(
    owner: np.ndarray, partner: np.ndarray, score: np.ndarray, size: int
) -> np.ndarray:
    """Per owner, the position of its best-scoring candidate (ties: lowest partner), or -1."""
    best = np.full(size, -1, dtype=np.int64)
    if owner.size:
        order = np.lexsort((partner, -score, owner))
        first = np.r_[True, owner[order][1:] != owner[order][:-1]]
        best[owner[order][first]] = order[first]
    return best


def _peer_reason(
    problem: Problem,
    explainer: _Explainer,
    row: int,
    cand_r: np.ndarray,
    cand_c: np.ndarray,
    cand_score: np.ndarray,
    partner_of: Mapping[int, list[int]],
) -> ReasonFact:
    mine = np.flatnonzero((cand_r == row) | (cand_c == row))
    if mine.size:
        best = mine[np.lexsort((np.maximum(cand_r[mine], cand_c[mine]), -cand_score[mine]))[0]]
        other = int(cand_c[best] if cand_r[best] == row else cand_r[best])
        return ReasonFact(
            "capacity_taken",
            {
                "partner_role": "peer",
                "partner": int(problem.rows.person[other]),
                "best_score": round(float(cand_score[best]), 4),
                "taken_by": [int(problem.rows.person[p]) for p in partner_of.get(other, [])],
            },
        )
    fact = explainer.without_feasible("peer", "peer", row, None)
    if fact.code == "not_shortlisted":
        return ReasonFact("capacity_taken", {**dict(fact.data), "partner_role": "peer"})
    return fact


class PairEvaluation(NamedTuple):
    score: float  # weighted mean of the components, in [0, 1] (no waiting bonus)
    components: dict[str, float]
    broken_rules: tuple[str, ...]  # Rule names; capacity is the caller's to check
    reasons: tuple[ReasonFact, ...]


def evaluate_pairs(
    inp: MatchInput,
    mentors: Sequence[int] | np.ndarray,
    mentees: Sequence[int] | np.ndarray,
) -> list[PairEvaluation]:
    """Score, components, broken hard rules and reason facts of given (mentor, mentee) pairs.

    For pairs a person proposes by hand. People are person indices; someone not enrolled in
    the role is added to it for the evaluation (which then shifts goal similarities slightly,
    as the text statistics see one more goal). The pairs need not be allowed.
    """
    mentor_a = np.asarray(mentors, dtype=np.int64).reshape(-1)
    mentee_a = np.asarray(mentees, dtype=np.int64).reshape(-1)
    if mentor_a.shape != mentee_a.shape:
        raise ValueError("mentors and mentees must have the same length")
    if not mentor_a.size:
        return []
    if inp.settings.kind is Kind.PEER:
        pool = np.union1d(inp.mentors, inp.mentees)
        extra = np.setdiff1d(np.union1d(mentor_a, mentee_a), pool)
        ext_mentors = np.concatenate([inp.mentors, extra])
        ext_mentees = inp.mentees
    else:
        ext_mentors = np.concatenate([inp.mentors, np.setdiff1d(mentor_a, inp.mentors)])
        ext_mentees = np.concatenate([inp.mentees, np.setdiff1d(mentee_a, inp.mentees)])
    capacity = np.ones(len(ext_mentors), dtype=np.int64)
    capacity[: len(inp.capacity)] = np.maximum(inp.capacity, 1)
    extended = MatchInput.build(
        inp.people,
        inp.settings,
        mentors=ext_mentors,
        mentees=ext_mentees,
        capacity=capacity,
        wanted=inp.wanted,
        avoid=inp.avoid,
        forbidden=inp.forbidden,
    )
    problem = build_problem(extended)
    r, c = problem.row_of[mentee_a], problem.col_of[mentor_a]
    evaluation = evaluate(problem, r, c)
    wanted_by = _wanted_by(inp)
    out = []
    for k in range(len(r)):
        broken = broken_rule_names(int(evaluation.rules[k] & ~RULE_BITS[Rule.NO_CAPACITY]))
        # the caller named the mentor: explain in that direction
        mentor_is_row = bool(problem.peer and problem.rows.person[r[k]] == mentor_a[k])
        facts = pair_facts(
            problem,
            int(r[k]),
            int(c[k]),
            mentor_is_row,
            evaluation.components[k],
            wanted_by,
            False,
            broken,
        )
        out.append(
            PairEvaluation(
                score=float(evaluation.score[k]),
                components=dict(zip(COMPONENTS, evaluation.components[k].tolist(), strict=True)),
                broken_rules=broken,
                reasons=facts,
            )
        )
    return out


class ScoreRow(NamedTuple):
    mentor: int  # person index
    mentee: int
    score: float
    feasible: bool
    why_not: str  # rule names and/or below_min_score, ";"-separated; empty when feasible


def export_scores(inp: MatchInput, *, block_pairs: int = 1 << 20) -> Iterator[ScoreRow]:
    """Every candidate pair with its exact score and why it is not feasible, lazily.

    Peer programmes list each unordered pair once. Memory stays at one block of pairs.
    """
    problem = build_problem(inp)
    n_rows, n_cols = problem.n_rows, problem.n_cols
    if not n_rows or not n_cols:
        return
    rows_per_block = max(1, block_pairs // n_cols)
    names = {bit: str(rule) for rule, bit in RULE_BITS.items()}
    for r0 in range(0, n_rows, rows_per_block):
        r = np.repeat(np.arange(r0, min(r0 + rows_per_block, n_rows)), n_cols)
        c = np.tile(np.arange(n_cols), len(r) // n_cols)
        if problem.peer:
            keep = r < c
            r, c = r[keep], c[keep]
        evaluation = evaluate(problem, r, c)
        below = evaluation.score < problem.min_score - 1e-12
        mentor_is_row = evaluation.mentor_is_row
        for k in range(len(r)):
            bits = int(evaluation.rules[k])
            reasons = [name for bit, name in names.items() if bits & bit]
            if below[k]:
                reasons.append(BELOW_MIN_SCORE)
            ri, ci = int(r[k]), int(c[k])
            if mentor_is_row[k]:
                mentor, mentee = problem.rows.person[ri], problem.cols.person[ci]
            else:
                mentor, mentee = problem.cols.person[ci], problem.rows.person[ri]
            yield ScoreRow(
                mentor=int(mentor),
                mentee=int(mentee),
                score=float(evaluation.score[k]),
                feasible=not reasons,
                why_not=";".join(reasons),
            )


# silence "imported but unused" for names re-exported as the public API
_ = (
    TILE_SLACK,
    euler_tour,
    pack_slots,
    weekly_slots,
    Kind,
    Settings,
    Weights,
    People,
)
