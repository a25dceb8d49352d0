"""Closing a mentorship: each person's reflection, and the end of what the pair had planned."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from balik.accounts.models import User
from balik.core.errors import ValidationFailed
from balik.mentorships.access import clean_text, require_active, require_member
from balik.mentorships.models import (
    BookedTime,
    Mentorship,
    MentorshipStatus,
    Reflection,
    Session,
    SessionStatus,
)
from balik.mentorships.notices import write_session_notice

# Why the system cancelled a session: read back in each reader's language (balik.core.bilingual).
CLOSED_REASON = gettext_lazy("The mentorship has closed.")
DECLINED_REASON = gettext_lazy("The match was declined.")


def mentorship_close(
    user: User, mentorship: Mentorship, *, reflection: str, goals_outcome: str, match_again: bool
) -> Reflection:
    """Each person's final reflection; when both have written one the mentorship closes."""
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    reflection = clean_text(reflection, field="reflection", errors=errors, required=True)
    goals_outcome = clean_text(goals_outcome, field="goals_outcome", errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        entry, _created = Reflection.objects.update_or_create(
            mentorship=mentorship,
            author=person,
            defaults={
                "reflection": reflection,
                "goals_outcome": goals_outcome,
                "match_again": match_again,
            },
        )
        if mentorship.reflections.count() == 2:
            mentorship.status = MentorshipStatus.CLOSED
            mentorship.ended_at = timezone.now()
            mentorship.save(update_fields=["status", "ended_at"])
            sessions_end(mentorship, reason=str(CLOSED_REASON))
    return entry


def sessions_end(mentorship: Mentorship, *, reason: str) -> list[Session]:
    """Cancel what the pair had planned when their mentorship ends: proposals, and booked
    sessions that have not started, which leave both calendars through the cancelled invite.
    Sessions that have started stay, for attendance, feedback and the learning log."""
    ending = list(
        mentorship.sessions.filter(
            Q(status=SessionStatus.PROPOSED)
            | Q(status=SessionStatus.BOOKED, starts_at__gt=timezone.now())
        )
    )
    BookedTime.objects.filter(session__in=ending).delete()
    for session in ending:
        was_booked = session.status == SessionStatus.BOOKED
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        if was_booked:
            for someone in (mentorship.mentor, mentorship.mentee):
                write_session_notice(session, "session_cancelled", someone, invite=True)
    return ending
