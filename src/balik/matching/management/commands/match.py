"""`balik match PROGRAM [--json] [--export-scores FILE.csv] [--apply]`."""

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from balik.core.errors import BalikError, NotFound
from balik.matching import engine, services
from balik.matching.explain import Explainer
from balik.matching.inputs import build_program_input
from balik.matching.models import RunStatus
from balik.people.models import Person
from balik.programs.services import get_program


class Command(BaseCommand):
    help = (
        "Match a programme: the optimal pairs under its rules, with reasons. --apply publishes "
        "them (creates the mentorships and e-mails both people) and lists the pairs it skipped "
        "because things changed meanwhile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help=_("The programme's slug."))
        parser.add_argument("--json", action="store_true", help=_("Print one JSON object."))
        parser.add_argument(
            "--export-scores",
            metavar="FILE",
            help=_("Write every candidate pair: mentor,mentee,score,feasible,why_not."),
        )
        parser.add_argument("--apply", action="store_true", help=_("Publish the pairs."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = get_program(options["program"])
            run = services.run_start(None, program, in_request=True)
        except NotFound as missing:
            raise CommandError(f"{options['program']}: {missing.message}") from None
        except BalikError as refused:
            raise CommandError(str(refused.message)) from None
        if run.status != RunStatus.DONE:
            raise CommandError(_("Matching failed: %(error)s") % {"error": run.error})
        if options["export_scores"]:
            self._export_scores(program, Path(options["export_scores"]))
        pairs = list(run.pairs.select_related("mentor", "mentee").order_by("-score", "pk"))
        unmatched_people = Person.objects.in_bulk([u["person"] for u in run.unmatched])
        explainer = Explainer(
            [f for p in pairs for f in p.reasons] + [u["reason"] for u in run.unmatched]
        )
        skipped: list[services.SkippedPair] = []
        if options["apply"]:
            skipped = services.run_publish(None, run).skipped
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "pairs": [
                            {
                                "mentor": p.mentor.email,
                                "mentee": p.mentee.email,
                                "score": round(p.score, 6),
                                "components": p.components,
                                "locked": p.locked,
                                "reasons": [explainer.render(f) for f in p.reasons],
                            }
                            for p in pairs
                        ],
                        "unmatched": [
                            {
                                "email": getattr(unmatched_people.get(u["person"]), "email", ""),
                                "role": u["role"],
                                "reason": explainer.render(u["reason"]),
                            }
                            for u in run.unmatched
                        ],
                        "objective": run.objective,
                        "upper_bound": run.upper_bound,
                        "proven_optimal": run.proven_optimal,
                        "solver": run.solver,
                        "seconds": run.seconds,
                        "applied": bool(options["apply"]),
                        "skipped": [
                            {
                                "mentor": item.mentor.email,
                                "mentee": item.mentee.email,
                                "code": item.code,
                                "reason": item.message,
                            }
                            for item in skipped
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        for p in pairs:
            self.stdout.write(f"{p.score:.3f}  {p.mentor.full_name} -> {p.mentee.full_name}")
            for fact in p.reasons:
                self.stdout.write(f"         {explainer.render(fact)}")
        for u in run.unmatched:
            person = unmatched_people.get(u["person"])
            self.stdout.write(
                _("unmatched %(role)s %(name)s: %(reason)s")
                % {
                    "role": u["role"],
                    "name": getattr(person, "full_name", "?"),
                    "reason": explainer.render(u["reason"]),
                }
            )
        self.stdout.write(
            _(
                "%(pairs)d pairs, %(unmatched)d unmatched, total score %(objective).4f "
                "(%(proof)s), %(seconds).2f s"
            )
            % {
                "pairs": len(pairs),
                "unmatched": len(run.unmatched),
                "objective": run.objective or 0,
                "proof": _("proven optimal")
                if run.proven_optimal
                else _("upper bound %(b).4f") % {"b": run.upper_bound or 0},
                "seconds": run.seconds or 0,
            }
        )
        if options["apply"]:
            self.stdout.write(_("Published."))
        for item in skipped:
            self.stdout.write(
                _("skipped %(mentor)s -> %(mentee)s: %(reason)s")
                % {
                    "mentor": item.mentor.full_name,
                    "mentee": item.mentee.full_name,
                    "reason": item.message,
                }
            )

    def _export_scores(self, program, path: Path) -> None:
        program_input = build_program_input(program)
        emails = dict(
            Person.objects.filter(pk__in=program_input.person_ids).values_list("pk", "user__email")
        )
        try:
            handle = path.open("w", newline="", encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s (%(reason)s).") % {"path": path, "reason": error.strerror}
            ) from None
        with handle:
            writer = csv.writer(handle)
            writer.writerow(["mentor", "mentee", "score", "feasible", "why_not"])
            for row in engine.export_scores(program_input.match_input):
                writer.writerow(
                    [
                        emails[program_input.person_ids[row.mentor]],
                        emails[program_input.person_ids[row.mentee]],
                        f"{row.score:.6f}",
                        "true" if row.feasible else "false",
                        row.why_not,
                    ]
                )
