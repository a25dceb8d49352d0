"""Each person's booked times, one row per person per booked session, and on PostgreSQL an
exclusion constraint that refuses two overlapping rows of one person (issue 11).

The constraint is added here, for PostgreSQL only, rather than in the model's Meta: SQLite has
no exclusion constraints (there the services' row locks and SQLite's single writer serialise
bookings), and a constraint outside the model state keeps `makemigrations --check` clean on
both. `btree_gist` lets one GiST index compare the person with `=` and the times with `&&`.

Sessions booked before this migration are filled in, oldest booking first. Where one person
was already double-booked (the bug this fixes), the later booking's overlapping row is left
out instead of failing the migration: those sessions stay booked and visible to the check.
"""

import django.db.models.deletion
from django.db import migrations, models

CONSTRAINT = "booked_time_no_overlap"
BATCH = 2000


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


def fill_booked_times(apps, schema_editor):
    Session = apps.get_model("mentorships", "Session")
    BookedTime = apps.get_model("mentorships", "BookedTime")
    booked = (
        Session.objects.filter(status="booked", starts_at__isnull=False, ends_at__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "starts_at", "ends_at", "mentorship__mentor_id", "mentorship__mentee_id")
    )
    rows = []
    for session_id, starts_at, ends_at, mentor_id, mentee_id in booked.iterator(chunk_size=BATCH):
        rows += [
            BookedTime(
                person_id=person_id, session_id=session_id, starts_at=starts_at, ends_at=ends_at
            )
            for person_id in (mentor_id, mentee_id)
        ]
        if len(rows) >= BATCH:
            BookedTime.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    BookedTime.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0008_remove_session_mean_rating"),
        ("people", "0003_personskill_without_redundant_indexes"),
    ]

    operations = [
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        db_index=False,
                        to="people.person",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="booked_times",
                        db_index=False,
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["person", "starts_at"], name="mentorships_person__826352_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "person"), name="one_booked_time_each"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="booked_time_ends_after_start",
                    ),
                ],
            },
        ),
        migrations.RunPython(add_exclusion_constraint, drop_exclusion_constraint),
        migrations.RunPython(fill_booked_times, migrations.RunPython.noop),
    ]
