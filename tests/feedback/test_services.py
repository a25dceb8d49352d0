"""Feedback and self-assessments: who may give them, when, and in which range."""

import re
from datetime import timedelta

import pytest
import time_machine

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.feedback import services
from balik.feedback.models import Answer, Question
from balik.mentorships.sessions import session_record_attendance
from balik.programs import services as program_services
from tests.mentorships.builders import flipped_pair
from tests.mentorships.test_workspace import book, in_days

pytestmark = pytest.mark.django_db
GOOD = {"rating": 5, "usefulness": 4, "preparation": 5, "psychological_safety": 5}


@pytest.fixture
def held(program_manager):
    pair = flipped_pair(program_manager)
    start = in_days(2)  # after the preparation deadline, which booking now requires
    session = book(pair, start)
    with time_machine.travel(start + timedelta(hours=2)):
        session_record_attendance(pair.mentor.user, session, attendance="held")
    return pair, session, start


def test_both_people_rate_a_held_session_once_each(held):
    pair, session, start = held
    with time_machine.travel(start + timedelta(hours=3)):
        services.session_feedback_give(pair.mentee.user, session, **GOOD, comment="Heard")
        services.session_feedback_give(pair.mentor.user, session, **GOOD)
        services.session_feedback_give(pair.mentee.user, session, **{**GOOD, "rating": 3})
    assert session.feedback.count() == 2
    assert session.feedback.get(author=pair.mentee).rating == 3


def test_feedback_carries_its_pair(held):
    """The health page's anonymous feedback sums are kept per pair and author from this copy."""
    pair, session, start = held
    with time_machine.travel(start + timedelta(hours=3)):
        given = services.session_feedback_give(pair.mentee.user, session, **GOOD)
    assert given.mentorship_id == pair.pk


def test_feedback_is_refused_before_the_session_and_after_seven_days(program_manager, held):
    pair, session, start = held
    upcoming = book(pair, in_days(4))
    with pytest.raises(BalikError):
        services.session_feedback_give(pair.mentee.user, upcoming, **GOOD)
    with time_machine.travel(start + timedelta(days=8, hours=2)), pytest.raises(BalikError):
        services.session_feedback_give(pair.mentee.user, session, **GOOD)


def test_scores_must_be_whole_numbers_from_1_to_5(held):
    pair, session, start = held
    with (
        time_machine.travel(start + timedelta(hours=3)),
        pytest.raises(ValidationFailed) as refused,
    ):
        services.session_feedback_give(
            pair.mentee.user,
            session,
            rating=6,
            usefulness=0,
            preparation="5",
            psychological_safety=True,
            mood=3,
        )
    assert set(refused.value.errors) == {
        "rating",
        "usefulness",
        "preparation",
        "psychological_safety",
        "mood",
    }
    assert not session.feedback.exists()


def test_outsiders_and_managers_cannot_rate(held, program_manager, outsider):
    _pair, session, start = held
    with time_machine.travel(start + timedelta(hours=3)):
        for user in (outsider.user, program_manager.user):
            with pytest.raises(PermissionRefused):
                services.session_feedback_give(user, session, **GOOD)


def test_the_evaluation_is_for_participants_of_a_running_programme(program_manager, participant):
    program = program_services.program_create(program_manager.user, name="P", kind="flipped")
    program.status = "enrolling"
    program.save()
    program_services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=program_services.EnrolmentData(role="mentee"),
    )
    with pytest.raises(BalikError):
        services.program_evaluate(participant.user, program, satisfaction=5, recommend=10)
    program.status = "active"
    program.save()
    with pytest.raises(ValidationFailed) as refused:
        services.program_evaluate(participant.user, program, satisfaction=0, recommend=11)
    assert set(refused.value.errors) == {"satisfaction", "recommend"}
    evaluation = services.program_evaluate(participant.user, program, satisfaction=5, recommend=9)
    assert evaluation.recommend == 9
    with pytest.raises(PermissionRefused):
        services.program_evaluate(program_manager.user, program, satisfaction=5, recommend=9)


