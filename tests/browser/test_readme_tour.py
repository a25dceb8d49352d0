"""README step 8 in a real browser: mentor@ signs in with the published demo password, switches
to English with EN / ID, opens My mentorships and finds Kirana's pair in the pilot."""

import io

import pytest
from django.core.management import call_command

from balik.demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_mentor_of_the_tour_finds_kiranas_mentorship(page):
    call_command("demo", stdout=io.StringIO())
    sign_in(page, f"mentor@{DEMO_DOMAIN}", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "id"  # her saved language
    page.get_by_role("button", name="EN").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("link", name="My mentorships").first.click()
    pair = page.locator("li").filter(has_text="Reverse Mentoring Pilot 2026").first
    pair.get_by_role("link", name="You mentor").click()
    page.wait_for_url("**/mentorships/*/")
    assert page.get_by_text("Reverse Mentoring Pilot 2026").first.is_visible()
