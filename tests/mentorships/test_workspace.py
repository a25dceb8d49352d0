"""The mentorship workspace's rules, one by one, with their refusals."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.matching.services import mentorship_decline
from balik.mentorships.agendas import agenda_answer, agenda_save
from balik.mentorships.agreements import agreement_confirm, agreement_for, agreement_update
from balik.mentorships.closing import mentorship_close
from balik.mentorships.goals import goal_add, goal_update
from balik.mentorships.models import (
    Goal,
    Mentorship,
    MentorshipStatus,
    Session,
    SessionStatus,
)
from balik.mentorships.notes import action_add, action_complete, learning_record, note_add
from balik.mentorships.selectors import agenda_state, deadline_of, visible_notes
from balik.mentorships.sessions import (
    session_accept_option,
    session_cancel,
    session_counter_propose,
    session_propose,
    session_record_attendance,
    session_reschedule,
)
from balik.mentorships.workspace import suggested_times
from balik.notifications.models import EmailStatus, Notification
from balik.notifications.services import emails_deliver
from balik.people.models import Person
from balik.site.reminders import sweep
from tests.factories import PersonFactory
from tests.mentorships.builders import flipped_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program_manager):
    return flipped_pair(program_manager)


def in_days(days: int, hour: int = 12) -> datetime:
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(pair, start: datetime, *, captured=None):
    session = session_propose(pair.mentee.user, pair, starts=[start])
    option = session.options.get()
    return session_accept_option(pair.mentor.user, session, option_id=option.pk)


# --- agreement ---------------------------------------------------------------------------


def test_the_agreement_starts_from_the_programme_and_needs_both_confirmations(pair):
    agreement = agreement_for(pair)
    assert "mentee leads" in agreement.ground_rules
    assert agreement.cadence_days == pair.program.cadence_days
    agreement_confirm(pair.mentor.user, pair)
    agreement_confirm(pair.mentee.user, pair)
    assert agreement_for(pair).confirmed
    agreement_update(pair.mentee.user, pair, meeting_place="https://meet.example/rina")
    agreement = agreement_for(pair)
    assert agreement.mentee_confirmed_at and agreement.mentor_confirmed_at is None
    assert not agreement.confirmed


def test_agreement_refusals(pair, program_manager, outsider):
    with pytest.raises(PermissionRefused):
        agreement_update(outsider.user, pair, goals="mine")
    with pytest.raises(PermissionRefused):
        agreement_update(program_manager.user, pair, goals="managed")
    with pytest.raises(ValidationFailed) as refused:
        agreement_update(pair.mentor.user, pair, cadence_days=0, format="party")
    assert set(refused.value.errors) == {"cadence_days", "format"}


# --- goals ---------------------------------------------------------------------------------


def test_in_flipped_mentoring_the_mentee_owns_the_goals(pair):
    due = timezone.localdate() + timedelta(days=60)
    goal = goal_add(
        pair.mentee.user,
        pair,
        title="Lead a team meeting",
        measure="meetings led",
        target="3",
        due_date=due,
    )
    assert goal.owner == pair.mentee
    with pytest.raises(ValidationFailed) as refused:
        goal_add(
            pair.mentor.user,
            pair,
            title="x",
            measure="y",
            target="z",
            due_date=due,
            owner_id=pair.mentor.pk,
        )
    assert "owner" in refused.value.errors
    update = goal_update(pair.mentee.user, goal, value="1", note="first one", status="on_track")
    assert update.goal.status == "on_track"
    goal_update(pair.mentor.user, goal, value="", note="", status="at_risk")
    goal.refresh_from_db()
    assert goal.status == "at_risk" and goal.updates.count() == 2


def test_in_reverse_mentoring_both_people_have_goals(program_manager):
    pair = flipped_pair(program_manager, kind="reverse")
    due = timezone.localdate() + timedelta(days=30)
    for person in (pair.mentor, pair.mentee):
        goal = goal_add(
            person.user,
            pair,
            title="Learn",
            measure="m",
            target="t",
            due_date=due,
        )
        assert goal.owner == person


def test_a_goal_needs_a_measure_a_target_and_a_future_due_date(pair):
    with pytest.raises(ValidationFailed) as refused:
        goal_add(
            pair.mentee.user,
            pair,
            title="",
            measure="",
            target="",
            due_date=timezone.localdate() - timedelta(days=1),
        )
    assert set(refused.value.errors) >= {"title", "measure", "target", "due_date"}


# --- scheduling ----------------------------------------------------------------------------


def test_proposing_accepting_and_the_invite(pair, django_capture_on_commit_callbacks):
    start = in_days(3)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_propose(pair.mentee.user, pair, starts=[start, start + timedelta(days=1)])
    assert session.status == SessionStatus.PROPOSED
    assert Notification.objects.filter(recipient=pair.mentor.user, kind="session_proposed").exists()
    with pytest.raises(PermissionRefused):
        session_accept_option(pair.mentee.user, session, option_id=session.options.first().pk)
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booked = session_accept_option(
            pair.mentor.user, session, option_id=session.options.first().pk
        )
    assert booked.status == SessionStatus.BOOKED and booked.starts_at == start
    assert booked.ends_at - booked.starts_at == timedelta(minutes=pair.program.session_minutes)
    # written with the booking, invite included; nothing is sent in the request
    assert mail.outbox == []
    written = Notification.objects.filter(kind="session_booked")
    assert [n.email_attachment_name for n in written] == ["invite.ics", "invite.ics"]
    assert emails_deliver() == 2
    invites = [m for m in mail.outbox if m.attachments]
    assert {m.to[0] for m in invites} == {pair.mentor.user.email, pair.mentee.user.email}
    calendar = icalendar.Calendar.from_ical(invites[0].attachments[0][1])
    assert str(calendar["METHOD"]) == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART").astimezone(UTC) == start.astimezone(UTC)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert emails_deliver() == 0


def test_an_invite_the_server_refuses_is_retried_and_never_stops_the_other(
    pair, django_capture_on_commit_callbacks, settings
):
    """The mentee's mail server refuses the invite: the mentor still gets theirs, the booking
    stands, and the mentee's notice waits for the worker's next attempt with the reason. A line
    break stored in a name before names were checked reaches no header either."""
    Person.objects.filter(pk=pair.mentor.pk).update(full_name="Budi\nBcc: x@example.com")
    type(pair.mentee.user).objects.filter(pk=pair.mentee.user_id).update(email="refused@example.id")
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    start = in_days(3)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_propose(pair.mentee.user, pair, starts=[start])
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booked = session_accept_option(
            pair.mentor.user, session, option_id=session.options.get().pk
        )
    assert booked.status == SessionStatus.BOOKED
    emails_deliver()
    [invite] = mail.outbox
    assert invite.to == [pair.mentor.user.email] and invite.attachments
    assert "\n" not in invite.subject
    refused = Notification.objects.get(recipient=pair.mentee.user, kind="session_booked")
    assert refused.email_status == EmailStatus.RETRYING
    assert "No such mailbox" in refused.email_error
    mentor_notice = Notification.objects.get(recipient=pair.mentor.user, kind="session_booked")
    assert mentor_notice.email_status == EmailStatus.SENT
    # the worker sends it once the server takes it again (without the invite: it is in the app)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(refused.email_next_attempt_at + timedelta(seconds=1)):
        emails_deliver()
    assert [m.to for m in mail.outbox].count(["refused@example.id"]) == 1
    refused.refresh_from_db()
    assert refused.email_status == EmailStatus.SENT


def test_moving_and_cancelling_update_the_invite_sequence(pair, django_capture_on_commit_callbacks):
    session = book(pair, in_days(4))
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_reschedule(pair.mentor.user, session, start=in_days(5), reason="Board meeting")
    assert session.sequence == 1
    emails_deliver()
    moved = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert int(next(iter(moved.walk("VEVENT")))["SEQUENCE"]) == 1
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(pair.mentee.user, session, reason="Sick")
    emails_deliver()
    cancelled = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert str(cancelled["METHOD"]) == "CANCEL"
    event = next(iter(cancelled.walk("VEVENT")))
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    with pytest.raises(ValidationFailed):
        session_cancel(pair.mentee.user, session, reason="again")


def test_the_download_is_the_same_invite(client, pair):
    session = book(pair, in_days(3))
    client.force_login(pair.mentee.user)
    response = client.get(reverse("mentorships:invite", args=[pair.pk, session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert next(iter(calendar.walk("VEVENT")))["UID"] == session.uid


def test_nobody_is_double_booked_across_mentorships(pair, program_manager):
    start = in_days(3)
    book(pair, start)
    other = Mentorship.objects.create(
        program=pair.program, mentor=pair.mentor, mentee=PersonFactory(seniority_level=1)
    )
    with pytest.raises(ValidationFailed) as refused:
        session_propose(other.mentee.user, other, starts=[start + timedelta(minutes=30)])
    assert "clashes" in refused.value.errors["options"][0]
    later = session_propose(other.mentee.user, other, starts=[start + timedelta(hours=1)])
    assert later.status == SessionStatus.PROPOSED


def test_times_in_the_past_and_a_mentor_led_flipped_session_are_refused(pair):
    with pytest.raises(ValidationFailed) as refused:
        session_propose(
            pair.mentee.user, pair, starts=[timezone.now() - timedelta(hours=1)], leader="mentor"
        )
    assert set(refused.value.errors) == {"options", "leader"}


def test_suggested_times_fit_both_people_across_time_zones(pair):
    """Mentor in Jakarta free 17-21 WIB, mentee in Jayapura free 19-23 WIT (= 17-21 WIB):
    the overlap is 17:00-21:00 Jakarta time, 19:00-23:00 Jayapura time."""
    suggestions = suggested_times(pair, "Asia/Jayapura")
    assert suggestions
    jakarta = ZoneInfo("Asia/Jakarta")
    for moment in suggestions:
        assert moment.weekday() < 5
        assert moment.hour >= 19 and (moment + timedelta(hours=1)).hour <= 23
        assert 17 <= moment.astimezone(jakarta).hour < 21


# --- the agenda and its deadline ------------------------------------------------------------


def test_the_agenda_states_follow_the_deadline(pair, django_capture_on_commit_callbacks):
    start = in_days(3)
    session = book(pair, start)
    deadline = deadline_of(session)
    assert deadline == start - timedelta(hours=pair.program.preparation_hours)
    assert agenda_state(session, agenda=None) == "not_started"
    agenda = agenda_save(pair.mentee.user, session, topics="Pricing")
    assert agenda_state(session, agenda=agenda) == "draft"
    with pytest.raises(ValidationFailed) as refused:
        agenda_save(pair.mentee.user, session, submit=True, topics="Pricing")
    assert {"key_questions", "objectives"} <= set(refused.value.errors)
    assert agenda_state(session, agenda=None, now=deadline + timedelta(minutes=1)) == "missing"
    with time_machine.travel(deadline + timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            agenda = agenda_save(
                pair.mentee.user,
                session,
                submit=True,
                topics="Pricing",
                key_questions="How to price?",
                objectives="A pricing model",
            )
        assert agenda_state(session, agenda=agenda) == "late"
    assert Notification.objects.filter(recipient=pair.mentor.user, kind="agenda_submitted").exists()
    session.refresh_from_db()  # the copy the programme figures read
    assert session.agenda_submitted_at == agenda.submitted_at
    agenda.delete()
    session.refresh_from_db()
    assert session.agenda_submitted_at is None


def test_only_the_leading_side_writes_and_only_the_other_answers(pair):
    session = book(pair, in_days(3))
    with pytest.raises(PermissionRefused):
        agenda_save(pair.mentor.user, session, topics="I take over")
    agenda_save(
        pair.mentee.user, session, submit=True, topics="t", key_questions="q", objectives="o"
    )
    assert agenda_state(session, agenda=session.agenda) == "on_time"
    with pytest.raises(PermissionRefused):
        agenda_answer(pair.mentee.user, session, perspective="self-answer")
    response = agenda_answer(pair.mentor.user, session, resources="https://example.org")
    assert response.author == pair.mentor
    with pytest.raises(ValidationFailed):
        agenda_answer(pair.mentor.user, session)


# --- notes, learning, actions, closing -------------------------------------------------------


def test_private_notes_stay_with_their_author(client, pair, program_manager):
    note_add(pair.mentee.user, pair, body="Shared thought", private=False)
    note_add(pair.mentee.user, pair, body="Only mine: nervous", private=True)
    assert [n.body for n in visible_notes(pair.mentor.user, pair)] == ["Shared thought"]
    assert visible_notes(pair.mentee.user, pair).count() == 2
    assert not visible_notes(program_manager.user, pair).exists()
    url = reverse("mentorships:detail", args=[pair.pk])
    client.force_login(pair.mentor.user)
    page = client.get(url).content.decode()
    assert "Shared thought" in page and "nervous" not in page
    client.force_login(program_manager.user)
    page = client.get(url).content.decode()
    assert "Shared thought" not in page and "nervous" not in page


def test_a_manager_sees_states_but_no_agenda_text_and_cannot_act(client, pair, program_manager):
    session = book(pair, in_days(3))
    agenda_save(
        pair.mentee.user,
        session,
        submit=True,
        topics="Secret topic",
        key_questions="q",
        objectives="o",
    )
    Goal.objects.create(
        mentorship=pair,
        title="Secret goal",
        measure="m",
        target="t",
        owner=pair.mentee,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    action_add(
        pair.mentee.user,
        pair,
        title="Secret action",
        owner_id=pair.mentee.pk,
        due_date=in_days(5).date(),
    )
    client.force_login(program_manager.user)
    page = client.get(reverse("mentorships:detail", args=[pair.pk])).content.decode()
    assert 'data-agenda-state="on_time"' in page
    assert "Secret topic" not in page
    # as in the API: status and dates, never the wording
    assert "Secret goal" not in page and "Goal 1" in page
    assert "Secret action" not in page
    response = client.post(reverse("mentorships:act", args=[pair.pk, "note"]), {"body": "hi"})
    assert response.status_code == 403


def test_outsiders_see_nothing(client, pair, outsider):
    client.force_login(outsider.user)
    assert client.get(reverse("mentorships:detail", args=[pair.pk])).status_code == 403
    assert (
        client.post(reverse("mentorships:act", args=[pair.pk, "note"]), {"body": "x"}).status_code
        == 403
    )


def test_the_learning_log_runs_both_ways_after_the_session(pair):
    start = in_days(2)
    session = book(pair, start)
    with pytest.raises(ValidationFailed):
        learning_record(pair.mentee.user, session, taught="", learned="early")
    with time_machine.travel(start + timedelta(hours=2)):
        learning_record(pair.mentee.user, session, taught="TikTok basics", learned="Pricing")
        learning_record(pair.mentor.user, session, taught="Pricing", learned="TikTok")
        session_record_attendance(pair.mentor.user, session, attendance="held")
    assert session.learning.count() == 2
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_attendance_only_after_the_start(pair):
    session = book(pair, in_days(2))
    with pytest.raises(ValidationFailed):
        session_record_attendance(pair.mentor.user, session, attendance="held")


def test_action_items_have_an_owner_of_the_pair_and_can_be_completed(pair, outsider):
    due = timezone.localdate() + timedelta(days=7)
    item = action_add(pair.mentee.user, pair, title="Draft pricing", owner_id=None, due_date=due)
    assert item.owner == pair.mentee
    with pytest.raises(ValidationFailed):
        action_add(pair.mentee.user, pair, title="x", owner_id=outsider.pk, due_date=due)
    action_complete(pair.mentor.user, item)
    assert item.done_at is not None


def test_closing_needs_both_reflections(pair):
    mentorship_close(
        pair.mentee.user, pair, reflection="Grew a lot", goals_outcome="2 of 3", match_again=True
    )
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE
    mentorship_close(
        pair.mentor.user, pair, reflection="Learned TikTok", goals_outcome="", match_again=False
    )
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.CLOSED
    with pytest.raises(BalikError):
        goal_add(
            pair.mentee.user,
            pair,
            title="t",
            measure="m",
            target="x",
            due_date=timezone.localdate() + timedelta(days=3),
        )


def close(pair) -> None:
    for person in (pair.mentee, pair.mentor):
        mentorship_close(person.user, pair, reflection="Done", goals_outcome="", match_again=True)


def test_closing_cancels_what_was_planned_and_keeps_what_took_place(
    pair, django_capture_on_commit_callbacks
):
    start = in_days(2)
    earlier = book(pair, start)
    later = book(pair, in_days(9))
    waiting = session_propose(pair.mentee.user, pair, starts=[in_days(16)])
    emails_deliver()
    mail.outbox.clear()
    with time_machine.travel(start + timedelta(hours=2)):
        with django_capture_on_commit_callbacks(execute=True):
            close(pair)
        for session in (earlier, later, waiting):
            session.refresh_from_db()
        assert earlier.status == SessionStatus.BOOKED  # it took place: attendance still open
        session_record_attendance(pair.mentor.user, earlier, attendance="held")
        learning_record(pair.mentee.user, earlier, taught="", learned="Pricing")
    assert (later.status, waiting.status) == (SessionStatus.CANCELLED, SessionStatus.CANCELLED)
    assert later.cancel_reason == "The mentorship has closed."
    assert later.sequence == 1  # the calendars take the cancelled invite
    emails_deliver()
    cancelled = [m for m in mail.outbox if "CANCEL" in str(m.message())]
    assert sorted(m.to[0] for m in cancelled) == sorted(
        [pair.mentor.user.email, pair.mentee.user.email]
    )


def test_a_closed_mentorship_takes_no_new_plans(pair):
    goal = goal_add(
        pair.mentee.user,
        pair,
        title="t",
        measure="m",
        target="x",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    item = action_add(pair.mentee.user, pair, title="Draft", owner_id=None, due_date=goal.due_date)
    booked = book(pair, in_days(2))
    proposal = session_propose(pair.mentee.user, pair, starts=[in_days(5)])
    close(pair)
    # as if left behind by closing: the services refuse on their own
    Session.objects.filter(pk=booked.pk).update(status=SessionStatus.BOOKED)
    Session.objects.filter(pk=proposal.pk).update(status=SessionStatus.PROPOSED)
    booked, proposal = (Session.objects.get(pk=s.pk) for s in (booked, proposal))
    refusals = [
        lambda: goal_update(pair.mentee.user, goal, value="1", note="", status="done"),
        lambda: action_add(
            pair.mentee.user, pair, title="x", owner_id=None, due_date=goal.due_date
        ),
        lambda: action_complete(pair.mentee.user, item),
        lambda: session_counter_propose(pair.mentor.user, proposal, starts=[in_days(6)]),
        lambda: session_accept_option(
            pair.mentor.user, proposal, option_id=proposal.options.values_list("pk", flat=True)[0]
        ),
        lambda: session_reschedule(pair.mentee.user, booked, start=in_days(7), reason="later"),
        lambda: agenda_save(pair.mentee.user, booked, topics="t"),
        lambda: agenda_answer(pair.mentor.user, booked, perspective="p"),
        lambda: agreement_update(pair.mentee.user, pair, goals="more"),
    ]
    for refused in refusals:
        with pytest.raises(BalikError) as refusal:
            refused()
        assert refusal.value.code == "not_active"
    note_add(pair.mentee.user, pair, body="What I take with me", private=True)


def test_declining_a_match_cancels_its_sessions(pair):
    booked = book(pair, in_days(3))
    mentorship_decline(pair.mentee.user, pair, reason="Not a fit")
    booked.refresh_from_db()
    assert (booked.status, booked.cancel_reason) == (
        SessionStatus.CANCELLED,
        "The match was declined.",
    )


# --- reminders --------------------------------------------------------------------------------


def test_reminders_tell_the_time_on_each_readers_clock(pair):
    Person.objects.filter(pk=pair.mentor.pk).update(timezone="Asia/Jayapura")
    Person.objects.filter(pk=pair.mentee.pk).update(timezone="Europe/Amsterdam")
    session = book(pair, in_days(3))
    with time_machine.travel(deadline_of(session) + timedelta(hours=1)):
        sweep()
    titles = dict(
        Notification.objects.filter(kind="agenda_missing").values_list("recipient", "title")
    )
    # each on their own clock, the zone named by its letters: WIT in Jayapura, CET or CEST
    assert titles[pair.mentor.user.pk].endswith(" WIT")
    assert titles[pair.mentee.user.pk].endswith((" CET", " CEST"))


def test_reminders_are_sent_once_and_caught_up_after_downtime(pair):
    start = in_days(3)
    session = book(pair, start)
    deadline = deadline_of(session)
    with time_machine.travel(deadline - timedelta(hours=2)):
        assert sweep()["agenda_due"] == 1
        assert sweep()["agenda_due"] == 0  # a second sweep sends nothing twice
    # the worker was down over the deadline: it sends "missing" to both, no stale "due"
    with time_machine.travel(deadline + timedelta(hours=3)):
        created = sweep()
        assert created == {
            "agenda_due": 0,
            "agenda_missing": 2,
            "action_due": 0,
            "goal_update_due": 0,
            "feedback_due": 0,
            "club_expired": 0,
        }
        assert sweep()["agenda_missing"] == 0
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds.count("agenda_due") == 1 and kinds.count("agenda_missing") == 2


def test_a_moved_session_gets_a_fresh_agenda_reminder(pair):
    session = book(pair, in_days(3))
    deadline = deadline_of(session)
    with time_machine.travel(deadline - timedelta(hours=2)):
        sweep()
        session_reschedule(pair.mentee.user, session, start=in_days(5), reason="Clash")
    new_deadline = deadline_of(session)
    with time_machine.travel(new_deadline - timedelta(hours=2)):
        assert sweep()["agenda_due"] == 1


def test_an_action_due_tomorrow_is_reminded_once(pair):
    action_add(
        pair.mentee.user,
        pair,
        title="Send the deck",
        owner_id=None,
        due_date=timezone.localdate() + timedelta(days=1),
    )
    assert sweep()["action_due"] == 1
    assert sweep()["action_due"] == 0


def test_people_choose_which_notices_they_get(pair, django_capture_on_commit_callbacks):
    from balik.notifications.services import emails_deliver, preferences_set

    preferences_set(pair.mentor.user, {"session_proposed": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        session_propose(pair.mentee.user, pair, starts=[in_days(3)])
    notice = Notification.objects.get(recipient=pair.mentor.user)
    assert notice.in_app and not notice.wants_email
    emails_deliver()
    mail.outbox.clear()
    assert emails_deliver() == 0


def test_the_invite_goes_only_to_who_wants_mail_in_their_language(
    pair, django_capture_on_commit_callbacks
):
    from balik.notifications.services import preferences_set

    preferences_set(pair.mentor.user, {"session_booked": (True, False)})
    pair.mentee.user.preferred_language = "id"
    pair.mentee.user.save(update_fields=["preferred_language"])
    session = session_propose(pair.mentee.user, pair, starts=[in_days(3)])
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_accept_option(pair.mentor.user, session, option_id=session.options.first().pk)
    emails_deliver()
    invites = [m for m in mail.outbox if m.attachments]
    assert [m.to[0] for m in invites] == [pair.mentee.user.email]
    event = next(iter(icalendar.Calendar.from_ical(invites[0].attachments[0][1]).walk("VEVENT")))
    mentor, mentee = pair.mentor.full_name, pair.mentee.full_name
    assert str(event["SUMMARY"]) == f"Mentoring: {mentor} dan {mentee}"


# --- the page -------------------------------------------------------------------------------


def test_the_page_keeps_its_query_count(client, pair, django_assert_max_num_queries):
    client.force_login(pair.mentee.user)
    url = reverse("mentorships:detail", args=[pair.pk])
    book(pair, in_days(2))
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for days in range(4, 12, 2):
        book(pair, in_days(days, hour=11))
        note_add(pair.mentee.user, pair, body=f"note {days}", private=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_series_keeps_the_local_time_across_daylight_saving(
    program_manager, django_capture_on_commit_callbacks
):
    """A mentee in Amsterdam books four weekly sessions at 18:00 her time across the change to
    summer time (28 March 2027): 17:00 UTC, then 16:00 UTC; each of the pair gets one invite
    for the whole series, which a calendar expands to those same instants."""
    from zoneinfo import ZoneInfo

    pair = flipped_pair(program_manager, mentee_zone="Europe/Amsterdam")
    agreement_update(pair.mentee.user, pair, cadence_days=7)
    first = datetime(2027, 3, 15, 18, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    session = session_propose(pair.mentee.user, pair, starts=[first], repeat=4)
    emails_deliver()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_accept_option(pair.mentor.user, session, option_id=session.options.get().pk)
    series = list(pair.sessions.filter(series_key=session.series_key).order_by("starts_at"))
    assert [s.starts_at.astimezone(UTC).hour for s in series] == [17, 17, 16, 16]
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert {s.starts_at.astimezone(amsterdam).hour for s in series} == {18}
    emails_deliver()
    invites = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in invites) == sorted([pair.mentor.email, pair.mentee.email])
    for message in invites:
        calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
        (event,) = calendar.walk("VEVENT")
        assert event["RRULE"]["COUNT"] == [4]
        expanded = recurring_ical_events.of(calendar).between(first, first + timedelta(days=30))
        assert [e.decoded("DTSTART").astimezone(UTC) for e in expanded] == [
            s.starts_at for s in series
        ]
    with pytest.raises(ValidationFailed):
        session_propose(pair.mentee.user, pair, starts=[in_days(3)], repeat=99)


@pytest.mark.parametrize("address", ["probe@localhost", "probe@[10.0.0.1]", "probe@[::1]"])
def test_the_invite_downloads_for_every_address_the_directory_accepts(client, pair, address):
    """The importer (Django's e-mail rule) accepts these; the invite builder refused them."""
    from balik.people.importing import run_import

    report = run_import(
        content=f"email,full_name\n{address},Probe Person\n".encode(), actor=None, dry_run=True
    )
    assert not report.errors
    pair.mentee.user.email = address
    pair.mentee.user.save(update_fields=["email"])
    session = book(pair, in_days(3))
    for person in (pair.mentee, pair.mentor):
        client.force_login(person.user)
        response = client.get(reverse("mentorships:invite", args=[pair.pk, session.pk]))
        assert response.status_code == 200
        event = next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))
        attendees = [str(a) for a in event["ATTENDEE"]]
        assert f"mailto:{address}" in [*attendees, str(event["ORGANIZER"])]
