"""The screening computation: hits, earlier events, NIK check, indicators, access, idempotency,
bad input and the audit trail."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

import pytest
from django.db import DataError, connection
from django.utils import timezone

from benteng.access.policy import NotVisible
from benteng.audit.models import AuditEntry
from benteng.audit.services import audit_chain_verify, audit_seal
from benteng.people.index import screening_index_reset
from benteng.screening import services
from benteng.screening.matching import company_matches, company_names
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureCheck,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.selectors import (
    application_get,
    application_list_for,
    application_result,
    departure_list_for,
    screening_result_get,
)
from benteng.screening.services import (
    ApplicationInput,
    DepartureInput,
    IdempotencyKeyOutOfReach,
    IdempotencyKeyReused,
    ScreeningInputInvalid,
    ScreeningRefused,
    application_screen,
    departure_screen,
)
from benteng.watchlists.services import watchlist_entry_remove
from tests.screening.test_services_support import (
    SITI_NIK,
    SPONSOR_PHONE,
    applicant,
    police_entry,
    viewer_of,
)

pytestmark = pytest.mark.django_db
# Queries of one application screening with a hit and an earlier event (was 25 before the
# audit entries of a screening shared one lock of the chain head).
QUERIES_PER_SCREENING = 18


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def screen(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Screen an applicant as a user, running the after-commit hooks (the index update)."""

    def run(user, key: str = "", **values):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return application_screen(
                viewer=viewer_of(user),
                data=ApplicationInput.from_raw(applicant(**values)),
                idempotency_key=key,
            )

    return run


def postpone(application: PassportApplication, officer) -> None:  # type: ignore[no-untyped-def]
    """What the decision page records for a postponement (SCREEN-FLOW's service does more)."""
    due = timezone.localdate() + datetime.timedelta(days=30)
    ApplicationDecision.objects.create(
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
        decided_by=officer,
        due_date=due,
    )
    application.status = ApplicationStatus.POSTPONED
    application.postponed_until = due
    application.save(update_fields=["status", "postponed_until"])


