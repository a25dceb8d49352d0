"""What each person should do now: the read model behind the home page and "My mentorships".

A participant's steps (requests to answer or waiting for an answer, the next session and its
preparation, an agenda to answer, feedback to give, goals and actions due, a self-assessment
due) come from a fixed number of queries however many mentorships and sessions they have, and
only ever from rows that are the reader's own: their requests, the pairs they belong to, the
goals and actions they own. Nothing here writes.

Deadlines read on the reader's clock, with the zone named, in their language's day-month
order ("Friday 4 Dec, 10:00 WIB", "Jumat 4 Des, 10.00 WIB"): never 12/04/2026.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.feedback.models import Answer, Phase
from balik.insights.risk import at_risk
from balik.matching.models import MatchRequest, MatchRun, RequestStatus, RunStatus
from balik.mentorships.models import (
    ActionItem,
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipStatus,
    Session,
    SessionStatus,
    Side,
)
from balik.people.models import Person
from balik.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramStatus,
)

# Priorities, most urgent first: someone waits for the reader; the reader has something to do
# (by its deadline, the earliest first); the reader waits for someone or something.
ANSWER, DO, WAIT = 0, 1, 2
FEEDBACK_WINDOW = timedelta(days=7)  # feedback is editable (and asked for) for seven days
GOALS_AHEAD = timedelta(days=14)  # a goal shows when its due date is this close
ACTIONS_AHEAD = timedelta(days=7)
END_ASSESSMENT_AHEAD = timedelta(days=14)  # the end self-assessment opens this long before the end
MANAGER_PROGRAMMES = 6
_LATEST = datetime.max.replace(tzinfo=UTC)

# (day, time) formats per language: the day before the month in both, the time as each writes it
_FORMATS = {"id": ("l j M", "H.i"), "en": ("l j M", "H:i")}


def _formats() -> tuple[str, str]:
    return _FORMATS.get((get_language() or "en")[:2], _FORMATS["en"])


def moment_text(moment: datetime, zone: str, *, now: datetime | None = None) -> str:
    """'Friday 4 Dec, 10:00 WIB' on the reader's clock (the year only when not this year)."""
    tz = ZoneInfo(zone)
    local = timezone.localtime(moment, tz)
    day, clock = _formats()
    if local.year != timezone.localtime(now or timezone.now(), tz).year:
        day += " Y"
    return f"{date_format(local, day)}, {date_format(local, clock)} {local.tzname()}"


def day_text(day: date, *, today: date | None = None) -> str:
    """'Friday 4 Dec' (the year only when not this year)."""
    fmt = _formats()[0]
    if day.year != (today or timezone.localdate()).year:
        fmt += " Y"
    return date_format(day, fmt)


@dataclass(frozen=True)
class NextStep:
    kind: str  # request_to_answer, agenda_write, feedback, ... (stable: tests and CSS use it)
    priority: int  # ANSWER, DO or WAIT
    due: datetime | None  # when it is due (sorts the steps of one priority), None: no deadline
    title: str  # starts with the verb: "Write your agenda by Friday 4 Dec, 10:00 WIB"
    detail: str
    url: str  # straight to the place to act
    action: str  # the button's words
    overdue: bool = False

    @property
    def sort_key(self) -> tuple:
        return (self.priority, self.due or _LATEST, self.title)


@dataclass
class ProgrammeRow:
    """A programme the person is enrolled in, its state, and what happens next for them."""

    program: Program
    enrolment: Enrolment
    mentorships: list[Mentorship] = field(default_factory=list)
    request: MatchRequest | None = None
    next_text: str = ""


def _mentorship_url(mentorship_id: int, anchor: str) -> str:
    return reverse("mentorships:detail", args=[mentorship_id]) + f"#{anchor}"


def _end_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(23, 59), ZoneInfo(zone))


def _partner(mentorship: Mentorship, person: Person) -> Person:
    return mentorship.mentee if mentorship.mentor_id == person.pk else mentorship.mentor


def _leads(session: Session, person: Person) -> bool:
    mentorship = session.mentorship
    leader_id = mentorship.mentor_id if session.leader == Side.MENTOR else mentorship.mentee_id
    return leader_id == person.pk


