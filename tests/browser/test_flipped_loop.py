"""The whole flipped loop in a real browser: the mentee proposes a time, the mentor accepts, the
mentee writes and submits the agenda, the mentor answers, both write notes and the learning
log, and an action item is completed."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from balik.mentorships.models import ActionItem, LearningEntry, Note, Session, SessionStatus
from tests.browser.conftest import sign_in
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_flipped_loop(browser, live_server, program_manager, password):
    pair = flipped_pair(program_manager)
    url = f"{live_server.url}/mentorships/{pair.pk}/"

    mentee_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    mentee = mentee_context.new_page()
    mentee.base_url = live_server.url
    sign_in(mentee, pair.mentee.user.email, password)
    mentee.goto(url)
    mentee.locator("#propose > summary").click()  # forms open when asked for
    suggestions = mentee.locator("form.propose input[type=checkbox][name=start]")
    assert suggestions.count() >= 1
    suggestions.first.check()
    mentee.get_by_role("button", name="Propose these times").click()
    mentee.get_by_text("Times proposed; the other person chooses one.").wait_for()

    mentor_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    mentor = mentor_context.new_page()
    mentor.base_url = live_server.url
    sign_in(mentor, pair.mentor.user.email, password)
    mentor.goto(url)
    mentor.locator("#sessions form[action$='/accept/'] button").first.click()
    mentor.get_by_text("Session booked").wait_for()
    session = Session.objects.get(mentorship=pair)
    assert session.status == SessionStatus.BOOKED

    mentee.goto(url)
    mentee.get_by_label("Topics").fill("Pricing our new service")
    mentee.get_by_label("Research done (notes and links)").fill(
        "Competitor prices: https://example.org/prices"
    )
    mentee.get_by_label("Key questions").fill("Value-based or cost-plus?")
    mentee.get_by_label("Challenges for the other side").fill("Tell me where my model breaks")
    mentee.get_by_label("What I want to learn in this session").fill("A pricing model I can defend")
    mentee.get_by_role("button", name="Submit the agenda").click()
    mentee.get_by_text("Agenda submitted.").wait_for()
    assert mentee.locator("#sessions [data-agenda-state=on_time]").count() == 1
    assert mentee.locator("#agenda [data-agenda-state=on_time]").count() == 1

    mentor.goto(url)
    assert mentor.get_by_text("Value-based or cost-plus?").is_visible()
    # the next step says so, and the answer form is open beside the agenda
    assert "Answer the agenda" in mentor.locator("#next").inner_text()
    mentor.get_by_label("Perspective").fill("Start from the customer's value")
    mentor.get_by_role("button", name="Save my answer").click()
    mentor.get_by_text("Your answer is saved.").wait_for()

    # the session takes place
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    for page, taught, learned in (
        (mentee, "How our customers talk about price", "Value-based pricing"),
        (mentor, "Value-based pricing", "How our customers talk about price"),
    ):
        page.goto(url)
        page.locator("#learning details.form-toggle > summary").first.click()
        page.get_by_label("What I taught").fill(taught)
        page.get_by_label("What I learned").fill(learned)
        page.get_by_role("button", name="Save to the learning log").click()
        page.get_by_text("Learning log saved.").wait_for()
        page.locator("#add-note > summary").click()
        page.get_by_label("A note").fill(f"Note by {'mentee' if page is mentee else 'mentor'}")
        page.get_by_role("button", name="Save the note").click()
        page.get_by_text("Note saved.").wait_for()
    assert LearningEntry.objects.filter(session=session).count() == 2
    assert Note.objects.filter(mentorship=pair).count() == 2

    mentee.goto(url)
    log = mentee.locator("#learning table")
    assert "Value-based pricing" in log.inner_text()
    mentee.locator("#add-action > summary").click()
    mentee.locator("#actions").get_by_label("Action").fill("Draft the price list")
    mentee.locator("#actions").get_by_label("Due date").fill(
        (timezone.localdate() + timedelta(days=7)).isoformat()
    )
    mentee.locator("#actions").get_by_role("button", name="Add").click()
    mentee.get_by_text("Action item added.").wait_for()
    mentee.get_by_role("button", name="Mark as done: Draft the price list").click()
    mentee.get_by_text("Action item updated.").wait_for()
    assert ActionItem.objects.get(mentorship=pair).done_at is not None
    SCREENSHOTS.mkdir(exist_ok=True)
    mentee.screenshot(path=str(SCREENSHOTS / "flipped-loop.png"), full_page=True)
    mentee_context.close()
    mentor_context.close()
