"""Matching a programme from the database: runs, locks, forbids, manual pairs, publishing,
declining and re-matching, through the services and the manager's pages."""

import pytest
from django.core import mail
from django.urls import reverse

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.matching import services
from balik.matching.models import PairRule, RunStatus
from balik.mentorships.models import Agreement, Mentorship, MentorshipStatus
from balik.notifications.services import emails_deliver
from balik.people.models import Person
from balik.programs import services as program_services
from balik.programs.models import ProgramStatus
from tests.factories import PersonFactory
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db


@pytest.fixture
def reverse_programme(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    juniors, seniors = reverse_population(program, 4, manager_user=program_manager.user)
    return program, juniors, seniors


def test_a_run_pairs_every_junior_with_a_senior_and_explains_why(
    program_manager, reverse_programme
):
    program, juniors, seniors = reverse_programme
    run = services.run_start(program_manager.user, program)
    assert run.status == RunStatus.DONE
    assert run.proven_optimal
    pairs = list(run.pairs.all())
    assert len(pairs) == 4
    assert {p.mentor_id for p in pairs} == {j.pk for j in juniors}
    assert {p.mentee_id for p in pairs} == {s.pk for s in seniors}
    codes = {fact["code"] for fact in pairs[0].reasons}
    assert "teaches_skill" in codes
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING


def test_people_with_nobody_eligible_are_left_out_with_the_reason(
    program_manager, reverse_programme
):
    program, _juniors, _seniors = reverse_programme
    lone = PersonFactory(seniority_level=9, languages=["fr"])
    program_services.enrolment_add(
        program_manager.user,
        program,
        person=lone,
        data=program_services.EnrolmentData(role="mentee"),
    )
    run = services.run_start(program_manager.user, program)
    unmatched = {u["person"]: u for u in run.unmatched}
    assert lone.pk in unmatched
    assert unmatched[lone.pk]["reason"]["code"].startswith("no_eligible")


def test_reasons_render_in_the_readers_language(program_manager, reverse_programme, client):
    program, _juniors, _seniors = reverse_programme
    services.run_start(program_manager.user, program)
    client.force_login(program_manager.user)
    english = client.get(reverse("programs:matching", args=[program.slug])).content.decode()
    assert "can teach TikTok content (level 3)" in english
    client.cookies.load({"django_language": "id"})
    indonesian = client.get(
        reverse("programs:matching", args=[program.slug]), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "Konten TikTok" in indonesian


def test_a_forbidden_pair_is_never_proposed_and_a_lock_always_is(
    program_manager, reverse_programme
):
    program, juniors, seniors = reverse_programme
    first = services.run_start(program_manager.user, program)
    chosen = first.pairs.order_by("pk").first()
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=chosen.mentor_id,
        mentee_id=chosen.mentee_id,
        action="forbid",
    )
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=juniors[0].pk,
        mentee_id=seniors[3].pk,
        action="lock",
    )
    second = services.run_start(program_manager.user, program)
    pairs = {(p.mentor_id, p.mentee_id): p for p in second.pairs.all()}
    assert (chosen.mentor_id, chosen.mentee_id) not in pairs
    assert pairs[(juniors[0].pk, seniors[3].pk)].locked
    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED


def test_a_manual_pair_that_breaks_rules_needs_confirmation(program_manager, reverse_programme):
    program, juniors, _seniors = reverse_programme
    # two juniors: the seniority rule of reverse mentoring is broken
    check = services.pair_check(program, mentor_id=juniors[0].pk, mentee_id=juniors[1].pk)
    assert "seniority" in check.broken_rules
    with pytest.raises(ValidationFailed) as refused:
        services.pair_rule_set(
            program_manager.user,
            program,
            mentor_id=juniors[0].pk,
            mentee_id=juniors[1].pk,
            action="lock",
            manual=True,
        )
    assert "confirm" in refused.value.errors
    assert not PairRule.objects.exists()
    rule = services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=juniors[0].pk,
        mentee_id=juniors[1].pk,
        action="lock",
        manual=True,
        confirm_broken_rules=True,
    )
    assert "seniority" in rule.broken_rules
    run = services.run_start(program_manager.user, program)
    kept = run.pairs.get(mentor=juniors[0], mentee=juniors[1])
    assert kept.locked and "seniority" in kept.broken_rules


def test_a_manual_pair_of_someone_not_enrolled_is_refused(program_manager, reverse_programme):
    program, juniors, _seniors = reverse_programme
    stranger = PersonFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.pair_check(program, mentor_id=juniors[0].pk, mentee_id=stranger.pk)
    assert "mentee" in refused.value.errors


def test_only_managers_run_lock_and_publish(participant, program_manager, reverse_programme):
    program, juniors, seniors = reverse_programme
    with pytest.raises(PermissionRefused):
        services.run_start(participant.user, program)
    run = services.run_start(program_manager.user, program)
    with pytest.raises(PermissionRefused):
        services.pair_rule_set(
            participant.user,
            program,
            mentor_id=juniors[0].pk,
            mentee_id=seniors[0].pk,
            action="lock",
        )
    with pytest.raises(PermissionRefused):
        services.run_publish(participant.user, run)
    assert not Mentorship.objects.exists()


