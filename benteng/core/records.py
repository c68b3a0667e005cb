"""Identity records and reading them from an analyst's CSV file.

:class:`IdentityRecord` is the one shape in which the core compares people, whatever their
source (a passport application, a watchlist, a village report). :func:`read_identity_csv`
reads a spreadsheet export into records; a bad value never stops the run, it is reported
with the row number the analyst sees in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benteng.core.nik import parse_nik
from benteng.core.phones import normalize_phone

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CsvFormatError",
    "IdentityRecord",
    "RowProblem",
    "normalize_passport_no",
    "normalize_sex",
    "read_identity_csv",
]

REQUIRED_COLUMNS = ("id", "name")
OPTIONAL_COLUMNS = ("birth_date", "sex", "nik", "birth_place", "passport_no", "address", "phone")


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """One person as a source describes them; every field except ``id`` and ``name`` may be
    missing."""

    id: str
    name: str
    birth_date: datetime.date | None = None
    sex: str | None = None  # "L" or "P"
    nik: str | None = None  # digits only
    birth_place: str | None = None
    passport_no: str | None = None  # upper-case, no spaces
    address: str | None = None
    phone: str | None = None  # "62812..." via phones.normalize_phone
    region_code: str | None = None  # Kemendagri code, e.g. "36.03.05.2001", when known


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A value in an input file that could not be used.

    ``row_number`` counts rows as a spreadsheet shows them (header = row 1). ``message`` is in
    Bahasa Indonesia, ``message_en`` in English; ``code`` is stable for machines.
    """

    row_number: int
    column: str
    value: str
    message: str
    code: str = "invalid_value"
    message_en: str = ""


