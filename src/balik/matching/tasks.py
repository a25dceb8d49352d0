"""Background work for matching: large programmes are matched by `balik worker`."""

from django_tasks import task

from balik.matching.models import MatchRun, RunStatus
from balik.matching.runs import execute_run


@task()
def run_matching(run_id: int) -> str:
    run = MatchRun.objects.select_related("program").filter(pk=run_id).first()
    if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return "skipped"
    return execute_run(run).status
