from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mentorships", "0004_session_repeat")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="mean_rating",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
    ]