@dataclass
class Participation:
    """Everything a participant's steps are made of, read once."""

    person: Person
    now: datetime
    to_answer: list[MatchRequest]
    asked: list[MatchRequest]
    enrolments: list[Enrolment]
    mentorships: list[Mentorship]
    sessions: list[Session]
    unrated: list[Session]
    goals: list[Goal]
    actions: list[ActionItem]
    assessed: set[tuple[int, str]]


def participation(person: Person, now: datetime) -> Participation:
    """Eight queries at most, whatever the number of mentorships, sessions, goals or actions."""
    today = timezone.localdate(now, ZoneInfo(person.timezone))
    mentorships = list(
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .filter(Q(mentor=person) | Q(mentee=person))
        .select_related("program", "mentor", "mentee")
        .order_by("created_at", "pk")
    )
    ids = [mentorship.pk for mentorship in mentorships]
    by_id = {mentorship.pk: mentorship for mentorship in mentorships}

    def own(sessions: Iterable[Session]) -> list[Session]:
        # the mentorship already read, so that no session reads it again
        for session in sessions:
            session.mentorship = by_id[session.mentorship_id]
        return list(sessions)

    enrolments = list(
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE)
        .exclude(program__status=ProgramStatus.CLOSED)
        .select_related("program")
        .order_by("-enrolled_at", "pk")
    )
    requests = list(
        MatchRequest.objects.filter(Q(mentor=person) | Q(mentee=person))
        .filter(status=RequestStatus.PENDING)
        .select_related("program", "mentor", "mentee")
        .order_by("created_at", "pk")
    )
    return Participation(
        person=person,
        now=now,
        to_answer=[r for r in requests if r.mentor_id == person.pk],
        asked=[r for r in requests if r.mentee_id == person.pk],
        enrolments=enrolments,
        mentorships=mentorships,
        sessions=own(
            Session.objects.filter(mentorship_id__in=ids)
            .filter(
                Q(status=SessionStatus.PROPOSED) | Q(status=SessionStatus.BOOKED, ends_at__gt=now)
            )
            .select_related("agenda", "response")
            .order_by("starts_at", "pk")
        )
        if ids
        else [],
        unrated=own(
            Session.objects.filter(
                mentorship_id__in=ids,
                status=SessionStatus.HELD,
                ends_at__lte=now,
                ends_at__gt=now - FEEDBACK_WINDOW,
            )
            .exclude(feedback__author=person)
            .order_by("ends_at", "pk")
        )
        if ids
        else [],
        goals=list(
            Goal.objects.filter(
                mentorship_id__in=ids,
                owner=person,
                status__in=(GoalStatus.ON_TRACK, GoalStatus.AT_RISK),
                due_date__lte=today + GOALS_AHEAD,
            ).order_by("due_date", "pk")
        )
        if ids
        else [],
        actions=list(
            ActionItem.objects.filter(
                mentorship_id__in=ids,
                owner=person,
                done_at__isnull=True,
                due_date__lte=today + ACTIONS_AHEAD,
            ).order_by("due_date", "pk")
        )
        if ids
        else [],
        assessed=set(
            Answer.objects.filter(person=person, program_id__in=[e.program_id for e in enrolments])
            .values_list("program_id", "phase")
            .distinct()
        )
        if enrolments
        else set(),
    )


