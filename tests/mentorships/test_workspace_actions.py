"""The workspace's form actions over HTTP: done, each returns to its section; refused, its form
is shown again as typed, the message beside the field."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from balik.mentorships.models import Goal, Session, SessionStatus
from balik.mentorships.sessions import session_propose
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def in_days(days: int) -> datetime:
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=12, minute=0, second=0, microsecond=0)


def post(client, pair, action: str, data: dict):
    return client.post(reverse("mentorships:act", args=[pair.pk, action]), data)


def told(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def page_at(pair, section: str) -> str:
    return reverse("mentorships:detail", args=[pair.pk]) + f"#{section}"


def test_an_action_done_returns_to_its_section_with_its_message(client, pair):
    client.force_login(pair.mentee.user)
    response = post(
        client,
        pair,
        "goal",
        {
            "title": "Price the new service",
            "measure": "A price list",
            "target": "Three tiers",
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "owner": pair.mentee.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == page_at(pair, "goals")
    assert told(response) == [("success", "Goal added.")]
    assert Goal.objects.filter(mentorship=pair, title="Price the new service").exists()


def test_a_refused_action_shows_its_form_again_naming_the_field(client, pair):
    client.force_login(pair.mentee.user)
    response = post(client, pair, "goal", {"title": "", "measure": "", "target": ""})
    assert response.status_code == 200
    form = response.context["refused"]
    assert form.action == "goal" and set(form.errors) >= {"title", "measure", "target"}
    text = response.content.decode()
    title = re.search(r'<input[^>]*name="title"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in title and "autofocus" in title
    assert re.search(r'<label for="goal-title">Goal', text)
    assert not told(response)
    assert not Goal.objects.filter(mentorship=pair).exists()


def test_a_time_that_is_no_time_is_refused_beside_the_times(client, pair):
    client.force_login(pair.mentee.user)
    response = post(client, pair, "propose", {"start": ["tomorrow-ish"]})
    assert response.status_code == 200
    assert response.context["refused"].errors["start"] == ["Give each time as a date and a time."]
    text = response.content.decode()
    assert "Give each time as a date and a time." in text
    assert 'value="tomorrow-ish"' in text  # what was typed stays
    assert re.search(r'<details[^>]*id="propose"[^>]*open', text)
    assert not Session.objects.filter(mentorship=pair).exists()


def test_a_refusal_of_the_actor_is_a_403_page_that_says_why(client, pair):
    session = session_propose(pair.mentee.user, pair, starts=[in_days(3)])
    client.force_login(pair.mentee.user)
    response = post(
        client, pair, "accept", {"session": session.pk, "option": session.options.get().pk}
    )
    assert response.status_code == 403
    assert "The other person accepts the times you proposed." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.PROPOSED


def test_an_unknown_action_is_not_found(client, pair):
    client.force_login(pair.mentee.user)
    assert post(client, pair, "dance", {}).status_code == 404


def test_an_action_another_app_adds_returns_to_its_section(client, pair):
    client.force_login(pair.mentee.user)
    response = post(client, pair, "feedback", {"session": "9999", "rating": "5"})
    assert response["Location"] == page_at(pair, "feedback")
    assert told(response) == [("error", "Session: Choose a session of this mentorship.")]


def test_the_action_owner_and_due_date_are_read_from_the_form(client, pair):
    client.force_login(pair.mentee.user)
    response = post(
        client,
        pair,
        "action",
        {
            "title": "Draft the price list",
            "owner": pair.mentee.pk,
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response["Location"] == page_at(pair, "actions")
    assert told(response) == [("success", "Action item added.")]
    item = pair.actions.get()
    assert item.owner_id == pair.mentee.pk
    response = post(client, pair, "action_done", {"item": item.pk})
    assert told(response)[-1] == ("success", "Action item updated.")
    item.refresh_from_db()
    assert item.done_at is not None
