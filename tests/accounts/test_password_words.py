"""Sign-in and password pages speak Balik's words: one word for "password" in Indonesian
("kata sandi", never Django's "sandi" beside it) and a plain sign-in refusal."""

import re

import pytest

pytestmark = pytest.mark.django_db


def lone_sandi(html: str) -> list[str]:
    """Every "sandi" not preceded by "kata"."""
    return re.findall(r"(?<!kata )(?<!Kata )\b[Ss]andi\b", html)


def test_the_sign_in_refusal_is_balik_s_sentence(client, participant):
    response = client.post(
        "/accounts/login/", {"username": participant.user.email, "password": "wrong"}
    )
    html = response.content.decode()
    assert "The e-mail address or the password is not right." in html
    assert "Please enter a correct" not in html


@pytest.mark.parametrize("path", ["/accounts/password/change/", "/accounts/login/"])
def test_indonesian_password_pages_say_kata_sandi_only(client, participant, path):
    participant.user.preferred_language = "id"
    participant.user.save(update_fields=["preferred_language"])
    if path != "/accounts/login/":
        client.force_login(participant.user)
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert lone_sandi(html) == []


def test_the_password_rules_are_worded_by_balik(client, participant):
    client.force_login(participant.user)
    html = client.get("/accounts/password/change/").content.decode()
    assert "Your current password" in html and "Your new password again" in html
    assert "Use at least 8 characters." in html
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "nope", "new_password1": "12345678", "new_password2": "12345678"},
    )
    html = response.content.decode()
    assert "The current password is not right." in html
