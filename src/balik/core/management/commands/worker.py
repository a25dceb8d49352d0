"""`balik worker`: background work. Each round queues the reminder sweep and e-mail delivery,
then runs every queued task (those, session notices, large matching runs), then sleeps.
Safe to run several: each reminder is created once and each e-mail claimed by one worker."""

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run Balik's background work until stopped: queued tasks, reminders, e-mails. Work "
        "that fell due while no worker ran is done on start."
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
            from django.core.management.base import CommandError

            raise CommandError("--interval must be a positive number of seconds.")
        while True:
            self.round()
            if options["once"]:
                return
            time.sleep(options["interval"])

    def round(self) -> None:
        """Queue this round's reminder sweep and e-mail delivery, then run the whole queue."""
        from balik.mentorships.tasks import deliver_emails, send_reminders

        send_reminders.enqueue()
        deliver_emails.enqueue()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
