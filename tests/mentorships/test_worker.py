"""`balik worker --once`: one round creates the reminders due, delivers the e-mails due (plain
calls: nothing piles up in the task queue) and runs the queued tasks, requeueing those a killed
worker left running."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from balik.mentorships.notes import action_add
from balik.notifications.models import EmailStatus, Notification
from balik.notifications.services import EMAIL_FIRST_RETRY, notify
from tests.factories import UserFactory
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_worker_round_sends_due_reminders_once(program_manager):
    pair = flipped_pair(program_manager)
    action_add(
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

    # reminders and delivery are the worker's own calls: no task queued each round
    assert DBTaskResult.objects.count() == 0
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
        notify(
            user,
            "nudge",
            dedupe_key=f"nudge:{user.pk}",
            render=lambda: ("A nudge", "Meet soon"),
            url="/",
        )
    with override_settings(
        TASKS=DATABASE_TASKS, EMAIL_BACKEND="tests.mail_backends.RefusingBackend"
    ):
        call_command("worker", "--once")
        call_command("worker", "--once")
        with time_machine.travel(timezone.now() + EMAIL_FIRST_RETRY + timedelta(seconds=5)):
            call_command("worker", "--once")
    from django_tasks_db.models import DBTaskResult

    # every round finished its work: the failing message is the message's problem, not the round's
    assert DBTaskResult.objects.count() == 0
    assert sorted(a for m in mail.outbox for a in m.to) == ["a@example.id", "b@example.id"]
    refused = Notification.objects.get(recipient=users[1])
    assert refused.email_status == EmailStatus.RETRYING
    assert refused.email_attempts == 2  # tried in round one, waited, tried again in round three
    assert "No such mailbox" in refused.email_error


def test_the_worker_refuses_a_bad_interval():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("worker", "--interval", "0")


def test_a_task_left_running_by_a_killed_worker_is_run_again_after_the_timeout(settings):
    from django_tasks_db.models import DBTaskResult

    from balik.matching.tasks import run_matching

    with override_settings(TASKS=DATABASE_TASKS):
        result = run_matching.enqueue(0)
        started = timezone.now() - timedelta(seconds=settings.BALIK_TASK_TIMEOUT_SECONDS - 60)
        # a worker claimed it and was killed: RUNNING for ever, as django-tasks leaves it
        DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started)
        call_command("worker", "--once")
        assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"  # not yet timed out
        with time_machine.travel(timezone.now() + timedelta(seconds=61)):
            call_command("worker", "--once")
        task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == "SUCCESSFUL" and task.return_value == "skipped"
