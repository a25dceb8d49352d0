"""The large-programme search, time limits, input order, exports, manual pairs and reasons."""

import numpy as np
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.matching import engine
from balik.matching.engine import (
    BELOW_MIN_SCORE,
    Kind,
    MatchInput,
    ReasonFact,
    Settings,
    evaluate_pairs,
    export_scores,
    match,
)
from balik.matching.explain import Explainer, stored_fact
from tests.factories import PersonFactory, SkillFactory
from tests.matching.builders import random_input, shuffled
from tests.matching.oracle import breaks_a_rule, brute_force_bipartite, dense_reference

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAIR_CODES = {
    "locked",
    "teaches_skill",
    "teaches_back",
    "hours_in_common",
    "shared_goals",
    "preference",
    "different_departments",
    "waiting_priority",
    "best_available",
}
UNMATCHED_CODES = {
    "no_eligible_mentor",
    "no_eligible_mentee",
    "no_eligible_peer",
    "below_min_score",
    "capacity_taken",
    "matched_elsewhere",
    "not_shortlisted",
    "no_capacity",
}


@pytest.fixture
def sparse_search(monkeypatch):
    """Make every programme take the large-programme path (skill index + bounds)."""
    monkeypatch.setattr(engine, "DENSE_PAIRS", 0)


@FEW
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["flipped", "reverse", "classic"]),
    n_mentees=st.integers(1, 6),
    n_mentors=st.integers(1, 5),
    min_score=st.sampled_from([0.0, 0.3]),
)
def test_the_large_programme_search_finds_the_brute_force_optimum(
    seed, kind, n_mentees, n_mentors, min_score
):
    inp = random_input(n_mentees, n_mentors, seed, kind, seniority_gap=0, min_score=min_score)
    original = engine.DENSE_PAIRS
    engine.DENSE_PAIRS = 0
    try:
        result = match(inp)
    finally:
        engine.DENSE_PAIRS = original
    assert result.objective == pytest.approx(brute_force_bipartite(inp), abs=1e-7)
    assert result.certificate.proven_optimal


@pytest.mark.usefixtures("sparse_search")
def test_the_large_programme_search_is_exact_on_a_moderate_programme():
    inp = random_input(90, 60, 11, "classic", seniority_gap=0, candidates_per_person=2)
    result = match(inp)
    assert result.certificate.proven_optimal
    assert result.objective == pytest.approx(dense_reference(inp), rel=1e-9)


@pytest.mark.usefixtures("sparse_search")
def test_a_time_limit_reports_a_proven_upper_bound():
    inp = random_input(90, 60, 12, "classic", seniority_gap=0, candidates_per_person=1)
    result = match(inp, time_limit=0.0)
    reference = dense_reference(inp)
    certificate = result.certificate
    assert certificate.unresolved > 0
    assert not certificate.proven_optimal or certificate.gap <= certificate.tolerance
    assert result.objective <= reference + 1e-9
    assert certificate.upper_bound >= reference - 1e-9
    assert certificate.gap == pytest.approx(certificate.upper_bound - result.objective)


@pytest.mark.parametrize("kind", ["classic", "reverse", "peer"])
def test_the_result_does_not_depend_on_the_order_of_the_input(kind):
    inp = random_input(14, 10, 21, kind, seniority_gap=1 if kind == "peer" else 0)
    first, second = match(inp), match(shuffled(inp, 5))

    def key(result):
        return sorted((p.mentor_id, p.mentee_id, round(p.score, 12)) for p in result.pairs)

    assert key(first) == key(second)
    assert first.objective == pytest.approx(second.objective, abs=1e-12)


def test_export_scores_lists_every_pair_with_why_it_is_not_feasible():
    inp = random_input(7, 6, 31, "classic", min_score=0.2, seniority_gap=1)
    rows = list(export_scores(inp))
    assert len(rows) == len(inp.mentees) * len(inp.mentors)
    capacity = dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True))
    for row in rows:
        reasons = set(row.why_not.split(";")) - {""}
        assert row.feasible == (not reasons)
        rule_broken = breaks_a_rule(inp, row.mentor, row.mentee) or capacity[row.mentor] == 0
        assert rule_broken == bool(reasons - {BELOW_MIN_SCORE}), row
        assert (BELOW_MIN_SCORE in reasons) == (row.score < 0.2 - 1e-12)
    # the proposed pairs are all feasible in the export
    feasible = {(r.mentor, r.mentee) for r in rows if r.feasible}
    assert {(p.mentor, p.mentee) for p in match(inp).pairs} <= feasible


