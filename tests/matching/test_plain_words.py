"""What a manager and the matched people read: rules by their human names, never by code, and
no "locked despite ..." as a reason for a match; publishing shows a preview and asks first."""

import pytest
from django.urls import reverse
from django.utils import translation

from balik.matching import services
from balik.matching.explain import rule_label, score_in_words
from balik.matching.models import PairRule
from balik.mentorships.models import Mentorship
from balik.notifications.models import Kind, Notification
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db

RULE_CODES = (
    "manager_chain",
    "below_min_score",
    "no_capacity",
    "not_a_mentor",
    "not_a_mentee",
)


def locked_against_the_chain(program_manager):
    """A reverse programme whose mentee reports to his mentor, locked by the manager anyway."""
    program = enrolling_program(program_manager, kind="reverse", name="Chain programme")
    juniors, seniors = reverse_population(program, 2, manager_user=program_manager.user)
    seniors[0].manager = juniors[0]
    seniors[0].save(update_fields=["manager"])
    services.pair_rule_set(
        program_manager.user,
        program,
        mentor_id=juniors[0].pk,
        mentee_id=seniors[0].pk,
        action="lock",
        confirm_broken_rules=True,
    )
    assert PairRule.objects.get().broken_rules == ["manager_chain"]
    run = services.run_start(program_manager.user, program)
    locked = run.pairs.get(locked=True)
    assert "manager_chain" in locked.broken_rules
    return program, run, juniors, seniors


def assert_plain(text: str) -> None:
    for code in RULE_CODES:
        assert code not in text, code
    assert "despite" not in text
    assert "meskipun" not in text.lower()


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_review_page_names_a_broken_rule_in_words(client, program_manager, language):
    program, _run, _juniors, _seniors = locked_against_the_chain(program_manager)
    client.force_login(program_manager.user)
    client.cookies["django_language"] = language
    page = client.get(reverse("programs:matching", args=[program.slug])).content.decode()
    assert_plain(page)
    with translation.override(language):
        assert rule_label("manager_chain") in page


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_match_notice_of_a_locked_pair_gives_no_rule_and_no_despite(program_manager, language):
    _program, run, juniors, seniors = locked_against_the_chain(program_manager)
    for person in (juniors[0], seniors[0]):
        person.user.preferred_language = language
        person.user.save(update_fields=["preferred_language"])
    services.run_publish(program_manager.user, run)
    notices = Notification.objects.filter(
        kind=Kind.MATCHED, recipient__in=[juniors[0].user, seniors[0].user]
    )
    assert notices.count() == 2
    for notice in notices:
        assert_plain(notice.title + notice.body)


def test_every_rule_has_a_name_and_an_unknown_one_shows_no_code():
    for language in ("en", "id"):
        with translation.override(language):
            for code in RULE_CODES:
                assert code not in rule_label(code)
            for code in ("self", "seniority", "language", "department", "avoid", "forbidden"):
                assert rule_label(code) != code
            assert "some_new_rule" not in rule_label("some_new_rule")


def test_a_refused_lock_names_the_rules_in_words(client, program_manager):
    program = enrolling_program(program_manager, kind="reverse", name="Chain programme")
    juniors, seniors = reverse_population(program, 1, manager_user=program_manager.user)
    seniors[0].manager = juniors[0]
    seniors[0].save(update_fields=["manager"])
    client.force_login(program_manager.user)
    response = client.post(
        reverse("programs:matching-manual", args=[program.slug]),
        {"mentor": juniors[0].pk, "mentee": seniors[0].pk},
    )
    page = response.content.decode()
    assert rule_label("manager_chain") in page
    assert_plain(page)


@pytest.mark.parametrize("language", ["en", "id"])
def test_publishing_shows_a_preview_in_both_languages_first(client, program_manager, language):
    program, run, juniors, seniors = locked_against_the_chain(program_manager)
    client.force_login(program_manager.user)
    client.cookies["django_language"] = language
    url = reverse("programs:matching-publish", args=[program.slug])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert_plain(page)
    pairs = run.pairs.count()
    assert response.context["pair_total"] == pairs == 2
    assert response.context["notified_total"] == 4
    for person in (*juniors, *seniors):
        assert person.full_name in page
    # the e-mail of each side, rendered by the real templates in both languages
    with translation.override("en"):
        assert "you will mentor" in page
        assert "will be your mentor" in page
    with translation.override("id"):
        assert translation.gettext("Why you two:") in page
    assert {e["language"] for e in response.context["emails"]} == {"en", "id"}
    assert {e["role"] for e in response.context["emails"]} == {"mentor", "mentee"}
    assert not Mentorship.objects.filter(program=program).exists()


def test_the_publishing_post_requires_the_confirmation(client, program_manager):
    program, run, _juniors, _seniors = locked_against_the_chain(program_manager)
    client.force_login(program_manager.user)
    url = reverse("programs:matching-publish", args=[program.slug])
    response = client.post(url)
    assert response.status_code == 302 and response.url == url
    assert not Mentorship.objects.filter(program=program).exists()
    # a confirmation given for an older run does not publish a newer one
    response = client.post(url, {"confirm": "1", "run": run.pk + 1000})
    assert not Mentorship.objects.filter(program=program).exists()
    response = client.post(url, {"confirm": "1", "run": run.pk})
    assert response.status_code == 302
    assert response.url == reverse("programs:matching", args=[program.slug])
    assert Mentorship.objects.filter(program=program).count() == 2


def test_a_score_is_explained_in_words():
    components = {
        "skill_fit": 0.8,
        "reciprocal_fit": 0.5,
        "availability": 0.0,
        "goal_similarity": 0.1,
        "preference": 0.0,
        "department_diversity": 1.0,
    }
    with translation.override("en"):
        assert score_in_words(0.44, components) == (
            "0.44: strong skill fit, learning goes both ways, no common free time, "
            "from different departments"
        )
        assert score_in_words(0.44, components, reader="mentee") == (
            "0.44: strong skill fit, you can teach them back one of their wishes, "
            "no common free time, from different departments"
        )


def test_the_review_page_speaks_plainly(client, program_manager):
    program, run, _juniors, _seniors = locked_against_the_chain(program_manager)
    client.force_login(program_manager.user)
    page = client.get(reverse("programs:matching", args=[program.slug])).content.decode()
    assert "the best possible pairing under your rules" in page
    assert run.solver and run.solver not in page
    assert "auction" not in page and "LP dual" not in page
    pair = run.pairs.order_by("-score").first()
    assert score_in_words(pair.score, pair.components) in page


def test_choose_your_mentor_speaks_to_the_mentee_and_links_profiles(client, program_manager):
    program = enrolling_program(program_manager, kind="reverse", self_match=True)
    juniors, seniors = reverse_population(program, 2, manager_user=program_manager.user)
    client.force_login(seniors[0].user)
    page = client.get(reverse("programs:choose", args=[program.slug])).content.decode()
    for mentor in juniors:
        assert reverse("people:profile", args=[mentor.pk]) in page
    assert "which you want first" in page  # "they can teach TikTok content ..., which you want"
    assert "They can teach" in page
    assert seniors[0].full_name not in page.split("<main", 1)[1]
    # the bars are labelled where they are seen, not only for screen readers
    assert 'class="legend chips bar-legend"' in page and "Skill fit" in page
