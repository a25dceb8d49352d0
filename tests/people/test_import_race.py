"""Two imports of the same new people at the same moment: one writes them, the other is told
"the directory changed while the file was being imported" and writes nothing. On PostgreSQL the
rows go in by COPY, which bypasses Django's error wrapping: the loser got a raw psycopg error (a
traceback on the command line, a 500 on the web)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from balik.people.importing import run_import
from balik.people.models import Person
from tests.concurrency import REFUSED_BY_THE_DATABASE, at_once

PEOPLE = 300
CHANGED = "directory changed while the file was being imported"


def people_file() -> bytes:
    rows = [f"racer{n}@example.id,Racer {n},Analyst,Data,3" for n in range(PEOPLE)]
    return ("email,full_name,job_title,department,seniority_level\n" + "\n".join(rows)).encode()


def assert_written_once(outcomes: list[str]) -> None:
    allowed = {"applied", "changed"}
    if connection.vendor == "sqlite":
        allowed.add(REFUSED_BY_THE_DATABASE)
    assert set(outcomes) <= allowed, outcomes
    assert "applied" in outcomes or connection.vendor == "sqlite"
    assert Person.objects.filter(user__email__startswith="racer").count() in (0, PEOPLE)
    if "applied" in outcomes:
        assert Person.objects.filter(user__email__startswith="racer").count() == PEOPLE


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_the_losing_import_is_told_to_run_it_again(round_):
    content = people_file()

    def run() -> str:
        report = run_import(content=content, actor=None, dry_run=False)
        if report.applied:
            return "applied"
        assert [CHANGED in error.reason for error in report.errors] == [True], report.errors
        return "changed"

    assert_written_once(at_once([run, run]))


@pytest.mark.django_db(transaction=True)
def test_the_losing_command_exits_1_without_a_traceback(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(people_file())

    def run() -> str:
        out, err = StringIO(), StringIO()
        try:
            call_command("import_people", str(path), stdout=out, stderr=err)
        except CommandError as refused:
            assert refused.returncode == 1
            assert CHANGED in out.getvalue() + err.getvalue(), out.getvalue()
            return "changed"
        return "applied"

    assert_written_once(at_once([run, run]))


@pytest.mark.django_db(transaction=True)
def test_the_losing_web_upload_is_told_to_run_it_again(org_admin):
    """Two admins upload the same file and confirm their previews at the same moment."""
    from django.test import Client
    from django.urls import reverse

    from balik.people.importing import people_import_create

    imports = [
        people_import_create(content=people_file(), file_name="people.csv", actor=org_admin.user)[0]
        for _ in range(2)
    ]
    clients = [Client() for _ in imports]
    for client in clients:
        client.force_login(org_admin.user)
    turn = iter(range(2))
    lock = threading.Lock()

    def run() -> str:
        with lock:
            index = next(turn)
        address = reverse("people:import_preview", args=[imports[index].pk])
        response = clients[index].post(address, follow=True)
        assert response.status_code == 200
        page = response.content.decode()  # not response.context: shared between threads
        if "Import done" in page:
            return "applied"
        assert CHANGED in page, page
        return "changed"

    assert_written_once(at_once([run, run]))
