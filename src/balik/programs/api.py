"""Programmes, enrolment and matching over REST, under /api/v1/programs.

The same services as the pages: managers create, enrol, run and publish; participants read the
programmes they may see and enrol themselves where the link is open.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from balik.core.errors import NotFound, PermissionRefused, ValidationFailed
from balik.core.schemas import BodyIn, answers
from balik.matching import services as matching_services
from balik.matching.explain import Explainer
from balik.matching.models import RunStatus
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


class PairOut(Schema):
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    score: float
    components: dict[str, float]
    locked: bool
    broken_rules: list[str]
    reasons: list[str]


class UnmatchedOut(Schema):
    person_id: int
    role: str
    reason: str


class RunOut(Schema):
    id: int
    status: str
    progress: int
    objective: float | None
    upper_bound: float | None
    proven_optimal: bool
    solver: str
    seconds: float | None
    pairs: list[PairOut]
    unmatched: list[UnmatchedOut]


class SkippedPairOut(Schema):
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    code: str = Field(
        description="Why the pair was left out, what changed since the run: one of "
        + ", ".join(f"`{code}`" for code in matching_services.SKIP_SENTENCES)
        + "."
    )
    reason: str = Field(description="The same, as a sentence in the request's language.")


class PublishOut(RunOut):
    published: int = Field(description="Mentorships created by this publish.")
    skipped: list[SkippedPairOut] = Field(
        description="Proposed pairs left out because things changed since the run (a mentor "
        "filled up by requests, a mentee matched meanwhile, someone left, a pair forbidden)."
    )


def _user(request: HttpRequest):
    return request.user


def _program(request: HttpRequest, slug: str) -> Program:
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
    program = services.create_program(
        _user(request),
        name=payload.name,
        kind=payload.kind,
        template=payload.template,
        slug=payload.slug,
    )
    return Status(201, program)


@router.get("/{slug}", response=answers({200: ProgramOut}, 404), summary="One programme")
def get_program(request: HttpRequest, slug: str) -> Program:
    return _program(request, slug)


@router.post(
    "/{slug}/status",
    response=answers({200: ProgramOut}, 403, 404, 409, 422),
    summary="Move the programme's status",
)
def change_status(request: HttpRequest, slug: str, payload: StatusIn) -> Program:
    program = _program(request, slug)
    return services.change_status(_user(request), program, payload.status)


@router.get(
    "/{slug}/enrolments",
    response=answers({200: list[EnrolmentOut]}, 403, 404),
    summary="Who is enrolled",
)
def list_enrolments(request: HttpRequest, slug: str) -> list[dict]:
    program = _program(request, slug)
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
    program = _program(request, slug)
    user = _user(request)
    if payload.email:
        person = Person.objects.filter(user__email__iexact=payload.email).first()
        if person is None:
            raise ValidationFailed({"email": [_("Nobody in the directory has this email.")]})
    else:
        person = Person.objects.filter(user=user).first()
        if person is None:
            raise PermissionRefused(_("You need a profile in the directory to enrol."))
    enrolment = services.enroll(
        user,
        program,
        person,
        services.EnrolmentData(
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
    program = _program(request, slug)
    enrolment = Enrolment.objects.filter(
        program=program, person__user=_user(request), status=EnrolmentStatus.ACTIVE
    ).first()
    if enrolment is None:
        raise NotFound(_("You are not enrolled in this programme."))
    services.withdraw(_user(request), enrolment)
    return Status(204, None)


def _run_out(run) -> dict:
    pairs = list(run.pairs.select_related("mentor", "mentee").order_by("-score", "pk"))
    explainer = Explainer(
        [f for p in pairs for f in p.reasons] + [u["reason"] for u in run.unmatched]
    )
    return {
        "id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "objective": run.objective,
        "upper_bound": run.upper_bound,
        "proven_optimal": run.proven_optimal,
        "solver": run.solver,
        "seconds": run.seconds,
        "pairs": [
            {
                "mentor_id": p.mentor_id,
                "mentor": p.mentor.full_name,
                "mentee_id": p.mentee_id,
                "mentee": p.mentee.full_name,
                "score": p.score,
                "components": p.components,
                "locked": p.locked,
                "broken_rules": p.broken_rules,
                "reasons": [explainer.render(f) for f in p.reasons],
            }
            for p in pairs
        ],
        "unmatched": [
            {"person_id": u["person"], "role": u["role"], "reason": explainer.render(u["reason"])}
            for u in run.unmatched
        ],
    }


@router.get(
    "/{slug}/matching",
    response=answers({200: RunOut}, 403, 404),
    summary="The latest matching proposal",
)
def latest_matching(request: HttpRequest, slug: str) -> dict:
    program = _program(request, slug)
    services.require_manager(_user(request), program)
    run = matching_services.latest_run(program)
    if run is None:
        raise NotFound(_("This programme has not been matched yet."))
    return _run_out(run)


@router.post(
    "/{slug}/matching",
    response=answers({201: RunOut}, 403, 404, 409),
    summary="Run matching (keeps locks)",
    description="One run at a time per programme: while one is queued or running, the answer "
    "is 409 with code `run_in_progress` and `run_id`, the run to wait for.",
)
def run_matching(request: HttpRequest, slug: str) -> Status:
    program = _program(request, slug)
    run = matching_services.start_run(_user(request), program)
    return Status(201, _run_out(run))


@router.post(
    "/{slug}/matching/publish",
    response=answers({200: PublishOut}, 403, 404, 409),
    summary="Publish the latest proposal",
    description="Each pair is checked again against what changed since the run; the pairs that "
    "still hold become mentorships and the others are listed in `skipped` with the reason.",
)
def publish(request: HttpRequest, slug: str) -> dict:
    program = _program(request, slug)
    services.require_manager(_user(request), program)
    run = matching_services.latest_run(program)
    if run is None or run.status != RunStatus.DONE:
        raise NotFound(_("There is no finished proposal to publish."))
    result = matching_services.publish(_user(request), run)
    run.refresh_from_db()
    return {
        **_run_out(run),
        "published": len(result.created),
        "skipped": [
            {
                "mentor_id": item.mentor_id,
                "mentor": item.mentor.full_name,
                "mentee_id": item.mentee_id,
                "mentee": item.mentee.full_name,
                "code": item.code,
                "reason": item.message,
            }
            for item in result.skipped
        ],
    }
