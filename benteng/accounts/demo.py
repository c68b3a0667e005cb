"""Demo staff: one or more synthetic accounts for every role, in real reference offices."""

from __future__ import annotations

from benteng.accounts.models import Agency, AgencyKind, Office, OfficeKind, Role, User
from benteng.accounts.services import user_create
from benteng.demo import DemoAccount, DemoContext
from benteng.regions.models import Region

# Villages of kecamatan Kronjo (Kabupaten Tangerang), among those Kanim Tangerang guides.
DEMO_KECAMATAN = "36.03.07"

DEMO_STAFF: list[tuple[str, str, str]] = [
    # username, role, office code ("village" = the demo village office)
    ("imigrasi.tangerang", Role.PETUGAS_IMIGRASI, "kanim-tangerang"),
    ("imigrasi.serang", Role.PETUGAS_IMIGRASI, "kanim-serang"),
    ("tpi.soetta", Role.PETUGAS_TPI, "tpi-bandara-soekarno-hatta"),
    ("analis.imigrasi", Role.ANALIS_IMIGRASI, "kanwil-imigrasi-banten"),
    ("pimpasa.kronjo", Role.PIMPASA, "kanim-tangerang"),
    ("penyidik.polda", Role.PENYIDIK, "polda-banten"),
    ("analis.polda", Role.ANALIS_POLRI, "polda-banten"),
    ("bhabin.kronjo", Role.BHABINKAMTIBMAS, "polsek-kronjo"),
    ("pic.desa", Role.PIC_DESA, "village"),
    ("pimpinan.kanwil", Role.PIMPINAN, "kanwil-imigrasi-banten"),
    ("pimpinan.polda", Role.PIMPINAN, "polda-banten"),
    ("admin", Role.ADMIN, "kanwil-imigrasi-banten"),
]


def _demo_villages() -> list[Region]:
    return list(Region.objects.filter(parent_id=DEMO_KECAMATAN).villages().order_by("code")[:3])


def _village_office(village: Region) -> Office:
    office, _ = Office.objects.get_or_create(
        code=f"kantor-desa-{village.code.replace('.', '-')}",
        defaults={
            "name": f"Kantor {village.get_level_display()} {village.name}",
            "agency": Agency.objects.get(kind=AgencyKind.DESA),
            "kind": OfficeKind.KANTOR_DESA,
            "seat": village,
        },
    )
    office.coverage.get_or_create(region=village)
    return office


def seed_demo(context: DemoContext) -> None:
    villages = _demo_villages()
    context.shared["demo_villages"] = villages
    faker = context.faker
    for username, role, office_code in DEMO_STAFF:
        if office_code == "village":
            office = _village_office(villages[0])
            assigned = villages[:1]
        else:
            office = Office.objects.get(code=office_code)
            assigned = villages if role in (Role.PIMPASA, Role.BHABINKAMTIBMAS) else []
        full_name = faker.name()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                full_name=full_name,
                role=role,
                office=office,
                password=context.password,
                email=f"{username}@benteng.example",
                phone=faker.numerify("08##########"),
                villages=assigned,
                is_demo_account=True,
            )
        if role == Role.ADMIN and not user.is_superuser:
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        context.accounts.append(
            DemoAccount(username=username, role=role, office=office.name, full_name=user.full_name)
        )
