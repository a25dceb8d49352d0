"""A programme's health in figures, for its managers: who takes part, whether pairs meet and
prepare, what people say about the sessions, what changed for them, and which pairs need a nudge.

Every figure comes from an aggregate query or one bulk read, so the page costs the same number of
queries for 10 pairs or 5,000. Anonymity: an aggregate over fewer than MIN_GROUP people is None,
and the template says so instead of showing a number.

Filters restrict the people counted: a mentorship counts when one of its people passes them (the
person on the chosen side, when a side is chosen); feedback, evaluations and self-assessments
count when their author passes them.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balik.accounts.models import User
from balik.core.concurrent import alongside
from balik.feedback.competencies import competency_label
from balik.feedback.models import SESSION_SCORES, ProgramEvaluation, SessionFeedback
from balik.insights.anonymity import COMMENTS, EVALUATION, FEEDBACK, Verdicts, verdicts
from balik.insights.models import EVERY_SIDE, CompetencyTally, FeedbackTally
from balik.insights.queries import rows_over
from balik.insights.rhythm import Rhythms, programme_rhythm
from balik.insights.risk import AtRisk, at_risk
from balik.insights.statistics import (
    MIN_GROUP,
    NPS,
    MeanCI,
    PairedChange,
    describe_change,
    mean_with_ci,
    nps,
    paired_change,
)
from balik.mentorships.models import (
    Goal,
    GoalStatus,
    LearningEntry,
    Mentorship,
    MentorshipStatus,
    Session,
    SessionStatus,
    Side,
)
from balik.notifications.models import Kind, Notification
from balik.notifications.services import notify
from balik.people.models import GENERATION_YEARS, Person
from balik.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program

SATISFACTION_BENCHMARK = 4.8  # out of 5, the figure the reverse-mentoring article quotes
TREND_WEEKS = 12
LATEST_COMMENTS = 20
# at most this many of one person's comments among those shown, so they come from 5 people
COMMENTS_PER_AUTHOR = LATEST_COMMENTS // MIN_GROUP
_SHUFFLE = random.SystemRandom()
RATINGS = range(1, 6)

_COHORT = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# --- filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    cohort: str = ""  # the month people enrolled, "2026-11"
    department: str = ""
    generation: str = ""  # a Generation value
    side: str = ""  # "mentor" or "mentee"
    ignored: tuple[str, ...] = field(default=(), compare=False)  # why a given value was not used

    @classmethod
    def from_query(cls, query) -> Filters:
        """Filters from GET parameters; a value that is not one of the choices is left out, and
        `ignored` says which and why, for the page to show."""
        cohort = (query.get("cohort") or "").strip()
        generation = (query.get("generation") or "").strip()
        side = (query.get("side") or "").strip()
        ignored = []
        if cohort and not _COHORT.match(cohort):
            ignored.append(
                _("Cohort “%(value)s” is not a month such as 2026-11, so everyone is counted.")
                % {"value": cohort[:40]}
            )
        if generation and generation not in GENERATION_YEARS:
            ignored.append(
                _("There is no generation “%(value)s”, so every generation is counted.")
                % {"value": generation[:40]}
            )
        if side and side not in Side.values:
            ignored.append(
                _("Side “%(value)s” is neither mentor nor mentee, so both sides are counted.")
                % {"value": side[:40]}
            )
        return cls(
            cohort=cohort if _COHORT.match(cohort) else "",
            department=(query.get("department") or "").strip()[:120],
            generation=generation if generation in GENERATION_YEARS else "",
            side=side if side in Side.values else "",
            ignored=tuple(ignored),
        )

    @property
    def restricts_people(self) -> bool:
        return bool(self.cohort or self.department or self.generation)

    @property
    def any(self) -> bool:
        return self.restricts_people or bool(self.side)


def _cohort_range(cohort: str) -> tuple[datetime, datetime]:
    year, month = (int(part) for part in cohort.split("-"))
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def _people(program: Program, filters: Filters) -> QuerySet[Person] | None:
    """The people the filters let through, as a subquery; None when they let everyone through."""
    if not filters.restricts_people:
        return None
    people = Person.objects.all()
    if filters.department:
        people = people.filter(department=filters.department)
    if filters.generation:
        people = people.in_generation(filters.generation)
    if filters.cohort:
        start, end = _cohort_range(filters.cohort)
        people = people.filter(
            pk__in=Enrolment.objects.filter(
                program=program, enrolled_at__gte=start, enrolled_at__lt=end
            ).values("person")
        )
    return people.values("pk")


def _mentorship_q(filters: Filters, people, prefix: str = "") -> Q:
    """Mentorships (reached through `prefix`) with a counted person on the chosen side."""
    if people is None:
        return Q()
    mentor = Q(**{f"{prefix}mentor__in": people})
    mentee = Q(**{f"{prefix}mentee__in": people})
    if filters.side == Side.MENTOR:
        return mentor
    if filters.side == Side.MENTEE:
        return mentee
    return mentor | mentee


def _pairs_q(
    program: Program, filters: Filters, people, prefix: str, *, active_only: bool = False
) -> Q:
    """Rows of the programme's mentorships (reached through `prefix`) that the filters count."""
    condition = Q(**{f"{prefix}program": program}) & _mentorship_q(filters, people, prefix)
    if active_only:
        condition &= Q(**{f"{prefix}status": MentorshipStatus.ACTIVE})
    return condition


