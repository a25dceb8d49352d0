"""`balik import-people FILE [--dry-run] [--json]`: output, exit codes, and the JSON contract."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from balik.people.models import Person

pytestmark = pytest.mark.django_db

GOOD = "email,full_name,seniority_level\nsiti@example.id,Siti,3\nbudi@example.id,Budi,5\n"
BAD = "email,full_name,seniority_level\nsiti@example.id,Siti,3\nnope,Budi,11\n"
CONTRACT_KEYS = {"created", "updated", "unchanged", "errors", "warnings"}


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str | bytes, name: str = "people.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    return write


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("import_people", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_it_imports_and_prints_the_counts(csv_file):
    output, code = run(csv_file(GOOD))
    assert code == 0
    assert "Created 2, updated 0, unchanged 0." in output
    assert Person.objects.count() == 2


def test_it_prints_each_error_with_line_column_and_value_and_exits_1(csv_file):
    output, code = run(csv_file(BAD))
    assert code == 1
    assert "line 3, column email, value nope: " in output
    assert "line 3, column seniority_level, value 11: " in output
    assert Person.objects.count() == 0


def test_json_prints_exactly_the_contract(csv_file):
    output, code = run(csv_file(GOOD), "--json")
    assert code == 0
    payload = json.loads(output)
    assert set(payload) == CONTRACT_KEYS
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (2, 0, 0)
    assert payload["errors"] == []
    output, code = run(csv_file(GOOD), "--json")
    assert json.loads(output)["unchanged"] == 2


def test_json_lists_every_error_and_exits_1(csv_file):
    output, code = run(csv_file(BAD), "--json")
    assert code == 1
    payload = json.loads(output)  # stdout holds the JSON object and nothing else
    assert set(payload) == CONTRACT_KEYS
    assert [(e["line"], e["column"], e["value"]) for e in payload["errors"]] == [
        (3, "email", "nope"),
        (3, "seniority_level", "11"),
    ]
    assert all(set(error) == {"line", "column", "value", "reason"} for error in payload["errors"])


def test_a_line_break_in_a_name_is_reported_on_one_line_and_exits_1(csv_file):
    path = csv_file('email,full_name\nsiti@example.id,"Siti\nBcc: x@example.com"\n')
    output, code = run(path)
    assert code == 1
    [line] = [line for line in output.splitlines() if "full_name" in line]
    assert "line 2, column full_name, value Siti\\nBcc: x@example.com: " in line
    output, code = run(path, "--json")
    [error] = json.loads(output)["errors"]
    assert (error["line"], error["column"]) == (2, "full_name")
    assert Person.objects.count() == 0


def test_dry_run_writes_nothing(csv_file):
    output, code = run(csv_file(GOOD), "--dry-run")
    assert code == 0
    assert "Dry run" in output and "Would create 2" in output
    assert Person.objects.count() == 0
    output, code = run(csv_file(GOOD), "--dry-run", "--json")
    assert json.loads(output)["created"] == 2
    assert Person.objects.count() == 0


def test_a_missing_file_is_rejected_with_a_clear_message(tmp_path):
    output, code = run(str(tmp_path / "missing.csv"), "--json")
    assert code == 1
    [error] = json.loads(output)["errors"]
    assert "cannot be read" in error["reason"] and "missing.csv" in error["reason"]


def balik(*args: str, cwd) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "balik.test_settings"}
    environment["DATABASE_URL"] = f"sqlite:///{cwd}/never-created.sqlite3"
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "balik", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_balik_command_exits_1_on_a_missing_or_unreadable_file(tmp_path):
    missing = balik("import-people", str(tmp_path / "nope.csv"), cwd=tmp_path)
    assert missing.returncode == 1
    assert "nope.csv cannot be read" in missing.stdout
    latin = tmp_path / "latin.csv"
    latin.write_bytes("email,full_name\na@example.id,Andr\u00e9\n".encode("latin-1"))
    not_utf8 = balik("import-people", str(latin), "--json", cwd=tmp_path)
    assert not_utf8.returncode == 1
    payload = json.loads(not_utf8.stdout)
    assert set(payload) == CONTRACT_KEYS
    assert payload["errors"][0]["line"] == 2


def test_json_and_text_show_a_future_hire_date_as_a_warning(csv_file):
    starts = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    path = csv_file(f"email,full_name,hire_date\nbaru@example.id,Karyawan Baru,{starts}\n")
    output, code = run(path, "--dry-run", "--json")
    assert code == 0
    payload = json.loads(output)
    assert payload["errors"] == []
    [warning] = payload["warnings"]
    assert set(warning) == {"line", "column", "value", "reason"}
    assert (warning["line"], warning["column"], warning["value"]) == (2, "hire_date", starts)
    output, code = run(path)
    assert code == 0
    assert f"warning: line 2, column hire_date, value {starts}: " in output
    assert Person.objects.get().hire_date.isoformat() == starts
