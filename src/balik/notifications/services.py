"""Writing notices (once each) into the outbox, delivering their e-mails, reading the inbox.

A notice is written in the recipient's language, in the transaction of the change that causes
it, with everything its e-mail needs (an invite's bytes too). E-mails go out from the worker
(`emails_deliver`), never from a request: a slow or absent mail server never slows or breaks a
page, and a notice written while no worker ran is sent when one starts.

Delivery is one message at a time (docs/delivery.md): a worker claims a message (state
`sending`, its name and a lease) and commits that before it talks to the mail server; it sends
the message under the row's own Message-ID, then records the outcome. A worker killed between
"accepted by the mail server" and "marked sent" leaves the message `sending`; once the lease
has run out another worker sends it again: at most one duplicate per message in flight, with
the same Message-ID. Each claim counts as an attempt, so a message that kills its worker is
given up after `EMAIL_MAX_ATTEMPTS`. A message that cannot be sent is retried after a growing
delay and never stops the others. Admins see each state in the Django admin and on the failed
deliveries page.

The outbox sits below `accounts` (whose password-reset mail goes through it), so it addresses
whatever user model is installed rather than importing accounts' own.
"""

import enum
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import ngettext

from balik.core.mail import close_quietly, failure_reason, send_one
from balik.core.text import one_line
from balik.notifications.models import (
    ALWAYS_EMAILED,
    SECRET_BODY,
    EmailStatus,
    Kind,
    Notification,
    Preference,
    new_message_id,
)

logger = logging.getLogger(__name__)
EMAIL_BATCH = 200
# Attempt n failing waits EMAIL_FIRST_RETRY * 2**(n-1): 5 min, 10 min, ... 5 h 20 min; the
# eighth failure, about ten and a half hours after the first, gives up.
EMAIL_MAX_ATTEMPTS = 8
EMAIL_FIRST_RETRY = timedelta(minutes=5)
EMAIL_ERROR_MAX = 1000

# (file name, text, MIME type), e.g. ("invite.ics", "BEGIN:VCALENDAR...", "text/calendar; ...")
Attachment = tuple[str, str, str]


def email_lease() -> timedelta:
    """How long a claimed message is left to its worker before another may take it: longer
    than one conversation with the mail server (connect and send, each up to EMAIL_TIMEOUT)."""
    return timedelta(seconds=settings.BALIK_EMAIL_LEASE_SECONDS)


def channels(user: AbstractBaseUser, kind: str) -> tuple[bool, bool]:
    """(in the inbox, by e-mail) for this person and kind: both unless they turned one off."""
    if kind in ALWAYS_EMAILED:
        return False, True
    preference = Preference.objects.filter(user=user, kind=kind).first()
    if preference is None:
        return True, True
    return preference.in_app, preference.email


@dataclass(frozen=True)
class Outgoing:
    """One notice to write: `render` gives (title, body), `attach` the attachment; both run in
    the recipient's language."""

    user: AbstractBaseUser
    kind: str
    dedupe_key: str
    render: Callable[[], tuple[str, str]]
    url: str = ""
    attach: Callable[[], Attachment] | None = None


