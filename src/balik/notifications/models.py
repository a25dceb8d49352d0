"""The in-app inbox and each person's choice of what reaches them, and how.

Every notice has a `dedupe_key`, unique: creating the same reminder twice (two workers, a
worker catching up after downtime) finds the first one instead, so nothing is sent twice.

Each notice carries its own e-mail delivery state: waiting, sent, failed and waiting for a
retry (with the reason and the time of the next attempt), or failed permanently after
`EMAIL_MAX_ATTEMPTS`. One message that cannot be sent never holds up another.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class EmailStatus(models.TextChoices):
    NOT_WANTED = "not_wanted", _("Not by e-mail")
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed permanently")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def email_due(self, now: datetime) -> "NotificationQuerySet":
        """Notices whose e-mail should be attempted now: waiting ones (unless held for the
        caller that sends them itself, until `email_next_attempt_at`), and failed ones whose
        delay has passed."""
        return self.filter(
            models.Q(email_next_attempt_at__isnull=True) | models.Q(email_next_attempt_at__lte=now),
            email_status__in=[EmailStatus.PENDING, EmailStatus.RETRYING],
        )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = SingleLineCharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    in_app = models.BooleanField(default=True)
    wants_email = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    email_error = models.TextField(
        _("why it failed"), blank=True, help_text=_("The mail server's answer at the last attempt.")
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "email_next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


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
