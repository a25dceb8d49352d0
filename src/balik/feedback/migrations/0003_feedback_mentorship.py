"""Copy each feedback's mentorship onto it, and each session's mean rating onto the session."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Avg, FloatField, OuterRef, Subquery


def copy_down(apps, schema_editor):
    SessionFeedback = apps.get_model("feedback", "SessionFeedback")
    Session = apps.get_model("mentorships", "Session")
    SessionFeedback.objects.update(
        mentorship=Subquery(
            Session.objects.filter(pk=OuterRef("session_id")).values("mentorship_id")[:1]
        )
    )
    means = (
        SessionFeedback.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(mean=Avg("rating"))
        .values("mean")
    )
    Session.objects.filter(pk__in=SessionFeedback.objects.values("session")).update(
        mean_rating=Subquery(means, output_field=FloatField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_seed_questions"),
        ("mentorships", "0005_session_mean_rating"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionfeedback",
            name="mentorship",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentorships.mentorship",
            ),
        ),
        migrations.RunPython(copy_down, migrations.RunPython.noop),
    ]