def test_evaluate_pairs_agrees_with_the_match_and_names_broken_rules():
    inp = random_input(10, 8, 41, "classic", seniority_gap=0)
    result = match(inp)
    assert result.pairs
    evaluated = evaluate_pairs(
        inp, [p.mentor for p in result.pairs], [p.mentee for p in result.pairs]
    )
    for pair, (score, components, broken, facts) in zip(result.pairs, evaluated, strict=True):
        assert score == pytest.approx(pair.score, abs=1e-12)
        assert components == pytest.approx(dict(pair.components))
        assert broken == ()
        assert facts and {f.code for f in facts} <= PAIR_CODES
    mentor, mentee = int(inp.mentors[0]), int(inp.mentees[0])
    ((_, _, broken, _),) = evaluate_pairs(inp, [mentor], [mentee])
    expected = breaks_a_rule(inp, mentor, mentee)
    assert bool(broken) == expected
    same = evaluate_pairs(inp, [mentor], [mentor])[0]
    assert "self" in same.broken_rules


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["classic", "reverse", "peer"])
def test_every_pair_and_every_person_left_out_gets_a_reason(kind):
    inp = random_input(25, 12, 51, kind, min_score=0.25)
    result = match(inp)
    matched = {p.mentee for p in result.pairs} | {p.mentor for p in result.pairs}
    enrolled = set(inp.mentees.tolist()) | set(inp.mentors.tolist())
    left_out = {u.person for u in result.unmatched}
    assert matched | left_out >= enrolled - {p for p in enrolled if p in matched}
    for pair in result.pairs:
        assert pair.reasons and {f.code for f in pair.reasons} <= PAIR_CODES
    everyone = range(len(inp.people.seniority))
    facts = [stored_fact(person.reason, everyone, everyone) for person in result.unmatched]
    for person in result.unmatched:
        assert person.reason.code in UNMATCHED_CODES
    for language in ("en", "id"):
        with translation.override(language):
            explainer = Explainer(facts)
            for fact in facts:
                sentence = explainer.render(fact)
                assert sentence and sentence != fact["code"]


def test_someone_everyone_refuses_is_told_which_rules_excluded_them():
    inp = random_input(1, 4, 61, "classic")
    lonely = int(inp.mentees[0])
    avoid = [[lonely, int(m)] for m in inp.mentors]
    refused = MatchInput.build(
        inp.people,
        Settings(kind=Kind.CLASSIC),
        mentors=inp.mentors,
        mentees=inp.mentees,
        capacity=np.maximum(inp.capacity, 1),
        avoid=avoid,
    )
    result = match(refused)
    (unmatched,) = [u for u in result.unmatched if u.person == lonely]
    assert unmatched.reason.code == "no_eligible_mentor"
    assert unmatched.reason.data["excluded_by"]["avoid"] == 4


@pytest.mark.django_db
def test_a_pair_sentence_names_the_skill_in_both_languages():
    fact = ReasonFact(
        "teaches_skill",
        {"teacher": 0, "learner": 1, "skill": 0, "level": 3, "wanted_level": 2, "priority": 1},
    )
    rina, budi = PersonFactory(full_name="Rina"), PersonFactory(full_name="Pak Budi")
    tiktok = SkillFactory(name_en="TikTok", name_id="TikTok")
    stored = stored_fact(fact, [rina.pk, budi.pk], [tiktok.pk])
    with translation.override("en"):
        assert Explainer([stored]).render(stored) == (
            "Rina can teach TikTok (level 3), which Pak Budi wants first"
        )
    with translation.override("id"):
        assert "bisa mengajarkan TikTok" in Explainer([stored]).render(stored)


def test_the_exact_fallback_agrees_with_the_auction_and_keeps_the_bound_valid():
    from balik.matching.solver import solve_bipartite

    rng = np.random.default_rng(7)
    n, m = 300, 120
    r = np.repeat(np.arange(n), 6)
    c = rng.integers(0, m, len(r))
    keys = np.unique(r * m + c)
    r, c = keys // m, keys % m
    w = rng.random(len(r))
    cap = rng.integers(0, 4, m)
    auction = solve_bipartite(n, m, r, c, w, cap)
    fallback = solve_bipartite(n, m, r, c, w, cap, price_seconds=0.0)
    assert auction.method == "auction" and fallback.method == "lapjvsp"
    assert fallback.objective == pytest.approx(auction.objective, rel=1e-9)
    for solution in (auction, fallback):
        matched = np.flatnonzero(solution.mate >= 0)
        assert np.all(np.bincount(solution.mate[matched], minlength=m) <= cap)
        assert np.all(w - solution.u[r] - solution.v[c] <= 1e-12)
        assert solution.u.sum() + (cap * solution.v).sum() >= solution.objective - 1e-9


def test_an_auction_cut_short_on_a_large_graph_still_gives_a_feasible_matching(monkeypatch):
    from balik.matching import solver

    monkeypatch.setattr(solver, "EXACT_EDGES", 0)
    rng = np.random.default_rng(8)
    n, m = 200, 80
    r = np.repeat(np.arange(n), 5)
    c = rng.integers(0, m, len(r))
    keys = np.unique(r * m + c)
    r, c = keys // m, keys % m
    w = rng.random(len(r))
    cap = rng.integers(1, 4, m)
    best = solver.solve_bipartite(n, m, r, c, w, cap)
    cut = solver.solve_bipartite(n, m, r, c, w, cap, price_seconds=0.0)
    assert cut.method == "auction, cut short"
    matched = np.flatnonzero(cut.mate >= 0)
    assert matched.size and np.all(np.bincount(cut.mate[matched], minlength=m) <= cap)
    weight = dict(zip((r * m + c).tolist(), w.tolist(), strict=True))
    total = sum(weight[int(i) * m + int(cut.mate[i])] for i in matched)
    assert cut.objective == pytest.approx(total)
    assert cut.objective <= best.objective + 1e-9
    assert cut.u.sum() + (cap * cut.v).sum() >= best.objective - 1e-9
