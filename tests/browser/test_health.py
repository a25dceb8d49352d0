"""The demo programme's health page in a real browser: each chart is an image whose accessible
name is its text alternative, with the numbers in it."""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_demo_health_page_reads_out_its_charts(page):
    call_command("demo", verbosity=0)
    from balik.accounts.models import User

    User.objects.filter(email="pm@nusantara.example").update(preferred_language="en")
    sign_in(page, "pm@nusantara.example", "balik-demo")
    page.goto(page.base_url + "/programs/reverse-pilot-2026/")
    page.get_by_role("link", name="Health").click()
    page.get_by_role(
        "heading", name="Outcomes: self-assessment at the start and at the end"
    ).wait_for()
    trend = page.get_by_role("img", name="Sessions held in the weeks starting")
    assert trend.count() == 1
    ratings = page.get_by_role("img", name="Answers per overall rating")
    assert ratings.count() == 1
    caption = page.locator("#rating-caption").inner_text()
    counts = [int(part.split(":")[1]) for part in caption.split(":", 1)[1].split(";")]
    assert sum(counts) >= 5
    outcomes = page.locator("#outcomes-caption").inner_text()
    assert "Confidence with social media" in outcomes and "→" in outcomes
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "health.png"), full_page=True)


def test_a_manager_adds_a_question_from_the_health_page(page):
    call_command("demo", verbosity=0)
    from balik.accounts.models import User
    from balik.feedback.models import Question

    User.objects.filter(email="pm@nusantara.example").update(preferred_language="en")
    sign_in(page, "pm@nusantara.example", "balik-demo")
    page.goto(page.base_url + "/programs/reverse-pilot-2026/health/")
    page.get_by_role("link", name="See the questions, or add your own").click()
    page.get_by_role("button", name="Add the question").click()
    assert page.locator(".has-error, .errorlist").count() >= 1  # nothing filled in
    page.get_by_label("Who answers it").select_option("mentor")
    page.get_by_label("Competency").fill("Coaching upward")
    page.get_by_label("The question in English").fill("I can coach a senior leader.")
    page.get_by_label("The question in Bahasa Indonesia").fill("Saya bisa melatih pimpinan senior.")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_text("Your question is added").wait_for()
    row = page.get_by_role("row", name="I can coach a senior leader.")
    assert "Coaching upward" in row.inner_text() and "this programme" in row.inner_text()
    assert Question.objects.filter(program__slug="reverse-pilot-2026").count() == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "questions.png"), full_page=True)
