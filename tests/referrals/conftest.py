"""Referral helpers: viewers, a referral sent through the service, tiny real files."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.referrals.models import Referral
from benteng.referrals.services import SubjectInput, referral_send

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def viewer_of(user: Any) -> Viewer:
    return Viewer.for_user(user, purpose="uji rujukan")


def pdf_upload(name: str = "laporan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def send(sender: Any, to_office: str = "polresta-tangerang", **overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "receiving_office": Office.objects.get(code=to_office),
        "reason_category": "indikasi_korban_tppo",
        "reason": "Pemohon mengaku dijanjikan kerja di kapal oleh calo desa.",
        "urgency": "tinggi",
        "subjects": [SubjectInput(full_name="Siti Rohmah", phone="081298765432")],
    }
    values.update(overrides)
    return referral_send(viewer=viewer_of(sender), **values)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Referral files go to a folder of the test's own."""
    settings.REFERRAL_FILES_ROOT = tmp_path / "private"
    return settings.REFERRAL_FILES_ROOT
