"""Anonymous feedback stays anonymous on every route (issue 10, part 1): the health page's
filtered figures cannot be subtracted down to fewer than 5 people, exports carry nothing that
joins back to a name, and a person always sees and exports their own answers."""

import csv
import io
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from balik.feedback.models import Answer, Phase, ProgramEvaluation, Question
from balik.insights.exports import export
from balik.insights.health import Filters, program_health
from balik.mentorships.models import Mentorship, Session, SessionStatus
from balik.people.admin import PersonAdminForm
from balik.programs import services as program_services
from balik.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import PersonFactory, give_feedback

pytestmark = pytest.mark.django_db

MILLENNIAL, GEN_X = 1990, 1970
DIMENSIONS = ("cohort", "department", "generation", "side")


@dataclass(frozen=True)
class Spec:
    """One person who answers everything: session feedback, the evaluation, a self-assessment
    at the start and at the end."""

    side: str = "mentor"
    department: str = "Finance"
    birth_year: int = MILLENNIAL
    cohort: str = "2026-10"  # the month they enrolled


def make_program(manager) -> Program:
    program = program_services.program_create(
        manager.user, name="Anonymity", kind="reverse", template=None
    )
    program.status = ProgramStatus.ACTIVE
    program.save(update_fields=["status"])
    return program


def question(program, side: str) -> Question:
    return Question.objects.create(
        program=program,
        audience=side,
        competency="confidence",
        text_en=f"I am confident ({side})",
        text_id=f"Saya percaya diri ({side})",
    )


def populate(program, specs: list[Spec], *, seed: int = 1) -> list:
    """Each spec becomes a person who rates a held session with a partner outside every
    filter (Partners department, no birth year), evaluates the programme and self-assesses."""
    rng = random.Random(seed)
    questions = {side: question(program, side) for side in ("mentor", "mentee")}
    people = []
    for index, spec in enumerate(specs):
        year, month = (int(part) for part in spec.cohort.split("-"))
        enrolled = timezone.make_aware(datetime(year, month, 15, 9))
        person = PersonFactory(department=spec.department, birth_year=spec.birth_year)
        partner = PersonFactory(department="Partners", birth_year=None)
        other = "mentee" if spec.side == "mentor" else "mentor"
        Enrolment.objects.create(
            program=program, person=person, role=spec.side, enrolled_at=enrolled
        )
        Enrolment.objects.create(program=program, person=partner, role=other, enrolled_at=enrolled)
        roles = {spec.side: person, other: partner}
        pair = Mentorship.objects.create(
            program=program, mentor=roles["mentor"], mentee=roles["mentee"]
        )
        start = timezone.now() - timedelta(days=3 + index % 20, hours=index)
        session = Session.objects.create(
            mentorship=pair,
            status=SessionStatus.HELD,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            leader="mentee",
            proposed_by=pair.mentee,
            uid=f"anonymity-{pair.pk}",
        )
        give_feedback(session, person, rng.randint(1, 5), comment=f"comment {index}")
        ProgramEvaluation.objects.create(
            program=program,
            person=person,
            satisfaction=rng.randint(1, 5),
            recommend=rng.randint(0, 10),
        )
        for phase in (Phase.START, Phase.END):
            Answer.objects.create(
                program=program,
                person=person,
                question=questions[spec.side],
                phase=phase,
                value=rng.randint(1, 5),
            )
        people.append(person)
    return people


def filters_for(values: dict) -> Filters:
    return Filters(**{dimension: values.get(dimension, "") for dimension in DIMENSIONS})


def generation_of(year: int) -> str:
    return "millennial" if 1981 <= year <= 1996 else "gen_x"


def members(specs: list[Spec], values: dict) -> frozenset[int]:
    """Who a filtered view counts, worked out here from the specs, not by the code under test."""
    found = set()
    for index, spec in enumerate(specs):
        attributes = {
            "cohort": spec.cohort,
            "department": spec.department,
            "generation": generation_of(spec.birth_year),
            "side": spec.side,
        }
        if all(attributes[d] == value for d, value in values.items()):
            found.add(index)
    return frozenset(found)


def shown_figures(program, values: dict) -> dict[str, bool]:
    health = program_health(program, filters_for(values))
    return {
        "feedback": health.feedback_means is not None,
        "ratings": health.rating_counts is not None,
        "comments": health.comments is not None,
        "evaluation": health.satisfaction is not None,
        "outcomes": any(outcome.change for outcome in health.outcomes),
    }


def every_view(specs: list[Spec]) -> list[dict]:
    """Every combination of filters a manager can choose on this data: each dimension left
    open or set to one of its values."""
    choices = {
        "cohort": sorted({s.cohort for s in specs}),
        "department": sorted({s.department for s in specs}),
        "generation": sorted({generation_of(s.birth_year) for s in specs}),
        "side": ["mentor", "mentee"],
    }
    views = []
    for picks in itertools.product(*([None, *choices[d]] for d in DIMENSIONS)):
        views.append({d: value for d, value in zip(DIMENSIONS, picks, strict=True) if value})
    return views


