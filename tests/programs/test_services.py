"""Programme rules: templates, status moves, enrolment and its refusals, CSV enrolment."""

import pytest
from django.utils import translation

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.programs import services
from balik.programs.catalog import TEMPLATES
from balik.programs.models import Enrolment, EnrolmentStatus, ProgramStatus
from tests.factories import PersonFactory, PersonSkillFactory
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.slug)
def test_every_template_creates_a_programme_with_its_settings(program_manager, template):
    program = services.program_create(
        program_manager.user, name=str(template.name), kind=template.kind, template=template.slug
    )
    assert program.status == ProgramStatus.DRAFT
    assert program.kind == template.kind
    assert program.seniority_gap == template.seniority_gap
    assert program.require_different_department == template.require_different_department
    assert program.mentor_guide and program.mentee_guide
    assert program.suggested_goals and program.agenda_prompts
    assert list(program.managers.all()) == [program_manager.user]


def test_diversity_and_leadership_templates_require_different_departments(program_manager):
    for slug in ("diversity-reverse", "reverse-leadership"):
        program = services.program_create(
            program_manager.user, name=slug, kind="reverse", template=slug
        )
        assert program.require_different_department


def test_a_template_is_copied_in_the_creators_language(program_manager):
    with translation.override("id"):
        program = services.program_create(
            program_manager.user, name="Mentoring", kind="flipped", template="flipped-growth"
        )
    with translation.override("en"):
        english = services.program_create(
            program_manager.user, name="Mentoring", kind="flipped", template="flipped-growth"
        )
    assert program.mentee_guide != english.mentee_guide
    assert "agenda" in english.mentee_guide
    assert english.slug != program.slug  # a second programme with the same name gets its own


def test_creating_names_every_wrong_field(program_manager):
    with pytest.raises(ValidationFailed) as refused:
        services.program_create(
            program_manager.user, name="", kind="speed-dating", template="nope", slug="Bad Slug"
        )
    assert set(refused.value.errors) == {"name", "kind", "template", "slug"}


def test_a_template_of_another_kind_is_refused(program_manager):
    with pytest.raises(ValidationFailed) as refused:
        services.program_create(
            program_manager.user, name="X", kind="peer", template="flipped-growth"
        )
    assert "template" in refused.value.errors


def test_participants_cannot_create_programmes(participant):
    with pytest.raises(PermissionRefused):
        services.program_create(participant.user, name="Mine", kind="classic")


def test_status_moves_only_forward_along_the_life_cycle(program_manager):
    program = services.program_create(program_manager.user, name="Cycle", kind="classic")
    with pytest.raises(BalikError):
        services.program_change_status(program_manager.user, program, status=ProgramStatus.ACTIVE)
    for status in ("enrolling", "matching", "active", "closed"):
        services.program_change_status(program_manager.user, program, status=status)
        assert program.status == status
    with pytest.raises(BalikError):
        services.program_change_status(
            program_manager.user, program, status=ProgramStatus.ENROLLING
        )


def test_only_the_programmes_managers_change_it(program_manager, participant):
    program = services.program_create(program_manager.user, name="Owned", kind="classic")
    with pytest.raises(PermissionRefused):
        services.program_change_status(participant.user, program, status=ProgramStatus.ENROLLING)
    with pytest.raises(PermissionRefused):
        services.program_update(participant.user, program, name="Taken over")


def test_bad_weights_and_dates_are_refused(program_manager):
    import datetime

    program = services.program_create(program_manager.user, name="W", kind="classic")
    with pytest.raises(ValidationFailed) as refused:
        services.program_update(program_manager.user, program, weights={"luck": 1})
    assert "weights" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.program_update(
            program_manager.user,
            program,
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )
    assert "end_date" in refused.value.errors


