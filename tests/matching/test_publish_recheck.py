"""Publishing re-checks every proposed pair against what happened since the run: requests
accepted meanwhile, people who left, pairs forbidden since. It publishes what still holds and
reports the rest with the reason, and it serialises with a mentor accepting a request."""

import json
from collections import Counter
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from balik.accounts.services import api_token_create
from balik.matching import services
from balik.matching.models import PairRuleAction, RunStatus
from balik.mentorships.models import Mentorship, MentorshipStatus
from balik.programs import services as program_services
from balik.programs.models import Enrolment, EnrolmentStatus
from tests.concurrency import REFUSED_BY_THE_DATABASE, at_once
from tests.factories import AvailabilitySlotFactory, PersonFactory
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db


def self_match_programme(manager, *, capacities: list[int], mentees: int):
    """Mentors with the given capacities and more mentees than places, all mutually eligible."""
    program = enrolling_program(manager, kind="reverse", self_match=True)
    juniors, seniors = reverse_population(
        program, max(len(capacities), mentees), manager_user=manager.user
    )
    mentors, spare_mentors = juniors[: len(capacities)], juniors[len(capacities) :]
    spare_mentees = seniors[mentees:]
    for mentor, capacity in zip(mentors, capacities, strict=True):
        Enrolment.objects.filter(program=program, person=mentor).update(capacity=capacity)
    Enrolment.objects.filter(program=program, person__in=spare_mentors + spare_mentees).update(
        status=EnrolmentStatus.WITHDRAWN
    )
    return program, mentors, seniors[:mentees]


def run_mentees(run) -> dict[int, list[int]]:
    """mentor id -> the mentee ids the run proposes for them."""
    proposed: dict[int, list[int]] = {}
    for pair in run.pairs.order_by("mentee_id"):
        proposed.setdefault(pair.mentor_id, []).append(pair.mentee_id)
    return proposed


def accept(program, mentor, mentee) -> None:
    request = services.mentor_request(mentee.user, program, mentor_id=mentor.pk)
    services.request_answer(mentor.user, request, accept=True)


def breaches(program) -> dict[str, int]:
    """How publishing broke the programme's rules: mentors over capacity, mentees with two."""
    active = Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE)
    per_mentor = Counter(active.values_list("mentor_id", flat=True))
    per_mentee = Counter(active.values_list("mentee_id", flat=True))
    capacity = dict(Enrolment.objects.filter(program=program).values_list("person_id", "capacity"))
    return {
        "mentors_over_capacity": sum(1 for m, n in per_mentor.items() if n > capacity[m]),
        "mentees_with_two_mentors": sum(1 for n in per_mentee.values() if n > 1),
    }


def test_publishing_skips_what_changed_since_the_run_and_says_why(program_manager):
    program, mentors, mentees = self_match_programme(
        program_manager, capacities=[3, 2, 1, 1], mentees=9
    )
    run = services.run_start(program_manager.user, program)
    proposed = run_mentees(run)
    assert sum(len(v) for v in proposed.values()) == 7
    person = {p.pk: p for p in mentees}
    full, pair, withdrawn, kept = mentors
    matched_ids = {m for ids in proposed.values() for m in ids}
    unmatched = [p for p in mentees if p.pk not in matched_ids]
    full_run = [person[m] for m in proposed[full.pk]]  # three mentees
    pair_run = [person[m] for m in proposed[pair.pk]]  # two mentees
    # since the run: two unmatched mentees and one of `pair`'s take all of `full`'s places
    accept(program, full, unmatched[0])
    accept(program, full, unmatched[1])
    accept(program, full, pair_run[0])
    # one of `full`'s mentees chose `pair`
    accept(program, pair, full_run[0])
    # another of `full`'s mentees left the company; `withdrawn` left the programme
    full_run[1].user.is_active = False
    full_run[1].user.save(update_fields=["is_active"])
    Enrolment.objects.filter(program=program, person=withdrawn).update(
        status=EnrolmentStatus.WITHDRAWN
    )
    # the manager forbade one of `pair`'s proposed pairs
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=pair.pk,
        mentee_id=pair_run[1].pk,
        action=PairRuleAction.FORBID,
    )

    result = services.run_publish(program_manager.user, run)

    assert breaches(program) == {"mentors_over_capacity": 0, "mentees_with_two_mentors": 0}
    skipped = {(s.mentor_id, s.mentee_id): s.code for s in result.skipped}
    assert skipped == {
        (full.pk, full_run[0].pk): "mentee_matched",
        (full.pk, full_run[1].pk): "mentee_left",
        (full.pk, full_run[2].pk): "mentor_full",
        (pair.pk, pair_run[0].pk): "mentee_matched",
        (pair.pk, pair_run[1].pk): "forbidden",
        (withdrawn.pk, proposed[withdrawn.pk][0]): "mentor_left",
    }
    assert all(s.message for s in result.skipped)
    assert [(m.mentor_id, m.mentee_id) for m in result.created] == [(kept.pk, proposed[kept.pk][0])]
    assert not Mentorship.objects.filter(mentor=withdrawn).exists()
    assert not Mentorship.objects.filter(mentee=full_run[1]).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert {item["code"] for item in run.skipped} == set(skipped.values())


