"""The Club's health for managers: bookings per week, open hours used, demand against supply
per topic (with the searches that found nobody: where to recruit mentors), satisfaction
against the 4.8/5 benchmark, no-shows and response times.

Anonymity as in docs/anonymity.md: the only figures drawn from answers are the two sides'
mean ratings, each shown only when at least 5 people of that side rated, and never a figure
for both sides together (it and one side's would give the other side's away). Everything else
counts bookings, hours, searches and misses, never naming anyone.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Avg, Count, F
from django.db.models.functions import TruncWeek
from django.utils import timezone

from balik.club.models import (
    HOLDING,
    Booking,
    BookingPause,
    BookingStatus,
    Miss,
    MissKind,
    Offering,
    SearchMiss,
)
from balik.club.services import ANSWER_WITHIN, CLUB_SLUG
from balik.feedback.models import SessionFeedback
from balik.mentorships.models import Session, SessionStatus
from balik.people.models import AvailabilitySlot, PersonSkill, Skill, SkillDirection

SATISFACTION_BENCHMARK = 4.8
MIN_PEOPLE = 5
WEEKS = 12
RECENT = timedelta(days=90)
USED_OVER = timedelta(weeks=4)
UNMATCHED_SHOWN = 20


@dataclass(frozen=True)
class Week:
    start: date
    booked: int
    held: int


@dataclass(frozen=True)
class SideRating:
    """One side's mean rating: shown only from five people on."""

    mean: float | None
    answers: int
    people: int

    @property
    def shown(self) -> bool:
        return self.people >= MIN_PEOPLE and self.mean is not None


@dataclass(frozen=True)
class Topic:
    skill: str
    slug: str
    mentors: int
    open_hours_week: float
    bookings: int
    wanted: int
    searches_found_nobody: int

    @property
    def demand_per_mentor(self) -> float:
        return (self.bookings + self.searches_found_nobody) / max(self.mentors, 1)


@dataclass(frozen=True)
class SearchCount:
    text: str
    count: int


@dataclass(frozen=True)
class ClubHealth:
    weeks: list[Week]
    open_hours_week: float
    booked_hours_recent: float
    topics: list[Topic]
    unmatched_searches: list[SearchCount]
    mentee_rating: SideRating
    mentor_rating: SideRating
    held_recent: int
    misses_no_show: int
    misses_late_cancel: int
    paused: int
    median_answer_hours: float | None
    answered_in_time: float | None
    expired: int
    benchmark: float = SATISFACTION_BENCHMARK

    @property
    def open_hours_used(self) -> float | None:
        """Booked hours over the last four weeks against the open hours of those weeks."""
        offered = self.open_hours_week * (USED_OVER / timedelta(weeks=1))
        return self.booked_hours_recent / offered if offered else None

    @property
    def no_show_rate(self) -> float | None:
        sessions = self.held_recent + self.misses_no_show
        return self.misses_no_show / sessions if sessions else None


def _hours(start, end) -> float:
    """A weekly availability range's length in hours (an end of 00:00 is midnight)."""
    minutes_end = 24 * 60 if (end.hour, end.minute) == (0, 0) else end.hour * 60 + end.minute
    return max(minutes_end - (start.hour * 60 + start.minute), 0) / 60


