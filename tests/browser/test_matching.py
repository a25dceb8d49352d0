"""The manager's matching loop in a real browser: run, review with reasons, lock, publish; then
a mentee reads why they were matched and declines."""

from pathlib import Path

import pytest

from balik.matching.models import PairRule
from balik.mentorships.models import Mentorship
from tests.browser.conftest import sign_in
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_manager_runs_reviews_locks_and_publishes(page, program_manager, password):
    program = enrolling_program(
        program_manager,
        kind="reverse",
        name="Social Media Training",
        template="social-media-training",
    )
    _juniors, seniors = reverse_population(program, 4, manager_user=program_manager.user)

    sign_in(page, program_manager.user.email, password)
    page.goto(page.base_url + f"/programs/{program.slug}/")
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()
    page.get_by_role("heading", name="Proposed pairs").wait_for()
    assert page.get_by_text("can teach TikTok content (level 3)").first.is_visible()
    assert page.locator("#dist-caption").inner_text().startswith("Pairs per score band")
    bars = page.locator("svg.component-bars").first.get_attribute("aria-label")
    assert "Skill fit" in bars
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "matching-review.png"), full_page=True)

    page.get_by_role("button", name="Lock", exact=True).first.click()
    page.get_by_text("Pair locked").wait_for()
    assert PairRule.objects.filter(program=program, action="lock").count() == 1

    page.get_by_role("link", name="Publish and notify").click()
    page.get_by_role("heading", name="The e-mail they receive").wait_for()
    assert page.get_by_text("will be your mentor").first.is_visible()
    page.get_by_label("Create 4 mentorships").check()
    page.get_by_role("button", name="Publish and notify").click()
    page.get_by_text("4 mentorships created").wait_for()
    assert Mentorship.objects.filter(program=program).count() == 4

    page.context.clear_cookies()
    mentee = seniors[0]
    sign_in(page, mentee.user.email, password)
    page.goto(page.base_url + "/mentorships/")
    page.get_by_role("link", name="mentors you").click()
    page.get_by_role("heading", name="Why you were matched").wait_for()
    assert page.get_by_text("Your role guide").is_visible()
    page.get_by_text("This match cannot work?").click()
    page.get_by_role("button", name="Decline the match").click()
    assert page.get_by_text("Tell the programme manager why, in a few words.").is_visible()
    page.get_by_text("This match cannot work?").click()
    page.get_by_label("Tell the programme manager why").fill("We sit in the same team")
    page.get_by_role("button", name="Decline the match").click()
    page.get_by_text("You declined the match").wait_for()
    assert Mentorship.objects.get(mentee=mentee).status == "declined"
