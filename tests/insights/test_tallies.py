"""The sums kept per person follow every way feedback and self-assessment answers change, and
the health figures read from them equal the figures summed from the rows themselves."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.feedback.models import SESSION_SCORES, Answer, Phase, Question, SessionFeedback
from balik.insights.health import Filters, program_health
from balik.insights.models import EVERY_SIDE, CompetencyTally, FeedbackTally
from balik.insights.tallies import refresh_competency_tallies, refresh_feedback_tallies
from balik.mentorships.models import Mentorship, Session, SessionStatus
from tests.factories import PersonFactory, give_feedback
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db


def feedback_truth(program) -> dict[tuple[int, int], dict]:
    """The tallies summed by hand from the feedback rows of the programme."""
    truth: dict[tuple[int, int], dict] = {}
    for row in SessionFeedback.objects.filter(mentorship__program=program):
        tally = truth.setdefault(
            (row.mentorship_id, row.author_id),
            {"answers": 0, "commented": 0, **{f"{s}_sum": 0 for s in SESSION_SCORES}}
            | {f"rated_{r}": 0 for r in range(1, 6)},
        )
        tally["answers"] += 1
        tally["commented"] += bool(row.comment)
        for score in SESSION_SCORES:
            tally[f"{score}_sum"] += getattr(row, score)
        tally[f"rated_{row.rating}"] += 1
    return truth


def feedback_kept(program) -> dict[tuple[int, int], dict]:
    return {
        (row.pop("mentorship_id"), row.pop("author_id")): row
        for row in FeedbackTally.objects.filter(mentorship__program=program).values(
            "mentorship_id",
            "author_id",
            "answers",
            "commented",
            *(f"{s}_sum" for s in SESSION_SCORES),
            *(f"rated_{r}" for r in range(1, 6)),
        )
    }


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def held(pair, days_ago: int) -> Session:
    start = timezone.now() - timedelta(days=days_ago)
    return Session.objects.create(
        mentorship=pair,
        status=SessionStatus.HELD,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        leader="mentee",
        proposed_by=pair.mentee,
        uid=f"tally-{pair.pk}-{days_ago}",
    )


def test_feedback_tallies_follow_every_change(pair):
    program = pair.program
    first, second = held(pair, 10), held(pair, 3)
    mine = give_feedback(first, pair.mentee, 4, "Useful")
    give_feedback(second, pair.mentee, 2)
    give_feedback(first, pair.mentor, 5)
    assert feedback_kept(program) == feedback_truth(program)
    assert feedback_kept(program)[(pair.pk, pair.mentee_id)]["rated_2"] == 1

    mine.rating, mine.comment = 1, ""
    mine.save()
    assert feedback_kept(program) == feedback_truth(program)
    SessionFeedback.objects.filter(author=pair.mentor).delete()
    assert (pair.pk, pair.mentor_id) not in feedback_kept(program)
    second.delete()  # its feedback goes with it
    assert feedback_kept(program) == feedback_truth(program)
    assert feedback_kept(program)[(pair.pk, pair.mentee_id)]["answers"] == 1

    pair.program.delete()
    connection.check_constraints()
    assert not FeedbackTally.objects.exists()


def test_competency_tallies_follow_answers_and_their_questions(pair):
    program = pair.program
    question = Question.objects.create(
        program=program, audience="mentee", competency="confidence", text_en="c", text_id="k"
    )
    other = Question.objects.create(
        program=program, audience="mentee", competency="confidence", text_en="d", text_id="l"
    )
    for q, start, end in ((question, 2, 4), (other, 3, 5)):
        Answer.objects.create(
            program=program, person=pair.mentee, question=q, phase="start", value=start
        )
        Answer.objects.create(
            program=program, person=pair.mentee, question=q, phase="end", value=end
        )
    Answer.objects.create(
        program=program, person=pair.mentee, question=other, phase="middle", value=1
    )
    for side in ("mentee", EVERY_SIDE):  # the side's row and the row of both sides
        tally = CompetencyTally.objects.get(person=pair.mentee, audience=side)
        assert (tally.start_sum, tally.start_count, tally.end_sum, tally.end_count) == (5, 2, 9, 2)

    other.competency = "communication"
    other.save()
    assert sorted(
        CompetencyTally.objects.filter(audience="mentee").values_list(
            "competency", "start_sum", "end_sum"
        )
    ) == [("communication", 3, 5), ("confidence", 2, 4)]
    Answer.objects.filter(question=question, phase="end").delete()
    assert CompetencyTally.objects.get(competency="confidence", audience="mentee").end_count == 0
    question.delete()
    assert set(CompetencyTally.objects.values_list("competency", flat=True)) == {"communication"}
    mentor_question = Question.objects.create(
        program=program, audience="mentor", competency="communication", text_en="e", text_id="m"
    )
    Answer.objects.create(
        program=program, person=pair.mentee, question=mentor_question, phase="start", value=1
    )
    assert sorted(CompetencyTally.objects.values_list("audience", "start_sum", "start_count")) == [
        (EVERY_SIDE, 4, 2),
        ("mentee", 3, 1),
        ("mentor", 1, 1),
    ]
    pair.mentee.delete()
    connection.check_constraints()
    assert not CompetencyTally.objects.exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ratings=st.lists(
        st.tuples(
            st.integers(0, 5),  # which author
            st.integers(1, 5),
            st.booleans(),  # a comment
        ),
        max_size=30,
    ),
    answers=st.lists(
        st.tuples(
            st.integers(0, 5), st.integers(0, 1), st.sampled_from(Phase.values), st.integers(1, 5)
        ),
        max_size=30,
    ),
)
def test_figures_from_bulk_written_rows_once_summed(pair, ratings, answers):
    """Rows written in bulk (no signals), then summed: the health figures equal the figures
    counted by hand from the rows."""
    program = pair.program
    with transaction.atomic():
        people = [pair.mentor, pair.mentee, *(PersonFactory() for _ in range(4))]
        pairs = [pair] + [
            Mentorship.objects.create(program=program, mentor=people[i], mentee=people[i + 1])
            for i in (2, 4)
        ]
        sessions = [held(p, 1 + n) for n in range(6) for p in pairs]
        questions = [
            Question.objects.create(
                program=program, audience="mentee", competency=c, text_en=c, text_id=c
            )
            for c in ("confidence", "leadership")
        ]
        rows, seen = [], set()
        for index, (author, rating, comment) in enumerate(ratings):
            session = sessions[index % len(sessions)]
            person = (session.mentorship.mentor, session.mentorship.mentee)[author % 2]
            if (session.pk, person.pk) not in seen:
                seen.add((session.pk, person.pk))
                rows.append(
                    SessionFeedback(
                        session=session,
                        mentorship=session.mentorship,
                        author=person,
                        rating=rating,
                        usefulness=rating,
                        preparation=3,
                        psychological_safety=4,
                        comment="c" if comment else "",
                    )
                )
        SessionFeedback.objects.bulk_create(rows)
        answered = {
            (people[who].pk, questions[which].pk, phase): value
            for who, which, phase, value in answers
        }
        Answer.objects.bulk_create(
            Answer(program=program, person_id=who, question_id=q, phase=phase, value=value)
            for (who, q, phase), value in answered.items()
        )
        refresh_feedback_tallies(Q(mentorship__program=program))
        refresh_competency_tallies(Q(program=program))

        figures = program_health(program)
        assert figures.feedback_answers == len(rows)
        assert figures.feedback_people == len({row.author_id for row in rows})
        if figures.feedback_means is not None:
            assert figures.feedback_means["rating"] == pytest.approx(
                sum(row.rating for row in rows) / len(rows)
            )
            counts = Counter(row.rating for row in rows)
            assert figures.rating_counts == [counts[r] for r in range(1, 6)]
        for outcome in figures.outcomes:
            [question] = [q for q in questions if q.competency == outcome.competency]
            both = [
                (answered[(who, question.pk, "start")], answered[(who, question.pk, "end")])
                for who in {p.pk for p in people}
                if (who, question.pk, "start") in answered and (who, question.pk, "end") in answered
            ]
            if outcome.change is not None:
                assert outcome.change.n == len(both)
                assert outcome.change.mean_change == pytest.approx(
                    sum(end - start for start, end in both) / len(both)
                )
            else:
                assert len(both) < 5
        # the questions are the mentees': the same outcomes for their side, none for the other
        assert program_health(program, Filters(side="mentee")).outcomes == figures.outcomes
        assert program_health(program, Filters(side="mentor")).outcomes == []
        transaction.set_rollback(True)
