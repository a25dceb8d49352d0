"""Proposing, booking, moving and cancelling sessions without double booking: every booking is
checked and written under both people's row locks, with the database's constraint as the
last check; notices go into the outbox in the same transaction."""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.mentorships.access import clean_text, partner_of, require_active, require_member
from balik.mentorships.agreements import agreement_for
from balik.mentorships.models import (
    Attendance,
    BookedTime,
    Mentorship,
    Session,
    SessionOption,
    SessionStatus,
    Side,
)
from balik.mentorships.notices import write_session_notice
from balik.mentorships.scheduling import WeeklyRange, conflicts, expand_series, propose_times
from balik.people.models import AvailabilitySlot, Person
from balik.programs.models import ProgramKind

MAX_OPTIONS = 5
LIVE_SESSION = (SessionStatus.BOOKED, SessionStatus.PROPOSED)


def session_length(mentorship: Mentorship) -> timedelta:
    return timedelta(minutes=mentorship.program.session_minutes)


def busy_intervals(
    people: list[Person], *, exclude_session: int | None = None
) -> list[tuple[datetime, datetime]]:
    """Booked sessions of these people across all their mentorships (for double-booking)."""
    sessions = Session.objects.filter(status=SessionStatus.BOOKED, starts_at__isnull=False).filter(
        Q(mentorship__mentor__in=people) | Q(mentorship__mentee__in=people)
    )
    if exclude_session is not None:
        sessions = sessions.exclude(pk=exclude_session)
    return list(sessions.values_list("starts_at", "ends_at"))


def weekly_availability(mentorship: Mentorship) -> tuple[list[WeeklyRange], list[WeeklyRange]]:
    """The mentor's and the mentee's weekly availability, each in its owner's zone."""
    slots = list(
        AvailabilitySlot.objects.filter(
            person__in=[mentorship.mentor_id, mentorship.mentee_id]
        ).values_list("person_id", "weekday", "start_time", "end_time")
    )

    def ranges(person_id: int) -> list[WeeklyRange]:
        return [WeeklyRange(w, s, e) for p, w, s, e in slots if p == person_id]

    return ranges(mentorship.mentor_id), ranges(mentorship.mentee_id)


FREE_TIMES = 3
FREE_TIMES_HORIZON = timedelta(days=21)


def next_free_times(
    mentorship: Mentorship, *, after: datetime, count: int = FREE_TIMES
) -> list[datetime]:
    """The next start times after `after` when both people are free for a session: inside
    both people's weekly availability when both have given one (as the page suggests times),
    otherwise whole session lengths after `after`; clear of both people's booked sessions."""
    length = session_length(mentorship)
    busy = busy_intervals([mentorship.mentor, mentorship.mentee])
    not_before = max(after, timezone.now())
    mentor_ranges, mentee_ranges = weekly_availability(mentorship)
    if mentor_ranges and mentee_ranges:
        return propose_times(
            mentor_ranges,
            mentorship.mentor.timezone,
            mentee_ranges,
            mentorship.mentee.timezone,
            duration=length,
            not_before_utc=not_before,
            horizon=FREE_TIMES_HORIZON,
            busy=busy,
            count=count,
        )
    free: list[datetime] = []
    start = after + length
    while len(free) < count and start < not_before + FREE_TIMES_HORIZON:
        if start > not_before and not conflicts(start, start + length, busy):
            free.append(start)
        start += length
    return free


class TimeTaken(BalikError):
    """The time was free when the request came and was booked for one of the two people
    before it could be written: another booking won the race. Carries the next free times."""

    status = 409
    code = "time_taken"

    def __init__(self, next_free_times: list[datetime]):
        super().__init__(
            _(
                "This time was just taken: one of you has just been booked for another "
                "session then. Choose another time."
            )
        )
        self.next_free_times = next_free_times

    def as_dict(self) -> dict[str, object]:
        return {
            **super().as_dict(),
            "next_free_times": [moment.isoformat() for moment in self.next_free_times],
        }


