"""Creating notices (once each), delivering their e-mails (once each), reading the inbox.

A notice is written in the recipient's language when it is created. E-mails go out from the
worker (`deliver_emails`), so a slow mail server never slows a page, and a notice created while
no worker ran is sent when one starts.

Delivery is one message at a time: each is claimed under a row lock (two workers never send the
same one), sent, and marked in its own transaction, so a crash after message k resends none of
1..k. A message that cannot be sent (a refused address, a header the mail library refuses, a
server that is down) is marked failed with the reason, tried again after a growing delay, and
given up after `EMAIL_MAX_ATTEMPTS`; it never stops the others. Admins see each state in the
Django admin and on the failed deliveries page.
"""

import enum
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import ngettext

from balik.accounts.models import User
from balik.core.mail import close_quietly, failure_reason, send_one
from balik.core.text import one_line
from balik.notifications.models import EmailStatus, Kind, Notification, Preference

logger = logging.getLogger(__name__)
EMAIL_BATCH = 200
# Attempt n failing waits EMAIL_FIRST_RETRY * 2**(n-1): 5 min, 10 min, ... 5 h 20 min; the
# eighth failure, about ten and a half hours after the first, gives up.
EMAIL_MAX_ATTEMPTS = 8
EMAIL_FIRST_RETRY = timedelta(minutes=5)
# How long the worker leaves a notice to the caller that sends it itself (with an attachment);
# past that, the caller is taken to have died and the worker sends it plainly.
EMAIL_CALLER_GRACE = timedelta(minutes=10)
EMAIL_ERROR_MAX = 1000


def channels(user: User, kind: str) -> tuple[bool, bool]:
    """(in the inbox, by e-mail) for this person and kind: both unless they turned one off."""
    preference = Preference.objects.filter(user=user, kind=kind).first()
    if preference is None:
        return True, True
    return preference.in_app, preference.email


def notify(
    user: User,
    kind: str,
    dedupe_key: str,
    render: Callable[[], tuple[str, str]],
    url: str = "",
    *,
    email_sent_by_caller: bool = False,
) -> Notification | None:
    """Create the notice unless one with this key exists; `render` gives (title, body) and runs
    in the recipient's language. Returns None when it already existed. The title, also the
    e-mail's subject, is kept on one line whatever the names in it hold.

    email_sent_by_caller: the caller e-mails it itself at once (with an attachment) through
    `deliver_email_now`; the worker leaves it alone for EMAIL_CALLER_GRACE, then sends it
    plainly should the caller have died before sending."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    in_app, email = channels(user, kind)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        title, body = render()
    held_for_caller = email and email_sent_by_caller
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=user,
                kind=kind,
                title=one_line(str(title))[:200],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key[:120],
                in_app=in_app,
                wants_email=email,
                email_status=EmailStatus.PENDING if email else EmailStatus.NOT_WANTED,
                email_next_attempt_at=timezone.now() + EMAIL_CALLER_GRACE
                if held_for_caller
                else None,
            )
    except IntegrityError:
        return None  # another worker created it between the check and the insert


# --- e-mail delivery --------------------------------------------------------------------------


class _Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # this message: recorded, the next one is tried
    NO_SERVER = "no_server"  # the mail server cannot be reached: recorded, the round stops


def deliver_emails(limit: int = EMAIL_BATCH) -> int:
    """Send up to `limit` due e-mails (new notices, and failed ones whose delay has passed),
    one message at a time; returns how many were sent."""
    connection = get_connection()
    sent = 0
    try:
        for _ in range(limit):
            with transaction.atomic():
                notice = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .email_due(timezone.now())
                    .select_related("recipient")
                    .order_by("pk")
                    .first()
                )
                if notice is None:
                    break
                outcome = _attempt(notice, _email_of(notice), connection)
            if outcome is _Outcome.SENT:
                sent += 1
            elif outcome is _Outcome.NO_SERVER:
                break  # the other messages wait for the next round, untouched
    finally:
        close_quietly(connection)
    return sent


def deliver_email_now(notice: Notification, message: EmailMessage) -> bool:
    """Send `notice`'s e-mail now as the caller's own `message` (e.g. with an invite attached),
    claimed and recorded as the worker does. False when it was not sent: a worker holds it, it
    is no longer waiting, or it failed (recorded, and the worker tries again later)."""
    connection = get_connection()
    try:
        with transaction.atomic():
            claimed = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=notice.pk, email_status=EmailStatus.PENDING)
                .first()
            )
            if claimed is None:
                return False
            return _attempt(claimed, message, connection) is _Outcome.SENT
    finally:
        close_quietly(connection)


def _email_of(notice: Notification) -> EmailMessage:
    link = f"\n\n{settings.BALIK_SITE_URL}{notice.url}" if notice.url else ""
    # one_line again: a title stored before titles were kept on one line must not break headers
    return EmailMessage(one_line(notice.title), f"{notice.body}{link}", to=[notice.recipient.email])


def _attempt(notice: Notification, message: EmailMessage, connection: BaseEmailBackend) -> _Outcome:
    """One attempt at one claimed notice's e-mail; the outcome is written on its row."""
    try:
        connection.open()  # once per round; again after a failure closed it
    except Exception as error:  # no server to talk to: recorded on this notice, never raised
        _record_failure(notice, failure_reason(error))
        return _Outcome.NO_SERVER
    problem = send_one(connection, message)
    if problem is not None:
        _record_failure(notice, problem)
        return _Outcome.FAILED
    notice.email_status = EmailStatus.SENT
    notice.emailed_at = timezone.now()
    notice.email_attempts += 1
    notice.email_next_attempt_at = None
    notice.email_error = ""
    notice.save(
        update_fields=[
            "email_status",
            "emailed_at",
            "email_attempts",
            "email_next_attempt_at",
            "email_error",
        ]
    )
    return _Outcome.SENT


