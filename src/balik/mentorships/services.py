"""The mentorship workspace's rules: who sees what, the agreement, goals, scheduling without
double booking, the leading side's agenda and its deadline, notes, actions, the two-way
learning log, and closing.

Each writer checks the actor's side first (`side_of`), validates every field, then writes in
one transaction; notices go out after the commit.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem, single_line_problem
from balik.mentorships.models import (
    ActionItem,
    Agenda,
    AgendaResponse,
    Agreement,
    Attendance,
    BookedTime,
    Goal,
    GoalStatus,
    GoalUpdate,
    LearningEntry,
    MeetingFormat,
    Mentorship,
    MentorshipStatus,
    Note,
    Reflection,
    Session,
    SessionOption,
    SessionStatus,
    Side,
)
from balik.mentorships.notices import write_session_notice
from balik.mentorships.scheduling import WeeklyRange, conflicts, expand_series, propose_times
from balik.mentorships.signals import deleted_on_its_own, sessions_changed
from balik.people.models import AvailabilitySlot, Person
from balik.programs.models import ProgramKind
from balik.programs.services import can_manage

MANAGER = "manager"
MAX_OPTIONS = 5
MAX_TEXT = 5000


# --- who is who ----------------------------------------------------------------------------


def person_of(user: User) -> Person | None:
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


def side_of(user: User, mentorship: Mentorship) -> str | None:
    """ "mentor", "mentee", "manager" (sees dates and states, never texts) or None."""
    if user.is_authenticated:
        if mentorship.mentor.user_id == user.pk:
            return Side.MENTOR
        if mentorship.mentee.user_id == user.pk:
            return Side.MENTEE
        if can_manage(user, mentorship.program):
            return MANAGER
    return None


def require_member(user: User, mentorship: Mentorship) -> tuple[str, Person]:
    side = side_of(user, mentorship)
    if side not in (Side.MENTOR, Side.MENTEE):
        raise PermissionRefused(_("Only the two people in this mentorship can do that."))
    person = mentorship.mentor if side == Side.MENTOR else mentorship.mentee
    return side, person


def require_active(mentorship: Mentorship) -> None:
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise BalikError(_("This mentorship is no longer active."), code="not_active")


def partner_of(mentorship: Mentorship, person: Person) -> Person:
    return mentorship.mentee if person.pk == mentorship.mentor_id else mentorship.mentor


def _text(
    errors: dict[str, list[str]],
    field: str,
    value: Any,
    *,
    required: bool = False,
    single_line: bool = False,
) -> str:
    """The trimmed text; its problems added to `errors`. A single-line field (a title, a place)
    holds no control character; a long text keeps its line breaks (see `balik.core.text`)."""
    text = (value or "").strip() if isinstance(value, str | type(None)) else str(value)
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    if len(text) > MAX_TEXT:
        errors.setdefault(field, []).append(_("Use at most %(n)d characters.") % {"n": MAX_TEXT})
    problem = single_line_problem(text) if single_line else long_text_problem(text)
    if problem:
        errors.setdefault(field, []).append(problem)
    return text


# --- the agreement -------------------------------------------------------------------------


def default_ground_rules(mentorship: Mentorship) -> str:
    kind = mentorship.program.kind
    if kind == ProgramKind.REVERSE:
        return _(
            "The junior colleague speaks freely and the senior listens first. What is said here "
            "stays here. We both teach and both learn."
        )
    if kind == ProgramKind.FLIPPED:
        return _(
            "The mentee leads every session and submits the agenda before the deadline. The "
            "mentor facilitates and does not take over. What is said here stays here."
        )
    if kind == ProgramKind.PEER:
        return _("We take turns to lead. What is said here stays here.")
    return _("We come prepared, keep our appointments, and what is said here stays here.")


def _agreement_defaults(mentorship: Mentorship) -> dict[str, Any]:
    program = mentorship.program
    return {
        "cadence_days": program.cadence_days,
        "format": (
            program.format_preference
            if program.format_preference in MeetingFormat.values
            else MeetingFormat.CASUAL
        ),
        "ground_rules": default_ground_rules(mentorship),
        "confidentiality": _(
            "What we share stays between us unless we both agree otherwise. The programme "
            "manager sees dates, attendance and goal status, never our notes."
        ),
    }


def copy_agenda_times(sessions: QuerySet[Session]) -> int:
    """Copy each session's agenda submission time onto the session (None without one)."""
    submitted = Agenda.objects.filter(session=OuterRef("pk")).values("submitted_at")[:1]
    return sessions.update(agenda_submitted_at=Subquery(submitted))


