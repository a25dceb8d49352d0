"""Self-match mode: a mentee sees their five best eligible mentors, asks one, and the mentor
accepts or declines; a mentor's capacity holds even when two accepts race."""

from functools import partial

import pytest
from django.db import connection
from django.urls import reverse

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.matching import services
from balik.matching.models import MatchRequest, RequestStatus
from balik.mentorships.models import Mentorship
from balik.notifications.services import emails_deliver
from balik.programs import services as program_services
from tests.concurrency import REFUSED_BY_THE_DATABASE, at_once
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_match_programme(program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=True)
    juniors, seniors = reverse_population(program, 7, manager_user=program_manager.user)
    return program, juniors, seniors


def test_a_mentee_sees_at_most_five_eligible_mentors_best_first(self_match_programme):
    program, juniors, seniors = self_match_programme
    manager_of_senior = juniors[0]
    seniors[0].manager = manager_of_senior  # a junior managing a senior: never eligible
    seniors[0].save()
    shortlist = services.shortlist(seniors[0].user, program)
    assert 1 <= len(shortlist) <= 5
    assert manager_of_senior.pk not in {s.mentor.pk for s in shortlist}
    scores = [s.score for s in shortlist]
    assert scores == sorted(scores, reverse=True)
    assert all(s.reasons for s in shortlist)


def test_mentors_do_not_get_a_shortlist_and_outsiders_are_refused(self_match_programme):
    program, juniors, _seniors = self_match_programme
    with pytest.raises(PermissionRefused):
        services.shortlist(juniors[0].user, program)
    with pytest.raises(PermissionRefused):
        services.shortlist(PersonFactory().user, program)


def test_a_request_then_an_accept_creates_the_mentorship(self_match_programme):
    program, _juniors, seniors = self_match_programme
    mentor = services.shortlist(seniors[0].user, program)[0].mentor
    request = services.mentor_request(
        seniors[0].user, program, mentor_id=mentor.pk, message="Halo!"
    )
    with pytest.raises(BalikError):
        services.mentor_request(seniors[0].user, program, mentor_id=mentor.pk)
    with pytest.raises(PermissionRefused):
        services.request_answer(seniors[0].user, request, accept=True)
    services.request_answer(mentor.user, request, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    made = Mentorship.objects.get(mentor=mentor, mentee=seniors[0], origin="requested")
    assert made.agreement.cadence_days == program.cadence_days


def test_asking_an_ineligible_mentor_is_refused(self_match_programme):
    program, _juniors, seniors = self_match_programme
    with pytest.raises(ValidationFailed) as refused:
        services.mentor_request(seniors[0].user, program, mentor_id=seniors[1].pk)
    assert "mentor" in refused.value.errors
    assert not MatchRequest.objects.exists()


def test_a_full_mentor_cannot_accept_another_mentee(self_match_programme):
    program, _juniors, seniors = self_match_programme
    mentor = services.shortlist(seniors[0].user, program)[0].mentor
    first = services.mentor_request(seniors[0].user, program, mentor_id=mentor.pk)
    second = services.mentor_request(seniors[1].user, program, mentor_id=mentor.pk)
    services.request_answer(mentor.user, first, accept=True)
    with pytest.raises(BalikError) as refused:
        services.request_answer(mentor.user, second, accept=True)
    assert refused.value.code == "no_capacity"
    assert Mentorship.objects.filter(mentor=mentor).count() == 1
    second.refresh_from_db()
    assert second.status == RequestStatus.PENDING
    services.request_answer(mentor.user, second, accept=False, reason="No room")
    second.refresh_from_db()
    assert second.status == RequestStatus.DECLINED


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_accepts_race(program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=True)
    _juniors, seniors = reverse_population(program, 3, manager_user=program_manager.user)
    mentor = services.shortlist(seniors[0].user, program)[0].mentor
    requests = [
        services.mentor_request(senior.user, program, mentor_id=mentor.pk) for senior in seniors[:3]
    ]
    outcomes = at_once(
        [partial(services.request_answer, mentor.user, r, accept=True) for r in requests],
        done="accepted",
    )
    assert outcomes.count("accepted") == 1
    assert set(outcomes) - {"accepted"} <= {"no_capacity", REFUSED_BY_THE_DATABASE}
    assert Mentorship.objects.filter(mentor=mentor).count() == 1


def test_the_choose_page_lists_mentors_and_sends_a_request(client, self_match_programme):
    program, _juniors, seniors = self_match_programme
    client.force_login(seniors[2].user)
    page = client.get(reverse("programs:choose", args=[program.slug]))
    assert page.status_code == 200
    mentor = page.context["suggestions"][0]["s"].mentor
    assert mentor.full_name in page.content.decode()
    response = client.post(
        reverse("programs:choose", args=[program.slug]), {"mentor": mentor.pk, "message": "Hi"}
    )
    assert response.status_code == 302
    assert MatchRequest.objects.get(mentee=seniors[2]).mentor == mentor


def test_the_choose_page_is_closed_when_managers_match(client, program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=False)
    senior = PersonFactory(seniority_level=8)
    program_services.enrolment_add(
        program_manager.user,
        program,
        person=senior,
        data=program_services.EnrolmentData(role="mentee"),
    )
    client.force_login(senior.user)
    assert client.get(reverse("programs:choose", args=[program.slug])).status_code == 403


def test_the_mentor_hears_of_a_request_and_the_mentee_of_the_answer(
    self_match_programme, django_capture_on_commit_callbacks
):
    from django.core import mail

    program, _juniors, seniors = self_match_programme
    seniors[0].user.preferred_language = "id"
    seniors[0].user.save()
    mentor = services.shortlist(seniors[0].user, program)[0].mentor
    with django_capture_on_commit_callbacks(execute=True):
        request = services.mentor_request(
            seniors[0].user, program, mentor_id=mentor.pk, message="Mohon bimbingannya"
        )
    emails_deliver()
    assert mail.outbox[-1].to == [mentor.user.email]
    emails_deliver()
    assert "Mohon bimbingannya" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(mentor.user, request, accept=False, reason="Penuh")
    emails_deliver()
    assert mail.outbox[-1].to == [seniors[0].user.email]
    emails_deliver()
    assert "Penuh" in mail.outbox[-1].body


def assert_one_request_kept(outcomes: list[str], mentee) -> None:
    """On PostgreSQL exactly one request is sent and the others are told why. SQLite's
    in-memory test database may refuse the concurrent writers outright (all of them, as the
    test client re-raises a thread's error in every client): then at most one is kept."""
    kept = MatchRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING).count()
    if connection.vendor == "sqlite" and REFUSED_BY_THE_DATABASE in outcomes:
        assert set(outcomes) <= {"sent", "pending", REFUSED_BY_THE_DATABASE}, outcomes
        assert kept <= 1 and outcomes.count("sent") <= 1
        return
    assert outcomes.count("sent") == 1, outcomes
    assert set(outcomes) - {"sent"} <= {"pending"}, outcomes
    assert kept == 1


