"""Demo cases: a dozen synthetic TPPO/TPPM cases across kinds, modus and legal stages, with
victims, suspects, recruiters and witnesses, routes from Banten desa to the destinations of the
news (Malaysia, Cambodia, Saudi Arabia …) and services for the victims.

Made through the services (audited and indexed like real ones) by Benteng itself with a system
viewer; each case's team is demo investigators: ``penyidik.polda`` (accounts' demo) and two
added here at Polresta Tangerang and Polres Serang, so the demo shows a case seen without its
victims' identities (``penyidik2.tangerang`` is at the handling office but not on the team).
Idempotent: a case whose LP number exists is left alone. People are Faker ``id_ID`` only.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from faker import Faker

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role, User
from benteng.accounts.services import user_create
from benteng.cases.models import (
    STAGE_ORDER,
    Case,
    CaseKind,
    ControlMethod,
    ExploitationType,
    LegKind,
    Modus,
    PerpetratorRole,
    PersonRole,
    RecruitmentMethod,
    ServiceKind,
    ServiceStatus,
    Stage,
    StatusDecidedBy,
    TraffickingStatus,
    Verdict,
)
from benteng.cases.services import (
    case_open,
    case_outcome_record,
    case_person_add,
    case_route_leg_add,
    case_stage_advance,
    case_team_member_add,
    victim_service_add,
)
from benteng.cases.validation import ROMAN_MONTHS
from benteng.demo import DemoAccount, DemoContext
from benteng.regions.models import Region

DEMO_INVESTIGATORS = [
    # username, role, office
    ("penyidik.tangerang", Role.PENYIDIK, "polresta-tangerang"),
    ("penyidik2.tangerang", Role.PENYIDIK, "polresta-tangerang"),
    ("penyidik.serang", Role.PENYIDIK, "polres-serang"),
]
# kind, modus, handling office, lead, last stage, destination (country, city), transit
DEMO_CASES = [
    (
        CaseKind.TPPO,
        Modus.ONLINE_SCAM,
        "polresta-tangerang",
        "penyidik.tangerang",
        Stage.SIDIK,
        ("KH", "Sihanoukville"),
        ("MY", "Kuala Lumpur"),
    ),
    (
        CaseKind.TPPO,
        Modus.NON_PROCEDURAL,
        "polresta-tangerang",
        "penyidik.tangerang",
        Stage.P21,
        ("MY", "Johor Bahru"),
        ("ID", "Batam"),
    ),
    (
        CaseKind.TPPO,
        Modus.DOMESTIC_SERVITUDE,
        "polda-banten",
        "penyidik.polda",
        Stage.PUTUSAN,
        ("SA", "Riyadh"),
        ("AE", "Dubai"),
    ),
    (
        CaseKind.TPPO,
        Modus.FISHING_VESSEL,
        "polda-banten",
        "penyidik.polda",
        Stage.TAHAP_1,
        ("TW", "Kaohsiung"),
        None,
    ),
    (
        CaseKind.TPPM,
        Modus.SMUGGLING,
        "polres-serang",
        "penyidik.serang",
        Stage.LIDIK,
        ("AU", "Darwin"),
        ("ID", "Kupang"),
    ),
    (
        CaseKind.TPPO,
        Modus.SEXUAL_EXPLOITATION,
        "polres-serang",
        "penyidik.serang",
        Stage.TAHAP_2,
        ("MY", "Kuching"),
        None,
    ),
    (
        CaseKind.TPPO,
        Modus.CHILD_TRAFFICKING,
        "polresta-tangerang",
        "penyidik.tangerang",
        Stage.LIDIK,
        ("SG", "Singapura"),
        None,
    ),
    (
        CaseKind.TPPO,
        Modus.ONLINE_SCAM,
        "polda-banten",
        "penyidik.polda",
        Stage.PUTUSAN,
        ("MM", "Myawaddy"),
        ("TH", "Mae Sot"),
    ),
    (
        CaseKind.TPPO,
        Modus.NON_PROCEDURAL,
        "polres-serang",
        "penyidik.serang",
        Stage.SIDIK,
        ("AE", "Abu Dhabi"),
        None,
    ),
    (
        CaseKind.TPPO,
        Modus.OTHER,
        "polresta-tangerang",
        "penyidik.tangerang",
        Stage.TAHAP_1,
        ("JP", "Osaka"),
        None,
    ),
    (
        CaseKind.TPPM,
        Modus.SMUGGLING,
        "polda-banten",
        "penyidik.polda",
        Stage.P21,
        ("NZ", "Auckland"),
        ("MY", "Kuala Lumpur"),
    ),
    (
        CaseKind.TPPO,
        Modus.ONLINE_SCAM,
        "polresta-tangerang",
        "penyidik.tangerang",
        Stage.SIDIK,
        ("LA", "Bokeo"),
        ("TH", "Bangkok"),
    ),
]
UNIT_NAMES = {
    "polda-banten": "POLDA BANTEN",
    "polresta-tangerang": "POLRESTA TANGERANG",
    "polres-serang": "POLRES SERANG",
}


def _viewer() -> Viewer:
    return Viewer.system(purpose="data demo kasus TPPO/TPPM")


def _investigators(context: DemoContext) -> dict[str, User]:
    found: dict[str, User] = {}
    for username, role, office_code in DEMO_INVESTIGATORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                full_name=context.faker.name(),
                role=role,
                office=Office.objects.get(code=office_code),
                password=context.password,
                email=f"{username}@benteng.example",
                phone=context.faker.numerify("08##########"),
                villages=[],
                is_demo_account=True,
            )
        context.accounts.append(
            DemoAccount(
                username=username,
                role=role,
                office=user.office.name if user.office else "",
                full_name=user.full_name,
            )
        )
        found[username] = user
    polda = User.objects.filter(username="penyidik.polda").first()
    if polda is not None:
        found["penyidik.polda"] = polda
    return found


def _summary(modus: str, destination: tuple[str, str], faker: Faker) -> str:
    """A short Indonesian summary (Faker's lorem is Latin even under id_ID)."""
    return (
        f"Korban direkrut di {faker.city()} dengan janji bekerja di luar negeri "
        f"({destination[1]}); modus: {Modus(modus).label}. Perekrut meminta biaya dan "
        "menahan dokumen perjalanan."
    )


def seed_demo(context: DemoContext) -> None:
    faker = context.faker
    investigators = _investigators(context)
    viewer = _viewer()
    villages = list(Region.objects.filter(parent_id="36.03.07").villages().order_by("code")[:6])
    today = timezone.localdate()
    for number, (kind, modus, office_code, lead, last_stage, destination, transit) in enumerate(
        DEMO_CASES, start=1
    ):
        if lead not in investigators:
            continue
        lp_date = today - datetime.timedelta(days=40 * (len(DEMO_CASES) - number) + 200)
        unit = UNIT_NAMES[office_code]
        lp_number = (
            f"LP/B/{100 + number}/{ROMAN_MONTHS[lp_date.month - 1]}/{lp_date.year}/SPKT/{unit}"
        )
        office = Office.objects.get(code=office_code)
        if Case.objects.filter(handling_office=office, lp_number=lp_number).exists():
            continue
        case = case_open(
            viewer=viewer,
            kind=kind,
            lp_number=lp_number,
            lp_date=lp_date,
            handling_office=office,
            modus=modus,
            summary=_summary(modus, destination, faker),
            lead=investigators[lead],
            trafficking_status=TraffickingStatus.ACTUAL
            if number % 3
            else TraffickingStatus.POSSIBLE,
            status_decided_by=StatusDecidedBy.POLICE,
            recruitment_method=(
                RecruitmentMethod.SOCIAL_NETWORKS
                if modus == Modus.ONLINE_SCAM
                else RecruitmentMethod.FRIENDS
            ),
            control_methods=[ControlMethod.WITHHOLDS_DOCUMENTS, ControlMethod.DEBT_BONDAGE],
            exploitation_types=[
                ExploitationType.SEXUAL_EXPLOITATION
                if modus == Modus.SEXUAL_EXPLOITATION
                else ExploitationType.FORCED_LABOUR
            ],
        )
        helper = investigators.get("penyidik.polda")
        if office_code == "polresta-tangerang" and number % 2 and helper is not None:
            # A Polda investigator assisting a Polresta case: on its team, so they see it.
            case_team_member_add(viewer=viewer, case=case, user=helper)
        _people(viewer, case, faker, villages, number)
        _route(viewer, case, villages, number, transit, destination)
        _stages(viewer, case, last_stage, lp_date, today)
        _services(viewer, case, last_stage, lp_date)
    context.notes.append(
        "Kasus TPPO/TPPM: penyidik.tangerang memimpin kasus Polresta Tangerang; "
        "penyidik2.tangerang melihat kasus yang sama tanpa identitas korban."
    )


def _people(viewer: Viewer, case: Case, faker: Faker, villages: list[Region], number: int) -> None:
    for index in range(1 + number % 3):
        sex = "P" if (number + index) % 2 else "L"
        case_person_add(
            viewer=viewer,
            case=case,
            role=PersonRole.VICTIM,
            data={
                "full_name": faker.name_female() if sex == "P" else faker.name_male(),
                "sex": sex,
                "birth_date": faker.date_of_birth(minimum_age=17, maximum_age=40),
                "phone": faker.numerify("08##########"),
                "desa_code": villages[(number + index) % len(villages)].code if villages else "",
            },
        )
    for role, perpetrator_role in (
        (PersonRole.SUSPECT, PerpetratorRole.EXPLOITER),
        (PersonRole.RECRUITER, PerpetratorRole.RECRUITER),
    ):
        case_person_add(
            viewer=viewer,
            case=case,
            role=role,
            data={
                "full_name": faker.name_male(),
                "sex": "L",
                "phone": faker.numerify("08##########"),
                "perpetrator_role": perpetrator_role,
            },
        )
    if number % 4 == 0:
        case_person_add(
            viewer=viewer,
            case=case,
            role=PersonRole.FINANCIER,
            data={"full_name": faker.name(), "perpetrator_role": PerpetratorRole.BROKER},
        )
    case_person_add(
        viewer=viewer, case=case, role=PersonRole.WITNESS, data={"full_name": faker.name()}
    )


def _route(
    viewer: Viewer,
    case: Case,
    villages: list[Region],
    number: int,
    transit: tuple[str, str] | None,
    destination: tuple[str, str],
) -> None:
    if villages:
        case_route_leg_add(
            viewer=viewer,
            case=case,
            kind=LegKind.ORIGIN,
            desa_code=villages[number % len(villages)].code,
        )
    if transit:
        case_route_leg_add(
            viewer=viewer, case=case, kind=LegKind.TRANSIT, country=transit[0], city=transit[1]
        )
    case_route_leg_add(
        viewer=viewer,
        case=case,
        kind=LegKind.DESTINATION,
        country=destination[0],
        city=destination[1],
    )


def _stages(
    viewer: Viewer, case: Case, last_stage: str, lp_date: datetime.date, today: datetime.date
) -> None:
    on = lp_date
    for stage in STAGE_ORDER[1 : STAGE_ORDER.index(last_stage) + 1]:
        on = min(on + datetime.timedelta(days=30), today)
        if stage == Stage.PUTUSAN:
            case_outcome_record(viewer=viewer, case=case, verdict=Verdict.CONVICTED, decided_on=on)
        else:
            case_stage_advance(viewer=viewer, case=case, stage=stage, on=on)


def _services(viewer: Viewer, case: Case, last_stage: str, lp_date: datetime.date) -> None:
    victims = list(case.persons.filter(role=PersonRole.VICTIM).order_by("number"))
    for victim in victims:
        victim_service_add(
            viewer=viewer,
            case=case,
            victim_id=victim.pk,
            kind=ServiceKind.REPATRIATION,
            status=ServiceStatus.DONE,
            started_on=lp_date,
            completed_on=lp_date + datetime.timedelta(days=7),
            provider="BP3MI Banten",
        )
        victim_service_add(
            viewer=viewer,
            case=case,
            victim_id=victim.pk,
            kind=ServiceKind.LPSK if last_stage == Stage.PUTUSAN else ServiceKind.SHELTER,
            status=ServiceStatus.IN_PROGRESS,
            started_on=lp_date + datetime.timedelta(days=3),
            provider="LPSK" if last_stage == Stage.PUTUSAN else "Rumah aman Dinsos Banten",
        )