def test_each_side_answers_its_own_questions_in_each_phase(program_manager, participant):
    program = program_services.program_create(program_manager.user, name="R", kind="reverse")
    program.status = "enrolling"
    program.save()
    program_services.enrolment_add(
        program_manager.user,
        program,
        person=participant,
        data=program_services.EnrolmentData(role="mentee"),
    )
    questions = list(services.questions_for(program, "mentee"))
    assert {q.competency for q in questions} == {"social-media", "ai-tools", "younger-colleagues"}
    assert all(q.text_id for q in questions)
    mentor_question = Question.objects.get(
        kind="reverse", audience="mentor", competency="leadership"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_answer(
            participant.user,
            program,
            phase="start",
            values={questions[0].pk: 2, mentor_question.pk: 3},
        )
    assert f"question_{mentor_question.pk}" in refused.value.errors
    assert f"question_{questions[1].pk}" in refused.value.errors
    services.assessment_answer(
        participant.user, program, phase="start", values={q.pk: 2 for q in questions}
    )
    services.assessment_answer(
        participant.user, program, phase="end", values={q.pk: 4 for q in questions}
    )
    assert Answer.objects.filter(person=participant).count() == 6
    with pytest.raises(ValidationFailed):
        services.assessment_answer(
            participant.user, program, phase="later", values={q.pk: 4 for q in questions}
        )


def test_managers_add_their_own_questions(program_manager, participant):
    program = program_services.program_create(program_manager.user, name="F", kind="flipped")
    question = services.question_add(
        program_manager.user,
        program,
        audience="mentee",
        competency="Presenting",
        text_en="I present with confidence.",
        text_id="Saya presentasi dengan percaya diri.",
    )
    assert question in services.questions_for(program, "mentee")
    with pytest.raises(PermissionRefused):
        services.question_add(
            participant.user, program, audience="mentee", competency="x", text_en="a", text_id="b"
        )
    with pytest.raises(ValidationFailed):
        services.question_add(
            program_manager.user, program, audience="boss", competency="", text_en="", text_id=""
        )


def test_a_question_is_one_line_and_a_comment_keeps_its_line_breaks(program_manager, held):
    program = program_services.program_create(program_manager.user, name="F", kind="flipped")
    with pytest.raises(ValidationFailed) as refused:
        services.question_add(
            program_manager.user,
            program,
            audience="mentee",
            competency="Presenting",
            text_en="I present\nwith confidence.",
            text_id="Saya presentasi.",
        )
    assert set(refused.value.errors) == {"text_en"}
    pair, session, start = held
    with time_machine.travel(start + timedelta(hours=3)):
        with pytest.raises(ValidationFailed) as refused:
            services.session_feedback_give(pair.mentee.user, session, **GOOD, comment="Ok\x00")
        assert set(refused.value.errors) == {"comment"}
        kept = services.session_feedback_give(
            pair.mentee.user, session, **GOOD, comment="Good:\n- agenda\n- pace"
        )
    assert kept.comment == "Good:\n- agenda\n- pace"


def test_feedback_is_given_from_the_mentorship_page(client, held):
    pair, session, start = held
    client.force_login(pair.mentee.user)
    url = f"/mentorships/{pair.pk}/feedback/"
    with time_machine.travel(start + timedelta(hours=3)):
        page = client.get(f"/mentorships/{pair.pk}/").content.decode()
        assert "Your feedback on this session" in page
        response = client.post(url, {"session": session.pk, "rating": "9"}, follow=True)
        # shown again beside the field it is about, the form open
        assert response.context["refused"].errors["rating"] == ["Give a whole number from 1 to 5."]
        assert re.search(
            r'<label for="feedback-\d+-rating">Overall</label>.*?'
            r"Give a whole number from 1 to 5\.</li>",
            response.content.decode(),
            re.S,
        )
        client.post(
            url,
            {
                "session": session.pk,
                "rating": "5",
                "usefulness": "4",
                "preparation": "5",
                "psychological_safety": "5",
                "comment": "I was heard",
            },
        )
    assert session.feedback.get().comment == "I was heard"


def test_both_people_are_asked_once_for_feedback(held):
    from balik.notifications.models import Notification
    from balik.site.reminders import sweep

    pair, session, start = held
    with time_machine.travel(start + timedelta(hours=3)):
        services.session_feedback_give(pair.mentor.user, session, **GOOD)
        assert sweep()["feedback_due"] == 1  # only the mentee has not rated it
        assert sweep()["feedback_due"] == 0
    assert Notification.objects.get(kind="feedback_due").recipient == pair.mentee.user
    with time_machine.travel(start + timedelta(days=9)):
        assert sweep()["feedback_due"] == 0  # the window has closed
