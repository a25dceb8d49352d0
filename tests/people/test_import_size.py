"""File size: the command line reads files of any size; the web upload stops at
BALIK_IMPORT_MAX_MB (default 50), streams big uploads to a temporary file, and refuses a bigger
file with a message that names the limit (never a 400 or a 500)."""

import io
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from balik.people.importing import run_import
from balik.people.models import PeopleImport, Person
from balik.programs.models import Enrolment
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def padded_csv(size: int) -> bytes:
    """A file of exactly `size` bytes: people with long notes in a column Balik ignores (each
    cell under the CSV reader's 128 KB field limit)."""
    lines, total, number = [b"email,full_name,notes\n"], 22, 0
    while total < size:
        head = f"p{number}@example.id,Person {number},".encode()
        pad = min(100_000, size - total - len(head) - 1)
        line = head + b"x" * max(pad, 1) + b"\n"
        lines.append(line)
        total += len(line)
        number += 1
    content = b"".join(lines)
    assert len(content) == size
    return content


def people_in(content: bytes) -> int:
    return content.count(b"\n") - 1


def upload(client, content: bytes, name: str = "people.csv"):
    return client.post(
        reverse("people:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_the_web_upload_limit_is_50_mb_by_default(settings, admin_client_):
    assert settings.BALIK_IMPORT_MAX_MB == 50
    assert settings.BALIK_IMPORT_MAX_BYTES == 50 * MB
    page = admin_client_.get(reverse("people:import")).content.decode()
    assert "50.0\xa0MB" in page


def test_the_importer_behind_the_command_line_has_no_size_limit(settings):
    settings.BALIK_IMPORT_MAX_BYTES = 1024
    report = run_import(content=padded_csv(4096), actor=None, dry_run=False)
    assert report.errors == [] and report.created == 1


def test_balik_import_people_reads_a_file_over_the_web_limit(settings, tmp_path):
    settings.BALIK_IMPORT_MAX_BYTES = 1024
    path = tmp_path / "people.csv"
    path.write_bytes(padded_csv(4096))
    out = io.StringIO()
    call_command("import_people", str(path), stdout=out)
    assert "Created 1," in out.getvalue()
    assert Person.objects.filter(user__email="p0@example.id").exists()


def test_balik_enroll_reads_a_file_over_the_web_limit(settings, tmp_path, program_manager):
    settings.BALIK_IMPORT_MAX_BYTES = 1024
    program = enrolling_program(program_manager, kind="classic")
    PersonFactory(user__email="one@example.id")
    path = tmp_path / "enrolment.csv"
    goals = "g" * 1500
    path.write_text(f"email,role,goals\none@example.id,mentor,{goals}\n")
    call_command("enroll", program.slug, str(path), stdout=io.StringIO())
    assert Enrolment.objects.get().role == "mentor"


def test_a_20_mb_file_is_uploaded_through_a_temporary_file_and_previewed(admin_client_):
    content = padded_csv(20 * MB)
    response = upload(admin_client_, content)
    assert response.status_code == 302, response.content[:2000]
    people_import = PeopleImport.objects.get()
    assert people_import.summary["errors"] == []
    assert people_import.summary["created"] == people_in(content)
    assert len(people_import.content) == 20 * MB


def test_uploads_over_the_memory_size_go_to_a_temporary_file(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < settings.BALIK_IMPORT_MAX_BYTES
    small = SimpleUploadedFile("small.csv", b"email,full_name\n")
    big = SimpleUploadedFile("big.csv", padded_csv(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1))
    small_request = RequestFactory().post("/people/import/", {"file": small})
    assert isinstance(small_request.FILES["file"], InMemoryUploadedFile)
    big_request = RequestFactory().post("/people/import/", {"file": big})
    assert isinstance(big_request.FILES["file"], TemporaryUploadedFile)
    assert big_request.FILES["file"].size == settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1


def test_an_upload_over_the_limit_is_counted_but_never_stored(settings):
    settings.BALIK_IMPORT_MAX_BYTES = 1 * MB
    content = padded_csv(3 * MB)
    request = RequestFactory().post(
        "/people/import/",
        {"file": SimpleUploadedFile("huge.csv", content), "note": "after the file"},
    )
    uploaded = request.FILES["file"]
    assert uploaded.size == len(content)  # the whole size, to say how much too big it is
    assert uploaded.read() == b""  # but not one byte kept, in memory or on disk
    assert request.POST["note"] == "after the file"  # the fields after it still arrive


def test_a_file_over_the_limit_is_refused_with_a_message_naming_the_limit(settings, admin_client_):
    settings.BALIK_IMPORT_MAX_BYTES = 1 * MB
    response = upload(admin_client_, padded_csv(3 * MB // 2))
    assert response.status_code == 422
    page = response.content.decode()
    assert "1.5\xa0MB" in page and "the limit is 1.0\xa0MB" in page
    assert "balik import-people" in page
    assert not PeopleImport.objects.exists()


def test_an_enrolment_upload_over_the_limit_is_refused_with_the_limit(
    settings, client, program_manager
):
    settings.BALIK_IMPORT_MAX_BYTES = 1 * MB
    program = enrolling_program(program_manager, kind="classic")
    client.force_login(program_manager.user)
    big = SimpleUploadedFile("enrolment.csv", b"email,role\n" + b"x" * (2 * MB))
    response = client.post(
        reverse("programs:participants", args=[program.slug]), {"action": "csv", "file": big}
    )
    assert response.status_code == 200
    assert "the limit is 1.0\xa0MB" in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "BALIK_IMPORT_MAX_MB must be a whole number of megabytes from 1 to 10240"),
        ("-5", "BALIK_IMPORT_MAX_MB must be a whole number of megabytes from 1 to 10240"),
        ("ten", "BALIK_IMPORT_MAX_MB must be a whole number"),
        ("2.5", "BALIK_IMPORT_MAX_MB must be a whole number"),
    ],
)
def test_a_bad_balik_import_max_mb_stops_balik_at_start(tmp_path, value, message):
    environment = {
        "PATH": os.environ["PATH"],
        "BALIK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "size-test-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": f"sqlite:///{tmp_path}/never-created.sqlite3",
        "BALIK_IMPORT_MAX_MB": value,
    }
    result = subprocess.run(
        [sys.executable, "-m", "balik", "check"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert repr(value) in result.stderr or value in result.stderr


def test_a_file_just_over_the_limit_shows_a_size_that_differs_from_the_limit(
    settings, admin_client_
):
    """filesizeformat rounds 10 MB and 1 byte to "10.0 MB": the message read "the file is
    10.0 MB; the limit is 10.0 MB"."""
    settings.BALIK_IMPORT_MAX_BYTES = 10 * MB
    response = upload(admin_client_, padded_csv(10 * MB + 1))
    assert response.status_code == 422
    page = response.content.decode()
    assert "The file is 10,485,761 bytes; the limit is 10,485,760 bytes" in page
    assert not PeopleImport.objects.exists()
