"""The notifications schema: notices with their e-mail outbox state, preferences.

Squashed from 0001_initial .. 0005_outbox_delivery: a database that applied those
has this one applied too (Django reads `replaces`). The one-off repairs of rows that existed when
a column was added are not carried: a database built from here has no such rows, and one
built before has run them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import balik.notifications.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("notifications", "0001_initial"),
        ("notifications", "0002_nudge"),
        ("notifications", "0003_feedback_due"),
        ("notifications", "0004_email_delivery_state"),
        ("notifications", "0005_outbox_delivery"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("matched", "You were matched"),
                            ("session_proposed", "Session times proposed"),
                            ("session_booked", "Session booked"),
                            ("session_changed", "Session moved"),
                            ("session_cancelled", "Session cancelled"),
                            ("agenda_due", "Agenda due soon"),
                            ("agenda_submitted", "Agenda submitted"),
                            ("agenda_missing", "Agenda missing at the deadline"),
                            ("action_due", "Action item due"),
                            ("goal_update_due", "Goal update due"),
                            ("nudge", "A message from your programme manager"),
                            ("feedback_due", "Feedback on a session"),
                            ("match_requested", "A mentee asked for you"),
                            ("request_answered", "Your mentor request was answered"),
                            ("match_declined", "A match was declined"),
                            ("password_reset", "Password reset"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True)),
                ("url", models.CharField(blank=True, max_length=300)),
                ("dedupe_key", models.CharField(max_length=120, unique=True)),
                ("in_app", models.BooleanField(default=True)),
                ("wants_email", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                (
                    "email_status",
                    models.CharField(
                        choices=[
                            ("not_wanted", "Not by e-mail"),
                            ("pending", "Waiting to be sent"),
                            ("sending", "Being sent"),
                            ("sent", "Sent"),
                            ("retrying", "Failed, will retry"),
                            ("failed", "Failed permanently"),
                        ],
                        default="pending",
                        max_length=12,
                        verbose_name="e-mail",
                    ),
                ),
                (
                    "emailed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="e-mailed at"),
                ),
                (
                    "email_attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
                ),
                (
                    "email_next_attempt_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
                ),
                (
                    "email_error",
                    models.TextField(
                        blank=True,
                        help_text="The mail server's answer at the last attempt.",
                        verbose_name="why it failed",
                    ),
                ),
                (
                    "message_id",
                    models.CharField(
                        default=balik.notifications.models.new_message_id,
                        help_text="The same at every attempt: a copy sent twice is recognisably one message.",
                        max_length=100,
                        verbose_name="Message-ID",
                    ),
                ),
                (
                    "email_claimed_by",
                    models.CharField(blank=True, max_length=100, verbose_name="being sent by"),
                ),
                (
                    "email_lease_until",
                    models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
                ),
                ("email_attachment_name", models.CharField(blank=True, max_length=100)),
                ("email_attachment_type", models.CharField(blank=True, max_length=100)),
                (
                    "email_attachment",
                    models.TextField(
                        blank=True,
                        help_text="Rendered when the notice is written, e.g. a calendar invite.",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "notice",
                "verbose_name_plural": "notices",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["recipient", "read_at"], name="notificatio_recipie_564b1f_idx"
                    ),
                    models.Index(
                        fields=["email_status", "email_next_attempt_at"],
                        name="notificatio_email_s_81472d_idx",
                    ),
                    models.Index(
                        fields=["email_status", "email_lease_until"],
                        name="notificatio_email_s_b2d783_idx",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Preference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("matched", "You were matched"),
                            ("session_proposed", "Session times proposed"),
                            ("session_booked", "Session booked"),
                            ("session_changed", "Session moved"),
                            ("session_cancelled", "Session cancelled"),
                            ("agenda_due", "Agenda due soon"),
                            ("agenda_submitted", "Agenda submitted"),
                            ("agenda_missing", "Agenda missing at the deadline"),
                            ("action_due", "Action item due"),
                            ("goal_update_due", "Goal update due"),
                            ("nudge", "A message from your programme manager"),
                            ("feedback_due", "Feedback on a session"),
                            ("match_requested", "A mentee asked for you"),
                            ("request_answered", "Your mentor request was answered"),
                            ("match_declined", "A match was declined"),
                            ("password_reset", "Password reset"),
                        ],
                        max_length=20,
                    ),
                ),
                ("email", models.BooleanField(default=True, verbose_name="by e-mail")),
                ("in_app", models.BooleanField(default=True, verbose_name="in the inbox")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "kind"), name="one_preference_per_kind")
                ],
            },
        ),
    ]
