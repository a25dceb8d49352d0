"""The Club's health for managers: bookings per week, open hours used, demand against supply
per topic (with the searches that found nobody), satisfaction against the 4.8 benchmark under
the anonymity rules, no-shows, response times, and a CSV export. Participants are refused."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from balik.club.health import club_health
from balik.club.models import Booking, BookingStatus, Miss, MissKind, SearchMiss
from balik.club.services import booking_create
from balik.feedback.models import SessionFeedback
from tests.club.builders import (
    PREPARATION,
    default_package,
    lively_club,
    mentee,
    mentor_with_topic,
    slot,
)
from tests.factories import PersonFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def manager():
    return UserFactory(is_program_manager=True)


def test_a_participant_is_refused_the_health_page_and_its_export(client):
    client.force_login(mentee().user)
    assert client.get(reverse("club:health")).status_code == 403
    assert client.get(reverse("club:health-export", args=["topics"])).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("club:health")).status_code == 302


def test_a_search_that_found_nobody_is_logged_without_who_asked(client):
    default_package()
    mentor_with_topic()
    reader = mentee()
    client.force_login(reader.user)
    client.get(reverse("club:home"), {"q": "Mandarin", "language": "en"})
    client.get(reverse("club:home"), {"q": "TikTok"})  # found someone: not logged
    client.get(reverse("club:home"))  # no search at all: not logged
    misses = list(SearchMiss.objects.all())
    assert len(misses) == 1
    assert misses[0].text == "Mandarin" and misses[0].language == "en"
    field_names = {f.name for f in SearchMiss._meta.get_fields()}
    assert not field_names & {"person", "user", "author", "by"}


def test_the_health_counts_bookings_demand_and_supply_and_no_shows(client):
    default_package()
    tiktok = SkillFactory(slug="tiktok", name_en="TikTok", name_id="TikTok")
    offering = mentor_with_topic(skill=tiktok)
    member = mentee()
    booking = booking_create(member.user, offering, starts_at=slot(3), preparation=PREPARATION)
    SearchMiss.objects.create(text="Mandarin")
    SearchMiss.objects.create(text="mandarin ")
    SearchMiss.objects.create(skill=tiktok)
    Miss.objects.create(person=member, booking=booking, kind=MissKind.LATE_CANCEL)
    figures = club_health()
    assert sum(week.booked for week in figures.weeks) == 1
    topic = next(t for t in figures.topics if t.skill == "TikTok")
    assert (topic.mentors, topic.bookings, topic.searches_found_nobody) == (1, 1, 1)
    assert [(s.text, s.count) for s in figures.unmatched_searches] == [("mandarin", 2)]
    assert figures.misses_late_cancel == 1 and figures.misses_no_show == 0
    assert figures.open_hours_week > 0

    client.force_login(manager())
    page = client.get(reverse("club:health"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "TikTok" in text and "mandarin" in text and "4.8" in text


def test_satisfaction_is_shown_only_from_five_authors_per_side(client):
    reader = mentee()
    lively_club(reader)  # mentees' ratings from many past mentees; no mentor rated yet
    figures = club_health()
    assert figures.mentee_rating.shown and 4 <= figures.mentee_rating.mean <= 5
    assert not figures.mentor_rating.shown and figures.mentor_rating.mean is None
    # four mentors rate: still hidden, and nothing else gives their ratings away
    feedback = list(SessionFeedback.objects.select_related("session__mentorship")[:4])
    for item in feedback:
        SessionFeedback.objects.create(
            session=item.session,
            author=item.session.mentorship.mentor,
            rating=1,
            usefulness=1,
            preparation=1,
            psychological_safety=1,
        )
    figures = club_health()
    assert not figures.mentor_rating.shown and figures.mentor_rating.mean is None
    client.force_login(manager())
    text = client.get(reverse("club:health")).content.decode()
    assert "fewer than 5 people" in text


def test_response_times_and_the_share_answered_in_time():
    default_package()
    offering = mentor_with_topic()
    member = mentee()
    booking = booking_create(member.user, offering, starts_at=slot(4), preparation=PREPARATION)
    Booking.objects.filter(pk=booking.pk).update(
        answered_at=booking.created_at + timedelta(hours=6), status=BookingStatus.ACCEPTED
    )
    other = booking_create(
        PersonFactory().user, offering, starts_at=slot(5), preparation=PREPARATION
    )
    Booking.objects.filter(pk=other.pk).update(
        status=BookingStatus.EXPIRED, expires_at=timezone.now()
    )
    figures = club_health()
    assert figures.median_answer_hours == pytest.approx(6, abs=0.1)
    assert figures.expired == 1


def test_the_csv_export_has_weeks_and_topics_and_no_names(client):
    default_package()
    offering = mentor_with_topic()
    member = mentee()
    booking_create(member.user, offering, starts_at=slot(3), preparation=PREPARATION)
    client.force_login(manager())
    for what, header in (("weeks", "week"), ("topics", "topic")):
        answer = client.get(reverse("club:health-export", args=[what]))
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(answer.content.decode())))
        assert rows[0][0] == header and len(rows) > 1
        text = answer.content.decode()
        assert offering.mentor.full_name not in text and member.full_name not in text
    assert client.get(reverse("club:health-export", args=["people"])).status_code == 404


def test_typing_a_search_records_one_miss_not_one_per_keystroke(client):
    default_package()
    mentor_with_topic()
    client.force_login(mentee().user)
    for typed in ("Ma", "Man", "Mandar", "Mandarin"):
        client.get(reverse("club:home"), {"q": typed}, HTTP_HX_REQUEST="true")
    assert list(SearchMiss.objects.values_list("text", flat=True)) == ["Mandarin"]
