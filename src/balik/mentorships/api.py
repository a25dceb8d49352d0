"""The workspace over REST, under /api/v1/mentorships: the same services and the same
refusals as the page (a manager reads dates and states, never notes or agenda text)."""

import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from balik.core.errors import NotFound, PermissionRefused, ValidationFailed
from balik.core.schemas import MAX_ID, BodyIn, Date, DateTime, ObjectId, answers
from balik.mentorships import hooks
from balik.mentorships.access import person_of, side_of
from balik.mentorships.agendas import AGENDA_FIELDS, agenda_save
from balik.mentorships.goals import goal_add as add_goal_to
from balik.mentorships.models import Mentorship, Session
from balik.mentorships.notes import learning_record
from balik.mentorships.notes import note_add as add_note_to
from balik.mentorships.notices import invite_bytes
from balik.mentorships.selectors import agenda_state, visible_notes
from balik.mentorships.sessions import session_accept_option, session_propose, session_reschedule
from balik.mentorships.sessions import session_cancel as cancel_session

router = Router(tags=["mentorships"])


class MentorshipOut(Schema):
    id: int
    program: str
    kind: str
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    status: str
    your_side: str


class SessionOut(Schema):
    id: int
    status: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    leader: str
    sequence: int
    attendance: str
    agenda_state: str
    options: list[datetime.datetime]
    agenda: dict | None = Field(None, description="Only for the two people of the pair.")


class GoalOut(Schema):
    id: int
    title: str
    measure: str | None
    target: str | None
    due_date: Date
    owner_id: int
    status: str


class ProposeIn(BodyIn):
    starts: list[DateTime] = Field(min_length=1, max_length=5)
    leader: Literal["mentor", "mentee"] | None = None
    repeat: int = Field(1, ge=1, le=26, description="Book a series: one every agreed cadence.")


class AcceptIn(BodyIn):
    option_starts_at: DateTime


class ReasonIn(BodyIn):
    reason: str = Field(min_length=1, max_length=1000)


class MoveIn(ReasonIn):
    starts_at: DateTime


class AgendaIn(BodyIn):
    topics: str = ""
    research: str = ""
    key_questions: str = ""
    challenges: str = ""
    objectives: str = ""
    submit: bool = False


class NoteIn(BodyIn):
    body: str = Field(min_length=1, max_length=5000)
    private: bool = False
    session_id: int | None = Field(None, ge=1, le=MAX_ID)


class NoteOut(Schema):
    id: int
    author_id: int
    body: str
    private: bool
    created_at: datetime.datetime


class LearningIn(BodyIn):
    taught: str = ""
    learned: str = ""


class GoalIn(BodyIn):
    title: str
    measure: str
    target: str
    due_date: Date
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)


def _mentorship(request: HttpRequest, mentorship_id: int) -> tuple[Mentorship, str]:
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=mentorship_id)
        .first()
    )
    side = side_of(request.user, mentorship) if mentorship else None
    if side is None:
        raise NotFound(_("There is no such mentorship."))
    return mentorship, side


def _session(mentorship: Mentorship, session_id: int) -> Session:
    session = mentorship.sessions.select_related("agenda").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("There is no such session in this mentorship."))
    return session


def _session_out(session: Session, member: bool) -> dict:
    agenda = getattr(session, "agenda", None) if hasattr(session, "agenda") else None
    return {
        "id": session.pk,
        "status": session.status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "leader": session.leader,
        "sequence": session.sequence,
        "attendance": session.attendance,
        "agenda_state": agenda_state(session, agenda=agenda),
        "options": [o.starts_at for o in session.options.all()],
        "agenda": (
            {name: getattr(agenda, name) for name in AGENDA_FIELDS}
            | {"submitted_at": agenda.submitted_at}
            if member and agenda is not None
            else None
        ),
    }


