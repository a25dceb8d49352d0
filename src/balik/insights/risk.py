"""Relationships at risk, each with its reasons, for a programme manager to act on.

The rules (issue 5): no session for twice the cadence; agendas missing twice running; one side
not answering; goals overdue. Never the pair's ratings (issue 10): feedback is anonymous, and a
reason given for a named pair would tell the manager how those two people rated their sessions.
Each pair's rhythm comes from the rows kept in step with its sessions (insights.rhythm), and two
small reads find waiting proposals and overdue goals, so the list costs the same number of
queries for 10 pairs or 5,000.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from balik.insights.rhythm import PairSummary, programme_rhythm
from balik.mentorships.models import (
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipStatus,
    Session,
    SessionStatus,
)
from balik.programs.models import Program

UNANSWERED_AFTER = timedelta(days=7)
DAY = 86400.0  # seconds


@dataclass
class AtRisk:
    mentorship_id: int
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # (code, data)
    mentorship: Mentorship | None = None  # loaded only for the pairs a page shows

    @property
    def urgency(self) -> tuple:
        """More reasons first, then the longest silence: the order a manager works the list."""
        silent_days = max((data.get("days", 0) for _code, data in self.reasons), default=0)
        return (-len(self.reasons), -silent_days, self.mentorship_id)


def at_risk(
    program: Program,
    now: datetime | None = None,
    *,
    within: Q | None = None,
    concerns: list[PairSummary] | None = None,
) -> list[AtRisk]:
    """Active mentorships of the programme that need the manager's attention, with why, the
    most urgent first. `within` narrows the mentorships (the health page's filters);
    `concerns` are `programme_rhythm`'s, when the caller has them already."""
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    mentorships = Mentorship.objects.filter(
        within or Q(), program=program, status=MentorshipStatus.ACTIVE
    )
    if concerns is None:
        concerns = programme_rhythm(
            mentorships,
            now,
            preparation_hours=program.preparation_hours,
            cadence_days=program.cadence_days,
        ).concerns
    waiting: dict[int, tuple[datetime, int, int, int]] = {}
    for mentorship_id, created_at, proposer, mentor, mentee in (
        Session.objects.filter(
            mentorship__in=mentorships,
            status=SessionStatus.PROPOSED,
            created_at__lt=now - UNANSWERED_AFTER,
        )
        .order_by("-created_at", "-pk")
        .values_list(
            "mentorship_id",
            "created_at",
            "proposed_by_id",
            "mentorship__mentor_id",
            "mentorship__mentee_id",
        )
    ):
        waiting[mentorship_id] = (created_at, proposer, mentor, mentee)  # the oldest is kept
    overdue = {
        row[0]: row[1:]
        for row in Goal.objects.filter(
            mentorship__in=mentorships,
            status__in=(GoalStatus.ON_TRACK, GoalStatus.AT_RISK),
            due_date__lt=today,
        )
        .values_list("mentorship_id")
        .annotate(count=Count("pk"), since=Min("due_date"))
        .order_by()
    }

    now_seconds = now.timestamp()
    by_pair = {pair.mentorship_id: pair for pair in concerns}
    result = []
    for mentorship_id in by_pair.keys() | waiting.keys() | overdue.keys():
        pair = by_pair.get(mentorship_id)
        reasons = [] if pair is None else session_reasons(pair, program, now_seconds)
        if mentorship_id in waiting:
            proposed_at, proposer, mentor, mentee = waiting[mentorship_id]
            silent = mentee if proposer == mentor else mentor
            reasons.append(("not_answering", {"person": silent, "days": (now - proposed_at).days}))
        if mentorship_id in overdue:
            count, first_due = overdue[mentorship_id]
            reasons.append(("goals_overdue", {"count": count, "since": str(first_due)}))
        if reasons:
            result.append(AtRisk(mentorship_id, reasons))
    result.sort(key=lambda risk: risk.urgency)
    return result


def session_reasons(
    pair: PairSummary, program: Program, now_seconds: float
) -> list[tuple[str, dict]]:
    """What the pair's sessions say: no meeting for twice the cadence and none booked, the
    last two agendas missing."""
    reasons: list[tuple[str, dict]] = []
    cadence = pair.cadence_days or program.cadence_days
    quiet_days = (now_seconds - (pair.last_meeting or pair.created)) / DAY
    if quiet_days > 2 * cadence and not pair.meetings_ahead:
        reasons.append(("no_session", {"days": int(quiet_days), "cadence": cadence}))
    if pair.latest_two_unprepared:
        reasons.append(("agendas_missing", {"count": 2}))
    return reasons


def with_pairs(risks: list[AtRisk]) -> list[AtRisk]:
    """Load the two people of each listed pair in one query, for showing them."""
    pairs = Mentorship.objects.select_related("mentor", "mentee").in_bulk(
        [risk.mentorship_id for risk in risks]
    )
    for risk in risks:
        risk.mentorship = pairs[risk.mentorship_id]
    return risks
