"""Every reminder the worker creates in a round, from each app that has some."""

from datetime import datetime

from django.utils import timezone

from balik.club.services import bookings_expire
from balik.feedback.reminders import feedback_reminders
from balik.mentorships import reminders as mentorship_reminders


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Create every reminder due at `now`; returns how many of each kind were new."""
    now = now or timezone.now()
    created = mentorship_reminders.sweep(now)
    created["feedback_due"] = feedback_reminders(now)
    created["club_expired"] = bookings_expire(now=now)
    return created
