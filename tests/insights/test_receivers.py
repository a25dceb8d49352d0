"""The one table of signal connections that keep the health sums is what is connected."""

from django.db.models.signals import post_delete, post_save

from balik.feedback.models import Answer, Question, SessionFeedback
from balik.insights.receivers import CONNECTIONS
from balik.mentorships.models import Agenda, Session
from balik.mentorships.signals import sessions_changed
from balik.programs.models import Program


def connected(signal, sender, receiver) -> bool:
    return any(found is receiver for found in signal._live_receivers(sender)[0])


def test_every_connection_in_the_table_is_live():
    assert len(CONNECTIONS) == 11
    for connection in CONNECTIONS:
        sender = connection.sender or object
        assert connected(connection.signal, sender, connection.receiver), connection


def test_each_watched_model_has_exactly_the_receivers_the_table_lists():
    table = {(c.signal, c.sender): {c.receiver} for c in CONNECTIONS}
    for signal in (post_save, post_delete):
        for model in (Agenda, Session, Program, SessionFeedback, Answer, Question):
            ours = {
                receiver
                for receiver in signal._live_receivers(model)[0]
                if getattr(receiver, "__module__", "").startswith(
                    ("balik.insights", "balik.mentorships")
                )
            }
            assert ours == table.get((signal, model), set()), (signal, model)
    assert set(sessions_changed._live_receivers(object)[0]) == table[(sessions_changed, None)]
