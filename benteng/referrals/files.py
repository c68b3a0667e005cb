"""Files attached to referrals: what may be uploaded, and where it is kept.

A file's type is decided by its content (its first bytes), never by its name or the browser's
word: PDF, JPEG and PNG only, at most ``MAX_FILE_BYTES``. Files are kept under
``REFERRAL_FILES_ROOT`` (by default ``var/media/private``), which no URL serves — neither the
static files (whitenoise) nor a media URL: the only way out is the referral's download view,
which asks the access layer first and answers as an attachment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024

# (signature at the start of the file, content type, extension)
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@deconstructible
class PrivateFileStorage(FileSystemStorage):
    """A file system storage under ``settings.REFERRAL_FILES_ROOT``, read at every use (so a
    test can point it elsewhere), with no URL."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.REFERRAL_FILES_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Referral files are served only by the referral download view.")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def file_check(upload: Any) -> tuple[CheckedFile | None, str | None]:
    """The type and size of an uploaded file, or why it is refused (a sentence)."""
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        return None, _("Berkas kosong.")
    if size > MAX_FILE_BYTES:
        return None, _("Berkas terlalu besar: %(size).1f MB, paling besar %(limit)d MB.") % {
            "size": size / (1024 * 1024),
            "limit": MAX_FILE_BYTES // (1024 * 1024),
        }
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return CheckedFile(content_type, extension, size), None
    return None, _(
        "Jenis berkas tidak diterima: isi berkas bukan PDF, JPEG atau PNG (nama “%(name)s”)."
    ) % {"name": str(getattr(upload, "name", ""))[:100]}
