"""The village profile: what happened at the border to the desa's people (counts for everyone
the desa is shown to, names only through the screening and cases policies), its risk
indicator that explains itself, and the registry another app adds a contribution to."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import object_type_of
from benteng.cases.services import case_open, case_person_add
from benteng.cases.validation import ROMAN_MONTHS
from benteng.screening.models import ApplicationDecision, DepartureOutcome, PassportApplication
from benteng.villages.contributions import (
    village_profile,
)
from benteng.villages.selectors import outreach_list
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make, departure_make

pytestmark = pytest.mark.django_db


def _border_events(personas, desa_code: str) -> PassportApplication:  # type: ignore[no-untyped-def]
    """Two applicants of the desa postponed or refused at Kanim Tangerang, a passenger of the
    desa delayed at the TPI, a victim of the desa in a Polda case, and one applicant of the
    kecamatan whose desa is unknown."""
    now = timezone.now()
    first = None
    for number, outcome in enumerate(("tunda", "tolak")):
        application = application_make(full_name=f"Pemohon Desa {number}")
        application.region_id = desa_code
        application.save(update_fields=["region"])
        ApplicationDecision.objects.create(
            application=application,
            outcome=outcome,
            reason="indikasi_pmi_nonprosedural",
            decided_by=personas.petugas_imigrasi,
            decided_at=now - datetime.timedelta(days=10),
        )
        first = first or application
    check = departure_make(full_name="Penumpang Desa")
    check.region_id = desa_code
    check.outcome = DepartureOutcome.DELAY
    check.save(update_fields=["region", "outcome"])
    unknown_desa = application_make(full_name="Pemohon Kecamatan")  # region from NIK only
    unknown_desa.region_id = desa_code.rsplit(".", 1)[0]
    unknown_desa.save(update_fields=["region"])
    ApplicationDecision.objects.create(
        application=unknown_desa,
        outcome="tunda",
        reason="dokumen_kurang",
        decided_by=personas.petugas_imigrasi,
    )
    today = timezone.localdate()
    case = case_open(
        viewer=Viewer.for_user(personas.penyidik),
        kind="tppo",
        lp_number=f"LP/B/7/{ROMAN_MONTHS[today.month - 1]}/{today.year}/SPKT/POLDA BANTEN",
        lp_date=today,
        handling_office=Office.objects.get(code="polda-banten"),
        modus="penipuan_daring",
    )
    case_person_add(
        viewer=Viewer.for_user(personas.penyidik),
        case=case,
        role="korban",
        data={"full_name": "Korban Desa", "desa_code": desa_code},
    )
    assert first is not None
    return first


def test_the_profile_counts_the_desa_s_border_events_and_explains_its_risk(personas, villages):
    # given
    village = villages["own"]
    _border_events(personas, village.region_id)
    # when
    profile = village_profile(
        viewer=Viewer.for_user(personas.pic_desa), village=village, today=timezone.localdate()
    )
    # then
    by_code = {item.code: item for item in profile.risk.contributions}
    assert by_code["permohonan_ditunda_ditolak"].count == 2
    assert by_code["permohonan_ditunda_ditolak"].points == 10
    assert by_code["keberangkatan_dicegah"].count == 1
    assert by_code["korban_kasus"].points == 15
    assert by_code["kecamatan_tanpa_desa"].count == 1
    assert by_code["tanpa_penyuluhan"].evidence == "belum pernah ada penyuluhan tercatat"
    assert profile.risk.score == sum(item.points for item in profile.risk.contributions)
    assert profile.risk.band == "sedang"


@pytest.mark.parametrize(
    ("persona", "names"),
    [
        ("petugas_imigrasi", {"Pemohon Desa 0", "Pemohon Desa 1"}),  # their Kanim's applicants
        ("analis_imigrasi", {"Pemohon Desa 0", "Pemohon Desa 1", "Penumpang Desa"}),
        ("penyidik", {"Korban Desa"}),  # the case team (the lead) sees its victim
        ("analis_polri", set()),  # the case, without the victim's identity
        ("pimpasa", set()),
        ("bhabinkamtibmas", set()),
        ("pic_desa", set()),
        ("pimpinan", set()),
    ],
)
def test_names_only_for_those_the_screening_and_cases_policies_allow(
    personas, villages, persona, names
):
    # given
    village = villages["own"]
    _border_events(personas, village.region_id)
    client = verified_client(getattr(personas, persona))
    # when
    response = client.get(reverse("villages:profile", args=[village.pk]))
    html = response.content.decode()
    # then: counts for all, names for some
    assert response.status_code == 200
    assert 'data-testid="village-risk"' in html
    everyone = {"Pemohon Desa 0", "Pemohon Desa 1", "Penumpang Desa", "Korban Desa"}
    assert {name for name in everyone if name in html} == names
    assert "Pemohon Kecamatan" not in html


def test_the_names_shown_on_a_profile_are_audited(personas, villages):
    village = villages["own"]
    first = _border_events(personas, village.region_id)
    verified_client(personas.petugas_imigrasi).get(reverse("villages:profile", args=[village.pk]))
    entry = AuditEntry.objects.filter(
        action=AuditAction.LIST, object_type=object_type_of(PassportApplication)
    ).latest("occurred_at")
    assert str(first.pk) in entry.object_ids
    assert entry.detail == {"search": {"village": village.region_id}}


def test_a_profile_of_another_village_is_not_found(personas, villages):
    client = verified_client(personas.pic_desa)
    assert client.get(reverse("villages:profile", args=[villages["far"].pk])).status_code == 404


def test_the_outreach_list_puts_the_village_with_border_events_first(personas, villages):
    # given: border events in the second Kronjo village only
    _border_events(personas, villages["second"].region_id)
    # when
    ranked = outreach_list(viewer=Viewer.for_user(personas.pimpasa), today=timezone.localdate())
    # then
    assert [item.village for item in ranked] == [villages["second"], villages["own"]]
    assert ranked[0].reasons[0] == "2 × Permohonan paspor ditunda/ditolak dalam 90 hari"
    assert ranked[1].reasons == ["belum pernah ada penyuluhan tercatat"]


def test_the_outreach_list_is_for_the_pimpasa_bhabinkamtibmas_and_leadership(personas, villages):
    for persona, status in (
        ("pimpasa", 200),
        ("bhabinkamtibmas", 200),
        ("pimpinan", 200),
        ("pic_desa", 403),
        ("petugas_imigrasi", 403),
        ("admin", 403),
    ):
        client = verified_client(getattr(personas, persona))
        assert client.get(reverse("villages:outreach_list")).status_code == status, persona
