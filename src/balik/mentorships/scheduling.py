"""Find times two people can meet, from weekly availability kept in each person's own zone.

Pure Python: no Django, no database. Every datetime that comes in must be aware; every datetime
that goes out is aware and in UTC. Weekly availability is wall-clock time in the person's IANA
zone, because that is how people think about it ("Tuesday evenings, 19:00-21:00").

Where time zones bite, these are the rules:

* Availability: an instant is available when the person's clock, at that instant, shows a time
  inside one of their weekly ranges. On the spring-forward day the wall-clock hour that is
  skipped contributes nothing; on the fall-back day an hour the clock shows twice counts both
  times. So every instant we hand out reads, on the person's own clock, as a time they offered.
* Proposals start where person A's clock shows a whole multiple of ``step`` after midnight
  (whole and half hours by default), so the times look round to A even when B lives in a zone
  with an odd offset. Each lands on the date A's clock shows.
* Series (``expand_series``) follow RFC 5545 section 3.3.5, the rule calendar clients apply to
  a recurring event with a TZID: a wall-clock time that occurs twice means its first occurrence,
  and one that does not occur is read with the offset from before the gap (02:30 on the
  spring-forward day becomes 03:30 summer time). Our stored instances then agree with what the
  participants' calendars show for the invite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
MIDNIGHT = time(0)
# UTC offsets are probed this often to find the instants they change. Real zones never change
# twice within an hour, so no transition slips between two probes.
_TRANSITION_PROBE = timedelta(hours=1)


class Interval(NamedTuple):
    """A half-open span of time ``[start, end)``, both aware UTC datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class WeeklyRange:
    """Every week on ``weekday`` (0 = Monday) from ``start`` to ``end``, wall-clock time.

    An ``end`` of 00:00 means midnight at the end of that day, so ``(6, 20:00, 00:00)`` is Sunday
    evening until the day is over and ``(0, 00:00, 00:00)`` is the whole of Monday. A range that
    crosses midnight is written as two ranges.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if (
            isinstance(self.weekday, bool)
            or not isinstance(self.weekday, int)
            or not 0 <= self.weekday <= 6
        ):
            raise ValueError(f"Weekday {self.weekday!r} is not a number from 0 (Monday) to 6.")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise ValueError(f"The {name} of a weekly range must be a datetime.time.")
            if value.tzinfo is not None:
                raise ValueError(
                    f"The {name} of a weekly range is a wall-clock time; give the zone "
                    "separately and leave the time without tzinfo."
                )
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValueError(
                f"The range {self.start:%H:%M}-{self.end:%H:%M} on weekday {self.weekday} ends "
                "before it starts; split a range that crosses midnight into two."
            )


def zone_from_name(zone_name: str) -> ZoneInfo:
    """The IANA zone called ``zone_name``, or ValueError saying what is wrong."""
    if not isinstance(zone_name, str) or not zone_name:
        raise ValueError("A time zone name is required, for example 'Asia/Jakarta'.")
    try:
        return ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(
            f"Unknown time zone {zone_name!r}; use an IANA name such as 'Asia/Jakarta'."
        ) from error


def available_intervals(
    ranges: Iterable[WeeklyRange | tuple[int, time, time]],
    zone_name: str,
    window_start_utc: datetime,
    window_end_utc: datetime,
) -> list[Interval]:
    """The instants in ``[window_start_utc, window_end_utc)`` that the weekly ranges cover.

    Sorted, with overlapping and touching intervals merged, so a Monday 22:00-00:00 range and a
    Tuesday 00:00-02:00 range become one four-hour interval. DST days follow the module rule:
    the skipped hour gives nothing, a repeated hour counts twice.
    """
    zone = zone_from_name(zone_name)
    weekly = _weekly_ranges(ranges)
    start = _aware_utc(window_start_utc, "window_start_utc")
    end = _aware_utc(window_end_utc, "window_end_utc")
    if end <= start:
        raise ValueError("The window must end after it starts.")
    return _available(weekly, zone, start, end)


def propose_times(
    a_ranges: Iterable[WeeklyRange | tuple[int, time, time]],
    a_zone: str,
    b_ranges: Iterable[WeeklyRange | tuple[int, time, time]],
    b_zone: str,
    *,
    duration: timedelta,
    not_before_utc: datetime,
    horizon: timedelta,
    busy: Iterable[tuple[datetime, datetime]],
    count: int = 5,
    step: timedelta = timedelta(minutes=30),
    cadence: timedelta | None = None,
    last_session_utc: datetime | None = None,
) -> list[datetime]:
    """Up to ``count`` UTC start times when A and B can both meet for ``duration``.

    A proposal's whole session lies inside both people's availability, inside the window
    ``[not_before_utc, not_before_utc + horizon]`` and clear of every ``busy`` interval (the
    other sessions of either person, in any mentorship; touching one is fine). It starts where
    A's clock shows a multiple of ``step`` after midnight; ``step`` must divide a day.

    Preference: when both ``cadence`` and ``last_session_utc`` are given, starts at or after
    ``last_session_utc + cadence`` come before earlier ones; within each group, earliest first.
    Spread: we take the best start of each of A's calendar days before a second start on any
    day, so five proposals cover five days when the window has five days to offer. The result
    is sorted by preference (the cadence group, then time) and is the same for the same input.
    """
    duration = _positive(duration, "duration")
    horizon = _positive(horizon, "horizon")
    step = _positive(step, "step")
    if DAY % step:
        raise ValueError("The step must divide a day evenly, for example 15, 30 or 60 minutes.")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("The number of proposals must be a whole number of at least 1.")
    window_start = _aware_utc(not_before_utc, "not_before_utc")
    window_end = window_start + horizon
    if duration > horizon:
        raise ValueError("The session is longer than the horizon; widen the horizon.")
    target = None
    if cadence is not None and last_session_utc is not None:
        target = _aware_utc(last_session_utc, "last_session_utc") + _positive(cadence, "cadence")
    zone_a = zone_from_name(a_zone)
    zone_b = zone_from_name(b_zone)
    blocked = _merge(_intervals(busy, "busy"))

    free = _subtract(
        _intersect(
            _available(_weekly_ranges(a_ranges), zone_a, window_start, window_end),
            _available(_weekly_ranges(b_ranges), zone_b, window_start, window_end),
        ),
        blocked,
    )
    starts = _grid_starts(free, duration, step, zone_a, window_start, window_end)

    def preference(start: datetime) -> tuple[bool, datetime]:
        return (target is not None and start < target, start)

    ranked = sorted(starts, key=preference)
    taken_on_day: dict[date, int] = {}
    rank: dict[datetime, int] = {}
    for start in ranked:
        day = start.astimezone(zone_a).date()
        rank[start] = taken_on_day.get(day, 0)
        taken_on_day[day] = rank[start] + 1
    chosen = sorted(ranked, key=lambda start: (rank[start], preference(start)))[:count]
    return sorted(chosen, key=preference)


def overlap_hours_per_week(
    a_ranges: Iterable[WeeklyRange | tuple[int, time, time]],
    a_zone: str,
    b_ranges: Iterable[WeeklyRange | tuple[int, time, time]],
    b_zone: str,
    reference_week_start_utc: datetime,
) -> float:
    """Hours both are available in the seven days from ``reference_week_start_utc``."""
    start = _aware_utc(reference_week_start_utc, "reference_week_start_utc")
    common = _intersect(
        _available(_weekly_ranges(a_ranges), zone_from_name(a_zone), start, start + WEEK),
        _available(_weekly_ranges(b_ranges), zone_from_name(b_zone), start, start + WEEK),
    )
    return sum((interval.end - interval.start for interval in common), timedelta()) / timedelta(
        hours=1
    )


def expand_series(
    first_local_start: datetime, zone_name: str, every: timedelta, count: int
) -> list[datetime]:
    """The ``count`` UTC starts of a series that keeps its local wall-clock time.

    ``first_local_start`` is naive wall-clock time in ``zone_name``; instance ``i`` is the wall
    clock ``first_local_start + i * every`` read by the RFC 5545 rule in the module docstring.
    Every 7 days at 18:00 Europe/Amsterdam across the last Sunday of October gives 16:00 UTC
    and then 17:00 UTC.
    """
    if not isinstance(first_local_start, datetime):
        raise ValueError("The first start must be a datetime.")
    if first_local_start.tzinfo is not None:
        raise ValueError(
            "The first start of a series is wall-clock time: pass it without tzinfo and name "
            "the zone in zone_name."
        )
    every = _positive(every, "every")
    if every % DAY:
        raise ValueError("A series repeats every whole number of days.")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("A series has at least one session.")
    zone = zone_from_name(zone_name)
    return [wall_clock_to_utc(first_local_start + index * every, zone) for index in range(count)]


def wall_clock_to_utc(wall_clock: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``zone`` as a UTC instant, by the RFC 5545 rule.

    Python's ``fold=0`` is that rule: the first of two occurrences, and the offset from before
    a gap.
    """
    return wall_clock.replace(tzinfo=zone, fold=0).astimezone(UTC)


