"""Officers' decisions at the counter and the TPI: who decides, what follows, what lapses."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditEntry
from benteng.identity_cleaning import normalize_flight_number
from benteng.screening.decisions import (
    DEPARTURE_DELAY_LIST_CODE,
    ContactInput,
    DecisionInvalid,
    DecisionRefused,
    application_decide,
    departure_decide,
    postponements_lapse_overdue,
)
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)
from benteng.watchlists.models import WatchlistEntry
from benteng.watchlists.services import IMMIGRATION_DECISION_LIST_CODE
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make

pytestmark = pytest.mark.django_db


def _officer(personas):  # type: ignore[no-untyped-def]
    return Viewer.for_user(personas.petugas_imigrasi, purpose="keputusan permohonan")


def _decision_entries(reference: str) -> list[WatchlistEntry]:
    return list(
        WatchlistEntry.objects.filter(
            watchlist__code=IMMIGRATION_DECISION_LIST_CODE, source_reference=reference
        )
    )


def test_decision_names_the_officer_and_is_audited(personas):
    # given
    application = application_make()
    # when
    decision = application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        note="",
    )
    # then
    assert decision.decided_by == personas.petugas_imigrasi
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ISSUED
    audited = AuditEntry.objects.filter(
        object_type="screening.applicationdecision", object_ids=[str(decision.pk)]
    )
    assert audited.get().actor_id == personas.petugas_imigrasi.pk
    assert _decision_entries(application.reference) == []


def test_postponement_defaults_to_thirty_days_and_enters_the_shared_watchlist(personas):
    # given
    application = application_make(full_name="Siti Rohmah")
    today = timezone.localdate()
    # when
    decision = application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
        note="Belum ada surat rekomendasi Disnaker.",
    )
    # then
    assert decision.due_date == today + datetime.timedelta(days=30)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.POSTPONED
    assert application.postponed_until == decision.due_date
    [entry] = _decision_entries(application.reference)
    assert entry.source == "keputusan"
    assert entry.full_name == "Siti Rohmah"
    assert entry.nik == application.nik
    assert entry.created_by is None  # written by Benteng itself
    assert entry.instruction.startswith(
        f"Pemohon ditunda di {application.office.name} pada {today:%d-%m-%Y}"
    )
    assert "dokumen pendukung belum lengkap" in entry.instruction
    assert "hubungi" in entry.instruction
    assert personas.petugas_imigrasi.full_name in entry.contact


def test_postponement_setting_changes_the_default_due_date(personas, settings):
    # given
    settings.BENTENG_POSTPONEMENT_DAYS = 14
    application = application_make()
    # when
    decision = application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    # then
    assert decision.due_date == timezone.localdate() + datetime.timedelta(days=14)


def test_refusal_enters_the_watchlist_and_needs_a_note(personas):
    # given
    application = application_make()
    # when
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.REFUSE,
            reason=DecisionReason.NON_PROCEDURAL_PMI,
            note=" ",
        )
    # then
    assert "note" in refused.value.errors
    assert _decision_entries(application.reference) == []
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.REFUSE,
        reason=DecisionReason.NON_PROCEDURAL_PMI,
        note="Mengaku wisata, mengakui akan bekerja sebagai ART.",
    )
    # then
    [entry] = _decision_entries(application.reference)
    assert entry.instruction.startswith("Pemohon ditolak di")
    assert "karena terindikasi PMI nonprosedural; hubungi" in entry.instruction


def test_referral_to_police_makes_the_application_visible_to_police(personas):
    # given
    application = application_make()
    penyidik = Viewer.for_user(personas.penyidik)
    assert not PassportApplication.objects.visible_to(penyidik).filter(pk=application.pk).exists()
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.REFER_POLICE,
        reason=DecisionReason.TRAFFICKING_VICTIM,
        note="Paspor dan KTP dipegang pendamping.",
    )
    # then
    assert PassportApplication.objects.visible_to(penyidik).filter(pk=application.pk).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFERRED_POLICE


def test_referral_to_bp3mi_stays_off_the_watchlist(personas):
    application = application_make(purpose="bekerja")
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.REFER_BP3MI,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFERRED_BP3MI
    assert application.police_visible is False
    assert _decision_entries(application.reference) == []


def test_contacts_and_answers_are_recorded(personas):
    # given
    application = application_make()
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
        contacts=[
            ContactInput(relation="sponsor", name="Haji  Sarmadi", phone="0812-9031-4477"),
            {"relation": "pendamping", "name": "Euis", "phone": ""},
            {"relation": "", "name": "", "phone": ""},
        ],
        answers={"Siapa yang membiayai perjalanan Anda?": "Pak Haji", "Kosong?": "  "},
    )
    # then
    contacts = sorted(application.contacts.values_list("relation", "name", "phone"))
    assert contacts == [("pendamping", "Euis", ""), ("sponsor", "Haji Sarmadi", "6281290314477")]
    application.refresh_from_db()
    assert application.interview_answers == {"Siapa yang membiayai perjalanan Anda?": "Pak Haji"}
    assert set(application.contacts.values_list("recorded_by", flat=True)) == {
        personas.petugas_imigrasi.pk
    }


def test_malformed_contact_phone_is_refused_in_indonesian(personas):
    application = application_make()
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
            contacts=[ContactInput(relation="sponsor", name="X", phone="12ab")],
        )
    assert "bukan nomor Indonesia yang sah" in refused.value.errors["contacts"][0]
    assert not ApplicationDecision.objects.filter(application=application).exists()


@pytest.mark.parametrize(
    "days, message",
    [(0, "harus setelah hari ini"), (-3, "harus setelah hari ini"), (400, "paling lama")],
    ids=["today", "past", "too-far"],
)
def test_due_date_must_be_after_today_and_not_too_far(personas, days, message):
    application = application_make()
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.POSTPONE,
            reason=DecisionReason.DOCUMENTS_MISSING,
            due_date=timezone.localdate() + datetime.timedelta(days=days),
        )
    assert message in refused.value.errors["due_date"][0]


@pytest.mark.parametrize(
    "persona", ["petugas_imigrasi_other", "petugas_tpi", "analis_imigrasi", "penyidik"]
)
def test_only_an_officer_of_the_receiving_kanim_decides(personas, persona):
    application = application_make()
    with pytest.raises(DecisionRefused):
        application_decide(
            viewer=Viewer.for_user(getattr(personas, persona)),
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
        )


def test_re_decision_after_documents_supplied_in_time_expires_the_watchlist_entry(personas):
    # given
    application = application_make()
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        note="Rekomendasi Disnaker diserahkan.",
    )
    # then
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ISSUED
    assert application.postponed_until is None
    [entry] = _decision_entries(application.reference)
    assert not entry.in_force()
    assert application.decisions.count() == 2


def test_a_decided_application_is_not_decided_again(personas):
    application = application_make(status=ApplicationStatus.REFUSED)
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
        )
    assert "sudah diputuskan" in refused.value.errors["outcome"][0]


def test_overdue_postponements_lapse_without_an_officer(personas):
    # given
    today = timezone.localdate()
    overdue = application_make(
        status=ApplicationStatus.POSTPONED, postponed_until=today - datetime.timedelta(days=1)
    )
    due_today = application_make(status=ApplicationStatus.POSTPONED, postponed_until=today)
    # when
    lapsed = postponements_lapse_overdue()
    # then
    assert lapsed == 1
    overdue.refresh_from_db()
    due_today.refresh_from_db()
    assert overdue.status == ApplicationStatus.LAPSED
    assert due_today.status == ApplicationStatus.POSTPONED
    decision = overdue.decisions.get()
    assert decision.outcome == DecisionOutcome.LAPSE
    assert decision.decided_by is None
    assert decision.reason == DecisionReason.DOCUMENTS_NOT_SUPPLIED
    assert AuditEntry.objects.filter(
        object_type="screening.applicationdecision", object_ids=[str(decision.pk)], actor=None
    ).exists()
    # when: run again (cron twice)
    assert postponements_lapse_overdue() == 0
    assert overdue.decisions.count() == 1


def test_an_overdue_postponement_cannot_be_re_decided(personas):
    application = application_make(
        status=ApplicationStatus.POSTPONED,
        postponed_until=timezone.localdate() - datetime.timedelta(days=2),
    )
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
        )
    assert "sudah lewat" in refused.value.errors["outcome"][0]


def test_lapse_command_and_task(personas):
    # given
    today = timezone.localdate()
    application = application_make(
        status=ApplicationStatus.POSTPONED, postponed_until=today + datetime.timedelta(days=3)
    )
    output = StringIO()
    # when: the cron job runs as if a week had passed
    call_command(
        "screening_lapse_postponements",
        date=(today + datetime.timedelta(days=7)).isoformat(),
        stdout=output,
    )
    # then
    assert "1 postponed application(s) lapsed" in output.getvalue()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LAPSED


def test_lapse_task_runs_the_service(personas, settings):
    from benteng.screening.tasks import screening_lapse_postponements

    application = application_make(
        status=ApplicationStatus.POSTPONED,
        postponed_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert screening_lapse_postponements.call() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LAPSED


# --- departures ----------------------------------------------------------------------------


def _border(personas):  # type: ignore[no-untyped-def]
    return Viewer.for_user(personas.petugas_tpi, purpose="pemeriksaan keberangkatan")


def test_delayed_departure_enters_the_departure_watchlist(personas):
    # given
    check = departure_make()
    # when
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.DELAY,
        note="Tidak dapat menjelaskan tujuan; tanpa tiket pulang.",
        flight_number="qz 7510",
    )
    # then
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.DELAY
    assert check.flight_number == "QZ7510"
    assert check.decided_by == personas.petugas_tpi
    assert check.decided_at is not None
    assert check.police_visible is False
    [entry] = WatchlistEntry.objects.filter(
        watchlist__code=DEPARTURE_DELAY_LIST_CODE, source_reference=check.reference
    )
    assert entry.passport_no == "C1234567"
    assert "penerbangan QZ7510" in entry.instruction


def test_hand_over_needs_a_note_and_makes_the_check_visible_to_police(personas):
    check = departure_make(flight_number="GA840")
    with pytest.raises(DecisionInvalid) as refused:
        departure_decide(
            viewer=_border(personas), check=check, outcome=DepartureOutcome.HAND_OVER, note=""
        )
    assert "note" in refused.value.errors
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.HAND_OVER,
        note="Hit DPO Polda Banten.",
    )
    penyidik = Viewer.for_user(personas.penyidik)
    assert DepartureCheck.objects.visible_to(penyidik).filter(pk=check.pk).exists()


def test_allowed_departure_stays_off_the_watchlist(personas):
    check = departure_make()
    departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.ALLOW, flight_number="GA840"
    )
    assert not WatchlistEntry.objects.filter(source_reference=check.reference).exists()


@pytest.mark.parametrize(
    "flight", ["", "G", "GA-84000", "ZZZ12"], ids=["empty", "short", "long", "three-letters"]
)
def test_flight_number_is_required_and_checked(personas, flight):
    check = departure_make()
    with pytest.raises(DecisionInvalid) as refused:
        departure_decide(
            viewer=_border(personas),
            check=check,
            outcome=DepartureOutcome.ALLOW,
            flight_number=flight,
        )
    assert refused.value.errors["flight_number"]


@pytest.mark.parametrize("persona", ["petugas_imigrasi", "analis_imigrasi", "penyidik"])
def test_only_a_border_officer_of_the_tpi_decides_departures(personas, persona):
    check = departure_make()
    with pytest.raises(DecisionRefused):
        departure_decide(
            viewer=Viewer.for_user(getattr(personas, persona)),
            check=check,
            outcome=DepartureOutcome.ALLOW,
            flight_number="GA840",
        )


def test_flight_numbers_are_normalised():
    assert normalize_flight_number(" ga 840 ") == "GA840"
    assert normalize_flight_number("8B-123A") == "8B123A"
    assert normalize_flight_number("GA") is None


def test_decision_at_another_kanim_is_refused_even_for_same_role(personas):
    application = application_make(office_code=KANIM_SERANG)
    officer = _officer(personas)
    with pytest.raises(DecisionRefused):
        application_decide(
            viewer=officer,
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
        )


def test_lapse_command_enqueues_for_the_worker(personas):
    from django_tasks_db.models import DBTaskResult

    output = StringIO()
    call_command("screening_lapse_postponements", enqueue=True, stdout=output)
    assert "enqueued task" in output.getvalue()
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("screening_lapse_postponements")


def test_documents_supplied_at_the_re_decision_are_recorded(personas):
    # given
    application = application_make(purpose="kunjungan_keluarga")
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    # when: unknown codes are refused
    with pytest.raises(DecisionInvalid) as refused:
        application_decide(
            viewer=_officer(personas),
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
            documents=["surat_jaminan", "surat_sakti"],
        )
    assert "surat_sakti" in refused.value.errors["documents"][0]
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        documents=["surat_jaminan", "paspor_kerabat"],
    )
    # then
    application.refresh_from_db()
    assert application.documents == ["surat_jaminan", "paspor_kerabat"]
    assert application.status == ApplicationStatus.ISSUED


# --- what other agencies see of a decision, and re-decisions ---------------------------------


def _hit_field_text(entry: WatchlistEntry) -> str:
    from benteng.watchlists.access import HIT_FIELDS

    return " ".join(str(getattr(entry, name, "") or "") for name in HIT_FIELDS if name != "id")


@pytest.mark.parametrize(
    "outcome", [DepartureOutcome.DELAY, DepartureOutcome.HAND_OVER], ids=["delay", "hand-over"]
)
def test_the_border_officers_note_stays_internal(personas, outcome):
    # given: a free-text note only immigration analysts may read
    check = departure_make()
    note = "Informasi dari kru: dijemput agen bernama Pak Darto di Dubai."
    # when
    departure_decide(
        viewer=_border(personas), check=check, outcome=outcome, note=note, flight_number="GA840"
    )
    # then: the note is kept for the owners, never in what every agency sees of the hit
    [entry] = WatchlistEntry.objects.filter(
        watchlist__code=DEPARTURE_DELAY_LIST_CODE, source_reference=check.reference
    )
    assert entry.internal_notes == note
    assert "Darto" not in _hit_field_text(entry)
    assert "penerbangan GA840" in entry.instruction
    assert check.office.name in entry.instruction
    assert "hubungi" in entry.instruction


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (DecisionOutcome.POSTPONE, DecisionReason.OTHER),
        (DecisionOutcome.REFUSE, DecisionReason.OTHER),
    ],
    ids=["postpone", "refuse"],
)
def test_the_counter_officers_note_stays_internal(personas, outcome, reason):
    # given
    application = application_make()
    note = "Kakak pemohon (Pak Darto) menunggu di luar dan menjawab untuknya."
    # when
    application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=outcome,
        reason=reason,
        note=note,
    )
    # then
    [entry] = _decision_entries(application.reference)
    assert entry.internal_notes == note
    assert "Darto" not in _hit_field_text(entry)


def test_allowing_a_delayed_departure_ends_the_delay_entry_and_keeps_who_checked(personas):
    # given: a check entered by one border officer, delayed by a colleague at the same TPI
    from benteng.accounts.models import Role
    from benteng.audit.models import AuditAction
    from tests.conftest import make_user

    checker = make_user("tpi-pagi", Role.PETUGAS_TPI, "tpi-bandara-soekarno-hatta")
    check = departure_make()
    DepartureCheck.objects.filter(pk=check.pk).update(checked_by=checker)
    check.refresh_from_db()
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.DELAY,
        note="Tanpa tiket pulang.",
        flight_number="GA840",
    )
    [entry] = WatchlistEntry.objects.filter(
        watchlist__code=DEPARTURE_DELAY_LIST_CODE, source_reference=check.reference
    )
    assert entry.in_force()
    # when: the passenger shows the return ticket and is allowed after all
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.ALLOW,
        note="Tiket pulang ditunjukkan.",
        flight_number="GA840",
        change_reason="Tiket pulang ditunjukkan.",
    )
    # then: the delay no longer flags the passenger, and the expiry is audited
    entry.refresh_from_db()
    assert not entry.in_force()
    assert AuditEntry.objects.filter(
        object_type="watchlists.watchlistentry",
        object_ids=[str(entry.pk)],
        action=AuditAction.UPDATE,
    ).exists()
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.ALLOW
    assert check.checked_by == checker
    assert check.decided_by == personas.petugas_tpi


def test_deciding_a_client_systems_check_records_the_decider_not_the_checker(personas):
    # given: a check sent by a client system (no officer checked it)
    check = departure_make()
    assert check.checked_by is None
    # when
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.ALLOW,
        flight_number="GA840",
    )
    # then
    check.refresh_from_db()
    assert check.checked_by is None
    assert check.decided_by == personas.petugas_tpi
