"""Every change to accounts: roles, language, API tokens."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import (
    TOKEN_LIFETIME_DEFAULT,
    TOKEN_LIFETIME_MAX,
    ApiToken,
    User,
    hash_token,
)
from balik.core.errors import BalikError, NotFound
from balik.core.text import single_line_problem

MAX_ACTIVE_TOKENS = 20


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_in_days: int = TOKEN_LIFETIME_DEFAULT
) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise BalikError(
            _("Give the token a name, e.g. the script that will use it."), field="name"
        )
    if len(name) > 100:
        raise BalikError(_("The name can be at most 100 characters long."), field="name")
    if problem := single_line_problem(name):
        raise BalikError(problem, field="name")
    if not 1 <= expires_in_days <= TOKEN_LIFETIME_MAX:
        raise BalikError(
            _("A token lives from 1 to %(max)d days.") % {"max": TOKEN_LIFETIME_MAX},
            field="expires_in_days",
        )
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise BalikError(
            _("You already have %(count)d active tokens; revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS},
            field="name",
        )
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(secret),
        display_prefix=secret[:10],
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return IssuedToken(token=token, secret=secret)


def api_tokens_revoke_all(*, user: User) -> int:
    """A new password shuts out whoever knew the old one, and any script they set up with it."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoking is final; a person can only revoke their own tokens (others get 'not found')."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
