"""Reading the workspace's posted fields: the page lays out its own inputs, so each action
reads the few values it needs here and leaves the rules to the service, which names the field
it refuses."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils.translation import gettext as _

from balik.core.errors import ValidationFailed
from balik.mentorships.models import ActionItem, Goal, Mentorship, Session


def posted_int(value: str | None) -> int | None:
    """A posted whole number, or None when it is missing or no number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def posted_date(value: str | None) -> date | None:
    """A date field ("2026-12-01"), or None for the service to refuse as missing."""
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def posted_local_datetime(value: str | None, zone: str) -> datetime | None:
    """A datetime-local field ("2026-12-01T09:30") read in the person's own time zone."""
    try:
        naive = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(zone))


def posted_session(mentorship: Mentorship, request: HttpRequest) -> Session:
    """The posted `session`, which must be one of this mentorship's."""
    session = mentorship.sessions.filter(pk=posted_int(request.POST.get("session"))).first()
    if session is None:
        raise ValidationFailed({"session": [_("Choose a session of this mentorship.")]})
    return session


def posted_goal(mentorship: Mentorship, request: HttpRequest) -> Goal:
    """The posted `goal`, which must be one of this mentorship's."""
    goal = mentorship.goals.filter(pk=posted_int(request.POST.get("goal"))).first()
    if goal is None:
        raise ValidationFailed({"goal": [_("Choose a goal of this mentorship.")]})
    return goal


def posted_action_item(mentorship: Mentorship, request: HttpRequest) -> ActionItem:
    """The posted `item`, which must be one of this mentorship's action items."""
    item = mentorship.actions.filter(pk=posted_int(request.POST.get("item"))).first()
    if item is None:
        raise ValidationFailed({"item": [_("Choose an action item of this mentorship.")]})
    return item
