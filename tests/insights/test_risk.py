"""At-risk relationships, rule by rule, and a healthy pair that is not flagged."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from balik.insights.risk import at_risk
from balik.mentorships.models import Goal, Mentorship, Session, SessionStatus
from balik.mentorships.sessions import session_propose
from tests.factories import PersonFactory, give_feedback
from tests.mentorships.builders import flipped_pair
from tests.mentorships.test_workspace import book, in_days

pytestmark = pytest.mark.django_db


def codes(program, now=None) -> dict[int, set[str]]:
    return {r.mentorship_id: {code for code, _data in r.reasons} for r in at_risk(program, now)}


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def past_session(pair, days_ago: int, *, agenda: bool, rating: int | None = None) -> Session:
    start = timezone.now() - timedelta(days=days_ago)
    session = Session.objects.create(
        mentorship=pair,
        status=SessionStatus.HELD,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        leader="mentee",
        proposed_by=pair.mentee,
        uid=f"past-{pair.pk}-{days_ago}",
    )
    if agenda:
        from balik.mentorships.models import Agenda

        Agenda.objects.create(
            session=session, author=pair.mentee, topics="t", submitted_at=start - timedelta(days=2)
        )
    if rating is not None:
        for author in (pair.mentor, pair.mentee):
            give_feedback(session, author, rating)
    return session


def test_a_new_pair_with_a_session_booked_is_not_at_risk(pair):
    book(pair, in_days(3))
    assert codes(pair.program) == {}


def test_no_session_for_twice_the_cadence(pair):
    Mentorship.objects.filter(pk=pair.pk).update(created_at=timezone.now() - timedelta(days=40))
    past_session(pair, 29, agenda=True)
    assert codes(pair.program)[pair.pk] == {"no_session"}  # cadence 14 days, 29 > 28
    book(pair, in_days(2))
    assert pair.pk not in codes(pair.program)


def test_agendas_missing_twice_running(pair):
    past_session(pair, 20, agenda=False)
    past_session(pair, 6, agenda=True)
    assert "agendas_missing" not in codes(pair.program).get(pair.pk, set())
    past_session(pair, 2, agenda=False)
    past_session(pair, 1, agenda=False)
    assert "agendas_missing" in codes(pair.program)[pair.pk]


def test_falling_ratings_are_never_a_reason_a_manager_sees(pair, client, program_manager):
    """Feedback is anonymous: how two named people rated their sessions is theirs alone, so a
    pair whose ratings fall from 5 to 3, and which is otherwise fine, is not listed at risk."""
    for days, rating in ((30, 5), (20, 5), (10, 3), (2, 3)):
        past_session(pair, days, agenda=True, rating=rating)
    assert pair.pk not in codes(pair.program)
    client.force_login(program_manager.user)
    page = client.get(reverse("programs:health", args=[pair.program.slug])).content.decode()
    assert "ratings are falling" not in page
    assert pair.mentor.full_name not in page and pair.mentee.full_name not in page


def test_one_side_not_answering(pair):
    book(pair, in_days(2))
    with time_machine.travel(timezone.now() - timedelta(days=9)):
        session_propose(pair.mentee.user, pair, starts=[in_days(12)])
    result = at_risk(pair.program)
    reasons = dict(result[0].reasons)
    assert reasons["not_answering"]["person"] == pair.mentor.pk


def test_goals_overdue(pair):
    book(pair, in_days(2))
    Goal.objects.create(
        mentorship=pair,
        title="g",
        measure="m",
        target="t",
        owner=pair.mentee,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    Goal.objects.create(
        mentorship=pair,
        title="done",
        measure="m",
        target="t",
        owner=pair.mentee,
        due_date=timezone.localdate() - timedelta(days=3),
        status="done",
    )
    reasons = dict(at_risk(pair.program)[0].reasons)
    assert reasons["goals_overdue"]["count"] == 1


def test_the_list_costs_the_same_queries_for_more_pairs(pair):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            at_risk(pair.program)
        return len(context.captured_queries)

    few = queries()
    for _ in range(8):
        other = Mentorship.objects.create(
            program=pair.program, mentor=PersonFactory(), mentee=PersonFactory()
        )
        past_session(other, 3, agenda=False, rating=2)
    assert queries() == few


def test_the_most_urgent_pairs_come_first(pair):
    quiet = Mentorship.objects.create(
        program=pair.program,
        mentor=PersonFactory(),
        mentee=PersonFactory(),
        created_at=timezone.now() - timedelta(days=90),
    )
    Mentorship.objects.filter(pk=pair.pk).update(created_at=timezone.now() - timedelta(days=40))
    past_session(pair, 30, agenda=False)
    past_session(pair, 29, agenda=False)  # no session for 29 days, and two agendas missing
    order = [(risk.mentorship_id, len(risk.reasons)) for risk in at_risk(pair.program)]
    assert order == [(pair.pk, 2), (quiet.pk, 1)]


def test_a_session_still_ahead_does_not_count_as_unprepared(pair):
    past_session(pair, 3, agenda=False)
    book(pair, in_days(2))  # no agenda yet, but the session has not started
    assert "agendas_missing" not in codes(pair.program).get(pair.pk, set())
