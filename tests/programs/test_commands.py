"""`balik program create`, `balik enroll` and `balik match` per the contract in DESIGN.md."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

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


# --- `balik program status PROGRAM [STATUS]` -----------------------------------------------------


def status_command(*args: str, language: str = "en") -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `balik program status ...`, in the given language."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override(language):
            call_command("program", "status", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def test_program_status_prints_the_status():
    slug = run("program", "create", "--name", "Leaders learn AI", "--kind", "reverse").strip()
    assert status_command(slug) == (0, "draft\n", "")
    code, out, _err = status_command(slug, "--json")
    assert code == 0
    assert json.loads(out) == {
        "slug": slug,
        "status": "draft",
        "next_statuses": ["enrolling", "closed"],
    }


def test_program_status_moves_along_every_documented_step():
    slug = run("program", "create", "--name", "Cycle", "--kind", "classic").strip()
    # Forward, then each documented step back, then forward again and closed.
    for status in ("enrolling", "matching", "enrolling", "matching", "active", "matching"):
        code, out, _err = status_command(slug, status)
        assert code == 0, out
        assert Program.objects.get(slug=slug).status == status
        assert status_command(slug)[1] == f"{status}\n"
    code, out, _err = status_command(slug, "active", "--json")
    assert (code, json.loads(out)["status"]) == (0, "active")
    assert status_command(slug, "closed")[0] == 0
    assert Program.objects.get(slug=slug).status == ProgramStatus.CLOSED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "matching"),
        ("draft", "active"),
        ("enrolling", "active"),
        ("enrolling", "draft"),
        ("active", "enrolling"),
        ("closed", "enrolling"),
        ("closed", "active"),
        ("draft", "draft"),
    ],
)
def test_program_status_refuses_a_move_the_life_cycle_does_not_allow(start, target):
    program = Program.objects.create(name="Fixed", slug="fixed", kind="classic", status=start)
    code, out, err = status_command("fixed", target)
    assert code == 1
    assert out == ""
    assert "cannot move" in err
    program.refresh_from_db()
    assert program.status == start


def test_program_status_explains_a_refusal_in_the_users_language():
    Program.objects.create(name="Fixed", slug="fixed", kind="classic", status="closed")
    code, _out, err = status_command("fixed", "enrolling", language="id")
    assert code == 1
    assert "tidak bisa diubah dari Ditutup" in err  # the reason, in Indonesian


def test_program_status_refuses_an_unknown_programme_or_status():
    Program.objects.create(name="Known", slug="known", kind="classic")
    code, _out, err = status_command("unknown")
    assert code == 1 and "unknown" in err and "no programme" in err
    code, _out, err = status_command("unknown", "enrolling")
    assert code == 1 and "no programme" in err
    code, _out, err = status_command("known", "open")
    assert code == 1
    assert "“open” is not a programme status" in err
    assert "draft, enrolling, matching, active, closed" in err
    assert Program.objects.get(slug="known").status == ProgramStatus.DRAFT


def test_balik_program_status_exits_1_with_the_reason_on_stderr(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "balik.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/status.sqlite3",
        "BALIK_DATA_DIR": str(tmp_path),
    }

    def balik(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "balik", *args],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert balik("migrate", "--noinput").returncode == 0
    created = balik("program", "create", "--name", "Pilot", "--kind", "peer")
    assert (created.returncode, created.stdout.strip()) == (0, "pilot")
    refused = balik("program", "status", "pilot", "active")
    assert refused.returncode == 1
    assert "cannot move from Draft to Active" in refused.stderr
    assert refused.stdout == ""
    moved = balik("program", "status", "pilot", "enrolling")
    assert moved.returncode == 0, moved.stderr
    shown = balik("program", "status", "pilot")
    assert (shown.returncode, shown.stdout) == (0, "enrolling\n")
