from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balik.mentorships.scheduling import (
    Interval,
    WeeklyRange,
    available_intervals,
    conflicts,
    expand_series,
    overlap_hours_per_week,
    propose_times,
)

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def every_day(start, end):
    return [(weekday, start, end) for weekday in range(7)]


EVENINGS = every_day(time(18), time(22))


# Hand-checked examples.


def test_jakarta_and_jayapura_meet_in_the_two_evening_hours_they_share():
    # Jakarta 18-22 WIB is 11-15 UTC; Jayapura 18-22 WIT is 09-13 UTC; together 11-13 UTC.
    proposals = propose_times(
        EVENINGS,
        "Asia/Jakarta",
        EVENINGS,
        "Asia/Jayapura",
        duration=HOUR,
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=14),
        busy=[],
    )
    assert proposals == [utc(2026, 5, day, 11) for day in range(4, 9)]
    # 18:00 in Jakarta is 20:00 in Jayapura.
    assert proposals[0].astimezone(ZoneInfo("Asia/Jayapura")).hour == 20
    assert overlap_hours_per_week(
        EVENINGS, "Asia/Jakarta", EVENINGS, "Asia/Jayapura", utc(2026, 5, 4)
    ) == pytest.approx(14.0)


def test_a_busy_session_of_either_person_moves_the_proposal():
    proposals = propose_times(
        EVENINGS,
        "Asia/Jakarta",
        EVENINGS,
        "Asia/Makassar",
        duration=HOUR,
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=1),
        busy=[(utc(2026, 5, 4, 10, 30), utc(2026, 5, 4, 11, 30))],
        count=3,
    )
    # Makassar 18-22 WITA is 10-14 UTC; overlap 11-14 UTC; busy until 11:30.
    assert proposals == [utc(2026, 5, 4, 11, 30), utc(2026, 5, 4, 12), utc(2026, 5, 4, 12, 30)]


def test_a_session_spanning_midnight_fits_two_ranges_that_touch():
    late = [(0, time(22), time(0)), (1, time(0), time(2))]
    proposals = propose_times(
        late,
        "Asia/Jakarta",
        every_day(time(0), time(0)),
        "Asia/Jakarta",
        duration=timedelta(hours=4),
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=7),
        busy=[],
    )
    assert proposals == [utc(2026, 5, 4, 15)]  # Monday 22:00 WIB


def test_amsterdam_morning_moves_an_hour_in_utc_across_the_october_change():
    # Amsterdam 09-12 is 07-10 UTC in summer time, 08-11 UTC after 25 Oct 2026.
    # Jakarta 14-18 WIB is 07-11 UTC all year.
    proposals = propose_times(
        every_day(time(9), time(12)),
        "Europe/Amsterdam",
        every_day(time(14), time(18)),
        "Asia/Jakarta",
        duration=timedelta(hours=2),
        not_before_utc=utc(2026, 10, 23),
        horizon=timedelta(days=5),
        busy=[],
    )
    assert proposals == [
        utc(2026, 10, 23, 7),
        utc(2026, 10, 24, 7),
        utc(2026, 10, 25, 8),
        utc(2026, 10, 26, 8),
        utc(2026, 10, 27, 8),
    ]
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert {proposal.astimezone(amsterdam).hour for proposal in proposals} == {9}


def test_the_march_change_shifts_a_slot_and_the_skipped_hour_gives_nothing():
    window = (utc(2026, 3, 27), utc(2026, 3, 31))
    mornings = available_intervals(every_day(time(9), time(11)), "Europe/Amsterdam", *window)
    assert mornings == [
        Interval(utc(2026, 3, 27, 8), utc(2026, 3, 27, 10)),
        Interval(utc(2026, 3, 28, 8), utc(2026, 3, 28, 10)),
        Interval(utc(2026, 3, 29, 7), utc(2026, 3, 29, 9)),
        Interval(utc(2026, 3, 30, 7), utc(2026, 3, 30, 9)),
    ]
    # 02:00-03:00 does not exist on Sunday 29 March in Amsterdam.
    skipped = [(6, time(2), time(3))]
    assert available_intervals(skipped, "Europe/Amsterdam", *window) == []
    assert available_intervals(skipped, "Europe/Amsterdam", utc(2026, 3, 22), utc(2026, 3, 23)) == [
        Interval(utc(2026, 3, 22, 1), utc(2026, 3, 22, 2))
    ]
    # 01:00-04:00 by the clock is two real hours that night.
    assert available_intervals([(6, time(1), time(4))], "Europe/Amsterdam", *window) == [
        Interval(utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))
    ]


