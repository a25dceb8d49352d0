"""The matching schema: runs, proposed pairs, pair rules, requests.

Squashed from 0001_initial .. 0003_one_live_run_per_program: a database that applied those
has this one applied too (Django reads `replaces`). The one-off repairs of rows that existed when
a column was added are not carried: a database built from here has no such rows, and one
built before has run them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("matching", "0001_initial"),
        ("matching", "0002_initial"),
        ("matching", "0003_one_live_run_per_program"),
    ]

    dependencies = [
        ("people", "0001_squashed_0003_personskill_without_redundant_indexes"),
        ("programs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Running"),
                            ("done", "Ready to review"),
                            ("failed", "Failed"),
                            ("published", "Published"),
                            ("superseded", "Replaced by a newer run"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0)),
                ("stage", models.CharField(blank=True, max_length=40)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("heartbeat_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("participants", models.PositiveIntegerField(default=0)),
                ("objective", models.FloatField(blank=True, null=True)),
                ("upper_bound", models.FloatField(blank=True, null=True)),
                ("proven_optimal", models.BooleanField(default=False)),
                ("solver", models.CharField(blank=True, max_length=80)),
                ("seconds", models.FloatField(blank=True, null=True)),
                ("candidates", models.PositiveBigIntegerField(default=0)),
                ("unmatched", models.JSONField(blank=True, default=list)),
                ("skipped", models.JSONField(blank=True, default=list)),
                ("error", models.TextField(blank=True)),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="match_runs",
                        to="programs.program",
                    ),
                ),
                (
                    "started_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "get_latest_by": "created_at",
            },
        ),
        migrations.CreateModel(
            name="PairRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[("lock", "Locked"), ("forbid", "Forbidden")], max_length=6
                    ),
                ),
                ("broken_rules", models.JSONField(blank=True, default=list)),
                ("manual", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "mentee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pair_rules",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ProposedPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.FloatField()),
                ("components", models.JSONField(default=dict)),
                ("reasons", models.JSONField(default=list)),
                ("locked", models.BooleanField(default=False)),
                ("broken_rules", models.JSONField(blank=True, default=list)),
                (
                    "mentee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pairs",
                        to="matching.matchrun",
                    ),
                ),
            ],
            options={
                "ordering": ["-score", "pk"],
            },
        ),
        migrations.CreateModel(
            name="MatchRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the mentor"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("message", models.TextField(blank=True, verbose_name="message")),
                ("score", models.FloatField(blank=True, null=True)),
                ("reasons", models.JSONField(blank=True, default=list)),
                ("decline_reason", models.TextField(blank=True, verbose_name="reason")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "mentee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="match_requests",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("program", "mentee"),
                        name="one_pending_request_per_mentee",
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=("program",),
                name="one_live_run_per_program",
            ),
        ),
        migrations.AddConstraint(
            model_name="pairrule",
            constraint=models.UniqueConstraint(
                fields=("program", "mentor", "mentee"), name="one_rule_per_pair"
            ),
        ),
        migrations.AddConstraint(
            model_name="pairrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("mentor", models.F("mentee")), _negated=True),
                name="rule_two_people",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposedpair",
            constraint=models.UniqueConstraint(
                fields=("run", "mentor", "mentee"), name="one_proposal_per_pair"
            ),
        ),
    ]
