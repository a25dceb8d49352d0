"""Turn a programme's enrolments into the engine's arrays, with a handful of bulk queries.

Queries do not grow with the programme: every table is read once (skills, availability, the
org chart's manager column, preferences), then arrays are filled in NumPy.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import scipy.sparse as sp

from balik.matching.engine import (
    MatchInput,
    People,
    Settings,
    Weights,
    euler_tour,
    pack_slots,
    weekly_slots,
)
from balik.matching.models import PairRule, PairRuleAction
from balik.mentorships.models import Mentorship, MentorshipStatus
from balik.people.models import AvailabilitySlot, Person, PersonSkill, Skill
from balik.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program

MINUTES_PER_DAY = 24 * 60


@dataclass
class ProgramInput:
    """The engine's input and what is needed to read its answer back."""

    program: Program
    match_input: MatchInput
    person_ids: list[int]  # person index -> Person pk
    index_of: dict[int, int]  # Person pk -> person index
    skill_ids: list[int]  # skill column -> Skill pk
    enrolments: dict[int, Enrolment]  # Person pk -> enrolment

    @property
    def participants(self) -> int:
        return len(self.person_ids)


@cache
def _utc_offset_minutes(zone_name: str) -> int:
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    offset = datetime.now(UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


def settings_for(program: Program) -> Settings:
    weights = Weights(**program.weights) if program.weights else None
    return Settings(
        kind=program.kind,
        seniority_gap=program.seniority_gap,
        manager_chain_depth=program.manager_chain_depth,
        require_different_department=program.require_different_department,
        weights=weights,
        min_score=program.min_score,
    )


def _language_bits(languages_per_person: list[list[str]]) -> np.ndarray:
    codes: dict[str, int] = {}
    bits = np.zeros(len(languages_per_person), dtype=np.uint64)
    for row, languages in enumerate(languages_per_person):
        for code in languages or ["id"]:
            position = codes.setdefault(code.lower(), len(codes) % 64)
            bits[row] |= np.uint64(1) << np.uint64(position)
    return bits


def _org_chart(person_ids: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Euler-tour intervals of the whole organisation, read off the manager column once."""
    rows = list(Person.objects.order_by("pk").values_list("pk", "manager_id"))
    position = {pk: i for i, (pk, _manager) in enumerate(rows)}
    parent = np.array(
        [position.get(manager, -1) if manager else -1 for _pk, manager in rows], dtype=np.int64
    )
    tin, tout, depth = euler_tour(parent)
    picked = np.array([position[pk] for pk in person_ids], dtype=np.int64)
    if not len(picked):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return tin[picked], tout[picked], depth[picked]


def build_program_input(program: Program) -> ProgramInput:
    enrolments = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        .select_related("person")
        .order_by("person_id")
    )
    active = Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)
    already_paired: dict[int, int] = defaultdict(int)
    published = set(active.values_list("mentor_id", "mentee_id"))
    mentored = {mentee_id for _mentor_id, mentee_id in published}
    as_mentor: dict[int, int] = defaultdict(int)
    for mentor_id, _mentee_id in published:
        as_mentor[mentor_id] += 1
    for mentor_id, mentee_id in published:
        already_paired[mentor_id] += 1
        already_paired[mentee_id] += 1
    by_person = {e.person_id: e for e in enrolments}
    person_ids = [e.person_id for e in enrolments]
    index_of = {pk: i for i, pk in enumerate(person_ids)}
    n = len(person_ids)
    people = [e.person for e in enrolments]

    skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    skill_column = {pk: i for i, pk in enumerate(skill_ids)}
    profile_level: dict[tuple[int, str, int], int] = {
        (person_id, direction, skill_id): level
        for person_id, direction, skill_id, level in PersonSkill.objects.filter(
            person_id__in=person_ids
        ).values_list("person_id", "direction", "skill_id", "level")
    }
    teach_rows, teach_cols, teach_levels = [], [], []
    learn_rows, learn_cols, learn_levels, learn_priority = [], [], [], []
    give_through = Enrolment.give_skills.through.objects.filter(
        enrolment__in=[e.pk for e in enrolments]
    ).order_by("pk")
    enrolment_person = {e.pk: e.person_id for e in enrolments}
    for enrolment_id, skill_id in give_through.values_list("enrolment_id", "skill_id"):
        person_id = enrolment_person[enrolment_id]
        teach_rows.append(index_of[person_id])
        teach_cols.append(skill_column[skill_id])
        teach_levels.append(profile_level.get((person_id, "teach", skill_id), 1))
    get_through = Enrolment.get_skills.through.objects.filter(
        enrolment__in=[e.pk for e in enrolments]
    ).order_by("pk")
    rank: dict[int, int] = defaultdict(int)
    for enrolment_id, skill_id in get_through.values_list("enrolment_id", "skill_id"):
        person_id = enrolment_person[enrolment_id]
        rank[person_id] += 1
        learn_rows.append(index_of[person_id])
        learn_cols.append(skill_column[skill_id])
        learn_levels.append(profile_level.get((person_id, "learn", skill_id), 1))
        learn_priority.append(rank[person_id])
    width = max(len(skill_ids), 1)
    teach = sp.csr_matrix((teach_levels, (teach_rows, teach_cols)), shape=(n, width), dtype=np.int8)
    learn = sp.csr_matrix((learn_levels, (learn_rows, learn_cols)), shape=(n, width), dtype=np.int8)
    priority = sp.csr_matrix(
        (learn_priority, (learn_rows, learn_cols)), shape=(n, width), dtype=np.int16
    )

    slots: list[list[int]] = [[] for _ in range(n)]
    zone_of = {p.pk: p.timezone for p in people}
    for person_id, weekday, start, end in AvailabilitySlot.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "weekday", "start_time", "end_time"):
        end_minute = _minutes(end) or MINUTES_PER_DAY
        slots[index_of[person_id]].extend(
            weekly_slots(
                weekday, _minutes(start), end_minute, _utc_offset_minutes(zone_of[person_id])
            )
        )

    departments: dict[str, int] = {}
    department = np.array(
        [
            departments.setdefault(p.department, len(departments)) if p.department else -1
            for p in people
        ],
        dtype=np.int64,
    )
    tin, tout, depth = _org_chart(person_ids)
    engine_people = People.build(
        person_ids,
        seniority=[p.seniority_level for p in people],
        department=department,
        languages=_language_bits([p.languages for p in people]),
        tin=tin if n else None,
        tout=tout if n else None,
        depth=depth if n else None,
        availability=pack_slots(slots),
        teach=teach,
        learn=learn,
        learn_priority=priority,
        skills=width,
        goal_texts=[e.goals for e in enrolments],
    )

    mentors, mentees, capacity = [], [], []
    for i, enrolment in enumerate(enrolments):
        if program.is_peer:
            mentors.append(i)
            capacity.append(max(enrolment.capacity - already_paired[enrolment.person_id], 0))
            continue
        if enrolment.role in (EnrolmentRole.MENTOR, EnrolmentRole.BOTH):
            mentors.append(i)
            capacity.append(max(enrolment.capacity - as_mentor[enrolment.person_id], 0))
        if (
            enrolment.role in (EnrolmentRole.MENTEE, EnrolmentRole.BOTH)
            and enrolment.person_id not in mentored
        ):
            mentees.append(i)
    if program.is_peer:
        mentees = list(mentors)

    def pairs_of(rows) -> list[tuple[int, int]]:
        return [(index_of[a], index_of[b]) for a, b in rows if a in index_of and b in index_of]

    enrolment_ids = [e.pk for e in enrolments]
    prefer = pairs_of(
        (enrolment_person[e], p)
        for e, p in Enrolment.prefer.through.objects.filter(
            enrolment__in=enrolment_ids
        ).values_list("enrolment_id", "person_id")
    )
    avoid = pairs_of(
        (enrolment_person[e], p)
        for e, p in Enrolment.avoid.through.objects.filter(enrolment__in=enrolment_ids).values_list(
            "enrolment_id", "person_id"
        )
    )
    rules = PairRule.objects.filter(program=program).values_list("mentor_id", "mentee_id", "action")
    locked = pairs_of((a, b) for a, b, action in rules if action == PairRuleAction.LOCK)
    forbidden = pairs_of((a, b) for a, b, action in rules if action == PairRuleAction.FORBID)
    declined = Mentorship.objects.filter(
        program=program, status=MentorshipStatus.DECLINED
    ).values_list("mentor_id", "mentee_id")
    forbidden += pairs_of(declined)
    # a locked pair already published is in place; it only holds its capacity
    locked = [
        pair for pair in locked if (person_ids[pair[0]], person_ids[pair[1]]) not in published
    ]
    if not program.is_peer:
        # a manual pair may put someone in the other role for that pair: the manager confirmed
        # the rules it breaks; the engine needs both people on the sides the lock names
        for mentor_index, mentee_index in locked:
            if mentor_index not in mentors:
                mentors.append(mentor_index)
                capacity.append(1)
            if mentee_index not in mentees:
                mentees.append(mentee_index)
    match_input = MatchInput.build(
        engine_people,
        settings_for(program),
        mentors=mentors,
        mentees=mentees,
        capacity=capacity,
        wanted=prefer,
        avoid=avoid,
        locked=locked,
        forbidden=forbidden,
    )
    return ProgramInput(
        program=program,
        match_input=match_input,
        person_ids=person_ids,
        index_of=index_of,
        skill_ids=skill_ids,
        enrolments=by_person,
    )
