"""The one rule of region codes: a code lies within an area when it is the area or below it."""

from __future__ import annotations

import pytest

from benteng.regions.codes import areas_containing, code_within, codes_overlap, within_q
from benteng.regions.models import Region, RegionLevel

# (code, area, within)
CASES = [
    ("36.01", "36.01", True),
    ("36.01.01", "36.01", True),
    ("36.01.01.2001", "36.01", True),
    ("36.01.01.2001", "36", True),
    ("36.010", "36.01", False),
    ("36.01", "36.010", False),
    ("36.01", "36.01.01", False),
    ("36.02.01", "36.01", False),
    ("36", "36.01", False),
]
CASE_IDS = [f"{code} in {area}" for code, area, _ in CASES]


@pytest.mark.parametrize(("code", "area", "within"), CASES, ids=CASE_IDS)
def test_a_code_is_within_its_own_area_and_those_above_never_a_longer_sibling(code, area, within):
    assert code_within(code, area) is within


@pytest.mark.parametrize(
    ("code", "other", "overlap"),
    [
        ("36.01", "36.01", True),
        ("36.01.01", "36.01", True),
        ("36.01", "36.01.01", True),
        ("36.01", "36.010", False),
        ("36.010", "36.01", False),
        ("36.01", "36.02", False),
    ],
    ids=["same", "below", "above", "longer sibling", "shorter sibling", "apart"],
)
def test_two_codes_overlap_when_either_lies_within_the_other(code, other, overlap):
    assert codes_overlap(code, other) is overlap


def test_the_areas_containing_a_code_run_from_the_province_to_the_code_itself():
    assert areas_containing("36.01.01.2001") == ["36", "36.01", "36.01.01", "36.01.01.2001"]
    assert areas_containing("36") == ["36"]
    assert all(code_within("36.01.01.2001", area) for area in areas_containing("36.01.01.2001"))


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "area", "within"), CASES, ids=CASE_IDS)
def test_the_query_form_finds_exactly_the_codes_the_python_form_calls_within(
    reference_data, code, area, within
):
    # given: a made-up code that shares its first characters with Kabupaten Pandeglang's
    banten = Region.objects.get(code="36")
    Region.objects.create(code="36.010", level=RegionLevel.KABUPATEN, name="Uji", parent=banten)
    # when
    found = Region.objects.filter(within_q([area]), code=code).exists()
    # then
    assert found is within


@pytest.mark.django_db
def test_the_query_form_of_no_area_finds_no_row_and_several_areas_find_each(reference_data):
    assert not Region.objects.filter(within_q([])).exists()
    found = set(
        Region.objects.filter(
            within_q(["36.01.01", "36.72.01"]), level=RegionLevel.KECAMATAN
        ).values_list("code", flat=True)
    )
    assert found == {"36.01.01", "36.72.01"}


@pytest.mark.django_db
def test_the_query_form_follows_a_field_path(reference_data):
    # when: the rule asked of another model's region
    desa = Region.objects.filter(within_q(["36.01.01"], field="parent__code"))
    # then: the desa of the kecamatan, not the kecamatan itself
    assert desa.exists()
    assert all(code_within(region.code, "36.01.01") for region in desa)
    assert not desa.filter(code="36.01.01").exists()
