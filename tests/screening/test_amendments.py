"""Correcting and voiding an application or a departure check: who may, what is kept, what
the screening index and the other offices' screenings see afterwards."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.audit.models import AuditAction, AuditEntry
from benteng.people.index import screening_index_reset
from benteng.people.sources import EVENTS
from benteng.people.store import IndexStore
from benteng.screening import queries
from benteng.screening.amendments import (
    AmendmentInvalid,
    AmendmentRefused,
    record_correct,
    record_void,
)
from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.decisions import DecisionInvalid, application_decide, departure_decide
from benteng.screening.identity_sources import APPLICATIONS
from benteng.screening.models import (
    AmendmentKind,
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureOutcome,
    PassportApplication,
    RecordAmendment,
)
from benteng.screening.selectors import application_result
from benteng.screening.services import application_screen, departure_screen, record_rescreen
from benteng.watchlists.models import WatchlistEntry
from tests.conftest import verified_client
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make
from tests.screening.test_services_support import SITI_NIK, applicant, police_entry, viewer_of

pytestmark = pytest.mark.django_db

TYPO = "Siti Nurhalija binti Ahmad"
CORRECT_NAME = "Siti Nurhaliza binti Ahmad"


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def screen(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(user, **values):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            outcome = application_screen(
                viewer=viewer_of(user), data=ApplicationInput.from_raw(applicant(**values))
            )
        return outcome

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run a write and what waits for its commit (the index update), as a request would."""

    def run(write, **arguments):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return write(**arguments)

    return run


def _identity(application: PassportApplication) -> dict[str, str]:
    return {
        "full_name": application.full_name,
        "nik": application.nik,
        "birth_date": application.birth_date.strftime("%d-%m-%Y") if application.birth_date else "",
        "sex": application.sex,
        "birth_place": application.birth_place,
        "passport_no": application.passport_no,
        "address": application.address,
        "phone": application.phone,
    }


# --- corrections ---------------------------------------------------------------------------


def test_a_correction_keeps_the_earlier_value_names_the_officer_and_is_audited(personas):
    # given: placed where its NIK's kecamatan is, as a screening places it
    application = application_make(full_name=TYPO, region_code="36.03.07")
    officer = viewer_of(personas.petugas_imigrasi)
    # when
    amendment = record_correct(
        viewer=officer,
        record=application,
        values={**_identity(application), "full_name": f"  {CORRECT_NAME} "},
        reason="Salah ketik, sesuai KTP",
    )
    # then
    application.refresh_from_db()
    assert application.full_name == CORRECT_NAME
    assert amendment.kind == AmendmentKind.CORRECTION
    assert amendment.changes == [{"field": "full_name", "before": TYPO, "after": CORRECT_NAME}]
    assert amendment.amended_by == personas.petugas_imigrasi
    assert amendment.reason == "Salah ketik, sesuai KTP"
    written = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_ids=[str(application.pk)])
    assert written.get().detail["fields"] == ["full_name"]
    assert AuditEntry.objects.filter(
        object_type="screening.recordamendment", object_ids=[str(amendment.pk)]
    ).exists()


def test_the_index_takes_the_corrected_identity(personas, screen, committed):
    # given: Tangerang typed the wrong NIK and name
    first = screen(personas.petugas_imigrasi, full_name="Rina Marlina", nik="3603075708960007")
    record = first.application
    # when: corrected to the person's real identity
    committed(
        record_correct,
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values={**_identity(record), "full_name": CORRECT_NAME, "nik": "3603075408960007"},
        reason="Data tertukar dengan pemohon sebelumnya",
    )
    # then: Serang screening the real person finds Tangerang's application
    second = screen(personas.petugas_imigrasi_other, full_name=CORRECT_NAME)
    assert [event.office_code for event in second.earlier_events] == ["kanim-tangerang"]


def test_a_bad_correction_says_what_is_wrong_and_changes_nothing(personas):
    # given
    application = application_make(full_name=TYPO)
    before = _identity(application)
    # when
    with pytest.raises(AmendmentInvalid) as refused:
        record_correct(
            viewer=viewer_of(personas.petugas_imigrasi),
            record=application,
            values={**before, "full_name": "", "nik": "12345"},
            reason=" ",
        )
    # then
    errors = refused.value.errors
    assert set(errors) == {"full_name", "nik", "reason"}
    assert errors["reason"] == ["Tuliskan alasannya."]
    application.refresh_from_db()
    assert _identity(application) == before
    assert not RecordAmendment.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(personas):
    application = application_make()
    with pytest.raises(AmendmentInvalid) as refused:
        record_correct(
            viewer=viewer_of(personas.petugas_imigrasi),
            record=application,
            values=_identity(application),
            reason="periksa",
        )
    assert "Tidak ada yang berubah" in refused.value.errors["__all__"][0]


