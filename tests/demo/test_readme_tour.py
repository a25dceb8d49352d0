"""README.md's "A short tour", walked as written: every demo login it names signs in with the
published password and finds, on each page the tour sends it to, the thing the tour says is
there. When the demo and the README disagree, one of them is wrong."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from balik.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from balik.mentorships.models import Mentorship
from balik.programs.models import Enrolment, EnrolmentStatus, Program

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.django_db


README_INDONESIAN_FIRST = re.search(
    r"^(.*) have chosen Bahasa Indonesia", README.read_text(encoding="utf-8"), re.MULTILINE
).group(1)


def tour() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## A short tour") : text.index("## Command line")]


SWITCHED: set[str] = set()


def sign_in(client, login: str) -> None:
    """Sign in, and switch to English with EN / ID as the README tells those who see
    Bahasa Indonesia first."""
    client.logout()
    response = client.post(
        reverse("login"), {"username": f"{login}@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"{login}@ cannot sign in with {DEMO_PASSWORD}"
    if login in SWITCHED:
        return  # the choice is remembered
    SWITCHED.add(login)
    home = client.get(reverse("home"))
    indonesian_first = f"`{login}@`" in README_INDONESIAN_FIRST
    assert ('<html lang="id">' in home.content.decode()) == indonesian_first, login
    if indonesian_first:
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def visit(client, path: str, *expected: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    for text in expected:
        assertContains(response, text)
    return response.content.decode()


def test_the_tour_names_only_logins_the_demo_has():
    named = set(re.findall(r"`(\w+)@nusantara\.example`", tour()))
    assert named == {"admin", "mentor", "mentee", "pm"}


def test_the_readme_tour_works_as_written_for_every_login_it_names(client):
    call_command("demo", stdout=io.StringIO())
    SWITCHED.clear()
    text = tour()

    # 1-4: the organisation admin
    sign_in(client, "admin")
    visit(client, reverse("home"))
    directory = visit(client, reverse("people:directory"), "Gen Z", "Millennial", "Gen X", "Boomer")
    assert "Department" in directory and "Skill" in directory and "Seniority" in directory
    profile_id = re.search(r'href="/people/(\d+)/"', directory).group(1)
    visit(client, reverse("people:profile", args=[profile_id]), "Can teach")
    visit(client, reverse("people:org_chart"))
    visit(client, reverse("people:import"))

    # 5: the mentor edits their profile; EN / ID at the top
    sign_in(client, "mentor")
    me = client.get(reverse("people:me"))
    edit = f"{me.url}edit/"
    visit(client, edit, 'value="en"', 'value="id"')

    # 6: the programme manager: Social Media Training 2026 has people enrolled; its Matching page
    sign_in(client, "pm")
    social = Program.objects.get(name="Social Media Training 2026")
    assert social.kind == "reverse"
    assert Enrolment.objects.filter(program=social, status=EnrolmentStatus.ACTIVE).count() > 10
    visit(client, reverse("programs:list"), "Social Media Training 2026")
    visit(client, reverse("programs:matching", args=[social.slug]), "Social Media Training 2026")
    templates = (
        "Social Media Training",
        "Reverse Leadership Mentoring",
        "Diversity Reverse Mentoring",
        "Flipped Growth",
        "Classic Mentoring",
        "Peer Circle",
    )
    visit(client, reverse("programs:create"), *templates)
    assert "one of six templates" in text

    # 7: a mentee of Flipped Growth: Cohort 1 chooses a mentor; the tour names who to sign in as
    flipped = Program.objects.get(name="Flipped Growth: Cohort 1")
    assert flipped.self_match
    step_7 = text[text.index("7. *Flipped Growth") : text.index("8. ")]
    login = re.search(r"`(\w+)@nusantara\.example`", step_7).group(1)
    assert Enrolment.objects.filter(
        program=flipped,
        person__user__email=f"{login}@{DEMO_DOMAIN}",
        role="mentee",
        status=EnrolmentStatus.ACTIVE,
    ).exists()
    sign_in(client, login)
    visit(client, reverse("programs:detail", args=[flipped.slug]), "Choose your mentor")
    visit(client, reverse("programs:choose", args=[flipped.slug]), "Choose your mentor")

    # 8: the mentor: in Reverse Mentoring Pilot 2026 Kirana mentors a senior leader (matching
    # decides which: a division head or a director, whatever the database)
    sign_in(client, "mentor")
    visit(client, reverse("mentorships:list"), "Reverse Mentoring Pilot 2026")
    pairing = Mentorship.objects.select_related("mentor", "mentee").get(
        program__name="Reverse Mentoring Pilot 2026", mentor__user__email=f"mentor@{DEMO_DOMAIN}"
    )
    assert pairing.mentor.full_name.startswith("Kirana")
    assert "Kirana mentors one of its senior leaders" in text
    assert pairing.mentee.seniority_level >= 7
    assert pairing.mentee.job_title.startswith(("Kepala Divisi", "Direktur", "Head of", "Director"))
    visit(
        client,
        reverse("mentorships:detail", args=[pairing.pk]),
        "Reverse Mentoring Pilot 2026",
        pairing.mentee.full_name,
    )
    visit(client, reverse("notifications:inbox"))
    visit(client, reverse("notifications:preferences"))
    visit(client, reverse("my-answers"))

    # 8 (admins): e-mails that could not be delivered
    sign_in(client, "admin")
    visit(client, reverse("notifications:failed"))

    # 9: the manager's Health page of the pilot, with its filters
    sign_in(client, "pm")
    pilot = Program.objects.get(name="Reverse Mentoring Pilot 2026")
    health = reverse("programs:health", args=[pilot.slug])
    visit(client, health, "Nudge both", "Print the report")
    visit(client, f"{health}?side=mentor")
    visit(client, f"{health}?side=mentor&generation=millennial")

    # 10: API tokens
    visit(client, reverse("tokens"))
