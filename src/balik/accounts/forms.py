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
    # Balik's own words, not Django's (whose Indonesian reads "nama pengguna alamat email")
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not right. Check both: capital and small "
            "letters count."
        ),
    }


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


class BalikWordsForNewPasswords:
    """One word for "password" on every page (Django's Indonesian says "sandi" where Balik
    says "kata sandi"): Balik's own labels and messages for the new-password fields."""

    error_messages = {
        "password_mismatch": _("The two passwords differ. Type the same one twice."),
        "password_incorrect": _("The current password is not right. Type it again."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        fields = self.fields  # type: ignore[attr-defined]
        labels = {
            "old_password": _("Your current password"),
            "new_password1": _("Your new password"),
            "new_password2": _("Your new password again"),
        }
        for name, label in labels.items():
            if name in fields:
                fields[name].label = label
        if "new_password2" in fields:
            fields["new_password2"].help_text = _("Type the same password again, to check it.")


class TokenRevokingSetPasswordForm(BalikWordsForNewPasswords, RevokesTokensOnSave, SetPasswordForm):
    pass


class TokenRevokingPasswordChangeForm(
    BalikWordsForNewPasswords, RevokesTokensOnSave, PasswordChangeForm
):
    pass
