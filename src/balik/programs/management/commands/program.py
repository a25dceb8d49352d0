"""`balik program create --name NAME --kind KIND [--template SLUG] [--slug SLUG]`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from balik.core.errors import ValidationFailed
from balik.programs import services
from balik.programs.catalog import TEMPLATES_BY_SLUG
from balik.programs.models import ProgramKind


class Command(BaseCommand):
    help = "Create a programme (prints its slug), optionally from a ready template."

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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = services.create_program(
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