def agenda_changed(sender, instance: Agenda, **kwargs) -> None:
    sessions = Session.objects.filter(pk=instance.session_id)
    copy_agenda_times(sessions)
    if "origin" not in kwargs or deleted_on_its_own(kwargs["origin"]):
        sessions_changed.send(
            sender=Agenda, mentorship_ids=list(sessions.values_list("mentorship_id", flat=True))
        )


def start_agreements(mentorships: Iterable[Mentorship]) -> None:
    """Draft each new pair's agreement from the programme's settings when the pair is made, so
    that opening the mentorship page only reads."""
    Agreement.objects.bulk_create(
        [Agreement(mentorship=m, **_agreement_defaults(m)) for m in mentorships],
        ignore_conflicts=True,
    )


def agreement_for(mentorship: Mentorship) -> Agreement:
    """The pair's agreement; drafted here for a pair made some other way (the admin, a test)."""
    agreement, _created = Agreement.objects.get_or_create(
        mentorship=mentorship, defaults=_agreement_defaults(mentorship)
    )
    return agreement


AGREEMENT_FIELDS = (
    "goals",
    "mentor_expectations",
    "mentee_expectations",
    "cadence_days",
    "format",
    "meeting_place",
    "confidentiality",
    "ground_rules",
)


def update_agreement(user: User, mentorship: Mentorship, **changes: Any) -> Agreement:
    """Change the agreement; the other side must confirm it again."""
    side, _person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "cadence_days":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 90:
                errors[name] = [_("Give a whole number of days from 1 to 90.")]
            clean[name] = value
        elif name == "format":
            if value not in MeetingFormat.values:
                errors[name] = [_("Choose formal or casual.")]
            clean[name] = value
        elif name == "meeting_place":
            text = _text(errors, name, value, single_line=True)
            if len(text) > 300:
                errors[name] = [_("Use at most 300 characters.")]
            clean[name] = text
        else:
            clean[name] = _text(errors, name, value)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        agreement = _locked_agreement(mentorship)
        for name, value in clean.items():
            setattr(agreement, name, value)
        now = timezone.now()
        if side == Side.MENTOR:
            agreement.mentor_confirmed_at, agreement.mentee_confirmed_at = now, None
        else:
            agreement.mentee_confirmed_at, agreement.mentor_confirmed_at = now, None
        agreement.save()
    return agreement


def confirm_agreement(user: User, mentorship: Mentorship) -> Agreement:
    """One side's confirmation, written alone: a change the other side saves at the same
    moment is not overwritten with the values read before it."""
    side, _person = require_member(user, mentorship)
    require_active(mentorship)
    confirmed = "mentor_confirmed_at" if side == Side.MENTOR else "mentee_confirmed_at"
    with transaction.atomic():
        agreement = _locked_agreement(mentorship)
        setattr(agreement, confirmed, timezone.now())
        agreement.save(update_fields=[confirmed, "updated_at"])
    return agreement


def _locked_agreement(mentorship: Mentorship) -> Agreement:
    """The pair's agreement, locked until the transaction ends: its two people may save or
    confirm it at the same moment."""
    return Agreement.objects.select_for_update().get(pk=agreement_for(mentorship).pk)


# --- goals --------------------------------------------------------------------------------


def goal_owners(mentorship: Mentorship) -> list[Person]:
    """Flipped and classic: the mentee owns the goals; reverse and peer: both people do."""
    if mentorship.program.kind in (ProgramKind.REVERSE, ProgramKind.PEER):
        return [mentorship.mentor, mentorship.mentee]
    return [mentorship.mentee]