def test_the_hour_repeated_in_october_counts_both_times():
    assert available_intervals(
        [(6, time(2), time(3))], "Europe/Amsterdam", utc(2026, 10, 24), utc(2026, 10, 26)
    ) == [Interval(utc(2026, 10, 25, 0), utc(2026, 10, 25, 2))]


def test_new_york_mornings_across_its_march_change():
    # Second Sunday of March 2026 is 8 March: EST (UTC-5) before, EDT (UTC-4) after.
    found = available_intervals(
        every_day(time(9), time(10)), "America/New_York", utc(2026, 3, 7), utc(2026, 3, 9)
    )
    assert found == [
        Interval(utc(2026, 3, 7, 14), utc(2026, 3, 7, 15)),
        Interval(utc(2026, 3, 8, 13), utc(2026, 3, 8, 14)),
    ]


def test_the_march_change_with_a_jakarta_partner():
    proposals = propose_times(
        every_day(time(14), time(18)),
        "Asia/Jakarta",
        every_day(time(9), time(11)),
        "Europe/Amsterdam",
        duration=HOUR,
        not_before_utc=utc(2026, 3, 28),
        horizon=timedelta(days=2),
        busy=[],
        count=2,
    )
    # Saturday: Amsterdam 09:00 CET = 08:00 UTC; Sunday: 09:00 CEST = 07:00 UTC.
    assert proposals == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7)]


def test_the_start_grid_is_the_first_persons_clock():
    # Kolkata is UTC+05:30, so its whole hours are at half past in UTC.
    proposals = propose_times(
        every_day(time(9), time(17)),
        "Asia/Kolkata",
        every_day(time(0), time(0)),
        "Europe/Amsterdam",
        duration=HOUR,
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=3),
        busy=[],
        step=HOUR,
    )
    assert proposals[0] == utc(2026, 5, 4, 3, 30)
    kolkata = ZoneInfo("Asia/Kolkata")
    assert all(p.astimezone(kolkata).minute == 0 for p in proposals)


def test_cadence_puts_times_after_the_due_date_first():
    proposals = propose_times(
        EVENINGS,
        "Asia/Jakarta",
        EVENINGS,
        "Asia/Jakarta",
        duration=HOUR,
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=10),
        busy=[],
        count=4,
        cadence=timedelta(days=14),
        last_session_utc=utc(2026, 4, 26, 11),
    )
    # Due 10 May 11:00 UTC (18:00 WIB): the window holds 10-13 May after it.
    assert proposals == [
        utc(2026, 5, 10, 11),
        utc(2026, 5, 11, 11),
        utc(2026, 5, 12, 11),
        utc(2026, 5, 13, 11),
    ]


def test_a_second_time_on_a_day_comes_only_when_every_day_has_one():
    proposals = propose_times(
        EVENINGS,
        "Asia/Jakarta",
        EVENINGS,
        "Asia/Jakarta",
        duration=HOUR,
        not_before_utc=utc(2026, 5, 4),
        horizon=timedelta(days=2),
        busy=[],
        count=3,
    )
    assert proposals == [utc(2026, 5, 4, 11), utc(2026, 5, 4, 11, 30), utc(2026, 5, 5, 11)]


def test_no_common_time_gives_no_proposals():
    assert (
        propose_times(
            every_day(time(8), time(9)),
            "Asia/Jakarta",
            every_day(time(8), time(9)),
            "America/New_York",
            duration=HOUR,
            not_before_utc=utc(2026, 5, 4),
            horizon=timedelta(days=14),
            busy=[],
        )
        == []
    )


def test_a_weekly_series_keeps_its_local_time_across_the_october_change():
    assert expand_series(datetime(2026, 10, 18, 18), "Europe/Amsterdam", timedelta(days=7), 3) == [
        utc(2026, 10, 18, 16),
        utc(2026, 10, 25, 17),
        utc(2026, 11, 1, 17),
    ]


