"""Who answered what, as the disclosure rules need it: for each anonymous figure of a
programme (session feedback, comments, the evaluation, each competency's self-assessment),
its people with the labels the health page filters by (cohort, department, generation, side).

The rules themselves are pure (`insights.disclosure`). Here the database labels each person
and counts the people who share every label, so Python receives a few hundred rows however
large the programme: one query a figure, and only when a manager filters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncMonth

from balik.feedback.models import Answer, ProgramEvaluation
from balik.insights.disclosure import ANY, Member, ShownFamily, Verdict
from balik.insights.models import CompetencyTally, FeedbackTally
from balik.insights.queries import rows_over
from balik.mentorships.models import Side
from balik.people.models import GENERATION_YEARS, Person
from balik.programs.models import Enrolment, EnrolmentRole, Program

FEEDBACK = "feedback"
COMMENTS = "comments"
EVALUATION = "evaluation"

MENTOR, MENTEE = Side.MENTOR.value, Side.MENTEE.value
TOPIC_SEPARATOR = "|"  # between a competency (a slug) and a phase

# How many people share every label: each answering person (`who`: a topic, the person, the
# side flags) joined to their labels (`people`), counted by the database. (One query a figure:
# a UNION ALL of the figures planned worse, sorting where it should hash.)
_COUNTED = """
SELECT who.topic, people.cohort, people.unit, people.generation,
  who.as_mentor, who.as_mentee, COUNT(*)
FROM ({who}) AS who JOIN ({people}) AS people ON people.id = who.respondent
GROUP BY who.topic, people.cohort, people.unit, people.generation,
  who.as_mentor, who.as_mentee
"""


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


def _labelled_people(program: Program) -> QuerySet:
    """Everyone with the filters' labels as columns: the month they enrolled in the
    programme (one join to its enrolments), their department (`unit`: the model has the
    name) and generation band."""
    bands = [
        When(birth_year__range=years, then=Value(band)) for band, years in GENERATION_YEARS.items()
    ]
    return (
        Person.objects.annotate(
            its_enrolment=FilteredRelation("enrolments", condition=Q(enrolments__program=program))
        )
        .values(
            "id",
            cohort=TruncMonth("its_enrolment__enrolled_at"),
            unit=Coalesce(F("department"), Value("")),
            generation=Case(*bands, default=Value(""), output_field=CharField()),
        )
        .order_by()
    )


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _month(value: datetime | date | str | None) -> str:
    """A month as the database gives it (PostgreSQL a timestamp, SQLite text) as "2026-11"."""
    if value is None:
        return ""
    return value[:7] if isinstance(value, str) else f"{value:%Y-%m}"


def _members(program: Program, who: QuerySet) -> dict[str, list[Member]]:
    """`who` (a row per topic and person: `topic`, `respondent`, `as_mentor`, `as_mentee`)
    counted by label in the database, as members per topic."""
    found: dict[str, list[Member]] = defaultdict(list)
    for topic, cohort, department, generation, as_mentor, as_mentee, count in rows_over(
        _COUNTED, who=who, people=_labelled_people(program)
    ):
        sides = {MENTOR} if as_mentor else set()
        sides |= {MENTEE} if as_mentee else set()
        cohort = _month(cohort)
        labels = (
            frozenset({cohort}) if cohort else frozenset(),
            frozenset({department}) if department else frozenset(),
            frozenset({generation}) if generation else frozenset(),
            frozenset(sides),
        )
        found[topic].append(Member(labels, count))
    return found


def populations(program: Program) -> Populations:
    # a person who commented counts for the comments, and for the feedback with the rest
    authors = (
        FeedbackTally.objects.filter(mentorship__program=program, answers__gt=0)
        .values(respondent=F("author_id"))
        .annotate(
            as_mentor=_flag(Q(author=F("mentorship__mentor"))),
            as_mentee=_flag(Q(author=F("mentorship__mentee"))),
            commented=Max("commented"),
        )
        .annotate(
            topic=Case(
                When(commented__gt=0, then=Value(COMMENTS)),
                default=Value(FEEDBACK),
                output_field=CharField(),
            )
        )
        .order_by()
    )
    evaluators = (
        ProgramEvaluation.objects.filter(program=program)
        .annotate(
            its_enrolment=FilteredRelation(
                "person__enrolments", condition=Q(person__enrolments__program=program)
            )
        )
        .values(
            respondent=F("person_id"),
            topic=Value(EVALUATION),
            as_mentor=_enrolled_on(MENTOR),
            as_mentee=_enrolled_on(MENTEE),
        )
        .order_by()
    )
    # every person with a start and an end answer on a competency; their sides are the
    # audiences of the questions they answered in full
    assessed = (
        CompetencyTally.objects.filter(program=program, start_count__gt=0, end_count__gt=0)
        .values(topic=F("competency"), respondent=F("person_id"))
        .annotate(as_mentor=_flag(Q(audience=MENTOR)), as_mentee=_flag(Q(audience=MENTEE)))
        .order_by()
    )
    found = Populations()
    wrote = _members(program, authors)
    found.figures[COMMENTS] = wrote.get(COMMENTS, [])
    found.figures[FEEDBACK] = wrote.get(FEEDBACK, []) + found.figures[COMMENTS]
    found.figures[EVALUATION] = _members(program, evaluators).get(EVALUATION, [])
    found.competencies = _members(program, assessed)
    return found


def _enrolled_on(side: str) -> Case:
    """1 for a person enrolled on `side` (or on both sides), else 0."""
    return Case(
        When(its_enrolment__role__in=[side, EnrolmentRole.BOTH], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def phase_populations(program: Program) -> dict[tuple[str, str], list[Member]]:
    """For the outcomes export: per (competency, phase), the people who answered; their sides
    are the audiences of the questions they answered."""
    answered = (
        Answer.objects.filter(program=program)
        .values(
            topic=Concat(
                F("question__competency"),
                Value(TOPIC_SEPARATOR),
                F("phase"),
                output_field=CharField(),
            ),
            respondent=F("person_id"),
        )
        .annotate(
            as_mentor=_flag(Q(question__audience=MENTOR)),
            as_mentee=_flag(Q(question__audience=MENTEE)),
        )
        .order_by()
    )
    return {
        tuple(topic.split(TOPIC_SEPARATOR, 1)): members
        for topic, members in _members(program, answered).items()
    }


def family(members: list[Member]) -> ShownFamily:
    """The shown family of members labelled as here (four dimensions)."""
    return ShownFamily(members, dimensions=4)


def enrolment_roles(program: Program) -> dict[int, str]:
    return dict(
        Enrolment.objects.filter(program=program).values_list("person_id", "role").order_by()
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
        key = frozenset(members)
        if key not in self._families:
            self._families[key] = family(members)
        return self._families[key].verdict(self.view)

    def shown(self, figure: str) -> bool:
        return self.figures.get(figure, Verdict.TOO_FEW) is Verdict.SHOWN

    def competency_shown(self, competency: str) -> bool:
        return self.competencies.get(competency, Verdict.TOO_FEW) is Verdict.SHOWN


def verdicts(program: Program, filters) -> Verdicts:
    return Verdicts(populations(program), view_of(filters))
