"""Each mentorship's rhythm: how often the pair met and prepared, and how they rate sessions.

`pair_summaries` computes it from the sessions themselves, in one pass of window functions.
`refresh_rhythms` keeps a `Rhythm` row per pair from it on every write of a pair's sessions,
agendas or ratings, and `current_summaries` reads those rows, adds the few booked sessions that
have started since, and falls back to the sessions for a pair without a usable row. Both give
the same answer (tested); the second reads a row per pair instead of every session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from balik.insights.models import Rhythm
from balik.insights.queries import EpochSeconds, plain_rows, rows_over
from balik.mentorships.models import Mentorship, Session, SessionStatus
from balik.programs.models import Program

MET = (SessionStatus.BOOKED, SessionStatus.HELD)


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
    next_meeting: float | None = None  # the first of those
    held: int = 0
    started: int = 0  # booked or held sessions that have started
    prepared: int = 0  # of those, the ones whose agenda was in by the deadline
    unprepared_run: int = 0  # the latest started sessions without an agenda in time, up to 2
    earlier_rating: float | None = None  # mean score of the 3rd and 4th latest rated sessions
    latest_rating: float | None = None  # ... and of the two latest; None below 4 rated sessions

    @property
    def latest_two_unprepared(self) -> bool:
        return self.unprepared_run >= 2

    def meet(self, starts: float, prepared: int, now: float) -> None:
        """Count a booked or held session later than every session counted so far."""
        if starts <= now:
            self.started += 1
            self.prepared += prepared
            self.last_meeting = starts
            self.unprepared_run = 0 if prepared else min(self.unprepared_run + 1, 2)
        else:
            self.meetings_ahead += 1
            self.next_meeting = starts if self.next_meeting is None else self.next_meeting


_PAIR_FIELDS = (
    "pk",
    "status",
    EpochSeconds("created_at"),
    "agreement__cadence_days",
    "mentor_id",
    "mentee_id",
)

# Per mentorship, from one row per session: `met_rank` and `rated_rank` count, newest first,
# the started meetings and the rated sessions, so "the last two" and "the last four" are ranks.
_PER_PAIR_SQL = """
SELECT pair,
  MAX(CASE WHEN met_past = 1 THEN started END),
  SUM(met_future),
  MIN(CASE WHEN met_future = 1 THEN started END),
  SUM(held), SUM(met_past), SUM(met_past * prepared),
  SUM(CASE WHEN met_past = 1 AND met_rank = 1 THEN 1 - prepared ELSE 0 END),
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


def _flag(condition: Q | LessThanOrEqual) -> Case:
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def _on_time(preparation_hours: int) -> LessThanOrEqual:
    # in seconds: subtracting an interval from each timestamp costs more than the whole scan
    return LessThanOrEqual(
        EpochSeconds("agenda_submitted_at"),
        EpochSeconds("starts_at") - Value(preparation_hours * 3600.0),
    )


def pair_summaries(
    mentorships: QuerySet[Mentorship], now: datetime, preparation_hours: int
) -> list[PairSummary]:
    """Every mentorship of the queryset with its meetings, preparation and ratings as of `now`,
    from its sessions, in two queries whatever their number: the database ranks and sums."""
    summaries = {
        row[0]: PairSummary(*row)
        for row in plain_rows(mentorships.values_list(*_PAIR_FIELDS).order_by())
    }
    met = Q(status__in=MET)
    sessions = (
        Session.objects.filter(mentorship__in=mentorships)
        .values(session=F("pk"), pair=F("mentorship_id"), started=EpochSeconds("starts_at"))
        .annotate(
            met_past=_flag(met & Q(starts_at__lte=now)),
            met_future=_flag(met & Q(starts_at__gt=now)),
            held=_flag(Q(status=SessionStatus.HELD)),
            prepared=_flag(_on_time(preparation_hours)),
            score=F("mean_rating"),
        )
        .order_by()
    )
    for row in rows_over(_PER_PAIR_SQL, rows=sessions):
        summary = summaries[row[0]]
        summary.last_meeting, summary.meetings_ahead = row[1], int(row[2] or 0)
        summary.next_meeting = row[3]
        summary.held, summary.started, summary.prepared = (int(v or 0) for v in row[4:7])
        summary.unprepared_run = 2 if row[8] == 2 else int(row[7] or 0)
        if row[9] == 4:
            summary.earlier_rating, summary.latest_rating = float(row[10]), float(row[11])
    return list(summaries.values())


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


_RHYTHM_FIELDS = (
    "held",
    "started",
    "prepared",
    "last_meeting",
    "unprepared_run",
    "earlier_rating",
    "latest_rating",
)