def test_a_series_follows_rfc_5545_in_the_skipped_and_the_repeated_hour():
    spring = expand_series(datetime(2026, 3, 22, 2, 30), "Europe/Amsterdam", timedelta(days=7), 2)
    # 02:30 does not exist on 29 March: read with the winter offset, it is 03:30 CEST.
    assert spring == [utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 30)]
    autumn = expand_series(datetime(2026, 10, 18, 2, 30), "Europe/Amsterdam", timedelta(days=7), 2)
    # 02:30 happens twice on 25 October: the first one, in summer time.
    assert autumn == [utc(2026, 10, 18, 0, 30), utc(2026, 10, 25, 0, 30)]


def test_a_fortnightly_jakarta_series_is_always_the_same_utc_time():
    starts = expand_series(datetime(2026, 1, 6, 19), "Asia/Jakarta", timedelta(days=14), 26)
    assert {(start.hour, start.minute) for start in starts} == {(12, 0)}
    assert starts[-1] == utc(2026, 12, 22, 12)


def test_conflicts_are_overlaps_and_touching_is_not_one():
    before = (utc(2026, 5, 4, 9), utc(2026, 5, 4, 10))
    inside = (utc(2026, 5, 4, 10, 15), utc(2026, 5, 4, 10, 45))
    straddling = (utc(2026, 5, 4, 10, 30), utc(2026, 5, 4, 12))
    after = (utc(2026, 5, 4, 11), utc(2026, 5, 4, 12))
    assert conflicts(
        utc(2026, 5, 4, 10), utc(2026, 5, 4, 11), [after, straddling, before, inside]
    ) == [
        straddling,
        inside,
    ]


# Refusals.


@pytest.mark.parametrize(
    ("ranges", "zone", "message"),
    [
        ([(0, time(9), time(10))], "Asia/Bandung", "Unknown time zone"),
        ([(0, time(9), time(10))], "Asia", "Unknown time zone"),
        ([(0, time(9), time(10))], "", "time zone name is required"),
        ([(7, time(9), time(10))], "Asia/Jakarta", "Weekday 7"),
        ([(-1, time(9), time(10))], "Asia/Jakarta", "Weekday -1"),
        ([(0, time(10), time(9))], "Asia/Jakarta", "ends before it starts"),
        ([(0, time(9), time(9))], "Asia/Jakarta", "ends before it starts"),
        ([(0, time(9))], "Asia/Jakarta", "weekday, start, end"),
        ([(0, "09:00", time(10))], "Asia/Jakarta", "datetime.time"),
    ],
)
def test_it_refuses_bad_availability(ranges, zone, message):
    with pytest.raises(ValueError, match=message):
        available_intervals(ranges, zone, utc(2026, 5, 4), utc(2026, 5, 11))


def test_a_range_ending_at_midnight_is_the_rest_of_the_day():
    assert available_intervals(
        [WeeklyRange(0, time(0), time(0))], "Asia/Jakarta", utc(2026, 5, 3), utc(2026, 5, 6)
    ) == [Interval(utc(2026, 5, 3, 17), utc(2026, 5, 4, 17))]


def proposal(**changes):
    arguments = {
        "duration": HOUR,
        "not_before_utc": utc(2026, 5, 4),
        "horizon": timedelta(days=7),
        "busy": [],
    } | changes
    return propose_times(EVENINGS, "Asia/Jakarta", EVENINGS, "Asia/Jayapura", **arguments)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration": timedelta(0)}, "duration must be a positive"),
        ({"duration": -HOUR}, "duration must be a positive"),
        ({"horizon": timedelta(0)}, "horizon must be a positive"),
        ({"not_before_utc": datetime(2026, 5, 4)}, "not_before_utc must be timezone-aware"),
        ({"busy": [(datetime(2026, 5, 4, 11), utc(2026, 5, 4, 12))]}, "busy start must be"),
        ({"busy": [(utc(2026, 5, 4, 12), utc(2026, 5, 4, 11))]}, "must end after it starts"),
        ({"step": timedelta(minutes=25)}, "step must divide a day"),
        ({"count": 0}, "at least 1"),
        ({"duration": timedelta(days=8)}, "longer than the horizon"),
        (
            {"cadence": timedelta(days=7), "last_session_utc": datetime(2026, 5, 1)},
            "last_session_utc must be timezone-aware",
        ),
        (
            {"cadence": timedelta(0), "last_session_utc": utc(2026, 5, 1)},
            "cadence must be a positive",
        ),
    ],
)
def test_it_refuses_bad_proposal_requests(changes, message):
    with pytest.raises(ValueError, match=message):
        proposal(**changes)


