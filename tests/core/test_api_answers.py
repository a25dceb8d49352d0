"""No number in a request can overflow the database into a 500, and the OpenAPI document lists
every answer an operation gives, with the one error shape."""

import pytest

from balik.accounts import services as account_services
from balik.site.api import api

pytestmark = pytest.mark.django_db

TOO_BIG = "9223372036854775808"  # 2**63: one past what either database holds
HUGE = "99999999999999999999"


@pytest.fixture
def auth(participant):
    issued = account_services.api_token_create(user=participant.user, name="bounds")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


@pytest.mark.parametrize(
    "query, field",
    [
        ({"offset": TOO_BIG}, "offset"),
        ({"offset": 10**9 + 1}, "offset"),
        ({"offset": -1}, "offset"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": TOO_BIG}, "limit"),
    ],
)
def test_limit_and_offset_out_of_bounds_are_a_422_naming_the_field(client, auth, query, field):
    response = client.get("/api/v1/people", query, **auth)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert list(body["errors"]) == [field]


def test_the_largest_offset_allowed_answers_an_empty_page(client, auth):
    response = client.get("/api/v1/people", {"offset": 10**9, "limit": 500}, **auth)
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", f"/api/v1/mentorships/{HUGE}"),
        ("get", f"/api/v1/mentorships/{TOO_BIG}/sessions"),
        ("get", f"/api/v1/mentorships/{TOO_BIG}/notes"),
        ("get", f"/api/v1/mentorships/{TOO_BIG}/goals"),
        ("get", f"/api/v1/mentorships/1/sessions/{TOO_BIG}/invite.ics"),
        ("get", f"/api/v1/people/{TOO_BIG}"),
        ("get", "/api/v1/people/-1"),
        ("get", "/api/v1/people/not-a-number"),
        ("patch", f"/api/v1/people/{TOO_BIG}"),
        ("delete", f"/api/v1/tokens/{TOO_BIG}"),
    ],
)
def test_an_id_beyond_the_database_is_refused_not_a_500(client, auth, method, path):
    response = getattr(client, method)(path, content_type="application/json", **auth)
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")
    assert {"code", "message"} <= set(response.json())


def test_an_id_in_a_body_beyond_the_database_is_refused_not_a_500(client, auth):
    response = client.patch(
        "/api/v1/people/me", {"manager": int(TOO_BIG)}, content_type="application/json", **auth
    )
    assert response.status_code in (403, 404, 422)


def test_an_address_no_route_matches_answers_in_the_error_shape(client, auth):
    response = client.get("/api/v1/nothing-here", **auth)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_every_operation_documents_its_error_answers_with_the_error_schema():
    document = api.get_openapi_schema()
    error_schema = document["components"]["schemas"]["Error"]
    assert {"code", "message", "errors"} <= set(error_schema["properties"])
    operations = [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 30
    for method, path, operation in operations:
        statuses = {int(status) for status in operation["responses"]}
        assert 401 in statuses, (method, path)
        has_input = operation.get("parameters") or operation.get("requestBody")
        if has_input:
            assert 422 in statuses or "{slug}" in path, (method, path)
        if "{" in path:
            assert 404 in statuses, (method, path)
        for status in statuses - {200, 201, 204}:
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_the_operations_that_may_refuse_document_403_and_409():
    document = api.get_openapi_schema()

    def statuses(method: str, path: str) -> set[int]:
        return {int(status) for status in document["paths"][path][method]["responses"]}

    assert {403, 422} <= statuses("post", "/api/v1/tokens")
    assert {403, 404, 409, 422} <= statuses("post", "/api/v1/programs/{slug}/status")
    assert {403, 404, 409} <= statuses("post", "/api/v1/programs/{slug}/matching")
    assert {400, 403, 404, 409, 422} <= statuses(
        "post", "/api/v1/mentorships/{mentorship_id}/sessions"
    )


def test_a_rule_the_state_breaks_is_a_409_and_a_bad_field_a_422(client, program_manager):
    issued = account_services.api_token_create(user=program_manager.user, name="pm")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    created = client.post(
        "/api/v1/programs",
        {"name": "Pilot", "kind": "peer"},
        content_type="application/json",
        **auth,
    )
    slug = created.json()["slug"]
    matching = client.post(f"/api/v1/programs/{slug}/matching", **auth)
    assert matching.status_code == 409
    assert matching.json()["code"] == "not_ready"


def test_bodies_are_read_as_json_types(client, participant):
    """JSON Schema's integer includes 30.0 and 3e1; a string or a boolean is no number."""
    client.force_login(participant.user)

    def create(days: object):
        return client.post(
            "/api/v1/tokens",
            {"name": f"for {days!r}", "expires_in_days": days},
            content_type="application/json",
        )

    assert create(30.0).status_code == 201
    whole = client.post(
        "/api/v1/tokens",
        '{"name": "exponent", "expires_in_days": 3e1}',
        content_type="application/json",
    )
    assert whole.status_code == 201
    for refused in ("30", True, 30.5):
        response = create(refused)
        assert response.status_code == 422, refused
        assert "expires_in_days" in response.json()["errors"]
