from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from balik.accounts import services, throttle
from balik.accounts.first_sign_in import FIRST_SIGN_IN_LINK_DAYS, first_sign_in_tokens
from balik.accounts.forms import (
    ActivatingPasswordResetForm,
    ApiTokenForm,
    TokenRevokingSetPasswordForm,
)
from balik.accounts.models import ApiToken
from balik.core.middleware import form_shows_its_own_errors
from balik.core.refusals import answers_refusals, back_to, refusal_beside


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switcher (a cookie) plus the signed-in person's saved choice."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


@form_shows_its_own_errors
@login_required
@answers_refusals
def tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        with refusal_beside(form):
            issued = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
            new_secret = issued.secret
            form = ApiTokenForm()
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    user_tokens = ApiToken.objects.filter(user=request.user)
    status = 422 if form.errors else 200
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": user_tokens, "new_secret": new_secret},
        status=status,
    )


@login_required
@require_POST
@answers_refusals(back=back_to("tokens"))
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the number of e-mails limited per account and per address.

    A refused request gets the same answer as a granted one: the page tells nobody whether an
    account exists, nor that someone is flooding it.
    """

    form_class = ActivatingPasswordResetForm

    def form_valid(self, form: ActivatingPasswordResetForm) -> HttpResponse:
        if not throttle.password_reset_allowed(
            address=throttle.client_address(self.request), email=form.cleaned_data["email"]
        ):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class FirstSignInView(auth_views.PasswordResetConfirmView):
    """The invitation's one-time link: choose a first password, then arrive home signed in.

    A link used already, or expired, says which, and how to get in anyway."""

    form_class = TokenRevokingSetPasswordForm
    token_generator = first_sign_in_tokens
    template_name = "registration/first_sign_in.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            token = self.kwargs.get("token", "")
            if token == self.reset_url_token:
                token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
            context["link_state"] = first_sign_in_tokens.state(self.user, token).value
            context["link_days"] = FIRST_SIGN_IN_LINK_DAYS
        return context

    def form_valid(self, form: TokenRevokingSetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome to Balik."))
        return response
