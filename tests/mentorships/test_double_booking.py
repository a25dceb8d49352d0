"""Nobody is in two sessions at once: not when partners accept, move or book series at the
same moment, and on PostgreSQL not even when the service's own check is bypassed.

The races run in threads released together (tests/concurrency.py). On PostgreSQL the later
writers wait for the people's row locks and then see the winner's booking; SQLite's in-memory
test database refuses a second writer outright ("database is locked"), which counts as a
refusal.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from balik.core.errors import BalikError
from balik.mentorships import sessions as session_services
from balik.mentorships.agreements import agreement_for
from balik.mentorships.closing import mentorship_close
from balik.mentorships.models import BookedTime, Mentorship, Session, SessionStatus
from balik.mentorships.notices import moment_at
from balik.mentorships.sessions import (
    busy_intervals,
    session_accept_option,
    session_cancel,
    session_counter_propose,
    session_length,
    session_propose,
    session_record_attendance,
    session_reschedule,
)
from balik.people.models import Person
from tests.concurrency import REFUSED_BY_THE_DATABASE, at_once_told
from tests.mentorships.builders import one_person_in_many_pairs

ROUNDS = 10


def at(days: int, hour: int = 5) -> datetime:
    """A whole hour `days` from now, in UTC (05:00 UTC is 12:00 in Jakarta)."""
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def booked_of(person: Person) -> list[tuple[datetime, datetime]]:
    return list(
        Session.objects.filter(status=SessionStatus.BOOKED)
        .filter(Q(mentorship__mentor=person) | Q(mentorship__mentee=person))
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def overlaps(person: Person) -> int:
    """How many pairs of this person's booked sessions overlap."""
    booked = booked_of(person)
    return sum(
        1
        for index, (start, end) in enumerate(booked)
        for other_start, other_end in booked[index + 1 :]
        if other_start < end and start < other_end
    )


def booked_session(mentorship: Mentorship) -> Session:
    return mentorship.sessions.get(status=SessionStatus.BOOKED)


def partner(mentorship: Mentorship, person: Person) -> Person:
    return mentorship.mentee if mentorship.mentor_id == person.pk else mentorship.mentor


def clear_refusal(code: str, message: str) -> bool:
    """ "Just taken" for a loser, or the clash named when the winner had already committed."""
    if code == "time_taken":
        return "just taken" in message
    if code == "validation_failed":
        return "clashes" in message
    return code == REFUSED_BY_THE_DATABASE and connection.vendor == "sqlite"


def book(mentorship: Mentorship, proposer: Person, start: datetime, repeat: int = 1) -> Session:
    session = session_propose(proposer.user, mentorship, starts=[start], repeat=repeat)
    other = partner(mentorship, proposer)
    return session_accept_option(other.user, session, option_id=session.options.get().pk)


@pytest.fixture
def pairs(program_manager):
    return one_person_in_many_pairs(program_manager, pairs=4)


@pytest.mark.django_db(transaction=True)
def test_partners_accepting_the_same_hour_at_once_book_it_once(pairs):
    busy = pairs[0].mentor
    double_booked_rounds, refusals = 0, []
    for round_number in range(ROUNDS):
        hour = at(3 + round_number)
        sessions = [session_propose(busy.user, m, starts=[hour]) for m in pairs]
        outcomes = at_once_told(
            [
                (
                    lambda m=m, s=s: session_accept_option(
                        partner(m, busy).user, s, option_id=s.options.get().pk
                    )
                )
                for m, s in zip(pairs, sessions, strict=True)
            ],
            done="booked",
        )
        winners = [o for o in outcomes if o[0] == "booked"]
        double_booked_rounds += len(winners) > 1
        refusals += [o for o in outcomes if o[0] != "booked"]
        if connection.vendor == "postgresql":
            assert len(winners) >= 1, outcomes
    assert (overlaps(busy), double_booked_rounds) == (0, 0), (
        f"{double_booked_rounds} of {ROUNDS} rounds double-booked, "
        f"{overlaps(busy)} overlapping bookings"
    )
    assert all(clear_refusal(code, message) for code, message in refusals), refusals
    booked = len(booked_of(busy))
    if connection.vendor == "postgresql":
        assert booked == ROUNDS  # exactly one accept won each round
    assert BookedTime.objects.filter(person=busy).count() == booked