def notify(
    user: AbstractBaseUser,
    kind: str,
    *,
    dedupe_key: str,
    render: Callable[[], tuple[str, str]],
    url: str = "",
    attach: Callable[[], Attachment] | None = None,
) -> Notification | None:
    """Write the notice unless one with this key exists; `render` gives (title, body) and runs
    in the recipient's language. Returns None when it already existed. The title, also the
    e-mail's subject, is kept on one line whatever the names in it hold.

    Call it inside the transaction of the change the notice is about: both are kept, or neither.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if Notification.objects.filter(dedupe_key=dedupe_key[:120]).exists():
        return None
    in_app, email = channels(user, kind)
    notice = _build(Outgoing(user, kind, dedupe_key, render, url, attach), in_app, email)
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        return None  # another worker created it between the check and the insert
    return notice


def notify_many(outgoing: Iterable[Outgoing]) -> int:
    """Write many notices at once (e.g. both people of every pair a publish creates): one query
    for the choices, one for the keys already used, one bulk insert. Returns how many were
    written; a key already used is skipped, as `notify` does."""
    outgoing = [one for one in outgoing]
    for one in outgoing:
        if one.kind not in Kind.values:
            raise ValueError(f"unknown notification kind {one.kind!r}")
    keys = {one.dedupe_key[:120] for one in outgoing}
    taken = set(
        Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    choices = {
        (p.user_id, p.kind): (p.in_app, p.email)
        for p in Preference.objects.filter(
            user_id__in={one.user.pk for one in outgoing},
            kind__in={one.kind for one in outgoing},
        )
    }
    rows = []
    for one in outgoing:
        key = one.dedupe_key[:120]
        if key in taken:
            continue
        taken.add(key)
        if one.kind in ALWAYS_EMAILED:
            in_app, email = False, True
        else:
            in_app, email = choices.get((one.user.pk, one.kind), (True, True))
        rows.append(_build(one, in_app, email))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _build(one: Outgoing, in_app: bool, email: bool) -> Notification:
    with translation.override(one.user.preferred_language or settings.LANGUAGE_CODE):
        title, body = one.render()
        name, text, mime_type = one.attach() if (one.attach and email) else ("", "", "")
    return Notification(
        recipient=one.user,
        kind=one.kind,
        title=one_line(str(title))[:200],
        body=str(body),
        url=one.url,
        dedupe_key=one.dedupe_key[:120],
        in_app=in_app,
        wants_email=email,
        email_status=EmailStatus.PENDING if email else EmailStatus.NOT_WANTED,
        message_id=new_message_id(),
        email_attachment_name=name,
        email_attachment=text,
        email_attachment_type=mime_type,
    )


# --- e-mail delivery --------------------------------------------------------------------------


class _Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # this message: recorded, the next one is tried
    NO_SERVER = "no_server"  # the mail server cannot be reached: recorded, the round stops
    LOST_CLAIM = "lost_claim"  # the lease ran out and another worker took the message


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is another)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def emails_deliver(
    limit: int = EMAIL_BATCH,
    *,
    worker: str | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Send up to `limit` due e-mails one at a time, each claimed and committed as `sending`
    before it is sent; returns how many were sent. `should_stop` is asked before each message
    (the worker stops between messages, never in the middle of one)."""
    worker = worker or worker_name()
    connection = get_connection()
    sent = 0
    try:
        for _ in range(limit):
            if should_stop():
                break
            notice = _claim_next(worker)
            if notice is None:
                break
            if notice.email_attempts > EMAIL_MAX_ATTEMPTS:
                _finish(notice, worker, failure=stopped_while_sending(notice.email_attempts - 1))
                continue
            outcome = _attempt(notice, worker, connection)
            if outcome is _Outcome.SENT:
                sent += 1
            elif outcome is _Outcome.NO_SERVER:
                break  # the other messages wait for the next round, untouched
    finally:
        close_quietly(connection)
    return sent


def _claim_next(worker: str) -> Notification | None:
    """Take the oldest due message: state `sending`, this worker's name, a lease, one more
    attempt; committed before anyone talks to the mail server. Two workers never hold the same
    message: the row is locked (PostgreSQL) or the write serialised (SQLite), and the update
    only succeeds while the message is still due."""
    now = timezone.now()
    with transaction.atomic():
        candidate = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .email_due(now)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        claimed = (
            Notification.objects.filter(pk=candidate)
            .email_due(now)
            .update(
                email_status=EmailStatus.SENDING,
                email_claimed_by=worker,
                email_lease_until=now + email_lease(),
                email_attempts=F("email_attempts") + 1,
                email_next_attempt_at=None,
            )
        )
    if not claimed:
        return _claim_next(worker)
    return Notification.objects.select_related("recipient").get(pk=candidate)


def _email_of(notice: Notification) -> EmailMessage:
    link = f"\n\n{settings.BALIK_SITE_URL}{notice.url}" if notice.url else ""
    # one_line again: a title stored before titles were kept on one line must not break headers
    message = EmailMessage(
        one_line(notice.title),
        f"{notice.body}{link}",
        to=[notice.recipient.email],
        headers={"Message-ID": notice.message_id},
    )
    if notice.email_attachment_name:
        message.attach(
            notice.email_attachment_name,
            notice.email_attachment.encode(),
            notice.email_attachment_type or "application/octet-stream",
        )
    return message


