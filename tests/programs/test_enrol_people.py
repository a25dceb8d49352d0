"""The manager's enrol page: a search with filters, "enrol the ticked", "enrol all that match"
(decided by the server from the filters, after confirming the count), and the invitation each
newly enrolled person receives."""

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains

from balik.notifications.models import Kind, Notification
from balik.programs import services
from balik.programs.models import Enrolment, EnrolmentStatus
from tests.factories import PersonFactory, PersonSkillFactory, SkillFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db


def url(program, **query):
    base = reverse("programs:enrol_people", args=[program.slug])
    if not query:
        return base
    from urllib.parse import urlencode

    return f"{base}?{urlencode(query)}"


@pytest.fixture
def program(program_manager):
    return enrolling_program(
        program_manager,
        kind="reverse",
        name="Leaders learn AI",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 9, 30),
    )


@pytest.fixture
def manager_client(client, program_manager):
    client.force_login(program_manager.user)
    return client


def test_only_the_programmes_managers_open_it(client, program, participant):
    client.force_login(participant.user)
    assert client.get(url(program)).status_code == 403


def test_results_show_job_title_department_and_where_people_stand(
    manager_client, program, program_manager
):
    ana = PersonFactory(full_name="Ana Digital", job_title="Content Lead", department="Digital")
    budi = PersonFactory(full_name="Budi Finance", job_title="Controller", department="Finance")
    services.enrolments_add_people(program_manager.user, program, people=[budi], role="mentee")
    page = manager_client.get(url(program))
    assertContains(page, "Content Lead")
    assertContains(page, "Digital")
    assertContains(page, "In this programme (Mentee)")
    by_name = {p.full_name: p for p in page.context["page"].object_list}
    assert by_name[budi.full_name].role_here == "mentee"
    assert by_name[ana.full_name].role_here is None


def test_filters_department_generation_skill_and_programme(
    manager_client, program, program_manager
):
    tiktok = SkillFactory(slug="tiktok", name_en="TikTok", name_id="TikTok")
    young = PersonFactory(full_name="Young Digital", department="Digital", birth_year=2000)
    PersonSkillFactory(person=young, skill=tiktok, direction="teach", level=3)
    learner = PersonFactory(full_name="Old Learner", department="Digital", birth_year=1960)
    PersonSkillFactory(person=learner, skill=tiktok, direction="learn", level=1)
    PersonFactory(full_name="Finance Person", department="Finance", birth_year=1985)
    other = enrolling_program(program_manager, kind="classic", name="Other")
    services.enrolments_add_people(program_manager.user, other, people=[learner], role="mentee")

    def names(**query):
        return {p.full_name for p in manager_client.get(url(program, **query)).context["page"]}

    assert names(department="Digital") == {"Young Digital", "Old Learner"}
    assert names(generation="gen_z") == {"Young Digital"}
    assert names(skill="tiktok", direction="teach") == {"Young Digital"}
    assert names(skill="tiktok", direction="learn") == {"Old Learner"}
    assert names(in_programme="some") == {"Old Learner"}
    assert "Old Learner" not in names(in_programme="none")
    assert "Young Digital" in names(in_programme="none")
    assert names(q="finance") == {"Finance Person"}
    services.enrolments_add_people(program_manager.user, program, people=[young], role="mentor")
    assert names(in_programme="this") == {"Young Digital"}
    assert "Young Digital" not in names(in_programme="not_this")


def test_the_page_never_shows_a_birth_year(manager_client, program):
    PersonFactory(full_name="Ana", birth_year=1987)
    assertNotContains(manager_client.get(url(program)), "1987")


def test_enrol_the_ticked_people(manager_client, program):
    ana, budi, _citra = PersonFactory.create_batch(3)
    response = manager_client.post(
        url(program), {"scope": "selected", "role": "mentor", "people": [ana.pk, budi.pk]}
    )
    assert response.status_code == 302
    enrolled = set(Enrolment.objects.filter(program=program).values_list("person_id", flat=True))
    assert enrolled == {ana.pk, budi.pk}


def test_enrolling_nobody_ticked_is_refused_beside_the_list(manager_client, program):
    PersonFactory()
    response = manager_client.post(url(program), {"scope": "selected", "role": "mentor"})
    assert response.status_code == 422
    assertContains(response, "Tick at least one person", status_code=422)
    assert not Enrolment.objects.exists()


def test_enrol_all_that_match_asks_first_then_enrols_every_page(manager_client, program):
    PersonFactory.create_batch(30, department="Digital", job_title="Designer")
    PersonFactory.create_batch(4, department="Finance")
    query = {"department": "Digital"}
    first = manager_client.get(url(program, **query))
    assert len(first.context["page"].object_list) == 25  # one page shows 25 ...
    assertContains(first, "Enrol all 30 who match")  # ... "all" means all 30
    asked = manager_client.post(url(program, **query), {"scope": "all", "role": "mentee"})
    assert asked.status_code == 200
    assertContains(asked, "Enrol all 30 people who match as mentee?")
    assert not Enrolment.objects.exists()
    done = manager_client.post(
        url(program, **query), {"scope": "all", "role": "mentee", "confirm": "on"}
    )
    assert done.status_code == 302
    enrolments = Enrolment.objects.filter(program=program)
    assert enrolments.count() == 30
    assert set(enrolments.values_list("person__department", flat=True)) == {"Digital"}
    assert set(enrolments.values_list("role", flat=True)) == {"mentee"}


