"""Managers create packages, grant them to a person, a department or everyone, see their use,
and lift a booking pause after the talk; participants are refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from balik.club.models import BookingPause, Package, PackageGrant
from balik.club.services import balance, booking_create
from tests.club.builders import PREPARATION, default_package, mentee, mentor_with_topic, slot
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def manager_client(client):
    client.force_login(UserFactory(is_org_admin=True))
    return client


def test_a_participant_is_refused_the_packages_page_and_its_actions(client):
    person = mentee()
    client.force_login(person.user)
    assert client.get(reverse("club:packages")).status_code == 403
    answer = client.post(
        reverse("club:packages"), {"action": "create", "name": "Mine", "sessions": 50}
    )
    assert answer.status_code == 403
    assert not Package.objects.filter(name="Mine").exists()
    BookingPause.objects.create(person=person, reason="two misses")
    lift = client.post(reverse("club:pause-lift", args=[person.pk]))
    assert lift.status_code == 403
    assert BookingPause.objects.get(person=person).lifted_at is None


def test_a_manager_creates_a_package_and_a_bad_one_is_refused_beside_the_form(client):
    browser = manager_client(client)
    answer = browser.post(
        reverse("club:packages"),
        {"action": "create", "name": "Growth", "sessions": 4, "period_months": 1},
    )
    assert answer.status_code == 302
    assert Package.objects.filter(name="Growth", sessions=4, period_months=1).exists()
    again = browser.post(
        reverse("club:packages"),
        {"action": "create", "name": "growth", "sessions": 4, "period_months": 1},
    )
    assert again.status_code == 200
    assert "exists already" in again.content.decode()
    assert Package.objects.count() == 1


def test_a_manager_grants_to_everyone_a_department_and_a_person_and_sees_the_use(client):
    browser = manager_client(client)
    starter = Package.objects.create(name="Starter", sessions=2, period_months=1)
    growth = Package.objects.create(name="Growth", sessions=4, period_months=1)
    marketer = PersonFactory(department="Marketing")
    someone = PersonFactory(department="Finance")
    for data in (
        {"package": starter.pk, "target": "everyone"},
        {"package": growth.pk, "target": "department", "department": "Marketing"},
        {"package": growth.pk, "target": "person", "email": someone.user.email},
    ):
        answer = browser.post(reverse("club:packages"), {"action": "grant", **data})
        assert answer.status_code == 302, answer.content.decode()[:2000]
    assert PackageGrant.objects.filter(package=starter, person=None, department="").exists()
    assert PackageGrant.objects.filter(package=growth, department="Marketing").exists()
    assert PackageGrant.objects.filter(package=growth, person=someone).exists()
    assert balance(marketer).allowance == 4 and balance(someone).allowance == 4
    assert balance(mentee(department="Finance")).allowance == 2
    offering = mentor_with_topic()
    booking_create(marketer.user, offering, starts_at=slot(3), preparation=PREPARATION)
    page = browser.get(reverse("club:packages")).content.decode()
    assert "Growth" in page and "Marketing" in page and someone.full_name in page
    assert "1 of 8" in page  # the two people Growth covers used 1 of their 8 sessions


def test_granting_to_an_unknown_person_is_refused(client):
    browser = manager_client(client)
    starter = Package.objects.create(name="Starter", sessions=2, period_months=1)
    answer = browser.post(
        reverse("club:packages"),
        {"action": "grant", "package": starter.pk, "target": "person", "email": "no@one.id"},
    )
    assert answer.status_code == 200
    assert not PackageGrant.objects.exists()


def test_a_manager_lifts_a_pause_after_the_talk(client):
    default_package()
    person = mentee()
    BookingPause.objects.create(person=person, reason="two misses", started_at=timezone.now())
    browser = manager_client(client)
    page = browser.get(reverse("club:packages")).content.decode()
    assert person.full_name in page
    answer = browser.post(reverse("club:pause-lift", args=[person.pk]))
    assert answer.status_code == 302
    pause = BookingPause.objects.get(person=person)
    assert pause.lifted_at is not None
    offering = mentor_with_topic()
    assert booking_create(person.user, offering, starts_at=slot(3), preparation=PREPARATION)
    again = browser.post(reverse("club:pause-lift", args=[person.pk]), follow=True)
    assert "not paused" in again.content.decode()
