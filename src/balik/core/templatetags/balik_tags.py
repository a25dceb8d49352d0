from datetime import datetime, timedelta

from django import template

from balik.core.dates import moment_text

register = template.Library()


@register.filter
def minutes(duration: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up: a pause of 90 seconds reads "2 minutes"."""
    if not duration:
        return 0
    return -(-int(duration.total_seconds()) // 60)


@register.filter
def moment(value: datetime | None, zone: str | None = None) -> str:
    """`{{ session.starts_at|moment }}`: "5 Des 2026, 10:00 WIB", on the active time zone's
    clock (or `zone`'s), with the zone named."""
    if not value:
        return ""
    return moment_text(value, zone or None)