def _lock_people(mentorship: Mentorship) -> None:
    """Lock both people's rows, in the order of their keys, until the transaction ends.

    Every writer that books or moves a time of someone takes these locks before it looks for
    clashes, so two bookings of one person (in any of their mentorships) are checked and
    written one after the other, and the fixed order keeps two such writers from deadlocking.
    `FOR NO KEY UPDATE`: rows that merely point at the person (a note, a goal) need not wait."""
    list(
        Person.objects.select_for_update(no_key=True)
        .filter(pk__in=mentorship.member_ids())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _clashes(mentorship: Mentorship, start: datetime, exclude: int | None = None) -> bool:
    """Whether a session from `start` clashes with a booked session of either person; asked
    under `_lock_people`, where the answer holds until the commit."""
    busy = busy_intervals([mentorship.mentor, mentorship.mentee], exclude_session=exclude)
    return bool(conflicts(start, start + session_length(mentorship), busy))


def _is_overlap_refusal(error: IntegrityError) -> bool:
    """Whether PostgreSQL's exclusion constraint on booked times refused the write."""
    return "booked_time_no_overlap" in str(error)


def _occupy(sessions: list[Session]) -> None:
    """Write the time each of these booked sessions takes from its two people."""
    BookedTime.objects.bulk_create(
        [
            BookedTime(
                person_id=person_id,
                session=session,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
            )
            for session in sessions
            for person_id in session.mentorship.member_ids()
        ],
        batch_size=1000,
    )


def booked_times_record(sessions: Iterable[Session]) -> None:
    """For sessions written as booked without the services (the demo, the benchmarks): the
    times they take, so that the database's last check knows them too."""
    _occupy([s for s in sessions if s.status == SessionStatus.BOOKED and s.starts_at])


def _check_times(
    mentorship: Mentorship, starts: list[datetime], exclude: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    length = session_length(mentorship)
    busy = busy_intervals([mentorship.mentor, mentorship.mentee], exclude_session=exclude)
    if not starts:
        errors["options"] = [_("Propose at least one time.")]
    if len(starts) > MAX_OPTIONS:
        errors["options"] = [_("Propose at most %(n)d times.") % {"n": MAX_OPTIONS}]
    for start in starts:
        if timezone.is_naive(start):
            errors.setdefault("options", []).append(_("A time needs its time zone."))
        elif start <= now:
            errors.setdefault("options", []).append(
                _("%(time)s is in the past.") % {"time": start.isoformat()}
            )
        elif conflicts(start, start + length, busy):
            errors.setdefault("options", []).append(
                _("%(time)s clashes with another booked session of one of you.")
                % {"time": start.isoformat()}
            )
    return errors


MAX_SERIES = 26


def session_propose(
    user: User,
    mentorship: Mentorship,
    *,
    starts: list[datetime],
    leader: str | None = None,
    repeat: int = 1,
) -> Session:
    """Offer up to five times; the other person accepts one or proposes others.

    repeat > 1 proposes a series: accepting books that many sessions, one every agreed cadence,
    at the same local time for the proposer (across daylight-saving changes)."""
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    leader = leader or Side.MENTEE  # the mentee leads unless the pair chooses otherwise
    errors = _check_times(mentorship, starts)
    if leader not in Side.values:
        errors["leader"] = [_("Choose who leads: mentor or mentee.")]
    elif mentorship.program.kind == ProgramKind.FLIPPED and leader != Side.MENTEE:
        errors["leader"] = [_("In flipped mentoring the mentee always leads.")]
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= MAX_SERIES:
        errors["repeat"] = [_("A series has from 1 to %(n)d sessions.") % {"n": MAX_SERIES}]
    if errors:
        raise ValidationFailed(errors)
    agreement = agreement_for(mentorship)
    with transaction.atomic():
        session = Session.objects.create(
            mentorship=mentorship,
            leader=leader,
            proposed_by=person,
            location=agreement.meeting_place,
            zone=person.timezone,
            uid=f"{uuid.uuid4()}@balik",
            repeat=repeat,
            series_key=uuid.uuid4().hex if repeat > 1 else "",
        )
        SessionOption.objects.bulk_create(
            [SessionOption(session=session, starts_at=start) for start in sorted(set(starts))]
        )
        write_session_notice(
            session, "session_proposed", partner_of(mentorship, person=person), invite=False
        )
    return session


def session_counter_propose(user: User, session: Session, *, starts: list[datetime]) -> Session:
    _side, person = require_member(user, session.mentorship)
    require_active(session.mentorship)
    if session.status != SessionStatus.PROPOSED:
        raise BalikError(_("Only a proposed session takes new times."), code="not_proposed")
    errors = _check_times(session.mentorship, starts, exclude=session.pk)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        session.options.all().delete()
        SessionOption.objects.bulk_create(
            [SessionOption(session=session, starts_at=start) for start in sorted(set(starts))]
        )
        session.proposed_by = person
        session.save(update_fields=["proposed_by", "updated_at"])
        write_session_notice(
            session, "session_proposed", partner_of(session.mentorship, person=person), invite=False
        )
    return session


def session_accept_option(user: User, session: Session, *, option_id: int) -> Session:
    """The other side books one of the proposed times.

    A clash already booked when the request comes is refused with `_check_times`' message.
    The booking itself is checked and written under both people's row locks; a time booked
    by a request that won the race (or refused by the database's constraint) is refused as
    `TimeTaken`, with the next free times, and nothing is written."""
    _side, person = require_member(user, session.mentorship)
    mentorship = session.mentorship
    require_active(mentorship)
    if session.proposed_by_id == person.pk:
        raise PermissionRefused(_("The other person accepts the times you proposed."))
    option = session.options.filter(pk=option_id).first()
    if option is None:
        raise ValidationFailed({"option": [_("Choose one of the proposed times.")]})
    if session.status == SessionStatus.PROPOSED:
        errors = _check_times(mentorship, [option.starts_at], exclude=session.pk)
        if errors:
            raise ValidationFailed({"option": errors["options"]})
    with transaction.atomic():
        _lock_people(mentorship)
        locked = Session.objects.select_for_update().get(pk=session.pk)
        locked.mentorship = mentorship
        if locked.status != SessionStatus.PROPOSED:
            raise BalikError(
                _("This session is no longer waiting for an answer."), code="not_proposed"
            )
        option = locked.options.filter(pk=option_id).first()
        if option is None:
            raise ValidationFailed({"option": [_("Choose one of the proposed times.")]})
        if _clashes(mentorship, option.starts_at, exclude=locked.pk):
            raise TimeTaken(next_free_times(mentorship, after=option.starts_at))
        locked.starts_at = option.starts_at
        locked.ends_at = option.starts_at + session_length(mentorship)
        locked.status = SessionStatus.BOOKED
        if locked.repeat > 1:
            locked.occurrence_start = option.starts_at
            locked.series_every_days = agreement_for(mentorship).cadence_days
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "status",
                        "occurrence_start",
                        "series_every_days",
                        "updated_at",
                    ]
                )
                booked = [locked, *_book_rest_of_series(locked)]
                _occupy(booked)
        except IntegrityError as refused:
            if not _is_overlap_refusal(refused):
                raise
            raise TimeTaken(next_free_times(mentorship, after=option.starts_at)) from None
        partner = partner_of(mentorship, person=person)
        # a series is one notice and one recurring invite, not one per date
        for one in booked[:1] if locked.in_series else booked:
            write_session_notice(one, "session_booked", partner, invite=True)
            write_session_notice(one, "session_booked", person, invite=True)
    return locked


