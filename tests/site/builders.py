"""A lived-in organisation for the home page: a director who is a mentee in a reverse pair and
waits for a mentor's answer in a self-match programme, her junior mentor who has a request to
answer, and their programme manager with programmes in every state."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from balik.matching.models import MatchRequest
from balik.mentorships.models import ActionItem, Mentorship, Session, SessionStatus
from balik.people.models import Person
from balik.programs import services as program_services
from balik.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import PersonFactory


@dataclass
class LivedIn:
    manager: Person
    mentee: Person  # the director
    mentor: Person  # the junior who mentors her
    asker: Person  # a mentee who asked the junior
    pair: Mentorship
    reverse: Program
    self_match: Program


def _programme(manager: Person, name: str, kind: str, status: str, **changes) -> Program:
    program = program_services.program_create(manager.user, name=name, kind=kind, template=None)
    program.status = status
    for key, value in changes.items():
        setattr(program, key, value)
    program.save()
    return program


def lived_in(manager: Person) -> LivedIn:
    now = timezone.now()
    reverse = _programme(manager, "Reverse Mentoring Pilot 2026", "reverse", ProgramStatus.ACTIVE)
    self_match = _programme(
        manager, "Flipped Growth: Cohort 1", "flipped", ProgramStatus.MATCHING, self_match=True
    )
    _programme(manager, "Social Media Training 2026", "reverse", ProgramStatus.ENROLLING)
    _programme(manager, "Peer Circle: Finance", "peer", ProgramStatus.DRAFT)
    mentee = PersonFactory(
        full_name="Sari Wulandari",
        user__full_name="Sari Wulandari",
        user__email="sari@example.id",
        job_title="Director of Finance",
        seniority_level=9,
        birth_year=1970,
    )
    mentor = PersonFactory(
        full_name="Kirana Putri",
        user__full_name="Kirana Putri",
        user__email="kirana@example.id",
        job_title="Data Analyst",
        seniority_level=2,
        birth_year=2000,
    )
    asker = PersonFactory(full_name="Raka Pratama", user__email="raka@example.id")
    elder = PersonFactory(full_name="Budi Santoso", seniority_level=8)
    for program, person, role in (
        (reverse, mentee, "mentee"),
        (reverse, mentor, "mentor"),
        (self_match, mentee, "mentee"),
        (self_match, mentor, "mentor"),
        (self_match, elder, "mentor"),
        (self_match, asker, "mentee"),
    ):
        Enrolment.objects.create(program=program, person=person, role=role)
    pair = Mentorship.objects.create(program=reverse, mentor=mentor, mentee=mentee)
    MatchRequest.objects.create(program=self_match, mentee=mentee, mentor=elder, message="")
    MatchRequest.objects.create(
        program=self_match, mentee=asker, mentor=mentor, message="I'd love to learn SQL from you"
    )
    jakarta = ZoneInfo("Asia/Jakarta")
    start = timezone.localtime(now + timedelta(days=3), jakarta).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    Session.objects.create(
        mentorship=pair,
        status=SessionStatus.BOOKED,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        leader="mentee",
        proposed_by=mentor,
        uid=f"lived-in-{pair.pk}-next",
    )
    held = start - timedelta(days=7)
    Session.objects.create(
        mentorship=pair,
        status=SessionStatus.HELD,
        starts_at=held,
        ends_at=held + timedelta(hours=1),
        leader="mentee",
        proposed_by=mentor,
        uid=f"lived-in-{pair.pk}-held",
    )
    ActionItem.objects.create(
        mentorship=pair,
        title="Post one short video on the team channel",
        owner=mentee,
        due_date=timezone.localdate(now) + timedelta(days=5),
    )
    return LivedIn(manager, mentee, mentor, asker, pair, reverse, self_match)
