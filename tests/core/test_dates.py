"""One date format per language, day before month and the month in letters ("3 Des 2026",
never 12/03/2026, which reads as 12 March), 24-hour times with the zone, and no ISO
timestamps in what people read."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from balik.core.dates import moment_text
from balik.mentorships.sessions import _check_times

DAY = date(2026, 12, 3)
MOMENT = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


@pytest.mark.parametrize(("language", "expected"), [("id", "3 Des 2026"), ("en", "3 Dec 2026")])
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_a_date_reads_day_month_year_with_the_month_in_letters(language, expected, name):
    with translation.override(language):
        assert formats.date_format(DAY, name) == expected
        rendered = Template("{{ day|date:'" + name + "' }}").render(Context({"day": DAY}))
        assert rendered == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "5 Des 2026, 10:00 WIB"), ("en", "5 Dec 2026, 10:00 WIB")],
)
def test_a_moment_reads_with_a_24_hour_time_and_its_zone(language, expected):
    with translation.override(language):
        assert moment_text(MOMENT, "Asia/Jakarta") == expected


def test_a_zone_without_a_letter_abbreviation_is_named():
    with translation.override("en"):
        assert moment_text(MOMENT, "Asia/Dubai") == "5 Dec 2026, 07:00 (Asia/Dubai)"


def test_a_session_time_in_a_refusal_is_no_iso_timestamp(db, program_manager):
    from tests.mentorships.builders import flipped_pair

    mentorship = flipped_pair(program_manager)
    past = datetime(2020, 1, 6, 12, 0, tzinfo=UTC)
    with translation.override("en"):
        errors = _check_times(mentorship, [past], zone="UTC")
    [message] = errors["options"]
    assert "T12:00" not in message and "+00:00" not in message
    assert "6 Jan 2020" in message


def test_the_moment_filter_names_the_zone():
    with translation.override("id"):
        rendered = Template("{% load balik_tags %}{{ at|moment:'Asia/Makassar' }}").render(
            Context({"at": MOMENT})
        )
    assert rendered == "5 Des 2026, 11:00 WITA"
