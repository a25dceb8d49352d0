"""A participant's self-assessment (start, middle, end) and the end-of-programme evaluation."""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balik.core.exporting import csv_bytes, xlsx_bytes
from balik.core.refusals import answers_refusals, back_to, refusal_beside
from balik.feedback import services
from balik.feedback.competencies import competency_label
from balik.feedback.forms import QuestionForm, SessionFeedbackForm
from balik.feedback.models import SESSION_SCORES, Answer, Phase, ProgramEvaluation
from balik.feedback.selectors import own_answers
from balik.mentorships.models import Mentorship, Side
from balik.people.models import Person
from balik.programs.models import Enrolment, Program
from balik.programs.services import active_enrolment
from balik.programs.web import managed_program, program_or_404

OWN_ANSWER_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _my_programme(request: HttpRequest, slug: str) -> tuple[Program, Enrolment]:
    program = program_or_404(slug)
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
@answers_refusals
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
        with refusal_beside(errors):
            services.assessment_answer(request.user, program, phase=phase, values=values)
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("programs:detail", program.slug)
    current = dict(
        Answer.objects.filter(program=program, person=enrolment.person, phase=phase).values_list(
            "question_id", "value"
        )
    )
    language = get_language()
    rows = [
        {
            "name": f"question_{q.pk}",
            "text": q.text_in(language),
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
@answers_refusals(back="programs:evaluation")
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    program, enrolment = _my_programme(request, slug)
    existing = ProgramEvaluation.objects.filter(program=program, person=enrolment.person).first()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":

        def number(name: str) -> object:
            return _whole_number(request.POST.get(name, ""))

        with refusal_beside(errors):
            services.program_evaluate(
                request.user,
                program,
                satisfaction=number("satisfaction"),
                recommend=number("recommend"),
                improve=request.POST.get("improve", ""),
            )
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


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager's view of the self-assessment questions, where they add their own."""
    program = managed_program(request, slug)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            services.question_add(request.user, program, **form.cleaned_data)
            messages.success(
                request, _("Your question is added: participants answer it from now on.")
            )
            return redirect("programs:questions", program.slug)
    language = get_language()
    listed = list(services.programme_questions(program))
    headings = {Side.MENTOR: _("Answered by mentors"), Side.MENTEE: _("Answered by mentees")}
    sides = [
        {
            "heading": headings[side],
            "questions": [
                {
                    "question": question,
                    "text": question.text_in(language),
                    "competency": competency_label(question.competency),
                }
                for question in listed
                if question.audience == side
            ],
        }
        for side in (Side.MENTEE, Side.MENTOR)
    ]
    return render(
        request,
        "feedback/questions.html",
        {
            "program": program,
            "sides": sides,
            "form": form,
            "competencies": sorted({question.competency for question in listed}),
        },
    )


@login_required
@require_POST
@answers_refusals(back=back_to("programs:questions", "slug"))
def remove_question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    program = managed_program(request, slug)
    services.question_remove(request.user, program, question_id=question_id)
    messages.success(request, _("The question is removed."))
    return redirect("programs:questions", program.slug)


def _own_answers(request: HttpRequest) -> list:
    person = Person.objects.filter(user=request.user).first()
    return own_answers(person, get_language() or "en") if person else []


@login_required
@require_GET
def my_answers(request: HttpRequest) -> HttpResponse:
    """Everything I answered: session feedback, evaluations, self-assessments. Managers see
    these only as anonymous aggregates; the person who gave them always sees them whole."""
    answers = _own_answers(request)
    groups = [
        {"kind": kind, "program": program, "about": about, "answers": list(rows)}
        for (kind, program, about), rows in itertools.groupby(
            answers, key=lambda own: (own.kind, own.program, own.about)
        )
    ]
    return render(request, "feedback/my_answers.html", {"answers": answers, "groups": groups})


@login_required
@require_GET
def my_answers_download(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in OWN_ANSWER_FORMATS:
        raise Http404(_("Download your answers as csv or xlsx."))
    header = [_("kind"), _("programme"), _("given"), _("about"), _("question"), _("answer")]
    rows = [
        [a.kind, a.program, timezone.localtime(a.given_at), a.about, a.question, a.answer]
        for a in _own_answers(request)
    ]
    if file_format == "csv":
        content = csv_bytes(header, rows)
    else:
        content = xlsx_bytes(_("My answers"), header, rows)
    name = f"balik-my-answers-{timezone.localdate().isoformat()}.{file_format}"
    response = HttpResponse(content, content_type=OWN_ANSWER_FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def give_session_feedback_action(
    request: HttpRequest, mentorship: Mentorship, form: SessionFeedbackForm
) -> str:
    """The mentorship page's `feedback` action (added to it in FeedbackConfig.ready)."""
    data = form.cleaned_data
    services.session_feedback_give(
        request.user,
        data["session"],
        **{name: data[name] for name in SESSION_SCORES},
        comment=data["comment"],
    )
    return _("Thank you: your feedback is saved. You can change it for 7 days.")
