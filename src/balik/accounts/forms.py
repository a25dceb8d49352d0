from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from balik.accounts.models import User


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


class ActivatingPasswordResetForm(PasswordResetForm):
    """Imported people have no password yet; "forgot password" is how they choose their first.

    Django's form skips accounts with an unusable password, which would lock them out for good.
    """

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """The link goes to the site's public address, whatever host the request named."""
        context = {**context, "site_url": settings.BALIK_SITE_URL}
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