@pytest.mark.parametrize(
    "persona",
    ["petugas_imigrasi_other", "analis_imigrasi", "petugas_tpi", "penyidik", "admin"],
    ids=["other-kanim", "analyst", "tpi", "police", "admin"],
)
def test_only_the_office_that_entered_it_corrects_or_voids_an_application(personas, persona):
    # given: an application of Kanim Tangerang, visible to police too
    application = application_make(full_name=TYPO, police_visible=True)
    viewer = viewer_of(getattr(personas, persona))
    # when / then
    with pytest.raises(AmendmentRefused):
        record_correct(
            viewer=viewer,
            record=application,
            values={**_identity(application), "full_name": CORRECT_NAME},
            reason="x",
        )
    with pytest.raises(AmendmentRefused):
        record_void(viewer=viewer, record=application, reason="x")
    application.refresh_from_db()
    assert (application.full_name, application.status) == (TYPO, ApplicationStatus.SCREENED)


def test_a_correction_also_corrects_the_delay_entry_on_the_shared_watchlist(personas):
    # given: a postponed application put its person on the immigration decisions list
    application = application_make(full_name=TYPO)
    officer = viewer_of(personas.petugas_imigrasi)
    application_decide(
        viewer=officer,
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    # when
    record_correct(
        viewer=officer,
        record=application,
        values={**_identity(application), "full_name": CORRECT_NAME},
        reason="Salah ketik",
    )
    # then
    entry = WatchlistEntry.objects.get(source_reference=application.reference)
    assert entry.full_name == CORRECT_NAME


# --- voids ---------------------------------------------------------------------------------


def test_a_voided_application_is_no_longer_an_earlier_event(personas, screen, committed):
    # given: a duplicate entered by mistake at Tangerang
    duplicate = screen(personas.petugas_imigrasi).application
    # when
    amendment = committed(
        record_void,
        viewer=viewer_of(personas.petugas_imigrasi),
        record=duplicate,
        reason="Data ganda",
    )
    # then: it stays, marked void with who and why, and no one's screening shows it
    duplicate.refresh_from_db()
    assert duplicate.status == ApplicationStatus.VOID
    assert (amendment.kind, amendment.reason) == (AmendmentKind.VOID, "Data ganda")
    assert amendment.changes == [
        {"field": "status", "before": ApplicationStatus.SCREENED, "after": ApplicationStatus.VOID}
    ]
    assert screen(personas.petugas_imigrasi_other).earlier_events == []


def test_a_voided_record_leaves_every_process_s_index_at_its_refresh(personas):
    # given: another process's index, built before the void (no hook reaches it)
    application = application_make()
    store = IndexStore.from_database()
    assert APPLICATIONS.key(application.pk) in store.parts[EVENTS]
    # when
    record_void(viewer=viewer_of(personas.petugas_imigrasi), record=application, reason="Ganda")
    store.refresh(reconcile=False)
    # then
    assert APPLICATIONS.key(application.pk) not in store.parts[EVENTS]


def test_a_voided_application_cannot_be_decided_or_voided_again(personas):
    application = application_make(status=ApplicationStatus.POSTPONED)
    officer = viewer_of(personas.petugas_imigrasi)
    record_void(viewer=officer, record=application, reason="Salah orang")
    with pytest.raises(DecisionInvalid):
        application_decide(
            viewer=officer,
            application=application,
            outcome=DecisionOutcome.ISSUE,
            reason=DecisionReason.DOCUMENTS_COMPLETE,
        )
    with pytest.raises(AmendmentInvalid):
        record_void(viewer=officer, record=application, reason="lagi")
    with pytest.raises(AmendmentInvalid):
        record_correct(viewer=officer, record=application, values={}, reason="lagi")
    assert RecordAmendment.objects.count() == 1


def test_voiding_withdraws_the_delay_entry_it_caused(personas):
    # given
    application = application_make()
    officer = viewer_of(personas.petugas_imigrasi)
    application_decide(
        viewer=officer,
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    # when
    record_void(viewer=officer, record=application, reason="Data ganda")
    # then: kept for the record, no longer in force
    entry = WatchlistEntry.objects.get(source_reference=application.reference)
    assert entry.removed_at is not None
    assert "Data ganda" in entry.removal_reason


def test_a_voided_duplicate_does_not_count_in_the_group_pattern(personas):
    # given: two applicants naming the same sponsor, one entered twice by mistake
    application_make(full_name="Ani", sponsor_name="Haji Mamat")
    duplicate = application_make(full_name="Ina", sponsor_name="Haji Mamat")
    PassportApplication.objects.filter(sponsor_name="Haji Mamat").update(sponsor_key="mamat")
    record_void(viewer=viewer_of(personas.petugas_imigrasi), record=duplicate, reason="Ganda")
    # when
    count = queries.same_sponsor_count(
        sponsor_key="mamat",
        sponsor_phone="",
        since=timezone.now() - datetime.timedelta(days=1),
        other_than_nik="",
    )
    # then
    assert count == 1


def test_a_departure_check_is_corrected_and_voided_by_its_own_tpi(personas):
    # given
    check = departure_make()
    officer = viewer_of(personas.petugas_tpi)
    # when
    record_correct(
        viewer=officer,
        record=check,
        values={"full_name": check.full_name, "passport_no": "C1234999"},
        reason="Nomor paspor salah ketik",
    )
    record_void(viewer=officer, record=check, reason="Penumpang salah dipindai")
    # then
    check.refresh_from_db()
    assert check.passport_no == "C1234999"
    assert check.outcome == DepartureOutcome.VOID
    with pytest.raises(DecisionInvalid):
        departure_decide(
            viewer=officer, check=check, outcome=DepartureOutcome.ALLOW, flight_number="GA 880"
        )
    with pytest.raises(AmendmentRefused):
        record_void(viewer=viewer_of(personas.analis_imigrasi), record=check, reason="x")


# --- the pages -----------------------------------------------------------------------------


def test_the_record_page_shows_the_correction_and_the_void_to_every_reader(personas, committed):
    # given: corrected, then voided, by Tangerang
    application = application_make(full_name=TYPO)
    officer = viewer_of(personas.petugas_imigrasi)
    record_correct(
        viewer=officer,
        record=application,
        values={**_identity(application), "full_name": CORRECT_NAME},
        reason="Salah ketik nama",
    )
    record_void(viewer=officer, record=application, reason="Ternyata data ganda")
    url = reverse("screening:application_detail", args=[application.pk])
    for persona in ("petugas_imigrasi", "analis_imigrasi"):
        # when
        page = verified_client(getattr(personas, persona)).get(url).content.decode()
        # then
        assert "Data ini dibatalkan" in page
        assert "Ternyata data ganda" in page
        assert f"dari “{TYPO}” menjadi “{CORRECT_NAME}”" in page
        assert "Salah ketik nama" in page
    # the readers' reading of the earlier values is audited
    assert AuditEntry.objects.filter(
        action=AuditAction.READ,
        object_type="screening.recordamendment",
        actor=personas.analis_imigrasi,
    ).exists()
    # another office still does not see the record at all
    assert verified_client(personas.petugas_imigrasi_other).get(url).status_code == 404


def test_the_amend_page_is_for_the_entering_office_only(personas):
    application = application_make()
    check = departure_make()
    application_url = reverse("screening:application_amend", args=[application.pk])
    check_url = reverse("screening:departure_amend", args=[check.pk])
    assert verified_client(personas.petugas_imigrasi).get(application_url).status_code == 200
    assert verified_client(personas.petugas_tpi).get(check_url).status_code == 200
    assert verified_client(personas.analis_imigrasi).get(application_url).status_code == 403
    assert verified_client(personas.analis_imigrasi).get(check_url).status_code == 403
    other_kanim = application_make(office_code=KANIM_SERANG)
    other_url = reverse("screening:application_amend", args=[other_kanim.pk])
    assert verified_client(personas.petugas_imigrasi).get(other_url).status_code == 404
    assert verified_client(personas.pimpinan).get(application_url).status_code == 403


def test_a_bad_correction_on_the_page_keeps_what_was_typed(personas):
    # given
    application = application_make(full_name=TYPO)
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_amend", args=[application.pk])
    # when
    response = client.post(
        url,
        {
            **_identity(application),
            "nik": "36030754089",
            "full_name": "Siti Baru",
            "action": "koreksi",
            "reason": "Salah ketik",
        },
    )
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Siti Baru"' in page
    assert "NIK" in page and "16 digit" in page
    application.refresh_from_db()
    assert application.full_name == TYPO


def test_voiding_on_the_page_without_a_reason_is_refused(personas):
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_amend", args=[application.pk])
    response = client.post(url, {"action": "batal", "batal-reason": ""})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCREENED
    # with a reason
    response = client.post(url, {"action": "batal", "batal-reason": "Data ganda"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.VOID


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("petugas_imigrasi", True),
        ("analis_imigrasi", True),
        ("petugas_imigrasi_other", False),
        ("petugas_tpi", False),
        ("penyidik", False),
        ("pimpinan", False),
        ("admin", False),
    ],
)
def test_an_amendment_is_seen_by_exactly_the_readers_of_its_record(personas, persona, sees):
    # given: a correction of a Tangerang application not referred to police
    application = application_make(full_name=TYPO)
    record_correct(
        viewer=viewer_of(personas.petugas_imigrasi),
        record=application,
        values={**_identity(application), "full_name": CORRECT_NAME},
        reason="Salah ketik",
    )
    # when
    visible = RecordAmendment.objects.visible_to(viewer_of(getattr(personas, persona)))
    # then
    assert visible.exists() is sees


def test_a_voided_departure_check_shows_its_void_and_offers_no_decision(personas):
    # given
    check = departure_make()
    record_void(viewer=viewer_of(personas.petugas_tpi), record=check, reason="Terpindai dua kali")
    url = reverse("screening:departure_detail", args=[check.pk])
    # when
    page = verified_client(personas.petugas_tpi).get(url).content.decode()
    # then
    assert "Terpindai dua kali" in page
    assert 'data-testid="void-mark"' in page
    assert 'name="outcome"' not in page
    assert 'data-testid="amend-link"' not in page
    # a decision posted anyway changes nothing
    response = verified_client(personas.petugas_tpi).post(
        url, {"outcome": DepartureOutcome.ALLOW, "flight_number": "GA 880"}
    )
    assert response.status_code == 200
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.VOID


# --- a correction screens again ------------------------------------------------------------


def test_a_correction_that_reveals_a_hit_screens_again_and_shows_the_hit(
    personas, screen, committed
):
    # given: the police list the applicant; the counter typed her NIK and name wrong
    wanted = committed(
        police_entry,
        analyst=personas.analis_polri,
        full_name=CORRECT_NAME,
        nik=SITI_NIK,
        birth_date="14-08-1996",
        phone="",
    )
    first = screen(
        personas.petugas_imigrasi,
        full_name="Rina Marlina",
        nik="3601014101900001",
        birth_date="01-01-1990",
        observations=["passport_held_by_other"],
    )
    record = first.application
    assert first.hits == []
    assert not record.police_visible
    old = record.screenings.get()
    # when: the officer corrects the identity
    amendment = committed(
        record_correct,
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values={
            **_identity(record),
            "full_name": CORRECT_NAME,
            "nik": SITI_NIK,
            "birth_date": "14-08-1996",
        },
        reason="Salah ketik, sesuai KTP",
    )
    # then: a new screening of the corrected identity shows the hit, and the police see it
    shown = application_result(viewer_of(personas.petugas_imigrasi), record.pk)
    assert [hit.id for hit in shown.hits] == [wanted.pk]
    assert shown.result.amendment == amendment
    record.refresh_from_db()
    assert record.police_visible
    # and the hit is a row of the new result, whose entry's owner answers for the record
    assert list(shown.result.hit_entries.values_list("entry_id", flat=True)) == [wanted.pk]
    # and the facts the officer stated then are stated again
    codes = {indicator["code"] for indicator in shown.result.indicators}
    assert "trafficking_control_indicators" in codes
    # and the earlier result is kept as the officer saw it
    kept = record.screenings.get(pk=old.pk)
    assert kept.hits == [] and kept.amendment is None
    assert record.screenings.count() == 2
    # and the new screening is audited with the hit it read
    assert AuditEntry.objects.filter(
        object_type="screening.screeningresult",
        object_ids=[str(shown.result.pk)],
        detail__correction=amendment.pk,
    ).exists()
    assert AuditEntry.objects.filter(
        object_type="watchlists.watchlistentry",
        object_ids=[str(wanted.pk)],
        detail__screening=record.reference,
    ).exists()


def test_screening_again_for_the_same_correction_makes_no_second_result(personas, screen):
    # given: a corrected application
    record = screen(personas.petugas_imigrasi, full_name=TYPO).application
    amendment = record_correct(
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values={**_identity(record), "full_name": CORRECT_NAME},
        reason="Salah ketik",
    )
    made = record.screenings.get(amendment=amendment)
    # when: the re-screening runs again for that correction
    again = record_rescreen(
        viewer=viewer_of(personas.petugas_imigrasi), record=record, amendment=amendment
    )
    # then: the same result, nothing more written
    assert again.result.pk == made.pk
    assert record.screenings.count() == 2


def test_a_corrected_record_is_not_its_own_earlier_event(personas, screen):
    # given: an application under a mistyped name
    record = screen(personas.petugas_imigrasi, full_name=TYPO).application
    # when: the name is corrected (the index still holds the record under the old name)
    record_correct(
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values={**_identity(record), "full_name": CORRECT_NAME},
        reason="Salah ketik",
    )
    # then: the new screening does not find the record itself
    latest = record.screenings.order_by("-created_at", "-pk").first()
    assert latest.amendment is not None
    assert latest.earlier_events == []


def test_a_refused_correction_and_a_void_do_not_screen_again(personas, screen):
    # given
    record = screen(personas.petugas_imigrasi, full_name=TYPO).application
    officer = viewer_of(personas.petugas_imigrasi)
    # when: a correction that changes nothing, then a void
    with pytest.raises(AmendmentInvalid):
        record_correct(viewer=officer, record=record, values=_identity(record), reason="Cek")
    record_void(viewer=officer, record=record, reason="Duplikat")
    # then: the one screening made at the counter
    assert record.screenings.count() == 1


def test_a_corrected_record_is_not_hit_by_the_delay_it_caused(personas, screen, committed):
    # given: a postponed application put its person on the immigration decisions list
    record = screen(personas.petugas_imigrasi, full_name=TYPO).application
    officer = viewer_of(personas.petugas_imigrasi)
    committed(
        application_decide,
        viewer=officer,
        application=record,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    own = WatchlistEntry.objects.get(source_reference=record.reference)
    # when: the name is corrected
    committed(
        record_correct,
        viewer=officer,
        record=record,
        values={**_identity(record), "full_name": CORRECT_NAME},
        reason="Salah ketik",
    )
    # then: screened again, the person is not a hit of their own delay
    shown = application_result(officer, record.pk)
    assert shown.result.amendment is not None
    assert own.pk not in [hit.id for hit in shown.hits]


def test_a_corrected_departure_check_is_screened_again_and_its_page_lists_both(personas):
    # given: a passenger checked at the TPI under a mistyped passport number
    officer = viewer_of(personas.petugas_tpi)
    check = departure_screen(
        viewer=officer,
        data=DepartureInput.from_raw({"passport_no": "C1234990", "full_name": CORRECT_NAME}),
    ).record
    # when
    amendment = record_correct(
        viewer=officer,
        record=check,
        values={"full_name": check.full_name, "passport_no": "C1234999"},
        reason="Nomor paspor salah ketik",
    )
    # then: screened again, the first result kept; the page lists both
    assert check.screenings.count() == 2
    assert check.screenings.filter(amendment=amendment).exists()
    page = verified_client(personas.petugas_tpi).get(
        reverse("screening:departure_detail", args=[check.pk])
    )
    assert "disaring ulang setelah koreksi" in page.content.decode()


def test_a_correction_that_clears_a_hit_leaves_the_record_with_the_police(
    personas, screen, committed
):
    # given: the applicant hit a police list under the identity typed, so the police see it
    wanted = committed(
        police_entry,
        analyst=personas.analis_polri,
        full_name=CORRECT_NAME,
        nik=SITI_NIK,
        birth_date="14-08-1996",
        phone="",
    )
    record = screen(personas.petugas_imigrasi, full_name=CORRECT_NAME).application
    assert [
        hit.id for hit in application_result(viewer_of(personas.petugas_imigrasi), record.pk).hits
    ] == [wanted.pk]
    assert record.police_visible
    # when: the identity was another person's
    committed(
        record_correct,
        viewer=viewer_of(personas.petugas_imigrasi),
        record=record,
        values={
            **_identity(record),
            "full_name": "Rina Marlina",
            "nik": "3601014101900001",
            "birth_date": "01-01-1990",
        },
        reason="Data tertukar",
    )
    # then: the new screening has no hit, the first one is kept, the police still see it
    shown = application_result(viewer_of(personas.petugas_imigrasi), record.pk)
    assert shown.hits == []
    record.refresh_from_db()
    assert record.police_visible
