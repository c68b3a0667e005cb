"""Reading an uploaded spreadsheet (CSV or XLSX) as a header and rows, safely.

Every import of the site (watchlist entries, procedural PMI counts) reads its file here, so
the same guards hold everywhere: a sheet refused from its dimension before it is read (too many
columns or rows), an XLSX whose parts would unpack to far more than was uploaded refused, a
damaged workbook reported with the row where the damage surfaced, and a CSV read in either of
the encodings and separators Excel writes. What a file's rows mean is the importing app's
business; ``ImportFileUnreadable`` carries the Indonesian reason the whole file cannot be read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import openpyxl
from django.utils.translation import gettext as _

# A sheet wider or longer than this is no import of ours (a 247 KB XLSX of 2,000 rows by 1,000
# columns kept a worker busy for a minute): it is refused from its dimension, unread.
MAX_COLUMNS = 200
MAX_SHEET_ROWS = 100_000
# An XLSX is a zip: its parts may unpack to far more than the 5 MB uploaded. 20,000 rows of
# every import column unpack to about 20 MB.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
# What openpyxl raises, lazily while rows are read, on a damaged workbook: XML that does not
# parse (SyntaxError covers ElementTree's and lxml's ParseError), a shared string or style
# that is not there, a value of the wrong type, a damaged zip member.
_XLSX_READ_ERRORS = (
    SyntaxError,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
)


class ImportFileUnreadable(ValueError):
    """The file as a whole cannot be read; ``str(error)`` is the Indonesian reason."""


class Table:
    """A file's header row, then its data rows cut to the columns that are used."""

    def __init__(self, header: list[Any], data_rows: Any) -> None:
        self.header = header
        self._data_rows = data_rows

    def data_rows(self, columns: int) -> Iterator[list[Any]]:
        """Rows 2, 3, … with only the first ``columns`` values (blank rows kept)."""
        result: Iterator[list[Any]] = self._data_rows(columns)
        return result


def _too_wide(columns: int) -> ImportFileUnreadable:
    return ImportFileUnreadable(
        _(
            "Lembar kerja ini berisi %(columns)d kolom; paling banyak %(max)d kolom. Hapus "
            "kolom yang tidak dipakai atau salin data ke berkas baru."
        )
        % {"columns": columns, "max": MAX_COLUMNS}
    )


def _csv_table(content: bytes) -> Table:
    """A CSV file, comma or semicolon separated (Excel writes either)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A CSV saved by an older Excel: Windows-1252 decodes every byte, so nothing is lost.
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportFileUnreadable(_("Berkas ini bukan CSV yang dapat dibaca."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return Table([], lambda columns: iter(()))
    if len(header) > MAX_COLUMNS:
        raise _too_wide(len(header))

    def data_rows(columns: int) -> Iterator[list[Any]]:
        for row in reader:
            yield row[:columns]

    return Table(header, data_rows)


# A cell reference beyond column MAX_COLUMNS (GR): three letters, or GS-GZ, or HA-ZZ.
_CELL_BEYOND_LAST_COLUMN = re.compile(
    rb'<(?:\w+:)?c\s[^>]{0,200}?\br="(?:[A-Z]{3}|G[S-Z]|[H-Z][A-Z])[0-9]'
)
_SCAN_CHUNK_BYTES = 1024 * 1024


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (what openpyxl opens as worksheets[0])."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    if first is None:
        return None
    for relation in re.finditer(rb"<Relationship\b[^>]*>", relations):
        tag = relation.group(0)
        if re.search(rb'\bId="' + re.escape(first.group(1)) + rb'"', tag):
            target = re.search(rb'\bTarget="([^"]+)"', tag)
            if target is None:
                return None
            path = target.group(1).decode("utf-8", "replace")
            return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _cells_beyond_last_column(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet has a cell beyond column MAX_COLUMNS, whatever its dimension says.

    A regular-expression scan of the sheet's XML: far cheaper than parsing its cells, which
    would cost as much as the wide sheet this guards against.
    """
    overlap = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_SCAN_CHUNK_BYTES):
            if _CELL_BEYOND_LAST_COLUMN.search(overlap + chunk):
                return True
            overlap = chunk[-256:]
    return False


def _damaged(row_number: int) -> ImportFileUnreadable:
    return ImportFileUnreadable(
        _(
            "Berkas XLSX tidak dapat dibaca: isinya rusak pada baris %(row)d. Tidak ada yang "
            "disimpan; simpan ulang dari Excel sebagai .xlsx lalu unggah lagi."
        )
        % {"row": row_number}
    )


def _xlsx_table(content: bytes) -> Table:
    """The first sheet: its dimension checked, the header read, then only the used columns."""

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise ImportFileUnreadable(
                    _(
                        "Berkas XLSX ini terlalu besar setelah dibuka (%(megabytes)d MB); simpan "
                        "hanya data yang diimpor ke berkas baru."
                    )
                    % {"megabytes": unpacked // (1024 * 1024)}
                )
            # Before openpyxl reads anything: it parses a sheet without a dimension whole.
            part = _first_sheet_part(archive)
            if part is not None and _cells_beyond_last_column(archive, part):
                raise ImportFileUnreadable(
                    _(
                        "Lembar kerja ini berisi data di luar kolom ke-%(max)d. Hapus kolom yang "
                        "tidak dipakai atau salin data ke berkas baru."
                    )
                    % {"max": MAX_COLUMNS}
                )
    except ImportFileUnreadable:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileUnreadable(
            _("Berkas XLSX tidak dapat dibuka; simpan ulang dari Excel sebagai .xlsx.")
        ) from error
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
        raise ImportFileUnreadable(
            _("Berkas XLSX tidak dapat dibuka; simpan ulang dari Excel sebagai .xlsx.")
        ) from error
    # The dimension is what the file says of itself; a file without one is still read only up
    # to the last used column, and no further than MAX_ROWS rows.
    if (sheet.max_column or 0) > MAX_COLUMNS:
        workbook.close()
        raise _too_wide(sheet.max_column)
    if (sheet.max_row or 0) > MAX_SHEET_ROWS:
        workbook.close()
        raise ImportFileUnreadable(
            _(
                "Lembar kerja ini mencapai baris %(rows)d; paling banyak %(max)d baris. Hapus "
                "baris yang tidak dipakai atau salin data ke berkas baru."
            )
            % {"rows": sheet.max_row, "max": MAX_SHEET_ROWS}
        )
    try:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    except _XLSX_READ_ERRORS as error:
        workbook.close()
        raise _damaged(1) from error
    header = list(first) if first is not None else []
    while header and header[-1] is None:
        header.pop()
    if len(header) > MAX_COLUMNS:
        workbook.close()
        raise _too_wide(len(header))

    def data_rows(columns: int) -> Iterator[list[Any]]:
        # Missing rows come back as empty ones, so row numbers match what Excel shows.
        # openpyxl parses as it goes: damage further down surfaces here, row by row.
        rows = sheet.iter_rows(min_row=2, max_col=max(columns, 1), values_only=True)
        row_number = 1
        try:
            for row in rows:
                row_number += 1
                yield list(row)
        except _XLSX_READ_ERRORS as error:
            raise _damaged(row_number + 1) from error
        finally:
            workbook.close()

    return Table(header, data_rows)


def table_of(filename: str, content: bytes) -> Table:
    """The table of an uploaded .csv or .xlsx file, or ``ImportFileUnreadable`` saying why not."""
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return _xlsx_table(content)
    if lowered.endswith(".csv"):
        return _csv_table(content)
    raise ImportFileUnreadable(_("Jenis berkas tidak didukung: unggah berkas .csv atau .xlsx."))
