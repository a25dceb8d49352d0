"""Matching a programme: runs, the manager's decisions, publishing, declining, self-match.

The engine (engine.py) is pure and knows nothing of the database; this module feeds it from
the ORM (inputs.py), stores what it proposes, and turns a published proposal into
mentorships. Small programmes are matched in the request; large ones by the worker.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balik.accounts.models import User
from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem
from balik.matching import engine
from balik.matching import notify as notices
from balik.matching.explain import stored_fact
from balik.matching.inputs import build_program_input
from balik.matching.models import (
    LIVE_RUN_STATUSES,
    MatchRequest,
    MatchRun,
    PairRule,
    PairRuleAction,
    RequestStatus,
    RunStatus,
)
from balik.matching.runs import execute_run
from balik.matching.tasks import run_matching
from balik.mentorships.agreements import agreements_start
from balik.mentorships.closing import sessions_end
from balik.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from balik.people.models import Person
from balik.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramStatus
from balik.programs.services import active_enrolment, require_manager

logger = logging.getLogger(__name__)

SHORTLIST = 5


class RunInProgress(BalikError):
    """Another run of the programme is queued or running; the answer names it."""

    code = "run_in_progress"

    def __init__(self, live: MatchRun | None):
        if live is None:
            message = _("A matching run of this programme is already running; wait for it.")
        else:
            message = _(
                "Matching run #%(run)d of this programme is already running (started "
                "%(started)s); wait for it to finish, then run again."
            ) % {
                "run": live.pk,
                "started": timezone.localtime(live.created_at).strftime("%Y-%m-%d %H:%M"),
            }
        super().__init__(message)
        self.run_id = live.pk if live is not None else None

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "run_id": self.run_id}


def _live_run(program: Program) -> MatchRun | None:
    return (
        program.match_runs.filter(status__in=LIVE_RUN_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


def _is_abandoned(run: MatchRun) -> bool:
    silence = timedelta(minutes=settings.BALIK_MATCH_RUN_TIMEOUT_MINUTES)
    return run.heartbeat_at < timezone.now() - silence


def run_start(actor: User | None, program: Program, *, in_request: bool | None = None) -> MatchRun:
    """Create a run and match now (small programmes) or hand it to the worker (large ones).

    One run at a time per programme: starts are serialised on the programme's row, a live run
    refuses the next start (unless it has shown no progress for the timeout: its worker died),
    and a constraint refuses a second live run should anything get past the lock.
    """
    if actor is not None:
        require_manager(actor, program)
    with transaction.atomic():
        # starts of one programme queue here; the status read is the committed one
        program.status = (
            Program.objects.select_for_update().filter(pk=program.pk).values_list("status").get()
        )[0]
        if program.status not in (
            ProgramStatus.ENROLLING,
            ProgramStatus.MATCHING,
            ProgramStatus.ACTIVE,
        ):
            raise BalikError(
                _("Open enrolment before matching: this programme is %(status)s.")
                % {"status": program.get_status_display()},
                code="not_ready",
            )
        live = _live_run(program)
        if live is not None and not _is_abandoned(live):
            raise RunInProgress(live)
        enrolled = program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
        if enrolled < 2:
            raise BalikError(_("Enrol at least two people before matching."), code="too_few")
        if live is not None:
            live.status = RunStatus.FAILED
            live.error = _(
                "No progress for %(minutes)d minutes: the worker stopped while matching. "
                "Matching was started again."
            ) % {"minutes": settings.BALIK_MATCH_RUN_TIMEOUT_MINUTES}
            live.finished_at = timezone.now()
            live.save(update_fields=["status", "error", "finished_at"])
        if program.status == ProgramStatus.ENROLLING:
            program.status = ProgramStatus.MATCHING
            program.save(update_fields=["status"])
        try:
            with transaction.atomic():
                run = MatchRun.objects.create(
                    program=program, started_by=actor, participants=enrolled
                )
        except IntegrityError:
            raise RunInProgress(_live_run(program)) from None
    if in_request is None:
        in_request = enrolled <= settings.BALIK_MATCH_IN_REQUEST_LIMIT
    if in_request:
        return execute_run(run)
    run_matching.enqueue(run.pk)
    return run


def latest_run(program: Program) -> MatchRun | None:
    return (
        program.match_runs.exclude(status=RunStatus.SUPERSEDED)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- the manager's decisions ------------------------------------------------------------------


def _enrolled_person(program: Program, person_id: int, field: str) -> Person:
    enrolment = (
        Enrolment.objects.filter(
            program=program, person_id=person_id, status=EnrolmentStatus.ACTIVE
        )
        .select_related("person")
        .first()
    )
    if enrolment is None:
        raise ValidationFailed({field: [_("This person is not enrolled in the programme.")]})
    return enrolment.person


@dataclass
class PairCheck:
    mentor: Person
    mentee: Person
    score: float
    components: dict[str, float]
    broken_rules: list[str]
    reasons: list[dict[str, Any]]


def pair_check(program: Program, *, mentor_id: int, mentee_id: int) -> PairCheck:
    """Score one pair and name every hard rule it breaks (for manual pairs and locks)."""
    errors: dict[str, list[str]] = {}
    mentor = mentee = None
    try:
        mentor = _enrolled_person(program, mentor_id, "mentor")
    except ValidationFailed as failure:
        errors.update(failure.errors)
    try:
        mentee = _enrolled_person(program, mentee_id, "mentee")
    except ValidationFailed as failure:
        errors.update(failure.errors)
    if mentor is not None and mentee is not None and mentor.pk == mentee.pk:
        errors["mentee"] = [_("Choose two different people.")]
    if errors:
        raise ValidationFailed(errors)
    program_input = build_program_input(program)
    index = program_input.index_of
    (score, components, broken, facts) = engine.evaluate_pairs(
        program_input.match_input, [index[mentor.pk]], [index[mentee.pk]]
    )[0]
    enrolments = program_input.enrolments
    if not program.is_peer:
        if not enrolments[mentor.pk].mentors:
            broken = [*broken, "not_a_mentor"]
        if not enrolments[mentee.pk].mentored:
            broken = [*broken, "not_a_mentee"]
    return PairCheck(
        mentor=mentor,
        mentee=mentee,
        score=float(score),
        components={k: float(v) for k, v in components.items()},
        broken_rules=[str(rule) for rule in broken],
        reasons=[
            stored_fact(fact, program_input.person_ids, program_input.skill_ids) for fact in facts
        ],
    )


def pair_rule_set(
    actor: User,
    program: Program,
    *,
    mentor_id: int,
    mentee_id: int,
    action: str,
    confirm_broken_rules: bool = False,
    manual: bool = False,
) -> PairRule:
    """Lock (always pair) or forbid (never pair) two people; kept across re-runs.

    A lock that breaks hard rules is refused until the manager confirms, having seen them.
    """
    require_manager(actor, program)
    if action not in PairRuleAction.values:
        raise ValidationFailed({"action": [_("Choose lock or forbid.")]})
    check = pair_check(program, mentor_id=mentor_id, mentee_id=mentee_id)
    broken = check.broken_rules if action == PairRuleAction.LOCK else []
    broken = [rule for rule in broken if rule != engine.Rule.FORBIDDEN]
    if broken and not confirm_broken_rules:
        raise ValidationFailed(
            {
                "confirm": [
                    _("This pair breaks: %(rules)s. Confirm to pair them anyway.")
                    % {"rules": ", ".join(broken)}
                ]
            }
        )
    with transaction.atomic():
        rule, _created = PairRule.objects.update_or_create(
            program=program,
            mentor=check.mentor,
            mentee=check.mentee,
            defaults={
                "action": action,
                "broken_rules": broken,
                "manual": manual,
                "created_by": actor,
            },
        )
        if action == PairRuleAction.LOCK:
            # one lock per mentee: a new manual pair replaces an older lock of the same mentee
            PairRule.objects.filter(
                program=program, mentee=check.mentee, action=PairRuleAction.LOCK
            ).exclude(pk=rule.pk).delete()
    return rule


def pair_rule_clear(actor: User, program: Program, *, rule_id: int) -> None:
    require_manager(actor, program)
    deleted, _kinds = PairRule.objects.filter(program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFound(_("That lock or forbid no longer exists."))


# --- publishing -----------------------------------------------------------------------------


class SkipReason:
    """Why publishing left a proposed pair out: what changed since the run."""

    MENTOR_LEFT = "mentor_left"
    MENTEE_LEFT = "mentee_left"
    FORBIDDEN = "forbidden"
    ALREADY_PAIRED = "already_paired"
    MENTEE_MATCHED = "mentee_matched"
    MENTEE_FULL = "mentee_full"
    MENTOR_FULL = "mentor_full"


SKIP_SENTENCES = {
    SkipReason.MENTOR_LEFT: gettext_lazy("%(mentor)s has left the programme."),
    SkipReason.MENTEE_LEFT: gettext_lazy("%(mentee)s has left the programme."),
    SkipReason.FORBIDDEN: gettext_lazy(
        "%(mentor)s and %(mentee)s may not be paired: the pair was forbidden after the run."
    ),
    SkipReason.ALREADY_PAIRED: gettext_lazy("%(mentor)s and %(mentee)s are already paired."),
    SkipReason.MENTEE_MATCHED: gettext_lazy(
        "%(mentee)s already has a mentor in this programme (matched since the run)."
    ),
    SkipReason.MENTEE_FULL: gettext_lazy(
        "%(mentee)s already has all the partners their capacity allows."
    ),
    SkipReason.MENTOR_FULL: gettext_lazy(
        "%(mentor)s already has all the mentees their capacity allows (%(capacity)d)."
    ),
}


@dataclass(frozen=True)
class SkippedPair:
    """A proposed pair that publishing left out, and why."""

    mentor: Person
    mentee: Person
    code: str
    capacity: int = 0

    @property
    def mentor_id(self) -> int:
        return self.mentor.pk

    @property
    def mentee_id(self) -> int:
        return self.mentee.pk

    @property
    def message(self) -> str:
        return str(SKIP_SENTENCES[self.code]) % {
            "mentor": self.mentor.full_name,
            "mentee": self.mentee.full_name,
            "capacity": self.capacity,
        }

    def stored(self) -> dict[str, Any]:
        return {
            "mentor": self.mentor_id,
            "mentee": self.mentee_id,
            "code": self.code,
            "capacity": self.capacity,
        }


@dataclass
class PublishResult:
    created: list[Mentorship] = field(default_factory=list)
    skipped: list[SkippedPair] = field(default_factory=list)


def skipped_pairs(run: MatchRun) -> list[SkippedPair]:
    """The pairs that publishing `run` left out, as recorded then."""
    people = Person.objects.in_bulk(
        {item["mentor"] for item in run.skipped} | {item["mentee"] for item in run.skipped}
    )
    return [
        SkippedPair(
            mentor=people[item["mentor"]],
            mentee=people[item["mentee"]],
            code=item["code"],
            capacity=item.get("capacity", 0),
        )
        for item in run.skipped
        if item["mentor"] in people and item["mentee"] in people
    ]


@dataclass
class _Standing:
    """Who may still take a new mentorship in a programme, as of now (under the row locks)."""

    program: Program
    enrolments: dict[int, tuple[str, str, int]]  # person -> (status, role, capacity)
    deactivated: set[int]
    forbidden: set[tuple[int, int]]
    paired: set[tuple[int, int]]
    as_mentor: Counter
    as_mentee: Counter

    def present(self, person_id: int) -> bool:
        enrolment = self.enrolments.get(person_id)
        return (
            enrolment is not None
            and enrolment[0] == EnrolmentStatus.ACTIVE
            and person_id not in self.deactivated
        )

    def load(self, person_id: int, *, as_mentor: bool) -> int:
        if self.program.is_peer:
            return self.as_mentor[person_id] + self.as_mentee[person_id]
        return (self.as_mentor if as_mentor else self.as_mentee)[person_id]

    def capacity(self, person_id: int) -> int:
        _status, role, capacity = self.enrolments[person_id]
        # someone paired as a mentor against their role (a manual pair the manager confirmed)
        # holds one place, as the engine counts it
        mentors = self.program.is_peer or role in (EnrolmentRole.MENTOR, EnrolmentRole.BOTH)
        return capacity if mentors else 1

    def refusal(self, mentor_id: int, mentee_id: int) -> tuple[str, int] | None:
        if not self.present(mentor_id):
            return SkipReason.MENTOR_LEFT, 0
        if not self.present(mentee_id):
            return SkipReason.MENTEE_LEFT, 0
        if (mentor_id, mentee_id) in self.forbidden:
            return SkipReason.FORBIDDEN, 0
        if (mentor_id, mentee_id) in self.paired or (
            self.program.is_peer and (mentee_id, mentor_id) in self.paired
        ):
            return SkipReason.ALREADY_PAIRED, 0
        if self.program.is_peer:
            if self.load(mentee_id, as_mentor=False) >= self.capacity(mentee_id):
                return SkipReason.MENTEE_FULL, self.capacity(mentee_id)
        elif self.as_mentee[mentee_id]:
            return SkipReason.MENTEE_MATCHED, 0
        if self.load(mentor_id, as_mentor=True) >= self.capacity(mentor_id):
            return SkipReason.MENTOR_FULL, self.capacity(mentor_id)
        return None

    def take(self, mentor_id: int, mentee_id: int) -> None:
        self.paired.add((mentor_id, mentee_id))
        self.as_mentor[mentor_id] += 1
        self.as_mentee[mentee_id] += 1


def _lock_standing(program: Program) -> _Standing:
    """Lock the programme's enrolments (by pk, the order `request_answer` uses too) and read
    who is still enrolled, who is paired and how full everyone is."""
    enrolments = {
        person_id: (status, role, capacity)
        for person_id, status, role, capacity in Enrolment.objects.select_for_update()
        .filter(program=program)
        .order_by("pk")
        .values_list("person_id", "status", "role", "capacity")
    }
    active = list(
        Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).values_list(
            "mentor_id", "mentee_id"
        )
    )
    return _Standing(
        program=program,
        enrolments=enrolments,
        deactivated=set(
            Person.objects.filter(enrolments__program=program, user__is_active=False).values_list(
                "pk", flat=True
            )
        ),
        forbidden=set(
            PairRule.objects.filter(program=program, action=PairRuleAction.FORBID).values_list(
                "mentor_id", "mentee_id"
            )
        ),
        paired=set(active),
        as_mentor=Counter(mentor_id for mentor_id, _mentee_id in active),
        as_mentee=Counter(mentee_id for _mentor_id, mentee_id in active),
    )


def run_publish(actor: User | None, run: MatchRun, *, notify: bool = True) -> PublishResult:
    """Turn a reviewed proposal into mentorships and tell both people of each pair
    (`notify=False` only for loading demo data, where nobody is to be e-mailed).

    Every pair is checked again against what happened since the run (requests accepted,
    people who left, pairs forbidden), under the same row locks as accepting a request: what
    still holds is published, locked pairs first, then best score first; the rest is skipped
    and recorded on the run with the reason.
    """
    program = run.program
    if actor is not None:
        require_manager(actor, program)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DONE:
            raise BalikError(
                _("Only a finished, unpublished run can be published."), code="not_publishable"
            )
        standing = _lock_standing(program)
        manual = set(
            PairRule.objects.filter(program=program, manual=True).values_list(
                "mentor_id", "mentee_id"
            )
        )
        pairs = list(
            run.pairs.select_related("mentor", "mentee").order_by("-locked", "-score", "pk")
        )
        to_create: list[Mentorship] = []
        skipped: list[SkippedPair] = []
        for pair in pairs:
            refusal = standing.refusal(pair.mentor_id, pair.mentee_id)
            if refusal is not None:
                code, capacity = refusal
                skipped.append(SkippedPair(pair.mentor, pair.mentee, code, capacity))
                continue
            standing.take(pair.mentor_id, pair.mentee_id)
            to_create.append(
                Mentorship(
                    program=program,
                    mentor_id=pair.mentor_id,
                    mentee_id=pair.mentee_id,
                    score=pair.score,
                    components=pair.components,
                    reasons=pair.reasons,
                    origin=(
                        MentorshipOrigin.MANUAL
                        if (pair.mentor_id, pair.mentee_id) in manual
                        else MentorshipOrigin.MATCHED
                    ),
                    created_by=actor,
                )
            )
        created = Mentorship.objects.bulk_create(to_create)
        agreements_start(created)
        run.status = RunStatus.PUBLISHED
        run.published_at = timezone.now()
        run.skipped = [item.stored() for item in skipped]
        run.save(update_fields=["status", "published_at", "skipped"])
        if program.status in (ProgramStatus.MATCHING, ProgramStatus.ENROLLING):
            program.status = ProgramStatus.ACTIVE
            program.save(update_fields=["status"])
        ids = [m.pk for m in created]
        if notify:
            _notify_matched(ids)
    return PublishResult(created=created, skipped=skipped)


def _notify_matched(mentorship_ids: list[int]) -> None:
    """Both people of each new pair, in the publish transaction (one bulk write)."""
    notices.write_match_notices(mentorship_ids)


def _notify(writer: Callable[[Any], int], subject: Any) -> None:
    """Write the notice into the outbox in the caller's transaction; the worker e-mails it."""
    writer(subject)


