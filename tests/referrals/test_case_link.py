"""A referral closed "case opened" and its case: the investigator opens the case by closing, an
analyst links an existing one, anyone else is refused with nothing written; the case's stages
and verdict come back to the referral's timeline and its sender; the sender's office sees the
case's status, never its persons."""

from __future__ import annotations

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from benteng.accounts.models import Office, Role
from benteng.audit.models import AuditEntry
from benteng.cases.models import Case, CaseKind, Modus, PersonRole, Stage, Verdict
from benteng.cases.services import (
    case_open,
    case_outcome_record,
    case_person_add,
    case_stage_advance,
)
from benteng.notifications.models import Notification, NotificationKind
from benteng.notifications.texts import notification_text
from benteng.referrals.models import EventKind, Referral, ReferralEvent, ReferralState
from benteng.referrals.services import (
    ReferralInvalid,
    referral_acknowledge,
    referral_assign,
    referral_close,
)
from benteng.screening.decisions import application_decide
from benteng.screening.models import DecisionOutcome
from tests.cases.conftest import lp_number_for
from tests.conftest import make_user, verified_client
from tests.referrals.conftest import send, viewer_of
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

VICTIM = "Nengsih Kurniawati"
RECRUITER = "Asep Saepudin bin Karta"


def _in_progress(sender, police_officer) -> Referral:  # type: ignore[no-untyped-def]
    referral = send(sender)
    police = viewer_of(police_officer)
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=police_officer)
    return referral


def _lp() -> tuple[str, datetime.date]:
    lp_date = timezone.localdate() - datetime.timedelta(days=1)
    return lp_number_for(lp_date, 505), lp_date


def _open_case_at(user, office_code: str = "polresta-tangerang") -> Case:  # type: ignore[no-untyped-def]
    """The case of the LP number the tests close with, opened from the case's own page."""
    lp_number, lp_date = _lp()
    return case_open(
        viewer=viewer_of(user),
        kind=CaseKind.TPPO,
        lp_number=lp_number,
        lp_date=lp_date,
        handling_office=Office.objects.get(code=office_code),
        modus=Modus.NON_PROCEDURAL,
    )


def _close_opening(referral: Referral, officer) -> Referral:  # type: ignore[no-untyped-def]
    lp_number, lp_date = _lp()
    return referral_close(
        viewer=viewer_of(officer),
        referral=referral,
        outcome="perkara_dibuka",
        lp_number=lp_number.lower(),  # typed carelessly: the case's own spelling is kept
        lp_date=lp_date.strftime("%d-%m-%Y"),
        case_kind=CaseKind.TPPO,
        case_modus=Modus.ONLINE_SCAM,
    )


@pytest.fixture
def analis_polres(personas):  # type: ignore[no-untyped-def]
    """A police analyst of the receiving Polres: may close referrals, may not open cases."""
    return make_user("analis_polres", Role.ANALIS_POLRI, "polresta-tangerang")


