"""Session notices: the inbox entry, and the e-mail with its calendar invite (.ics), written to
the outbox in the transaction that changed the session."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balik.core.bilingual import in_reader_language
from balik.core.dates import moment_text
from balik.mentorships.ics import series_invite, session_invite, together
from balik.mentorships.models import Session, SessionStatus
from balik.mentorships.scheduling import expand_series
from balik.notifications.services import Attachment, notify
from balik.people.models import Person


def invite_bytes(session: Session) -> bytes:
    """The session as an RFC 5545 invite: REQUEST while it stands, CANCEL once cancelled.

    A session of a booked series is one date of a recurring event: while it stands, the file
    is the whole series as it is now (dates left out, moved dates); cancelled, it cancels
    that one date."""
    if session.in_series and session.status != SessionStatus.CANCELLED:
        return series_bytes(session)
    return _one_session(session)


def _one_session(session: Session) -> bytes:
    """One session, or one date of a series (its RECURRENCE-ID is the start planned for it)."""
    mentorship = session.mentorship
    return session_invite(
        uid=session.series_uid if session.in_series else session.uid,
        sequence=session.sequence,
        start_utc=session.starts_at,
        end_utc=session.ends_at,
        zone_name=session.zone,
        method="CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST",
        recurrence_of=session.occurrence_start if session.in_series else None,
        **_invite_text(session, mentorship),
    )


def series_bytes(member: Session) -> bytes:
    """The series `member` belongs to as one recurring event (RRULE from the start planned for
    its first date, every cadence, at the same local time), without the dates that were not
    booked or were cancelled, and with each moved date as its own replacing event."""
    sessions = list(
        Session.objects.filter(series_key=member.series_key, occurrence_start__isnull=False)
        .select_related("mentorship__program", "mentorship__mentor", "mentorship__mentee")
        .select_related("proposed_by")
        .order_by("occurrence_start")
    )
    first = min(sessions, key=lambda one: one.occurrence_start)
    zone = ZoneInfo(first.zone)
    length = first.ends_at - first.starts_at
    standing = [one for one in sessions if one.status != SessionStatus.CANCELLED]
    planned = set(planned_starts(first))
    series = series_invite(
        uid=first.series_uid,
        sequence=0,
        first_local_start=timezone.localtime(first.occurrence_start, zone).replace(tzinfo=None),
        zone_name=first.zone,
        duration=length,
        every=timedelta(days=first.series_every_days),
        count=first.repeat,
        method="REQUEST",
        except_starts=sorted(planned - {one.occurrence_start for one in standing}),
        **_invite_text(first, first.mentorship),
    )
    moved = [_one_session(one) for one in standing if one.starts_at != one.occurrence_start]
    return together(series, *moved)


def planned_starts(first: Session) -> list[datetime]:
    """Every start the series of `first` (its first date) was booked for, as UTC instants."""
    local = timezone.localtime(first.occurrence_start, ZoneInfo(first.zone)).replace(tzinfo=None)
    return expand_series(local, first.zone, timedelta(days=first.series_every_days), first.repeat)


def _invite_text(session: Session, mentorship) -> dict:
    organiser = session.proposed_by
    others = [p for p in (mentorship.mentor, mentorship.mentee) if p.pk != organiser.pk]
    return {
        "summary": _("Mentoring: %(mentor)s and %(mentee)s")
        % {"mentor": mentorship.mentor.full_name, "mentee": mentorship.mentee.full_name},
        "description": _("%(program)s. Prepare with the agenda in Balik: %(url)s")
        % {"program": mentorship.program.name, "url": _session_link(session)},
        "location": session.location,
        "organizer": (organiser.full_name, organiser.email),
        "attendees": [(p.full_name, p.email) for p in others],
        "url": _session_link(session),
    }


def _session_link(session: Session) -> str:
    return f"{settings.BALIK_SITE_URL}/mentorships/{session.mentorship_id}/#session-{session.pk}"


def moment_label(moment: datetime) -> str:
    """A time with its day, date and zone, in the active language: "Fri 5 Dec 2026, 10:00 WIB",
    on the clock the moment carries."""
    return moment_text(moment, getattr(moment.tzinfo, "key", None), with_day=True)


def moment_at(moment: datetime, zone: str) -> str:
    """`moment_label` on the clock of `zone`."""
    return moment_text(moment, zone, with_day=True)


def moment_in(moment: datetime, zone: str) -> str:
    """A moment on the reader's clock, with the zone named: notices are read far from the
    server, often in another time zone than the partner's."""
    return moment_text(moment, zone)


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

    series_booked = kind == "session_booked" and session.in_series

    def render() -> tuple[str, str]:
        if series_booked:
            return _series_booked_text(session, person.timezone)
        when = _when(session, person.timezone)
        reason = in_reader_language(session.cancel_reason)
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
            "session_changed": _("Reason: %(reason)s") % {"reason": reason},
            "session_cancelled": _("Reason: %(reason)s") % {"reason": reason},
            "agenda_submitted": _("Read it and add your perspective before the session."),
        }.get(kind, "")
        return titles.get(kind, kind), body

    def attach() -> Attachment:
        method = "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"
        # a booked series goes out whole, as one recurring event; a change to one of its dates
        # replaces (or cancels) that date alone
        invite = series_bytes(session) if series_booked else _one_session(session)
        return "invite.ics", invite.decode(), f"text/calendar; method={method}"

    notify(
        person.user,
        kind,
        dedupe_key=f"{kind}:{session.pk}:{session.sequence}:{person.pk}:{uuid.uuid4().hex[:12]}",
        render=render,
        url=f"/mentorships/{mentorship.pk}/#session-{session.pk}",
        attach=attach if invite and session.starts_at is not None else None,
    )


def _series_booked_text(first: Session, zone: str) -> tuple[str, str]:
    """The notice of a booked series: how many dates, from when, and the dates left out."""
    booked = Session.objects.filter(
        series_key=first.series_key, status=SessionStatus.BOOKED, occurrence_start__isnull=False
    ).values_list("occurrence_start", flat=True)
    left_out = sorted(set(planned_starts(first)) - set(booked))
    count = first.repeat - len(left_out)
    title = ngettext(
        "Series booked: %(count)d session from %(when)s",
        "Series booked: %(count)d sessions from %(when)s",
        count,
    ) % {"count": count, "when": _when(first, zone)}
    lines = [
        ngettext(
            "One every %(days)d day at the same time. The invite puts the whole series in your "
            "calendar.",
            "One every %(days)d days at the same time. The invite puts the whole series in your "
            "calendar.",
            first.series_every_days,
        )
        % {"days": first.series_every_days}
    ]
    if left_out:
        lines.append(
            _("Not booked, because one of you already had a session then: %(dates)s.")
            % {"dates": "; ".join(moment_in(start, zone) for start in left_out)}
        )
    return title, "\n".join(lines)
