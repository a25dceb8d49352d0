"""Load the shipped skill taxonomy (src/balik/people/data/skills.json)."""

from django.db import migrations

from balik.people.skill_seed import seed_skills


def load_skills(apps, schema_editor):
    seed_skills(apps.get_model("people", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(load_skills, migrations.RunPython.noop)]
