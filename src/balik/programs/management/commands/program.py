"""`balik program create --name NAME --kind KIND [--template SLUG] [--slug SLUG]` and
`balik program status PROGRAM [STATUS]` (show the status, or move the programme)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from balik.core.errors import BalikError, NotFound, ValidationFailed
from balik.programs import services
from balik.programs.catalog import TEMPLATES_BY_SLUG
from balik.programs.models import Program, ProgramKind, ProgramStatus


class Command(BaseCommand):
    help = (
        "Create a programme (prints its slug), optionally from a ready template; show a "
        "programme's status or move it (draft, enrolling, matching, active, closed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("Create a draft programme."))
        create.add_argument("--name", required=True, help=_("The programme's name."))
        create.add_argument("--kind", required=True, choices=ProgramKind.values)
        create.add_argument("--template", choices=sorted(TEMPLATES_BY_SLUG), default=None)
        create.add_argument(
            "--slug", default=None, help=_("Its web address; made from the name if left out.")
        )
        create.add_argument("--json", action="store_true", help=_("Print one JSON object."))
        status = actions.add_parser(
            "status", help=_("Print a programme's status, or move it to another.")
        )
        status.add_argument("program", help=_("The programme's slug."))
        # Not argparse `choices`: a wrong name is refused by the service, with the same
        # translated reason and exit code 1 as a move the life cycle does not allow.
        status.add_argument(
            "status",
            nargs="?",
            default=None,
            help=_("The status to move to: %(choices)s.")
            % {"choices": ", ".join(ProgramStatus.values)},
        )
        status.add_argument("--json", action="store_true", help=_("Print one JSON object."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self._status(options)
        else:
            self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        try:
            program = services.program_create(
                None,
                name=options["name"],
                kind=options["kind"],
                template=options["template"],
                slug=options["slug"],
            )
        except ValidationFailed as failure:
            problems = "; ".join(
                f"--{field}: {' '.join(msgs)}" for field, msgs in failure.errors.items()
            )
            raise CommandError(problems) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"slug": program.slug, "id": program.pk, "kind": program.kind})
            )
        else:
            self.stdout.write(program.slug)

    def _status(self, options: dict[str, Any]) -> None:
        slug, target = options["program"], options["status"]
        try:
            program = services.get_program(slug)
            if target is not None:
                before = program.get_status_display()
                services.program_change_status(None, program, status=target)
        except NotFound as missing:
            raise CommandError(f"{slug}: {missing.message}", returncode=1) from None
        except BalikError as refused:
            raise CommandError(f"{slug}: {refused.message}", returncode=1) from None
        if options["json"]:
            self.stdout.write(json.dumps(_status_json(program)))
        elif target is None:
            self.stdout.write(program.status)
        else:
            self.stdout.write(program.status)
            self.stderr.write(
                _("%(name)s moved from %(old)s to %(new)s.")
                % {"name": program.name, "old": before, "new": program.get_status_display()}
            )


def _status_json(program: Program) -> dict[str, Any]:
    return {
        "slug": program.slug,
        "status": program.status,
        "next_statuses": list(program.next_statuses()),
    }
