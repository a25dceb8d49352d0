"""The programme health page and the nudge a manager sends a pair from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balik.core.concurrent import alongside
from balik.feedback.models import SESSION_SCORES
from balik.insights.exports import FORMATS, TABLES, WHAT, export
from balik.insights.health import (
    SATISFACTION_BENCHMARK,
    Filters,
    Health,
    nudge_pair,
    nudged_on,
    program_health,
    reason_sentence,
)
from balik.insights.risk import with_pairs
from balik.mentorships.models import Mentorship, MentorshipStatus, Side
from balik.people.models import Generation
from balik.programs.models import Enrolment, EnrolmentStatus, Program
from balik.programs.web import managed_program

BAR_HEIGHT = 80  # chart pixels for the tallest bar
BASELINE = 90
OUTCOME_ROW = 36
OUTCOME_SCALE = 44  # pixels per point on the 1-5 scale
OUTCOME_LEFT = 150
RISKS_PER_PAGE = 25  # the most urgent first; a manager nudges a page at a time


def _bars(counts: list[int], step: int) -> list[dict]:
    tallest = max(counts, default=0) or 1
    return [
        {
            "count": count,
            "x": index * step + 4,
            "height": round(BAR_HEIGHT * count / tallest, 1),
            "y": round(BASELINE - BAR_HEIGHT * count / tallest, 1),
            "middle": index * step + 4 + (step - 6) / 2,
        }
        for index, count in enumerate(counts)
    ]


def _outcome_bars(health: Health) -> list[dict]:
    rows = []
    for outcome in (o for o in health.outcomes if o.change):
        top = len(rows) * OUTCOME_ROW + 4
        rows.append(
            {
                "outcome": outcome,
                "label_y": top + 15,
                "before_y": top,
                "after_y": top + 14,
                "before_width": round(outcome.change.mean_before * OUTCOME_SCALE, 1),
                "after_width": round(outcome.change.mean_after * OUTCOME_SCALE, 1),
            }
        )
    return rows


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _filter_choices(program: Program) -> dict:
    """The departments and enrolment months of the programme's people, in one query."""
    found = (
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        .values_list("person__department", TruncMonth("enrolled_at"))
        .distinct()
        .order_by()
    )
    departments = sorted({department for department, _month in found if department})
    months = sorted({month for _department, month in found if month}, reverse=True)
    return {
        "departments": departments,
        "cohorts": [f"{month:%Y-%m}" for month in months],
        "generations": Generation.choices,
        "sides": Side.choices,
    }


@login_required
@require_GET
def health(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(
        request, slug, _("Only this programme's managers can see its health.")
    )
    filters = Filters.from_query(request.GET)
    choices = alongside(lambda: _filter_choices(program))
    figures = program_health(program, filters, language=get_language() or "en")
    score_labels = {
        "rating": _("Overall rating"),
        "usefulness": _("How useful"),
        "preparation": _("How well prepared"),
        "psychological_safety": _("Could speak openly and was heard"),
    }
    means = figures.feedback_means
    outcome_bars = _outcome_bars(figures)
    risk_page = Paginator(figures.risks, RISKS_PER_PAGE).get_page(request.GET.get("risk_page"))
    nps_result = figures.evaluation_nps
    context = {
        "program": program,
        "export_tables": TABLES,
        "health": figures,
        "filters": filters,
        "choices": choices.result(),
        "feedback_scores": [
            {"label": score_labels[score], "mean": means[score]} for score in SESSION_SCORES
        ]
        if means
        else [],
        "week_bars": [
            {**bar, "start": week["start"]}
            for bar, week in zip(
                _bars([week["held"] for week in figures.weeks], 30), figures.weeks, strict=True
            )
        ],
        "rating_bars": [
            {**bar, "rating": index + 1}
            for index, bar in enumerate(_bars(figures.rating_counts or [], 40))
        ],
        "outcome_bars": outcome_bars,
        "outcome_scale": OUTCOME_SCALE,
        "outcome_left": OUTCOME_LEFT,
        "outcomes_height": max(len(outcome_bars), 1) * OUTCOME_ROW + 8,
        "preparation_percent": _percent(figures.preparation_rate),
        "goal_percent": _percent(figures.goal_attainment),
        "both_ways_percent": _percent(figures.both_ways_share),
        "benchmark": SATISFACTION_BENCHMARK,
        "nps": nps_result,
        "risk_page": risk_page,
        "risks": [
            {
                "mentorship": risk.mentorship,
                "reasons": [
                    reason_sentence(risk.mentorship, code, data) for code, data in risk.reasons
                ],
            }
            for risk in with_pairs(risk_page.object_list)
        ],
        "nudged_today": nudged_on([risk.mentorship for risk in risk_page.object_list]),
        "today": timezone.localdate(),
    }
    return render(request, "insights/health.html", context)


@login_required
@require_POST
def nudge(request: HttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = managed_program(request, slug)
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=mentorship_id, program=program, status=MentorshipStatus.ACTIVE)
        .first()
    )
    if mentorship is None:
        raise Http404(_("This programme has no active mentorship with that number."))
    names = {"mentor": mentorship.mentor.full_name, "mentee": mentorship.mentee.full_name}
    if nudge_pair(mentorship=mentorship, actor=request.user):
        messages.success(
            request, _("%(mentor)s and %(mentee)s got your nudge by message and e-mail.") % names
        )
    else:
        messages.info(
            request,
            _("%(mentor)s and %(mentee)s were already nudged today; try again tomorrow.") % names,
        )
    return redirect(reverse("programs:health", args=[program.slug]) + "#at-risk")


@login_required
@require_GET
def download(request: HttpRequest, slug: str, what: str, file_format: str) -> HttpResponse:
    """A programme's pairs, sessions, feedback or outcomes as CSV or XLSX, for its managers."""
    program = managed_program(request, slug)
    if what not in WHAT or file_format not in FORMATS:
        raise Http404(_("There is no such export."))
    content, name, content_type = export(program, what, file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