def _request_steps(seen: Participation) -> list[NextStep]:
    steps = []
    for request in seen.to_answer:
        detail = _("%(programme)s: they asked you to be their mentor.") % {
            "programme": request.program.name
        }
        if request.message:
            detail += f" “{request.message}”"
        steps.append(
            NextStep(
                kind="request_to_answer",
                priority=ANSWER,
                due=None,
                title=_("Answer %(name)s's request") % {"name": request.mentee.full_name},
                detail=detail,
                url=reverse("programs:detail", args=[request.program.slug]) + "#me-heading",
                action=_("Answer the request"),
            )
        )
    for request in seen.asked:
        steps.append(
            NextStep(
                kind="request_waiting",
                priority=WAIT,
                due=None,
                title=_("Waiting for %(name)s to answer your request")
                % {"name": request.mentor.full_name},
                detail=_(
                    "%(programme)s: you asked on %(day)s. Your inbox tells you when they answer; "
                    "if they decline, you choose another mentor."
                )
                % {
                    "programme": request.program.name,
                    "day": day_text(timezone.localdate(request.created_at)),
                },
                url=reverse("programs:detail", args=[request.program.slug]),
                action=_("See your request"),
            )
        )
    matched_programmes = {m.program_id for m in seen.mentorships if m.mentee_id == seen.person.pk}
    asked_programmes = {request.program_id for request in seen.asked}
    for enrolment in seen.enrolments:
        program = enrolment.program
        if (
            program.self_match
            and enrolment.mentored
            and program.status
            in (ProgramStatus.MATCHING, ProgramStatus.ACTIVE, ProgramStatus.ENROLLING)
            and program.pk not in matched_programmes
            and program.pk not in asked_programmes
        ):
            steps.append(
                NextStep(
                    kind="choose_mentor",
                    priority=DO,
                    due=None,
                    title=_("Choose your mentor in %(programme)s") % {"programme": program.name},
                    detail=_("See your best-suited mentors and ask one; they accept or decline."),
                    url=reverse("programs:choose", args=[program.slug]),
                    action=_("Choose your mentor"),
                )
            )
    return steps


def _session_steps(seen: Participation) -> list[NextStep]:
    person, now, zone = seen.person, seen.now, seen.person.timezone
    steps: list[NextStep] = []
    planned: set[int] = set()
    for session in seen.sessions:
        mentorship = session.mentorship
        partner = _partner(mentorship, person)
        names = {"name": partner.full_name}
        sessions_url = _mentorship_url(mentorship.pk, "sessions")
        if session.status == SessionStatus.PROPOSED:
            planned.add(mentorship.pk)
            if session.proposed_by_id == person.pk:
                steps.append(
                    NextStep(
                        kind="session_proposed",
                        priority=WAIT,
                        due=None,
                        title=_("Waiting for %(name)s to pick a time") % names,
                        detail=_("You proposed times for your next session.")
                        + " "
                        + mentorship.program.name,
                        url=sessions_url,
                        action=_("See the session"),
                    )
                )
            else:
                steps.append(
                    NextStep(
                        kind="session_pick",
                        priority=ANSWER,
                        due=None,
                        title=_("Pick a time for your session with %(name)s") % names,
                        detail=_("%(name)s proposed times: accept one, or propose others.") % names,
                        url=sessions_url,
                        action=_("Pick a time"),
                    )
                )
            continue
        if mentorship.pk in planned:
            continue  # only the next booked session of each pair
        planned.add(mentorship.pk)
        starts = moment_text(session.starts_at, zone, now=now)
        deadline = session.starts_at - timedelta(hours=mentorship.program.preparation_hours)
        agenda = getattr(session, "agenda", None)
        submitted = agenda is not None and agenda.submitted_at is not None
        answered = getattr(session, "response", None) is not None
        if _leads(session, person) and not submitted:
            late = now > deadline
            if late:
                title = _("Your agenda is late: submit it before %(when)s") % {"when": starts}
            elif agenda is not None:
                title = _("Submit your agenda by %(when)s") % {
                    "when": moment_text(deadline, zone, now=now)
                }
            else:
                title = _("Write your agenda by %(when)s") % {
                    "when": moment_text(deadline, zone, now=now)
                }
            steps.append(
                NextStep(
                    kind="agenda_write",
                    priority=DO,
                    due=deadline,
                    title=title,
                    detail=_("Session with %(name)s on %(when)s.") % {**names, "when": starts},
                    url=_mentorship_url(mentorship.pk, "agenda"),
                    action=_("Write the agenda"),
                    overdue=late,
                )
            )
        elif not _leads(session, person) and submitted and not answered:
            steps.append(
                NextStep(
                    kind="agenda_answer",
                    priority=DO,
                    due=session.starts_at,
                    title=_("Answer %(name)s's agenda") % names,
                    detail=_("Session on %(when)s: add your perspective and resources.")
                    % {"when": starts},
                    url=_mentorship_url(mentorship.pk, "agenda"),
                    action=_("Answer the agenda"),
                )
            )
        else:
            if submitted:
                detail = _("The agenda is ready.")
            elif now > deadline:
                detail = _("%(name)s has not submitted the agenda yet.") % names
            else:
                detail = _("%(name)s writes the agenda by %(when)s.") % {
                    **names,
                    "when": moment_text(deadline, zone, now=now),
                }
            steps.append(
                NextStep(
                    kind="session_upcoming",
                    priority=WAIT,
                    due=session.starts_at,
                    title=_("Next session with %(name)s: %(when)s") % {**names, "when": starts},
                    detail=detail,
                    url=sessions_url,
                    action=_("See the session"),
                )
            )
    for mentorship in seen.mentorships:
        if mentorship.pk not in planned:
            steps.append(
                NextStep(
                    kind="session_book",
                    priority=DO,
                    due=None,
                    title=_("Book your next session with %(name)s")
                    % {"name": _partner(mentorship, person).full_name},
                    detail=_("%(programme)s: propose times you are both free.")
                    % {"programme": mentorship.program.name},
                    url=_mentorship_url(mentorship.pk, "sessions"),
                    action=_("Book a session"),
                )
            )
    for session in seen.unrated:
        due = session.ends_at + FEEDBACK_WINDOW
        steps.append(
            NextStep(
                kind="feedback",
                priority=DO,
                due=due,
                title=_("Rate your session of %(day)s with %(name)s")
                % {
                    "day": day_text(timezone.localdate(session.starts_at, ZoneInfo(zone))),
                    "name": _partner(session.mentorship, person).full_name,
                },
                detail=_(
                    "Two minutes, by %(when)s: say how it went and whether you could speak openly."
                )
                % {"when": moment_text(due, zone, now=now)},
                url=_mentorship_url(session.mentorship_id, "feedback"),
                action=_("Give feedback"),
            )
        )
    return steps


