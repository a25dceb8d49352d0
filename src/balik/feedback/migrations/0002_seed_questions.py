"""The built-in self-assessment questions, per kind and side, in English and Indonesian."""

from django.db import migrations

from balik.feedback.question_seed import seed_questions


def seed(apps, schema_editor):
    seed_questions(apps.get_model("feedback", "Question"))


def unseed(apps, schema_editor):
    apps.get_model("feedback", "Question").objects.filter(program=None).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
