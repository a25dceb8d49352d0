"""Programme pages: list, create from a template, overview, settings, status, participants,
enrolment. Thin: forms type the input, services decide, templates show."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from balik.core.refusals import answers_refusals, refusal_beside
from balik.people.importing import UnreadableFile, check_upload_size
from balik.people.models import Person, Skill
from balik.people.selectors import department_names
from balik.programs import hooks, selectors, services
from balik.programs.catalog import TEMPLATES, TEMPLATES_BY_SLUG, readiness_questions
from balik.programs.checklist import manager_checklist
from balik.programs.forms import (
    EnrolCsvForm,
    EnrolmentForm,
    EnrolPeopleForm,
    EnrolSearchForm,
    ProgramSettingsForm,
    ProgramSetupForm,
    template_kind,
)
from balik.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
)
from balik.programs.web import managed_program, program_or_404


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = (
        services.visible_programs(request.user)
        .annotate(
            enrolled=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE), distinct=True
            )
        )
        .order_by("-created_at")
    )
    mine = set(
        Enrolment.objects.filter(
            person__user=request.user, status=EnrolmentStatus.ACTIVE
        ).values_list("program_id", flat=True)
    )
    return render(
        request,
        "programs/list.html",
        {
            "programs": programs,
            "mine": mine,
            "can_create": services.can_create_programs(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def program_create(request: HttpRequest) -> HttpResponse:
    """First the templates (each card a link), then the guided set-up for the one chosen."""
    if not services.can_create_programs(request.user):
        raise PermissionDenied(
            _("Only organisation admins and programme managers create programmes.")
        )
    choice = request.POST.get("template") or request.GET.get("template") or ""
    form = ProgramSetupForm(request.POST or None, initial={"template": choice})
    known = choice in dict(form.fields["template"].choices)
    if request.method == "GET" and not known:
        return render(
            request,
            "programs/create.html",
            {
                "templates": TEMPLATES,
                "blanks": [(f"blank-{kind}", label) for kind, label in ProgramKind.choices],
            },
        )
    kind, template = template_kind(choice) if known else (ProgramKind.CLASSIC, None)
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            program = services.program_set_up(
                request.user,
                name=form.cleaned_data["name"],
                kind=kind,
                template=template,
                slug=form.cleaned_data["slug"] or None,
                settings=form.settings(),
                invite=form.cleaned_data["invite"],
                invite_role=form.cleaned_data["invite_role"],
            )
            messages.success(
                request,
                _("Programme created and open for enrolment. The checklist shows what is left."),
            )
            return redirect("programs:detail", program.slug)
    return render(
        request,
        "programs/setup.html",
        {
            "form": form,
            "template": TEMPLATES_BY_SLUG.get(template or ""),
            "kind_label": ProgramKind(kind).label,
        },
    )


@login_required
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_or_404(slug)
    if not services.can_see_program(request.user, program):
        raise PermissionDenied(_("This programme is not open to you."))
    manager = services.can_manage(request.user, program)
    my_enrolment = (
        Enrolment.objects.filter(program=program, person__user=request.user)
        .select_related("person")
        .first()
    )
    counts = dict(
        program.enrolments.filter(status=EnrolmentStatus.ACTIVE)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    # what the apps above add: the viewer's mentorships, requests, the pairs, the latest run
    parts = hooks.page_context(program, my_enrolment.person if my_enrolment else None)
    context = {
        "program": program,
        "manager": manager,
        "checklist": manager_checklist(
            program,
            counts=counts,
            latest_run=parts["latest_run"],
            active_pairs=parts["active_pairs"],
        )
        if manager
        else [],
        "my_enrolment": my_enrolment,
        "counts": counts,
        "enrolled": sum(counts.values()),
        **parts,
        # an active programme is matched again from the matching page, not by stepping back
        "next_statuses": [
            status
            for status in (program.next_statuses() if manager else ())
            if not (program.status == ProgramStatus.ACTIVE and status == ProgramStatus.MATCHING)
        ],
        # shared with people by mail or chat: the site's public address, not this request's host
        "join_url": settings.BALIK_SITE_URL
        + reverse("programs:join", args=[program.enrolment_token]),
        "export_tables": [
            ("pairs", _("pairs")),
            ("sessions", _("sessions")),
            ("feedback", _("feedback")),
            ("outcomes", _("outcomes")),
            ("outcome-answers", _("self-assessment answers (coded)")),
        ],
    }
    return render(request, "programs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    form = ProgramSettingsForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            with transaction.atomic():
                services.program_update(request.user, program, **form.changes())
                services.program_set_managers(
                    request.user, program, users=form.cleaned_data["managers"]
                )
            messages.success(request, _("Settings saved."))
            return redirect("programs:detail", program.slug)
    return render(request, "programs/settings.html", {"program": program, "form": form})


@login_required
@require_POST
@answers_refusals(back="programs:detail")
def program_status(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    services.program_change_status(request.user, program, status=request.POST.get("status", ""))
    messages.success(
        request,
        _("The programme is now %(status)s.") % {"status": program.get_status_display()},
    )
    return redirect("programs:detail", program.slug)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals(back="programs:participants")
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    program = managed_program(request, slug)
    csv_form = EnrolCsvForm()
    csv_report = None
    if request.method == "POST" and request.POST.get("action") == "csv":
        csv_form = EnrolCsvForm(request.POST, request.FILES)
        if csv_form.is_valid():
            uploaded = csv_form.cleaned_data["file"]
            try:
                check_upload_size(uploaded.size, command="balik enroll")
            except UnreadableFile as too_large:
                csv_report = services.EnrolReport(errors=[too_large.error.as_dict()])
            else:
                csv_report = services.enrolments_import_csv(
                    request.user, program, content=uploaded.read()
                )
            if not csv_report.errors:
                messages.success(
                    request,
                    _("%(new)d enrolled, %(updated)d updated.")
                    % {"new": csv_report.enrolled, "updated": csv_report.updated},
                )
                return redirect("programs:participants", program.slug)
    elif request.method == "POST" and request.POST.get("action") == "withdraw":
        enrolment = Enrolment.objects.filter(
            program=program, pk=request.POST.get("enrolment")
        ).first()
        if enrolment is None:
            messages.error(request, _("That enrolment no longer exists."))
        else:
            services.enrolment_withdraw(request.user, enrolment)
            messages.success(
                request, _("%(name)s was withdrawn.") % {"name": enrolment.person.full_name}
            )
        return redirect("programs:participants", program.slug)
    enrolments = (
        program.enrolments.select_related("person")
        .prefetch_related("give_skills", "get_skills")
        .order_by("status", "role", "person__full_name")
    )
    return render(
        request,
        "programs/participants.html",
        {
            "program": program,
            "enrolments": enrolments,
            "csv_form": csv_form,
            "csv_report": csv_report,
        },
    )


def _enrolment_initial(enrolment: Enrolment | None, person: Person, program: Program) -> dict:
    if enrolment is not None:
        initial = {
            "role": enrolment.role,
            "goals": enrolment.goals,
            "give_skills": list(enrolment.give_skills.all()),
            "get_skills": list(enrolment.get_skills.all()),
            "capacity": enrolment.capacity,
            "prefer": list(enrolment.prefer.all()),
            "avoid": list(enrolment.avoid.all()),
        }
        initial.update({f"readiness_{k}": v for k, v in (enrolment.readiness or {}).items()})
        return initial
    skills = list(person.skills.select_related("skill"))
    return {
        "give_skills": [s.skill for s in skills if s.direction == "teach"],
        "get_skills": [s.skill for s in skills if s.direction == "learn"],
        "capacity": program.default_capacity,
    }


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_or_404(slug)
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise PermissionDenied(_("You need a profile in the directory to enrol."))
    existing = Enrolment.objects.filter(program=program, person=person).first()
    manager = services.can_manage(request.user, program)
    if not (program.enrolment_open and program.status == "enrolling") and not (manager or existing):
        raise PermissionDenied(_("This programme is not open for enrolment."))
    form = EnrolmentForm(
        request.POST or None,
        program=program,
        person=person,
        initial=_enrolment_initial(existing, person, program),
    )
    if request.method == "POST" and form.is_valid():
        data = services.EnrolmentData(
            role=form.cleaned_data["role"],
            goals=form.cleaned_data["goals"],
            give_skills=list(form.cleaned_data["give_skills"]),
            get_skills=list(form.cleaned_data["get_skills"]),
            capacity=form.cleaned_data["capacity"],
            prefer=list(form.cleaned_data["prefer"]),
            avoid=list(form.cleaned_data["avoid"]),
            readiness=form.readiness(),
        )
        with refusal_beside(form):
            services.enrolment_add(request.user, program, person=person, data=data)
            messages.success(request, _("You are enrolled. The programme manager will match you."))
            return redirect("programs:detail", program.slug)
    labels = dict(EnrolmentRole.choices)
    questions_by_role, shown = [], set()
    for role in services.allowed_roles(program):
        keys = [key for key, _q, _k in readiness_questions(program.kind, role) if key not in shown]
        shown.update(keys)
        if keys:
            questions_by_role.append((labels[role], [form[f"readiness_{key}"] for key in keys]))
    return render(
        request,
        "programs/enrol.html",
        {
            "program": program,
            "form": form,
            "existing": existing,
            "questions_by_role": questions_by_role,
        },
    )


@login_required
@require_POST
@answers_refusals(back="programs:detail")
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_or_404(slug)
    enrolment = (
        Enrolment.objects.filter(program=program, person__user=request.user)
        .select_related("person")
        .first()
    )
    if enrolment is None:
        raise Http404(_("You are not enrolled in this programme."))
    services.enrolment_withdraw(request.user, enrolment)
    messages.success(request, _("You have withdrawn from the programme."))
    return redirect("programs:detail", program.slug)


@login_required
@answers_refusals
def join(request: HttpRequest, token: str) -> HttpResponse:
    program = services.self_enrolment_program(token)
    return redirect("programs:enrol", program.slug)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def enrol_people(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager finds people to enrol: the directory's filters and where people stand in
    programmes; enrols those ticked, or, after confirming the count, everyone who matches (the
    filters travel in the address, so "everyone" is decided by the server, not the page)."""
    program = managed_program(request, slug)
    skills = list(Skill.objects.only("id", "slug", "name_en", "name_id", "category"))
    search = EnrolSearchForm(request.GET or None, departments=department_names(), skills=skills)
    if search.is_bound:
        search.is_valid()
    matching = selectors.enrolment_candidates(
        program, search.filters(), search.in_programme_choice()
    )
    pick = EnrolPeopleForm(program=program, initial={"role": services.allowed_roles(program)[-1]})
    confirm = None
    if request.method == "POST":
        pick = EnrolPeopleForm(request.POST, program=program)
        if pick.is_valid():
            everyone = pick.cleaned_data["scope"] == EnrolPeopleForm.ALL
            people = (
                selectors.not_yet_enrolled(program, matching)
                if everyone
                else pick.cleaned_data["people"]
            )
            if everyone and not pick.cleaned_data["confirm"]:
                confirm = {
                    "count": people.count(),
                    "role": dict(pick.fields["role"].choices)[pick.cleaned_data["role"]],
                }
            else:
                with refusal_beside(pick):
                    count = services.enrolments_add_people(
                        request.user, program, people=people, role=pick.cleaned_data["role"]
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(n)d person enrolled; they receive an invitation by e-mail.",
                            "%(n)d people enrolled; each receives an invitation by e-mail.",
                            count,
                        )
                        % {"n": count},
                    )
                    return redirect(request.get_full_path())
    page = Paginator(
        selectors.with_enrolment_state(program, matching), selectors.ENROL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    labels = dict(EnrolmentRole.choices)
    for person in page.object_list:
        person.role_here_label = labels.get(person.role_here, "")
    picked = {int(pk) for pk in request.POST.getlist("people") if pk.isdigit()}
    return render(
        request,
        "programs/enrol_people.html",
        {
            "program": program,
            "search": search,
            "pick": pick,
            "page": page,
            "confirm": confirm,
            "picked": picked,
            "addable": (
                selectors.not_yet_enrolled(program, matching).count()
                if program.enrolment_changeable
                else 0
            ),
        },
        status=422 if pick.errors else 200,
    )
