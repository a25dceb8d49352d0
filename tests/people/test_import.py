"""The people CSV importer: one test per rule of the contract in DESIGN.md ("People CSV")."""

import codecs
import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balik.accounts.models import User
from balik.people.importing import ImportReport, run_import
from balik.people.models import Person, PersonSkill, Skill
from balik.people.skill_lookup import SkillResolver, normalise_skill_name
from tests.factories import PersonFactory, PersonSkillFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "email,full_name,job_title,department,manager_email,seniority_level,hire_date,birth_year,"
    "languages,timezone,can_teach,wants_to_learn"
)
SITI = "siti@example.id,Siti Rahma,Marketing analyst,Marketing,,3,2021-03-15,1998,id;en,Asia/Jakarta,Batik design:3,Public speaking:1"  # noqa: E501


@pytest.fixture(autouse=True)
def skills(db):
    """A small taxonomy of our own, so that the seeded skills cannot change what these tests see."""
    PersonSkill.objects.all().delete()
    Skill.objects.all().delete()
    return {
        "batik": SkillFactory(
            slug="batik-design",
            name_en="Batik design",
            name_id="Desain batik",
            aliases=["membatik"],
        ),
        "kopi": SkillFactory(
            slug="coffee-roasting",
            name_en="Coffee roasting",
            name_id="Sangrai kopi",
            aliases=["roasting kopi"],
        ),
        "speaking": SkillFactory(
            slug="public-speaking",
            name_en="Public speaking",
            name_id="Berbicara di depan umum",
            aliases=["pidato"],
        ),
        "tiktok": SkillFactory(
            slug="tiktok", name_en="TikTok", name_id="TikTok", aliases=["TikTok content"]
        ),
    }


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def do_import(*rows: str, header: str = HEADER, dry_run: bool = False) -> ImportReport:
    return run_import(content=csv_bytes(*rows, header=header), actor=None, dry_run=dry_run)


def where(report: ImportReport) -> set[tuple[int, str]]:
    return {(error.line, error.column) for error in report.errors}


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "people": Person.objects.count(),
        "person_skills": PersonSkill.objects.count(),
        "skills": Skill.objects.count(),
    }


def person(email: str) -> Person:
    return Person.objects.select_related("user", "manager__user").get(user__email=email)


def skills_of(email: str, direction: str) -> dict[str, int]:
    return dict(
        PersonSkill.objects.filter(person__user__email=email, direction=direction).values_list(
            "skill__slug", "level"
        )
    )


# --- Reading the file ---------------------------------------------------------------------------


def test_it_creates_people_with_every_column():
    report = do_import(SITI)
    assert report.ok and report.applied
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    siti = person("siti@example.id")
    assert siti.full_name == siti.user.full_name == "Siti Rahma"
    assert (siti.job_title, siti.department, siti.seniority_level) == (
        "Marketing analyst",
        "Marketing",
        3,
    )
    assert siti.hire_date == datetime.date(2021, 3, 15)
    assert siti.birth_year == 1998
    assert siti.languages == ["id", "en"]
    assert siti.timezone == "Asia/Jakarta"
    assert skills_of("siti@example.id", "teach") == {"batik-design": 3}
    assert skills_of("siti@example.id", "learn") == {"public-speaking": 1}


def test_imported_people_cannot_sign_in_until_they_set_a_password():
    do_import(SITI)
    user = User.objects.get(email="siti@example.id")
    assert not user.has_usable_password()
    assert not user.check_password("")


def test_it_accepts_a_byte_order_mark():
    report = run_import(content=codecs.BOM_UTF8 + csv_bytes(SITI), actor=None, dry_run=False)
    assert report.ok, report.errors
    assert person("siti@example.id").full_name == "Siti Rahma"


