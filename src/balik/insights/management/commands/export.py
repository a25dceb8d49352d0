"""`balik export PROGRAM --what {pairs,sessions,feedback,outcomes} --format {csv,xlsx} [-o FILE]`

One table of a programme for HR, safe to open in a spreadsheet."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from balik.core.errors import NotFound
from balik.insights.exports import FORMATS, WHAT, export
from balik.programs.services import get_program


class Command(BaseCommand):
    help = "Export a programme's pairs, sessions, feedback or outcomes as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help=_("The programme's slug."))
        parser.add_argument("--what", required=True, choices=WHAT)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="file_format")
        parser.add_argument(
            "-o", "--output", help=_("The file to write; standard output if left out.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = get_program(options["program"])
        except NotFound as missing:
            raise CommandError(f"{options['program']}: {missing.message}") from None
        content, _name, _content_type = export(program, options["what"], options["file_format"])
        target = options.get("output")
        if not target:
            sys.stdout.buffer.write(content)
            return
        try:
            Path(target).write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s (%(reason)s).")
                % {"path": target, "reason": error.strerror}
            ) from None
        self.stderr.write(_("Wrote %(name)s.") % {"name": target})
