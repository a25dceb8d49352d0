"""A programme's data as tables for HR: pairs, sessions, feedback, outcomes.

Rows are read in bulk (one query per table, iterated in chunks) and written by the pure
`exporting` module, which neutralises anything a spreadsheet could run as a formula. Feedback
leaves names out: managers see what was said, not who said it.
"""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from balik.feedback.models import Answer, SessionFeedback
from balik.insights.exporting import csv_bytes, xlsx_bytes
from balik.mentorships.models import Mentorship, Session
from balik.programs.models import Program

WHAT = ("pairs", "sessions", "feedback", "outcomes")
FORMATS = ("csv", "xlsx")
CHUNK = 2000


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
    header = [
        _("session date"),
        _("side"),
        _("overall"),
        _("useful"),
        _("prepared"),
        _("spoke openly and was heard"),
        _("comment"),
    ]
    rows = (
        [
            _local(f.session.starts_at),
            _("mentor") if f.author_id == f.session.mentorship.mentor_id else _("mentee"),
            f.rating,
            f.usefulness,
            f.preparation,
            f.psychological_safety,
            f.comment,
        ]
        for f in SessionFeedback.objects.filter(mentorship__program=program)
        .select_related("session__mentorship")
        .order_by("session__starts_at", "pk")
        .iterator(chunk_size=CHUNK)
    )
    return header, rows


def _outcomes(program: Program) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("person"), _("competency"), _("question"), _("phase"), _("answer (1-5)")]
    rows = (
        [
            a.person.full_name,
            a.question.competency,
            a.question.text_en,
            a.get_phase_display(),
            a.value,
        ]
        for a in Answer.objects.filter(program=program)
        .select_related("person", "question")
        .order_by("person__full_name", "question__order", "phase")
        .iterator(chunk_size=CHUNK)
    )
    return header, rows


BUILDERS = {"pairs": _pairs, "sessions": _sessions, "feedback": _feedback, "outcomes": _outcomes}


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