def add_goal(
    user: User,
    mentorship: Mentorship,
    *,
    title: str,
    measure: str,
    target: str,
    due_date: date | None,
    owner_id: int | None = None,
) -> Goal:
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, required=True, single_line=True)
    measure = _text(errors, "measure", measure, required=True, single_line=True)
    target = _text(errors, "target", target, required=True, single_line=True)
    for name, value, limit in (
        ("title", title, 200),
        ("measure", measure, 300),
        ("target", target, 200),
    ):
        if len(value) > limit:
            errors[name] = [_("Use at most %(n)d characters.") % {"n": limit}]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    elif due_date < timezone.localdate():
        errors["due_date"] = [_("The due date is in the past.")]
    owners = {p.pk: p for p in goal_owners(mentorship)}
    owner = owners.get(owner_id or person.pk) or (
        next(iter(owners.values())) if owner_id is None else None
    )
    if owner is None:
        errors["owner"] = [
            _("In this programme the goal belongs to: %(names)s.")
            % {"names": ", ".join(p.full_name for p in owners.values())}
        ]
    if errors:
        raise ValidationFailed(errors)
    return Goal.objects.create(
        mentorship=mentorship,
        title=title,
        measure=measure,
        target=target,
        due_date=due_date,
        owner=owner,
    )