def test_it_reads_a_semicolon_separated_file():
    content = (
        "email;full_name;languages;can_teach\r\nbudi@example.id;Budi, S.E.;id,en;membatik:2\r\n"
    )
    report = run_import(content=content.encode(), actor=None, dry_run=False)
    assert report.ok, report.errors
    budi = person("budi@example.id")
    assert budi.full_name == "Budi, S.E."
    assert budi.languages == ["id", "en"]
    assert skills_of("budi@example.id", "teach") == {"batik-design": 2}


def test_column_names_are_case_insensitive_and_spaces_around_them_ignored():
    report = do_import("Budi@Example.ID,Budi", header=" Email , FULL_NAME ")
    assert report.ok, report.errors
    assert person("budi@example.id").full_name == "Budi"


def test_it_warns_about_unknown_columns_and_ignores_them():
    report = do_import("budi@example.id,Budi,blue", header="email,full_name,favourite_colour")
    assert report.ok
    assert [(w.line, w.column) for w in report.warnings] == [(1, "favourite_colour")]


def test_it_refuses_a_file_without_the_required_columns():
    report = do_import("Budi,Marketing", header="name,department")
    assert not report.ok
    assert where(report) == {(1, "email"), (1, "full_name")}
    assert "email" in report.errors[0].reason


def test_it_refuses_an_empty_file():
    for content in (b"", b"   \n\n", codecs.BOM_UTF8):
        report = run_import(content=content, actor=None, dry_run=False)
        assert not report.ok
        assert "empty" in report.errors[0].reason


def test_it_refuses_a_file_with_a_header_only():
    report = do_import()
    assert [(e.line, e.column) for e in report.errors] == [(1, "")]
    assert "no people" in report.errors[0].reason


def test_it_refuses_a_file_that_is_not_utf8():
    content = "email,full_name\nbudi@example.id,Budi\nandre@example.id,Andr\u00e9\n".encode(
        "latin-1"
    )
    report = run_import(content=content, actor=None, dry_run=False)
    assert not report.ok
    [error] = report.errors
    offset = content.index(b"\xe9")
    assert error.line == 3
    assert error.value == "0xE9"
    assert f"byte {offset}" in error.reason and "UTF-8" in error.reason
    assert Person.objects.count() == 0


def test_it_refuses_a_line_with_too_many_values():
    report = do_import("budi@example.id,Budi,Analyst,extra", header="email,full_name,job_title")
    assert where(report) == {(2, "")}
    assert "double quotes" in report.errors[0].reason


def test_trailing_empty_cells_are_ignored():
    report = do_import("budi@example.id,Budi,,,", header="email,full_name")
    assert report.ok, report.errors


def test_line_numbers_are_physical_lines_in_the_file():
    content = (
        b'email,full_name,job_title\n\nbudi@example.id,Budi,"Head of\nData"\n'
        b"bad-email,Rina,Analyst\n"
    )
    report = run_import(content=content, actor=None, dry_run=True)
    # the quoted line break is itself refused (single-line field), and shifts what follows
    assert where(report) == {(3, "job_title"), (5, "email")}


# --- Validating each row ------------------------------------------------------------------------


def test_it_refuses_a_bad_email_and_lowercases_good_ones():
    report = do_import("not-an-email,Budi", ",Rina", header="email,full_name")
    assert where(report) == {(2, "email"), (3, "email")}
    assert "not a valid email" in report.errors[0].reason
    assert do_import("Budi@Example.ID,Budi", header="email,full_name").ok
    assert User.objects.filter(email="budi@example.id").exists()


def test_it_refuses_a_duplicate_email_and_names_the_first_line():
    report = do_import(
        "budi@example.id,Budi",
        "rina@example.id,Rina",
        "BUDI@example.id,Budi again",
        header="email,full_name",
    )
    [error] = report.errors
    assert (error.line, error.column) == (4, "email")
    assert "line 2" in error.reason


def test_it_refuses_an_empty_or_too_long_full_name():
    report = do_import("budi@example.id,", f"rina@example.id,{'x' * 201}", header="email,full_name")
    assert where(report) == {(2, "full_name"), (3, "full_name")}
    assert "201" in report.errors[1].reason and "200" in report.errors[1].reason


