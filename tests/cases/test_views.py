"""The case pages: who may open them, what they show of a victim, bad input kept as typed,
the audit of reads, and a list whose number of queries does not grow with its rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benteng.access import Viewer
from benteng.audit.models import AuditEntry
from benteng.cases.models import Case, CaseStageChange, PersonRole, Stage
from benteng.cases.services import case_person_add, case_stage_advance
from tests.cases.conftest import RECRUITER_NAME, VICTIM_NAME, VICTIM_NIK, open_case
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
LIST = "/kasus/"


def _detail(case: Case) -> str:
    return f"/kasus/{case.pk}/"


@pytest.mark.parametrize(
    "who",
    [
        "petugas_imigrasi",
        "petugas_tpi",
        "analis_imigrasi",
        "pimpasa",
        "bhabinkamtibmas",
        "pic_desa",
        "pimpinan",
        "admin",
    ],
)
def test_the_case_pages_are_police_pages(personas, tangerang_case, who):
    client = verified_client(personas.all()[who])
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(tangerang_case.case)).status_code == 403
    assert client.get("/kasus/buka/").status_code == 403
    assert b"/kasus/" not in client.get("/").content  # no link, no tile


def test_another_polres_gets_404_for_a_case_as_for_a_missing_one(police, tangerang_case):
    client = verified_client(police.serang)
    assert client.get(_detail(tangerang_case.case)).status_code == 404
    assert client.get("/kasus/999999/").status_code == 404
    assert client.get(f"/kasus/{tangerang_case.case.pk}/orang/").status_code == 404
    listed = client.get(LIST).content.decode()
    assert tangerang_case.case.lp_number not in listed


def test_the_team_sees_the_victims_name_a_colleague_sees_that_a_victim_exists(
    police, tangerang_case
):
    # when
    lead = verified_client(police.lead).get(_detail(tangerang_case.case)).content.decode()
    colleague_response = verified_client(police.colleague).get(_detail(tangerang_case.case))
    colleague = colleague_response.content.decode()
    # then
    assert VICTIM_NAME in lead and VICTIM_NIK in lead
    assert colleague_response.status_code == 200
    assert "Korban 1 (identitas dirahasiakan)" in colleague
    assert VICTIM_NAME not in colleague and VICTIM_NIK not in colleague
    assert RECRUITER_NAME in colleague
    # the colleague may read but not write
    assert "Tambah orang" not in colleague
    assert (
        verified_client(police.colleague).get(f"/kasus/{tangerang_case.case.pk}/orang/").status_code
        == 403
    )


def test_leadership_of_the_parent_office_sees_the_case_without_anybodys_identity(
    police, tangerang_case
):
    page = verified_client(police.police_chief).get(_detail(tangerang_case.case)).content.decode()
    assert tangerang_case.case.lp_number in page
    assert "Korban 1 (identitas dirahasiakan)" in page
    assert "Perekrut 1 (identitas dirahasiakan)" in page
    assert VICTIM_NAME not in page and RECRUITER_NAME not in page
    assert police.lead.full_name not in page  # not even the colleagues on the team
    assert "Nama anggota tim kasus tidak ditampilkan" in page  # and told why


def test_the_team_sees_its_names_and_no_word_of_them_being_withheld(police, tangerang_case):
    page = verified_client(police.lead).get(_detail(tangerang_case.case)).content.decode()
    assert police.lead.full_name in page
    assert "Nama anggota tim kasus tidak ditampilkan" not in page


def test_the_list_search_does_not_reveal_a_victim_outside_the_team(police, tangerang_case):
    lead = verified_client(police.lead).get(LIST, {"q": "Aminah"}).content.decode()
    colleague = verified_client(police.colleague).get(LIST, {"q": "Aminah"}).content.decode()
    assert tangerang_case.case.lp_number in lead
    assert tangerang_case.case.lp_number not in colleague
    assert "1 korban" in verified_client(police.colleague).get(LIST).content.decode()


def test_reads_are_audited_with_their_search_terms(police, tangerang_case):
    before = AuditEntry.objects.count()
    client = verified_client(police.colleague)
    client.get(LIST, {"q": "Darmaji", "stage": Stage.LIDIK})
    client.get(_detail(tangerang_case.case))
    entries = list(AuditEntry.objects.filter(sequence__gt=before).order_by("sequence"))
    listed = next(
        entry for entry in entries if entry.object_type == "cases.case" and entry.action == "list"
    )
    assert listed.object_ids == [str(tangerang_case.case.pk)]
    assert listed.detail["search"] == {"q": "Darmaji", "stage": "lidik"}
    read = {(entry.action, entry.object_type) for entry in entries}
    assert ("read", "cases.case") in read and ("read", "cases.caseperson") in read
    assert all(entry.actor_id == police.colleague.pk for entry in entries)


def test_the_list_filters_by_kind_stage_modus_and_period(police):
    first = open_case(police.lead, serial=1)
    second = open_case(police.lead, serial=2)
    case_stage_advance(
        viewer=Viewer.for_user(police.lead), case=second, stage=Stage.SIDIK, on=timezone.localdate()
    )
    client = verified_client(police.lead)
    page = client.get(LIST, {"stage": Stage.SIDIK}).content.decode()
    assert second.lp_number in page and first.lp_number not in page
    page = client.get(LIST, {"kind": "tppm"}).content.decode()
    assert "0 kasus" in page
    page = client.get(
        LIST, {"modus": "penipuan_daring", "date_from": "01-01-2000"}
    ).content.decode()
    assert "2 kasus" in page
    response = client.get(LIST, {"date_from": "32-13-2026"})
    assert response.status_code == 200
    assert (
        "tidak ada di kalender" in response.content.decode()
        or "HH-BB-TTTT" in response.content.decode()
    )


def test_the_list_makes_the_same_number_of_queries_for_2_and_12_cases(police):
    client = verified_client(police.lead)
    client.get(LIST)  # the session and caches warmed up

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    for serial in (1, 2):
        case = open_case(police.lead, serial=serial)
        case_person_add(
            viewer=Viewer.for_user(police.lead),
            case=case,
            role=PersonRole.VICTIM,
            data={"full_name": "Korban Satu"},
        )
    few = count_queries()
    for serial in range(3, 13):
        open_case(police.lead, serial=serial)
    assert count_queries() == few
    assert few <= 16  # session, user, 2FA device, audit, count and page: no per-row query


def _open_form(**changes: str) -> dict[str, str]:
    return {
        "kind": "tppo",
        "lp_number": "LP/B/77/XIII/2026/SPKT/POLRESTA TANGERANG",
        "lp_date": "31-02-2026",
        "handling_office": "",
        "modus": "penipuan_daring",
        "stage": "lidik",
        "summary": "Dua warga Kronjo direkrut lewat media sosial",
        **changes,
    }


def test_opening_a_case_with_a_bad_lp_number_keeps_what_was_typed(police):
    # given
    client = verified_client(police.lead)
    office = str(police.lead.office_id)
    lp_date = timezone.localdate() - datetime.timedelta(days=3)
    # when: a date that is not in the calendar
    response = client.post("/kasus/buka/", _open_form(handling_office=office))
    page = response.content.decode()
    # then
    assert response.status_code == 200
    assert "tidak ada di kalender" in page
    assert "LP/B/77/XIII/2026/SPKT/POLRESTA TANGERANG" in page
    assert "Dua warga Kronjo direkrut lewat media sosial" in page
    # when: a good date, a month that does not exist in the number
    response = client.post(
        "/kasus/buka/", _open_form(handling_office=office, lp_date=lp_date.strftime("%d-%m-%Y"))
    )
    page = response.content.decode()
    assert "tidak sesuai pola" in page
    assert lp_date.strftime("%d-%m-%Y") in page
    assert Case.objects.count() == 0
    # when: all good
    from benteng.cases.validation import ROMAN_MONTHS

    number = f"LP/B/77/{ROMAN_MONTHS[lp_date.month - 1]}/{lp_date.year}/SPKT/POLRESTA TANGERANG"
    response = client.post(
        "/kasus/buka/",
        _open_form(
            handling_office=office,
            lp_date=lp_date.strftime("%d-%m-%Y"),
            lp_number=number,
            control_methods=["DebtBondage"],
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(case)
    assert case.control_methods == ["DebtBondage"]


def test_a_stage_with_a_date_before_the_current_one_keeps_what_was_typed(police):
    case = open_case(police.lead)
    client = verified_client(police.lead)
    earlier = (case.stage_on - datetime.timedelta(days=2)).strftime("%d-%m-%Y")
    response = client.post(f"/kasus/{case.pk}/tahap/", {"on": earlier, "note": "SPDP dikirim"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "tidak boleh sebelum" in page
    assert earlier in page and "SPDP dikirim" in page
    assert CaseStageChange.objects.filter(case=case).count() == 1
    today = timezone.localdate().strftime("%d-%m-%Y")
    response = client.post(f"/kasus/{case.pk}/tahap/", {"on": today, "note": "SPDP dikirim"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.SIDIK


def test_a_person_with_a_bad_nik_keeps_what_was_typed(police):
    case = open_case(police.lead)
    client = verified_client(police.lead)
    response = client.post(
        f"/kasus/{case.pk}/orang/",
        {
            "role": "korban",
            "full_name": "Rina Marlina",
            "nik": "36030754089",
            "phone": "0812 3456 7890",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rina Marlina" in page and "36030754089" in page and "0812 3456 7890" in page
    assert "NIK" in page and case.persons.count() == 0


def test_the_team_page_is_the_leads(police, tangerang_case):
    case = tangerang_case.case
    assert verified_client(police.colleague).get(f"/kasus/{case.pk}/tim/").status_code == 403
    lead = verified_client(police.lead)
    page = lead.get(f"/kasus/{case.pk}/tim/").content.decode()
    assert police.colleague.full_name in page  # a colleague of the same office to choose
    response = lead.post(f"/kasus/{case.pk}/tim/", {"user": police.colleague.pk})
    assert response.status_code == 302
    colleague = verified_client(police.colleague).get(_detail(case)).content.decode()
    assert VICTIM_NAME in colleague


def test_a_victim_services_status_changes_with_a_completion_date(police, tangerang_case):
    # given
    from benteng.cases.services import victim_service_add

    case = tangerang_case.case
    service = victim_service_add(
        viewer=Viewer.for_user(police.lead),
        case=case,
        victim_id=tangerang_case.victim.pk,
        kind="pemulangan",
        status="berjalan",
        started_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    url = f"/kasus/{case.pk}/layanan/{service.pk}/"
    assert verified_client(police.colleague).get(url).status_code == 403
    client = verified_client(police.lead)
    # when: done without a date
    response = client.post(url, {"status": "selesai", "completed_on": "", "note": "tiba di Kronjo"})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "perlu tanggal selesai" in page and "tiba di Kronjo" in page
    # when: with the date
    today = timezone.localdate().strftime("%d-%m-%Y")
    response = client.post(url, {"status": "selesai", "completed_on": today, "note": "tiba"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == "selesai" and service.completed_on == timezone.localdate()
    assert AuditEntry.objects.filter(
        object_type="cases.victimservice", action="update", object_ids=[str(service.pk)]
    ).exists()


def test_the_team_updates_the_htcds_vocabulary_others_may_not(police, tangerang_case):
    case = tangerang_case.case
    url = f"/kasus/{case.pk}/ubah/"
    assert verified_client(police.colleague).get(url).status_code == 403
    client = verified_client(police.lead)
    # when: a status without who decided it
    response = client.post(
        url,
        {
            "modus": "penipuan_daring",
            "summary": "Direkrut lewat grup Facebook",
            "trafficking_status": "Actual",
            "status_decided_by": "",
            "control_methods": ["WithholdsDocuments", "DebtBondage"],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sebutkan siapa yang menetapkan status" in page
    assert "Direkrut lewat grup Facebook" in page
    # when: complete
    response = client.post(
        url,
        {
            "modus": "penipuan_daring",
            "summary": "Direkrut lewat grup Facebook",
            "trafficking_status": "Actual",
            "status_decided_by": "Police",
            "recruitment_method": "ThroughOnlineSocialNetworks",
            "control_methods": ["WithholdsDocuments", "DebtBondage"],
            "exploitation_types": ["ForcedLabour"],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.control_methods == ["DebtBondage", "WithholdsDocuments"]  # picklist order
    assert case.trafficking_status == "Actual" and case.status_decided_by == "Police"
    entry = AuditEntry.objects.filter(object_type="cases.case", action="update").last()
    assert entry is not None and "control_methods" in entry.detail["fields"]
