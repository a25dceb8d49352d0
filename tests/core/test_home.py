import pytest
from django.urls import reverse

from tests.factories import AvailabilitySlotFactory, PersonFactory, PersonSkillFactory

pytestmark = pytest.mark.django_db


def test_a_participant_sees_what_is_left_of_their_profile(client, participant):
    PersonSkillFactory(person=participant, direction="teach")
    AvailabilitySlotFactory(person=participant)
    client.force_login(participant.user)
    response = client.get(reverse("home"))
    done = {item["key"] for item in response.context["checklist"] if item["done"]}
    assert done == {"teach", "availability", "languages"}
    assert response.context["profile_done"] == 3
    assert b"Your organisation" not in response.content


def test_an_admin_sees_the_organisation_and_where_teachers_are_short(client, org_admin):
    learner = PersonFactory()
    skill = PersonSkillFactory(person=learner, direction="learn").skill
    PersonSkillFactory(person=PersonFactory(), skill=skill, direction="learn")
    PersonSkillFactory(person=PersonFactory(), skill=skill, direction="teach")
    client.force_login(org_admin.user)
    response = client.get(reverse("home"))
    assert response.context["totals"]["people"] == 4
    balance = response.context["skill_balance"]
    assert balance[0]["skill"] == skill
    assert (balance[0]["wanted"], balance[0]["teachers"]) == (2, 1)


def test_a_user_without_a_person_is_told_to_ask_for_an_import(client, django_user_model):
    user = django_user_model.objects.create_user("lonely@example.id", "pw", full_name="Lonely")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"not linked to anyone in the directory" in response.content


@pytest.mark.parametrize("extra_people", [5, 60])
def test_the_home_page_queries_do_not_grow_with_the_organisation(
    client, org_admin, django_assert_max_num_queries, extra_people
):
    for person in PersonFactory.create_batch(extra_people):
        PersonSkillFactory(person=person, direction="learn")
    client.force_login(org_admin.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("home")).status_code == 200
