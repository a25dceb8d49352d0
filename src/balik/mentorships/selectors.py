"""Reads that the workspace page, the API and the reminders share."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.mentorships.access import side_of
from balik.mentorships.models import Agenda, Mentorship, Note, Session, Side
from balik.people.models import Person
from balik.programs.services import can_manage


def visible_mentorship(request: HttpRequest, mentorship_id: int) -> tuple[Mentorship, str]:
    """The mentorship and the viewer's side: "mentor", "mentee" or "manager"; 404 otherwise."""
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user", "declined_by")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        raise Http404(_("There is no such mentorship."))
    if mentorship.mentor.user_id == request.user.pk:
        return mentorship, "mentor"
    if mentorship.mentee.user_id == request.user.pk:
        return mentorship, "mentee"
    if can_manage(request.user, mentorship.program):
        return mentorship, "manager"
    raise PermissionDenied(_("Only the people in this mentorship and its managers can see it."))


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