class CsvFormatError(ValueError):
    """The file as a whole cannot be read: not UTF-8, no header, a required column missing.

    ``str(error)`` is the Bahasa Indonesia message; ``message_en`` holds the English one.
    """

    def __init__(self, message: str, *, message_en: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code


_SEX_VALUES = {
    "l": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lk": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "perempuan": "P",
    "pr": "P",
    "wanita": "P",
    "w": "P",
    "f": "P",
    "female": "P",
}

_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
_PASSPORT_SEPARATORS = re.compile(r"[\s\-.]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_sex(value: str) -> str | None:
    """``"L"`` or ``"P"`` from the ways forms write sex (L/P, Laki-laki/Perempuan, M/F)."""
    return _SEX_VALUES.get(value.strip().lower())


def normalize_passport_no(value: str) -> str | None:
    """The passport number upper-cased without spaces or dashes, or ``None`` if malformed."""
    text = _PASSPORT_SEPARATORS.sub("", value.strip().upper())
    return text if _PASSPORT.match(text) else None


@dataclass(frozen=True, slots=True)
class _Invalid:
    code: str
    message: str
    message_en: str


def _parse_birth_date(value: str, today: datetime.date) -> datetime.date | _Invalid:
    if not _DATE.match(value):
        return _Invalid(
            "birth_date_format",
            "Tanggal lahir harus ditulis TTTT-BB-HH (contoh 1995-08-17).",
            "The birth date must be written YYYY-MM-DD (for example 1995-08-17).",
        )
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        return _Invalid(
            "birth_date_impossible",
            "Tanggal lahir tidak ada di kalender.",
            "The birth date does not exist in the calendar.",
        )
    if parsed > today:
        return _Invalid(
            "birth_date_in_future",
            "Tanggal lahir ada di masa depan.",
            "The birth date is in the future.",
        )
    return parsed


def _parse_sex(value: str, today: datetime.date) -> str | _Invalid:
    sex = normalize_sex(value)
    if sex is None:
        return _Invalid(
            "sex_invalid",
            "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
            "Sex must be L (male) or P (female).",
        )
    return sex


def _parse_nik(value: str, today: datetime.date) -> str | _Invalid:
    info, problems = parse_nik(value, today=today)
    if problems or info is None:
        first = problems[0]
        return _Invalid(str(first.code), first.message, first.message_en)
    return info.nik


def _parse_passport(value: str, today: datetime.date) -> str | _Invalid:
    passport_no = normalize_passport_no(value)
    if passport_no is None:
        return _Invalid(
            "passport_no_invalid",
            "Nomor paspor harus 6-12 huruf atau angka.",
            "A passport number must be 6-12 letters or digits.",
        )
    return passport_no


def _parse_phone(value: str, today: datetime.date) -> str | _Invalid:
    phone = normalize_phone(value)
    if phone is None:
        return _Invalid(
            "phone_invalid",
            "Nomor telepon bukan nomor Indonesia yang sah (contoh 0812-3456-7890 atau "
            "+62 812 3456 7890).",
            "The phone number is not a valid Indonesian number (for example 0812-3456-7890 "
            "or +62 812 3456 7890).",
        )
    return phone


def _parse_text(value: str, today: datetime.date) -> str:
    return " ".join(value.split())


# Each parser returns the field's value in its normal form, or why it is not usable.
_PARSERS: dict[str, Callable[[str, datetime.date], Any]] = {
    "birth_date": _parse_birth_date,
    "sex": _parse_sex,
    "nik": _parse_nik,
    "birth_place": _parse_text,
    "passport_no": _parse_passport,
    "address": _parse_text,
    "phone": _parse_phone,
}


def _read_rows(path: Path) -> Iterator[list[str]]:
    """Rows of the file; a blank line is yielded as ``[]`` so row numbers stay spreadsheet
    row numbers (a quoted multi-line cell stays one row, as in a spreadsheet)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError as error:
        raise CsvFormatError(
            f"Berkas {path.name} bukan teks UTF-8. Simpan ulang dari spreadsheet sebagai "
            "'CSV UTF-8'.",
            message_en=f"The file {path.name} is not UTF-8 text. Save it again from the "
            "spreadsheet as 'CSV UTF-8'.",
            code="not_utf8",
        ) from error
    except csv.Error as error:
        raise CsvFormatError(
            f"Berkas {path.name} bukan CSV yang dapat dibaca: {error}.",
            message_en=f"The file {path.name} is not a readable CSV file: {error}.",
            code="malformed_csv",
        ) from error


def _header_columns(header: list[str], path: Path) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            continue
        if name in columns:
            raise CsvFormatError(
                f"Kolom '{name}' muncul dua kali di baris judul berkas {path.name}.",
                message_en=f"The column '{name}' appears twice in the header of {path.name}.",
                code="duplicate_column",
            )
        columns[name] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        found = ", ".join(name for name in columns) or "(kosong)"
        found_en = ", ".join(name for name in columns) or "(empty)"
        raise CsvFormatError(
            f"Kolom wajib {', '.join(missing)} tidak ada di baris judul berkas {path.name}. "
            f"Kolom yang ada: {found}. Baris pertama harus berisi nama kolom, minimal id dan "
            "name.",
            message_en=f"The required column(s) {', '.join(missing)} are missing from the "
            f"header of {path.name}. Columns found: {found_en}. The first row must name the "
            "columns, at least id and name.",
            code="missing_column",
        )
    return columns


def read_identity_csv(
    path: str | Path, *, today: datetime.date | None = None
) -> tuple[list[IdentityRecord], list[RowProblem]]:
    """Read identity records from a UTF-8 CSV file with a header row.

    Columns ``id`` and ``name`` are required; ``birth_date`` (YYYY-MM-DD), ``sex`` (L/P),
    ``nik``, ``birth_place``, ``passport_no``, ``address`` and ``phone`` are optional; other
    columns are ignored. Column names are matched without regard to case or surrounding
    spaces.

    A bad value is reported as a :class:`RowProblem` and treated as missing; the row is kept.
    A row with an empty ``id`` or ``name`` is reported and skipped. A repeated ``id`` is
    reported and the later row skipped. Rows whose cells are all empty are ignored (they hold
    nothing to drop). Raises :class:`CsvFormatError` when the file is missing, not UTF-8,
    empty or lacks a required column.
    """
    file_path = Path(path)
    reference_day = today or datetime.datetime.now(tz=datetime.UTC).date()
    if not file_path.is_file():
        raise CsvFormatError(
            f"Berkas {file_path} tidak ditemukan.",
            message_en=f"The file {file_path} was not found.",
            code="file_not_found",
        )
    rows = _read_rows(file_path)
    header = next(rows, None)
    if header is not None and not any(cell.strip() for cell in header):
        raise CsvFormatError(
            f"Baris pertama berkas {file_path.name} kosong; baris pertama harus berisi nama "
            "kolom (minimal id dan name).",
            message_en=f"The first row of {file_path.name} is empty; it must name the columns "
            "(at least id and name).",
            code="no_header",
        )
    if header is None:
        raise CsvFormatError(
            f"Berkas {file_path.name} kosong; baris pertama harus berisi nama kolom (minimal "
            "id dan name).",
            message_en=f"The file {file_path.name} is empty; its first row must name the "
            "columns (at least id and name).",
            code="no_header",
        )
    columns = _header_columns(header, file_path)
    return _read_records(rows, columns, len(header), reference_day)


def _read_records(
    rows: Iterator[list[str]], columns: dict[str, int], width: int, today: datetime.date
) -> tuple[list[IdentityRecord], list[RowProblem]]:
    id_index, name_index = columns["id"], columns["name"]
    optional = [
        (column, columns[column], parser)
        for column, parser in _PARSERS.items()
        if column in columns
    ]
    records: list[IdentityRecord] = []
    problems: list[RowProblem] = []
    seen_ids: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        cells = len(row)
        if not "".join(row).strip():
            continue
        if cells > width and "".join(row[width:]).strip():
            problems.append(_extra_cells_problem(row_number, row, width))
        record_id = row[id_index].strip() if id_index < cells else ""
        name = " ".join(row[name_index].split()) if name_index < cells else ""
        if not record_id or not name:
            problems.append(_empty_problem(row_number, "id" if not record_id else "name"))
            continue
        if record_id in seen_ids:
            problems.append(_duplicate_problem(row_number, record_id, seen_ids[record_id]))
            continue
        seen_ids[record_id] = row_number
        values: dict[str, Any] = {}
        for column, index, parser in optional:
            raw = row[index].strip() if index < cells else ""
            if not raw:
                continue
            parsed = parser(raw, today)
            if isinstance(parsed, _Invalid):
                problems.append(
                    RowProblem(
                        row_number,
                        column,
                        raw,
                        f"{parsed.message} Nilai diabaikan.",
                        code=parsed.code,
                        message_en=f"{parsed.message_en} The value is ignored.",
                    )
                )
            else:
                values[column] = parsed
        records.append(IdentityRecord(record_id, name, **values))
    return records, problems


def _extra_cells_problem(row_number: int, row: list[str], width: int) -> RowProblem:
    return RowProblem(
        row_number,
        "",
        ",".join(row[width:]),
        f"Baris ini berisi {len(row)} sel, lebih banyak dari {width} kolom judul; sel "
        "tambahan diabaikan.",
        code="extra_cells",
        message_en=f"This row has {len(row)} cells, more than the {width} header columns; "
        "the extra cells are ignored.",
    )


def _empty_problem(row_number: int, column: str) -> RowProblem:
    return RowProblem(
        row_number,
        column,
        "",
        f"Kolom {column} kosong; baris ini dilewati.",
        code=f"{column}_empty",
        message_en=f"The {column} column is empty; this row is skipped.",
    )


def _duplicate_problem(row_number: int, record_id: str, first_row: int) -> RowProblem:
    return RowProblem(
        row_number,
        "id",
        record_id,
        f"id {record_id} sudah dipakai di baris {first_row}; baris ini dilewati.",
        code="id_duplicate",
        message_en=f"The id {record_id} is already used in row {first_row}; this row is skipped.",
    )