def conflicts(
    start_utc: datetime, end_utc: datetime, busy: Iterable[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The busy intervals that overlap ``[start_utc, end_utc)``, as given, in the given order.

    Intervals are half-open: one that ends when this one starts does not conflict.
    """
    start = _aware_utc(start_utc, "start_utc")
    end = _aware_utc(end_utc, "end_utc")
    if end <= start:
        raise ValueError("The session must end after it starts.")
    busy = list(busy)
    return [
        item
        for item, interval in zip(busy, _intervals(busy, "busy"), strict=True)
        if interval.start < end and start < interval.end
    ]


# Internals.


def _aware_utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (for example in UTC), not naive.")
    return value.astimezone(UTC)


def _positive(value: timedelta, name: str) -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta():
        raise ValueError(f"{name} must be a positive timedelta.")
    return value


def _weekly_ranges(ranges: Iterable[WeeklyRange | tuple[int, time, time]]) -> list[WeeklyRange]:
    weekly = []
    for item in ranges:
        if isinstance(item, WeeklyRange):
            weekly.append(item)
            continue
        try:
            weekday, start, end = item
        except (TypeError, ValueError) as error:
            raise ValueError(f"A weekly range is (weekday, start, end), not {item!r}.") from error
        weekly.append(WeeklyRange(weekday, start, end))
    return weekly


def _intervals(pairs: Iterable[tuple[datetime, datetime]], name: str) -> list[Interval]:
    intervals = []
    for pair in pairs:
        try:
            start, end = pair
        except (TypeError, ValueError) as error:
            raise ValueError(f"Each {name} interval is (start, end), not {pair!r}.") from error
        interval = Interval(_aware_utc(start, f"{name} start"), _aware_utc(end, f"{name} end"))
        if interval.end <= interval.start:
            raise ValueError(f"The {name} interval {start} - {end} must end after it starts.")
        intervals.append(interval)
    return intervals


def _offset_at(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows the offset of an aware instant
    return offset


def _first_instant_with_new_offset(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The transition between ``before`` and ``after``, whose offsets differ; whole seconds."""
    old_offset = _offset_at(before, zone)
    low = math.floor(before.timestamp())
    high = math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(datetime.fromtimestamp(middle, UTC), zone) == old_offset:
            low = middle
        else:
            high = middle
    return min(max(datetime.fromtimestamp(high, UTC), before), after)


def _offset_pieces(
    zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, timedelta]]:
    """``[start, end)`` cut where the zone's UTC offset changes: (start, end, offset) pieces."""
    pieces = []
    piece_start, offset = start, _offset_at(start, zone)
    probe = start
    while probe < end:
        following = min(probe + _TRANSITION_PROBE, end)
        if _offset_at(following, zone) != offset:
            change = _first_instant_with_new_offset(probe, following, zone)
            pieces.append((piece_start, change, offset))
            piece_start, offset = change, _offset_at(change, zone)
        probe = following
    pieces.append((piece_start, end, offset))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _available(
    weekly: list[WeeklyRange], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    by_weekday: dict[int, list[WeeklyRange]] = {}
    for weekly_range in weekly:
        by_weekday.setdefault(weekly_range.weekday, []).append(weekly_range)
    found = []
    for piece_start, piece_end, offset in _offset_pieces(zone, start, end):
        # While the offset holds, the clock reads instant + offset: ranges map straight across.
        first_day = (piece_start + offset).date()
        last_day = (piece_end + offset).date()
        day = first_day
        while day <= last_day:
            for weekly_range in by_weekday.get(day.weekday(), ()):
                wall_start = datetime.combine(day, weekly_range.start)
                wall_end = (
                    datetime.combine(day + DAY, MIDNIGHT)
                    if weekly_range.end == MIDNIGHT
                    else datetime.combine(day, weekly_range.end)
                )
                interval_start = max((wall_start - offset).replace(tzinfo=UTC), piece_start)
                interval_end = min((wall_end - offset).replace(tzinfo=UTC), piece_end)
                if interval_start < interval_end:
                    found.append(Interval(interval_start, interval_end))
            day += DAY
    return _merge(found)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def _intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    """Both lists sorted and merged."""
    common = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i].start, second[j].start)
        end = min(first[i].end, second[j].end)
        if start < end:
            common.append(Interval(start, end))
        if first[i].end < second[j].end:
            i += 1
        else:
            j += 1
    return common


