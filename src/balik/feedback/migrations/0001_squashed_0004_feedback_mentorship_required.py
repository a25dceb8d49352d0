"""The feedback schema, and the built-in self-assessment questions, per kind and side, in English
and Indonesian.

Squashed from 0001_initial .. 0004_feedback_mentorship_required: a database that applied those
has this one applied too (Django reads `replaces`). The one-off repairs of rows that existed when
a column was added are not carried: a database built from here has no such rows, and one
built before has run them.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from balik.feedback.question_seed import seed_questions


def seed(apps, schema_editor):
    seed_questions(apps.get_model("feedback", "Question"))


def unseed(apps, schema_editor):
    apps.get_model("feedback", "Question").objects.filter(program=None).delete()


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("feedback", "0001_initial"),
        ("feedback", "0002_seed_questions"),
        ("feedback", "0003_feedback_mentorship"),
        ("feedback", "0004_feedback_mentorship_required"),
    ]

    dependencies = [
        ("mentorships", "0001_squashed_0010_session_series_occurrence"),
        ("people", "0001_squashed_0003_personskill_without_redundant_indexes"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(blank=True, help_text="Empty: every kind.", max_length=10),
                ),
                (
                    "audience",
                    models.CharField(
                        help_text="mentee or mentor (in reverse mentoring the junior is the mentor)",
                        max_length=12,
                    ),
                ),
                ("competency", models.SlugField(max_length=60)),
                ("text_en", models.CharField(max_length=300)),
                ("text_id", models.CharField(max_length=300)),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "program",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "ordering": ["order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ProgramEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "satisfaction",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="satisfaction",
                    ),
                ),
                (
                    "recommend",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(10)],
                        verbose_name="would recommend (0-10)",
                    ),
                ),
                ("improve", models.TextField(blank=True, verbose_name="what to improve")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                        related_name="evaluations",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("program", "person"), name="one_evaluation_each"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("satisfaction__gte", 1),
                            ("satisfaction__lte", 5),
                            ("recommend__lte", 10),
                        ),
                        name="evaluation_in_range",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Answer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "phase",
                    models.CharField(
                        choices=[("start", "Start"), ("middle", "Middle"), ("end", "End")],
                        max_length=6,
                    ),
                ),
                (
                    "value",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ]
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                        related_name="answers",
                        to="programs.program",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="feedback.question",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["program", "question", "phase"],
                        name="feedback_an_program_802950_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("program", "person", "question", "phase"),
                        name="one_answer_per_phase",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__gte", 1), ("value__lte", 5)),
                        name="answer_1_to_5",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SessionFeedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rating",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="overall",
                    ),
                ),
                (
                    "usefulness",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="how useful it was",
                    ),
                ),
                (
                    "preparation",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="how well it was prepared",
                    ),
                ),
                (
                    "psychological_safety",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="I could speak openly and was heard",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                    "mentorship",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mentorships.mentorship",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="mentorships.session",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["created_at"], name="feedback_se_created_d9dade_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "author"), name="one_feedback_per_session"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rating__gte", 1),
                            ("rating__lte", 5),
                            ("usefulness__gte", 1),
                            ("usefulness__lte", 5),
                            ("preparation__gte", 1),
                            ("preparation__lte", 5),
                            ("psychological_safety__gte", 1),
                            ("psychological_safety__lte", 5),
                        ),
                        name="feedback_scores_1_to_5",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
