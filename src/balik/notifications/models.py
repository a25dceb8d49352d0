"""The in-app inbox and each person's choice of what reaches them, and how.

Every notice has a `dedupe_key`, unique: creating the same reminder twice (two workers, a
worker catching up after downtime) finds the first one instead, so nothing is sent twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    in_app = models.BooleanField(default=True)
    wants_email = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["wants_email", "emailed_at"]),
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
