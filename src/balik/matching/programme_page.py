"""The matching part of a programme's page (registered in `programs.hooks`)."""

from typing import Any

from balik.matching.models import MatchRequest, MatchRun, RequestStatus, RunStatus
from balik.people.models import Person
from balik.programs.models import Program


def requests_part(program: Program, person: Person | None) -> dict[str, Any]:
    """The requests waiting for the viewer as a mentor, and the viewer's own request."""
    latest = (
        MatchRun.objects.filter(program=program)
        .exclude(status=RunStatus.SUPERSEDED)
        .order_by("-created_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if person is None:
        return {"latest_run": latest or ""}
    return {
        "latest_run": latest or "",
        "pending_for_me": list(
            MatchRequest.objects.filter(
                program=program, mentor=person, status=RequestStatus.PENDING
            ).select_related("mentee")
        ),
        "my_request": MatchRequest.objects.filter(program=program, mentee=person)
        .select_related("mentor")
        .first(),
    }