def _book_rest_of_series(first: Session) -> list[Session]:
    """The series after its first session: same local time for the proposer, every cadence;
    a date that clashes with another booked session of either person is left out. Called
    under both people's row locks (`session_accept_option`), so the clash check holds."""
    if first.repeat <= 1:
        return []
    cadence = timedelta(days=first.series_every_days)
    local = timezone.localtime(first.starts_at, ZoneInfo(first.zone)).replace(tzinfo=None)
    length = session_length(first.mentorship)
    busy = busy_intervals([first.mentorship.mentor, first.mentorship.mentee])
    created = []
    for start in expand_series(local, first.zone, cadence, first.repeat)[1:]:
        if conflicts(start, start + length, busy):
            continue
        busy.append((start, start + length))
        created.append(
            Session.objects.create(
                mentorship=first.mentorship,
                status=SessionStatus.BOOKED,
                starts_at=start,
                ends_at=start + length,
                zone=first.zone,
                leader=first.leader,
                location=first.location,
                proposed_by=first.proposed_by,
                series_key=first.series_key,
                occurrence_start=start,
                series_every_days=first.series_every_days,
                uid=f"{uuid.uuid4()}@balik",
            )
        )
    return created


def session_reschedule(user: User, session: Session, *, start: datetime, reason: str) -> Session:
    """Move a booked session; checked and written under both people's row locks and the
    session's, like `session_accept_option` (a time taken meanwhile is refused as `TimeTaken`)."""
    _side, person = require_member(user, session.mentorship)
    mentorship = session.mentorship
    require_active(mentorship)
    errors = _check_times(mentorship, [start], exclude=session.pk)
    reason = clean_text(reason, field="reason", errors=errors, required=True)
    not_booked = {"session": [_("Only a booked session can be moved.")]}
    if session.status != SessionStatus.BOOKED:
        errors.update(not_booked)
    if errors:
        raise ValidationFailed({("start" if k == "options" else k): v for k, v in errors.items()})
    with transaction.atomic():
        _lock_people(mentorship)
        session.refresh_from_db(from_queryset=Session.objects.select_for_update())
        if session.status != SessionStatus.BOOKED:
            raise ValidationFailed(not_booked)
        if _clashes(mentorship, start, exclude=session.pk):
            raise TimeTaken(next_free_times(mentorship, after=start))
        session.starts_at = start
        session.ends_at = start + session_length(mentorship)
        session.sequence += 1
        session.cancel_reason = reason
        try:
            with transaction.atomic():
                session.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "sequence",
                        "cancel_reason",
                        "updated_at",
                    ]
                )
                BookedTime.objects.filter(session=session).delete()
                _occupy([session])
        except IntegrityError as refused:
            if not _is_overlap_refusal(refused):
                raise
            session.refresh_from_db()  # the caller's copy as stored: nothing was moved
            raise TimeTaken(next_free_times(mentorship, after=start)) from None
        for someone in (person, partner_of(mentorship, person=person)):
            write_session_notice(session, "session_changed", someone, invite=True)
    return session


