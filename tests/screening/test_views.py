"""The screening pages: counter, result, interview and decision, lists and the TPI check."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.people.index import screening_index_reset
from benteng.screening.decisions import application_decide
from benteng.screening.models import (
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)
from benteng.watchlists.models import WatchlistEntry
from benteng.watchlists.services import IMMIGRATION_DECISION_LIST_CODE
from tests.conftest import verified_client
from tests.screening.flow_factories import (
    KANIM_SERANG,
    application_make,
    departure_make,
    nik_for,
)

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1997, 5, 21)
APPLICANT = {
    "nik": nik_for(BIRTH, female=True),
    "full_name": "Nur Aini",
    "birth_date": "21-05-1997",
    "birth_place": "Tangerang",
    "sex": "P",
    "address": "Kp. Kelor RT 002/RW 001",
    "kecamatan": "36.03.07",
    "phone": "0813-1111-2222",
    "purpose": "wisata",
    "destination_country": "SA",
    "sponsor_name": "Pak Darto",
    "sponsor_phone": "0812-5555-6666",
    "documents": ["tiket_pulang"],
}


@pytest.fixture(autouse=True)
def fresh_index():  # type: ignore[no-untyped-def]
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def post(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """POST and run what waits for the commit (index updates), as a real request would."""

    def run(client, url, data):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return run


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, persona",
    [
        ("screening:counter", "petugas_tpi"),
        ("screening:counter", "analis_imigrasi"),
        ("screening:counter", "penyidik"),
        ("screening:counter", "pic_desa"),
        ("screening:desa_options", "pimpasa"),
        ("screening:applications", "petugas_tpi"),
        ("screening:applications", "pimpasa"),
        ("screening:applications", "bhabinkamtibmas"),
        ("screening:applications", "pimpinan"),
        ("screening:departure_check", "petugas_imigrasi"),
        ("screening:departure_check", "penyidik"),
        ("screening:departure_check", "pic_desa"),
    ],
)
def test_pages_refuse_roles_that_do_not_use_them(personas, url_name, persona):
    client = verified_client(getattr(personas, persona))
    assert client.get(reverse(url_name)).status_code == 403


def test_pages_need_a_signed_in_user(client):
    for url_name in ("screening:counter", "screening:applications", "screening:departure_check"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert "/masuk/" in response["Location"]


def test_application_of_another_kanim_is_not_found(personas):
    application = application_make(office_code=KANIM_SERANG)
    client = verified_client(personas.petugas_imigrasi)
    detail = reverse("screening:application_detail", args=[application.pk])
    decision = reverse("screening:application_decision", args=[application.pk])
    assert client.get(detail).status_code == 404
    assert client.get(decision).status_code == 404
    assert client.get(reverse("screening:application_detail", args=[99999999])).status_code == 404


def test_police_see_only_applications_referred_or_hit(personas):
    hidden = application_make(full_name="Tidak Dirujuk")
    referred = application_make(full_name="Sudah Dirujuk", police_visible=True)
    client = verified_client(personas.penyidik)
    listing = _text(client.get(reverse("screening:applications")))
    assert "Sudah Dirujuk" in listing
    assert "Tidak Dirujuk" not in listing
    assert client.get(reverse("screening:application_detail", args=[hidden.pk])).status_code == 404
    assert (
        client.get(reverse("screening:application_detail", args=[referred.pk])).status_code == 200
    )
    # police read, they do not decide
    decide = reverse("screening:application_decision", args=[referred.pk])
    assert client.get(decide).status_code == 403


def test_analyst_may_read_but_not_decide(personas):
    application = application_make()
    client = verified_client(personas.analis_imigrasi)
    assert (
        client.get(reverse("screening:application_detail", args=[application.pk])).status_code
        == 200
    )
    decide = reverse("screening:application_decision", args=[application.pk])
    assert client.get(decide).status_code == 403


def test_departure_check_of_another_office_is_not_found(personas):
    check = departure_make()
    client = verified_client(personas.penyidik)
    assert client.get(reverse("screening:departure_detail", args=[check.pk])).status_code == 404
    officer = verified_client(personas.petugas_imigrasi)
    assert officer.get(reverse("screening:departure_detail", args=[check.pk])).status_code == 403


# --- the counter ---------------------------------------------------------------------------


def test_counter_screens_and_shows_the_result(personas, post):
    # given
    client = verified_client(personas.petugas_imigrasi)
    form = client.get(reverse("screening:counter"))
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', _text(form)).group(1)
    # when
    response = post(client, reverse("screening:counter"), {**APPLICANT, "idempotency_key": key})
    # then
    assert response.status_code == 302
    application = PassportApplication.objects.get(full_name="Nur Aini")
    assert response["Location"] == reverse("screening:application_detail", args=[application.pk])
    assert application.entered_by == personas.petugas_imigrasi
    page = _text(client.get(response["Location"]))
    assert "Skor risiko" in page
    assert "Indikator risiko" in page
    assert "Tanyakan:" in page  # the questions the indicators suggest
    assert "Kepmenaker 260/2015" in page  # SA is under the domestic-work moratorium
    assert "Dokumen untuk tujuan" in page
    assert "NIK" in page and "sah dan sesuai" in page
    # a double submit with the same key screens once
    again = post(client, reverse("screening:counter"), {**APPLICANT, "idempotency_key": key})
    assert again["Location"] == response["Location"]
    assert PassportApplication.objects.filter(full_name="Nur Aini").count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("birth_date", "31-02-1997", "tidak ada di kalender"),
        ("birth_date", "1997/31/31", "harus ditulis HH-BB-TTTT"),
        ("birth_date", "21-05-2099", "masa depan"),
        ("nik", "3603071234", "NIK harus 16 digit angka; yang tertulis 10 digit"),
        ("nik", "36030761059700AB", "berisi huruf atau tanda lain"),
        ("passport_no", "C12-!", "harus 6-12 huruf atau angka"),
        ("phone", "12ab", "bukan nomor Indonesia yang sah"),
    ],
    ids=[
        "impossible-date",
        "date-shape",
        "future-date",
        "nik-short",
        "nik-letters",
        "passport",
        "phone",
    ],
)
def test_counter_keeps_everything_typed_and_explains_in_indonesian(personas, field, value, message):
    # given
    client = verified_client(personas.petugas_imigrasi)
    data = {**APPLICANT, field: value, "desa_code": "36.03.07.2001"}
    # when
    response = client.post(reverse("screening:counter"), data)
    # then
    assert response.status_code == 200
    page = _text(response)
    assert "Periksa isian yang ditandai" in page
    assert message in page
    assert f'value="{value}"' in page
    assert 'value="Nur Aini"' in page
    assert 'value="Pak Darto"' in page
    assert re.search(r'value="tiket_pulang"[^>]*checked', page)
    assert re.search(r'value="36.03.07.2001"[^>]*selected', page)  # the desa list survives
    assert not PassportApplication.objects.filter(full_name="Nur Aini").exists()


def test_counter_reports_every_missing_field_at_once(personas):
    client = verified_client(personas.petugas_imigrasi)
    page = _text(client.post(reverse("screening:counter"), {"full_name": "Nur Aini"}))
    for expected in (
        "NIK wajib diisi",
        "Tanggal lahir wajib diisi",
        "Jenis kelamin wajib diisi",
        "Tujuan perjalanan wajib diisi",
        "Negara tujuan wajib diisi",
    ):
        assert expected in page


def test_desa_options_follow_the_kecamatan(personas):
    client = verified_client(personas.petugas_imigrasi)
    response = client.get(reverse("screening:desa_options"), {"kecamatan": "36.03.07"})
    assert response.status_code == 200
    assert 'value="36.03.07.2001"' in _text(response)
    empty = client.get(reverse("screening:desa_options"), {"kecamatan": "x"})
    assert "<option" in _text(empty) and "36.03" not in _text(empty)


# --- interview and decision ----------------------------------------------------------------


def _decision_data(**values):  # type: ignore[no-untyped-def]
    data = {
        "kontak-TOTAL_FORMS": "4",
        "kontak-INITIAL_FORMS": "0",
        "kontak-MIN_NUM_FORMS": "0",
        "kontak-MAX_NUM_FORMS": "20",
        "outcome": DecisionOutcome.POSTPONE,
        "reason": DecisionReason.DOCUMENTS_MISSING,
        "due_date": "",
        "note": "Surat jaminan kerabat belum ada.",
    }
    data.update(values)
    return data


def test_decision_page_records_answers_contacts_and_names_the_officer(personas, post):
    # given
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    page = _text(client.get(url))
    assert "Siapa yang membiayai perjalanan Anda?" in page
    # when
    response = post(
        client,
        url,
        _decision_data(
            **{
                "jawaban-0": "Dibiayai Pak Darto",
                "kontak-0-relation": "sponsor",
                "kontak-0-name": "Pak Darto",
                "kontak-0-phone": "0812-5555-6666",
                "kontak-1-relation": "pendamping",
                "kontak-1-name": "Euis",
            }
        ),
    )
    # then
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.POSTPONED
    assert application.postponed_until == timezone.localdate() + datetime.timedelta(days=30)
    assert application.interview_answers == {
        "Siapa yang membiayai perjalanan Anda?": "Dibiayai Pak Darto"
    }
    assert application.contacts.count() == 2
    decision = application.decisions.get()
    assert decision.decided_by == personas.petugas_imigrasi
    detail = _text(client.get(response["Location"]))
    assert personas.petugas_imigrasi.full_name in detail
    assert "Keputusan tersimpan." in detail
    entry = WatchlistEntry.objects.get(
        watchlist__code=IMMIGRATION_DECISION_LIST_CODE, source_reference=application.reference
    )
    assert entry.instruction.startswith("Pemohon ditunda di")


def test_decision_form_keeps_input_on_error(personas):
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    response = client.post(
        url,
        _decision_data(
            due_date="30-02-2030",
            note="Catatan yang diketik",
            **{
                "jawaban-0": "Jawaban yang diketik",
                "kontak-0-relation": "sponsor",
                "kontak-0-name": "Pak Darto",
                "kontak-0-phone": "99x",
            },
        ),
    )
    page = _text(response)
    assert response.status_code == 200
    assert "tidak ada di kalender" in page
    assert "bukan nomor Indonesia yang sah" in page
    assert "Catatan yang diketik" in page
    assert "Jawaban yang diketik" in page
    assert 'value="Pak Darto"' in page
    assert not application.decisions.exists()


def test_due_date_in_the_past_is_refused_in_indonesian(personas):
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.post(
        reverse("screening:application_decision", args=[application.pk]),
        _decision_data(due_date=yesterday),
    )
    assert response.status_code == 200
    assert "harus setelah hari ini" in _text(response)


def test_redecision_of_a_postponed_application(personas, post):
    application = application_make()
    officer = Viewer.for_user(personas.petugas_imigrasi)
    application_decide(
        viewer=officer,
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
    )
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    assert "Keputusan ulang" in _text(client.get(url))
    response = post(
        client,
        url,
        _decision_data(outcome=DecisionOutcome.ISSUE, reason=DecisionReason.DOCUMENTS_COMPLETE),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ISSUED
    # decided: the decision page sends the officer back to the detail
    assert client.get(url).status_code == 302


def test_lapsed_decision_is_shown_as_the_systems(personas):
    from benteng.screening.decisions import postponements_lapse_overdue

    application = application_make(
        status=ApplicationStatus.POSTPONED,
        postponed_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    postponements_lapse_overdue()
    client = verified_client(personas.petugas_imigrasi)
    page = _text(client.get(reverse("screening:application_detail", args=[application.pk])))
    assert "Sistem (batas waktu lewat)" in page
    assert "Gugur" in page


# --- lists ---------------------------------------------------------------------------------


def test_list_filters_postponements_due_soon_and_overdue(personas):
    today = timezone.localdate()
    application_make(
        full_name="Jatuh Tempo",
        status=ApplicationStatus.POSTPONED,
        postponed_until=today + datetime.timedelta(days=3),
    )
    application_make(
        full_name="Sudah Lewat",
        status=ApplicationStatus.POSTPONED,
        postponed_until=today - datetime.timedelta(days=3),
    )
    application_make(
        full_name="Masih Lama",
        status=ApplicationStatus.POSTPONED,
        postponed_until=today + datetime.timedelta(days=25),
    )
    application_make(full_name="Kanim Lain", office_code=KANIM_SERANG)
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:applications")
    everything = _text(client.get(url))
    assert "Jatuh Tempo" in everything and "Masih Lama" in everything
    assert "Kanim Lain" not in everything
    soon = _text(client.get(url, {"due": "segera"}))
    assert "Jatuh Tempo" in soon and "Sudah Lewat" not in soon and "Masih Lama" not in soon
    overdue = _text(client.get(url, {"due": "lewat"}))
    assert "Sudah Lewat" in overdue and "Jatuh Tempo" not in overdue
    refused = _text(client.get(url, {"status": "ditolak"}))
    assert "Tidak ada permohonan yang cocok." in refused


def test_list_page_query_count_does_not_grow_with_rows(personas, django_assert_max_num_queries):
    for number in range(12):
        application_make(full_name=f"Pemohon {number}")
    client = verified_client(personas.petugas_imigrasi)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("screening:applications"))
    assert response.status_code == 200


# --- the TPI -------------------------------------------------------------------------------


def test_tpi_page_is_keyboard_first(personas):
    client = verified_client(personas.petugas_tpi)
    page = _text(client.get(reverse("screening:departure_check")))
    assert re.search(r'name="passport_no"[^>]*autofocus', page) or re.search(
        r'autofocus[^>]*name="passport_no"', page
    )
    assert 'accesskey="p"' in page


def test_tpi_check_flags_a_delayed_applicant_and_records_the_delay(personas, post):
    # given: an applicant postponed at the counter
    application = application_make(full_name="Nur Aini", birth_date=BIRTH, female=True)
    application_decide(
        viewer=Viewer.for_user(personas.petugas_imigrasi),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.NON_PROCEDURAL_PMI,
        note="Mengaku wisata.",
    )
    client = verified_client(personas.petugas_tpi)
    # when
    response = post(
        client,
        reverse("screening:departure_check"),
        {
            "passport_no": "C7654321",
            "full_name": "Nur Aini",
            "birth_date": "21-05-1997",
            "flight_number": "QZ 7510",
        },
    )
    # then
    assert response.status_code == 302
    check = DepartureCheck.objects.get(passport_no="C7654321")
    page = _text(client.get(response["Location"]))
    assert "PERHATIAN" in page
    assert "Pemohon ditunda di" in page  # the instruction of the automatic watchlist
    # the first (default) button delays a flagged passenger
    buttons = re.findall(r'<button type="submit" name="outcome" value="([a-z_]+)"', page)
    assert buttons[0] == DepartureOutcome.DELAY
    for key in ("i", "t", "s", "f"):  # allow, delay, hand over, flight number
        assert f'accesskey="{key}"' in page
    # when: the officer presses Enter (the default button) with a flight number
    decided = post(
        client,
        response["Location"],
        {"outcome": DepartureOutcome.DELAY, "flight_number": "QZ7510", "note": "Mengaku wisata"},
    )
    # then
    assert decided.status_code == 302
    assert decided["Location"] == reverse("screening:departure_check")
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.DELAY
    assert check.checked_by == personas.petugas_tpi
    assert check.decided_by == personas.petugas_tpi


def test_tpi_check_keeps_input_and_explains_bad_passport_number(personas):
    client = verified_client(personas.petugas_tpi)
    response = client.post(
        reverse("screening:departure_check"),
        {"passport_no": "AB-1", "full_name": "Nur Aini", "birth_date": "32-01-1997"},
    )
    page = _text(response)
    assert response.status_code == 200
    assert "Nomor paspor “AB-1” tidak sah" in page
    assert "tidak ada di kalender" in page
    assert 'value="Nur Aini"' in page
    assert 'value="AB-1"' in page


def test_tpi_decision_rejects_a_malformed_flight_number(personas):
    check = departure_make()
    client = verified_client(personas.petugas_tpi)
    response = client.post(
        reverse("screening:departure_detail", args=[check.pk]),
        {"outcome": DepartureOutcome.ALLOW, "flight_number": "PENERBANGAN"},
    )
    assert response.status_code == 200
    assert "Nomor penerbangan" in _text(response) and "tidak sah" in _text(response)
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.PENDING


def test_home_figures_count_the_officers_work(personas):
    from benteng.screening.worklists import screening_home_figures

    today = timezone.localdate()
    application_make()
    application_make(
        status=ApplicationStatus.POSTPONED, postponed_until=today + datetime.timedelta(days=2)
    )
    application_make(
        status=ApplicationStatus.POSTPONED, postponed_until=today - datetime.timedelta(days=2)
    )
    application_make(office_code=KANIM_SERANG)
    figures = screening_home_figures(Viewer.for_user(personas.petugas_imigrasi))
    assert figures["waiting"] == 1
    assert figures["due_soon"] == 1
    assert figures["overdue"] == 1
    assert screening_home_figures(Viewer.for_user(personas.penyidik)) == {
        "application_hits_awaiting": 0,
        "applications_for_police": 0,
        "departures_handed_over": 0,
    }
    assert screening_home_figures(Viewer.for_user(personas.pic_desa)) == {}


def test_open_application_elsewhere_is_shown_as_a_duplicate(personas):
    from benteng.screening.models import ScreeningResult

    application = application_make()
    ScreeningResult.objects.filter(application=application).update(
        earlier_events=[
            {
                "kind": "application",
                "office_name": "Kantor Imigrasi Kelas I Serang",
                "date": "2026-11-20",
                "status": "disaring",
                "status_label": "Disaring",
            },
            {
                "kind": "application",
                "office_name": "Kantor Imigrasi Kelas I Serang",
                "date": "2026-10-01",
                "status": "terbit",
                "status_label": "Terbit",
            },
            {
                "kind": "departure",
                "office_name": "TPI",
                "date": "2026-10-02",
                "status": "belum",
                "status_label": "Belum",
            },
        ]
    )
    client = verified_client(personas.petugas_imigrasi)
    page = _text(client.get(reverse("screening:application_detail", args=[application.pk])))
    duplicates = page.split('data-testid="duplicates"')[1].split("</section>")[0]
    assert "Permohonan lain di Kantor Imigrasi Kelas I Serang pada 20 Nov 2026" in duplicates
    assert "1 Okt 2026" not in duplicates


def test_other_kanims_decision_is_shown_but_not_its_application(personas, post):
    # given: Kanim Serang screened and postponed the applicant
    serang = verified_client(personas.petugas_imigrasi_other)
    first = post(serang, reverse("screening:counter"), APPLICANT)
    serang_application = PassportApplication.objects.get()
    post(
        serang,
        reverse("screening:application_decision", args=[serang_application.pk]),
        _decision_data(),
    )
    # when: she applies at Kanim Tangerang, her name written differently
    tangerang = verified_client(personas.petugas_imigrasi)
    second = post(tangerang, reverse("screening:counter"), {**APPLICANT, "full_name": "Nur 'Aini"})
    page = _text(tangerang.get(second["Location"]))
    # then: the decision at Serang, with its reason and due date, but no way into its record
    events = page.split('data-testid="earlier-events"')[1].split("</section>")[0]
    assert "Kantor Imigrasi Kelas I Serang" in events
    assert "Tunda sampai dokumen dilengkapi" in events
    assert "Dokumen pendukung belum lengkap" in events
    assert first["Location"] not in events
    assert tangerang.get(first["Location"]).status_code == 404


def test_form_sent_again_with_other_values_gets_a_fresh_key(personas, post):
    client = verified_client(personas.petugas_imigrasi)
    post(client, reverse("screening:counter"), {**APPLICANT, "idempotency_key": "k1"})
    # the officer goes back in the browser, changes the name and sends the same form again
    response = post(
        client,
        reverse("screening:counter"),
        {**APPLICANT, "full_name": "Nur Aini Lestari", "idempotency_key": "k1"},
    )
    page = _text(response)
    assert response.status_code == 200
    assert "sudah pernah dikirim dengan isi yang berbeda" in page
    assert 'value="Nur Aini Lestari"' in page
    fresh = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    assert fresh != "k1"
    again = post(
        client,
        reverse("screening:counter"),
        {**APPLICANT, "full_name": "Nur Aini Lestari", "idempotency_key": fresh},
    )
    assert again.status_code == 302
    assert PassportApplication.objects.count() == 2


@pytest.mark.parametrize(
    "persona", ["petugas_imigrasi", "petugas_tpi", "analis_imigrasi", "penyidik", "analis_polri"]
)
def test_home_figures_link_only_to_pages_the_role_may_open(personas, persona):
    # given
    application_make()
    departure_make()
    client = verified_client(getattr(personas, persona))
    # when
    html = client.get("/").content.decode()
    card = html.split('data-testid="screening-figures"')[1].split("</section>")[0]
    links = re.findall(r'href="([^"]+)"', card)
    # then: the card has tiles, and every link in it opens for this role
    assert 'class="tile"' in card
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, (persona, link)


def test_an_immigration_analyst_gets_no_tile_for_the_tpi_check(personas):
    html = verified_client(personas.analis_imigrasi).get("/").content.decode()
    card = html.split('data-testid="screening-figures"')[1].split("</section>")[0]
    assert reverse("screening:departure_check") not in card


def test_a_border_officer_still_gets_the_link_to_the_tpi_check(personas):
    html = verified_client(personas.petugas_tpi).get("/").content.decode()
    card = html.split('data-testid="screening-figures"')[1].split("</section>")[0]
    assert f'href="{reverse("screening:departure_check")}"' in card
