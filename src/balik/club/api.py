"""The Mentorship Club over REST, under /api/v1/club: offerings, open slots, bookings (create,
accept, decline, cancel, extend, attendance) and my package balance. The same services and
refusals as the pages; a time another booking took first answers 409 `time_taken` with the
next free times."""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from balik.club import selectors, services
from balik.club.models import Booking, Offering
from balik.club.services import OfferingData, Preparation, person_of
from balik.core.errors import ValidationFailed
from balik.core.schemas import MAX_ID, BodyIn, DateTime, ObjectId, answers
from balik.people.models import Skill

router = Router(tags=["club"])

MAX_WINDOW = datetime.timedelta(days=31)


class OfferingOut(Schema):
    id: int
    mentor_id: int
    mentor: str
    skill: str = Field(description="The skill's slug in the taxonomy.")
    title: str = Field(description="In the request's language, else the other one.")
    title_en: str
    title_id: str
    description_en: str
    description_id: str
    format: str
    minutes: int
    audience: str
    seniority_min: int
    seniority_max: int
    departments: list[str]
    active: bool


class OfferingIn(BodyIn):
    skill: str = Field(description="A skill's slug from /api/v1/skills.")
    title_en: str = Field("", max_length=160)
    title_id: str = Field("", max_length=160)
    description_en: str = Field("", max_length=5000)
    description_id: str = Field("", max_length=5000)
    format: Literal["video", "in_person", "chat"] = "video"
    minutes: Literal[30, 45, 60] = 45
    audience: Literal["everyone", "seniority", "departments"] = "everyone"
    seniority_min: int = Field(1, ge=1, le=10)
    seniority_max: int = Field(10, ge=1, le=10)
    departments: list[str] = Field(default_factory=list, max_length=50)
    active: bool = True


class SlotsOut(Schema):
    offering_id: int
    minutes: int
    zone: str = Field(description="The reader's time zone, to show the times in.")
    starts: list[datetime.datetime] = Field(description="Free start times, in UTC.")


class BookingIn(BodyIn):
    offering_id: int = Field(ge=1, le=MAX_ID)
    starts_at: DateTime = Field(description="One of the open slots, with its time zone.")
    learn: str = Field(min_length=1, max_length=5000, description="What I want to learn.")
    questions: str = Field(min_length=1, max_length=5000, description="My key questions.")
    research: str = Field("", max_length=5000, description="The research I did.")
    challenge: str = Field("", max_length=5000, description="A challenge for the mentor.")


class BookingOut(Schema):
    id: int
    offering_id: int
    topic: str
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    your_side: str
    expires_at: datetime.datetime
    extended: bool
    credit_used: bool
    answered_at: datetime.datetime | None
    session_id: int | None
    mentorship_id: int | None
    preparation: dict[str, str]


class ReasonIn(BodyIn):
    reason: str = Field("", max_length=1000)


class CancelIn(BodyIn):
    reason: str = Field(min_length=1, max_length=1000)


class AttendanceIn(BodyIn):
    outcome: Literal["held", "mentor_absent", "mentee_absent"]


class BalanceOut(Schema):
    package: str | None
    allowance: int
    used: int
    left: int
    period_start: datetime.datetime | None
    period_end: datetime.datetime | None
    paused: bool = Field(description="Booking paused after two misses in 30 days.")


def _offering_out(offering: Offering) -> dict:
    return {
        "id": offering.pk,
        "mentor_id": offering.mentor_id,
        "mentor": offering.mentor.full_name,
        "skill": offering.skill.slug,
        "title": offering.title,
        **{
            name: getattr(offering, name)
            for name in (
                "title_en",
                "title_id",
                "description_en",
                "description_id",
                "format",
                "minutes",
                "audience",
                "seniority_min",
                "seniority_max",
                "departments",
                "active",
            )
        },
    }


