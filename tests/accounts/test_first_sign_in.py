"""The first sign-in link an invitation carries: choose a password once, then arrive home
signed in; a link used already, or expired, says so and how to get in anyway."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from balik.accounts.first_sign_in import FIRST_SIGN_IN_LINK_DAYS, first_sign_in_url
from balik.notifications.models import Kind, Notification
from balik.programs import services
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def newcomer(db):
    person = PersonFactory(full_name="Nadia Newcomer", user__email="nadia@example.id")
    person.user.set_unusable_password()
    person.user.save(update_fields=["password"])
    return person


def invitation_link(program_manager, newcomer) -> str:
    program = enrolling_program(program_manager, kind="flipped", name="Grow")
    services.enrolments_add_people(program_manager.user, program, people=[newcomer], role="mentee")
    body = Notification.objects.get(recipient=newcomer.user, kind=Kind.FIRST_SIGN_IN).body
    link = re.search(r"http://\S+/accounts/welcome/\S+", body).group(0)
    return link.removeprefix("http://127.0.0.1:8000")


def set_password(client, path):
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assertContains(form_page, "Choose your password")
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_the_link_sets_a_password_and_signs_in_to_home(client, program_manager, newcomer):
    path = invitation_link(program_manager, newcomer)
    done = set_password(client, path)
    assert done.status_code == 302 and done.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == newcomer.user
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)


def test_the_link_works_once(client, program_manager, newcomer):
    path = invitation_link(program_manager, newcomer)
    set_password(client, path)
    client.logout()
    again = client.get(path, follow=True)
    assertContains(again, "This link was already used to choose a password")
    assertContains(again, reverse("login"))
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password(NEW_PASSWORD)


def test_the_link_expires(client, program_manager, newcomer):
    path = invitation_link(program_manager, newcomer)
    later = timezone.now() + timedelta(days=FIRST_SIGN_IN_LINK_DAYS, hours=1)
    with time_machine.travel(later):
        page = client.get(path, follow=True)
    assertContains(page, "This link has expired")
    assertContains(page, reverse("password_reset"))
    assert not get_user_model().objects.get(pk=newcomer.user.pk).has_usable_password()


def test_a_reset_link_is_not_a_first_sign_in_link(client, newcomer):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(newcomer.user.pk))
    reset_token = default_token_generator.make_token(newcomer.user)
    page = client.get(reverse("first_sign_in", args=[uid, reset_token]))
    assertContains(page, "This link no longer works")


def test_a_link_made_for_someone_still_works_after_another_invitation(client, newcomer):
    first = first_sign_in_url(newcomer.user).removeprefix("http://127.0.0.1:8000")
    first_sign_in_url(newcomer.user)
    assert set_password(client, first).status_code == 302


def test_the_link_still_works_the_day_before_it_expires(client, program_manager, newcomer):
    path = invitation_link(program_manager, newcomer)
    with time_machine.travel(timezone.now() + timedelta(days=FIRST_SIGN_IN_LINK_DAYS - 1)):
        assert set_password(client, path).status_code == 302
