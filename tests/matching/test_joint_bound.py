"""The large-programme search: its per-person bound on the pairs it leaves out is a proof."""

import numpy as np
import pytest
from bench.synthetic_matching import organisation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.matching import engine, sparse
from balik.matching.problem import build_problem
from balik.matching.scoring import TileScorer, evaluate
from balik.matching.search import Candidates
from balik.matching.solver import solve_bipartite
from balik.matching.sparse import row_bounds, skill_search
from tests.matching.builders import random_input
from tests.matching.oracle import brute_force_bipartite

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

kinds = st.sampled_from(["flipped", "reverse", "classic"])
options = st.fixed_dictionaries(
    {
        "seniority_gap": st.sampled_from([None, 0, 1]),
        "manager_chain_depth": st.sampled_from([None, 0, 1]),
        "require_different_department": st.booleans(),
        "min_score": st.sampled_from([0.0, 0.15, 0.3]),
        "candidates_per_person": st.sampled_from([1, 2, 24]),
    }
)


def left_out_weights(inp, keep):
    """(bound per active row, best weight of a feasible pair left out per active row)."""
    problem = build_problem(inp)
    active = np.flatnonzero(problem.row_cap > 0)
    search = skill_search(problem, TileScorer(problem), active)
    assert search is not None
    r, c, bound = search.initial(keep, None)
    return bound, left_out_reduced(problem, active, r, c, np.zeros(problem.n_cols))


def left_out_reduced(problem, active, r, c, v):
    """Per active row, the largest weight - v of a feasible pair that is not in (r, c)."""
    rows, cols = np.meshgrid(active, np.arange(problem.n_cols), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    evaluation = evaluate(problem, rows, cols)
    allowed = evaluation.feasible(problem.min_score) & (problem.col_cap[cols] > 0)
    left_out = allowed & ~np.isin(problem.keys(rows, cols), problem.keys(r, c))
    value = np.where(left_out, evaluation.score + evaluation.bonus - v[cols], -np.inf)
    return value.reshape(len(active), problem.n_cols).max(axis=1, initial=-np.inf)


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=kinds,
    n_mentees=st.integers(1, 12),
    n_mentors=st.integers(1, 10),
    keep=st.integers(1, 4),
    options=options,
)
def test_no_pair_left_out_weighs_more_than_its_bound(
    seed, kind, n_mentees, n_mentors, keep, options
):
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    bound, best_left_out = left_out_weights(inp, keep)
    assert np.all(best_left_out <= bound + 1e-9)


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=kinds,
    n_mentees=st.integers(1, 6),
    n_mentors=st.integers(1, 5),
    options=options,
)
def test_the_proven_upper_bound_holds_when_the_proof_is_cut_short(
    monkeypatch_module, seed, kind, n_mentees, n_mentors, options
):
    # the large-programme path, stopped before any pricing: only the search's bounds prove
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    optimum = brute_force_bipartite(inp)
    result = engine.match(inp, time_limit=0.0)
    certificate = result.certificate
    assert result.objective <= optimum + 1e-7
    assert certificate.upper_bound >= optimum - 1e-7
    if certificate.proven_optimal:
        assert result.objective == pytest.approx(optimum, abs=1e-7)
    # and, given the time, the proof completes
    finished = engine.match(inp)
    assert finished.certificate.proven_optimal
    assert finished.objective == pytest.approx(optimum, abs=1e-7)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "DENSE_PAIRS", 0)
        yield patch


