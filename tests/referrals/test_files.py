"""Files: checked by content and size, kept outside the web root, downloaded only by those who
see the referral, as an attachment, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from benteng.audit.models import AuditEntry
from benteng.referrals.errors import ReferralInvalid
from benteng.referrals.files import MAX_FILE_BYTES
from benteng.referrals.models import EventKind, Referral, ReferralFile
from benteng.referrals.services import referral_file_add
from tests.conftest import verified_client
from tests.downloads import assert_private_file
from tests.referrals.conftest import PDF, pdf_upload, send, viewer_of

pytestmark = pytest.mark.django_db


def test_a_pdf_is_kept_outside_the_web_root_under_a_random_name(personas, private_files):
    # given
    referral = send(personas.petugas_imigrasi)
    # when
    stored = referral_file_add(
        viewer=viewer_of(personas.petugas_imigrasi),
        referral=referral,
        upload=pdf_upload("surat pernyataan.pdf"),
    )
    # then
    path = Path(stored.content.path)
    assert path.is_file() and path.read_bytes() == PDF
    assert Path(private_files) in path.parents
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert "surat" not in path.name and path.suffix == ".pdf"
    assert stored.content_type == "application/pdf"
    with pytest.raises(ValueError):
        stored.content.url  # noqa: B018 - no URL serves a referral file
    assert referral.events.filter(kind=EventKind.FILE_ADDED).count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script>", "foto.png", "bukan PDF, JPEG atau PNG"),
        (b"MZ\x90\x00 executable", "laporan.pdf", "bukan PDF, JPEG atau PNG"),
        (b"%PDF-" + b"0" * MAX_FILE_BYTES, "besar.pdf", "terlalu besar"),
    ],
    ids=["html-named-png", "exe-named-pdf", "over-10-mb"],
)
def test_a_wrong_type_or_size_is_refused_with_a_message(personas, content, name, message):
    referral = send(personas.petugas_imigrasi)
    with pytest.raises(ReferralInvalid) as refused:
        referral_file_add(
            viewer=viewer_of(personas.petugas_imigrasi),
            referral=referral,
            upload=SimpleUploadedFile(name, content),
        )
    assert message in refused.value.errors["file"][0]
    assert ReferralFile.objects.count() == 0


def test_the_new_referral_form_keeps_what_was_typed_when_the_file_is_refused(personas):
    # given
    client = verified_client(personas.petugas_imigrasi)
    polres = str(_office_pk("polresta-tangerang"))
    data = {
        "receiving_office": polres,
        "reason_category": "perekrut",
        "urgency": "segera",
        "reason": "Calo menjemput tiga pemohon di loket.",
        "full_name": "Ujang Supriatna",
        "phone": "081311112222",
        "birth_date": "03-02-1988",
        "file": SimpleUploadedFile("foto.jpg", b"GIF89a not a jpeg"),
    }
    # when
    response = client.post("/rujukan/baru/", data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "bukan PDF, JPEG atau PNG" in html
    for typed in ("Calo menjemput tiga pemohon di loket.", "Ujang Supriatna", "081311112222"):
        assert typed in html
    assert 'value="03-02-1988"' in html
    assert f'<option value="{polres}" selected>' in html
    assert Referral.objects.count() == 0


def _office_pk(code: str) -> int:
    from benteng.accounts.models import Office

    return Office.objects.get(code=code).pk


def test_download_is_an_audited_attachment_for_those_who_see_the_referral(
    personas, penyidik_polres
):
    # given
    referral = send(personas.petugas_imigrasi, files=[(pdf_upload("bukti.pdf"), "bukti")])
    stored = referral.files.get()
    url = f"/rujukan/{referral.pk}/berkas/{stored.pk}/"
    # when
    response = verified_client(penyidik_polres).get(url)
    # then
    assert_private_file(
        response, disposition="attachment", filename="bukti.pdf", content_type="application/pdf"
    )
    assert b"".join(response.streaming_content) == PDF
    read = AuditEntry.objects.filter(
        action="read", object_type="referrals.referralfile", actor_id=penyidik_polres.pk
    ).last()
    assert read is not None and read.object_ids == [str(stored.pk)]
    assert read.detail["as"] == "download"


@pytest.mark.parametrize("persona", ["petugas_imigrasi_other", "penyidik", "admin"])
def test_nobody_else_downloads_a_file(personas, persona):
    referral = send(personas.petugas_imigrasi, files=[(pdf_upload(), "")])
    stored = referral.files.get()
    response = verified_client(getattr(personas, persona)).get(
        f"/rujukan/{referral.pk}/berkas/{stored.pk}/"
    )
    assert response.status_code in (403, 404)


def test_a_file_of_one_referral_is_not_reached_through_another(personas):
    mine = send(personas.petugas_imigrasi)
    theirs = send(
        personas.petugas_imigrasi_other, to_office="polres-serang", files=[(pdf_upload(), "")]
    )
    response = verified_client(personas.petugas_imigrasi).get(
        f"/rujukan/{mine.pk}/berkas/{theirs.files.get().pk}/"
    )
    assert response.status_code == 404
