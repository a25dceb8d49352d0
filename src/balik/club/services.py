"""Every change of state in the Mentorship Club, with its rules.

Bookings never collide: each writer that books a time of someone locks both people's rows
(in the order of their keys, as `balik.mentorships.sessions` does, so Club and programme
bookings wait for each other) before it looks for clashes, the mentor's monthly places or the
mentee's credits; on PostgreSQL an exclusion constraint on held bookings and the `BookedTime`
one on booked sessions are the last line. Notices go into the outbox in the same transaction.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balik.accounts.models import User
from balik.club.models import (
    DEFAULT_MONTHLY_LIMIT,
    HOLDING,
    SESSION_LENGTHS,
    AttendanceRecord,
    Audience,
    BlockedDate,
    Booking,
    BookingPause,
    BookingStatus,
    MentorSettings,
    Miss,
    MissKind,
    Offering,
    OfferingFormat,
    Outcome,
    Package,
    PackageGrant,
    SearchMiss,
)
from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.mentorships.access import clean_text
from balik.mentorships.models import (
    Agenda,
    Attendance,
    BookedTime,
    Mentorship,
    MentorshipOrigin,
    MentorshipStatus,
    Session,
    SessionStatus,
    Side,
)
from balik.mentorships.notices import moment_in, write_session_notice
from balik.mentorships.scheduling import WeeklyRange, available_intervals, conflicts, propose_times
from balik.mentorships.sessions import (
    booked_times_record,
    session_cancel,
    session_record_attendance,
)
from balik.notifications.services import notify
from balik.people.models import SENIORITY_MAX, SENIORITY_MIN, AvailabilitySlot, Person, Skill
from balik.programs.models import CLUB_TEMPLATE, Program, ProgramKind, ProgramStatus

CLUB_SLUG = "mentorship-club"
ANSWER_WITHIN = timedelta(hours=48)
FREE_CANCEL_BEFORE = timedelta(hours=24)
MISS_WINDOW = timedelta(days=30)
MISSES_TO_PAUSE = 2
SLOT_HORIZON = timedelta(days=14)
NEXT_FREE = 3
ALL_WEEK = [WeeklyRange(day, time(0), time(0)) for day in range(7)]
MAX_TITLE = 160


class SlotTaken(BalikError):
    """The time was free when the request came and another booking took it first."""

    status = 409
    code = "time_taken"

    def __init__(self, next_free: list[datetime]):
        super().__init__(
            gettext_lazy("This time was just taken by another booking. Choose another time.")
        )
        self.next_free_times = next_free

    def as_dict(self) -> dict[str, object]:
        return {
            **super().as_dict(),
            "next_free_times": [moment.isoformat() for moment in self.next_free_times],
        }


# Who is who.


def person_of(user: User) -> Person:
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise PermissionRefused(_("Only people in the directory can use the Club."))
    return person


def is_club_manager(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_org_admin or user.is_program_manager))


def require_club_manager(user: User) -> None:
    if not is_club_manager(user):
        raise PermissionRefused(_("Only organisation admins and programme managers can do that."))


def club_program() -> Program:
    """The hidden programme every Club session belongs to (created on first use)."""
    program = Program.objects.filter(slug=CLUB_SLUG).first()
    if program is not None:
        return program
    try:
        with transaction.atomic():
            return Program.objects.create(
                slug=CLUB_SLUG,
                name="Mentorship Club",
                kind=ProgramKind.FLIPPED,  # the mentee prepares and leads, as the Club asks
                template=CLUB_TEMPLATE,
                status=ProgramStatus.ACTIVE,
                session_minutes=60,
            )
    except IntegrityError:  # created by a request that ran at the same moment
        return Program.objects.get(slug=CLUB_SLUG)


def settings_of(person: Person) -> MentorSettings:
    """The person's Club settings; the defaults (not saved) when they never changed them."""
    found = MentorSettings.objects.filter(person=person).first()
    return found or MentorSettings(person=person, monthly_limit=DEFAULT_MONTHLY_LIMIT)


def open_pause(person: Person) -> BookingPause | None:
    return BookingPause.objects.filter(person=person, lifted_at__isnull=True).first()


