"""A Club session is cancelled, moved and its attendance recorded only through the Club, where
credits and misses count: the mentorships API and the workspace page refuse these for a Club
pair with a 409 that names the Club's endpoint, and leave everything as it was."""

from datetime import timedelta

import pytest
from django.urls import reverse

from balik.club.models import Booking, BookingStatus
from balik.club.services import booking_accept, booking_cancel, booking_create
from balik.mentorships.models import SessionStatus
from tests.club.builders import PREPARATION, default_package, mentee, mentor_with_topic, slot

pytestmark = pytest.mark.django_db


def accepted_booking():
    default_package()
    offering, member = mentor_with_topic(), mentee()
    booking = booking_create(member.user, offering, starts_at=slot(3), preparation=PREPARATION)
    return booking_accept(offering.mentor.user, booking)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_mentorships_api_refuses_to_cancel_a_club_session(client):
    booking = accepted_booking()
    session = booking.session
    client.force_login(booking.mentee.user)
    answer = post(
        client,
        f"/api/v1/mentorships/{session.mentorship_id}/sessions/{session.pk}/cancel",
        {"reason": "busy"},
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "club_session"
    assert f"/api/v1/club/bookings/{booking.pk}/cancel" in body["message"]
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == SessionStatus.BOOKED and booking.status == BookingStatus.ACCEPTED


def test_the_mentorships_api_refuses_to_move_or_propose_in_a_club_pair(client):
    booking = accepted_booking()
    session = booking.session
    client.force_login(booking.mentor.user)
    moved = post(
        client,
        f"/api/v1/mentorships/{session.mentorship_id}/sessions/{session.pk}/move",
        {"starts_at": (session.starts_at + timedelta(days=1)).isoformat(), "reason": "x"},
    )
    assert moved.status_code == 409 and moved.json()["code"] == "club_session"
    proposed = post(
        client,
        f"/api/v1/mentorships/{session.mentorship_id}/sessions",
        {"starts": [(session.starts_at + timedelta(days=2)).isoformat()]},
    )
    assert proposed.status_code == 409 and proposed.json()["code"] == "club_session"
    session.refresh_from_db()
    assert session.starts_at == booking.starts_at


def test_the_workspace_page_refuses_cancel_and_attendance_for_a_club_session(client):
    booking = accepted_booking()
    session = booking.session
    client.force_login(booking.mentee.user)
    for action, data in (
        ("cancel", {"session": session.pk, "reason": "busy"}),
        ("attendance", {"session": session.pk, "attendance": "mentor_absent"}),
    ):
        answer = client.post(
            reverse("mentorships:act", args=[session.mentorship_id, action]), data, follow=True
        )
        assert "My Club" in answer.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED and session.attendance == ""
    assert not booking.misses.exists()


def test_the_club_itself_still_cancels_its_session():
    booking = accepted_booking()
    booking_cancel(booking.mentee.user, booking, reason="A clash with a board meeting")
    booking.session.refresh_from_db()
    assert booking.session.status == SessionStatus.CANCELLED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
