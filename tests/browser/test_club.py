"""The Club in a real browser: find a mentor who fits, book a free time with the preparation,
see the booking in My Club; on a phone too."""

import re

import pytest
from django.utils import timezone

from balik.club.models import Booking
from tests.browser.conftest import sign_in
from tests.club.builders import lively_club
from tests.factories import DEFAULT_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_find_a_mentor_and_book_a_prepared_session(page):
    reader = PersonFactory(
        full_name="Pak Hendra",
        user__full_name="Pak Hendra",
        seniority_level=8,
        user__email="hendra@example.id",
    )
    lively_club(reader)
    sign_in(page, "hendra@example.id", DEFAULT_PASSWORD)
    page.goto(page.base_url + "/club/")
    assert page.get_by_text("6 mentors").first.is_visible()
    first_card = page.locator(".club-card").first
    # the topics the reader wants to learn come first, with the reason shown
    assert re.search("Sari Wulandari|Ayu Lestari", first_card.inner_text())
    assert "Offers what you want to learn" in first_card.inner_text()
    first_card.locator(".club-topics a").first.click()
    page.locator(".club-time").first.click()
    page.get_by_label("What I want to learn").fill("Short videos for our B2B brand")
    page.get_by_label("My key questions").fill("How often should a leader post?")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url(page.base_url + "/club/mine/")
    booking = Booking.objects.get(mentee=reader)
    assert booking.starts_at > timezone.now()
    assert booking.learn == "Short videos for our B2B brand"
    assert page.locator(f"#booking-{booking.pk}").is_visible()


def test_the_club_page_fits_a_phone(browser, live_server):
    reader = PersonFactory(user__email="phone@example.id")
    lively_club(reader)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    phone.base_url = live_server.url
    sign_in(phone, "phone@example.id", DEFAULT_PASSWORD)
    phone.goto(live_server.url + "/club/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    context.close()
