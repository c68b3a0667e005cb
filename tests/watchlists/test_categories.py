"""Reason categories are a picklist per kind of list: the form offers only the kind's
categories, and a file row or a typed value outside it is refused with the reason."""

from __future__ import annotations

import csv
import io

import pytest

from benteng.watchlists.categories import categories_for
from benteng.watchlists.imports import watchlist_import_preview
from benteng.watchlists.models import WatchlistEntry, WatchlistKind
from benteng.watchlists.services import WatchlistEntryInvalid, watchlist_entry_update
from tests.conftest import verified_client
from tests.watchlists.conftest import make_entry, person_data, viewer_of

pytestmark = pytest.mark.django_db


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["nama", "kategori"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_an_import_row_with_an_unknown_category_is_a_row_error(personas, police_list):
    content = _csv(
        [
            ["Siti Rahmawati", "Perekrut lapangan (calo)"],
            ["Ujang Suryana", "  penampung  CALON pmi "],
            ["Dedi Kurniawan", "Tukang ojek"],
            ["Asep Saepudin", "Tersangka TPPO"],  # a category of another kind of list
        ]
    )
    preview = watchlist_import_preview(watchlist=police_list, filename="a.csv", content=content)
    assert [row.values["category"] for row in preview.valid_rows] == [
        "Perekrut lapangan (calo)",
        "Penampung calon PMI",
    ]
    problems = [(problem.row_number, problem.column, problem.value) for problem in preview.problems]
    assert problems == [(4, "kategori", "Tukang ojek"), (5, "kategori", "Tersangka TPPO")]
    assert "tidak dikenal untuk daftar ini" in preview.problems[0].message
    assert "Perekrut lapangan (calo)" in preview.problems[0].message


def test_the_service_refuses_an_unknown_category(personas, police_list):
    with pytest.raises(WatchlistEntryInvalid) as raised:
        make_entry(personas.analis_polri, police_list, category="Tukang ojek")
    assert "category" in raised.value.errors
    assert not WatchlistEntry.objects.exists()


def test_the_add_form_offers_the_kinds_categories_only(personas, police_list):
    client = verified_client(personas.analis_polri)
    page = client.get(f"/daftar-pantauan/{police_list.code}/tambah/").content.decode()
    assert '<select name="category"' in page
    for category in categories_for(WatchlistKind.PEREKRUT):
        assert f'<option value="{category}"' in page
    assert "Tersangka TPPO" not in page
    assert 'list="category-suggestions"' not in page


def test_the_add_form_refuses_a_category_outside_the_picklist_and_keeps_the_input(
    personas, police_list
):
    client = verified_client(personas.analis_polri)
    data = person_data(category="Tukang ojek", birth_date="14-08-1990")
    data["sharing_level"] = "hit"
    response = client.post(f"/daftar-pantauan/{police_list.code}/tambah/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "bukan kategori daftar ini" in page
    assert 'value="Siti Rahmawati"' in page
    assert not WatchlistEntry.objects.exists()


def test_an_entry_keeps_a_category_given_before_the_picklist(personas, police_list):
    entry = make_entry(personas.analis_polri, police_list)
    WatchlistEntry.objects.filter(pk=entry.pk).update(category="Calo lama")
    entry.refresh_from_db()
    # The edit form offers it, and saving another change keeps it.
    client = verified_client(personas.analis_polri)
    page = client.get(f"/daftar-pantauan/entri/{entry.pk}/ubah/").content.decode()
    assert '<option value="Calo lama" selected>' in page
    watchlist_entry_update(
        viewer=viewer_of(personas.analis_polri),
        entry=entry,
        data=person_data(category="Calo lama", contact="Unit PPA Polda Banten"),
    )
    entry.refresh_from_db()
    assert entry.category == "Calo lama"
    assert entry.contact == "Unit PPA Polda Banten"
