"""What the mentorship page shows, read in a fixed number of queries, cut to the viewer's side.

Both people see everything shared; private notes only reach their author; a programme manager
sees dates, attendance, preparation states and goal status, never a note or an agenda's text.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.mentorships.access import partner_of, side_of
from balik.mentorships.agreements import agreement_for
from balik.mentorships.goals import goal_owners
from balik.mentorships.models import (
    ActionItem,
    Goal,
    LearningEntry,
    Mentorship,
    Note,
    Session,
    SessionStatus,
    Side,
)
from balik.mentorships.notices import moment_label
from balik.mentorships.scheduling import propose_times
from balik.mentorships.selectors import agenda_state, deadline_of, visible_notes
from balik.mentorships.sessions import busy_intervals, session_length, weekly_availability

SUGGESTIONS = 5
SUGGESTION_HORIZON = timedelta(days=21)


@dataclass
class SessionView:
    session: Session
    local_start: datetime | None
    state: str
    deadline: datetime | None
    is_leader: bool
    agenda: object | None
    response: object | None
    learning: list[LearningEntry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    options: list = field(default_factory=list)
    my_learning: LearningEntry | None = None
    my_feedback: object | None = None

    @property
    def is_booked(self) -> bool:
        return self.session.status == SessionStatus.BOOKED

    @property
    def is_held(self) -> bool:
        return self.session.status == SessionStatus.HELD


def progress_percent(value: str) -> int | None:
    """A progress value as a percentage: "45%", "45" or a fraction such as "0.3"; None for a
    value in words ("two of three drafts")."""
    text = value.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    if not value.strip().endswith("%") and 0 < number <= 1 and "." in text:
        number *= 100
    return max(0, min(100, round(number)))


def goal_progress(goal: Goal) -> int | None:
    """The latest progress given as a number, from the prefetched updates."""
    for update in reversed(list(goal.updates.all())):
        if update.value:
            return progress_percent(update.value)
    return None


def _local(moment: datetime | None, zone: str) -> datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(zone))


def suggested_times(mentorship: Mentorship, viewer_zone: str) -> list[datetime]:
    """Times both people are free, honouring the cadence and their other sessions."""
    mentor_ranges, mentee_ranges = weekly_availability(mentorship)
    if not mentor_ranges or not mentee_ranges:
        return []
    last = (
        mentorship.sessions.filter(status__in=(SessionStatus.BOOKED, SessionStatus.HELD))
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    agreement = agreement_for(mentorship)
    now = timezone.now()
    times = propose_times(
        mentor_ranges,
        mentorship.mentor.timezone,
        mentee_ranges,
        mentorship.mentee.timezone,
        duration=session_length(mentorship),
        not_before_utc=now + timedelta(hours=mentorship.program.preparation_hours + 2),
        horizon=SUGGESTION_HORIZON,
        busy=busy_intervals([mentorship.mentor, mentorship.mentee]),
        count=SUGGESTIONS,
        cadence=timedelta(days=agreement.cadence_days),
        last_session_utc=last,
    )
    return [_local(moment, viewer_zone) for moment in times]


def workspace(user, mentorship: Mentorship) -> dict:
    side = side_of(user, mentorship)
    member = side in (Side.MENTOR, Side.MENTEE)
    me = None
    if member:
        me = mentorship.mentor if side == Side.MENTOR else mentorship.mentee
    zone = me.timezone if me else mentorship.mentor.timezone
    now = timezone.now()
    # The viewer's own ratings: feedback sits above this app and hangs them on Session, so they
    # are reached through that relation rather than by importing its model.
    session_feedback = Session._meta.get_field("feedback").related_model
    sessions = list(
        mentorship.sessions.select_related("agenda", "response", "proposed_by", "cancelled_by")
        .prefetch_related(
            "options",
            Prefetch("learning", queryset=LearningEntry.objects.select_related("author")),
            Prefetch(
                "feedback",
                queryset=session_feedback.objects.filter(author__user=user),
                to_attr="my_feedback_rows",
            ),
            Prefetch(
                "notes",
                queryset=Note.objects.filter(
                    Q(private=False) | Q(author__user=user)
                ).select_related("author")
                if member
                else Note.objects.none(),
            ),
        )
        .order_by("-starts_at", "-pk")
    )
    views = []
    for session in sessions:
        agenda = getattr(session, "agenda", None) if hasattr(session, "agenda") else None
        response = getattr(session, "response", None) if hasattr(session, "response") else None
        leader = mentorship.mentor if session.leader == Side.MENTOR else mentorship.mentee
        learning = list(session.learning.all())
        views.append(
            SessionView(
                session=session,
                local_start=_local(session.starts_at, zone),
                state=agenda_state(session, agenda=agenda, now=now),
                deadline=_local(deadline_of(session), zone),
                is_leader=me is not None and leader.pk == me.pk,
                agenda=agenda if member else None,
                response=response if member else None,
                learning=learning if member else [],
                notes=list(session.notes.all()) if member else [],
                options=[(o, _local(o.starts_at, zone)) for o in session.options.all()],
                my_learning=next((e for e in learning if me and e.author_id == me.pk), None),
                my_feedback=next(iter(session.my_feedback_rows), None),
            )
        )
    goals = list(
        Goal.objects.filter(mentorship=mentorship)
        .select_related("owner")
        .prefetch_related("updates__author")
    )
    for goal in goals:
        goal.progress = goal_progress(goal)
    actions = list(ActionItem.objects.filter(mentorship=mentorship).select_related("owner"))
    general_notes = (
        list(visible_notes(user, mentorship).filter(session__isnull=True)) if member else []
    )
    log = [{"session": view, "entries": view.learning} for view in views if view.learning]
    upcoming = [
        v
        for v in views
        if v.session.status == SessionStatus.PROPOSED
        or (v.session.status == SessionStatus.BOOKED and v.session.ends_at > now)
    ]
    past = [v for v in views if v not in upcoming]
    reflections = list(mentorship.reflections.select_related("author")) if member else []
    mine = next((r for r in reflections if me and r.author_id == me.pk), None)
    theirs = next((r for r in reflections if me and r.author_id != me.pk), None)
    return {
        "side": side,
        "member": member,
        "me": me,
        "partner": partner_of(mentorship, person=me) if me else None,
        "zone": zone,
        "agreement": agreement_for(mentorship),
        "goals": goals,
        "goal_owners": goal_owners(mentorship),
        "actions": actions,
        "general_notes": general_notes,
        "upcoming": list(reversed(upcoming)),
        "past": past,
        "learning_log": log,
        "flipped": mentorship.program.kind == "flipped",
        "club": mentorship.program.is_club,
        "now": now,
        "my_reflection": mine,
        "partner_reflection": theirs,
        "closes_now": theirs is not None,
        "reflections": reflections,
        "held": [v for v in past if v.is_held],
        "earlier_agendas": [v for v in past if v.session.status != SessionStatus.CANCELLED],
        "to_come": [v for v in upcoming if v.is_booked],
    }


@dataclass
class NextStep:
    """The one thing the reader has to do next on this page, most urgent first."""

    kind: str
    text: str
    anchor: str
    view: SessionView | None = None
    when: datetime | None = None


def next_step(context: dict, mentorship: Mentorship) -> NextStep | None:
    """What the reader does next, most urgent first: answer proposed times, write or answer the
    agenda of the next session (it has a deadline), record what happened at a past session,
    confirm the agreement, give feedback, log the learning, plan the next session. A Club pair
    has no agreement, and books, cancels and records attendance in the Club (its own credits
    and misses), so those steps are not offered here."""
    if not context["member"] or not mentorship.is_active:
        return None
    club = context.get("club", False)
    me = context["me"]
    agreement = context["agreement"]
    upcoming: list[SessionView] = context["upcoming"]
    past: list[SessionView] = context["past"]
    for view in upcoming:
        session = view.session
        if session.status == SessionStatus.PROPOSED and session.proposed_by_id != me.pk:
            return NextStep(
                "choose_time",
                _("%(name)s proposed times for your next session: choose one.")
                % {"name": session.proposed_by.full_name},
                f"session-{session.pk}",
                view,
            )
    booked = [view for view in upcoming if view.is_booked]
    if booked:
        view = booked[0]
        agenda = view.agenda
        submitted = agenda is not None and agenda.submitted_at is not None
        if view.is_leader and not submitted:
            late = view.deadline is not None and view.deadline < context["now"]
            text = (
                _("Your agenda was due %(deadline)s: write it now, %(name)s still reads it.")
                if late
                else _("Write your agenda by %(deadline)s.")
            )
            return NextStep(
                "write_agenda",
                text % {"deadline": _moment(view.deadline), "name": context["partner"].full_name},
                f"agenda-{view.session.pk}",
                view,
                view.deadline,
            )
        if not view.is_leader and submitted and view.response is None:
            return NextStep(
                "answer_agenda",
                _("Answer the agenda %(name)s wrote for the session of %(when)s.")
                % {"name": agenda.author.full_name, "when": _moment(view.local_start)},
                f"agenda-{view.session.pk}",
                view,
            )
    for view in [] if club else past:
        if view.is_booked and view.session.attendance == "":
            return NextStep(
                "attendance",
                _("Record what happened at the session of %(when)s.")
                % {"when": _moment(view.local_start)},
                f"session-{view.session.pk}",
                view,
            )
    mine = (
        agreement.mentor_confirmed_at
        if me.pk == mentorship.mentor_id
        else agreement.mentee_confirmed_at
    )
    if mine is None and not club:
        return NextStep("confirm", _("Read the agreement and confirm it."), "agreement")
    for view in past:
        if view.is_held and view.my_feedback is None and _feedback_open(view):
            return NextStep(
                "feedback",
                _("Give your feedback on the session of %(when)s.")
                % {"when": _moment(view.local_start)},
                f"feedback-{view.session.pk}",
                view,
            )
    for view in past:
        if view.is_held and view.my_learning is None:
            return NextStep(
                "learning",
                _("Write what you taught and learned at the session of %(when)s.")
                % {"when": _moment(view.local_start)},
                f"learning-{view.session.pk}",
                view,
            )
    if booked:
        view = booked[0]
        return NextStep(
            "next_session",
            _("Your next session: %(when)s.") % {"when": _moment(view.local_start)},
            f"session-{view.session.pk}",
            view,
        )
    if any(view.session.status == SessionStatus.PROPOSED for view in upcoming):
        return NextStep(
            "waiting",
            _("You proposed times; %(name)s chooses one.") % {"name": context["partner"].full_name},
            "sessions",
        )
    if club:
        return None
    return NextStep("propose", _("Plan your next session: propose a few times."), "propose")


FEEDBACK_WINDOW = timedelta(days=7)


def _feedback_open(view: SessionView) -> bool:
    ends = view.session.ends_at
    return ends is None or timezone.now() <= ends + FEEDBACK_WINDOW


def _moment(moment: datetime | None) -> str:
    """A time as the page shows it: "Fri 5 Dec 2026, 10:00 WIB" in the viewer's zone."""
    if moment is None:
        return ""
    return moment_label(moment)