def _record_failure(notice: Notification, reason: str) -> None:
    notice.email_attempts += 1
    notice.email_error = reason[:EMAIL_ERROR_MAX]
    if notice.email_attempts >= EMAIL_MAX_ATTEMPTS:
        notice.email_status = EmailStatus.FAILED
        notice.email_next_attempt_at = None
        logger.error(
            "gave up e-mailing notice %s after %s attempts: %s",
            notice.pk,
            notice.email_attempts,
            notice.email_error,
        )
    else:
        notice.email_status = EmailStatus.RETRYING
        notice.email_next_attempt_at = timezone.now() + EMAIL_FIRST_RETRY * 2 ** (
            notice.email_attempts - 1
        )
        logger.warning(
            "could not e-mail notice %s (attempt %s of %s), retrying at %s: %s",
            notice.pk,
            notice.email_attempts,
            EMAIL_MAX_ATTEMPTS,
            notice.email_next_attempt_at.isoformat(),
            notice.email_error,
        )
    notice.save(
        update_fields=["email_status", "email_attempts", "email_next_attempt_at", "email_error"]
    )


def email_retry(*, notices: QuerySet[Notification]) -> int:
    """Send failed e-mails again at the next delivery, with a fresh count of attempts (once the
    cause, e.g. a wrong address, is mended)."""
    return notices.filter(email_status__in=[EmailStatus.RETRYING, EmailStatus.FAILED]).update(
        email_status=EmailStatus.PENDING, email_attempts=0, email_next_attempt_at=None
    )


def email_retry_sentence(count: int) -> str:
    """What a manager is told after asking for `count` e-mails to be sent again."""
    return ngettext(
        "%(count)d e-mail will be sent again at the next delivery.",
        "%(count)d e-mails will be sent again at the next delivery.",
        count,
    ) % {"count": count}


def failed_emails() -> QuerySet[Notification]:
    """E-mails that failed (waiting for a retry, or given up), newest first."""
    return (
        Notification.objects.filter(email_status__in=[EmailStatus.RETRYING, EmailStatus.FAILED])
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def inbox(user: User):
    return Notification.objects.filter(recipient=user, in_app=True)


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    notices = inbox(user).filter(read_at__isnull=True)
    if notification_ids is not None:
        notices = notices.filter(pk__in=notification_ids)
    return notices.update(read_at=timezone.now())


def set_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """choices: kind -> (in the inbox, by e-mail)."""
    unknown = set(choices) - set(Kind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    with transaction.atomic():
        for kind, (in_app, email) in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": in_app, "email": email}
            )
