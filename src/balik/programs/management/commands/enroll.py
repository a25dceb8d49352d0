"""`balik enroll PROGRAM FILE.csv [--json]`: enrol people from a CSV (all rows, or none)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from balik.core.errors import NotFound
from balik.programs import services


class Command(BaseCommand):
    help = (
        "Enrol people in a programme from a CSV with the columns email, role (mentor, mentee or "
        "both), capacity, goals. A file with any bad row enrols nobody."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help=_("The programme's slug."))
        parser.add_argument("file", help=_("The CSV file."))
        parser.add_argument("--json", action="store_true", help=_("Print one JSON object."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = services.get_program(options["program"])
        except NotFound as missing:
            raise CommandError(f"{options['program']}: {missing.message}") from None
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            report = services.EnrolReport(
                errors=[
                    {
                        "line": 0,
                        "column": "",
                        "value": str(path),
                        "reason": _("The file cannot be read (%(reason)s).")
                        % {"reason": error.strerror},
                    }
                ]
            )
        else:
            report = services.enrolments_import_csv(None, program, content=content)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            for error in report.errors:
                self.stderr.write(_("line %(line)s, %(column)s (%(value)s): %(reason)s") % error)
            if not report.errors:
                self.stdout.write(
                    _("%(new)d enrolled, %(updated)d updated.")
                    % {"new": report.enrolled, "updated": report.updated}
                )
        if report.errors:
            raise CommandError(
                _("Nothing was enrolled: %(n)d problems.") % {"n": len(report.errors)}, returncode=1
            )
