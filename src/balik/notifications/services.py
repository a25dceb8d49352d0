"""Creating notices (once each), delivering their e-mails (once each), reading the inbox.

A notice is written in the recipient's language when it is created. E-mails go out from the
worker (`deliver_emails`), so a slow mail server never slows a page, and a notice created while
no worker ran is sent when one starts.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from balik.accounts.models import User
from balik.notifications.models import Kind, Notification, Preference

logger = logging.getLogger(__name__)
EMAIL_BATCH = 200


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
    in the recipient's language. Returns None when it already existed.

    email_sent_by_caller: the caller e-mails it itself (with an attachment), so the worker
    must not; the notice is created already marked as e-mailed."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    in_app, email = channels(user, kind)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        title, body = render()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=user,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key[:120],
                in_app=in_app,
                wants_email=email,
                # nothing to deliver when the person wants no e-mail of this kind
                emailed_at=None if email and not email_sent_by_caller else timezone.now(),
            )
    except IntegrityError:
        return None  # another worker created it between the check and the insert


def deliver_emails(limit: int = EMAIL_BATCH) -> int:
    """Send the e-mails of notices not yet e-mailed; each is marked in the same transaction that
    claimed it, so two workers never send the same one."""
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(wants_email=True, emailed_at__isnull=True)
            .select_related("recipient")
            .order_by("pk")[:limit]
        )
        if not pending:
            return 0
        messages = []
        for notice in pending:
            link = f"\n\n{settings.BALIK_SITE_URL}{notice.url}" if notice.url else ""
            messages.append(
                EmailMessage(notice.title, f"{notice.body}{link}", to=[notice.recipient.email])
            )
        sent = get_connection().send_messages(messages) or 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    return sent


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
