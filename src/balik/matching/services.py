"""Matching a programme: runs, the manager's decisions, publishing, declining, self-match.

The engine (engine.py) is pure and knows nothing of the database; this module feeds it from
the ORM (inputs.py), stores what it proposes, and turns a published proposal into
mentorships. Small programmes are matched in the request; large ones by the worker.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem
from balik.matching import engine
from balik.matching import notify as notices
from balik.matching.explain import stored_fact
from balik.matching.inputs import ProgramInput, build_program_input
from balik.matching.models import (
    MatchRequest,
    MatchRun,
    PairRule,
    PairRuleAction,
    ProposedPair,
    RequestStatus,
    RunStatus,
)
from balik.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from balik.mentorships.services import end_sessions, start_agreements
from balik.people.models import Person
from balik.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramStatus
from balik.programs.services import active_enrolment, require_manager

logger = logging.getLogger(__name__)

SHORTLIST = 5


# --- running --------------------------------------------------------------------------------


def _set_stage(run: MatchRun, stage: str, progress: int) -> None:
    run.stage, run.progress = stage, progress
    MatchRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress)


def execute_run(run: MatchRun) -> MatchRun:
    """Match the programme and store the proposal on `run` (any earlier proposal is replaced)."""
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        _set_stage(run, "inputs", 10)
        program_input = build_program_input(run.program)
        _set_stage(run, "solve", 35)
        result = engine.match(program_input.match_input)
        _set_stage(run, "storing", 85)
        _store_result(run, program_input, result)
    except Exception as failure:
        logger.exception("matching run %s failed", run.pk)
        run.status = RunStatus.FAILED
        run.error = f"{type(failure).__name__}: {failure}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    return run


def _store_result(run: MatchRun, program_input: ProgramInput, result: engine.MatchResult) -> None:
    ids, skills = program_input.person_ids, program_input.skill_ids
    pairs = [
        ProposedPair(
            run=run,
            mentor_id=pair.mentor_id,
            mentee_id=pair.mentee_id,
            score=pair.score,
            components={k: round(float(v), 6) for k, v in pair.components.items()},
            reasons=[stored_fact(fact, ids, skills) for fact in pair.reasons],
            locked=pair.locked,
            broken_rules=list(pair.broken_rules),
        )
        for pair in result.pairs
    ]
    unmatched = [
        {
            "person": int(ids[item.person]),
            "role": item.role,
            "reason": stored_fact(item.reason, ids, skills),
        }
        for item in result.unmatched
    ]
    certificate = result.certificate
    with transaction.atomic():
        MatchRun.objects.filter(program=run.program, status=RunStatus.DONE).exclude(
            pk=run.pk
        ).update(status=RunStatus.SUPERSEDED)
        run.pairs.all().delete()
        ProposedPair.objects.bulk_create(pairs, batch_size=2000)
        run.unmatched = unmatched
        run.participants = program_input.participants
        run.objective = float(result.objective)
        run.upper_bound = float(certificate.upper_bound)
        run.proven_optimal = bool(certificate.proven_optimal)
        run.solver = result.solver[:80]
        run.seconds = float(result.seconds)
        run.candidates = int(result.candidates)
        run.status = RunStatus.DONE
        run.progress = 100
        run.stage = "done"
        run.finished_at = timezone.now()
        run.save()


def start_run(actor: User | None, program: Program, *, in_request: bool | None = None) -> MatchRun:
    """Create a run and match now (small programmes) or hand it to the worker (large ones)."""
    if actor is not None:
        require_manager(actor, program)
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
    if program.match_runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
        raise BalikError(_("A matching run is already in progress."), code="run_in_progress")
    enrolled = program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    if enrolled < 2:
        raise BalikError(_("Enrol at least two people before matching."), code="too_few")
    with transaction.atomic():
        if program.status == ProgramStatus.ENROLLING:
            program.status = ProgramStatus.MATCHING
            program.save(update_fields=["status"])
        run = MatchRun.objects.create(program=program, started_by=actor, participants=enrolled)
    if in_request is None:
        in_request = enrolled <= settings.BALIK_MATCH_IN_REQUEST_LIMIT
    if in_request:
        return execute_run(run)
    from balik.matching.tasks import run_matching

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


def check_pair(program: Program, mentor_id: int, mentee_id: int) -> PairCheck:
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


def set_pair_rule(
    actor: User,
    program: Program,
    mentor_id: int,
    mentee_id: int,
    action: str,
    *,
    confirm_broken_rules: bool = False,
    manual: bool = False,
) -> PairRule:
    """Lock (always pair) or forbid (never pair) two people; kept across re-runs.

    A lock that breaks hard rules is refused until the manager confirms, having seen them.
    """
    require_manager(actor, program)
    if action not in PairRuleAction.values:
        raise ValidationFailed({"action": [_("Choose lock or forbid.")]})
    check = check_pair(program, mentor_id, mentee_id)
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


def clear_pair_rule(actor: User, program: Program, rule_id: int) -> None:
    require_manager(actor, program)
    deleted, _kinds = PairRule.objects.filter(program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFound(_("That lock or forbid no longer exists."))


# --- publishing -----------------------------------------------------------------------------


def publish(actor: User | None, run: MatchRun, *, notify: bool = True) -> list[Mentorship]:
    """Turn a reviewed proposal into mentorships and tell both people of each pair
    (`notify=False` only for loading demo data, where nobody is to be e-mailed)."""
    program = run.program
    if actor is not None:
        require_manager(actor, program)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DONE:
            raise BalikError(
                _("Only a finished, unpublished run can be published."), code="not_publishable"
            )
        active = set(
            Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).values_list(
                "mentor_id", "mentee_id"
            )
        )
        manual = set(
            PairRule.objects.filter(program=program, manual=True).values_list(
                "mentor_id", "mentee_id"
            )
        )
        created = Mentorship.objects.bulk_create(
            [
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
                for pair in run.pairs.all()
                if (pair.mentor_id, pair.mentee_id) not in active
            ]
        )
        start_agreements(created)
        run.status = RunStatus.PUBLISHED
        run.published_at = timezone.now()
        run.save(update_fields=["status", "published_at"])
        if program.status in (ProgramStatus.MATCHING, ProgramStatus.ENROLLING):
            program.status = ProgramStatus.ACTIVE
            program.save(update_fields=["status"])
        ids = [m.pk for m in created]
        if notify:
            _notify_matched(ids)
    return created


def _notify_matched(mentorship_ids: list[int]) -> None:
    """Both people of each new pair, in the publish transaction (one bulk write)."""
    notices.write_match_notices(mentorship_ids)


def _notify(writer: Callable[[Any], int], subject: Any) -> None:
    """Write the notice into the outbox in the caller's transaction; the worker e-mails it."""
    writer(subject)