@pytest.mark.django_db(transaction=True)
def test_moving_four_sessions_onto_one_hour_at_once_moves_one(pairs):
    busy = pairs[0].mentor
    sessions = [book(m, busy, at(3, hour=1 + index)) for index, m in enumerate(pairs)]
    hour = at(4)
    outcomes = at_once_told(
        [
            (
                lambda m=m, s=s: session_reschedule(
                    partner(m, busy).user, s, start=hour, reason="The only free hour this week"
                )
            )
            for m, s in zip(pairs, sessions, strict=True)
        ],
        done="booked",
    )
    assert overlaps(busy) == 0, f"{overlaps(busy)} overlapping bookings after the moves"
    moved = [start for start, _end in booked_of(busy) if start == hour]
    assert len(moved) == [o[0] for o in outcomes].count("booked")
    if connection.vendor == "postgresql":
        assert len(moved) == 1, outcomes
    assert all(clear_refusal(*o) for o in outcomes if o[0] != "booked"), outcomes
    slots = BookedTime.objects.filter(person=busy).values_list("starts_at", flat=True)
    assert sorted(slots) == [start for start, _end in booked_of(busy)]


@pytest.mark.django_db(transaction=True)
def test_series_booked_at_once_never_overlap(pairs):
    """Each pair books three sessions one cadence apart, each starting one cadence after the
    previous pair's: every later date collides with another pair's series."""
    busy = pairs[0].mentor
    cadence = timedelta(days=agreement_for(pairs[0]).cadence_days)
    for mentorship in pairs[1:]:
        assert agreement_for(mentorship).cadence_days == cadence.days
    sessions = [
        session_propose(busy.user, m, starts=[at(3) + index * cadence], repeat=3)
        for index, m in enumerate(pairs)
    ]
    outcomes = at_once_told(
        [
            (
                lambda m=m, s=s: session_accept_option(
                    partner(m, busy).user, s, option_id=s.options.get().pk
                )
            )
            for m, s in zip(pairs, sessions, strict=True)
        ],
        done="booked",
    )
    assert overlaps(busy) == 0, f"{overlaps(busy)} overlapping bookings after the series"
    assert all(clear_refusal(*o) for o in outcomes if o[0] != "booked"), outcomes
    if connection.vendor == "postgresql":
        assert "booked" in [o[0] for o in outcomes]
    assert BookedTime.objects.filter(person=busy).count() == len(booked_of(busy))


# --- the last line of defence: the database itself -------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the exclusion constraint is PostgreSQL's; SQLite has one writer at a time",
)


@postgresql_only
@pytest.mark.django_db
def test_the_database_refuses_two_overlapping_times_of_one_person(pairs):
    busy = pairs[0].mentor
    first, second = (
        book(pairs[0], busy, at(3)),
        session_propose(busy.user, pairs[1], starts=[at(3, hour=6)]),
    )
    with pytest.raises(IntegrityError, match="booked_time_no_overlap"), transaction.atomic():
        BookedTime.objects.create(
            person=busy,
            session=second,
            starts_at=first.starts_at + timedelta(minutes=30),
            ends_at=first.ends_at + timedelta(minutes=30),
        )
    # touching is not overlapping, and other people are not affected
    BookedTime.objects.create(
        person=busy, session=second, starts_at=first.ends_at, ends_at=at(3, hour=7)
    )
    BookedTime.objects.create(
        person=partner(pairs[1], busy),
        session=second,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
    )