# --- declining -----------------------------------------------------------------------------


def mentorship_decline(actor: User, mentorship: Mentorship, *, reason: str) -> Mentorship:
    """A participant turns their match down; the pair is never proposed again."""
    person = Person.objects.filter(user=actor).first()
    if person is None or person.pk not in mentorship.member_ids():
        raise PermissionRefused(_("Only the two people in a match can decline it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Tell the programme manager why, in a few words.")]})
    if len(reason) > 1000:
        raise ValidationFailed({"reason": [_("Use at most 1,000 characters.")]})
    if problem := long_text_problem(reason):
        raise ValidationFailed({"reason": [problem]})
    with transaction.atomic():
        locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if locked.status != MentorshipStatus.ACTIVE:
            raise BalikError(_("This match is no longer active."), code="not_active")
        locked.status = MentorshipStatus.DECLINED
        locked.declined_by = person
        locked.decline_reason = reason
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "declined_by", "decline_reason", "ended_at"])
        sessions_end(locked, reason=_("The match was declined."))
        PairRule.objects.filter(
            program=locked.program, mentor=locked.mentor, mentee=locked.mentee
        ).delete()
        _notify(notices.write_decline_notices, locked)
    return locked


def declined_mentorships(program: Program) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(program=program, status=MentorshipStatus.DECLINED)
        .select_related("mentor", "mentee", "declined_by")
        .order_by("-ended_at")
    )


