"""The self-assessment and evaluation pages: field errors, saving, and refusals."""

import pytest

from balik.feedback.models import Answer, ProgramEvaluation
from balik.programs import services as program_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(program_manager, participant):
    program = program_services.create_program(program_manager.user, name="Rev", kind="reverse")
    program.status = "enrolling"
    program.save()
    program_services.enroll(
        program_manager.user, program, participant, program_services.EnrolmentData(role="mentee")
    )
    program.status = "active"
    program.save()
    return program


def test_a_participant_answers_the_start_assessment(client, participant, running):
    client.force_login(participant.user)
    url = f"/programs/{running.slug}/assessment/start/"
    page = client.get(url).content.decode()
    assert "I am confident using social media for work." in page
    response = client.post(url, {})
    assert response.status_code == 200 and "Answer this question." in response.content.decode()
    names = [f"question_{row['name'].split('_')[1]}" for row in response.context["rows"]]
    response = client.post(url, dict.fromkeys(names, "3"))
    assert response.status_code == 302
    assert Answer.objects.filter(person=participant, phase="start").count() == 3


def test_the_evaluation_saves_and_shows_errors(client, participant, running):
    client.force_login(participant.user)
    url = f"/programs/{running.slug}/evaluation/"
    response = client.post(url, {"satisfaction": "9", "recommend": "x"})
    assert response.status_code == 200
    assert "Give a whole number from 1 to 5." in response.content.decode()
    superscript = client.post(url, {"satisfaction": "²", "recommend": "7"})  # isdigit(), no int
    assert superscript.status_code == 200
    assert "Give a whole number from 1 to 5." in superscript.content.decode()
    client.post(url, {"satisfaction": "5", "recommend": "10", "improve": "More sessions"})
    assert ProgramEvaluation.objects.get(person=participant).recommend == 10


def test_outsiders_cannot_answer(client, outsider, running):
    client.force_login(outsider.user)
    assert client.get(f"/programs/{running.slug}/assessment/start/").status_code == 403
    assert client.get(f"/programs/{running.slug}/evaluation/").status_code == 403
    assert client.get(f"/programs/{running.slug}/assessment/never/").status_code == 404
