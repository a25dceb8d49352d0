import pytest
from django.urls import reverse

from balik.accounts import services
from balik.accounts.models import ApiToken, hash_token
from balik.core.errors import BalikError, NotFound

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(participant):
    issued = services.api_token_create(user=participant.user, name="HR sync")
    stored = ApiToken.objects.get()
    assert issued.secret.startswith("blk_")
    assert issued.secret not in (stored.token_hash, stored.display_prefix)
    assert stored.token_hash == hash_token(issued.secret)


def test_a_token_needs_a_name(participant):
    with pytest.raises(BalikError) as refused:
        services.api_token_create(user=participant.user, name="  ")
    assert refused.value.field == "name"
    assert not ApiToken.objects.exists()


def test_a_token_name_must_be_one_line(client, participant):
    with pytest.raises(BalikError) as refused:
        services.api_token_create(user=participant.user, name="Sync\nBcc: x@example.com")
    assert refused.value.field == "name"
    client.force_login(participant.user)
    response = client.post(reverse("tokens"), {"name": "Sync\x07job"})
    assert response.status_code == 422
    assert "U+0007" in response.context["form"].errors["name"][0]
    assert not ApiToken.objects.exists()


def test_nobody_can_revoke_someone_elses_token(participant, outsider):
    issued = services.api_token_create(user=participant.user, name="mine")
    with pytest.raises(NotFound):
        services.api_token_revoke(user=outsider.user, token_id=issued.token.id)
    assert ApiToken.objects.get().revoked_at is None


def test_the_tokens_page_shows_a_new_secret_once_and_lists_tokens(client, participant):
    client.force_login(participant.user)
    created = client.post(reverse("tokens"), {"name": "Reporting"})
    secret = created.context["new_secret"]
    assert secret and secret.encode() in created.content
    listing = client.get(reverse("tokens"))
    assert b"Reporting" in listing.content
    assert secret.encode() not in listing.content


def test_the_tokens_page_shows_field_errors(client, participant):
    client.force_login(participant.user)
    response = client.post(reverse("tokens"), {"name": ""})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors


def test_revoking_from_the_page_stops_the_token_working(client, participant):
    issued = services.api_token_create(user=participant.user, name="old")
    client.force_login(participant.user)
    client.post(reverse("token_revoke", args=[issued.token.id]))
    client.logout()
    response = client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 401


def test_revoking_someone_else_s_token_from_the_page_is_a_404_that_says_why(
    client, participant, outsider
):
    issued = services.api_token_create(user=participant.user, name="theirs")
    client.force_login(outsider.user)
    response = client.post(reverse("token_revoke", args=[issued.token.id]))
    assert response.status_code == 404
    assert "No such token." in response.content.decode()
    assert ApiToken.objects.get().revoked_at is None


def test_the_api_lists_and_revokes_tokens_with_a_bearer_token(client, participant):
    issued = services.api_token_create(user=participant.user, name="bootstrap")
    second = services.api_token_create(user=participant.user, name="second")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    listed = client.get("/api/v1/tokens", **auth).json()
    assert {token["name"] for token in listed} == {"bootstrap", "second"}
    assert all("secret" not in token and "token_hash" not in token for token in listed)
    revoked = client.delete(f"/api/v1/tokens/{second.token.id}", **auth)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None


def test_the_api_refuses_anonymous_and_bad_tokens(client):
    assert client.get("/api/v1/tokens").status_code == 401
    bad = client.get("/api/v1/tokens", HTTP_AUTHORIZATION="Bearer blk_not-a-real-token")
    assert bad.status_code == 401
    assert bad.json()["code"] == "unauthenticated"


def test_the_api_answers_404_for_another_persons_token(client, participant, outsider):
    theirs = services.api_token_create(user=outsider.user, name="theirs")
    mine = services.api_token_create(user=participant.user, name="mine")
    response = client.delete(
        f"/api/v1/tokens/{theirs.token.id}", HTTP_AUTHORIZATION=f"Bearer {mine.secret}"
    )
    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


def test_the_api_gives_field_errors_for_a_bad_body(client, participant):
    client.force_login(participant.user)
    missing = client.post("/api/v1/tokens", {}, content_type="application/json")
    assert missing.status_code == 422
    assert "name" in missing.json()["errors"]
    not_json = client.post("/api/v1/tokens", "{", content_type="application/json")
    assert 400 <= not_json.status_code < 500
    blank = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")
    assert blank.status_code == 422
    assert "name" in blank.json()["errors"]


def test_a_session_needs_the_csrf_token_to_create_tokens(participant):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(participant.user)
    refused = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert not ApiToken.objects.exists()
    browser.get(reverse("tokens"))
    token = browser.cookies["csrftoken"].value
    allowed = browser.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert allowed.status_code == 201


def test_a_bad_token_on_a_write_is_a_401_not_a_csrf_refusal(client):
    response = client.patch(
        "/api/v1/people/me",
        {"bio": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer blk_wrong",
    )
    assert response.status_code == 401
