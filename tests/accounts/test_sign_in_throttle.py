"""Guessing one account's password from many addresses is slowed down, with delays that grow,
without ever locking the real person out for long; behind a proxy, the address is the one the
proxy saw."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

THROTTLED = override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=3,
    BALIK_LOGIN_ACCOUNT_FREE_FAILURES=6,
    BALIK_LOGIN_ACCOUNT_MAX_DELAY_SECONDS=300,
)


def sign_in(client, email: str, password: str, address: str, **headers):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def guess_from_many_addresses(client, email: str, count: int, first: int = 0) -> None:
    for number in range(first, first + count):
        response = sign_in(client, email, "wrong guess", f"10.1.{number // 250}.{number % 250}")
        assert response.status_code == 200, number  # a wrong password, not yet slowed down


@THROTTLED
def test_guesses_from_many_addresses_are_slowed_down(client, participant, password):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses(client, email, 6)
        slowed = sign_in(client, email, password, "192.0.2.50")
        assert slowed.status_code == 429
        text = slowed.content.decode()
        assert "Wait 2 seconds" in text
        assert slowed["Retry-After"] == "2"
        assert "_auth_user_id" not in client.session


@THROTTLED
def test_the_real_person_signs_in_from_another_address_after_the_delay(
    client, participant, password
):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_from_many_addresses(client, email, 6)
        clock.shift(timedelta(seconds=2))
        signed_in = sign_in(client, email, password, "192.0.2.77")
        assert signed_in.status_code == 302
        assert client.session["_auth_user_id"] == str(participant.user.pk)


@THROTTLED
def test_each_further_failure_doubles_the_delay_up_to_a_cap(client, participant):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_from_many_addresses(client, email, 6)
        waits = []
        for number in range(12):
            refused = sign_in(client, email, "still wrong", f"172.16.0.{number}")
            assert refused.status_code == 429
            wait = int(refused["Retry-After"])
            waits.append(wait)
            clock.shift(timedelta(seconds=wait))
            checked = sign_in(client, email, "still wrong", f"172.16.1.{number}")
            assert checked.status_code == 200  # the password was checked, and was wrong
        assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]


@THROTTLED
def test_attempts_refused_during_a_delay_do_not_lengthen_it(client, participant, password):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_from_many_addresses(client, email, 6)
        for number in range(20):
            assert sign_in(client, email, "spam", f"198.51.100.{number}").status_code == 429
        clock.shift(timedelta(seconds=2))
        assert sign_in(client, email, password, "203.0.113.9").status_code == 302


@THROTTLED
def test_another_account_is_not_slowed_down(client, participant, other_participant, password):
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses(client, participant.user.email, 6)
        other = sign_in(client, other_participant.user.email, password, "10.1.0.3")
        assert other.status_code == 302


@THROTTLED
def test_a_success_starts_the_count_again(client, participant, password):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses(client, email, 5)
        assert sign_in(client, email, password, "192.0.2.1").status_code == 302
        client.logout()
        guess_from_many_addresses(client, email, 5, first=100)
        assert sign_in(client, email, password, "192.0.2.2").status_code == 302


@THROTTLED
def test_failures_are_forgotten_after_a_quiet_day(client, participant, password):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        guess_from_many_addresses(client, email, 6)
        clock.shift(timedelta(hours=24, seconds=1))
        guess_from_many_addresses(client, email, 5, first=100)


@THROTTLED
def test_the_delay_message_is_translated(client, participant):
    email = participant.user.email
    with time_machine.travel(timezone.now(), tick=False):
        guess_from_many_addresses(client, email, 6)
        refused = sign_in(client, email, "x", "192.0.2.5", HTTP_ACCEPT_LANGUAGE="id")
        assert refused.status_code == 429
        assert "Tunggu 2 detik" in refused.content.decode()


# --- which address a request comes from ------------------------------------------------------

PROXY = "10.0.0.1"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, BALIK_BEHIND_PROXY=True)
def test_behind_the_proxy_each_client_is_told_apart_by_the_address_the_proxy_saw(
    client, participant, password
):
    email = participant.user.email
    for _ in range(3):
        sign_in(client, email, "wrong", PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = sign_in(client, email, password, PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    colleague = sign_in(client, email, password, PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert colleague.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, BALIK_BEHIND_PROXY=True)
def test_behind_the_proxy_a_forged_left_most_address_does_not_escape_the_lockout(
    client, participant, password
):
    """The client may send its own X-Forwarded-For; the proxy appends the address it saw."""
    email = participant.user.email
    for number in range(3):
        sign_in(client, email, "wrong", PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.5")
    forged = sign_in(client, email, password, PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert forged.status_code == 429


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, BALIK_BEHIND_PROXY=False)
def test_without_a_proxy_x_forwarded_for_is_ignored(client, participant, password):
    email = participant.user.email
    for number in range(3):
        sign_in(client, email, "wrong", "203.0.113.5", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")
    forged = sign_in(client, email, password, "203.0.113.5", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert forged.status_code == 429


@THROTTLED
def test_the_admin_sign_in_is_slowed_down_too(client, org_admin, password):
    email = org_admin.user.email
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(6):
            client.post(
                "/admin/login/",
                {"username": email, "password": "wrong"},
                REMOTE_ADDR=f"10.2.0.{number}",
            )
        refused = client.post(
            "/admin/login/", {"username": email, "password": password}, REMOTE_ADDR="10.2.1.1"
        )
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