def test_it_refuses_a_line_break_inside_a_quoted_full_name():
    before = row_counts()
    content = (
        b'email,full_name,job_title\nbudi@example.id,"Name\nBcc: x@example.com",Analyst\n'
        b"rina@example.id,Rina,Analyst\nbad-email,Bad,Analyst\n"
    )
    report = run_import(content=content, actor=None, dry_run=False)
    assert not report.applied
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (2, "full_name", "Name\\nBcc: x@example.com"),  # shown with the break made visible
        (5, "email", "bad-email"),  # physical lines: the quoted break does not shift them
    ]
    assert "line break" in report.errors[0].reason
    assert row_counts() == before


@pytest.mark.parametrize("column", ["full_name", "job_title", "department"])
@pytest.mark.parametrize("character", ["\t", "\x01", "\x1b", "\x7f", "\x85", "\u2028"])
def test_it_refuses_control_characters_in_every_text_column(column, character):
    """(A NUL makes the whole file unreadable instead: a workbook saved by mistake holds them.)"""
    cells = {"full_name": "Budi", "job_title": "Analyst", "department": "Data"}
    cells[column] = f"Data{character}Team"
    row = f'budi@example.id,"{cells["full_name"]}","{cells["job_title"]}","{cells["department"]}"'
    report = do_import(row, header="email,full_name,job_title,department")
    assert [(e.line, e.column) for e in report.errors] == [(2, column)]
    assert not Person.objects.filter(user__email="budi@example.id").exists()


def test_it_refuses_a_control_character_in_a_new_skill_name():
    before = Skill.objects.count()
    report = do_import('a@example.id,A,"Wayang\x07puppetry:2"', header="email,full_name,can_teach")
    assert [(e.line, e.column) for e in report.errors] == [(2, "can_teach")]
    assert "U+0007" in report.errors[0].reason
    assert Skill.objects.count() == before


def test_it_refuses_a_seniority_level_out_of_range():
    header = "email,full_name,seniority_level"
    report = do_import(
        "a@example.id,A,0",
        "b@example.id,B,11",
        "c@example.id,C,senior",
        "d@example.id,D,10",
        header=header,
    )
    assert where(report) == {(2, "seniority_level"), (3, "seniority_level"), (4, "seniority_level")}
    assert "1 (entry level) to 10" in report.errors[0].reason


def test_it_refuses_a_bad_hire_date():
    header = "email,full_name,hire_date"
    report = do_import(
        "a@example.id,A,2021-02-30",
        "b@example.id,B,15/03/2021",
        "c@example.id,C,2999-01-01",
        "d@example.id,D,2021-02-28",
        header=header,
    )
    assert where(report) == {(2, "hire_date"), (3, "hire_date"), (4, "hire_date")}
    assert "YYYY-MM-DD" in report.errors[0].reason
    assert "at most a year ahead" in report.errors[2].reason


# 12:00 in Jakarta on 10 March 2026: "today" for the hire-date rules below.
NOON_10_MARCH_2026 = datetime.datetime(2026, 3, 10, 5, 0, tzinfo=datetime.UTC)


def test_a_hire_date_up_to_a_year_ahead_is_imported_with_a_warning_on_its_row():
    """HR exports carry people who start next month; their onboarding buddy meets them first."""
    with time_machine.travel(NOON_10_MARCH_2026, tick=False):
        report = do_import(
            "a@example.id,A,2026-03-10",  # starts today: nothing to say
            "b@example.id,B,2026-04-01",  # next month
            "c@example.id,C,2027-03-10",  # a year ahead, to the day
            header="email,full_name,hire_date",
        )
    assert report.applied and report.errors == []
    assert [(w.line, w.column, w.value) for w in report.warnings] == [
        (3, "hire_date", "2026-04-01"),
        (4, "hire_date", "2027-03-10"),
    ]
    assert "starts on 2026-04-01" in report.warnings[0].reason
    assert report.as_json()["warnings"][0] == {
        "line": 3,
        "column": "hire_date",
        "value": "2026-04-01",
        "reason": report.warnings[0].reason,
    }
    hired = dict(Person.objects.values_list("user__email", "hire_date"))
    assert hired["b@example.id"] == datetime.date(2026, 4, 1)
    assert hired["c@example.id"] == datetime.date(2027, 3, 10)