def test_enrol_all_skips_those_already_in_and_brings_back_the_withdrawn(
    manager_client, program, program_manager
):
    people = PersonFactory.create_batch(5, department="Digital")
    services.enrolments_add_people(program_manager.user, program, people=people[:2], role="mentor")
    withdrawn = Enrolment.objects.get(program=program, person=people[1])
    services.enrolment_withdraw(program_manager.user, withdrawn)
    asked = manager_client.post(
        url(program, department="Digital"), {"scope": "all", "role": "mentee"}
    )
    assertContains(asked, "Enrol all 4 people who match")
    manager_client.post(
        url(program, department="Digital"), {"scope": "all", "role": "mentee", "confirm": "on"}
    )
    active = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    assert active.count() == 5
    assert active.get(person=people[0]).role == "mentor"  # already in: left as they were


def _queries_for(manager_client, program, django_assert_max_num_queries, people: int, budget):
    PersonFactory.create_batch(people, department="Digital")
    with django_assert_max_num_queries(budget):
        response = manager_client.get(url(program, department="Digital"))
    assert response.status_code == 200


@pytest.mark.parametrize("people", [10, 100])
def test_the_search_page_costs_the_same_queries_for_10_or_100_people(
    manager_client, program, django_assert_max_num_queries, people
):
    _queries_for(manager_client, program, django_assert_max_num_queries, people, 12)


@pytest.mark.parametrize("people", [10, 100])
def test_enrolling_all_costs_the_same_queries_for_10_or_100_people(
    manager_client, program, django_assert_max_num_queries, people
):
    PersonFactory.create_batch(people, department="Digital")
    skill = SkillFactory()
    for person in PersonFactory._meta.model.objects.all()[:5]:
        PersonSkillFactory(person=person, skill=skill, direction="teach")
    with django_assert_max_num_queries(30):
        response = manager_client.post(
            url(program, department="Digital"), {"scope": "all", "role": "mentee", "confirm": "on"}
        )
    assert response.status_code == 302
    assert Enrolment.objects.filter(program=program).count() == people
    assert (
        Notification.objects.filter(kind__in=[Kind.INVITATION, Kind.FIRST_SIGN_IN]).count()
        == people
    )
    assert Enrolment.give_skills.through.objects.count() == 5


# --- the invitation ---------------------------------------------------------------------------


def test_each_newly_enrolled_person_gets_an_invitation_that_explains_the_programme(
    manager_client, program
):
    ana = PersonFactory(full_name="Ana Digital")
    manager_client.post(url(program), {"scope": "selected", "role": "mentor", "people": [ana.pk]})
    notice = Notification.objects.get(recipient=ana.user)
    assert notice.kind == Kind.INVITATION  # she has a password: a normal sign-in link
    assert notice.title == "You are invited to Leaders learn AI"
    assert "Putri Manager enrolled you in Leaders learn AI as a mentor." in notice.body
    assert (
        "reverse mentoring programme: a younger colleague mentors a more senior one" in notice.body
    )
    assert "As a mentor you share how you use technology" in notice.body
    # in the reader's date format, whatever it is
    assert (
        f"It runs from {date_format(program.start_date)} to {date_format(program.end_date)}."
        in notice.body
    )
    assert "/accounts/login/?next=%2Fprograms%2Fleaders-learn-ai%2F" in notice.body
    assert notice.url == reverse("programs:detail", args=[program.slug])
    assert notice.in_app and notice.wants_email
    # enrolled again (a new role): no second invitation
    manager_client.post(url(program), {"scope": "selected", "role": "mentee", "people": [ana.pk]})
    assert Notification.objects.filter(recipient=ana.user).count() == 1


def test_the_invitation_is_written_in_the_recipients_language(manager_client, program):
    ana = PersonFactory(user__preferred_language="id")
    manager_client.post(url(program), {"scope": "selected", "role": "mentee", "people": [ana.pk]})
    body = Notification.objects.get(recipient=ana.user).body
    assert body.startswith("Halo ") and "2 Mar 2026" in body, body


def test_someone_without_a_password_gets_a_one_time_link_by_e_mail_only(manager_client, program):
    ana = PersonFactory()
    ana.user.set_unusable_password()
    ana.user.save(update_fields=["password"])
    manager_client.post(url(program), {"scope": "selected", "role": "mentee", "people": [ana.pk]})
    notice = Notification.objects.get(recipient=ana.user)
    assert notice.kind == Kind.FIRST_SIGN_IN
    assert "/accounts/welcome/" in notice.body
    assert "It works once, for 14 days" in notice.body
    assert not notice.in_app and notice.wants_email


def test_a_csv_enrolment_invites_too(program, program_manager):
    ana = PersonFactory(user__email="ana@example.id")
    report = services.enrolments_import_csv(
        program_manager.user, program, content=b"email,role\nana@example.id,mentee\n"
    )
    assert report.enrolled == 1
    assert Notification.objects.filter(recipient=ana.user, kind=Kind.INVITATION).count() == 1


def test_enrolling_yourself_sends_no_invitation(participant, program):
    services.enrolment_add(
        None, program, person=participant, data=services.EnrolmentData(role="mentee")
    )
    assert not Notification.objects.exists()


def test_a_manager_enrolling_someone_through_the_api_service_invites_them(
    program, program_manager, participant
):
    services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=services.EnrolmentData(role="mentee"),
    )
    assert Notification.objects.filter(recipient=participant.user).count() == 1
