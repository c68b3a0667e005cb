"""The standard watchlists every installation has, with their default instructions.

Police lists are kept by Polda Banten (its Ditreskrimum handles TPPO), immigration lists by the
Kanwil. Idempotent and additive: a list that exists is left as an administrator changed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from benteng.accounts.models import Agency, AgencyKind, Office
from benteng.watchlists.models import Watchlist, WatchlistKind

POLICE_OFFICE = "polda-banten"
IMMIGRATION_OFFICE = "kanwil-imigrasi-banten"
UU_TPPO = "UU No. 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang"
UU_PPMI = "UU No. 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia"
UU_KEIMIGRASIAN = "UU No. 6 Tahun 2011 tentang Keimigrasian"
SE_NON_PROSEDURAL = (
    "Surat Edaran Dirjen Imigrasi No. IMI-0277.GR.02.06 Tahun 2017 tentang pencegahan PMI "
    "nonprosedural"
)
POLICE_DUTY = "Piket Ditreskrimum Polda Banten (Subdit Renakta/TPPO)"
IMMIGRATION_DUTY = "Bidang Intelijen dan Penindakan Keimigrasian, Kanwil Ditjen Imigrasi Banten"


@dataclass(frozen=True)
class StandardList:
    code: str
    name: str
    kind: str
    agency: str
    office: str
    description: str
    instruction: str
    contact: str
    legal_basis: str
    is_automatic: bool = False


STANDARD_LISTS: tuple[StandardList, ...] = (
    StandardList(
        code="polri-perekrut",
        name="Terduga perekrut/calo PMI nonprosedural",
        kind=WatchlistKind.PEREKRUT,
        agency=AgencyKind.POLRI,
        office=POLICE_OFFICE,
        description="Orang yang diduga merekrut calon PMI di luar jalur resmi (calo/sponsor "
        "lapangan), dari laporan desa, penyelidikan dan perkara TPPO.",
        instruction="Jangan beri tahu pemohon atau penumpang tentang hit ini. Tunda layanan "
        "atau keberangkatan bila orang tersebut hadir, catat pendamping dan nomor teleponnya, "
        "lalu segera hubungi piket Ditreskrimum Polda Banten.",
        contact=POLICE_DUTY,
        legal_basis=UU_TPPO,
    ),
    StandardList(
        code="polri-sponsor",
        name="Terduga sponsor/penjamin",
        kind=WatchlistKind.SPONSOR,
        agency=AgencyKind.POLRI,
        office=POLICE_OFFICE,
        description="Orang yang berulang kali disebut sebagai sponsor, penjamin atau pengantar "
        "calon PMI nonprosedural.",
        instruction="Bila orang ini disebut sebagai sponsor, penjamin atau pengantar, wawancarai "
        "pemohon secara terpisah, minta dokumen penempatan resmi, dan laporkan ke piket "
        "Ditreskrimum Polda Banten sebelum memutuskan.",
        contact=POLICE_DUTY,
        legal_basis=UU_TPPO,
    ),
    StandardList(
        code="polri-perusahaan",
        name="Perusahaan penempatan tidak berizin",
        kind=WatchlistKind.PERUSAHAAN,
        agency=AgencyKind.POLRI,
        office=POLICE_OFFICE,
        description="Badan usaha yang menempatkan PMI tanpa izin P3MI yang sah atau izinnya "
        "dicabut.",
        instruction="Perusahaan ini tidak berizin menempatkan PMI. Periksa apakah pemohon "
        "memiliki ID PMI/e-PMI dan perjanjian penempatan; bila tidak, tunda dan rujuk ke "
        "BP3MI Banten serta beri tahu piket Ditreskrimum Polda Banten.",
        contact=POLICE_DUTY,
        legal_basis=UU_PPMI,
    ),
    StandardList(
        code="polri-dpo",
        name="Daftar pencarian orang (DPO) perkara TPPO/TPPM",
        kind=WatchlistKind.DPO,
        agency=AgencyKind.POLRI,
        office=POLICE_OFFICE,
        description="Tersangka perkara TPPO/TPPM yang masuk daftar pencarian orang.",
        instruction="Orang ini dicari polisi. Jangan beri tahu yang bersangkutan; tahan proses "
        "layanan atau keberangkatan secara wajar dan segera hubungi piket Ditreskrimum Polda "
        "Banten untuk penjemputan.",
        contact=POLICE_DUTY,
        legal_basis="UU No. 8 Tahun 1981 tentang KUHAP; " + UU_TPPO,
    ),
    StandardList(
        code="polri-nomor-telepon",
        name="Nomor telepon yang dikenal dalam jaringan perekrutan",
        kind=WatchlistKind.NOMOR_TELEPON,
        agency=AgencyKind.POLRI,
        office=POLICE_OFFICE,
        description="Nomor telepon/WhatsApp yang dipakai perekrut, dari laporan desa, "
        "keterangan korban dan perkara.",
        instruction="Nomor ini dipakai dalam jaringan perekrutan. Tanyakan kepada pemohon siapa "
        "pemilik nomor dan bagaimana mereka berkenalan; catat jawabannya dan laporkan ke piket "
        "Ditreskrimum Polda Banten.",
        contact=POLICE_DUTY,
        legal_basis=UU_TPPO,
    ),
    StandardList(
        code="imigrasi-penundaan-paspor",
        name="Pemohon paspor yang ditunda atau ditolak",
        kind=WatchlistKind.PENUNDAAN_PASPOR,
        agency=AgencyKind.IMIGRASI,
        office=IMMIGRATION_OFFICE,
        description="Diisi otomatis oleh Benteng dari keputusan tunda dan tolak petugas "
        "layanan paspor di seluruh Kanim, agar pemohon tidak berpindah kantor.",
        instruction="Pemohon ini pernah ditunda atau ditolak di kantor lain. Lihat alasan dan "
        "dokumen yang diminta sebelumnya; terbitkan hanya bila kekurangan itu sudah dipenuhi.",
        contact=IMMIGRATION_DUTY,
        legal_basis=f"{UU_KEIMIGRASIAN}; {SE_NON_PROSEDURAL}",
        is_automatic=True,
    ),
    StandardList(
        code="imigrasi-deportasi",
        name="WNI yang dideportasi",
        kind=WatchlistKind.DEPORTASI,
        agency=AgencyKind.IMIGRASI,
        office=IMMIGRATION_OFFICE,
        description="WNI yang dideportasi dari negara tujuan, biasanya setelah bekerja tanpa "
        "dokumen; rawan diberangkatkan kembali oleh perekrut yang sama.",
        instruction="Orang ini pernah dideportasi. Tanyakan tujuan dan pekerjaan dengan teliti, "
        "minta dokumen penempatan resmi bila hendak bekerja, dan konsultasikan dengan analis "
        "intelijen Kanwil bila ragu.",
        contact=IMMIGRATION_DUTY,
        legal_basis=UU_KEIMIGRASIAN,
    ),
    StandardList(
        code="imigrasi-penundaan-keberangkatan",
        name="Penumpang yang keberangkatannya ditunda",
        kind=WatchlistKind.PENUNDAAN_KEBERANGKATAN,
        agency=AgencyKind.IMIGRASI,
        office=IMMIGRATION_OFFICE,
        description="Penumpang yang keberangkatannya ditunda di TPI karena terindikasi PMI "
        "nonprosedural atau korban TPPO.",
        instruction="Keberangkatan orang ini pernah ditunda. Periksa tiket kembali, tujuan dan "
        "dokumen kerja; bila indikasi masih ada, tunda lagi dan serahkan kepada polisi atau "
        "BP3MI.",
        contact=IMMIGRATION_DUTY,
        legal_basis=f"{UU_KEIMIGRASIAN}; Permenkumham No. 44 Tahun 2015",
    ),
)


def watchlists_load_reference() -> int:
    """Create the standard lists that are missing; return how many were created."""
    created = 0
    agencies = {agency.kind: agency for agency in Agency.objects.all()}
    offices = {
        office.code: office
        for office in Office.objects.filter(code__in={item.office for item in STANDARD_LISTS})
    }
    for item in STANDARD_LISTS:
        if item.agency not in agencies or item.office not in offices:
            continue
        _watchlist, was_created = Watchlist.objects.get_or_create(
            code=item.code,
            defaults={
                "name": item.name,
                "kind": item.kind,
                "owner_agency": agencies[item.agency],
                "owner_office": offices[item.office],
                "description": item.description,
                "default_instruction": item.instruction,
                "default_contact": item.contact,
                "default_legal_basis": item.legal_basis,
                "is_automatic": item.is_automatic,
            },
        )
        created += int(was_created)
    return created


def load_reference() -> str:
    created = watchlists_load_reference()
    return f"{created} watchlists created"
