"""/api/v1/programs: creating, enrolling, matching and publishing by script, and the refusals."""

import json

import pytest

from balik.accounts.services import api_token_create
from balik.mentorships.models import Mentorship
from balik.programs.models import Enrolment
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db
PROGRAMS = "/api/v1/programs"


def bearer(user) -> dict[str, str]:
    secret = api_token_create(user=user, name="script").secret
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_a_manager_scripts_the_whole_loop(client, program_manager):
    auth = bearer(program_manager.user)
    created = post(
        client,
        PROGRAMS,
        {"name": "API reverse", "kind": "reverse", "template": "social-media-training"},
        **auth,
    )
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert (
        post(client, f"{PROGRAMS}/{slug}/status", {"status": "enrolling"}, **auth).json()["status"]
        == "enrolling"
    )
    from balik.programs.models import Program

    program = Program.objects.get(slug=slug)
    reverse_population(program, 3, manager_user=program_manager.user)
    junior = PersonFactory(seniority_level=1, user__email="new@example.id")
    enrolled = post(
        client,
        f"{PROGRAMS}/{slug}/enrolments",
        {"email": junior.user.email, "role": "mentor"},
        **auth,
    )
    assert enrolled.status_code == 201
    run = post(client, f"{PROGRAMS}/{slug}/matching", {}, **auth)
    assert run.status_code == 201
    body = run.json()
    assert len(body["pairs"]) == 3 and body["proven_optimal"]
    assert body["pairs"][0]["reasons"]
    published = post(client, f"{PROGRAMS}/{slug}/matching/publish", {}, **auth)
    assert published.json()["status"] == "published"
    assert Mentorship.objects.count() == 3


def test_a_programme_name_with_a_line_break_is_a_422(client, program_manager):
    auth = bearer(program_manager.user)
    response = post(
        client, PROGRAMS, {"name": "Buddies\nBcc: x@example.com", "kind": "peer"}, **auth
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name"}
    from balik.programs.models import Program

    assert not Program.objects.exists()


def test_bad_input_gets_field_errors_not_a_500(client, program_manager):
    auth = bearer(program_manager.user)
    response = post(client, PROGRAMS, {"name": "", "kind": "speed-dating"}, **auth)
    assert response.status_code == 422
    assert {"name", "kind"} <= set(response.json()["errors"])
    program = enrolling_program(program_manager, kind="reverse")
    response = post(
        client,
        f"{PROGRAMS}/{program.slug}/enrolments",
        {"email": "nobody@example.id", "role": "mentor", "capacity": 99},
        **auth,
    )
    assert response.status_code == 422
    response = post(client, f"{PROGRAMS}/{program.slug}/status", {"status": "active"}, **auth)
    assert response.status_code == 409
    assert response.json()["errors"] == {"status": [response.json()["message"]]}


def test_refusals(client, program_manager, participant):
    program = enrolling_program(program_manager, kind="classic", open_link=False)
    assert client.get(PROGRAMS).status_code == 401
    auth = bearer(participant.user)
    assert client.get(f"{PROGRAMS}/{program.slug}", **auth).status_code == 404
    assert post(client, PROGRAMS, {"name": "Mine", "kind": "peer"}, **auth).status_code == 403
    program.enrolment_open = True
    program.save()
    assert client.get(f"{PROGRAMS}/{program.slug}", **auth).status_code == 200
    assert client.get(f"{PROGRAMS}/{program.slug}/enrolments", **auth).status_code == 403
    assert post(client, f"{PROGRAMS}/{program.slug}/matching", {}, **auth).status_code == 403
    other = PersonFactory(user__email="other@example.id")
    response = post(
        client,
        f"{PROGRAMS}/{program.slug}/enrolments",
        {"email": other.user.email, "role": "mentee"},
        **auth,
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_a_participant_enrols_and_withdraws_themself(client, program_manager, participant):
    program = enrolling_program(program_manager, kind="classic", open_link=True)
    auth = bearer(participant.user)
    response = post(
        client,
        f"{PROGRAMS}/{program.slug}/enrolments",
        {"role": "mentee", "goals": "Grow", "readiness": {"commitment": 5}},
        **auth,
    )
    assert response.status_code == 201
    assert client.delete(f"{PROGRAMS}/{program.slug}/enrolments/me", **auth).status_code == 204
    assert Enrolment.objects.get().status == "withdrawn"