def _lock(*people: Person) -> None:
    """Lock these people's rows in key order until the transaction ends (the order
    `balik.mentorships.sessions` uses, so the two never deadlock)."""
    list(
        Person.objects.select_for_update(no_key=True)
        .filter(pk__in={p.pk for p in people})
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# The generic session writes refused for Club sessions.

CLUB_ENDPOINTS = {"cancel": "cancel", "attendance": "attendance"}


def club_session_guard(mentorship: Mentorship, session: Session | None, action: str) -> None:
    """Registered with `balik.mentorships.hooks`: a Club pair's session is proposed, moved,
    cancelled and its attendance recorded only through the Club, where credits and misses
    count; the mentorships pages and API answer 409 with the Club's endpoint instead."""
    if not mentorship.program.is_club:
        return
    booking = Booking.objects.filter(session=session).first() if session is not None else None
    if booking is not None and action in CLUB_ENDPOINTS:
        endpoint = f"/api/v1/club/bookings/{booking.pk}/{CLUB_ENDPOINTS[action]}"
    else:
        endpoint = "/api/v1/club/bookings"
    raise BalikError(
        _(
            "This is a Mentorship Club session: do this in My Club or through %(endpoint)s, "
            "where package credits and missed sessions count."
        )
        % {"endpoint": endpoint},
        code="club_session",
    )


# Offerings and settings.


@dataclass(frozen=True)
class OfferingData:
    skill: Skill | None
    title_en: str = ""
    title_id: str = ""
    description_en: str = ""
    description_id: str = ""
    format: str = OfferingFormat.VIDEO
    minutes: int = 45
    audience: str = Audience.EVERYONE
    seniority_min: int = SENIORITY_MIN
    seniority_max: int = SENIORITY_MAX
    departments: tuple[str, ...] = ()
    active: bool = True


def _clean_offering(data: OfferingData) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if data.skill is None:
        errors["skill"] = [_("Choose the topic from the skill list.")]
    titles = {
        name: clean_text(getattr(data, name), field=name, errors=errors, single_line=True)
        for name in ("title_en", "title_id")
    }
    for name, title in titles.items():
        if len(title) > MAX_TITLE:
            errors.setdefault(name, []).append(
                _("Use at most %(n)d characters.") % {"n": MAX_TITLE}
            )
    if not titles["title_en"] and not titles["title_id"]:
        errors["title_en"] = [_("Give a title in English or in Indonesian.")]
    descriptions = {
        name: clean_text(getattr(data, name), field=name, errors=errors)
        for name in ("description_en", "description_id")
    }
    if data.format not in OfferingFormat.values:
        errors["format"] = [_("Choose video call, in person or chat.")]
    if data.minutes not in SESSION_LENGTHS:
        errors["minutes"] = [_("Choose 30, 45 or 60 minutes.")]
    if data.audience not in Audience.values:
        errors["audience"] = [_("Choose who may book.")]
    low, high = data.seniority_min, data.seniority_max
    if not (
        isinstance(low, int)
        and isinstance(high, int)
        and SENIORITY_MIN <= low <= high <= SENIORITY_MAX
    ):
        errors["seniority_min"] = [
            _("Give a seniority range from %(low)d to %(high)d, lowest first.")
            % {"low": SENIORITY_MIN, "high": SENIORITY_MAX}
        ]
    departments = sorted({d.strip() for d in data.departments if d and d.strip()})
    if data.audience == Audience.DEPARTMENTS and not departments:
        errors["departments"] = [_("Name at least one department.")]
    if errors:
        raise ValidationFailed(errors)
    return {
        "skill": data.skill,
        **titles,
        **descriptions,
        "format": data.format,
        "minutes": data.minutes,
        "audience": data.audience,
        "seniority_min": low,
        "seniority_max": high,
        "departments": departments,
        "active": bool(data.active),
    }


def offering_create(user: User, *, data: OfferingData) -> Offering:
    """Offer a topic; any person may, a junior too (reverse mentoring on demand)."""
    mentor = person_of(user)
    fields = _clean_offering(data)
    with transaction.atomic():
        return Offering.objects.create(mentor=mentor, **fields)


def offering_update(user: User, offering: Offering, *, data: OfferingData) -> Offering:
    if person_of(user).pk != offering.mentor_id:
        raise PermissionRefused(_("Only the mentor who offers this topic can change it."))
    fields = _clean_offering(data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(offering, name, value)
        offering.save(update_fields=[*fields, "updated_at"])
    return offering


def club_settings_update(
    user: User,
    *,
    monthly_limit: int,
    paused: bool,
    auto_accept: bool,
    blocked_dates: list[date] | None = None,
) -> MentorSettings:
    """A mentor's monthly limit, pause switch, auto-accept and away days. A limit below the
    bookings already held this month keeps those bookings and takes no new ones."""
    person = person_of(user)
    if (
        isinstance(monthly_limit, bool)
        or not isinstance(monthly_limit, int)
        or not 1 <= monthly_limit <= 40
    ):
        raise ValidationFailed({"monthly_limit": [_("Give a whole number from 1 to 40.")]})
    with transaction.atomic():
        _lock(person)
        found, _created = MentorSettings.objects.update_or_create(
            person=person,
            defaults={
                "monthly_limit": monthly_limit,
                "paused": bool(paused),
                "auto_accept": bool(auto_accept),
            },
        )
        if blocked_dates is not None:
            today = timezone.localtime(timezone.now(), ZoneInfo(person.timezone)).date()
            BlockedDate.objects.filter(person=person, date__gte=today).exclude(
                date__in=blocked_dates
            ).delete()
            BlockedDate.objects.bulk_create(
                [BlockedDate(person=person, date=day) for day in set(blocked_dates)],
                ignore_conflicts=True,
            )
    return found


# Open hours.


def _weekly(person: Person) -> list[WeeklyRange]:
    return [
        WeeklyRange(w, s, e)
        for w, s, e in AvailabilitySlot.objects.filter(person=person).values_list(
            "weekday", "start_time", "end_time"
        )
    ]


def busy_of(people: list[Person], *, exclude_booking: int | None = None) -> list[tuple]:
    """The times these people are taken: booked sessions (of programmes and the Club) and
    Club requests still waiting for an answer, as mentor or as mentee."""
    ids = [p.pk for p in people]
    busy = list(
        BookedTime.objects.filter(person_id__in=ids, ends_at__gt=timezone.now()).values_list(
            "starts_at", "ends_at"
        )
    )
    waiting = Booking.objects.filter(
        Q(mentor_id__in=ids) | Q(mentee_id__in=ids),
        status=BookingStatus.REQUESTED,
        ends_at__gt=timezone.now(),
    )
    if exclude_booking is not None:
        waiting = waiting.exclude(pk=exclude_booking)
    return busy + list(waiting.values_list("starts_at", "ends_at"))


def _blocked(person: Person, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The mentor's away days in [start, end), as whole days on their own clock."""
    zone = ZoneInfo(person.timezone)
    days = BlockedDate.objects.filter(
        person=person,
        date__gte=(start - timedelta(days=1)).date(),
        date__lte=(end + timedelta(days=1)).date(),
    ).values_list("date", flat=True)
    return [
        (
            datetime.combine(day, time(0), tzinfo=zone),
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
        )
        for day in days
    ]


def open_slots(
    mentor: Person,
    *,
    for_person: Person | None,
    start: datetime,
    end: datetime,
    minutes: int,
    count: int = 200,
    weekly: list[WeeklyRange] | None = None,
) -> list[datetime]:
    """Start times (UTC) in [start, end) when `mentor` offers a session of `minutes`: inside
    their weekly availability, off their away days, clear of their booked sessions and waiting
    requests and, when `for_person` is given, of that person's. Earliest first; shown to the
    reader in their own zone by the caller."""
    start = max(start, timezone.now())
    if end - start < timedelta(minutes=minutes):
        return []
    ranges = _weekly(mentor) if weekly is None else weekly
    if not ranges:
        return []
    people = [mentor] + ([for_person] if for_person is not None else [])
    busy = busy_of(people) + _blocked(mentor, start, end)
    starts = propose_times(
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
    return sorted(starts)


def _is_open_hour(mentor: Person, start: datetime, end: datetime) -> bool:
    free = available_intervals(_weekly(mentor), mentor.timezone, start, end)
    covered = any(i.start <= start and end <= i.end for i in free)
    return covered and not conflicts(start, end, _blocked(mentor, start, end))


def next_free(offering: Offering, *, for_person: Person | None, after: datetime) -> list[datetime]:
    return open_slots(
        offering.mentor,
        for_person=for_person,
        start=after,
        end=after + SLOT_HORIZON,
        minutes=offering.minutes,
        count=NEXT_FREE,
    )


# Packages and credits.


def package_period(now: datetime, months: int) -> tuple[datetime, datetime]:
    """The package period holding `now`: calendar months counted from January of year 0 in the
    server's zone, so a two-month package runs January-February, March-April, ..."""
    local = timezone.localtime(now)
    index = (local.year * 12 + local.month - 1) // months * months
    first = datetime(index // 12, index % 12 + 1, 1, tzinfo=local.tzinfo)
    following = index + months
    last = datetime(following // 12, following % 12 + 1, 1, tzinfo=local.tzinfo)
    return first, last


@dataclass(frozen=True)
class Balance:
    package: Package | None
    allowance: int
    used: int
    period_start: datetime | None
    period_end: datetime | None

    @property
    def left(self) -> int:
        return max(self.allowance - self.used, 0)


def package_of(person: Person) -> Package | None:
    """The person's own package, else their department's, else the default; the largest
    allowance a month where one level holds several."""
    grants = list(
        PackageGrant.objects.filter(
            Q(person=person)
            | Q(person__isnull=True, department=person.department or "\x00never")
            | Q(person__isnull=True, department="")
        ).select_related("package")
    )
    for level in (
        [g for g in grants if g.person_id == person.pk],
        [g for g in grants if g.person_id is None and g.department],
        [g for g in grants if g.person_id is None and not g.department],
    ):
        if level:
            return max(
                (g.package for g in level), key=lambda p: (p.sessions / p.period_months, p.pk)
            )
    return None


def balance(person: Person, *, now: datetime | None = None) -> Balance:
    now = now or timezone.now()
    package = package_of(person)
    if package is None:
        return Balance(None, 0, 0, None, None)
    first, last = package_period(now, package.period_months)
    used = Booking.objects.filter(
        mentee=person, credit_used=True, created_at__gte=first, created_at__lt=last
    ).count()
    return Balance(package, package.sessions, used, first, last)


def package_create(user: User, *, name: str, sessions: int, period_months: int) -> Package:
    require_club_manager(user)
    errors: dict[str, list[str]] = {}
    name = clean_text(name, field="name", errors=errors, required=True, single_line=True)
    if len(name) > 80:
        errors.setdefault("name", []).append(_("Use at most %(n)d characters.") % {"n": 80})
    if isinstance(sessions, bool) or not isinstance(sessions, int) or not 1 <= sessions <= 100:
        errors["sessions"] = [_("Give a whole number from 1 to 100.")]
    if (
        isinstance(period_months, bool)
        or not isinstance(period_months, int)
        or not 1 <= period_months <= 12
    ):
        errors["period_months"] = [_("Give a whole number of months from 1 to 12.")]
    if not errors and Package.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("A package with this name exists already.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return Package.objects.create(name=name, sessions=sessions, period_months=period_months)


def package_grant(
    user: User, package: Package, *, person: Person | None = None, department: str = ""
) -> PackageGrant:
    """Give a package to one person, a department, or (neither given) everyone by default."""
    require_club_manager(user)
    department = (department or "").strip()
    if person is not None and department:
        raise ValidationFailed(
            {"department": [_("Give the package to a person or to a department, not both.")]}
        )
    with transaction.atomic():
        grant, _created = PackageGrant.objects.get_or_create(
            package=package, person=person, department=department
        )
    return grant


# Searches that found nobody.

SEARCH_MERGE_WITHIN = timedelta(minutes=2)


def search_miss_record(
    *, text: str, skill: Skill | None, language: str, filters: dict[str, object]
) -> SearchMiss | None:
    """Remember that a Club search found nobody: what was asked, never who asked. The page
    searches as one types, so a miss whose text grows from (or into) one recorded in the last
    two minutes with the same topic and language replaces it rather than adding another."""
    text = " ".join((text or "").split())[:120]
    if len(text) < 2 and skill is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        recent = SearchMiss.objects.select_for_update().filter(
            skill=skill, language=language or "", searched_at__gte=now - SEARCH_MERGE_WITHIN
        )
        for earlier in recent.order_by("-searched_at")[:20]:
            old, new = earlier.text.lower(), text.lower()
            if old and new and (new.startswith(old) or old.startswith(new)):
                earlier.text = text if len(text) >= len(earlier.text) else earlier.text
                earlier.filters = filters
                earlier.searched_at = now
                earlier.save(update_fields=["text", "filters", "searched_at"])
                return earlier
        return SearchMiss.objects.create(
            text=text, skill=skill, language=language or "", filters=filters, searched_at=now
        )


# Booking.


@dataclass(frozen=True)
class Preparation:
    """The flipped way's preparation: it becomes the session's agenda."""

    learn: str
    questions: str
    research: str = ""
    challenge: str = ""


def _clean_preparation(preparation: Preparation, errors: dict[str, list[str]]) -> Preparation:
    return Preparation(
        learn=clean_text(preparation.learn, field="learn", errors=errors, required=True),
        questions=clean_text(
            preparation.questions, field="questions", errors=errors, required=True
        ),
        research=clean_text(preparation.research, field="research", errors=errors),
        challenge=clean_text(preparation.challenge, field="challenge", errors=errors),
    )


def _month_of(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    local = timezone.localtime(moment, ZoneInfo(zone))
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def places_taken(mentor: Person, *, month_of: datetime) -> int:
    """The mentor's bookings holding a place in the month (on their clock) of `month_of`."""
    first, following = _month_of(month_of, mentor.timezone)
    return Booking.objects.filter(
        mentor=mentor, status__in=HOLDING, starts_at__gte=first, starts_at__lt=following
    ).count()


def booking_create(
    user: User, offering: Offering, *, starts_at: datetime, preparation: Preparation
) -> Booking:
    """Book one session of `offering` from `starts_at`: one credit of the mentee's package,
    one place in the mentor's month, the time of both. Auto-accepting mentors are booked at
    once; the others have 48 hours to answer.

    Checked under both people's row locks; a time that another booking took first is refused
    as `SlotTaken` (409) with the next free times, and nothing is written."""
    mentee = person_of(user)
    errors: dict[str, list[str]] = {}
    preparation = _clean_preparation(preparation, errors)
    if timezone.is_naive(starts_at):
        errors["starts_at"] = [_("A time needs its time zone.")]
    elif starts_at <= timezone.now():
        errors["starts_at"] = [_("Choose a time in the future.")]
    if errors:
        raise ValidationFailed(errors)
    if not offering.admits(mentee):
        if offering.mentor_id == mentee.pk:
            raise PermissionRefused(_("You cannot book your own topic."))
        raise PermissionRefused(_("This topic is offered to other colleagues than you."))
    mentor = offering.mentor
    ends_at = starts_at + timedelta(minutes=offering.minutes)
    if not _is_open_hour(mentor, starts_at, ends_at):
        raise ValidationFailed(
            {"starts_at": [_("This time is outside the mentor's open hours. Choose a free slot.")]}
        )
    with transaction.atomic():
        _lock(mentor, mentee)
        if open_pause(mentee) is not None:
            raise BalikError(
                _(
                    "Your Club booking is paused after two missed sessions in 30 days. Talk "
                    "with your programme manager to take it up again."
                ),
                code="booking_paused",
            )
        current = Offering.objects.filter(pk=offering.pk).first()
        if current is None or not current.active or settings_of(mentor).paused:
            raise BalikError(
                _("This mentor is not taking bookings for this topic now."), code="not_open"
            )
        if conflicts(starts_at, ends_at, busy_of([mentor, mentee])):
            raise SlotTaken(next_free(offering, for_person=mentee, after=starts_at))
        if places_taken(mentor, month_of=starts_at) >= settings_of(mentor).monthly_limit:
            raise BalikError(
                _(
                    "This mentor's sessions for that month are all booked. Choose another month "
                    "or another mentor."
                ),
                code="mentor_full",
            )
        if balance(mentee).left <= 0:
            raise BalikError(
                _("You have no Club sessions left in your package for this period."),
                code="no_credit",
            )
        now = timezone.now()
        booking = Booking(
            offering=offering,
            mentor=mentor,
            mentee=mentee,
            starts_at=starts_at,
            ends_at=ends_at,
            learn=preparation.learn,
            research=preparation.research,
            questions=preparation.questions,
            challenge=preparation.challenge,
            created_at=now,
            expires_at=min(now + ANSWER_WITHIN, starts_at),
        )
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
                if settings_of(mentor).auto_accept:
                    _book_session(booking, now=now)
        except IntegrityError as refused:
            if "no_overlap" not in str(refused):
                raise
            raise SlotTaken(next_free(offering, for_person=mentee, after=starts_at)) from None
        if booking.status == BookingStatus.REQUESTED:
            _tell(mentor, "match_requested", booking, _request_text)
    return booking


def club_mentorship(mentor: Person, mentee: Person) -> Mentorship:
    """The pair's Club mentorship (one per mentor and mentee), created on their first
    booking; called under both people's locks, so two bookings never create two."""
    program = club_program()
    found = Mentorship.objects.filter(
        program=program, mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE
    ).first()
    return found or Mentorship.objects.create(
        program=program, mentor=mentor, mentee=mentee, origin=MentorshipOrigin.REQUESTED
    )


def _book_session(booking: Booking, *, now: datetime) -> Session:
    """Accept the booking: the session, the time it takes, the agenda the preparation
    becomes, and both people's invites."""
    mentorship = club_mentorship(booking.mentor, booking.mentee)
    session = Session.objects.create(
        mentorship=mentorship,
        status=SessionStatus.BOOKED,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        zone=booking.mentee.timezone,
        leader=Side.MENTEE,
        location=str(OfferingFormat(booking.offering.format).label),
        proposed_by=booking.mentee,
        uid=f"{uuid.uuid4()}@balik",
    )
    booked_times_record([session])
    Agenda.objects.create(
        session=session,
        author=booking.mentee,
        topics=booking.offering.title,
        objectives=booking.learn,
        research=booking.research,
        key_questions=booking.questions,
        challenges=booking.challenge,
        submitted_at=now,
    )
    booking.session = session
    booking.status = BookingStatus.ACCEPTED
    booking.answered_at = now
    booking.save(update_fields=["session", "status", "answered_at"])
    for someone in (booking.mentor, booking.mentee):
        write_session_notice(session, "session_booked", someone, invite=True)
    return session


def _locked(booking: Booking) -> Booking:
    """The booking again, under both people's locks and its own row lock."""
    _lock(booking.mentor, booking.mentee)
    fresh = Booking.objects.select_for_update().get(pk=booking.pk)
    fresh.mentor, fresh.mentee, fresh.offering = booking.mentor, booking.mentee, booking.offering
    return fresh


def _waiting(booking: Booking) -> None:
    if booking.status != BookingStatus.REQUESTED:
        raise BalikError(
            _("This booking is no longer waiting for an answer (it is %(status)s).")
            % {"status": booking.get_status_display().lower()},
            code="not_requested",
        )


def booking_accept(user: User, booking: Booking) -> Booking:
    if person_of(user).pk != booking.mentor_id:
        raise PermissionRefused(_("Only the mentor answers a booking request."))
    with transaction.atomic():
        locked = _locked(booking)
        _waiting(locked)
        now = timezone.now()
        if locked.expires_at <= now:
            raise BalikError(_("This request expired before it was answered."), code="expired")
        try:
            with transaction.atomic():
                _book_session(locked, now=now)
        except IntegrityError as refused:
            if "no_overlap" not in str(refused):
                raise
            raise SlotTaken(
                next_free(locked.offering, for_person=locked.mentee, after=locked.starts_at)
            ) from None
    return locked


def booking_decline(user: User, booking: Booking, *, reason: str) -> Booking:
    if person_of(user).pk != booking.mentor_id:
        raise PermissionRefused(_("Only the mentor answers a booking request."))
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, field="reason", errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked(booking)
        _waiting(locked)
        locked.status = BookingStatus.DECLINED
        locked.decline_reason = reason
        locked.answered_at = timezone.now()
        locked.credit_used = False
        locked.save(update_fields=["status", "decline_reason", "answered_at", "credit_used"])
        _tell(locked.mentee, "request_answered", locked, _declined_text)
    return locked


def booking_cancel(user: User, booking: Booking, *, reason: str) -> Booking:
    """Either side cancels. More than 24 hours ahead the mentee's credit comes back; within
    24 hours the cancellation counts as a miss of whoever cancels (a mentor's late
    cancellation still gives the mentee their credit back)."""
    person = person_of(user)
    if person.pk not in (booking.mentor_id, booking.mentee_id):
        raise PermissionRefused(_("Only the mentor and the mentee can cancel this booking."))
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, field="reason", errors=errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status not in HOLDING:
            raise BalikError(
                _("Only a waiting or accepted booking can be cancelled."), code="not_holding"
            )
        now = timezone.now()
        if locked.starts_at <= now:
            raise BalikError(
                _("The session has started; record what happened instead."), code="started"
            )
        late = locked.starts_at - now < FREE_CANCEL_BEFORE
        locked.status = BookingStatus.CANCELLED
        locked.cancelled_by = person
        locked.cancel_reason = reason
        locked.cancelled_at = now
        locked.credit_used = late and person.pk == locked.mentee_id
        locked.save(
            update_fields=["status", "cancelled_by", "cancel_reason", "cancelled_at", "credit_used"]
        )
        if locked.session_id is not None and locked.session.status == SessionStatus.BOOKED:
            session_cancel(user, locked.session, reason=reason)
        else:
            other = locked.mentee if person.pk == locked.mentor_id else locked.mentor
            _tell(other, "request_answered", locked, _cancelled_text)
        if late and locked.answered_at is not None:
            Miss.objects.get_or_create(
                person=person, booking=locked, defaults={"kind": MissKind.LATE_CANCEL, "at": now}
            )
            _pause_if_missed_twice(person, now=now)
    return locked


def booking_extend(user: User, booking: Booking) -> Booking:
    """The mentee gives the mentor 48 more hours to answer, once, while the time is ahead."""
    if person_of(user).pk != booking.mentee_id:
        raise PermissionRefused(_("Only the mentee can extend their request."))
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status not in (BookingStatus.REQUESTED, BookingStatus.EXPIRED):
            raise BalikError(_("Only an unanswered request can be extended."), code="answered")
        if locked.extended:
            raise BalikError(_("A request can be extended once."), code="extended_once")
        now = timezone.now()
        if locked.starts_at <= now + timedelta(hours=1):
            raise BalikError(
                _("The session is too close to wait longer; book another time."), code="too_late"
            )
        if locked.status == BookingStatus.EXPIRED:
            # taken up again: the time, the place in the month and the credit as on booking
            if conflicts(locked.starts_at, locked.ends_at, busy_of([locked.mentor, locked.mentee])):
                raise SlotTaken(
                    next_free(locked.offering, for_person=locked.mentee, after=locked.starts_at)
                )
            if (
                places_taken(locked.mentor, month_of=locked.starts_at)
                >= settings_of(locked.mentor).monthly_limit
            ):
                raise BalikError(
                    _("This mentor's sessions for that month are all booked."), code="mentor_full"
                )
            if balance(locked.mentee).left <= 0:
                raise BalikError(
                    _("You have no Club sessions left in your package for this period."),
                    code="no_credit",
                )
        locked.status = BookingStatus.REQUESTED
        locked.credit_used = True
        locked.extended = True
        locked.expires_at = min(max(locked.expires_at, now) + ANSWER_WITHIN, locked.starts_at)
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "credit_used", "extended", "expires_at"])
        except IntegrityError as refused:
            if "no_overlap" not in str(refused):
                raise
            raise SlotTaken([]) from None
    return locked


def bookings_expire(*, now: datetime | None = None) -> int:
    """Requests unanswered past their time expire: the credit comes back and the mentee hears
    of the next best mentors for the same topic. Run by the worker's sweep."""
    now = now or timezone.now()
    due = list(
        Booking.objects.filter(status=BookingStatus.REQUESTED, expires_at__lte=now)
        .select_related("mentor", "mentee__user", "offering__skill")
        .order_by("pk")[:500]
    )
    expired = 0
    for booking in due:
        with transaction.atomic():
            locked = _locked(booking)
            if locked.status != BookingStatus.REQUESTED or locked.expires_at > now:
                continue
            locked.status = BookingStatus.EXPIRED
            locked.credit_used = False
            locked.save(update_fields=["status", "credit_used"])
            suggestions = suggest_mentors(locked.offering, for_person=locked.mentee)
            _tell(
                locked.mentee,
                "request_answered",
                locked,
                lambda b, _reader, names=suggestions: _expired_text(b, names),
            )
            expired += 1
    return expired


def suggest_mentors(offering: Offering, *, for_person: Person, count: int = 3) -> list[str]:
    """Names of other mentors open for the same topic and this person, the earliest free first."""
    candidates = (
        Offering.objects.open()
        .filter(skill_id=offering.skill_id)
        .exclude(mentor_id__in=[offering.mentor_id, for_person.pk])
        .select_related("mentor")
        .order_by("mentor__full_name")[:20]
    )
    chosen = [o for o in candidates if o.admits(for_person)]
    return list(dict.fromkeys(o.mentor.full_name for o in chosen))[:count]


# Attendance.

ABSENT_OF = {Outcome.MENTOR_ABSENT: "mentor", Outcome.MENTEE_ABSENT: "mentee"}
SESSION_ATTENDANCE = {
    frozenset({Outcome.HELD}): Attendance.HELD,
    frozenset({Outcome.MENTOR_ABSENT}): Attendance.MENTOR_ABSENT,
    frozenset({Outcome.MENTEE_ABSENT}): Attendance.MENTEE_ABSENT,
    frozenset({Outcome.MENTOR_ABSENT, Outcome.MENTEE_ABSENT}): Attendance.BOTH_ABSENT,
}


def attendance_record(user: User, booking: Booking, *, outcome: str) -> Booking:
    """Each side records what happened. A no-show counts as a miss of the absent person when
    the other side records it; two misses in 30 days pause that person's booking."""
    person = person_of(user)
    if person.pk not in (booking.mentor_id, booking.mentee_id):
        raise PermissionRefused(_("Only the mentor and the mentee record attendance."))
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [_("Choose held, or who did not come.")]})
    with transaction.atomic():
        locked = _locked(booking)
        now = timezone.now()
        if locked.status != BookingStatus.ACCEPTED or locked.session_id is None:
            raise BalikError(_("Only an accepted booking has attendance."), code="not_accepted")
        if locked.starts_at > now:
            raise ValidationFailed(
                {"outcome": [_("Record attendance once the session has started.")]}
            )
        AttendanceRecord.objects.update_or_create(
            booking=locked, recorder=person, defaults={"outcome": outcome, "recorded_at": now}
        )
        records = dict(
            AttendanceRecord.objects.filter(booking=locked).values_list("recorder_id", "outcome")
        )
        # what the session shows: agreed outcomes, else the latest record
        outcomes = frozenset(records.values())
        if Outcome.HELD in outcomes and len(outcomes) > 1:
            outcomes = frozenset({outcome})
        session_record_attendance(user, locked.session, attendance=SESSION_ATTENDANCE[outcomes])
        # misses: the absent person as recorded by the other side
        absent: set[int] = set()
        for recorder_id, said in records.items():
            side = ABSENT_OF.get(said)
            if side is None:
                continue
            absent_id = locked.mentor_id if side == "mentor" else locked.mentee_id
            if absent_id != recorder_id:
                absent.add(absent_id)
        Miss.objects.filter(booking=locked, kind=MissKind.NO_SHOW).exclude(
            person_id__in=absent
        ).delete()
        for absent_id in absent:
            _miss, created = Miss.objects.get_or_create(
                person_id=absent_id,
                booking=locked,
                defaults={"kind": MissKind.NO_SHOW, "at": locked.starts_at},
            )
            if created:
                missed = locked.mentor if absent_id == locked.mentor_id else locked.mentee
                _pause_if_missed_twice(missed, now=now)
    return locked


def _pause_if_missed_twice(person: Person, *, now: datetime) -> BookingPause | None:
    if open_pause(person) is not None:
        return None
    recent = Miss.objects.filter(person=person, at__gte=now - MISS_WINDOW).count()
    if recent < MISSES_TO_PAUSE:
        return None
    pause = BookingPause.objects.create(
        person=person,
        started_at=now,
        reason=str(
            _(
                "Two Club sessions were missed or cancelled late within 30 days. Mentors give "
                "their time, so new bookings wait until you have talked with your programme "
                "manager, who can take the pause off."
            )
        ),
    )
    return pause


def booking_pause_lift(user: User, person: Person) -> BookingPause:
    """After the talk: a manager takes a person's booking pause off."""
    require_club_manager(user)
    with transaction.atomic():
        _lock(person)
        pause = open_pause(person)
        if pause is None:
            raise NotFound(_("This person's booking is not paused."))
        pause.lifted_at = timezone.now()
        pause.lifted_by = Person.objects.filter(user=user).first()
        pause.save(update_fields=["lifted_at", "lifted_by"])
    return pause


# Notices (in the outbox, inside the transaction that made the change).


def _when(booking: Booking, person: Person) -> str:
    return moment_in(booking.starts_at, person.timezone)


def _request_text(booking: Booking, reader: Person) -> tuple[str, str]:
    return (
        _("%(name)s asks for a Club session: %(topic)s")
        % {"name": booking.mentee.full_name, "topic": booking.offering.title},
        _("%(when)s. Accept or decline within 48 hours; the preparation is in the request.")
        % {"when": _when(booking, reader)},
    )


def _declined_text(booking: Booking, reader: Person) -> tuple[str, str]:
    return (
        _("Your Club request was declined: %(topic)s") % {"topic": booking.offering.title},
        _("Your credit is back. Choose another time or another mentor."),
    )


def _cancelled_text(booking: Booking, reader: Person) -> tuple[str, str]:
    return (
        _("Club request cancelled: %(topic)s") % {"topic": booking.offering.title},
        _("Reason: %(reason)s") % {"reason": booking.cancel_reason},
    )


def _expired_text(booking: Booking, names: list[str]) -> tuple[str, str]:
    body = str(_("Your credit is back. You can extend the request once, or book another mentor."))
    if names:
        body += " " + _("Also offering this topic: %(names)s.") % {"names": ", ".join(names)}
    return _("Your Club request expired: %(topic)s") % {"topic": booking.offering.title}, body


def _tell(person: Person, kind: str, booking: Booking, text) -> None:
    if person.user_id is None:
        return
    notify(
        person.user,
        kind,
        dedupe_key=f"club:{kind}:{booking.pk}:{booking.status}:{uuid.uuid4().hex[:8]}",
        render=lambda: text(booking, person),
        url="/club/mine/",
    )
