"""Small views that refuse in each way a service can, routed beside the whole site (whose
pages the styled refusal links to)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path
from django.utils.translation import gettext as _

from balik.core.errors import BalikError, NotFound, PermissionRefused, ValidationFailed
from balik.core.refusals import answers_refusals, back_to, refusal_beside
from balik.site.urls import handler403, handler404  # noqa: F401 (the site's refusal pages)
from balik.site.urls import urlpatterns as site_urlpatterns


@answers_refusals
def refuses_access(request: HttpRequest) -> HttpResponse:
    raise PermissionRefused(_("Only this programme's managers can do that."))


@answers_refusals
def finds_nothing(request: HttpRequest) -> HttpResponse:
    raise NotFound(_("There is nothing at this address."))


@answers_refusals(back="refusals:landing")
def conflicts(request: HttpRequest) -> HttpResponse:
    raise BalikError(_("This programme is not open for enrolment."))


@answers_refusals
def conflicts_going_back(request: HttpRequest) -> HttpResponse:
    raise ValidationFailed({"name": ["Name is taken."], "slug": ["Slug is taken."]})


@answers_refusals(back=lambda request: f"/refusals/landing/?tab={request.GET['tab']}")
def conflicts_going_to_a_computed_address(request: HttpRequest) -> HttpResponse:
    raise BalikError(_("This programme is not open for enrolment."))


@answers_refusals(back=back_to("refusals:landing"))
def conflicts_about_an_item(request: HttpRequest, item_id: int) -> HttpResponse:
    raise BalikError(_("This programme is not open for enrolment."))


def tell_with_a_hint(request: HttpRequest, refused: BalikError) -> None:
    messages.error(request, f"Refused: {refused.message}")
    messages.info(request, "Try another day.")


@answers_refusals(back="refusals:landing", tell=tell_with_a_hint)
def conflicts_told_its_own_way(request: HttpRequest) -> HttpResponse:
    raise BalikError(_("This programme is not open for enrolment."))


@answers_refusals(back="refusals:landing", tell=tell_with_a_hint)
def refuses_access_whatever_the_telling(request: HttpRequest) -> HttpResponse:
    raise PermissionRefused(_("Only this programme's managers can do that."))


@answers_refusals
def gone(request: HttpRequest) -> HttpResponse:
    raise BalikError(_("There is nothing at this address."), status=404)


def landing(request: HttpRequest) -> HttpResponse:
    shown = " | ".join(str(message) for message in messages.get_messages(request))
    return HttpResponse(shown)


class NameForm(forms.Form):
    name = forms.CharField()
    slug = forms.CharField()


PAGE = engines["django"].from_string("{{ form.as_div }}")


@answers_refusals
def form_page(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            if form.cleaned_data["name"] == "taken":
                raise ValidationFailed({"name": ["That name is taken."]})
            if form.cleaned_data["name"] == "closed":
                raise BalikError(_("This programme is not open for enrolment."))
            if form.cleaned_data["name"] == "secret":
                raise PermissionRefused(_("Only this programme's managers can do that."))
            return redirect("refusals:landing")
    return HttpResponse(PAGE.render({"form": form}, request), status=422 if form.errors else 200)


@answers_refusals
def own_inputs_page(request: HttpRequest) -> HttpResponse:
    """A page that lays out its own inputs and shows a dict of field -> messages beside them."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        with refusal_beside(errors):
            name = request.POST.get("name", "")
            if name == "taken":
                raise ValidationFailed({"name": ["That name is taken."]})
            if name == "long":
                raise BalikError(_("Use at most 1,000 characters."), field="name")
            if name == "closed":
                raise BalikError(_("This programme is not open for enrolment."))
            return redirect("refusals:landing")
    return JsonResponse({"errors": errors, "kept": request.POST.get("name")}, status=422)


refusal_patterns = (
    [
        path("access/", refuses_access),
        path("missing/", finds_nothing),
        path("conflict/", conflicts),
        path("conflict-back/", conflicts_going_back),
        path("conflict-computed/", conflicts_going_to_a_computed_address),
        path("items/<int:item_id>/conflict/", conflicts_about_an_item),
        path("conflict-told/", conflicts_told_its_own_way),
        path("access-told/", refuses_access_whatever_the_telling),
        path("gone/", gone),
        path("landing/", landing, name="landing"),
        path("form/", form_page),
        path("own-inputs/", own_inputs_page),
    ],
    "refusals",
)

urlpatterns = [path("refusals/", include(refusal_patterns)), *site_urlpatterns]
