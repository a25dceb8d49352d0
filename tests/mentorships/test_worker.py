"""`balik worker --once`: one round queues the reminder sweep and e-mail delivery and runs them
from the database queue, as in production."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from balik.mentorships import services
from balik.notifications.models import EmailStatus, Notification
from balik.notifications.services import EMAIL_FIRST_RETRY, notify
from tests.factories import UserFactory
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_worker_round_sends_due_reminders_once(program_manager):
    pair = flipped_pair(program_manager)
    services.add_action(
        pair.mentee.user,
        pair,
        title="Send the deck",
        owner_id=None,
        due_date=timezone.localdate() + timedelta(days=1),
    )
    with override_settings(TASKS=DATABASE_TASKS):  # django-tasks re-reads TASKS on the signal
        call_command("worker", "--once")
        call_command("worker", "--once")
    from django_tasks_db.models import DBTaskResult

    # the work went through the database queue: two rounds, two tasks each, all done
    assert DBTaskResult.objects.count() == 4
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    notices = Notification.objects.filter(kind="action_due")
    assert notices.count() == 1
    assert notices.get().emailed_at is not None
    assert [m.subject for m in mail.outbox].count(notices.get().title) == 1


def test_a_worker_round_keeps_delivering_when_one_message_cannot_be_sent():
    users = [
        UserFactory(email=address)
        for address in ("a@example.id", "refused@example.id", "b@example.id")
    ]
    for user in users:
        notify(user, "nudge", f"nudge:{user.pk}", lambda: ("A nudge", "Meet soon"), "/")
    with override_settings(
        TASKS=DATABASE_TASKS, EMAIL_BACKEND="tests.mail_backends.RefusingBackend"
    ):
        call_command("worker", "--once")
        call_command("worker", "--once")
        with time_machine.travel(timezone.now() + EMAIL_FIRST_RETRY + timedelta(seconds=5)):
            call_command("worker", "--once")
    from django_tasks_db.models import DBTaskResult

    # every round finished its work: the failing message is the message's problem, not the round's
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert sorted(a for m in mail.outbox for a in m.to) == ["a@example.id", "b@example.id"]
    refused = Notification.objects.get(recipient=users[1])
    assert refused.email_status == EmailStatus.RETRYING
    assert refused.email_attempts == 2  # tried in round one, waited, tried again in round three
    assert "No such mailbox" in refused.email_error


def test_the_worker_refuses_a_bad_interval():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("worker", "--interval", "0")