def refresh_rhythms(mentorships: QuerySet[Mentorship], now: datetime | None = None) -> int:
    """Write each mentorship's `Rhythm` as of `now` from its sessions; returns how many.

    The pairs' rows are locked first, so that of two writers at once the second sums after
    the first has committed and no change is left out."""
    now = now or timezone.now()
    rows = []
    with transaction.atomic():
        hours_of = dict(
            mentorships.select_for_update(of=("self",))
            .values_list("pk", "program__preparation_hours")
            .order_by("pk")
        )
        for hours in sorted(set(hours_of.values())):
            for summary in pair_summaries(
                Mentorship.objects.filter(
                    pk__in=[pk for pk, its_hours in hours_of.items() if its_hours == hours]
                ),
                now,
                hours,
            ):
                rows.append(
                    Rhythm(
                        mentorship_id=summary.mentorship_id,
                        settled_at=now,
                        preparation_hours=hours,
                        pending_from=_moment(summary.next_meeting),
                        held=summary.held,
                        started=summary.started,
                        prepared=summary.prepared,
                        last_meeting=_moment(summary.last_meeting),
                        unprepared_run=summary.unprepared_run,
                        earlier_rating=summary.earlier_rating,
                        latest_rating=summary.latest_rating,
                    )
                )
        Rhythm.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["mentorship"],
            update_fields=["settled_at", "preparation_hours", "pending_from", *_RHYTHM_FIELDS],
        )
    return len(rows)


def current_summaries(
    mentorships: QuerySet[Mentorship], now: datetime, preparation_hours: int
) -> list[PairSummary]:
    """The same as `pair_summaries(mentorships, now, preparation_hours)`, read from the kept
    rows: a row per pair, the booked sessions that started after their row was summed, and
    the sessions themselves only for pairs whose row is missing or does not fit."""
    now_seconds = now.timestamp()
    summaries: dict[int, PairSummary] = {}
    settled_at: dict[int, float] = {}
    unsettled: list[int] = []
    pending_since: float | None = None
    for row in plain_rows(
        mentorships.values_list(
            *_PAIR_FIELDS,
            "rhythm__preparation_hours",
            EpochSeconds("rhythm__settled_at"),
            EpochSeconds("rhythm__pending_from"),
            "rhythm__held",
            "rhythm__started",
            "rhythm__prepared",
            EpochSeconds("rhythm__last_meeting"),
            "rhythm__unprepared_run",
            "rhythm__earlier_rating",
            "rhythm__latest_rating",
        ).order_by()
    ):
        summary = summaries[row[0]] = PairSummary(*row[:6])
        hours, settled, pending_from = row[6:9]
        if hours != preparation_hours or settled is None or settled > now_seconds:
            unsettled.append(summary.mentorship_id)
            continue
        settled_at[summary.mentorship_id] = settled
        (
            summary.held,
            summary.started,
            summary.prepared,
            summary.last_meeting,
            summary.unprepared_run,
            summary.earlier_rating,
            summary.latest_rating,
        ) = row[9:]
        if pending_from is not None:
            pending_since = (
                pending_from if pending_since is None else min(pending_since, pending_from)
            )
    if pending_since is not None:
        for pair, starts, prepared in plain_rows(
            Session.objects.filter(
                mentorship__in=mentorships,
                status__in=MET,
                # a second early: SQLite's seconds are a few microseconds off
                starts_at__gte=_moment(pending_since - 1),
            )
            .values_list(
                "mentorship_id", EpochSeconds("starts_at"), _flag(_on_time(preparation_hours))
            )
            .order_by("mentorship_id", "starts_at", "pk")
        ):
            if pair in settled_at and starts > settled_at[pair]:
                summaries[pair].meet(starts, prepared, now_seconds)
    if unsettled:
        # by id: the database's comparison of moments may differ in the last microsecond
        unfit = Mentorship.objects.filter(pk__in=unsettled)
        for summary in pair_summaries(unfit, now, preparation_hours):
            summaries[summary.mentorship_id] = summary
    return list(summaries.values())


def keep_rhythms(sender, mentorship_ids, **kwargs) -> None:
    """Receiver of `sessions_changed`: sum the changed pairs again."""
    refresh_rhythms(Mentorship.objects.filter(pk__in=mentorship_ids))


def program_saved(sender, instance: Program, created: bool, **kwargs) -> None:
    """A new preparation rule changes which sessions count as prepared: sum the pairs again."""
    if created:
        return
    rhythms = Rhythm.objects.filter(mentorship__program=instance)
    if rhythms.exclude(preparation_hours=instance.preparation_hours).exists():
        refresh_rhythms(instance.mentorships.all())
