import datetime

import pytest
from django.urls import reverse

from balik.people.models import AvailabilitySlot, Person, PersonSkill, SkillDirection
from tests.factories import (
    AvailabilitySlotFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("people:directory")
ORG_CHART = reverse("people:org_chart")
SKILLS = reverse("people:skills")


def names_in(response):
    return [person.full_name for person in response.context["page"].object_list]


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        DIRECTORY,
        ORG_CHART,
        SKILLS,
        reverse("people:me"),
        reverse("people:profile", args=[1]),
        reverse("people:edit", args=[1]),
    ],
)
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_participant_editing_someone_else(participant_client, other_participant):
    url = reverse("people:edit", args=[other_participant.pk])
    assert participant_client.get(url).status_code == 403
    response = participant_client.post(url, {"section": "about", "full_name": "Hacked"})
    assert response.status_code == 403
    other_participant.refresh_from_db()
    assert other_participant.full_name == "Budi Senior"


def test_it_answers_404_for_an_unknown_person(participant_client):
    assert participant_client.get(reverse("people:profile", args=[99999])).status_code == 404
    assert participant_client.get(reverse("people:edit", args=[99999])).status_code == 404


# --- directory --------------------------------------------------------------------------------


def test_the_directory_lists_people_with_generation_and_skills(
    participant_client, other_participant
):
    skill = SkillFactory(slug="zz-strategy", name_en="Zz Strategy", name_id="Zz Strategi")
    PersonSkillFactory(person=other_participant, skill=skill, level=3)

    response = participant_client.get(DIRECTORY)

    assert response.status_code == 200
    assert names_in(response) == ["Budi Senior", "Rina Junior"]
    html = response.content.decode()
    assert 'badge generation generation-gen_x">Gen X<' in html
    assert 'generation-millennial">Millennial<' in html
    assert "Zz Strategy" in html
    assert "1972" not in html  # birth years are never shown


def test_it_searches_by_name_email_and_title(participant_client, other_participant):
    PersonFactory(full_name="Sari Designer", job_title="UX designer")
    assert names_in(participant_client.get(DIRECTORY, {"q": "budi"})) == ["Budi Senior"]
    assert names_in(participant_client.get(DIRECTORY, {"q": "rina@example"})) == ["Rina Junior"]
    assert names_in(participant_client.get(DIRECTORY, {"q": "ux design"})) == ["Sari Designer"]


def test_it_filters_by_department(participant_client):
    PersonFactory(full_name="Fajar Finance", department="Finance")
    response = participant_client.get(DIRECTORY, {"department": "Finance"})
    assert names_in(response) == ["Fajar Finance"]
    assert '<option value="Finance" selected>' in response.content.decode()


def test_it_filters_by_skill_and_direction(participant_client, participant, other_participant):
    skill = SkillFactory(slug="zz-tiktok", name_en="Zz TikTok", name_id="Zz TikTok")
    PersonSkillFactory(person=participant, skill=skill, direction=SkillDirection.TEACH)
    PersonSkillFactory(person=other_participant, skill=skill, direction=SkillDirection.LEARN)

    either = participant_client.get(DIRECTORY, {"skill": "zz-tiktok"})
    teach = participant_client.get(DIRECTORY, {"skill": "zz-tiktok", "direction": "teach"})
    learn = participant_client.get(DIRECTORY, {"skill": "zz-tiktok", "direction": "learn"})

    assert names_in(either) == ["Budi Senior", "Rina Junior"]
    assert names_in(teach) == ["Rina Junior"]
    assert names_in(learn) == ["Budi Senior"]


def test_it_filters_by_seniority_range(participant_client):
    PersonFactory(full_name="Chief", seniority_level=10)
    response = participant_client.get(DIRECTORY, {"seniority_min": 8, "seniority_max": 10})
    assert names_in(response) == ["Chief"]
    assert names_in(participant_client.get(DIRECTORY, {"seniority_max": 3})) == ["Rina Junior"]


def test_it_filters_by_generation(participant_client, other_participant):
    response = participant_client.get(DIRECTORY, {"generation": "gen_x"})
    assert names_in(response) == ["Budi Senior"]


