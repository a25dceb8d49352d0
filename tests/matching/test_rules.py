"""Hard rules are never broken, locks are kept, capacities respected."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.matching.eligibility import pack_slots
from balik.matching.engine import match
from balik.matching.model import Kind, MatchInput, People, Settings
from tests.matching.builders import random_input
from tests.matching.oracle import breaks_a_rule


def _people(ids, **fields) -> People:
    """People who share two hours on Monday morning, so that any allowed pair scores above 0."""
    slots = pack_slots([range(18, 22)] * len(ids))
    return People.build(ids, availability=slots, **fields)


CHECK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHECK
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["flipped", "reverse", "classic", "peer"]),
    n_mentees=st.integers(0, 25),
    n_mentors=st.integers(0, 20),
    gap=st.sampled_from([None, 0, 1, 2]),
    chain=st.sampled_from([None, 0, 1, 2]),
    department=st.booleans(),
    min_score=st.sampled_from([0.0, 0.2, 0.4]),
)
def test_no_pair_breaks_a_hard_rule(
    seed, kind, n_mentees, n_mentors, gap, chain, department, min_score
):
    inp = random_input(
        n_mentees,
        n_mentors,
        seed,
        kind,
        seniority_gap=gap,
        manager_chain_depth=chain,
        require_different_department=department,
        min_score=min_score,
        overlap=2 if kind != "peer" else 0,
    )
    result = match(inp)
    capacity = dict(zip(inp.mentors.tolist(), inp.capacity.tolist(), strict=True))
    load: Counter[int] = Counter()
    seen = set()
    for pair in result.pairs:
        assert not pair.locked
        assert not breaks_a_rule(inp, pair.mentor, pair.mentee), pair
        assert pair.score >= min_score - 1e-12
        assert pair.mentor != pair.mentee
        if kind == "peer":
            key = frozenset((pair.mentor, pair.mentee))
            assert key not in seen
            seen.add(key)
            load[pair.mentor] += 1
            load[pair.mentee] += 1
        else:
            assert pair.mentor in capacity and pair.mentee in set(inp.mentees.tolist())
            load[pair.mentor] += 1
            load[("mentee", pair.mentee)] += 1  # type: ignore[index]
    for person, used in load.items():
        if isinstance(person, tuple):
            assert used == 1
        else:
            assert used <= capacity.get(person, 1)
    assert result.certificate.proven_optimal


def _two_people_programme(kind: Kind, seniority: list[int], **extra) -> MatchInput:
    people = _people([10, 20], seniority=seniority, languages=[1, 1])
    return MatchInput.build(
        people, Settings(kind=kind), mentors=[0], mentees=[1], capacity=[1], **extra
    )


def test_a_reverse_programme_puts_the_junior_in_the_mentor_role():
    assert len(match(_two_people_programme(Kind.REVERSE, [2, 6])).pairs) == 1
    assert match(_two_people_programme(Kind.REVERSE, [6, 2])).pairs == ()
    assert match(_two_people_programme(Kind.REVERSE, [5, 6])).pairs == ()  # gap 2 by default


def test_flipped_and_classic_put_the_senior_in_the_mentor_role():
    for kind in (Kind.FLIPPED, Kind.CLASSIC):
        assert len(match(_two_people_programme(kind, [6, 2])).pairs) == 1
        assert match(_two_people_programme(kind, [2, 6])).pairs == ()


def test_nobody_is_matched_with_their_manager_or_up_the_chain():
    # 0 manages 1, 1 manages 2
    people = _people([1, 2, 3], seniority=[9, 6, 2], tin=[0, 1, 2], tout=[3, 3, 3], depth=[0, 1, 2])
    inp = MatchInput.build(people, Settings(), mentors=[0, 1], mentees=[2], capacity=[1, 1])
    result = match(inp)
    assert result.pairs == ()
    reason = result.unmatched[0].reason
    assert reason.code == "no_eligible_mentor"
    assert reason.data["excluded_by"] == {"manager_chain": 2}
    only_direct = MatchInput.build(
        people,
        Settings(manager_chain_depth=1),
        mentors=[0, 1],
        mentees=[2],
        capacity=[1, 1],
    )
    assert [(p.mentor, p.mentee) for p in match(only_direct).pairs] == [(0, 2)]


def test_people_without_a_shared_language_are_never_paired():
    people = _people([1, 2], seniority=[8, 2], languages=[0b01, 0b10])
    inp = MatchInput.build(people, Settings(), mentors=[0], mentees=[1])
    assert match(inp).pairs == ()


def test_avoid_and_forbidden_pairs_are_never_chosen():
    people = _people([1, 2, 3], seniority=[8, 8, 2])
    base = {"mentors": [0, 1], "mentees": [2], "capacity": [1, 1]}
    assert len(match(MatchInput.build(people, Settings(), **base)).pairs) == 1
    result = match(MatchInput.build(people, Settings(), avoid=[[2, 0], [1, 2]], **base))
    assert result.pairs == ()
    result = match(MatchInput.build(people, Settings(), forbidden=[[0, 2], [1, 2]], **base))
    assert result.pairs == ()
    assert result.unmatched[0].reason.data["excluded_by"] == {"forbidden": 2}


def test_a_locked_pair_is_kept_even_when_it_breaks_a_rule():
    people = _people([1, 2, 3], seniority=[1, 8, 2])
    inp = MatchInput.build(
        people, Settings(), mentors=[0, 1], mentees=[2], capacity=[1, 1], locked=[[0, 2]]
    )
    result = match(inp)
    assert [(p.mentor, p.mentee, p.locked) for p in result.pairs] == [(0, 2, True)]
    assert result.pairs[0].broken_rules == ("seniority",)
    assert result.pairs[0].reasons[0].code == "locked"


def test_locks_use_capacity():
    people = _people([1, 2, 3], seniority=[8, 2, 2])
    inp = MatchInput.build(
        people, Settings(), mentors=[0], mentees=[1, 2], capacity=[1], locked=[[0, 1]]
    )
    result = match(inp)
    assert [(p.mentor, p.mentee) for p in result.pairs] == [(0, 1)]
    assert result.unmatched[0].person == 2
    with pytest.raises(ValueError, match="capacity"):
        MatchInput.build(
            people, Settings(), mentors=[0], mentees=[1, 2], capacity=[1], locked=[[0, 1], [0, 2]]
        ).settings and match(
            MatchInput.build(
                people,
                Settings(),
                mentors=[0],
                mentees=[1, 2],
                capacity=[1],
                locked=[[0, 1], [0, 2]],
            )
        )


def test_a_different_department_can_be_required():
    people = _people([1, 2, 3], seniority=[8, 8, 2], department=[5, 6, 5])
    inp = MatchInput.build(
        people,
        Settings(require_different_department=True),
        mentors=[0, 1],
        mentees=[2],
        capacity=[1, 1],
    )
    assert [(p.mentor, p.mentee) for p in match(inp).pairs] == [(1, 2)]


def test_a_peer_is_never_paired_with_themself_and_each_pair_counts_once():
    rng = np.random.default_rng(3)
    people = _people(np.arange(8), seniority=rng.integers(3, 5, 8))
    inp = MatchInput.build(
        people, Settings(kind=Kind.PEER), mentors=np.arange(8), mentees=[], capacity=[3] * 8
    )
    result = match(inp)
    keys = [frozenset((p.mentor, p.mentee)) for p in result.pairs]
    assert all(len(k) == 2 for k in keys)
    assert len(set(keys)) == len(keys)