def test_a_locked_pair_is_re_checked_like_the_others(program_manager):
    program, mentors, mentees = self_match_programme(program_manager, capacities=[1, 1], mentees=3)
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=mentors[0].pk,
        mentee_id=mentees[0].pk,
        action=PairRuleAction.LOCK,
    )
    run = services.run_start(program_manager.user, program)
    locked = run.pairs.get(locked=True)
    assert (locked.mentor_id, locked.mentee_id) == (mentors[0].pk, mentees[0].pk)
    accept(program, mentors[1], mentees[0])
    result = services.run_publish(program_manager.user, run)
    assert [(s.mentor_id, s.mentee_id, s.code) for s in result.skipped] == [
        (mentors[0].pk, mentees[0].pk, "mentee_matched")
    ] + [(mentors[1].pk, m, "mentor_full") for m in run_mentees(run).get(mentors[1].pk, [])]
    assert breaches(program) == {"mentors_over_capacity": 0, "mentees_with_two_mentors": 0}


def _publish_after_changes(program_manager):
    """A run whose first mentor took a mentee by request since: one pair will be skipped."""
    program, mentors, mentees = self_match_programme(program_manager, capacities=[1, 1], mentees=3)
    run = services.run_start(program_manager.user, program)
    proposed = run_mentees(run)
    unmatched = next(p for p in mentees if p.pk not in {m for v in proposed.values() for m in v})
    accept(program, mentors[0], unmatched)
    return program, run, mentors, proposed


