"""The one response for a kept file: a name fit for the header, the same safe headers."""

from __future__ import annotations

import pytest

from benteng.downloads import header_filename, private_file_response
from tests.downloads import assert_private_file


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bukti.pdf", "bukti.pdf"),
        ("C:\\Users\\petugas\\bukti.pdf", "bukti.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bukti\r\nSet-Cookie: x=1.pdf", "buktiSet-Cookie: x=1.pdf"),
        ("  surat   kuasa .pdf  ", "surat kuasa .pdf"),
        ("\x00\x07", "berkas"),
        ("...", "berkas"),
        ("", "berkas"),
        ("a" * 200 + ".pdf", "a" * 146 + ".pdf"),
        ("a" * 200, "a" * 150),
    ],
    ids=[
        "plain",
        "windows-path",
        "relative-path",
        "line-break",
        "spaces",
        "control-only",
        "dots-only",
        "blank",
        "long-with-extension",
        "long-without-extension",
    ],
)
def test_a_file_name_is_made_fit_for_the_header(name: str, expected: str) -> None:
    assert header_filename(name) == expected


def test_bytes_kept_in_the_database_are_served_inline_with_the_safe_headers() -> None:
    # when
    response = private_file_response(
        memoryview(b"\x89PNG\r\n\x1a\n"),
        filename="foto-7.png",
        content_type="image/png",
        inline=True,
    )

    # then
    assert_private_file(
        response, disposition="inline", filename="foto-7.png", content_type="image/png"
    )
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('laporan "final".pdf', 'attachment; filename="laporan \\"final\\".pdf"'),
        ("surat-ñandú.pdf", "attachment; filename*=utf-8''surat-%C3%B1and%C3%BA.pdf"),
    ],
    ids=["quotes", "not-ascii"],
)
def test_a_name_with_quotes_or_beyond_ascii_is_written_safely(name: str, header: str) -> None:
    response = private_file_response(b"%PDF-1.4", filename=name, content_type="application/pdf")

    assert response["Content-Disposition"] == header


def test_a_file_without_a_known_type_is_plain_bytes() -> None:
    response = private_file_response(b"x", filename="berkas", content_type="")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="berkas"'
