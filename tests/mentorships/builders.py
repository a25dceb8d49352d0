"""A flipped-mentoring pair with weekly availability in two Indonesian time zones."""

from balik.mentorships.models import Mentorship
from balik.programs import services as program_services
from balik.programs.models import ProgramStatus
from tests.factories import AvailabilitySlotFactory, PersonFactory


def flipped_pair(manager, *, kind: str = "flipped", mentee_zone: str = "Asia/Jayapura"):
    """A senior mentor in Jakarta and a junior mentee (by default in Jayapura, two hours ahead),
    both free on weekday evenings in their own time, in an active programme."""
    program = program_services.program_create(
        manager.user, name=f"{kind} pair", kind=kind, template=None
    )
    program.status = ProgramStatus.ACTIVE
    program.save()
    mentor = PersonFactory(
        full_name="Budi Santoso", seniority_level=8, timezone="Asia/Jakarta", department="Finance"
    )
    mentee = PersonFactory(
        full_name="Rina Wijaya", seniority_level=2, timezone=mentee_zone, department="Marketing"
    )
    for weekday in range(5):
        AvailabilitySlotFactory(
            person=mentor, weekday=weekday, start_time="17:00", end_time="21:00"
        )
        AvailabilitySlotFactory(
            person=mentee, weekday=weekday, start_time="19:00", end_time="23:00"
        )
    mentorship = Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee)
    return mentorship


def one_person_in_many_pairs(manager, *, pairs: int = 4) -> list[Mentorship]:
    """`pairs` mentorships of one person, Budi: mentor in all but the last, where he is the
    mentee (the role belongs to the pair, so a clash must be seen across roles). The first is
    `flipped_pair`'s, with both people's weekly availability; the others' partners have none."""
    first = flipped_pair(manager)
    busy = first.mentor
    mentorships = [first]
    for index in range(1, pairs):
        partner = PersonFactory(full_name=f"Partner {index}", seniority_level=2 + index % 5)
        if index == pairs - 1:
            mentor, mentee = partner, busy
        else:
            mentor, mentee = busy, partner
        mentorships.append(
            Mentorship.objects.create(program=first.program, mentor=mentor, mentee=mentee)
        )
    return mentorships