# --- declining -----------------------------------------------------------------------------


def decline(actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
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
        end_sessions(locked, _("The match was declined."))
        PairRule.objects.filter(
            program=locked.program, mentor=locked.mentor, mentee=locked.mentee
        ).delete()
        _notify(notices.write_decline_notices, locked)
    return locked


def declined_mentorships(program: Program):
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


def shortlist(user: User, program: Program, limit: int = SHORTLIST) -> list[Suggestion]:
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


def request_mentor(user: User, program: Program, mentor_id: int, message: str = "") -> MatchRequest:
    enrolment = _my_enrolment(user, program)
    if Mentorship.objects.filter(
        program=program, mentee=enrolment.person, status=MentorshipStatus.ACTIVE
    ).exists():
        raise BalikError(_("You already have a mentor in this programme."), code="already_matched")
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
    with transaction.atomic():
        if MatchRequest.objects.filter(
            program=program, mentee=enrolment.person, status=RequestStatus.PENDING
        ).exists():
            raise BalikError(
                _("You already asked a mentor; withdraw that request first."), code="pending"
            )
        created = MatchRequest.objects.create(
            program=program,
            mentee=enrolment.person,
            mentor=suggestion.mentor,
            message=(message or "").strip(),
            score=suggestion.score,
            reasons=suggestion.reasons,
        )
        _notify(notices.write_request_notice, created)
    return created


def answer_request(
    user: User, match_request: MatchRequest, *, accept: bool, reason: str = ""
) -> MatchRequest:
    """The mentor accepts (if a place is still free) or declines a request.

    Capacity holds under concurrent accepts: the mentor's enrolment row is locked while the
    active mentorships are counted and the new one is written.
    """
    if match_request.mentor.user_id != user.pk:
        raise PermissionRefused(_("Only the mentor who was asked can answer."))
    if problem := long_text_problem(reason or ""):
        raise ValidationFailed({"reason": [problem]})
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(program=match_request.program, person=match_request.mentor)
            .first()
        )
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
        start_agreements([mentorship])
        fresh.status = RequestStatus.ACCEPTED
        fresh.save(update_fields=["status", "decided_at"])
        _notify(notices.write_answer_notice, fresh)
    return fresh


def withdraw_request(user: User, match_request: MatchRequest) -> MatchRequest:
    if match_request.mentee.user_id != user.pk:
        raise PermissionRefused(_("Only the mentee who asked can withdraw the request."))
    updated = MatchRequest.objects.filter(pk=match_request.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise BalikError(_("This request was already answered."), code="answered")
    match_request.refresh_from_db()
    return match_request
