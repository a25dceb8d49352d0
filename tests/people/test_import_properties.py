"""Property: whatever mix of good and bad rows a file holds, the import writes all of it or none,
and every bad row (and only a bad row) is named by its line in the report."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.accounts.models import User
from balik.people.importing import EMAIL_MAX_LENGTH, _is_email, run_import
from balik.people.models import Person, PersonSkill, Skill
from tests.factories import PersonFactory, SkillFactory

HEADER = [
    "email",
    "full_name",
    "manager_email",
    "seniority_level",
    "hire_date",
    "birth_year",
    "languages",
    "timezone",
    "can_teach",
]
BAD_KINDS = [
    "bad_email",
    "level_11",
    "unknown_manager",
    "bad_date",
    "duplicate_email",
    "bad_timezone",
    "bad_skill_level",
    "skill_without_level",
    "line_break_in_name",
]
DIRECTORY_BOSS = "boss@directory.example.id"

# Names may hold the delimiter, quotes, HTML, formulas and accents; a line break makes a row bad
# (and, quoted, shifts the physical lines of the rows after it).
names = (
    st.lists(
        st.sampled_from([*"abcdefgh ÀéÜ,;\"'<>=/&", "Siti", "Budi", "<script>"]),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda name: name.strip())
)


@st.composite
def people_files(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    kinds = ["good"] + [
        draw(st.sampled_from(["good", "good", *BAD_KINDS])) for _ in range(count - 1)
    ]
    rows: list[dict[str, str]] = []
    for index, kind in enumerate(kinds):
        possible_managers = (
            [""]
            + [DIRECTORY_BOSS]
            + [rows[earlier]["email"] for earlier in range(index) if kinds[earlier] != "bad_email"]
        )
        row = {
            "email": f"person{index}@example.id",
            "full_name": draw(names),
            "manager_email": draw(st.sampled_from(possible_managers)),
            "seniority_level": str(draw(st.integers(1, 10))) if draw(st.booleans()) else "",
            "hire_date": draw(st.sampled_from(["", "2019-07-01", "2024-02-29", "1999-12-31"])),
            "birth_year": draw(st.sampled_from(["", "1960", "1985", "2001"])),
            "languages": draw(st.sampled_from(["", "id", "id;en", "EN;jv"])),
            "timezone": draw(st.sampled_from(["", "Asia/Jakarta", "Asia/Makassar"])),
            "can_teach": draw(st.sampled_from(["", "Batik design:3", "membatik:1;Pidato:2"])),
        }
        bad_cells = {
            "bad_email": {"email": f"person{index}-at-example.id"},
            "level_11": {"seniority_level": "11"},
            "unknown_manager": {"manager_email": f"ghost{index}@nowhere.example.id"},
            "bad_date": {"hire_date": "2021-02-30"},
            "duplicate_email": {"email": rows[0]["email"] if rows else ""},
            "bad_timezone": {"timezone": "Asia/Atlantis"},
            "bad_skill_level": {"can_teach": "Batik design:5"},
            "skill_without_level": {"can_teach": "Batik design"},
            "line_break_in_name": {"full_name": "Siti\nBcc: x@example.id"},
        }
        row.update(bad_cells.get(kind, {}))
        rows.append(row)
    return kinds, rows


def write_csv(rows: list[dict[str, str]], delimiter: str) -> tuple[bytes, list[int]]:
    """The file, and the physical line each row starts on (a quoted name may span lines)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    lines = []
    for row in rows:
        lines.append(out.getvalue().count("\n") + 1)
        writer.writerow(row)
    return out.getvalue().encode(), lines


def table_sizes() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Person.objects.count(),
        PersonSkill.objects.count(),
        Skill.objects.count(),
    )


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=people_files(), delimiter=st.sampled_from([",", ";"]))
def test_a_file_is_written_entirely_or_not_at_all(case, delimiter):
    kinds, rows = case
    with transaction.atomic():  # each example starts from the same directory and is rolled back
        SkillFactory(slug="batik-design", name_en="Batik design", name_id="Desain batik")
        SkillFactory(slug="public-speaking-test", name_en="Pidato", name_id="Pidato")
        PersonFactory(user__email=DIRECTORY_BOSS)
        content, lines = write_csv(rows, delimiter)
        before = table_sizes()

        dry = run_import(content=content, actor=None, dry_run=True)
        assert table_sizes() == before
        report = run_import(content=content, actor=None, dry_run=False)

        bad_lines = {line for line, kind in zip(lines, kinds, strict=True) if kind != "good"}
        assert {error.line for error in report.errors} == bad_lines
        assert report.errors == dry.errors
        if bad_lines:
            assert not report.ok and not report.applied
            assert table_sizes() == before
        else:
            assert report.ok and report.applied, report.errors
            assert report.created == len(rows)
            emails = {row["email"] for row in rows}
            assert Person.objects.filter(user__email__in=emails).count() == len(rows)
        transaction.set_rollback(True)


def _django_says_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= EMAIL_MAX_LENGTH


email_like = st.lists(
    st.sampled_from(
        [
            *"ab.-_+@",
            "@",
            "@@",
            "x",
            "contoh",
            ".co.id",
            ".id",
            "[127.0.0.1]",
            "[::1]",
            "é",
            " ",
            "localhost",
            "..",
            "-",
            "a" * 64,
        ]
    ),
    max_size=10,
).map("".join)


@given(st.one_of(email_like, st.text(max_size=40), st.emails().map(str)))
@settings(max_examples=400, deadline=None)
def test_the_importers_email_check_agrees_with_djangos(value):
    """The importer's fast email check is Django's rule, not a second one that could disagree."""
    assert _is_email(value) == _django_says_email(value)
