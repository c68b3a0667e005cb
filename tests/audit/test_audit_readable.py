"""The admin and the audit trail in Bahasa Indonesia, and entries an auditor can read (issue 11,
item 20): who (name, role, office), did what, to whose record (a reference, not raw ids),
when (the Indonesian display format) and from where."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from benteng.accounts.models import Role
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import audit_chain_verify
from tests.conftest import make_user, verified_client
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

ENGLISH_LABELS = [
    "Otp_Static",
    "Otp_Totp",
    "Tasks Database Backend",
    ">Axes<",
    "TOTP devices",
    "Static devices",
    "Task Results",
]


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_admin_names_every_app_and_model_in_indonesian(personas):
    # when
    page = verified_client(personas.admin).get("/admin/")
    # then
    html = page.content.decode()
    for english in ENGLISH_LABELS:
        assert english not in html, english
    for indonesian in ("Autentikator (TOTP)", "Kode cadangan dua langkah", "Tugas latar belakang"):
        assert indonesian in html


def test_the_admin_greets_by_the_full_name_not_a_title(reference_data):
    # given: an administrator whose name starts with a title
    admin = make_user("dtadmin", Role.ADMIN, "kanwil-imigrasi-banten")
    admin.full_name = "Dt. Rahmat Hidayat"
    admin.save()
    # when
    page = _text(verified_client(admin).get("/admin/"))
    # then
    assert "Selamat datang, Dt. Rahmat Hidayat" in page


def test_an_auditor_reads_who_did_what_to_whose_record_when_and_from_where(personas):
    # given: a counter officer opens an application from her PC and searches for a name
    application = application_make()
    officer = verified_client(personas.petugas_imigrasi, Client(REMOTE_ADDR="10.20.30.40"))
    officer.get(f"/penyaringan/permohonan/{application.pk}/")
    officer.get("/penyaringan/permohonan/", {"q": "Noer Hayati"})
    read = AuditEntry.objects.filter(action=AuditAction.READ).latest("id")
    # when: the administrator reads the trail, and the entry itself
    auditor = verified_client(personas.admin)
    listing = _text(auditor.get("/admin/audit/auditentry/"))
    entry_page = _text(auditor.get(f"/admin/audit/auditentry/{read.pk}/change/"))
    # then: who, with role and office; what; whose record; when; from where
    for page in (listing, entry_page):
        assert "Persona imigrasi (imigrasi)" in page
        assert "Petugas imigrasi (layanan paspor)" in page
        assert personas.petugas_imigrasi.office.name in page
        assert "Membaca" in page
        assert f"Permohonan paspor: {application.reference}" in page
        assert "10.20.30.40" in page
        assert re.search(r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", page)
    # and the name searched for is personal data the administrator's role may not see
    assert "pencarian: kata dicari = (disamarkan)" in listing
    assert "Noer Hayati" not in listing
    # and no raw values: no id lists, no model labels, no action codes
    for raw in ('["', "screening.passportapplication", " read ", "Previous hash", "Mac:"):
        assert raw not in entry_page, raw
    assert "screening.passportapplication" not in listing


def test_a_record_read_as_a_hit_says_so_and_names_the_screening(personas):
    # given: an entry as the screening path records the read of a hit
    from benteng.audit.services import actor_for_viewer, audit_record
    from tests.screening.test_services_support import police_entry, viewer_of

    recruiter = police_entry(personas.analis_polri)
    audit_record(
        actor=actor_for_viewer(viewer_of(personas.penyidik)),
        action=AuditAction.READ,
        object_type="watchlists.watchlistentry",
        object_ids=[recruiter.pk],
        detail={"screening": "PP-2026-000007", "as": "hit"},
    )
    entry = AuditEntry.objects.latest("id")
    # when
    page = _text(verified_client(personas.admin).get(f"/admin/audit/auditentry/{entry.pk}/change/"))
    # then: the entry by its index id (no name of the person listed), what it was read as
    assert f"Entri daftar pantauan: w{recruiter.pk}" in page
    assert "sebagai hit daftar pantauan; pada penyaringan PP-2026-000007" in page
    assert recruiter.full_name not in page


def test_reading_the_trail_leaves_the_chain_verifying(personas):
    # given: an officer's read, listed and opened by the administrator
    application = application_make()
    verified_client(personas.petugas_imigrasi).get(f"/penyaringan/permohonan/{application.pk}/")
    auditor = verified_client(personas.admin)
    auditor.get("/admin/audit/auditentry/")
    auditor.get(f"/admin/audit/auditentry/{AuditEntry.objects.earliest('id').pk}/change/")
    # then: the reads of the trail are in it, and the chain verifies
    checked, chain_break = audit_chain_verify()
    assert chain_break is None
    assert checked == AuditEntry.objects.count() >= 3


def test_the_auditor_asks_who_saw_a_watchlist_entry_by_its_index_id(
    personas, django_capture_on_commit_callbacks
):
    # given: a recruiter's entry hit at the counter; the investigator opens the result
    from benteng.people.index import screening_index_reset
    from benteng.screening.cleaning import ApplicationInput
    from benteng.screening.services import application_screen
    from tests.screening.test_services_support import (
        SPONSOR_PHONE,
        applicant,
        police_entry,
        viewer_of,
    )

    screening_index_reset()
    with django_capture_on_commit_callbacks(execute=True):
        recruiter = police_entry(personas.analis_polri)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = application_screen(
            viewer=viewer_of(personas.petugas_imigrasi),
            data=ApplicationInput.from_raw(applicant(sponsor_phone=SPONSOR_PHONE)),
        )
    assert outcome.application is not None
    verified_client(personas.penyidik).get(f"/penyaringan/permohonan/{outcome.application.pk}/")
    screening_index_reset()
    # when: the administrator searches the trail for the entry's index id
    auditor = verified_client(personas.admin)
    page = auditor.get("/admin/audit/auditentry/", {"q": f"w{recruiter.pk}"})
    # then: the entries that name it (made, hit at the screening, read by the investigator)
    shown = list(page.context["cl"].result_list)
    assert {(entry.actor_id, entry.action) for entry in shown} == {
        (personas.analis_polri.pk, AuditAction.CREATE),
        (personas.petugas_imigrasi.pk, AuditAction.READ),
        (personas.penyidik.pk, AuditAction.READ),
    }
    # and an application's number finds who opened it and what was read in its screening
    by_number = auditor.get("/admin/audit/auditentry/", {"q": outcome.application.reference})
    kinds = {entry.object_type for entry in by_number.context["cl"].result_list}
    assert {"screening.passportapplication", "watchlists.watchlistentry"} <= kinds


def test_a_role_grant_reads_in_words_in_the_admin():
    from benteng.accounts.models import GrantStatus, GrantSubject, RoleGrant

    grant = RoleGrant(
        subject_type=GrantSubject.USER,
        subject_label="Budi Santoso",
        role=Role.PENYIDIK,
        status=GrantStatus.PENDING,
    )
    assert str(grant) == f"Budi Santoso → {Role.PENYIDIK.label} ({GrantStatus.PENDING.label})"
