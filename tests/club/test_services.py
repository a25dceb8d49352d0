"""The Club's rules: who may book, credits, the mentor's month, answers, expiry, cancellation,
attendance and pauses, and that a booked Club session is a real programme session."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from balik.club import services
from balik.club.models import Audience, BookingPause, BookingStatus, Miss, Outcome
from balik.club.selectors import headline, ratings_of
from balik.club.services import OfferingData, Preparation
from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.feedback.services import session_feedback_give
from balik.mentorships.models import Agenda, BookedTime, SessionStatus
from balik.notifications.models import Notification
from balik.site.reminders import sweep
from tests.club.builders import PREPARATION, default_package, mentee, mentor_with_topic, slot
from tests.factories import PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db


def book(person, offering, when, preparation=PREPARATION):
    return services.booking_create(person.user, offering, starts_at=when, preparation=preparation)


def test_a_junior_offers_a_topic_in_two_languages():
    junior = PersonFactory(seniority_level=1)
    skill = SkillFactory()
    offering = services.offering_create(
        junior.user,
        data=OfferingData(skill=skill, title_en="AI tools", title_id="Alat AI", minutes=30),
    )
    assert offering.mentor == junior and offering.minutes == 30


def test_an_offering_needs_a_topic_a_title_and_a_real_length():
    with pytest.raises(ValidationFailed) as refused:
        services.offering_create(
            PersonFactory().user, data=OfferingData(skill=None, minutes=50, audience="nobody")
        )
    assert {"skill", "title_en", "minutes", "audience"} <= set(refused.value.errors)


def test_only_its_mentor_changes_an_offering():
    offering = mentor_with_topic()
    with pytest.raises(PermissionRefused):
        services.offering_update(
            mentee().user, offering, data=OfferingData(skill=offering.skill, title_en="Mine")
        )


def test_booking_uses_a_credit_and_notifies_the_mentor():
    default_package(sessions=2)
    offering, member = mentor_with_topic(), mentee()
    booking = book(member, offering, slot())
    assert booking.status == BookingStatus.REQUESTED and booking.credit_used
    assert services.balance(member).left == 1
    assert Notification.objects.filter(recipient=offering.mentor.user, kind="match_requested")


def test_the_preparation_is_required():
    default_package()
    with pytest.raises(ValidationFailed) as refused:
        book(mentee(), mentor_with_topic(), slot(), Preparation(learn="", questions=" "))
    assert set(refused.value.errors) == {"learn", "questions"}


def test_accepting_books_a_real_session_with_the_preparation_as_agenda():
    default_package()
    offering, member = mentor_with_topic(minutes=45), mentee()
    booking = services.booking_accept(offering.mentor.user, book(member, offering, slot()))
    session = booking.session
    assert booking.status == BookingStatus.ACCEPTED and booking.answered_at
    assert session.status == SessionStatus.BOOKED
    assert session.mentorship.program.is_club
    assert session.ends_at - session.starts_at == timedelta(minutes=45)
    agenda = Agenda.objects.get(session=session)
    assert agenda.objectives == PREPARATION.learn and agenda.submitted_at
    assert agenda.challenges == PREPARATION.challenge
    assert BookedTime.objects.filter(session=session).count() == 2
    invites = Notification.objects.filter(kind="session_booked")
    assert {n.recipient_id for n in invites} == {member.user_id, offering.mentor.user_id}


def test_a_second_booking_of_the_pair_reuses_their_club_mentorship():
    default_package(sessions=4)
    offering, member = mentor_with_topic(auto_accept=True), mentee()
    first = book(member, offering, slot(hour=9))
    second = book(member, offering, slot(hour=13))
    assert first.session.mentorship_id == second.session.mentorship_id


def test_auto_accept_books_at_once():
    default_package()
    booking = book(mentee(), mentor_with_topic(auto_accept=True), slot())
    assert booking.status == BookingStatus.ACCEPTED and booking.session is not None


def test_a_mentee_cannot_accept_their_own_request():
    default_package()
    member = mentee()
    booking = book(member, mentor_with_topic(), slot())
    with pytest.raises(PermissionRefused):
        services.booking_accept(member.user, booking)


def test_nobody_books_their_own_topic():
    default_package()
    offering = mentor_with_topic()
    with pytest.raises(PermissionRefused):
        book(offering.mentor, offering, slot())


def test_the_audience_decides_who_may_book():
    default_package(sessions=5)
    seniors_only = mentor_with_topic(audience=Audience.SENIORITY, seniority_min=6)
    with pytest.raises(PermissionRefused):
        book(mentee("Junior", seniority_level=2), seniors_only, slot())
    assert book(mentee("Senior", seniority_level=7), seniors_only, slot())
    finance = mentor_with_topic(
        name="Other", audience=Audience.DEPARTMENTS, departments=["Finance"]
    )
    with pytest.raises(PermissionRefused):
        book(mentee("Marketer", department="Marketing"), finance, slot())


def test_a_time_outside_open_hours_is_refused():
    default_package()
    with pytest.raises(ValidationFailed):
        book(mentee(), mentor_with_topic(), slot(hour=22))


def test_a_taken_time_answers_just_taken_with_next_free_times():
    default_package()
    offering = mentor_with_topic()
    book(mentee("First"), offering, slot())
    with pytest.raises(services.SlotTaken) as refused:
        book(mentee("Second"), offering, slot())
    assert refused.value.status == 409 and "just taken" in str(refused.value)
    assert refused.value.next_free_times and slot() not in refused.value.next_free_times


def test_open_slots_leave_out_booked_times_and_away_days():
    default_package()
    offering = mentor_with_topic()
    mentor = offering.mentor
    start, end = slot(days=3, hour=0), slot(days=5, hour=0)
    before = services.open_slots(mentor, for_person=None, start=start, end=end, minutes=60)
    assert slot(days=3, hour=10) in before
    book(mentee(), offering, slot(days=3, hour=10))
    services.club_settings_update(
        mentor.user,
        monthly_limit=4,
        paused=False,
        auto_accept=False,
        blocked_dates=[timezone.localtime(slot(days=4, hour=10)).date()],
    )
    after = services.open_slots(mentor, for_person=None, start=start, end=end, minutes=60)
    assert slot(days=3, hour=10) not in after and slot(days=3, hour=11) in after
    assert not [s for s in after if s >= slot(days=4, hour=0)]


def test_the_mentors_monthly_limit_holds():
    default_package(sessions=9)
    offering = mentor_with_topic(limit=1)
    book(mentee("A"), offering, slot(hour=9))
    with pytest.raises(BalikError) as refused:
        book(mentee("B"), offering, slot(hour=14))
    assert refused.value.code == "mentor_full"


def test_no_credit_no_booking():
    default_package(sessions=1)
    member = mentee()
    book(member, mentor_with_topic(), slot(hour=9))
    with pytest.raises(BalikError) as refused:
        book(member, mentor_with_topic(name="Other"), slot(hour=14))
    assert refused.value.code == "no_credit"


def test_a_persons_own_package_beats_the_default():
    default_package(sessions=1)
    member = mentee()
    growth = services.Package.objects.create(name="Growth", sessions=4, period_months=1)
    services.PackageGrant.objects.create(package=growth, person=member)
    assert services.balance(member).allowance == 4
    assert services.balance(mentee("Else")).allowance == 1


def test_a_paused_mentor_takes_no_bookings():
    default_package()
    offering = mentor_with_topic()
    services.club_settings_update(
        offering.mentor.user, monthly_limit=4, paused=True, auto_accept=False
    )
    with pytest.raises(BalikError) as refused:
        book(mentee(), offering, slot())
    assert refused.value.code == "not_open"


def test_declining_gives_the_credit_back():
    default_package(sessions=1)
    member, offering = mentee(), mentor_with_topic()
    booking = services.booking_decline(
        offering.mentor.user, book(member, offering, slot()), reason="Away"
    )
    assert booking.status == BookingStatus.DECLINED and not booking.credit_used
    assert services.balance(member).left == 1


def test_cancelling_more_than_a_day_ahead_gives_the_credit_back():
    default_package(sessions=1)
    member, offering = mentee(), mentor_with_topic(auto_accept=True)
    booking = services.booking_cancel(
        member.user, book(member, offering, slot(days=3)), reason="Clash"
    )
    assert not booking.credit_used and services.balance(member).left == 1
    booking.session.refresh_from_db()
    assert booking.session.status == SessionStatus.CANCELLED
    assert not Miss.objects.exists()


def test_a_late_cancellation_keeps_the_credit_and_counts_as_a_miss():
    default_package(sessions=3)
    member, offering = mentee(), mentor_with_topic(auto_accept=True)
    booking = book(member, offering, slot(days=3))
    with time_machine.travel(booking.starts_at - timedelta(hours=5)):
        booking = services.booking_cancel(member.user, booking, reason="Sick")
    assert booking.credit_used
    assert Miss.objects.get(person=member).kind == "late_cancel"


def test_only_the_two_people_cancel():
    default_package()
    booking = book(mentee(), mentor_with_topic(), slot())
    with pytest.raises(PermissionRefused):
        services.booking_cancel(mentee("Else").user, booking, reason="x")


def test_an_unanswered_request_expires_after_48_hours_and_suggests_others():
    default_package(sessions=1)
    member = mentee()
    offering = mentor_with_topic()
    mentor_with_topic(name="Dian Digital", skill=offering.skill)
    booking = book(member, offering, slot(days=5))
    assert services.bookings_expire(now=timezone.now() + timedelta(hours=47)) == 0
    assert services.bookings_expire(now=timezone.now() + timedelta(hours=49)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED and not booking.credit_used
    notice = Notification.objects.get(recipient=member.user, kind="request_answered")
    assert "Dian Digital" in notice.body


def test_a_request_is_extended_once():
    default_package()
    member = mentee()
    booking = book(member, mentor_with_topic(), slot(days=6))
    first_deadline = booking.expires_at
    booking = services.booking_extend(member.user, booking)
    assert booking.expires_at == first_deadline + timedelta(hours=48)
    with pytest.raises(BalikError) as refused:
        services.booking_extend(member.user, booking)
    assert refused.value.code == "extended_once"


def test_an_expired_request_taken_up_again_by_extending_it_uses_a_credit_again():
    default_package(sessions=1)
    member = mentee()
    booking = book(member, mentor_with_topic(), slot(days=6))
    services.bookings_expire(now=timezone.now() + timedelta(hours=49))
    booking = services.booking_extend(member.user, booking)
    assert booking.status == BookingStatus.REQUESTED and booking.credit_used
    assert services.balance(member).left == 0


def held_booking(member, offering):
    booking = book(member, offering, slot(days=2))
    return booking


def test_two_no_shows_in_30_days_pause_booking_with_a_way_back(org_admin):
    default_package(sessions=5)
    member = mentee()
    offering = mentor_with_topic(auto_accept=True)
    first = book(member, offering, slot(days=2, hour=9))
    second = book(member, offering, slot(days=3, hour=9))
    with time_machine.travel(second.ends_at + timedelta(hours=1)):
        services.attendance_record(offering.mentor.user, first, outcome=Outcome.MENTEE_ABSENT)
        assert not BookingPause.objects.exists()
        services.attendance_record(offering.mentor.user, second, outcome=Outcome.MENTEE_ABSENT)
    pause = BookingPause.objects.get(person=member)
    assert "programme manager" in pause.reason
    with pytest.raises(BalikError) as refused:
        book(member, mentor_with_topic(name="Other"), slot(days=4))
    assert refused.value.code == "booking_paused"
    services.booking_pause_lift(org_admin.user, member)
    assert book(member, mentor_with_topic(name="Third"), slot(days=4))


def test_a_mentee_cannot_lift_their_own_pause():
    member = mentee()
    BookingPause.objects.create(person=member, reason="two misses")
    with pytest.raises(PermissionRefused):
        services.booking_pause_lift(member.user, member)


def test_held_attendance_opens_feedback_and_ratings_show_from_five():
    default_package(sessions=9)
    offering = mentor_with_topic(auto_accept=True, limit=9)
    members = [mentee(f"M{n}") for n in range(5)]
    bookings = [book(m, offering, slot(days=2, hour=9 + n)) for n, m in enumerate(members)]
    with time_machine.travel(bookings[-1].ends_at + timedelta(hours=1)):
        for n, (member, booking) in enumerate(zip(members, bookings, strict=True)):
            services.attendance_record(member.user, booking, outcome=Outcome.HELD)
            booking.session.refresh_from_db()
            assert booking.session.status == SessionStatus.HELD
            session_feedback_give(
                member.user,
                booking.session,
                rating=4 + (n % 2),
                usefulness=4,
                preparation=4,
                psychological_safety=5,
            )
            if n == 3:
                assert not ratings_of([offering.mentor_id])[offering.mentor_id].shown
    rating = ratings_of([offering.mentor_id])[offering.mentor_id]
    assert rating.shown and rating.count == 5 and rating.mean == pytest.approx(4.4)
    figure = headline()
    assert figure.mentors == 1 and figure.rating.count == 5


def test_attendance_waits_for_the_session():
    default_package()
    member = mentee()
    booking = book(member, mentor_with_topic(auto_accept=True), slot(days=2))
    with pytest.raises(ValidationFailed):
        services.attendance_record(member.user, booking, outcome=Outcome.HELD)


def test_a_mentee_cannot_be_booked_twice_at_once_across_mentors():
    default_package(sessions=3)
    member = mentee()
    book(member, mentor_with_topic(), slot())
    with pytest.raises(services.SlotTaken):
        book(member, mentor_with_topic(name="Other"), slot())


def test_the_workers_sweep_expires_requests():
    default_package()
    booking = book(mentee(), mentor_with_topic(), slot(days=5))
    assert sweep(timezone.now() + timedelta(hours=49))["club_expired"] == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
