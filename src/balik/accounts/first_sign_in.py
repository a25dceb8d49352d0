"""First sign-in links: how someone imported without a password gets into Balik.

An invitation to a programme carries a one-time link to choose a password, made like Django's
password reset links (a timestamp and a hash of the account's password and last sign-in) with a
salt of its own, so a reset link is no first sign-in link and the reverse. Setting the password
changes the hash: the link then stops working. It also expires after `FIRST_SIGN_IN_LINK_DAYS`.
Someone who already has a password gets a plain sign-in link instead.
"""

import datetime
import enum
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from balik.accounts.models import User

FIRST_SIGN_IN_LINK_DAYS = 14


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"  # made for this account as it is, but too long ago
    USED = "used"  # made for this account before its password (or sign-in) changed
    INVALID = "invalid"  # not a link Balik made


class FirstSignInTokens(PasswordResetTokenGenerator):
    key_salt = "balik.accounts.first_sign_in"

    def _now(self) -> datetime.datetime:
        # UTC, not the server's local wall clock: a link's age must not jump at a DST change
        return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def state(self, user: User | None, token: str) -> LinkState:
        if user is None or not token:
            return LinkState.INVALID
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return LinkState.INVALID
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            # the hash covers the password and the last sign-in: once either changed, the
            # timestamp still parses but the hash no longer matches
            return LinkState.USED if ts <= self._num_seconds(self._now()) else LinkState.INVALID
        if self._num_seconds(self._now()) - ts > FIRST_SIGN_IN_LINK_DAYS * 24 * 3600:
            return LinkState.EXPIRED
        return LinkState.VALID

    def check_token(self, user: User | None, token: str | None) -> bool:
        return self.state(user, token or "") is LinkState.VALID


first_sign_in_tokens = FirstSignInTokens()


def first_sign_in_url(user: User) -> str:
    """The one-time link to choose a first password, at the site's public address."""
    path = reverse(
        "first_sign_in",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), first_sign_in_tokens.make_token(user)],
    )
    return settings.BALIK_SITE_URL + path


def sign_in_url(next_path: str = "") -> str:
    """The sign-in page, at the site's public address, going on to `next_path`."""
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    return f"{settings.BALIK_SITE_URL}{reverse('login')}{query}"


def needs_first_password(user: User) -> bool:
    return not user.has_usable_password()
