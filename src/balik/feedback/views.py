"""A participant's self-assessment (start, middle, end) and the end-of-programme evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.feedback import services
from balik.feedback.models import Answer, Phase, ProgramEvaluation
from balik.programs.models import Enrolment, Program
from balik.programs.services import active_enrolment, get_program


def _my_programme(request: HttpRequest, slug: str) -> tuple[Program, Enrolment]:
    try:
        program = get_program(slug)
    except NotFound as missing:
        raise Http404(str(missing.message)) from None
    enrolment = active_enrolment(request.user, program)
    if enrolment is None:
        raise PermissionDenied(_("Only the programme's participants answer this."))
    return program, enrolment


def _whole_number(raw: str) -> object:
    """The submitted text as an int, or as it came for the service to refuse with a field
    error ("²" passes str.isdigit() but is no number)."""
    try:
        return int(raw)
    except ValueError:
        return raw


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, slug: str, phase: str) -> HttpResponse:
    if phase not in Phase.values:
        raise Http404(_("There is no such phase."))
    program, enrolment = _my_programme(request, slug)
    questions = list(services.questions_for(program, enrolment.role))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {}
        for question in questions:
            raw = request.POST.get(f"question_{question.pk}", "")
            if raw:
                values[question.pk] = _whole_number(raw)
        try:
            services.answer_assessment(request.user, program, phase, values)
        except ValidationFailed as failure:
            errors = failure.errors
        except PermissionRefused as refused:
            raise PermissionDenied(str(refused.message)) from None
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("programs:detail", program.slug)
    current = dict(
        Answer.objects.filter(program=program, person=enrolment.person, phase=phase).values_list(
            "question_id", "value"
        )
    )
    indonesian = (get_language() or "en").startswith("id")
    rows = [
        {
            "name": f"question_{q.pk}",
            "text": q.text_id if indonesian else q.text_en,
            "value": request.POST.get(f"question_{q.pk}")
            if request.method == "POST"
            else current.get(q.pk),
            "errors": errors.get(f"question_{q.pk}", []),
        }
        for q in questions
    ]
    return render(
        request,
        "feedback/assessment.html",
        {"program": program, "phase": Phase(phase), "rows": rows, "scale": range(1, 6)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    program, enrolment = _my_programme(request, slug)
    existing = ProgramEvaluation.objects.filter(program=program, person=enrolment.person).first()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":

        def number(name: str) -> object:
            return _whole_number(request.POST.get(name, ""))

        try:
            services.evaluate_program(
                request.user,
                program,
                satisfaction=number("satisfaction"),
                recommend=number("recommend"),
                improve=request.POST.get("improve", ""),
            )
        except ValidationFailed as failure:
            errors = failure.errors
        except BalikError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("programs:detail", program.slug)
    return render(
        request,
        "feedback/evaluation.html",
        {
            "program": program,
            "existing": existing,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
            "scale": range(1, 6),
            "recommend_scale": range(0, 11),
        },
    )
