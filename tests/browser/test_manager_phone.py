"""The manager's pages on a phone (390 x 844): none scrolls sideways; wide tables become
cards. Each page is loaded in English and in Indonesian (longer words)."""

import pytest

from balik.matching import services as matching
from tests.browser.conftest import sign_in
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_manager_pages_fit_a_phone(browser, live_server, program_manager, password):
    program = enrolling_program(
        program_manager,
        kind="reverse",
        name="Social Media Training for the Regional Directors",
        template="social-media-training",
        self_match=True,
        open_link=True,  # the page shows the long self-enrolment link
    )
    _juniors, seniors = reverse_population(program, 6, manager_user=program_manager.user)
    run = matching.run_start(program_manager.user, program)
    assert run.pairs.count() == 6
    pages = {
        "programme": f"/programs/{program.slug}/",
        "matching review": f"/programs/{program.slug}/matching/",
        "publish preview": f"/programs/{program.slug}/matching/publish/",
        "template choice": "/programs/new/",
        "guided set-up": "/programs/new/?template=social-media-training",
    }
    for language in ("en", "id"):
        context = browser.new_context(viewport=PHONE, locale="en-GB")
        page = context.new_page()
        page.base_url = live_server.url
        sign_in(page, program_manager.user.email, password)
        context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        for name, path in pages.items():
            page.goto(page.base_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{name} ({language}) is {width} px wide"
        context.close()
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, seniors[0].user.email, password)
    page.goto(page.base_url + f"/programs/{program.slug}/choose/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
