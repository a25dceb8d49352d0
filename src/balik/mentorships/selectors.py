"""Reads that the workspace page, the API and the reminders share."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from balik.accounts.models import User
from balik.mentorships.access import side_of
from balik.mentorships.models import Agenda, Mentorship, Note, Session, Side
from balik.people.models import Person


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


def agenda_state(session: Session, *, agenda: Agenda | None, now: datetime | None = None) -> str:
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


def visible_notes(user: User, mentorship: Mentorship) -> QuerySet[Note]:
    """Shared notes for both people; private notes only for their author; none for managers."""
    side = side_of(user, mentorship)
    if side not in (Side.MENTOR, Side.MENTEE):
        return Note.objects.none()
    return mentorship.notes.filter(Q(private=False) | Q(author__user=user)).select_related("author")
