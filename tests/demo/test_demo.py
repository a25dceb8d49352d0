import csv
import io
import re
from collections import Counter
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from balik.demo.people import (
    CSV_COLUMNS,
    DEMO_DOMAIN,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_csv,
    generate_people,
)
from balik.people.models import AvailabilitySlot, Person, PersonSkill, Skill
from balik.people.skill_seed import skill_taxonomy

CATEGORY_OF = {entry["slug"]: entry["category"] for entry in skill_taxonomy()}
DIGITAL = {"digital_social", "data_ai", "technology"}


@pytest.fixture(scope="module")
def people():
    return generate_people()


@pytest.fixture(scope="module")
def by_email(people):
    return {person.email: person for person in people}


def categories(skills):
    return {CATEGORY_OF[slug] for slug, _level in skills}


# -- the generator ---------------------------------------------------------------------------


def test_it_builds_about_300_people_in_at_least_8_departments(people):
    assert 280 <= len(people) <= 330
    departments = Counter(person.department for person in people)
    assert len(departments) >= 8
    assert min(departments.values()) >= 10


def test_every_generation_is_there_where_it_belongs(people):
    bands = Counter(person.generation for person in people)
    assert set(bands) == {"boomer", "gen_x", "millennial", "gen_z"}
    assert bands["gen_z"] >= 80 and bands["millennial"] >= 80 and bands["gen_x"] >= 15
    juniors = [person for person in people if person.seniority_level <= 2]
    assert Counter(person.generation for person in juniors).most_common(1)[0][0] == "gen_z"
    boomers = [person for person in people if person.generation == "boomer"]
    assert all(person.seniority_level >= 6 for person in boomers)
    assert max(people, key=lambda person: person.seniority_level).generation == "boomer"


def test_the_management_chain_is_one_tree(people, by_email):
    roots = [person for person in people if not person.manager_email]
    assert len(roots) == 1
    assert roots[0].seniority_level == 10
    seen_before = set()
    for person in people:
        if person.manager_email:
            # Managers come first in the file, so the chain cannot loop.
            assert person.manager_email in seen_before
            manager = by_email[person.manager_email]
            assert manager.seniority_level > person.seniority_level
        seen_before.add(person.email)
    levels = Counter(person.seniority_level for person in people)
    assert set(levels) == set(range(1, 11))


def test_names_and_emails_are_unique_and_emails_follow_the_name(people):
    assert len({person.full_name for person in people}) == len(people)
    assert len({person.email for person in people}) == len(people)
    login_emails = {login.email for login in DEMO_LOGINS}
    pattern = re.compile(rf"^[a-z]+(\.[a-z]+)?@{re.escape(DEMO_DOMAIN)}$")
    for person in people:
        assert pattern.match(person.email), person.email
        if person.email not in login_emails:
            local = person.email.split("@")[0]
            name_words = {word.lower() for word in person.full_name.split()}
            assert set(local.split(".")) <= name_words, (person.full_name, person.email)


def test_juniors_teach_digital_skills_and_want_to_learn_leadership(people):
    juniors = [person for person in people if person.seniority_level <= 2]
    assert len(juniors) >= 100
    for person in juniors:
        digital = [(s, lv) for s, lv in person.can_teach if CATEGORY_OF[s] in DIGITAL]
        assert digital and max(level for _, level in digital) >= 2, person.full_name
        assert categories(person.wants_to_learn) & {"leadership_strategy", "communication"}
    wanted = Counter(slug for person in juniors for slug, _ in person.wants_to_learn)
    assert {"leadership", "strategy", "stakeholder-management"} <= set(wanted)


def test_senior_leaders_teach_leadership_and_want_to_learn_digital_and_inclusion(people):
    leaders = [person for person in people if person.seniority_level >= 7]
    assert len(leaders) >= 10
    for person in leaders:
        assert "leadership_strategy" in categories(person.can_teach), person.full_name
        assert categories(person.wants_to_learn) & (DIGITAL | {"inclusion_diversity"})
    wanted = Counter(slug for person in leaders for slug, _ in person.wants_to_learn)
    assert wanted["generative-ai"] + wanted["tiktok"] + wanted["social-media"] >= 5


def test_the_output_is_identical_on_every_run(people):
    assert demo_csv(generate_people()) == demo_csv(people)


def test_the_csv_follows_the_people_csv_contract(people):
    reader = csv.DictReader(io.StringIO(demo_csv(people)))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    rows = list(reader)
    assert len(rows) == len(people)
    for row in rows:
        assert row["email"] and row["full_name"]
        assert 1 <= int(row["seniority_level"]) <= 10
        hired = date.fromisoformat(row["hire_date"])
        assert int(row["birth_year"]) + 21 <= hired.year and hired <= date.today()
        ZoneInfo(row["timezone"])
        languages = row["languages"].split(";")
        assert languages[0] == "id" and set(languages) <= {"id", "en", "jv", "su", "zh"}
        for column in ("can_teach", "wants_to_learn"):
            for cell in row[column].split(";"):
                slug, level = cell.split(":")
                assert slug in CATEGORY_OF and level in {"1", "2", "3"}
        taught = {cell.split(":")[0] for cell in row["can_teach"].split(";")}
        wanted = {cell.split(":")[0] for cell in row["wants_to_learn"].split(";")}
        assert not taught & wanted
    zones = Counter(row["timezone"] for row in rows)
    assert zones["Asia/Jakarta"] > zones["Asia/Makassar"] > zones["Asia/Jayapura"] > 0
    spoken = Counter(code for row in rows for code in row["languages"].split(";"))
    assert spoken["en"] > len(rows) / 2 and spoken["jv"] and spoken["su"] and spoken["zh"]