def _out(mentorship: Mentorship, side: str) -> dict:
    return {
        "id": mentorship.pk,
        "program": mentorship.program.slug,
        "kind": mentorship.program.kind,
        "mentor_id": mentorship.mentor_id,
        "mentor": mentorship.mentor.full_name,
        "mentee_id": mentorship.mentee_id,
        "mentee": mentorship.mentee.full_name,
        "status": mentorship.status,
        "your_side": side,
    }


@router.get("", response=answers({200: list[MentorshipOut]}), summary="Your mentorships")
def list_mentorships(request: HttpRequest) -> list[dict]:
    person = person_of(request.user)
    if person is None:
        return []
    mentorships = Mentorship.objects.filter(mentor=person) | Mentorship.objects.filter(
        mentee=person
    )
    return [
        _out(m, "mentor" if m.mentor_id == person.pk else "mentee")
        for m in mentorships.select_related("program", "mentor", "mentee").order_by("-created_at")
    ]


@router.get(
    "/{mentorship_id}", response=answers({200: MentorshipOut}, 404, 422), summary="One mentorship"
)
def get_mentorship(request: HttpRequest, mentorship_id: ObjectId) -> dict:
    mentorship, side = _mentorship(request, mentorship_id)
    return _out(mentorship, side)


@router.get(
    "/{mentorship_id}/sessions",
    response=answers({200: list[SessionOut]}, 404, 422),
    summary="Its sessions",
)
def list_sessions(request: HttpRequest, mentorship_id: ObjectId) -> list[dict]:
    mentorship, side = _mentorship(request, mentorship_id)
    member = side in ("mentor", "mentee")
    sessions = mentorship.sessions.select_related("agenda").prefetch_related("options")
    return [_session_out(s, member) for s in sessions.order_by("starts_at", "pk")]


@router.post(
    "/{mentorship_id}/sessions",
    response=answers({201: SessionOut}, 403, 404, 409, 422),
    summary="Propose times",
)
def propose(request: HttpRequest, mentorship_id: ObjectId, payload: ProposeIn) -> Status:
    mentorship, _side = _mentorship(request, mentorship_id)
    hooks.check_session_write(mentorship, None, "propose")
    session = session_propose(
        request.user,
        mentorship,
        starts=payload.starts,
        leader=payload.leader,
        repeat=payload.repeat,
    )
    return Status(201, _session_out(session, True))


@router.post(
    "/{mentorship_id}/sessions/{session_id}/accept",
    response=answers({200: SessionOut}, 403, 404, 409, 422),
    summary="Book one proposed time",
)
def accept(
    request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId, payload: AcceptIn
) -> dict:
    mentorship, _side = _mentorship(request, mentorship_id)
    session = _session(mentorship, session_id)
    hooks.check_session_write(mentorship, session, "accept")
    option = session.options.filter(starts_at=payload.option_starts_at).first()
    if option is None:
        raise ValidationFailed({"option_starts_at": [_("Choose one of the proposed times.")]})
    return _session_out(session_accept_option(request.user, session, option_id=option.pk), True)


@router.post(
    "/{mentorship_id}/sessions/{session_id}/move",
    response=answers({200: SessionOut}, 403, 404, 409, 422),
    summary="Reschedule",
)
def move(
    request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId, payload: MoveIn
) -> dict:
    mentorship, _side = _mentorship(request, mentorship_id)
    session = _session(mentorship, session_id)
    hooks.check_session_write(mentorship, session, "move")
    session = session_reschedule(
        request.user,
        session,
        start=payload.starts_at,
        reason=payload.reason,
    )
    return _session_out(session, True)


@router.post(
    "/{mentorship_id}/sessions/{session_id}/cancel",
    response=answers({200: SessionOut}, 403, 404, 409, 422),
    summary="Cancel",
)
def cancel(
    request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId, payload: ReasonIn
) -> dict:
    mentorship, _side = _mentorship(request, mentorship_id)
    session = _session(mentorship, session_id)
    hooks.check_session_write(mentorship, session, "cancel")
    session = cancel_session(request.user, session, reason=payload.reason)
    return _session_out(session, True)


