"""Each mentorship's rhythm: how often the pair met and prepared.

`pair_summaries` computes it from the sessions themselves, in one pass of window functions.
`refresh_rhythms` keeps a `Rhythm` row per pair from it on every write of a pair's sessions or
agendas. `programme_rhythm` sums the programme from those rows in the database: each row with
the few booked sessions that have started since it was summed (the same window functions over
those sessions alone), a pair without a usable row from all its sessions. Python receives the
totals and the pairs whose sessions give the risk rules something to decide, not a row per
pair. Both ways give the same answer (a property test).

Nothing here reads feedback: a pair's ratings are two identifiable people's answers, which no
manager may learn (issue 10), so no rule about a pair may rest on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connections, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from balik.insights.models import Rhythm
from balik.insights.queries import EpochSeconds, rows_over
from balik.mentorships.models import Mentorship, MentorshipStatus, Session, SessionStatus
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

    @property
    def latest_two_unprepared(self) -> bool:
        return self.unprepared_run >= 2


_PAIR_FIELDS = (
    "pk",
    "status",
    EpochSeconds("created_at"),
    "agreement__cadence_days",
    "mentor_id",
    "mentee_id",
)

# Per mentorship, from one row per session: `met_rank` counts, newest first, the started
# meetings, so "the last two" is a rank.
_PER_PAIR_SQL = """
SELECT pair,
  MAX(CASE WHEN met_past = 1 THEN started END) AS last_meeting,
  SUM(met_future) AS ahead,
  MIN(CASE WHEN met_future = 1 THEN started END) AS next_meeting,
  SUM(held) AS held, SUM(met_past) AS started, SUM(met_past * prepared) AS prepared,
  SUM(CASE WHEN met_past = 1 AND met_rank = 1 THEN 1 - prepared ELSE 0 END) AS unprepared_one,
  SUM(CASE WHEN met_past = 1 AND met_rank <= 2 THEN 1 - prepared ELSE 0 END) AS unprepared_two,
  MAX(CASE WHEN met_past = 1 THEN moment END) AS last_meeting_at,
  MIN(CASE WHEN met_future = 1 THEN moment END) AS next_meeting_at
