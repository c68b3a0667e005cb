"""Support (no tests) for the screening service and API tests: police watchlist entries made
through the watchlist services, applicants' values, and viewers of the personas."""

from __future__ import annotations

from typing import Any

from benteng.access.viewer import Viewer
from benteng.watchlists.categories import categories_for
from benteng.watchlists.models import Watchlist, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_create

# Siti, a woman born 14-08-1996 in Kecamatan Kronjo (day 14 + 40 = 54), serial 0007.
SITI_NIK = "3603075408960007"
SPONSOR_NAME = "Haji Mamat Suryadi"
SPONSOR_PHONE = "0813-1111-2222"
KRONJO_DESA = "36.03.07.2001"


def viewer_of(user: Any) -> Viewer:
    return Viewer.for_user(user, purpose="uji penyaringan")


def applicant(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "nik": SITI_NIK,
        "full_name": "Siti Nurhaliza binti Ahmad",
        "birth_date": "14-08-1996",
        "birth_place": "Tangerang",
        "sex": "P",
        "address": "Kp. Kronjo RT 002/RW 001",
        "desa_code": KRONJO_DESA,
        "phone": "0857-7000-1234",
        "purpose": "wisata",
        "destination_country": "SA",
        "sponsor_name": "",
        "sponsor_phone": "",
        "documents": [],
    }
    values.update(overrides)
    return values


def police_entry(analyst: Any, *, code: str = "polri-sponsor", **values: Any) -> WatchlistEntry:
    data: dict[str, Any] = {
        "full_name": SPONSOR_NAME,
        "phone": SPONSOR_PHONE,
        "internal_notes": "Informan: kepala dusun. Jangan dibagikan.",
        "instruction": "Tunda dan hubungi piket Ditreskrimum Polda Banten.",
        "contact": "Piket Ditreskrimum 021-0000-0000",
    }
    data.update(values)
    watchlist = Watchlist.objects.get(code=code)
    # Unless the test names one, the first category of the list's kind (its picklist).
    data.setdefault("category", categories_for(watchlist.kind)[0])
    return watchlist_entry_create(
        viewer=Viewer.for_user(analyst, purpose="uji"), watchlist=watchlist, data=data
    )
