"""Reminders to rate a session: the feedback part of the worker's sweep (balik.site.reminders)."""

from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from balik.feedback.models import SessionFeedback
from balik.mentorships.models import MentorshipStatus, Session, SessionStatus
from balik.mentorships.notices import moment_in
from balik.notifications.services import notify


def feedback_reminders(now: datetime) -> int:
    """Ask each person once for feedback on a held session they have not rated, while the
    seven days of the feedback window last."""
    sessions = (
        Session.objects.filter(
            status=SessionStatus.HELD,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=7),
            mentorship__status=MentorshipStatus.ACTIVE,
        )
        .select_related("mentorship__mentor__user", "mentorship__mentee__user")
        .prefetch_related(
            Prefetch("feedback", queryset=SessionFeedback.objects.only("session_id", "author_id"))
        )
    )
    count = 0
    for session in sessions:
        rated = {f.author_id for f in session.feedback.all()}
        for person in (session.mentorship.mentor, session.mentorship.mentee):
            if person.pk in rated or person.user is None:
                continue
            if notify(
                person.user,
                "feedback_due",
                dedupe_key=f"feedback_due:{session.pk}:{person.pk}",
                render=lambda session=session, person=person: (
                    _("How was your session of %(when)s?")
                    % {"when": moment_in(session.starts_at, person.timezone)},
                    _("Two minutes: rate it, and say whether you could speak openly."),
                ),
                url=f"/mentorships/{session.mentorship_id}/#session-{session.pk}",
            ):
                count += 1
    return count
