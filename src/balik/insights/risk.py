"""Relationships at risk, each with its reasons, for a programme manager to act on.

The rules (issue 5): no session for twice the cadence; agendas missing twice running; falling
ratings; one side not answering; goals overdue. The database does the reading: one pass over
the sessions ranks them per mentorship (window functions) and sums them into a row per pair,
and two small reads find waiting proposals and overdue goals. Only a row per pair comes back to
Python, so the list costs the same number of queries for 10 pairs or 5,000.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from balik.insights.queries import EpochSeconds, rows_over
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
FALLING_BY = 1.0  # points on the 1-5 scale between the earlier and the latest ratings
MET = (SessionStatus.BOOKED, SessionStatus.HELD)
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


@dataclass
class PairSummary:
    """One mentorship's rhythm, as the health figures and the risk rules need it."""

    mentorship_id: int
    status: str
    created: float  # seconds since 1970, like every moment here
    cadence_days: int | None  # None: no agreement yet, the programme's cadence applies
    mentor_id: int
    mentee_id: int
    last_meeting: float | None = None  # the latest booked or held session that has started
    meetings_ahead: int = 0  # booked or held sessions that have not started yet
    held: int = 0
    started: int = 0  # booked or held sessions that have started
    prepared: int = 0  # of those, the ones whose agenda was in by the deadline
    latest_two_unprepared: bool = False
    earlier_rating: float | None = None  # mean score of the 3rd and 4th latest rated sessions
    latest_rating: float | None = None  # ... and of the two latest; None below 4 rated sessions


# Per mentorship, from one row per session: `met_rank` and `rated_rank` count, newest first,
# the started meetings and the rated sessions, so "the last two" and "the last four" are ranks.
_PER_PAIR_SQL = """
SELECT pair,
  MAX(CASE WHEN met_past = 1 THEN started END),
  SUM(met_future),
  SUM(held), SUM(met_past), SUM(met_past * prepared),
  SUM(CASE WHEN met_past = 1 AND met_rank <= 2 THEN 1 - prepared ELSE 0 END),
  SUM(CASE WHEN score IS NOT NULL AND rated_rank <= 4 THEN 1 ELSE 0 END),
  AVG(CASE WHEN score IS NOT NULL AND rated_rank IN (3, 4) THEN score END),
  AVG(CASE WHEN score IS NOT NULL AND rated_rank <= 2 THEN score END)
FROM (
  SELECT per_session.*,
    SUM(met_past) OVER latest_first AS met_rank,
    COUNT(score) OVER latest_first AS rated_rank
  FROM ({rows}) AS per_session
  WINDOW latest_first AS (
    PARTITION BY pair ORDER BY started DESC, session DESC
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  )
) AS ranked
GROUP BY pair
"""


def pair_summaries(mentorships, now: datetime, preparation_hours: int) -> list[PairSummary]:
    """Every mentorship of the queryset with its meetings, preparation and ratings, in two
    queries whatever the number of sessions: the database ranks and sums them."""
    summaries = {
        row[0]: PairSummary(*row)
        for row in mentorships.values_list(
            "pk",
            "status",
            EpochSeconds("created_at"),
            "agreement__cadence_days",
            "mentor_id",
            "mentee_id",
        ).order_by()
    }
    met = Q(status__in=MET)
    # in seconds: subtracting an interval from each timestamp costs more than the whole scan
    on_time = LessThanOrEqual(
        EpochSeconds("agenda_submitted_at"),
        EpochSeconds("starts_at") - Value(preparation_hours * 3600.0),
    )
    sessions = (
        Session.objects.filter(mentorship__in=mentorships)
        .values(session=F("pk"), pair=F("mentorship_id"), started=EpochSeconds("starts_at"))
        .annotate(
            met_past=_flag(met & Q(starts_at__lte=now)),
            met_future=_flag(met & Q(starts_at__gt=now)),
            held=_flag(Q(status=SessionStatus.HELD)),
            prepared=_flag(on_time),
            score=F("mean_rating"),
        )
        .order_by()
    )
    for row in rows_over(_PER_PAIR_SQL, rows=sessions):
        summary = summaries[row[0]]
        summary.last_meeting, summary.meetings_ahead = row[1], int(row[2] or 0)
        summary.held, summary.started, summary.prepared = (int(v or 0) for v in row[3:6])
        summary.latest_two_unprepared = row[6] == 2
        if row[7] == 4:
            summary.earlier_rating, summary.latest_rating = float(row[8]), float(row[9])
    return list(summaries.values())


def _flag(condition: Q | LessThanOrEqual) -> Case:
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def at_risk(
    program: Program,
    now: datetime | None = None,
    *,
    within: Q | None = None,
    summaries: list[PairSummary] | None = None,
) -> list[AtRisk]:
    """Active mentorships of the programme that need the manager's attention, with why, the
    most urgent first. `within` narrows the mentorships (the health page's filters);
    `summaries` are theirs when the caller has them already."""
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    mentorships = Mentorship.objects.filter(
        within or Q(), program=program, status=MentorshipStatus.ACTIVE
    )
    if summaries is None:
        summaries = pair_summaries(mentorships, now, program.preparation_hours)
    waiting: dict[int, tuple[datetime, int]] = {}
    for mentorship_id, created_at, proposer in (
        Session.objects.filter(
            mentorship__in=mentorships,
            status=SessionStatus.PROPOSED,
            created_at__lt=now - UNANSWERED_AFTER,
        )
        .order_by("-created_at", "-pk")
        .values_list("mentorship_id", "created_at", "proposed_by_id")
    ):
        waiting[mentorship_id] = (created_at, proposer)  # the oldest proposal is kept
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
    result = []
    for pair in summaries:
        if pair.status != MentorshipStatus.ACTIVE:
            continue
        reasons: list[tuple[str, dict]] = []
        cadence = pair.cadence_days or program.cadence_days
        quiet_days = (now_seconds - (pair.last_meeting or pair.created)) / DAY
        if quiet_days > 2 * cadence and not pair.meetings_ahead:
            reasons.append(("no_session", {"days": int(quiet_days), "cadence": cadence}))
        if pair.latest_two_unprepared:
            reasons.append(("agendas_missing", {"count": 2}))
        if (
            pair.earlier_rating is not None
            and pair.earlier_rating - pair.latest_rating >= FALLING_BY
        ):
            reasons.append(
                ("falling_ratings", {"from": pair.earlier_rating, "to": pair.latest_rating})
            )
        if pair.mentorship_id in waiting:
            proposed_at, proposer = waiting[pair.mentorship_id]
            silent = pair.mentee_id if proposer == pair.mentor_id else pair.mentor_id
            reasons.append(("not_answering", {"person": silent, "days": (now - proposed_at).days}))
        if pair.mentorship_id in overdue:
            count, first_due = overdue[pair.mentorship_id]
            reasons.append(("goals_overdue", {"count": count, "since": str(first_due)}))
        if reasons:
            result.append(AtRisk(pair.mentorship_id, reasons))
    result.sort(key=lambda risk: risk.urgency)
    return result


def with_pairs(risks: list[AtRisk]) -> list[AtRisk]:
    """Load the two people of each listed pair in one query, for showing them."""
    pairs = Mentorship.objects.select_related("mentor", "mentee").in_bulk(
        [risk.mentorship_id for risk in risks]
    )
    for risk in risks:
        risk.mentorship = pairs[risk.mentorship_id]
    return risks
