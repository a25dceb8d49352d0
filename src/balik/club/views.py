"""The Club's pages: the directory, a mentor's page, the booking form and My Club. Thin: they
parse, call `balik.club.services`, and render; refusals go through `answers_refusals`."""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balik.club import selectors, services
from balik.club.forms import AttendanceForm, BookingForm, DirectoryForm, OfferingForm, SettingsForm
from balik.club.models import BlockedDate, Booking, BookingStatus, Offering
from balik.club.services import SlotTaken, person_of
from balik.core.middleware import form_shows_its_own_errors
from balik.core.refusals import answers_refusals, back_to, refusal_beside
from balik.people.models import Person

BOOKING_DAYS = 14


def _local(moment: datetime, zone: str) -> datetime:
    return timezone.localtime(moment, ZoneInfo(zone))


@require_GET
@login_required
@answers_refusals
def club_home(request: HttpRequest) -> HttpResponse:
    reader = person_of(request.user)
    form = DirectoryForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.Filters(
        text=data.get("q", ""),
        topic=data.get("topic", ""),
        language=data.get("language", ""),
        in_common=bool(data.get("in_common")),
        free_within_days=7 if data.get("free_this_week") else None,
        min_rating=float(data["min_rating"]) if data.get("min_rating") else None,
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    cards, total = selectors.directory(reader, filters, page=page)
    context = {
        "form": form,
        "cards": cards,
        "total": total,
        "page": page,
        "has_next": page * selectors.PAGE_SIZE < total,
        "headline": selectors.headline(),
        "reader": reader,
        "balance": services.balance(reader),
        "filtered": any(v for v in data.values()),
    }
    template = "club/partials/results.html" if request.htmx else "club/home.html"
    return render(request, template, context)


@require_GET
@login_required
@answers_refusals
def mentor_page(request: HttpRequest, person_id: int) -> HttpResponse:
    reader = person_of(request.user)
    mentor = Person.objects.filter(pk=person_id).first()
    if mentor is None or not Offering.objects.filter(mentor=mentor).exists():
        raise Http404
    context = selectors.mentor_page(mentor, reader)
    context["reader"] = reader
    context["own"] = reader.pk == mentor.pk
    if context["own"]:
        context["comments"] = selectors.mentor_comments(mentor)
    context["languages"] = ", ".join(mentor.languages or [])
    return render(request, "club/mentor.html", context)


def _slot_days(starts: list[datetime], zone: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Free starts grouped by day on the reader's clock: [(day, [(value, time)])]."""
    days: dict[str, list[tuple[str, str]]] = {}
    for start in starts:
        local = _local(start, zone)
        day = formats.date_format(local, "l, j F")
        days.setdefault(day, []).append((start.isoformat(), local.strftime("%H:%M")))
    return list(days.items())


def _parsable(text: str) -> list[tuple[str, str]]:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return []
    return [] if timezone.is_naive(moment) else [(text, text)]


@require_http_methods(["GET", "POST"])
@login_required
@form_shows_its_own_errors
@answers_refusals
def book(request: HttpRequest, offering_id: int) -> HttpResponse:
    reader = person_of(request.user)
    offering = selectors.offering_for(offering_id)
    if not offering.admits(reader):
        raise services.PermissionRefused(
            _("You cannot book your own topic.")
            if offering.mentor_id == reader.pk
            else _("This topic is offered to other colleagues than you.")
        )
    now = timezone.now()
    starts = services.open_slots(
        offering.mentor,
        for_person=reader,
        start=now,
        end=now + timedelta(days=BOOKING_DAYS),
        minutes=offering.minutes,
    )
    choices = [(s.isoformat(), s.isoformat()) for s in starts]
    taken: list[datetime] = []
    status = 200
    if request.method == "POST":
        # a time taken since the page showed it is still a choice: the service says it is taken
        chosen = request.POST.get("starts_at", "")
        form = BookingForm(request.POST, slots=[*choices, *_parsable(chosen)])
        if form.is_valid():
            booking = None
            with refusal_beside(form):
                try:
                    booking = services.booking_create(
                        request.user,
                        offering,
                        starts_at=datetime.fromisoformat(form.cleaned_data["starts_at"]),
                        preparation=form.preparation(),
                    )
                except SlotTaken as refused:
                    taken = refused.next_free_times
                    form.add_error("starts_at", str(refused.message))
            if booking is not None:
                if booking.status == BookingStatus.ACCEPTED:
                    messages.success(request, _("Booked. The invite is in your inbox."))
                else:
                    messages.success(
                        request, _("Request sent. The mentor answers within 48 hours.")
                    )
                return redirect("club:mine")
        status = 409 if taken else 422
    else:
        form = BookingForm(slots=choices)
    chosen = form.data.get("starts_at", "") if form.is_bound else request.GET.get("at", "")
    days = _slot_days(starts, reader.timezone)
    earlier = {value for _day, times in days[:3] for value, _label in times}
    context = {
        "offering": offering,
        "mentor": offering.mentor,
        "form": form,
        "days": days,
        "chosen": chosen,
        "chosen_later": bool(chosen) and chosen not in earlier,
        "next_free": [_local(s, reader.timezone) for s in taken],
        "reader": reader,
        "balance": services.balance(reader),
        "paused": services.open_pause(reader),
    }
    return render(request, "club/book.html", context, status=status)


@require_GET
@login_required
@answers_refusals
def mine(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    settings = services.settings_of(person)
    today = _local(timezone.now(), person.timezone).date()
    away = BlockedDate.objects.filter(person=person, date__gte=today).values_list("date", flat=True)
    bookings = selectors.my_bookings(person)
    now = timezone.now()
    context = {
        "person": person,
        "offerings": list(
            Offering.objects.filter(mentor=person).select_related("skill").order_by("-created_at")
        ),
        "settings_form": SettingsForm(
            initial={
                "monthly_limit": settings.monthly_limit,
                "auto_accept": settings.auto_accept,
                "paused": settings.paused,
                "blocked_dates": ", ".join(day.isoformat() for day in away),
            }
        ),
        "balance": services.balance(person),
        "pause": services.open_pause(person),
        "as_mentor": bookings["as_mentor"],
        "as_mentee": bookings["as_mentee"],
        "now": now,
        "month_places": services.places_taken(person, month_of=now),
        "settings": settings,
        "outcomes": AttendanceForm().fields["outcome"].choices,
    }
    return render(request, "club/mine.html", context)


@require_POST
@login_required
@answers_refusals(back="club:mine")
def settings_save(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("club:mine")
    services.club_settings_update(
        request.user,
        monthly_limit=form.cleaned_data["monthly_limit"],
        paused=form.cleaned_data["paused"],
        auto_accept=form.cleaned_data["auto_accept"],
        blocked_dates=form.cleaned_data["blocked_dates"],
    )
    messages.success(request, _("Club settings saved."))
    return redirect("club:mine")


@require_http_methods(["GET", "POST"])
@login_required
@form_shows_its_own_errors
@answers_refusals
def offering_edit(request: HttpRequest, offering_id: int | None = None) -> HttpResponse:
    person = person_of(request.user)
    offering = None
    if offering_id is not None:
        offering = Offering.objects.filter(pk=offering_id, mentor=person).first()
        if offering is None:
            raise Http404
    initial = {}
    if offering is not None:
        initial = {
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
                "active",
            )
        } | {"skill": offering.skill.slug, "departments": ", ".join(offering.departments)}
    form = OfferingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            if offering is None:
                services.offering_create(request.user, data=form.data_for_service())
            else:
                services.offering_update(request.user, offering, data=form.data_for_service())
            messages.success(request, _("Your topic is saved."))
            return redirect("club:mine")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "club/offering_form.html", {"form": form, "offering": offering}, status=status
    )


def _decline(request: HttpRequest, booking: Booking) -> None:
    services.booking_decline(request.user, booking, reason=request.POST.get("reason", ""))


def _cancel(request: HttpRequest, booking: Booking) -> None:
    services.booking_cancel(request.user, booking, reason=request.POST.get("reason", ""))


def _attendance(request: HttpRequest, booking: Booking) -> None:
    services.attendance_record(request.user, booking, outcome=request.POST.get("outcome", ""))


ACTIONS: dict[str, Callable[[HttpRequest, Booking], object]] = {
    "accept": lambda request, booking: services.booking_accept(request.user, booking),
    "decline": _decline,
    "cancel": _cancel,
    "extend": lambda request, booking: services.booking_extend(request.user, booking),
    "attendance": _attendance,
}


def _done_message(action: str) -> str:
    return {
        "accept": _("Accepted: the session is booked."),
        "decline": _("Declined: the credit went back to the mentee."),
        "cancel": _("Cancelled."),
        "extend": _("The mentor has 48 more hours."),
        "attendance": _("Attendance recorded. Thank you."),
    }[action]


@require_POST
@login_required
@answers_refusals(back=back_to("club:mine"))
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    booking = selectors.booking_for(request.user, booking_id)
    ACTIONS[action](request, booking)
    messages.success(request, _done_message(action))
    return redirect("club:mine")
