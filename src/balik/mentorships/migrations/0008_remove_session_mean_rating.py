"""Drop each session's mean rating: no rule about a pair may rest on how the two rated their
sessions (feedback is anonymous, issue 10), and nothing else read it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0007_session_index_with_mentorship"),
        # that migration fills the column: it must run while the column is there
        ("feedback", "0003_feedback_mentorship"),
    ]

    operations = [
        migrations.RemoveField(model_name="session", name="mean_rating"),
    ]