def test_self_enrolment_copies_profile_skills_and_keeps_answers(program_manager, participant):
    program = enrolling_program(program_manager, kind="reverse", open_link=True)
    skill = PersonSkillFactory(person=participant, direction="teach", level=3).skill
    enrolment = services.enrolment_add(
        participant.user,
        program,
        person=participant,
        data=services.EnrolmentData(
            role="mentor", goals="Ajarkan TikTok", readiness={"speaking_up": 4}
        ),
    )
    assert list(enrolment.give_skills.all()) == [skill]
    assert enrolment.readiness == {"speaking_up": 4}
    assert enrolment.capacity == program.default_capacity


def test_enrolment_refusals_name_the_fields(program_manager, participant, other_participant):
    program = enrolling_program(program_manager, kind="flipped", open_link=True)
    data = services.EnrolmentData(
        role="both",
        goals="x" * 2001,
        capacity=11,
        avoid=[participant],
        prefer=[],
        readiness={"initiative": 9, "leading": "a lot"},
    )
    with pytest.raises(ValidationFailed) as refused:
        services.enrolment_add(participant.user, program, person=participant, data=data)
    assert {"role", "goals", "capacity", "avoid"} <= set(refused.value.errors)
    assert not Enrolment.objects.exists()


def test_a_flipped_mentee_answers_the_readiness_questions(program_manager, participant):
    program = enrolling_program(program_manager, kind="flipped", open_link=True)
    with pytest.raises(ValidationFailed) as refused:
        services.enrolment_add(
            participant.user,
            program,
            person=participant,
            data=services.EnrolmentData(role="mentee"),
        )
    assert {"readiness_initiative", "readiness_leading", "readiness_prep_hours"} <= set(
        refused.value.errors
    )


def test_people_enrol_only_themselves_and_only_when_the_link_is_open(
    program_manager, participant, other_participant
):
    program = enrolling_program(program_manager, kind="classic", open_link=False)
    data = services.EnrolmentData(role="mentee", readiness={"commitment": 5})
    with pytest.raises(PermissionRefused):
        services.enrolment_add(participant.user, program, person=participant, data=data)
    program.enrolment_open = True
    program.save()
    with pytest.raises(PermissionRefused):
        services.enrolment_add(participant.user, program, person=other_participant, data=data)
    services.enrolment_add(participant.user, program, person=participant, data=data)


def test_withdrawing_is_possible_until_matching(program_manager, participant):
    program = enrolling_program(program_manager, kind="classic", open_link=True)
    enrolment = services.enrolment_add(
        participant.user,
        program,
        person=participant,
        data=services.EnrolmentData(role="mentee", readiness={"commitment": 4}),
    )
    services.enrolment_withdraw(participant.user, enrolment)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    services.enrolment_add(
        participant.user,
        program,
        person=participant,
        data=services.EnrolmentData(role="mentee", readiness={"commitment": 4}),
    )
    services.program_change_status(program_manager.user, program, status=ProgramStatus.MATCHING)
    enrolment.refresh_from_db()
    with pytest.raises(BalikError):
        services.enrolment_withdraw(participant.user, enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ACTIVE


def test_someone_else_cannot_withdraw_you(program_manager, participant, other_participant):
    program = enrolling_program(program_manager, kind="classic", open_link=True)
    enrolment = services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=services.EnrolmentData(role="mentee"),
    )
    with pytest.raises(PermissionRefused):
        services.enrolment_withdraw(other_participant.user, enrolment)


# --- CSV enrolment -----------------------------------------------------------------------


