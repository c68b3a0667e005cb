"""Decisions over a warning and the history of decisions in Chromium (issue 11, items 1-2).

A counter officer issuing a passport over a live hit is stopped until a reason and the contact
statement are given; a TPI decision stays on the page with its officer, time and note after a
reload, and a change needs a reason and shows as a second entry. At 360 px (phone) and 1280
px; set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benteng.access.viewer import Viewer
from benteng.screening.decisions import WarningOverrideInput, application_decide
from benteng.screening.models import DecisionOutcome, DecisionReason, DepartureOutcome
from tests.browser.test_roles_in_chromium import PHONE
from tests.screening.flow_factories import application_make, departure_make, live_hit_on

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = os.environ.get("BENTENG_SCREENSHOTS", "")
INSTRUCTION = "Hubungi Kanim Tangerang sebelum menerbitkan paspor."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_issuing_over_a_hit_is_stopped_until_a_reason_and_the_contact_are_given(
    open_as, personas, viewport
):
    # given: score 100 and a hit asking to contact Kanim Tangerang before issuing
    application = application_make(full_name="Rahmawati Sukarya")
    live_hit_on(application, instruction=INSTRUCTION)
    page = open_as(personas.petugas_imigrasi, viewport)
    page.goto(f"/penyaringan/permohonan/{application.pk}/keputusan/")
    override = page.get_by_test_id("override")
    assert INSTRUCTION in override.inner_text()
    # when: "Terbitkan paspor" with an empty note
    page.get_by_label("Terbitkan paspor").check()
    page.get_by_label("Alasan", exact=True).select_option("dokumen_lengkap")
    page.get_by_role("button", name="Simpan keputusan").click()
    # then: stopped, and told what is missing
    errors = page.get_by_test_id("form-errors")
    errors.wait_for()
    text = page.content()
    assert "tuliskan alasan meneruskan keputusan ini" in text
    assert "Tuliskan siapa yang Anda hubungi" in text
    assert "/keputusan/" in page.url
    _shoot(page, f"counter-override-refused-{viewport['width']}")
    assert _fits(page), "the decision page fits the window"
    # when: a reason only — still stopped, the reason kept
    page.get_by_label("Alasan meneruskan meski ada peringatan").fill(
        "Penundaan di Tangerang sudah dicabut; dokumen lengkap."
    )
    page.get_by_role("button", name="Simpan keputusan").click()
    page.get_by_test_id("form-errors").wait_for()
    assert "Nyatakan bahwa instruksi hit sudah dijalankan" in page.content()
    assert page.get_by_label("Alasan meneruskan meski ada peringatan").input_value() == (
        "Penundaan di Tangerang sudah dicabut; dokumen lengkap."
    )
    assert application.decisions.count() == 0
    # when: the statement that the instruction was followed, and whom they contacted
    page.get_by_label("Saya sudah menjalankan instruksi hit di atas.").check()
    page.get_by_label("Yang dihubungi sesuai instruksi").fill("Kanim Tangerang, Bu Rina, 09.10")
    page.get_by_role("button", name="Simpan keputusan").click()
    page.wait_for_url(f"**/penyaringan/permohonan/{application.pk}/")
    # then: issued, and the statement is on the record
    assert page.get_by_test_id("status").inner_text() == "Paspor diterbitkan"
    statement = page.get_by_test_id("override-statement").inner_text()
    assert "Penundaan di Tangerang sudah dicabut; dokumen lengkap." in statement
    assert "Kanim Tangerang, Bu Rina, 09.10" in statement
    _shoot(page, f"counter-override-recorded-{viewport['width']}")
    assert _fits(page)
    assert page.csp_violations == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_tpi_decision_stays_visible_and_a_change_is_a_second_entry(open_as, personas, viewport):
    # given: a passenger checked at Soekarno-Hatta
    check = departure_make(full_name="Nur Aini", flight_number="QZ7510")
    page = open_as(personas.petugas_tpi, viewport)
    detail = f"/penyaringan/tpi/{check.pk}/"
    page.goto(detail)
    # when: delayed with a note
    page.get_by_label("Catatan/alasan").fill("Tidak membawa tiket pulang.")
    page.get_by_role("button", name="Tunda keberangkatan").click()
    page.wait_for_url("**/penyaringan/tpi/")
    # then: after opening the check again, the decision with its officer, time and note
    page.goto(detail)
    page.reload()
    [entry] = page.get_by_test_id("decision-entry").all()
    assert entry.get_by_test_id("decision-outcome").inner_text() == "Keberangkatan ditunda"
    assert entry.get_by_test_id("decided-by").inner_text() == personas.petugas_tpi.full_name
    assert entry.get_by_test_id("decided-at").inner_text().strip()
    assert "Tidak membawa tiket pulang." in entry.inner_text()
    # and the buttons are not live again: a change sits behind "Ubah keputusan"
    assert not page.get_by_role("button", name="Izinkan berangkat").is_visible()
    assert page.get_by_role("button", name="Tunda keberangkatan").count() == 0
    _shoot(page, f"tpi-decided-{viewport['width']}")
    assert _fits(page)
    # when: allowed after all, without a reason
    page.get_by_text("Ubah keputusan").click()
    page.get_by_role("button", name="Izinkan berangkat").click()
    # then: refused, nothing recorded
    page.get_by_test_id("form-errors").wait_for()
    assert "tuliskan alasan perubahan keputusan" in page.content()
    assert check.decisions.count() == 1
    # when: with the reason
    page.get_by_label("Alasan perubahan keputusan").fill("Penumpang menunjukkan tiket pulang.")
    page.get_by_role("button", name="Izinkan berangkat").click()
    page.wait_for_url("**/penyaringan/tpi/")
    page.goto(detail)
    # then: two entries, the change first, the delay kept as it was
    entries = page.get_by_test_id("decision-entry").all()
    assert len(entries) == 2
    assert entries[0].get_by_test_id("decision-outcome").inner_text() == "Diizinkan berangkat"
    assert "Penumpang menunjukkan tiket pulang." in entries[0].inner_text()
    assert entries[1].get_by_test_id("decision-outcome").inner_text() == "Keberangkatan ditunda"
    assert "Tidak membawa tiket pulang." in entries[1].inner_text()
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.ALLOW
    _shoot(page, f"tpi-changed-{viewport['width']}")
    assert _fits(page)
    assert page.csp_violations == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_office_head_follows_the_tile_to_the_count_per_office(open_as, personas, viewport):
    # given: a passport issued over a hit at Kanim Tangerang
    application = application_make(full_name="Rahmawati Sukarya")
    live_hit_on(application, instruction=INSTRUCTION)
    application_decide(
        viewer=Viewer.for_user(personas.petugas_imigrasi),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        override=WarningOverrideInput(
            reason="Penundaan di Tangerang sudah dicabut.",
            instruction_followed=True,
            contacted="Kanim Tangerang, Bu Rina",
        ),
    )
    page = open_as(personas.pimpinan, viewport)
    # when
    page.goto("/")
    tile = page.get_by_test_id("tile-warning_overrides")
    assert tile.locator(".tile-count").inner_text() == "1"
    tile.click()
    page.wait_for_url("**/penyaringan/keputusan-peringatan/")
    # then: the count per office, no names
    table = page.get_by_test_id("oversight").inner_text()
    assert application.office.name in table
    assert "Rahmawati" not in page.content()
    _shoot(page, f"oversight-{viewport['width']}")
    assert _fits(page)