def test_it_reports_a_bad_filter_and_ignores_it(participant_client, other_participant):
    response = participant_client.get(DIRECTORY, {"seniority_min": 3, "seniority_max": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["seniority_max"]
    assert len(names_in(response)) == 2


def test_it_paginates_25_per_page(participant_client):
    PersonFactory.create_batch(30)
    first = participant_client.get(DIRECTORY)
    second = participant_client.get(DIRECTORY, {"page": 2})
    assert len(names_in(first)) == 25
    assert len(names_in(second)) == 6
    assert first.context["page"].paginator.count == 31


def test_it_answers_htmx_with_the_results_only(participant_client, other_participant):
    response = participant_client.get(DIRECTORY, {"q": "budi"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Budi Senior" in html
    assert "<html" not in html
    assert 'class="person-list"' in html
    assert "HX-Request" in response["Vary"]


def test_it_answers_an_htmx_history_restore_with_the_whole_page(participant_client):
    response = participant_client.get(
        DIRECTORY, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


# --- profile ----------------------------------------------------------------------------------


def test_the_profile_shows_the_person_without_their_birth_year(
    participant_client, other_participant
):
    report = PersonFactory(full_name="Dian Report", manager=other_participant)
    AvailabilitySlotFactory(
        person=other_participant, weekday=0, start_time="09:00", end_time="12:00"
    )
    PersonSkillFactory(
        person=other_participant,
        skill=SkillFactory(slug="zz-lead", name_en="Zz Leadership", name_id="Zz Kepemimpinan"),
        direction=SkillDirection.TEACH,
        level=3,
    )

    response = participant_client.get(reverse("people:profile", args=[other_participant.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Gen X" in html
    assert "1972" not in html
    assert "Dian Report" in html and reverse("people:profile", args=[report.pk]) in html
    assert "09:00\u201312:00" in html
    assert "Zz Leadership" in html
    assert "Indonesian" in html  # languages by name
    assert reverse("people:edit", args=[other_participant.pk]) not in html


def test_the_profile_converts_availability_into_the_viewers_zone(
    client, participant, other_participant
):
    participant.timezone = "Asia/Makassar"
    participant.save(update_fields=["timezone"])
    AvailabilitySlotFactory(
        person=other_participant, weekday=0, start_time="09:00", end_time="12:00"
    )
    client.force_login(participant.user)

    html = client.get(reverse("people:profile", args=[other_participant.pk])).content.decode()

    assert "In your time zone" in html
    assert "10:00\u201313:00" in html


def test_the_profile_offers_editing_to_its_owner(participant_client, participant):
    html = participant_client.get(reverse("people:profile", args=[participant.pk])).content.decode()
    assert reverse("people:edit", args=[participant.pk]) in html


def test_me_redirects_to_my_profile(participant_client, participant):
    response = participant_client.get(reverse("people:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:profile", args=[participant.pk])


def test_me_explains_when_i_am_not_in_the_directory(client):
    client.force_login(UserFactory())
    response = client.get(reverse("people:me"))
    assert response.status_code == 404
    assert "not linked" in response.content.decode()


# --- edit -------------------------------------------------------------------------------------


def edit_url(person):
    return reverse("people:edit", args=[person.pk])


def about_data(person, **changes):
    data = {
        "section": "about",
        "full_name": person.full_name,
        "job_title": person.job_title,
        "department": person.department,
        "birth_year": person.birth_year or "",
        "languages": ", ".join(person.languages),
        "timezone": person.timezone,
        "bio": person.bio,
    }
    data.update(changes)
    return data


def test_a_participant_does_not_see_the_hr_fields(participant_client, participant):
    response = participant_client.get(edit_url(participant))
    assert response.status_code == 200
    form = response.context["about_form"]
    assert "seniority_level" not in form.fields
    assert "manager" not in form.fields
    assert "hire_date" not in form.fields
    assert 'name="seniority_level"' not in response.content.decode()


def test_a_participant_saves_their_about_section(participant_client, participant):
    response = participant_client.post(
        edit_url(participant), about_data(participant, bio="I teach TikTok.", languages="id, jv")
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#about")
    participant.refresh_from_db()
    assert participant.bio == "I teach TikTok."
    assert participant.languages == ["id", "jv"]


def test_a_participant_cannot_sneak_in_a_seniority_change(participant_client, participant):
    participant_client.post(edit_url(participant), about_data(participant, seniority_level=10))
    participant.refresh_from_db()
    assert participant.seniority_level == 3


def test_it_shows_field_errors_next_to_the_fields(participant_client, participant):
    blank_name = participant_client.post(
        edit_url(participant), about_data(participant, full_name="")
    )
    assert blank_name.status_code == 422
    assert blank_name.context["about_form"].errors["full_name"]

    response = participant_client.post(
        edit_url(participant), about_data(participant, languages="id, klingon")
    )
    assert response.status_code == 422
    assert "klingon" in response.context["about_form"].errors["languages"][0]
    assert 'id="id_languages_error"' in response.content.decode()
    participant.refresh_from_db()
    assert participant.languages == ["id", "en"]


def test_the_about_form_refuses_a_line_break_in_a_name(participant_client, participant):
    response = participant_client.post(
        edit_url(participant),
        about_data(participant, full_name="Name\r\nBcc: x@example.com", job_title="Lead\tData"),
    )
    assert response.status_code == 422
    errors = response.context["about_form"].errors
    assert "line break" in errors["full_name"][0]
    assert "tab" in errors["job_title"][0]
    participant.refresh_from_db()
    assert participant.full_name == "Rina Junior"


def test_an_admin_edits_someone_else_including_hr_fields(
    admin_client_, participant, other_participant
):
    response = admin_client_.post(
        edit_url(participant),
        about_data(
            participant,
            seniority_level=4,
            manager="budi@example.id",
            hire_date="2021-05-01",
        ),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.seniority_level == 4
    assert participant.manager == other_participant
    assert str(participant.hire_date) == "2021-05-01"


def test_it_refuses_a_manager_cycle(admin_client_, participant, other_participant):
    other_participant.manager = participant
    other_participant.save(update_fields=["manager"])

    response = admin_client_.post(
        edit_url(participant),
        about_data(participant, seniority_level=3, manager="budi@example.id"),
    )

    assert response.status_code == 422
    assert "loop" in response.context["about_form"].errors["manager"][0]
    participant.refresh_from_db()
    assert participant.manager is None


def test_it_refuses_an_unknown_manager_email(admin_client_, participant):
    response = admin_client_.post(
        edit_url(participant), about_data(participant, seniority_level=3, manager="nobody@x.id")
    )
    assert response.status_code == 422
    assert response.context["about_form"].errors["manager"]


def test_the_grid_shows_stored_availability(participant_client, participant):
    AvailabilitySlotFactory(person=participant, weekday=1, start_time="09:00", end_time="10:00")
    html = participant_client.get(edit_url(participant)).content.decode()
    assert 'value="1-09:00" aria-label="Tuesday 09:00\u201309:30" checked' in html
    assert 'value="1-09:30" aria-label="Tuesday 09:30\u201310:00" checked' in html
    assert 'value="1-10:00" aria-label="Tuesday 10:00\u201310:30">' in html
    assert html.count('name="slots"') == 7 * 48


def test_it_saves_the_availability_grid_as_ranges(participant_client, participant):
    response = participant_client.post(
        edit_url(participant),
        {
            "section": "availability",
            "slots": ["0-09:00", "0-09:30", "0-10:00", "0-14:00", "6-23:30"],
        },
    )
    assert response.status_code == 302
    stored = [str(slot) for slot in AvailabilitySlot.objects.filter(person=participant)]
    assert stored == ["Monday 09:00-10:30", "Monday 14:00-14:30", "Sunday 23:30-00:00"]


def test_invalid_availability_gives_a_field_error_and_writes_nothing(
    participant_client, participant
):
    AvailabilitySlotFactory(person=participant, weekday=2)
    response = participant_client.post(
        edit_url(participant), {"section": "availability", "slots": ["0-09:00", "9-25:00"]}
    )
    assert response.status_code == 422
    assert response.context["availability_errors"]
    assert 'id="availability-errors"' in response.content.decode()
    assert [slot.weekday for slot in AvailabilitySlot.objects.filter(person=participant)] == [2]


def skill_post(teach_rows=(), learn_rows=()):
    data = {"section": "skills"}
    for prefix, rows in (("teach", teach_rows), ("learn", learn_rows)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, (slug, level) in enumerate(rows):
            data[f"{prefix}-{index}-skill"] = slug
            data[f"{prefix}-{index}-level"] = str(level)
    return data


def test_it_saves_skills_from_the_formsets(participant_client, participant):
    SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    SkillFactory(slug="zz-strategy", name_en="Zz Strategy", name_id="Zz Strategi")
    response = participant_client.post(
        edit_url(participant),
        skill_post(teach_rows=[("zz-ai", 3), ("", 2)], learn_rows=[("zz-strategy", 1)]),
    )
    assert response.status_code == 302
    assert sorted(
        (item.direction, item.skill.slug, item.level)
        for item in PersonSkill.objects.filter(person=participant)
    ) == [("learn", "zz-strategy", 1), ("teach", "zz-ai", 3)]


def test_it_refuses_a_duplicate_skill_row(participant_client, participant):
    SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    response = participant_client.post(
        edit_url(participant), skill_post(teach_rows=[("zz-ai", 3), ("zz-ai", 1)])
    )
    assert response.status_code == 422
    assert "already listed" in response.content.decode()
    assert not PersonSkill.objects.filter(person=participant).exists()


def test_the_edit_page_prefills_current_skills(participant_client, participant):
    PersonSkillFactory(
        person=participant,
        skill=SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI"),
        direction=SkillDirection.LEARN,
        level=1,
    )
    response = participant_client.get(edit_url(participant))
    assert response.context["learn_formset"].forms[0].initial == {"skill": "zz-ai", "level": 1}


def test_an_unknown_section_is_a_bad_request(participant_client, participant):
    assert participant_client.post(edit_url(participant), {"section": "x"}).status_code == 400


# --- org chart --------------------------------------------------------------------------------


def build_chain():
    ceo = PersonFactory(full_name="Ayu CEO", job_title="Chief executive", department="Board")
    cto = PersonFactory(full_name="Bayu CTO", manager=ceo, department="Tech")
    engineer = PersonFactory(full_name="Citra Engineer", manager=cto, department="Tech")
    return ceo, cto, engineer


def test_the_org_chart_renders_two_levels_server_side(participant_client):
    _ceo, cto, _engineer = build_chain()
    response = participant_client.get(ORG_CHART)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ayu CEO" in html and "Bayu CTO" in html
    assert "Citra Engineer" not in html  # the third level loads on demand
    assert f"?parent={cto.pk}" in html
    assert "1 report" in html


def test_the_org_chart_loads_children_with_htmx(participant_client):
    _ceo, cto, _engineer = build_chain()
    response = participant_client.get(ORG_CHART, {"parent": cto.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Citra Engineer" in html
    assert "<html" not in html


def test_the_org_chart_roots_at_a_person_without_js(participant_client):
    _ceo, cto, _engineer = build_chain()
    html = participant_client.get(ORG_CHART, {"parent": cto.pk}).content.decode()
    assert "<html" in html and "Citra Engineer" in html and "Up to Ayu CEO" in html


def test_the_org_chart_filters_by_department(participant_client):
    build_chain()
    response = participant_client.get(ORG_CHART, {"department": "Tech"})
    roots = [branch["person"].full_name for branch in response.context["tree"]]
    assert roots == ["Bayu CTO"]


# --- skills -----------------------------------------------------------------------------------


def test_the_skills_page_counts_teachers_and_learners(
    participant_client, participant, other_participant
):
    skill = SkillFactory(slug="zz-ai", name_en="Zz AI literacy", name_id="Zz Literasi AI")
    PersonSkillFactory(person=participant, skill=skill, direction=SkillDirection.TEACH)
    PersonSkillFactory(person=other_participant, skill=skill, direction=SkillDirection.LEARN)
    response = participant_client.get(SKILLS)
    assert response.status_code == 200
    found = [
        s for _v, _l, skills in response.context["groups"] for s in skills if s.slug == "zz-ai"
    ]
    assert (found[0].teachers, found[0].learners) == (1, 1)
    html = response.content.decode()
    assert "Zz Literasi AI" in html  # the other language's name
    assert f"{reverse('people:directory')}?skill=zz-ai" in html


def test_uncategorised_skills_are_flagged_for_admins_only(client, participant, org_admin):
    SkillFactory(
        slug="zz-new", name_en="Zz New thing", name_id="Zz Hal baru", category="uncategorised"
    )
    client.force_login(participant.user)
    assert "needs a category" not in client.get(SKILLS).content.decode()
    client.force_login(org_admin.user)
    assert "needs a category" in client.get(SKILLS).content.decode()


def test_people_without_a_profile_can_still_browse(client):
    client.force_login(UserFactory())
    assert client.get(DIRECTORY).status_code == 200
    assert Person.objects.count() == 0


# --- Django admin -----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, org_admin):
    org_admin.user.is_staff = True
    org_admin.user.is_superuser = True
    org_admin.user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(org_admin.user)
    return client


def test_the_admin_pages_open(superuser_client, participant):
    SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    for url in [
        "/admin/people/person/",
        f"/admin/people/person/{participant.pk}/change/",
        "/admin/people/skill/?q=zz",
        "/admin/people/peopleimport/",
    ]:
        assert superuser_client.get(url).status_code == 200, url


def test_the_admin_refuses_a_manager_cycle(participant, other_participant):
    from balik.people.admin import PersonAdminForm

    other_participant.manager = participant
    other_participant.save(update_fields=["manager"])
    form = PersonAdminForm(
        data={
            "user": participant.user_id,
            "full_name": participant.full_name,
            "manager": other_participant.pk,
            "seniority_level": 3,
            "languages": '["id"]',
            "timezone": "Asia/Jakarta",
        },
        instance=participant,
    )
    assert not form.is_valid()
    assert "loop" in form.errors["manager"][0]


def test_the_admin_refuses_a_line_break_in_a_name(superuser_client, participant):
    response = superuser_client.post(
        f"/admin/accounts/user/{participant.user_id}/change/",
        {
            "email": participant.user.email,
            "full_name": "Name\nBcc: x@example.com",
            "preferred_language": "",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "full_name" in response.context["adminform"].form.errors
    skill = SkillFactory(slug="zz-ai", name_en="Zz AI", name_id="Zz AI")
    response = superuser_client.post(
        f"/admin/people/skill/{skill.pk}/change/",
        {
            "slug": "zz-ai",
            "name_en": "Zz\nAI",
            "name_id": "Zz AI",
            "category": "uncategorised",
            "aliases": "[]",
        },
    )
    assert response.status_code == 200
    assert "name_en" in response.context["adminform"].form.errors
    participant.user.refresh_from_db()
    skill.refresh_from_db()
    assert (participant.user.full_name, skill.name_en) == ("Rina Junior", "Zz AI")


@pytest.mark.parametrize("url_name", ["people:directory", "people:org_chart", "people:skills"])
def test_the_pages_render_in_indonesian(participant_client, participant, url_name):
    PersonSkillFactory(
        person=participant,
        skill=SkillFactory(slug="zz-ai", name_en="Zz AI literacy", name_id="Zz Literasi AI"),
    )
    participant_client.cookies["django_language"] = "id"
    response = participant_client.get(reverse(url_name), headers={"Accept-Language": "id"})
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


def test_the_profile_and_edit_pages_render_in_indonesian(participant_client, participant):
    AvailabilitySlotFactory(person=participant)
    participant_client.cookies["django_language"] = "id"
    for url in (reverse("people:profile", args=[participant.pk]), edit_url(participant)):
        response = participant_client.get(url)
        assert response.status_code == 200
        assert 'lang="id"' in response.content.decode()


def test_an_admin_enters_the_hire_date_of_someone_who_starts_next_month(admin_client_, participant):
    starts = datetime.date.today() + datetime.timedelta(days=25)
    response = admin_client_.post(
        edit_url(participant),
        about_data(
            participant,
            seniority_level=participant.seniority_level,
            hire_date=starts.isoformat(),
        ),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.hire_date == starts
    profile = admin_client_.get(reverse("people:profile", args=[participant.pk])).content.decode()
    assert "Starts" in profile and "years of service" not in profile


def test_a_profile_names_its_languages_in_the_readers_language(participant_client, participant):
    participant.languages = ["id", "jv"]
    participant.save(update_fields=["languages"])
    response = participant_client.get(reverse("people:profile", args=[participant.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indonesian" in page
    assert "Javanese" in page
