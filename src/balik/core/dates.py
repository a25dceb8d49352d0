"""Moments as people read them: the date in the language's one format, a 24-hour time and the
zone it is told in ("5 Des 2026, 10:00 WIB"), never an ISO timestamp."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone


def zone_label(local: datetime, zone_name: str) -> str:
    """The zone's letters when it has them (WIB, WITA, WIT, CET), else its name in brackets."""
    abbreviation = local.tzname() or ""
    if abbreviation.isalpha():
        return abbreviation
    return f"({zone_name})"


def moment_text(moment: datetime, zone: str | None = None, *, with_day: bool = False) -> str:
    """`moment` on the clock of `zone` (default: the active time zone), with the zone named;
    `with_day` puts the day's short name first ("Jum 5 Des 2026, 10:00 WIB"), for sessions."""
    tz = ZoneInfo(zone) if zone else timezone.get_current_timezone()
    local = timezone.localtime(moment, tz)
    text = formats.date_format(local, "DATETIME_FORMAT")
    if with_day:
        text = f"{formats.date_format(local, 'D')} {text}"
    return f"{text} {zone_label(local, str(tz))}"
