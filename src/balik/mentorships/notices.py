"""Session notices: the inbox entry, and the e-mail with its calendar invite (.ics)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from balik.mentorships.ics import session_invite
from balik.mentorships.models import Session, SessionStatus
from balik.notifications.services import deliver_email_now, notify


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


def send_session_notice(notice, dedupe_key: str) -> None:
    session = (
        Session.objects.select_related(
            "mentorship__program",
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "proposed_by",
        )
        .filter(pk=notice.session_id)
        .first()
    )
    if session is None:
        return
    mentorship = session.mentorship
    person = mentorship.mentor if mentorship.mentor_id == notice.person_id else mentorship.mentee
    if person.user is None:
        return
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
        }.get(notice.kind, "")
        return titles.get(notice.kind, notice.kind), body

    with_invite = notice.invite and session.starts_at is not None
    created = notify(
        person.user,
        notice.kind,
        dedupe_key,
        render,
        url=f"/mentorships/{mentorship.pk}/#session-{session.pk}",
        email_sent_by_caller=with_invite,
    )
    if created is None or not (with_invite and created.wants_email):
        return
    message = EmailMessage(
        created.title, f"{created.body}\n\n{_session_link(session)}", to=[person.email]
    )
    with translation.override(person.user.preferred_language or settings.LANGUAGE_CODE):
        invite = invite_bytes(session)  # the summary and description in the reader's language
    message.attach(
        "invite.ics",
        invite,
        "text/calendar; method="
        + ("CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"),
    )
    # A failure is recorded on the notice; the worker then retries it without the invite (the
    # session and its invite are in the app).
    deliver_email_now(created, message)
