import datetime
import json

import pytest
from django.test import Client

from balik.accounts.services import api_token_create, api_token_revoke
from balik.people.models import AvailabilitySlot, PersonSkill, SkillDirection
from tests.factories import (
    AvailabilitySlotFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
SKILLS = "/api/v1/skills"


def bearer(user):
    secret = api_token_create(user=user, name="script").secret
    return {"Authorization": f"Bearer {secret}"}


def patch(client, url, body, **kwargs):
    return client.patch(url, data=json.dumps(body), content_type="application/json", **kwargs)


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PEOPLE, f"{PEOPLE}/me", f"{PEOPLE}/1", SKILLS])
def test_it_refuses_requests_without_credentials(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_it_refuses_a_revoked_token(client, participant):
    issued = api_token_create(user=participant.user, name="old")
    api_token_revoke(user=participant.user, token_id=issued.token.pk)
    response = client.get(PEOPLE, headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 401


def test_it_refuses_a_made_up_token(client, participant):
    response = client.get(PEOPLE, headers={"Authorization": "Bearer blk_not-a-real-token"})
    assert response.status_code == 401


def test_a_bearer_token_works_without_csrf(participant):
    client = Client(enforce_csrf_checks=True)
    response = patch(
        client, f"{PEOPLE}/me", {"bio": "From a script"}, headers=bearer(participant.user)
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.bio == "From a script"


def test_a_session_patch_needs_the_csrf_token(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)

    refused = patch(client, f"{PEOPLE}/me", {"bio": "No token"})
    assert refused.status_code == 403
    participant.refresh_from_db()
    assert participant.bio == ""

    client.get("/people/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = patch(client, f"{PEOPLE}/me", {"bio": "With token"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    participant.refresh_from_db()
    assert participant.bio == "With token"


def test_a_session_get_works_without_csrf(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    assert client.get(PEOPLE).status_code == 200


# --- reading people ---------------------------------------------------------------------------


def test_it_lists_people_without_birth_years(client, participant, other_participant):
    skill = SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    PersonSkillFactory(person=participant, skill=skill, direction=SkillDirection.TEACH, level=3)

    response = client.get(PEOPLE, headers=bearer(participant.user))

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    rina = next(item for item in body["items"] if item["email"] == "rina@example.id")
    assert rina["generation"] == "millennial"
    assert rina["can_teach"] == [
        {"skill": "zz-ai", "name": "Zz AI", "category": "technology", "level": 3}
    ]
    assert "birth_year" not in rina
    assert "1995" not in response.content.decode()


def test_it_filters_the_list_like_the_directory(client, participant, other_participant):
    skill = SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    PersonSkillFactory(person=other_participant, skill=skill, direction=SkillDirection.LEARN)
    PersonFactory(full_name="Fajar Finance", department="Finance", seniority_level=6)
    headers = bearer(participant.user)

    def names(**params):
        response = client.get(PEOPLE, params, headers=headers)
        assert response.status_code == 200, response.content
        return [item["full_name"] for item in response.json()["items"]]

    assert names(q="budi") == ["Budi Senior"]
    assert names(department="Finance") == ["Fajar Finance"]
    assert names(skill="zz-ai") == ["Budi Senior"]
    assert names(skill="zz-ai", direction="teach") == []
    assert names(seniority_min=5, seniority_max=7) == ["Fajar Finance"]
    assert names(generation="gen_x") == ["Budi Senior"]


def test_it_paginates_the_list_with_limit_and_offset(client, participant):
    PersonFactory.create_batch(12)
    headers = bearer(participant.user)
    first = client.get(PEOPLE, {"limit": 5}, headers=headers).json()
    last = client.get(PEOPLE, {"limit": 5, "offset": 10}, headers=headers).json()
    assert first["count"] == 13 and len(first["items"]) == 5
    assert len(last["items"]) == 3
    assert {p["id"] for p in first["items"]}.isdisjoint({p["id"] for p in last["items"]})


@pytest.mark.parametrize(
    "params, field",
    [
        ({"skill": "no-such-skill"}, "skill"),
        ({"seniority_min": 11}, "seniority_min"),
        ({"seniority_min": 7, "seniority_max": 2}, "seniority_max"),
        ({"generation": "gen_alpha"}, "generation"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_it_answers_bad_filters_with_422(client, participant, params, field):
    response = client.get(PEOPLE, params, headers=bearer(participant.user))
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_it_shows_one_person_in_detail(client, participant, other_participant):
    participant.manager = other_participant
    participant.save(update_fields=["manager"])
    AvailabilitySlotFactory(
        person=other_participant, weekday=4, start_time="20:00", end_time="00:00"
    )

    response = client.get(f"{PEOPLE}/{other_participant.pk}", headers=bearer(participant.user))

    body = response.json()
    assert response.status_code == 200
    assert body["reports"] == [{"id": participant.pk, "full_name": "Rina Junior"}]
    assert body["availability"] == [{"weekday": 4, "start": "20:00", "end": "24:00"}]
    assert body["generation"] == "gen_x"
    assert "birth_year" not in body


def test_it_answers_404_for_an_unknown_person(client, participant):
    response = client.get(f"{PEOPLE}/99999", headers=bearer(participant.user))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_me_is_my_profile(client, participant):
    response = client.get(f"{PEOPLE}/me", headers=bearer(participant.user))
    assert response.json()["id"] == participant.pk


def test_me_is_404_without_a_profile(client):
    response = client.get(f"{PEOPLE}/me", headers=bearer(UserFactory()))
    assert response.status_code == 404


# --- changing people --------------------------------------------------------------------------


def test_i_update_my_profile_skills_and_availability(client, participant):
    SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz Kecerdasan", aliases=["Zz ML"])
    SkillFactory(slug="zz-strategy", name_en="Zz Strategy", name_id="Zz Strategi")
    body = {
        "job_title": "Data analyst",
        "languages": ["id", "en"],
        "timezone": "Asia/Makassar",
        "availability": [
            {"weekday": 0, "start": "09:00", "end": "10:00"},
            {"weekday": 0, "start": "10:00", "end": "11:30"},
        ],
        "can_teach": [{"skill": "zz ml", "level": 3}],
        "wants_to_learn": [{"skill": "Zz Strategi", "level": 1}],
    }

    response = patch(client, f"{PEOPLE}/me", body, headers=bearer(participant.user))

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["job_title"] == "Data analyst"
    assert data["timezone"] == "Asia/Makassar"
    assert data["availability"] == [{"weekday": 0, "start": "09:00", "end": "11:30"}]
    assert [item["skill"] for item in data["can_teach"]] == ["zz-ai"]
    assert [item["skill"] for item in data["wants_to_learn"]] == ["zz-strategy"]


def test_it_answers_bad_fields_with_422_and_field_errors(client, participant):
    response = patch(
        client,
        f"{PEOPLE}/me",
        {
            "timezone": "Asia/Atlantis",
            "languages": ["xx"],
            "availability": [{"weekday": 0, "start": "09:10", "end": "10:00"}],
            "can_teach": [{"skill": "nope", "level": 2}],
        },
        headers=bearer(participant.user),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"timezone", "languages", "availability", "can_teach"}
    participant.refresh_from_db()
    assert participant.timezone == "Asia/Jakarta"


@pytest.mark.parametrize(
    "body",
    [
        {"seniority_level": "high"},
        {"birth_year_typo": 1990},
        {"availability": [{"weekday": 0}]},
        {"can_teach": [{"skill": "zz-ai"}]},
        {"hire_date": "yesterday"},
    ],
)
def test_it_answers_malformed_bodies_with_422(client, participant, body):
    response = patch(client, f"{PEOPLE}/me", body, headers=bearer(participant.user))
    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_participant_cannot_change_their_seniority(client, participant):
    response = patch(
        client, f"{PEOPLE}/me", {"seniority_level": 9}, headers=bearer(participant.user)
    )
    assert response.status_code == 422
    assert "HR" in response.json()["errors"]["seniority_level"][0]
    participant.refresh_from_db()
    assert participant.seniority_level == 3


def test_a_participant_cannot_patch_someone_else(client, participant, other_participant):
    response = patch(
        client,
        f"{PEOPLE}/{other_participant.pk}",
        {"bio": "hacked"},
        headers=bearer(participant.user),
    )
    assert response.status_code == 403
    other_participant.refresh_from_db()
    assert other_participant.bio == ""


def test_an_admin_patches_anyone_including_hr_fields(
    client, org_admin, participant, other_participant
):
    response = patch(
        client,
        f"{PEOPLE}/{participant.pk}",
        {"seniority_level": 5, "manager": other_participant.pk, "hire_date": "2019-01-02"},
        headers=bearer(org_admin.user),
    )
    assert response.status_code == 200, response.content
    assert response.json()["manager"] == {"id": other_participant.pk, "full_name": "Budi Senior"}
    participant.refresh_from_db()
    assert participant.seniority_level == 5


def test_an_admin_cannot_create_a_manager_cycle(client, org_admin, participant, other_participant):
    other_participant.manager = participant
    other_participant.save(update_fields=["manager"])
    response = patch(
        client,
        f"{PEOPLE}/{participant.pk}",
        {"manager": other_participant.pk},
        headers=bearer(org_admin.user),
    )
    assert response.status_code == 422
    assert "manager" in response.json()["errors"]


def test_patching_an_unknown_person_is_404(client, org_admin):
    response = patch(client, f"{PEOPLE}/99999", {"bio": "x"}, headers=bearer(org_admin.user))
    assert response.status_code == 404


def test_a_failed_patch_writes_nothing(client, participant):
    AvailabilitySlotFactory(person=participant, weekday=3)
    response = patch(
        client,
        f"{PEOPLE}/me",
        {"bio": "new", "availability": [], "can_teach": [{"skill": "nope", "level": 1}]},
        headers=bearer(participant.user),
    )
    assert response.status_code == 422
    participant.refresh_from_db()
    assert participant.bio == ""
    assert AvailabilitySlot.objects.filter(person=participant).count() == 1
    assert not PersonSkill.objects.filter(person=participant).exists()


# --- one line: a name holds no line break (it ends up in e-mail headers) ----------------------


def test_a_line_break_in_the_full_name_is_refused_and_nothing_stored(client, participant):
    response = patch(
        client,
        f"{PEOPLE}/me",
        {"full_name": "Name\nBcc: x@example.com", "bio": "new"},
        headers=bearer(participant.user),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"full_name"}
    assert "line break" in errors["full_name"][0]
    participant.refresh_from_db()
    participant.user.refresh_from_db()
    assert (participant.full_name, participant.user.full_name, participant.bio) == (
        "Rina Junior",
        "Rina Junior",
        "",
    )


@pytest.mark.parametrize("field", ["full_name", "job_title", "department"])
@pytest.mark.parametrize("character", ["\r", "\t", "\x00", "\x1b", "\x85", "\u2028", "\u2029"])
def test_every_single_line_field_refuses_control_characters(client, participant, field, character):
    response = patch(
        client, f"{PEOPLE}/me", {field: f"Data{character}Team"}, headers=bearer(participant.user)
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {field}
    participant.refresh_from_db()
    assert character not in getattr(participant, field)


def test_the_bio_keeps_its_line_breaks_but_refuses_nul(client, participant):
    auth = bearer(participant.user)
    kept = patch(client, f"{PEOPLE}/me", {"bio": "Line one\nLine two\tend"}, headers=auth)
    assert kept.status_code == 200
    assert kept.json()["bio"] == "Line one\nLine two\tend"
    refused = patch(client, f"{PEOPLE}/me", {"bio": "Null\x00byte"}, headers=auth)
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"bio"}
    participant.refresh_from_db()
    assert participant.bio == "Line one\nLine two\tend"


# --- skills -----------------------------------------------------------------------------------


def test_it_lists_and_filters_skills(client, participant):
    SkillFactory(
        slug="zz-tiktok",
        name_en="Zz TikTok",
        name_id="Zz TikTok",
        category="digital_social",
        aliases=["Zz short video"],
    )
    SkillFactory(
        slug="zz-budget", name_en="Zz Budgeting", name_id="Zz Penganggaran", category="business"
    )
    headers = bearer(participant.user)

    by_alias = client.get(SKILLS, {"q": "zz short vid"}, headers=headers).json()
    in_category = client.get(SKILLS, {"category": "business", "q": "zz"}, headers=headers).json()

    assert [skill["slug"] for skill in by_alias] == ["zz-tiktok"]
    assert [skill["slug"] for skill in in_category] == ["zz-budget"]
    assert client.get(SKILLS, {"category": "nope"}, headers=headers).status_code == 422


def test_it_shows_one_skill_with_counts(client, participant, other_participant):
    skill = SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    PersonSkillFactory(person=participant, skill=skill, direction=SkillDirection.TEACH)
    PersonSkillFactory(person=other_participant, skill=skill, direction=SkillDirection.LEARN)
    headers = bearer(participant.user)

    body = client.get(f"{SKILLS}/zz-ai", headers=headers).json()

    assert (body["teachers"], body["learners"]) == (1, 1)
    assert client.get(f"{SKILLS}/no-such-skill", headers=headers).status_code == 404


def test_the_openapi_document_builds(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people" in paths and "/api/v1/people/{person_id}" in paths


def test_a_body_that_is_not_json_is_a_client_error(client, participant):
    response = client.patch(
        f"{PEOPLE}/me",
        data="{not json",
        content_type="application/json",
        headers=bearer(participant.user),
    )
    assert 400 <= response.status_code < 500


def test_an_admin_sets_a_hire_date_next_month_but_not_two_years_ahead(
    client, org_admin, participant
):
    next_month = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    headers = bearer(org_admin.user)
    url = f"{PEOPLE}/{participant.pk}"
    response = patch(client, url, {"hire_date": next_month}, headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["hire_date"] == next_month
    two_years = (datetime.date.today() + datetime.timedelta(days=730)).isoformat()
    response = patch(client, url, {"hire_date": two_years}, headers=headers)
    assert response.status_code == 422
    assert "hire_date" in response.json()["errors"]
