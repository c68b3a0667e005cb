"""The officer's note lives in the decision entries only (copied there by 0008)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("screening", "0008_departure_decisions_from_checks")]

    operations = [migrations.RemoveField(model_name="departurecheck", name="note")]
