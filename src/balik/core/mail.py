"""Sending one e-mail, so that one that cannot be sent never stops the others.

A mail backend's `send_messages(batch)` stops at the first message that fails (a refused
address, a header the mail library refuses) and the rest of the batch is lost with it. The
outbox's worker sends each message on its own; a failure is returned, kept on the message's row
and retried (`balik.notifications.services`). Nothing else sends mail.
"""

import contextlib

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


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


def close_quietly(connection: BaseEmailBackend) -> None:
    with contextlib.suppress(Exception):  # closing a broken conversation may fail too
        connection.close()