def test_publishing_creates_mentorships_and_emails_both_people(
    program_manager, reverse_programme, django_capture_on_commit_callbacks
):
    program, _juniors, _seniors = reverse_programme
    run = services.run_start(program_manager.user, program)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.run_publish(program_manager.user, run).created
    assert len(created) == 4
    emails_deliver()
    assert len(mail.outbox) == 8
    emails_deliver()
    recipients = {address for message in mail.outbox for address in message.to}
    assert len(recipients) == 8
    emails_deliver()
    assert "/mentorships/" in mail.outbox[0].body
    program.refresh_from_db()
    assert program.status == ProgramStatus.ACTIVE
    drafted = Agreement.objects.filter(mentorship__in=created)
    assert drafted.count() == 4  # so that opening a mentorship page only reads
    assert {a.cadence_days for a in drafted} == {program.cadence_days}
    with pytest.raises(BalikError):
        services.run_publish(program_manager.user, run)
    assert Mentorship.objects.count() == 4


def test_a_decline_frees_both_people_and_a_re_run_matches_them_anew(
    program_manager, reverse_programme
):
    program, _juniors, seniors = reverse_programme
    run = services.run_start(program_manager.user, program)
    services.run_publish(program_manager.user, run)
    mentorship = Mentorship.objects.filter(mentee=seniors[0]).get()
    with pytest.raises(ValidationFailed):
        services.mentorship_decline(seniors[0].user, mentorship, reason="  ")
    with pytest.raises(PermissionRefused):
        services.mentorship_decline(seniors[1].user, mentorship, reason="Not mine")
    services.mentorship_decline(seniors[0].user, mentorship, reason="We work on the same project")
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.DECLINED
    assert mentorship.declined_by == seniors[0]
    rerun = services.run_start(program_manager.user, program)
    # the other three pairs stand; the freed two may only have each other, which is now
    # forbidden, so the re-run proposes nothing and says why for both
    assert rerun.pairs.count() == 0
    unmatched = {u["person"]: u["reason"]["code"] for u in rerun.unmatched}
    assert unmatched[mentorship.mentor_id].startswith("no_eligible")
    assert unmatched[mentorship.mentee_id].startswith("no_eligible")
    assert Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).count() == 3


def test_a_run_in_the_background_reaches_done(program_manager, reverse_programme):
    program, _juniors, _seniors = reverse_programme
    run = services.run_start(program_manager.user, program, in_request=False)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.pairs.count() == 4


def test_matching_needs_an_open_programme_and_two_people(program_manager):
    draft = program_services.program_create(program_manager.user, name="Draft", kind="classic")
    with pytest.raises(BalikError):
        services.run_start(program_manager.user, draft)
    empty = enrolling_program(program_manager, kind="classic")
    with pytest.raises(BalikError):
        services.run_start(program_manager.user, empty)


def test_the_review_page_is_for_managers_only(client, participant, reverse_programme):
    program, _juniors, _seniors = reverse_programme
    client.force_login(participant.user)
    assert client.get(reverse("programs:matching", args=[program.slug])).status_code == 403
    assert client.post(reverse("programs:matching-run", args=[program.slug])).status_code == 403


def test_the_review_page_shows_pairs_unmatched_and_the_distribution(
    client, program_manager, reverse_programme
):
    program, _juniors, _seniors = reverse_programme
    client.force_login(program_manager.user)
    response = client.post(reverse("programs:matching-run", args=[program.slug]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Proposed pairs" in page
    assert "Score distribution" in page
    assert page.count('class="component-bars"') == 4


def test_one_match_email_that_cannot_be_sent_never_stops_the_others(
    program_manager, reverse_programme, django_capture_on_commit_callbacks, settings
):
    program, juniors, seniors = reverse_programme
    type(juniors[0].user).objects.filter(pk=juniors[0].user_id).update(email="refused@example.id")
    Person.objects.filter(pk=seniors[0].pk).update(full_name="Senior\nBcc: x@example.com")
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    run = services.run_start(program_manager.user, program)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.run_publish(program_manager.user, run).created
    assert len(created) == 4
    emails_deliver()
    recipients = [address for message in mail.outbox for address in message.to]
    assert len(recipients) == 7 and len(set(recipients)) == 7  # all but the refused one, once
    emails_deliver()
    assert all("\n" not in message.subject for message in mail.outbox)
    emails_deliver()
    assert all(message.message()["Bcc"] is None for message in mail.outbox)


def test_the_review_page_does_not_grow_its_queries_with_the_programme(
    client, program_manager, django_assert_max_num_queries
):
    small = enrolling_program(program_manager, kind="reverse")
    reverse_population(small, 3, manager_user=program_manager.user)
    services.run_start(program_manager.user, small)
    client.force_login(program_manager.user)
    url = reverse("programs:matching", args=[small.slug])
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)
    large = enrolling_program(program_manager, kind="reverse")
    reverse_population(large, 15, manager_user=program_manager.user)
    services.run_start(program_manager.user, large)
    with django_assert_max_num_queries(20):
        client.get(reverse("programs:matching", args=[large.slug]))


def test_a_decline_reason_refuses_invisible_control_characters(program_manager, reverse_programme):
    program, _juniors, seniors = reverse_programme
    services.run_publish(program_manager.user, services.run_start(program_manager.user, program))
    mentorship = Mentorship.objects.get(mentee=seniors[1])
    with pytest.raises(ValidationFailed) as refused:
        services.mentorship_decline(seniors[1].user, mentorship, reason="Different\x00zones")
    assert set(refused.value.errors) == {"reason"}
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_the_managers_hear_of_a_decline(
    program_manager, reverse_programme, django_capture_on_commit_callbacks
):
    program, _juniors, seniors = reverse_programme
    services.run_publish(program_manager.user, services.run_start(program_manager.user, program))
    mentorship = Mentorship.objects.get(mentee=seniors[1])
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_decline(seniors[1].user, mentorship, reason="Different time zones")
    emails_deliver()
    assert [message.to for message in mail.outbox] == [[program_manager.user.email]]
    emails_deliver()
    assert "Different time zones" in mail.outbox[0].body
