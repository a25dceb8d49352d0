"""A NUL character in an address never reaches the database (PostgreSQL cannot store or compare
it and answered 500): the API names the parameter in a 422, a page answers 400 and says why."""

import pytest

from balik.programs import services as program_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/people?q=a%00b", "q"),
        ("/api/v1/people?department=a%00b", "department"),
        ("/api/v1/skills?q=a%00b", "q"),
        ("/api/v1/skills/a%00b", "path"),
        ("/api/v1/programs/a%00b", "path"),
    ],
)
def test_the_api_names_the_parameter_with_a_nul(client, participant, url, parameter):
    client.force_login(participant.user)
    response = client.get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "control_character" and parameter in body["errors"]


def test_a_page_answers_400_and_says_why(client, program_manager):
    program = program_services.program_create(
        program_manager.user, name="Nul check", kind="flipped", template=None
    )
    client.force_login(program_manager.user)
    for url in (
        f"/programs/{program.slug}/health/?department=a%00b",
        "/people/?q=a%00b",
        "/people/a%00b/",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "invisible control character" in response.content.decode()


def test_other_characters_pass(client, participant):
    client.force_login(participant.user)
    assert client.get("/api/v1/people?q=%C3%A9%F0%9F%98%80").status_code == 200
