"""The home page's "what to do now" list: each person's own next steps, the most urgent first,
each linking to the place to act, with deadlines on the reader's clock and in their language."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from balik.matching import services as matching
from balik.mentorships.models import (
    ActionItem,
    Agenda,
    Goal,
    Mentorship,
    Session,
    SessionStatus,
)
from balik.notifications.models import Kind, Notification
from balik.programs.models import Enrolment, ProgramStatus
from tests.factories import PersonFactory, give_feedback
from tests.mentorships.builders import flipped_pair
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, 10:00 in Jakarta
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
# Saturday 5 December 2026, 10:00 in Jakarta: the agenda is due 24 h before, Friday 10:00 WIB
SESSION_START = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def self_match(program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=True, name="Pilot")
    juniors, seniors = reverse_population(program, 3, manager_user=program_manager.user)
    return program, juniors, seniors


@pytest.fixture
def asked(self_match):
    """A senior (the mentee in reverse mentoring) asked her best mentor."""
    program, _juniors, seniors = self_match
    mentee = seniors[0]
    mentor = matching.shortlist(mentee.user, program)[0].mentor
    request = matching.mentor_request(mentee.user, program, mentor_id=mentor.pk, message="Halo")
    return request


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager, mentee_zone="Asia/Jakarta")


def home_steps(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.context["next_steps"]


def booked(pair, start=SESSION_START, *, status=SessionStatus.BOOKED, key="one") -> Session:
    return Session.objects.create(
        mentorship=pair,
        status=status,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        leader="mentee",
        proposed_by=pair.mentee,
        uid=f"next-{pair.pk}-{key}",
    )


# --- requests ------------------------------------------------------------------------------


def test_an_enrolled_mentee_with_a_pending_request_is_told_she_waits_for_the_answer(client, asked):
    response, steps = home_steps(client, asked.mentee)
    waiting = [step for step in steps if step.kind == "request_waiting"]
    assert len(waiting) == 1
    assert asked.mentor.full_name in waiting[0].title
    assert waiting[0].url == reverse("programs:detail", args=[asked.program.slug])
    assert asked.mentor.full_name.encode() in response.content


def test_a_mentor_with_a_request_sees_it_first_with_a_verb_and_in_the_inbox(client, asked):
    _response, steps = home_steps(client, asked.mentor)
    assert steps[0].kind == "request_to_answer"
    assert steps[0].title == f"Answer {asked.mentee.full_name}'s request"
    assert steps[0].url.startswith(reverse("programs:detail", args=[asked.program.slug]))
    notice = Notification.objects.get(recipient=asked.mentor.user, kind=Kind.MATCH_REQUESTED)
    assert notice.in_app
    assert notice.url == reverse("programs:detail", args=[asked.program.slug]) + "#me-heading"
    client.force_login(asked.mentor.user)
    assert asked.mentee.full_name.encode() in client.get(reverse("notifications:inbox")).content


def test_the_mentee_is_told_in_the_inbox_when_the_mentor_answers(client, asked):
    matching.request_answer(asked.mentor.user, asked, accept=True)
    notice = Notification.objects.get(recipient=asked.mentee.user, kind=Kind.REQUEST_ANSWERED)
    assert notice.in_app
    paired = Mentorship.objects.get(mentor=asked.mentor, mentee=asked.mentee)
    assert notice.url == reverse("mentorships:detail", args=[paired.pk])
    client.force_login(asked.mentee.user)
    assert asked.mentor.full_name.encode() in client.get(reverse("notifications:inbox")).content
    _response, steps = home_steps(client, asked.mentee)
    assert "request_waiting" not in {step.kind for step in steps}


def test_a_mentee_in_a_self_match_programme_without_a_request_is_asked_to_choose(
    client, self_match
):
    program, _juniors, seniors = self_match
    _response, steps = home_steps(client, seniors[1])
    choose = [step for step in steps if step.kind == "choose_mentor"]
    assert [step.url for step in choose] == [reverse("programs:choose", args=[program.slug])]


def test_my_mentorships_shows_the_pending_request_and_not_enrol(client, asked):
    client.force_login(asked.mentee.user)
    page = client.get(reverse("mentorships:list")).content.decode()
    assert "Enrol in a programme" not in page
    assert asked.mentor.full_name in page
    assert asked.program.name in page


def test_my_mentorships_shows_an_enrolment_awaiting_a_match_with_what_happens_next(
    client, program_manager
):
    program = enrolling_program(program_manager, kind="reverse", name="Awaiting")
    _juniors, seniors = reverse_population(program, 1, manager_user=program_manager.user)
    client.force_login(seniors[0].user)
    page = client.get(reverse("mentorships:list")).content.decode()
    assert "Enrol in a programme" not in page
    assert "Awaiting" in page
    assert "the programme manager matches" in page


# --- sessions, agendas, feedback -------------------------------------------------------------


def test_the_leading_side_is_asked_for_the_agenda_by_its_deadline_in_english(client, pair, frozen):
    session = booked(pair)
    response, steps = home_steps(client, pair.mentee)
    agenda = [step for step in steps if step.kind == "agenda_write"]
    assert len(agenda) == 1
    assert agenda[0].title == "Write your agenda by Friday 4 Dec, 10:00 WIB"
    assert agenda[0].url == reverse("mentorships:detail", args=[pair.pk]) + "#agenda"
    assert agenda[0].due == SESSION_START - timedelta(hours=24)
    assert b"Write your agenda by Friday 4 Dec, 10:00 WIB" in response.content
    assert session.pk


def test_the_deadline_reads_day_month_in_indonesian_on_the_readers_clock(client, pair, frozen):
    booked(pair)
    pair.mentee.user.preferred_language = "id"
    pair.mentee.user.save(update_fields=["preferred_language"])
    pair.mentee.timezone = "Asia/Jayapura"
    pair.mentee.save(update_fields=["timezone"])
    response, steps = home_steps(client, pair.mentee)
    agenda = next(step for step in steps if step.kind == "agenda_write")
    assert "Jumat 4 Des, 12.00 WIT" in agenda.title
    page = response.content.decode()
    assert "Jumat 4 Des, 12.00 WIT" in page
    assert "12/04" not in page and "04/12" not in page


def test_the_facilitating_side_waits_for_the_agenda_then_answers_it(client, pair, frozen):
    session = booked(pair)
    _response, steps = home_steps(client, pair.mentor)
    kinds = {step.kind for step in steps}
    assert "agenda_write" not in kinds
    upcoming = next(step for step in steps if step.kind == "session_upcoming")
    assert "Saturday 5 Dec, 10:00 WIB" in upcoming.title
    Agenda.objects.create(session=session, author=pair.mentee, topics="AI", submitted_at=NOW)
    _response, steps = home_steps(client, pair.mentor)
    answer = next(step for step in steps if step.kind == "agenda_answer")
    assert answer.title == f"Answer {pair.mentee.full_name}'s agenda"
    assert answer.url.endswith("#agenda")


def test_an_active_pair_without_a_next_session_is_asked_to_book_one(client, pair, frozen):
    _response, steps = home_steps(client, pair.mentee)
    book = [step for step in steps if step.kind == "session_book"]
    assert len(book) == 1
    assert book[0].url.endswith("#sessions")


def test_feedback_is_asked_of_each_person_until_they_gave_it(client, pair, frozen):
    held = booked(pair, NOW - timedelta(days=2), status=SessionStatus.HELD, key="held")
    _response, steps = home_steps(client, pair.mentee)
    feedback = [step for step in steps if step.kind == "feedback"]
    assert len(feedback) == 1
    assert feedback[0].url.endswith("#feedback")
    give_feedback(held, pair.mentee, 5)
    _response, steps = home_steps(client, pair.mentee)
    assert "feedback" not in {step.kind for step in steps}
    _response, steps = home_steps(client, pair.mentor)
    assert "feedback" in {step.kind for step in steps}


def test_goals_and_actions_due_are_the_owners_own(client, pair, frozen):
    Goal.objects.create(
        mentorship=pair,
        title="Ship a TikTok series",
        measure="posts",
        target="4",
        due_date=date(2026, 12, 8),
        owner=pair.mentee,
    )
    ActionItem.objects.create(
        mentorship=pair, title="Read the brief", owner=pair.mentee, due_date=date(2026, 12, 2)
    )
    _response, steps = home_steps(client, pair.mentee)
    kinds = [step.kind for step in steps]
    assert "goal" in kinds and "action" in kinds
    action = next(step for step in steps if step.kind == "action")
    assert "Read the brief" in action.title
    assert action.url.endswith("#actions")
    assert next(step for step in steps if step.kind == "goal").url.endswith("#goals")
    _response, steps = home_steps(client, pair.mentor)
    assert not {"goal", "action"} & {step.kind for step in steps}


def test_the_most_urgent_comes_first(client, pair, frozen):
    booked(pair)  # agenda due in three days
    ActionItem.objects.create(
        mentorship=pair, title="Overdue", owner=pair.mentee, due_date=date(2026, 11, 28)
    )
    _response, steps = home_steps(client, pair.mentee)
    kinds = [step.kind for step in steps]
    assert kinds.index("action") < kinds.index("agenda_write")


def test_a_self_assessment_is_due_at_the_start(client, pair):
    Enrolment.objects.create(program=pair.program, person=pair.mentee, role="mentee")
    _response, steps = home_steps(client, pair.mentee)
    assessment = [step for step in steps if step.kind == "assessment"]
    assert [step.url for step in assessment] == [
        reverse("programs:assessment", args=[pair.program.slug, "start"])
    ]


def test_enrolled_programmes_are_listed_with_their_state(client, self_match):
    program, _juniors, seniors = self_match
    response, _steps = home_steps(client, seniors[2])
    programmes = response.context["my_programmes"]
    assert [(row.program, row.program.get_status_display()) for row in programmes] == [
        (program, "Enrolling")
    ]


# --- refusals -----------------------------------------------------------------------------


def test_nobody_sees_another_persons_steps(client, pair, asked, outsider, program_manager, frozen):
    booked(pair, NOW - timedelta(days=1), status=SessionStatus.HELD, key="held")
    booked(pair)
    ActionItem.objects.create(
        mentorship=pair, title="Private action", owner=pair.mentee, due_date=date(2026, 12, 2)
    )
    for person in (outsider, program_manager):
        response, steps = home_steps(client, person)
        assert steps == []
        page = response.content.decode()
        assert pair.mentee.full_name not in page and "Private action" not in page
        assert asked.mentee.full_name not in page


# --- query budget ------------------------------------------------------------------------------


@pytest.mark.parametrize("pairs", [1, 8])
def test_the_home_page_queries_do_not_grow_with_mentorships_and_sessions(
    client, program_manager, django_assert_max_num_queries, pairs
):
    busy = PersonFactory(full_name="Busy Person")
    for index in range(pairs):
        pair = flipped_pair(program_manager, mentee_zone="Asia/Jakarta")
        pair.mentee = busy
        pair.save(update_fields=["mentee"])
        start = datetime.now(UTC) + timedelta(days=3 + index)
        booked(pair, start, key=f"up{index}")
        booked(pair, start - timedelta(days=10), status=SessionStatus.HELD, key=f"held{index}")
        ActionItem.objects.create(
            mentorship=pair, title=f"Action {index}", owner=busy, due_date=start.date()
        )
    client.force_login(busy.user)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("pairs", [1, 8])
def test_a_managers_home_queries_do_not_grow_with_pairs(
    client, program_manager, django_assert_max_num_queries, pairs
):
    first = flipped_pair(program_manager)
    for index in range(pairs):
        pair = Mentorship.objects.create(
            program=first.program, mentor=PersonFactory(), mentee=PersonFactory()
        )
        booked(pair, datetime.now(UTC) + timedelta(hours=3), key=f"m{index}")
    client.force_login(program_manager.user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert first.program.status == ProgramStatus.ACTIVE


# --- managers ------------------------------------------------------------------------------


def test_a_manager_sees_what_is_left_in_each_programme(client, program_manager, pair, frozen):
    enrolling = enrolling_program(program_manager, kind="reverse", name="Next round")
    reverse_population(enrolling, 2, manager_user=program_manager.user)
    booked(pair, NOW + timedelta(hours=5))  # the agenda was due 19 hours ago
    client.force_login(program_manager.user)
    response = client.get(reverse("home"))
    rows = {row.program.pk: row for row in response.context["manager_programmes"]}
    matching_url = reverse("programs:matching", args=[enrolling.slug])
    assert matching_url in {step.url for step in rows[enrolling.pk].steps}
    active = rows[pair.program.pk]
    assert active.agendas_missing == 1
    assert reverse("programs:health", args=[pair.program.slug]) in {
        step.url for step in active.steps
    }
    assert b"1 agenda missing" in response.content
