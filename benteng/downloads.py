"""The one response that hands a file to the one viewer who may read it.

Files that people upload (a referral's evidence, a training's material, a village's documents
and photos) hold personal data and were never made by the site: the browser must not guess
their type, run them from the site's origin or keep a copy. Files the site makes on request (a
watchlist's export and import template, a report as CSV) carry personal data or the shape of
it, and a spreadsheet opened from the site's origin must not run either. Every download view
answers through ``private_file_response``, after the access layer has found (and audited) what
it hands out. No app is imported here: every layer may use it.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from django.core.files import File
from django.http import FileResponse

FALLBACK_FILENAME = "berkas"
FILENAME_LIMIT = 150
# Nothing in the file runs, loads or frames anything, even when opened directly.
SANDBOX = "default-src 'none'; sandbox"


def header_filename(name: str) -> str:
    """A file's name fit for the ``Content-Disposition`` header: its last path part, without
    control characters, runs of spaces collapsed, at most ``FILENAME_LIMIT`` characters with
    the extension kept; ``FALLBACK_FILENAME`` when nothing is left. (Django's header then
    quotes it, or writes it as ``filename*=utf-8''…`` when it is not plain ASCII.)"""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(
        character for character in last if not unicodedata.category(character).startswith("C")
    )
    text = " ".join(printable.split()).strip(" .")
    if len(text) > FILENAME_LIMIT:
        stem, dot, extension = text.rpartition(".")
        if not dot or len(extension) > 10:
            stem, extension = text, ""
        suffix = f".{extension}" if extension else ""
        text = stem[: FILENAME_LIMIT - len(suffix)].rstrip(" .") + suffix
    return text or FALLBACK_FILENAME


def private_file_response(
    content: File[Any] | bytes | memoryview,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
) -> FileResponse:
    """A file (a stored file, or bytes kept in the database or made for this download) as an
    attachment — or ``inline`` for a photo the page shows — with its checked type, never
    sniffed, sandboxed, and kept by no cache on the way or in the browser."""
    if isinstance(content, bytes | memoryview):
        body: Any = io.BytesIO(bytes(content))
    else:
        body = content.open("rb")
    response = FileResponse(
        body,
        as_attachment=not inline,
        filename=header_filename(filename),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response