def _author_q(filters: Filters, people, author: str, mentorship: str) -> Q:
    """Rows written by a counted person, on the chosen side of their mentorship."""
    condition = Q() if people is None else Q(**{f"{author}__in": people})
    if filters.side:
        condition &= Q(**{author: F(f"{mentorship}__{filters.side}")})
    return condition


def _side_roles(side: str) -> tuple[str, ...]:
    return (side, EnrolmentRole.BOTH) if side else ()


# --- the figures -------------------------------------------------------------------------------


@dataclass
class Outcome:
    competency: str
    label: str
    change: PairedChange | None  # None: fewer than MIN_GROUP people answered at start and end
    sentence: str = ""


@dataclass
class Health:
    filters: Filters
    enrolled: dict[str, int]  # role -> people
    matched: int
    active: int
    sessions_held: int
    sessions_planned: int
    prepared: int  # sessions whose agenda was in by the deadline
    preparable: int  # held sessions and booked ones that have started
    feedback_people: int
    feedback_answers: int
    feedback_means: dict[str, float] | None  # SESSION_SCORES -> mean, None below MIN_GROUP
    rating_counts: list[int] | None  # ratings 1..5
    comments: list[dict] | None  # {"text"}: no names, no dates, in random order
    satisfaction: MeanCI | None
    evaluation_nps: NPS | None
    evaluations: int
    goals: int
    goals_done: int
    goals_at_risk: int
    learning_entries: int
    pairs_learning_both_ways: int
    weeks: list[dict]  # {"start": date, "held": int}, oldest first
    outcomes: list[Outcome]
    risks: list[AtRisk] = field(default_factory=list)
    # figures (FEEDBACK, COMMENTS, EVALUATION, a competency) hidden although their group has
    # 5 people: shown, they could be subtracted from another view down to fewer
    withheld: frozenset[str] = frozenset()

    @property
    def enrolled_total(self) -> int:
        return sum(self.enrolled.values())

    @property
    def preparation_rate(self) -> float | None:
        return self.prepared / self.preparable if self.preparable else None

    @property
    def goal_attainment(self) -> float | None:
        return self.goals_done / self.goals if self.goals else None

    @property
    def learning_per_pair(self) -> float | None:
        return self.learning_entries / self.active if self.active else None

    @property
    def both_ways_share(self) -> float | None:
        return self.pairs_learning_both_ways / self.active if self.active else None

    @property
    def above_benchmark(self) -> bool | None:
        if self.satisfaction is None:
            return None
        return self.satisfaction.mean >= SATISFACTION_BENCHMARK


