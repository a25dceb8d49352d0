from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from balik.mentorships.ics import PRODID, series_invite, session_invite
from balik.mentorships.scheduling import expand_series


def utc(*args):
    return datetime(*args, tzinfo=UTC)


SESSION = {
    "uid": "session-42@balik.example",
    "sequence": 0,
    "start_utc": utc(2026, 5, 4, 11),
    "end_utc": utc(2026, 5, 4, 12),
    "zone_name": "Asia/Jakarta",
    "summary": "Sesi mentoring: Dewi & Budi",
    "description": "Agenda:\n1. Tujuan bulan ini\n2. Umpan balik, pertanyaan; lain-lain",
    "location": "Ruang Rapat 3, Jakarta",
    "organizer": ("Dewi Lestari", "dewi@example.id"),
    "attendees": [("Budi Santoso", "budi@example.id"), ("Anne de Vries", "anne@example.nl")],
    "method": "REQUEST",
    "url": "https://balik.example/mentorships/7/sessions/42",
    "stamp_utc": utc(2026, 5, 1, 8),
}


def parse(invite):
    assert isinstance(invite, bytes)
    calendar = Calendar.from_ical(invite)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_carries_what_a_calendar_client_needs():
    invite = session_invite(**SESSION)
    calendar, event = parse(invite)

    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "session-42@balik.example"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") == utc(2026, 5, 1, 8)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == SESSION["summary"]
    assert str(event["DESCRIPTION"]) == SESSION["description"]
    assert str(event["LOCATION"]) == SESSION["location"]
    assert str(event["URL"]) == SESSION["url"]
    assert b"\r\n" in invite
    assert all(len(line) <= 75 for line in invite.split(b"\r\n"))


def test_times_are_in_the_organisers_zone_with_a_matching_vtimezone():
    calendar, event = parse(session_invite(**SESSION))
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert event["DTEND"].params["TZID"] == "Asia/Jakarta"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (18, 0)  # 11:00 UTC is 18:00 WIB
    assert start.astimezone(UTC) == utc(2026, 5, 4, 11)
    assert event.decoded("DTEND").astimezone(UTC) == utc(2026, 5, 4, 12)
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Jakarta"]
    assert b"DTSTART;TZID=Asia/Jakarta:20260504T180000" in calendar.to_ical()


def in_amsterdam(start, end):
    return session_invite(
        **SESSION | {"zone_name": "Europe/Amsterdam", "start_utc": start, "end_utc": end}
    )


def without(mapping, *keys):
    return {key: value for key, value in mapping.items() if key not in keys}


def test_a_dst_zone_gets_both_offsets_in_its_vtimezone():
    invite = in_amsterdam(utc(2026, 10, 26, 8), utc(2026, 10, 26, 9))
    calendar, event = parse(invite)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART").hour == 9  # CET after 25 October
    assert event.decoded("DTSTART").astimezone(UTC) == utc(2026, 10, 26, 8)
    (zone,) = calendar.timezones
    assert zone.tz_name == "Europe/Amsterdam"
    assert b"TZOFFSETTO:+0200" in invite
    assert b"TZOFFSETTO:+0100" in invite
    # The VTIMEZONE the client reads agrees with the zone database at the session.
    assert zone.to_tz().utcoffset(datetime(2026, 10, 26, 9)) == timedelta(hours=1)


def test_the_second_occurrence_of_a_repeated_hour_is_written_in_utc():
    # 01:30 UTC on 25 Oct is 02:30 CET, the second 02:30 that night; 02:30 with a TZID
    # would mean the first one, an hour earlier.
    invite = in_amsterdam(utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 30))
    _, event = parse(invite)
    assert event.decoded("DTSTART") == utc(2026, 10, 25, 1, 30)
    assert event.decoded("DTEND").astimezone(UTC) == utc(2026, 10, 25, 2, 30)
    assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"


