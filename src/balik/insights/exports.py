"""A programme's data as tables for HR: pairs, sessions, feedback, outcomes and coded
self-assessment answers.

Rows are read in bulk (one query per table, iterated in chunks) and written by the pure
`exporting` module, which neutralises anything a spreadsheet could run as a formula.
Anonymous answers (feedback, self-assessments) carry nothing that joins them to a person or
to another export: managers see what was said, never who said it (`insights.disclosure`).
"""

import random
import secrets
import statistics
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, Count, F, Sum, Value, When
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from balik.core.exporting import csv_bytes, xlsx_bytes
from balik.feedback.competencies import competency_label
from balik.feedback.models import Answer, Phase, SessionFeedback
from balik.insights.anonymity import enrolment_roles, family, phase_populations
from balik.insights.disclosure import ANY, coarsen_labels
from balik.mentorships.models import Mentorship, Session, Side
from balik.people.models import Generation
from balik.programs.models import EnrolmentRole, Program

WHAT = ("pairs", "sessions", "feedback", "outcomes", "outcome-answers")
TABLES = (
    ("pairs", gettext_lazy("Pairs")),
    ("sessions", gettext_lazy("Sessions")),
    ("feedback", gettext_lazy("Feedback")),
    ("outcomes", gettext_lazy("Outcomes")),
    ("outcome-answers", gettext_lazy("Self-assessment answers (coded)")),
)
FORMATS = ("csv", "xlsx")
CHUNK = 2000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
_SHUFFLE = random.SystemRandom()


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _pairs(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        _("mentor"),
        _("mentor e-mail"),
        _("mentee"),
        _("mentee e-mail"),
        _("status"),
        _("score"),
        _("origin"),
        _("since"),
        _("ended"),
    ]
    rows = (
        [
            m.mentor.full_name,
            m.mentor.email,
            m.mentee.full_name,
            m.mentee.email,
            m.get_status_display(),
            m.score,
            m.get_origin_display(),
            _local(m.created_at),
            _local(m.ended_at),
        ]
        for m in Mentorship.objects.filter(program=program)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    return header, rows


def _sessions(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        _("mentor"),
        _("mentee"),
        _("starts"),
        _("ends"),
        _("status"),
        _("attendance"),
        _("who leads"),
        _("agenda submitted"),
    ]
    rows = (
        [
            s.mentorship.mentor.full_name,
            s.mentorship.mentee.full_name,
            _local(s.starts_at),
            _local(s.ends_at),
            s.get_status_display(),
            s.get_attendance_display(),
            s.get_leader_display(),
            _local(s.agenda.submitted_at) if hasattr(s, "agenda") else None,
        ]
        for s in Session.objects.filter(mentorship__program=program)
        .select_related("mentorship__mentor", "mentorship__mentee", "agenda")
        .order_by("starts_at", "pk")
        .iterator(chunk_size=CHUNK)
    )
    return header, rows


def _feedback(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    """Every session's ratings and comment, and nothing that joins a row to a person: no
    session time, pair or name, only the month and the side where 5 authors share them (see
    `disclosure.coarsen_labels`), in an order that is new on every export."""
    header = [
        _("period"),
        _("side"),
        _("overall"),
        _("useful"),
        _("prepared"),
        _("spoke openly and was heard"),
        _("comment"),
    ]
    zone = timezone.get_current_timezone()
    found = list(
        SessionFeedback.objects.filter(mentorship__program=program)
        .annotate(
            side=Case(
                When(author=F("mentorship__mentor"), then=Value(Side.MENTOR.value)),
                default=Value(Side.MENTEE.value),
            )
        )
        .values_list(
            "author_id",
            "session__starts_at",
            "side",
            "rating",
            "usefulness",
            "preparation",
            "psychological_safety",
            "comment",
        )
        .order_by()
        .iterator(chunk_size=CHUNK)
    )
    labels = coarsen_labels(
        [
            (author, (f"{timezone.localtime(starts_at, zone):%Y-%m}", side))
            for author, starts_at, side, *_scores in found
        ]
    )
    if labels is None:
        return header, iter(())
    side_names = {Side.MENTOR.value: _("mentor"), Side.MENTEE.value: _("mentee"), ANY: ""}
    rows = [
        [period, side_names[side], *scores]
        for (period, side), (_author, _start, _side, *scores) in zip(labels, found, strict=True)
    ]
    _SHUFFLE.shuffle(rows)
    return header, iter(rows)


def _outcomes(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    """Self-assessments as aggregates: per competency, phase and side, how many people answered
    and their mean (a person's answers to one competency averaged first). A figure is given
    only where the health page would show it: 5 people or more, and a side only when the
    other side is not a small group that "everyone" minus this side would give away."""
    header = [
        _("competency"),
        _("phase"),
        _("side"),
        _("people"),
        _("mean (1-5)"),
        _("standard deviation"),
    ]
    populations = phase_populations(program)
    # (competency, phase) -> person -> side -> (sum, count)
    sums: dict[tuple[str, str], dict[int, dict[str, list[int]]]] = {}
    for person, competency, phase, side, total, count in (
        Answer.objects.filter(program=program)
        .values_list("person_id", "question__competency", "phase", "question__audience")
        .annotate(total=Sum("value"), count=Count("pk"))
        .order_by()
        .iterator(chunk_size=CHUNK)
    ):
        by_side = sums.setdefault((competency, phase), {}).setdefault(person, {})
        for key in (side, ANY):
            kept = by_side.setdefault(key, [0, 0])
            kept[0] += total
            kept[1] += count
    sides = (
        (Side.MENTOR.value, _("mentor")),
        (Side.MENTEE.value, _("mentee")),
        (ANY, _("everyone")),
    )
    rows = []
    for competency in sorted({competency for competency, _phase in sums}):
        for phase in Phase:
            answered = sums.get((competency, phase.value), {})
            shown = family(populations.get((competency, phase.value), []))
            for side, side_name in sides:
                means = [
                    total / count
                    for by_side in answered.values()
                    for total, count in [by_side.get(side, (0, 0))]
                    if count
                ]
                visible = shown.shown((ANY, ANY, ANY, side))
                rows.append(
                    [
                        competency_label(competency),
                        phase.label,
                        side_name,
                        len(means),
                        round(statistics.fmean(means), 2) if visible else None,
                        round(statistics.stdev(means), 2) if visible and len(means) > 1 else None,
                    ]
                )
    return header, iter(rows)


def _outcome_answers(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    """Each person's self-assessment answers under a code drawn anew on every export, so two
    exports cannot be joined; side, department and generation only where 5 people of the
    export share them. Nothing when fewer than 5 people answered."""
    header = [
        _("code"),
        _("side"),
        _("department"),
        _("generation"),
        _("competency"),
        _("question"),
        _("phase"),
        _("answer (1-5)"),
    ]
    language = get_language()
    answers: dict[int, list[Answer]] = {}
    for answer in (
        Answer.objects.filter(program=program)
        .select_related("person", "question")
        .order_by("question__order", "question_id", "phase")
        .iterator(chunk_size=CHUNK)
    ):
        answers.setdefault(answer.person_id, []).append(answer)
    roles = enrolment_roles(program)
    respondents = list(answers)
    _SHUFFLE.shuffle(respondents)
    labels = coarsen_labels(
        [
            (
                person,
                (
                    roles.get(person, ""),
                    answers[person][0].person.department,
                    answers[person][0].person.generation or ANY,
                ),
            )
            for person in respondents
        ]
    )
    if labels is None:
        return header, iter(())
    codes = _fresh_codes(len(respondents))
    role_names = dict(EnrolmentRole.choices)
    generations = dict(Generation.choices)
    phases = dict(Phase.choices)
    rows = [
        [
            code,
            role_names.get(role, ""),
            department,
            generations.get(generation, ""),
            competency_label(answer.question.competency),
            answer.question.text_in(language),
            phases[answer.phase],
            answer.value,
        ]
        for code, person, (role, department, generation) in zip(
            codes, respondents, labels, strict=True
        )
        for answer in answers[person]
    ]
    return header, iter(rows)


def _fresh_codes(count: int) -> list[str]:
    """Distinct random codes such as R-7KQ3XD, drawn anew for each export."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("R-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6)))
    return list(codes)


BUILDERS = {
    "pairs": _pairs,
    "sessions": _sessions,
    "feedback": _feedback,
    "outcomes": _outcomes,
    "outcome-answers": _outcome_answers,
}


def export(program: Program, what: str, file_format: str) -> tuple[bytes, str, str]:
    """(content, file name, content type) of one table in CSV or XLSX."""
    if what not in BUILDERS:
        raise ValueError(f"what must be one of {', '.join(WHAT)}")
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    header, rows = BUILDERS[what](program)
    name = f"{program.slug}-{what}-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "csv":
        return csv_bytes(header, rows), name, "text/csv; charset=utf-8"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return xlsx_bytes(what, header, rows), name, content_type
