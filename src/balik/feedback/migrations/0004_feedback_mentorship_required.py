import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0003: PostgreSQL cannot alter a table with the copy's checks still pending."""

    dependencies = [("feedback", "0003_feedback_mentorship")]

    operations = [
        migrations.AlterField(
            model_name="sessionfeedback",
            name="mentorship",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="mentorships.mentorship",
            ),
        ),
    ]