def _booking_out(booking: Booking, user_id: int) -> dict:
    side = "mentor" if booking.mentor.user_id == user_id else "mentee"
    return {
        "id": booking.pk,
        "offering_id": booking.offering_id,
        "topic": booking.offering.title,
        "mentor_id": booking.mentor_id,
        "mentor": booking.mentor.full_name,
        "mentee_id": booking.mentee_id,
        "mentee": booking.mentee.full_name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "your_side": side,
        "expires_at": booking.expires_at,
        "extended": booking.extended,
        "credit_used": booking.credit_used,
        "answered_at": booking.answered_at,
        "session_id": booking.session_id,
        "mentorship_id": booking.session.mentorship_id if booking.session_id else None,
        "preparation": {
            "learn": booking.learn,
            "research": booking.research,
            "questions": booking.questions,
            "challenge": booking.challenge,
        },
    }


def _offering_data(payload: OfferingIn) -> OfferingData:
    return OfferingData(
        skill=Skill.objects.filter(slug=payload.skill).first(),
        title_en=payload.title_en,
        title_id=payload.title_id,
        description_en=payload.description_en,
        description_id=payload.description_id,
        format=payload.format,
        minutes=payload.minutes,
        audience=payload.audience,
        seniority_min=payload.seniority_min,
        seniority_max=payload.seniority_max,
        departments=tuple(payload.departments),
        active=payload.active,
    )


@router.get(
    "/offerings", response=answers({200: list[OfferingOut]}, 403, 422), summary="Open offerings"
)
def list_offerings(
    request: HttpRequest, skill: str = "", mentor_id: int | None = Query(None, ge=1, le=MAX_ID)
) -> list[dict]:
    """Offerings open to the caller (their audience admits them), the newest first; at most
    500. Filter by a skill's slug or a mentor."""
    reader = person_of(request.user)
    offerings = Offering.objects.open().select_related("mentor", "skill")
    if skill:
        offerings = offerings.filter(skill__slug=skill)
    if mentor_id:
        offerings = offerings.filter(mentor_id=mentor_id)
    return [_offering_out(o) for o in offerings[:500] if o.admits(reader)]


@router.post(
    "/offerings",
    response=answers({201: OfferingOut}, 403, 422),
    summary="Offer a topic",
)
def create_offering(request: HttpRequest, payload: OfferingIn) -> Status:
    offering = services.offering_create(request.user, data=_offering_data(payload))
    return Status(201, _offering_out(offering))


@router.put(
    "/offerings/{offering_id}",
    response=answers({200: OfferingOut}, 403, 404, 422),
    summary="Change my offering",
)
def update_offering(request: HttpRequest, offering_id: ObjectId, payload: OfferingIn) -> dict:
    offering = selectors.offering_for(offering_id, open_only=False)
    return _offering_out(
        services.offering_update(request.user, offering, data=_offering_data(payload))
    )


@router.get(
    "/offerings/{offering_id}/slots",
    response=answers({200: SlotsOut}, 403, 404, 422),
    summary="Open slots",
)
def offering_slots(
    request: HttpRequest,
    offering_id: ObjectId,
    start: DateTime | None = None,
    end: DateTime | None = None,
) -> dict:
    """Free start times of this offering between `start` and `end` (default: the next 14
    days; at most 31 days), clear of the caller's own booked times too."""
    reader = person_of(request.user)
    offering = selectors.offering_for(offering_id)
    start = start or timezone.now()
    end = end or start + services.SLOT_HORIZON
    if timezone.is_naive(start) or timezone.is_naive(end) or not start < end <= start + MAX_WINDOW:
        raise ValidationFailed(
            {
                "end": [
                    _("Give times with their zone, the end after the start, 31 days apart at most.")
                ]
            }
        )
    return {
        "offering_id": offering.pk,
        "minutes": offering.minutes,
        "zone": reader.timezone,
        "starts": services.open_slots(
            offering.mentor,
            for_person=reader if offering.admits(reader) else None,
            start=start,
            end=end,
            minutes=offering.minutes,
        ),
    }