def test_a_good_csv_enrols_everyone_and_re_enrolling_updates(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    junior = PersonFactory(user__email="junior@example.id", seniority_level=2)
    senior = PersonFactory(user__email="senior@example.id", seniority_level=8)
    content = (
        b"email,role,capacity,goals\n"
        b"junior@example.id,mentor,2,Teach TikTok\n"
        b"SENIOR@example.id,mentee,,Belajar AI\n"
    )
    report = services.enrolments_import_csv(program_manager.user, program, content=content)
    assert report.as_json() == {"enrolled": 2, "updated": 0, "errors": []}
    assert Enrolment.objects.get(person=junior).capacity == 2
    assert Enrolment.objects.get(person=senior).goals == "Belajar AI"
    again = services.enrolments_import_csv(
        program_manager.user, program, content=b"email,role,capacity\njunior@example.id,mentor,3\n"
    )
    assert (again.enrolled, again.updated) == (0, 1)
    assert Enrolment.objects.get(person=junior).capacity == 3


def test_a_semicolon_csv_from_indonesian_excel_enrols_too(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    junior = PersonFactory(user__email="junior@example.id", seniority_level=2)
    content = b'email;role;capacity;goals\njunior@example.id;mentor;2;"Konten, TikTok"\n'
    report = services.enrolments_import_csv(program_manager.user, program, content=content)
    assert report.as_json() == {"enrolled": 1, "updated": 0, "errors": []}
    assert Enrolment.objects.get(person=junior).goals == "Konten, TikTok"


def test_a_csv_with_any_bad_row_enrols_nobody_and_lists_every_row(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    PersonFactory(user__email="ok@example.id")
    content = (
        b"email,role,capacity,goals\n"
        b"ok@example.id,mentor,1,fine\n"
        b"ghost@example.id,mentor,1,\n"
        b"ok@example.id,mentee,,twice\n"
        b"=cmd|calc@example.id,boss,1,\n"
        b",mentor,abc,\n"
    )
    report = services.enrolments_import_csv(program_manager.user, program, content=content)
    assert not Enrolment.objects.exists()
    assert (report.enrolled, report.updated) == (0, 0)
    lines = {(e["line"], e["column"]) for e in report.errors}
    assert (3, "email") in lines  # unknown person
    assert (4, "email") in lines  # the same email twice
    assert (5, "email") in lines  # nobody has that address
    assert (6, "email") in lines  # missing email


@pytest.mark.parametrize(
    ("content", "column"),
    [
        (b"", ""),
        (b"email,goals\nx@example.id,g\n", "role"),
        (b"email,role,colour\nx@example.id,mentor,red\n", "colour"),
        (b"email,role\n\xff\xfe,mentor\n", ""),
    ],
    ids=["empty", "missing-role-column", "unknown-column", "not-utf8"],
)
def test_unreadable_csvs_get_one_clear_error(program_manager, content, column):
    program = enrolling_program(program_manager, kind="classic")
    report = services.enrolments_import_csv(program_manager.user, program, content=content)
    assert report.errors
    assert report.errors[0]["column"] == column
    assert not Enrolment.objects.exists()


def test_a_role_the_kind_does_not_allow_is_a_row_error(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    PersonFactory(user__email="a@example.id")
    report = services.enrolments_import_csv(
        program_manager.user, program, content=b"email,role\na@example.id,both\n"
    )
    assert report.errors == [
        {
            "line": 2,
            "column": "role",
            "value": "both",
            "reason": "In this programme the role must be one of: mentor, mentee.",
        }
    ]


def test_a_participant_cannot_enrol_others_by_csv(program_manager, participant):
    program = enrolling_program(program_manager, kind="classic")
    with pytest.raises(PermissionRefused):
        services.enrolments_import_csv(
            participant.user, program, content=b"email,role\nx@example.id,mentor\n"
        )


def test_a_broken_csv_is_refused_with_a_reason(program_manager):
    program = enrolling_program(program_manager, kind="classic")
    report = services.enrolments_import_csv(
        program_manager.user, program, content=b'email,role\n"a@x.id\x00,mentor\n'
    )
    assert report.errors and not Enrolment.objects.exists()
    report = services.enrolments_import_csv(
        program_manager.user, program, content=b'email,role\n"unterminated,mentor\n'
    )
    assert not Enrolment.objects.exists()
    assert report.errors