def _goal_and_action_steps(seen: Participation) -> list[NextStep]:
    zone = seen.person.timezone
    today = timezone.localdate(seen.now, ZoneInfo(zone))
    by_id = {mentorship.pk: mentorship for mentorship in seen.mentorships}
    steps = []
    for goal in seen.goals:
        late = goal.due_date < today
        steps.append(
            NextStep(
                kind="goal",
                priority=DO,
                due=_end_of(goal.due_date, zone),
                title=_("Update your goal “%(title)s”") % {"title": goal.title},
                detail=(
                    _("It was due %(day)s: record where you are, or agree a new date.")
                    if late
                    else _("Due %(day)s: record your progress.")
                )
                % {"day": day_text(goal.due_date, today=today)},
                url=_mentorship_url(goal.mentorship_id, "goals"),
                action=_("Update the goal"),
                overdue=late,
            )
        )
    for action in seen.actions:
        late = action.due_date < today
        partner = _partner(by_id[action.mentorship_id], seen.person)
        steps.append(
            NextStep(
                kind="action",
                priority=DO,
                due=_end_of(action.due_date, zone),
                title=_("Finish “%(title)s”") % {"title": action.title},
                detail=(
                    _("Overdue since %(day)s (with %(name)s).")
                    if late
                    else _("Due %(day)s (with %(name)s).")
                )
                % {"day": day_text(action.due_date, today=today), "name": partner.full_name},
                url=_mentorship_url(action.mentorship_id, "actions"),
                action=_("See your actions"),
                overdue=late,
            )
        )
    return steps


def _assessment_steps(seen: Participation) -> list[NextStep]:
    today = timezone.localdate(seen.now, ZoneInfo(seen.person.timezone))
    steps = []
    for enrolment in seen.enrolments:
        program = enrolment.program
        if program.status != ProgramStatus.ACTIVE:
            continue  # the start is when the pairs start
        ending = (
            program.status == ProgramStatus.ACTIVE
            and program.end_date is not None
            and today >= program.end_date - END_ASSESSMENT_AHEAD
        )
        if (program.pk, Phase.START) not in seen.assessed and not ending:
            phase, title = Phase.START, _("Take the self-assessment at the start of %(programme)s")
        elif ending and (program.pk, Phase.END) not in seen.assessed:
            phase, title = Phase.END, _("Take the self-assessment at the end of %(programme)s")
        else:
            continue
        steps.append(
            NextStep(
                kind="assessment",
                priority=DO,
                due=_end_of(program.end_date, seen.person.timezone)
                if phase == Phase.END and program.end_date
                else None,
                title=title % {"programme": program.name},
                detail=_(
                    "Five minutes: how you see yourself now, so that you see what you gained."
                ),
                url=reverse("programs:assessment", args=[program.slug, phase]),
                action=_("Start the self-assessment"),
            )
        )
    return steps


