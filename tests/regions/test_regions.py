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


def test_region_codes_are_read_from_memory_and_follow_changes(django_assert_num_queries):
    from benteng.regions.selectors import is_village_code, region_level

    assert region_level("36.03.07.2001") == "desa"
    with django_assert_num_queries(0):
        assert is_village_code("36.03.07.2001")
        assert not is_village_code("36.03.07")  # a kecamatan
        assert region_level("99.99") is None
    # A region added here is known at once: saving clears the copy of this process.
    Region.objects.create(code="36.03.07.2999", level="desa", name="Uji", parent_id="36.03.07")
    assert is_village_code("36.03.07.2999")
    Region.objects.filter(code="36.03.07.2999").delete()  # a queryset delete sends signals too
    assert not is_village_code("36.03.07.2999")


def test_region_codes_of_another_process_are_read_again_after_their_age(monkeypatch):
    from benteng.regions import selectors

    assert selectors.region_level("36.03.07.2001") == "desa"
    # Another process renames the level (no signal reaches this one)...
    Region.objects.filter(code="36.03.07.2001").update(level="kelurahan")
    assert selectors.region_level("36.03.07.2001") == "desa"
    # ...which this process sees once its copy is older than the maximum age.
    monkeypatch.setattr(selectors, "REGION_LEVELS_MAX_AGE", 0.0)
    assert selectors.region_level("36.03.07.2001") == "kelurahan"
