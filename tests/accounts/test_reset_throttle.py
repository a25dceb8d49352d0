"""Password reset e-mails are limited per account and per address; the page answers the same
either way, so nobody learns which addresses have accounts or who is being flooded."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from balik.notifications.services import emails_deliver
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIMITS = override_settings(
    BALIK_RESET_EMAILS_PER_ACCOUNT_PER_HOUR=3, BALIK_RESET_REQUESTS_PER_ADDRESS_PER_HOUR=10
)


def without_tokens(page) -> str:
    """The page as a person reads it: the CSRF token differs on every answer."""
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", page.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def ask_for_reset(client, email: str, address: str = "192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@LIMITS
def test_an_account_gets_at_most_three_reset_emails_an_hour(client, participant):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = [
            ask_for_reset(client, participant.user.email, f"10.0.0.{number}")
            for number in range(15)
        ]
        emails_deliver()
        assert len(mail.outbox) == 3
        assert {(answer.status_code, answer.url) for answer in answers} == {
            (302, reverse("password_reset_done"))
        }
        clock.shift(timedelta(hours=1, seconds=1))
        ask_for_reset(client, participant.user.email.upper(), "10.0.1.1")
        emails_deliver()
        assert len(mail.outbox) == 4


@LIMITS
def test_one_address_may_ask_only_so_often(client):
    people = PersonFactory.create_batch(12)
    with time_machine.travel(timezone.now(), tick=False):
        for person in people:
            assert ask_for_reset(client, person.user.email, "198.51.100.4").status_code == 302
        emails_deliver()
        assert len(mail.outbox) == 10
        ask_for_reset(client, people[-1].user.email, "198.51.100.5")
        emails_deliver()
        assert len(mail.outbox) == 11


@LIMITS
def test_unknown_addresses_count_against_the_asking_address_too(client, participant):
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(10):
            ask_for_reset(client, f"nobody{number}@example.id", "198.51.100.9")
        ask_for_reset(client, participant.user.email, "198.51.100.9")
        emails_deliver()
        assert mail.outbox == []


@LIMITS
def test_the_answer_is_the_same_whether_sent_limited_or_unknown(client, participant):
    with time_machine.travel(timezone.now(), tick=False):
        sent = ask_for_reset(client, participant.user.email, "10.0.0.1")
        for number in range(3):
            ask_for_reset(client, participant.user.email, f"10.0.0.{number + 2}")
        limited = ask_for_reset(client, participant.user.email, "10.0.0.9")
        unknown = ask_for_reset(client, "nobody@example.id", "10.0.0.10")
        emails_deliver()
        assert len(mail.outbox) == 3
        pages = [without_tokens(client.get(answer.url)) for answer in (sent, limited, unknown)]
        assert sent.url == limited.url == unknown.url
        assert pages[0] == pages[1] == pages[2]


@LIMITS
def test_the_limit_holds_across_server_processes(client, participant):
    """The counts are in the database, not in one worker's memory: a fresh cache changes
    nothing."""
    from django.core.cache import cache

    with time_machine.travel(timezone.now(), tick=False):
        for number in range(5):
            ask_for_reset(client, participant.user.email, f"10.0.2.{number}")
            cache.clear()
        emails_deliver()
        assert len(mail.outbox) == 3
