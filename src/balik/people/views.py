"""The people pages: directory, profile, editing, org chart and the skill taxonomy.

Thin: parse, check permission, call a service or a selector, render. htmx requests get the
partial that changed; every page works without JavaScript.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from balik.core.middleware import form_shows_its_own_errors
from balik.core.refusals import answers_refusals, refusal_beside
from balik.people import selectors, services
from balik.people.forms import (
    DirectoryFilterForm,
    PersonAboutForm,
    availability_grid,
    cells_to_slots,
    parse_cells,
    ranges_to_cells,
    skill_choices,
    skill_formset,
)
from balik.people.models import AvailabilitySlot, Person, PersonSkill, Skill, SkillDirection
from balik.people.permissions import can_edit_person, get_person_for_edit, get_person_for_view

ORG_CHART_ROOTS_PER_PAGE = 50


def _wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def _render(
    request: HttpRequest,
    full: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    template = partial if _wants_partial(request) else full
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    skills = list(Skill.objects.only("id", "slug", "name_en", "name_id", "category"))
    form = DirectoryFilterForm(
        request.GET or None, departments=selectors.department_names(), skills=skills
    )
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    page = Paginator(selectors.directory_people(filters), selectors.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "filters": filters, "page": page}
    return _render(
        request, "people/directory.html", "people/partials/directory_results.html", context
    )


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    person_id = Person.objects.filter(user=request.user).values_list("pk", flat=True).first()
    if person_id is None:
        context = {
            "heading": _("You are not in the directory yet"),
            "message": _(
                "Your account is not linked to anyone in the people directory, so you have no "
                "profile to show. Ask your organisation admin to import you (by this email "
                "address: %(email)s)."
            )
            % {"email": request.user.email},
        }
        return render(request, "people/not_found.html", context, status=404)
    return redirect("people:profile", person_id=person_id)


@login_required
@require_GET
def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_view(request.user, person_id)
    context = {
        "person": person,
        "can_edit": can_edit_person(request.user, person),
        **selectors.profile_details(person, viewer=request.user),
    }
    return render(request, "people/profile.html", context)


def _edit_context(
    request: HttpRequest,
    person: Person,
    *,
    about_form: PersonAboutForm | None = None,
    skill_forms: dict[str, Any] | None = None,
    skill_errors: list[str] | None = None,
    checked_cells: set[tuple[int, int]] | None = None,
    availability_errors: list[str] | None = None,
) -> dict[str, Any]:
    hr_editable = bool(request.user.is_org_admin)
    if about_form is None:
        about_form = PersonAboutForm(person=person, can_edit_hr_fields=hr_editable)
    if skill_forms is None:
        skills = list(Skill.objects.only("id", "slug", "name_en", "name_id", "category"))
        choices = skill_choices(skills, _("Choose a skill"))
        current = list(
            PersonSkill.objects.filter(person=person).select_related("skill").order_by("-level")
        )
        skill_forms = {
            direction: skill_formset(
                direction,
                current=[item for item in current if item.direction == direction],
                choices=choices,
            )
            for direction in SkillDirection.values
        }
    if checked_cells is None:
        ranges = [
            selectors.slot_minutes(slot) for slot in AvailabilitySlot.objects.filter(person=person)
        ]
        checked_cells = ranges_to_cells(ranges)
    return {
        "person": person,
        "editing_self": person.user_id == request.user.pk,
        "hr_editable": hr_editable,
        "about_form": about_form,
        "teach_formset": skill_forms[SkillDirection.TEACH],
        "learn_formset": skill_forms[SkillDirection.LEARN],
        "skill_errors": skill_errors or [],
        "grid": availability_grid(checked_cells),
        "availability_errors": availability_errors or [],
        "zone_label": selectors.zone_label(person.timezone),
    }


def _saved(request: HttpRequest, person: Person, section: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("people:edit", args=[person.pk]) + f"#{section}")


def _every_message(errors: dict[str, list[str]]) -> list[str]:
    """The messages of a section whose inputs share one list of problems."""
    return [message for field_messages in errors.values() for message in field_messages]


@form_shows_its_own_errors
@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_edit(request.user, person_id)
    if request.method == "GET":
        return render(request, "people/edit.html", _edit_context(request, person))

    section = request.POST.get("section")
    if section == "about":
        form = PersonAboutForm(
            request.POST, person=person, can_edit_hr_fields=bool(request.user.is_org_admin)
        )
        if form.is_valid():
            with refusal_beside(form):
                services.person_update(person=person, actor=request.user, data=form.service_data())
                return _saved(request, person, "about", _("Profile saved."))
        context = _edit_context(request, person, about_form=form)
        return render(request, "people/edit.html", context, status=422)

    if section == "skills":
        skills = list(Skill.objects.only("id", "slug", "name_en", "name_id", "category"))
        choices = skill_choices(skills, _("Choose a skill"))
        formsets = {
            direction: skill_formset(direction, data=request.POST, choices=choices)
            for direction in SkillDirection.values
        }
        errors: dict[str, list[str]] = {}
        if all(formset.is_valid() for formset in formsets.values()):
            by_slug = {skill.slug: skill for skill in skills}
            with refusal_beside(errors):
                services.person_update_profile(
                    person=person,
                    actor=request.user,
                    data={},
                    can_teach=formsets[SkillDirection.TEACH].items(by_slug),
                    wants_to_learn=formsets[SkillDirection.LEARN].items(by_slug),
                )
                return _saved(request, person, "skills", _("Skills saved."))
        context = _edit_context(
            request, person, skill_forms=formsets, skill_errors=_every_message(errors)
        )
        return render(request, "people/edit.html", context, status=422)

    if section == "availability":
        cells, bad_values = parse_cells(request.POST.getlist("slots"))
        problems: dict[str, list[str]] = {}
        if bad_values:
            problems["slots"] = [
                _("Some cells could not be read (%(values)s); reload the page and try again.")
                % {"values": ", ".join(value[:20] for value in bad_values[:3])}
            ]
        else:
            with refusal_beside(problems):
                services.person_set_availability(
                    person=person, actor=request.user, slots=cells_to_slots(cells)
                )
                return _saved(request, person, "availability", _("Weekly availability saved."))
        context = _edit_context(
            request, person, checked_cells=cells, availability_errors=_every_message(problems)
        )
        return render(request, "people/edit.html", context, status=422)

    return HttpResponseBadRequest(_("Unknown section."))


@login_required
@require_GET
def org_chart(request: HttpRequest) -> HttpResponse:
    departments = selectors.department_names()
    department = request.GET.get("department", "")
    if department not in departments:
        department = ""
    parent_id = request.GET.get("parent", "")
    parent = selectors.org_chart_person(int(parent_id), department) if parent_id.isdigit() else None
    if parent_id and parent is None:
        context = {
            "heading": _("Nobody to show"),
            "message": _("There is nobody with that id in the directory (or in that department)."),
        }
        return render(request, "people/not_found.html", context, status=404)

    if parent is not None and _wants_partial(request):
        # A node was opened: its direct reports, each loading its own reports when opened.
        children = selectors.org_chart_reports([parent], department).get(parent.pk, [])
        response = render(
            request,
            "people/partials/org_children.html",
            {"nodes": children, "department": department},
        )
        patch_vary_headers(response, ("HX-Request",))
        return response

    if parent is not None:
        roots_page = None
        roots = [parent]
    else:
        roots_page = Paginator(
            selectors.org_chart_roots(department), ORG_CHART_ROOTS_PER_PAGE
        ).get_page(request.GET.get("page"))
        roots = list(roots_page.object_list)
    children = selectors.org_chart_reports(roots, department)
    tree = [{"person": root, "children": children.get(root.pk, [])} for root in roots]
    context = {
        "tree": tree,
        "parent": parent,
        "roots_page": roots_page,
        "departments": departments,
        "department": department,
    }
    response = render(request, "people/org_chart.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def skills(request: HttpRequest) -> HttpResponse:
    groups = selectors.skills_overview()
    uncategorised = next((g for g in groups if g[0] == "uncategorised"), None)
    context = {
        "groups": groups,
        "uncategorised": uncategorised[2] if uncategorised else [],
        "total": sum(len(g[2]) for g in groups),
        "show_admin_notes": bool(request.user.is_org_admin),
    }
    return render(request, "people/skills.html", context)