@pytest.mark.parametrize(
    ("first", "zone", "every", "count", "message"),
    [
        (utc(2026, 5, 4, 18), "Asia/Jakarta", timedelta(days=7), 3, "without tzinfo"),
        (datetime(2026, 5, 4, 18), "Asia/Jakarta", timedelta(hours=36), 3, "whole number of days"),
        (datetime(2026, 5, 4, 18), "Asia/Jakarta", timedelta(0), 3, "every must be a positive"),
        (datetime(2026, 5, 4, 18), "Asia/Jakarta", timedelta(days=7), 0, "at least one"),
        (datetime(2026, 5, 4, 18), "Mars/Olympus", timedelta(days=7), 3, "Unknown time zone"),
    ],
)
def test_it_refuses_bad_series(first, zone, every, count, message):
    with pytest.raises(ValueError, match=message):
        expand_series(first, zone, every, count)


def test_conflicts_refuses_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        conflicts(datetime(2026, 5, 4, 10), utc(2026, 5, 4, 11), [])


# Properties, checked against a brute-force oracle that reads the wall clock.

ZONES = [
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Europe/Amsterdam",
    "America/New_York",
]
# Dates near the DST changes of 2026 (EU 29 Mar and 25 Oct, US 8 Mar and 1 Nov), and a calm one.
NEAR_CHANGES = [
    utc(2026, 3, 5),
    utc(2026, 3, 26),
    utc(2026, 6, 10),
    utc(2026, 10, 22),
    utc(2026, 10, 30),
]

quarters_of_a_day = st.integers(min_value=0, max_value=95)


