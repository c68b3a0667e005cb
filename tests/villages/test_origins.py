"""From the border back to the village: the desa of the address, else the kecamatan of the NIK
(never credited to a desa), else no origin — the rule as the queries apply it."""

from __future__ import annotations

import pytest

from benteng.screening.models import PassportApplication
from benteng.villages.origins import from_desa, from_kecamatan_without_desa
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

KRONJO_DESA = "36.03.07.2001"
KRONJO = "36.03.07"
NIK_FROM_KRONJO = "3603075204960001"  # a woman born 12-04-1996, registered in Kronjo


def test_the_queries_count_a_desa_and_its_kecamatan_without_desa_apart(reference_data):
    # given: one applicant with a desa, one whose kecamatan came from the NIK, one unplaced
    # with a NIK of Kronjo, one of elsewhere, one with no NIK and one with an unreadable one
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
    no_nik = application_make(full_name="Tuti")
    no_nik.nik = ""
    no_nik.save(update_fields=["nik"])
    unreadable = application_make(full_name="Yuli")
    unreadable.nik = "12345"
    unreadable.save(update_fields=["nik"])
    # when
    desa_rows = set(PassportApplication.objects.filter(from_desa(KRONJO_DESA)))
    kecamatan_rows = set(PassportApplication.objects.filter(from_kecamatan_without_desa(KRONJO)))
    # then
    assert desa_rows == {with_desa}
    assert kecamatan_rows == {kecamatan_only, unplaced}
