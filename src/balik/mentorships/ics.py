"""RFC 5545 invitations (iTIP REQUEST and CANCEL) for mentoring sessions.

Pure Python on the ``icalendar`` package. Times are written in the organiser's zone with a TZID
and a matching VTIMEZONE, so calendars show the session at the wall-clock time it was agreed
at and recurring series follow that zone's DST changes. The caller keeps the UID stable for a
session and raises the SEQUENCE on every change: that is how calendar clients know an update or
a cancellation replaces what they already have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from balik.core.email_address import is_email_address
from balik.mentorships.scheduling import DAY, WEEK, expand_series, zone_from_name

PRODID = "-//Balik//Mentoring//EN"
METHODS = ("REQUEST", "CANCEL")
# The VTIMEZONE covers this much either side of the sessions, for clients that look around.
_ZONE_MARGIN = timedelta(days=366)

Method = Literal["REQUEST", "CANCEL"]


def session_invite(
    *,
    uid: str,
    sequence: int,
    start_utc: datetime,
    end_utc: datetime,
    zone_name: str,
    summary: str,
    description: str,
    location: str,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    method: Method,
    url: str | None = None,
    stamp_utc: datetime | None = None,
    recurrence_of: datetime | None = None,
) -> bytes:
    """One session as a calendar with a single VEVENT, ready to attach as ``text/calendar``.

    ``organizer`` and each attendee are ``(name, email)``. ``stamp_utc`` (DTSTAMP) defaults to
    now. DTSTART and DTEND are written in ``zone_name``, except in the one hour a year when the
    wall-clock time is ambiguous and the instant is its second occurrence: a local time would
    mean the first occurrence there, so that value is written in UTC instead.

    ``recurrence_of`` makes it one occurrence of a series sent with ``series_invite`` (same
    ``uid``): the instant that occurrence was first planned at becomes its RECURRENCE-ID, so a
    moved or cancelled occurrence replaces that one date of the series in the calendar.
    """
    start = _aware_utc(start_utc, "start_utc")
    end = _aware_utc(end_utc, "end_utc")
    if end <= start:
        raise ValueError("The session must end after it starts.")
    zone = zone_from_name(zone_name)
    event = _event(
        uid=uid,
        sequence=sequence,
        summary=summary,
        description=description,
        location=location,
        organizer=organizer,
        attendees=attendees,
        method=method,
        url=url,
        stamp_utc=stamp_utc,
    )
    if recurrence_of is not None:
        event.add("recurrence-id", _in_zone(_aware_utc(recurrence_of, "recurrence_of"), zone))
    event.add("dtstart", _in_zone(start, zone))
    event.add("dtend", _in_zone(end, zone))
    return _calendar(event, method, start, end)


def series_invite(
    *,
    uid: str,
    sequence: int,
    first_local_start: datetime,
    zone_name: str,
    duration: timedelta,
    every: timedelta,
    count: int,
    summary: str,
    description: str,
    location: str,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    method: Method,
    url: str | None = None,
    stamp_utc: datetime | None = None,
    except_starts: Sequence[datetime] = (),
) -> bytes:
    """A recurring series: DTSTART at the naive wall-clock ``first_local_start`` in ``zone_name``
    and an RRULE, ``FREQ=WEEKLY`` when ``every`` is whole weeks, else ``FREQ=DAILY``.

    The instances a client expands are those of ``scheduling.expand_series`` with the same
    arguments: the same wall-clock time every time, whatever DST does. ``except_starts`` (aware
    instants among those) are left out with EXDATE: dates that were not booked, or cancelled.
    """
    if not isinstance(duration, timedelta) or duration <= timedelta():
        raise ValueError("duration must be a positive timedelta.")
    starts = expand_series(first_local_start, zone_name, every, count)  # validates the series
    zone = zone_from_name(zone_name)
    event = _event(
        uid=uid,
        sequence=sequence,
        summary=summary,
        description=description,
        location=location,
        organizer=organizer,
        attendees=attendees,
        method=method,
        url=url,
        stamp_utc=stamp_utc,
    )
    event.add("dtstart", first_local_start.replace(tzinfo=zone, fold=0))
    event.add("dtend", _in_zone(starts[0] + duration, zone))
    if every % WEEK:
        rule = {"freq": "daily", "interval": every // DAY, "count": count}
    else:
        rule = {"freq": "weekly", "interval": every // WEEK, "count": count}
    event.add("rrule", rule)
    left_out = sorted({_aware_utc(start, "except_starts") for start in except_starts})
    if not set(left_out) <= set(starts):
        raise ValueError("Every date left out must be one of the series' own dates.")
    for start in left_out:
        event.add("exdate", _in_zone(start, zone))
    return _calendar(event, method, starts[0], starts[-1] + duration)


def together(*invites: bytes) -> bytes:
    """Invites of one series (the series, its moved dates) as one calendar file: what a client
    would hold after receiving each of them."""
    first, *rest = (Calendar.from_ical(invite) for invite in invites)
    zones = {str(zone["TZID"]) for zone in first.walk("VTIMEZONE")}
    for calendar in rest:
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                if str(component["TZID"]) in zones:
                    continue
                zones.add(str(component["TZID"]))
            first.add_component(component)
    return first.to_ical()


def _event(
    *,
    uid: str,
    sequence: int,
    summary: str,
    description: str,
    location: str,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    method: str,
    url: str | None,
    stamp_utc: datetime | None,
) -> Event:
    if method not in METHODS:
        raise ValueError(f"The method is REQUEST or CANCEL, not {method!r}.")
    if not isinstance(uid, str) or not uid.strip() or any(c in uid for c in "\r\n"):
        raise ValueError("The UID must be a non-empty string on one line.")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise ValueError("The SEQUENCE must be a whole number, 0 or more.")
    if not attendees:
        raise ValueError("An invitation needs at least one attendee.")
    stamp = datetime.now(UTC) if stamp_utc is None else _aware_utc(stamp_utc, "stamp_utc")

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("summary", _text(summary, "summary"))
    event.add("description", _text(description, "description"))
    event.add("location", _text(location, "location"))
    if url is not None:
        if not isinstance(url, str) or not re.fullmatch(r"https?://\S+", url):
            raise ValueError(f"The URL {url!r} is not an http(s) address.")
        event.add("url", url)
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    event.add("organizer", _address(organizer, "organizer"))
    for attendee in attendees:
        address = _address(attendee, "attendee")
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
        event.add("attendee", address)
    return event


def _calendar(event: Event, method: str, first: datetime, last: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=(first - _ZONE_MARGIN).date(), last_date=(last + _ZONE_MARGIN).date()
    )
    return calendar.to_ical()


def _in_zone(instant: datetime, zone: ZoneInfo) -> datetime:
    local = instant.astimezone(zone)
    if local.replace(fold=0).astimezone(UTC) != instant:
        return instant  # the second occurrence of an ambiguous wall-clock time
    return local.replace(fold=0)


def _address(person: tuple[str, str], role: str) -> vCalAddress:
    try:
        name, email = person
    except (TypeError, ValueError) as error:
        raise ValueError(f"The {role} is (name, email), not {person!r}.") from error
    if not isinstance(email, str) or not is_email_address(email.strip()):
        raise ValueError(f"The {role} e-mail {email!r} does not look like an e-mail address.")
    if not isinstance(name, str):
        raise ValueError(f"The {role} name must be text.")
    address = vCalAddress(f"mailto:{email.strip()}")
    common_name = " ".join(name.split())
    if common_name:
        address.params["CN"] = vText(common_name)
    return address


def _text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"The {name} must be text.")
    return value


def _aware_utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
    return value.astimezone(UTC)
