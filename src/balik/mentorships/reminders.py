"""Reminders, computed from the state of things rather than from timers.

`sweep(now)` looks at what is due at `now` and creates each notice under a key that names the
thing it is about, so running it twice, on two workers, or late after downtime sends every
reminder once: a worker that was down catches up on its next sweep, and a deadline that passed
meanwhile yields "agenda missing" instead of a stale "agenda due".

The feedback reminders follow the same rule in `balik.feedback.reminders`; the worker runs both
through `balik.site.reminders.sweep`.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from balik.mentorships.models import (
    ActionItem,
    Agenda,
    Goal,
    GoalStatus,
    GoalUpdate,
    MentorshipStatus,
    Session,
    SessionStatus,
)
from balik.mentorships.notices import moment_in
from balik.mentorships.selectors import deadline_of, leader_person
from balik.notifications.services import notify

AGENDA_REMINDER_BEFORE_DEADLINE = timedelta(hours=24)
ACTION_REMINDER_BEFORE = timedelta(days=1)


def _agenda_sessions(now: datetime):
    submitted = Agenda.objects.filter(session=OuterRef("pk"), submitted_at__isnull=False)
    return (
        Session.objects.filter(
            status=SessionStatus.BOOKED,
            mentorship__status=MentorshipStatus.ACTIVE,
            starts_at__gt=now - timedelta(days=2),
        )
        .annotate(submitted=Exists(submitted))
        .filter(submitted=False)
        .select_related(
            "mentorship__program", "mentorship__mentor__user", "mentorship__mentee__user"
        )
    )


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Create every reminder due at `now`; returns how many of each kind were new."""
    now = now or timezone.now()
    created = {
        "agenda_due": 0,
        "agenda_missing": 0,
        "action_due": 0,
        "goal_update_due": 0,
    }
    for session in _agenda_sessions(now):
        mentorship = session.mentorship
        deadline = deadline_of(session)
        leader = leader_person(session)
        url = f"/mentorships/{mentorship.pk}/#session-{session.pk}"
        if now > deadline:
            for person in (mentorship.mentor, mentorship.mentee):
                if person.user is None:
                    continue
                if notify(
                    person.user,
                    "agenda_missing",
                    dedupe_key=f"agenda_missing:{session.pk}:{session.sequence}:{person.pk}",
                    render=lambda session=session, person=person: (
                        _("No agenda for the session of %(when)s")
                        % {"when": moment_in(session.starts_at, person.timezone)},
                        _(
                            "The preparation deadline has passed without an agenda; the "
                            "session is flagged."
                        ),
                    ),
                    url=url,
                ):
                    created["agenda_missing"] += 1
        elif (
            now >= deadline - AGENDA_REMINDER_BEFORE_DEADLINE
            and leader.user is not None
            and notify(
                leader.user,
                "agenda_due",
                dedupe_key=f"agenda_due:{session.pk}:{session.sequence}",
                render=lambda deadline=deadline, leader=leader: (
                    _("Your agenda is due by %(deadline)s")
                    % {"deadline": moment_in(deadline, leader.timezone)},
                    _(
                        "Write the topics, your research, key questions, challenges and what "
                        "you want to learn."
                    ),
                ),
                url=url,
            )
        ):
            created["agenda_due"] += 1
    today = timezone.localdate(now)
    for item in ActionItem.objects.filter(
        done_at__isnull=True,
        due_date__lte=today + ACTION_REMINDER_BEFORE,
        mentorship__status=MentorshipStatus.ACTIVE,
    ).select_related("owner__user", "mentorship"):
        if item.owner.user is None:
            continue
        if notify(
            item.owner.user,
            "action_due",
            dedupe_key=f"action_due:{item.pk}:{item.due_date.isoformat()}",
            render=lambda item=item: (
                _("Action due %(date)s: %(title)s")
                % {
                    "date": formats.date_format(item.due_date, "SHORT_DATE_FORMAT"),
                    "title": item.title,
                },
                _("Mark it done in your mentorship when it is."),
            ),
            url=f"/mentorships/{item.mentorship_id}/#actions",
        ):
            created["action_due"] += 1
    recent = GoalUpdate.objects.filter(
        goal=OuterRef("pk"), created_at__gte=now - timedelta(days=28)
    )
    for goal in (
        Goal.objects.filter(
            status__in=(GoalStatus.ON_TRACK, GoalStatus.AT_RISK),
            mentorship__status=MentorshipStatus.ACTIVE,
            created_at__lte=now - timedelta(days=28),
        )
        .annotate(fresh=Exists(recent))
        .filter(fresh=False)
        .select_related("owner__user")
    ):
        if goal.owner.user is None:
            continue
        period = (now - goal.created_at).days // 28
        if notify(
            goal.owner.user,
            "goal_update_due",
            dedupe_key=f"goal_update_due:{goal.pk}:{period}",
            render=lambda goal=goal: (
                _("How is “%(goal)s” going?") % {"goal": goal.title},
                _("Add a progress update: the value so far, a note, and whether it is on track."),
            ),
            url=f"/mentorships/{goal.mentorship_id}/#goals",
        ):
            created["goal_update_due"] += 1
    return created
