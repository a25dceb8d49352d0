"""Running a match: the engine on a programme's input, its result stored as the proposal.

Apart from `services` (which starts runs) so that the worker's task can run one without a
cycle: `services` imports `tasks`, and `tasks` and `services` both import this module.
"""

import logging

from django.db import transaction
from django.utils import timezone

from balik.matching import engine
from balik.matching.explain import stored_fact
from balik.matching.inputs import ProgramInput, build_program_input
from balik.matching.models import LIVE_RUN_STATUSES, MatchRun, ProposedPair, RunStatus

logger = logging.getLogger(__name__)


def _set_stage(run: MatchRun, stage: str, progress: int) -> None:
    """Record progress, which is also the run's sign of life (see `_is_abandoned`)."""
    run.stage, run.progress = stage, progress
    MatchRun.objects.filter(pk=run.pk, status__in=LIVE_RUN_STATUSES).update(
        stage=stage, progress=progress, heartbeat_at=timezone.now()
    )


def execute_run(run: MatchRun) -> MatchRun:
    """Match the programme and store the proposal on `run` (any earlier proposal is replaced).

    A run that was declared dead meanwhile (its worker was only slow) is left as it is.
    """
    started = MatchRun.objects.filter(pk=run.pk, status__in=LIVE_RUN_STATUSES).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not started:
        run.refresh_from_db()
        return run
    run.status = RunStatus.RUNNING
    try:
        _set_stage(run, "inputs", 10)
        program_input = build_program_input(run.program)
        _set_stage(run, "solve", 35)
        result = engine.match(program_input.match_input)
        _set_stage(run, "storing", 85)
        _store_result(run, program_input, result)
    except Exception as failure:
        logger.exception("matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            error=f"{type(failure).__name__}: {failure}",
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
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
        current = MatchRun.objects.select_for_update().filter(pk=run.pk).first()
        if current is None or current.status != RunStatus.RUNNING:
            # declared dead while it worked: a newer run has the programme now
            logger.warning("matching run %s was stopped meanwhile; its result is dropped", run.pk)
            run.refresh_from_db()
            return
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
        run.finished_at = run.heartbeat_at = timezone.now()
        run.save()