def indicator_codes(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [indicator["code"] for indicator in outcome.indicators]


# --- watchlist hits --------------------------------------------------------------------------


def test_sponsor_on_police_watchlist_gives_a_police_hit(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    entry = police_entry(personas.analis_polri)
    # when
    outcome = screen(
        personas.petugas_imigrasi, sponsor_name="H. Mamat Suryadi", sponsor_phone="081311112222"
    )
    # then
    assert outcome.application is not None
    assert outcome.application.reference.startswith(f"PP-{timezone.localdate().year}-")
    [hit] = outcome.hits
    assert hit.id == entry.pk
    assert hit.owner_agency == "polri"
    assert hit.matched_on in {"sponsor", "phone"}
    assert set(hit.matched_via) == {"sponsor", "phone"}
    assert hit.instruction == "Tunda dan hubungi piket Ditreskrimum Polda Banten."
    assert hit.is_owner is False
    assert "internal_notes" not in dataclasses.asdict(hit)
    assert "legal_basis" not in dataclasses.asdict(hit)
    [stored] = outcome.result.hits
    assert stored["entry_id"] == entry.pk, "the result keeps the entry by reference"
    assert not {"full_name", "nik", "passport_no", "phone"} & set(stored), "and no identity"
    indicator = next(i for i in outcome.indicators if i["code"] == "sponsor_on_police_watchlist")
    assert indicator["weight"] > 0
    assert indicator["evidence"] and indicator["evidence_en"]
    assert indicator["questions"], "the indicator suggests interview questions"
    assert outcome.police_hit is True
    assert outcome.instructions[0].contact == "Piket Ditreskrimum 021-0000-0000"
    application = PassportApplication.objects.get(pk=outcome.application.pk)
    assert application.police_visible is True
    # the police investigator may now open it
    assert application_get(viewer_of(personas.penyidik), application.pk) == application


def test_no_police_hit_leaves_the_application_to_immigration(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    police_entry(personas.analis_polri)
    # when
    outcome = screen(personas.petugas_imigrasi, sponsor_name="Budi Santoso")
    # then
    assert outcome.hits == []
    assert "sponsor_on_police_watchlist" not in indicator_codes(outcome)
    assert outcome.application.police_visible is False
    with pytest.raises(NotVisible):
        application_get(viewer_of(personas.penyidik), outcome.application.pk)


def test_applicant_on_a_police_list_is_a_person_hit(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    police_entry(
        personas.analis_polri,
        code="polri-dpo",
        full_name="Siti Nurhaliza",
        nik=SITI_NIK,
        birth_date="14-08-1996",
        sex="P",
        phone="",
    )
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then
    [hit] = outcome.hits
    assert hit.matched_on == "person"
    assert hit.score > 0.9
    assert "NIK" in hit.match_reasons
    assert "person_on_watchlist" in indicator_codes(outcome)


def test_placement_company_matches_a_police_company_entry(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    entry = police_entry(
        personas.analis_polri,
        code="polri-perusahaan",
        subject_type="perusahaan",
        full_name="PT Maju Jaya Sejahtera",
        phone="",
    )
    # when
    outcome = screen(
        personas.petugas_imigrasi, purpose="bekerja", placement_company="Maju Jaya Sejahtera, PT."
    )
    # then
    assert [hit.id for hit in outcome.hits] == [entry.pk]
    assert outcome.hits[0].matched_on == "company"
    assert "sponsor_on_police_watchlist" in indicator_codes(outcome)


def test_company_names_ignore_legal_form_but_not_the_name(personas) -> None:  # type: ignore[no-untyped-def]
    # given
    entry = police_entry(
        personas.analis_polri,
        code="polri-perusahaan",
        subject_type="perusahaan",
        full_name="PT Maju Jaya Sejahtera",
        phone="",
    )
    # then
    assert [pk for pk, _ in company_matches("CV. Maju Jaya Sejahtera")] == [entry.pk]
    assert company_matches("PT Sinar Abadi Jaya") == []


def test_company_entries_added_and_removed_later_are_seen(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given: the company names are already in memory
    screen(
        personas.petugas_imigrasi,
        nik="3603070101900011",
        full_name="Budi Hartono",
        birth_date="01-01-1990",
        sex="L",
        employer_name="Sinar Abadi",
    )
    entry = police_entry(
        personas.analis_polri,
        code="polri-perusahaan",
        subject_type="perusahaan",
        full_name="PT Sinar Abadi",
        phone="",
    )
    # when
    found = screen(personas.petugas_imigrasi, employer_name="Sinar Abadi")
    watchlist_entry_remove(viewer=viewer_of(personas.analis_polri), entry=entry, reason="salah")
    gone = screen(personas.petugas_imigrasi, employer_name="Sinar Abadi")
    # then
    assert [hit.id for hit in found.hits] == [entry.pk]
    assert gone.hits == []


def test_a_refresh_of_company_names_leaves_what_a_reader_holds_unchanged(personas) -> None:  # type: ignore[no-untyped-def]
    # given: a reader holds the company names read before an entry is added
    held = company_names.get()
    # when
    entry = police_entry(
        personas.analis_polri,
        code="polri-perusahaan",
        subject_type="perusahaan",
        full_name="PT Sinar Abadi",
        phone="",
    )
    fresh = company_names.get()
    # then
    assert [pk for pk, _ in fresh.matches("Sinar Abadi")] == [entry.pk]
    assert held.matches("Sinar Abadi") == []
    assert entry.pk not in held.names


# --- earlier events across offices -----------------------------------------------------------


def test_delay_at_one_kanim_is_an_earlier_event_at_another(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given: Siti is delayed in Tangerang
    first = screen(personas.petugas_imigrasi, full_name="Siti Nurhaliza binti Ahmad")
    postpone(first.application, personas.petugas_imigrasi)
    # when: she tries Serang, her name written differently
    second = screen(personas.petugas_imigrasi_other, full_name="Siti Nur Haliza")
    # then
    [event] = second.earlier_events
    assert event.kind == "application"
    assert event.office_code == "kanim-tangerang"
    assert event.status == ApplicationStatus.POSTPONED
    assert event.decision == DecisionOutcome.POSTPONE
    assert event.reason == DecisionReason.DOCUMENTS_MISSING
    assert event.due_date == first.application.postponed_until.isoformat()
    assert event.same_office is False
    assert event.record_id is None, "never the other office's record"
    assert "full_name" not in dataclasses.asdict(event)
    assert "reference" not in dataclasses.asdict(event)
    assert "earlier_decision_other_office" in indicator_codes(second)
    # but Serang cannot open Tangerang's application, and Tangerang can
    with pytest.raises(NotVisible):
        application_get(viewer_of(personas.petugas_imigrasi_other), first.application.pk)
    assert application_get(viewer_of(personas.petugas_imigrasi), first.application.pk)


def test_the_same_office_sees_its_own_earlier_record(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    first = screen(personas.petugas_imigrasi)
    # when
    second = screen(personas.petugas_imigrasi)
    # then
    [event] = second.earlier_events
    assert event.same_office is True
    assert event.record_id == first.application.pk
    assert "duplicate_application_same_office" in indicator_codes(second)


def test_departure_check_shows_the_earlier_delay_and_the_police_hit(
    personas, screen, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # given: delayed at the Kanim, and on a police list of wanted persons
    first = screen(personas.petugas_imigrasi)
    postpone(first.application, personas.petugas_imigrasi)
    with django_capture_on_commit_callbacks(execute=True):
        police_entry(
            personas.analis_polri,
            code="polri-dpo",
            full_name="Siti Nurhaliza",
            birth_date="14-08-1996",
            passport_no="C7654321",
            sex="P",
            phone="",
        )
    data = DepartureInput.from_raw(
        {
            "passport_no": "c 7654321",
            "full_name": "SITI NURHALIZA",
            "birth_date": "1996-08-14",
            "sex": "P",
            "flight_number": "ga 820",
            "destination_country": "sa",
            "purpose": "wisata",
        }
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        outcome = departure_screen(viewer=viewer_of(personas.petugas_tpi), data=data)
    # then
    check = outcome.departure_check
    assert check is not None
    assert check.reference.startswith("KB-")
    assert check.flight_number == "GA820"
    assert check.passport_no == "C7654321"
    assert [event.office_code for event in outcome.earlier_events] == ["kanim-tangerang"]
    assert outcome.hits[0].owner_agency == "polri"
    assert DepartureCheck.objects.get(pk=check.pk).police_visible is True
    assert {"earlier_decision_other_office", "person_on_watchlist"} <= set(indicator_codes(outcome))
    assert outcome.result.server_milliseconds > 0
    assert departure_list_for(viewer_of(personas.penyidik)) == [check]


# --- access ------------------------------------------------------------------------------------


def test_police_cannot_list_applications_neither_referred_nor_hit(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    police_entry(personas.analis_polri)
    hit = screen(personas.petugas_imigrasi, sponsor_phone=SPONSOR_PHONE)
    plain = screen(
        personas.petugas_imigrasi,
        nik="3603070101900011",
        full_name="Budi Hartono",
        birth_date="01-01-1990",
        sex="L",
    )
    # when
    for police_user in (personas.penyidik, personas.analis_polri):
        listed = application_list_for(viewer_of(police_user))
        # then
        assert [application.pk for application in listed] == [hit.application.pk]
        with pytest.raises(NotVisible):
            application_get(viewer_of(police_user), plain.application.pk)
    # immigration analysts see both, the other Kanim neither, a village focal person nothing
    assert len(application_list_for(viewer_of(personas.analis_imigrasi))) == 2
    assert application_list_for(viewer_of(personas.petugas_imigrasi_other)) == []
    assert application_list_for(viewer_of(personas.pic_desa)) == []


def test_result_is_read_through_the_access_layer(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    outcome = screen(personas.petugas_imigrasi)
    # when
    again = screening_result_get(viewer_of(personas.petugas_imigrasi), outcome.result.pk)
    # then
    assert again.risk_score == outcome.risk_score
    assert again.indicators == outcome.indicators
    assert application_result(viewer_of(personas.petugas_imigrasi), outcome.application.pk)
    with pytest.raises(NotVisible):
        screening_result_get(viewer_of(personas.petugas_imigrasi_other), outcome.result.pk)
    with pytest.raises(NotVisible):
        screening_result_get(viewer_of(personas.penyidik), outcome.result.pk)


@pytest.mark.parametrize(
    "persona", ["penyidik", "petugas_tpi", "analis_imigrasi", "pic_desa", "pimpinan", "admin"]
)
def test_only_passport_officers_screen_applications(personas, persona) -> None:  # type: ignore[no-untyped-def]
    data = ApplicationInput.from_raw(applicant())
    with pytest.raises(ScreeningRefused):
        application_screen(viewer=viewer_of(getattr(personas, persona)), data=data)
    assert not PassportApplication.objects.exists()


def test_only_border_officers_check_departures(personas) -> None:  # type: ignore[no-untyped-def]
    data = DepartureInput.from_raw({"passport_no": "C1234567", "full_name": "Siti"})
    with pytest.raises(ScreeningRefused):
        departure_screen(viewer=viewer_of(personas.petugas_imigrasi), data=data)


# --- group pattern, NIK --------------------------------------------------------------------------


def test_several_applicants_with_the_same_sponsor_phone_are_a_group(personas, screen) -> None:  # type: ignore[no-untyped-def]
    # given: two other applicants named the sponsor's phone, one at another Kanim
    screen(
        personas.petugas_imigrasi,
        nik="3603070101900011",
        full_name="Budi Hartono",
        birth_date="01-01-1990",
        sex="L",
        sponsor_phone=SPONSOR_PHONE,
    )
    screen(
        personas.petugas_imigrasi_other,
        nik="3603070202910012",
        full_name="Joko Susilo",
        birth_date="02-02-1991",
        sex="L",
        sponsor_name="Pak Mamat",
        sponsor_phone="+62 813 1111 2222",
    )
    # when
    outcome = screen(personas.petugas_imigrasi, sponsor_phone="0813 1111 2222")
    # then
    indicator = next(i for i in outcome.indicators if i["code"] == "group_pattern")
    assert indicator["evidence"][0].startswith("2 pemohon lain")


def test_nik_that_contradicts_the_birth_date_is_reported(personas, screen) -> None:  # type: ignore[no-untyped-def]
    outcome = screen(personas.petugas_imigrasi, birth_date="15-09-1995")
    assert outcome.nik_check["valid"] is False
    assert [p["code"] for p in outcome.nik_check["problems"]] == ["nik_birth_date_mismatch"]
    assert "nik_inconsistent" in indicator_codes(outcome)


def test_valid_nik_check(personas, screen) -> None:  # type: ignore[no-untyped-def]
    outcome = screen(personas.petugas_imigrasi)
    assert outcome.nik_check["valid"] is True
    assert outcome.nik_check["region_code"] == "36.03.07"
    assert outcome.application.region_id == "36.03.07.2001"
    assert outcome.rule_set_version is not None
    assert outcome.risk_band in {"rendah", "sedang", "tinggi"}


# --- idempotency --------------------------------------------------------------------------------


def test_same_key_returns_the_same_result_without_a_second_record(
    personas, screen, seal_delay
) -> None:  # type: ignore[no-untyped-def]
    first = screen(personas.petugas_imigrasi, key="counter-7-0001")
    again = screen(personas.petugas_imigrasi, key="counter-7-0001", phone="+62 857 7000 1234")
    assert again.replayed is True
    assert first.replayed is False
    assert again.result.pk == first.result.pk
    assert again.application.pk == first.application.pk
    assert PassportApplication.objects.count() == 1
    assert ScreeningResult.objects.count() == 1


def test_same_key_with_another_body_is_refused(personas, screen) -> None:  # type: ignore[no-untyped-def]
    screen(personas.petugas_imigrasi, key="counter-7-0002")
    with pytest.raises(IdempotencyKeyReused):
        screen(personas.petugas_imigrasi, key="counter-7-0002", destination_country="MY")
    assert PassportApplication.objects.count() == 1


def test_a_repeated_key_is_caught_by_the_unique_constraint(
    personas, screen, monkeypatch, seal_delay
) -> None:  # type: ignore[no-untyped-def]
    # A new key is saved without looking for it first; a repeated one (a retry, or a
    # concurrent request with the same key) is refused by the insert, then answered.
    real_replay = services._replay
    calls = []

    def counting_replay(*kind, **arguments):  # type: ignore[no-untyped-def]
        calls.append(arguments["key"])
        return real_replay(*kind, **arguments)

    monkeypatch.setattr(services, "_replay", counting_replay)
    first = screen(personas.petugas_imigrasi, key="counter-7-0003")
    assert calls == []
    again = screen(personas.petugas_imigrasi, key="counter-7-0003")
    assert calls == ["counter-7-0003"]
    assert again.replayed is True
    assert again.result.pk == first.result.pk
    assert PassportApplication.objects.count() == 1


def test_an_officer_moved_to_another_kanim_does_not_get_the_old_record_by_replaying(
    personas, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: an officer screened an applicant at Kanim Tangerang with a key
    officer = personas.petugas_imigrasi
    screen(officer, key="counter-7-0009")
    # when: the officer moves to another Kanim and the form is sent again with that key
    officer.office = personas.petugas_imigrasi_other.office
    officer.save()
    # then: the replay is refused (the record is Tangerang's), nothing is saved twice
    with pytest.raises(IdempotencyKeyOutOfReach):
        screen(officer, key="counter-7-0009")
    assert PassportApplication.objects.count() == 1
    assert AuditEntry.objects.filter(action="denied").count() == 1


def test_keys_belong_to_one_user(personas, screen) -> None:  # type: ignore[no-untyped-def]
    screen(personas.petugas_imigrasi, key="shared-key")
    other = screen(personas.petugas_imigrasi_other, key="shared-key")
    assert other.replayed is False
    assert PassportApplication.objects.count() == 2


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("nik", "12345", "NIK harus 16 digit angka; yang tertulis 5 digit."),
        ("nik", "3603077213960007", "bukan tanggal yang mungkin"),
        ("nik", "", "NIK wajib diisi."),
        ("birth_date", "31-02-1996", "tidak ada di kalender"),
        ("birth_date", "14/08/96x", "harus ditulis HH-BB-TTTT"),
        ("birth_date", "14-08-2099", "ada di masa depan"),
        ("passport_no", "C-12", "Nomor paspor “C-12” tidak sah"),
        ("phone", "12345", "bukan nomor Indonesia yang sah"),
        ("destination_country", "XX", "bukan kode negara ISO 3166-1"),
        ("purpose", "jalan-jalan", "Tujuan perjalanan “jalan-jalan” tidak dikenal"),
        ("documents", ["visa_kerja", "surat_sakti"], "Dokumen tidak dikenal: surat_sakti."),
        ("desa_code", "36.03.07", "bukan kode desa/kelurahan"),
        ("desa_code", "36.99.99.9999", "bukan kode desa/kelurahan"),
        ("sex", "X", "Jenis kelamin harus L (laki-laki) atau P (perempuan)"),
        ("full_name", "   ", "Nama lengkap wajib diisi."),
    ],
    ids=lambda value: str(value)[:20],
)
def test_bad_application_input_has_a_clear_indonesian_message(
    reference_data, field, value, expected
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScreeningInputInvalid) as raised:
        ApplicationInput.from_raw(applicant(**{field: value}))
    errors = raised.value.errors
    assert list(errors) == [field]
    assert expected in " ".join(errors[field])
    assert raised.value.message_dict == errors


def test_every_problem_is_reported_at_once(reference_data) -> None:  # type: ignore[no-untyped-def]
    raw = applicant(nik="abc", birth_date="", sex="", purpose="", destination_country="")
    with pytest.raises(ScreeningInputInvalid) as raised:
        ApplicationInput.from_raw(raw)
    assert set(raised.value.errors) == {
        "nik",
        "birth_date",
        "sex",
        "purpose",
        "destination_country",
    }


def test_english_messages_when_english_is_active(reference_data) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"), pytest.raises(ScreeningInputInvalid) as raised:
        ApplicationInput.from_raw(applicant(birth_date="31-02-1996"))
    assert "is not a calendar date" in raised.value.errors["birth_date"][0]


def test_values_are_normalised(reference_data) -> None:  # type: ignore[no-untyped-def]
    data = ApplicationInput.from_raw(
        applicant(
            nik="3603.0754.0896.0007",
            birth_date="1996-08-14",
            phone="+62 (0) 857-7000-1234",
            destination_country="sa",
            purpose="WISATA",
            documents="tiket_pulang, surat_jaminan",
            passport_no="c 123 4567",
        )
    )
    assert data.nik == SITI_NIK
    assert data.birth_date == datetime.date(1996, 8, 14)
    assert data.phone == "6285770001234"
    assert data.destination_country == "SA"
    assert data.purpose == "wisata"
    assert data.documents == ("tiket_pulang", "surat_jaminan")
    assert data.passport_no == "C1234567"


def test_departure_needs_a_passport_number_and_a_name(reference_data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScreeningInputInvalid) as raised:
        DepartureInput.from_raw({"passport_no": "", "full_name": "", "flight_number": "garuda"})
    assert set(raised.value.errors) == {"passport_no", "full_name", "flight_number"}


# --- audit ----------------------------------------------------------------------------------


@pytest.fixture(params=[0, 0.1], ids=["sealed-in-transaction", "sealed-after"])
def seal_delay(request, settings):  # type: ignore[no-untyped-def]
    """Both ways of writing a screening's audit entries: sealed in the writing transaction
    (delay 0, SQLite's default) and unsealed, sealed after the commit (PostgreSQL's
    default)."""
    settings.AUDIT_SEAL_DELAY = request.param
    # No sealer process runs in the tests: the test seals itself.
    return request.param


def test_the_write_and_the_reads_are_audited(personas, screen, seal_delay) -> None:  # type: ignore[no-untyped-def]
    # given
    entry = police_entry(personas.analis_polri)
    first = screen(personas.petugas_imigrasi)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when
    second = screen(personas.petugas_imigrasi_other, sponsor_phone=SPONSOR_PHONE)
    # then
    entries = list(AuditEntry.objects.filter(id__gt=before).order_by("id"))
    assert [e.action for e in entries] == ["create", "read", "read"]
    by_type = {(e.action, e.object_type): e for e in entries}
    created = by_type[("create", "screening.passportapplication")]
    assert created.object_ids == [str(second.application.pk)]
    assert created.purpose == "penyaringan"
    assert created.actor_label == "imigrasi2"
    assert "nik" in created.detail["fields"]
    assert created.detail["screening_result"] == second.result.pk
    assert created.detail["rule_set"] == second.rule_set_version
    hit_read = by_type[("read", "watchlists.watchlistentry")]
    assert hit_read.object_ids == [str(entry.pk)]
    assert hit_read.purpose == "penyaringan"
    assert hit_read.detail == {"screening": second.application.reference, "as": "hit"}
    event_read = by_type[("read", "screening.passportapplication")]
    assert event_read.object_ids == [str(first.application.pk)]
    assert event_read.detail == {
        "screening": second.application.reference,
        "as": "earlier_event",
    }
    # and the entries join the chain, sealed at once or by the next seal
    assert all((e.sequence is None) == (seal_delay > 0) for e in entries)
    audit_seal()
    assert audit_chain_verify() == (AuditEntry.objects.count(), None)


def test_every_read_comes_first_then_the_record_the_result_its_hits_and_the_audit_together(
    personas, screen, seal_delay
) -> None:  # type: ignore[no-untyped-def]
    police_entry(personas.analis_polri)
    screen(personas.petugas_imigrasi)
    executed: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append(" ".join(sql.split()))
        return execute(sql, params, many, context)

    # when
    with connection.execute_wrapper(record):
        outcome = screen(personas.petugas_imigrasi_other, sponsor_phone=SPONSOR_PHONE)
    # then: every read first, then the writes one after the other
    words = [sql.split()[0].upper() for sql in executed]
    first_write = next(n for n, word in enumerate(words) if word in {"INSERT", "UPDATE", "WITH"})
    assert "SELECT" not in words[first_write:] or seal_delay == 0
    writes = [sql for sql in executed[first_write:] if sql.split()[0].upper() != "RELEASE"]
    tables = [
        "screening_passportapplication",
        "screening_screeningresult",
        "screening_screeninghit",
        "audit_auditentry",
    ]
    if connection.vendor == "postgresql" and seal_delay > 0:
        # One statement, atomic by itself (here in a savepoint of the test's transaction):
        # the ids were drawn from the sequences before.
        assert any("nextval" in sql for sql in executed[:first_write])
        assert len(writes) == 1 and writes[0].startswith("WITH ")
        positions = [writes[0].index(f'INSERT INTO "{name}"') for name in tables]
        assert positions == sorted(positions)
    elif connection.vendor == "postgresql":
        # Sealed at once: the entries are chained under the head's lock after the rows.
        inserts = [sql for sql in writes if sql.startswith("INSERT")]
        assert [next(t for t in tables if t in sql) for sql in inserts] == tables
    else:
        # SQLite: the record's id (in its reference) comes with its insert.
        assert [next(t for t in tables if t in sql) for sql in writes[:5]] == [
            tables[0],
            tables[0],
            tables[1],
            tables[2],
            tables[3],
        ]
    assert outcome.application is not None
    assert outcome.application.reference == (
        f"PP-{timezone.localdate().year}-{outcome.application.pk:06d}"
    )
    assert outcome.hits and outcome.earlier_events


@pytest.mark.django_db(transaction=True)
def test_a_repeated_key_outside_a_transaction_returns_the_first_result(
    personas, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # A request runs in autocommit: the write's own transaction is refused by the unique key.
    settings.AUDIT_SEAL_DELAY = 0.1
    viewer = viewer_of(personas.petugas_imigrasi)
    data = ApplicationInput.from_raw(applicant())
    assert not connection.in_atomic_block
    # when
    first = application_screen(viewer=viewer, data=data, idempotency_key="counter-9-0001")
    again = application_screen(viewer=viewer, data=data, idempotency_key="counter-9-0001")
    # then
    assert (first.replayed, again.replayed) == (False, True)
    assert again.result.pk == first.result.pk
    assert PassportApplication.objects.count() == 1
    assert ScreeningResult.objects.count() == 1
    replay_reads = AuditEntry.objects.filter(action="read", detail__idempotent_replay=True)
    assert [entry.object_ids for entry in replay_reads] == [[str(first.application.pk)]]


def test_if_the_audit_entries_cannot_be_written_nothing_of_the_screening_is_kept(
    personas, screen, seal_delay, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce the length of a text column, which fails it here")
    real_items = services._audit_items

    def too_long(*arguments):  # type: ignore[no-untyped-def]
        items = real_items(*arguments)
        return [dataclasses.replace(items[0], object_type="x" * 101), *items[1:]]

    monkeypatch.setattr(services, "_audit_items", too_long)
    counts = (PassportApplication.objects.count(), ScreeningResult.objects.count())
    audited = AuditEntry.objects.count()
    # when
    with pytest.raises(DataError):
        screen(personas.petugas_imigrasi)
    # then
    assert (PassportApplication.objects.count(), ScreeningResult.objects.count()) == counts
    assert AuditEntry.objects.count() == audited


def test_a_screening_with_hits_and_earlier_events_takes_a_bounded_number_of_queries(
    personas, screen, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    # given: a police entry on the sponsor's phone and an earlier application of the person
    police_entry(personas.analis_polri)
    screen(personas.petugas_imigrasi)
    before = AuditEntry.objects.count()
    # when: one lock of the chain head serves every audit entry of the screening
    with django_assert_max_num_queries(QUERIES_PER_SCREENING):
        outcome = screen(personas.petugas_imigrasi_other, sponsor_phone=SPONSOR_PHONE)
    # then
    assert outcome.hits and outcome.earlier_events
    assert AuditEntry.objects.count() == before + 3
