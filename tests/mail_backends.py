"""Mail servers that misbehave, for the tests of delivery. Each keeps Django's local-memory
outbox (`django.core.mail.outbox`) and, like it, renders every message, so a bad header fails
here as it would on a real server."""

import smtplib

from django.core.mail.backends import locmem

REFUSED = "refused"


class RefusingBackend(locmem.EmailBackend):
    """Refuses every recipient whose address starts with "refused", as a server refuses an
    unknown mailbox; delivers the rest."""

    def send_messages(self, messages):
        for message in messages:
            refused = [address for address in message.recipients() if address.startswith(REFUSED)]
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 No such mailbox") for address in refused}
                )
        return super().send_messages(messages)


class WorkerKilled(BaseException):
    """Stands for the worker's process dying (a kill, a power cut): nothing catches it."""


class DyingBackend(locmem.EmailBackend):
    """Delivers `survives` messages, then the process dies while sending the next one."""

    survives = 2
    delivered = 0

    def send_messages(self, messages):
        for message in messages:
            if DyingBackend.delivered >= DyingBackend.survives:
                raise WorkerKilled
            super().send_messages([message])
            DyingBackend.delivered += 1
        return len(messages)
