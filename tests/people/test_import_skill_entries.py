"""What the importer says of each wrong `skill:level` entry in a skills cell, one answer each,
in the order the entry is read: the level written, the name, the level's range, the name's
characters and length, then whether the name names a skill at all; and the plain values a
report lists them as."""

import pytest

from balik.people.importing import run_import
from balik.people.models import Person
from balik.people.skill_lookup import NAME_MAX_LENGTH

pytestmark = pytest.mark.django_db


def reasons(cell: str) -> list[str]:
    content = f'email,full_name,can_teach\na@example.id,A,"{cell}"'.encode()
    report = run_import(content=content, actor=None, dry_run=True)
    assert {(error.line, error.column) for error in report.errors} == {(2, "can_teach")}
    assert not Person.objects.filter(user__email="a@example.id").exists()
    return [error.reason for error in report.errors]


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("Batik design", "“Batik design” has no level. Write skill:level, level 1-3"),
        (":2", "“:2” has no skill name. Write skill:level"),
        ("Batik design:4", "The level of “Batik design” must be 1, 2 or 3"),
        ("Batik design:two", "The level of “Batik design” must be 1, 2 or 3"),
        ("Batik\x07design:2", "U+0007"),
        (
            "B" * (NAME_MAX_LENGTH + 1) + ":2",
            f"is longer than {NAME_MAX_LENGTH} characters. Shorten it.",
        ),
        ("!!!:2", "“!!!:2” has no skill name. Write skill:level"),
    ],
)
def test_each_wrong_entry_gets_one_answer_that_says_how_to_mend_it(cell, said):
    [reason] = reasons(cell)
    assert said in reason, reason


def test_a_report_lists_its_errors_and_rows_as_plain_values():
    wrong = run_import(
        content=b'email,full_name,can_teach\na@example.id,A,"Batik design"',
        actor=None,
        dry_run=True,
    )
    assert [error.as_dict() for error in wrong.errors] == [
        {
            "line": 2,
            "column": "can_teach",
            "value": "Batik design",
            "reason": wrong.errors[0].reason,
        }
    ]
    right = run_import(content=b"email,full_name\nb@example.id,B", actor=None, dry_run=True)
    assert [row.as_dict() for row in right.rows] == [
        {"line": 2, "email": "b@example.id", "full_name": "B", "action": "create", "changes": []}
    ]
