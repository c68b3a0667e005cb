"""A correction of the NIK moves the record to the region its NIK names (when no desa was
stated at the counter): the region a new screening of the corrected record would give, seen
by everything that reads it, and audited with the rest of the correction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from benteng.audit.models import AuditAction, AuditEntry
from benteng.people.index import screening_index_reset
from benteng.referrals.handovers import police_office_for
from benteng.screening.amendments import AmendmentInvalid, record_correct
from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.models import DepartureCheck, PassportApplication
from benteng.screening.services import application_screen, departure_screen
from benteng.villages.origins import from_kecamatan_without_desa
from tests.conftest import verified_client
from tests.screening.test_services_support import KRONJO_DESA, SITI_NIK, applicant, viewer_of

pytestmark = pytest.mark.django_db

KRONJO = "36.03.07"  # Kabupaten Tangerang: the kecamatan of SITI_NIK
SUMUR = "36.01.01"  # Kabupaten Pandeglang
NIK_FROM_SUMUR = "3601015408960007"  # the same woman (14-08-1996), registered in Sumur


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


def _screened(user, **values) -> PassportApplication:  # type: ignore[no-untyped-def]
    data = ApplicationInput.from_raw(applicant(**values))
    return application_screen(viewer=viewer_of(user), data=data).application


def _identity(record: PassportApplication, **changes: str) -> dict[str, str]:
    values = {
        "full_name": record.full_name,
        "nik": record.nik,
        "birth_date": record.birth_date.strftime("%d-%m-%Y") if record.birth_date else "",
        "sex": record.sex,
        "birth_place": record.birth_place,
        "passport_no": record.passport_no,
        "address": record.address,
        "phone": record.phone,
    }
    return {**values, **changes}


def test_a_nik_correction_gives_the_region_a_new_screening_of_the_corrected_record_gives(
    personas,
):
    # given: no desa stated at the counter, so the region is the kecamatan of the NIK typed
    officer = viewer_of(personas.petugas_imigrasi)
    record = _screened(personas.petugas_imigrasi, desa_code="")
    assert record.region_id == KRONJO
    # when: the NIK is corrected from the KTP
    amendment = record_correct(
        viewer=officer,
        record=record,
        values=_identity(record, nik=NIK_FROM_SUMUR),
        reason="NIK salah ketik, sesuai KTP",
    )
    # then: the record is where a new screening of the corrected identity puts it
    fresh = _screened(personas.petugas_imigrasi, desa_code="", nik=NIK_FROM_SUMUR)
    stored = PassportApplication.objects.get(pk=record.pk)
    assert stored.region_id == fresh.region_id == SUMUR
    assert record.region_id == SUMUR  # the caller's instance too
    # and the correction keeps the earlier region, audited like the rest of it
    assert {"field": "region", "before": KRONJO, "after": SUMUR} in amendment.changes
    written = AuditEntry.objects.get(
        action=AuditAction.UPDATE,
        object_type="screening.passportapplication",
        object_ids=[str(record.pk)],
    )
    assert written.detail["fields"] == ["nik", "region"]
    # and the record's page shows the region's change with the other changes
    html = (
        verified_client(personas.petugas_imigrasi)
        .get(reverse("screening:application_detail", args=[record.pk]))
        .content.decode()
    )
    assert "Sumur (36.01.01)" in html


def test_a_stated_desa_stays_the_region_after_a_nik_correction(personas):
    # given: the officer stated the desa at the counter
    record = _screened(personas.petugas_imigrasi, desa_code=KRONJO_DESA)
    # when
    amendment = record_correct(
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values=_identity(record, nik=NIK_FROM_SUMUR),
        reason="NIK salah ketik",
    )
    # then: the desa is the more precise source, as for a new screening with that desa
    fresh = _screened(personas.petugas_imigrasi, desa_code=KRONJO_DESA, nik=NIK_FROM_SUMUR)
    assert PassportApplication.objects.get(pk=record.pk).region_id == fresh.region_id
    assert fresh.region_id == KRONJO_DESA
    assert [change["field"] for change in amendment.changes] == ["nik"]


def test_a_departure_check_s_region_follows_its_corrected_nik(personas):
    # given: a passenger checked with a NIK of Kronjo
    officer = viewer_of(personas.petugas_tpi)
    raw = {"passport_no": "C1234999", "full_name": "Siti Nurhaliza", "nik": SITI_NIK}
    check = departure_screen(viewer=officer, data=DepartureInput.from_raw(raw)).record
    assert check.region_id == KRONJO
    # when
    record_correct(
        viewer=officer,
        record=check,
        values={**raw, "nik": NIK_FROM_SUMUR},
        reason="NIK salah ketik",
    )
    # then
    fresh = departure_screen(
        viewer=officer, data=DepartureInput.from_raw({**raw, "nik": NIK_FROM_SUMUR})
    ).record
    assert DepartureCheck.objects.get(pk=check.pk).region_id == fresh.region_id == SUMUR


def test_the_village_counts_and_the_police_hand_over_follow_the_corrected_region(personas):
    # given: an application placed in Kronjo by its mistyped NIK
    record = _screened(personas.petugas_imigrasi, desa_code="")
    assert police_office_for(record).code == "polresta-tangerang"  # type: ignore[union-attr]
    # when
    record_correct(
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values=_identity(record, nik=NIK_FROM_SUMUR),
        reason="NIK salah ketik",
    )
    # then: the border-to-village counts place it in Sumur, not Kronjo
    stored = PassportApplication.objects.get(pk=record.pk)
    in_sumur = PassportApplication.objects.filter(from_kecamatan_without_desa(SUMUR))
    in_kronjo = PassportApplication.objects.filter(from_kecamatan_without_desa(KRONJO))
    assert stored in in_sumur
    assert stored not in in_kronjo
    # and a hand-over goes to the police of Pandeglang
    assert police_office_for(stored).code == "polres-pandeglang"  # type: ignore[union-attr]


def test_a_refused_correction_leaves_the_region(personas):
    # given
    record = _screened(personas.petugas_imigrasi, desa_code="")
    # when: the NIK typed is not a NIK
    with pytest.raises(AmendmentInvalid) as refused:
        record_correct(
            viewer=viewer_of(personas.petugas_imigrasi),
            record=record,
            values=_identity(record, nik="36010154089600"),
            reason="NIK salah ketik",
        )
    # then
    assert "nik" in refused.value.errors
    assert PassportApplication.objects.get(pk=record.pk).region_id == KRONJO
