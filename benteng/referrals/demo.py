"""Demo referrals: one in every state, some past their deadlines, between immigration, police,
a village office and BP3MI — made through the services (audited, indexed), synthetic people
from Faker ``id_ID``. Re-runnable: each demo referral has its own ``origin_key`` and is made
once. The counter's and TPI's hand-overs of the screening demo made theirs already (the hook).
Adds the demo investigator of Polresta Tangerang, the Polres that receives them. The referral
closed "case opened" opens its case through the closing (the case services), which then names
the victim and a recruiter and moves to sidik: the sender sees the stage, never the persons."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role, User
from benteng.accounts.services import user_create
from benteng.cases.models import CaseKind, Modus, PerpetratorRole, PersonRole, Stage
from benteng.cases.services import case_person_add, case_stage_advance
from benteng.cases.validation import ROMAN_MONTHS
from benteng.demo import DemoAccount, DemoContext
from benteng.referrals.deadlines import referrals_flag_overdue
from benteng.referrals.models import Referral, ReferralOutcome
from benteng.referrals.services import (
    SubjectInput,
    referral_acknowledge,
    referral_assign,
    referral_close,
    referral_comment,
    referral_return,
    referral_send,
)

POLRES_INVESTIGATOR = "penyidik.polresta"

# (key, sender username, receiving office, category, urgency, hours ago, steps, reason)
PLAN: list[tuple[str, str, str, str, str, int, tuple[str, ...], str]] = [
    (
        "demo:1",
        "imigrasi.tangerang",
        "polresta-tangerang",
        "perekrut",
        "segera",
        6,
        (),
        "Tiga pemohon dari desa yang sama diantar sponsor yang sama dalam sepekan.",
    ),
    (
        "demo:2",
        "pimpasa.kronjo",
        "polresta-tangerang",
        "perekrut",
        "tinggi",
        30,
        ("acknowledge",),
        "Warga melaporkan calo menawarkan kerja di Malaysia tanpa biaya di balai desa.",
    ),
    (
        "demo:3",
        "imigrasi.tangerang",
        "polresta-tangerang",
        "indikasi_korban_tppo",
        "tinggi",
        80,
        ("acknowledge", "assign"),
        "Pemohon mengaku paspor akan dipegang agen setibanya di negara tujuan.",
    ),
    (
        "demo:4",
        "tpi.soetta",
        "polresta-tangerang",
        "indikasi_korban_tppo",
        "segera",
        200,
        ("acknowledge", "assign", "close"),
        "Penumpang rombongan umrah tanpa tiket pulang, dijemput orang yang sama.",
    ),
    (
        "demo:5",
        "imigrasi.serang",
        "polresta-tangerang",
        "pmi_nonprosedural",
        "biasa",
        100,
        ("return",),
        "Pemohon domisili Cikeusal mengaku dijanjikan kerja di Arab Saudi.",
    ),
    (
        "demo:6",
        "pic.desa",
        "kanim-tangerang",
        "pmi_nonprosedural",
        "biasa",
        20,
        (),
        "Dua warga berencana berangkat lewat sponsor; minta pendampingan petugas imigrasi.",
    ),
    (
        "demo:7",
        "penyidik.polda",
        "kanim-tangerang",
        "dokumen_palsu",
        "tinggi",
        10,
        ("acknowledge",),
        "Mohon riwayat permohonan paspor tersangka perekrut dalam dua tahun terakhir.",
    ),
    (
        "demo:8",
        "imigrasi.tangerang",
        "bp3mi-banten",
        "penempatan_prosedural",
        "biasa",
        96,
        (),
        "Calon PMI perlu diarahkan ke penempatan prosedural melalui P3MI berizin.",
    ),
]


def _investigator(context: DemoContext) -> User:
    office = Office.objects.get(code="polresta-tangerang")
    user: User | None = User.objects.filter(username=POLRES_INVESTIGATOR).first()
    if user is None:
        user = user_create(
            username=POLRES_INVESTIGATOR,
            full_name=context.faker.name(),
            role=Role.PENYIDIK,
            office=office,
            password=context.password,
            email=f"{POLRES_INVESTIGATOR}@benteng.example",
            phone=context.faker.numerify("08##########"),
            is_demo_account=True,
        )
    context.accounts.append(
        DemoAccount(
            username=user.username, role=user.role, office=office.name, full_name=user.full_name
        )
    )
    return user


def _subject(context: DemoContext) -> SubjectInput:
    faker = context.faker
    birth = faker.date_of_birth(minimum_age=19, maximum_age=45)
    return SubjectInput(
        full_name=faker.name(),
        phone=faker.numerify("0812########"),
        birth_date=birth.strftime("%d-%m-%Y"),
        sex=faker.random_element(["L", "P"]),
    )


def _steps(
    referral: Referral, steps: tuple[str, ...], officer: User, faker: Any, *, today: Any
) -> None:
    police = officer.as_viewer()
    if "acknowledge" in steps:
        referral_acknowledge(viewer=police, referral=referral)
    if "assign" in steps:
        referral_assign(viewer=police, referral=referral, assignee=officer)
        referral_comment(
            viewer=police, referral=referral, text="Mohon salinan hasil wawancara pemohon."
        )
    if "close" in steps:
        lp_date = today - datetime.timedelta(days=3)
        month = ROMAN_MONTHS[lp_date.month - 1]
        referral_close(
            viewer=police,
            referral=referral,
            outcome=ReferralOutcome.CASE_OPENED,
            lp_number=f"LP/B/{referral.pk:03d}/{month}/{lp_date:%Y}/SPKT/POLRESTA TANGERANG",
            lp_date=lp_date,
            case_kind=CaseKind.TPPO,
            case_modus=Modus.NON_PROCEDURAL,
            note="Dua tersangka perekrut ditangkap; korban didampingi ke rumah aman.",
        )
        _case_grows(referral, police, faker, today=today)
    if "return" in steps:
        referral_return(
            viewer=police,
            referral=referral,
            reason="Domisili pemohon di wilayah hukum Polres Serang; mohon dirujuk ke sana.",
        )


def _case_grows(referral: Referral, police: Viewer, faker: Any, *, today: Any) -> None:
    """The case the referral opened: the person referred is its victim (seen by name only by
    the case team), a recruiter is named, and the inquiry becomes an investigation — which
    the sending TPI officer learns on the referral and in their notifications."""
    case = referral.case
    if case is None:
        return
    subject = referral.subjects.order_by("pk").first()
    if subject is not None:
        case_person_add(
            viewer=police,
            case=case,
            role=PersonRole.VICTIM,
            data={
                "full_name": subject.full_name,
                "birth_date": subject.birth_date,
                "sex": subject.sex,
                "phone": subject.phone,
            },
        )
    case_person_add(
        viewer=police,
        case=case,
        role=PersonRole.RECRUITER,
        data={
            "full_name": faker.name_male(),
            "sex": "L",
            "phone": faker.numerify("0813########"),
            "perpetrator_role": PerpetratorRole.RECRUITER,
        },
    )
    case_stage_advance(viewer=police, case=case, stage=Stage.SIDIK, on=today)


def seed_demo(context: DemoContext) -> None:
    investigator = _investigator(context)
    now = timezone.now()
    made = set(
        Referral.objects.filter(origin_key__startswith="demo:").values_list("origin_key", flat=True)
    )
    for key, sender, office, category, urgency, hours_ago, steps, reason in PLAN:
        if key in made:
            continue
        sent_by = User.objects.filter(username=sender).first()
        if sent_by is None:
            continue
        referral = referral_send(
            viewer=sent_by.as_viewer(),
            receiving_office=Office.objects.get(code=office),
            reason_category=category,
            reason=reason,
            urgency=urgency,
            subjects=[_subject(context)],
            origin_key=key,
            sent_at=now - datetime.timedelta(hours=hours_ago),
        )
        receiver = investigator
        if office != "polresta-tangerang":
            receiver = (
                User.objects.filter(office__code=office, role=Role.PETUGAS_IMIGRASI).first()
                or investigator
            )
        if steps and receiver.office_id == referral.receiving_office_id:
            _steps(referral, steps, receiver, context.faker, today=timezone.localdate())
    referrals_flag_overdue()
    context.notes.append(
        f"Rujukan: masuk sebagai {POLRES_INVESTIGATOR} (Polresta Tangerang) untuk kotak masuk "
        "rujukan dari loket, TPI dan desa."
    )