def test_the_joint_bound_is_tighter_than_component_maxima():
    # in an organisation, each component's best partner is a different person: the old
    # bound adds them up, the search's bound knows who teaches the skills wanted most
    inp = organisation(1500, 1500, seed=3)
    problem = build_problem(inp)
    active = np.flatnonzero(problem.row_cap > 0)
    search = skill_search(problem, TileScorer(problem), active)
    assert search is not None
    _r, _c, joint = search.initial(12, None)
    old = row_bounds(problem, active)
    assert np.all(joint <= old + 1e-4)
    assert np.mean(old - joint) > 0.2
    bound, best_left_out = left_out_weights(inp, 12)
    assert np.all(best_left_out <= bound + 1e-9)


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30), m=st.integers(1, 12))
def test_an_auction_started_from_other_prices_reaches_the_same_optimum(seed, n, m):
    rng = np.random.default_rng(seed)
    pairs = rng.random((n, m)) < 0.5
    r, c = np.nonzero(pairs)
    w = rng.random(len(r)).round(3)
    cap = rng.integers(0, 3, m)
    cold = solve_bipartite(n, m, r, c, w, cap)
    # prices of a problem with half the pairs, or any at all, are a valid start
    start = solve_bipartite(n, m, r[::2], c[::2], w[::2], cap).v + rng.random(m) * 0.3
    warm = solve_bipartite(n, m, r, c, w, cap, prices=start)
    assert warm.objective == pytest.approx(cold.objective, abs=1e-7)
    assert np.all(warm.u[r] + warm.v[c] >= w - 1e-9)
    assert warm.u.sum() + (cap * warm.v).sum() == pytest.approx(warm.objective, abs=1e-6)


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=kinds,
    n_mentees=st.integers(1, 12),
    n_mentors=st.integers(1, 10),
    keep=st.integers(1, 4),
    options=options,
)
def test_pricing_bounds_every_pair_it_does_not_return(
    seed, kind, n_mentees, n_mentors, keep, options
):
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    problem = build_problem(inp)
    active = np.flatnonzero(problem.row_cap > 0)
    search = skill_search(problem, TileScorer(problem), active)
    assert search is not None
    r, c, _ = search.initial(keep, None)
    # any duals will do: the bound is on weights
    u = np.random.default_rng(seed).random(problem.n_rows) * 0.6
    pr, pc, _ = search.price(active, u, keep, None)
    # the engine keeps half of them as candidates and has the bound cover the others
    half = np.arange(len(pr)) % 2 == 0
    covered = evaluate(problem, pr[~half], pc[~half])
    search.cover(pr[~half], covered.score + covered.bonus)
    r, c = np.concatenate([r, pr[half]]), np.concatenate([c, pc[half]])
    bound = search.bound_of(active)
    best_left_out = left_out_reduced(problem, active, r, c, np.zeros(problem.n_cols))
    assert np.all(best_left_out <= bound + 1e-9)


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=kinds,
    n_mentees=st.integers(1, 12),
    n_mentors=st.integers(1, 10),
    keep=st.integers(1, 4),
    options=options,
)
def test_no_pair_left_out_costs_more_than_its_reduced_bound(
    seed, kind, n_mentees, n_mentors, keep, options
):
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    problem = build_problem(inp)
    active = np.flatnonzero(problem.row_cap > 0)
    search = skill_search(problem, TileScorer(problem), active)
    assert search is not None
    r, c, _ = search.initial(keep, None)
    rng = np.random.default_rng(seed)
    # any prices v >= 0 (some zero, as for mentors with a free place)
    v = rng.random(problem.n_cols) * 0.5 * (rng.random(problem.n_cols) < 0.7)
    with pytest.MonkeyPatch.context() as patch:
        # random goals are rarely similar: scan every goal, so that the prices count
        patch.setattr(sparse, "NONSKILL_GOAL_MIN", -1.0)
        reduced = search.reduced(active, v, r, c)
    assert np.all(left_out_reduced(problem, active, r, c, v) <= reduced + 1e-9)
    # pricing (as the engine does, before the reduced bound of these duals): half the pairs
    # it returns join, the bound covers the rest
    u = rng.random(problem.n_rows) * 0.6
    pr, pc, _ = search.price(active, u, keep, None)
    half = np.arange(len(pr)) % 2 == 0
    covered = evaluate(problem, pr[~half], pc[~half])
    search.cover(pr[~half], covered.score + covered.bonus)
    r, c = np.concatenate([r, pr[half]]), np.concatenate([c, pc[half]])
    some = active[rng.random(len(active)) < 0.5]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse, "NONSKILL_GOAL_MIN", -1.0)
        search.reduced(some, v, r, c)
    after = search.reduced_of(active)
    assert np.all(left_out_reduced(problem, active, r, c, v) <= after + 1e-9)


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=kinds,
    n_mentees=st.integers(1, 6),
    n_mentors=st.integers(1, 5),
    keep=st.integers(1, 3),
    options=options,
)
def test_the_reduced_bound_certifies_no_less_than_the_optimum(
    seed, kind, n_mentees, n_mentors, keep, options
):
    # the certificate of a restricted solve whose left-out pairs only the reduced bound covers
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    optimum = brute_force_bipartite(inp)
    problem = build_problem(inp)
    active = np.flatnonzero(problem.row_cap > 0)
    search = skill_search(problem, TileScorer(problem), active)
    assert search is not None
    r, c, bound = search.initial(keep, None)
    candidates = Candidates(
        r=np.zeros(0, dtype=np.int64),
        c=np.zeros(0, dtype=np.int64),
        bound=np.full(problem.n_rows, -np.inf),
    )
    candidates.bound[active] = bound
    candidates.add(problem, r, c)
    weights = engine._Weights(problem)
    w = weights.of(candidates.r, candidates.c)
    ok = np.isfinite(w)
    solution = solve_bipartite(
        problem.n_rows, problem.n_cols, candidates.r[ok], candidates.c[ok], w[ok], problem.col_cap
    )
    left_out = np.full(problem.n_rows, -np.inf)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse, "NONSKILL_GOAL_MIN", -1.0)
        left_out[active] = search.reduced(active, solution.v, candidates.r, candidates.c)
    upper = engine._dual_value(problem, weights, candidates, solution.u, solution.v, left_out)
    locked = evaluate(problem, problem.locked_rows, problem.locked_cols)
    upper += float((locked.score + locked.bonus).sum())
    assert upper >= optimum - 1e-7
