"""Query budgets: every list costs the same number of queries for 30 people as for 120."""

import pytest
from django.urls import reverse

from balik.people.models import SkillDirection
from tests.factories import (
    AvailabilitySlotFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, and the page's own queries; see each test for what they are.
DIRECTORY_BUDGET = 8
ORG_CHART_BUDGET = 6
ORG_CHART_CHILDREN_BUDGET = 5
SKILLS_BUDGET = 3
PROFILE_BUDGET = 7
API_LIST_BUDGET = 5


def build_organisation(size: int) -> None:
    """A chain of managers with teams, each person with skills and availability."""
    skills = [
        SkillFactory(slug=f"zz-budget-{n}", name_en=f"Zz skill {n}", name_id=f"Zz keahlian {n}")
        for n in range(6)
    ]
    boss = PersonFactory(full_name="Zz Boss", department="Board")
    managers = [PersonFactory(manager=boss, department=f"Dept {n}") for n in range(3)]
    for index in range(size - 4):
        manager = managers[index % 3]
        person = PersonFactory(
            manager=manager,
            department=manager.department,
            birth_year=1960 + index % 40,
            seniority_level=1 + index % 10,
        )
        for offset, direction in ((0, SkillDirection.TEACH), (3, SkillDirection.LEARN)):
            for n in range(3):
                PersonSkillFactory(
                    person=person,
                    skill=skills[(index + n) % 3 + offset],
                    direction=direction,
                    level=1 + (index + n) % 3,
                )
        AvailabilitySlotFactory(person=person, weekday=index % 7)


@pytest.fixture(params=[30, 120], ids=["30-people", "120-people"])
def organisation(request, db):
    build_organisation(request.param)
    return request.param


def test_the_directory_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    # session, user, skills (for the filter), departments, count, page, top teach, top learn
    with django_assert_max_num_queries(DIRECTORY_BUDGET):
        response = participant_client.get(reverse("people:directory"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_the_filtered_directory_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    params = {"skill": "zz-budget-1", "direction": "teach", "generation": "gen_x", "q": "person"}
    with django_assert_max_num_queries(DIRECTORY_BUDGET):
        response = participant_client.get(
            reverse("people:directory"), params, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200


def test_the_org_chart_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    # session, user, departments, roots count, roots page, their reports
    with django_assert_max_num_queries(ORG_CHART_BUDGET):
        response = participant_client.get(reverse("people:org_chart"))
    assert response.status_code == 200


def test_opening_an_org_chart_node_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    manager_id = response_manager_id(participant_client)
    # session, user, departments, the node, its reports
    with django_assert_max_num_queries(ORG_CHART_CHILDREN_BUDGET):
        response = participant_client.get(
            reverse("people:org_chart"), {"parent": manager_id}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert response.content.decode().count("<li>") >= 9


def response_manager_id(client) -> int:
    tree = client.get(reverse("people:org_chart")).context["tree"]
    boss = next(branch for branch in tree if branch["person"].full_name == "Zz Boss")
    return boss["children"][0].pk


def test_the_skills_page_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    # session, user, every skill with both counts in one aggregate
    with django_assert_max_num_queries(SKILLS_BUDGET):
        response = participant_client.get(reverse("people:skills"))
    assert response.status_code == 200


def test_a_profile_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    manager_id = response_manager_id(participant_client)
    # session, user, person (+manager), viewer's person, skills, reports, availability
    with django_assert_max_num_queries(PROFILE_BUDGET):
        response = participant_client.get(reverse("people:profile", args=[manager_id]))
    assert response.status_code == 200


def test_the_api_list_costs_a_fixed_number_of_queries(
    organisation, participant_client, django_assert_max_num_queries
):
    # session, user, count, page, skills
    with django_assert_max_num_queries(API_LIST_BUDGET):
        response = participant_client.get("/api/v1/people", {"limit": 100})
    assert response.status_code == 200
    assert len(response.json()["items"]) == min(100, organisation + 1)
