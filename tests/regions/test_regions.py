from __future__ import annotations

import pytest

from benteng.regions.models import Region
from benteng.regions.selectors import region_counts_by_level, region_get, region_search
from benteng.regions.services import regions_load_reference

pytestmark = pytest.mark.django_db


def test_counts_per_level_match_the_source_note():
    # The figures of benteng/data/wilayah_banten.SOURCE.md.
    assert region_counts_by_level() == {
        "provinsi": 1,
        "kabupaten": 4,
        "kota": 4,
        "kecamatan": 155,
        "kelurahan": 314,
        "desa": 1238,
    }


@pytest.mark.parametrize(
    ("code", "kecamatan", "desa", "kelurahan"),
    [
        ("36.01", 35, 326, 13),
        ("36.02", 28, 340, 5),
        ("36.03", 29, 246, 28),
        ("36.04", 29, 326, 0),
        ("36.71", 13, 0, 104),
        ("36.72", 8, 0, 43),
        ("36.73", 6, 0, 67),
        ("36.74", 7, 0, 54),
    ],
)
def test_counts_per_kabupaten_kota_match_the_source_note(code, kecamatan, desa, kelurahan):
    below = Region.objects.within(code)
    assert below.filter(level="kecamatan").count() == kecamatan
    assert below.filter(level="desa").count() == desa
    assert below.filter(level="kelurahan").count() == kelurahan


def test_lookup_by_code_and_parent_chain():
    desa = region_get(code="36.03.07.2001")
    assert desa is not None
    assert desa.is_village
    assert [r.code for r in desa.ancestors()] == ["36", "36.03", "36.03.07"]
    assert desa.label_with_parents().endswith("Kronjo, Kabupaten Tangerang")
    assert region_get(code="99.99") is None


def test_search_by_name_tolerates_case_and_spacing():
    spaced = {r.code for r in region_search(text="suka jaya", levels=("desa", "kelurahan"))}
    joined = {r.code for r in region_search(text="SUKAJAYA", levels=("desa", "kelurahan"))}
    assert spaced
    assert spaced == joined
    assert region_search(text="   ") == []


def test_loading_again_changes_nothing():
    result = regions_load_reference()
    assert (result.created, result.updated) == (0, 0)


def test_centroids_are_loaded_for_every_region():
    assert not Region.objects.filter(latitude__isnull=True).exists()
