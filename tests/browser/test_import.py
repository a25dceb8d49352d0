import pytest
from django.core.management import call_command

from balik.people.models import Person
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_imports_the_demo_csv_after_seeing_the_preview(
    page, org_admin, password, tmp_path
):
    demo_csv = tmp_path / "demo-people.csv"
    call_command("demo", write_csv=str(demo_csv))
    rows = demo_csv.read_text(encoding="utf-8").count("\n") - 1

    sign_in(page, org_admin.user.email, password)
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("CSV file").set_input_files(str(demo_csv))
    page.get_by_role("button", name="Check the file").click()

    page.get_by_role("heading", name="Import preview: demo-people.csv").wait_for()
    summary = page.get_by_label("Summary")
    assert summary.get_by_text(f"{rows:,}").first.is_visible()
    assert Person.objects.count() == 1, "the preview must not write anything"

    page.get_by_role("button", name=f"Import {rows:,} people").click()
    page.get_by_text(f"Import done: {rows:,} created, 0 updated, 0 unchanged.").wait_for()
    assert Person.objects.count() == rows + 1

    page.goto(page.base_url + "/people/?q=mentee%40nusantara.example")
    assert page.locator("#results").get_by_text("Direktur Operasional").first.is_visible()


def test_a_bad_file_shows_every_bad_row_and_cannot_be_imported(page, org_admin, password, tmp_path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(
        "email,full_name,seniority_level\n"
        "ok@x.id,Okta,3\n"
        "not-an-email,Broken,3\n"
        "level@x.id,Too Senior,11\n",
        encoding="utf-8",
    )
    sign_in(page, org_admin.user.email, password)
    page.goto(page.base_url + "/people/import/")
    page.get_by_label("CSV file").set_input_files(str(bad_csv))
    page.get_by_role("button", name="Check the file").click()

    errors = page.locator("table").filter(has_text="not-an-email")
    errors.wait_for()
    assert errors.get_by_text("seniority_level").is_visible()
    assert page.get_by_role("button", name="Import").count() == 0
    assert not Person.objects.filter(user__email="ok@x.id").exists()
