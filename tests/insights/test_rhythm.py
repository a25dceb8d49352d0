"""The rows kept per pair give the same rhythm as the sessions themselves, at any moment, and
every way a session or agenda changes keeps them in step; feedback is no part of a rhythm."""

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balik.feedback.models import SessionFeedback
from balik.insights.models import Rhythm
from balik.insights.rhythm import pair_summaries, programme_rhythm, refresh_rhythms
from balik.insights.risk import DAY, session_reasons
from balik.mentorships.models import Agenda, Agreement, Mentorship, Session, SessionStatus
from balik.programs.models import Program
from tests.factories import PersonFactory, give_feedback
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 6, 1, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def at(hours: int) -> datetime:
    return BASE + hours * HOUR


def figures(program, mentorships, now: datetime) -> tuple[tuple, dict]:
    """The totals and, per pair the risk rules flag, its reasons and rhythm: from the kept
    rows, summed in the database."""
    rhythms = programme_rhythm(
        mentorships,
        now,
        preparation_hours=program.preparation_hours,
        cadence_days=program.cadence_days,
    )
    totals = (
        rhythms.matched,
        rhythms.active,
        rhythms.held,
        rhythms.planned,
        rhythms.prepared,
        rhythms.preparable,
    )
    return totals, _flagged(program, rhythms.concerns, now)