def update_goal(user: User, goal: Goal, *, value: str, note: str, status: str) -> GoalUpdate:
    _side, person = require_member(user, goal.mentorship)
    require_active(goal.mentorship)
    errors: dict[str, list[str]] = {}
    value = _text(errors, "value", value, single_line=True)
    note = _text(errors, "note", note)
    if len(value) > 200:
        errors["value"] = [_("Use at most 200 characters.")]
    if status not in GoalStatus.values:
        errors["status"] = [_("Choose on track, at risk, done or dropped.")]
    if not value and not note and status == goal.status:
        errors["note"] = [_("Give the progress, a note, or a new status.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        update = GoalUpdate.objects.create(
            goal=goal, author=person, value=value, note=note, status=status
        )
        goal.status = status
        goal.save(update_fields=["status"])
    return update


# --- sessions and scheduling ----------------------------------------------------------------

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


def record_booked_times(sessions: Iterable[Session]) -> None:
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


def propose_session(
    user: User,
    mentorship: Mentorship,
    starts: list[datetime],
    *,
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
        _write_notice(session, "session_proposed", partner_of(mentorship, person))
    return session


def counter_propose(user: User, session: Session, starts: list[datetime]) -> Session:
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
        _write_notice(session, "session_proposed", partner_of(session.mentorship, person))
    return session


def accept_option(user: User, session: Session, option_id: int) -> Session:
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
        partner = partner_of(mentorship, person)
        # a series is one notice and one recurring invite, not one per date
        for one in booked[:1] if locked.in_series else booked:
            _write_notice(one, "session_booked", partner, invite=True)
            _write_notice(one, "session_booked", person, invite=True)
    return locked


def _book_rest_of_series(first: Session) -> list[Session]:
    """The series after its first session: same local time for the proposer, every cadence;
    a date that clashes with another booked session of either person is left out. Called
    under both people's row locks (`accept_option`), so the clash check holds."""
    from zoneinfo import ZoneInfo

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


def reschedule(user: User, session: Session, start: datetime, reason: str) -> Session:
    """Move a booked session; checked and written under both people's row locks and the
    session's, like `accept_option` (a time taken meanwhile is refused as `TimeTaken`)."""
    _side, person = require_member(user, session.mentorship)
    mentorship = session.mentorship
    require_active(mentorship)
    errors = _check_times(mentorship, [start], exclude=session.pk)
    reason = _text(errors, "reason", reason, required=True)
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
        for someone in (person, partner_of(mentorship, person)):
            _write_notice(session, "session_changed", someone, invite=True)
    return session


def cancel(user: User, session: Session, reason: str) -> Session:
    _side, person = require_member(user, session.mentorship)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=True)
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
        for someone in (person, partner_of(session.mentorship, person)):
            _write_notice(session, "session_cancelled", someone, invite=was_booked)
    return session


def record_attendance(user: User, session: Session, attendance: str) -> Session:
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


# --- preparation: the agenda and its deadline ---------------------------------------------


class AgendaState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


def deadline_of(session: Session) -> datetime | None:
    if session.starts_at is None:
        return None
    return session.starts_at - timedelta(hours=session.mentorship.program.preparation_hours)


def agenda_state(session: Session, agenda: Agenda | None, now: datetime | None = None) -> str:
    """not started, draft, submitted on time, submitted late, or missing (deadline passed)."""
    now = now or timezone.now()
    deadline = deadline_of(session)
    if agenda is not None and agenda.submitted_at is not None:
        if deadline is None or agenda.submitted_at <= deadline:
            return AgendaState.ON_TIME
        return AgendaState.LATE
    if deadline is not None and now > deadline:
        return AgendaState.MISSING
    return AgendaState.DRAFT if agenda is not None else AgendaState.NOT_STARTED


def leader_person(session: Session) -> Person:
    mentorship = session.mentorship
    return mentorship.mentor if session.leader == Side.MENTOR else mentorship.mentee


AGENDA_FIELDS = ("topics", "research", "key_questions", "challenges", "objectives")


def save_agenda(user: User, session: Session, *, submit: bool = False, **fields: str) -> Agenda:
    """The leading side writes the agenda; submitting sends it to the other side."""
    _side, person = require_member(user, session.mentorship)
    require_active(session.mentorship)
    if person.pk != leader_person(session).pk:
        raise PermissionRefused(_("The leading side writes the agenda; you answer it."))
    if session.status not in LIVE_SESSION:
        raise BalikError(
            _("This session is %(status)s.") % {"status": session.get_status_display()},
            code="closed",
        )
    errors: dict[str, list[str]] = {}
    clean = {name: _text(errors, name, fields.get(name, "")) for name in AGENDA_FIELDS}
    unknown = set(fields) - set(AGENDA_FIELDS)
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    if submit:
        for name in ("topics", "key_questions", "objectives"):
            if not clean[name]:
                errors.setdefault(name, []).append(_("Fill this in before submitting."))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        agenda, _created = Agenda.objects.select_for_update().get_or_create(
            session=session, defaults={"author": person}
        )
        for name, value in clean.items():
            setattr(agenda, name, value)
        first_submit = submit and agenda.submitted_at is None
        if first_submit:
            agenda.submitted_at = timezone.now()
        agenda.save()
        if first_submit:
            _write_notice(session, "agenda_submitted", partner_of(session.mentorship, person))
    return agenda


def answer_agenda(user: User, session: Session, **fields: str) -> AgendaResponse:
    """The facilitating side answers: perspective, resources, follow-up questions."""
    _side, person = require_member(user, session.mentorship)
    require_active(session.mentorship)
    if person.pk == leader_person(session).pk:
        raise PermissionRefused(_("The facilitating side answers the agenda."))
    errors: dict[str, list[str]] = {}
    clean = {
        name: _text(errors, name, fields.get(name, ""))
        for name in ("perspective", "resources", "follow_up_questions")
    }
    if not any(clean.values()):
        errors["perspective"] = [_("Write at least one of perspective, resources or questions.")]
    if errors:
        raise ValidationFailed(errors)
    response, _created = AgendaResponse.objects.update_or_create(
        session=session, defaults={"author": person, **clean}
    )
    return response


# --- notes, actions, learning log ---------------------------------------------------------


def add_note(
    user: User, mentorship: Mentorship, body: str, *, private: bool, session: Session | None = None
) -> Note:
    _side, person = require_member(user, mentorship)
    errors: dict[str, list[str]] = {}
    body = _text(errors, "body", body, required=True)
    if session is not None and session.mentorship_id != mentorship.pk:
        errors["session"] = [_("That session belongs to another mentorship.")]
    if errors:
        raise ValidationFailed(errors)
    return Note.objects.create(
        mentorship=mentorship, session=session, author=person, body=body, private=private
    )


def visible_notes(user: User, mentorship: Mentorship) -> QuerySet[Note]:
    """Shared notes for both people; private notes only for their author; none for managers."""
    side = side_of(user, mentorship)
    if side not in (Side.MENTOR, Side.MENTEE):
        return Note.objects.none()
    return mentorship.notes.filter(Q(private=False) | Q(author__user=user)).select_related("author")


def add_action(
    user: User,
    mentorship: Mentorship,
    *,
    title: str,
    owner_id: int | None,
    due_date: date | None,
    session: Session | None = None,
) -> ActionItem:
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, required=True, single_line=True)
    if len(title) > 200:
        errors["title"] = [_("Use at most 200 characters.")]
    owner = {mentorship.mentor_id: mentorship.mentor, mentorship.mentee_id: mentorship.mentee}.get(
        owner_id or person.pk
    )
    if owner is None:
        errors["owner"] = [_("The owner is one of the two of you.")]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if errors:
        raise ValidationFailed(errors)
    return ActionItem.objects.create(
        mentorship=mentorship, session=session, title=title, owner=owner, due_date=due_date
    )


