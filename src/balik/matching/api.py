"""Matching over REST, under /api/v1/programs/<slug>/matching: managers run and publish.

Mounted beside the programmes' router by balik.site.api. Each operation keeps the operationId it
had when it lived in balik.programs.api, so clients generated from the document keep working.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from balik.core.errors import NotFound
from balik.core.schemas import answers
from balik.matching import services as matching_services
from balik.matching.explain import Explainer
from balik.matching.models import RunStatus
from balik.programs import services
from balik.programs.api import visible_program

router = Router(tags=["programmes"])


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
    operation_id="balik_programs_api_latest_matching",
)
def latest_matching(request: HttpRequest, slug: str) -> dict:
    program = visible_program(request, slug)
    services.require_manager(request.user, program)
    run = matching_services.latest_run(program)
    if run is None:
        raise NotFound(_("This programme has not been matched yet."))
    return _run_out(run)


@router.post(
    "/{slug}/matching",
    response=answers({201: RunOut}, 403, 404, 409),
    summary="Run matching (keeps locks)",
    operation_id="balik_programs_api_run_matching",
    description="One run at a time per programme: while one is queued or running, the answer "
    "is 409 with code `run_in_progress` and `run_id`, the run to wait for.",
)
def run_matching(request: HttpRequest, slug: str) -> Status:
    program = visible_program(request, slug)
    run = matching_services.run_start(request.user, program)
    return Status(201, _run_out(run))


@router.post(
    "/{slug}/matching/publish",
    response=answers({200: PublishOut}, 403, 404, 409),
    summary="Publish the latest proposal",
    operation_id="balik_programs_api_publish",
    description="Each pair is checked again against what changed since the run; the pairs that "
    "still hold become mentorships and the others are listed in `skipped` with the reason.",
)
def publish(request: HttpRequest, slug: str) -> dict:
    program = visible_program(request, slug)
    services.require_manager(request.user, program)
    run = matching_services.latest_run(program)
    if run is None or run.status != RunStatus.DONE:
        raise NotFound(_("There is no finished proposal to publish."))
    result = matching_services.run_publish(request.user, run)
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
