"""`balik worker`: run background tasks (large matching runs, e-mail) from the database queue."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run Balik's background tasks from the database queue until stopped. Start one or "
        "more beside `balik serve`; tasks queued while no worker ran are picked up on start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of the queue."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued, then stop (for cron)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
