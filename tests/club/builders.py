"""A small Club: mentors with open hours every day, mentees with a default package."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from balik.club.models import MentorSettings, Offering, Package, PackageGrant
from balik.club.services import Preparation
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
