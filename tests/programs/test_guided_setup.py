"""A new manager's path: pick a template (a whole card is the link), answer a short guided form
with the advanced settings folded away, then follow the programme page's checklist."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from balik.matching.models import MatchRun, RunStatus
from balik.programs import services
from balik.programs.catalog import TEMPLATES
from balik.programs.models import Enrolment, Program
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db


def test_every_template_card_is_one_link_to_the_guided_form(client, program_manager):
    client.force_login(program_manager.user)
    page = client.get(reverse("programs:create")).content.decode()
    for template in TEMPLATES:
        link = re.search(
            r'<a class="card template-card[^"]*" href="\?template=' + template.slug + r'"[^>]*>'
            r"(.*?)</a>",
            page,
            re.S,
        )
        assert link, template.slug
        assert str(template.name) in link.group(1) and "<h3" in link.group(1)
    assert 'href="?template=blank-classic"' in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_guided_form_asks_the_plain_questions_and_folds_the_advanced_ones(
    client, program_manager
):
    client.force_login(program_manager.user)
    response = client.get(reverse("programs:create") + "?template=social-media-training")
    page = response.content.decode()
    form = response.context["form"]
    assert form["template"].value() == "social-media-training"
    for name in ("name", "start_date", "end_date", "who_may_join", "matching", "invite"):
        assert f'name="{name}"' in page, name
    advanced = page.split("<details", 1)[1].split("</details>", 1)[0]
    for name in ("slug", "min_score", "seniority_gap", "weight_skill_fit"):
        assert f'name="{name}"' in advanced, name
        assert form.fields[name].help_text, name
    assert 'name="name"' not in advanced
    assert "Managers propose the pairs" in page
    assert "Mentees choose their mentor" in page


def test_the_guided_form_creates_an_open_programme_with_its_invitations(client, program_manager):
    invited = [PersonFactory(full_name=f"Invited {n}") for n in range(2)]
    client.force_login(program_manager.user)
    start = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("programs:create") + "?template=social-media-training",
        {
            "template": "social-media-training",
            "name": "Leaders learn social media",
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=90)).isoformat(),
            "who_may_join": "invitation",
            "matching": "mentees",
            "invite": [p.pk for p in invited],
            "invite_role": "mentee",
            "slug": "",
            "min_score": "0.2",
            "seniority_gap": "",
        },
    )
    program = Program.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programs:detail", args=[program.slug])
    assert program.status == "enrolling"
    assert program.start_date == start and program.min_score == 0.2
    assert program.self_match is True and program.enrolment_open is False
    assert program.kind == "reverse" and program.seniority_gap == 2  # the template's
    assert set(Enrolment.objects.values_list("person_id", flat=True)) == {p.pk for p in invited}


def test_the_guided_form_keeps_what_was_typed_when_refused(client, program_manager):
    client.force_login(program_manager.user)
    response = client.post(
        reverse("programs:create") + "?template=classic",
        {
            "template": "classic",
            "name": "Buddies",
            "start_date": "2027-03-01",
            "end_date": "2027-01-01",
            "who_may_join": "link",
            "matching": "managers",
        },
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert 'value="Buddies"' in response.content.decode()
    assert not Program.objects.exists()


def checklist(client, program) -> dict[str, str]:
    page = client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    section = page.split('id="checklist-heading"', 1)[1].split("</section>", 1)[0]
    return {
        step: state
        for state, step in re.findall(r'<li class="step (\w+)" data-step="([\w-]+)"', section)
    }


def test_the_checklist_says_what_is_left_and_links_each_step(client, program_manager):
    program = enrolling_program(program_manager, kind="classic")
    client.force_login(program_manager.user)
    assert checklist(client, program) == {
        "enrol": "todo",
        "match": "waiting",
        "review": "waiting",
        "publish": "waiting",
    }
    page = client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    for url in ("programs:participants", "programs:matching"):
        assert reverse(url, args=[program.slug]) in page
    for role in ("mentor", "mentee"):
        services.enrolment_add(
            program_manager.user,
            program,
            person=PersonFactory(),
            data=services.EnrolmentData(role=role),
        )
    assert checklist(client, program)["enrol"] == "done"
    assert checklist(client, program)["match"] == "todo"
    MatchRun.objects.create(program=program, status=RunStatus.DONE, finished_at=timezone.now())
    steps = checklist(client, program)
    assert steps["match"] == "done" and steps["review"] == "todo"
    assert (
        reverse("programs:matching-publish", args=[program.slug])
        in client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    )
    MatchRun.objects.update(status=RunStatus.PUBLISHED, published_at=timezone.now())
    Program.objects.filter(pk=program.pk).update(status="active")
    assert set(checklist(client, program).values()) == {"done"}


def test_an_active_programme_does_not_offer_start_matching(client, program_manager):
    program = enrolling_program(program_manager, kind="classic")
    Program.objects.filter(pk=program.pk).update(status="active")
    client.force_login(program_manager.user)
    page = client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    assert "Start matching" not in page
    assert 'value="matching"' not in page
    assert "Close the programme" in page
