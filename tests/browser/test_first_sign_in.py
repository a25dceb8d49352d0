"""In a real browser: a person imported from the HR system's CSV without a password is enrolled
on the enrol page, receives the invitation e-mail, follows its one-time link, chooses a
password and lands home signed in; the link used again, or expired, is refused with a clear
message."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from balik.accounts.first_sign_in import FIRST_SIGN_IN_LINK_DAYS
from balik.notifications.services import emails_deliver
from balik.people.models import Person
from tests.browser.conftest import sign_in
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("BALIK_SHOTS_DIR", "")
NEW_PASSWORD = "kopi-tubruk-2026!"
PEOPLE_CSV = (
    "email,full_name,job_title,department,seniority_level,birth_year,can_teach\n"
    "sari.wulandari@example.id,Sari Wulandari,Content Specialist,Digital,2,1999,\n"
    "agus.pratama@example.id,Agus Pratama,Data Analyst,Digital,3,1996,\n"
    "hendra.gunawan@example.id,Hendra Gunawan,Finance Director,Finance,9,1968,\n"
)


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_imported_person_signs_in_for_the_first_time_from_the_invitation(
    page, browser, live_server, program_manager, password, tmp_path
):
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(PEOPLE_CSV, encoding="utf-8")
    call_command("import_people", str(people_csv))
    sari = Person.objects.select_related("user").get(user__email="sari.wulandari@example.id")
    assert not sari.user.has_usable_password()
    program = enrolling_program(program_manager, kind="reverse", name="Leaders learn AI")

    # the manager finds her on the enrol page and enrols her
    sign_in(page, program_manager.user.email, password)
    page.goto(f"{page.base_url}/programs/{program.slug}/enrol/people/")
    page.get_by_label("Department").select_option("Digital")
    page.get_by_label("Generation").select_option("gen_z")
    page.get_by_role("button", name="Show people").click()
    results = page.locator(".enrol-list")
    results.get_by_text("Content Specialist").wait_for()
    assert results.get_by_text("Data Analyst").count() == 0  # a millennial
    shoot(page, "enrol-search-en")
    page.get_by_label("Sari Wulandari").check()
    page.get_by_label("Enrol as").select_option("mentor")
    page.get_by_role("button", name="Enrol the ticked people").click()
    page.get_by_text("1 person enrolled").wait_for()
    page.get_by_text("In this programme (Mentor)").wait_for()

    # the invitation is e-mailed by the worker
    assert emails_deliver() >= 1
    (invitation,) = [m for m in mail.outbox if m.to == ["sari.wulandari@example.id"]]
    assert invitation.subject == "You are invited to Leaders learn AI"
    assert "reverse mentoring programme" in invitation.body
    link = re.search(r"http://\S+/accounts/welcome/\S+", invitation.body).group(0)
    path = link.removeprefix("http://127.0.0.1:8000")

    # she follows it in her own browser
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    own = context.new_page()
    own.goto(live_server.url + path)
    own.get_by_role("heading", name="Choose your password").wait_for()
    shoot(own, "set-password-en")
    own.locator("#id_new_password1").fill(NEW_PASSWORD)
    own.locator("#id_new_password2").fill(NEW_PASSWORD)
    own.get_by_role("button", name="Set my password and sign in").click()
    own.wait_for_url(live_server.url + "/")
    own.get_by_text("Your password is set. Welcome to Balik.").wait_for()
    sari.user.refresh_from_db()
    assert sari.user.check_password(NEW_PASSWORD)

    # the link again, from a fresh browser: refused, and told how to get in
    context.clear_cookies()
    own.goto(live_server.url + path)
    own.get_by_role("heading", name="This link no longer works").wait_for()
    assert own.get_by_text("This link was already used to choose a password").is_visible()
    shoot(own, "link-used-en")
    context.close()


def test_an_expired_first_sign_in_link_says_so(page, live_server, program_manager, tmp_path):
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(PEOPLE_CSV, encoding="utf-8")
    call_command("import_people", str(people_csv))
    hendra = Person.objects.get(user__email="hendra.gunawan@example.id")
    program = enrolling_program(program_manager, kind="flipped", name="Grow")
    from balik.programs import services

    services.enrolments_add_people(program_manager.user, program, people=[hendra], role="mentor")
    emails_deliver()
    (invitation,) = [m for m in mail.outbox if m.to == ["hendra.gunawan@example.id"]]
    link = re.search(r"http://\S+/accounts/welcome/\S+", invitation.body).group(0)
    later = timezone.now() + timedelta(days=FIRST_SIGN_IN_LINK_DAYS, hours=1)
    with time_machine.travel(later):
        page.goto(live_server.url + link.removeprefix("http://127.0.0.1:8000"))
        page.get_by_role("heading", name="This link no longer works").wait_for()
        assert page.get_by_text("This link has expired").is_visible()
        page.get_by_role("link", name="Send me a new link").click()
        page.wait_for_url("**/accounts/password/reset/")
