"""`balik demo`: load the demo organisation (idempotent), or write its people CSV."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balik.demo.club import load_demo_club
from balik.demo.people import (
    COMPANY_NAME,
    DEMO_PASSWORD,
    DEPARTMENTS,
    DemoLoadError,
    DemoSummary,
    demo_csv,
    describe,
    generate_people,
    load_demo,
)
from balik.demo.programmes import load_demo_programmes, load_running_programme

GENERATION_LABELS = {
    "boomer": "Boomer",
    "gen_x": "Gen X",
    "millennial": "Millennial",
    "gen_z": "Gen Z",
}


class Command(BaseCommand):
    help = (
        f"Load the demo organisation {COMPANY_NAME}: about 300 people in {len(DEPARTMENTS)} "
        "departments, "
        "the skill taxonomy, bios, weekly availability and four demo logins (password "
        f"'{DEMO_PASSWORD}'). Safe to run again: it updates the same people, replaces their "
        "availability and resets the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write-csv",
            metavar="PATH",
            help=(
                "Write the demo people CSV (the People CSV format that import-people and the "
                "upload page take) to PATH, or to standard output if PATH is '-', and stop: "
                "the database is not touched."
            ),
        )

    def handle(self, *args: object, **options: object) -> None:
        target = options.get("write_csv")
        if target:
            self._write_csv(str(target))
            return
        try:
            summary = load_demo()
        except DemoLoadError as error:
            raise CommandError(str(error)) from error
        programmes = load_demo_programmes()
        running = load_running_programme()
        if running is not None:
            programmes.append(running)
        club = load_demo_club()
        self._print_summary(summary)
        for program in programmes:
            enrolled = program.enrolments.filter(status="active").count()
            self.stdout.write(
                f"  Programme: {program.name} ({program.kind}, {program.status}, "
                f"{enrolled} enrolled) at /programs/{program.slug}/"
            )
        if club is not None:
            self.stdout.write(
                f"  Mentorship Club: {club.mentors} mentors, {club.offerings} topics, "
                f"{club.held} sessions held, {club.upcoming} upcoming at /club/"
            )

    def _write_csv(self, target: str) -> None:
        people = generate_people()
        content = demo_csv(people)
        if target == "-":
            sys.stdout.write(content)
            return
        path = Path(target)
        try:
            path.write_text(content, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        summary = describe(people)
        self.stdout.write(
            f"Wrote {summary.people} people in {summary.departments} departments to {path}."
        )

    def _print_summary(self, summary: DemoSummary) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Loaded the demo organisation {COMPANY_NAME}."))
        out.write(f"  Skills in the taxonomy: {summary.skills_in_taxonomy}")
        out.write(
            f"  People: {summary.people} (created {summary.created}, updated {summary.updated}, "
            f"unchanged {summary.unchanged})"
        )
        out.write(f"  Departments: {summary.departments}")
        generations = ", ".join(
            f"{label} {summary.generations.get(band, 0)}"
            for band, label in GENERATION_LABELS.items()
        )
        out.write(f"  Generations: {generations}")
        out.write(f"  Weekly availability slots: {summary.availability_slots}")
        out.write("")
        out.write("Demo logins:")
        rows = [("Email", "Password", "Role")]
        rows += [(login.email, DEMO_PASSWORD, login.role_label) for login in summary.logins]
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        for email, password, role in rows:
            out.write(f"  {email:<{widths[0]}}  {password:<{widths[1]}}  {role}")
