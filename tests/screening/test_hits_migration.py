"""The screening results stored before hits became rows get theirs from migration 0015, once
however often it runs, without the entries deleted since; so the owner of an entry reads the
records that hit it before the migration too."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from benteng.access.viewer import Viewer
from benteng.screening.models import PassportApplication, ScreeningHit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

WATCHLISTS = ("watchlists", "0004_indexes_without_like_copies")
BEFORE = [("screening", "0014_screening_result_rescreened_after_correction"), WATCHLISTS]
HITS = [("screening", "0015_screening_hits_by_entry"), WATCHLISTS]


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_stored_hits_become_rows_once_and_show_the_record_to_the_owner(reference_data):
    # given: before the rows, an application at Kanim Tangerang that hit an entry of a list
    # Polres Lebak keeps, and an entry since deleted; one result without hits
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    office = old.get_model("accounts", "Office")
    lebak = office.objects.get(code="polres-lebak")
    watchlist = old.get_model("watchlists", "Watchlist").objects.create(
        code="polres-lebak-perekrut",
        name="Terduga perekrut (Polres Lebak)",
        kind="perekrut",
        owner_agency=lebak.agency,
        owner_office=lebak,
    )
    entry = old.get_model("watchlists", "WatchlistEntry").objects.create(
        watchlist=watchlist,
        owner_office=lebak,
        full_name="Siti Rohmah",
        category="Perekrut lapangan (calo)",
        legal_basis="UU No. 21 Tahun 2007",
        instruction="Hubungi Polres Lebak.",
    )
    application = old.get_model("screening", "PassportApplication").objects.create(
        reference="MIG-A-1",
        office=office.objects.get(code="kanim-tangerang"),
        full_name="Siti Rohmah",
        purpose="wisata",
        destination_country="MY",
        police_visible=True,
    )
    result_model = old.get_model("screening", "ScreeningResult")
    hit = result_model.objects.create(
        application=application,
        risk_score=60,
        risk_band="tinggi",
        hits=[
            {"entry_id": entry.pk, "score": 1.0, "matched_on": "person"},
            {"entry_id": entry.pk + 1000, "score": 1.0, "matched_on": "person"},
        ],
    )
    result_model.objects.create(application=application, risk_score=0, risk_band="rendah")
    # when: the migration runs, and its data step again
    executor = MigrationExecutor(connection)
    executor.migrate(HITS)
    migration = importlib.import_module("benteng.screening.migrations.0015_screening_hits_by_entry")
    migration.hits_from_results(executor.loader.project_state(HITS).apps, None)
    executor = MigrationExecutor(connection)
    executor.migrate(_latest())
    # then: one row, for the entry that is still there
    assert list(ScreeningHit.objects.values_list("result_id", "entry_id")) == [(hit.pk, entry.pk)]
    # and Polres Lebak reads the application screened outside its area
    viewer = Viewer.for_user(make_user("penyidik-lebak", "penyidik", "polres-lebak"))
    assert PassportApplication.objects.visible_to(viewer).filter(pk=application.pk).exists()
