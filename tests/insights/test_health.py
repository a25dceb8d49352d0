"""The programme health page: figures against hand-built data, anonymity, refusals, the nudge,
filters and a query count that does not grow with the programme."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from balik.feedback.models import Answer, Phase, ProgramEvaluation, Question, SessionFeedback
from balik.insights.health import Filters, program_health
from balik.mentorships.models import (
    Agenda,
    Goal,
    GoalStatus,
    LearningEntry,
    Mentorship,
    Session,
    SessionStatus,
)
from balik.notifications.models import Notification
from balik.notifications.services import emails_deliver
from balik.programs import services as program_services
from balik.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import PersonFactory, give_feedback

pytestmark = pytest.mark.django_db


def make_program(manager) -> Program:
    program = program_services.program_create(
        manager.user, name="Health check", kind="flipped", template=None
    )
    program.status = ProgramStatus.ACTIVE
    program.save(update_fields=["status"])
    return program


def add_pair(program, index: int, *, department: str = "Finance", days_ago: int = 30):
    mentor = PersonFactory(department=department, birth_year=1970)
    mentee = PersonFactory(department=department, birth_year=1998)
    for person, role in ((mentor, "mentor"), (mentee, "mentee")):
        Enrolment.objects.create(program=program, person=person, role=role)
    return Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def held_session(pair, days_ago: int, *, agenda_on_time: bool = True) -> Session:
    start = timezone.now() - timedelta(days=days_ago)
    session = Session.objects.create(
        mentorship=pair,
        status=SessionStatus.HELD,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        leader="mentee",
        proposed_by=pair.mentee,
        uid=f"health-{pair.pk}-{days_ago}",
    )
    Agenda.objects.create(
        session=session,
        author=pair.mentee,
        submitted_at=start - timedelta(hours=48 if agenda_on_time else 1),
    )
    return session


def feedback(session, author, rating: int, comment: str = "") -> SessionFeedback:
    return give_feedback(
        session,
        author,
        rating,
        comment,
        usefulness=rating,
        preparation=rating,
        psychological_safety=rating,
    )


@pytest.fixture
def program(program_manager):
    return make_program(program_manager)


@pytest.fixture
def manager_client(client, program_manager):
    client.force_login(program_manager.user)
    return client


def health_url(program) -> str:
    return reverse("programs:health", args=[program.slug])


# --- figures -------------------------------------------------------------------------------


def test_the_counts_against_hand_built_data(program):
    pairs = [add_pair(program, i) for i in range(3)]  # 30 days at 14 days: 2 planned each
    Mentorship.objects.filter(pk=pairs[2].pk).update(status="closed")
    held_session(pairs[0], 20, agenda_on_time=True)
    held_session(pairs[0], 6, agenda_on_time=False)
    held_session(pairs[1], 3, agenda_on_time=True)
    due = timezone.localdate() + timedelta(days=10)
    for status in (GoalStatus.DONE, GoalStatus.AT_RISK, GoalStatus.ON_TRACK, GoalStatus.DONE):
        Goal.objects.create(
            mentorship=pairs[0],
            title="g",
            measure="m",
            target="t",
            due_date=due,
            owner=pairs[0].mentee,
            status=status,
        )
    session = Session.objects.filter(mentorship=pairs[0]).first()
    LearningEntry.objects.create(session=session, author=pairs[0].mentor, learned="x")
    LearningEntry.objects.create(session=session, author=pairs[0].mentee, learned="y")
    LearningEntry.objects.create(
        session=Session.objects.get(mentorship=pairs[1]), author=pairs[1].mentee, learned="z"
    )

    health = program_health(program)

    assert health.enrolled == {"mentor": 3, "mentee": 3, "both": 0}
    assert (health.matched, health.active) == (3, 2)
    assert (health.sessions_held, health.sessions_planned) == (3, 4)
    assert (health.prepared, health.preparable) == (2, 3)
    assert (health.goals, health.goals_done, health.goals_at_risk) == (4, 2, 1)
    assert health.goal_attainment == 0.5
    assert health.learning_per_pair == 1.5  # 3 entries over 2 active pairs
    assert health.both_ways_share == 0.5
    assert sum(week["held"] for week in health.weeks) == 3
    assert health.weeks[-1]["held"] + health.weeks[-2]["held"] >= 1


def test_feedback_from_six_people_is_shown_and_from_four_hidden(program, manager_client):
    pairs = [add_pair(program, i) for i in range(3)]
    sessions = [held_session(pair, 5) for pair in pairs]
    ratings = [5, 3, 4, 4, 5, 3]  # mean 4.0
    authors = [person for pair in pairs for person in (pair.mentor, pair.mentee)]
    for index, author in enumerate(authors):
        feedback(sessions[index // 2], author, ratings[index], comment=f"comment {index}")

    health = program_health(program)
    assert health.feedback_people == 6
    assert health.feedback_means["rating"] == pytest.approx(4.0)
    assert health.rating_counts == [0, 0, 2, 2, 2]
    assert len(health.comments) == 6
    page = manager_client.get(health_url(program)).content.decode()
    assert ">4.0<" in page
    assert "comment 3" in page
    assert "3: 2; 4: 2; 5: 2" in page  # the rating chart's text alternative
    for author in authors:
        assert author.full_name not in page.split("feedback-heading")[1].split("evaluation")[0]

    SessionFeedback.objects.filter(author__in=authors[4:]).delete()
    health = program_health(program)
    assert health.feedback_people == 4
    assert health.feedback_means is None and health.rating_counts is None
    assert health.comments is None
    page = manager_client.get(health_url(program)).content.decode()
    assert "Not shown: fewer than 5 people gave feedback." in page
    assert "comment 1" not in page


def test_evaluation_against_the_benchmark_and_nps(program, manager_client):
    people = [PersonFactory() for _ in range(5)]
    for person, (satisfaction, recommend) in zip(
        people, [(5, 10), (5, 9), (4, 8), (5, 10), (5, 3)], strict=True
    ):
        ProgramEvaluation.objects.create(
            program=program, person=person, satisfaction=satisfaction, recommend=recommend
        )
    health = program_health(program)
    assert health.satisfaction.mean == pytest.approx(4.8)
    assert health.above_benchmark
    assert health.evaluation_nps.score == pytest.approx(40.0)  # 60% promoters - 20% detractors
    ProgramEvaluation.objects.filter(person=people[0]).delete()
    assert program_health(program).satisfaction is None
    page = manager_client.get(health_url(program)).content.decode()
    assert "fewer than 5 people answered the evaluation" in page


def test_outcomes_are_described_in_the_readers_language(program, manager_client):
    question = Question.objects.create(
        program=program, audience="mentee", competency="confidence", text_en="c", text_id="k"
    )
    people = [PersonFactory() for _ in range(6)]
    for person, (start, end) in zip(
        people, [(2, 3), (2, 4), (3, 4), (2, 3), (3, 4), (1, 2)], strict=True
    ):
        Answer.objects.create(
            program=program, person=person, question=question, phase=Phase.START, value=start
        )
        Answer.objects.create(
            program=program, person=person, question=question, phase=Phase.END, value=end
        )
    outcome = program_health(program).outcomes[0]
    assert outcome.change.n == 6
    assert outcome.change.mean_change == pytest.approx(7 / 6)
    assert outcome.sentence.startswith("Confidence rose by 1.2 points")
    assert (
        program_health(program, language="id")
        .outcomes[0]
        .sentence.startswith("Confidence naik 1,2 poin")
    )
    page = manager_client.get(health_url(program)).content.decode()
    assert "Confidence rose by 1.2 points" in page
    assert "Confidence: 2.2 → 3.3" in page  # the chart's text alternative

    Answer.objects.filter(person__in=people[:2], phase=Phase.END).delete()
    assert program_health(program).outcomes[0].change is None  # 4 people with both answers


# --- filters ---------------------------------------------------------------------------------


def test_filters_change_the_counts(program):
    finance = [add_pair(program, i, department="Finance") for i in range(2)]
    add_pair(program, 9, department="Marketing")
    held_session(finance[0], 5)
    Enrolment.objects.filter(person=finance[1].mentor).update(
        enrolled_at=timezone.now().replace(year=2025, month=11, day=15)
    )

    assert program_health(program).matched == 3
    finance_only = program_health(program, Filters(department="Finance"))
    assert finance_only.matched == 2 and finance_only.enrolled_total == 4
    assert finance_only.sessions_held == 1
    assert program_health(program, Filters(department="Marketing")).sessions_held == 0

    mentees = program_health(program, Filters(side="mentee"))
    assert mentees.enrolled == {"mentor": 0, "mentee": 3, "both": 0}

    november = program_health(program, Filters(cohort="2025-11"))
    assert (november.enrolled_total, november.matched) == (1, 1)
    assert program_health(program, Filters(cohort="2025-11", side="mentee")).matched == 0

    gen_z = program_health(program, Filters(generation="gen_z", side="mentor"))
    assert gen_z.matched == 0  # every mentor was born in 1970
    assert program_health(program, Filters(generation="gen_z")).matched == 3


def test_unknown_filter_values_are_ignored(program, manager_client):
    add_pair(program, 1)
    filters = Filters.from_query({"cohort": "2025-13", "generation": "x", "side": "boss"})
    assert not filters.any
    assert len(filters.ignored) == 3
    page = manager_client.get(health_url(program), {"cohort": "junk", "side": "mentor"})
    assert page.status_code == 200
    assert page.context["filters"] == Filters(side="mentor")
    assert "Cohort “junk” is not a month" in page.content.decode()


# --- who may look --------------------------------------------------------------------------------


def test_only_managers_and_admins_see_the_health_page(
    client, program, participant, outsider, org_admin
):
    pair = add_pair(program, 1)
    Enrolment.objects.create(program=program, person=participant, role="mentee")
    url = health_url(program)
    nudge = reverse("programs:health-nudge", args=[program.slug, pair.pk])
    for person in (participant, outsider, pair.mentee):
        client.force_login(person.user)
        assert client.get(url).status_code == 403
        assert client.post(nudge).status_code == 403
    assert Notification.objects.count() == 0
    client.force_login(org_admin.user)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- the nudge -------------------------------------------------------------------------------


def test_nudge_reaches_both_once_a_day(manager_client, program):
    pair = add_pair(program, 1, days_ago=60)  # no session for 60 days: at risk
    page = manager_client.get(health_url(program)).content.decode()
    assert "No session for 60 days, and none booked" in page
    assert "Nudge both" in page
    nudge = reverse("programs:health-nudge", args=[program.slug, pair.pk])

    response = manager_client.post(nudge, follow=True)
    assert response.redirect_chain[-1][0].startswith(health_url(program))
    assert "got your nudge" in response.content.decode()
    notices = Notification.objects.filter(url=f"/mentorships/{pair.pk}/")
    assert {n.recipient_id for n in notices} == {pair.mentor.user_id, pair.mentee.user_id}
    assert emails_deliver() == 2
    assert {message.to[0] for message in mail.outbox} == {pair.mentor.email, pair.mentee.email}

    response = manager_client.post(nudge, follow=True)
    assert "already nudged today" in response.content.decode()
    assert Notification.objects.count() == 2

    assert manager_client.get(nudge).status_code == 405
    Mentorship.objects.filter(pk=pair.pk).update(status="closed")
    assert manager_client.post(nudge).status_code == 404


# --- queries -------------------------------------------------------------------------------------


def fill(program, pairs: int) -> None:
    question = Question.objects.get_or_create(
        program=program, audience="mentee", competency="ownership", text_en="o", text_id="o"
    )[0]
    for index in range(pairs):
        pair = add_pair(program, index, days_ago=60 if index % 2 else 20)
        session = held_session(pair, 3 + index)
        feedback(session, pair.mentor, 4, comment="fine")
        feedback(session, pair.mentee, 5, comment="good")
        LearningEntry.objects.create(session=session, author=pair.mentee, learned="x")
        Goal.objects.create(
            mentorship=pair,
            title="g",
            measure="m",
            target="t",
            owner=pair.mentee,
            due_date=timezone.localdate() - timedelta(days=1),
        )
        ProgramEvaluation.objects.create(
            program=program, person=pair.mentee, satisfaction=5, recommend=9
        )
        for phase, value in ((Phase.START, 2), (Phase.END, 4)):
            Answer.objects.create(
                program=program, person=pair.mentee, question=question, phase=phase, value=value
            )


def page_queries(client, program, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(health_url(program), query or {}).status_code == 200
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_data(
    manager_client, program, django_assert_max_num_queries
):
    fill(program, 2)
    small = page_queries(manager_client, program)
    filtered = {
        "department": "Finance",
        "side": "mentee",
        "cohort": timezone.localdate().strftime("%Y-%m"),
    }
    small_filtered = page_queries(manager_client, program, filtered)
    fill(program, 6)  # 8 pairs now
    with django_assert_max_num_queries(small):
        page = manager_client.get(health_url(program))
    assert page.context["health"].active == 8
    assert page.context["health"].feedback_means is not None
    assert page.context["health"].risks
    assert page_queries(manager_client, program, filtered) == small_filtered
    assert small <= 30


def test_the_at_risk_list_pages_the_most_urgent_first(manager_client, program, monkeypatch):
    monkeypatch.setattr("balik.insights.views.RISKS_PER_PAGE", 2)
    pairs = [add_pair(program, i, days_ago=90 - i) for i in range(3)]  # none has met
    first = manager_client.get(health_url(program))
    shown = [row["mentorship"].pk for row in first.context["risks"]]
    assert shown == [pairs[0].pk, pairs[1].pk]  # the longest silence first
    assert "3 relationships need attention" in first.content.decode()
    second = manager_client.get(health_url(program), {"risk_page": 2})
    assert [row["mentorship"].pk for row in second.context["risks"]] == [pairs[2].pk]
    beyond = manager_client.get(health_url(program), {"risk_page": "x"})
    assert [row["mentorship"].pk for row in beyond.context["risks"]] == shown


@pytest.mark.django_db(transaction=True)
def test_the_figures_are_the_same_with_queries_run_alongside(program_manager, monkeypatch):
    """Outside a transaction the per-pair and outcome queries run on other connections."""
    program = make_program(program_manager)
    fill(program, 6)
    quiet = add_pair(program, 99, days_ago=60)
    now = timezone.now()
    alongside = program_health(program, now=now)

    def inline(work):
        from concurrent.futures import Future

        done = Future()
        done.set_result(work())
        return done

    monkeypatch.setattr("balik.insights.health.alongside", inline)
    inline_health = program_health(program, now=now)
    # comments come in a new random order each time
    assert sorted(c["text"] for c in inline_health.comments) == sorted(
        c["text"] for c in alongside.comments
    )
    inline_health.comments = alongside.comments
    assert inline_health == alongside
    assert quiet.pk in {risk.mentorship_id for risk in alongside.risks}


# --- small things: the nudge once done, the weeks charted ------------------------------------


def test_a_pair_nudged_today_shows_it_instead_of_the_button(manager_client, program):
    pair = add_pair(program, 1, days_ago=60)
    other = add_pair(program, 2, days_ago=60)
    manager_client.post(reverse("programs:health-nudge", args=[program.slug, pair.pk]))
    page = manager_client.get(health_url(program)).content.decode()
    nudged = reverse("programs:health-nudge", args=[program.slug, pair.pk])
    waiting = reverse("programs:health-nudge", args=[program.slug, other.pk])
    assert f'action="{nudged}"' not in page
    assert f'action="{waiting}"' in page
    assert "Nudged today" in page


def test_a_programme_starting_next_year_charts_no_past_weeks(manager_client, program):
    start = timezone.localdate() + timedelta(days=40)
    Program.objects.filter(pk=program.pk).update(start_date=start)
    program.refresh_from_db()
    assert program_health(program).weeks == []
    page = manager_client.get(health_url(program)).content.decode()
    assert "trend-caption" not in page
    assert "Sessions held per week are shown from" in page


def test_a_programme_three_weeks_old_charts_its_own_weeks_only(program):
    today = timezone.localdate()
    Program.objects.filter(pk=program.pk).update(start_date=today - timedelta(days=15))
    program.refresh_from_db()
    weeks = program_health(program).weeks
    first_monday = today - timedelta(days=15)
    first_monday -= timedelta(days=first_monday.weekday())
    assert weeks[0]["start"] == first_monday
    assert weeks[-1]["start"] == today - timedelta(days=today.weekday())
    assert len(weeks) in (3, 4)


def test_an_overdue_goal_reads_its_date_in_the_readers_format(program):
    from django.utils import translation

    from balik.insights.health import reason_sentence

    pair = add_pair(program, 1)
    with translation.override("id"):
        sentence = reason_sentence(pair, "goals_overdue", {"count": 1, "since": "2026-11-29"})
    assert "29 Nov 2026" in sentence and "2026-11-29" not in sentence
