"""The referral's state machine: each legal step by the receiving office, each illegal one
refused with a message, every change on the timeline and in the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.audit.models import AuditEntry
from benteng.referrals.errors import ReferralInvalid, ReferralRefused
from benteng.referrals.models import EventKind, ReferralState
from benteng.referrals.services import (
    referral_acknowledge,
    referral_assign,
    referral_close,
    referral_comment,
    referral_return,
)
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db


def _audited_updates(referral_pk: int) -> list[list[str]]:
    entries = AuditEntry.objects.filter(
        object_type="referrals.referral", object_ids=[str(referral_pk)], action="update"
    ).order_by("sequence")
    return [entry.detail["fields"] for entry in entries]


def test_sent_acknowledged_assigned_closed_with_a_case(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    # when
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    referral_close(
        viewer=police,
        referral=referral,
        outcome="perkara_dibuka",
        lp_number="LP/B/12/XII/2026/SPKT",
        lp_date="05-12-2026",
        case_kind="tppo",
        case_modus="non_prosedural",
    )
    # then
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED
    assert (referral.lp_number, referral.lp_date) == (
        "LP/B/12/XII/2026/SPKT",
        datetime.date(2026, 12, 5),
    )
    assert referral.assigned_to == penyidik_polres
    kinds = list(referral.events.values_list("kind", "from_state", "to_state"))
    assert kinds == [
        (EventKind.SENT, "", ReferralState.SENT),
        (EventKind.ACKNOWLEDGED, ReferralState.SENT, ReferralState.ACKNOWLEDGED),
        (EventKind.ASSIGNED, ReferralState.ACKNOWLEDGED, ReferralState.IN_PROGRESS),
        (EventKind.CLOSED, ReferralState.IN_PROGRESS, ReferralState.CLOSED),
    ]
    # and every change of state is in the audit trail with the fields it changed
    updates = _audited_updates(referral.pk)
    assert len(updates) == 3
    assert "state" in updates[0] and "acknowledged_by" in updates[0]
    assert "assigned_to" in updates[1]
    assert "lp_number" in updates[2]
    assert AuditEntry.objects.filter(
        object_type="referrals.referral", object_ids=[str(referral.pk)], action="create"
    ).exists()
    assert AuditEntry.objects.filter(object_type="referrals.referralevent").count() == 4


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("assign", "terkirim"),
        ("close", "terkirim"),
    ],
    ids=["assign-before-acknowledge", "close-before-assign"],
)
def test_a_step_out_of_order_is_refused_with_the_state_named(
    personas, penyidik_polres, step, expected
):
    # given
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    # when
    with pytest.raises(ReferralInvalid) as refused:
        if step == "assign":
            referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
        else:
            referral_close(viewer=police, referral=referral, outcome="tidak_ada_pidana")
    # then
    message = " ".join(refused.value.errors[None])  # type: ignore[index]
    assert "tidak dapat dilakukan" in message and "Terkirim" in message
    referral.refresh_from_db()
    assert referral.state == expected
    assert referral.events.count() == 1


def test_a_closed_or_returned_referral_takes_no_further_step(personas, penyidik_polres):
    # given
    police = viewer_of(penyidik_polres)
    returned = send(personas.petugas_imigrasi)
    referral_return(viewer=police, referral=returned, reason="Bukan wilayah kami.")
    # when / then
    for step in (
        lambda: referral_acknowledge(viewer=police, referral=returned),
        lambda: referral_return(viewer=police, referral=returned, reason="lagi"),
    ):
        with pytest.raises(ReferralInvalid):
            step()
    returned.refresh_from_db()
    assert returned.state == ReferralState.RETURNED
    assert returned.return_reason == "Bukan wilayah kami."


def test_closing_with_a_case_needs_the_lp_number_and_a_past_date(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # when
    with pytest.raises(ReferralInvalid) as refused:
        referral_close(
            viewer=police,
            referral=referral,
            outcome="perkara_dibuka",
            lp_number="",
            lp_date=tomorrow.strftime("%d-%m-%Y"),
        )
    # then
    assert "wajib" in refused.value.errors["lp_number"][0]
    assert "masa depan" in refused.value.errors["lp_date"][0]
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS


def test_returning_needs_a_reason(personas, penyidik_polres):
    referral = send(personas.petugas_imigrasi)
    with pytest.raises(ReferralInvalid) as refused:
        referral_return(viewer=viewer_of(penyidik_polres), referral=referral, reason="  ")
    assert "wajib diisi" in refused.value.errors["return_reason"][0]


@pytest.mark.parametrize("who", ["petugas_imigrasi", "penyidik", "pimpinan", "admin"], ids=str)
def test_only_the_receiving_office_acknowledges(personas, penyidik_polres, who):
    # given: sent to Polresta Tangerang; the sender, Polda's investigator, leadership, admin
    referral = send(personas.petugas_imigrasi)
    # when / then
    with pytest.raises(ReferralRefused):
        referral_acknowledge(viewer=viewer_of(getattr(personas, who)), referral=referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_only_an_officer_of_the_receiving_office_can_be_assigned(personas, penyidik_polres):
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    referral_acknowledge(viewer=police, referral=referral)
    with pytest.raises(ReferralInvalid) as refused:
        referral_assign(viewer=police, referral=referral, assignee=personas.penyidik)
    assert "assignee" in refused.value.errors


def test_both_offices_comment_in_the_thread(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    # when
    referral_comment(
        viewer=viewer_of(penyidik_polres), referral=referral, text="Mohon salinan paspor."
    )
    referral_comment(
        viewer=viewer_of(personas.petugas_imigrasi), referral=referral, text="Terlampir."
    )
    # then
    assert list(referral.events.filter(kind=EventKind.COMMENT).values_list("text", flat=True)) == [
        "Mohon salinan paspor.",
        "Terlampir.",
    ]
    # and an office that is neither end does not write in it
    with pytest.raises(ReferralRefused):
        referral_comment(viewer=viewer_of(personas.penyidik), referral=referral, text="x")


def test_a_referral_with_bad_values_is_refused_by_field_and_nothing_is_stored(personas):
    from benteng.referrals.models import Referral
    from benteng.referrals.services import SubjectInput

    with pytest.raises(ReferralInvalid) as refused:
        send(
            personas.petugas_imigrasi,
            reason="",
            urgency="kilat",
            subjects=[SubjectInput(full_name="Siti", nik="123", phone="abc")],
        )
    errors = refused.value.errors
    assert {"reason", "urgency", "nik", "phone"} <= set(errors)
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("nik", "birth_date", "message"),
    [
        ("3603075408900000", "", "0000"),
        ("3603075408900003", "15-08-1990", "berbeda"),
    ],
    ids=["serial-0000", "birth-date-disagrees"],
)
def test_a_subject_s_nik_is_refused_like_a_case_person_s(personas, nik, birth_date, message):
    from benteng.referrals.models import Referral
    from benteng.referrals.services import SubjectInput

    # when: a NIK that reads but is not valid, or disagrees with the birth date typed
    with pytest.raises(ReferralInvalid) as refused:
        send(
            personas.petugas_imigrasi,
            subjects=[SubjectInput(full_name="Siti Rohmah", nik=nik, birth_date=birth_date)],
        )
    # then
    assert message in " ".join(refused.value.errors["nik"])
    assert Referral.objects.count() == 0


def test_a_subject_s_blank_birth_date_and_sex_come_from_the_nik(personas):
    from benteng.referrals.services import SubjectInput

    referral = send(
        personas.petugas_imigrasi,
        subjects=[SubjectInput(full_name="Siti Rohmah", nik="3603075408900003")],
    )

    subject = referral.subjects.get()
    assert (subject.birth_date, subject.sex) == (datetime.date(1990, 8, 14), "P")
    assert subject.region_id == "36.03.07"


def test_an_office_cannot_refer_to_itself(personas):
    with pytest.raises(ReferralInvalid) as refused:
        send(personas.petugas_imigrasi, to_office="kanim-tangerang")
    assert "receiving_office" in refused.value.errors
