"""The engine's optimum equals brute force, an independent reference, and its own certificate."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.matching.engine import match
from balik.matching.model import Kind, MatchInput, Settings
from tests.matching.builders import random_input
from tests.matching.oracle import (
    brute_force_bipartite,
    brute_force_peer,
    dense_reference,
    milp_peer_reference,
    pair_weights,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

rule_settings = st.fixed_dictionaries(
    {
        "seniority_gap": st.sampled_from([None, 0, 1]),
        "manager_chain_depth": st.sampled_from([None, 0, 1]),
        "require_different_department": st.booleans(),
        "min_score": st.sampled_from([0.0, 0.15, 0.3]),
        "candidates_per_person": st.sampled_from([1, 2, 24]),
    }
)


def with_lock(inp: MatchInput, seed: int) -> MatchInput:
    rng = np.random.default_rng(seed)
    mentors = inp.mentors[inp.capacity > 0]
    if not len(mentors) or not len(inp.mentees):
        return inp
    lock = [[int(rng.choice(mentors)), int(rng.choice(inp.mentees))]]
    if lock[0][0] == lock[0][1]:
        return inp
    return MatchInput.build(
        inp.people,
        inp.settings,
        mentors=inp.mentors,
        mentees=inp.mentees,
        capacity=inp.capacity,
        wanted=inp.wanted,
        avoid=inp.avoid,
        forbidden=inp.forbidden,
        locked=lock,
    )


@FAST
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["flipped", "reverse", "classic"]),
    n_mentees=st.integers(1, 6),
    n_mentors=st.integers(1, 5),
    options=rule_settings,
    lock=st.booleans(),
)
def test_it_finds_the_brute_force_optimum(seed, kind, n_mentees, n_mentors, options, lock):
    inp = random_input(n_mentees, n_mentors, seed, kind, **options)
    if lock:
        inp = with_lock(inp, seed)
    result = match(inp)
    assert result.objective == pytest.approx(brute_force_bipartite(inp), abs=1e-7)
    assert result.certificate.proven_optimal


@FAST
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(2, 6),
    options=rule_settings,
)
def test_it_finds_the_brute_force_optimum_in_a_peer_pool(seed, size, options):
    inp = random_input(size - size // 2, size // 2, seed, "peer", **options)
    result = match(inp)
    assert result.objective == pytest.approx(brute_force_peer(inp), abs=1e-7)
    assert result.certificate.proven_optimal


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", ["classic", "reverse"])
def test_the_certificate_holds_on_moderate_programmes(seed, kind):
    inp = random_input(70, 50, seed, kind, seniority_gap=0, candidates_per_person=3)
    result = match(inp)
    certificate = result.certificate
    assert certificate.proven_optimal
    assert certificate.max_violation <= certificate.tolerance
    # dual feasibility over every feasible pair, not just the candidates
    feasible, _ = pair_weights(inp)
    capacity = dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True))
    for (mentor, mentee), weight in feasible.items():
        if capacity[mentor] == 0:
            continue
        slack = result.mentee_dual[mentee] + result.mentor_dual[mentor] - weight
        assert slack >= -1e-8, (mentor, mentee, slack)
    assert np.nanmin(result.mentor_dual) >= 0 and np.nanmin(result.mentee_dual) >= 0
    reference = dense_reference(inp)
    assert result.objective == pytest.approx(reference, rel=1e-9, abs=1e-9)
    assert certificate.upper_bound >= reference - 1e-7


@pytest.mark.parametrize("seed", [4, 5])
def test_a_peer_pool_matches_the_milp_over_all_pairs(seed):
    inp = random_input(20, 16, seed, "peer", seniority_gap=3, candidates_per_person=2)
    result = match(inp)
    assert result.certificate.proven_optimal
    assert result.objective == pytest.approx(milp_peer_reference(inp), abs=1e-7)


def test_few_candidates_are_completed_by_the_proof():
    # one candidate per mentee is far too few: the pricing rounds must add the rest
    inp = random_input(60, 40, 7, "classic", seniority_gap=0, candidates_per_person=1)
    result = match(inp)
    assert result.certificate.proven_optimal
    assert result.objective == pytest.approx(dense_reference(inp), rel=1e-9)


def test_nobody_is_paired_below_the_minimum_score():
    inp = random_input(30, 30, 8, "classic", seniority_gap=0, min_score=0.35)
    result = match(inp)
    assert all(pair.score >= 0.35 - 1e-12 for pair in result.pairs)
    assert result.objective == pytest.approx(dense_reference(inp), rel=1e-9)


def test_an_empty_programme():
    inp = random_input(0, 3, 1, "classic")
    result = match(inp)
    assert result.pairs == () and result.objective == 0
    assert {u.reason.code for u in result.unmatched} <= {
        "no_capacity",
        "no_eligible_mentee",
        "not_shortlisted",
    }


def test_the_settings_check_their_values():
    with pytest.raises(ValueError):
        Settings(kind=Kind.PEER, min_score=2)
    with pytest.raises(ValueError):
        Settings(seniority_gap=-1)