# --- self-match ----------------------------------------------------------------------------


def _my_enrolment(user: User, program: Program) -> Enrolment:
    enrolment = active_enrolment(user, program)
    if enrolment is None:
        raise PermissionRefused(_("You are not enrolled in this programme."))
    return enrolment


def free_places(program: Program, mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    enrolments = Enrolment.objects.filter(
        program=program,
        status=EnrolmentStatus.ACTIVE,
        role__in=(EnrolmentRole.MENTOR, EnrolmentRole.BOTH),
    )
    if mentor_ids is not None:
        enrolments = enrolments.filter(person_id__in=list(mentor_ids))
    taken = dict(
        Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    return {
        person_id: capacity - taken.get(person_id, 0)
        for person_id, capacity in enrolments.values_list("person_id", "capacity")
    }


@dataclass
class Suggestion:
    mentor: Person
    score: float
    components: dict[str, float]
    reasons: list[dict[str, Any]]
    free_places: int


def shortlist(user: User, program: Program, *, limit: int = SHORTLIST) -> list[Suggestion]:
    """A mentee's best eligible mentors with free places, best first, with reasons."""
    if not program.self_match:
        raise BalikError(
            _("In this programme the manager makes the matches."), code="not_self_match"
        )
    enrolment = _my_enrolment(user, program)
    if not enrolment.mentored:
        raise PermissionRefused(_("Only mentees choose a mentor."))
    program_input = build_program_input(program)
    me = program_input.index_of[enrolment.person_id]
    places = free_places(program)
    mentor_indices = [
        program_input.index_of[pk]
        for pk, free in places.items()
        if free > 0 and pk != enrolment.person_id and pk in program_input.index_of
    ]
    if not mentor_indices:
        return []
    evaluated = engine.evaluate_pairs(
        program_input.match_input, mentor_indices, [me] * len(mentor_indices)
    )
    ranked = sorted(
        (
            (score, program_input.person_ids[index], components, facts)
            for index, (score, components, broken, facts) in zip(
                mentor_indices, evaluated, strict=True
            )
            if not [rule for rule in broken if rule != engine.Rule.NO_CAPACITY]
            and score >= program.min_score
        ),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    people = Person.objects.in_bulk([pk for _score, pk, _c, _f in ranked])
    return [
        Suggestion(
            mentor=people[pk],
            score=float(score),
            components={k: float(v) for k, v in components.items()},
            reasons=[
                stored_fact(fact, program_input.person_ids, program_input.skill_ids)
                for fact in facts
            ],
            free_places=places[pk],
        )
        for score, pk, components, facts in ranked
    ]


def mentor_request(
    user: User, program: Program, *, mentor_id: int, message: str = ""
) -> MatchRequest:
    """The mentee asks one mentor from their shortlist; one pending request at a time.

    Two requests sent at the same moment (three tabs, a double click) are serialised by a lock
    on the mentee's enrolment row, so the second sees the first and is told why; the unique
    constraint on pending requests is the last line, its error turned into the same refusal.
    """
    enrolment = _my_enrolment(user, program)
    if len(message or "") > 1000:
        raise ValidationFailed({"message": [_("Use at most 1,000 characters.")]})
    if problem := long_text_problem(message or ""):
        raise ValidationFailed({"message": [problem]})
    suggestions = {s.mentor.pk: s for s in shortlist(user, program, limit=10_000)}
    suggestion = suggestions.get(mentor_id)
    if suggestion is None:
        raise ValidationFailed(
            {"mentor": [_("This mentor is not eligible for you or has no free place.")]}
        )
    already_asked = BalikError(
        _("You already asked a mentor; withdraw that request first."), code="pending"
    )
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        if Mentorship.objects.filter(
            program=program, mentee=enrolment.person, status=MentorshipStatus.ACTIVE
        ).exists():
            raise BalikError(
                _("You already have a mentor in this programme."), code="already_matched"
            )
        if MatchRequest.objects.filter(
            program=program, mentee=enrolment.person, status=RequestStatus.PENDING
        ).exists():
            raise already_asked
        try:
            with transaction.atomic():
                created = MatchRequest.objects.create(
                    program=program,
                    mentee=enrolment.person,
                    mentor=suggestion.mentor,
                    message=(message or "").strip(),
                    score=suggestion.score,
                    reasons=suggestion.reasons,
                )
        except IntegrityError:
            raise already_asked from None
        _notify(notices.write_request_notice, created)
    return created


def request_answer(
    user: User, match_request: MatchRequest, *, accept: bool, reason: str = ""
) -> MatchRequest:
    """The mentor accepts (if a place is still free) or declines a request.

    Capacity holds under concurrent accepts and publishing: the enrolment rows of the mentor
    and the mentee are locked (by pk, as `run_publish` locks them) while the active mentorships are
    counted and the new one is written.
    """
    if match_request.mentor.user_id != user.pk:
        raise PermissionRefused(_("Only the mentor who was asked can answer."))
    if problem := long_text_problem(reason or ""):
        raise ValidationFailed({"reason": [problem]})
    with transaction.atomic():
        locked = {
            e.person_id: e
            for e in Enrolment.objects.select_for_update()
            .filter(
                program=match_request.program,
                person_id__in=(match_request.mentor_id, match_request.mentee_id),
            )
            .order_by("pk")
        }
        enrolment = locked.get(match_request.mentor_id)
        fresh = MatchRequest.objects.select_for_update().get(pk=match_request.pk)
        if fresh.status != RequestStatus.PENDING:
            raise BalikError(_("This request was already answered."), code="answered")
        fresh.decided_at = timezone.now()
        if not accept:
            fresh.status = RequestStatus.DECLINED
            fresh.decline_reason = (reason or "").strip()[:1000]
            fresh.save(update_fields=["status", "decline_reason", "decided_at"])
            _notify(notices.write_answer_notice, fresh)
            return fresh
        if enrolment is None or enrolment.status != EnrolmentStatus.ACTIVE:
            raise BalikError(
                _("You are no longer enrolled in this programme."), code="not_enrolled"
            )
        taken = Mentorship.objects.filter(
            program=fresh.program, mentor=fresh.mentor, status=MentorshipStatus.ACTIVE
        ).count()
        if taken >= enrolment.capacity:
            raise BalikError(
                _("All your places are taken; decline the request or ask the manager for more."),
                code="no_capacity",
            )
        if Mentorship.objects.filter(
            program=fresh.program, mentee=fresh.mentee, status=MentorshipStatus.ACTIVE
        ).exists():
            raise BalikError(_("This mentee already has a mentor."), code="already_matched")
        mentorship = Mentorship.objects.create(
            program=fresh.program,
            mentor=fresh.mentor,
            mentee=fresh.mentee,
            score=fresh.score,
            reasons=fresh.reasons,
            origin=MentorshipOrigin.REQUESTED,
            created_by=user,
        )
        agreements_start([mentorship])
        fresh.status = RequestStatus.ACCEPTED
        fresh.save(update_fields=["status", "decided_at"])
        _notify(notices.write_answer_notice, fresh)
    return fresh


def request_withdraw(user: User, match_request: MatchRequest) -> MatchRequest:
    if match_request.mentee.user_id != user.pk:
        raise PermissionRefused(_("Only the mentee who asked can withdraw the request."))
    updated = MatchRequest.objects.filter(pk=match_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise BalikError(_("This request was already answered."), code="answered")
    match_request.refresh_from_db()
    return match_request