@router.put(
    "/{mentorship_id}/sessions/{session_id}/agenda",
    response=answers({200: SessionOut}, 403, 404, 409, 422),
    summary="Write or submit the agenda",
)
def agenda(
    request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId, payload: AgendaIn
) -> dict:
    mentorship, _side = _mentorship(request, mentorship_id)
    session = _session(mentorship, session_id)
    fields = payload.dict()
    submit = fields.pop("submit")
    agenda_save(request.user, session, submit=submit, **fields)
    return _session_out(_session(mentorship, session_id), True)


@router.put(
    "/{mentorship_id}/sessions/{session_id}/learning",
    response=answers({204: None}, 403, 404, 409, 422),
    summary="What I taught and learned",
)
def learning(
    request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId, payload: LearningIn
) -> Status:
    mentorship, _side = _mentorship(request, mentorship_id)
    learning_record(
        request.user,
        _session(mentorship, session_id),
        taught=payload.taught,
        learned=payload.learned,
    )
    return Status(204, None)


@router.get(
    "/{mentorship_id}/sessions/{session_id}/invite.ics",
    summary="The calendar invite",
    response=answers({200: None}, 403, 404, 422),
    openapi_extra={
        "responses": {
            200: {
                "description": "An iCalendar (RFC 5545) invite",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def invite(request: HttpRequest, mentorship_id: ObjectId, session_id: ObjectId) -> HttpResponse:
    mentorship, side = _mentorship(request, mentorship_id)
    if side not in ("mentor", "mentee"):
        raise PermissionRefused(_("Only the two people in this mentorship get its invites."))
    session = _session(mentorship, session_id)
    if session.starts_at is None:
        raise NotFound(_("This session has no time yet."))
    return HttpResponse(invite_bytes(session), content_type="text/calendar; charset=utf-8")


@router.get(
    "/{mentorship_id}/notes",
    response=answers({200: list[NoteOut]}, 404, 422),
    summary="Notes you may read",
)
def notes(request: HttpRequest, mentorship_id: ObjectId) -> list:
    mentorship, _side = _mentorship(request, mentorship_id)
    return list(visible_notes(request.user, mentorship))


@router.post(
    "/{mentorship_id}/notes",
    response=answers({201: NoteOut}, 403, 404, 409, 422),
    summary="Add a note",
)
def add_note(request: HttpRequest, mentorship_id: ObjectId, payload: NoteIn) -> Status:
    mentorship, _side = _mentorship(request, mentorship_id)
    session = _session(mentorship, payload.session_id) if payload.session_id else None
    note = add_note_to(
        request.user, mentorship, body=payload.body, private=payload.private, session=session
    )
    return Status(201, note)


@router.get(
    "/{mentorship_id}/goals",
    response=answers({200: list[GoalOut]}, 404, 422),
    summary="Goals and their status",
)
def goals(request: HttpRequest, mentorship_id: ObjectId) -> list:
    mentorship, side = _mentorship(request, mentorship_id)
    rows = list(mentorship.goals.all())
    if side not in ("mentor", "mentee"):
        # a manager sees the status and dates of goals, not their wording
        return [
            {
                "id": g.pk,
                "title": "",
                "measure": None,
                "target": None,
                "due_date": g.due_date,
                "owner_id": g.owner_id,
                "status": g.status,
            }
            for g in rows
        ]
    return rows


@router.post(
    "/{mentorship_id}/goals",
    response=answers({201: GoalOut}, 403, 404, 409, 422),
    summary="Add a goal",
)
def add_goal(request: HttpRequest, mentorship_id: ObjectId, payload: GoalIn) -> Status:
    mentorship, _side = _mentorship(request, mentorship_id)
    goal = add_goal_to(
        request.user,
        mentorship,
        title=payload.title,
        measure=payload.measure,
        target=payload.target,
        due_date=payload.due_date,
        owner_id=payload.owner_id,
    )
    return Status(201, goal)