@st.composite
def weekly_ranges(draw):
    ranges = []
    for _ in range(draw(st.integers(min_value=1, max_value=16))):
        start = draw(quarters_of_a_day)
        end = draw(st.integers(min_value=start + 1, max_value=96))
        ranges.append(
            (
                draw(st.integers(min_value=0, max_value=6)),
                time(start // 4, start % 4 * 15),
                time(0) if end == 96 else time(end // 4, end % 4 * 15),
            )
        )
    return ranges


@st.composite
def proposal_requests(draw, max_days):
    not_before = (
        draw(st.sampled_from(NEAR_CHANGES))
        + draw(st.integers(min_value=0, max_value=4 * 24 * 60)) * MINUTE
    )
    horizon = timedelta(days=draw(st.integers(min_value=1, max_value=max_days)))
    busy = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        start = not_before + draw(st.integers(min_value=0, max_value=horizon // MINUTE)) * MINUTE
        busy.append((start, start + draw(st.integers(min_value=1, max_value=600)) * MINUTE))
    with_cadence = draw(st.booleans())
    return {
        "a_ranges": draw(weekly_ranges()),
        "a_zone": draw(st.sampled_from(ZONES)),
        "b_ranges": draw(weekly_ranges()),
        "b_zone": draw(st.sampled_from(ZONES)),
        "duration": draw(st.integers(min_value=10, max_value=180)) * MINUTE,
        "not_before_utc": not_before,
        "horizon": horizon,
        "busy": busy,
        "count": draw(st.integers(min_value=1, max_value=8)),
        "step": draw(st.sampled_from([QUARTER, timedelta(minutes=30), HOUR])),
        "cadence": timedelta(days=draw(st.integers(min_value=1, max_value=14)))
        if with_cadence
        else None,
        "last_session_utc": not_before - draw(st.integers(min_value=0, max_value=14 * 24)) * HOUR
        if with_cadence
        else None,
    }


def clock_allows(instant, ranges, zone_name):
    """Does the wall clock in zone_name, at instant, show a time inside one of the ranges?"""
    reading = instant.astimezone(ZoneInfo(zone_name))
    return any(
        weekday == reading.weekday()
        and start <= reading.time().replace(tzinfo=None)
        and (end == time(0) or reading.time().replace(tzinfo=None) < end)
        for weekday, start, end in ranges
    )


def free_for_whole_session(start, request):
    # Ranges, zone offsets, DST changes and grid starts all sit on the 15-minute UTC grid, so
    # the clock's verdict is constant on each quarter hour: one sample per quarter is exact.
    end = start + request["duration"]
    samples = []
    instant = start
    while instant < end:
        samples.append(instant)
        instant += QUARTER
    return all(
        clock_allows(sample, request["a_ranges"], request["a_zone"])
        and clock_allows(sample, request["b_ranges"], request["b_zone"])
        for sample in samples
    ) and not any(b_start < end and start < b_end for b_start, b_end in request["busy"])


def preference(start, request):
    if request["cadence"] is None:
        return (False, start)
    return (start < request["last_session_utc"] + request["cadence"], start)


def on_grid(start, request):
    reading = start.astimezone(ZoneInfo(request["a_zone"]))
    since_midnight = timedelta(hours=reading.hour, minutes=reading.minute, seconds=reading.second)
    return reading.microsecond == 0 and since_midnight % request["step"] == timedelta(0)


def expected_proposals(request):
    window_start = request["not_before_utc"]
    window_end = window_start + request["horizon"]
    first = window_start.replace(minute=window_start.minute // 15 * 15, second=0, microsecond=0)
    candidates = []
    start = first
    while start + request["duration"] <= window_end:
        if (
            start >= window_start
            and on_grid(start, request)
            and free_for_whole_session(start, request)
        ):
            candidates.append(start)
        start += QUARTER
    candidates.sort(key=lambda start: preference(start, request))
    seen_on_day = {}
    ranked = []
    for start in candidates:
        day = start.astimezone(ZoneInfo(request["a_zone"])).date()
        ranked.append((seen_on_day.get(day, 0), preference(start, request)))
        seen_on_day[day] = seen_on_day.get(day, 0) + 1
    chosen = [key[1][1] for key in sorted(ranked)[: request["count"]]]
    return sorted(chosen, key=lambda start: preference(start, request))


@settings(max_examples=60, deadline=None)
@given(proposal_requests(max_days=4))
def test_proposals_are_exactly_what_the_wall_clock_oracle_allows(request):
    assert propose_times(**request) == expected_proposals(request)


@settings(max_examples=60, deadline=None)
@given(proposal_requests(max_days=21))
def test_every_proposal_fits_both_clocks_and_no_busy_time(request):
    proposals = propose_times(**request)
    assert len(proposals) <= request["count"]
    assert len(set(proposals)) == len(proposals)
    assert proposals == sorted(proposals, key=lambda start: preference(start, request))
    window_end = request["not_before_utc"] + request["horizon"]
    for start in proposals:
        assert start.tzinfo is UTC
        assert request["not_before_utc"] <= start
        assert start + request["duration"] <= window_end
        assert on_grid(start, request)
        assert free_for_whole_session(start, request)
        assert conflicts(start, start + request["duration"], request["busy"]) == []


@settings(max_examples=100, deadline=None)
@given(
    first=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
    zone_name=st.sampled_from(ZONES),
    days=st.integers(min_value=1, max_value=21),
    count=st.integers(min_value=1, max_value=60),
)
def test_a_series_keeps_its_wall_clock_time(first, zone_name, days, count):
    zone = ZoneInfo(zone_name)
    starts = expand_series(first, zone_name, timedelta(days=days), count)
    assert len(starts) == count
    assert starts == sorted(starts)
    for index, start in enumerate(starts):
        assert start.tzinfo is UTC
        wall = first + index * timedelta(days=days)
        showing = sorted(
            {
                candidate
                for fold in (0, 1)
                if (candidate := wall.replace(tzinfo=zone, fold=fold).astimezone(UTC))
                .astimezone(zone)
                .replace(tzinfo=None)
                == wall
            }
        )
        if showing:
            assert start == showing[0]  # the wall-clock time, its first occurrence if two
        else:
            # A skipped time, read with the offset from before the gap (RFC 5545).
            before_gap = zone.utcoffset(wall - timedelta(days=1))
            assert start == (wall - before_gap).replace(tzinfo=UTC)
