"""The Club's pages: the directory, a mentor's page, the booking form and My Club. Thin: they
parse, call `balik.club.services`, and render; refusals go through `answers_refusals`."""

import csv
import io
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
from balik.club.forms import (
    AttendanceForm,
    BookingForm,
    DirectoryForm,
    GrantForm,
    OfferingForm,
    PackageForm,
    SettingsForm,
)
from balik.club.health import club_health
from balik.club.models import BlockedDate, Booking, BookingStatus, Offering
from balik.club.services import SlotTaken, person_of
from balik.core.middleware import form_shows_its_own_errors
from balik.core.refusals import answers_refusals, back_to, refusal_beside
from balik.people.models import Person, Skill

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
    if total == 0 and page == 1 and (filters.text or filters.topic or filters.language):
        services.search_miss_record(
            text=filters.text,
            skill=Skill.objects.filter(slug=filters.topic).first() if filters.topic else None,
            language=filters.language,
            filters={
                "in_common": filters.in_common,
                "free_within_days": filters.free_within_days,
                "min_rating": filters.min_rating,
            },
        )
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
        "is_manager": services.is_club_manager(request.user),
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


# The Club's health, for managers.

BAR_HEIGHT = 80
BASELINE = 90
BAR_STEP = 30


def _bars(weeks: list) -> list[dict]:
    tallest = max((w.booked for w in weeks), default=0) or 1
    return [
        {
            "start": week.start,
            "count": week.booked,
            "held": week.held,
            "x": index * BAR_STEP + 4,
            "height": round(BAR_HEIGHT * week.booked / tallest, 1),
            "y": round(BASELINE - BAR_HEIGHT * week.booked / tallest, 1),
            "middle": index * BAR_STEP + 4 + (BAR_STEP - 6) / 2,
        }
        for index, week in enumerate(weeks)
    ]


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


@require_GET
@login_required
@answers_refusals
def health(request: HttpRequest) -> HttpResponse:
    services.require_club_manager(request.user)
    figures = club_health()
    context = {
        "health": figures,
        "week_bars": _bars(figures.weeks),
        "chart_width": len(figures.weeks) * BAR_STEP + 4,
        "used_percent": _percent(figures.open_hours_used),
        "no_show_percent": _percent(figures.no_show_rate),
        "in_time_percent": _percent(figures.answered_in_time),
        "today": timezone.localdate(),
    }
    return render(request, "club/health.html", context)


HEALTH_EXPORTS = ("weeks", "topics")


@require_GET
@login_required
@answers_refusals
def health_export(request: HttpRequest, what: str) -> HttpResponse:
    """The health page's weekly bookings or its topics as CSV: counts, no names."""
    services.require_club_manager(request.user)
    if what not in HEALTH_EXPORTS:
        raise Http404(_("There is no such export."))
    figures = club_health()
    out = io.StringIO()
    writer = csv.writer(out)
    if what == "weeks":
        writer.writerow(["week", "bookings", "sessions_held"])
        for week in figures.weeks:
            writer.writerow([week.start.isoformat(), week.booked, week.held])
    else:
        writer.writerow(
            [
                "topic",
                "slug",
                "mentors",
                "open_hours_a_week",
                "bookings_90_days",
                "people_who_want_to_learn",
                "searches_found_nobody_90_days",
            ]
        )
        for topic in figures.topics:
            writer.writerow(
                [
                    topic.skill,
                    topic.slug,
                    topic.mentors,
                    topic.open_hours_week,
                    topic.bookings,
                    topic.wanted,
                    topic.searches_found_nobody,
                ]
            )
        for search in figures.unmatched_searches:
            writer.writerow([search.text, "", 0, 0, 0, "", search.count])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"club-health-{what}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Packages, grants and pauses, for managers.


@require_http_methods(["GET", "POST"])
@login_required
@form_shows_its_own_errors
@answers_refusals
def packages(request: HttpRequest) -> HttpResponse:
    services.require_club_manager(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    package_form = PackageForm(request.POST if action == "create" else None)
    grant_form = GrantForm(request.POST if action == "grant" else None)
    if action == "create" and package_form.is_valid():
        with refusal_beside(package_form):
            package = services.package_create(request.user, **package_form.cleaned_data)
            messages.success(
                request, _("The package “%(name)s” is ready to give.") % {"name": package.name}
            )
            return redirect("club:packages")
    if action == "grant" and grant_form.is_valid():
        data = grant_form.cleaned_data
        with refusal_beside(grant_form):
            services.package_grant(
                request.user,
                data["package"],
                person=data.get("person") if data["target"] == "person" else None,
                department=data.get("department", "") if data["target"] == "department" else "",
            )
            messages.success(request, _("“%(name)s” is given.") % {"name": data["package"].name})
            return redirect("club:packages")
    context = {
        "uses": selectors.package_usage(),
        "pauses": list(selectors.open_pauses()),
        "package_form": package_form,
        "grant_form": grant_form,
    }
    return render(request, "club/packages.html", context)


@require_POST
@login_required
@answers_refusals(back="club:packages")
def pause_lift(request: HttpRequest, person_id: int) -> HttpResponse:
    services.require_club_manager(request.user)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    services.booking_pause_lift(request.user, person)
    messages.success(
        request,
        _("%(name)s can book Club sessions again.") % {"name": person.full_name},
    )
    return redirect("club:packages")
