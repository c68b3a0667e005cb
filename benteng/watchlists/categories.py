"""The reason categories of each kind of list: a picklist, not free text.

A keeper picks one on the entry form; a file's ``kategori`` column must hold one of them
(spelling, case and spacing aside), otherwise the row is reported and not imported. Lists fed
by officers' decisions write their own categories (the decision and its reason).
"""

from __future__ import annotations

from benteng.watchlists.models import WatchlistKind

CATEGORIES: dict[str, tuple[str, ...]] = {
    WatchlistKind.PEREKRUT: (
        "Perekrut lapangan (calo)",
        "Perekrut daring (media sosial)",
        "Penampung calon PMI",
    ),
    WatchlistKind.SPONSOR: ("Sponsor/penjamin berulang", "Pengantar ke bandara"),
    WatchlistKind.PERUSAHAAN: (
        "Tanpa izin P3MI",
        "Izin P3MI dicabut",
        "Agen perjalanan umrah fiktif",
    ),
    WatchlistKind.DPO: ("Tersangka TPPO", "Tersangka TPPM"),
    WatchlistKind.NOMOR_TELEPON: ("Nomor perekrut", "Nomor penampung", "Nomor rekening/e-wallet"),
    WatchlistKind.PENUNDAAN_PASPOR: ("Penundaan permohonan paspor", "Penolakan permohonan paspor"),
    WatchlistKind.DEPORTASI: ("Deportasi karena bekerja tanpa izin", "Deportasi karena overstay"),
    WatchlistKind.PENUNDAAN_KEBERANGKATAN: (
        "Terindikasi PMI nonprosedural",
        "Terindikasi korban TPPO",
        "Keberangkatan ditunda",
        "Penumpang diserahkan ke kepolisian",
    ),
}


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def categories_for(kind: str) -> tuple[str, ...]:
    """The categories a keeper may pick for a list of this kind."""
    return CATEGORIES.get(kind, ())


def category_of(kind: str, text: str) -> str | None:
    """The category of this kind ``text`` names, as the picklist spells it; None if none."""
    wanted = _key(text)
    for category in categories_for(kind):
        if _key(category) == wanted:
            return category
    return None
