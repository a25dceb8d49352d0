"""A NUL character in a request body never reaches the database (PostgreSQL cannot store it and
answered 500): the API names the field (its JSON path) in a 422, a page says which field, and
nothing is written."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from balik.accounts.models import ApiToken
from balik.mentorships.agendas import agenda_save
from balik.mentorships.agreements import agreement_update
from balik.mentorships.goals import goal_add
from balik.mentorships.models import Agenda, Goal, LearningEntry, Note, Session
from balik.mentorships.notes import learning_record, note_add
from balik.mentorships.sessions import session_accept_option, session_cancel, session_propose
from balik.people.models import Person
from balik.programs import services as program_services
from balik.programs.models import Enrolment, Program, ProgramStatus
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db
NUL = "a\x00b"


def in_days(days: int, hour: int = 12):
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


@pytest.fixture
def enrolling(program_manager):
    program = program_services.program_create(
        program_manager.user, name="Enrolling", kind="flipped", template=None
    )
    program.status = ProgramStatus.ENROLLING
    program.save(update_fields=["status"])
    return program


@pytest.fixture
def booked(pair):
    session = session_propose(pair.mentee.user, pair, starts=[in_days(3)])
    return session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)


def snapshot() -> dict[str, object]:
    """What a refused request must leave as it was."""
    return {
        "notes": Note.objects.count(),
        "goals": Goal.objects.count(),
        "agendas": list(Agenda.objects.values_list("topics", "submitted_at")),
        "learning": LearningEntry.objects.count(),
        "sessions": list(Session.objects.values_list("status", "starts_at", "sequence")),
        "people": list(Person.objects.values_list("full_name", "job_title", "bio", "timezone")),
        "tokens": ApiToken.objects.count(),
        "programs": Program.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }


# --- the API ----------------------------------------------------------------------------------


DUE = "2100-01-01"
GOAL = {"title": "t", "measure": "m", "target": "x", "due_date": DUE}
M = "/api/v1/mentorships/{pair}"
S = M + "/sessions/{session}"
API_CASES = [
    ("post", M + "/notes", {"body": NUL}, "body"),
    ("put", S + "/agenda", {"topics": NUL}, "topics"),
    ("put", S + "/agenda", {"objectives": NUL}, "objectives"),
    ("post", M + "/goals", {**GOAL, "title": NUL}, "title"),
    ("post", M + "/goals", {**GOAL, "measure": NUL}, "measure"),
    ("post", S + "/cancel", {"reason": NUL}, "reason"),
    ("post", S + "/move", {"reason": NUL, "starts_at": "2100-01-04T12:00:00Z"}, "reason"),
    ("put", S + "/learning", {"taught": NUL}, "taught"),
    ("patch", "/api/v1/people/me", {"bio": NUL}, "bio"),
    ("patch", "/api/v1/people/me", {"full_name": NUL}, "full_name"),
    ("patch", "/api/v1/people/me", {"job_title": NUL}, "job_title"),
    ("patch", "/api/v1/people/me", {"timezone": "Asia/Jakarta\x00"}, "timezone"),
    ("patch", "/api/v1/people/me", {"languages": ["id", "e\x00"]}, "languages.1"),
    (
        "patch",
        "/api/v1/people/me",
        {"can_teach": [{"skill": NUL, "level": 2}]},
        "can_teach.0.skill",
    ),
    ("post", "/api/v1/tokens", {"name": NUL}, "name"),
    ("post", "/api/v1/programs", {"name": NUL, "kind": "flipped"}, "name"),
    ("post", "/api/v1/programs/{enrolling}/enrolments", {"role": "mentee", "goals": NUL}, "goals"),
    ("post", "/api/v1/programs/{enrolling}/enrolments", {"role": "mentee", "email": NUL}, "email"),
    (
        "post",
        "/api/v1/programs/{enrolling}/enrolments",
        {"role": "mentee", "give_skills": ["python", NUL]},
        "give_skills.1",
    ),
    (
        "post",
        "/api/v1/programs/{enrolling}/enrolments",
        {"role": "mentee", "readiness": {NUL: 3}},
        "readiness.a\\x00b",
    ),
    ("post", "/api/v1/programs/{enrolling}/status", {"status": NUL}, "status"),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "field"), API_CASES, ids=[f"{c[0]} {c[1]} {c[3]}" for c in API_CASES]
)
def test_the_api_names_the_field_holding_a_nul_and_writes_nothing(
    client, pair, booked, enrolling, program_manager, method, url, body, field
):
    manages = url.startswith("/api/v1/programs")
    client.force_login(program_manager.user if manages else pair.mentee.user)
    address = url.format(pair=pair.pk, session=booked.pk, enrolling=enrolling.slug)
    before = snapshot()
    response = getattr(client, method)(
        address, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "control_character"
    assert answer["field"] == field and field in answer["errors"]
    assert snapshot() == before


# --- the pages --------------------------------------------------------------------------------

W = "/mentorships/{pair}/"
WEB_CASES = [
    (W + "note/", {"body": NUL}, "body"),
    (W + "note/", {"body": "fine", "session": NUL}, "session"),
    (W + "agenda/", {"session": "{session}", "topics": NUL}, "topics"),
    (W + "goal/", {"title": NUL, "measure": "m", "target": "t", "due_date": DUE}, "title"),
    (W + "agreement/", {"goals": NUL, "cadence_days": "14", "format": "online"}, "goals"),
    (W + "agreement/", {"meeting_place": NUL, "cadence_days": "14"}, "meeting_place"),
    (W + "cancel/", {"session": "{session}", "reason": NUL}, "reason"),
    (
        W + "reschedule/",
        {"session": "{session}", "start": "2100-01-04T12:00", "reason": NUL},
        "reason",
    ),
    (W + "learning/", {"session": "{session}", "taught": NUL}, "taught"),
    (W + "action/", {"title": NUL}, "title"),
    (W + "close/", {"reflection": NUL}, "reflection"),
    (W + "decline/", {"reason": NUL}, "reason"),
    ("/programs/new/", {"name": NUL, "template": ""}, "name"),
    ("/programs/{enrolling}/choose/", {"mentor": "1", "message": NUL}, "message"),
    ("/programs/{enrolling}/requests/1/", {"action": "decline", "reason": NUL}, "reason"),
    ("/programs/{enrolling}/evaluation/", {"satisfaction": "4", "improve": NUL}, "improve"),
    ("/programs/{enrolling}/enrol/", {"role": "mentee", "goals": NUL}, "goals"),
]
# Pages whose Django form shows the refusal beside the field, and the form again.
FORM_CASES = [
    ("/people/{me}/edit/", {"section": "about", "full_name": NUL, "timezone": "UTC"}, "full_name"),
    ("/people/{me}/edit/", {"section": "about", "full_name": "R", "bio": NUL}, "bio"),
    ("/accounts/tokens/", {"name": NUL, "expires_in_days": "90"}, "name"),
]


@pytest.mark.parametrize(
    ("url", "data", "field"), WEB_CASES, ids=[f"{c[0]} {c[2]}" for c in WEB_CASES]
)
def test_a_page_names_the_field_holding_a_nul_and_writes_nothing(
    client, pair, booked, enrolling, program_manager, url, data, field
):
    before = snapshot()
    response = post_as_owner(client, pair, booked, enrolling, program_manager, url, data)
    assert response.status_code == 400
    assert f"Remove the invisible control character U+0000 from “{field}”" in (
        response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "data", "field"), FORM_CASES, ids=[f"{c[0]} {c[2]}" for c in FORM_CASES]
)
def test_a_form_shows_the_nul_refusal_beside_the_field(
    client, pair, booked, enrolling, program_manager, url, data, field
):
    before = snapshot()
    response = post_as_owner(client, pair, booked, enrolling, program_manager, url, data)
    assert response.status_code == 422
    form = response.context["about_form" if "/people/" in url else "form"]
    assert form.errors[field] == ["Null characters are not allowed."]
    assert snapshot() == before


def post_as_owner(client, pair, booked, enrolling, program_manager, url, data):
    user = program_manager.user if url.startswith("/programs/") else pair.mentee.user
    client.force_login(user)
    names = {
        "pair": pair.pk,
        "session": booked.pk,
        "me": pair.mentee.pk,
        "enrolling": enrolling.slug,
    }
    form = {key: value.format(**names) if "{" in value else value for key, value in data.items()}
    return client.post(url.format(**names), form)


# --- the services, behind both (defence in depth) -----------------------------------------


def test_the_services_refuse_a_nul_themselves(pair, booked):
    """Whatever calls them (a command, a task, a future view), the services clean their text
    by `balik.core.text`, which refuses NUL, and name the field."""
    from balik.accounts.services import api_token_create
    from balik.core.errors import BalikError, ValidationFailed
    from balik.matching.services import mentorship_decline
    from balik.people.services import person_update

    mentee = pair.mentee.user
    calls = {
        "body": lambda: note_add(mentee, pair, body=NUL, private=False),
        "topics": lambda: agenda_save(mentee, booked, topics=NUL),
        "title": lambda: goal_add(mentee, pair, title=NUL, measure="m", target="t", due_date=None),
        "goals": lambda: agreement_update(mentee, pair, goals=NUL),
        "reason": lambda: session_cancel(mentee, booked, reason=NUL),
        "taught": lambda: learning_record(mentee, booked, taught=NUL, learned=""),
        "bio": lambda: person_update(person=pair.mentee, actor=mentee, data={"bio": NUL}),
        "name": lambda: api_token_create(user=mentee, name=NUL),
    }
    for field, call in calls.items():
        before = snapshot()
        with pytest.raises(BalikError) as refused:
            call()
        errors = refused.value.errors if isinstance(refused.value, ValidationFailed) else {}
        messages = errors.get(field) or [str(refused.value.message)]
        assert any("U+0000" in message for message in messages), (field, messages)
        assert snapshot() == before
    with pytest.raises(ValidationFailed) as refused:
        mentorship_decline(mentee, pair, reason=NUL)
    assert "U+0000" in refused.value.errors["reason"][0]


# --- uploaded files: their contents are the importers' to judge, line by line ----------------


def test_an_uploaded_file_with_a_nul_is_refused_by_its_importer_with_the_line(
    client, org_admin, enrolling, program_manager
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from balik.people.models import PeopleImport

    people = b"email,full_name\nsiti@example.id,Siti\nbudi@example.id,Bu\x00di\n"
    client.force_login(org_admin.user)
    response = client.post(
        "/people/import/", {"file": SimpleUploadedFile("people.csv", people, "text/csv")}
    )
    assert response.status_code == 422  # the upload page, not the middleware's 400
    assert "NUL character on line 3" in response.content.decode()
    assert not PeopleImport.objects.exists()

    enrolment = b"email,role\nsiti@example.id,mentor\nbu\x00di@example.id,mentee\n"
    client.force_login(program_manager.user)
    before = snapshot()
    response = client.post(
        f"/programs/{enrolling.slug}/participants/",
        {"action": "csv", "file": SimpleUploadedFile("enrolment.csv", enrolment, "text/csv")},
    )
    assert response.status_code == 200
    assert "line 3" in response.content.decode()
    assert snapshot() == before