FROM (
  SELECT per_session.*,
    SUM(met_past) OVER latest_first AS met_rank
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


def _session_rows(sessions: QuerySet[Session], now: datetime, preparation_hours: int):
    """A row per session as `_PER_PAIR_SQL` reads them, with its flags as of `now`."""
    met = Q(status__in=MET)
    return (
        sessions.values(session=F("pk"), pair=F("mentorship_id"), started=EpochSeconds("starts_at"))
        .annotate(
            met_past=_flag(met & Q(starts_at__lte=now)),
            met_future=_flag(met & Q(starts_at__gt=now)),
            held=_flag(Q(status=SessionStatus.HELD)),
            prepared=_flag(_on_time(preparation_hours)),
            moment=F("starts_at"),
        )
        .order_by()
    )


def pair_summaries(
    mentorships: QuerySet[Mentorship], now: datetime, preparation_hours: int
) -> list[PairSummary]:
    """Every mentorship of the queryset with its meetings and preparation as of `now`, from its
    sessions, in two queries whatever their number: the database ranks and sums."""
    return [
        summary for summary, _moments in _summaries_and_moments(mentorships, now, preparation_hours)
    ]


def _summaries_and_moments(
    mentorships: QuerySet[Mentorship], now: datetime, preparation_hours: int
) -> list[tuple[PairSummary, tuple[datetime | None, datetime | None]]]:
    """`pair_summaries`, each with its last and next meeting as the database holds them (to
    be stored without a detour through seconds, which SQLite gives a few microseconds off)."""
    moments: dict[int, tuple] = {}
    summaries = {
        row[0]: PairSummary(*row) for row in mentorships.values_list(*_PAIR_FIELDS).order_by()
    }
    sessions = _session_rows(
        Session.objects.filter(mentorship__in=mentorships), now, preparation_hours
    )
    for row in rows_over(_PER_PAIR_SQL, rows=sessions):
        summary = summaries[row[0]]
        summary.last_meeting, summary.meetings_ahead = row[1], int(row[2] or 0)
        summary.next_meeting = row[3]
        summary.held, summary.started, summary.prepared = (int(v or 0) for v in row[4:7])
        summary.unprepared_run = 2 if row[8] == 2 else int(row[7] or 0)
        moments[row[0]] = (_as_moment(row[9]), _as_moment(row[10]))
    return [(summary, moments.get(pk, (None, None))) for pk, summary in summaries.items()]


def _as_moment(value: datetime | str | None) -> datetime | None:
    """A moment as the driver gives it: PostgreSQL a datetime, SQLite the text Django stored."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


_RHYTHM_FIELDS = (
    "held",
    "started",
    "prepared",
    "last_meeting",
    "unprepared_run",
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
            for summary, (last_meeting, next_meeting) in _summaries_and_moments(
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
                        pending_from=next_meeting,
                        held=summary.held,
                        started=summary.started,
                        prepared=summary.prepared,
                        last_meeting=last_meeting,
                        unprepared_run=summary.unprepared_run,
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


@dataclass
class Rhythms:
    """A set of mentorships summed, and the active pairs among them whose sessions may give the
    risk rules a reason (quiet too long, agendas missing); the rules decide."""

    matched: int = 0
    active: int = 0
    held: int = 0  # sessions held by active pairs
    planned: int = 0  # sessions the active pairs' cadences ask for up to now
    prepared: int = 0
    preparable: int = 0
    concerns: list[PairSummary] = field(default_factory=list)


# Each pair's rhythm now: its kept row (`fit`: summed under the programme's preparation rule,
# not after `now`) with the booked sessions that started after it was summed (`pending`:
# `_PER_PAIR_SQL` over those sessions alone) counted on top; a pair without a fitting row from
# all its sessions. As PairSummary.latest_two_unprepared: `run` counts the latest started
# sessions without an agenda in time, up to 2.
_MERGED_SQL = """
SELECT p.pair, p.status, p.created, COALESCE(p.cadence, {cadence}) AS cadence,
  p.mentor_id, p.mentee_id,
  COALESCE(q.last_meeting, CASE WHEN p.fit = 1 THEN p.last_meeting END) AS last_meeting,
  COALESCE(q.ahead, 0) AS ahead,
  q.next_meeting,
  CASE WHEN p.fit = 1 THEN p.held ELSE COALESCE(q.held, 0) END AS held,
  CASE WHEN p.fit = 1 THEN p.started ELSE 0 END + COALESCE(q.started, 0) AS started,
  CASE WHEN p.fit = 1 THEN p.prepared ELSE 0 END + COALESCE(q.prepared, 0) AS prepared,
  CASE
    WHEN q.started >= 2 THEN CASE WHEN q.unprepared_two = 2 THEN 2 ELSE q.unprepared_one END
    WHEN q.started = 1 THEN
      CASE WHEN q.unprepared_one = 0 THEN 0 WHEN p.fit = 1 AND p.run >= 1 THEN 2 ELSE 1 END
    WHEN p.fit = 1 THEN p.run
    ELSE 0
  END AS run
FROM ({pairs}) AS p LEFT JOIN (PENDING_PER_PAIR) AS q ON q.pair = p.pair
""".replace("PENDING_PER_PAIR", _PER_PAIR_SQL.replace("{rows}", "{pending}"))

# One statement: the totals, and beside them (on as many rows as there are, at least one) the
# active pairs whose sessions may give a reason, a little wider than the rules, which Python
# applies exactly to what comes back.
_RHYTHM_SQL = """
WITH merged AS MATERIALIZED ({merged}),
totals AS (
  SELECT COUNT(*) AS matched,
    COALESCE(SUM(CASE WHEN status = '{active}' THEN 1 ELSE 0 END), 0) AS active,
    COALESCE(SUM(CASE WHEN status = '{active}' THEN held ELSE 0 END), 0) AS held,
    COALESCE(SUM(CASE WHEN status = '{active}' AND created < {now}
      THEN {whole_days} / cadence ELSE 0 END), 0) AS planned,
    COALESCE(SUM(prepared), 0) AS prepared, COALESCE(SUM(started), 0) AS preparable
  FROM merged
)
SELECT totals.*, concern.* FROM totals LEFT JOIN (
  SELECT pair, status, created, cadence, mentor_id, mentee_id, last_meeting, ahead,
    next_meeting, held, started, prepared, run
  FROM merged
  WHERE status = '{active}' AND (
    (ahead = 0 AND ({now} - COALESCE(last_meeting, created)) / 86400.0 > 2 * cadence - 0.01)
    OR run >= 2
  )
) AS concern ON 1 = 1
"""


def programme_rhythm(
    mentorships: QuerySet[Mentorship],
    now: datetime,
    *,
    preparation_hours: int,
    cadence_days: int,
) -> Rhythms:
    """The mentorships' rhythm as of `now`, summed in the database from the kept rows, in
    one query whatever the number of pairs; `cadence_days` is the programme's, for pairs
    without an agreement."""
    fit = Q(rhythm__preparation_hours=preparation_hours, rhythm__settled_at__lte=now)
    pairs = mentorships.values(
        "status",
        "mentor_id",
        "mentee_id",
        pair=F("pk"),
        created=EpochSeconds("created_at"),
        cadence=F("agreement__cadence_days"),
        fit=_flag(fit),
        last_meeting=EpochSeconds("rhythm__last_meeting"),
        held=F("rhythm__held"),
        started=F("rhythm__started"),
        prepared=F("rhythm__prepared"),
        run=F("rhythm__unprepared_run"),
    ).order_by()
    # Two reads the indexes serve: every session of a pair without a fitting row (few, on
    # the mentorship index), and the booked sessions that started after their pair's row was
    # summed (from the first such start on, on the status and start index).
    unfit_sessions = Session.objects.filter(mentorship__in=mentorships.exclude(fit))
    first_pending = (
        Rhythm.objects.filter(mentorship__in=mentorships, pending_from__isnull=False)
        .order_by("pending_from")
        .values("pending_from")[:1]
    )
    pending_sessions = Session.objects.filter(
        mentorship__in=mentorships,
        mentorship__rhythm__preparation_hours=preparation_hours,
        mentorship__rhythm__settled_at__lte=now,
        status__in=MET,
        starts_at__gte=Subquery(first_pending),
        starts_at__gt=F("mentorship__rhythm__settled_at"),
    )
    pending = _session_rows(unfit_sessions, now, preparation_hours).union(
        _session_rows(pending_sessions, now, preparation_hours), all=True
    )
    sql = (
        _RHYTHM_SQL.replace("{merged}", _MERGED_SQL)
        .replace("{whole_days}", _whole(mentorships.db, "({now} - created) / 86400.0"))
        .replace("{cadence}", str(int(cadence_days)))
        .replace("{active}", MentorshipStatus.ACTIVE.value)
        .replace("{now}", repr(now.timestamp()))
    )
    rows = rows_over(sql, pairs=pairs, pending=pending)
    rhythms = Rhythms(*(int(value) for value in rows[0][:6]))
    rhythms.concerns = [
        PairSummary(
            mentorship_id=row[0],
            status=row[1],
            created=row[2],
            cadence_days=row[3],
            mentor_id=row[4],
            mentee_id=row[5],
            last_meeting=row[6],
            meetings_ahead=int(row[7]),
            next_meeting=row[8],
            held=int(row[9]),
            started=int(row[10]),
            prepared=int(row[11]),
            unprepared_run=int(row[12]),
        )
        for row in (row[6:] for row in rows)
        if row[0] is not None
    ]
    return rhythms


def _whole(database: str, seconds: str) -> str:
    """SQL for the whole part of a non-negative number: PostgreSQL rounds a cast to an
    integer, SQLite truncates it."""
    if connections[database].vendor == "postgresql":
        return f"CAST(FLOOR({seconds}) AS INTEGER)"
    return f"CAST({seconds} AS INTEGER)"


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
