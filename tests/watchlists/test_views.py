"""The watchlist pages: who may open which, forms that keep what was typed, the import with
its preview and row report, the export, and bounded queries on list pages."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from benteng.audit.models import AuditAction, AuditEntry
from benteng.watchlists.models import Watchlist, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_expire
from tests.conftest import verified_client
from tests.downloads import assert_private_file
from tests.watchlists.conftest import CALO, NIK_MAN, NIK_WOMAN, make_entry, viewer_of

pytestmark = pytest.mark.django_db

# Session, user, 2FA device, office and agency (~6), the page's own queries (~6), the audit
# entry of the list (~6), session save: constant however many entries a page shows.
MAX_PAGE_QUERIES = 24
NO_WATCHLIST_ROLES = ["pimpasa", "bhabinkamtibmas", "pic_desa", "pimpinan", "admin"]
# Counter and TPI officers learn of entries only as hits on a screening (issue 4: they see
# other Kanims' decisions about the same person, never the lists themselves).
HITS_ONLY_ROLES = ["petugas_imigrasi", "petugas_imigrasi_other", "petugas_tpi"]


@pytest.fixture
def police_entry(personas, police_list) -> WatchlistEntry:  # type: ignore[no-untyped-def]
    return make_entry(personas.analis_polri, police_list)


@pytest.fixture
def immigration_entry(personas, immigration_list) -> WatchlistEntry:  # type: ignore[no-untyped-def]
    return make_entry(
        personas.analis_imigrasi,
        immigration_list,
        nik=NIK_MAN,
        full_name="Ujang Suryana",
        birth_date="",
        sex="",
        passport_no="X7654321",
        category="Deportasi karena bekerja tanpa izin",
        internal_notes="Dideportasi dari Malaysia, catatan intelijen.",
    )


def _pages(entry: WatchlistEntry) -> list[str]:
    code = entry.watchlist.code
    return [
        f"/daftar-pantauan/{code}/",
        f"/daftar-pantauan/{code}/tambah/",
        f"/daftar-pantauan/{code}/impor/",
        f"/daftar-pantauan/entri/{entry.pk}/",
        f"/daftar-pantauan/entri/{entry.pk}/ubah/",
        f"/daftar-pantauan/entri/{entry.pk}/akhiri/",
        f"/daftar-pantauan/entri/{entry.pk}/cabut/",
        f"/daftar-pantauan/{code}/impor/templat/?format=csv",
    ]


# --- no access ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(police_entry):
    client = Client()
    for path in ["/daftar-pantauan/", *_pages(police_entry)]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/masuk/?next="), path


@pytest.mark.parametrize("persona", NO_WATCHLIST_ROLES)
def test_roles_without_watchlists_open_no_page(personas, police_entry, persona):
    client = verified_client(getattr(personas, persona))
    for path in ["/daftar-pantauan/", *_pages(police_entry)]:
        assert client.get(path).status_code == 403, path
    assert (
        client.post(
            f"/daftar-pantauan/{police_entry.watchlist.code}/ekspor/", {"file_format": "csv"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["analis_imigrasi"])
def test_another_agency_gets_404_on_every_page_of_a_police_list(personas, police_entry, persona):
    # given
    client = verified_client(getattr(personas, persona))
    # then: the same answer as for a list or entry that does not exist
    for path in _pages(police_entry):
        assert client.get(path).status_code == 404, path
    assert client.get("/daftar-pantauan/entri/999999/").status_code == 404
    response = client.post(f"/daftar-pantauan/entri/{police_entry.pk}/akhiri/", {})
    assert response.status_code == 404
    police_entry.refresh_from_db()
    assert police_entry.in_force()


@pytest.mark.parametrize("persona", ["penyidik", "analis_polri"])
def test_police_get_404_on_immigration_entries(personas, immigration_entry, persona):
    client = verified_client(getattr(personas, persona))
    for path in _pages(immigration_entry):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("persona", HITS_ONLY_ROLES)
def test_counter_and_tpi_officers_open_no_page_of_their_own_agencys_lists(
    personas, immigration_entry, persona
):
    # given
    client = verified_client(getattr(personas, persona))
    decision_list = Watchlist.objects.get(code="imigrasi-penundaan-paspor")
    # then: neither the lists, nor an entry (with its internal notes), nor an export
    assert client.get("/daftar-pantauan/").status_code == 403
    assert client.get(f"/daftar-pantauan/{decision_list.code}/").status_code == 403
    for path in _pages(immigration_entry):
        assert client.get(path).status_code == 403, path
    assert client.post(_pages(immigration_entry)[5]).status_code == 403
    code = immigration_entry.watchlist.code
    assert (
        client.post(f"/daftar-pantauan/{code}/ekspor/", {"file_format": "csv"}).status_code == 403
    )
    entry_reads = AuditEntry.objects.filter(
        actor_id=getattr(personas, persona).pk, object_type="watchlists.watchlistentry"
    )
    assert not entry_reads.exists()


# --- the lists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "agency"),
    [
        ("penyidik", "polri"),
        ("analis_polri", "polri"),
        ("analis_imigrasi", "imigrasi"),
    ],
)
def test_the_index_shows_the_lists_of_ones_own_agency(personas, persona, agency):
    # when
    html = verified_client(getattr(personas, persona)).get("/daftar-pantauan/").content.decode()
    # then
    for watchlist in Watchlist.objects.all():
        link = f'href="/daftar-pantauan/{watchlist.code}/"'
        assert (link in html) == (watchlist.owner_agency.kind == agency), watchlist.code


def test_the_navigation_links_to_watchlists_for_readers_only(personas):
    assert (
        'href="/daftar-pantauan/"' in verified_client(personas.penyidik).get("/").content.decode()
    )
    assert (
        'href="/daftar-pantauan/"'
        in verified_client(personas.analis_imigrasi).get("/").content.decode()
    )
    for persona in ["pic_desa", *HITS_ONLY_ROLES]:
        html = verified_client(getattr(personas, persona)).get("/").content.decode()
        assert 'href="/daftar-pantauan/"' not in html, persona


def test_entries_filter_by_status_category_and_search(personas, police_list):
    # given
    keeper = viewer_of(personas.analis_polri)
    siti = make_entry(personas.analis_polri, police_list)
    ujang = make_entry(
        personas.analis_polri,
        police_list,
        full_name="Ujang Suryana",
        nik=NIK_MAN,
        birth_date="",
        sex="",
        passport_no="",
        phone="0857 1111 2222",
        category="Penampung calon PMI",
    )
    old = make_entry(
        personas.analis_polri,
        police_list,
        full_name="Karta Wijaya",
        nik="",
        passport_no="",
        phone="",
    )
    watchlist_entry_expire(viewer=keeper, entry=old)
    client = verified_client(personas.penyidik)
    base = f"/daftar-pantauan/{police_list.code}/"

    def names(query: str) -> set[str]:
        html = client.get(base + query).content.decode()
        return set(re.findall(r'href="/daftar-pantauan/entri/\d+/">([^<]+)</a>', html))

    # then
    assert names("") == {siti.full_name, ujang.full_name}
    assert names("?status=kedaluwarsa") == {old.full_name}
    assert names("?status=semua") == {siti.full_name, ujang.full_name, old.full_name}
    assert names("?category=Penampung+calon+PMI") == {ujang.full_name}
    assert names(f"?q={NIK_WOMAN[:6]}.{NIK_WOMAN[6:]}") == {siti.full_name}
    assert names("?q=0857-1111-2222") == {ujang.full_name}
    assert names("?q=suryana") == {ujang.full_name}
    assert names("?q=c+1234567") == {siti.full_name}


def test_a_list_page_is_audited_with_the_entries_shown(personas, police_entry):
    verified_client(personas.penyidik).get(f"/daftar-pantauan/{police_entry.watchlist.code}/")
    audit = AuditEntry.objects.filter(action=AuditAction.LIST).latest("sequence")
    assert audit.object_ids == [str(police_entry.pk)]
    assert audit.actor_id == personas.penyidik.pk


def test_list_pages_use_a_bounded_number_of_queries(
    personas, police_list, django_assert_max_num_queries
):
    # given: more entries than one page
    from benteng.watchlists.services import watchlist_entries_create_many
    from benteng.watchlists.validation import entry_values_clean

    rows = []
    for number in range(70):
        cleaned = entry_values_clean(
            watchlist=police_list,
            raw={
                "full_name": f"Orang Contoh {number}",
                "category": f"K{number % 3}",
                "phone": f"08123456{number:04d}",
            },
        )
        rows.append((cleaned.values, f"uji:{number}"))
    watchlist_entries_create_many(
        viewer=viewer_of(personas.analis_polri), watchlist=police_list, rows=rows
    )
    client = verified_client(personas.analis_polri)
    client.get("/daftar-pantauan/")  # warm the session
    # then
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(f"/daftar-pantauan/{police_list.code}/")
    assert response.content.decode().count('href="/daftar-pantauan/entri/') == 50
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        assert client.get(f"/daftar-pantauan/{police_list.code}/?page=2&q=orang").status_code == 200
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        assert client.get("/daftar-pantauan/").status_code == 200


# --- one entry ---------------------------------------------------------------------------


def test_the_owner_sees_internal_notes_on_the_detail_page(personas, immigration_entry):
    # when
    response = verified_client(personas.analis_imigrasi).get(
        f"/daftar-pantauan/entri/{immigration_entry.pk}/"
    )
    # then
    html = response.content.decode()
    assert "Dideportasi dari Malaysia, catatan intelijen." in html
    assert NIK_MAN in html
    audit = AuditEntry.objects.filter(action=AuditAction.READ).latest("sequence")
    assert audit.object_ids == [str(immigration_entry.pk)]
    assert audit.actor_id == personas.analis_imigrasi.pk


def test_pages_carry_no_inline_script_or_style(personas, police_entry):
    client = verified_client(personas.analis_polri)
    for path in ["/daftar-pantauan/", *_pages(police_entry)]:
        response = client.get(path)
        html = response.getvalue().decode()
        assert response.status_code == 200, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html, path
        assert "<style" not in html, path
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path


# --- forms -------------------------------------------------------------------------------


def _form_data(**overrides: str) -> dict[str, str]:
    data = {
        "subject_type": "orang",
        "full_name": "Nengsih Marlina",
        "nik": NIK_WOMAN,
        "birth_date": "1990-08-14",
        "sex": "P",
        "birth_place": "Tangerang",
        "passport_no": "",
        "address": "Kp. Sukamaju RT 001/RW 002",
        "desa_code": "",
        "phone": "0812 9999 0000",
        "licence_number": "",
        "category": "Perekrut daring (media sosial)",
        "legal_basis": "UU No. 21 Tahun 2007",
        "expires_on": "",
        "sharing_level": "hit",
        "instruction": "Hubungi piket.",
        "contact": "Piket Ditreskrimum",
        "internal_notes": "Sumber: laporan PIC desa.",
    }
    data.update(overrides)
    return data


def test_a_keeper_adds_an_entry_through_the_form(personas, police_list):
    # when
    response = verified_client(personas.penyidik).post(
        f"/daftar-pantauan/{police_list.code}/tambah/", _form_data()
    )
    # then
    entry = WatchlistEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/daftar-pantauan/entri/{entry.pk}/"
    assert entry.full_name == "Nengsih Marlina"
    assert entry.phone == "6281299990000"
    assert entry.internal_notes == "Sumber: laporan PIC desa."
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, actor=personas.penyidik).exists()


def test_the_form_keeps_what_was_typed_and_explains_each_error(personas, police_list):
    # when
    response = verified_client(personas.analis_polri).post(
        f"/daftar-pantauan/{police_list.code}/tambah/",
        _form_data(
            nik="3603-0754-089",
            birth_date="1990-02-31",
            passport_no="AB#12",
            expires_on="2001-01-01",
        ),
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert not WatchlistEntry.objects.exists()
    assert "NIK harus 16 digit angka; yang tertulis 11 digit." in html
    assert "tidak ada di kalender" in html
    assert "Nomor paspor “AB#12” tidak sah" in html
    assert "sudah lewat" in html
    for typed in [
        'value="3603-0754-089"',
        'value="1990-02-31"',
        'value="AB#12"',
        'value="Nengsih Marlina"',
        'value="0812 9999 0000"',
        "Sumber: laporan PIC desa.",
    ]:
        assert typed in html, typed


def test_a_keeper_edits_an_entry_and_errors_keep_the_input(personas, police_entry):
    # given
    client = verified_client(personas.analis_polri)
    path = f"/daftar-pantauan/entri/{police_entry.pk}/ubah/"
    # when
    form_page = client.get(path).content.decode()
    bad = client.post(path, _form_data(full_name="Siti R. Baru", phone="123"))
    good = client.post(path, _form_data(full_name="Siti R. Baru"))
    # then
    assert 'value="Siti Rahmawati"' in form_page
    assert 'value="14-08-1990"' in form_page
    assert bad.status_code == 200
    assert 'value="Siti R. Baru"' in bad.content.decode()
    assert "bukan nomor Indonesia yang sah" in bad.content.decode()
    assert good.status_code == 302
    police_entry.refresh_from_db()
    assert police_entry.full_name == "Siti R. Baru"


def test_expire_and_remove_are_confirmed_posts(personas, police_entry):
    # given
    client = verified_client(personas.analis_polri)
    detail = f"/daftar-pantauan/entri/{police_entry.pk}/"
    # when
    confirm_page = client.get(detail + "akhiri/")
    expired = client.post(detail + "akhiri/")
    no_reason = client.post(detail + "cabut/", {"reason": ""})
    removed = client.post(detail + "cabut/", {"reason": "Putusan bebas"})
    # then
    assert confirm_page.status_code == 200
    assert '<form class="card" method="post"' in confirm_page.content.decode()
    assert expired.status_code == 302
    assert no_reason.status_code == 200
    assert "Bidang ini tidak boleh kosong." in no_reason.content.decode()
    assert removed.status_code == 302
    police_entry.refresh_from_db()
    assert police_entry.expires_on < timezone.localdate()
    assert police_entry.removal_reason == "Putusan bebas"
    assert police_entry.removed_at is not None
    html = client.get(detail).content.decode()
    assert "Putusan bebas" in html
    assert client.get(detail + "ubah/").status_code == 404


def test_the_automatic_list_has_no_add_or_import_page(personas):
    client = verified_client(personas.analis_imigrasi)
    for path in [
        "/daftar-pantauan/imigrasi-penundaan-paspor/tambah/",
        "/daftar-pantauan/imigrasi-penundaan-paspor/impor/",
    ]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/daftar-pantauan/imigrasi-penundaan-paspor/"


# --- import and export -------------------------------------------------------------------


def _upload(rows: list[list[str]]) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["nama", "nik", "tanggal_lahir", "kategori"])
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = "daftar.csv"
    return upload


def test_import_previews_then_confirms(personas, police_list):
    # given
    client = verified_client(personas.analis_polri)
    path = f"/daftar-pantauan/{police_list.code}/impor/"
    rows = [
        ["Siti Rahmawati", NIK_WOMAN, "14-08-1990", CALO],
        ["Rina", "1234", "", CALO],
        ["Ujang", NIK_MAN, "31-02-1985", CALO],
    ]
    # when
    preview = client.post(path, {"file": _upload(rows)})
    # then: the report names rows, columns and reasons, and nothing is saved yet
    html = preview.content.decode()
    assert preview.status_code == 200
    assert not WatchlistEntry.objects.exists()
    assert '<td class="number">3</td><td>nik</td><td>1234</td>' in html
    assert "NIK harus 16 digit angka; yang tertulis 4 digit." in html
    assert '<td class="number">4</td><td>tanggal_lahir</td><td>31-02-1985</td>' in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # when
    done = client.post(path, {"confirm": "1", "token": token})
    again = client.post(path, {"confirm": "1", "token": token})
    # then
    assert done.status_code == 200
    assert "1 entri disimpan." in done.content.decode()
    assert "NIK harus 16 digit angka" in done.content.decode()
    assert list(WatchlistEntry.objects.values_list("full_name", flat=True)) == ["Siti Rahmawati"]
    assert again.status_code == 302
    assert WatchlistEntry.objects.count() == 1


def test_an_upload_of_the_wrong_kind_is_refused_on_the_page(personas, police_list):
    upload = io.BytesIO(b"nama\nA\n")
    upload.name = "daftar.pdf"
    response = verified_client(personas.analis_polri).post(
        f"/daftar-pantauan/{police_list.code}/impor/", {"file": upload}
    )
    assert response.status_code == 200
    assert "unggah berkas .csv atau .xlsx" in response.content.decode()


def test_export_downloads_an_audited_file_for_keepers(personas, police_entry):
    # when
    client = verified_client(personas.analis_polri)
    path = f"/daftar-pantauan/{police_entry.watchlist.code}/ekspor/"
    response = client.post(path, {"file_format": "csv", "status": "berlaku"})
    # then: a private file (never sniffed, sandboxed, kept by no cache)
    assert_private_file(
        response,
        disposition="attachment",
        filename=f"{police_entry.watchlist.code}-berlaku-{timezone.localdate().isoformat()}.csv",
        content_type="text/csv; charset=utf-8",
    )
    assert NIK_WOMAN in response.getvalue().decode("utf-8-sig")
    audit = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert audit.object_ids == [str(police_entry.pk)]
    assert client.get(path).status_code == 405


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_import_template_is_a_private_file(personas, police_list, file_format, content_type):
    # when
    client = verified_client(personas.analis_polri)
    response = client.get(
        f"/daftar-pantauan/{police_list.code}/impor/templat/?format={file_format}"
    )
    # then
    assert_private_file(
        response,
        disposition="attachment",
        filename=f"templat-{police_list.code}.{file_format}",
        content_type=content_type,
    )
    assert response.getvalue()


def test_only_the_uploader_confirms_a_previewed_import(personas, police_list):
    # given: the analyst previews a file
    from benteng.watchlists.models import PendingImport

    path = f"/daftar-pantauan/{police_list.code}/impor/"
    rows = [["Siti Rahmawati", NIK_WOMAN, "14-08-1990", CALO]]
    html = verified_client(personas.analis_polri).post(path, {"file": _upload(rows)}).content
    token = re.search(r'name="token" value="([^"]+)"', html.decode()).group(1)
    # when: another keeper of the same agency posts the token
    response = verified_client(personas.penyidik).post(path, {"confirm": "1", "token": token})
    # then
    assert response.status_code == 302
    assert not WatchlistEntry.objects.exists()
    assert PendingImport.objects.filter(token=token).exists()


def test_a_pending_import_expires_after_an_hour(personas, police_list):
    # given
    import datetime

    from benteng.watchlists.models import PendingImport

    client = verified_client(personas.analis_polri)
    path = f"/daftar-pantauan/{police_list.code}/impor/"
    rows = [["Siti Rahmawati", NIK_WOMAN, "14-08-1990", CALO]]
    html = client.post(path, {"file": _upload(rows)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    PendingImport.objects.update(uploaded_at=timezone.now() - datetime.timedelta(hours=2))
    # when
    response = client.post(path, {"confirm": "1", "token": token})
    # then
    assert response.status_code == 302
    assert not WatchlistEntry.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_without_being_read(personas, police_list):
    # given: a file just over 5 MB
    from benteng.watchlists.imports import MAX_FILE_BYTES
    from benteng.watchlists.models import PendingImport

    upload = io.BytesIO(b"nama\n" + b"A" * MAX_FILE_BYTES)
    upload.name = "besar.csv"
    # when
    response = verified_client(personas.analis_polri).post(
        f"/daftar-pantauan/{police_list.code}/impor/", {"file": upload}
    )
    # then
    assert response.status_code == 200
    assert "Berkas terlalu besar" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_the_upload_form_checks_the_size_before_reading_the_file():
    # given: a 2 GB upload that must not be read
    from django.core.files.uploadedfile import UploadedFile

    from benteng.watchlists.forms import ImportUploadForm

    class HugeUpload(UploadedFile):
        def read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError("the file was read")

        def chunks(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError("the file was read")

    upload = HugeUpload(file=io.BytesIO(b""), name="besar.xlsx", size=2 * 1024**3)
    # when
    form = ImportUploadForm(data={}, files={"file": upload})
    # then
    assert not form.is_valid()
    assert "Berkas terlalu besar" in " ".join(form.errors["file"])
