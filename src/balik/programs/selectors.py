"""Reads the programme pages share: the people a manager may enrol, searched and filtered.

A fixed number of queries per page, however many people there are.
"""

from django.db.models import Count, OuterRef, Q, Subquery, TextChoices
from django.utils.translation import gettext_lazy as _

from balik.people.models import Person, PersonQuerySet
from balik.people.selectors import DirectoryFilters, filter_people
from balik.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus

ENROL_PAGE_SIZE = 25


class InProgramme(TextChoices):
    ANY = "", _("Anyone")
    NOT_THIS = "not_this", _("Not yet in this programme")
    THIS = "this", _("Already in this programme")
    SOME = "some", _("In another programme now")
    NONE = "none", _("In no programme now")


def _current_enrolments() -> Q:
    """An active enrolment in a programme that has not closed."""
    return Q(status=EnrolmentStatus.ACTIVE) & ~Q(program__status=ProgramStatus.CLOSED)


def enrolment_candidates(
    program: Program, filters: DirectoryFilters, in_programme: str = ""
) -> PersonQuerySet:
    """People matching the directory's filters and where they stand in programmes."""
    people = filter_people(Person.objects.all(), filters)
    here = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    current = Enrolment.objects.filter(_current_enrolments())
    if in_programme == InProgramme.THIS:
        people = people.filter(pk__in=here.values("person_id"))
    elif in_programme == InProgramme.NOT_THIS:
        people = people.exclude(pk__in=here.values("person_id"))
    elif in_programme == InProgramme.SOME:
        people = people.filter(pk__in=current.exclude(program=program).values("person_id"))
    elif in_programme == InProgramme.NONE:
        people = people.exclude(pk__in=current.values("person_id"))
    return people


def not_yet_enrolled(program: Program, people: PersonQuerySet) -> PersonQuerySet:
    """Of `people`, those without an active enrolment in `program`: what "enrol all" adds."""
    return people.exclude(
        pk__in=Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values(
            "person_id"
        )
    )


def with_enrolment_state(program: Program, people: PersonQuerySet) -> PersonQuerySet:
    """Each person with `role_here` (their active role in `program`, or None) and
    `other_programmes` (how many other current programmes they are in), in one query."""
    here = Enrolment.objects.filter(
        program=program, person=OuterRef("pk"), status=EnrolmentStatus.ACTIVE
    )
    others = (
        Enrolment.objects.filter(_current_enrolments(), person=OuterRef("pk"))
        .exclude(program=program)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        people.annotate(
            role_here=Subquery(here.values("role")[:1]),
            other_programmes=Subquery(others[:1]),
        )
        .only(
            "id",
            "full_name",
            "job_title",
            "department",
            "seniority_level",
            "birth_year",
        )
        .order_by("full_name", "pk")
    )