def _attempt(notice: Notification, worker: str, connection: BaseEmailBackend) -> _Outcome:
    """One attempt at one claimed notice's e-mail; the outcome is written on its row."""
    try:
        connection.open()  # once per round; again after a failure closed it
    except Exception as error:  # no server to talk to: recorded on this notice, never raised
        return _finish(notice, worker, failure=failure_reason(error)) or _Outcome.NO_SERVER
    problem = send_one(connection, _email_of(notice))
    if problem is not None:
        return _finish(notice, worker, failure=problem) or _Outcome.FAILED
    return _finish(notice, worker) or _Outcome.SENT


def _finish(notice: Notification, worker: str, *, failure: str | None = None) -> _Outcome | None:
    """Record the outcome of this worker's claim: sent, retrying after a delay, or failed for
    good after EMAIL_MAX_ATTEMPTS. Returns LOST_CLAIM when the claim is no longer this worker's
    (its lease ran out and another worker took the message), else None."""
    now = timezone.now()
    changes: dict = {"email_claimed_by": "", "email_lease_until": None}
    if failure is None:
        changes.update(
            email_status=EmailStatus.SENT,
            emailed_at=now,
            email_next_attempt_at=None,
            email_error="",
        )
    else:
        changes["email_error"] = failure[:EMAIL_ERROR_MAX]
        if notice.email_attempts >= EMAIL_MAX_ATTEMPTS:
            changes.update(email_status=EmailStatus.FAILED, email_next_attempt_at=None)
            logger.error(
                "gave up e-mailing notice %s after %s attempts: %s",
                notice.pk,
                notice.email_attempts,
                failure,
            )
        else:
            retry_at = now + EMAIL_FIRST_RETRY * 2 ** (notice.email_attempts - 1)
            changes.update(email_status=EmailStatus.RETRYING, email_next_attempt_at=retry_at)
            logger.warning(
                "could not e-mail notice %s (attempt %s of %s), retrying at %s: %s",
                notice.pk,
                notice.email_attempts,
                EMAIL_MAX_ATTEMPTS,
                retry_at.isoformat(),
                failure,
            )
    if notice.kind in SECRET_BODY and changes["email_status"] != EmailStatus.RETRYING:
        changes["body"] = ""  # a reset link is readable no longer than it has to be
    updated = Notification.objects.filter(
        pk=notice.pk, email_status=EmailStatus.SENDING, email_claimed_by=worker
    ).update(**changes)
    for field, value in changes.items():
        setattr(notice, field, value)
    return None if updated else _Outcome.LOST_CLAIM


def stopped_while_sending(attempts: int) -> str:
    """The reason recorded for a message whose every attempt ended with its worker stopping."""
    return (
        f"The worker stopped while sending this message, {attempts} times (killed, or the mail "
        "server never answered); given up."
    )


def email_retry(*, notices: QuerySet[Notification]) -> int:
    """Send failed e-mails again at the next delivery, with a fresh count of attempts (once the
    cause, e.g. a wrong address, is mended). A password reset whose link was already dropped
    stays as it is: the person asks for a new one."""
    retried = notices.filter(email_status__in=[EmailStatus.RETRYING, EmailStatus.FAILED])
    return retried.exclude(kind__in=SECRET_BODY, body="").update(
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
    """E-mails that failed (waiting for a retry, or given up), and those whose worker stopped
    while sending them (waiting for another worker), newest first."""
    stuck = Q(email_status=EmailStatus.SENDING, email_lease_until__lt=timezone.now())
    return (
        Notification.objects.filter(
            Q(email_status__in=[EmailStatus.RETRYING, EmailStatus.FAILED]) | stuck
        )
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def inbox(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, in_app=True)


def unread_count(user: AbstractBaseUser) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def notifications_mark_read(
    user: AbstractBaseUser, notification_ids: list[int] | None = None
) -> int:
    notices = inbox(user).filter(read_at__isnull=True)
    if notification_ids is not None:
        notices = notices.filter(pk__in=notification_ids)
    return notices.update(read_at=timezone.now())


def preferences_set(user: AbstractBaseUser, choices: dict[str, tuple[bool, bool]]) -> None:
    """choices: kind -> (in the inbox, by e-mail)."""
    unknown = set(choices) - set(Kind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    with transaction.atomic():
        for kind, (in_app, email) in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": in_app, "email": email}
            )