@postgresql_only
@pytest.mark.django_db
def test_a_booking_past_a_bypassed_check_is_refused_as_just_taken(pairs, monkeypatch):
    busy = pairs[0].mentor
    session = session_propose(busy.user, pairs[1], starts=[at(3)])
    book(pairs[0], busy, at(3))
    monkeypatch.setattr(session_services, "busy_intervals", lambda *args, **kwargs: [])
    with pytest.raises(BalikError) as refused:
        session_accept_option(
            partner(pairs[1], busy).user, session, option_id=session.options.get().pk
        )
    assert refused.value.code == "time_taken"
    session.refresh_from_db()
    assert session.status == SessionStatus.PROPOSED and session.starts_at is None
    assert not BookedTime.objects.filter(session=session).exists()
    assert overlaps(busy) == 0


@postgresql_only
@pytest.mark.django_db
def test_a_move_past_a_bypassed_check_is_refused_as_just_taken(pairs, monkeypatch):
    busy = pairs[0].mentor
    book(pairs[0], busy, at(3))
    session = book(pairs[1], busy, at(4))
    monkeypatch.setattr(session_services, "busy_intervals", lambda *args, **kwargs: [])
    with pytest.raises(BalikError) as refused:
        session_reschedule(busy.user, session, start=at(3), reason="Earlier")
    assert refused.value.code == "time_taken"
    assert session.starts_at == at(4) and session.sequence == 0
    session.refresh_from_db()
    assert session.starts_at == at(4) and session.sequence == 0
    assert [start for _person, start in times_of(session)] == [at(4), at(4)]
    assert overlaps(busy) == 0


# --- what the loser is told ---------------------------------------------------------------


@pytest.fixture
def lost_race(pairs, monkeypatch):
    """Budi's first pair (both with weekday-evening availability) proposed an hour that
    another of his pairs has just booked: the check before the lock still saw it free."""
    busy = pairs[0].mentor
    hour = at(3, hour=12)  # 19:00 in Jakarta, 21:00 in Jayapura
    session = session_propose(busy.user, pairs[0], starts=[hour])
    book(pairs[1], busy, hour)
    monkeypatch.setattr(session_services, "_check_times", lambda *args, **kwargs: {})
    return pairs[0], session, hour


@pytest.mark.django_db
def test_the_loser_is_told_just_taken_with_the_next_free_times(lost_race):
    mentorship, session, _hour = lost_race
    with pytest.raises(BalikError) as refused:
        session_accept_option(mentorship.mentee.user, session, option_id=session.options.get().pk)
    error = refused.value
    assert error.code == "time_taken" and error.status == 409
    assert "just taken" in str(error.message)
    assert len(error.next_free_times) == 3
    booked = busy_intervals([mentorship.mentor, mentorship.mentee])
    length = session_length(mentorship)
    jakarta = ZoneInfo("Asia/Jakarta")
    for start in error.next_free_times:
        assert start > timezone.now()
        assert not any(s < start + length and start < e for s, e in booked)
        # both are free on weekday evenings: 17:00-21:00 in Jakarta
        local = start.astimezone(jakarta)
        assert local.weekday() < 5 and local.hour >= 17 and (local + length).hour <= 21
    session.refresh_from_db()
    assert session.status == SessionStatus.PROPOSED


@pytest.mark.django_db
def test_without_availability_the_next_free_times_follow_the_taken_hour(pairs, monkeypatch):
    busy = pairs[0].mentor
    hour = at(3)
    session = session_propose(busy.user, pairs[2], starts=[hour])
    book(pairs[1], busy, hour)
    monkeypatch.setattr(session_services, "_check_times", lambda *args, **kwargs: {})
    with pytest.raises(BalikError) as refused:
        session_accept_option(
            partner(pairs[2], busy).user, session, option_id=session.options.get().pk
        )
    length = session_length(pairs[2])
    assert refused.value.next_free_times == [hour + length, hour + 2 * length, hour + 3 * length]


