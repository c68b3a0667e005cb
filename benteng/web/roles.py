"""What each role is for, in the words of the design brief, shown on the role's home page."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import Role

ROLE_PURPOSES: dict[str, str | Promise] = {
    Role.PETUGAS_IMIGRASI: _(
        "Anda menyaring pemohon paspor di loket Kantor Imigrasi dalam hitungan detik: "
        "kecocokan daftar pantauan, penundaan sebelumnya di kantor lain, sinyal dari desa dan "
        "indikator risiko beserta pertanyaan wawancara; lalu mencatat wawancara dan keputusan "
        "(terbit, tunda, tolak atau rujuk)."
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
        "Sebagai Petugas Imigrasi Pembina Desa, Anda menjalankan sosialisasi di Desa Binaan "
        "(layanan, pengetahuan, keamanan) dan menerima laporan dari desa."
    ),
    Role.PENYIDIK: _(
        "Anda menerima rujukan, membuka dan menangani perkara TPPO/TPPM, serta mengirim "
        "kembali hasilnya kepada instansi perujuk."
    ),
    Role.ANALIS_POLRI: _(
        "Anda mengelola daftar pantauan kepolisian (terduga perekrut, sponsor, sindikat) dan "
        "menganalisis jaringannya."
    ),
    Role.BHABINKAMTIBMAS: _(
        "Anda melaporkan dan menindaklanjuti sinyal dari desa tugas Anda bersama PIC desa."
    ),
    Role.PIC_DESA: _(
        "Anda melaporkan warga yang berencana berangkat lewat perekrut, kunjungan perekrut dan "
        "korban yang pulang, serta mencatat sosialisasi di desa Anda."
    ),
    Role.PIMPINAN: _(
        "Anda melihat dasbor agregat dan laporan kerja sama bulanan — tanpa data pribadi."
    ),
    Role.ADMIN: _(
        "Anda mengelola pengguna, kantor, desa dan data referensi — tanpa akses ke data "
        "pribadi secara bawaan."
    ),
}
