"""The decision pages over a warning and the history of decisions (issue 11, items 1, 2, 6).

A counter officer issuing over a live hit is stopped until a reason and the contact statement
are given, keeping what was typed; the TPI page shows the decision made, by whom, when and
with its note, and a change needs a reason and shows as a second entry. The sponsor typed at
the counter is the interview's first named person; the TPI page shows an instruction once.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.screening.decisions import WarningOverrideInput, application_decide, departure_decide
from benteng.screening.models import (
    ContactRelation,
    DecisionOutcome,
    DecisionReason,
    DepartureOutcome,
)
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make, departure_make, live_hit_on

pytestmark = pytest.mark.django_db

INSTRUCTION = "Hubungi Kanim Tangerang sebelum menerbitkan paspor."


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _issue_data(**values):  # type: ignore[no-untyped-def]
    data = {
        "kontak-TOTAL_FORMS": "4",
        "kontak-INITIAL_FORMS": "0",
        "kontak-MIN_NUM_FORMS": "0",
        "kontak-MAX_NUM_FORMS": "20",
        "outcome": DecisionOutcome.ISSUE,
        "reason": DecisionReason.DOCUMENTS_COMPLETE,
        "due_date": "",
        "note": "",
    }
    data.update(values)
    return data


def test_the_counter_asks_for_the_statement_and_keeps_what_was_typed(personas):
    # given: score 100 and a live hit
    application = application_make()
    live_hit_on(application, instruction=INSTRUCTION)
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    page = _text(client.get(url))
    assert 'data-testid="override"' in page
    assert INSTRUCTION in page
    # when: "Terbitkan paspor" with an empty note and no statement
    response = client.post(url, _issue_data(override_reason="Sudah dicek."))
    # then: refused in Indonesian, nothing saved, the typed reason kept
    page = _text(response)
    assert response.status_code == 200
    assert "Nyatakan bahwa instruksi hit sudah dijalankan" in page
    assert "Tuliskan siapa yang Anda hubungi" in page
    assert "Sudah dicek." in page
    assert not application.decisions.exists()


def test_the_counter_records_and_shows_the_statement(personas):
    # given
    application = application_make()
    live_hit_on(application, instruction=INSTRUCTION)
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    # when
    response = client.post(
        url,
        _issue_data(
            override_reason="Penundaan di Tangerang sudah dicabut, dokumen lengkap.",
            instruction_followed="on",
            contacted="Kanim Tangerang, Bu Rina",
        ),
    )
    # then
    assert response.status_code == 302
    decision = application.decisions.get()
    assert decision.overrides_warning
    detail = _text(client.get(response["Location"]))
    assert 'data-testid="override-statement"' in detail
    assert "Penundaan di Tangerang sudah dicabut, dokumen lengkap." in detail
    assert "Kanim Tangerang, Bu Rina" in detail


def test_no_statement_is_asked_without_a_warning(personas):
    application = application_make()  # score 45, no hit
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    assert 'data-testid="override"' not in _text(client.get(url))
    assert client.post(url, _issue_data()).status_code == 302


def _border(personas):  # type: ignore[no-untyped-def]
    return Viewer.for_user(personas.petugas_tpi, purpose="keputusan keberangkatan")


def test_the_tpi_decision_stays_visible_with_its_officer_time_and_note(personas):
    # given: a delayed passenger
    check = departure_make(flight_number="GA840")
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.DELAY,
        note="Tidak membawa tiket pulang.",
    )
    client = verified_client(personas.petugas_tpi)
    # when: the page is opened again
    page = _text(client.get(reverse("screening:departure_detail", args=[check.pk])))
    # then: the decision, its officer, time and note; no fresh set of live buttons
    assert page.count('data-testid="decision-entry"') == 1
    assert "Tidak membawa tiket pulang." in page
    assert personas.petugas_tpi.full_name in page
    assert 'data-testid="decided-at"' in page
    assert 'data-testid="change-decision"' in page
    assert 'name="change_reason"' in page
    assert f'value="{DepartureOutcome.DELAY}"' not in page


def test_a_tpi_change_needs_a_reason_and_shows_as_a_second_entry(personas):
    # given
    check = departure_make(flight_number="GA840")
    departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.DELAY, note="Tanpa tiket."
    )
    client = verified_client(personas.petugas_tpi)
    url = reverse("screening:departure_detail", args=[check.pk])
    # when: allowed with no reason
    refused = client.post(url, {"outcome": DepartureOutcome.ALLOW, "note": "Tiket ada."})
    # then
    assert refused.status_code == 200
    assert "tuliskan alasan perubahan keputusan" in _text(refused)
    assert "Tiket ada." in _text(refused)
    assert check.decisions.count() == 1
    # when: with the reason
    changed = client.post(
        url,
        {
            "outcome": DepartureOutcome.ALLOW,
            "note": "Tiket ada.",
            "change_reason": "Penumpang menunjukkan tiket pulang.",
        },
    )
    # then: both entries, the latest first
    assert changed.status_code == 302
    page = _text(client.get(url))
    assert page.count('data-testid="decision-entry"') == 2
    assert page.index("Penumpang menunjukkan tiket pulang.") < page.index("Tanpa tiket.")


def test_a_tpi_allow_over_a_hit_needs_the_statement(personas):
    check = departure_make(flight_number="GA840")
    live_hit_on(check, instruction="Tunda dan hubungi Kanim Tangerang.")
    client = verified_client(personas.petugas_tpi)
    url = reverse("screening:departure_detail", args=[check.pk])
    response = client.post(url, {"outcome": DepartureOutcome.ALLOW})
    assert response.status_code == 200
    assert "Tuliskan siapa yang Anda hubungi" in _text(response)
    assert not check.decisions.exists()


def test_the_tpi_page_shows_each_instruction_once(personas):
    check = departure_make(flight_number="GA840")
    live_hit_on(check, instruction="Tunda dan hubungi Kanim Tangerang.")
    client = verified_client(personas.petugas_tpi)
    page = _text(client.get(reverse("screening:departure_detail", args=[check.pk])))
    assert page.count("Tunda dan hubungi Kanim Tangerang.") == 1


def test_the_counter_still_shows_the_instruction_with_its_hit(personas):
    application = application_make()
    live_hit_on(application, instruction=INSTRUCTION)
    client = verified_client(personas.petugas_imigrasi)
    page = _text(client.get(reverse("screening:application_detail", args=[application.pk])))
    assert page.count(INSTRUCTION) == 1


def test_the_sponsor_typed_at_the_counter_is_the_first_named_person(personas):
    # given: an application whose sponsor was typed at the counter
    application = application_make(sponsor_name="Pak Darto")
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    # when
    page = _text(client.get(url))
    # then
    assert 'name="kontak-0-name" value="Pak Darto"' in page
    assert f'<option value="{ContactRelation.SPONSOR}" selected>' in page
    # and once recorded it is not offered again
    application.contacts.create(relation=ContactRelation.SPONSOR, name="Pak Darto")
    page = _text(client.get(url))
    assert 'value="Pak Darto"' not in page


# --- counted for the office heads --------------------------------------------------------


def _issue_over_a_hit(personas, office_code="kanim-tangerang"):  # type: ignore[no-untyped-def]
    officer = (
        personas.petugas_imigrasi
        if office_code == "kanim-tangerang"
        else personas.petugas_imigrasi_other
    )
    application = application_make(office_code=office_code, full_name="Rahmawati Sukarya")
    live_hit_on(application, instruction=INSTRUCTION)
    return application_decide(
        viewer=Viewer.for_user(officer),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        override=WarningOverrideInput(
            reason="Penundaan di Tangerang sudah dicabut.",
            instruction_followed=True,
            contacted="Kanim Tangerang, Bu Rina",
        ),
    )


def test_office_heads_see_the_count_of_decisions_over_a_warning(personas):
    # given: one issue over a hit at each of two Kanim, one allow over a hit at the TPI
    _issue_over_a_hit(personas)
    _issue_over_a_hit(personas, office_code="kanim-serang")
    check = departure_make(flight_number="GA840")
    live_hit_on(check)
    departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.ALLOW,
        override=WarningOverrideInput(
            reason="Kanim Tangerang mencabut penundaannya.",
            instruction_followed=True,
            contacted="Kanim Tangerang",
        ),
    )
    client = verified_client(personas.pimpinan)
    # when
    home = _text(client.get("/"))
    page = _text(client.get(reverse("screening:decision_oversight")))
    # then: the tile counts all three and links to the page; no name is shown
    assert re.search(
        r'href="/penyaringan/keputusan-peringatan/" data-testid="tile-warning_overrides">'
        r'<span class="tile-count">3</span>',
        home,
    )
    for code in ("kanim-tangerang", "kanim-serang", "tpi-bandara-soekarno-hatta"):
        assert Office.objects.get(code=code).name in page
    assert "Rahmawati" not in page
    assert "Bu Rina" not in page


@pytest.mark.parametrize("persona", ["petugas_imigrasi", "petugas_tpi", "penyidik", "admin"])
def test_the_oversight_page_is_for_office_heads_and_analysts_only(personas, persona):
    client = verified_client(getattr(personas, persona))
    assert client.get(reverse("screening:decision_oversight")).status_code == 403
