"""The case services: LP numbers, the legal stages in order with dates going forward, the
outcome, the route, persons, victims' services, the team — and the audit trail of each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.access import Viewer
from benteng.accounts.models import Office
from benteng.audit.models import AuditEntry
from benteng.cases.models import Case, CaseKind, CaseStageChange, Modus, PersonRole, Stage
from benteng.cases.services import (
    CaseInvalid,
    CaseWriteRefused,
    case_open,
    case_outcome_record,
    case_person_add,
    case_route_leg_add,
    case_stage_advance,
    case_team_member_add,
    case_team_member_remove,
    victim_service_add,
)
from tests.cases.conftest import VICTIM_NAME, lp_number_for, open_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _open(viewer, **changes):  # type: ignore[no-untyped-def]
    lp_date = TODAY() - datetime.timedelta(days=30)
    values = {
        "kind": CaseKind.TPPO,
        "lp_number": lp_number_for(lp_date),
        "lp_date": lp_date,
        "handling_office": Office.objects.get(code="polresta-tangerang"),
        "modus": Modus.NON_PROCEDURAL,
        **changes,
    }
    return case_open(viewer=viewer, **values)


def test_an_investigator_opens_a_case_and_leads_it_audited(police):
    # given
    before = AuditEntry.objects.count()
    viewer = Viewer.for_user(police.lead)
    # when
    case = _open(
        viewer,
        lp_number=" lp / b / 101 / " + _roman() + f" / {TODAY().year} / spkt / polresta  tangerang",
    )
    # then: the number is written in its one form, the opener leads, lidik from the LP date
    assert case.lp_number == f"LP/B/101/{_roman()}/{TODAY().year}/SPKT/POLRESTA TANGERANG"
    assert case.stage == Stage.LIDIK and case.stage_on == case.lp_date
    assert list(case.team.values_list("user_id", "is_lead")) == [(police.lead.pk, True)]
    written = AuditEntry.objects.filter(sequence__gt=before)
    assert {(entry.action, entry.object_type) for entry in written} >= {
        ("create", "cases.case"),
        ("create", "cases.caseteammember"),
    }
    assert all(police.lead.username == entry.actor_label for entry in written)
    assert "POLRESTA" not in str([entry.detail for entry in written])  # names, not values


def _roman() -> str:
    from benteng.cases.validation import ROMAN_MONTHS

    return ROMAN_MONTHS[(TODAY() - datetime.timedelta(days=30)).month - 1]


@pytest.mark.parametrize(
    ("lp_number", "message"),
    [
        ("", "Nomor LP wajib diisi."),
        ("123/2026", "tidak sesuai pola"),
        ("LP/B/12/XIII/2026/SPKT/POLDA BANTEN", "tidak sesuai pola"),
        ("LP/B/12/2026/SPKT", "tidak sesuai pola"),
        ("LP/B/12/I/1999/SPKT/POLDA BANTEN", "tidak sama dengan tanggal LP"),
    ],
    ids=["blank", "no-pattern", "month-13", "no-month", "other-year"],
)
def test_a_bad_lp_number_is_refused_with_an_indonesian_message(police, lp_number, message):
    with pytest.raises(CaseInvalid) as refused:
        _open(Viewer.for_user(police.lead), lp_number=lp_number)
    assert message in " ".join(refused.value.errors["lp_number"])
    assert Case.objects.count() == 0


def test_an_lp_number_is_unique_per_handling_office_not_across_offices(police):
    _open(Viewer.for_user(police.lead))
    with pytest.raises(CaseInvalid) as refused:
        _open(Viewer.for_user(police.colleague))
    assert "sudah dipakai" in refused.value.errors["lp_number"][0]
    # the same number at Polres Serang is another report
    serang = _open(
        Viewer.for_user(police.serang), handling_office=Office.objects.get(code="polres-serang")
    )
    assert serang.pk is not None


def test_a_case_is_opened_for_ones_own_office_and_by_investigators_only(personas, police):
    with pytest.raises(CaseInvalid) as refused:
        _open(Viewer.for_user(police.serang))  # Polres Serang opening for Polresta Tangerang
    assert "handling_office" in refused.value.errors
    for who in (
        personas.analis_polri,
        personas.petugas_imigrasi,
        personas.admin,
        police.police_chief,
    ):
        with pytest.raises(CaseWriteRefused):
            _open(Viewer.for_user(who))
    # Polda's investigator may open a case for a Polres below it
    assert _open(Viewer.for_user(personas.penyidik)).handling_office.code == "polresta-tangerang"


def test_an_lp_date_in_the_future_is_refused(police):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(CaseInvalid) as refused:
        _open(Viewer.for_user(police.lead), lp_date=tomorrow, lp_number=lp_number_for(tomorrow))
    assert "masa depan" in refused.value.errors["lp_date"][0]


def test_stages_go_in_order_with_dates_going_forward_and_are_kept_as_history(police):
    # given
    case = open_case(police.lead)
    viewer = Viewer.for_user(police.lead)
    start = case.stage_on
    # when / then: skipping a stage is refused
    with pytest.raises(CaseInvalid) as refused:
        case_stage_advance(viewer=viewer, case=case, stage=Stage.P21, on=start)
    assert "Tahap berikutnya" in refused.value.errors["stage"][0]
    # a date before the current stage is refused
    with pytest.raises(CaseInvalid) as refused:
        case_stage_advance(
            viewer=viewer, case=case, stage=Stage.SIDIK, on=start - datetime.timedelta(days=1)
        )
    assert "tidak boleh sebelum" in refused.value.errors["on"][0]
    # a date in the future too
    with pytest.raises(CaseInvalid):
        case_stage_advance(
            viewer=viewer, case=case, stage=Stage.SIDIK, on=TODAY() + datetime.timedelta(days=1)
        )
    # in order, each date on or after the last
    dates = [start + datetime.timedelta(days=days) for days in (5, 10, 20, 30)]
    for stage, on in zip(
        (Stage.SIDIK, Stage.TAHAP_1, Stage.P21, Stage.TAHAP_2), dates, strict=True
    ):
        case = case_stage_advance(viewer=viewer, case=case, stage=stage, on=on)
    # the verdict goes through the outcome alone
    with pytest.raises(CaseInvalid):
        case_stage_advance(viewer=viewer, case=case, stage=Stage.PUTUSAN, on=dates[-1])
    case = case_outcome_record(viewer=viewer, case=case, verdict="terbukti", decided_on=TODAY())
    history = list(
        CaseStageChange.objects.filter(case=case).order_by("on", "pk").values_list("stage", "on")
    )
    assert history == [
        (Stage.LIDIK, start),
        *zip((Stage.SIDIK, Stage.TAHAP_1, Stage.P21, Stage.TAHAP_2), dates, strict=True),
        (Stage.PUTUSAN, TODAY()),
    ]
    assert Case.objects.get(pk=case.pk).verdict == "terbukti"


def test_the_outcome_needs_tahap_2_a_verdict_and_the_lead(police):
    case = open_case(police.lead)
    with pytest.raises(CaseInvalid) as refused:
        case_outcome_record(
            viewer=Viewer.for_user(police.lead), case=case, verdict="", decided_on=TODAY()
        )
    assert {"stage", "verdict"} <= set(refused.value.errors)
    case_team_member_add(viewer=Viewer.for_user(police.lead), case=case, user=police.colleague)
    with pytest.raises(CaseWriteRefused):
        case_outcome_record(
            viewer=Viewer.for_user(police.colleague), case=case, verdict="bebas", decided_on=TODAY()
        )


def test_only_the_team_writes_to_a_case(personas, police):
    case = open_case(police.lead)
    for who in (police.colleague, personas.analis_polri, police.police_chief, personas.admin):
        viewer = Viewer.for_user(who)
        with pytest.raises(CaseWriteRefused):
            case_stage_advance(viewer=viewer, case=case, stage=Stage.SIDIK, on=TODAY())
        with pytest.raises(CaseWriteRefused):
            case_person_add(
                viewer=viewer, case=case, role=PersonRole.VICTIM, data={"full_name": "X"}
            )
        with pytest.raises(CaseWriteRefused):
            case_team_member_add(viewer=viewer, case=case, user=who)
    # a member added by the lead may write, but not manage the team
    case_team_member_add(viewer=Viewer.for_user(police.lead), case=case, user=police.colleague)
    colleague = Viewer.for_user(police.colleague)
    case_stage_advance(viewer=colleague, case=case, stage=Stage.SIDIK, on=TODAY())
    with pytest.raises(CaseWriteRefused):
        case_team_member_add(viewer=colleague, case=case, user=personas.analis_polri)


def test_a_person_is_cleaned_numbered_by_role_and_audited_by_field_names(police):
    # given
    case = open_case(police.lead)
    viewer = Viewer.for_user(police.lead)
    before = AuditEntry.objects.count()
    # when
    first = case_person_add(
        viewer=viewer,
        case=case,
        role=PersonRole.VICTIM,
        data={"full_name": VICTIM_NAME, "nik": "3603075408900003", "phone": "0813-1111-2222"},
    )
    second = case_person_add(
        viewer=viewer, case=case, role=PersonRole.VICTIM, data={"full_name": "Korban Kedua"}
    )
    # then: the birth date and sex come from the NIK, the phone in its one form
    assert (first.number, second.number) == (1, 2)
    assert first.birth_date == datetime.date(1990, 8, 14) and first.sex == "P"
    assert first.phone == "6281311112222"
    assert first.region_id == "36.03.07"
    entry = AuditEntry.objects.filter(sequence__gt=before, object_type="cases.caseperson").first()
    assert entry is not None and "full_name" in entry.detail["fields"]
    assert VICTIM_NAME not in str(entry.detail)


def test_a_too_long_birth_place_or_address_is_refused_not_cut(police):
    case = open_case(police.lead)
    with pytest.raises(CaseInvalid) as refused:
        case_person_add(
            viewer=Viewer.for_user(police.lead),
            case=case,
            role=PersonRole.VICTIM,
            data={"full_name": "Korban", "birth_place": "x" * 101, "address": "y" * 301},
        )
    assert set(refused.value.errors) == {"birth_place", "address"}
    assert case.persons.count() == 0


def test_bad_identity_values_get_one_message_each(police):
    case = open_case(police.lead)
    with pytest.raises(CaseInvalid) as refused:
        case_person_add(
            viewer=Viewer.for_user(police.lead),
            case=case,
            role=PersonRole.SUSPECT,
            data={
                "full_name": "",
                "nik": "12345",
                "birth_date": "31-02-1990",
                "passport_no": "??",
                "phone": "12",
                "desa_code": "99.99",
                "perpetrator_role": "Exploiter",
            },
        )
    assert set(refused.value.errors) == {
        "full_name",
        "nik",
        "birth_date",
        "passport_no",
        "phone",
        "desa_code",
    }
    with pytest.raises(CaseInvalid) as refused:
        case_person_add(
            viewer=Viewer.for_user(police.lead),
            case=case,
            role=PersonRole.VICTIM,
            data={"full_name": "Korban", "perpetrator_role": "Exploiter"},
        )
    assert "perpetrator_role" in refused.value.errors


def test_the_route_starts_at_a_desa_and_ends_at_the_destination(police):
    case = open_case(police.lead)
    viewer = Viewer.for_user(police.lead)
    with pytest.raises(CaseInvalid) as refused:
        case_route_leg_add(viewer=viewer, case=case, kind="asal", desa_code="36.03.07")
    assert "tidak dikenal" in refused.value.errors["desa_code"][0]  # a kecamatan, not a desa
    origin = case_route_leg_add(viewer=viewer, case=case, kind="asal", desa_code="36.03.07.2001")
    with pytest.raises(CaseInvalid):
        case_route_leg_add(viewer=viewer, case=case, kind="asal", desa_code="36.03.07.2001")
    with pytest.raises(CaseInvalid) as refused:
        case_route_leg_add(viewer=viewer, case=case, kind="transit", country="XX", city="")
    assert {"country", "city"} <= set(refused.value.errors)
    transit = case_route_leg_add(
        viewer=viewer, case=case, kind="transit", country="MY", city="Kuala Lumpur"
    )
    with pytest.raises(CaseInvalid):
        case_route_leg_add(viewer=viewer, case=case, kind="tujuan", country="ID", city="Batam")
    destination = case_route_leg_add(
        viewer=viewer, case=case, kind="tujuan", country="KH", city="Sihanoukville"
    )
    with pytest.raises(CaseInvalid) as refused:
        case_route_leg_add(viewer=viewer, case=case, kind="transit", country="TH", city="Bangkok")
    assert "sudah berakhir" in refused.value.errors["kind"][0]
    assert [leg.position for leg in (origin, transit, destination)] == [1, 2, 3]
    assert origin.country == "ID" and origin.region_id == "36.03.07.2001"


def test_a_victim_service_is_for_a_victim_of_this_case_with_sensible_dates(police, tangerang_case):
    viewer = Viewer.for_user(police.lead)
    case = tangerang_case.case
    with pytest.raises(CaseInvalid) as refused:
        victim_service_add(
            viewer=viewer,
            case=case,
            victim_id=tangerang_case.recruiter.pk,  # not a victim
            kind="medis",
            status="selesai",  # done, without a date
        )
    assert {"victim", "completed_on"} <= set(refused.value.errors)
    with pytest.raises(CaseInvalid) as refused:
        victim_service_add(
            viewer=viewer,
            case=case,
            victim_id=tangerang_case.victim.pk,
            kind="restitusi",
            status="selesai",
            started_on=TODAY(),
            completed_on=TODAY() - datetime.timedelta(days=1),
        )
    assert "sebelum tanggal mulai" in refused.value.errors["completed_on"][0]
    service = victim_service_add(
        viewer=viewer,
        case=case,
        victim_id=tangerang_case.victim.pk,
        kind="pemulangan",
        status="selesai",
        started_on=TODAY() - datetime.timedelta(days=3),
        completed_on=TODAY(),
    )
    assert service.victim == tangerang_case.victim


def test_the_team_takes_police_case_workers_and_keeps_its_lead(personas, police):
    case = open_case(police.lead)
    lead = Viewer.for_user(police.lead)
    for outsider in (personas.petugas_imigrasi, police.police_chief, personas.bhabinkamtibmas):
        with pytest.raises(CaseInvalid):
            case_team_member_add(viewer=lead, case=case, user=outsider)
    member = case_team_member_add(viewer=lead, case=case, user=police.colleague)
    with pytest.raises(CaseInvalid):
        case_team_member_add(viewer=lead, case=case, user=police.colleague)
    lead_member = case.team.get(is_lead=True)
    with pytest.raises(CaseInvalid):
        case_team_member_remove(viewer=lead, case=case, member_id=lead_member.pk)
    case_team_member_remove(viewer=lead, case=case, member_id=member.pk)
    assert list(case.team.values_list("user_id", flat=True)) == [police.lead.pk]