def test_the_four_logins_are_people_of_the_organisation(by_email):
    admin, pm, mentor, mentee = (
        by_email[f"{role}@{DEMO_DOMAIN}"] for role in ("admin", "pm", "mentor", "mentee")
    )
    assert pm.department == "Human Capital"
    assert mentor.generation == "gen_z" and mentor.seniority_level <= 2
    assert {"tiktok", "social-media", "generative-ai"} <= {slug for slug, _ in mentor.can_teach}
    assert mentee.seniority_level >= 8 and mentee.generation in {"gen_x", "boomer"}
    assert {"social-media", "generative-ai"} <= {slug for slug, _ in mentee.wants_to_learn}
    assert "leadership" in {slug for slug, _ in mentee.can_teach}
    assert admin.manager_email and mentor.manager_email and mentee.manager_email


def test_availability_is_plausible_working_time_in_each_persons_zone(people):
    for person in people:
        assert person.bio
        assert 2 <= len(person.availability) <= 6
        for weekday, start, end in person.availability:
            assert 0 <= weekday <= 6
            assert start < end or end == time(0, 0)
            assert time(7, 0) <= start <= time(22, 0)
        days = Counter(weekday for weekday, _, _ in person.availability)
        assert all(count <= 2 for count in days.values())
    evenings = sum(
        any(start >= time(19, 0) for _, start, _ in person.availability) for person in people
    )
    assert evenings >= 30


def test_write_csv_writes_the_file_without_touching_the_database(tmp_path, people):
    target = tmp_path / "demo.csv"
    out = io.StringIO()
    call_command("demo", write_csv=str(target), stdout=out)
    assert target.read_text(encoding="utf-8") == demo_csv(people)
    assert str(len(people)) in out.getvalue()


# -- loading it (through the real importer) ----------------------------------------------------


def counts():
    return {
        "people": Person.objects.count(),
        "users": get_user_model().objects.count(),
        "skills": Skill.objects.count(),
        "person_skills": PersonSkill.objects.count(),
        "availability": AvailabilitySlot.objects.count(),
        "bios": Person.objects.exclude(bio="").count(),
    }


@pytest.mark.django_db
def test_the_demo_loads_and_loading_it_again_changes_nothing(people):
    first = io.StringIO()
    call_command("demo", stdout=first)
    after_first = counts()
    assert after_first["people"] == len(people)
    assert after_first["bios"] == len(people)
    assert after_first["availability"] == sum(len(person.availability) for person in people)
    assert f"created {len(people)}," in first.getvalue()

    User = get_user_model()
    mentor = User.objects.get(email=f"mentor@{DEMO_DOMAIN}")
    mentor.set_password("something else")
    mentor.is_program_manager = True
    mentor.save(update_fields=["password", "is_program_manager"])

    second = io.StringIO()
    call_command("demo", stdout=second)
    assert counts() == after_first
    assert "created 0," in second.getvalue()
    mentor.refresh_from_db()
    assert mentor.check_password(DEMO_PASSWORD) and not mentor.is_program_manager
    for login in DEMO_LOGINS:
        assert login.email in second.getvalue()
    assert DEMO_PASSWORD in second.getvalue()

    ceo = Person.objects.get(manager__isnull=True)
    assert ceo.seniority_level == 10
    mentee = Person.objects.select_related("manager").get(user__email=f"mentee@{DEMO_DOMAIN}")
    assert mentee.manager == ceo
    assert mentee.skills.filter(skill__slug="tiktok", direction="learn").exists()
    assert Skill.objects.filter(category="uncategorised").count() == 0


@pytest.mark.django_db
def test_the_demo_logins_sign_in_with_their_roles(client):
    call_command("demo", stdout=io.StringIO())
    User = get_user_model()
    expected = {
        "admin": {"is_org_admin": True, "is_program_manager": False, "is_superuser": True},
        "pm": {"is_org_admin": False, "is_program_manager": True, "is_superuser": False},
        "mentor": {"is_org_admin": False, "is_program_manager": False, "is_superuser": False},
        "mentee": {"is_org_admin": False, "is_program_manager": False, "is_superuser": False},
    }
    for role, flags in expected.items():
        user = User.objects.get(email=f"{role}@{DEMO_DOMAIN}")
        assert {flag: getattr(user, flag) for flag in flags} == flags, role
        assert user.is_staff == flags["is_superuser"]
        response = client.post(
            reverse("login"), {"username": user.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post(reverse("logout"))
    pm = Person.objects.get(user__email=f"pm@{DEMO_DOMAIN}")
    assert pm.department == "Human Capital"