def _subtract(free: list[Interval], blocked: list[Interval]) -> list[Interval]:
    """Both lists sorted and merged."""
    left = []
    j = 0
    for interval in free:
        start = interval.start
        while j < len(blocked) and blocked[j].end <= start:
            j += 1
        k = j
        while k < len(blocked) and blocked[k].start < interval.end:
            if blocked[k].start > start:
                left.append(Interval(start, blocked[k].start))
            start = max(start, blocked[k].end)
            k += 1
        if start < interval.end:
            left.append(Interval(start, interval.end))
    return left


def _grid_starts(
    free: list[Interval],
    duration: timedelta,
    step: timedelta,
    zone: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
) -> list[datetime]:
    """Starts in ``free`` with room for ``duration``, where ``zone``'s clock is on the grid."""
    pieces = _offset_pieces(zone, window_start, window_end)
    starts = set()
    for interval in free:
        latest = interval.end - duration
        if latest < interval.start:
            continue
        for piece_start, piece_end, offset in pieces:
            low = max(interval.start, piece_start)
            high = min(latest, piece_end - timedelta(microseconds=1))
            if low > high:
                continue
            wall = (low + offset).replace(tzinfo=None)
            since_midnight = wall - datetime.combine(wall.date(), MIDNIGHT)
            wall_on_grid = wall + (-since_midnight) % step
            candidate = (wall_on_grid - offset).replace(tzinfo=UTC)
            while candidate <= high:
                starts.add(candidate)
                candidate += step
    return sorted(starts)
