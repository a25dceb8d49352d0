"""A person's own answers, everywhere they gave them: the one place where answers come with
names and dates, because they are the reader's own."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from balik.feedback.competencies import competency_label
from balik.feedback.models import Answer, Phase, ProgramEvaluation, SessionFeedback
from balik.people.models import Person


@dataclass(frozen=True)
class OwnAnswer:
    kind: str  # session feedback, programme evaluation or self-assessment, translated
    program: str
    given_at: datetime
    about: str  # the session (with whom), the evaluation, or the self-assessment's phase
    question: str
    answer: int | str


def own_answers(person: Person, language: str) -> list[OwnAnswer]:
    """Everything `person` answered, newest first, the answers to one thing together; three
    queries whatever the number."""
    found: list[OwnAnswer] = []
    feedback_kind = _("Session feedback")
    scores = (
        ("rating", _("Overall")),
        ("usefulness", _("How useful it was")),
        ("preparation", _("How well it was prepared")),
        ("psychological_safety", _("I could speak openly and was heard")),
    )
    for given in SessionFeedback.objects.filter(author=person).select_related(
        "session", "mentorship__program", "mentorship__mentor", "mentorship__mentee"
    ):
        pair = given.mentorship
        partner = pair.mentee if pair.mentor_id == person.pk else pair.mentor
        about = _("Session of %(date)s with %(partner)s") % {
            "date": date_format(timezone.localtime(given.session.starts_at), "DATE_FORMAT"),
            "partner": partner.full_name,
        }
        answers = [(label, getattr(given, name)) for name, label in scores]
        if given.comment:
            answers.append((_("Comment"), given.comment))
        found += [
            OwnAnswer(feedback_kind, pair.program.name, given.created_at, about, label, value)
            for label, value in answers
        ]
    evaluation_kind = _("Programme evaluation")
    for evaluation in ProgramEvaluation.objects.filter(person=person).select_related("program"):
        answers = [
            (_("Satisfaction (1-5)"), evaluation.satisfaction),
            (_("Would recommend (0-10)"), evaluation.recommend),
        ]
        if evaluation.improve:
            answers.append((_("What to improve"), evaluation.improve))
        found += [
            OwnAnswer(
                evaluation_kind,
                evaluation.program.name,
                evaluation.created_at,
                _("End of the programme"),
                label,
                value,
            )
            for label, value in answers
        ]
    assessment_kind = _("Self-assessment")
    phases = dict(Phase.choices)
    for answer in Answer.objects.filter(person=person).select_related("program", "question"):
        found.append(
            OwnAnswer(
                assessment_kind,
                answer.program.name,
                answer.created_at,
                _("Self-assessment: %(phase)s") % {"phase": phases[answer.phase]},
                f"{competency_label(answer.question.competency)}: "
                f"{answer.question.text_in(language)}",
                answer.value,
            )
        )
    # grouped by what they answer (one session, one evaluation, one phase), newest first
    latest: dict[tuple[str, str, str], datetime] = {}
    for own in found:
        key = (own.kind, own.program, own.about)
        latest[key] = max(latest.get(key, own.given_at), own.given_at)
    found.sort(
        key=lambda own: (
            latest[own.kind, own.program, own.about],
            own.kind,
            own.program,
            own.about,
        ),
        reverse=True,
    )
    return found
