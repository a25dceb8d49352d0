"""The mentorships schema, and on PostgreSQL an exclusion constraint that refuses two overlapping
booked times of one person (issue 11).

Squashed from 0001_initial .. 0010_session_series_occurrence: a database that applied those
has this one applied too (Django reads `replaces`). The one-off repairs of rows that existed when
a column was added are not carried: a database built from here has no such rows, and one
built before has run them.

The constraint is added here, for PostgreSQL only, rather than in the model's Meta: SQLite has
no exclusion constraints (there the services' row locks and SQLite's single writer serialise
bookings), and a constraint outside the model state keeps `makemigrations --check` clean on
both. `btree_gist` lets one GiST index compare the person with `=` and the times with `&&`.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CONSTRAINT = "booked_time_no_overlap"


def add_exclusion_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("mentorships", "BookedTime")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


def drop_exclusion_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("mentorships", "BookedTime")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("mentorships", "0001_initial"),
        ("mentorships", "0002_initial"),
        ("mentorships", "0003_agreement_goal_goalupdate_session_note_learningentry_and_more"),
        ("mentorships", "0004_session_repeat"),
        ("mentorships", "0005_session_mean_rating"),
        ("mentorships", "0006_session_agenda_submitted_at"),
        ("mentorships", "0007_session_index_with_mentorship"),
        ("mentorships", "0008_remove_session_mean_rating"),
        ("mentorships", "0009_booked_time"),
        ("mentorships", "0010_session_series_occurrence"),
    ]

    dependencies = [
        ("people", "0001_squashed_0003_personskill_without_redundant_indexes"),
        ("programs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Goal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="goal")),
                (
                    "measure",
                    models.CharField(max_length=300, verbose_name="how success is measured"),
                ),
                (
                    "target",
                    models.CharField(max_length=200, verbose_name="target value or outcome"),
                ),
                ("due_date", models.DateField(verbose_name="due date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("on_track", "On track"),
                            ("at_risk", "At risk"),
                            ("done", "Done"),
                            ("dropped", "Dropped"),
                        ],
                        default="on_track",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["due_date", "pk"],
            },
        ),
        migrations.CreateModel(
            name="GoalUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=200, verbose_name="progress")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("on_track", "On track"),
                            ("at_risk", "At risk"),
                            ("done", "Done"),
                            ("dropped", "Dropped"),
                        ],
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="updates",
                        to="mentorships.goal",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Mentorship",
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
                            ("active", "Active"),
                            ("declined", "Declined"),
                            ("closed", "Closed"),
                        ],
                        default="active",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("matched", "Matched by the programme"),
                            ("manual", "Paired by the manager"),
                            ("requested", "Chosen by the mentee"),
                        ],
                        default="matched",
                        max_length=10,
                    ),
                ),
                ("score", models.FloatField(blank=True, null=True)),
                ("components", models.JSONField(blank=True, default=dict)),
                ("reasons", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decline_reason", models.TextField(blank=True, verbose_name="reason")),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
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
                    "declined_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentored_by",
                        to="people.person",
                    ),
                ),
                (
                    "mentor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentoring",
                        to="people.person",
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentorships",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="goal",
            name="mentorship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="goals",
                to="mentorships.mentorship",
            ),
        ),
        migrations.CreateModel(
            name="Agreement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("goals", models.TextField(blank=True, verbose_name="what we want to achieve")),
                (
                    "mentor_expectations",
                    models.TextField(blank=True, verbose_name="what the mentor can expect"),
                ),
                (
                    "mentee_expectations",
                    models.TextField(blank=True, verbose_name="what the mentee can expect"),
                ),
                (
                    "cadence_days",
                    models.PositiveSmallIntegerField(
                        default=14, verbose_name="days between sessions"
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        choices=[("formal", "Formal"), ("casual", "Casual")],
                        default="casual",
                        max_length=8,
                        verbose_name="format",
                    ),
                ),
                (
                    "meeting_place",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        verbose_name="where we meet (a place or a video-call link)",
                    ),
                ),
                ("confidentiality", models.TextField(blank=True, verbose_name="confidentiality")),
                ("ground_rules", models.TextField(blank=True, verbose_name="ground rules")),
                ("mentor_confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("mentee_confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "mentorship",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agreement",
                        to="mentorships.mentorship",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Reflection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reflection", models.TextField(verbose_name="looking back")),
                (
                    "goals_outcome",
                    models.TextField(blank=True, verbose_name="what came of our goals"),
                ),
                (
                    "match_again",
                    models.BooleanField(
                        default=False, verbose_name="match me again in a next round"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentorship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reflections",
                        to="mentorships.mentorship",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Session",
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
                            ("proposed", "Proposed"),
                            ("booked", "Booked"),
                            ("held", "Held"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="proposed",
                        max_length=10,
                    ),
                ),
                ("starts_at", models.DateTimeField(blank=True, null=True)),
                ("ends_at", models.DateTimeField(blank=True, null=True)),
                ("zone", models.CharField(default="Asia/Jakarta", max_length=64)),
                (
                    "leader",
                    models.CharField(
                        choices=[("mentor", "Mentor"), ("mentee", "Mentee")],
                        max_length=6,
                        verbose_name="who leads",
                    ),
                ),
                ("location", models.CharField(blank=True, max_length=300, verbose_name="where")),
                ("series_key", models.CharField(blank=True, db_index=True, max_length=40)),
                (
                    "repeat",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="Booked at the same local time.",
                        verbose_name="sessions in the series",
                    ),
                ),
                ("occurrence_start", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "series_every_days",
                    models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
                ),
                ("uid", models.CharField(max_length=80, unique=True)),
                ("sequence", models.PositiveIntegerField(default=0)),
                (
                    "attendance",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not recorded"),
                            ("held", "Held"),
                            ("mentor_absent", "No-show by the mentor"),
                            ("mentee_absent", "No-show by the mentee"),
                            ("both_absent", "No-show by both"),
                        ],
                        default="",
                        max_length=14,
                    ),
                ),
                ("cancel_reason", models.TextField(blank=True)),
                (
                    "agenda_submitted_at",
                    models.DateTimeField(blank=True, editable=False, null=True),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "cancelled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentorship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="mentorships.mentorship",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Note",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField(verbose_name="note")),
                ("private", models.BooleanField(default=False, verbose_name="only I can see it")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentorship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="mentorships.mentorship",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="LearningEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("taught", models.TextField(blank=True, verbose_name="what I taught")),
                ("learned", models.TextField(blank=True, verbose_name="what I learned")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="learning",
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="BookedTime",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="booked_times",
                        to="mentorships.session",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AgendaResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("perspective", models.TextField(blank=True, verbose_name="perspective")),
                ("resources", models.TextField(blank=True, verbose_name="resources")),
                (
                    "follow_up_questions",
                    models.TextField(blank=True, verbose_name="follow-up questions"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="response",
                        to="mentorships.session",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Agenda",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("topics", models.TextField(blank=True, verbose_name="topics")),
                (
                    "research",
                    models.TextField(blank=True, verbose_name="research done (notes and links)"),
                ),
                ("key_questions", models.TextField(blank=True, verbose_name="key questions")),
                (
                    "challenges",
                    models.TextField(blank=True, verbose_name="challenges for the other side"),
                ),
                (
                    "objectives",
                    models.TextField(
                        blank=True, verbose_name="what I want to learn in this session"
                    ),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agenda",
                        to="mentorships.session",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ActionItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="action")),
                ("due_date", models.DateField(verbose_name="due date")),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "mentorship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="mentorships.mentorship",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="actions",
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "ordering": ["done_at", "due_date", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SessionOption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="options",
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at"],
            },
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(fields=["program", "status"], name="mentorships_program_20d1f7_idx"),
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(fields=["mentor", "status"], name="mentorships_mentor__189747_idx"),
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(fields=["mentee", "status"], name="mentorships_mentee__4b4cd8_idx"),
        ),
        migrations.AddConstraint(
            model_name="mentorship",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("program", "mentor", "mentee"),
                name="one_active_mentorship_per_pair",
            ),
        ),
        migrations.AddConstraint(
            model_name="mentorship",
            constraint=models.CheckConstraint(
                condition=models.Q(("mentor", models.F("mentee")), _negated=True),
                name="mentorship_two_people",
            ),
        ),
        migrations.AddConstraint(
            model_name="reflection",
            constraint=models.UniqueConstraint(
                fields=("mentorship", "author"), name="one_reflection_each"
            ),
        ),
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                fields=["status", "starts_at", "mentorship"], name="mentorships_status_d3c052_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("starts_at__isnull", True),
                    ("ends_at__gt", models.F("starts_at")),
                    _connector="OR",
                ),
                name="session_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="learningentry",
            constraint=models.UniqueConstraint(
                fields=("session", "author"), name="one_learning_entry_each"
            ),
        ),
        migrations.AddIndex(
            model_name="bookedtime",
            index=models.Index(
                fields=["person", "starts_at"], name="mentorships_person__826352_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="bookedtime",
            constraint=models.UniqueConstraint(
                fields=("session", "person"), name="one_booked_time_each"
            ),
        ),
        migrations.AddConstraint(
            model_name="bookedtime",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                name="booked_time_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionoption",
            constraint=models.UniqueConstraint(
                fields=("session", "starts_at"), name="one_option_per_time"
            ),
        ),
        migrations.RunPython(add_exclusion_constraint, drop_exclusion_constraint),
    ]
