"""/api/v1/mentorships: the pair works by script; managers read states only; others get 404."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from balik.accounts.services import api_token_create
from balik.mentorships.goals import goal_add
from balik.mentorships.notes import note_add
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mentorships"


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='s').secret}"}


def send(client, method: str, url: str, body: dict, **headers):
    return getattr(client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json", **headers
    )


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def test_the_pair_schedules_and_prepares_by_script(client, pair):
    mentee, mentor = bearer(pair.mentee.user), bearer(pair.mentor.user)
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0, second=0, minute=0)
    proposed = send(
        client, "post", f"{BASE}/{pair.pk}/sessions", {"starts": [start.isoformat()]}, **mentee
    )
    assert proposed.status_code == 201
    session_id = proposed.json()["id"]
    booked = send(
        client,
        "post",
        f"{BASE}/{pair.pk}/sessions/{session_id}/accept",
        {"option_starts_at": start.isoformat()},
        **mentor,
    )
    assert booked.json()["status"] == "booked"
    agenda = send(
        client,
        "put",
        f"{BASE}/{pair.pk}/sessions/{session_id}/agenda",
        {"topics": "t", "key_questions": "q", "objectives": "o", "submit": True},
        **mentee,
    )
    assert agenda.json()["agenda_state"] == "on_time"
    invite = client.get(f"{BASE}/{pair.pk}/sessions/{session_id}/invite.ics", **mentor)
    assert invite.content.startswith(b"BEGIN:VCALENDAR")
    assert [m["id"] for m in client.get(BASE, **mentee).json()] == [pair.pk]


def test_bad_input_is_a_422_not_a_500(client, pair):
    mentee = bearer(pair.mentee.user)
    naive = (timezone.now() + timedelta(days=3)).replace(tzinfo=None).isoformat()
    response = send(client, "post", f"{BASE}/{pair.pk}/sessions", {"starts": [naive]}, **mentee)
    assert response.status_code == 422
    response = send(client, "post", f"{BASE}/{pair.pk}/sessions", {"starts": []}, **mentee)
    assert response.status_code == 422
    response = send(client, "post", f"{BASE}/{pair.pk}/goals", {"title": "x"}, **mentee)
    assert response.status_code == 422


def test_a_goal_is_one_line_but_a_note_keeps_its_line_breaks(client, pair):
    mentee = bearer(pair.mentee.user)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    goal = {"title": "Lead\nBcc: x@example.com", "measure": "m", "target": "t", "due_date": due}
    response = send(client, "post", f"{BASE}/{pair.pk}/goals", goal, **mentee)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"title"}
    goal.update(title="Lead the retro", target="Twice\ta month")
    response = send(client, "post", f"{BASE}/{pair.pk}/goals", goal, **mentee)
    assert set(response.json()["errors"]) == {"target"}
    assert not pair.goals.exists()
    note = send(client, "post", f"{BASE}/{pair.pk}/notes", {"body": "One\nTwo"}, **mentee)
    assert note.status_code == 201 and note.json()["body"] == "One\nTwo"
    nul = send(client, "post", f"{BASE}/{pair.pk}/notes", {"body": "One\x00"}, **mentee)
    assert nul.status_code == 422 and set(nul.json()["errors"]) == {"body"}


def test_managers_read_states_but_no_text_and_outsiders_nothing(
    client, pair, program_manager, outsider
):
    note_add(pair.mentee.user, pair, body="shared", private=False)
    goal_add(
        pair.mentee.user,
        pair,
        title="Secret ambition",
        measure="m",
        target="t",
        due_date=timezone.localdate() + timedelta(days=9),
    )
    manager = bearer(program_manager.user)
    assert client.get(f"{BASE}/{pair.pk}/notes", **manager).json() == []
    goals = client.get(f"{BASE}/{pair.pk}/goals", **manager).json()
    assert goals[0]["status"] == "on_track" and goals[0]["title"] == ""
    response = send(client, "post", f"{BASE}/{pair.pk}/notes", {"body": "hi"}, **manager)
    assert response.status_code == 403
    stranger = bearer(outsider.user)
    assert client.get(f"{BASE}/{pair.pk}", **stranger).status_code == 404
    assert client.get(f"{BASE}/{pair.pk}/notes", **stranger).status_code == 404
    assert client.get(BASE).status_code == 401


@pytest.mark.parametrize("offset", ["-20:09", "+23:59"])
def test_a_time_with_an_offset_postgresql_cannot_store_is_read_in_utc(client, pair, offset):
    """PostgreSQL refuses offsets past ±15:59 (it answered 500 to the fuzzer); Python reads up to
    ±24 h, so every time is turned to UTC on the way in: the same instant, never an error."""
    mentee, mentor = bearer(pair.mentee.user), bearer(pair.mentor.user)
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0, second=0, minute=0)
    proposed = send(
        client, "post", f"{BASE}/{pair.pk}/sessions", {"starts": [start.isoformat()]}, **mentee
    )
    session_id = proposed.json()["id"]
    sign = 1 if offset.startswith("+") else -1
    hours, minutes = (int(part) for part in offset[1:].split(":"))
    shift = sign * timedelta(hours=hours, minutes=minutes)
    elsewhere = (start + shift).replace(tzinfo=None).isoformat() + offset
    booked = send(
        client,
        "post",
        f"{BASE}/{pair.pk}/sessions/{session_id}/accept",
        {"option_starts_at": elsewhere},
        **mentor,
    )
    assert booked.status_code == 200, booked.content
    assert booked.json()["status"] == "booked"


def test_a_time_at_the_calendars_edge_is_refused_not_a_server_error(client, pair):
    mentor = bearer(pair.mentor.user)
    refused = send(
        client,
        "post",
        f"{BASE}/{pair.pk}/sessions/1/accept",
        {"option_starts_at": "0001-01-01T00:00:00+05:00"},
        **mentor,
    )
    assert refused.status_code == 422