def figures_from_the_sessions(program, mentorships, now: datetime) -> tuple[tuple, dict]:
    """The same, from every session, summed in Python."""
    pairs = pair_summaries(mentorships, now, program.preparation_hours)
    active = [pair for pair in pairs if pair.status == "active"]
    for pair in pairs:
        pair.cadence_days = pair.cadence_days or program.cadence_days
    planned = sum(
        max(int((now.timestamp() - pair.created) // DAY), 0) // pair.cadence_days for pair in active
    )
    totals = (
        len(pairs),
        len(active),
        sum(pair.held for pair in active),
        planned,
        sum(pair.prepared for pair in pairs),
        sum(pair.started for pair in pairs),
    )
    return totals, _flagged(program, active, now)


def _flagged(program, summaries, now: datetime) -> dict:
    flagged = {}
    for summary in summaries:
        reasons = session_reasons(summary, program, now.timestamp())
        if reasons:
            flagged[summary.mentorship_id] = (reasons, asdict(summary))
    return flagged


@pytest.fixture
def pairs(program_manager):
    """Two pairs of one programme."""
    first = flipped_pair(program_manager)
    second = Mentorship.objects.create(
        program=first.program, mentor=PersonFactory(), mentee=PersonFactory()
    )
    return [first, second]


session_rows = st.lists(
    st.tuples(
        st.integers(0, 1),  # which pair
        st.sampled_from(SessionStatus.values),
        st.integers(0, 400),  # starts, in hours after BASE
        st.one_of(st.none(), st.integers(-80, 10)),  # agenda in, hours from the start
    ),
    max_size=14,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=session_rows,
    settled=st.lists(st.one_of(st.none(), st.integers(0, 420)), min_size=2, max_size=2),
    now=st.integers(0, 420),
    hours_when_settled=st.sampled_from([24, 48]),
    shapes=st.lists(
        st.tuples(
            st.sampled_from(["active", "active", "closed"]),
            st.integers(-200, 300),  # created, in hours after BASE
            st.one_of(st.none(), st.integers(1, 5)),  # the agreed cadence in days
        ),
        min_size=2,
        max_size=2,
    ),
)
def test_kept_rows_give_the_same_figures_as_the_sessions(
    pairs, rows, settled, now, hours_when_settled, shapes
):
    """Sessions written without signals, rows summed at other moments (or never, or under
    another preparation rule, or after `now`): the totals and the flagged pairs never change."""
    programs = Program.objects.filter(pk=pairs[0].program_id)
    with transaction.atomic():
        for pair, (status, created, cadence) in zip(pairs, shapes, strict=True):
            Mentorship.objects.filter(pk=pair.pk).update(status=status, created_at=at(created))
            if cadence is not None:
                Agreement.objects.update_or_create(
                    mentorship=pair, defaults={"cadence_days": cadence}
                )
        Session.objects.bulk_create(
            Session(
                mentorship=pairs[pair],
                status=status,
                starts_at=at(starts),
                ends_at=at(starts + 1),
                leader="mentee",
                proposed_by=pairs[pair].mentee,
                uid=f"rhythm-{index}",
                agenda_submitted_at=None if agenda is None else at(starts + agenda),
            )
            for index, (pair, status, starts, agenda) in enumerate(rows)
        )
        programs.update(preparation_hours=hours_when_settled)  # no signal: rows stay as summed
        for pair, moment in zip(pairs, settled, strict=True):
            if moment is not None:
                refresh_rhythms(Mentorship.objects.filter(pk=pair.pk), now=at(moment))
        programs.update(preparation_hours=48)
        program = programs.get()
        mentorships = Mentorship.objects.filter(program=program)
        assert figures(program, mentorships, at(now)) == figures_from_the_sessions(
            program, mentorships, at(now)
        )
        transaction.set_rollback(True)


def session_of(pair, starts: datetime, status=SessionStatus.BOOKED, uid="s") -> Session:
    return Session.objects.create(
        mentorship=pair,
        status=status,
        starts_at=starts,
        ends_at=starts + HOUR,
        leader="mentee",
        proposed_by=pair.mentee,
        uid=uid,
    )


def kept(pair) -> Rhythm:
    return Rhythm.objects.get(mentorship=pair)


def test_writing_a_session_or_an_agenda_keeps_the_row(pairs):
    pair = pairs[0]
    past = datetime.now(UTC) - timedelta(days=3)
    session = session_of(pair, past, SessionStatus.HELD)
    assert (kept(pair).held, kept(pair).started, kept(pair).prepared) == (1, 1, 0)
    assert kept(pair).unprepared_run == 1

    agenda = Agenda.objects.create(
        session=session, author=pair.mentee, topics="t", submitted_at=past - timedelta(days=3)
    )
    assert (kept(pair).prepared, kept(pair).unprepared_run) == (1, 0)
    agenda.delete()
    assert (kept(pair).prepared, kept(pair).unprepared_run) == (0, 1)

    session_of(pair, past - timedelta(days=10), SessionStatus.HELD, "earlier")
    assert (kept(pair).held, kept(pair).started) == (2, 2)
    session.delete()
    assert (kept(pair).held, kept(pair).started) == (1, 1)


def test_feedback_leaves_the_row_alone(pairs):
    """A rhythm reads nothing of how the two rated a session, so feedback does not sum the
    pair again."""
    pair = pairs[0]
    session = session_of(pair, datetime.now(UTC) - timedelta(days=3), SessionStatus.HELD)
    settled = kept(pair).settled_at
    for author, rating in ((pair.mentor, 1), (pair.mentee, 5)):
        give_feedback(session, author, rating)
    SessionFeedback.objects.filter(session=session).delete()
    assert kept(pair).settled_at == settled


def test_a_booked_session_counts_once_it_has_started_without_any_write(pairs):
    pair = pairs[0]
    now = datetime.now(UTC)
    session_of(pair, now + timedelta(days=2))
    row = kept(pair)
    assert row.pending_from is not None and row.started == 0
    before = figures(pair.program, Mentorship.objects.filter(pk=pair.pk), now)[0]
    later = figures(pair.program, Mentorship.objects.filter(pk=pair.pk), now + timedelta(days=3))
    assert (before[5], later[0][5]) == (0, 1)  # started: not yet, then once
    assert later == figures_from_the_sessions(
        pair.program, Mentorship.objects.filter(pk=pair.pk), now + timedelta(days=3)
    )


def test_a_new_preparation_rule_sums_the_pairs_again(pairs):
    pair = pairs[0]
    starts = datetime.now(UTC) - timedelta(days=1)
    session = session_of(pair, starts, SessionStatus.HELD)
    Agenda.objects.create(
        session=session, author=pair.mentee, topics="t", submitted_at=starts - timedelta(hours=30)
    )
    program = pair.program
    program.preparation_hours = 24
    program.save()
    assert (kept(pair).preparation_hours, kept(pair).prepared) == (24, 1)
    program.preparation_hours = 48
    program.save()
    assert (kept(pair).preparation_hours, kept(pair).prepared) == (48, 0)


def test_deleting_a_mentorship_takes_its_row_and_writes_nothing_back(pairs):
    pair = pairs[0]
    session = session_of(pair, datetime.now(UTC) - timedelta(days=1), SessionStatus.HELD)
    Agenda.objects.create(session=session, author=pair.mentee, topics="t")
    give_feedback(session, pair.mentee, 4)
    assert Rhythm.objects.filter(mentorship=pair).exists()
    pair.program.delete()
    connection.check_constraints()
    assert not Rhythm.objects.exists()


def test_a_row_summed_at_the_very_moment_asked_about_gives_the_same_rhythm(pairs):
    pair = pairs[0]
    moment = datetime(2026, 6, 1, 9, 30, 0, 123457, tzinfo=UTC)
    for days_ago, status in ((3, SessionStatus.HELD), (-2, SessionStatus.BOOKED)):
        session_of(pair, moment - timedelta(days=days_ago), status, uid=f"tie-{days_ago}")
    mentorships = Mentorship.objects.filter(pk=pair.pk)
    refresh_rhythms(mentorships, now=moment)
    assert figures(pair.program, mentorships, moment) == figures_from_the_sessions(
        pair.program, mentorships, moment
    )
