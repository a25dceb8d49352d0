"""E-mail delivery isolates each message: one that cannot be sent is recorded with its reason,
retried with back-off and finally given up, and never stops the others; each is marked sent as
soon as it is sent."""

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from balik.notifications import services
from balik.notifications.models import EmailStatus, Notification
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.mail_backends import DyingBackend, WorkerKilled

pytestmark = pytest.mark.django_db
REFUSING = override_settings(EMAIL_BACKEND="tests.mail_backends.RefusingBackend")


def notice_for(user, key: str, title: str = "Agenda due") -> Notification:
    return services.notify(
        user,
        "agenda_due",
        dedupe_key=key,
        render=lambda: (title, "Write it"),
        url="/mentorships/1/",
    )


def people_with_one_refused(count: int = 5, refused_at: int = 2) -> list:
    """`count` people; the one at `refused_at` has an address the mail server refuses."""
    return [
        UserFactory(email=f"refused{n}@example.id" if n == refused_at else f"ok{n}@example.id")
        for n in range(count)
    ]


def delivered() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@REFUSING
def test_one_message_that_cannot_be_sent_never_stops_the_others():
    users = people_with_one_refused()
    notices = [notice_for(user, f"k{n}") for n, user in enumerate(users)]
    now = timezone.now()
    assert services.emails_deliver() == 4
    # every other message delivered exactly once
    assert delivered() == sorted(u.email for u in users if not u.email.startswith("refused"))
    bad = Notification.objects.get(pk=notices[2].pk)
    assert bad.email_status == EmailStatus.RETRYING
    assert bad.emailed_at is None and bad.email_attempts == 1
    assert "No such mailbox" in bad.email_error and "refused2@example.id" in bad.email_error
    assert now + services.EMAIL_FIRST_RETRY <= bad.email_next_attempt_at
    assert bad.email_next_attempt_at <= timezone.now() + services.EMAIL_FIRST_RETRY
    sent = Notification.objects.exclude(pk=bad.pk)
    assert set(sent.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    assert all(n.emailed_at for n in sent)
    # the next round resends nothing and does not retry before the back-off has passed
    assert services.emails_deliver() == 0
    assert len(mail.outbox) == 4
    assert Notification.objects.get(pk=bad.pk).email_attempts == 1


@REFUSING
def test_a_failed_message_is_retried_with_growing_delays_then_given_up():
    [user] = people_with_one_refused(count=1, refused_at=0)
    notice = notice_for(user, "k")
    delays = []
    for attempt in range(1, services.EMAIL_MAX_ATTEMPTS + 1):
        notice.refresh_from_db()
        due = notice.email_next_attempt_at or timezone.now()
        with time_machine.travel(due - timedelta(seconds=1)):
            assert services.emails_deliver() == 0  # not yet due: untouched
        with time_machine.travel(due + timedelta(seconds=1)):
            assert services.emails_deliver() == 0
            notice.refresh_from_db()
            assert notice.email_attempts == attempt
            if notice.email_next_attempt_at:
                delays.append(notice.email_next_attempt_at - timezone.now())
    first = services.EMAIL_FIRST_RETRY
    assert [round(delay / first) for delay in delays] == [1, 2, 4, 8, 16, 32, 64]
    assert notice.email_status == EmailStatus.FAILED  # failed permanently
    assert notice.email_next_attempt_at is None and "No such mailbox" in notice.email_error
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert services.emails_deliver() == 0
    notice.refresh_from_db()
    assert notice.email_attempts == services.EMAIL_MAX_ATTEMPTS
    assert mail.outbox == []


def test_a_retry_that_succeeds_is_sent_once_and_clears_the_reason():
    [user] = people_with_one_refused(count=1, refused_at=0)
    notice = notice_for(user, "k")
    with REFUSING:
        services.emails_deliver()
    User = type(user)
    User.objects.filter(pk=user.pk).update(email="fixed@example.id")  # the address is mended
    notice.refresh_from_db()
    with time_machine.travel(notice.email_next_attempt_at + timedelta(seconds=1)):
        assert services.emails_deliver() == 1
        assert services.emails_deliver() == 0
    notice.refresh_from_db()
    assert (notice.email_status, notice.email_attempts, notice.email_error) == (
        EmailStatus.SENT,
        2,
        "",
    )
    assert delivered() == ["fixed@example.id"]


def test_a_line_break_already_stored_in_a_title_cannot_stop_delivery():
    """A row written before names were checked: its e-mail goes out with a one-line subject
    and no header injected."""
    users = [UserFactory(email=f"p{n}@example.id") for n in range(3)]
    for n, user in enumerate(users):
        notice_for(user, f"k{n}")
    Notification.objects.filter(recipient=users[0]).update(
        title="Name\nBcc: x@example.com proposed session times", texts={}
    )
    assert services.emails_deliver() == 3
    [injected] = [m for m in mail.outbox if m.to == ["p0@example.id"]]
    assert injected.subject == "Name Bcc: x@example.com proposed session times"
    rendered = injected.message()
    assert rendered["Bcc"] is None
    assert injected.recipients() == ["p0@example.id"]
    assert delivered() == ["p0@example.id", "p1@example.id", "p2@example.id"]


def test_a_new_notice_title_is_kept_on_one_line():
    user = UserFactory()
    notice = notice_for(user, "k", title="Name\r\nBcc: x@example.com\x00 proposed")
    assert notice.title == "Name Bcc: x@example.com proposed"


@override_settings(EMAIL_BACKEND="tests.mail_backends.DyingBackend")
def test_each_message_is_marked_sent_as_soon_as_it_is_sent():
    """The worker dies while sending the third message: the first two are already marked, the
    third is left `sending` under its lease (committed before the mail server was asked) and is
    sent again only once the lease has run out, under the same Message-ID."""
    users = [UserFactory(email=f"p{n}@example.id") for n in range(5)]
    for n, user in enumerate(users):
        notice_for(user, f"k{n}")
    DyingBackend.delivered, DyingBackend.survives = 0, 2
    with pytest.raises(WorkerKilled):
        services.emails_deliver(worker="killed")
    assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == 2
    in_flight = Notification.objects.get(email_status=EmailStatus.SENDING)
    assert in_flight.email_claimed_by == "killed" and in_flight.email_attempts == 1
    DyingBackend.survives = 100
    assert services.emails_deliver() == 2  # the one in flight waits for its lease to end
    assert delivered() == sorted(u.email for u in users if u.email != in_flight.recipient.email)
    with time_machine.travel(timezone.now() + services.email_lease() + timedelta(seconds=1)):
        assert services.emails_deliver() == 1
    assert delivered() == [user.email for user in users]  # each exactly once
    in_flight.refresh_from_db()
    assert in_flight.email_status == EmailStatus.SENT and in_flight.email_attempts == 2
    assert [
        m.extra_headers["Message-ID"] for m in mail.outbox if m.to == [in_flight.recipient.email]
    ] == [in_flight.message_id]


@override_settings(EMAIL_BACKEND="tests.mail_backends.DyingBackend")
def test_a_message_that_kills_its_worker_every_time_is_given_up():
    """Each claim counts as an attempt: a message whose sending kills the worker is failed with
    the reason after EMAIL_MAX_ATTEMPTS claims, and the others still go."""
    poison, other = UserFactory(email="poison@example.id"), UserFactory(email="ok@example.id")
    notice_for(poison, "poison")
    DyingBackend.delivered, DyingBackend.survives = 0, 0
    moment = timezone.now()
    for _attempt in range(services.EMAIL_MAX_ATTEMPTS):
        with time_machine.travel(moment), pytest.raises(WorkerKilled):
            services.emails_deliver()
        moment += services.email_lease() + timedelta(seconds=1)
    notice_for(other, "other")
    DyingBackend.survives = 100
    with time_machine.travel(moment):
        assert services.emails_deliver() == 1
    given_up = Notification.objects.get(recipient=poison)
    assert given_up.email_status == EmailStatus.FAILED
    assert "stopped while sending" in given_up.email_error
    assert given_up in services.failed_emails()
    assert delivered() == ["ok@example.id"]


def test_a_session_invite_is_attached_at_every_attempt_under_one_message_id():
    """The invite is rendered into the row when the notice is written; the worker attaches it,
    at a retry too (the caller no longer sends it itself)."""
    user = UserFactory(email="p0@example.id")
    invite = ("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")
    notice = services.notify(
        user,
        "session_booked",
        dedupe_key="k0",
        render=lambda: ("Booked", ""),
        url="/",
        attach=lambda: invite,
    )
    with REFUSING:
        user.email = "refused@example.id"
        user.save(update_fields=["email"])
        assert services.emails_deliver() == 0
        user.email = "p0@example.id"
        user.save(update_fields=["email"])
    with time_machine.travel(timezone.now() + services.EMAIL_FIRST_RETRY + timedelta(seconds=1)):
        assert services.emails_deliver() == 1
    [message] = mail.outbox
    assert [tuple(attachment) for attachment in message.attachments] == [invite]
    assert message.extra_headers["Message-ID"] == notice.message_id


def test_a_mail_server_that_never_answers_fails_the_round_quickly_and_is_recorded(settings):
    """The server accepts the connection and says nothing: the first message is recorded as
    failed after EMAIL_TIMEOUT, and the round stops there instead of trying every message."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 0.5
    users = [UserFactory(email=f"p{n}@example.id") for n in range(3)]
    for n, user in enumerate(users):
        notice_for(user, f"k{n}")
    try:
        started = time.monotonic()
        assert services.emails_deliver() == 0
        assert time.monotonic() - started < 5
    finally:
        silent.close()
    first, *others = Notification.objects.order_by("pk")
    assert first.email_status == EmailStatus.RETRYING and "timed out" in first.email_error
    assert [n.email_status for n in others] == [EmailStatus.PENDING] * 2  # untouched


def test_the_batch_limit_is_respected_and_the_rest_go_next_round():
    users = [UserFactory() for _ in range(3)]
    for n, user in enumerate(users):
        notice_for(user, f"k{n}")
    assert services.emails_deliver(limit=2) == 2
    assert services.emails_deliver(limit=2) == 1
    assert len(mail.outbox) == 3


def test_nothing_is_sent_for_a_notice_nobody_wants_by_email():
    user = UserFactory()
    services.preferences_set(user, {"agenda_due": (True, False)})
    notice = notice_for(user, "k")
    assert notice.email_status == EmailStatus.NOT_WANTED
    assert services.emails_deliver() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: two workers cannot overlap there")
    users = [UserFactory(email=f"p{n}@example.id") for n in range(30)]
    for n, user in enumerate(users):
        notice_for(user, f"k{n}")
    outcomes = at_once([services.emails_deliver] * 2, done="delivered")
    assert outcomes == ["delivered", "delivered"], outcomes
    assert delivered() == sorted(user.email for user in users)
    assert Notification.objects.filter(email_status=EmailStatus.SENT).count() == 30


@REFUSING
def test_the_admin_lists_failed_deliveries_and_sends_them_again(client):
    [user] = people_with_one_refused(count=1, refused_at=0)
    notice = notice_for(user, "k")
    services.emails_deliver()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(
        "/admin/notifications/notification/", {"email_status__exact": EmailStatus.RETRYING}
    )
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "refused0@example.id" in page and "No such mailbox" in page
    empty = client.get(
        "/admin/notifications/notification/", {"email_status__exact": EmailStatus.SENT}
    )
    assert "refused0@example.id" not in empty.content.decode()
    assert client.get(f"/admin/notifications/notification/{notice.pk}/change/").status_code == 200
    client.post(
        "/admin/notifications/notification/",
        {"action": "send_again", "_selected_action": [notice.pk]},
    )
    notice.refresh_from_db()
    assert (notice.email_status, notice.email_attempts, notice.email_next_attempt_at) == (
        EmailStatus.PENDING,
        0,
        None,
    )


@REFUSING
def test_org_admins_see_failed_emails_without_their_text_and_send_them_again(
    client, org_admin, participant
):
    [user] = people_with_one_refused(count=1, refused_at=0)
    notice = notice_for(user, "k", title="How is “Private goal” going?")
    services.emails_deliver()
    url = reverse("notifications:failed")
    client.force_login(participant.user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(org_admin.user)
    page = client.get(url).content.decode()
    assert "refused0@example.id" in page and "No such mailbox" in page
    assert "Private goal" not in page  # the notice's text belongs to its recipient
    assert (
        "E-mails that could not be delivered"
        in client.get(reverse("notifications:inbox")).content.decode()
    )
    assert client.post(url, {"notice": ["x", "9" * 30]}).status_code == 302  # ignored
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.RETRYING
    client.post(url, {"notice": [notice.pk]})
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.PENDING
    services.emails_deliver()  # refused again
    client.post(url)  # "Send all again"
    notice.refresh_from_db()
    assert (notice.email_status, notice.email_attempts) == (EmailStatus.PENDING, 0)


def test_the_failed_emails_page_reads_in_a_fixed_number_of_queries(client, org_admin):
    client.force_login(org_admin.user)
    url = reverse("notifications:failed")

    def queries_with(count: int) -> int:
        for user in [UserFactory() for _ in range(count)]:
            Notification.objects.filter(pk=notice_for(user, f"k{user.pk}").pk).update(
                email_status=EmailStatus.FAILED, email_error="550 No such mailbox"
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(20)
