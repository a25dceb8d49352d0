"""`balik export` per the contract: four tables, CSV and XLSX, formula injection neutralised,
no names on feedback."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command

from balik.feedback.services import session_feedback_give
from balik.insights.exports import export
from balik.mentorships.sessions import session_record_attendance
from tests.mentorships.builders import flipped_pair
from tests.mentorships.test_workspace import book, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived(program_manager):
    pair = flipped_pair(program_manager)
    pair.mentee.full_name = '=HYPERLINK("http://evil")'
    pair.mentee.save()
    start = in_days(2)  # after the preparation deadline, which booking now requires
    session = book(pair, start)
    with time_machine.travel(start + timedelta(hours=2)):
        session_record_attendance(pair.mentor.user, session, attendance="held")
        session_feedback_give(
            pair.mentee.user,
            session,
            rating=5,
            usefulness=4,
            preparation=5,
            psychological_safety=5,
            comment="+1 great session",
        )
    return pair


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_pairs_and_sessions_as_csv_neutralise_formulas(lived):
    content, name, content_type = export(lived.program, "pairs", "csv")
    rows = read_csv(content)
    assert rows[0][0] == "mentor" and name.endswith(".csv") and content_type.startswith("text/csv")
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    sessions = read_csv(export(lived.program, "sessions", "csv")[0])
    assert len(sessions) == 2 and sessions[1][4] == "Held"


def test_feedback_from_one_author_exports_nothing_but_the_header(lived):
    """One author's answers would be theirs, whatever the labels: anonymity starts at 5."""
    rows = read_csv(export(lived.program, "feedback", "csv")[0])
    assert rows == [
        [
            "period",
            "side",
            "overall",
            "useful",
            "prepared",
            "spoke openly and was heard",
            "comment",
        ]
    ]
    assert read_csv(export(lived.program, "outcomes", "csv")[0])[0][0] == "competency"


def test_xlsx_stores_text_never_formulas(lived):
    content, name, _type = export(lived.program, "pairs", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type != "f" and cell.value.startswith("'=")
    assert name.endswith(".xlsx")


def test_the_command_writes_a_file_and_refuses_bad_arguments(lived, tmp_path):
    target = tmp_path / "pairs.xlsx"
    call_command(
        "export", lived.program.slug, "--what", "pairs", "--format", "xlsx", "-o", str(target)
    )
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError):
        call_command("export", "nope", "--what", "pairs", "--format", "csv")
    with pytest.raises(CommandError):
        call_command("export", lived.program.slug, "--what", "salaries", "--format", "csv")


def test_managers_download_and_others_are_refused(client, lived, outsider):
    url = f"/programs/{lived.program.slug}/export/feedback.xlsx"
    client.force_login(outsider.user)
    assert client.get(url).status_code == 403
    client.force_login(lived.mentee.user)
    assert client.get(url).status_code == 403
    manager = lived.program.managers.first()
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert client.get(f"/programs/{lived.program.slug}/export/salaries.csv").status_code == 404