def _weeks(now: datetime) -> list[Week]:
    today = timezone.localdate(now)
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    booked = dict(
        Booking.objects.filter(created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    held = dict(
        Session.objects.filter(
            mentorship__program__slug=CLUB_SLUG,
            status=SessionStatus.HELD,
            attendance="held",
            starts_at__gte=since,
            starts_at__lt=now,
        )
        .annotate(week=TruncWeek("starts_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )

    def by_day(counts: dict) -> dict[date, int]:
        found: dict[date, int] = Counter()
        for week, n in counts.items():
            day = week.date() if isinstance(week, datetime) else week
            found[day] += n
        return found

    booked_days, held_days = by_day(booked), by_day(held)
    return [
        Week(start, booked_days.get(start, 0), held_days.get(start, 0))
        for start in (first + timedelta(weeks=n) for n in range(WEEKS))
    ]


def _side(feedback, author_field: str) -> SideRating:
    mine = feedback.filter(author_id=F(f"mentorship__{author_field}_id"))
    figure = mine.aggregate(
        mean=Avg("rating"), answers=Count("pk"), people=Count("author_id", distinct=True)
    )
    people = figure["people"] or 0
    shown = people >= MIN_PEOPLE
    return SideRating(figure["mean"] if shown else None, figure["answers"] if shown else 0, people)


def _topics(now: datetime, mentor_hours: dict[int, float]) -> list[Topic]:
    since = now - RECENT
    open_offers = Offering.objects.open().values_list("skill_id", "mentor_id")
    mentors_of: dict[int, set[int]] = defaultdict(set)
    for skill_id, mentor_id in open_offers:
        mentors_of[skill_id].add(mentor_id)
    bookings = dict(
        Booking.objects.filter(created_at__gte=since)
        .values_list("offering__skill_id")
        .annotate(n=Count("pk"))
        .values_list("offering__skill_id", "n")
    )
    searched = dict(
        SearchMiss.objects.filter(searched_at__gte=since, skill__isnull=False)
        .values_list("skill_id")
        .annotate(n=Count("pk"))
        .values_list("skill_id", "n")
    )
    ids = set(mentors_of) | set(bookings) | set(searched)
    wanted = dict(
        PersonSkill.objects.filter(skill_id__in=ids, direction=SkillDirection.LEARN)
        .values_list("skill_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("skill_id", "n")
    )
    topics = [
        Topic(
            skill=skill.name,
            slug=skill.slug,
            mentors=len(mentors_of.get(skill.pk, ())),
            open_hours_week=round(
                sum(mentor_hours.get(m, 0) for m in mentors_of.get(skill.pk, ())), 1
            ),
            bookings=bookings.get(skill.pk, 0),
            wanted=wanted.get(skill.pk, 0),
            searches_found_nobody=searched.get(skill.pk, 0),
        )
        for skill in Skill.objects.filter(pk__in=ids)
    ]
    topics.sort(key=lambda t: (-t.demand_per_mentor, -t.wanted, t.skill))
    return topics


def _unmatched(now: datetime) -> list[SearchCount]:
    texts = Counter(
        " ".join(text.lower().split())
        for text in SearchMiss.objects.filter(searched_at__gte=now - RECENT, skill__isnull=True)
        .exclude(text="")
        .values_list("text", flat=True)
    )
    return [SearchCount(text, n) for text, n in texts.most_common(UNMATCHED_SHOWN)]


def club_health(*, now: datetime | None = None) -> ClubHealth:
    now = now or timezone.now()
    since = now - RECENT
    open_mentors = set(Offering.objects.open().values_list("mentor_id", flat=True))
    mentor_hours: dict[int, float] = defaultdict(float)
    for person_id, start, end in AvailabilitySlot.objects.filter(
        person_id__in=open_mentors
    ).values_list("person_id", "start_time", "end_time"):
        mentor_hours[person_id] += _hours(start, end)
    booked_hours = sum(
        (end - start).total_seconds() / 3600
        for start, end in Booking.objects.filter(
            status__in=HOLDING, starts_at__gte=now - USED_OVER, starts_at__lt=now
        ).values_list("starts_at", "ends_at")
    )
    feedback = SessionFeedback.objects.filter(mentorship__program__slug=CLUB_SLUG)
    misses = Counter(Miss.objects.filter(at__gte=since).values_list("kind", flat=True).order_by())
    answered = list(
        Booking.objects.filter(created_at__gte=since, answered_at__isnull=False).values_list(
            "created_at", "answered_at"
        )
    )
    waits = [(answer - asked).total_seconds() / 3600 for asked, answer in answered]
    expired = Booking.objects.filter(created_at__gte=since, status=BookingStatus.EXPIRED).count()
    limit = ANSWER_WITHIN.total_seconds() / 3600
    return ClubHealth(
        weeks=_weeks(now),
        open_hours_week=round(sum(mentor_hours.values()), 1),
        booked_hours_recent=round(booked_hours, 1),
        topics=_topics(now, mentor_hours),
        unmatched_searches=_unmatched(now),
        mentee_rating=_side(feedback, "mentee"),
        mentor_rating=_side(feedback, "mentor"),
        held_recent=Session.objects.filter(
            mentorship__program__slug=CLUB_SLUG,
            status=SessionStatus.HELD,
            attendance="held",
            starts_at__gte=since,
        ).count(),
        misses_no_show=misses.get(MissKind.NO_SHOW, 0),
        misses_late_cancel=misses.get(MissKind.LATE_CANCEL, 0),
        paused=BookingPause.objects.filter(lifted_at__isnull=True).count(),
        median_answer_hours=round(median(waits), 1) if waits else None,
        answered_in_time=(
            sum(1 for w in waits if w <= limit) / (len(waits) + expired)
            if waits or expired
            else None
        ),
        expired=expired,
    )
