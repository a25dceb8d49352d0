"""The pure rules of what may be shown (no database): no sum or difference of shown views
isolates fewer than 5 people, and exported labels are always shared by 5 people or more."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from balik.insights.disclosure import (
    ANY,
    MIN_GROUP,
    Member,
    ShownFamily,
    Verdict,
    coarsen_labels,
)

VALUES = (("a", "b", "c"), ("x", "y"), ("mentor", "mentee"))


def member(department: str, band: str | None, sides: str, count: int = 1) -> Member:
    return Member(
        (
            frozenset({department}),
            frozenset({band}) if band else frozenset(),
            frozenset(sides.split("+")),
        ),
        count,
    )


people = st.lists(
    st.builds(
        member,
        st.sampled_from(VALUES[0]),
        st.sampled_from((*VALUES[1], None)),
        st.sampled_from(("mentor", "mentee", "mentor+mentee")),
        st.integers(1, 4),
    ),
    min_size=0,
    max_size=30,
)


def every_view() -> list[tuple[str, ...]]:
    return list(itertools.product(*((ANY, *values) for values in VALUES)))


def members_of(members: list[Member], view: tuple[str, ...]) -> frozenset[int]:
    """Indexes of the people (one per count) the view counts, worked out independently."""
    found, index = set(), 0
    for m in members:
        matches = all(value == ANY or value in m.labels[d] for d, value in enumerate(view))
        for _ in range(m.count):
            if matches:
                found.add(index)
            index += 1
    return frozenset(found)


@settings(max_examples=300, deadline=None)
@given(people)
def test_no_combination_of_shown_views_isolates_a_small_group(members):
    family = ShownFamily(members, dimensions=3)
    shown = [members_of(members, view) for view in every_view() if family.shown(view)]
    everyone = sum(m.count for m in members)
    patterns: dict[tuple[bool, ...], int] = {}
    for index in range(everyone):
        pattern = tuple(index in group for group in shown)
        patterns[pattern] = patterns.get(pattern, 0) + 1
    if shown:
        assert min(patterns.values()) >= MIN_GROUP
    for group in shown:
        assert len(group) >= MIN_GROUP


@settings(max_examples=100, deadline=None)
@given(people)
def test_the_answer_does_not_depend_on_what_was_asked_before(members):
    views = every_view()
    forwards = ShownFamily(members, dimensions=3)
    backwards = ShownFamily(members, dimensions=3)
    first = [forwards.verdict(view) for view in views]
    second = [backwards.verdict(view) for view in reversed(views)]
    assert first == second[::-1]


def test_the_issue_example_mentors_minus_millennial_mentors():
    members = [member("a", "x", "mentor", 6), member("a", "y", "mentor", 4)]
    members.append(member("a", "x", "mentee", 10))
    family = ShownFamily(members, dimensions=3)
    assert family.verdict((ANY, ANY, "mentor")) is Verdict.SHOWN
    assert family.verdict((ANY, "x", "mentor")) is Verdict.SUBTRACTION
    assert family.verdict((ANY, "y", "mentor")) is Verdict.TOO_FEW


def test_a_small_sibling_hides_one_more():
    members = [member("a", "x", "mentor", 8), member("b", "x", "mentor", 8)]
    members.append(member("c", "x", "mentor", 3))
    family = ShownFamily(members, dimensions=3)
    verdicts = [family.verdict((d, ANY, ANY)) for d in ("a", "b", "c")]
    assert verdicts.count(Verdict.SHOWN) == 1 and verdicts[2] is Verdict.TOO_FEW


def test_a_group_equal_to_its_parent_is_shown():
    family = ShownFamily([member("a", "x", "mentor", 7)], dimensions=3)
    assert family.shown(("a", "x", "mentor"))


def test_nothing_is_shown_under_five_people():
    family = ShownFamily([member("a", "x", "mentor", 4)], dimensions=3)
    assert family.verdict((ANY, ANY, ANY)) is Verdict.TOO_FEW


rows = st.lists(
    st.tuples(
        st.integers(0, 25),
        st.tuples(
            st.sampled_from(("2026-10", "2026-11", "")), st.sampled_from(("mentor", "mentee"))
        ),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_every_exported_label_combination_is_shared_by_five_people(rows):
    labels = coarsen_labels(rows)
    if len({person for person, _ in rows}) < MIN_GROUP:
        assert labels is None
        return
    assert labels is not None and len(labels) == len(rows)
    sharing: dict[tuple[str, ...], set[int]] = {}
    for (person, original), kept in zip(rows, labels, strict=True):
        assert all(k in (o, ANY) for k, o in zip(kept, original, strict=True))
        sharing.setdefault(kept, set()).add(person)
    assert min(len(people) for people in sharing.values()) >= MIN_GROUP


def test_labels_shared_widely_are_kept():
    rows = [(person, ("2026-11", "mentor")) for person in range(6)]
    rows += [(person, ("2026-11", "mentee")) for person in range(6, 12)]
    assert coarsen_labels(rows) == [row[1] for row in rows]