@router.get("/bookings", response=answers({200: list[BookingOut]}, 403), summary="My bookings")
def list_bookings(request: HttpRequest) -> list[dict]:
    """My bookings as mentor and as mentee, the latest first; at most 200."""
    person = person_of(request.user)
    found = selectors.my_bookings(person)
    bookings = sorted(found["as_mentor"] + found["as_mentee"], key=lambda b: b.starts_at)
    return [_booking_out(b, request.user.pk) for b in reversed(bookings)]


@router.post(
    "/bookings",
    response=answers({201: BookingOut}, 403, 404, 409, 422),
    summary="Book a session",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Status:
    """Uses one credit of my package. 409 `time_taken` (with `next_free_times`) when another
    booking took the time first; 409 `mentor_full`, `no_credit`, `booking_paused` or
    `not_open` when the mentor's month, my package or a pause stands in the way."""
    offering = selectors.offering_for(payload.offering_id)
    booking = services.booking_create(
        request.user,
        offering,
        starts_at=payload.starts_at,
        preparation=Preparation(
            learn=payload.learn,
            questions=payload.questions,
            research=payload.research,
            challenge=payload.challenge,
        ),
    )
    return Status(201, _booking_out(booking, request.user.pk))


@router.get(
    "/bookings/{booking_id}", response=answers({200: BookingOut}, 404, 422), summary="One booking"
)
def get_booking(request: HttpRequest, booking_id: ObjectId) -> dict:
    return _booking_out(selectors.booking_for(request.user, booking_id), request.user.pk)


def _act(request: HttpRequest, booking_id: int, action, **arguments) -> dict:
    booking = selectors.booking_for(request.user, booking_id)
    done = action(request.user, booking, **arguments)
    return _booking_out(selectors.booking_for(request.user, done.pk), request.user.pk)


@router.post(
    "/bookings/{booking_id}/accept",
    response=answers({200: BookingOut}, 403, 404, 409, 422),
    summary="Accept (mentor)",
)
def accept_booking(request: HttpRequest, booking_id: ObjectId) -> dict:
    return _act(request, booking_id, services.booking_accept)


@router.post(
    "/bookings/{booking_id}/decline",
    response=answers({200: BookingOut}, 403, 404, 409, 422),
    summary="Decline (mentor)",
)
def decline_booking(request: HttpRequest, booking_id: ObjectId, payload: ReasonIn) -> dict:
    return _act(request, booking_id, services.booking_decline, reason=payload.reason)


@router.post(
    "/bookings/{booking_id}/cancel",
    response=answers({200: BookingOut}, 403, 404, 409, 422),
    summary="Cancel (either side)",
)
def cancel_booking(request: HttpRequest, booking_id: ObjectId, payload: CancelIn) -> dict:
    """More than 24 hours ahead the mentee's credit comes back; later, it counts as a miss."""
    return _act(request, booking_id, services.booking_cancel, reason=payload.reason)


@router.post(
    "/bookings/{booking_id}/extend",
    response=answers({200: BookingOut}, 403, 404, 409, 422),
    summary="Give the mentor 48 more hours (mentee, once)",
)
def extend_booking(request: HttpRequest, booking_id: ObjectId) -> dict:
    return _act(request, booking_id, services.booking_extend)


@router.post(
    "/bookings/{booking_id}/attendance",
    response=answers({200: BookingOut}, 403, 404, 409, 422),
    summary="Record attendance (either side)",
)
def record_attendance(request: HttpRequest, booking_id: ObjectId, payload: AttendanceIn) -> dict:
    return _act(request, booking_id, services.attendance_record, outcome=payload.outcome)


@router.get("/balance", response=answers({200: BalanceOut}, 403), summary="My package balance")
def my_balance(request: HttpRequest) -> dict:
    person = person_of(request.user)
    found = services.balance(person)
    return {
        "package": found.package.name if found.package else None,
        "allowance": found.allowance,
        "used": found.used,
        "left": found.left,
        "period_start": found.period_start,
        "period_end": found.period_end,
        "paused": services.open_pause(person) is not None,
    }
