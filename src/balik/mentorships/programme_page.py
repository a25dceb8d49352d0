"""The mentorships part of a programme's page (registered in `programs.hooks`)."""

from typing import Any

from django.db.models import Q

from balik.mentorships.models import Mentorship, MentorshipStatus
from balik.people.models import Person
from balik.programs.models import Program


def mentorships_part(program: Program, person: Person | None) -> dict[str, Any]:
    """The viewer's active mentorships in the programme, and how many pairs are active."""
    mine = []
    if person is not None:
        mine = list(
            Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)
            .filter(Q(mentor=person) | Q(mentee=person))
            .select_related("mentor", "mentee")
        )
    active = program.mentorships.filter(status=MentorshipStatus.ACTIVE).count()
    return {"my_mentorships": mine, "active_pairs": active}
