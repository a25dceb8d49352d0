"""Giving feedback and answering self-assessments, with the rules that keep them honest:
only the two people of a held session rate it, edits close after seven days, each person
answers the questions of their own side, and every score is a whole number in its range."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem, single_line_problem
from balik.feedback.models import (
    SESSION_SCORES,
    Answer,
    Phase,
    ProgramEvaluation,
    Question,
    SessionFeedback,
)
from balik.mentorships.access import require_member
from balik.mentorships.models import Attendance, Session, SessionStatus
from balik.programs.models import Enrolment, Program, ProgramStatus
from balik.programs.services import active_enrolment, require_manager

EDIT_WINDOW = timedelta(days=7)


def _score(errors: dict[str, list[str]], name: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[name] = [
            _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        ]
        return low
    return value


def session_feedback_give(user: User, session: Session, **answers: Any) -> SessionFeedback:
    """Rate a held session (both people, once each; editable for seven days after it)."""
    _side, person = require_member(user, session.mentorship)
    held = session.status == SessionStatus.HELD or session.attendance == Attendance.HELD
    if not held:
        raise BalikError(_("Feedback opens once the session is recorded as held."), code="not_held")
    if session.ends_at and timezone.now() > session.ends_at + EDIT_WINDOW:
        raise BalikError(_("Feedback on this session closed seven days after it."), code="closed")
    errors: dict[str, list[str]] = {}
    unknown = set(answers) - {*SESSION_SCORES, "comment"}
    for name in sorted(unknown):
        errors[name] = [_("Unknown field.")]
    scores = {name: _score(errors, name, answers.get(name), 1, 5) for name in SESSION_SCORES}
    comment = (answers.get("comment") or "").strip()
    if len(comment) > 2000:
        errors["comment"] = [_("Use at most %(n)d characters.") % {"n": 2000}]
    elif problem := long_text_problem(comment):
        errors["comment"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    feedback, _created = SessionFeedback.objects.update_or_create(
        session=session, author=person, defaults={**scores, "comment": comment}
    )
    return feedback


def _participant(user: User, program: Program, refusal: str) -> Enrolment:
    enrolment = active_enrolment(user, program)
    if enrolment is None:
        raise PermissionRefused(refusal)
    return enrolment


def program_evaluate(
    user: User, program: Program, *, satisfaction: Any, recommend: Any, improve: str = ""
) -> ProgramEvaluation:
    """The end-of-programme evaluation, by someone enrolled, once the programme runs."""
    enrolment = _participant(user, program, _("Only the programme's participants evaluate it."))
    if program.status not in (ProgramStatus.ACTIVE, ProgramStatus.CLOSED):
        raise BalikError(_("The evaluation opens once the programme is running."), code="not_open")
    errors: dict[str, list[str]] = {}
    satisfaction = _score(errors, "satisfaction", satisfaction, 1, 5)
    recommend = _score(errors, "recommend", recommend, 0, 10)
    improve = (improve or "").strip()
    if len(improve) > 2000:
        errors["improve"] = [_("Use at most %(n)d characters.") % {"n": 2000}]
    elif problem := long_text_problem(improve):
        errors["improve"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    evaluation, _created = ProgramEvaluation.objects.update_or_create(
        program=program,
        person=enrolment.person,
        defaults={"satisfaction": satisfaction, "recommend": recommend, "improve": improve},
    )
    return evaluation


def audiences(role: str) -> list[str]:
    return {"mentor": ["mentor"], "mentee": ["mentee"], "both": ["mentor", "mentee"]}.get(role, [])


def questions_for(program: Program, role: str) -> QuerySet[Question]:
    """The built-in questions of the programme's kind for this side, and the manager's own."""
    return Question.objects.filter(
        Q(program=program) | Q(program__isnull=True, kind__in=["", program.kind]),
        audience__in=audiences(role),
    ).order_by("program_id", "order", "pk")


def assessment_answer(
    user: User, program: Program, *, phase: str, values: Mapping[int, Any]
) -> list[Answer]:
    """A person's self-assessment for one phase: every question of their side, 1 to 5."""
    enrolment = _participant(
        user, program, _("Only the programme's participants answer its assessments.")
    )
    errors: dict[str, list[str]] = {}
    if phase not in Phase.values:
        errors["phase"] = [_("Choose start, middle or end.")]
    questions = {q.pk: q for q in questions_for(program, enrolment.role)}
    for question_id in sorted(set(values) - set(questions)):
        errors[f"question_{question_id}"] = [_("This question is not for you.")]
    clean: dict[int, int] = {}
    for question_id in questions:
        if question_id not in values:
            errors[f"question_{question_id}"] = [_("Answer this question.")]
            continue
        clean[question_id] = _score(errors, f"question_{question_id}", values[question_id], 1, 5)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return [
            Answer.objects.update_or_create(
                program=program,
                person=enrolment.person,
                question_id=question_id,
                phase=phase,
                defaults={"value": value},
            )[0]
            for question_id, value in clean.items()
        ]


def question_add(
    user: User, program: Program, *, audience: str, competency: str, text_en: str, text_id: str
) -> Question:
    """A manager's own question for their programme, in both languages."""
    require_manager(user, program)
    errors: dict[str, list[str]] = {}
    if audience not in ("mentor", "mentee"):
        errors["audience"] = [_("Choose mentor or mentee.")]
    slug = slugify(competency)[:60]
    if not slug:
        errors["competency"] = [_("Name the competency.")]
    for name, text in (("text_en", text_en), ("text_id", text_id)):
        if not (text or "").strip():
            errors[name] = [_("Write the question in both languages.")]
        elif len(text) > 300:
            errors[name] = [_("Use at most %(n)d characters.") % {"n": 300}]
        elif problem := single_line_problem(text.strip()):
            errors[name] = [problem]
    if errors:
        raise ValidationFailed(errors)
    return Question.objects.create(
        program=program,
        kind=program.kind,
        audience=audience,
        competency=slug,
        text_en=text_en.strip(),
        text_id=text_id.strip(),
        order=100 + program.questions.count(),
    )


def programme_questions(program: Program) -> QuerySet[Question]:
    """Every question the programme asks, both sides: the built-in ones of its kind and the
    managers' own, each with how many answers it has."""
    return (
        Question.objects.filter(
            Q(program=program) | Q(program__isnull=True, kind__in=["", program.kind])
        )
        .annotate(answered=Count("answers", filter=Q(answers__program=program)))
        .order_by("audience", "program_id", "order", "pk")
    )


def question_remove(user: User, program: Program, *, question_id: int) -> None:
    """A manager takes back one of their own questions, while nobody has answered it: answers
    keep the meaning of the question they were given to."""
    require_manager(user, program)
    question = Question.objects.filter(pk=question_id, program=program).first()
    if question is None:
        raise BalikError(
            _("Only the programme's own questions can be removed; the built-in ones stay."),
            code="not_yours",
        )
    if question.answers.exists():
        raise BalikError(
            _("People have answered this question, so it stays: their answers refer to it."),
            code="answered",
        )
    question.delete()
