"""A person's mentorships, and one mentorship's page (who, why, the role guide, declining)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balik.core.errors import BalikError, ValidationFailed
from balik.matching import services as matching_services
from balik.matching.explain import Explainer
from balik.mentorships.models import Mentorship
from balik.programs.services import can_manage


def _visible_mentorship(request: HttpRequest, mentorship_id: int) -> tuple[Mentorship, str]:
    """The mentorship and the viewer's side: "mentor", "mentee" or "manager"; 404 otherwise."""
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user", "declined_by")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        raise Http404(_("There is no such mentorship."))
    if mentorship.mentor.user_id == request.user.pk:
        return mentorship, "mentor"
    if mentorship.mentee.user_id == request.user.pk:
        return mentorship, "mentee"
    if can_manage(request.user, mentorship.program):
        return mentorship, "manager"
    raise PermissionDenied(_("Only the people in this mentorship and its managers can see it."))


@login_required
@require_GET
def mentorship_list(request: HttpRequest) -> HttpResponse:
    mentorships = (
        Mentorship.objects.filter(Q(mentor__user=request.user) | Q(mentee__user=request.user))
        .select_related("program", "mentor", "mentee")
        .order_by("status", "-created_at")
    )
    return render(request, "mentorships/list.html", {"mentorships": mentorships})


@login_required
@require_GET
def detail(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship, side = _visible_mentorship(request, mentorship_id)
    explainer = Explainer(mentorship.reasons)
    partner = mentorship.mentee if side == "mentor" else mentorship.mentor
    program = mentorship.program
    guide = program.mentor_guide if side == "mentor" else program.mentee_guide
    return render(
        request,
        "mentorships/detail.html",
        {
            "mentorship": mentorship,
            "side": side,
            "partner": partner,
            "guide": guide if side != "manager" else "",
            "reasons": [explainer.render(fact) for fact in mentorship.reasons],
        },
    )


@login_required
@require_POST
def decline(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship, side = _visible_mentorship(request, mentorship_id)
    if side == "manager":
        raise PermissionDenied(_("Only the two people in a match can decline it."))
    try:
        matching_services.decline(request.user, mentorship, request.POST.get("reason", ""))
    except ValidationFailed as failure:
        for field_messages in failure.errors.values():
            for message in field_messages:
                messages.error(request, message)
    except BalikError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request, _("You declined the match. The programme manager will find you a new one.")
        )
    return redirect("mentorships:detail", mentorship.pk)
