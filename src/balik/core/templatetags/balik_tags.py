from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(duration: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up: a pause of 90 seconds reads "2 minutes"."""
    if not duration:
        return 0
    return -(-int(duration.total_seconds()) // 60)
