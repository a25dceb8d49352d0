"""A booked series reaches calendars as one recurring event: one invite per person with an
RRULE, the dates that could not be booked left out (EXDATE), and each later change to one date
sent as a replacement of that date alone (RECURRENCE-ID). A calendar client expanding what it
received sees exactly the sessions Balik has booked, across daylight saving."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.core import mail
from django.urls import reverse

from balik.mentorships.agreements import agreement_update
from balik.mentorships.ics import together
from balik.mentorships.models import SessionStatus
from balik.mentorships.sessions import (
    session_accept_option,
    session_cancel,
    session_propose,
    session_reschedule,
)
from balik.notifications.services import emails_deliver
from tests.mentorships.builders import flipped_pair

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Four Mondays at 18:00 in Amsterdam around the change to summer time (28 March 2027).
FIRST = datetime(2027, 3, 15, 18, 0, tzinfo=AMSTERDAM)
WEEK = timedelta(days=7)


@pytest.fixture
def pair(program_manager):
    pair = flipped_pair(program_manager, mentee_zone="Europe/Amsterdam")
    agreement_update(pair.mentee.user, pair, cadence_days=7)
    return pair


def book_series(pair, repeat=4):
    proposal = session_propose(pair.mentee.user, pair, starts=[FIRST], repeat=repeat)
    emails_deliver()
    mail.outbox.clear()
    session_accept_option(pair.mentor.user, proposal, option_id=proposal.options.get().pk)
    emails_deliver()
    return list(pair.sessions.filter(series_key=proposal.series_key).order_by("starts_at"))


def invites_to(address):
    return [
        message.attachments[0][1]
        for message in mail.outbox
        if message.attachments and message.to == [address]
    ]


def expanded(*invites):
    calendar = icalendar.Calendar.from_ical(together(*invites))
    events = recurring_ical_events.of(calendar).between(FIRST - WEEK, FIRST + 8 * WEEK)
    return [event.decoded("DTSTART").astimezone(UTC) for event in events]


def booked(pair):
    return [
        session.starts_at
        for session in pair.sessions.filter(status=SessionStatus.BOOKED).order_by("starts_at")
    ]


def test_a_series_is_one_notice_and_one_recurring_invite_per_person(pair):
    series = book_series(pair)
    assert len(series) == 4
    for person in (pair.mentor, pair.mentee):
        (invite,) = invites_to(person.email)
        (event,) = icalendar.Calendar.from_ical(invite).walk("VEVENT")
        assert str(event["UID"]) == series[0].series_uid
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]
        assert expanded(invite) == [session.starts_at for session in series]
    assert [session.starts_at.astimezone(UTC).hour for session in series] == [17, 17, 16, 16]
    titles = [message.subject for message in mail.outbox]
    assert len(titles) == 2
    assert all("4 sessions" in title for title in titles)


def test_a_date_taken_by_another_session_is_left_out_and_said(pair):
    second = FIRST + WEEK
    single = session_propose(pair.mentee.user, pair, starts=[second])
    session_accept_option(pair.mentor.user, single, option_id=single.options.get().pk)
    series = book_series(pair)
    assert len(series) == 3
    (invite,) = invites_to(pair.mentee.email)
    (event,) = icalendar.Calendar.from_ical(invite).walk("VEVENT")
    assert [when.dt.astimezone(UTC) for when in event["EXDATE"].dts] == [second]
    assert expanded(invite) == [session.starts_at for session in series]
    (notice,) = [m for m in mail.outbox if m.attachments and m.to == [pair.mentee.email]]
    assert "3 sessions" in notice.subject
    assert "Not booked, because one of you already had a session then" in notice.body
    assert "22 Mar 2027, 18:00 CET" in notice.body


def test_a_moved_and_a_cancelled_date_change_that_date_alone(pair):
    series = book_series(pair)
    series_invite = invites_to(pair.mentee.email)[0]
    mail.outbox.clear()
    third, fourth = series[2], series[3]
    planned_third = third.starts_at
    moved_to = planned_third + timedelta(days=1, hours=1)
    session_reschedule(pair.mentee.user, third, start=moved_to, reason="A workshop on Monday")
    session_cancel(pair.mentor.user, fourth, reason="On leave")
    emails_deliver()
    moved, cancelled = invites_to(pair.mentee.email)
    (move,) = icalendar.Calendar.from_ical(moved).walk("VEVENT")
    assert str(move["UID"]) == third.series_uid
    assert move.decoded("RECURRENCE-ID").astimezone(UTC) == planned_third
    assert move.decoded("DTSTART").astimezone(UTC) == moved_to
    assert expanded(series_invite, moved)[2] == moved_to
    calendar = icalendar.Calendar.from_ical(cancelled)
    (gone,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(gone["UID"]) == fourth.series_uid
    assert gone.decoded("RECURRENCE-ID").astimezone(UTC) == fourth.starts_at
    assert "RRULE" not in gone


def test_the_download_is_the_series_as_it_stands(client, pair):
    series = book_series(pair)
    session_reschedule(
        pair.mentee.user, series[1], start=series[1].starts_at + timedelta(hours=2), reason="x"
    )
    session_cancel(pair.mentee.user, series[3], reason="Holiday")
    client.force_login(pair.mentee.user)
    url = reverse("mentorships:invite", args=[pair.pk, series[0].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert expanded(response.content) == booked(pair)
    cancelled = client.get(reverse("mentorships:invite", args=[pair.pk, series[3].pk]))
    assert b"METHOD:CANCEL" in cancelled.content
    assert b"RECURRENCE-ID" in cancelled.content


def test_a_single_session_keeps_its_own_uid(pair):
    single = session_propose(pair.mentee.user, pair, starts=[FIRST])
    session_accept_option(pair.mentor.user, single, option_id=single.options.get().pk)
    emails_deliver()
    (invite,) = invites_to(pair.mentee.email)
    (event,) = icalendar.Calendar.from_ical(invite).walk("VEVENT")
    single.refresh_from_db()
    assert str(event["UID"]) == single.uid
    assert "RRULE" not in event
    assert "RECURRENCE-ID" not in event
