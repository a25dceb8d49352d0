"""The self-assessment and evaluation pages: field errors, saving, and refusals."""

import pytest

from balik.feedback.models import Answer, ProgramEvaluation, Question
from balik.programs import services as program_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(program_manager, participant):
    program = program_services.program_create(program_manager.user, name="Rev", kind="reverse")
    program.status = "enrolling"
    program.save()
    program_services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=program_services.EnrolmentData(role="mentee"),
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


# --- the manager's questions ------------------------------------------------------------------


def questions_url(program) -> str:
    return f"/programs/{program.slug}/questions/"


NEW_QUESTION = {
    "audience": "mentee",
    "competency": "Presenting to leaders",
    "text_en": "I am confident presenting to senior leaders.",
    "text_id": "Saya percaya diri presentasi di depan pimpinan senior.",
}


def test_a_manager_adds_a_question_that_participants_then_answer(
    client, program_manager, participant, running
):
    client.force_login(program_manager.user)
    page = client.get(questions_url(running)).content.decode()
    assert "I am confident using social media for work." in page  # built in, for reverse
    response = client.post(questions_url(running), NEW_QUESTION)
    assert response.status_code == 302
    question = Question.objects.get(program=running)
    assert (question.competency, question.audience) == ("presenting-to-leaders", "mentee")
    listed = client.get(questions_url(running)).content.decode()
    assert "Presenting to leaders" in listed and "this programme" in listed

    client.force_login(participant.user)
    client.cookies["django_language"] = "id"
    assessment = client.get(
        f"/programs/{running.slug}/assessment/start/", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert NEW_QUESTION["text_id"] in assessment.content.decode()


def test_a_question_needs_both_languages_and_a_side(client, program_manager, running):
    client.force_login(program_manager.user)
    response = client.post(
        questions_url(running), {**NEW_QUESTION, "audience": "boss", "text_id": "  "}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"audience", "text_id"}
    assert not Question.objects.filter(program=running).exists()


def test_only_unanswered_own_questions_can_be_removed(
    client, program_manager, participant, running
):
    client.force_login(program_manager.user)
    client.post(questions_url(running), NEW_QUESTION)
    question = Question.objects.get(program=running)
    built_in = Question.objects.filter(program__isnull=True, kind="reverse").first()
    refused = client.post(f"{questions_url(running)}{built_in.pk}/remove/", follow=True)
    assert "the built-in ones stay" in refused.content.decode()
    Answer.objects.create(
        program=running, person=participant, question=question, phase="start", value=4
    )
    client.post(f"{questions_url(running)}{question.pk}/remove/")
    assert Question.objects.filter(pk=question.pk).exists()  # answered: it stays
    Answer.objects.filter(question=question).delete()
    client.post(f"{questions_url(running)}{question.pk}/remove/")
    assert not Question.objects.filter(pk=question.pk).exists()


def test_only_managers_see_or_change_the_questions(client, participant, outsider, running):
    for person in (participant, outsider):
        client.force_login(person.user)
        assert client.get(questions_url(running)).status_code == 403
        assert client.post(questions_url(running), NEW_QUESTION).status_code == 403
    assert not Question.objects.filter(program=running).exists()
    assert client.get("/programs/no-such-programme/questions/").status_code == 404
