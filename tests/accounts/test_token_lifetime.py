"""Tokens are made by a person at a browser, live for a chosen time, and die with the password."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balik.accounts import services
from balik.accounts.models import ApiToken
from balik.core.errors import BalikError
from balik.notifications.services import emails_deliver

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def browser_signed_in(user) -> tuple[Client, str]:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("tokens"))
    return browser, browser.cookies["csrftoken"].value


def test_a_token_cannot_mint_more_tokens(client, participant):
    issued = services.api_token_create(user=participant.user, name="script")
    response = client.post(
        "/api/v1/tokens",
        {"name": "another"},
        content_type="application/json",
        **bearer(issued.secret),
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "session_required"
    assert "browser" in body["message"]
    assert ApiToken.objects.count() == 1


def test_a_token_may_still_list_and_revoke_tokens(client, participant):
    issued = services.api_token_create(user=participant.user, name="script")
    old = services.api_token_create(user=participant.user, name="old")
    listed = client.get("/api/v1/tokens", **bearer(issued.secret))
    assert {token["name"] for token in listed.json()} == {"script", "old"}
    revoked = client.delete(f"/api/v1/tokens/{old.token.id}", **bearer(issued.secret))
    assert revoked.status_code == 200
    assert revoked.json()["state"] == "revoked"


def test_a_signed_in_browser_creates_a_token_that_expires_in_90_days_by_default(participant):
    browser, csrf = browser_signed_in(participant.user)
    before = timezone.now()
    created = browser.post(
        "/api/v1/tokens",
        {"name": "HR sync"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert created.status_code == 201
    token = ApiToken.objects.get()
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
    assert created.json()["expires_at"] is not None
    assert created.json()["state"] == "active"


def test_the_api_takes_a_bounded_lifetime(participant):
    browser, csrf = browser_signed_in(participant.user)

    def create(days: object):
        return browser.post(
            "/api/v1/tokens",
            {"name": f"for {days}", "expires_in_days": days},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )

    assert create(30).status_code == 201
    assert ApiToken.objects.get().expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    for refused in (0, -1, 366, 10**30):
        response = create(refused)
        assert response.status_code == 422, refused
        assert "expires_in_days" in response.json()["errors"]
    assert ApiToken.objects.count() == 1


def test_the_service_refuses_a_lifetime_out_of_bounds(participant):
    with pytest.raises(BalikError) as refused:
        services.api_token_create(user=participant.user, name="forever", expires_in_days=3650)
    assert refused.value.field == "expires_in_days"


def test_the_web_form_offers_lifetimes_and_lists_expiry_and_last_use(client, participant):
    client.force_login(participant.user)
    page = client.get(reverse("tokens"))
    choices = [value for value, _label in page.context["form"].fields["expires_in_days"].choices]
    assert choices == ["30", "90", "180", "365"]
    assert page.context["form"]["expires_in_days"].value() == "90"
    created = client.post(reverse("tokens"), {"name": "Yearly report", "expires_in_days": "365"})
    assert created.status_code == 200
    token = ApiToken.objects.get()
    assert token.expires_at.date() == (timezone.now() + timedelta(days=365)).date()
    html = client.get(reverse("tokens")).content.decode()
    assert "Expires" in html and "Last used" in html
    assert "never" in html  # not used yet
    refused = client.post(reverse("tokens"), {"name": "Forever", "expires_in_days": "9999"})
    assert refused.status_code == 422
    assert "expires_in_days" in refused.context["form"].errors


def test_an_expired_token_is_refused_and_shown_as_expired(client, participant):
    issued = services.api_token_create(user=participant.user, name="short", expires_in_days=30)
    assert client.get("/api/v1/people/me", **bearer(issued.secret)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        refused = client.get("/api/v1/people/me", **bearer(issued.secret))
        assert refused.status_code == 401
        assert refused.json()["code"] == "token_expired"
        client.force_login(participant.user)
        page = client.get(reverse("tokens"))
        assert re.search(r">\s*expired\s*<", page.content.decode())
        listed = client.get("/api/v1/tokens").json()
        assert [token["state"] for token in listed] == ["expired"]


def test_the_api_lists_last_use_and_expiry(client, participant):
    issued = services.api_token_create(user=participant.user, name="script")
    client.get("/api/v1/people/me", **bearer(issued.secret))
    [listed] = client.get("/api/v1/tokens", **bearer(issued.secret)).json()
    assert listed["last_used_at"] is not None
    assert listed["expires_at"] is not None


def test_a_password_reset_revokes_every_token(client, participant):
    first = services.api_token_create(user=participant.user, name="one")
    second = services.api_token_create(user=participant.user, name="two")
    client.post(reverse("password_reset"), {"email": participant.user.email})
    emails_deliver()
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert not ApiToken.objects.active().exists()
    for issued in (first, second):
        assert client.get("/api/v1/people/me", **bearer(issued.secret)).status_code == 401


def test_a_password_change_revokes_every_token(client, participant, password):
    issued = services.api_token_create(user=participant.user, name="one")
    client.force_login(participant.user)
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another fine passphrase",
            "new_password2": "another fine passphrase",
        },
    )
    assert changed.status_code == 302
    client.logout()
    assert client.get("/api/v1/people/me", **bearer(issued.secret)).status_code == 401


def test_a_wrong_old_password_revokes_nothing(client, participant):
    services.api_token_create(user=participant.user, name="one")
    client.force_login(participant.user)
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert ApiToken.objects.active().count() == 1