def test_a_hire_date_more_than_a_year_ahead_is_an_error():
    with time_machine.travel(NOON_10_MARCH_2026, tick=False):
        report = do_import(
            "a@example.id,A,2027-03-11",
            "b@example.id,B,2999-01-01",
            "c@example.id,C,2026-04-01",
            header="email,full_name,hire_date",
        )
    assert where(report) == {(2, "hire_date"), (3, "hire_date")}
    assert "at most a year ahead (2027-03-10)" in report.errors[0].reason
    assert not Person.objects.exists()


def test_a_year_ahead_of_29_february_is_28_february():
    with time_machine.travel(datetime.datetime(2028, 2, 29, 5, tzinfo=datetime.UTC), tick=False):
        report = do_import(
            "a@example.id,A,2029-02-28",
            "b@example.id,B,2029-03-01",
            header="email,full_name,hire_date",
            dry_run=True,
        )
    assert where(report) == {(3, "hire_date")}
    assert [(w.line, w.column) for w in report.warnings] == [(2, "hire_date")]


def test_it_refuses_a_birth_year_out_of_range():
    header = "email,full_name,birth_year"
    too_young = datetime.date.today().year - 13
    report = do_import(
        "a@example.id,A,1929",
        f"b@example.id,B,{too_young}",
        "c@example.id,C,1930",
        "d@example.id,D,abc",
        header=header,
    )
    assert where(report) == {(2, "birth_year"), (3, "birth_year"), (5, "birth_year")}


def test_it_refuses_unknown_language_codes():
    header = "email,full_name,languages"
    report = do_import(
        "a@example.id,A,id;xx",
        "b@example.id,B,indonesian",
        "c@example.id,C,ID;jv;su",
        header=header,
    )
    assert where(report) == {(2, "languages"), (3, "languages")}
    assert "“xx” is not a two-letter language code" in report.errors[0].reason


def test_it_refuses_an_unknown_time_zone_and_suggests_one():
    header = "email,full_name,timezone"
    report = do_import(
        "a@example.id,A,WIB",
        "b@example.id,B,Asia/Jakrta",
        "c@example.id,C,Mars/Olympus",
        header=header,
    )
    assert where(report) == {(2, "timezone"), (3, "timezone"), (4, "timezone")}
    assert "Asia/Jakarta" in report.errors[0].reason
    assert "Asia/Jakarta" in report.errors[1].reason


def test_it_accepts_a_time_zone_in_any_case():
    report = do_import("a@example.id,A,asia/makassar", header="email,full_name,timezone")
    assert report.ok
    assert person("a@example.id").timezone == "Asia/Makassar"


def test_it_refuses_an_unknown_manager():
    report = do_import("a@example.id,A,bob@x.id", header="email,full_name,manager_email")
    [error] = report.errors
    assert (error.line, error.column, error.value) == (2, "manager_email", "bob@x.id")
    assert "bob@x.id is not in the file or the directory" in error.reason


def test_it_accepts_a_manager_in_the_file_or_in_the_directory():
    PersonFactory(user__email="boss@example.id")
    report = do_import(
        "a@example.id,A,b@example.id",  # b comes later in the file
        "b@example.id,B,boss@example.id",
        header="email,full_name,manager_email",
    )
    assert report.ok, report.errors
    assert person("a@example.id").manager.user.email == "b@example.id"
    assert person("b@example.id").manager.user.email == "boss@example.id"


def test_it_refuses_a_person_managing_themself():
    report = do_import("a@example.id,A,A@example.id", header="email,full_name,manager_email")
    assert where(report) == {(2, "manager_email")}
    assert "own manager" in report.errors[0].reason


