"""`balik worker`: background work. Each round creates the reminders due, delivers the e-mails
due one message at a time, and runs the queued tasks (large matching runs), then sleeps.

Safe to run several: each reminder is created once and each e-mail claimed by one worker.
A worker killed outright leaves its message `sending` and its task `RUNNING`; another worker (or
this one, restarted) takes them again once the e-mail's lease or the task's timeout has passed.

SIGTERM or SIGINT stops it cleanly: the message or task in hand is finished, nothing new is
started, the sleep between rounds ends at once, and it exits with code 0 (docs/delivery.md)."""

import logging
import signal
import time
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from balik.notifications.services import emails_deliver, worker_name
from balik.site.reminders import sweep

logger = logging.getLogger(__name__)
# The sleep between rounds is cut in slices this long, each ending early on a stop signal.
SLEEP_SLICE = 0.2


def requeue_abandoned_tasks() -> int:
    """Tasks still RUNNING long after they started lost their worker (killed while running):
    make them READY again so a worker runs them. Our tasks are safe to run twice (a matching
    run starts again from its inputs)."""
    cutoff = timezone.now() - timedelta(seconds=settings.BALIK_TASK_TIMEOUT_SECONDS)
    requeued = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)
    if requeued:
        logger.warning("requeued %s task(s) left running by a stopped worker", requeued)
    return requeued


class Command(BaseCommand):
    help = (
        "Run Balik's background work until stopped: reminders, e-mails, queued tasks. Work "
        "that fell due while no worker ran is done on start. SIGTERM or Ctrl-C finishes the "
        "message or task in hand and stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between rounds (default 30)."
        )
        parser.add_argument(
            "--once", action="store_true", help="Do one round, then stop (for cron or tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        self.stopping = False
        self.name = worker_name()
        self.tasks = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.name[:64],
            excluded_queue_names=[],
        )
        previous = {
            number: signal.signal(number, self.stop) for number in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write("balik worker: started; SIGTERM or Ctrl-C stops it")
        self.stdout.flush()
        try:
            while not self.stopping:
                self.round()
                if options["once"]:
                    return
                self.sleep(options["interval"])
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Finish what is in hand, start nothing new: asked between messages and tasks."""
        logger.warning("%s: finishing the work in hand, then stopping", signal.strsignal(signum))
        self.stopping = True
        self.tasks.running = False

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(SLEEP_SLICE, left))

    def round(self) -> None:
        """Reminders, then e-mails, then the queued tasks; each step skipped once asked to stop."""
        close_old_connections()
        requeue_abandoned_tasks()
        if not self.stopping:
            sweep()
        if not self.stopping:
            emails_deliver(worker=self.name, should_stop=lambda: self.stopping)
        if not self.stopping and self.uses_task_database():
            self.tasks.running = True
            self.tasks.run()
        close_old_connections()

    @staticmethod
    def uses_task_database() -> bool:
        return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
