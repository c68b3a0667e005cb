"""A counter "refer to police" and a TPI "hand over to police" make a referral to the police
office covering the person; stored decisions of that kind become referrals by migration 0003,
once however often it runs; the sender sees the outcome on the screening record's page."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from benteng.referrals.models import EventKind, Referral, ReferralState
from benteng.referrals.services import (
    referral_acknowledge,
    referral_assign,
    referral_close,
)
from benteng.screening.decisions import application_decide, departure_decide
from benteng.screening.models import ApplicationDecision, DepartureDecision
from tests.cases.conftest import lp_number_for
from tests.conftest import verified_client
from tests.referrals.conftest import viewer_of
from tests.screening.flow_factories import application_make, departure_make

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "benteng.referrals.migrations.0003_referrals_from_stored_hand_overs"
)


def _refer(personas):  # type: ignore[no-untyped-def]
    application = application_make()
    application_decide(
        viewer=viewer_of(personas.petugas_imigrasi),
        application=application,
        outcome="rujuk_polisi",
        reason="indikasi_korban_tppo",
        note="Mengaku akan bekerja di Malaysia lewat calo.",
    )
    return application


def test_refer_to_police_at_the_counter_sends_a_referral_to_the_covering_polres(
    personas, penyidik_polres
):
    # when
    application = _refer(personas)
    # then: to Polresta Tangerang (the NIK is of Kronjo), with the person and the screening
    referral = Referral.objects.get(application=application)
    assert referral.receiving_office.code == "polresta-tangerang"
    assert referral.sender_office == personas.petugas_imigrasi.office
    assert referral.sent_by == personas.petugas_imigrasi
    assert referral.reason == "Mengaku akan bekerja di Malaysia lewat calo."
    assert referral.screening_result == application.screenings.get()
    assert [s.full_name for s in referral.subjects.all()] == [application.full_name]
    decision = ApplicationDecision.objects.get(application=application)
    assert referral.origin_key == f"application_decision:{decision.pk}"
    # and the receiving Polres sees it in its inbox
    html = verified_client(penyidik_polres).get("/rujukan/").content.decode()
    assert referral.number in html


def test_a_tpi_hand_over_arrives_at_the_police_urgently(personas):
    # given
    check = departure_make(flight_number="GA840")
    # when
    departure_decide(
        viewer=viewer_of(personas.petugas_tpi),
        check=check,
        outcome="serahkan_polisi",
        note="Penumpang mengaku direkrut untuk bekerja di kapal.",
    )
    # then: no region is known of this passenger, so it goes to the regional police
    referral = Referral.objects.get(departure_check=check)
    assert referral.urgency == "segera"
    assert referral.receiving_office.kind in ("polres", "polda")
    assert referral.sender_office.code == "tpi-bandara-soekarno-hatta"


def test_the_outcome_shows_on_the_screening_page_of_the_sender(personas, penyidik_polres):
    # given
    application = _refer(personas)
    referral = Referral.objects.get(application=application)
    police = viewer_of(penyidik_polres)
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    referral_close(
        viewer=police,
        referral=referral,
        outcome="perkara_dibuka",
        lp_number=lp_number_for(timezone.localdate(), 77),
        lp_date=timezone.localdate(),
        case_kind="tppo",
        case_modus="non_prosedural",
    )
    # when
    html = (
        verified_client(personas.petugas_imigrasi)
        .get(f"/penyaringan/permohonan/{application.pk}/")
        .content.decode()
    )
    # then
    assert 'data-testid="record-referrals"' in html
    assert "LP/B/77/XII/2026/SPKT" in html
    # and the other Kanim's officer, who cannot open the application, sees nothing of it
    other = verified_client(personas.petugas_imigrasi_other)
    assert other.get(f"/penyaringan/permohonan/{application.pk}/").status_code == 404


def test_stored_hand_overs_become_referrals_once(personas):
    # given: decisions stored before referrals existed (no referral made for them)
    application = application_make()
    decision = ApplicationDecision.objects.create(
        application=application,
        outcome="rujuk_polisi",
        reason="indikasi_pmi_nonprosedural",
        note="Catatan lama.",
        decided_by=personas.petugas_imigrasi,
        decided_at=timezone.now(),
    )
    check = departure_make()
    DepartureDecision.objects.create(
        departure_check=check,
        outcome="serahkan_polisi",
        note="Diserahkan dulu.",
        decided_by=personas.petugas_tpi,
        decided_at=timezone.now(),
    )
    ApplicationDecision.objects.create(
        application=application_make(),
        outcome="tolak",
        reason="keterangan_palsu",
        note="x",
        decided_by=personas.petugas_imigrasi,
    )
    # when: the migration runs twice
    migration.referrals_from_decisions(apps, None)
    migration.referrals_from_decisions(apps, None)
    # then: one referral per hand-over, none for the refusal
    referrals = Referral.objects.order_by("pk")
    assert referrals.count() == 2
    first = referrals[0]
    assert first.origin_key == f"application_decision:{decision.pk}"
    assert first.receiving_office.code == "polresta-tangerang"
    assert first.reason_category == "pmi_nonprosedural"
    assert first.state == ReferralState.SENT
    assert first.subjects.get().nik == application.nik
    assert list(first.events.values_list("kind", flat=True)) == [EventKind.SENT]
    application.refresh_from_db()
    assert application.police_visible
    assert referrals[1].departure_check == check
    # and the code path does not make a second one for a decision the migration carried
    from benteng.referrals.handovers import referral_from_hand_over

    again = referral_from_hand_over(viewer_of(personas.petugas_imigrasi), application, decision)
    assert again == first
    assert Referral.objects.count() == 2
