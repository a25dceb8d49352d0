"""Who answered what, as the disclosure rules need it: for each anonymous figure of a
programme (session feedback, comments, the evaluation, each competency's self-assessment),
its people with the labels the health page filters by (cohort, department, generation, side).

The rules themselves are pure (`insights.disclosure`); this module reads the rows, a handful
of queries whatever the programme's size, and only when a manager filters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, Max, Value, When
from django.utils import timezone

from balik.feedback.models import ProgramEvaluation
from balik.insights.disclosure import ANY, Member, ShownFamily, Verdict
from balik.insights.models import EVERY_SIDE, CompetencyTally, FeedbackTally
from balik.mentorships.models import Side
from balik.people.models import generation_for
from balik.programs.models import Enrolment, EnrolmentRole, Program

FEEDBACK = "feedback"
COMMENTS = "comments"
EVALUATION = "evaluation"

ROLE_SIDES = {
    EnrolmentRole.MENTOR: frozenset({Side.MENTOR.value}),
    EnrolmentRole.MENTEE: frozenset({Side.MENTEE.value}),
    EnrolmentRole.BOTH: frozenset({Side.MENTOR.value, Side.MENTEE.value}),
}


@dataclass
class Populations:
    """Each figure's people as disclosure members; outcomes per competency."""

    figures: dict[str, list[Member]] = field(default_factory=dict)
    competencies: dict[str, list[Member]] = field(default_factory=dict)


def view_of(filters) -> tuple[str, str, str, str]:
    """The health page's filters as a view in the order the members are labelled."""
    return (
        filters.cohort or ANY,
        filters.department or ANY,
        filters.generation or ANY,
        filters.side or ANY,
    )


class Labeller:
    """Disclosure members labelled by the health page's filters, for one programme: the
    programme's enrolments (cohort and role) are read once."""

    def __init__(self, program: Program):
        zone = timezone.get_current_timezone()
        self.enrolled = {
            person: (f"{timezone.localtime(at, zone):%Y-%m}", role)
            for person, at, role in Enrolment.objects.filter(program=program)
            .values_list("person_id", "enrolled_at", "role")
            .order_by()
        }

    def role(self, person: int) -> str:
        return self.enrolled.get(person, ("", ""))[1]

    def member(self, person: int, department: str, birth_year: int | None, sides) -> Member:
        cohort = self.enrolled.get(person, ("", ""))[0]
        generation = generation_for(birth_year)
        return Member(
            (
                frozenset({cohort}) if cohort else frozenset(),
                frozenset({department}) if department else frozenset(),
                frozenset({generation}) if generation else frozenset(),
                frozenset(sides),
            )
        )


def family(members: list[Member]) -> ShownFamily:
    """The shown family of people labelled by `Labeller` (four dimensions)."""
    counted = Counter(member.labels for member in members)
    return ShownFamily([Member(labels, count) for labels, count in counted.items()], dimensions=4)


def populations(program: Program) -> Populations:
    labeller = Labeller(program)
    member = labeller.member
    found = Populations()
    as_author = (
        FeedbackTally.objects.filter(mentorship__program=program, answers__gt=0)
        .values("author_id", "author__department", "author__birth_year")
        .annotate(
            as_mentor=_flag(author=F("mentorship__mentor")),
            as_mentee=_flag(author=F("mentorship__mentee")),
            commented=Max("commented"),
        )
        .order_by()
    )
    feedback, comments = [], []
    for row in as_author:
        sides = {Side.MENTOR.value} if row["as_mentor"] else set()
        sides |= {Side.MENTEE.value} if row["as_mentee"] else set()
        person = member(
            row["author_id"], row["author__department"], row["author__birth_year"], sides
        )
        feedback.append(person)
        if row["commented"]:
            comments.append(person)
    found.figures[FEEDBACK] = feedback
    found.figures[COMMENTS] = comments
    found.figures[EVALUATION] = [
        member(person, department, year, ROLE_SIDES.get(labeller.role(person), ()))
        for person, department, year in ProgramEvaluation.objects.filter(program=program)
        .values_list("person_id", "person__department", "person__birth_year")
        .order_by()
    ]

    answered: dict[str, dict[int, tuple[str, int | None, set[str]]]] = {}
    for competency, person, audience, department, year in (
        CompetencyTally.objects.filter(program=program, start_count__gt=0, end_count__gt=0)
        .values_list(
            "competency", "person_id", "audience", "person__department", "person__birth_year"
        )
        .order_by()
    ):
        _department, _year, sides = answered.setdefault(competency, {}).setdefault(
            person, (department, year, set())
        )
        sides.add(audience)
    for competency, people in answered.items():
        found.competencies[competency] = [
            member(person, department, year, sides - {EVERY_SIDE})
            for person, (department, year, sides) in people.items()
        ]
    return found


def _flag(**condition) -> Max:
    return Max(
        Case(When(then=Value(1), **condition), default=Value(0), output_field=IntegerField())
    )


class Verdicts:
    """For one view of a programme: whether each anonymous figure may be shown."""

    def __init__(self, found: Populations, view: tuple[str, ...]):
        self.view = view
        self._families: dict[frozenset, ShownFamily] = {}
        self.figures = {name: self._verdict(members) for name, members in found.figures.items()}
        self.competencies = {
            name: self._verdict(members) for name, members in found.competencies.items()
        }

    def _verdict(self, members: list[Member]) -> Verdict:
        # competencies answered by the same people share one family
        key = frozenset(Counter(members).items())
        family = self._families.get(key)
        if family is None:
            family = self._families[key] = ShownFamily(
                [
                    Member(labels, count)
                    for labels, count in Counter(m.labels for m in members).items()
                ],
                dimensions=4,
            )
        return family.verdict(self.view)

    def shown(self, figure: str) -> bool:
        return self.figures.get(figure, Verdict.TOO_FEW) is Verdict.SHOWN

    def competency_shown(self, competency: str) -> bool:
        return self.competencies.get(competency, Verdict.TOO_FEW) is Verdict.SHOWN


def verdicts(program: Program, filters) -> Verdicts:
    return Verdicts(populations(program), view_of(filters))
