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
    def feedback_fields(self) -> list[tuple[str, str, int | None]]:
        """(field, label, my current score) for the feedback form."""
        labels = (
            ("rating", _("Overall")),
            ("usefulness", _("How useful it was")),
            ("preparation", _("How well it was prepared")),
            ("psychological_safety", _("I could speak openly and was heard")),
        )
        return [(name, label, getattr(self.my_feedback, name, None)) for name, label in labels]


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
    }
