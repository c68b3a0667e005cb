"""Each departure check decided before decisions became entries gets its entry: the outcome,
note, flight number, officer and time the check held. Batched and re-runnable: a check that
already has an entry is left as it is. Backwards, the latest entry's note goes back on the
check."""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 500
PENDING = "belum"


def entries_from_checks(apps: Any, schema_editor: Any) -> None:
    check_model = apps.get_model("screening", "DepartureCheck")
    decision_model = apps.get_model("screening", "DepartureDecision")
    last = 0
    while True:
        batch = list(
            check_model.objects.filter(pk__gt=last)
            .exclude(outcome=PENDING)
            .order_by("pk")
            .only("pk", "outcome", "note", "flight_number", "decided_by", "decided_at", "checked_at")[
                :BATCH
            ]
        )
        if not batch:
            return
        last = batch[-1].pk
        decided = set(
            decision_model.objects.filter(departure_check__in=batch).values_list(
                "departure_check_id", flat=True
            )
        )
        decision_model.objects.bulk_create(
            [
                decision_model(
                    departure_check_id=check.pk,
                    outcome=check.outcome,
                    note=check.note,
                    flight_number=check.flight_number,
                    decided_by_id=check.decided_by_id,
                    decided_at=check.decided_at or check.checked_at,
                )
                for check in batch
                if check.pk not in decided
            ]
        )


def notes_back_on_checks(apps: Any, schema_editor: Any) -> None:
    check_model = apps.get_model("screening", "DepartureCheck")
    decision_model = apps.get_model("screening", "DepartureDecision")
    for decision in decision_model.objects.order_by("departure_check_id", "decided_at", "pk"):
        check_model.objects.filter(pk=decision.departure_check_id).update(note=decision.note)


class Migration(migrations.Migration):
    dependencies = [("screening", "0007_decision_entries_and_warning_overrides")]

    operations = [migrations.RunPython(entries_from_checks, notes_back_on_checks)]