def program_health(
    program: Program,
    filters: Filters | None = None,
    *,
    language: str = "en",
    now: datetime | None = None,
) -> Health:
    """Every figure of the health page, in a fixed number of queries."""
    filters = filters or Filters()
    now = now or timezone.now()
    people = _people(program, filters)
    # only a filtered view can be subtracted from another
    disclosure = alongside(lambda: verdicts(program, filters)) if filters.any else None

    # who takes part
    enrolments = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    if people is not None:
        enrolments = enrolments.filter(person__in=people)
    if filters.side:
        enrolments = enrolments.filter(role__in=_side_roles(filters.side))
    enrolled = {role: 0 for role in EnrolmentRole.values}
    for role, count in enrolments.values_list("role").annotate(count=Count("pk")).order_by():
        enrolled[role] = count

    # mentorships, and the sessions their cadence asks for
    within = _mentorship_q(filters, people)
    rhythm = alongside(lambda: _rhythm_and_risks(program, within, now))
    outcomes = alongside(lambda: _outcomes(program, filters, people, language))
    in_programme = _pairs_q(program, filters, people, "mentorship__")

    # sessions held per week, Monday to Sunday in the current time zone: the weeks' first
    # moments are worked out here, so the database compares times instead of converting each.
    # Only the programme's own weeks: none before it starts, the last TREND_WEEKS at most.
    zone = timezone.get_current_timezone()
    this_monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    first_monday = this_monday - timedelta(weeks=TREND_WEEKS - 1)
    if program.start_date:
        first_monday = max(
            first_monday, program.start_date - timedelta(days=program.start_date.weekday())
        )
    week_count = max((this_monday - first_monday).days // 7 + 1, 0)
    mondays = [first_monday + timedelta(weeks=i) for i in range(week_count + 1)]
    week_starts = [datetime.combine(monday, datetime.min.time(), zone) for monday in mondays]
    held_per_week = (
        Session.objects.filter(
            in_programme,
            status=SessionStatus.HELD,
            starts_at__gte=week_starts[0],
            starts_at__lte=now,
        ).aggregate(
            **{
                f"week_{i}": Count("starts_at", filter=Q(starts_at__gte=start, starts_at__lt=end))
                for i, (start, end) in enumerate(itertools.pairwise(week_starts))
            }
        )
        if week_count
        else {}
    )
    weeks = [{"start": mondays[i], "held": held_per_week[f"week_{i}"]} for i in range(week_count)]

    # session feedback: summed per author and pair as it is given (insights.tallies)
    counted = _author_q(filters, people, "author", "mentorship") & Q(mentorship__program=program)
    summary = FeedbackTally.objects.filter(counted).aggregate(
        people=Count("author", distinct=True),
        answers=Sum("answers", default=0),
        commenters=Count("author", distinct=True, filter=Q(commented__gt=0)),
        comments=Sum("commented", default=0),
        **{f"sum_{score}": Sum(f"{score}_sum", default=0) for score in SESSION_SCORES},
        **{f"rated_{rating}": Sum(f"rated_{rating}", default=0) for rating in RATINGS},
    )
    rating_counts = [summary[f"rated_{rating}"] for rating in RATINGS]
    latest_comments = _latest_comments(counted)  # read always: the same queries for any data

    # the end-of-programme evaluation
    evaluations = ProgramEvaluation.objects.filter(program=program)
    if people is not None:
        evaluations = evaluations.filter(person__in=people)
    if filters.side:
        evaluations = evaluations.filter(
            person__in=Enrolment.objects.filter(
                program=program, role__in=_side_roles(filters.side)
            ).values("person")
        )
    satisfactions: list[int] = []
    recommendations: list[int] = []
    for satisfaction, recommend, count in (
        evaluations.values_list("satisfaction", "recommend").annotate(count=Count("pk")).order_by()
    ):
        satisfactions += [satisfaction] * count
        recommendations += [recommend] * count

    # goals and two-way learning
    goals = Goal.objects.filter(_pairs_q(program, filters, people, "mentorship__")).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=GoalStatus.DONE)),
        at_risk=Count("pk", filter=Q(status=GoalStatus.AT_RISK)),
    )
    per_pair = (
        LearningEntry.objects.filter(
            _pairs_q(program, filters, people, "session__mentorship__", active_only=True)
        )
        .values("session__mentorship")
        .annotate(entries=Count("pk"), authors=Count("author", distinct=True))
        .order_by()
    )
    [(learning_entries, pairs_learning_both_ways)] = rows_over(
        "SELECT COALESCE(SUM(entries), 0),"
        " COALESCE(SUM(CASE WHEN authors >= 2 THEN 1 ELSE 0 END), 0) FROM ({rows}) AS per_pair",
        rows=per_pair,
    )

    # what this view may show of the answers, worked out alongside the queries above
    shown = disclosure.result() if disclosure else None
    withheld: set[str] = set()
    enough_feedback = summary["people"] >= MIN_GROUP and _may_show(shown, FEEDBACK, withheld)
    enough_comments = min(summary["comments"], summary["commenters"]) >= MIN_GROUP
    enough_comments = enough_comments and _may_show(shown, COMMENTS, withheld)
    if len(satisfactions) >= MIN_GROUP and not _may_show(shown, EVALUATION, withheld):
        satisfactions, recommendations = [], []

    rhythms, risks = rhythm.result()
    return Health(
        filters=filters,
        enrolled=enrolled,
        matched=rhythms.matched,
        active=rhythms.active,
        sessions_held=rhythms.held,
        sessions_planned=rhythms.planned,
        prepared=rhythms.prepared,
        preparable=rhythms.preparable,
        feedback_people=summary["people"],
        feedback_answers=summary["answers"],
        feedback_means=(
            {score: summary[f"sum_{score}"] / summary["answers"] for score in SESSION_SCORES}
            if enough_feedback
            else None
        ),
        rating_counts=rating_counts if enough_feedback else None,
        comments=[{"text": text} for text in latest_comments] if enough_comments else None,
        satisfaction=mean_with_ci(satisfactions),
        evaluation_nps=nps(recommendations),
        evaluations=len(satisfactions),
        goals=goals["total"],
        goals_done=goals["done"],
        goals_at_risk=goals["at_risk"],
        learning_entries=learning_entries,
        pairs_learning_both_ways=pairs_learning_both_ways,
        weeks=weeks,
        outcomes=_withhold_outcomes(outcomes.result(), shown, withheld),
        risks=risks,
        withheld=frozenset(withheld),
    )