@pytest.mark.django_db(transaction=True)
def test_a_mentee_asking_three_mentors_at_once_keeps_one_request(program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=True)
    _juniors, seniors = reverse_population(program, 4, manager_user=program_manager.user)
    mentee = seniors[0]
    mentors = [s.mentor for s in services.shortlist(mentee.user, program)[:3]]
    assert len(mentors) == 3

    def ask(index: int) -> str:
        services.mentor_request(mentee.user, program, mentor_id=mentors[index].pk, message="Halo")
        return "sent"

    assert_one_request_kept(at_once([partial(ask, index) for index in range(3)]), mentee)


@pytest.mark.django_db(transaction=True)
def test_the_choose_page_tells_the_losers_of_a_race_why(program_manager):
    from django.test import Client

    program = enrolling_program(program_manager, kind="reverse", self_match=True)
    _juniors, seniors = reverse_population(program, 4, manager_user=program_manager.user)
    mentee = seniors[0]
    mentors = [s.mentor for s in services.shortlist(mentee.user, program)[:3]]
    address = reverse("programs:choose", args=[program.slug])
    clients = [Client() for _ in mentors]
    for client in clients:
        client.force_login(mentee.user)

    def ask(index: int) -> str:
        response = clients[index].post(address, {"mentor": mentors[index].pk}, follow=True)
        if response.status_code != 200 and connection.vendor == "sqlite":
            # the in-memory database refused the page's session save to a concurrent writer
            return REFUSED_BY_THE_DATABASE
        assert response.status_code == 200
        # the page's text, not response.context: the test client collects the contexts of
        # templates rendered in every thread
        page = response.content.decode()
        if "Request sent" in page:
            return "sent"
        if "withdraw that request first" in page:
            return "pending"
        return "unexplained"

    assert_one_request_kept(at_once([partial(ask, index) for index in range(3)]), mentee)
