""" "Possible match -- check" end to end through the screening service, the stored result, the
counter and TPI pages and the API: a watchlist entry that shares only a name with the person
screened, below the hit threshold, is shown apart from the hits, in the shape of a hit for
the reader, never counted as a hit, never in the risk score nor in ``police_visible``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from benteng.audit.models import AuditEntry
from benteng.people.index import screening_index_reset
from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.models import ScreeningResult
from benteng.screening.outcome import ScreeningOutcome
from benteng.screening.results import Hit
from benteng.screening.selectors import application_result, screening_result_get
from benteng.screening.services import application_screen, departure_screen
from benteng.watchlists.models import SharingLevel, WatchlistEntry
from tests.conftest import verified_client
from tests.screening.test_services_support import applicant, police_entry, viewer_of

__all__ = ["HIT_FIELDS", "INSTRUCTION", "NOTES", "SITI"]

pytestmark = pytest.mark.django_db

SITI = "Siti Nurhaliza binti Ahmad"
NOTES = "Informan: kepala dusun. Jangan dibagikan."
INSTRUCTION = "Tahan dan hubungi penyidik Subdit IV Ditreskrimum."
HIT_FIELDS = {field.name for field in Hit.__dataclass_fields__.values()}


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def entry(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A police entry made through the service, the index updated after the commit."""

    def make(analyst: Any, **values: Any) -> WatchlistEntry:
        values = {
            "code": "polri-dpo",
            "category": "Tersangka TPPO",
            "instruction": INSTRUCTION,
            "full_name": SITI,
            "phone": "",
            **values,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return police_entry(analyst, **values)

    return make


@pytest.fixture
def screen(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(user: Any, **values: Any) -> ScreeningOutcome:
        with django_capture_on_commit_callbacks(execute=True):
            return application_screen(
                viewer=viewer_of(user), data=ApplicationInput.from_raw(applicant(**values))
            )

    return run


class _Undo(Exception):
    pass


def _risk_without_the_entry(screen: Any, user: Any) -> tuple[int, list[str]]:
    """The risk score and indicator codes of the same screening with no such entry: screened
    in a transaction rolled back, the index rebuilt after."""
    seen: list[tuple[int, list[str]]] = []
    try:
        with transaction.atomic():
            outcome = screen(user)
            seen.append((outcome.risk_score, [item["code"] for item in outcome.indicators]))
            raise _Undo
    except _Undo:
        pass
    screening_index_reset()
    return seen[0]


def test_a_name_only_entry_is_a_possible_match_not_a_hit_and_the_risk_is_unchanged(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: the risk of Siti's screening when no list names her
    risk_before, indicators_before = _risk_without_the_entry(screen, personas.petugas_imigrasi)
    # and: a police entry with her name only (no birth date, NIK, sex, passport)
    listed = entry(personas.analis_polri, sex="")
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then: a possible match, not a hit, with the reasons an officer can read
    assert outcome.hits == []
    assert [item.id for item in outcome.possible_matches] == [listed.pk]
    possible = outcome.possible_matches[0]
    assert 0.1 <= possible.score < 0.5
    assert possible.match_reasons.startswith("Nama sama")
    assert "Hanya nama yang sama" in possible.match_reasons
    assert "tanggal lahir, NIK" in possible.match_reasons
    assert "Only the name agrees" in possible.match_reasons_en
    # and: nothing a hit would change
    assert outcome.risk_score == risk_before
    assert [item["code"] for item in outcome.indicators] == indicators_before
    assert outcome.instructions == []
    assert outcome.police_hit is False
    assert outcome.record.police_visible is False
    stored = ScreeningResult.objects.get(pk=outcome.result.pk)
    assert stored.hits == []
    assert [item["entry_id"] for item in stored.possible_matches] == [listed.pk]
    assert "full_name" not in stored.possible_matches[0]  # by reference, as hits
    # and: the read of the entry is in the audit trail, as a possible match
    read = AuditEntry.objects.get(object_type="watchlists.watchlistentry", action="read")
    assert read.object_ids == [str(listed.pk)]
    assert read.detail["as"] == "possible_match"


def test_the_same_name_with_another_birth_date_is_neither_hit_nor_possible(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: a namesake born on another day
    entry(personas.analis_polri, sex="P", birth_date="02-03-1980")
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then
    assert outcome.hits == []
    assert outcome.possible_matches == []
    assert ScreeningResult.objects.get(pk=outcome.result.pk).possible_matches == []


def test_a_name_with_the_birth_date_agreeing_stays_a_hit_and_is_not_repeated(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: the entry gives her birth date too
    listed = entry(personas.analis_polri, sex="P", birth_date="14-08-1996")
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then: a hit as before, not also a possible match
    assert [hit.id for hit in outcome.hits] == [listed.pk]
    assert outcome.possible_matches == []
    assert outcome.record.police_visible is True


def test_an_immigration_officer_sees_a_police_possible_match_only_as_a_hit(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given
    listed = entry(personas.analis_polri, sex="", internal_notes=NOTES)
    # when: the officer who screened, and a reader who opens the result later
    outcome = screen(personas.petugas_imigrasi)
    later = application_result(viewer_of(personas.petugas_imigrasi), outcome.record.pk)
    # then: the hit's fields only; never the police file
    for shown in (outcome.possible_matches, later.possible_matches):
        (possible,) = shown
        assert set(vars(possible)) == HIT_FIELDS
        assert possible.is_owner is False
        assert possible.category == "Tersangka TPPO"
        assert possible.instruction == INSTRUCTION
        assert NOTES not in json.dumps(vars(possible))
    # and: the later read audited as a possible match
    reads = AuditEntry.objects.filter(object_type="watchlists.watchlistentry", action="read")
    assert [entry.detail["as"] for entry in reads.order_by("pk")] == [
        "possible_match",
        "possible_match",
    ]
    assert all(entry.object_ids == [str(listed.pk)] for entry in reads)


def test_a_police_owner_only_entry_is_no_possible_match_for_immigration(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: the police keep the entry to themselves
    entry(personas.analis_polri, sex="", sharing_level=SharingLevel.OWNER_ONLY)
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then
    assert outcome.possible_matches == []
    assert ScreeningResult.objects.get(pk=outcome.result.pk).possible_matches == []


def test_the_tpi_name_and_passport_check_shows_a_possible_match_not_a_warning(
    personas, entry, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # given: Siti on the police list with her birth date and NIK
    listed = entry(personas.analis_polri, sex="P", birth_date="14-08-1996")
    data = DepartureInput.from_raw(
        {"passport_no": "C7654321", "full_name": SITI, "destination_country": "SA"}
    )
    # when: the passenger is checked by passport and name only
    with django_capture_on_commit_callbacks(execute=True):
        outcome = departure_screen(viewer=viewer_of(personas.petugas_tpi), data=data)
    # then
    assert outcome.hits == []
    assert [item.id for item in outcome.possible_matches] == [listed.pk]
    assert "tanggal lahir" in outcome.possible_matches[0].match_reasons
    # and: the TPI page shows the quiet block and no warning
    client = verified_client(personas.petugas_tpi)
    page = client.get(reverse("screening:departure_detail", args=[outcome.record.pk]))
    text = page.content.decode()
    assert 'data-testid="possible-matches"' in text
    assert "PERHATIAN" not in text
    assert "Tersangka TPPO" in text


def test_the_counter_result_page_shows_the_possible_match_apart(personas, entry, screen) -> None:  # type: ignore[no-untyped-def]
    # given
    entry(personas.analis_polri, sex="", internal_notes=NOTES)
    outcome = screen(personas.petugas_imigrasi)
    client = verified_client(personas.petugas_imigrasi)
    # when
    page = client.get(reverse("screening:application_detail", args=[outcome.record.pk]))
    # then
    text = page.content.decode()
    block = text[text.index('data-testid="possible-matches"') :]
    block = block[: block.index("</section>")]
    assert "Kemungkinan cocok — periksa" in block
    assert "Bukan hit" in block
    assert "Tanyakan tanggal lahir" in block
    assert "tidak diberikan atau tidak dibandingkan" in block
    assert SITI in block
    # and the officer who entered it is offered the correction that screens it again
    amend = reverse("screening:application_amend", args=[outcome.record.pk])
    assert f'href="{amend}" data-testid="possible-amend-link"' in block
    hits = text[text.index('data-testid="hits"') :]
    hits = hits[: hits.index("</section>")]
    assert SITI not in hits
    assert "Tidak ada hit pada daftar pantauan." in hits
    assert NOTES not in text


def test_no_possible_match_no_block(personas, screen) -> None:  # type: ignore[no-untyped-def]
    outcome = screen(personas.petugas_imigrasi)
    client = verified_client(personas.petugas_imigrasi)
    page = client.get(reverse("screening:application_detail", args=[outcome.record.pk]))
    assert 'data-testid="possible-matches"' not in page.content.decode()


def test_a_reader_later_gets_the_possible_match_through_the_result_selector(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    listed = entry(personas.analis_polri, sex="")
    outcome = screen(personas.petugas_imigrasi)
    later = screening_result_get(viewer_of(personas.petugas_imigrasi), outcome.result.pk)
    assert [item.id for item in later.possible_matches] == [listed.pk]
    assert later.hits == []
