"""Decisions stored on departure checks before decisions became entries are carried into
``DepartureDecision`` by migration 0008, once, however often it runs."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from benteng.screening.models import DepartureDecision

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("screening", "0007_decision_entries_and_warning_overrides")]


def _latest() -> list[tuple[str, str]]:
    """Every app at its newest migration (the screening app has merged branches)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_stored_departure_decisions_become_entries_once(reference_data, personas):
    # given: the schema before the move, a decided check with its note and a pending one
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    check_model = old_apps.get_model("screening", "DepartureCheck")
    office_model = old_apps.get_model("accounts", "Office")
    office = office_model.objects.get(code="tpi-bandara-soekarno-hatta")
    decided_at = timezone.now() - datetime.timedelta(days=3)
    values = {"office": office, "full_name": "Siti Rohmah", "passport_no": "C1234567"}
    decided = check_model.objects.create(
        reference="MIG-D-1",
        outcome="tunda",
        note="Tanpa tiket pulang.",
        flight_number="GA840",
        decided_by_id=personas.petugas_tpi.pk,
        decided_at=decided_at,
        **values,
    )
    check_model.objects.create(reference="MIG-D-2", **values)
    # when: the data migration runs, and runs again
    executor = MigrationExecutor(connection)
    executor.migrate([("screening", "0008_departure_decisions_from_checks")])
    migration = importlib.import_module(
        "benteng.screening.migrations.0008_departure_decisions_from_checks"
    )
    state_apps = executor.loader.project_state(
        [("screening", "0008_departure_decisions_from_checks")]
    ).apps
    migration.entries_from_checks(state_apps, None)
    executor = MigrationExecutor(connection)
    executor.migrate(_latest())
    # then: one entry for the decided check, with its note, officer and time; none for the other
    [entry] = DepartureDecision.objects.all()
    assert entry.departure_check_id == decided.pk
    assert (entry.outcome, entry.note, entry.flight_number) == (
        "tunda",
        "Tanpa tiket pulang.",
        "GA840",
    )
    assert entry.decided_by_id == personas.petugas_tpi.pk
    assert entry.decided_at == decided_at
