"""The mentorship page in a real browser: on a phone the next step is in view without
scrolling; a refused form comes back in view, focused on the field to mend, with everything
typed kept; closing asks first and says what happens.

With BALIK_SHOTS set to a folder, the tests also leave screenshots of the page there."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from balik.accounts.models import User
from balik.mentorships.agendas import agenda_answer, agenda_save
from balik.mentorships.agreements import agreement_confirm, agreement_for
from balik.mentorships.closing import mentorship_close
from balik.mentorships.goals import goal_add, goal_update
from balik.mentorships.models import Agenda, Goal, MentorshipStatus, Session, SessionStatus
from balik.mentorships.notes import action_add, learning_record, note_add
from balik.mentorships.sessions import (
    session_accept_option,
    session_propose,
    session_record_attendance,
)
from balik.people.models import Person
from tests.browser.conftest import sign_in
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = os.environ.get("BALIK_SHOTS")


def in_days(days: int, hour: int = 12):
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(pair, start) -> Session:
    session = session_propose(pair.mentee.user, pair, starts=[start])
    return session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)


def open_as(browser, live_server, person, password, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, person.user.email, password)
    return context, page


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
        }""",
        selector,
    )


def focused_name(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-first-screen.png"))


def test_on_a_phone_the_next_step_is_in_view(browser, live_server, program_manager, password):
    pair = flipped_pair(program_manager)
    book(pair, in_days(3))
    context, page = open_as(browser, live_server, pair.mentee, password, PHONE)
    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
    assert "Write your agenda by" in page.locator("#next").inner_text()
    assert in_view(page, "#next .next-text")
    assert in_view(page, "#next .button")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.locator("#next .button").click()
    assert page.get_by_label("Topics").is_visible()
    context.close()


def test_a_refused_agenda_comes_back_as_typed_focused_on_the_missing_field(
    browser, live_server, program_manager, password
):
    pair = flipped_pair(program_manager)
    session = book(pair, in_days(3))
    context, page = open_as(browser, live_server, pair.mentee, password, PHONE)
    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
    page.get_by_label("Topics").fill("Pricing our new service")
    page.get_by_label("Research done (notes and links)").fill("Competitor prices, three links")
    page.get_by_label("Key questions").fill("Value-based or cost-plus?")
    page.get_by_role("button", name="Submit the agenda").click()
    page.get_by_text("Your agenda is saved as a draft").wait_for()
    assert page.get_by_label("Topics").input_value() == "Pricing our new service"
    assert page.get_by_label("Research done (notes and links)").input_value() == (
        "Competitor prices, three links"
    )
    assert focused_name(page) == "objectives"
    assert in_view(page, "textarea[name=objectives]")
    shoot(page, "refused-agenda-390-en")
    agenda = Agenda.objects.get(session=session)
    assert (agenda.topics, agenda.submitted_at) == ("Pricing our new service", None)
    context.close()


def test_a_refused_goal_comes_back_as_typed_in_view(
    browser, live_server, program_manager, password
):
    pair = flipped_pair(program_manager)
    context, page = open_as(browser, live_server, pair.mentee, password, PHONE)
    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
    page.locator("#add-goal > summary").click()
    page.locator("#add-goal input[name=title]").fill("Price the new service")
    page.get_by_label("How success is measured").fill("A price list the team uses")
    page.get_by_label("Target value or outcome").fill("Three tiers")
    page.locator("#add-goal input[name=due_date]").fill(
        (timezone.localdate() - timedelta(days=3)).isoformat()
    )
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_text("The due date is in the past.").wait_for()
    assert page.get_by_label("How success is measured").input_value() == (
        "A price list the team uses"
    )
    assert page.get_by_label("Target value or outcome").input_value() == "Three tiers"
    assert focused_name(page) == "due_date"
    assert in_view(page, "#add-goal input[name=due_date]")
    assert not Goal.objects.filter(mentorship=pair).exists()
    context.close()


def test_closing_asks_first_and_says_what_happens(browser, live_server, program_manager, password):
    pair = flipped_pair(program_manager)
    later = book(pair, in_days(5))
    mentorship_close(pair.mentee.user, pair, reflection="Grew", goals_outcome="", match_again=True)
    context, page = open_as(browser, live_server, pair.mentor, password, DESKTOP)
    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
    close = page.locator("#close")
    assert "booked sessions still to come are cancelled" in close.inner_text()
    assert "One booked session will be cancelled." in close.inner_text()
    page.locator("#close-form > summary").click()
    page.get_by_label("Looking back").fill("Learned TikTok from Rina")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Save and close the mentorship").click()
    assert asked and "cancelled" in asked[0]
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE  # dismissed: nothing happened
    page.get_by_label("I understand").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and close the mentorship").click()
    page.get_by_text("The mentorship is closed.").wait_for()
    later.refresh_from_db()
    assert later.status == SessionStatus.CANCELLED
    assert "This mentorship closed on" in page.locator("#next").inner_text()
    context.close()


def lived_pair(manager):
    """A pair some weeks in: agreement, goals with progress, a held session with its agenda,
    answer, feedback-to-give and learning log, a booked one to prepare, notes and actions."""
    pair = flipped_pair(manager)
    Person.objects.filter(pk=pair.mentor.pk).update(job_title="Head of Finance")
    Person.objects.filter(pk=pair.mentee.pk).update(job_title="Marketing Associate")
    agreement = agreement_for(pair)
    agreement.goals = "Rina learns to price a service; Budi learns how our customers use TikTok."
    agreement.meeting_place = "https://meet.example.org/budi-rina"
    agreement.save()
    agreement_confirm(pair.mentor.user, pair)
    agreement_confirm(pair.mentee.user, pair)
    goal = goal_add(
        pair.mentee.user,
        pair,
        title="Price the new service",
        measure="A price list the team uses",
        target="Three tiers signed off",
        due_date=timezone.localdate() + timedelta(days=40),
    )
    goal_update(pair.mentee.user, goal, value="35%", note="Two tiers drafted", status="on_track")
    start = in_days(2, hour=12)
    held = book(pair, start)
    agenda_save(
        pair.mentee.user,
        held,
        submit=True,
        topics="Pricing our new service",
        key_questions="Value-based or cost-plus?",
        objectives="A pricing model I can defend",
    )
    agenda_answer(pair.mentor.user, held, perspective="Start from the customer's value")
    return pair, held, start


def test_screens_of_the_page(browser, live_server, program_manager, password):
    """The page as each side sees it, active and closed, at both widths, in both languages."""

    pair, held, start = lived_pair(program_manager)
    with time_machine.travel(start + timedelta(hours=3), tick=True):
        session_record_attendance(pair.mentor.user, held, attendance="held")
        learning_record(pair.mentee.user, held, taught="How our customers talk", learned="Tiers")
        note_add(pair.mentee.user, pair, body="Ask finance for last year's prices", private=False)
        action_add(
            pair.mentee.user,
            pair,
            title="Draft the price list",
            owner_id=None,
            due_date=timezone.localdate() + timedelta(days=9),
        )
        book(pair, in_days(9, hour=12))
    with time_machine.travel(start + timedelta(hours=4), tick=True):
        for side, person in (("mentee", pair.mentee), ("mentor", pair.mentor)):
            for language in ("en", "id"):
                for label, viewport in (("1366", DESKTOP), ("390", PHONE)):
                    User.objects.filter(pk=person.user_id).update(preferred_language=language)
                    context, page = open_as(browser, live_server, person, password, viewport)
                    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
                    assert in_view(page, "#next .next-text")
                    assert (
                        page.evaluate("() => document.documentElement.scrollWidth")
                        <= (viewport["width"])
                    )
                    shoot(page, f"active-{side}-{label}-{language}")
                    context.close()
        for person in (pair.mentee, pair.mentor):
            mentorship_close(
                person.user, pair, reflection="A good year", goals_outcome="", match_again=True
            )
        for side, person in (("mentee", pair.mentee), ("mentor", pair.mentor)):
            for language in ("en", "id"):
                for label, viewport in (("1366", DESKTOP), ("390", PHONE)):
                    User.objects.filter(pk=person.user_id).update(preferred_language=language)
                    context, page = open_as(browser, live_server, person, password, viewport)
                    page.goto(f"{live_server.url}/mentorships/{pair.pk}/")
                    text = page.content()
                    assert "Pricing our new service" in text and "Tiers" in text
                    assert "<textarea" not in text
                    assert (
                        page.evaluate("() => document.documentElement.scrollWidth")
                        <= (viewport["width"])
                    )
                    shoot(page, f"closed-{side}-{label}-{language}")
                    context.close()
