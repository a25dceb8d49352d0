"""What is left for a programme's manager: enrol people, run matching, review, publish; each
step with its state ("done", "todo": the next thing to do, "waiting": after an earlier step)
and the page where it is done."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balik.programs.models import Program, ProgramStatus

DONE, TODO, WAITING = "done", "todo", "waiting"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    detail: str
    state: str
    url: str
    action: str


def _enrolled_enough(program: Program, counts: dict[str, int]) -> bool:
    both = counts.get("both", 0)
    if program.is_peer:
        return both >= 2
    return counts.get("mentor", 0) + both >= 1 and counts.get("mentee", 0) + both >= 1


def manager_checklist(
    program: Program, *, counts: dict[str, int], latest_run: str, active_pairs: int
) -> list[Step]:
    """`counts`: active enrolments by role; `latest_run`: the latest run's status or ""."""
    slug = program.slug
    enrolled = sum(counts.values())
    published = latest_run == "published" or (
        active_pairs > 0 and program.status in (ProgramStatus.ACTIVE, ProgramStatus.CLOSED)
    )
    proposed = latest_run in ("done", "published") or published
    enrol_done = _enrolled_enough(program, counts) or published
    running = latest_run in ("queued", "running")

    enrol = Step(
        "enrol",
        _("Enrol people"),
        ngettext("%(n)d person enrolled.", "%(n)d people enrolled.", enrolled) % {"n": enrolled}
        + " "
        + (
            _("Share the link or invite more people.")
            if program.enrolment_open
            else _("Invite the people who take part.")
        ),
        DONE if enrol_done else TODO,
        reverse("programs:participants", args=[slug]),
        _("Add people"),
    )
    if program.self_match:
        match_detail = _(
            "Mentees choose their mentor from their suggestions; then run matching to pair "
            "whoever has not chosen."
        )
    else:
        match_detail = _("Balik proposes the best possible pairs under your rules.")
    if running:
        match_detail = _("Matching is running.")
    match = Step(
        "match",
        _("Run matching"),
        match_detail,
        DONE if proposed else (TODO if enrol_done else WAITING),
        reverse("programs:matching", args=[slug]),
        _("Run"),
    )
    review = Step(
        "review",
        _("Review the pairs"),
        _("Read why each pair fits; lock a pair to keep it, forbid one to avoid it."),
        DONE if published else (TODO if proposed else WAITING),
        reverse("programs:matching", args=[slug]),
        _("Review"),
    )
    publish = Step(
        "publish",
        _("Publish and notify"),
        _("See who is told and the e-mail they get, then confirm."),
        DONE if published else (TODO if proposed else WAITING),
        reverse("programs:matching-publish", args=[slug]),
        _("Preview"),
    )
    return [enrol, match, review, publish]
