"""Slowing down guessing: sign-ins (with django-axes) and password reset e-mails.

Two limits guard sign-in. django-axes pauses one address after a few wrong passwords for one
account (`AXES_*` in settings). Across addresses, each account has its own count of wrong
passwords: after `BALIK_LOGIN_ACCOUNT_FREE_FAILURES` of them, from anywhere, each further
attempt must wait 2, 4, 8 … seconds after the previous one, up to
`BALIK_LOGIN_ACCOUNT_MAX_DELAY_SECONDS`. Guessing from many machines is slowed to one guess
per few minutes, while the real person, after at most that wait, can still sign in: nobody can
lock a colleague out for long. Refused attempts are not counted, so hammering during a wait does
not lengthen it; a success, or a quiet day, starts the count again.

Counts live in the database (`RateCounter`): every server process sees them.
"""

import ipaddress
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from balik.accounts.models import RateCounter

SIGN_IN_SCOPE = "sign-in"
# A count of wrong passwords for an account is forgotten after this long without another.
SIGN_IN_MEMORY = timedelta(hours=24)
# Counters untouched for this long are deleted when a new one is made.
COUNTER_MEMORY = timedelta(days=2)
KEY_LENGTH = 254


def username_for_throttle(request: HttpRequest, credentials: dict[str, str] | None) -> str | None:
    """Emails are case-insensitive, so `RINA@x.id` and `rina@x.id` count as one account."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from.

    Behind a proxy (`BALIK_BEHIND_PROXY=1`) that is the address the proxy appended to
    X-Forwarded-For: the right-most entry (with `BALIK_PROXY_COUNT` proxies in a row, the one
    that many from the right). Entries further left are whatever the client chose to send.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BALIK_BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    count = max(1, settings.BALIK_PROXY_COUNT)
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


# --- counters ---------------------------------------------------------------------------------


def _locked_counter(scope: str, key: str) -> RateCounter:
    """The counter's row, locked until the surrounding transaction ends; made if missing."""
    key = key[:KEY_LENGTH]
    counter = RateCounter.objects.select_for_update().filter(scope=scope, key=key).first()
    if counter is not None:
        return counter
    now = timezone.now()
    RateCounter.objects.filter(last_at__lt=now - COUNTER_MEMORY).delete()
    try:
        with transaction.atomic():
            return RateCounter.objects.create(
                scope=scope, key=key, count=0, window_started_at=now, last_at=now
            )
    except IntegrityError:  # another request made it between the read and the insert
        return RateCounter.objects.select_for_update().get(scope=scope, key=key)


@transaction.atomic
def rate_hit(*, scope: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one attempt in a fixed window; True while the window holds at most `limit`."""
    counter = _locked_counter(scope, key)
    now = timezone.now()
    if now - counter.window_started_at >= window:
        counter.count = 0
        counter.window_started_at = now
    counter.count += 1
    counter.last_at = now
    counter.save(update_fields=["count", "window_started_at", "last_at"])
    return counter.count <= limit


# --- sign-in across addresses -----------------------------------------------------------------


def sign_in_delay(failures: int) -> int:
    """Seconds an attempt must wait after the previous one, given the account's failures."""
    free = settings.BALIK_LOGIN_ACCOUNT_FREE_FAILURES
    if failures < free:
        return 0
    cap = settings.BALIK_LOGIN_ACCOUNT_MAX_DELAY_SECONDS
    return min(2 ** min(failures - free + 1, 32), cap)


@transaction.atomic
def sign_in_claim(*, username: str) -> int:
    """Seconds this account must still wait (the attempt is refused), or 0 (it may go ahead).

    An attempt that goes ahead takes the slot at once, so guesses sent side by side do not all
    slip through the same gap.
    """
    counter = (
        RateCounter.objects.select_for_update()
        .filter(scope=SIGN_IN_SCOPE, key=username[:KEY_LENGTH])
        .first()
    )
    if counter is None:  # no wrong password yet: nothing to write on an ordinary sign-in
        return 0
    now = timezone.now()
    if now - counter.last_at > SIGN_IN_MEMORY:
        counter.count = 0
    delay = sign_in_delay(counter.count)
    if delay:
        remaining = (counter.last_at + timedelta(seconds=delay) - now).total_seconds()
        if remaining > 0:
            return math.ceil(remaining)
        counter.last_at = now
        counter.save(update_fields=["count", "last_at"])
    return 0


@transaction.atomic
def sign_in_failed(*, username: str) -> None:
    counter = _locked_counter(SIGN_IN_SCOPE, username)
    now = timezone.now()
    if now - counter.last_at > SIGN_IN_MEMORY:
        counter.count = 0
    counter.count += 1
    counter.last_at = now
    counter.save(update_fields=["count", "last_at"])


def sign_in_succeeded(*, username: str) -> None:
    RateCounter.objects.filter(scope=SIGN_IN_SCOPE, key=username[:KEY_LENGTH]).delete()


class BalikAxesHandler(AxesDatabaseHandler):
    """django-axes' per-address lockout, plus the per-account delay across addresses."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            request.balik_refused = True
            return True
        username = get_client_username(request, credentials)
        wait = sign_in_claim(username=username) if username else 0
        if wait:
            request.balik_refused = True
            request.balik_sign_in_wait = wait
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is not None and getattr(request, "balik_sign_in_wait", 0):
            # Refused before the password was checked: no guess was made, from this address
            # or any other. Only show the wait.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        if username and not getattr(request, "balik_refused", False):
            sign_in_failed(username=username)

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        sign_in_succeeded(username=user.get_username().lower())


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page a refused sign-in gets: how long to wait, and why."""
    wait = getattr(request, "balik_sign_in_wait", 0)
    if wait:
        context = {"wait_seconds": wait, "wait_minutes": math.ceil(wait / 60)}
    else:
        cool_off = get_cool_off(request) or timedelta(0)
        wait = math.ceil(cool_off.total_seconds())
        context = {"cooloff_timedelta": cool_off}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- password reset e-mails -------------------------------------------------------------------

RESET_WINDOW = timedelta(hours=1)


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """Whether to send a reset e-mail: every request counts against the asking address (known
    account or not), and one within that limit against the account asked for."""
    if address and not rate_hit(
        scope="reset-address",
        key=address,
        limit=settings.BALIK_RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
        window=RESET_WINDOW,
    ):
        return False
    return rate_hit(
        scope="reset-account",
        key=email.strip().lower(),
        limit=settings.BALIK_RESET_EMAILS_PER_ACCOUNT_PER_HOUR,
        window=RESET_WINDOW,
    )
