"""Demo watchlists: synthetic police and immigration entries with realistic patterns.

- A recruiter (*calo*) from one of the demo villages in Kronjo, on the police recruiter list
  with his phone number on the known-numbers list; the screening demo names him as sponsor
  of applicants from two villages (``context.shared["demo_recruiter"]``).
- A few hundred other police entries: recruiters, sponsors, unlicensed placement companies,
  wanted persons (DPO) and phone numbers; immigration deportees and delayed departures.
- Some entries expired, one withdrawn, so the list filters have something to show.

Everything is synthetic (``benteng.core.synthetic`` people, Faker ``id_ID``), written through
the services with a system viewer, and idempotent: a list that has demo entries is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.core.records import IdentityRecord
from benteng.core.synthetic import generate_dataset
from benteng.demo import DemoContext
from benteng.watchlists.models import EntrySource, SubjectType, Watchlist, WatchlistEntry
from benteng.watchlists.reference_data import watchlists_load_reference
from benteng.watchlists.services import (
    watchlist_entries_create_many,
    watchlist_entry_expire,
    watchlist_entry_remove,
)
from benteng.watchlists.validation import entry_values_clean

DEMO_PREFIX = "demo:"
RECRUITER_REFERENCE = "demo:calo"
DEMO_SEED = 2025_11_19
# How many entries of each kind, from the pool of synthetic people.
PEOPLE_COUNTS = {
    "polri-perekrut": 80,
    "polri-sponsor": 60,
    "polri-dpo": 25,
    "imigrasi-deportasi": 90,
}
COMPANY_COUNT = 40
PHONE_COUNT = 120
DELAYED_DEPARTURE_COUNT = 40
DESTINATIONS = ("Malaysia", "Kamboja", "Arab Saudi", "Uni Emirat Arab", "Taiwan", "Myanmar")


NAME_ONLY_RECRUITER = "Dedi Supriyadi"
# How an applicant of that name may write it: a close spelling, a possible match to check.
NAME_ONLY_RECRUITER_SPELLED = "Dedy Supriadi"


def _viewer() -> Viewer:
    return Viewer.system(purpose="data demo daftar pantauan")


def _person(record: IdentityRecord) -> dict[str, Any]:
    desa_code = record.region_code if (record.region_code or "").count(".") == 3 else ""
    return {
        "subject_type": SubjectType.PERSON,
        "full_name": record.name,
        "nik": record.nik or "",
        "birth_date": record.birth_date,
        "sex": record.sex or "",
        "birth_place": record.birth_place or "",
        "passport_no": record.passport_no or "",
        "address": record.address or "",
        "desa_code": desa_code,
        "phone": record.phone or "",
    }


def _has_demo_entries(watchlist: Watchlist, tag: str) -> bool:
    return WatchlistEntry.objects.filter(
        watchlist=watchlist, source_reference__startswith=f"{DEMO_PREFIX}{tag}-"
    ).exists()


def _create(watchlist: Watchlist, rows: list[dict[str, Any]], tag: str) -> list[WatchlistEntry]:
    """Clean and write demo rows; a row the rules refuse is a bug in this module."""
    cleaned_rows = []
    for number, raw in enumerate(rows, start=1):
        cleaned = entry_values_clean(watchlist=watchlist, raw=raw)
        if not cleaned.is_valid:
            raise ValueError(f"demo row {tag}-{number} is not valid: {cleaned.errors}")
        cleaned_rows.append((cleaned.values, f"{DEMO_PREFIX}{tag}-{number}"))
    return watchlist_entries_create_many(
        viewer=_viewer(), watchlist=watchlist, rows=cleaned_rows, source=EntrySource.MANUAL
    )


def _in_years(faker: Any, low: int, high: int) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=faker.random_int(365 * low, 365 * high))


def _recruiter(context: DemoContext, watchlists: dict[str, Watchlist]) -> None:
    """The calo who sends applicants from two demo villages; shared with the screening demo."""
    recruiter_list = watchlists["polri-perekrut"]
    phone_list = watchlists["polri-nomor-telepon"]
    existing = WatchlistEntry.objects.filter(source_reference=RECRUITER_REFERENCE).first()
    if existing is None:
        villages = context.shared.get("demo_villages") or []
        village = villages[0] if villages else None
        birth = datetime.date(1979, 3, 14)
        nik = f"360307{birth:%d%m%y}0117"
        raw = {
            "full_name": "Haji Sarmadi bin Karta",
            "nik": nik,
            "birth_date": birth,
            "sex": "L",
            "birth_place": "Tangerang",
            "address": f"Kp. Pasir RT 003/RW 002, Desa {village.name}" if village else "",
            "desa_code": village.code if village else "",
            "phone": "0812-9031-4477",
            "category": "Perekrut lapangan (calo)",
            "expires_on": _in_years(context.faker, 2, 3),
            "internal_notes": (
                "Dilaporkan PIC desa dan Bhabinkamtibmas Kronjo: menawarkan kerja di Malaysia "
                "dan Kamboja kepada warga dua desa, memungut Rp6-8 juta per orang, mengaku "
                "sebagai sponsor/keluarga saat wawancara paspor. Lidik Subdit Renakta."
            ),
        }
        cleaned = entry_values_clean(watchlist=recruiter_list, raw=raw)
        if not cleaned.is_valid:
            raise ValueError(f"demo recruiter is not valid: {cleaned.errors}")
        existing = watchlist_entries_create_many(
            viewer=_viewer(),
            watchlist=recruiter_list,
            rows=[(cleaned.values, RECRUITER_REFERENCE)],
            source=EntrySource.MANUAL,
        )[0]
        _create(
            phone_list,
            [
                {
                    "subject_type": SubjectType.PHONE,
                    "full_name": existing.full_name,
                    "phone": existing.phone,
                    "category": "Nomor perekrut",
                    "internal_notes": "Nomor WhatsApp yang dibagikan calo kepada warga.",
                }
            ],
            "calo-telepon",
        )
    villages = context.shared.get("demo_villages") or []
    context.shared["demo_recruiter"] = {
        "name": existing.full_name,
        "phone": existing.phone,
        "nik": existing.nik,
        "entry_id": existing.pk,
        # The two villages whose residents he sends (the screening demo's applicants).
        "village_codes": [village.code for village in villages[:2]],
    }


def _people_rows(
    records: list[IdentityRecord], faker: Any, code: str, categories: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        row = _person(record)
        row["category"] = faker.random_element(categories)
        destination = faker.random_element(DESTINATIONS)
        if code == "imigrasi-deportasi":
            row["expires_on"] = _in_years(faker, 1, 3)
            row["internal_notes"] = (
                f"Dideportasi dari {destination} "
                f"{faker.date_between('-2y', '-1m'):%d-%m-%Y}; bekerja tanpa izin kerja."
            )
        elif code == "polri-dpo":
            row["internal_notes"] = (
                f"DPO perkara TPPO tujuan {destination}, LP/B/{faker.random_int(100, 999)}/"
                f"{faker.random_int(2023, 2025)}/SPKT/POLDA BANTEN."
            )
        else:
            row["expires_on"] = _in_years(faker, 1, 3)
            row["internal_notes"] = (
                f"Disebut {faker.random_int(2, 9)} korban/pemohon; jaringan tujuan {destination}."
            )
        rows.append(row)
    return rows


COMPANY_WORDS = ("Jaya", "Mandiri", "Sejahtera", "Abadi", "Utama")
COMPANY_TAILS = ("Internasional", "Tour & Travel", "Karya", "Sentosa")
COMPANY_PLACES = ("Kota Serang", "Kota Tangerang", "Kabupaten Tangerang", "Kota Cilegon")


def _company_rows(faker: Any) -> list[dict[str, Any]]:
    rows = []
    for number in range(COMPANY_COUNT):
        revoked = number % 3 == 0
        name = (
            f"PT {faker.last_name()} {faker.random_element(COMPANY_WORDS)} "
            f"{faker.random_element(COMPANY_TAILS)}"
        )
        licence = f"{faker.random_int(100, 999)}/P3MI/{faker.random_int(2016, 2021)}"
        rows.append(
            {
                "subject_type": SubjectType.COMPANY,
                "full_name": name,
                "address": f"{faker.street_address()}, {faker.random_element(COMPANY_PLACES)}",
                "licence_number": licence if revoked else "",
                "phone": faker.numerify("0821########"),
                "category": "Izin P3MI dicabut" if revoked else "Tanpa izin P3MI",
                "expires_on": _in_years(faker, 1, 4),
                "internal_notes": "Merekrut melalui media sosial untuk kerja di "
                f"{faker.random_element(DESTINATIONS)}.",
            }
        )
    return rows


def _phone_rows(faker: Any) -> list[dict[str, Any]]:
    return [
        {
            "subject_type": SubjectType.PHONE,
            "phone": faker.numerify(
                "08" + faker.random_element(("12", "13", "21", "52", "77", "95")) + "########"
            ),
            "category": faker.random_element(("Nomor perekrut", "Nomor penampung")),
            "expires_on": _in_years(faker, 1, 2),
            "internal_notes": "Dari keterangan korban dan telepon genggam tersangka.",
        }
        for _number in range(PHONE_COUNT)
    ]


def seed_demo(context: DemoContext) -> None:
    watchlists_load_reference()
    watchlists = {watchlist.code: watchlist for watchlist in Watchlist.objects.all()}
    faker = context.faker
    _recruiter(context, watchlists)
    people = generate_dataset(sum(PEOPLE_COUNTS.values()) + DELAYED_DEPARTURE_COUNT, seed=DEMO_SEED)
    pool = list(people.canonical)
    created: list[WatchlistEntry] = []
    categories = {
        "polri-perekrut": ("Perekrut lapangan (calo)", "Perekrut daring (media sosial)"),
        "polri-sponsor": ("Sponsor/penjamin berulang", "Pengantar ke bandara"),
        "polri-dpo": ("Tersangka TPPO", "Tersangka TPPM"),
        "imigrasi-deportasi": ("Deportasi karena bekerja tanpa izin", "Deportasi karena overstay"),
    }
    for code, count in PEOPLE_COUNTS.items():
        records, pool = pool[:count], pool[count:]
        watchlist = watchlists[code]
        if not _has_demo_entries(watchlist, code):
            rows = _people_rows(records, faker, code, categories[code])
            created += _create(watchlist, rows, code)
    departures = watchlists["imigrasi-penundaan-keberangkatan"]
    if not _has_demo_entries(departures, "imigrasi-penundaan-keberangkatan"):
        rows = _people_rows(
            pool[:DELAYED_DEPARTURE_COUNT],
            faker,
            "imigrasi-penundaan-keberangkatan",
            ("Terindikasi PMI nonprosedural", "Terindikasi korban TPPO"),
        )
        created += _create(departures, rows, "imigrasi-penundaan-keberangkatan")
    if not _has_demo_entries(watchlists["polri-perekrut"], "perekrut-nama"):
        # Known to the police by a name only (victims named him, nothing more): an applicant
        # of that name, however spelled and whatever else they give, is a possible match to
        # check at the counter, never a hit.
        _create(
            watchlists["polri-perekrut"],
            [
                {
                    "full_name": NAME_ONLY_RECRUITER,
                    "category": "Perekrut lapangan (calo)",
                    "expires_on": _in_years(faker, 1, 2),
                    "internal_notes": (
                        "Disebut korban dengan nama saja; identitas lain belum diketahui."
                    ),
                }
            ],
            "perekrut-nama",
        )
    if not _has_demo_entries(watchlists["polri-perusahaan"], "perusahaan"):
        created += _create(watchlists["polri-perusahaan"], _company_rows(faker), "perusahaan")
    if not _has_demo_entries(watchlists["polri-nomor-telepon"], "telepon"):
        created += _create(watchlists["polri-nomor-telepon"], _phone_rows(faker), "telepon")
    # Some entries have run their course, and one was entered in error.
    for entry in created[5::23]:
        watchlist_entry_expire(viewer=_viewer(), entry=entry)
    if created:
        watchlist_entry_remove(
            viewer=_viewer(), entry=created[-1], reason="Salah input: nomor milik warga lain."
        )
    total = WatchlistEntry.objects.filter(source_reference__startswith=DEMO_PREFIX).count()
    context.notes.append(
        f"Daftar pantauan: {total} entri demo; calo “{context.shared['demo_recruiter']['name']}” "
        f"({context.shared['demo_recruiter']['phone']}); pemohon bernama "
        f"“{NAME_ONLY_RECRUITER_SPELLED}” di loket menunjukkan “Kemungkinan cocok — periksa”."
    )
