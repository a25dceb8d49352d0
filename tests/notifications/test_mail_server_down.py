"""With the mail server down, publishing a matching run and booking a session answer as usual:
their changes and their messages are committed (the messages pending in the outbox), and once
the server is up the worker delivers each message exactly once. Against a real SMTP server
(aiosmtpd) on a loopback port that is closed at first."""

from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from balik.matching import services as matching
from balik.mentorships.models import Mentorship, SessionStatus
from balik.mentorships.sessions import session_propose
from balik.notifications.models import EmailStatus, Kind, Notification
from balik.notifications.services import emails_deliver
from tests.mentorships.builders import flipped_pair
from tests.notifications.worker_process import CountingHandler, free_port
from tests.programs.builders import enrolling_program, reverse_population

# on_commit callbacks run for real (a transactional test): on the old code the mail was sent
# from one of them, inside the request
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_port():
    """A loopback port nothing listens on, which the mail settings point at."""
    port = free_port()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=2,
    ):
        yield port


def start_mail_server(port: int):
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return handler, controller


def deliver_everything_due() -> None:
    """Worker rounds, an hour on (past any back-off), until nothing more is sent."""
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        while emails_deliver():
            pass


def waiting_for_email() -> dict[str, int]:
    # the enrolment invitations were sent before the server went down
    rows = Notification.objects.filter(wants_email=True).exclude(
        kind__in=[Kind.INVITATION, Kind.FIRST_SIGN_IN]
    )
    return {
        "all": rows.count(),
        "sent": rows.filter(email_status=EmailStatus.SENT).count(),
    }


def published_programme(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    reverse_population(program, 4, manager_user=program_manager.user)
    return program


@pytest.mark.parametrize("through", ["service", "web"])
def test_publishing_with_the_mail_server_down_answers_and_the_worker_delivers_later(
    client, program_manager, mail_port, through
):
    program = published_programme(program_manager)
    run = matching.run_start(program_manager.user, program)
    if through == "service":
        created = matching.run_publish(program_manager.user, run).created
        assert len(created) == 4
    else:
        client.force_login(program_manager.user)
        response = client.post(
            reverse("programs:matching-publish", args=[program.slug]),
            {"confirm": "1", "run": run.pk},
        )
        assert response.status_code == 302
        assert response.url == reverse("programs:matching", args=[program.slug])
    assert Mentorship.objects.filter(program=program).count() == 4
    matched = Notification.objects.filter(kind=Kind.MATCHED)
    assert matched.count() == 8
    assert set(matched.values_list("email_status", flat=True)) == {EmailStatus.PENDING}

    assert emails_deliver() == 0  # the worker, while the server is still down: nothing lost
    assert waiting_for_email() == {"all": 8, "sent": 0}

    handler, controller = start_mail_server(mail_port)
    try:
        deliver_everything_due()
    finally:
        controller.stop()
    assert waiting_for_email() == {"all": 8, "sent": 8}
    assert set(handler.by_message_id) == set(matched.values_list("message_id", flat=True))
    assert set(handler.by_message_id.values()) == {1}
    people = {m.mentor.email for m in Mentorship.objects.all()}
    people |= {m.mentee.email for m in Mentorship.objects.all()}
    assert set(handler.by_recipient) == people
    assert set(handler.by_recipient.values()) == {1}


def test_booking_with_the_mail_server_down_answers_and_the_worker_delivers_later(
    client, program_manager, mail_port
):
    pair = flipped_pair(program_manager)
    start = (timezone.now() + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    session = session_propose(pair.mentee.user, pair, starts=[start])
    client.force_login(pair.mentor.user)
    response = client.post(
        reverse("mentorships:act", args=[pair.pk, "accept"]),
        {"session": session.pk, "option": session.options.get().pk},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED
    booked = Notification.objects.filter(kind=Kind.SESSION_BOOKED)
    assert booked.count() == 2
    assert set(booked.values_list("email_status", flat=True)) == {EmailStatus.PENDING}

    assert emails_deliver() == 0
    assert waiting_for_email()["sent"] == 0

    handler, controller = start_mail_server(mail_port)
    try:
        deliver_everything_due()
    finally:
        controller.stop()
    counts = waiting_for_email()  # the proposal's notice and both booking notices
    assert counts["sent"] == counts["all"] == 3
    assert set(handler.by_message_id.values()) == {1}
    assert handler.with_invite == 2
    assert sorted(handler.by_recipient.elements()) == sorted(
        [pair.mentor.email, pair.mentor.email, pair.mentee.email]
    )
