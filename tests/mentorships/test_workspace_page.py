"""The mentorship page as people use it: the next step first, refused forms shown again as typed,
closing said plainly, the closed record kept, and times that read well."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from balik.core.errors import ValidationFailed
from balik.mentorships.agendas import agenda_answer, agenda_save
from balik.mentorships.agreements import agreement_confirm, agreement_for
from balik.mentorships.closing import mentorship_close
from balik.mentorships.goals import goal_add, goal_update
from balik.mentorships.models import Agenda, Goal, MentorshipStatus, Session, SessionStatus
from balik.mentorships.notes import learning_record
from balik.mentorships.selectors import deadline_of
from balik.mentorships.sessions import (
    session_accept_option,
    session_propose,
    session_record_attendance,
)
from balik.notifications.models import Notification
from balik.site.reminders import sweep
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def in_days(days: float, hour: int = 12) -> datetime:
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(pair, start: datetime) -> Session:
    session = session_propose(pair.mentee.user, pair, starts=[start])
    return session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)


def page(client, pair, user) -> str:
    client.force_login(user)
    return client.get(reverse("mentorships:detail", args=[pair.pk])).content.decode()


def post(client, pair, action: str, data: dict):
    return client.post(reverse("mentorships:act", args=[pair.pk, action]), data)


def confirm_both(pair) -> None:
    agreement_confirm(pair.mentor.user, pair)
    agreement_confirm(pair.mentee.user, pair)


# --- a session whose preparation deadline has passed ---------------------------------------


def test_a_time_whose_preparation_deadline_has_passed_is_refused_with_the_reason(pair):
    soon = timezone.now() + timedelta(hours=pair.program.preparation_hours - 3)
    with pytest.raises(ValidationFailed) as refused:
        session_propose(pair.mentee.user, pair, starts=[soon])
    message = " ".join(refused.value.errors["options"])
    assert "no time to prepare" in message
    assert not Session.objects.filter(mentorship=pair).exists()


def test_accepting_a_time_whose_deadline_passed_meanwhile_is_refused_and_raises_no_alarm(pair):
    start = in_days(3)
    session = session_propose(pair.mentee.user, pair, starts=[start])
    deadline = start - timedelta(hours=pair.program.preparation_hours)
    with time_machine.travel(deadline + timedelta(hours=1)):
        with pytest.raises(ValidationFailed) as refused:
            session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)
        assert "no time to prepare" in " ".join(refused.value.errors["option"])
        session.refresh_from_db()
        assert session.status == SessionStatus.PROPOSED
        sweep()
    assert not Notification.objects.filter(kind="agenda_missing").exists()


# --- no input lost --------------------------------------------------------------------------


def test_an_agenda_submitted_with_a_field_missing_is_kept_as_a_draft(pair):
    session = book(pair, in_days(3))
    with pytest.raises(ValidationFailed) as refused:
        agenda_save(
            pair.mentee.user,
            session,
            submit=True,
            topics="Pricing our new service",
            key_questions="Value-based or cost-plus?",
        )
    assert set(refused.value.errors) >= {"objectives"}
    assert "topics" not in refused.value.errors
    agenda = Agenda.objects.get(session=session)
    assert agenda.topics == "Pricing our new service"
    assert agenda.key_questions == "Value-based or cost-plus?"
    assert agenda.submitted_at is None


def test_a_refused_agenda_is_shown_again_as_typed_naming_the_missing_field(client, pair):
    session = book(pair, in_days(3))
    client.force_login(pair.mentee.user)
    response = post(
        client,
        pair,
        "agenda",
        {
            "session": session.pk,
            "topics": "Pricing our new service",
            "key_questions": "Value-based or cost-plus?",
            "research": "Competitor prices",
            "submit": "1",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "saved as a draft" in text
    assert "Pricing our new service" in text and "Competitor prices" in text
    field = re.search(r'<textarea[^>]*name="objectives"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert f'id="agenda-{session.pk}"' in text
    assert Agenda.objects.get(session=session).topics == "Pricing our new service"


def test_a_refused_goal_is_shown_again_as_typed_beside_the_field(client, pair):
    client.force_login(pair.mentee.user)
    response = post(
        client,
        pair,
        "goal",
        {
            "title": "Price the new service",
            "measure": "A price list the team uses",
            "target": "",
            "due_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="Price the new service"' in text
    assert 'value="A price list the team uses"' in text
    assert "The due date is in the past." in text or "required" in text
    field = re.search(r'<input[^>]*name="target"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert re.search(r'<details[^>]*id="add-goal"[^>]*open', text)
    assert not Goal.objects.filter(mentorship=pair).exists()


def test_a_service_refusal_is_shown_beside_its_field_with_the_input_kept(client, pair):
    client.force_login(pair.mentee.user)
    response = post(
        client,
        pair,
        "goal",
        {
            "title": "Price the new service",
            "measure": "A price list",
            "target": "Three tiers",
            "due_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "owner": pair.mentee.pk,
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "The due date is in the past." in text
    field = re.search(r'<input[^>]*name="due_date"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert 'value="Three tiers"' in text


# --- closing --------------------------------------------------------------------------------


def test_closing_says_what_happens_and_what_happened(client, pair):
    book(pair, in_days(4))
    text = page(client, pair, pair.mentee.user)
    assert "booked sessions still to come are cancelled" in text
    response = post(client, pair, "close", {"reflection": "Grew a lot", "understood": "1"})
    assert response.status_code == 302
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert "closes when Budi Santoso has written one too" in message
    client.force_login(pair.mentor.user)
    refused = post(client, pair, "close", {"reflection": "Learned TikTok"})
    assert refused.status_code == 200
    assert "Tick this box to close the mentorship." in refused.content.decode()
    assert "Learned TikTok" in refused.content.decode()
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE
    done = post(client, pair, "close", {"reflection": "Learned TikTok", "understood": "1"})
    message = [str(m) for m in done.wsgi_request._messages][-1]
    assert message.startswith("The mentorship is closed.")
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.CLOSED


def test_the_closed_page_keeps_the_whole_record_read_only(client, pair):
    agreement = agreement_for(pair)
    agreement.goals = "Learn to price a service"
    agreement.save()
    start = in_days(2)
    session = book(pair, start)
    goal_add(
        pair.mentee.user,
        pair,
        title="Price the new service",
        measure="A price list",
        target="Three tiers",
        due_date=timezone.localdate() + timedelta(days=20),
    )
    agenda_save(
        pair.mentee.user,
        session,
        submit=True,
        topics="Pricing",
        key_questions="How?",
        objectives="A model",
    )
    agenda_answer(pair.mentor.user, session, perspective="Start from value")
    with time_machine.travel(start + timedelta(hours=2)):
        session_record_attendance(pair.mentor.user, session, attendance="held")
        learning_record(pair.mentee.user, session, taught="TikTok", learned="Value pricing")
        for person in (pair.mentee, pair.mentor):
            mentorship_close(
                person.user, pair, reflection="Done", goals_outcome="", match_again=True
            )
        text = page(client, pair, pair.mentee.user)
    for kept in (
        "Learn to price a service",
        "Price the new service",
        "Pricing",
        "Start from value",
        "Value pricing",
    ):
        assert kept in text, kept
    assert "<textarea" not in text
    assert 'name="start"' not in text


# --- the next step --------------------------------------------------------------------------


def next_step_of(text: str) -> str:
    found = re.search(r'<section[^>]*id="next"[^>]*>(.*?)</section>', text, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def test_the_page_leads_with_the_next_thing_to_do(client, pair):
    assert "confirm" in next_step_of(page(client, pair, pair.mentee.user)).lower()
    confirm_both(pair)
    assert "propose" in next_step_of(page(client, pair, pair.mentee.user)).lower()
    session = session_propose(pair.mentee.user, pair, starts=[in_days(4)])
    assert "choose one" in next_step_of(page(client, pair, pair.mentor.user))
    session = session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)
    step = next_step_of(page(client, pair, pair.mentee.user))
    assert "Write your agenda by" in step and ("WIT" in step)  # the mentee reads in Jayapura
    agenda_save(
        pair.mentee.user, session, submit=True, topics="t", key_questions="q", objectives="o"
    )
    assert "Answer" in next_step_of(page(client, pair, pair.mentor.user))
    with time_machine.travel(session.starts_at + timedelta(hours=2)):
        assert "Record what happened" in next_step_of(page(client, pair, pair.mentee.user))
        session_record_attendance(pair.mentee.user, session, attendance="held")
        assert "feedback" in next_step_of(page(client, pair, pair.mentee.user))


# --- small things ---------------------------------------------------------------------------


def test_times_read_with_their_zone_and_no_double_full_stop(client, pair):
    session = book(pair, in_days(3, hour=3))
    text = page(client, pair, pair.mentee.user)
    assert ".." not in re.sub(r"<[^>]+>", "", text).replace("...", "")
    assert "WIT" in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", re.sub(r'value="[^"]*"', "", text))
    assert deadline_of(session)


def test_a_held_session_says_held_once(client, pair):
    start = in_days(2)
    session = book(pair, start)
    with time_machine.travel(start + timedelta(hours=2)):
        session_record_attendance(pair.mentor.user, session, attendance="held")
        text = page(client, pair, pair.mentee.user)
    assert not re.search(r"Held</span>\s*<span[^>]*>Held", text)


def test_a_saved_answer_is_shown_without_an_empty_form_under_it(client, pair):
    session = book(pair, in_days(3))
    agenda_save(
        pair.mentee.user, session, submit=True, topics="t", key_questions="q", objectives="o"
    )
    agenda_answer(pair.mentor.user, session, perspective="Start from value")
    text = page(client, pair, pair.mentor.user)
    assert "Start from value" in text
    # the form to change it is there, closed, and holds the saved answer
    form = re.search(
        r"<details[^>]*>\s*<summary[^>]*>[^<]*Change my answer.*?</details>", text, re.S
    )
    assert form and "Start from value" in form.group(0)


def test_goal_progress_is_a_percentage_with_a_bar(client, pair):
    goal = goal_add(
        pair.mentee.user,
        pair,
        title="Price the new service",
        measure="A price list",
        target="Three tiers",
        due_date=timezone.localdate() + timedelta(days=20),
    )
    goal_update(pair.mentee.user, goal, value="0.3", note="", status="on_track")
    text = page(client, pair, pair.mentee.user)
    assert re.search(r'<progress[^>]*value="30"[^>]*max="100"', text)
    response = post(
        client,
        pair,
        "goal_update",
        {"goal": goal.pk, "value": "45", "note": "", "status": "on_track"},
    )
    assert response.status_code == 302
    assert goal.updates.last().value == "45%"
    assert re.search(r'<progress[^>]*value="45"', page(client, pair, pair.mentee.user))