def _may_show(shown: Verdicts | None, figure: str, withheld: set[str]) -> bool:
    """Whether a figure whose group is large enough may be shown in this view; notes it in
    `withheld` when not."""
    if shown is None or shown.shown(figure):
        return True
    withheld.add(figure)
    return False


def _withhold_outcomes(
    outcomes: list[Outcome], shown: Verdicts | None, withheld: set[str]
) -> list[Outcome]:
    for outcome in outcomes:
        if outcome.change and shown is not None and not shown.competency_shown(outcome.competency):
            outcome.change, outcome.sentence = None, ""
            withheld.add(outcome.competency)
    return outcomes


def _latest_comments(counted: Q) -> list[str]:
    """The latest comments, at most COMMENTS_PER_AUTHOR of anyone's, so that those shown come
    from at least MIN_GROUP people; without dates and shuffled, so that neither a date nor the
    order points to the session (and the pair) a comment is about."""
    ranked = (
        SessionFeedback.objects.filter(counted)
        .exclude(comment="")
        .annotate(
            nth=Window(RowNumber(), partition_by=[F("author")], order_by=[F("created_at").desc()])
        )
        .filter(nth__lte=COMMENTS_PER_AUTHOR)
        .order_by("-created_at", "-pk")
        .values_list("comment", flat=True)[:LATEST_COMMENTS]
    )
    comments = list(ranked)
    _SHUFFLE.shuffle(comments)
    return comments


def _rhythm_and_risks(program: Program, within: Q, now: datetime) -> tuple[Rhythms, list[AtRisk]]:
    """The per-pair half of the page: the largest aggregate, run alongside the rest."""
    rhythms = programme_rhythm(
        Mentorship.objects.filter(within, program=program),
        now,
        preparation_hours=program.preparation_hours,
        cadence_days=program.cadence_days,
    )
    return rhythms, at_risk(program, now, within=within, concerns=rhythms.concerns)


