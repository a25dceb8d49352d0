"""Programme pages: who sees what, creating from a template, settings, enrolment forms."""

import pytest
from django.urls import reverse

from balik.programs import services
from balik.programs.models import Enrolment, Program
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_programme_from_a_template(client, program_manager):
    client.force_login(program_manager.user)
    response = client.post(
        reverse("programs:create"),
        {
            "template": "reverse-leadership",
            "name": "Leaders learn AI",
            "slug": "",
            "who_may_join": "link",
            "matching": "managers",
        },
    )
    program = Program.objects.get()
    assert response.url == reverse("programs:detail", args=[program.slug])
    assert program.slug == "leaders-learn-ai"
    assert program.kind == "reverse" and program.require_different_department


def test_the_create_form_shows_field_errors(client, program_manager):
    services.program_create(program_manager.user, name="Taken", kind="classic", slug="taken")
    client.force_login(program_manager.user)
    guided = {"who_may_join": "link", "matching": "managers"}
    response = client.post(
        reverse("programs:create"), {"template": "classic", "name": "", **guided}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    response = client.post(
        reverse("programs:create"),
        {"template": "classic", "name": "Other", "slug": "taken", **guided},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Program.objects.count() == 1


def test_a_programme_name_must_be_one_line(client, program_manager):
    client.force_login(program_manager.user)
    response = client.post(
        reverse("programs:create"),
        {
            "template": "classic",
            "name": "Buddies\nBcc: x@example.com",
            "who_may_join": "link",
            "matching": "managers",
        },
    )
    assert response.status_code == 200
    assert "line break" in response.context["form"].errors["name"][0]
    assert not Program.objects.exists()
    program = enrolling_program(program_manager, kind="peer")
    url = reverse("programs:settings", args=[program.slug])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data = {key: value for key, value in data.items() if not isinstance(value, list | dict | bool)}
    data.update(name="Peer\u2028circle", description="Line one\nLine two")
    data["managers"] = [program_manager.user.pk]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    program.refresh_from_db()
    assert program.name == "peer programme"


def test_participants_cannot_reach_the_create_settings_or_participants_pages(
    client, program_manager, participant
):
    program = enrolling_program(program_manager, kind="classic")
    client.force_login(participant.user)
    assert client.get(reverse("programs:create")).status_code == 403
    assert client.get(reverse("programs:settings", args=[program.slug])).status_code == 403
    assert client.get(reverse("programs:participants", args=[program.slug])).status_code == 403
    assert (
        client.post(
            reverse("programs:status", args=[program.slug]), {"status": "matching"}
        ).status_code
        == 403
    )


def test_a_closed_programme_is_hidden_from_people_outside_it(client, program_manager, outsider):
    program = enrolling_program(program_manager, kind="classic", open_link=False)
    client.force_login(outsider.user)
    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == 403
    assert program.name not in client.get(reverse("programs:list")).content.decode()
    program.enrolment_open = True
    program.save()
    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == 200
    assert client.get(reverse("programs:list")).status_code == 200


def test_settings_save_and_reject_bad_values(client, program_manager):
    program = enrolling_program(program_manager, kind="peer")
    client.force_login(program_manager.user)
    url = reverse("programs:settings", args=[program.slug])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        name="Peer circle",
        start_date="2026-12-01",
        end_date="2026-11-01",
        cadence_days="0",
        format_preference="casual",
        min_score="2",
    )
    data = {key: value for key, value in data.items() if not isinstance(value, list | dict | bool)}
    data["managers"] = [program_manager.user.pk]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"end_date", "cadence_days", "min_score"} <= errors.keys()
    data.update(end_date="2027-06-01", cadence_days="21", min_score="0.2")
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.cadence_days, program.min_score) == ("Peer circle", 21, 0.2)


def test_self_enrolment_through_the_link_with_readiness(client, program_manager, participant):
    program = enrolling_program(program_manager, kind="flipped", open_link=True)
    client.force_login(participant.user)
    join = client.get(reverse("programs:join", args=[program.enrolment_token]))
    assert join.url == reverse("programs:enrol", args=[program.slug])
    url = reverse("programs:enrol", args=[program.slug])
    response = client.post(url, {"role": "mentee", "goals": "Lead my own learning"})
    assert response.status_code == 200
    assert "readiness_initiative" in response.context["form"].errors
    response = client.post(
        url,
        {
            "role": "mentee",
            "goals": "Lead my own learning",
            "readiness_initiative": "4",
            "readiness_leading": "3",
            "readiness_prep_hours": "5",
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=participant)
    assert enrolment.readiness == {"initiative": 4, "leading": 3, "prep_hours": 5}


def test_a_wrong_enrolment_link_is_not_found(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("programs:join", args=["nope"])).status_code == 404


def test_the_manager_enrols_people_by_csv_upload_and_sees_row_errors(client, program_manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    program = enrolling_program(program_manager, kind="classic")
    PersonFactory(user__email="one@example.id")
    client.force_login(program_manager.user)
    url = reverse("programs:participants", args=[program.slug])
    bad = SimpleUploadedFile(
        "people.csv", b"email,role\none@example.id,mentor\nnobody@x.id,mentee\n"
    )
    response = client.post(url, {"action": "csv", "file": bad})
    assert response.status_code == 200
    assert "nobody@x.id" in response.content.decode()
    assert not Enrolment.objects.exists()
    good = SimpleUploadedFile("people.csv", b"email,role\none@example.id,mentor\n")
    assert client.post(url, {"action": "csv", "file": good}).status_code == 302
    assert Enrolment.objects.count() == 1


def test_program_pages_keep_their_query_counts(
    client, program_manager, django_assert_max_num_queries
):
    program = enrolling_program(program_manager, kind="classic")
    for _ in range(12):
        services.enrolment_add(
            program_manager.user,
            program,
            person=PersonFactory(),
            data=services.EnrolmentData(role="mentee"),
        )
    client.force_login(program_manager.user)
    for name in ("detail", "participants"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(f"programs:{name}", args=[program.slug])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("programs:list")).status_code == 200


def test_the_programme_page_shows_exactly_the_programmes_the_list_shows(
    client, program_manager, participant, outsider, org_admin
):
    """The page and the list read one rule (`visible_programs`): a manager, an org admin, an
    enrolled person (even withdrawn) see a closed programme; an outsider sees it only while
    enrolment is open."""
    program = enrolling_program(program_manager, kind="classic", open_link=False)
    services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=services.EnrolmentData(role="mentee"),
    )
    Enrolment.objects.filter(person=participant).update(status="withdrawn")
    for open_link in (False, True):
        Program.objects.filter(pk=program.pk).update(enrolment_open=open_link)
        for person in (program_manager, participant, outsider, org_admin):
            client.force_login(person.user)
            listed = program.slug in client.get(reverse("programs:list")).content.decode()
            page = client.get(reverse("programs:detail", args=[program.slug])).status_code
            assert page == (200 if listed else 403), (person.full_name, open_link)
            assert listed == (person != outsider or open_link), (person.full_name, open_link)