def test_it_refuses_a_manager_cycle():
    report = do_import(
        "a@example.id,A,b@example.id",
        "b@example.id,B,c@example.id",
        "c@example.id,C,a@example.id",
        "d@example.id,D,a@example.id",  # reports to the loop, is not on it
        header="email,full_name,manager_email",
    )
    assert where(report) == {(2, "manager_email"), (3, "manager_email"), (4, "manager_email")}
    assert "a@example.id → b@example.id → c@example.id → a@example.id" in report.errors[0].reason
    assert Person.objects.count() == 0


def test_it_refuses_a_manager_cycle_through_the_directory():
    boss = PersonFactory(user__email="boss@example.id")
    PersonFactory(user__email="middle@example.id", manager=boss)
    PersonFactory(
        user__email="junior@example.id", manager=Person.objects.get(user__email="middle@example.id")
    )
    report = do_import(
        "boss@example.id,Boss,junior@example.id", header="email,full_name,manager_email"
    )
    [error] = report.errors
    assert (error.line, error.column) == (2, "manager_email")
    assert "junior@example.id → middle@example.id → boss@example.id" in error.reason


def test_a_cycle_uses_the_directory_manager_of_people_whose_manager_column_is_absent():
    a = PersonFactory(user__email="a@example.id")
    PersonFactory(user__email="b@example.id", manager=a)
    # The file makes b manage a; b's own manager (a) is kept from the directory.
    report = do_import("a@example.id,A,b@example.id", header="email,full_name,manager_email")
    assert where(report) == {(2, "manager_email")}


def test_it_refuses_a_skill_without_a_level():
    report = do_import("a@example.id,A,Batik design", header="email,full_name,can_teach")
    [error] = report.errors
    assert (error.line, error.column) == (2, "can_teach")
    assert "skill:level, level 1-3" in error.reason


def test_it_refuses_a_skill_level_out_of_range():
    report = do_import(
        "a@example.id,A,Batik design:4",
        "b@example.id,B,pidato:x",
        header="email,full_name,wants_to_learn",
    )
    assert where(report) == {(2, "wants_to_learn"), (3, "wants_to_learn")}


def test_it_refuses_a_skill_listed_twice_in_a_cell():
    report = do_import(
        "a@example.id,A,Batik design:2;membatik:3", header="email,full_name,can_teach"
    )
    [error] = report.errors
    assert (error.line, error.column) == (2, "can_teach")
    assert "twice" in error.reason


def test_the_same_skill_may_be_taught_and_wanted():
    report = do_import(
        "a@example.id,A,pidato:1,pidato:3", header="email,full_name,can_teach,wants_to_learn"
    )
    assert report.ok, report.errors


def test_it_reports_every_bad_row_with_line_column_value_and_reason():
    report = do_import(
        "good@example.id,Good,3",
        "bad@@example.id,Bad email,3",
        "level@example.id,Level,11",
        "fine@example.id,Fine,",
        "level@example.id,Duplicate,2",
        header="email,full_name,seniority_level",
    )
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (3, "email", "bad@@example.id"),
        (4, "seniority_level", "11"),
        (6, "email", "level@example.id"),
    ]
    assert all(error.reason for error in report.errors)


# --- Skills -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "batik-design",  # slug
        "Batik design",  # English name
        "DESAIN BATIK",  # Indonesian name, other case
        "membatik",  # alias
        "Batik_Design",  # underscores
        "  batik   design ",  # spaces
        "Bâtik désign",  # accents
        "Batik-design!",  # punctuation
    ],
)
def test_it_finds_a_skill_by_slug_name_or_alias_in_either_language(written):
    report = do_import(f"a@example.id,A,{written}:2", header="email,full_name,can_teach")
    assert report.ok, report.errors
    assert report.warnings == []
    assert skills_of("a@example.id", "teach") == {"batik-design": 2}