def _outcomes(program: Program, filters: Filters, people, language: str) -> list[Outcome]:
    """Per competency, the change from the start to the end self-assessment of the same people
    (a person's answers to several questions of one competency are averaged first), from the
    sums kept per person and competency (insights.tallies). The database returns how many
    people share each (start, end) pair of averages, a few hundred rows at most, and the test
    runs on those counts expanded."""
    tallies = CompetencyTally.objects.filter(program=program, audience=filters.side or EVERY_SIDE)
    if people is not None:
        tallies = tallies.filter(person__in=people)
    scores: dict[str, tuple[list[float], list[float]]] = {}  # competency -> (start, end)
    for competency, start_sum, start_count, end_sum, end_count, people_count in (
        tallies.values_list("competency", "start_sum", "start_count", "end_sum", "end_count")
        .annotate(people=Count("pk"))
        .order_by()
    ):
        before, after = scores.setdefault(competency, ([], []))
        if start_count and end_count:
            before += [start_sum / start_count] * people_count
            after += [end_sum / end_count] * people_count
    outcomes = []
    for competency in sorted(scores):
        before, after = scores[competency]
        change = paired_change(before, after)
        label = competency_label(competency)
        sentence = describe_change(change, label, language) if change else ""
        outcomes.append(Outcome(competency, label, change, sentence))
    return outcomes


# --- at-risk reasons as sentences ---------------------------------------------------------------


def reason_sentence(mentorship: Mentorship, code: str, data: dict) -> str:
    if code == "no_session":
        return (
            _(
                "No session for %(days)s days, and none booked (they agreed to meet every "
                "%(cadence)s days)."
            )
            % data
        )
    if code == "agendas_missing":
        return _("The agenda was missing or late for the last %(count)s sessions.") % data
    if code == "not_answering":
        silent = mentorship.mentor if data["person"] == mentorship.mentor_id else mentorship.mentee
        return _("%(name)s has not answered a session proposal for %(days)s days.") % {
            "name": silent.full_name,
            "days": data["days"],
        }
    if code == "goals_overdue":
        return ngettext(
            "%(count)s goal is past its due date (since %(since)s).",
            "%(count)s goals are past their due date (the first since %(since)s).",
            data["count"],
        ) % {**data, "since": _day(data["since"])}
    return code


def _day(iso_day: str) -> str:
    """A stored ISO date as the reader's language writes it ("29 Nov 2026")."""
    try:
        return formats.date_format(date.fromisoformat(iso_day), "DATE_FORMAT")
    except (TypeError, ValueError):
        return iso_day


# --- the nudge ----------------------------------------------------------------------------------


def _nudge_key(mentorship_id: int, person_id: int, day: date) -> str:
    return f"nudge:{mentorship_id}:{person_id}:{day.isoformat()}"


def nudged_on(mentorships: list[Mentorship], day: date | None = None) -> set[int]:
    """The ids of those pairs both of whose people were nudged on `day` (default today)."""
    day = day or timezone.localdate()
    keys = {
        _nudge_key(m.pk, person_id, day): m.pk
        for m in mentorships
        for person_id in (m.mentor_id, m.mentee_id)
    }
    sent = Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    counts: dict[int, int] = {}
    for key in sent:
        counts[keys[key]] = counts.get(keys[key], 0) + 1
    return {pk for pk, count in counts.items() if count == 2}


def nudge_pair(*, mentorship: Mentorship, actor: User, today: date | None = None) -> int:
    """Send both people of the pair a notice (in their inbox, and by e-mail through the worker)
    asking them to meet. Once per pair and day: returns how many notices were created, 0 when
    both were already nudged today."""
    today = today or timezone.localdate()
    manager = actor.full_name or actor.email
    created = 0
    with transaction.atomic():
        for person, partner in (
            (mentorship.mentor, mentorship.mentee),
            (mentorship.mentee, mentorship.mentor),
        ):

            def render(partner=partner) -> tuple[str, str]:
                return (
                    _("%(manager)s asks you to meet %(partner)s soon")
                    % {"manager": manager, "partner": partner.full_name},
                    _(
                        "Your programme manager checked in on your mentorship in %(program)s. "
                        "Book your next session and bring your goals up to date."
                    )
                    % {"program": mentorship.program.name},
                )

            notice = notify(
                person.user,
                Kind.NUDGE,
                dedupe_key=_nudge_key(mentorship.pk, person.pk, today),
                render=render,
                url=f"/mentorships/{mentorship.pk}/",
            )
            created += notice is not None
    return created
