"""The people schema, and the shipped skill taxonomy (src/balik/people/data/skills.json).

Squashed from 0001_initial .. 0003_personskill_without_redundant_indexes: a database that
applied those has this one applied too (Django reads `replaces`).
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from balik.people.skill_seed import seed_skills


def load_skills(apps, schema_editor):
    seed_skills(apps.get_model("people", "Skill"))


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("people", "0001_initial"),
        ("people", "0002_seed_skills"),
        ("people", "0003_personskill_without_redundant_indexes"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Skill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80, unique=True, verbose_name="slug")),
                ("name_en", models.CharField(max_length=120, verbose_name="English name")),
                ("name_id", models.CharField(max_length=120, verbose_name="Indonesian name")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("digital_social", "Digital & social media"),
                            ("data_ai", "Data & AI"),
                            ("technology", "Technology"),
                            ("leadership_strategy", "Leadership & strategy"),
                            ("inclusion_diversity", "Inclusion & diversity"),
                            ("communication", "Communication"),
                            ("business", "Business"),
                            ("uncategorised", "Uncategorised"),
                        ],
                        default="uncategorised",
                        max_length=32,
                        verbose_name="category",
                    ),
                ),
                (
                    "aliases",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Other names people use for it.",
                        verbose_name="aliases",
                    ),
                ),
            ],
            options={
                "verbose_name": "skill",
                "verbose_name_plural": "skills",
                "ordering": ["name_en"],
            },
        ),
        migrations.CreateModel(
            name="PeopleImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=255)),
                ("content", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("applied_at", models.DateTimeField(blank=True, null=True)),
                ("summary", models.JSONField(blank=True, default=dict)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "full_name",
                    models.CharField(db_index=True, max_length=200, verbose_name="full name"),
                ),
                (
                    "job_title",
                    models.CharField(blank=True, max_length=200, verbose_name="job title"),
                ),
                (
                    "department",
                    models.CharField(
                        blank=True, db_index=True, max_length=120, verbose_name="department"
                    ),
                ),
                (
                    "seniority_level",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="1 = entry level, 10 = top executive.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="seniority level",
                    ),
                ),
                ("hire_date", models.DateField(blank=True, null=True, verbose_name="hire date")),
                (
                    "birth_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Never shown; only the generation band is.",
                        null=True,
                        verbose_name="birth year",
                    ),
                ),
                ("languages", models.JSONField(blank=True, default=list, verbose_name="languages")),
                (
                    "timezone",
                    models.CharField(
                        default="Asia/Jakarta", max_length=64, verbose_name="time zone"
                    ),
                ),
                ("bio", models.TextField(blank=True, verbose_name="bio")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "manager",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reports",
                        to="people.person",
                        verbose_name="manager",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="person",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "person",
                "verbose_name_plural": "people",
                "ordering": ["full_name"],
            },
        ),
        migrations.CreateModel(
            name="AvailabilitySlot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        verbose_name="day",
                    ),
                ),
                ("start_time", models.TimeField(verbose_name="from")),
                ("end_time", models.TimeField(verbose_name="until")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="availability",
                        to="people.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "availability",
                "verbose_name_plural": "availability",
                "ordering": ["weekday", "start_time"],
            },
        ),
        migrations.CreateModel(
            name="PersonSkill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[("teach", "Can teach"), ("learn", "Wants to learn")], max_length=8
                    ),
                ),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Basic"), (2, "Good"), (3, "Expert")],
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(3),
                        ],
                        verbose_name="level",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="skills",
                        to="people.person",
                    ),
                ),
                (
                    "skill",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="holders",
                        to="people.skill",
                    ),
                ),
            ],
            options={
                "verbose_name": "person skill",
                "verbose_name_plural": "person skills",
            },
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("seniority_level__gte", 1), ("seniority_level__lte", 10)),
                name="person_seniority_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("manager", models.F("id")), _negated=True),
                name="person_not_own_manager",
            ),
        ),
        migrations.AddConstraint(
            model_name="availabilityslot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("start_time__lt", models.F("end_time")), ("end_time", "00:00"), _connector="OR"
                ),
                name="availability_starts_before_it_ends",
            ),
        ),
        migrations.AddConstraint(
            model_name="availabilityslot",
            constraint=models.CheckConstraint(
                condition=models.Q(("weekday__gte", 0), ("weekday__lte", 6)),
                name="availability_weekday_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="personskill",
            index=models.Index(
                fields=["skill", "direction"], name="people_pers_skill_i_9ea0f3_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="personskill",
            constraint=models.UniqueConstraint(
                fields=("person", "skill", "direction"), name="person_skill_once_per_direction"
            ),
        ),
        migrations.AddConstraint(
            model_name="personskill",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__gte", 1), ("level__lte", 3)),
                name="person_skill_level_in_range",
            ),
        ),
        migrations.RunPython(load_skills, migrations.RunPython.noop),
    ]
