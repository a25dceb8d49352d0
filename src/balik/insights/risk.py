"""Relationships at risk, each with its reasons, for a programme manager to act on.

The rules (issue 5): no session for twice the cadence; agendas missing twice running; falling
ratings; one side not answering; goals overdue. Everything is read in a fixed number of bulk
queries and decided in Python, so the list costs the same for 10 pairs or 5,000.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from balik.mentorships.models import (
    Agenda,
    Agreement,
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipStatus,
    Session,
    SessionStatus,
)
from balik.programs.models import Program

UNANSWERED_AFTER = timedelta(days=7)
FALLING_BY = 1.0  # points on the 1-5 scale between the earlier and the latest ratings


@dataclass
class AtRisk:
    mentorship: Mentorship
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # (code, data)


def _sessions_by_mentorship(ids: list[int]) -> dict[int, list[tuple]]:
    """(mentorship, session, status, starts_at, created_at, proposed_by) rows, oldest first."""
    rows = (
        Session.objects.filter(mentorship_id__in=ids)
        .values_list("mentorship_id", "pk", "status", "starts_at", "created_at", "proposed_by_id")
        .order_by("starts_at", "pk")
    )
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def at_risk(program: Program, now: datetime | None = None) -> list[AtRisk]:
    """Active mentorships of the programme that need the manager's attention, with why."""
    from balik.feedback.models import SessionFeedback

    now = now or timezone.now()
    today: date = timezone.localdate(now)
    mentorships = list(
        Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).select_related(
            "mentor", "mentee"
        )
    )
    ids = [m.pk for m in mentorships]
    cadence_of = dict(
        Agreement.objects.filter(mentorship_id__in=ids).values_list("mentorship_id", "cadence_days")
    )
    sessions = _sessions_by_mentorship(ids)
    submitted = dict(
        Agenda.objects.filter(
            session__mentorship_id__in=ids, submitted_at__isnull=False
        ).values_list("session_id", "submitted_at")
    )
    # each session's mean rating (both people), oldest first, per mentorship
    session_scores: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for mentorship_id, session_id, rating in (
        SessionFeedback.objects.filter(session__mentorship_id__in=ids)
        .values_list("session__mentorship_id", "session_id", "rating")
        .order_by("session__starts_at", "session_id")
    ):
        session_scores[mentorship_id][session_id].append(rating)
    overdue: dict[int, list[date]] = defaultdict(list)
    for mentorship_id, due in Goal.objects.filter(
        mentorship_id__in=ids,
        status__in=(GoalStatus.ON_TRACK, GoalStatus.AT_RISK),
        due_date__lt=today,
    ).values_list("mentorship_id", "due_date"):
        overdue[mentorship_id].append(due)
    hours = program.preparation_hours
    result = []
    for mentorship in mentorships:
        reasons: list[tuple[str, dict]] = []
        cadence = timedelta(days=cadence_of.get(mentorship.pk, program.cadence_days))
        rows = sessions.get(mentorship.pk, [])
        met = [r for r in rows if r[2] in (SessionStatus.BOOKED, SessionStatus.HELD) and r[3]]
        last_meeting = max((r[3] for r in met if r[3] <= now), default=None)
        next_meeting = min((r[3] for r in met if r[3] > now), default=None)
        since = last_meeting or mentorship.created_at
        if now - since > 2 * cadence and next_meeting is None:
            reasons.append(("no_session", {"days": (now - since).days, "cadence": cadence.days}))
        past = [r for r in met if r[3] <= now][-2:]
        if len(past) == 2 and all(
            r[1] not in submitted or submitted[r[1]] > r[3] - timedelta(hours=hours) for r in past
        ):
            reasons.append(("agendas_missing", {"count": 2}))
        scores = [sum(r) / len(r) for r in session_scores.get(mentorship.pk, {}).values()]
        if len(scores) >= 4:
            earlier = sum(scores[-4:-2]) / 2
            latest = sum(scores[-2:]) / 2
            if earlier - latest >= FALLING_BY:
                reasons.append(("falling_ratings", {"from": earlier, "to": latest}))
        waiting = [
            r for r in rows if r[2] == SessionStatus.PROPOSED and now - r[4] > UNANSWERED_AFTER
        ]
        if waiting:
            proposer = waiting[0][5]
            silent = mentorship.mentee if proposer == mentorship.mentor_id else mentorship.mentor
            reasons.append(
                ("not_answering", {"person": silent.pk, "days": (now - waiting[0][4]).days})
            )
        if overdue.get(mentorship.pk):
            dues = overdue[mentorship.pk]
            reasons.append(("goals_overdue", {"count": len(dues), "since": str(min(dues))}))
        if reasons:
            result.append(AtRisk(mentorship, reasons))
    return result
