"""Re-screening after a correction when the first screening did not keep the officer's
statements (made before ``ScreeningResult.stated`` existed): the statements are not guessed;
the rules reading them are not evaluated, and the record's page names what was missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from benteng.people.index import screening_index_reset
from benteng.screening.amendments import record_correct
from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.models import DepartureCheck, PassportApplication, ScreeningResult
from benteng.screening.services import application_screen, departure_screen
from tests.conftest import verified_client
from tests.screening.test_services_support import applicant, viewer_of

pytestmark = pytest.mark.django_db

OBSERVATION_RULES = {
    "interview_red_flags",
    "trafficking_control_indicators",
    "online_scam_recruitment",
}
TYPO = "Siti Nurhalija binti Ahmad"
CORRECT_NAME = "Siti Nurhaliza binti Ahmad"
PASSENGER = {"passport_no": "C1234999", "full_name": TYPO, "purpose": "wisata"}


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


def _made_before_stated_was_kept(record: PassportApplication | DepartureCheck) -> None:
    """The first screening as results made before the field existed are stored: ``{}``."""
    record.screenings.update(stated={})


def _application(user, **values) -> PassportApplication:  # type: ignore[no-untyped-def]
    data = ApplicationInput.from_raw(applicant(full_name=TYPO, **values))
    return application_screen(viewer=viewer_of(user), data=data).application


def _name_corrected(user, record):  # type: ignore[no-untyped-def]
    values = {
        "full_name": CORRECT_NAME,
        "nik": record.nik,
        "birth_date": record.birth_date.strftime("%d-%m-%Y") if record.birth_date else "",
        "sex": record.sex,
        "passport_no": record.passport_no,
        "phone": record.phone,
    }
    if isinstance(record, PassportApplication):
        values |= {"birth_place": record.birth_place, "address": record.address}
    amendment = record_correct(
        viewer=viewer_of(user), record=record, values=values, reason="Salah ketik"
    )
    return record.screenings.get(amendment=amendment)


def _not_evaluated(result: ScreeningResult) -> set[str]:
    return {item["code"] for item in result.not_evaluated}


def _indicators(result: ScreeningResult) -> set[str]:
    return {item["code"] for item in result.indicators}


def test_an_old_result_s_rescreening_does_not_score_observations_it_never_had(personas):
    # given: the officer observed a control indicator, in a screening that did not keep it
    record = _application(
        personas.petugas_imigrasi,
        observations=["passport_held_by_other"],
        former_migrant_worker="ya",
    )
    assert "trafficking_control_indicators" in _indicators(record.screenings.get())
    _made_before_stated_was_kept(record)
    # when: the name is corrected
    again = _name_corrected(personas.petugas_imigrasi, record)
    # then: the rules reading the officer's statements are not evaluated, not passed silently
    assert _not_evaluated(again) >= {*OBSERVATION_RULES, "former_migrant_scam_age_band"}
    assert not _indicators(again) & OBSERVATION_RULES
    # and the new result does not store "stated nothing": the missing statements stay missing
    assert "observations" not in again.stated
    assert "former_migrant_worker" not in again.stated
    # and the desa stated at the counter is still known (it is the record's region)
    assert again.stated["desa_code"] == record.region_id


def test_the_record_page_names_the_statements_the_rescreening_did_without(personas):
    # given
    record = _application(personas.petugas_imigrasi)
    _made_before_stated_was_kept(record)
    _name_corrected(personas.petugas_imigrasi, record)
    # when
    html = (
        verified_client(personas.petugas_imigrasi)
        .get(reverse("screening:application_detail", args=[record.pk]))
        .content.decode()
    )
    # then
    assert 'data-testid="statements-unavailable"' in html
    assert "pengamatan petugas saat wawancara" in html
    assert "pernah bekerja sebagai PMI" in html
    assert "tiket pulang" not in html.split('data-testid="statements-unavailable"')[1][:600]


def test_a_rescreening_with_the_statements_kept_says_nothing_is_missing(personas):
    # given: a first screening that kept what the officer stated
    record = _application(personas.petugas_imigrasi, observations=["passport_held_by_other"])
    # when
    again = _name_corrected(personas.petugas_imigrasi, record)
    # then: the statements are stated again and every rule evaluated
    assert "trafficking_control_indicators" in _indicators(again)
    assert not _not_evaluated(again) & {*OBSERVATION_RULES, "former_migrant_scam_age_band"}
    html = (
        verified_client(personas.petugas_imigrasi)
        .get(reverse("screening:application_detail", args=[record.pk]))
        .content.decode()
    )
    assert 'data-testid="statements-unavailable"' not in html


def test_an_old_departure_check_is_not_scored_as_without_a_return_ticket(personas):
    # given: a tourist passenger checked before the return ticket stated was kept
    officer = viewer_of(personas.petugas_tpi)
    raw = {**PASSENGER, "has_return_ticket": "ya"}
    check = departure_screen(viewer=officer, data=DepartureInput.from_raw(raw)).record
    assert "no_return_ticket_non_work" not in _indicators(check.screenings.get())
    _made_before_stated_was_kept(check)
    # when
    again = _name_corrected(personas.petugas_tpi, check)
    # then: the rule is not evaluated (the ticket was stated, but nobody knows that now)
    assert "no_return_ticket_non_work" not in _indicators(again)
    assert "no_return_ticket_non_work" in _not_evaluated(again)
    assert "has_return_ticket" not in again.stated
    html = (
        verified_client(personas.petugas_tpi)
        .get(reverse("screening:departure_detail", args=[check.pk]))
        .content.decode()
    )
    assert "tiket pulang" in html.split('data-testid="statements-unavailable"')[1][:600]


def test_a_return_ticket_among_the_documents_answers_the_missing_statement(personas):
    # given
    officer = viewer_of(personas.petugas_tpi)
    raw = {**PASSENGER, "documents": ["tiket_pulang"]}
    check = departure_screen(viewer=officer, data=DepartureInput.from_raw(raw)).record
    _made_before_stated_was_kept(check)
    # when
    again = _name_corrected(personas.petugas_tpi, check)
    # then: the rule is evaluated from the document
    assert "no_return_ticket_non_work" not in _not_evaluated(again)
    assert "no_return_ticket_non_work" not in _indicators(again)