def session_cancel(user: User, session: Session, *, reason: str) -> Session:
    _side, person = require_member(user, session.mentorship)
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, field="reason", errors=errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        session.refresh_from_db(from_queryset=Session.objects.select_for_update())
        if session.status not in LIVE_SESSION:
            raise ValidationFailed(
                {
                    "session": [
                        _("This session is already %(status)s.")
                        % {"status": session.get_status_display()}
                    ]
                }
            )
        was_booked = session.status == SessionStatus.BOOKED
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.cancelled_by = person
        session.sequence += 1
        session.save(
            update_fields=["status", "cancel_reason", "cancelled_by", "sequence", "updated_at"]
        )
        BookedTime.objects.filter(session=session).delete()
        for someone in (person, partner_of(session.mentorship, person=person)):
            write_session_notice(session, "session_cancelled", someone, invite=was_booked)
    return session


def session_record_attendance(user: User, session: Session, *, attendance: str) -> Session:
    require_member(user, session.mentorship)
    if attendance not in {a for a in Attendance.values if a}:
        raise ValidationFailed({"attendance": [_("Choose held or who did not come.")]})
    with transaction.atomic():
        session.refresh_from_db(from_queryset=Session.objects.select_for_update())
        if (
            session.status not in (SessionStatus.BOOKED, SessionStatus.HELD)
            or session.starts_at is None
        ):
            raise BalikError(
                _("Only a booked session can have its attendance recorded."), code="not_booked"
            )
        if session.starts_at > timezone.now():
            raise ValidationFailed(
                {"attendance": [_("Record attendance once the session has started.")]}
            )
        was_booked = session.status == SessionStatus.BOOKED
        session.attendance = attendance
        session.status = (
            SessionStatus.HELD if attendance == Attendance.HELD else SessionStatus.BOOKED
        )
        session.save(update_fields=["attendance", "status", "updated_at"])
        if was_booked and session.status == SessionStatus.HELD:
            BookedTime.objects.filter(session=session).delete()
        elif not was_booked and session.status == SessionStatus.BOOKED:
            # Booked again (a no-show recorded after "held"): the session has started, so
            # only its last minutes are still to come; a time booked into them meanwhile
            # keeps its place (ON CONFLICT DO NOTHING) rather than refusing the attendance.
            BookedTime.objects.bulk_create(
                [
                    BookedTime(
                        person_id=person_id,
                        session=session,
                        starts_at=session.starts_at,
                        ends_at=session.ends_at,
                    )
                    for person_id in session.mentorship.member_ids()
                ],
                ignore_conflicts=True,
            )
    return session
