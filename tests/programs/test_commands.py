"""`balik program create`, `balik enroll` and `balik match` per the contract in DESIGN.md."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from balik.mentorships.models import Mentorship
from balik.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_program_create_prints_the_slug():
    assert run("program", "create", "--name", "Tech Buddies", "--kind", "peer").strip() == (
        "tech-buddies"
    )
    slug = run(
        "program",
        "create",
        "--name",
        "SMT",
        "--kind",
        "reverse",
        "--template",
        "social-media-training",
        "--slug",
        "smt-2027",
    ).strip()
    program = Program.objects.get(slug=slug)
    assert slug == "smt-2027" and program.template == "social-media-training"


def test_program_create_refuses_a_template_of_another_kind():
    with pytest.raises(CommandError, match="--template"):
        run("program", "create", "--name", "X", "--kind", "peer", "--template", "classic")


def test_enroll_json_reports_counts_and_errors(tmp_path, program_manager):
    program = enrolling_program(program_manager, kind="classic")
    PersonFactory(user__email="a@example.id")
    good = tmp_path / "good.csv"
    good.write_text("email,role,capacity,goals\na@example.id,mentor,2,Share\n")
    assert json.loads(run("enroll", program.slug, str(good), "--json")) == {
        "enrolled": 1,
        "updated": 0,
        "errors": [],
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("email,role\na@example.id,boss\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("enroll", program.slug, str(bad), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["errors"][0]["column"] == "role"
    assert Enrolment.objects.get().role == "mentor"


def test_enroll_refuses_control_characters_and_keeps_line_breaks_in_goals(
    tmp_path, program_manager
):
    program = enrolling_program(program_manager, kind="classic")
    PersonFactory(user__email="a@example.id")
    PersonFactory(user__email="b@example.id")
    PersonFactory(user__email="c@example.id")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        b'email,role,capacity,goals\na@example.id,mentor,2,"Share\nwhat I know"\n'
        b'b@example.id,"mentee\x07",,Learn\n'
        b'c@example.id,mentee,,"Learn\x1b[31m"\n'
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("enroll", program.slug, str(bad), "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    # physical lines: the quoted line break in line 2's goals does not shift the others
    assert [(e["line"], e["column"], e["value"]) for e in errors] == [
        (4, "role", "mentee\\x07"),
        (5, "goals", "Learn\\x1b[31m"),
    ]
    assert "U+0007" in errors[0]["reason"]
    assert not Enrolment.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(b'email,role,capacity,goals\na@example.id,mentor,2,"Share\nwhat I know"\n')
    assert json.loads(run("enroll", program.slug, str(good), "--json"))["enrolled"] == 1
    assert Enrolment.objects.get().goals == "Share\nwhat I know"


def test_enroll_refuses_an_unknown_programme(tmp_path):
    with pytest.raises(CommandError, match="nope"):
        run("enroll", "nope", str(tmp_path / "x.csv"))


def test_match_json_export_scores_and_apply(tmp_path, program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    juniors, seniors = reverse_population(program, 3, manager_user=program_manager.user)
    seniors[0].manager = juniors[0]  # a junior managing a senior: a hard rule forbids the pair
    seniors[0].save()
    scores = tmp_path / "scores.csv"
    result = json.loads(run("match", program.slug, "--json", "--export-scores", str(scores)))
    assert len(result["pairs"]) == 3
    assert set(result) >= {"pairs", "unmatched", "objective", "solver", "seconds"}
    pair = result["pairs"][0]
    assert pair["mentor"].endswith("@example.id") and pair["reasons"]
    rows = list(csv.DictReader(scores.open()))
    assert list(rows[0]) == ["mentor", "mentee", "score", "feasible", "why_not"]
    assert len(rows) == 9  # every mentor x mentee pair
    by_pair = {(row["mentor"], row["mentee"]): row for row in rows}
    chained = by_pair[(juniors[0].user.email, seniors[0].user.email)]
    assert chained["feasible"] == "false" and "manager_chain" in chained["why_not"]
    assert all((row["feasible"] == "true") == (row["why_not"] == "") for row in rows)
    assert (juniors[0].user.email, seniors[0].user.email) not in {
        (p["mentor"], p["mentee"]) for p in result["pairs"]
    }
    assert not Mentorship.objects.exists()
    applied = json.loads(run("match", program.slug, "--json", "--apply"))
    assert applied["applied"] is True
    assert Mentorship.objects.count() == 3
    program.refresh_from_db()
    assert program.status == ProgramStatus.ACTIVE
