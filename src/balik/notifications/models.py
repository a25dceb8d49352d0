"""The outbox and the in-app inbox, and each person's choice of what reaches them, and how.

Every outbound message is a `Notification` row, written in the same transaction as the change
that causes it. Every notice has a `dedupe_key`, unique: creating the same reminder twice (two
workers, a worker catching up after downtime) finds the first one instead.

Each notice carries its own e-mail delivery state (docs/delivery.md): pending, sending (claimed
by one worker until its lease ends), sent, retrying (with the reason and the time of the next
attempt), or failed with the reason after `EMAIL_MAX_ATTEMPTS`; and its own Message-ID, the same
at every attempt, so a copy sent twice is recognisably the same message.

A notice is written in every language Balik speaks (`texts`), so it is read, and e-mailed, in
the language its recipient has when it is read or sent, not the one they had when it was
written; `title` and `body` hold the recipient's language at writing (and are all that notices
written before `texts` have).
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from balik.core.fields import SingleLineCharField


class Kind(models.TextChoices):
    MATCHED = "matched", _("You were matched")
    SESSION_PROPOSED = "session_proposed", _("Session times proposed")
    SESSION_BOOKED = "session_booked", _("Session booked")
    SESSION_CHANGED = "session_changed", _("Session moved")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    AGENDA_DUE = "agenda_due", _("Agenda due soon")
    AGENDA_SUBMITTED = "agenda_submitted", _("Agenda submitted")
    AGENDA_MISSING = "agenda_missing", _("Agenda missing at the deadline")
    ACTION_DUE = "action_due", _("Action item due")
    GOAL_UPDATE_DUE = "goal_update_due", _("Goal update due")
    NUDGE = "nudge", _("A message from your programme manager")
    FEEDBACK_DUE = "feedback_due", _("Feedback on a session")
    MATCH_REQUESTED = "match_requested", _("A mentee asked for you")
    REQUEST_ANSWERED = "request_answered", _("Your mentor request was answered")
    MATCH_DECLINED = "match_declined", _("A match was declined")
    PASSWORD_RESET = "password_reset", _("Password reset")
    INVITATION = "invitation", _("Invitation to a programme")
    FIRST_SIGN_IN = "first_sign_in", _("Invitation with a first sign-in link")


# Always e-mailed, never in the inbox, whatever the person chose: without it nobody gets in
# (a first sign-in link goes to someone who cannot open the inbox yet).
ALWAYS_EMAILED = frozenset({Kind.PASSWORD_RESET, Kind.FIRST_SIGN_IN})
# Whose text is a secret for a short time: dropped once the e-mail is sent or given up.
SECRET_BODY = frozenset({Kind.PASSWORD_RESET, Kind.FIRST_SIGN_IN})


class EmailStatus(models.TextChoices):
    NOT_WANTED = "not_wanted", _("Not by e-mail")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed permanently")


def new_message_id() -> str:
    """The e-mail's Message-ID, chosen once when the notice is written (RFC 5322 form)."""
    return f"<{uuid.uuid4().hex}@balik>"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def email_due(self, now: datetime) -> "NotificationQuerySet":
        """Notices whose e-mail should be attempted now: waiting ones, failed ones whose delay
        has passed, and ones left `sending` by a worker that stopped before its lease ended."""
        return self.filter(
            models.Q(
                models.Q(email_next_attempt_at__isnull=True)
                | models.Q(email_next_attempt_at__lte=now),
                email_status__in=[EmailStatus.PENDING, EmailStatus.RETRYING],
            )
            | models.Q(email_status=EmailStatus.SENDING, email_lease_until__lt=now)
        )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = SingleLineCharField(max_length=200)
    body = models.TextField(blank=True)
    # language code -> [title, body], one entry per language of settings.LANGUAGES
    texts = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    in_app = models.BooleanField(default=True)
    wants_email = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    email_error = models.TextField(
        _("why it failed"), blank=True, help_text=_("The mail server's answer at the last attempt.")
    )
    message_id = models.CharField(
        _("Message-ID"),
        max_length=100,
        default=new_message_id,
        help_text=_("The same at every attempt: a copy sent twice is recognisably one message."),
    )
    email_claimed_by = models.CharField(_("being sent by"), max_length=100, blank=True)
    email_lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    email_attachment_name = models.CharField(max_length=100, blank=True)
    email_attachment_type = models.CharField(max_length=100, blank=True)
    email_attachment = models.TextField(
        blank=True, help_text=_("Rendered when the notice is written, e.g. a calendar invite.")
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "email_next_attempt_at"]),
            models.Index(fields=["email_status", "email_lease_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language` (default: the active one), when the notice has it."""
        text = (self.texts or {}).get(language or get_language() or "")
        if isinstance(text, list) and len(text) == 2:
            return text[0], text[1]
        return self.title, self.body

    @property
    def shown_title(self) -> str:
        return self.text_in()[0]

    @property
    def shown_body(self) -> str:
        return self.text_in()[1]


class Preference(models.Model):
    """One row per person and kind they changed; no row means both channels on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the inbox"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: email={self.email} inbox={self.in_app}"
