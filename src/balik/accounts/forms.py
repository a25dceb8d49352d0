import uuid
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from balik.accounts import services
from balik.accounts.models import TOKEN_LIFETIME_CHOICES, TOKEN_LIFETIME_DEFAULT, User
from balik.notifications.models import Kind
from balik.notifications.services import notify


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. “HR sync script”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=[
            (str(days), ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in TOKEN_LIFETIME_CHOICES
        ],
        coerce=int,
        required=False,
        empty_value=TOKEN_LIFETIME_DEFAULT,
        initial=str(TOKEN_LIFETIME_DEFAULT),
        help_text=_("After that it stops working; create a new one then."),
    )


class ActivatingPasswordResetForm(PasswordResetForm):
    """Imported people have no password yet; "forgot password" is how they choose their first.

    Django's form skips accounts with an unusable password, which would lock them out for good.
    """

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Written to the outbox (always e-mailed, never in the inbox; the worker sends it, and
        drops the link once sent). The link goes to the site's public address, whatever host the
        request named; the text is in the account's language."""
        context = {**context, "site_url": settings.BALIK_SITE_URL}

        def render() -> tuple[str, str]:
            return (
                loader.render_to_string(subject_template_name, context),
                loader.render_to_string(email_template_name, context),
            )

        user = context["user"]
        notify(
            user,
            Kind.PASSWORD_RESET,
            dedupe_key=f"password_reset:{user.pk}:{uuid.uuid4().hex}",
            render=render,
        )


class RevokesTokensOnSave:
    """A new password, by reset link or by change, shuts out whoever knew the old one,
    scripts holding API tokens included."""

    def save(self, commit: bool = True) -> User:
        with transaction.atomic():
            user = super().save(commit=commit)  # type: ignore[misc]
            if commit:
                services.api_tokens_revoke_all(user=user)
        return user


class TokenRevokingSetPasswordForm(RevokesTokensOnSave, SetPasswordForm):
    pass


class TokenRevokingPasswordChangeForm(RevokesTokensOnSave, PasswordChangeForm):
    pass
