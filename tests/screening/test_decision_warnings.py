"""Letting someone through over a warning, and decisions kept as entries (issue 11, items 1-2).

Issuing a passport or allowing a departure while a watchlist hit is in force or the risk band
is high needs a written reason and, for a hit, the statement that its instruction was followed
and whom the officer contacted. A TPI decision is never overwritten: a change is a new entry
with its reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction, AuditEntry
from benteng.screening.decisions import (
    DecisionInvalid,
    WarningOverrideInput,
    application_decide,
    decision_warnings,
    departure_decide,
)
from benteng.screening.models import (
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureDecision,
    DepartureOutcome,
    ScreeningResult,
)
from benteng.watchlists.models import WatchlistEntry
from tests.screening.flow_factories import application_make, departure_make, live_hit_on

pytestmark = pytest.mark.django_db

STATEMENT = WarningOverrideInput(
    reason="Kanim Tangerang menyatakan dokumen sudah dilengkapi di sana.",
    instruction_followed=True,
    contacted="Kanim Tangerang, Bu Rina, 07-12-2026 09.10",
)


def _officer(personas):  # type: ignore[no-untyped-def]
    return Viewer.for_user(personas.petugas_imigrasi, purpose="keputusan permohonan")


def _border(personas):  # type: ignore[no-untyped-def]
    return Viewer.for_user(personas.petugas_tpi, purpose="keputusan keberangkatan")


def _issue(personas, application, override=None):  # type: ignore[no-untyped-def]
    return application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=DecisionOutcome.ISSUE,
        reason=DecisionReason.DOCUMENTS_COMPLETE,
        override=override,
    )


def test_issuing_over_a_live_hit_with_an_empty_note_is_refused(personas):
    # given: score 100 and a hit asking to contact Kanim Tangerang before issuing
    application = application_make()
    live_hit_on(application)
    # when
    with pytest.raises(DecisionInvalid) as refused:
        _issue(personas, application)
    # then: nothing is decided, and each missing statement is named
    assert set(refused.value.errors) == {"override_reason", "instruction_followed", "contacted"}
    assert "hit daftar pantauan" in refused.value.errors["override_reason"][0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCREENED
    assert not application.decisions.exists()


def test_issuing_over_a_live_hit_keeps_the_reason_and_whom_they_contacted(personas):
    # given
    application = application_make()
    live_hit_on(application)
    # when
    decision = _issue(personas, application, STATEMENT)
    # then
    decision.refresh_from_db()
    assert decision.overrides_warning is True
    assert decision.override_reason == STATEMENT.reason
    assert decision.instruction_followed is True
    assert decision.contacted == STATEMENT.contacted
    audited = AuditEntry.objects.get(
        object_type="screening.applicationdecision", object_ids=[str(decision.pk)]
    )
    assert {"override_reason", "contacted"} <= set(audited.detail["fields"])


def test_a_one_word_reason_is_not_a_written_reason(personas):
    application = application_make()
    live_hit_on(application)
    with pytest.raises(DecisionInvalid) as refused:
        _issue(
            personas,
            application,
            WarningOverrideInput(reason="ok", instruction_followed=True, contacted="Kanim"),
        )
    assert set(refused.value.errors) == {"override_reason"}


def test_a_high_band_without_a_hit_needs_a_reason_but_no_contact(personas):
    # given: a high score, no hit (so no instruction to follow)
    application = application_make(with_screening=False)
    ScreeningResult.objects.create(application=application, risk_score=80, risk_band="tinggi")
    # when / then
    with pytest.raises(DecisionInvalid) as refused:
        _issue(personas, application)
    assert set(refused.value.errors) == {"override_reason"}
    assert "Risiko penyaringan tinggi" in refused.value.errors["override_reason"][0]
    decision = _issue(personas, application, WarningOverrideInput(reason=STATEMENT.reason))
    assert decision.overrides_warning is True
    assert decision.contacted == ""


def test_an_ended_hit_and_a_medium_band_need_no_statement(personas):
    # given: the hit's entry has ended since the screening
    application = application_make()
    entry_id = live_hit_on(application, risk_score=45, risk_band="sedang")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    WatchlistEntry.objects.filter(pk=entry_id).update(expires_on=yesterday)
    # when
    decision = _issue(personas, application)
    # then
    assert decision.overrides_warning is False
    assert not decision_warnings(viewer=_officer(personas), record=application)


@pytest.mark.parametrize(
    ("outcome", "reason", "note"),
    [
        (DecisionOutcome.POSTPONE, DecisionReason.DOCUMENTS_MISSING, ""),
        (DecisionOutcome.REFUSE, DecisionReason.WATCHLIST_HIT, "Hit daftar pantauan."),
    ],
    ids=["postpone", "refuse"],
)
def test_stopping_the_applicant_over_a_hit_needs_no_statement(personas, outcome, reason, note):
    application = application_make()
    live_hit_on(application)
    decision = application_decide(
        viewer=_officer(personas),
        application=application,
        outcome=outcome,
        reason=reason,
        note=note,
    )
    assert decision.overrides_warning is False


def test_allowing_a_departure_over_a_hit_needs_the_statement(personas):
    # given
    check = departure_make(flight_number="GA840")
    live_hit_on(check, instruction="Tunda dan hubungi Kanim Tangerang sebelum mengizinkan.")
    # when: allowed with no reason
    with pytest.raises(DecisionInvalid) as refused:
        departure_decide(viewer=_border(personas), check=check, outcome=DepartureOutcome.ALLOW)
    # then
    assert set(refused.value.errors) == {"override_reason", "instruction_followed", "contacted"}
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.PENDING
    assert not DepartureDecision.objects.filter(departure_check=check).exists()
    # and with the statement it is kept on the decision
    decision = departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.ALLOW, override=STATEMENT
    )
    assert decision.overrides_warning is True
    assert decision.contacted == STATEMENT.contacted


def test_delaying_over_a_hit_needs_no_statement(personas):
    check = departure_make(flight_number="GA840")
    live_hit_on(check)
    decision = departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.DELAY
    )
    assert decision.overrides_warning is False


def test_a_change_of_departure_decision_is_a_new_entry_with_its_reason(personas):
    # given: a delayed passenger
    check = departure_make(flight_number="GA840")
    first = departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.DELAY,
        note="Tanpa tiket pulang.",
    )
    # when: allowed without a reason for the change
    with pytest.raises(DecisionInvalid) as refused:
        departure_decide(viewer=_border(personas), check=check, outcome=DepartureOutcome.ALLOW)
    assert set(refused.value.errors) == {"change_reason"}
    # when: with the reason
    second = departure_decide(
        viewer=_border(personas),
        check=check,
        outcome=DepartureOutcome.ALLOW,
        note="Tiket pulang ditunjukkan.",
        change_reason="Penumpang menunjukkan tiket pulang.",
    )
    # then: the first entry is untouched and the current decision is the latest
    first.refresh_from_db()
    assert (first.outcome, first.note, first.change_reason) == (
        DepartureOutcome.DELAY,
        "Tanpa tiket pulang.",
        "",
    )
    assert second.change_reason == "Penumpang menunjukkan tiket pulang."
    assert list(check.decisions.order_by("decided_at", "pk")) == [first, second]
    check.refresh_from_db()
    assert check.outcome == DepartureOutcome.ALLOW
    assert check.decided_at == second.decided_at
    assert AuditEntry.objects.filter(
        object_type="screening.departuredecision",
        object_ids=[str(second.pk)],
        action=AuditAction.CREATE,
    ).exists()


def test_the_same_departure_decision_is_not_recorded_twice(personas):
    check = departure_make(flight_number="GA840")
    departure_decide(viewer=_border(personas), check=check, outcome=DepartureOutcome.DELAY)
    with pytest.raises(DecisionInvalid) as refused:
        departure_decide(
            viewer=_border(personas),
            check=check,
            outcome=DepartureOutcome.DELAY,
            change_reason="Klik dua kali.",
        )
    assert set(refused.value.errors) == {"outcome"}
    assert check.decisions.count() == 1


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("petugas_tpi", True),
        ("analis_imigrasi", True),
        ("petugas_imigrasi", False),
        ("penyidik", False),
        ("pimpinan", False),
        ("admin", False),
    ],
)
def test_departure_decisions_are_seen_by_whoever_sees_the_check(personas, persona, sees):
    # given: a delay (not handed over, so not for police)
    check = departure_make(flight_number="GA840")
    decision = departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.DELAY, note="Catatan."
    )
    # when
    viewer = Viewer.for_user(getattr(personas, persona))
    # then
    assert DepartureDecision.objects.visible_to(viewer).filter(pk=decision.pk).exists() is sees


def test_police_see_the_decisions_of_a_passenger_handed_over(personas):
    check = departure_make(flight_number="GA840")
    decision = departure_decide(
        viewer=_border(personas), check=check, outcome=DepartureOutcome.HAND_OVER, note="DPO."
    )
    viewer = Viewer.for_user(personas.penyidik)
    assert DepartureDecision.objects.visible_to(viewer).filter(pk=decision.pk).exists()
