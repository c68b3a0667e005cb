"""Desa Binaan for the personas of ``tests/conftest.py``: the two Kronjo villages of the
PIMPASA and Bhabinkamtibmas (the first is the PIC desa's), guided by Kanim Tangerang, and the
far village of the other PIC desa (Cikeusal, Kabupaten Serang), guided by Kanim Serang."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.villages.models import DesaBinaan
from benteng.villages.services import designation_save, focal_person_save

SYSTEM = Viewer.system(purpose="uji Desa Binaan")
# The smallest valid PNG and PDF heads: file types are decided by content.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REFERRAL_FILES_ROOT = tmp_path / "private"
    return settings.REFERRAL_FILES_ROOT


def designate(region_code: str, kanim_code: str) -> DesaBinaan:
    return designation_save(
        viewer=SYSTEM,
        desa_code=region_code,
        designated_on=datetime.date(2025, 1, 15),
        kanim=Office.objects.get(code=kanim_code),
    )


@pytest.fixture
def villages(personas):  # type: ignore[no-untyped-def]
    """{"own": the PIC desa's village, "second": the other Kronjo village, "far": the far
    village}, each with a focal person."""
    own_code, second_code = sorted(personas.pimpasa.villages.values_list("code", flat=True))
    far_code = personas.pic_desa_other.villages.get().code
    found = {
        "own": designate(own_code, "kanim-tangerang"),
        "second": designate(second_code, "kanim-tangerang"),
        "far": designate(far_code, "kanim-serang"),
    }
    for key, village in found.items():
        focal_person_save(
            viewer=SYSTEM,
            village=village,
            full_name=f"Sekdes {key.title()}",
            position="Sekretaris Desa",
            phone="081311112222",
        )
    return found


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=content_type)


def as_file(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)
