"""Who sees a case, and who sees its victims' identities: in the list, its search, the case
file, and the screening index."""

from __future__ import annotations

import pytest

from benteng.access import NotVisible, Viewer, access_object
from benteng.cases.access import may_see_victim_identity
from benteng.cases.identity_sources import CASE_PERSONS
from benteng.cases.models import Case, CasePerson, VictimService
from benteng.cases.selectors import CaseFilters, case_file, case_list
from benteng.cases.services import victim_service_add
from benteng.core.records import IdentityRecord
from benteng.people.index import screening_index
from tests.cases.conftest import RECRUITER_NAME, VICTIM_NAME, VICTIM_NIK, VICTIM_PHONE

pytestmark = pytest.mark.django_db

# Who sees the case at all.
SEES_CASE = {
    "lead": True,  # the case team
    "colleague": True,  # an investigator of the handling office
    "analis_polri": True,  # an analyst of Polda Banten, above Polresta Tangerang
    "police_chief": True,  # leadership of the parent office (no identities)
    "serang": False,  # another Polres
    "penyidik": False,  # an investigator of Polda, not on the team
    "petugas_imigrasi": False,
    "petugas_tpi": False,
    "analis_imigrasi": False,
    "pimpasa": False,
    "bhabinkamtibmas": False,
    "pic_desa": False,
    "pimpinan": False,  # leadership of the immigration Kanwil
    "admin": False,
}


def _people(personas, police):  # type: ignore[no-untyped-def]
    return {**personas.all(), **police.__dict__}


@pytest.mark.parametrize(("who", "sees"), SEES_CASE.items(), ids=list(SEES_CASE))
def test_a_case_is_seen_by_its_office_team_analysts_and_leadership_only(
    personas, police, tangerang_case, who, sees
):
    # given
    viewer = Viewer.for_user(_people(personas, police)[who])
    # when
    listed = list(case_list(viewer=viewer, filters=CaseFilters()))
    persons = CasePerson.objects.visible_to(viewer).count()
    # then
    assert (listed == [tangerang_case.case]) is sees
    assert (persons == 3) is sees
    if not sees:
        assert listed == [] and persons == 0
        with pytest.raises(NotVisible):
            access_object(viewer, Case, tangerang_case.case.pk)


@pytest.mark.parametrize(
    ("who", "sees_victim", "sees_recruiter"),
    [
        ("lead", True, True),
        ("colleague", False, True),
        ("analis_polri", False, True),
        ("police_chief", False, False),
    ],
)
def test_only_the_case_team_sees_who_the_victim_is(
    personas, police, tangerang_case, who, sees_victim, sees_recruiter
):
    # given
    viewer = Viewer.for_user(_people(personas, police)[who])
    case = access_object(viewer, Case, tangerang_case.case.pk)
    # when
    found = case_file(viewer=viewer, case=case)
    labels = [person.label for person in found.persons]
    shown = " ".join(f"{person.label} {person.fields}" for person in found.persons)
    # then: everybody learns that there is a victim
    assert len(found.persons) == 3
    victim = next(person for person in found.persons if person.role == "korban")
    assert may_see_victim_identity(viewer, case) is sees_victim
    if sees_victim:
        assert victim.label == f"Korban 1: {VICTIM_NAME}"
        assert victim.fields["nik"] == VICTIM_NIK
    else:
        assert victim.label == "Korban 1 (identitas dirahasiakan)"
        assert victim.identity_hidden
        for secret in (VICTIM_NAME, VICTIM_NIK, "6281311112222", "Aminah"):
            assert secret not in shown
    assert (RECRUITER_NAME in " ".join(labels)) is sees_recruiter


@pytest.mark.parametrize(
    ("who", "finds"),
    [("lead", True), ("colleague", False), ("analis_polri", False), ("police_chief", False)],
)
def test_searching_a_victims_name_nik_or_phone_finds_the_case_for_the_team_only(
    personas, police, tangerang_case, who, finds
):
    viewer = Viewer.for_user(_people(personas, police)[who])
    for term in ("Aminah", VICTIM_NIK, VICTIM_PHONE):
        found = list(case_list(viewer=viewer, filters=CaseFilters(search=term)))
        assert (found == [tangerang_case.case]) is finds, term


def test_searching_a_recruiters_name_finds_the_case_for_investigators_not_leadership(
    personas, police, tangerang_case
):
    for who, finds in (("lead", True), ("colleague", True), ("police_chief", False)):
        viewer = Viewer.for_user(_people(personas, police)[who])
        found = list(case_list(viewer=viewer, filters=CaseFilters(search="Darmaji")))
        assert (found == [tangerang_case.case]) is finds, who


def test_a_later_team_member_sees_the_victim_and_a_case_of_another_office(
    personas, police, tangerang_case
):
    # given: the Polda investigator joins the Polresta's team
    from benteng.cases.services import case_team_member_add

    case = tangerang_case.case
    case_team_member_add(viewer=Viewer.for_user(police.lead), case=case, user=personas.penyidik)
    viewer = Viewer.for_user(personas.penyidik)
    # when
    loaded = access_object(viewer, Case, case.pk)
    found = case_file(viewer=viewer, case=loaded)
    # then
    assert any(person.label == f"Korban 1: {VICTIM_NAME}" for person in found.persons)


def test_victims_and_witnesses_stay_out_of_the_screening_index_perpetrators_are_police_only(
    tangerang_case,
):
    # when: the index (built from the database) is asked for each name, by each agency
    index = screening_index()

    def found(name: str, agency: str) -> set[int]:
        _hits, events = index.search_person(
            IdentityRecord(id="q", name=name),
            reader_agency=agency,
            watchlist_top=10,
            events_top=50,
            threshold=0.0,
        )
        return {match.ref.pk for match in events if match.ref.source == CASE_PERSONS.label}

    # then: the recruiter for the police only; the victim and the witness for nobody
    assert found(RECRUITER_NAME, "polri") == {tangerang_case.recruiter.pk}
    assert found(RECRUITER_NAME, "imigrasi") == set()
    for agency in ("polri", "imigrasi"):
        assert found(VICTIM_NAME, agency) == set()
        assert found("Ujang Saksi", agency) == set()


def test_a_victims_services_name_the_victim_by_number_outside_the_team(
    personas, police, tangerang_case
):
    # given
    case = tangerang_case.case
    victim_service_add(
        viewer=Viewer.for_user(police.lead),
        case=case,
        victim_id=tangerang_case.victim.pk,
        kind="rumah_aman",
        status="berjalan",
    )
    viewer = Viewer.for_user(police.colleague)
    # when
    found = case_file(viewer=viewer, case=access_object(viewer, Case, case.pk))
    # then
    assert [label for _service, label in found.services] == ["Korban 1 (identitas dirahasiakan)"]
    assert VictimService.objects.visible_to(Viewer.for_user(police.serang)).count() == 0