def test_it_matches_a_close_spelling_with_a_warning():
    report = do_import("a@example.id,A,TikTok contnet:3", header="email,full_name,can_teach")
    assert report.ok
    [warning] = report.warnings
    assert (warning.line, warning.column, warning.value) == (2, "can_teach", "TikTok contnet")
    assert "TikTok content" in warning.reason
    assert skills_of("a@example.id", "teach") == {"tiktok": 3}


def test_it_creates_a_new_uncategorised_skill_once_with_a_warning(skills):
    before = Skill.objects.count()
    report = do_import(
        "a@example.id,A,Wayang puppetry:2",
        "b@example.id,B,wayang  PUPPETRY:1",
        header="email,full_name,can_teach",
    )
    assert report.ok
    assert [(w.line, w.column) for w in report.warnings] == [(2, "can_teach")]
    assert "new uncategorised skill" in report.warnings[0].reason
    assert Skill.objects.count() == before + 1
    wayang = Skill.objects.get(slug="wayang-puppetry")
    assert (wayang.name_en, wayang.name_id, wayang.category) == (
        "Wayang puppetry",
        "Wayang puppetry",
        "uncategorised",
    )
    assert skills_of("b@example.id", "teach") == {"wayang-puppetry": 1}


def test_a_new_skill_gets_a_slug_that_is_not_taken():
    SkillFactory(slug="kopi", name_en="Kopi luwak tasting", name_id="Mencicipi kopi luwak")
    resolver = SkillResolver()
    assert resolver.resolve("kopi!").kind == "exact"  # the slug, punctuation ignored
    created = resolver.create_new(["Kopi?"])  # same key: not new
    assert created == {}
    created = resolver.create_new(["Kópi  Arabika", "kopi arabika"])
    assert [skill.slug for skill in created.values()] == ["kopi-arabika"]
    SkillFactory(slug="gamelan", name_en="Gamelan", name_id="Gamelan")
    resolver = SkillResolver(Skill.objects.exclude(slug="gamelan"))
    resolver.slugs.add("gamelan")
    [new] = resolver.create_new(["Gamelan"]).values()
    assert new.slug == "gamelan-2"


def test_close_spelling_ties_are_decided_the_same_way_every_time():
    skills = [
        Skill(slug="abcx", name_en="abcx", name_id="abcx", aliases=[]),
        Skill(slug="abcy", name_en="abcy", name_id="abcy", aliases=[]),
    ]
    assert SkillResolver(skills).resolve("abcz").kind == "new"  # 0.75: too far
    long_skills = [
        Skill(slug="leadership-x", name_en="leadership x", name_id="-", aliases=[]),
        Skill(slug="leadership-y", name_en="leadership y", name_id="-", aliases=[]),
    ]
    forwards = SkillResolver(long_skills).resolve("leadership z")
    backwards = SkillResolver(list(reversed(long_skills))).resolve("leadership z")
    assert forwards.skill.slug == backwards.skill.slug == "leadership-x"


def test_skill_names_are_normalised():
    assert normalise_skill_name("  Désign--Grafis_ (UI) ") == "design grafis ui"
    assert normalise_skill_name("C++") != normalise_skill_name("C#")


def test_a_dry_run_does_not_create_new_skills():
    before = row_counts()
    report = do_import(
        "a@example.id,A,Wayang puppetry:2", header="email,full_name,can_teach", dry_run=True
    )
    assert report.ok and not report.applied
    assert report.created == 1
    assert row_counts() == before


def test_the_seeded_taxonomy_resolves_a_close_spelling(django_db_blocker):
    """With the shipped skills (migration 0002), a typo still finds the intended skill."""
    from balik.people.skill_seed import seed_skills

    seed_skills()
    match = SkillResolver().resolve("TikTok contnet")
    assert match.kind == "close"
    assert match.skill.slug == "tiktok"


# --- Re-importing -------------------------------------------------------------------------------