def test_organizer_and_attendees_are_mailto_addresses_asked_to_reply():
    _, event = parse(session_invite(**SESSION))
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:dewi@example.id"
    assert organizer.params["CN"] == "Dewi Lestari"
    attendees = event["ATTENDEE"]
    assert [str(attendee) for attendee in attendees] == [
        "mailto:budi@example.id",
        "mailto:anne@example.nl",
    ]
    assert [attendee.params["CN"] for attendee in attendees] == ["Budi Santoso", "Anne de Vries"]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"


def test_a_name_with_quotes_and_a_line_break_survives_the_round_trip():
    invite = session_invite(**SESSION | {"attendees": [('Budi "Bud"\nSantoso', "budi@example.id")]})
    _, event = parse(invite)
    assert event["ATTENDEE"].params["CN"] == 'Budi "Bud" Santoso'


def test_a_cancellation_is_a_later_sequence_of_the_same_uid():
    invite = session_invite(**SESSION | {"method": "CANCEL", "sequence": 3})
    calendar, event = parse(invite)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == SESSION["uid"]
    assert event["SEQUENCE"] == 3
    assert b"\r\nSEQUENCE:3\r\n" in invite


def test_the_url_is_optional_and_the_stamp_defaults_to_now():
    invite = session_invite(**without(SESSION, "url", "stamp_utc"))
    _, event = parse(invite)
    assert "URL" not in event
    assert abs(event.decoded("DTSTAMP") - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sequence": -1}, "SEQUENCE"),
        ({"sequence": True}, "SEQUENCE"),
        ({"end_utc": utc(2026, 5, 4, 11)}, "end after it starts"),
        ({"end_utc": utc(2026, 5, 4, 10)}, "end after it starts"),
        ({"start_utc": datetime(2026, 5, 4, 11)}, "timezone-aware"),
        ({"stamp_utc": datetime(2026, 5, 1, 8)}, "timezone-aware"),
        ({"zone_name": "Asia/Bandung"}, "Unknown time zone"),
        ({"attendees": []}, "at least one attendee"),
        ({"attendees": [("Budi", "budi.example.id")]}, "does not look like an e-mail"),
        ({"attendees": [("Budi", "budi@example")]}, "does not look like an e-mail"),
        ({"attendees": [("Budi", "bu di@example.id")]}, "does not look like an e-mail"),
        ({"organizer": ("Dewi", "dewi@@example.id")}, "does not look like an e-mail"),
        ({"organizer": "dewi@example.id"}, "organizer is \\(name, email\\)"),
        ({"method": "PUBLISH"}, "REQUEST or CANCEL"),
        ({"uid": ""}, "UID"),
        ({"uid": "a\r\nb"}, "UID"),
        ({"url": "javascript:alert(1)"}, "http\\(s\\) address"),
    ],
)
def test_it_refuses_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        session_invite(**SESSION | changes)


SERIES = without(SESSION, "start_utc", "end_utc") | {
    "first_local_start": datetime(2026, 10, 11, 18),
    "zone_name": "Europe/Amsterdam",
    "duration": timedelta(hours=1),
    "every": timedelta(days=14),
    "count": 4,
}


def test_a_series_is_anchored_at_the_local_start_with_a_weekly_rule():
    calendar, event = parse(series_invite(**SERIES))
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 10, 11, 18)
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 10, 11, 19)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["INTERVAL"] == [2]
    assert rule["COUNT"] == [4]
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Amsterdam"]


def test_a_client_expanding_the_series_gets_our_instances():
    _, event = parse(series_invite(**SERIES))
    start = event.decoded("DTSTART")
    # The client's expansion: same wall clock every 14 days in the event's zone.
    client = [
        (start.replace(tzinfo=None) + index * timedelta(days=14))
        .replace(tzinfo=ZoneInfo(event["DTSTART"].params["TZID"]))
        .astimezone(UTC)
        for index in range(event["RRULE"]["COUNT"][0])
    ]
    ours = expand_series(datetime(2026, 10, 11, 18), "Europe/Amsterdam", timedelta(days=14), 4)
    assert client == ours
    assert [instant.hour for instant in ours] == [16, 17, 17, 17]