def assert_no_subtraction_reveals_a_small_group(specs: list[Spec], shown: list[frozenset[int]]):
    """The people no combination of the shown groups can tell apart (the atoms of the shown
    family) number 0 or at least 5 each: adding and subtracting shown figures then never
    isolates the answers of fewer than 5 people."""
    atoms: dict[tuple[bool, ...], int] = {}
    for index in range(len(specs)):
        pattern = tuple(index in group for group in shown)
        atoms[pattern] = atoms.get(pattern, 0) + 1
    small = {pattern: size for pattern, size in atoms.items() if size < 5}
    assert small == {}, f"subtracting shown views isolates {sorted(small.values())} people"


# --- the issue's failure, for every filter -------------------------------------------------------


def issue_example(dimension: str) -> tuple[list[Spec], dict, dict]:
    """A parent of 10 people, a child of 6 inside it: the child's figures minus the parent's
    would give the answers of the other 4. The parent itself sits beside 10 more people."""
    base = {
        "side": "mentor",
        "department": "Finance",
        "birth_year": MILLENNIAL,
        "cohort": "2026-10",
    }
    other = {
        "cohort": {"cohort": "2026-09"},
        "department": {"department": "Legal"},
        "generation": {"birth_year": GEN_X},
        "side": {"side": "mentee"},
    }[dimension]
    child_value = {
        "cohort": "2026-10",
        "department": "Finance",
        "generation": "millennial",
        "side": "mentor",
    }[dimension]
    # the parent: mentors (or, for side itself, everyone); 6 in the child, 4 outside it
    parent_dimension = "department" if dimension == "side" else "side"
    parent_value = "Finance" if dimension == "side" else "mentor"
    specs = [Spec(**base) for _ in range(6)] + [Spec(**{**base, **other}) for _ in range(4)]
    outside_parent = {"department": "Legal"} if dimension == "side" else {"side": "mentee"}
    specs += [Spec(**{**base, **outside_parent}) for _ in range(10)]
    parent = {parent_dimension: parent_value}
    child = {parent_dimension: parent_value, dimension: child_value}
    return specs, parent, child


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_a_filtered_group_is_hidden_when_its_parent_minus_it_is_under_five(
    program_manager, dimension
):
    specs, parent, child = issue_example(dimension)
    program = make_program(program_manager)
    populate(program, specs)
    assert len(members(specs, parent)) == 10 and len(members(specs, child)) == 6
    assert all(shown_figures(program, parent).values())
    assert not any(shown_figures(program, child).values()), (
        f"{child} is shown: {parent} minus it gives the answers of 4 people"
    )


def test_the_issue_example_side_minus_millennial_mentors(program_manager):
    """The demo's case: ?side=mentor (10) minus ?generation=millennial&side=mentor (6)."""
    specs = [Spec(birth_year=MILLENNIAL) for _ in range(6)] + [Spec(birth_year=GEN_X)] * 4
    specs += [Spec(side="mentee", birth_year=MILLENNIAL) for _ in range(8)]
    program = make_program(program_manager)
    populate(program, specs)
    assert shown_figures(program, {"side": "mentor"})["feedback"]
    assert not shown_figures(program, {"side": "mentor", "generation": "millennial"})["feedback"]


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_no_combination_of_shown_views_isolates_fewer_than_five(program_manager, seed):
    """Random programmes of 40 people over two values of every filter: whatever views a
    manager opens and however they are added and subtracted, no group under 5 comes out."""
    rng = random.Random(seed)
    specs = [
        Spec(
            side=rng.choice(["mentor", "mentee"]),
            department=rng.choice(["Finance", "Finance", "Legal"]),
            birth_year=rng.choice([MILLENNIAL, MILLENNIAL, GEN_X]),
            cohort=rng.choice(["2026-10", "2026-09"]),
        )
        for _ in range(40)
    ]
    program = make_program(program_manager)
    populate(program, specs, seed=seed)
    shown_by_figure: dict[str, list[frozenset[int]]] = {}
    for values in every_view(specs):
        group = members(specs, values)
        for figure, shown in shown_figures(program, values).items():
            if shown:
                assert len(group) >= 5, f"{figure} of {values} shown for {len(group)} people"
                shown_by_figure.setdefault(figure, []).append(group)
    assert shown_by_figure["feedback"], "nothing at all is shown: the rule is too strict"
    assert len(shown_by_figure["feedback"]) > 1, "no filtered view is ever shown"
    for groups in shown_by_figure.values():
        assert_no_subtraction_reveals_a_small_group(specs, groups)


