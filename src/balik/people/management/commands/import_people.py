"""`balik import-people FILE [--dry-run] [--json]`: the people CSV, from the command line."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balik.people.importing import ImportReport, RowError, run_import


class Command(BaseCommand):
    help = (
        "Import or update people from a CSV file (UTF-8, comma or semicolon separated, header "
        "row; see DESIGN.md). A file with any bad row writes nothing. Exit code 0 on success, "
        "1 on rejected input."
    )
    # Django's system checks load every URL and with them the whole site (SciPy included):
    # two seconds of each import, for nothing the import uses. `balik check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The people CSV file."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would change, without writing anything."),
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("Print one JSON object: created, updated, unchanged, errors, warnings."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            report = ImportReport(
                ok=False,
                errors=[
                    RowError(
                        0,
                        "",
                        str(path),
                        _("The file %(path)s cannot be read (%(reason)s). Check the path.")
                        % {"path": path, "reason": error.strerror or error},
                    )
                ],
            )
        else:
            report = run_import(
                content=content, actor=None, dry_run=options["dry_run"], file_name=path.name
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self._print_report(report, dry_run=options["dry_run"])
        if report.errors:
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)d problem in %(file)s.",
                    "Nothing was imported: %(count)d problems in %(file)s.",
                    len(report.errors),
                )
                % {"count": len(report.errors), "file": path},
                returncode=1,
            )

    def _print_report(self, report: ImportReport, *, dry_run: bool) -> None:
        if report.ok:
            if dry_run:
                heading = _(
                    "Dry run, nothing written. Would create %(created)d, update "
                    "%(updated)d, leave %(unchanged)d unchanged."
                )
            else:
                heading = _("Created %(created)d, updated %(updated)d, unchanged %(unchanged)d.")
            self.stdout.write(
                self.style.SUCCESS(
                    heading
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    }
                )
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("warning: ") + _describe(warning)))
        for error in report.errors:
            self.stdout.write(self.style.ERROR(_describe(error)))


def _describe(problem: RowError) -> str:
    return _("line %(line)d, column %(column)s, value %(value)s: %(reason)s") % {
        "line": problem.line,
        "column": problem.column or "-",
        "value": problem.value or "-",
        "reason": problem.reason,
    }
