"""The deadlines per urgency a referral starts with (administrators change them later): hours
to acknowledge and to name the officer handling it. Re-runnable: an urgency that has its row
keeps it as it is."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEADLINES = {
    # urgency: (acknowledge within, first action within), in hours
    "segera": (4, 24),
    "tinggi": (24, 72),
    "biasa": (72, 168),
}


def seed(apps: Any, schema_editor: Any) -> None:
    deadline_model = apps.get_model("referrals", "ReferralDeadline")
    for urgency, (acknowledge, first_action) in DEADLINES.items():
        deadline_model.objects.get_or_create(
            urgency=urgency,
            defaults={"acknowledge_hours": acknowledge, "first_action_hours": first_action},
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals_deadlines_subjects_files_events")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
