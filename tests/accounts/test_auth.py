import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from balik.notifications.services import emails_deliver

pytestmark = pytest.mark.django_db


def test_pages_need_a_signed_in_person(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_person_signs_in_with_email_and_password(client, participant, password):
    response = client.post(
        reverse("login"), {"username": "RINA@example.id", "password": password}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == participant.user


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(client, participant):
    response = client.post(reverse("login"), {"username": participant.user.email, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_failed_sign_ins_are_throttled_per_account_and_address(client, participant, password):
    for _ in range(3):
        client.post(reverse("login"), {"username": participant.user.email, "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": participant.user.email, "password": password}
    )
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked out by someone else's guesses.
    other = client.post(
        reverse("login"),
        {"username": participant.user.email, "password": password},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 302


def test_sign_out_needs_a_post(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, participant):
    response = client.post(reverse("password_reset"), {"email": participant.user.email})
    assert response.status_code == 302
    emails_deliver()
    assert len(mail.outbox) == 1
    emails_deliver()
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    participant.user.refresh_from_db()
    assert participant.user.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_does_not_tell(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.id"})
    assert response.status_code == 302
    emails_deliver()
    assert mail.outbox == []


def test_change_password_checks_the_old_one(client, participant, password):
    client.force_login(participant.user)
    bad = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert bad.status_code == 200
    assert "old_password" in bad.context["form"].errors
    good = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another fine passphrase",
            "new_password2": "another fine passphrase",
        },
    )
    assert good.status_code == 302
    participant.user.refresh_from_db()
    assert participant.user.check_password("another fine passphrase")


def test_one_person_may_hold_several_roles(org_admin):
    org_admin.user.is_program_manager = True
    assert org_admin.user.role_names == ["Organisation admin", "Programme manager", "Participant"]


def test_the_language_switch_is_remembered_for_a_signed_in_person(client, participant):
    client.force_login(participant.user)
    response = client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert response.status_code == 302
    participant.user.refresh_from_db()
    assert participant.user.preferred_language == "id"
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert home["Content-Language"] == "id"


def test_the_language_switch_ignores_an_unknown_language(client, participant):
    client.force_login(participant.user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    participant.user.refresh_from_db()
    assert participant.user.preferred_language == ""


def test_the_language_switch_refuses_a_get(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_an_imported_person_without_a_password_can_choose_one_by_reset(client, participant):
    participant.user.set_unusable_password()
    participant.user.save(update_fields=["password"])
    client.post(reverse("password_reset"), {"email": participant.user.email.upper()})
    emails_deliver()
    assert len(mail.outbox) == 1
    emails_deliver()
    assert mail.outbox[0].to == [participant.user.email]


def test_a_deactivated_account_gets_no_reset_link(client, participant):
    participant.user.is_active = False
    participant.user.save(update_fields=["is_active"])
    client.post(reverse("password_reset"), {"email": participant.user.email})
    emails_deliver()
    assert mail.outbox == []
