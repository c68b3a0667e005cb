"""From the border back to the village: one rule for one record, the same rule as queries."""

from __future__ import annotations

import pytest

from benteng.screening.models import PassportApplication
from benteng.villages.origins import (
    OriginBasis,
    from_desa,
    from_kecamatan_without_desa,
    origin_of,
)
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

KRONJO_DESA = "36.03.07.2001"
KRONJO = "36.03.07"
NIK_FROM_KRONJO = "3603075204960001"  # a woman born 12-04-1996, registered in Kronjo


@pytest.mark.parametrize(
    ("region_code", "nik", "expected"),
    [
        (KRONJO_DESA, NIK_FROM_KRONJO, (KRONJO_DESA, OriginBasis.ADDRESS, KRONJO_DESA)),
        (KRONJO, NIK_FROM_KRONJO, (KRONJO, OriginBasis.NIK, None)),
        (None, NIK_FROM_KRONJO, (KRONJO, OriginBasis.NIK, None)),
        (None, "", (None, OriginBasis.NONE, None)),
        (None, "12345", (None, OriginBasis.NONE, None)),
    ],
    ids=["desa-known", "kecamatan-stored-from-nik", "only-nik", "neither", "nik-unreadable"],
)
def test_a_record_is_traced_to_its_desa_else_the_kecamatan_of_its_nik(
    reference_data, region_code, nik, expected
):
    # when
    origin = origin_of(region_code=region_code, nik=nik)
    # then
    assert (origin.code, origin.basis, origin.desa_code) == expected
    if origin.code:
        assert origin.kecamatan_code == KRONJO


def test_the_queries_count_a_desa_and_its_kecamatan_without_desa_apart(reference_data):
    # given: one applicant with a desa, one whose kecamatan came from the NIK, one unplaced
    with_desa = application_make()
    with_desa.region_id = KRONJO_DESA
    with_desa.save(update_fields=["region"])
    kecamatan_only = application_make(full_name="Dewi")
    kecamatan_only.region_id = KRONJO
    kecamatan_only.save(update_fields=["region"])
    unplaced = application_make(full_name="Rina")  # NIK from Kronjo (flow factory), no region
    elsewhere = application_make(full_name="Sari")
    elsewhere.nik = "3604095204960001"
    elsewhere.save(update_fields=["nik"])
    # when
    desa_rows = set(PassportApplication.objects.filter(from_desa(KRONJO_DESA)))
    kecamatan_rows = set(PassportApplication.objects.filter(from_kecamatan_without_desa(KRONJO)))
    # then
    assert desa_rows == {with_desa}
    assert kecamatan_rows == {kecamatan_only, unplaced}