def test_sibling_departments_cannot_be_subtracted_from_the_whole(program_manager):
    """Finance 8, Legal 8, Sales 3: Finance and Legal each pass "5 and the rest 5", but the
    whole minus both would be Sales' 3 people, so one of them must stay hidden too."""
    specs = [Spec(department="Finance")] * 8 + [Spec(department="Legal")] * 8
    specs += [Spec(department="Sales")] * 3
    program = make_program(program_manager)
    populate(program, specs)
    shown = [
        members(specs, values)
        for values in (
            {},
            {"department": "Finance"},
            {"department": "Legal"},
            {"department": "Sales"},
        )
        if shown_figures(program, values)["feedback"]
    ]
    assert_no_subtraction_reveals_a_small_group(specs, shown)


def test_comments_come_without_dates_from_at_least_five_people(program_manager):
    specs = [Spec() for _ in range(6)]
    program = make_program(program_manager)
    populate(program, specs)
    comments = program_health(program).comments
    assert comments and all(set(comment) == {"text"} for comment in comments)


# --- exports -------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def lived_program(program_manager):
    program = make_program(program_manager)
    specs = [Spec(department="Finance") for _ in range(7)]
    specs += [Spec(side="mentee", department="Finance") for _ in range(6)]
    specs += [Spec(side="mentee", department="Legal", birth_year=GEN_X) for _ in range(2)]
    people = populate(program, specs)
    return program, people


def test_feedback_export_carries_no_key_that_joins_to_another_export(lived_program):
    program, people = lived_program
    feedback = read_csv(export(program, "feedback", "csv")[0])
    sessions = read_csv(export(program, "sessions", "csv")[0])
    pairs = read_csv(export(program, "pairs", "csv")[0])
    # names, e-mails and moments: what would join a feedback row to a person
    joinable = {row[i] for row in sessions[1:] for i in (0, 1, 2, 3, 7) if row[i]}
    joinable |= {row[i] for row in pairs[1:] for i in (0, 1, 2, 3, 7, 8) if row[i]}
    header, rows = feedback[0], feedback[1:]
    assert len(rows) == len(people)
    for row in rows:
        shared = joinable & set(row)
        assert not shared, f"feedback row shares {shared} with the sessions or pairs export"
    assert not any("date" in column or "time" in column for column in header)
    names = set(
        Enrolment.objects.filter(program=program).values_list("person__full_name", flat=True)
    )
    assert not names & {cell for row in rows for cell in row}


def test_feedback_export_labels_a_period_and_side_only_where_five_authors_share_it(
    program_manager,
):
    program = make_program(program_manager)
    specs = [Spec() for _ in range(6)] + [Spec(side="mentee") for _ in range(3)]
    populate(program, specs)
    header, *rows = read_csv(export(program, "feedback", "csv")[0])
    period, side = header.index("period"), header.index("side")
    for labels in {(row[period], row[side]) for row in rows}:
        sharing = [row for row in rows if (row[period], row[side]) == labels]
        assert len(sharing) >= 5, f"{labels} is shared by {len(sharing)} answers only"
    # the 3 mentees are not told apart from the mentors: no row says "mentee"
    assert "mentee" not in {row[side] for row in rows}


def test_feedback_export_comes_in_a_new_random_order(lived_program):
    program, _people = lived_program
    orders = {tuple(map(tuple, read_csv(export(program, "feedback", "csv")[0]))) for _ in range(4)}
    assert len(orders) > 1


def test_outcomes_export_is_aggregates_with_at_least_five_people(lived_program):
    program, people = lived_program
    header, *rows = read_csv(export(program, "outcomes", "csv")[0])
    assert header[:4] == ["competency", "phase", "side", "people"]
    cells = {cell for row in rows for cell in row}
    assert not {person.full_name for person in people} & cells
    for row in rows:
        if row[4]:  # a mean is given
            assert int(row[3]) >= 5
    # 7 mentors and 8 mentees answered: each side is shown, and everyone together
    sides = {(row[1], row[2]) for row in rows if row[4]}
    assert {("Start", "mentor"), ("Start", "mentee"), ("Start", "everyone")} <= sides


def test_outcome_aggregates_hide_a_side_whose_other_side_is_under_five(program_manager):
    program = make_program(program_manager)
    populate(program, [Spec() for _ in range(8)] + [Spec(side="mentee") for _ in range(3)])
    _header, *rows = read_csv(export(program, "outcomes", "csv")[0])
    shown = {(row[1], row[2]) for row in rows if row[4]}
    # everyone minus the 8 mentors would give the 3 mentees: only "everyone" is shown
    assert ("Start", "everyone") in shown and ("Start", "mentor") not in shown


