"""The upload page: org admins only; upload -> preview -> confirm; bad files never get applied."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balik.people.importing import run_import
from balik.people.models import PeopleImport, Person

pytestmark = pytest.mark.django_db

SAMPLE_CSV = Path(__file__).resolve().parents[2] / "src/balik/static/balik/sample-people.csv"
GOOD_CSV = (
    "email,full_name,job_title,manager_email\n"
    "boss@example.id,Boss Besar,Director,\n"
    "staff@example.id,Staf Muda,Analyst,boss@example.id\n"
)


def upload(client, content: bytes | str, name: str = "people.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("people:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("people:import"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_participants_are_refused(participant_client):
    assert participant_client.get(reverse("people:import")).status_code == 403
    assert upload(participant_client, GOOD_CSV).status_code == 403
    people_import = PeopleImport.objects.create(file_name="x.csv", content=GOOD_CSV)
    url = reverse("people:import_preview", args=[people_import.pk])
    assert participant_client.get(url).status_code == 403
    assert participant_client.post(url).status_code == 403
    assert PeopleImport.objects.get().applied_at is None


def test_the_upload_page_explains_the_columns_and_the_limit(admin_client_):
    response = admin_client_.get(reverse("people:import"))
    assert response.status_code == 200
    page = response.content.decode()
    for column in ("manager_email", "seniority_level", "can_teach", "wants_to_learn"):
        assert column in page
    assert "sample-people.csv" in page
    assert "50.0\xa0MB" in page
    assert 'type="file"' in page and "<label" in page
    assert "<script>" not in page.split("<body", 1)[1]
    assert "style=" not in page


def test_upload_preview_confirm_creates_the_people(admin_client_, org_admin):
    response = upload(admin_client_, GOOD_CSV)
    people_import = PeopleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_preview", args=[people_import.pk])
    assert people_import.uploaded_by == org_admin.user
    assert people_import.summary["created"] == 2
    assert Person.objects.count() == 1  # only the admin: nothing is written before confirming

    page = admin_client_.get(response["Location"])
    assert page.status_code == 200
    assert b"staff@example.id" in page.content
    assert b"Import 2 people" in page.content

    done = admin_client_.post(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == reverse("people:import")
    assert b"2 created" in done.content
    staff = Person.objects.get(user__email="staff@example.id")
    assert staff.manager.user.email == "boss@example.id"
    people_import.refresh_from_db()
    assert people_import.applied_at is not None
    assert b"imported: 2 created" in admin_client_.get(reverse("people:import")).content


def test_an_import_cannot_be_applied_twice(admin_client_):
    upload(admin_client_, GOOD_CSV)
    url = reverse("people:import_preview", args=[PeopleImport.objects.get().pk])
    admin_client_.post(url)
    Person.objects.filter(user__email="staff@example.id").update(job_title="Changed since")
    again = admin_client_.post(url, follow=True)
    assert b"already imported" in again.content
    assert Person.objects.get(user__email="staff@example.id").job_title == "Changed since"
    assert b"Import 2 people" not in again.content


def test_a_bad_file_shows_the_error_table_and_cannot_be_confirmed(admin_client_):
    bad = "email,full_name,seniority_level\nok@example.id,Ok,3\nbad-email,Bad,11\n"
    response = upload(admin_client_, bad, name="bad.csv")
    url = response["Location"]
    page = admin_client_.get(url).content.decode()
    assert "Fix the file and upload it again" in page
    assert 'class="row-error"' in page
    assert "bad-email" in page and "seniority_level" in page
    assert "Import " not in page.split("Problems", 1)[1].split("Upload the fixed file")[1]
    before = Person.objects.count()
    refused = admin_client_.post(url, follow=True)
    assert b"Nothing was imported" in refused.content
    assert Person.objects.count() == before
    assert PeopleImport.objects.get().applied_at is None


def test_a_line_break_in_a_name_is_a_row_error_on_the_upload_page(admin_client_):
    bad = 'email,full_name\nok@example.id,Ok\nbcc@example.id,"Name\nBcc: x@example.com"\n'
    url = upload(admin_client_, bad, name="names.csv")["Location"]
    page = admin_client_.get(url).content.decode()
    assert 'class="row-error"' in page
    assert "Name\\nBcc: x@example.com" in page  # the break shown, not hidden in the table
    assert "line break" in page
    refused = admin_client_.post(url, follow=True)
    assert b"Nothing was imported" in refused.content
    assert not Person.objects.filter(user__email__in=["ok@example.id", "bcc@example.id"]).exists()


def test_confirming_checks_the_file_again_against_the_directory(admin_client_):
    csv = "email,full_name,manager_email\nnew@example.id,New,gone@example.id\n"
    from tests.factories import PersonFactory

    gone = PersonFactory(user__email="gone@example.id")
    url = upload(admin_client_, csv)["Location"]
    gone.user.delete()  # the manager left between preview and confirmation
    response = admin_client_.post(url, follow=True)
    assert b"Nothing was imported" in response.content
    assert b"gone@example.id is not in the file or the directory" in response.content
    assert not Person.objects.filter(user__email="new@example.id").exists()


def test_html_and_formula_values_are_escaped_in_the_preview(admin_client_):
    csv = (
        "email,full_name,job_title\n"
        'x@example.id,<script>alert("x")</script>,=HYPERLINK("http://evil")\n'
        "<b>bold</b>,<img src=x onerror=alert(1)>,\n"
    )
    url = upload(admin_client_, csv)["Location"]
    page = admin_client_.get(url).content.decode()
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page and "<img src=x" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_html_values_are_escaped_in_the_row_preview(admin_client_):
    url = upload(admin_client_, "email,full_name\nx@example.id,<i>Italic</i> =1+2\n")["Location"]
    page = admin_client_.get(url).content.decode()
    assert "&lt;i&gt;Italic&lt;/i&gt; =1+2" in page
    assert "<i>Italic</i>" not in page


def test_a_file_that_is_not_utf8_is_refused_on_the_upload_page(admin_client_):
    response = upload(
        admin_client_, "email,full_name\nandre@example.id,Andr\u00e9\n".encode("cp1252")
    )
    assert response.status_code == 422
    assert b"not UTF-8" in response.content
    assert not PeopleImport.objects.exists()


def test_uploading_without_a_file_asks_for_one(admin_client_):
    response = admin_client_.post(reverse("people:import"), {})
    assert response.status_code == 422
    assert not PeopleImport.objects.exists()


def test_an_empty_file_shows_why(admin_client_):
    url = upload(admin_client_, b"")["Location"]
    assert b"The file is empty" in admin_client_.get(url).content


def test_the_last_ten_imports_are_listed(admin_client_):
    for number in range(12):
        PeopleImport.objects.create(file_name=f"file-{number}.csv", content="")
    page = admin_client_.get(reverse("people:import")).content.decode()
    assert "file-11.csv" in page
    assert page.count("file-") == 10


def test_the_sample_csv_imports_cleanly_with_the_shipped_skills():
    from balik.people.skill_seed import seed_skills

    seed_skills()
    report = run_import(content=SAMPLE_CSV.read_bytes(), actor=None, dry_run=True)
    assert report.ok, report.errors
    assert report.warnings == []
    assert report.created == 5


def test_the_preview_shows_a_future_hire_date_as_a_warning_and_imports_it(admin_client_):
    starts = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    response = upload(admin_client_, f"email,full_name,hire_date\nbaru@example.id,Baru,{starts}\n")
    assert response.status_code == 302
    page = admin_client_.get(response["Location"]).content.decode()
    assert "Warnings" in page and f"starts on {starts}" in page
    admin_client_.post(response["Location"])
    assert Person.objects.get(user__email="baru@example.id").hire_date.isoformat() == starts
