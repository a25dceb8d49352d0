import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_participant_signs_in_sees_next_steps_and_signs_out(page, participant, password):
    sign_in(page, participant.user.email, password)
    assert page.get_by_role("heading", name="Welcome, Rina").is_visible()
    assert page.get_by_text("Say what you can teach").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_a_wrong_password_is_refused_with_a_message(page, participant):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Email").fill(participant.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url


def test_switching_language_translates_the_page_and_is_remembered(page, participant, password):
    sign_in(page, participant.user.email, password)
    page.get_by_role("button", name="ID").click()
    page.get_by_role("heading", name="Selamat datang, Rina").wait_for()
    page.goto(page.base_url + "/people/")
    assert page.locator("html").get_attribute("lang") == "id"
    participant.user.refresh_from_db()
    assert participant.user.preferred_language == "id"