def test_a_series_that_is_not_whole_weeks_repeats_daily():
    _, event = parse(series_invite(**SERIES | {"every": timedelta(days=10), "method": "CANCEL"}))
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert event["RRULE"]["INTERVAL"] == [10]
    assert str(event["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_local_start": utc(2026, 10, 11, 16)}, "without tzinfo"),
        ({"every": timedelta(hours=12)}, "whole number of days"),
        ({"count": 0}, "at least one"),
        ({"duration": timedelta(0)}, "duration must be a positive"),
        ({"sequence": -2}, "SEQUENCE"),
        ({"attendees": []}, "at least one attendee"),
    ],
)
def test_a_bad_series_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        series_invite(**SERIES | changes)


def _merged(*invites: bytes) -> Calendar:
    """What a calendar client holds after receiving these invites: their events side by side."""
    merged = Calendar()
    for invite in invites:
        for component in Calendar.from_ical(invite).subcomponents:
            merged.add_component(component)
    return merged


def test_dates_left_out_of_a_series_are_exdates_a_client_skips():
    firsts = expand_series(datetime(2026, 10, 11, 18), "Europe/Amsterdam", timedelta(days=14), 4)
    invite = series_invite(**SERIES | {"except_starts": [firsts[1]]})
    _, event = parse(invite)
    assert [d.dt.astimezone(UTC) for d in event["EXDATE"].dts] == [firsts[1]]
    expanded = recurring_ical_events.of(Calendar.from_ical(invite)).between(
        datetime(2026, 10, 1), datetime(2026, 12, 31)
    )
    assert [e.decoded("DTSTART").astimezone(UTC) for e in expanded] == [
        firsts[0],
        firsts[2],
        firsts[3],
    ]


def test_a_moved_and_a_cancelled_occurrence_replace_their_dates_of_the_series():
    """The series once, then a move of its third date across the DST change, then a
    cancellation of its last: a client expanding what it holds sees the series as agreed."""
    firsts = expand_series(datetime(2026, 10, 11, 18), "Europe/Amsterdam", timedelta(days=14), 4)
    series = series_invite(**SERIES)
    moved_to = firsts[2] + timedelta(days=1, hours=2)
    moved = session_invite(
        **SESSION
        | {
            "uid": SERIES["uid"],
            "sequence": 1,
            "start_utc": moved_to,
            "end_utc": moved_to + timedelta(hours=1),
            "zone_name": "Europe/Amsterdam",
            "recurrence_of": firsts[2],
        }
    )
    _, override = parse(moved)
    assert override.decoded("RECURRENCE-ID").astimezone(UTC) == firsts[2]
    assert override["RECURRENCE-ID"].params["TZID"] == "Europe/Amsterdam"
    expanded = recurring_ical_events.of(_merged(series, moved)).between(
        datetime(2026, 10, 1), datetime(2026, 12, 31)
    )
    assert [e.decoded("DTSTART").astimezone(UTC) for e in expanded] == [
        firsts[0],
        firsts[1],
        moved_to,
        firsts[3],
    ]
    assert firsts[0].hour == 16 and firsts[1].hour == 17  # summer time, then winter time
    cancelled = session_invite(
        **SESSION
        | {
            "uid": SERIES["uid"],
            "sequence": 1,
            "start_utc": firsts[3],
            "end_utc": firsts[3] + timedelta(hours=1),
            "zone_name": "Europe/Amsterdam",
            "recurrence_of": firsts[3],
            "method": "CANCEL",
        }
    )
    calendar, event = parse(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("RECURRENCE-ID").astimezone(UTC) == firsts[3]


def test_a_date_left_out_must_belong_to_the_series():
    with pytest.raises(ValueError, match="series' own dates"):
        series_invite(**SERIES | {"except_starts": [utc(2026, 10, 12, 16)]})