def complete_action(user: User, item: ActionItem, done: bool = True) -> ActionItem:
    require_member(user, item.mentorship)
    require_active(item.mentorship)
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


def record_learning(user: User, session: Session, *, taught: str, learned: str) -> LearningEntry:
    """What I taught and what I learned in this session: the two-way log."""
    _side, person = require_member(user, session.mentorship)
    errors: dict[str, list[str]] = {}
    taught = _text(errors, "taught", taught)
    learned = _text(errors, "learned", learned)
    if not taught and not learned:
        errors["learned"] = [_("Write what you taught, what you learned, or both.")]
    if session.starts_at is None or session.starts_at > timezone.now():
        errors["session"] = [_("Record the learning once the session has taken place.")]
    if session.status == SessionStatus.CANCELLED:
        errors["session"] = [_("This session was cancelled.")]
    if errors:
        raise ValidationFailed(errors)
    entry, _created = LearningEntry.objects.update_or_create(
        session=session, author=person, defaults={"taught": taught, "learned": learned}
    )
    return entry


# --- closing -------------------------------------------------------------------------------


def reflect_and_close(
    user: User, mentorship: Mentorship, *, reflection: str, goals_outcome: str, match_again: bool
) -> Reflection:
    """Each person's final reflection; when both have written one the mentorship closes."""
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    reflection = _text(errors, "reflection", reflection, required=True)
    goals_outcome = _text(errors, "goals_outcome", goals_outcome)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        entry, _created = Reflection.objects.update_or_create(
            mentorship=mentorship,
            author=person,
            defaults={
                "reflection": reflection,
                "goals_outcome": goals_outcome,
                "match_again": match_again,
            },
        )
        if mentorship.reflections.count() == 2:
            mentorship.status = MentorshipStatus.CLOSED
            mentorship.ended_at = timezone.now()
            mentorship.save(update_fields=["status", "ended_at"])
            end_sessions(mentorship, _("The mentorship has closed."))
    return entry


def end_sessions(mentorship: Mentorship, reason: str) -> list[Session]:
    """Cancel what the pair had planned when their mentorship ends: proposals, and booked
    sessions that have not started, which leave both calendars through the cancelled invite.
    Sessions that have started stay, for attendance, feedback and the learning log."""
    ending = list(
        mentorship.sessions.filter(
            Q(status=SessionStatus.PROPOSED)
            | Q(status=SessionStatus.BOOKED, starts_at__gt=timezone.now())
        )
    )
    BookedTime.objects.filter(session__in=ending).delete()
    for session in ending:
        was_booked = session.status == SessionStatus.BOOKED
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        if was_booked:
            for someone in (mentorship.mentor, mentorship.mentee):
                _write_notice(session, "session_cancelled", someone, invite=True)
    return ending


# --- notices -------------------------------------------------------------------------------


def _write_notice(session: Session, kind: str, person: Person, *, invite: bool = False) -> None:
    """Write the notice (and its invite) into the outbox, in the caller's transaction: the change
    and its notice are kept together, or neither; the worker e-mails it."""
    write_session_notice(session, kind, person, invite=invite)
