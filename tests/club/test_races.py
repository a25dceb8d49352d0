"""Simultaneous bookings never break the Club's promises: one slot goes to one mentee, a
mentor's month is never overbooked, a last credit is spent once.

The races run in threads released together by a barrier. On PostgreSQL the later writers wait
for the people's row locks and then see the winner's booking; SQLite's in-memory test database
refuses a second writer outright ("database is locked"), which counts as a refusal there.
"""

import os
import threading
from collections.abc import Callable
from datetime import time, timedelta
from time import perf_counter

import pytest
from django.db import IntegrityError, OperationalError, connection

from balik.club import services
from balik.club.models import Booking, BookingStatus
from balik.core.errors import BalikError
from balik.people.models import AvailabilitySlot
from tests.club.builders import PREPARATION, default_package, mentee, mentor_with_topic, slot

RACERS = int(os.environ.get("BALIK_CLUB_RACERS", "12"))  # the benchmark runs 50
LOCKED = "database_locked"


def race(calls: list[Callable[[], object]]) -> tuple[list[tuple[str, object]], float]:
    outcomes: list[tuple[str, object]] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append(("booked", None))
        except BalikError as refused:
            outcomes.append((refused.code, refused))
        except OperationalError:
            outcomes.append((LOCKED, None))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    started = perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, perf_counter() - started


def refused_cleanly(code: str, expected: str) -> bool:
    return code == expected or (code == LOCKED and connection.vendor == "sqlite")


def booking(person, offering, when) -> Callable[[], object]:
    return lambda: services.booking_create(
        person.user, offering, starts_at=when, preparation=PREPARATION
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("auto_accept", [False, True])
def test_many_bookings_of_one_slot_give_it_to_exactly_one(auto_accept):
    default_package()
    offering = mentor_with_topic(auto_accept=auto_accept, limit=40)
    members = [mentee(f"Mentee {n}") for n in range(RACERS)]
    outcomes, seconds = race([booking(m, offering, slot()) for m in members])
    codes = [code for code, _ in outcomes]
    assert codes.count("booked") == 1, codes
    assert all(refused_cleanly(code, "time_taken") for code in codes if code != "booked"), codes
    for code, refused in outcomes:
        if code == "time_taken":
            assert "just taken" in str(refused) and refused.next_free_times
    assert Booking.objects.filter(status__in=services.HOLDING).count() == 1
    print(f"\n{RACERS} bookings of one slot (auto_accept={auto_accept}): 1 in {seconds:.3f} s")


@pytest.mark.django_db(transaction=True)
def test_many_bookings_of_a_mentors_last_place_never_exceed_the_limit():
    default_package()
    offering = mentor_with_topic(limit=3, minutes=30)
    services.booking_create(
        mentee("Early 1").user, offering, starts_at=slot(hour=8), preparation=PREPARATION
    )
    services.booking_create(
        mentee("Early 2").user, offering, starts_at=slot(hour=9), preparation=PREPARATION
    )
    # open all day, so that each racer asks for another half hour of the same day: only the
    # monthly limit is between them (a day holds 44 more half hours)
    AvailabilitySlot.objects.filter(person=offering.mentor).update(
        start_time=time(0), end_time=time(0)
    )
    racers = min(RACERS, 44)
    members = [mentee(f"Late {n}") for n in range(racers)]
    times = [slot(hour=0) + timedelta(minutes=30 * n) for n in range(racers)]
    times = [t for t in times if t not in (slot(hour=8), slot(hour=9))] + [
        slot(hour=22),
        slot(hour=23),
    ]
    times = times[:racers]
    outcomes, seconds = race([booking(m, offering, t) for m, t in zip(members, times, strict=True)])
    codes = [code for code, _ in outcomes]
    assert codes.count("booked") == 1, codes
    assert all(refused_cleanly(code, "mentor_full") for code in codes if code != "booked"), codes
    assert services.places_taken(offering.mentor, month_of=slot()) == 3
    print(f"\n{racers} bookings of a mentor's last monthly place: 1 booked in {seconds:.3f} s")


@pytest.mark.django_db(transaction=True)
def test_two_bookings_on_ones_last_credit_spend_it_once():
    default_package(sessions=1)
    member = mentee()
    offerings = [mentor_with_topic(name=f"Mentor {n}") for n in range(2)]
    outcomes, seconds = race(
        [booking(member, offerings[0], slot(hour=9)), booking(member, offerings[1], slot(hour=14))]
    )
    codes = [code for code, _ in outcomes]
    assert codes.count("booked") == 1, codes
    assert all(refused_cleanly(code, "no_credit") for code in codes if code != "booked"), codes
    assert Booking.objects.filter(mentee=member, credit_used=True).count() == 1
    assert services.balance(member).left == 0
    print(f"\n2 bookings on one last credit: 1 booked in {seconds:.3f} s")


@pytest.mark.django_db(transaction=True)
def test_accepting_and_cancelling_at_once_leave_one_consistent_state():
    default_package()
    member = mentee()
    offering = mentor_with_topic()
    request = services.booking_create(
        member.user, offering, starts_at=slot(days=4), preparation=PREPARATION
    )
    race(
        [
            lambda: services.booking_accept(offering.mentor.user, request),
            lambda: services.booking_cancel(member.user, request, reason="Changed my mind"),
        ]
    )
    request.refresh_from_db()
    assert request.status in (BookingStatus.ACCEPTED, BookingStatus.CANCELLED)
    if request.status == BookingStatus.CANCELLED and request.session_id:
        assert request.session.status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_database_refuses_two_held_bookings_of_one_time():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    default_package()
    offering = mentor_with_topic()
    first = services.booking_create(
        mentee("A").user, offering, starts_at=slot(), preparation=PREPARATION
    )
    second = Booking(
        offering=offering,
        mentor=offering.mentor,
        mentee=mentee("B"),
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        learn="x",
        questions="y",
        expires_at=first.expires_at,
    )
    with pytest.raises(IntegrityError, match="club_booking_no_overlap"):
        second.save()
