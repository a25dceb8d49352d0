"""A small Club: mentors with open hours every day, mentees with a default package."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from balik.club.models import MentorSettings, Offering, Package, PackageGrant
from balik.club.services import Preparation, club_mentorship
from balik.feedback.models import SessionFeedback
from balik.mentorships.models import Session, SessionStatus
from balik.people.models import PersonSkill, SkillDirection
from tests.factories import AvailabilitySlotFactory, PersonFactory, SkillFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
PREPARATION = Preparation(
    learn="How to plan a month of TikTok content",
    questions="Which formats work for B2B? How often to post?",
    research="Read three case studies; made a draft calendar",
    challenge="Tell me what is wrong with my draft",
)


def default_package(sessions: int = 2, months: int = 1) -> Package:
    package = Package.objects.create(
        name=f"Starter {sessions}/{months}", sessions=sessions, period_months=months
    )
    PackageGrant.objects.create(package=package)
    return package


def mentor_with_topic(
    *,
    name: str = "Sari Junior",
    skill=None,
    minutes: int = 60,
    limit: int = 4,
    auto_accept: bool = False,
    **offering,
) -> Offering:
    """A mentor open every day 08:00-20:00 Jakarta time, offering one topic."""
    mentor = PersonFactory(
        full_name=name, user__full_name=name, seniority_level=2, department="Digital"
    )
    for weekday in range(7):
        AvailabilitySlotFactory(
            person=mentor, weekday=weekday, start_time="08:00", end_time="20:00"
        )
    MentorSettings.objects.create(person=mentor, monthly_limit=limit, auto_accept=auto_accept)
    return Offering.objects.create(
        mentor=mentor,
        skill=skill or SkillFactory(slug="tiktok", name_en="TikTok", name_id="TikTok"),
        title_en="TikTok for seniors",
        title_id="TikTok untuk senior",
        minutes=minutes,
        **offering,
    )


def slot(days: int = 3, hour: int = 10) -> datetime:
    """`hour` o'clock in Jakarta, `days` from today, in UTC."""
    day = timezone.localtime(timezone.now(), JAKARTA).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA).astimezone(ZoneInfo("UTC"))


def mentee(name: str = "Pak Budi", **fields):
    fields.setdefault("seniority_level", 8)
    return PersonFactory(full_name=name, user__full_name=name, **fields)


MENTORS = [
    # name, job title, department, seniority, zone, skill (slug, en, id), titles, ratings
    (
        "Sari Wulandari",
        "Social media specialist",
        "Digital",
        2,
        "Asia/Jakarta",
        ("tiktok", "TikTok", "TikTok"),
        "TikTok for leaders",
        "TikTok untuk pemimpin",
        [5, 5, 4, 5, 5, 4],
    ),
    (
        "Budi Santoso",
        "Head of Finance",
        "Finance",
        9,
        "Asia/Jakarta",
        ("budgeting", "Budgeting", "Penganggaran"),
        "Reading a P&L",
        "Membaca laporan laba rugi",
        [5, 4, 5, 5, 5],
    ),
    (
        "Dian Pratama",
        "Data analyst",
        "Data",
        3,
        "Asia/Makassar",
        ("sql", "SQL", "SQL"),
        "SQL for managers",
        "SQL untuk manajer",
        [4, 5],
    ),
    (
        "Ayu Lestari",
        "AI engineer",
        "Technology",
        2,
        "Asia/Jakarta",
        ("ai-tools", "AI tools", "Alat AI"),
        "ChatGPT at work",
        "ChatGPT di tempat kerja",
        [],
    ),
    (
        "Rudi Hartono",
        "Marketing director",
        "Marketing",
        8,
        "Asia/Jayapura",
        ("digital-marketing", "Digital marketing", "Pemasaran digital"),
        "Campaigns that sell",
        "Kampanye yang menjual",
        [5, 5, 5, 4, 5, 5, 5],
    ),
    (
        "Maya Sari",
        "People partner",
        "HR",
        6,
        "Asia/Jakarta",
        ("inclusive-leadership", "Inclusive leadership", "Kepemimpinan inklusif"),
        "Leading mixed generations",
        "Memimpin lintas generasi",
        [4, 4, 5, 5, 4],
    ),
]


def lively_club(reader):
    """Six mentors across topics, some with five or more rated held sessions, and a reader who
    wants to learn two of the topics and is free on weekday mornings."""
    default_package(sessions=2)
    for weekday in range(5):
        AvailabilitySlotFactory(
            person=reader, weekday=weekday, start_time="08:00", end_time="12:00"
        )
    offerings = []
    for index, (
        name,
        job,
        department,
        level,
        zone,
        skill,
        title_en,
        title_id,
        ratings,
    ) in enumerate(MENTORS):
        mentor = PersonFactory(
            full_name=name,
            user__full_name=name,
            job_title=job,
            department=department,
            seniority_level=level,
            timezone=zone,
            languages=["id", "en"] if index % 2 == 0 else ["id"],
        )
        for weekday in range(7):
            AvailabilitySlotFactory(
                person=mentor,
                weekday=weekday,
                start_time="09:00" if index % 2 else "13:00",
                end_time="17:00" if index % 2 else "19:00",
            )
        MentorSettings.objects.create(person=mentor, monthly_limit=6, auto_accept=index % 3 == 0)
        the_skill = SkillFactory(slug=skill[0], name_en=skill[1], name_id=skill[2])
        offerings.append(
            Offering.objects.create(
                mentor=mentor,
                skill=the_skill,
                title_en=title_en,
                title_id=title_id,
                description_en="One hour, practical, with your own example.",
                description_id="Satu jam, praktis, dengan contoh Anda sendiri.",
                minutes=(30, 45, 60)[index % 3],
            )
        )
        for n, rating in enumerate(ratings):
            someone = PersonFactory(full_name=f"Past mentee {index}-{n}")
            pair = club_mentorship(mentor, someone)
            start = timezone.now() - timedelta(days=10 + n)
            session = Session.objects.create(
                mentorship=pair,
                status=SessionStatus.HELD,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                leader="mentee",
                proposed_by=someone,
                uid=f"{uuid.uuid4()}@balik",
                attendance="held",
            )
            SessionFeedback.objects.create(
                session=session,
                author=someone,
                rating=rating,
                usefulness=rating,
                preparation=4,
                psychological_safety=5,
            )
    for slug in ("tiktok", "ai-tools"):
        PersonSkill.objects.create(
            person=reader, skill=SkillFactory(slug=slug), direction=SkillDirection.LEARN, level=1
        )
    return offerings
