"""On a phone, the home page shows a participant's next step without scrolling."""

import pytest

from tests.browser.conftest import sign_in
from tests.site.builders import lived_in

pytestmark = pytest.mark.django_db(transaction=True)


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


def test_a_mentee_sees_her_next_step_on_a_phone_without_scrolling(page, program_manager, password):
    people = lived_in(program_manager)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, people.mentee.user.email, password)
    first = page.locator(".now-step").first
    assert "Write your agenda by" in first.inner_text()
    assert in_viewport(page, first)
    assert in_viewport(page, first.get_by_role("link", name="Write the agenda"))
    waiting = page.locator(".now-request_waiting")
    assert "Budi Santoso" in waiting.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first.get_by_role("link", name="Write the agenda").click()
    page.wait_for_url(f"**/mentorships/{people.pair.pk}/#agenda")
