"""Demo village reports: every state in the Kronjo villages of the demo accounts (``pic.desa``,
``pimpasa.kronjo``, ``bhabin.kronjo``) and a few in Lebak, Pandeglang and Serang (filed by one
focal person made here for each), all through the services (audited, indexed, notified).

The calo of the watchlists demo (``context.shared["demo_recruiter"]``) is reported by the focal
person, verified and referred to the Polres; then a new applicant from the same village, naming
his phone as sponsor, is screened at Kanim Tangerang, so the counter shows the village indicator
with its evidence. Re-runnable: each report has a fixed draft key (the service returns the
first report for it), each step is taken only from the state before it. Synthetic people only
(Faker ``id_ID``).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.demo import _village_office
from benteng.accounts.models import Role, User
from benteng.accounts.services import user_create
from benteng.demo import DemoAccount, DemoContext
from benteng.regions.models import Region
from benteng.screening.cleaning import ApplicationInput
from benteng.screening.models import PassportApplication
from benteng.screening.services import application_screen
from benteng.village_reports.models import ReportStatus, VillageReport
from benteng.village_reports.services import (
    PersonInput,
    ReportInput,
    report_close,
    report_file,
    report_refer,
    report_verify,
)

PURPOSE = "data demo laporan desa"
KRONJO = "36.03.07"
# Kabupaten Lebak, Pandeglang and Serang: the main PMI sources besides Tangerang.
OTHER_REGENCIES = {"lebak": "36.02", "pandeglang": "36.01", "serang": "36.04"}
SCREEN_KEY = "demo-laporan-desa-pemohon"
FALLBACK_CALO = {"name": "Haji Sarmadi bin Karta", "phone": "081290314477"}


def _key(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"benteng-demo-laporan-desa:{name}"))


def _viewer(username: str) -> Viewer | None:
    user = User.objects.filter(username=username).first()
    return Viewer.for_user(user, purpose=PURPOSE) if user is not None else None


def _file(
    viewer: Viewer,
    key: str,
    desa: str,
    kind: str,
    summary: str,
    people: list[PersonInput],
    **extra: Any,
) -> VillageReport:
    report, _created = report_file(
        viewer=viewer,
        data=ReportInput(desa_code=desa, kind=kind, summary=summary, draft_uuid=_key(key), **extra),
        people=people,
    )
    return report


def _focal_person(context: DemoContext, name: str, regency: str) -> Viewer | None:
    village = (
        Region.objects.filter(code__startswith=f"{regency}.").villages().order_by("code").first()
    )
    if village is None:
        return None
    username = f"pic.desa.{name}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            full_name=context.faker.name(),
            role=Role.PIC_DESA,
            office=_village_office(village),
            password=context.password,
            email=f"{username}@benteng.example",
            phone=context.faker.numerify("08##########"),
            villages=[village],
            is_demo_account=True,
        )
        context.accounts.append(
            DemoAccount(
                username=username,
                role=Role.PIC_DESA,
                office=user.office.name if user.office else "",
                full_name=user.full_name,
            )
        )
    return Viewer.for_user(user, purpose=PURPOSE)


def seed_demo(context: DemoContext) -> None:
    faker = context.faker
    pic, pimpasa, bhabin = _viewer("pic.desa"), _viewer("pimpasa.kronjo"), _viewer("bhabin.kronjo")
    if pic is None or pimpasa is None or bhabin is None:
        return
    calo = context.shared.get("demo_recruiter") or FALLBACK_CALO
    own = sorted(pic.village_codes)[0]
    team = sorted(pimpasa.village_codes)
    second = team[1] if len(team) > 1 else own
    third = team[2] if len(team) > 2 else own

    # 1. The calo seen at the pos ronda: verified, referred to the Polres (acted on).
    seen = _file(
        pic,
        "calo",
        own,
        "perekrut",
        "Seorang calo datang dengan mobil, menawarkan kerja di Malaysia dan Kamboja kepada "
        "pemuda di pos ronda; menjanjikan gaji Rp8 juta dan paspor diurus.",
        [PersonInput(role="perekrut", full_name=calo["name"], phone=calo["phone"])],
        vehicle="Toyota Avanza hitam, A 1873 KZ",
        approached="tiga pemuda RT 03",
        reporter_name=faker.name(),
        reporter_phone=faker.numerify("0857########"),
        seen_on=(timezone.localdate() - datetime.timedelta(days=12)).strftime("%d-%m-%Y"),
    )
    if seen.status == ReportStatus.NEW:
        seen = report_verify(viewer=pimpasa, report=seen, note="Dicek bersama Bhabinkamtibmas.")
    if seen.status == ReportStatus.VERIFIED and seen.polres_id:
        report_refer(
            viewer=pimpasa, report=seen, receiving_office_id=seen.polres_id, urgency="tinggi"
        )
    # 2. A resident about to leave through the same calo: new.
    _file(
        pic,
        "warga",
        own,
        "rencana_nonprosedural",
        "Anak tetangga akan berangkat minggu depan 'untuk umrah', biaya diurus calo.",
        [
            PersonInput(
                role="warga", full_name=faker.name_female(), sex="P", destination_country="SA"
            ),
            PersonInput(role="perekrut", full_name=calo["name"], phone=calo["phone"]),
        ],
    )
    # 3. A victim abroad, the family asks for help: verified.
    victim = _file(
        bhabin,
        "korban",
        second,
        "korban_luar_negeri",
        "Keluarga melapor anaknya di Kamboja tidak boleh pulang dan diminta tebusan.",
        [
            PersonInput(
                role="korban", full_name=faker.name_male(), sex="L", destination_country="KH"
            )
        ],
    )
    if victim.status == ReportStatus.NEW:
        report_verify(viewer=bhabin, report=victim, note="Keluarga sudah ditemui.")
    # 4. A deportee came home: closed.
    returned = _file(
        pimpasa,
        "pulang",
        third,
        "pulang",
        "Warga dideportasi dari Malaysia, sudah di rumah; perlu pendampingan BP3MI.",
        [
            PersonInput(
                role="pulang", full_name=faker.name_female(), sex="P", destination_country="MY"
            )
        ],
    )
    if returned.status != ReportStatus.CLOSED:
        report_close(
            viewer=pimpasa, report=returned, note="Diserahkan ke BP3MI Banten untuk pendampingan."
        )
    # 5. Something else: new.
    _file(
        pic,
        "lain",
        own,
        "lainnya",
        "Warga meminta sosialisasi bahaya kerja ke luar negeri lewat calo.",
        [],
    )

    for name, regency in OTHER_REGENCIES.items():
        focal = _focal_person(context, name, regency)
        if focal is None:
            continue
        _file(
            focal,
            f"perekrut-{name}",
            sorted(focal.village_codes)[0],
            "perekrut",
            "Sponsor dari luar desa menawarkan kerja di Arab Saudi kepada ibu-ibu.",
            [
                PersonInput(
                    role="perekrut",
                    full_name=faker.name_male(),
                    phone=faker.numerify("0813########"),
                )
            ],
        )
    _screen_applicant(faker, own, calo)
    context.notes.append(
        "Laporan desa: masuk sebagai pic.desa (melapor, melihat hasilnya), pimpasa.kronjo atau "
        "bhabin.kronjo (verifikasi, rujuk, tutup); pemohon baru dari desa calo di Kanim "
        "Tangerang menunjukkan indikator desa dengan buktinya."
    )


def _screen_applicant(faker: Any, desa: str, calo: dict[str, Any]) -> None:
    """A new applicant from the calo's village naming his phone as sponsor, at the counter."""
    officer = _viewer("imigrasi.tangerang")
    if officer is None or PassportApplication.objects.filter(idempotency_key=SCREEN_KEY).exists():
        return
    birth = datetime.date(1999, 5, 17)
    application_screen(
        viewer=officer,
        data=ApplicationInput.from_raw(
            {
                "nik": _nik(desa, birth),
                "full_name": faker.name_female(),
                "birth_date": birth.strftime("%d-%m-%Y"),
                "birth_place": "Tangerang",
                "sex": "P",
                "address": "Kp. Pos Ronda RT 003/RW 001",
                "desa_code": desa,
                "phone": faker.numerify("0857########"),
                "purpose": "wisata",
                "destination_country": "MY",
                "sponsor_name": "Pak Haji",
                "sponsor_phone": calo["phone"],
                "documents": [],
            }
        ),
        idempotency_key=SCREEN_KEY,
    )


def _nik(desa: str, birth: datetime.date) -> str:
    """A woman's NIK of the desa's kecamatan, with her birth date (day + 40)."""
    district = desa.replace(".", "")[:6]
    return f"{district}{birth.day + 40:02d}{birth.month:02d}{birth.year % 100:02d}0731"