def participant_steps(seen: Participation) -> list[NextStep]:
    """The participant's steps, the most urgent first."""
    steps = [
        *_request_steps(seen),
        *_session_steps(seen),
        *_goal_and_action_steps(seen),
        *_assessment_steps(seen),
    ]
    return sorted(steps, key=lambda step: step.sort_key)


def _next_text(row: ProgrammeRow) -> str:
    program, enrolment = row.program, row.enrolment
    if row.mentorships:
        return ""
    if row.request is not None:
        return _("You asked %(name)s; waiting for their answer.") % {
            "name": row.request.mentor.full_name
        }
    if not enrolment.mentored and program.self_match:
        return _("Mentees choose their mentor: your inbox tells you when one asks for you.")
    if program.self_match and program.status != ProgramStatus.DRAFT:
        return _("Choose your mentor: see your best-suited mentors and ask one.")
    if program.status in (ProgramStatus.DRAFT, ProgramStatus.ENROLLING):
        return _(
            "Enrolment is open: the programme manager matches people once it closes, and "
            "your inbox tells you who you are paired with."
        )
    if program.status == ProgramStatus.MATCHING:
        return _(
            "Matching is under way: the programme manager matches people and publishes the "
            "pairs; your inbox tells you who you are paired with."
        )
    return _(
        "You are not matched yet: the programme manager matches the people left and your "
        "inbox tells you when you are paired."
    )


def programme_rows(seen: Participation) -> list[ProgrammeRow]:
    """The programmes the person is enrolled in, with their mentorships, request and next."""
    rows = []
    for enrolment in seen.enrolments:
        row = ProgrammeRow(
            program=enrolment.program,
            enrolment=enrolment,
            mentorships=[m for m in seen.mentorships if m.program_id == enrolment.program_id],
            request=next((r for r in seen.asked if r.program_id == enrolment.program_id), None),
        )
        row.next_text = _next_text(row)
        rows.append(row)
    return rows


# --- managers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerStep:
    title: str
    url: str
    attention: bool = False  # something is wrong (pairs at risk, agendas missing)


@dataclass
class ManagedProgramme:
    program: Program
    enrolled: int
    mentors: int
    mentees: int
    active_pairs: int
    matched_mentees: int
    at_risk: int = 0
    agendas_missing: int = 0
    run_status: str = ""
    steps: list[ManagerStep] = field(default_factory=list)

    @property
    def unmatched_mentees(self) -> int:
        return max(self.mentees - self.matched_mentees, 0)


def _manager_steps(row: ManagedProgramme) -> list[ManagerStep]:
    program = row.program
    slug = program.slug
    participants = reverse("programs:participants", args=[slug])
    matching = reverse("programs:matching", args=[slug])
    health = reverse("programs:health", args=[slug])
    steps = []
    if program.status == ProgramStatus.DRAFT:
        steps.append(
            ManagerStep(
                _("Check the settings and open enrolment"),
                reverse("programs:settings", args=[slug]),
            )
        )
        steps.append(ManagerStep(_("Enrol people"), participants))
    elif program.status == ProgramStatus.ENROLLING:
        if not (row.mentors and row.mentees):
            steps.append(
                ManagerStep(_("Enrol people: at least one mentor and one mentee"), participants)
            )
        else:
            steps.append(ManagerStep(_("Enrol more people"), participants))
            steps.append(
                ManagerStep(
                    _("Start matching: mentees then choose their mentor")
                    if program.self_match
                    else _("Run matching"),
                    reverse("programs:detail", args=[slug]) + "#status-heading"
                    if program.self_match
                    else matching,
                )
            )
    elif program.status == ProgramStatus.MATCHING and program.self_match:
        steps.append(
            ManagerStep(
                ngettext(
                    "Mentees are choosing: %(count)s of %(total)s has a mentor",
                    "Mentees are choosing: %(count)s of %(total)s have a mentor",
                    row.matched_mentees,
                )
                % {"count": row.matched_mentees, "total": row.mentees},
                participants,
            )
        )
    elif program.status == ProgramStatus.MATCHING:
        if row.run_status == RunStatus.DONE:
            steps.append(ManagerStep(_("Review and publish the matches"), matching))
        elif row.run_status in (RunStatus.QUEUED, RunStatus.RUNNING):
            steps.append(ManagerStep(_("Matching is running: see its progress"), matching))
        else:
            steps.append(ManagerStep(_("Run matching"), matching))
    elif program.status == ProgramStatus.ACTIVE:
        if row.unmatched_mentees and not program.self_match:
            steps.append(
                ManagerStep(
                    ngettext(
                        "Match the %(count)s mentee left",
                        "Match the %(count)s mentees left",
                        row.unmatched_mentees,
                    )
                    % {"count": row.unmatched_mentees},
                    matching,
                )
            )
        if row.at_risk:
            steps.append(
                ManagerStep(
                    ngettext("%(count)s pair at risk", "%(count)s pairs at risk", row.at_risk)
                    % {"count": row.at_risk},
                    health + "#at-risk",
                    True,
                )
            )
        if row.agendas_missing:
            steps.append(
                ManagerStep(
                    ngettext(
                        "%(count)s agenda missing",
                        "%(count)s agendas missing",
                        row.agendas_missing,
                    )
                    % {"count": row.agendas_missing},
                    health,
                    True,
                )
            )
        if not (row.at_risk or row.agendas_missing):
            steps.append(ManagerStep(_("Watch the programme's health"), health))
    return steps


