"""Session notices: the inbox entry, and the e-mail with its calendar invite (.ics), written to
the outbox in the transaction that changed the session."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from balik.mentorships.ics import session_invite
from balik.mentorships.models import Session, SessionStatus
from balik.notifications.services import Attachment, notify
from balik.people.models import Person


def invite_bytes(session: Session) -> bytes:
    """The session as an RFC 5545 invite: REQUEST while it stands, CANCEL once cancelled."""
    mentorship = session.mentorship
    organiser = session.proposed_by
    others = [p for p in (mentorship.mentor, mentorship.mentee) if p.pk != organiser.pk]
    return session_invite(
        uid=session.uid,
        sequence=session.sequence,
        start_utc=session.starts_at,
        end_utc=session.ends_at,
        zone_name=session.zone,
        summary=_("Mentoring: %(mentor)s and %(mentee)s")
        % {"mentor": mentorship.mentor.full_name, "mentee": mentorship.mentee.full_name},
        description=_("%(program)s. Prepare with the agenda in Balik: %(url)s")
        % {"program": mentorship.program.name, "url": _session_link(session)},
        location=session.location,
        organizer=(organiser.full_name, organiser.email),
        attendees=[(p.full_name, p.email) for p in others],
        method="CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST",
        url=_session_link(session),
    )


def _session_link(session: Session) -> str:
    return f"{settings.BALIK_SITE_URL}/mentorships/{session.mentorship_id}/#session-{session.pk}"


def moment_in(moment: datetime, zone: str) -> str:
    """A moment on the reader's clock, with the zone named: notices are read far from the
    server, often in another time zone than the partner's."""
    local = timezone.localtime(moment, ZoneInfo(zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"


def _when(session: Session, zone: str) -> str:
    return "" if session.starts_at is None else moment_in(session.starts_at, zone)


def write_session_notice(session: Session, kind: str, person: Person, *, invite: bool) -> None:
    """Write the notice about `session` for `person` into the outbox, with its invite rendered
    now in their language; call it inside the transaction that changed the session."""
    if person.user is None:
        return
    session = (
        Session.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee", "proposed_by"
        )
        .filter(pk=session.pk)
        .get()
    )
    mentorship = session.mentorship
    other = mentorship.mentee if person.pk == mentorship.mentor_id else mentorship.mentor

    def render() -> tuple[str, str]:
        when = _when(session, person.timezone)
        titles = {
            "session_proposed": _("%(name)s proposed session times") % {"name": other.full_name},
            "session_booked": _("Session booked: %(when)s") % {"when": when},
            "session_changed": _("Session moved to %(when)s") % {"when": when},
            "session_cancelled": _("Session cancelled: %(when)s") % {"when": when},
            "agenda_submitted": _("%(name)s submitted the agenda") % {"name": other.full_name},
        }
        body = {
            "session_proposed": _("Choose one of the times, or propose others."),
            "session_booked": _("The invite is attached; it updates your calendar."),
            "session_changed": _("Reason: %(reason)s") % {"reason": session.cancel_reason},
            "session_cancelled": _("Reason: %(reason)s") % {"reason": session.cancel_reason},
            "agenda_submitted": _("Read it and add your perspective before the session."),
        }.get(kind, "")
        return titles.get(kind, kind), body

    def attach() -> Attachment:
        method = "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"
        return "invite.ics", invite_bytes(session).decode(), f"text/calendar; method={method}"

    notify(
        person.user,
        kind,
        f"{kind}:{session.pk}:{session.sequence}:{person.pk}:{uuid.uuid4().hex[:12]}",
        render,
        url=f"/mentorships/{mentorship.pk}/#session-{session.pk}",
        attach=attach if invite and session.starts_at is not None else None,
    )
