"""The insights schema: the tallies the health page sums.

Squashed from 0001_initial .. 0002_remove_rhythm_ratings: a database that applied those
has this one applied too (Django reads `replaces`).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("insights", "0001_initial"),
        ("insights", "0002_remove_rhythm_ratings"),
    ]

    dependencies = [
        ("mentorships", "0001_squashed_0010_session_series_occurrence"),
        ("people", "0001_squashed_0003_personskill_without_redundant_indexes"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Rhythm",
            fields=[
                (
                    "mentorship",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rhythm",
                        serialize=False,
                        to="mentorships.mentorship",
                    ),
                ),
                ("settled_at", models.DateTimeField()),
                ("preparation_hours", models.PositiveSmallIntegerField()),
                ("pending_from", models.DateTimeField(blank=True, null=True)),
                ("held", models.PositiveIntegerField(default=0)),
                ("started", models.PositiveIntegerField(default=0)),
                ("prepared", models.PositiveIntegerField(default=0)),
                ("last_meeting", models.DateTimeField(blank=True, null=True)),
                ("unprepared_run", models.PositiveSmallIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="CompetencyTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("competency", models.SlugField(max_length=60)),
                ("audience", models.CharField(blank=True, max_length=12)),
                ("start_sum", models.PositiveIntegerField(default=0)),
                ("start_count", models.PositiveIntegerField(default=0)),
                ("end_sum", models.PositiveIntegerField(default=0)),
                ("end_count", models.PositiveIntegerField(default=0)),
                (
                    "person",
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
                        related_name="+",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["program", "audience"], name="insights_co_program_135fea_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("program", "person", "competency", "audience"),
                        name="one_tally_per_competency",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedbackTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answers", models.PositiveIntegerField(default=0)),
                ("commented", models.PositiveIntegerField(default=0)),
                ("rating_sum", models.PositiveIntegerField(default=0)),
                ("usefulness_sum", models.PositiveIntegerField(default=0)),
                ("preparation_sum", models.PositiveIntegerField(default=0)),
                ("psychological_safety_sum", models.PositiveIntegerField(default=0)),
                ("rated_1", models.PositiveIntegerField(default=0)),
                ("rated_2", models.PositiveIntegerField(default=0)),
                ("rated_3", models.PositiveIntegerField(default=0)),
                ("rated_4", models.PositiveIntegerField(default=0)),
                ("rated_5", models.PositiveIntegerField(default=0)),
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
                        related_name="+",
                        to="mentorships.mentorship",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mentorship", "author"), name="one_tally_per_author"
                    )
                ],
            },
        ),
    ]