def test_the_manager_sees_the_skipped_pairs_on_the_page(client, program_manager):
    program, _run, mentors, proposed = _publish_after_changes(program_manager)
    client.force_login(program_manager.user)
    response = client.post(
        reverse("programs:matching-publish", args=[program.slug]),
        {"confirm": "1", "run": _run.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "1 mentorship" in page or "1 mentorships" in page
    skipped_mentee = Enrolment.objects.get(program=program, person_id=proposed[mentors[0].pk][0])
    assert skipped_mentee.person.full_name in page
    assert "already has all the mentees their capacity allows" in page


def test_the_api_answers_what_publishing_skipped(client, program_manager):
    program, _run, mentors, proposed = _publish_after_changes(program_manager)
    secret = api_token_create(user=program_manager.user, name="script").secret
    response = client.post(
        f"/api/v1/programs/{program.slug}/matching/publish",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published"
    assert body["published"] == 1
    assert body["skipped"] == [
        {
            "mentor_id": mentors[0].pk,
            "mentee_id": proposed[mentors[0].pk][0],
            "mentor": mentors[0].full_name,
            "mentee": body["skipped"][0]["mentee"],
            "code": "mentor_full",
            "reason": body["skipped"][0]["reason"],
        }
    ]
    assert "capacity" in body["skipped"][0]["reason"]


def test_match_apply_reports_a_locked_pair_it_could_not_publish(program_manager):
    program, mentors, mentees = self_match_programme(program_manager, capacities=[1, 1], mentees=2)
    accept(program, mentors[1], mentees[0])
    # the manager locks a pair whose mentee has just been matched by request
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=mentors[0].pk,
        mentee_id=mentees[0].pk,
        action=PairRuleAction.LOCK,
    )
    out = StringIO()
    call_command("match", program.slug, "--json", "--apply", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["applied"] is True
    assert [(s["mentor"], s["mentee"], s["code"]) for s in answer["skipped"]] == [
        (mentors[0].email, mentees[0].email, "mentee_matched")
    ]
    assert answer["skipped"][0]["reason"]
    assert breaches(program) == {"mentors_over_capacity": 0, "mentees_with_two_mentors": 0}
    Mentorship.objects.filter(program=program).exclude(mentee=mentees[0]).delete()
    program.status = "matching"
    program.save(update_fields=["status"])
    text = StringIO()
    call_command("match", program.slug, "--apply", stdout=text)
    assert "skipped" in text.getvalue().lower()
    assert mentees[0].full_name in text.getvalue()


@pytest.mark.django_db(transaction=True)
def test_capacity_and_one_mentor_hold_when_publish_and_accepts_race(program_manager):
    """Publishing while mentors accept requests: neither side sees the other's half-done work."""
    program, mentors, mentees = self_match_programme(
        program_manager, capacities=[1, 1, 1], mentees=4
    )
    run = services.run_start(program_manager.user, program)
    proposed = run_mentees(run)
    matched = {m for v in proposed.values() for m in v}
    unmatched = next(p for p in mentees if p.pk not in matched)
    mentee_of_first = next(p for p in mentees if p.pk == proposed[mentors[0].pk][0])
    # the unmatched mentee asks the first mentor (full in the run); the first mentor's run
    # mentee asks the second mentor (full in the run too)
    requests = [
        (mentors[0], services.mentor_request(unmatched.user, program, mentor_id=mentors[0].pk)),
        (
            mentors[1],
            services.mentor_request(mentee_of_first.user, program, mentor_id=mentors[1].pk),
        ),
    ]

    def publish() -> str:
        services.run_publish(program_manager.user, run)
        return "published"

    def answer(mentor, match_request) -> str:
        services.request_answer(mentor.user, match_request, accept=True)
        return "accepted"

    outcomes = at_once([publish] + [partial(answer, *pair) for pair in requests])
    assert not [outcome for outcome in outcomes if outcome.startswith("crashed")], outcomes
    assert breaches(program) == {"mentors_over_capacity": 0, "mentees_with_two_mentors": 0}
    if connection.vendor == "postgresql":
        assert REFUSED_BY_THE_DATABASE not in outcomes
        assert "published" in outcomes


def test_a_peer_pool_publishes_whole_and_then_counts_both_sides_of_each_peer(program_manager):
    program = enrolling_program(program_manager, kind="peer")
    peers = []
    for index in range(6):
        peer = PersonFactory(seniority_level=3, department=f"Team {index}")
        AvailabilitySlotFactory(person=peer, weekday=1, start_time="09:00", end_time="12:00")
        program_services.enrolment_add(
            program_manager.user,
            program,
            person=peer,
            data=program_services.EnrolmentData(role="both", goals="Share what I know", capacity=2),
        )
        peers.append(peer)
    run = services.run_start(program_manager.user, program)
    proposed = list(run.pairs.values_list("mentor_id", "mentee_id"))
    assert proposed
    result = services.run_publish(program_manager.user, run)
    assert result.skipped == []
    assert len(result.created) == len(proposed)
    load: Counter[int] = Counter()
    for mentorship in result.created:
        load[mentorship.mentor_id] += 1
        load[mentorship.mentee_id] += 1
    assert max(load.values()) <= 2
