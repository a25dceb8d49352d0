"""Copy each agenda's submission time onto its session."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_down(apps, schema_editor):
    Agenda = apps.get_model("mentorships", "Agenda")
    Session = apps.get_model("mentorships", "Session")
    submitted = Agenda.objects.filter(session=OuterRef("pk")).values("submitted_at")[:1]
    Session.objects.filter(pk__in=Agenda.objects.values("session")).update(
        agenda_submitted_at=Subquery(submitted)
    )


class Migration(migrations.Migration):
    dependencies = [("mentorships", "0005_session_mean_rating")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="agenda_submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_down, migrations.RunPython.noop),
    ]
