"""Reads the Club's pages and API share: the directory of mentors with their fit for the
reader, ratings, response times, open hours and the Club's headline figure.

The directory reads a fixed number of queries whatever the number of mentors: every figure is
read for all shown mentors at once, and open hours are worked out in Python from the weekly
availability, booked times and away days read in bulk.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.club.models import (
    BlockedDate,
    Booking,
    BookingPause,
    BookingStatus,
    Offering,
    Package,
    PackageGrant,
)
from balik.club.services import (
    ALL_WEEK,
    CLUB_SLUG,
    SLOT_HORIZON,
    is_club_manager,
    package_period,
)
from balik.core.errors import NotFound
from balik.feedback.models import SessionFeedback
from balik.mentorships.models import BookedTime, SessionStatus
from balik.mentorships.models import Session as MentorshipSession
from balik.mentorships.scheduling import WeeklyRange, overlap_hours_per_week, propose_times
from balik.people.models import AvailabilitySlot, Person, PersonSkill, SkillDirection

RATINGS_SHOWN_FROM = 5
PAGE_SIZE = 24
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Rating:
    mean: float | None
    count: int

    @property
    def shown(self) -> bool:
        return self.count >= RATINGS_SHOWN_FROM and self.mean is not None


def _club_feedback() -> QuerySet[SessionFeedback]:
    """The mentees' ratings of held Club sessions (a mentor's rating is what mentees say)."""
    return SessionFeedback.objects.filter(
        mentorship__program__slug=CLUB_SLUG, author_id=F("mentorship__mentee_id")
    )


def ratings_of(mentor_ids: list[int]) -> dict[int, Rating]:
    rows = (
        _club_feedback()
        .filter(mentorship__mentor_id__in=mentor_ids)
        .values("mentorship__mentor_id")
        .annotate(mean=Avg("rating"), count=Count("pk"))
    )
    found = {r["mentorship__mentor_id"]: Rating(r["mean"], r["count"]) for r in rows}
    return {pk: found.get(pk, Rating(None, 0)) for pk in mentor_ids}


def held_counts(mentor_ids: list[int]) -> dict[int, int]:
    rows = (
        MentorshipSession.objects.filter(
            mentorship__program__slug=CLUB_SLUG,
            mentorship__mentor_id__in=mentor_ids,
            status=SessionStatus.HELD,
        )
        .values("mentorship__mentor_id")
        .annotate(count=Count("pk"))
    )
    return {r["mentorship__mentor_id"]: r["count"] for r in rows}


def response_hours(mentor_ids: list[int]) -> dict[int, float]:
    """How fast each mentor answers, on average, in hours (auto-accepted requests count as 0)."""
    rows = (
        Booking.objects.filter(mentor_id__in=mentor_ids, answered_at__isnull=False)
        .values("mentor_id")
        .annotate(
            wait=Avg(
                ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
            )
        )
    )
    return {r["mentor_id"]: r["wait"].total_seconds() / 3600 for r in rows if r["wait"] is not None}


@dataclass(frozen=True)
class Headline:
    mentors: int
    rating: Rating


def headline() -> Headline:
    """ "N mentors · 4.8/5 from M sessions": people with an open offering, and the mean of
    every rating of a held Club session."""
    mentors = Offering.objects.open().values("mentor_id").distinct().count()
    figure = _club_feedback().aggregate(mean=Avg("rating"), count=Count("pk"))
    return Headline(mentors, Rating(figure["mean"], figure["count"]))


@dataclass
class MentorCard:
    person: Person
    offerings: list[Offering]
    rating: Rating
    held: int
    response_hours: float | None
    common_hours: float = 0.0
    next_free: datetime | None = None
    matched_skills: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fit: float = 0.0


@dataclass(frozen=True)
class Filters:
    text: str = ""
    topic: str = ""  # a skill's slug
    language: str = ""
    in_common: bool = False  # only mentors with time in common with me this week
    free_within_days: int | None = None
    min_rating: float | None = None


class Bulk:
    """Weekly availability, busy times and away days of many people, read in three queries."""

    def __init__(self, people: list[Person], start: datetime, end: datetime):
        ids = [p.pk for p in people]
        self.ranges: dict[int, list[WeeklyRange]] = defaultdict(list)
        for pk, w, s, e in AvailabilitySlot.objects.filter(person_id__in=ids).values_list(
            "person_id", "weekday", "start_time", "end_time"
        ):
            self.ranges[pk].append(WeeklyRange(w, s, e))
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for pk, s, e in BookedTime.objects.filter(
            person_id__in=ids, ends_at__gt=start, starts_at__lt=end
        ).values_list("person_id", "starts_at", "ends_at"):
            self.busy[pk].append((s, e))
        for mentor, mentee, s, e in Booking.objects.filter(
            Q(mentor_id__in=ids) | Q(mentee_id__in=ids),
            status=BookingStatus.REQUESTED,
            ends_at__gt=start,
            starts_at__lt=end,
        ).values_list("mentor_id", "mentee_id", "starts_at", "ends_at"):
            self.busy[mentor].append((s, e))
            self.busy[mentee].append((s, e))
        zones = {p.pk: ZoneInfo(p.timezone) for p in people}
        for pk, day in BlockedDate.objects.filter(
            person_id__in=ids,
            date__gte=(start - timedelta(days=1)).date(),
            date__lte=(end + timedelta(days=1)).date(),
        ).values_list("person_id", "date"):
            zone = zones[pk]
            self.busy[pk].append(
                (
                    datetime.combine(day, time(0), tzinfo=zone),
                    datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
                )
            )

    def free_starts(
        self,
        mentor: Person,
        *,
        reader: Person | None,
        start: datetime,
        end: datetime,
        minutes: int,
        count: int,
    ) -> list[datetime]:
        ranges = self.ranges.get(mentor.pk)
        if not ranges or end - start < timedelta(minutes=minutes):
            return []
        busy = list(self.busy.get(mentor.pk, []))
        if reader is not None:
            busy += self.busy.get(reader.pk, [])
        return sorted(
            propose_times(
                ranges,
                mentor.timezone,
                ALL_WEEK,
                "UTC",
                duration=timedelta(minutes=minutes),
                not_before_utc=start,
                horizon=end - start,
                busy=busy,
                count=count,
            )
        )


def _reader_skills(reader: Person | None) -> set[int]:
    if reader is None:
        return set()
    return set(
        PersonSkill.objects.filter(person=reader, direction=SkillDirection.LEARN).values_list(
            "skill_id", flat=True
        )
    )


def directory(
    reader: Person | None, filters: Filters, *, now: datetime | None = None, page: int = 1
) -> tuple[list[MentorCard], int]:
    """The Club's mentors for `reader`, filtered and sorted by fit (the topics they want to
    learn first, then time in common this week, then rating), with the reason shown; the page
    asked for and the number of mentors found. A fixed number of queries."""
    now = now or timezone.now()
    offerings = Offering.objects.open().select_related("mentor", "skill")
    if reader is not None:
        offerings = offerings.exclude(mentor=reader)
    if filters.topic:
        offerings = offerings.filter(skill__slug=filters.topic)
    if filters.text:
        text = filters.text.strip()
        offerings = offerings.filter(
            Q(title_en__icontains=text)
            | Q(title_id__icontains=text)
            | Q(skill__name_en__icontains=text)
            | Q(skill__name_id__icontains=text)
            | Q(mentor__full_name__icontains=text)
            | Q(mentor__job_title__icontains=text)
        )
    by_mentor: dict[int, list[Offering]] = defaultdict(list)
    for offering in offerings.order_by("mentor_id", "pk"):
        if reader is None or offering.admits(reader):
            by_mentor[offering.mentor_id].append(offering)
    if filters.language:
        by_mentor = {
            pk: offers
            for pk, offers in by_mentor.items()
            if filters.language in (offers[0].mentor.languages or [])
        }
    ids = list(by_mentor)
    ratings = ratings_of(ids)
    held = held_counts(ids)
    answers = response_hours(ids)
    wanted = _reader_skills(reader)
    cards = []
    for pk, offers in by_mentor.items():
        rating = ratings[pk]
        if filters.min_rating is not None and not (
            rating.shown and rating.mean >= filters.min_rating
        ):
            continue
        matched = [o.skill.name for o in offers if o.skill_id in wanted]
        cards.append(
            MentorCard(
                person=offers[0].mentor,
                offerings=offers,
                rating=rating,
                held=held.get(pk, 0),
                response_hours=answers.get(pk),
                matched_skills=list(dict.fromkeys(matched)),
            )
        )
    # Time in common and the next free slot are worked out for every candidate when a filter
    # asks for them, else for the mentors the first sort puts on the page asked for.
    cards.sort(key=lambda c: (-len(c.matched_skills), -(c.rating.mean or 0), c.person.full_name))
    needs_all = filters.in_common or filters.free_within_days is not None
    window = cards if needs_all else cards[: page * PAGE_SIZE]
    people = [c.person for c in window] + ([reader] if reader is not None else [])
    bulk = Bulk(people, now, now + SLOT_HORIZON)
    reader_ranges = bulk.ranges.get(reader.pk, []) if reader is not None else []
    for card in window:
        mentor_ranges = bulk.ranges.get(card.person.pk, [])
        if reader_ranges and mentor_ranges:
            card.common_hours = overlap_hours_per_week(
                mentor_ranges, card.person.timezone, reader_ranges, reader.timezone, now
            )
        first = bulk.free_starts(
            card.person,
            reader=reader,
            start=now,
            end=now + SLOT_HORIZON,
            minutes=min(o.minutes for o in card.offerings),
            count=1,
        )
        card.next_free = first[0] if first else None
        card.fit = len(card.matched_skills) * 10 + min(card.common_hours, 10)
        card.reasons = reasons_for(card)
    if filters.in_common:
        window = [c for c in window if c.common_hours > 0]
    if filters.free_within_days is not None:
        limit = now + timedelta(days=filters.free_within_days)
        window = [c for c in window if c.next_free is not None and c.next_free <= limit]
    window.sort(key=lambda c: (-c.fit, -(c.rating.mean or 0), c.person.full_name))
    total = len(window) if needs_all else len(cards)
    return window[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], total


def reasons_for(card: MentorCard) -> list[str]:
    reasons = []
    if card.matched_skills:
        reasons.append(
            _("Offers what you want to learn: %(skills)s")
            % {"skills": ", ".join(card.matched_skills)}
        )
    if card.common_hours >= 1:
        reasons.append(
            _("%(hours)d hours a week when you are both available") % {"hours": card.common_hours}
        )
    if card.rating.shown:
        reasons.append(
            _("Rated %(mean).1f/5 from %(count)d sessions")
            % {"mean": card.rating.mean, "count": card.rating.count}
        )
    return reasons


def mentor_page(mentor: Person, reader: Person | None, *, now: datetime | None = None) -> dict:
    """A mentor's Club page: topics open to the reader, rating, sessions held, response time,
    the next free times (UTC; the page shows them in the reader's zone)."""
    now = now or timezone.now()
    offerings = [
        o
        for o in Offering.objects.open().filter(mentor=mentor).select_related("skill", "mentor")
        if reader is None or o.admits(reader) or reader.pk == mentor.pk
    ]
    people = [mentor] + ([reader] if reader is not None and reader.pk != mentor.pk else [])
    bulk = Bulk(people, now, now + SLOT_HORIZON)
    free = {
        o.pk: bulk.free_starts(
            mentor,
            reader=reader if reader is not None and reader.pk != mentor.pk else None,
            start=now,
            end=now + SLOT_HORIZON,
            minutes=o.minutes,
            count=5,
        )
        for o in offerings
    }
    for offering in offerings:
        offering.free_times = free[offering.pk]
    return {
        "mentor": mentor,
        "offerings": offerings,
        "free": free,
        "rating": ratings_of([mentor.pk])[mentor.pk],
        "held": held_counts([mentor.pk]).get(mentor.pk, 0),
        "response_hours": response_hours([mentor.pk]).get(mentor.pk),
    }


def mentor_comments(mentor: Person) -> list[str]:
    """The mentees' comments on this mentor's sessions, without names or ratings beside them:
    shown to the mentor alone, and only from five ratings on (so none names its author)."""
    feedback = _club_feedback().filter(mentorship__mentor=mentor)
    if feedback.count() < RATINGS_SHOWN_FROM:
        return []
    return list(feedback.exclude(comment="").order_by("?").values_list("comment", flat=True)[:50])


def visible_bookings(user: User) -> QuerySet[Booking]:
    """The bookings a user may see: their own as mentor or mentee; managers see all (dates and
    states: the pages show them no preparation text)."""
    bookings = Booking.objects.select_related(
        "offering__skill", "mentor__user", "mentee__user", "session"
    )
    if is_club_manager(user):
        return bookings
    return bookings.filter(Q(mentor__user=user) | Q(mentee__user=user))


def booking_for(user: User, booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_related("offering__skill", "mentor__user", "mentee__user", "session")
        .filter(pk=booking_id)
        .filter(Q(mentor__user=user) | Q(mentee__user=user))
        .first()
    )
    if booking is None:
        raise NotFound(_("There is no booking of yours with that number."))
    return booking


def offering_for(offering_id: int, *, open_only: bool = True) -> Offering:
    offerings = Offering.objects.open() if open_only else Offering.objects.all()
    offering = offerings.select_related("mentor__user", "skill").filter(pk=offering_id).first()
    if offering is None:
        raise NotFound(_("There is no open Club topic with that number."))
    return offering


def my_bookings(person: Person) -> dict[str, list[Booking]]:
    bookings = list(
        Booking.objects.filter(Q(mentor=person) | Q(mentee=person))
        .select_related("offering__skill", "mentor", "mentee", "session")
        .order_by("-starts_at")[:200]
    )
    return {
        "as_mentor": [b for b in bookings if b.mentor_id == person.pk],
        "as_mentee": [b for b in bookings if b.mentee_id == person.pk],
    }


# Packages and their use, for managers.


@dataclass(frozen=True)
class PackageUse:
    package: Package
    grants: list[PackageGrant]
    people: int  # the people whose package it is (their own grant, else their department's...)
    used: int  # their credits used in the current period
    period_start: datetime
    period_end: datetime

    @property
    def allowance(self) -> int:
        return self.people * self.package.sessions

    @property
    def period_last(self) -> datetime:
        """The period's last day (its end is the next period's first moment)."""
        return self.period_end - timedelta(days=1)


def _strongest(grants: list[PackageGrant]) -> Package | None:
    """As `services.package_of`: the largest allowance a month wins within a level."""
    if not grants:
        return None
    return max((g.package for g in grants), key=lambda p: (p.sessions / p.period_months, p.pk))


def package_usage(*, now: datetime | None = None) -> list[PackageUse]:
    """Every package with its grants, the people it covers and the credits they used in the
    current period: a few queries whatever the number of people."""
    now = now or timezone.now()
    packages = list(Package.objects.all())
    grants = list(PackageGrant.objects.select_related("package", "person").order_by("pk"))
    own: dict[int, list[PackageGrant]] = defaultdict(list)
    by_department: dict[str, list[PackageGrant]] = defaultdict(list)
    default = []
    for grant in grants:
        if grant.person_id is not None:
            own[grant.person_id].append(grant)
        elif grant.department:
            by_department[grant.department].append(grant)
        else:
            default.append(grant)
    fallback = _strongest(default)
    department_package = {d: _strongest(g) for d, g in by_department.items()}
    covered: dict[int, set[int]] = defaultdict(set)
    for person_id, department in Person.objects.values_list("pk", "department"):
        package = (
            _strongest(own.get(person_id, [])) or department_package.get(department) or fallback
        )
        if package is not None:
            covered[package.pk].add(person_id)
    uses = []
    for package in packages:
        first, last = package_period(now, package.period_months)
        people = covered.get(package.pk, set())
        used = (
            Booking.objects.filter(
                mentee_id__in=people, credit_used=True, created_at__gte=first, created_at__lt=last
            ).count()
            if people
            else 0
        )
        uses.append(
            PackageUse(
                package=package,
                grants=[g for g in grants if g.package_id == package.pk],
                people=len(people),
                used=used,
                period_start=first,
                period_end=last,
            )
        )
    return uses


def open_pauses() -> QuerySet[BookingPause]:
    return BookingPause.objects.filter(lifted_at__isnull=True).select_related("person")