def test_outcome_answers_per_person_come_under_a_code_new_on_every_export(lived_program):
    program, people = lived_program
    first = read_csv(export(program, "outcome-answers", "csv")[0])
    second = read_csv(export(program, "outcome-answers", "csv")[0])
    header = first[0]
    assert header[:4] == ["code", "side", "department", "generation"]
    codes_first = {row[0] for row in first[1:]}
    codes_second = {row[0] for row in second[1:]}
    assert len(codes_first) == len(people) and not codes_first & codes_second
    cells = {cell for row in first for cell in row}
    assert not {person.full_name for person in people} & cells
    assert not {person.user.email for person in people} & cells
    # Legal has 2 people: no row says Legal; Gen X is 2 people: no row names a generation
    departments = {row[2] for row in first[1:]}
    assert "Legal" not in departments and "Finance" in departments
    assert {row[3] for row in first[1:]} <= {"", "Millennial"}


def test_exports_in_xlsx_follow_the_same_rules(lived_program):
    program, people = lived_program
    sheet = openpyxl.load_workbook(io.BytesIO(export(program, "feedback", "xlsx")[0])).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert not {person.full_name for person in people} & values
    assert not any(isinstance(value, datetime) for value in values)


# --- a person's own answers ---------------------------------------------------------------------


def test_a_person_sees_and_exports_their_own_answers_and_nobody_elses(client, lived_program):
    _program, people = lived_program
    me, someone_else = people[0], people[1]
    client.force_login(me.user)
    page = client.get(reverse("my-answers"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "comment 0" in text and "comment 1" not in text
    assert "I am confident (mentor)" in text
    download = client.get(reverse("my-answers-download", args=["csv"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = read_csv(download.content)
    cells = {cell for row in rows for cell in row}
    assert "comment 0" in cells and "comment 1" not in cells
    assert someone_else.full_name not in cells
    xlsx = client.get(reverse("my-answers-download", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("my-answers-download", args=["pdf"])).status_code == 404


def test_my_answers_needs_a_sign_in(client):
    response = client.get(reverse("my-answers"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- birth years ---------------------------------------------------------------------------------


def test_the_admins_person_form_never_shows_the_birth_year(admin_client_, other_participant):
    url = reverse("people:edit", args=[other_participant.pk])
    page = admin_client_.get(url).content.decode()
    assert "1972" not in page
    assert "Gen X" in page


def test_an_admin_corrects_a_birth_year_without_seeing_it(admin_client_, other_participant):
    url = reverse("people:edit", args=[other_participant.pk])
    form = {
        "section": "about",
        "full_name": other_participant.full_name,
        "job_title": other_participant.job_title,
        "department": other_participant.department,
        "manager": "",
        "seniority_level": other_participant.seniority_level,
        "hire_date": "",
        "languages": "id, en",
        "timezone": other_participant.timezone,
        "bio": "",
        "birth_year": "",
    }
    admin_client_.post(url, form)
    other_participant.refresh_from_db()
    assert other_participant.birth_year == 1972, "saving without a year keeps the year"
    admin_client_.post(url, {**form, "birth_year": "1990"})
    other_participant.refresh_from_db()
    assert other_participant.birth_year == 1990
    page = admin_client_.get(url).content.decode()
    assert "1990" not in page and "Millennial" in page


def test_django_admin_never_shows_the_birth_year(client, org_admin, other_participant):
    org_admin.user.is_staff = True
    org_admin.user.is_superuser = True
    org_admin.user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(org_admin.user)
    change = client.get(reverse("admin:people_person_change", args=[other_participant.pk]))
    assert change.status_code == 200
    assert "1972" not in change.content.decode()
    listing = client.get(reverse("admin:people_person_changelist"))
    assert "1972" not in listing.content.decode()


def test_django_admin_takes_a_corrected_year_and_refuses_a_wrong_one(other_participant):
    fields = {
        "user": other_participant.user.pk,
        "full_name": other_participant.full_name,
        "seniority_level": other_participant.seniority_level,
        "languages": '["id"]',
        "timezone": "Asia/Jakarta",
    }
    wrong = PersonAdminForm(
        data={**fields, "corrected_birth_year": 1850}, instance=other_participant
    )
    assert not wrong.is_valid() and "corrected_birth_year" in wrong.errors
    kept = PersonAdminForm(data=fields, instance=other_participant)
    assert kept.is_valid(), kept.errors
    assert kept.save().birth_year == 1972
    corrected = PersonAdminForm(
        data={**fields, "corrected_birth_year": 1991}, instance=other_participant
    )
    assert corrected.is_valid(), corrected.errors
    assert corrected.save().birth_year == 1991
    forgotten = PersonAdminForm(
        data={**fields, "forget_birth_year": "on"}, instance=other_participant
    )
    assert forgotten.is_valid() and forgotten.save().birth_year is None