def test_an_investigator_closing_with_a_case_opens_it_and_links_it(personas, penyidik_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    # when
    _close_opening(referral, penyidik_polres)
    # then
    referral.refresh_from_db()
    case = Case.objects.get()
    assert referral.case == case
    assert referral.state == ReferralState.CLOSED
    assert (case.kind, case.modus, case.stage) == (CaseKind.TPPO, Modus.ONLINE_SCAM, Stage.LIDIK)
    assert case.handling_office_id == referral.receiving_office_id
    assert referral.lp_number == case.lp_number == _lp()[0]
    assert list(case.team.values_list("user_id", "is_lead")) == [(penyidik_polres.pk, True)]
    # the link is in the audit trail with the closing
    updates = AuditEntry.objects.filter(
        object_type="referrals.referral", object_ids=[str(referral.pk)], action="update"
    )
    assert any("case" in entry.detail["fields"] for entry in updates)
    assert AuditEntry.objects.filter(
        object_type="cases.case", object_ids=[str(case.pk)], action="create"
    ).exists()


def test_an_analyst_links_the_existing_case_of_the_office(personas, penyidik_polres, analis_polres):
    # given: the investigator opened the case from the police report already
    lp_number, _lp_date = _lp()
    existing = _open_case_at(penyidik_polres)
    assert existing.lp_number == lp_number
    referral = _in_progress(personas.petugas_imigrasi, analis_polres)
    # when: kind and modus are not needed to link
    referral_close(
        viewer=viewer_of(analis_polres),
        referral=referral,
        outcome="perkara_dibuka",
        lp_number=lp_number,
        lp_date=existing.lp_date,
    )
    # then
    referral.refresh_from_db()
    assert referral.case == existing
    assert Case.objects.count() == 1
    # the case's read is audited, by id
    assert AuditEntry.objects.filter(
        object_type="cases.case", object_ids=[str(existing.pk)], action="read"
    ).exists()


def test_linking_an_existing_case_with_another_lp_date_is_refused(
    personas, penyidik_polres, analis_polres
):
    existing = _open_case_at(penyidik_polres)
    referral = _in_progress(personas.petugas_imigrasi, analis_polres)
    with pytest.raises(ReferralInvalid) as refused:
        referral_close(
            viewer=viewer_of(analis_polres),
            referral=referral,
            outcome="perkara_dibuka",
            lp_number=existing.lp_number,
            lp_date=existing.lp_date + datetime.timedelta(days=1),
        )
    assert existing.lp_date.strftime("%d-%m-%Y") in refused.value.errors["lp_date"][0]
    referral.refresh_from_db()
    assert referral.case is None and referral.state == ReferralState.IN_PROGRESS


def test_an_analyst_without_an_existing_case_is_refused_and_nothing_is_written(
    personas, analis_polres
):
    # given
    referral = _in_progress(personas.petugas_imigrasi, analis_polres)
    events_before = ReferralEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    # when
    with pytest.raises(ReferralInvalid) as refused:
        _close_opening(referral, analis_polres)
    # then: a sentence saying who may open the case and what the analyst may do
    message = refused.value.errors["lp_number"][0]
    assert "hanya dapat dibuka oleh penyidik" in message
    assert "menautkan kasus yang sudah ada" in message
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS
    assert (referral.outcome, referral.lp_number, referral.case) == ("", "", None)
    assert Case.objects.count() == 0
    assert ReferralEvent.objects.count() == events_before
    assert AuditEntry.objects.count() == audit_before
    assert not Notification.objects.filter(kind=NotificationKind.REFERRAL_OUTCOME).exists()


def test_an_empty_lp_number_is_named_once_with_the_cases_other_problems(personas, penyidik_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    # when: "case opened" with no LP number and no kind or modus of the case
    with pytest.raises(ReferralInvalid) as refused:
        referral_close(
            viewer=viewer_of(penyidik_polres),
            referral=referral,
            outcome="perkara_dibuka",
            lp_number="  ",
            lp_date=timezone.localdate().strftime("%d-%m-%Y"),
        )
    # then: one check of the number (the case's), and the rest named at the same time
    assert refused.value.errors["lp_number"] == ["Nomor LP wajib diisi."]
    assert "kind" in refused.value.errors and "modus" in refused.value.errors
    assert Case.objects.count() == 0


def test_an_analyst_typing_a_malformed_lp_number_is_told_its_pattern(personas, analis_polres):
    referral = _in_progress(personas.petugas_imigrasi, analis_polres)
    with pytest.raises(ReferralInvalid) as refused:
        referral_close(
            viewer=viewer_of(analis_polres),
            referral=referral,
            outcome="perkara_dibuka",
            lp_number="LP 12 tahun ini",
            lp_date=timezone.localdate().strftime("%d-%m-%Y"),
        )
    assert "tidak sesuai pola" in refused.value.errors["lp_number"][0]


def test_the_analyst_refused_on_the_page_keeps_what_was_typed(personas, analis_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, analis_polres)
    lp_number, lp_date = _lp()
    # when
    response = verified_client(analis_polres).post(
        f"/rujukan/{referral.pk}/selesai/",
        {
            "outcome": "perkara_dibuka",
            "lp_number": lp_number,
            "lp_date": lp_date.strftime("%d-%m-%Y"),
            "kind": "tppm",
            "modus": "penyelundupan",
        },
    )
    # then
    assert response.status_code == 400
    assert (
        "hanya dapat dibuka oleh penyidik" in response.context["close_form"].errors["lp_number"][0]
    )
    html = response.content.decode()
    assert f'value="{lp_number}"' in html
    assert '<option value="tppm" selected>' in html
    assert '<option value="penyelundupan" selected>' in html
    assert Case.objects.count() == 0


def test_an_immigration_office_cannot_close_a_referral_with_a_case(personas):
    # given: a referral from the police to Kanim Tangerang
    referral = send(personas.penyidik, to_office="kanim-tangerang")
    officer = viewer_of(personas.petugas_imigrasi)
    referral_acknowledge(viewer=officer, referral=referral)
    referral_assign(viewer=officer, referral=referral, assignee=personas.petugas_imigrasi)
    # when / then
    with pytest.raises(ReferralInvalid) as refused:
        _close_opening(referral, personas.petugas_imigrasi)
    assert "penyidik" in refused.value.errors["lp_number"][0]
    assert Case.objects.count() == 0


def test_the_case_problems_show_on_the_close_form_with_everything_typed_kept(
    personas, penyidik_polres
):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    client = verified_client(penyidik_polres)
    typed = {
        "outcome": "perkara_dibuka",
        "lp_number": "LP-123-SALAH",
        "lp_date": "01-12-2026",
        "kind": "",
        "modus": "kapal_ikan",
        "note": "Korban dijemput di bandara.",
    }
    # when
    response = client.post(f"/rujukan/{referral.pk}/selesai/", typed)
    # then: each problem on its field, in Bahasa Indonesia
    assert response.status_code == 400
    form = response.context["close_form"]
    assert "tidak sesuai pola" in form.errors["lp_number"][0]
    assert form.errors["kind"] == ["Jenis perkara wajib dipilih."]
    assert "modus" not in form.errors
    html = response.content.decode()
    assert 'value="LP-123-SALAH"' in html
    assert 'value="01-12-2026"' in html
    assert '<option value="kapal_ikan" selected>' in html
    assert "Korban dijemput di bandara." in html
    # and nothing was written
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS
    assert Case.objects.count() == 0


def test_the_same_lp_number_at_another_polres_is_not_linked(personas, penyidik_polres):
    # given: another Polres used the number for its own case; Polresta's investigator opens
    # a new one with the same number at their own office, which is allowed
    serang = make_user("penyidik_srg", Role.PENYIDIK, "polres-serang")
    lp_number, _lp_date = _lp()
    _open_case_at(serang, office_code="polres-serang")
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    # when
    _close_opening(referral, penyidik_polres)
    # then: a case of the receiving office, not the other Polres's
    referral.refresh_from_db()
    assert referral.case is not None
    assert referral.case.handling_office_id == referral.receiving_office_id
    assert Case.objects.filter(lp_number=lp_number).count() == 2


def _case_with_people(referral: Referral, lead) -> Case:  # type: ignore[no-untyped-def]
    _close_opening(referral, lead)
    referral.refresh_from_db()
    case = referral.case
    assert case is not None
    viewer = viewer_of(lead)
    case_person_add(
        viewer=viewer,
        case=case,
        role=PersonRole.VICTIM,
        data={"full_name": VICTIM, "phone": "081377778888"},
    )
    case_person_add(
        viewer=viewer, case=case, role=PersonRole.RECRUITER, data={"full_name": RECRUITER}
    )
    return case


def _case_notifications(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        notification_text(kind, params).body
        for kind, params in Notification.objects.filter(
            recipient=user, kind=NotificationKind.CASE_OUTCOME
        )
        .order_by("pk")
        .values_list("kind", "params")
    ]


def test_each_stage_and_the_verdict_reach_the_timeline_and_the_sender(personas, penyidik_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    case = _case_with_people(referral, penyidik_polres)
    lead = viewer_of(penyidik_polres)
    on = case.lp_date
    # when: the case goes through its stages to the verdict
    for stage in (Stage.SIDIK, Stage.TAHAP_1, Stage.P21, Stage.TAHAP_2):
        case = case_stage_advance(viewer=lead, case=case, stage=stage, on=on)
    case_outcome_record(viewer=lead, case=case, verdict=Verdict.CONVICTED, decided_on=on)
    # then: a line per step on the referral's timeline, with the stage and the verdict
    progress = list(
        ReferralEvent.objects.filter(referral=referral, kind=EventKind.CASE_PROGRESS)
        .order_by("pk")
        .values_list("case_stage", "case_stage_on", "case_verdict")
    )
    assert progress == [
        (Stage.SIDIK, on, ""),
        (Stage.TAHAP_1, on, ""),
        (Stage.P21, on, ""),
        (Stage.TAHAP_2, on, ""),
        (Stage.PUTUSAN, on, Verdict.CONVICTED),
    ]
    # and the sender was told each time, by the LP number, never a person's name
    told = _case_notifications(personas.petugas_imigrasi)
    assert len(told) == 5
    assert told[0] == f"Kasus {case.lp_number} yang berasal dari rujukan Anda: Penyidikan (sidik)."
    assert told[-1].endswith(": Terbukti bersalah.")
    stored = str(
        list(Notification.objects.filter(kind=NotificationKind.CASE_OUTCOME).values("params"))
    )
    assert VICTIM not in stored and RECRUITER not in stored
    # nobody else at the sending office was told
    assert _case_notifications(personas.pimpasa) == []
    # and the sender sees it on the referral's page
    html = verified_client(personas.petugas_imigrasi).get(f"/rujukan/{referral.pk}/").content
    text = html.decode()
    assert "Perkembangan kasus" in text
    assert "Terbukti bersalah" in text


def test_a_stage_change_rolls_back_with_its_referral_lines_if_the_hook_fails(
    personas, penyidik_polres, monkeypatch
):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    case = _case_with_people(referral, penyidik_polres)

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("notification store down")

    monkeypatch.setattr("benteng.referrals.case_link.notify", broken)
    # when
    with pytest.raises(RuntimeError):
        case_stage_advance(
            viewer=viewer_of(penyidik_polres), case=case, stage=Stage.SIDIK, on=case.lp_date
        )
    # then: the case did not move without its referral hearing of it
    case.refresh_from_db()
    assert case.stage == Stage.LIDIK
    assert not ReferralEvent.objects.filter(kind=EventKind.CASE_PROGRESS).exists()


def test_the_sender_sees_the_case_status_but_never_its_persons(personas, penyidik_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    case = _case_with_people(referral, penyidik_polres)
    case_stage_advance(
        viewer=viewer_of(penyidik_polres), case=case, stage=Stage.SIDIK, on=case.lp_date
    )
    sender = verified_client(personas.petugas_imigrasi)
    # when
    response = sender.get(f"/rujukan/{referral.pk}/")
    # then: the LP number, kind, stage and its date
    html = response.content.decode()
    linked = response.context["linked_case"]
    assert (linked.lp_number, linked.stage_label) == (case.lp_number, "Penyidikan (sidik)")
    assert case.lp_number in html
    assert "Penyidikan (sidik)" in html
    assert date_filter(case.lp_date) in html
    # not the case's persons, and no way into the case file
    assert VICTIM not in html and RECRUITER not in html
    assert f"/kasus/{case.pk}/" not in html
    assert sender.get(f"/kasus/{case.pk}/").status_code == 403
    # the sending Kanim's colleagues and the Kanwil's head likewise
    for other in (personas.pimpasa, personas.pimpinan):
        page = verified_client(other).get(f"/rujukan/{referral.pk}/").content.decode()
        assert case.lp_number in page
        assert VICTIM not in page and RECRUITER not in page
        assert f"/kasus/{case.pk}/" not in page
    # the investigator's referral page links to the case file
    police_page = verified_client(penyidik_polres).get(f"/rujukan/{referral.pk}/")
    assert f"/kasus/{case.pk}/" in police_page.content.decode()
    # another immigration office sees neither the referral nor the case
    other_office = verified_client(personas.petugas_imigrasi_other)
    assert other_office.get(f"/rujukan/{referral.pk}/").status_code == 404


def test_the_case_page_lists_the_referrals_it_grew_from(personas, penyidik_polres):
    # given
    referral = _in_progress(personas.petugas_imigrasi, penyidik_polres)
    case = _case_with_people(referral, penyidik_polres)
    # when: the lead, who sees the referral
    lead_page = verified_client(penyidik_polres).get(f"/kasus/{case.pk}/").content.decode()
    # then: its number, the sending office, a link
    assert referral.number in lead_page
    assert "Kanim" in lead_page or "Kantor Imigrasi" in lead_page
    assert f'href="/rujukan/{referral.pk}/"' in lead_page
    # when: Polda's analyst, who sees the case (the office above) but not the referral
    analyst_page = verified_client(personas.analis_polri).get(f"/kasus/{case.pk}/")
    # then: the number and sending office, no link
    assert analyst_page.status_code == 200
    html = analyst_page.content.decode()
    assert referral.number in html
    assert f'href="/rujukan/{referral.pk}/"' not in html
    # and the analyst outside the case team does not see the victim's name
    assert VICTIM not in html


def test_the_screening_page_shows_the_case_stage_next_to_the_outcome(personas, penyidik_polres):
    # given: the counter refers an applicant to the police
    application = application_make(full_name="Euis Rohaeti")
    application_decide(
        viewer=viewer_of(personas.petugas_imigrasi),
        application=application,
        outcome=DecisionOutcome.REFER_POLICE,
        reason="indikasi_korban_tppo",
        note="Sponsor memegang paspor.",
    )
    referral = Referral.objects.get(application=application)
    police = viewer_of(penyidik_polres)
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    _close_opening(referral, penyidik_polres)
    referral.refresh_from_db()
    assert referral.case is not None
    case_stage_advance(
        viewer=police, case=referral.case, stage=Stage.SIDIK, on=referral.case.lp_date
    )
    # when
    html = (
        verified_client(personas.petugas_imigrasi)
        .get(f"/penyaringan/permohonan/{application.pk}/")
        .content.decode()
    )
    # then
    assert referral.case.lp_number in html
    assert "Tahap kasus: Penyidikan (sidik)" in html
