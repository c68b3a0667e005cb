"""What each role does in Benteng today, shown on the role's home page: no promise of a page that
does not exist yet."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import Role

ROLE_PURPOSES: dict[str, str | Promise] = {
    Role.PETUGAS_IMIGRASI: _(
        "Anda menyaring pemohon paspor di loket Kantor Imigrasi dalam hitungan detik: "
        "kecocokan daftar pantauan, penundaan sebelumnya di kantor lain dan indikator risiko "
        "beserta pertanyaan wawancara; lalu mencatat wawancara dan keputusan (terbit, tunda, "
        "tolak atau rujuk) dan mengikuti rujukan Anda sampai hasilnya."
    ),
    Role.PETUGAS_TPI: _(
        "Anda memeriksa penumpang yang berangkat di Tempat Pemeriksaan Imigrasi (bandara atau "
        "pelabuhan) berdasarkan nomor paspor dan nama: penundaan, rujukan dan kecocokan daftar "
        "pantauan; mencatat penundaan keberangkatan dan menyerahkannya kepada kepolisian."
    ),
    Role.ANALIS_IMIGRASI: _(
        "Anda mengelola daftar pantauan dan aturan risiko imigrasi, serta mengamati "
        "kecenderungan di seluruh kantor imigrasi."
    ),
    Role.PIMPASA: _(
        "Sebagai Petugas Imigrasi Pembina Desa, Anda melayani Desa Binaan di wilayah tugas Anda: "
        "mencatat hari layanan dan penyuluhan, menyusun rencana kerja per triwulan, melihat "
        "profil desa (apa yang dialami warganya di perbatasan) dan desa yang perlu dikunjungi "
        "berikutnya, serta menghubungi PIC desa dan Bhabinkamtibmas."
    ),
    Role.PENYIDIK: _(
        "Anda menerima rujukan dari kantor imigrasi, TPI dan instansi lain, menanganinya sampai "
        "selesai, mengelola berkas kasus TPPO/TPPM tim Anda, melihat permohonan paspor yang "
        "mengenai daftar pantauan kepolisian atau dirujuk kepada kepolisian, serta mengelola "
        "daftar pantauan kepolisian."
    ),
    Role.ANALIS_POLRI: _(
        "Anda mengelola daftar pantauan kepolisian (terduga perekrut, sponsor, sindikat), "
        "melihat permohonan paspor yang mengenai daftar itu, rujukan kantor Anda dan kasus "
        "TPPO/TPPM kesatuan Anda (tanpa identitas korban)."
    ),
    Role.BHABINKAMTIBMAS: _(
        "Anda bertugas di desa binaan Anda bersama PIC desa dan PIMPASA: mencatat penyuluhan, "
        "melihat profil desa dan desa yang perlu dikunjungi berikutnya, serta menghubungi tim "
        "desa."
    ),
    Role.PIC_DESA: _(
        "Anda adalah penghubung desa Anda dalam program Desa Binaan: Anda melihat halaman dan "
        "profil desa Anda, mencatat penyuluhan, dan menemukan PIMPASA dan Bhabinkamtibmas desa "
        "Anda beserta kontak kerjanya."
    ),
    Role.PIMPINAN: _(
        "Anda melihat angka agregat kantor dan wilayah, rujukan kantor-kantor di bawah Anda "
        "beserta tenggatnya, serta Desa Binaan wilayah Anda: rekap kegiatan, profil desa "
        "(angka, tanpa nama) dan desa yang perlu dikunjungi berikutnya."
    ),
    Role.ADMIN: _(
        "Anda mengelola pengguna, kantor, desa dan data referensi — tanpa akses ke data "
        "pribadi secara bawaan."
    ),
}
