"""Sending e-mails one at a time, so that one that cannot be sent never stops the others.

A mail backend's `send_messages(batch)` stops at the first message that fails (a refused
address, a header the mail library refuses) and the rest of the batch is lost with it. Here each
message is sent on its own; a failure is returned (or logged) and the next message still goes.
Notices keep their failures on their rows and are retried (`balik.notifications.services`).
"""

import contextlib
import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


def failure_reason(error: BaseException) -> str:
    """What went wrong, as an admin reads it: the exception's type and the server's answer."""
    return f"{type(error).__name__}: {error}"


def send_one(connection: BaseEmailBackend, message: EmailMessage) -> str | None:
    """Send `message` on `connection` (opened if it is not); None when sent, else the reason.

    Every exception is caught: whatever fails belongs to this message alone. A conversation that
    failed is closed, so that the next message starts a fresh one."""
    try:
        connection.open()
        if not connection.send_messages([message]):
            return "the mail backend accepted nothing"
    except Exception as error:  # any failure is this message's: returned, never raised
        close_quietly(connection)
        return failure_reason(error)
    return None


def send_each(messages: Iterable[EmailMessage]) -> int:
    """Send each message on its own on one connection; a failure is logged and the next message
    still goes. Returns how many were sent."""
    connection = get_connection()
    sent = 0
    try:
        for message in messages:
            problem = send_one(connection, message)
            if problem is None:
                sent += 1
            else:
                logger.warning("could not e-mail %s: %s", ", ".join(message.to), problem)
    finally:
        close_quietly(connection)
    return sent


def close_quietly(connection: BaseEmailBackend) -> None:
    with contextlib.suppress(Exception):  # closing a broken conversation may fail too
        connection.close()