def managed_programmes(user: User, now: datetime) -> list[ManagedProgramme]:
    """The programmes the user manages (all, for an org admin), not closed, newest first, each
    with what is left to do: a fixed number of queries, and one risk reading per active
    programme shown (at most MANAGER_PROGRAMMES)."""
    if not (user.is_org_admin or user.is_program_manager):
        return []
    managed = Program.objects.all() if user.is_org_admin else Program.objects.filter(managers=user)
    mentor_roles = (EnrolmentRole.MENTOR, EnrolmentRole.BOTH)
    mentee_roles = (EnrolmentRole.MENTEE, EnrolmentRole.BOTH)
    active_enrolment = Q(enrolments__status=EnrolmentStatus.ACTIVE)
    active_pair = Q(mentorships__status=MentorshipStatus.ACTIVE)
    programmes = list(
        managed.exclude(status=ProgramStatus.CLOSED)
        .annotate(
            enrolled=Count("enrolments", filter=active_enrolment, distinct=True),
            mentors=Count(
                "enrolments",
                filter=active_enrolment & Q(enrolments__role__in=mentor_roles),
                distinct=True,
            ),
            mentees=Count(
                "enrolments",
                filter=active_enrolment & Q(enrolments__role__in=mentee_roles),
                distinct=True,
            ),
            active_pairs=Count("mentorships", filter=active_pair, distinct=True),
            matched_mentees=Count("mentorships__mentee", filter=active_pair, distinct=True),
        )
        .order_by("-created_at")[:MANAGER_PROGRAMMES]
    )
    rows = {
        program.pk: ManagedProgramme(
            program=program,
            enrolled=program.enrolled,
            mentors=program.mentors,
            mentees=program.mentees,
            active_pairs=program.active_pairs,
            matched_mentees=program.matched_mentees,
        )
        for program in programmes
    }
    if not rows:
        return []
    for program_id, status in (
        MatchRun.objects.filter(
            program_id__in=rows, status__in=(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE)
        )
        .order_by("created_at", "pk")
        .values_list("program_id", "status")
    ):
        rows[program_id].run_status = status  # the newest last, so it stays
    active = [row for row in rows.values() if row.program.status == ProgramStatus.ACTIVE]
    if active:
        longest = max(row.program.preparation_hours for row in active)
        for program_id, starts_at in Session.objects.filter(
            mentorship__program_id__in=[row.program.pk for row in active],
            mentorship__status=MentorshipStatus.ACTIVE,
            status=SessionStatus.BOOKED,
            agenda_submitted_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=longest),
        ).values_list("mentorship__program_id", "starts_at"):
            row = rows[program_id]
            if starts_at - timedelta(hours=row.program.preparation_hours) <= now:
                row.agendas_missing += 1
        for row in active:
            row.at_risk = len(at_risk(row.program, now))
    for row in rows.values():
        row.steps = _manager_steps(row)
    return list(rows.values())
