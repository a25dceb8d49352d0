"""The Club's pages: they show, book, refuse and answer like the services, in a fixed number
of queries."""

import pytest
from django.urls import reverse

from balik.club.models import Booking, BookingStatus
from tests.club.builders import PREPARATION, default_package, mentee, mentor_with_topic, slot
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def signed_in(client, person):
    client.force_login(person.user)
    return client


def test_the_club_page_shows_mentors_with_the_headline(client):
    default_package()
    offering = mentor_with_topic()
    page = signed_in(client, mentee()).get(reverse("club:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert offering.mentor.full_name in text and "New mentor" in text
    assert "1 mentor" in text


def test_the_club_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    default_package()
    reader = mentee()
    skill = SkillFactory(slug="data", name_en="Data", name_id="Data")
    api = signed_in(client, reader)
    for n in range(5):
        mentor_with_topic(name=f"Mentor {n}", skill=skill)
    with django_assert_max_num_queries(25) as few:
        api.get(reverse("club:home"))
    for n in range(5, 50):
        mentor_with_topic(name=f"Mentor {n}", skill=skill)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = api.get(reverse("club:home"))
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    print(f"\nthe Club page: {len(few.captured_queries)} queries with 5 and with 50 mentors")


def test_a_mentor_page_shows_free_times_in_my_zone(client):
    default_package()
    offering = mentor_with_topic()
    reader = mentee(timezone="Asia/Jayapura")
    page = signed_in(client, reader).get(reverse("club:mentor", args=[offering.mentor_id]))
    assert page.status_code == 200
    assert "Asia/Jayapura" in page.content.decode()


def test_booking_from_the_form(client):
    default_package()
    offering, member = mentor_with_topic(), mentee()
    browser = signed_in(client, member)
    form = browser.get(reverse("club:book", args=[offering.pk]))
    assert form.status_code == 200
    answer = browser.post(
        reverse("club:book", args=[offering.pk]),
        {
            "starts_at": slot().isoformat(),
            "learn": PREPARATION.learn,
            "questions": PREPARATION.questions,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Booking.objects.get().mentee == member


def test_a_taken_time_on_the_form_says_so_with_other_times(client):
    default_package()
    offering = mentor_with_topic()
    Booking.objects.create(
        offering=offering,
        mentor=offering.mentor,
        mentee=mentee("First"),
        starts_at=slot(),
        ends_at=slot(hour=11),
        learn="x",
        questions="y",
        expires_at=slot(),
    )
    answer = signed_in(client, mentee("Second")).post(
        reverse("club:book", args=[offering.pk]),
        {"starts_at": slot().isoformat(), "learn": "a", "questions": "b"},
    )
    assert answer.status_code == 409
    assert "just taken" in answer.content.decode()


def test_my_club_lists_bookings_and_the_mentor_accepts(client):
    default_package()
    offering, member = mentor_with_topic(), mentee()
    signed_in(client, member)
    client.post(
        reverse("club:book", args=[offering.pk]),
        {"starts_at": slot().isoformat(), "learn": "a", "questions": "b"},
    )
    booking = Booking.objects.get()
    assert booking.offering.title in client.get(reverse("club:mine")).content.decode()
    refused = client.post(reverse("club:booking_action", args=[booking.pk, "accept"]))
    assert refused.status_code == 403
    signed_in(client, offering.mentor)
    accepted = client.post(reverse("club:booking_action", args=[booking.pk, "accept"]))
    assert accepted.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED


def test_an_outsider_cannot_touch_a_booking(client):
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
        expires_at=slot(),
    )
    answer = signed_in(client, mentee("Outsider")).post(
        reverse("club:booking_action", args=[booking.pk, "cancel"]), {"reason": "x"}
    )
    assert answer.status_code == 404


def test_offer_a_topic_from_the_page(client):
    skill = SkillFactory(slug="ai", name_en="AI tools", name_id="Alat AI")
    junior = mentee("Junior", seniority_level=1)
    answer = signed_in(client, junior).post(
        reverse("club:offering_new"),
        {
            "skill": skill.slug,
            "title_en": "ChatGPT at work",
            "format": "video",
            "minutes": "30",
            "audience": "everyone",
            "seniority_min": "1",
            "seniority_max": "10",
            "active": "on",
        },
    )
    assert answer.status_code == 302
    assert junior.club_offerings.get().title_en == "ChatGPT at work"


def test_the_settings_save(client):
    person = mentee()
    answer = signed_in(client, person).post(
        reverse("club:settings"),
        {"monthly_limit": "6", "auto_accept": "on", "blocked_dates": "2030-01-02"},
    )
    assert answer.status_code == 302
    assert person.club_settings.monthly_limit == 6 and person.club_settings.auto_accept


def test_a_made_up_time_on_the_form_is_refused_beside_the_field(client):
    default_package()
    offering = mentor_with_topic()
    for made_up in ("not a time", "2030-01-01T10:00:00"):
        answer = signed_in(client, mentee()).post(
            reverse("club:book", args=[offering.pk]),
            {"starts_at": made_up, "learn": "a", "questions": "b"},
        )
        assert answer.status_code == 422
    assert not Booking.objects.exists()


def test_the_pairs_mentorship_page_shows_the_club_session_without_agreement_or_goals(client):
    default_package()
    offering, member = mentor_with_topic(auto_accept=True), mentee()
    signed_in(client, member)
    client.post(
        reverse("club:book", args=[offering.pk]),
        {"starts_at": slot().isoformat(), "learn": "Reels that sell", "questions": "b"},
    )
    booking = Booking.objects.get()
    page = client.get(reverse("mentorships:detail", args=[booking.session.mentorship_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Reels that sell" in text  # the preparation is the agenda
    assert 'id="agreement"' not in text and 'id="goals"' not in text
    assert "My Club" in text
