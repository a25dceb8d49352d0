"""Background work for matching: large programmes are matched by `balik worker`."""

from django_tasks import task

from balik.matching.models import MatchRun, RunStatus


@task()
def run_matching(run_id: int) -> str:
    from balik.matching.services import execute_run

    run = MatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return "skipped"
    return execute_run(run).status
