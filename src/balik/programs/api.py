"""Programmes and enrolment over REST, under /api/v1/programs (matching adds its routes there).

The same services as the pages: managers create and enrol; participants read the programmes
they may see and enrol themselves where the link is open.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from balik.core.errors import NotFound, PermissionRefused, ValidationFailed
from balik.core.schemas import BodyIn, answers
from balik.people.models import Person, Skill
from balik.programs import services
from balik.programs.catalog import TEMPLATES_BY_SLUG
from balik.programs.models import Enrolment, EnrolmentStatus, Program

router = Router(tags=["programmes"])


class ProgramOut(Schema):
    slug: str
    name: str
    kind: Literal["flipped", "reverse", "classic", "peer"]
    status: str
    template: str
    description: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    cadence_days: int
    session_minutes: int
    format_preference: str
    self_match: bool
    enrolment_open: bool
    seniority_gap: int
    manager_chain_depth: int | None
    require_different_department: bool
    min_score: float


class ProgramIn(BodyIn):
    name: str = Field(min_length=1, max_length=160)
    kind: Literal["flipped", "reverse", "classic", "peer"]
    template: Literal[tuple(TEMPLATES_BY_SLUG)] | None = Field(  # type: ignore[valid-type]
        None, description="A template of the same kind."
    )
    slug: str | None = None


class StatusIn(BodyIn):
    status: Literal["draft", "enrolling", "matching", "active", "closed"]


class EnrolmentIn(BodyIn):
    email: str | None = Field(None, description="Whom to enrol (managers only); empty: yourself.")
    role: Literal["mentor", "mentee", "both"]
    goals: str = Field("", max_length=2000)
    give_skills: list[str] | None = Field(None, description="Skill slugs; default: the profile.")
    get_skills: list[str] | None = Field(None, description="Skill slugs, most wanted first.")
    capacity: int | None = Field(None, ge=1, le=10)
    readiness: dict[str, int] = Field(default_factory=dict)


class EnrolmentOut(Schema):
    person_id: int
    full_name: str
    role: str
    status: str
    capacity: int
    goals: str


def _user(request: HttpRequest):
    return request.user


def visible_program(request: HttpRequest, slug: str) -> Program:
    """The programme, or 404 alike for one that does not exist and one the caller may not see."""
    program = services.get_program(slug)
    if services.can_see_program(_user(request), program):
        return program
    raise NotFound(_("There is no programme with that address."))


@router.get(
    "",
    response=answers({200: list[ProgramOut]}),
    summary="Programmes you manage, take part in or can join",
)
def list_programs(request: HttpRequest) -> list[Program]:
    return list(services.visible_programs(_user(request)).order_by("-created_at")[:500])


@router.post(
    "", response=answers({201: ProgramOut}, 403, 409, 422), summary="Create a draft programme"
)
def create_program(request: HttpRequest, payload: ProgramIn) -> Status:
    program = services.program_create(
        _user(request),
        name=payload.name,
        kind=payload.kind,
        template=payload.template,
        slug=payload.slug,
    )
    return Status(201, program)


@router.get("/{slug}", response=answers({200: ProgramOut}, 404), summary="One programme")
def get_program(request: HttpRequest, slug: str) -> Program:
    return visible_program(request, slug)


@router.post(
    "/{slug}/status",
    response=answers({200: ProgramOut}, 403, 404, 409, 422),
    summary="Move the programme's status",
)
def change_status(request: HttpRequest, slug: str, payload: StatusIn) -> Program:
    program = visible_program(request, slug)
    return services.program_change_status(_user(request), program, status=payload.status)


@router.get(
    "/{slug}/enrolments",
    response=answers({200: list[EnrolmentOut]}, 403, 404),
    summary="Who is enrolled",
)
def list_enrolments(request: HttpRequest, slug: str) -> list[dict]:
    program = visible_program(request, slug)
    services.require_manager(_user(request), program)
    return [
        {
            "person_id": e.person_id,
            "full_name": e.person.full_name,
            "role": e.role,
            "status": e.status,
            "capacity": e.capacity,
            "goals": e.goals,
        }
        for e in program.enrolments.select_related("person").order_by("pk")
    ]


def _skills(slugs: list[str] | None, field: str) -> list[Skill] | None:
    if slugs is None:
        return None
    found = {s.slug: s for s in Skill.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationFailed(
            {field: [_("Unknown skills: %(slugs)s.") % {"slugs": ", ".join(missing)}]}
        )
    return [found[slug] for slug in slugs]


@router.post(
    "/{slug}/enrolments",
    response=answers({201: EnrolmentOut}, 403, 404, 409, 422),
    summary="Enrol yourself or others",
)
def enrol(request: HttpRequest, slug: str, payload: EnrolmentIn) -> Status:
    program = visible_program(request, slug)
    user = _user(request)
    if payload.email:
        person = Person.objects.filter(user__email__iexact=payload.email).first()
        if person is None:
            raise ValidationFailed({"email": [_("Nobody in the directory has this email.")]})
    else:
        person = Person.objects.filter(user=user).first()
        if person is None:
            raise PermissionRefused(_("You need a profile in the directory to enrol."))
    enrolment = services.enrolment_add(
        user,
        program,
        person=person,
        data=services.EnrolmentData(
            role=payload.role,
            goals=payload.goals,
            give_skills=_skills(payload.give_skills, "give_skills"),
            get_skills=_skills(payload.get_skills, "get_skills"),
            capacity=payload.capacity,
            readiness=payload.readiness,
        ),
    )
    return Status(
        201,
        {
            "person_id": person.pk,
            "full_name": person.full_name,
            "role": enrolment.role,
            "status": enrolment.status,
            "capacity": enrolment.capacity,
            "goals": enrolment.goals,
        },
    )


@router.delete(
    "/{slug}/enrolments/me",
    response=answers({204: None}, 404, 409),
    summary="Withdraw yourself",
)
def withdraw(request: HttpRequest, slug: str) -> Status:
    program = visible_program(request, slug)
    enrolment = Enrolment.objects.filter(
        program=program, person__user=_user(request), status=EnrolmentStatus.ACTIVE
    ).first()
    if enrolment is None:
        raise NotFound(_("You are not enrolled in this programme."))
    services.enrolment_withdraw(_user(request), enrolment)
    return Status(204, None)
