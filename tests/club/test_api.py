"""/api/v1/club: the same rules as the services, in the API's error shape."""

import pytest
from django.utils import timezone

from balik.club.models import Booking, BookingStatus
from tests.club.builders import default_package, mentee, mentor_with_topic, slot

pytestmark = pytest.mark.django_db

PREPARED = {"learn": "Reels", "questions": "How long should one be?"}


def client_for(client, person):
    client.force_login(person.user)
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_signed_out_is_401(client):
    assert client.get("/api/v1/club/offerings").status_code == 401
    assert client.get("/api/v1/club/balance").status_code == 401


def test_book_accept_and_see_the_session(client):
    default_package()
    offering, member = mentor_with_topic(), mentee()
    api = client_for(client, member)
    slots = api.get(f"/api/v1/club/offerings/{offering.pk}/slots").json()
    assert slots["zone"] == member.timezone and slots["starts"]
    answer = post(
        api,
        "/api/v1/club/bookings",
        {"offering_id": offering.pk, "starts_at": slots["starts"][0], **PREPARED},
    )
    assert answer.status_code == 201, answer.json()
    booking_id = answer.json()["id"]
    assert api.get("/api/v1/club/balance").json()["left"] == 1
    assert post(api, f"/api/v1/club/bookings/{booking_id}/accept").status_code == 403
    mentor_api = client_for(client, offering.mentor)
    accepted = post(mentor_api, f"/api/v1/club/bookings/{booking_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["mentorship_id"]


def test_a_taken_slot_is_409_with_next_free_times(client):
    default_package()
    offering = mentor_with_topic()
    when = slot().isoformat()
    first = post(
        client_for(client, mentee("A")),
        "/api/v1/club/bookings",
        {"offering_id": offering.pk, "starts_at": when, **PREPARED},
    )
    assert first.status_code == 201
    second = post(
        client_for(client, mentee("B")),
        "/api/v1/club/bookings",
        {"offering_id": offering.pk, "starts_at": when, **PREPARED},
    )
    assert second.status_code == 409
    assert second.json()["code"] == "time_taken" and second.json()["next_free_times"]


def test_a_missing_preparation_is_422(client):
    default_package()
    offering = mentor_with_topic()
    answer = post(
        client_for(client, mentee()),
        "/api/v1/club/bookings",
        {"offering_id": offering.pk, "starts_at": slot().isoformat(), "learn": "x"},
    )
    assert answer.status_code == 422 and "questions" in answer.json()["errors"]


def test_nobody_else_sees_a_booking(client):
    default_package()
    offering = mentor_with_topic()
    booking = Booking.objects.create(
        offering=offering,
        mentor=offering.mentor,
        mentee=mentee(),
        starts_at=slot(),
        ends_at=slot(hour=11),
        learn="x",
        questions="y",
        expires_at=timezone.now(),
    )
    outsider = client_for(client, mentee("Outsider"))
    assert outsider.get(f"/api/v1/club/bookings/{booking.pk}").status_code == 404
    assert (
        post(outsider, f"/api/v1/club/bookings/{booking.pk}/cancel", {"reason": "x"}).status_code
        == 404
    )
    assert Booking.objects.get().status == BookingStatus.REQUESTED


def test_offer_a_topic_and_the_openapi_documents_409(client):
    person = mentee("Junior", seniority_level=1)
    skill = mentor_with_topic().skill
    answer = post(
        client_for(client, person),
        "/api/v1/club/offerings",
        {"skill": skill.slug, "title_en": "AI tools", "title_id": "Alat AI", "minutes": 30},
    )
    assert answer.status_code == 201, answer.json()
    document = client.get("/api/openapi.json").json()
    booking = document["paths"]["/api/v1/club/bookings"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(booking)
