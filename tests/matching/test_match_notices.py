"""The match notices a publish writes: everyone in the directory is told, those who never signed
in too (the importer gives each person an account without a password; "forgot password" is how
they choose their first), and the notices cost the same queries for four pairs as for one."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from balik.matching import services
from balik.matching.models import MatchRun, ProposedPair, RunStatus
from balik.notifications.models import EmailStatus, Kind, Notification
from balik.notifications.services import emails_deliver
from balik.people.importing import run_import
from balik.people.models import Person
from balik.programs import services as program_services
from tests.factories import SkillFactory
from tests.programs.builders import enrolling_program, invitations_already_sent

pytestmark = pytest.mark.django_db


def imported_people(count: int) -> list[Person]:
    """`count` juniors and `count` seniors, from a CSV as an HR export brings them."""
    lines = ["email,full_name,seniority_level"]
    for n in range(count):
        lines.append(f"junior{n}@imported.example,Junior {n},2")
        lines.append(f"senior{n}@imported.example,Senior {n},8")
    report = run_import(content="\n".join(lines).encode(), actor=None, dry_run=False)
    assert report.ok, report.errors
    return list(Person.objects.filter(user__email__endswith="@imported.example").order_by("pk"))


def finished_run(program_manager, people: list[Person]) -> MatchRun:
    """A reverse programme whose finished run pairs each junior with the senior after them."""
    program = enrolling_program(program_manager, kind="reverse")
    skill = SkillFactory(slug="tiktok-notices", name_en="TikTok content", name_id="Konten TikTok")
    run = MatchRun.objects.create(
        program=program, status=RunStatus.DONE, finished_at=timezone.now()
    )
    for junior, senior in zip(people[::2], people[1::2], strict=True):
        for person, role in ((junior, "mentor"), (senior, "mentee")):
            program_services.enrolment_add(
                program_manager.user,
                program,
                person=person,
                data=program_services.EnrolmentData(role=role),
            )
        ProposedPair.objects.create(
            run=run,
            mentor=junior,
            mentee=senior,
            score=0.8,
            reasons=[
                {
                    "code": "teaches_skill",
                    "teacher": junior.pk,
                    "learner": senior.pk,
                    "skill": skill.pk,
                    "level": 3,
                    "priority": 1,
                }
            ],
        )
    invitations_already_sent()
    return run


def test_people_who_never_signed_in_are_told_they_were_matched(program_manager):
    people = imported_people(1)
    assert not any(person.user.has_usable_password() for person in people)
    assert all(person.user.last_login is None for person in people)
    junior, senior = people
    created = services.run_publish(
        program_manager.user, finished_run(program_manager, people)
    ).created
    assert len(created) == 1
    notices = Notification.objects.filter(kind=Kind.MATCHED)
    assert sorted(notices.values_list("recipient__email", flat=True)) == [
        "junior0@imported.example",
        "senior0@imported.example",
    ]
    assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.PENDING}
    assert emails_deliver() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {junior.email, senior.email}
    to_senior = by_address[senior.email].body
    assert "Junior 0 will be your mentor" in to_senior
    assert "Junior 0 can teach TikTok content (level 3), which Senior 0 wants first" in to_senior
    # and how to get in: they choose their first password with the address the e-mail came to
    assert "You have not chosen a password for Balik yet" in to_senior
    assert f"{settings.BALIK_SITE_URL}{reverse('password_reset')}" in to_senior


def test_people_with_a_password_are_not_asked_to_choose_one(program_manager):
    people = imported_people(1)
    for person in people:
        person.user.set_password("a-long-password-42")
        person.user.save(update_fields=["password"])
    services.run_publish(program_manager.user, finished_run(program_manager, people))
    assert emails_deliver() == 2
    assert all("chosen a password" not in message.body for message in mail.outbox)


def test_the_match_notices_cost_the_same_queries_for_four_pairs_as_for_one(program_manager):
    def queries_to_publish(people: list[Person]) -> int:
        run = finished_run(program_manager, people)
        with CaptureQueriesContext(connection) as captured:
            services.run_publish(program_manager.user, run)
        return len(captured)

    people = imported_people(5)
    one_pair = queries_to_publish(people[:2])
    four_pairs = queries_to_publish(people[2:])
    assert Notification.objects.filter(kind=Kind.MATCHED).count() == 10
    assert four_pairs == one_pair