def test_reimporting_updates_people_by_email():
    do_import(SITI)
    changed = SITI.replace("Marketing analyst", "Head of content").replace(",3,", ",5,")
    report = do_import(changed.replace("siti@", "SITI@"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert report.rows[0].action == "update"
    assert set(report.rows[0].changes) == {"job_title", "seniority_level"}
    siti = person("siti@example.id")
    assert (siti.job_title, siti.seniority_level) == ("Head of content", 5)
    assert User.objects.count() == 1


def test_reimporting_can_change_every_kind_of_value():
    PersonFactory(user__email="boss@example.id")
    do_import(SITI, "rina@example.id,Rina,,,,,,,,,,")
    changed = (
        "siti@example.id,Siti Rahma-Putri,Head,Sales,boss@example.id,7,2019-01-02,1990,"
        "en;jv,Asia/Jayapura,pidato:2,Batik design:1"
    )
    report = do_import(changed, "rina@example.id,Rina,,,siti@example.id,,,,,,,")
    assert report.updated == 2
    siti = person("siti@example.id")
    assert (siti.full_name, siti.user.full_name) == ("Siti Rahma-Putri", "Siti Rahma-Putri")
    assert (siti.job_title, siti.department, siti.seniority_level) == ("Head", "Sales", 7)
    assert siti.manager.user.email == "boss@example.id"
    assert (siti.hire_date, siti.birth_year) == (datetime.date(2019, 1, 2), 1990)
    assert (siti.languages, siti.timezone) == (["en", "jv"], "Asia/Jayapura")
    assert siti.updated_at > Person.objects.get(user__email="boss@example.id").updated_at
    assert person("rina@example.id").manager == siti
    assert skills_of("siti@example.id", "teach") == {"public-speaking": 2}
    assert skills_of("siti@example.id", "learn") == {"batik-design": 1}


def test_reimporting_the_same_file_leaves_everyone_unchanged():
    PersonFactory(user__email="boss@example.id")
    rows = [
        SITI.replace("Marketing,,", "Marketing,boss@example.id,"),
        "rina@example.id,Rina,,,siti@example.id,,,,,,,",
    ]
    do_import(*rows)
    report = do_import(*rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert {row.action for row in report.rows} == {"unchanged"}


def test_columns_absent_from_the_file_keep_their_values():
    do_import(SITI)
    report = do_import("siti@example.id,Siti R.", header="email,full_name")
    assert report.updated == 1
    siti = person("siti@example.id")
    assert siti.full_name == siti.user.full_name == "Siti R."
    assert (siti.job_title, siti.seniority_level, siti.birth_year) == ("Marketing analyst", 3, 1998)
    assert skills_of("siti@example.id", "teach") == {"batik-design": 3}


def test_an_empty_cell_in_a_present_column_clears_the_value():
    PersonFactory(user__email="boss@example.id")
    do_import(SITI.replace("Marketing,,", "Marketing,boss@example.id,"))
    report = do_import("siti@example.id,Siti Rahma,,,,,,,,,,")
    assert report.updated == 1
    siti = person("siti@example.id")
    assert siti.job_title == siti.department == ""
    assert siti.manager is None
    assert (siti.hire_date, siti.birth_year, siti.languages) == (None, None, [])
    assert skills_of("siti@example.id", "teach") == skills_of("siti@example.id", "learn") == {}
    # Seniority and time zone always hold a value: an empty cell keeps it.
    assert (siti.seniority_level, siti.timezone) == (3, "Asia/Jakarta")


def test_a_skill_column_replaces_that_direction_only():
    do_import(SITI)
    report = do_import(
        "siti@example.id,Siti Rahma,Sangrai kopi:2;pidato:3", header="email,full_name,can_teach"
    )
    assert report.rows[0].changes == ("can_teach",)
    assert skills_of("siti@example.id", "teach") == {"coffee-roasting": 2, "public-speaking": 3}
    assert skills_of("siti@example.id", "learn") == {"public-speaking": 1}


def test_an_existing_account_without_a_profile_gets_one():
    user = UserFactory(email="admin2@example.id", full_name="Old name")
    report = do_import("admin2@example.id,New name", header="email,full_name")
    assert report.created == 1
    user.refresh_from_db()
    assert user.full_name == "New name"
    assert user.person.full_name == "New name"
    assert user.has_usable_password()  # an existing password is left alone


def test_existing_skills_of_people_not_in_the_file_are_left_alone(skills):
    other = PersonSkillFactory(skill=skills["kopi"], direction="teach")
    do_import(SITI)
    assert PersonSkill.objects.filter(pk=other.pk).exists()


# --- All or nothing, dry runs ---------------------------------------------------------------------


def test_nothing_is_written_when_any_row_is_bad():
    PersonFactory(user__email="siti@example.id", full_name="Siti Before")
    before = row_counts()
    report = do_import(
        SITI,
        "new@example.id,New,,,,,,,,,Wayang puppetry:2,",
        "late@example.id,Late,,,,11,,,,,,",
    )
    assert not report.ok and not report.applied
    assert (report.created, report.updated, report.unchanged, report.rows) == (0, 0, 0, [])
    assert where(report) == {(4, "seniority_level")}
    assert row_counts() == before
    assert person("siti@example.id").full_name == "Siti Before"


def test_a_dry_run_writes_nothing_and_previews_the_changes():
    PersonFactory(
        user__email="siti@example.id", full_name="Siti Before", job_title="Marketing analyst"
    )
    before = row_counts()
    report = do_import(SITI, "new@example.id,New,,,,,,,,,,", dry_run=True)
    assert report.ok and report.dry_run and not report.applied
    assert (report.created, report.updated) == (1, 1)
    assert [(row.line, row.email, row.action) for row in report.rows] == [
        (2, "siti@example.id", "update"),
        (3, "new@example.id", "create"),
    ]
    assert "full_name" in report.rows[0].changes
    assert "job_title" not in report.rows[0].changes
    assert row_counts() == before


def test_html_and_formulas_are_stored_verbatim():
    report = do_import(
        'x@example.id,<script>alert(1)</script>,"=SUM(A1:A9)",@cmd|calc',
        header="email,full_name,job_title,department",
    )
    assert report.ok
    x = person("x@example.id")
    assert (x.full_name, x.job_title, x.department) == (
        "<script>alert(1)</script>",
        "=SUM(A1:A9)",
        "@cmd|calc",
    )


def test_as_json_is_the_command_line_contract():
    report = do_import("a@example.id,A,11", header="email,full_name,seniority_level")
    payload = report.as_json()
    assert set(payload) == {"created", "updated", "unchanged", "errors", "warnings"}
    assert set(payload["errors"][0]) == {"line", "column", "value", "reason"}
    assert payload["errors"][0]["line"] == 2


def test_it_imports_without_a_query_per_row():
    def queries_for(count: int, prefix: str) -> int:
        rows = [
            f"{prefix}{n}@example.id,P {n},{prefix}0@example.id,Batik design:2,pidato:1"
            if n
            else f"{prefix}0@example.id,P 0,,Batik design:2,pidato:1"
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            report = do_import(
                *rows, header="email,full_name,manager_email,can_teach,wants_to_learn"
            )
        assert report.ok, report.errors
        return len(queries)

    # Within one write batch the count is constant; beyond it, it grows by batches, not rows.
    assert queries_for(10, "small") == queries_for(80, "medium")
    assert queries_for(600, "large") < 40


def test_the_import_leaves_the_cycle_collector_as_it_found_it():
    """It is switched off while a large file is read (a speed-up), and back on afterwards."""
    import gc

    assert gc.isenabled()
    do_import(SITI)
    assert gc.isenabled()
    do_import("bad-email,X", header="email,full_name", dry_run=True)
    assert gc.isenabled()
    gc.disable()
    try:
        do_import(SITI)
        assert not gc.isenabled()
    finally:
        gc.enable()