@pytest.mark.django_db
def test_one_at_a_time_a_clash_keeps_its_validation_message(pairs):
    busy = pairs[0].mentor
    book(pairs[1], busy, at(3))
    session = session_propose(busy.user, pairs[2], starts=[at(4)])
    session_counter_propose(partner(pairs[2], busy).user, session, starts=[at(5)])
    with pytest.raises(BalikError) as refused:
        session_reschedule(
            busy.user,
            book(pairs[3], busy, at(6)),
            start=at(3) + timedelta(minutes=30),
            reason="Later",
        )
    assert refused.value.code == "validation_failed"
    assert "clashes" in refused.value.errors["start"][0]
    # a session moved by half an hour overlaps only its own old time: that is no clash
    moved = session_reschedule(
        busy.user,
        booked_session(pairs[1]),
        start=at(3, hour=6) - timedelta(minutes=30),
        reason="Later",
    )
    assert moved.starts_at == at(3, hour=6) - timedelta(minutes=30)
    assert list(BookedTime.objects.filter(session=moved).values_list("starts_at", flat=True)) == [
        moved.starts_at,
        moved.starts_at,
    ]
    assert overlaps(busy) == 0


@pytest.mark.django_db
def test_the_api_answers_409_time_taken_with_the_next_free_times(client, lost_race):
    mentorship, session, hour = lost_race
    client.force_login(mentorship.mentee.user)
    answer = client.post(
        f"/api/v1/mentorships/{mentorship.pk}/sessions/{session.pk}/accept",
        data=json.dumps({"option_starts_at": hour.isoformat()}),
        content_type="application/json",
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "time_taken" and "just taken" in body["message"]
    free = [datetime.fromisoformat(moment) for moment in body["next_free_times"]]
    assert len(free) == 3 and all(moment > hour for moment in free)


@pytest.mark.django_db
def test_the_page_shows_just_taken_and_the_next_free_times_in_the_readers_zone(client, lost_race):
    mentorship, session, _hour = lost_race
    reader = mentorship.mentee  # in Jayapura
    client.force_login(reader.user)
    page = client.post(
        reverse("mentorships:act", args=[mentorship.pk, "accept"]),
        {"session": session.pk, "option": session.options.get().pk},
        follow=True,
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "just taken" in text
    with pytest.raises(BalikError) as refused:
        session_accept_option(reader.user, session, option_id=session.options.get().pk)
    for moment in refused.value.next_free_times:
        # on the reader's clock, the zone named: "Mon 7 Dec 2026, 19:00 WIT"
        assert moment_at(moment, reader.timezone) in text
        assert moment_at(moment, reader.timezone).endswith(" WIT")


# --- the booked times follow every change of a booked session ------------------------------


def times_of(session: Session) -> list[tuple[int, datetime]]:
    return sorted(BookedTime.objects.filter(session=session).values_list("person", "starts_at"))


@pytest.mark.django_db
def test_a_booked_series_takes_the_time_of_both_people_on_every_date(pairs):
    busy = pairs[0].mentor
    first = book(pairs[0], busy, at(3), repeat=3)
    series = list(pairs[0].sessions.filter(series_key=first.series_key))
    assert len(series) == 3
    for session in series:
        assert times_of(session) == sorted(
            (person, session.starts_at) for person in pairs[0].member_ids()
        )


@pytest.mark.django_db
def test_cancelling_frees_the_time_for_another_booking(pairs):
    busy = pairs[0].mentor
    session = book(pairs[0], busy, at(3))
    session_cancel(busy.user, session, reason="Ill")
    assert times_of(session) == []
    again = book(pairs[1], busy, at(3))
    assert len(times_of(again)) == 2 and overlaps(busy) == 0


@pytest.mark.django_db
def test_closing_the_mentorship_frees_its_future_times(pairs):
    busy = pairs[0].mentor
    session = book(pairs[0], busy, at(3))
    for person in (pairs[0].mentor, pairs[0].mentee):
        mentorship_close(
            person.user, pairs[0], reflection="Done", goals_outcome="", match_again=False
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and times_of(session) == []


@pytest.mark.django_db
def test_attendance_moves_the_time_out_when_held_and_back_when_booked_again(pairs):
    busy = pairs[0].mentor
    session = book(pairs[0], busy, at(3))
    with time_machine.travel(session.ends_at + timedelta(hours=1)):
        session_record_attendance(busy.user, session, attendance="held")
        assert times_of(session) == []
        session_record_attendance(busy.user, session, attendance="mentee_absent")
        assert session.status == SessionStatus.BOOKED and len(times_of(session)) == 2
