"""Drop each pair's earlier and latest ratings from its rhythm: the manager must not learn how
two identifiable people rated their sessions (issue 10)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="rhythm", name="earlier_rating"),
        migrations.RemoveField(model_name="rhythm", name="latest_rating"),
    ]
