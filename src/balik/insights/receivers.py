"""Every signal connection that keeps a stored copy or sum in step with the rows it is made
from, in one table, connected from one place (`InsightsConfig.ready`).

The health page reads sums, not raw rows: a pair's session rhythm (`insights.rhythm.Rhythm`),
the feedback tallies and the competency tallies (`insights.tallies`). They are kept by signals
rather than by calls from each service because rows also change through the Django admin, the
importer, deletions that cascade and tests' factories; a `post_save`/`post_delete` receiver sees
all of them. Each receiver sums its scope again from the rows (idempotent), so a repeated or
out-of-order call cannot drift. A receiver answering a deletion ignores one that started
further up (a mentorship, a programme, a person), which takes the sums with it.

    signal            sender           receiver                     keeps
    post_save         Agenda           mentorships.agenda_changed   Session.agenda_submitted_at,
    post_delete       Agenda           mentorships.agenda_changed     then sends sessions_changed
    post_save         Session          mentorships.session_written  sends sessions_changed
    post_delete       Session          mentorships.session_written  sends sessions_changed
    sessions_changed  (any)            rhythm.keep_rhythms          the pair's Rhythm
    post_save         Program          rhythm.program_saved         Rhythms, when the
                                                                    preparation rule changed
    post_save         SessionFeedback  tallies.feedback_written     the feedback tallies of
    post_delete       SessionFeedback  tallies.feedback_written       the pair and author
    post_save         Answer           tallies.answer_written       the competency tallies of
    post_delete       Answer           tallies.answer_written         the programme and person
    post_save         Question         tallies.question_saved       competency tallies, when a
                                                                    question changed competency

A new stored sum adds its rows here, and a test in tests/insights/test_receivers.py checks
that the table is what is connected.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from balik.feedback.models import Answer, Question, SessionFeedback
from balik.insights.rhythm import keep_rhythms, program_saved
from balik.insights.tallies import answer_written, feedback_written, question_saved
from balik.mentorships.agendas import agenda_changed
from balik.mentorships.models import Agenda, Session
from balik.mentorships.signals import session_written, sessions_changed
from balik.programs.models import Program


@dataclass(frozen=True)
class Connection:
    signal: Signal
    sender: type | None
    receiver: Any
    dispatch_uid: str
    keeps: str


CONNECTIONS: tuple[Connection, ...] = (
    Connection(
        post_save,
        Agenda,
        agenda_changed,
        "agenda-submitted-at",
        "Session.agenda_submitted_at; then sessions_changed",
    ),
    Connection(
        post_delete,
        Agenda,
        agenda_changed,
        "agenda-submitted-at",
        "Session.agenda_submitted_at; then sessions_changed",
    ),
    Connection(post_save, Session, session_written, "session-written", "sends sessions_changed"),
    Connection(post_delete, Session, session_written, "session-written", "sends sessions_changed"),
    Connection(sessions_changed, None, keep_rhythms, "keep-rhythms", "the pairs' Rhythm rows"),
    Connection(
        post_save,
        Program,
        program_saved,
        "rhythms-preparation",
        "Rhythm rows, when the programme's preparation rule changed",
    ),
    Connection(
        post_save,
        SessionFeedback,
        feedback_written,
        "tally-feedback",
        "the feedback tallies of the pair and author",
    ),
    Connection(
        post_delete,
        SessionFeedback,
        feedback_written,
        "tally-feedback",
        "the feedback tallies of the pair and author",
    ),
    Connection(
        post_save,
        Answer,
        answer_written,
        "tally-answers",
        "the competency tallies of the programme and person",
    ),
    Connection(
        post_delete,
        Answer,
        answer_written,
        "tally-answers",
        "the competency tallies of the programme and person",
    ),
    Connection(
        post_save,
        Question,
        question_saved,
        "tally-questions",
        "competency tallies, when a question moved to another competency or side",
    ),
)


def connect_all() -> None:
    for connection in CONNECTIONS:
        connection.signal.connect(
            connection.receiver,
            sender=connection.sender,
            dispatch_uid=connection.dispatch_uid,
        )
