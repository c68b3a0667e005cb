"""Fixtures of the case tests: police officers besides the personas, and a case of Polresta
Tangerang made through the services, with a victim, a recruiter and a witness.

Who is who around the case:
- ``lead``: the investigator at Polresta Tangerang who opened it (the case team);
- ``colleague``: another investigator at Polresta Tangerang, not on the team;
- ``serang``: an investigator of another Polres;
- ``police_chief``: the leadership of Polda Banten (the handling office's parent);
- the personas: ``penyidik`` and ``analis_polri`` at Polda Banten, immigration, villages,
  leadership of the immigration Kanwil, an administrator.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from benteng.access import Viewer
from benteng.accounts.models import Office, Role, User
from benteng.cases.models import Case, CaseKind, CasePerson, Modus, PersonRole
from benteng.cases.services import case_open, case_person_add
from benteng.cases.validation import ROMAN_MONTHS
from tests.conftest import make_user

VICTIM_NAME = "Siti Aminah Binti Rahmat"
VICTIM_NIK = "3603075408900003"  # a woman born 14-08-1990 in Kecamatan Kronjo
VICTIM_PHONE = "081311112222"
RECRUITER_NAME = "Haji Darmaji bin Sukri"


def lp_number_for(day: datetime.date, serial: int = 101, unit: str = "POLRESTA TANGERANG") -> str:
    return f"LP/B/{serial}/{ROMAN_MONTHS[day.month - 1]}/{day.year}/SPKT/{unit}"


@dataclass
class Police:
    lead: User
    colleague: User
    serang: User
    police_chief: User


@pytest.fixture
def police(personas) -> Police:  # type: ignore[no-untyped-def]
    return Police(
        lead=make_user("penyidik.tng", Role.PENYIDIK, "polresta-tangerang"),
        colleague=make_user("penyidik2.tng", Role.PENYIDIK, "polresta-tangerang"),
        serang=make_user("penyidik.srg", Role.PENYIDIK, "polres-serang"),
        police_chief=make_user("pimpinan.polda", Role.PIMPINAN, "polda-banten"),
    )


def open_case(user: User, *, serial: int = 101, office_code: str = "polresta-tangerang") -> Case:
    lp_date = timezone.localdate() - datetime.timedelta(days=60)
    return case_open(
        viewer=Viewer.for_user(user),
        kind=CaseKind.TPPO,
        lp_number=lp_number_for(lp_date, serial),
        lp_date=lp_date,
        handling_office=Office.objects.get(code=office_code),
        modus=Modus.ONLINE_SCAM,
    )


@dataclass
class CaseWithPeople:
    case: Case
    victim: CasePerson
    recruiter: CasePerson
    witness: CasePerson


@pytest.fixture
def tangerang_case(police) -> CaseWithPeople:  # type: ignore[no-untyped-def]
    case = open_case(police.lead)
    viewer = Viewer.for_user(police.lead)
    victim = case_person_add(
        viewer=viewer,
        case=case,
        role=PersonRole.VICTIM,
        data={"full_name": VICTIM_NAME, "nik": VICTIM_NIK, "phone": VICTIM_PHONE},
    )
    recruiter = case_person_add(
        viewer=viewer,
        case=case,
        role=PersonRole.RECRUITER,
        data={"full_name": RECRUITER_NAME, "perpetrator_role": "RecruiterOrIntermediary"},
    )
    witness = case_person_add(
        viewer=viewer, case=case, role=PersonRole.WITNESS, data={"full_name": "Ujang Saksi"}
    )
    return CaseWithPeople(case, victim, recruiter, witness)
