"""Shared fixtures: reference data loaded once, and the personas every test speaks of.

The personas are the same people in every test (Healthchecks' Alice/Bob/Charlie): an
immigration officer at Kanim Tangerang and one at Kanim Serang (the "other office"), a border
officer, analysts, the PIMPASA, Bhabinkamtibmas and PIC desa of villages in Kronjo, a PIC desa
of a village elsewhere, leadership and an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.accounts.models import Agency, AgencyKind, Office, OfficeKind, Role, User
from benteng.accounts.services import user_create
from benteng.agreements.catalogue import DEMO as DEMO_AGREEMENTS
from benteng.agreements.catalogue import agreement_ensure
from benteng.reference import reference_loaders
from benteng.regions.models import Region

PASSWORD = "Persona-Password-2026"
KRONJO = "36.03.07"
CIKEUSAL = "36.04.09"  # a kecamatan of Kabupaten Serang, far from Kronjo


def load_reference_data() -> None:
    for _label, load in reference_loaders():
        load()
    # The demo's agreements too (BP3MI, Desa Binaan): referrals from villages and to BP3MI
    # need a clause, as in the demo.
    for spec in DEMO_AGREEMENTS:
        agreement_ensure(spec)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data(db):  # type: ignore[no-untyped-def]
    """For transactional tests, whose tables are emptied after each test."""
    if not Region.objects.exists() or not Office.objects.exists():
        load_reference_data()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def indonesian_by_default():  # type: ignore[no-untyped-def]
    """Each test starts in the default language; a request in English must not leak on."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_process_state():  # type: ignore[no-untyped-def]
    """The in-process screening index and every per-process cache (``benteng.caches``):
    rolled-back tests must not leak into them."""
    from benteng import caches
    from benteng.people.index import screening_index_reset

    def reset() -> None:
        screening_index_reset()
        caches.reset_all()

    reset()
    yield
    reset()


@pytest.fixture(autouse=True)
def shared_cache_emptied_after_transactional_tests(request, django_db_blocker):  # type: ignore[no-untyped-def]
    """The shared cache is the database's table: every other test's counts (rate limits, the
    sign-in back-off) and cached figures roll back with it; a test that commits (a live server,
    a browser) empties it after itself."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = bool(marker and marker.kwargs.get("transaction"))
    if committed or {"transactional_db", "live_server"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            cache.clear()


@dataclass
class Personas:
    petugas_imigrasi: User
    petugas_imigrasi_other: User
    petugas_tpi: User
    analis_imigrasi: User
    pimpasa: User
    penyidik: User
    analis_polri: User
    bhabinkamtibmas: User
    pic_desa: User
    pic_desa_other: User
    pimpinan: User
    admin: User

    def all(self) -> dict[str, User]:
        return dict(self.__dict__)


def _village_office(village: Region) -> Office:
    office, _ = Office.objects.get_or_create(
        code=f"kantor-desa-{village.code.replace('.', '-')}",
        defaults={
            "name": f"Kantor Desa {village.name}",
            "agency": Agency.objects.get(kind=AgencyKind.DESA),
            "kind": OfficeKind.KANTOR_DESA,
            "seat": village,
        },
    )
    return office


def make_user(username: str, role: str, office_code: str, villages=()) -> User:  # type: ignore[no-untyped-def]
    return user_create(
        username=username,
        full_name=f"Persona {username}",
        role=role,
        office=Office.objects.get(code=office_code),
        password=PASSWORD,
        email=f"{username}@example.test",
        phone="081200000000",
        villages=list(villages),
    )


@pytest.fixture
def personas(reference_data) -> Personas:  # type: ignore[no-untyped-def]
    kronjo_villages = list(Region.objects.filter(parent_id=KRONJO).villages()[:2])
    far_village = Region.objects.filter(parent_id=CIKEUSAL).villages().first()
    assert far_village is not None
    own_office = _village_office(kronjo_villages[0])
    far_office = _village_office(far_village)
    return Personas(
        petugas_imigrasi=make_user("imigrasi", Role.PETUGAS_IMIGRASI, "kanim-tangerang"),
        petugas_imigrasi_other=make_user("imigrasi2", Role.PETUGAS_IMIGRASI, "kanim-serang"),
        petugas_tpi=make_user("tpi", Role.PETUGAS_TPI, "tpi-bandara-soekarno-hatta"),
        analis_imigrasi=make_user("analisimi", Role.ANALIS_IMIGRASI, "kanwil-imigrasi-banten"),
        pimpasa=make_user("pimpasa", Role.PIMPASA, "kanim-tangerang", kronjo_villages),
        penyidik=make_user("penyidik", Role.PENYIDIK, "polda-banten"),
        analis_polri=make_user("analispol", Role.ANALIS_POLRI, "polda-banten"),
        bhabinkamtibmas=make_user("bhabin", Role.BHABINKAMTIBMAS, "polsek-kronjo", kronjo_villages),
        pic_desa=make_user("picdesa", Role.PIC_DESA, own_office.code, kronjo_villages[:1]),
        pic_desa_other=make_user("picdesa2", Role.PIC_DESA, far_office.code, [far_village]),
        pimpinan=make_user("pimpinan", Role.PIMPINAN, "kanwil-imigrasi-banten"),
        admin=make_user("admin", Role.ADMIN, "kanwil-imigrasi-banten"),
    )


def verified_client(user: User, client: Client | None = None) -> Client:
    """A test client signed in as the user, second factor passed with a confirmed device."""
    client = client or Client()
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def penyidik_polres(personas) -> User:  # type: ignore[no-untyped-def]
    """An investigator of Polresta Tangerang, the Polres covering Kronjo (where the test
    applicants' NIKs are from): the receiving office of the hand-overs in the referral tests.
    Kept out of ``Personas`` so the capability table's columns stay the agencies' personas."""
    return make_user("penyidik_polres", Role.PENYIDIK, "polresta-tangerang")
