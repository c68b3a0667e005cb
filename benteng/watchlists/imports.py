"""Importing and exporting the entries of one list as CSV or XLSX.

An import is read twice: first as a preview (nothing written) that reports every bad value
with its spreadsheet row number (the header is row 1), its column and the reason in
Indonesian; then, once the keeper confirms, the valid rows are written and the invalid ones
are reported again. No row is dropped without being named: blank rows are counted, unknown
columns are listed, duplicates are reported.

Exports use django-import-export's resource machinery with the same column names, so an
exported file can be edited and imported into another list.
"""

from __future__ import annotations

import csv
import datetime
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read
from benteng.core.spreadsheet import formula_escaped, formula_unescaped
from benteng.identity_cleaning import text_of
from benteng.spreadsheets import ImportFileUnreadable, table_of
from benteng.watchlists.models import (
    EntrySource,
    PendingImport,
    SubjectType,
    Watchlist,
    WatchlistEntry,
)
from benteng.watchlists.services import watchlist_entries_create_many
from benteng.watchlists.validation import ENTRY_INPUT_FIELDS, entry_values_clean

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# The column each input field is written under in a file (the first name is the canonical
# one, used by exports and the template); other accepted spellings follow.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "subject_type": ("subjek", "subject_type", "jenis_subjek"),
    "full_name": ("nama", "nama_lengkap", "full_name", "nama_perusahaan", "name"),
    "nik": ("nik",),
    "birth_date": ("tanggal_lahir", "tgl_lahir", "birth_date"),
    "sex": ("jenis_kelamin", "jk", "sex"),
    "birth_place": ("tempat_lahir", "birth_place"),
    "passport_no": ("nomor_paspor", "no_paspor", "paspor", "passport_no"),
    "address": ("alamat", "address"),
    "desa_code": ("kode_desa", "desa_code", "kode_wilayah"),
    "phone": ("telepon", "nomor_telepon", "no_telepon", "no_hp", "phone"),
    "licence_number": ("nomor_izin", "no_izin", "licence_number"),
    "category": ("kategori", "category"),
    "legal_basis": ("dasar_hukum", "legal_basis"),
    "expires_on": ("berlaku_sampai", "expires_on"),
    "sharing_level": ("tingkat_berbagi", "sharing_level"),
    "instruction": ("instruksi", "instruction"),
    "contact": ("kontak", "contact"),
    "internal_notes": ("catatan_internal", "internal_notes"),
}
_ALIASES = {alias: name for name, aliases in COLUMN_NAMES.items() for alias in aliases}
# A value is shown in the report up to this many characters (a cell may hold megabytes).
SHOWN_VALUE_CHARS = 100


def shown_value(value: Any) -> str:
    """A value as the report shows it: its first SHOWN_VALUE_CHARS characters, then "…"."""
    text = text_of(value)
    if len(text) <= SHOWN_VALUE_CHARS:
        return text
    return text[:SHOWN_VALUE_CHARS] + "…"


def _header_key(text: Any) -> str:
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class ImportProblem:
    """One reason a row was not imported; ``row_number`` is as a spreadsheet shows it."""

    row_number: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class ValidRow:
    row_number: int
    values: dict[str, Any]

    @property
    def label(self) -> str:
        return self.values.get("full_name") or self.values.get("phone") or ""


@dataclass
class ImportPreview:
    filename: str
    file_problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    valid_rows: list[ValidRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    invalid_row_numbers: set[int] = field(default_factory=set)
    blank_rows: list[int] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.valid_rows) + len(self.invalid_row_numbers)

    @property
    def invalid_count(self) -> int:
        return len(self.invalid_row_numbers)

    @property
    def can_import(self) -> bool:
        return not self.file_problems and bool(self.valid_rows)

    def add_problem(self, row_number: int, column: str, value: Any, message: str) -> None:
        self.problems.append(ImportProblem(row_number, column, shown_value(value), message))
        self.invalid_row_numbers.add(row_number)


@dataclass
class ImportResult:
    preview: ImportPreview
    entries: list[WatchlistEntry]


def _read_header(header: list[Any], preview: ImportPreview) -> dict[int, tuple[str, str]]:
    """Column position → (input field, header as written); problems go into the preview."""
    columns: dict[int, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    for position, title in enumerate(header):
        written = text_of(title)
        if not written:
            continue
        name = _ALIASES.get(_header_key(written))
        if name is None:
            preview.ignored_columns.append(shown_value(written))
            continue
        if name in seen:
            preview.file_problems.append(
                _("Kolom “%(first)s” dan “%(second)s” berisi data yang sama; hapus salah satu.")
                % {"first": shown_value(seen[name]), "second": shown_value(written)}
            )
            continue
        seen[name] = written
        columns[position] = (name, written)
    if "full_name" not in seen and "phone" not in seen:
        preview.file_problems.append(
            _(
                "Baris pertama harus berisi judul kolom, sedikitnya kolom “nama” (atau “telepon” "
                "untuk daftar nomor telepon)."
            )
        )
    return columns


def _normalised_name(name: str) -> str:
    """A name compared for duplicates: case, punctuation and spacing left out."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def _name_key(subject_type: str, full_name: str, birth_date: datetime.date | None) -> str:
    birth = birth_date.isoformat() if birth_date else ""
    return f"{subject_type}|{_normalised_name(full_name)}|{birth}"


def _duplicate_keys(values: dict[str, Any]) -> list[tuple[str, str]]:
    keys = []
    subject_type = values.get("subject_type")
    if values.get("nik"):
        keys.append(("nik", values["nik"]))
    if values.get("passport_no"):
        keys.append(("passport_no", values["passport_no"]))
    if subject_type == SubjectType.PHONE and values.get("phone"):
        keys.append(("phone", values["phone"]))
    if subject_type == SubjectType.COMPANY and values.get("licence_number"):
        keys.append(("licence_number", values["licence_number"]))
    # A row without an identifier is the same as an entry with the same name and birth date
    # (a company: the same name).
    if not keys and subject_type != SubjectType.PHONE and values.get("full_name"):
        name_key = _name_key(subject_type or "", values["full_name"], values.get("birth_date"))
        keys.append(("full_name", name_key))
    return keys


def _existing_name_keys(
    in_force: Any, name_keys: set[str], found: dict[tuple[str, str], int]
) -> None:
    """Entries in force with the same subject type, normalised name and birth date."""
    subject_types = {key.split("|", 1)[0] for key in name_keys}
    births = {key.rsplit("|", 1)[1] for key in name_keys}
    dates = [datetime.date.fromisoformat(birth) for birth in births if birth]
    same_birth = Q(birth_date__in=dates)
    if "" in births:
        same_birth |= Q(birth_date__isnull=True)
    candidates = in_force.filter(same_birth, subject_type__in=subject_types).values_list(
        "subject_type", "full_name", "birth_date", "pk"
    )
    for subject_type, full_name, birth_date, pk in candidates.order_by("pk"):
        key = _name_key(subject_type, full_name, birth_date)
        if key in name_keys:
            found.setdefault(("full_name", key), pk)


def _existing_keys(watchlist: Watchlist, rows: list[ValidRow]) -> dict[tuple[str, str], int]:
    """Identifiers of the file that an entry in force of this list already has."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for name, value in _duplicate_keys(row.values):
            wanted.setdefault(name, set()).add(value)
    found: dict[tuple[str, str], int] = {}
    in_force = WatchlistEntry.objects.filter(watchlist=watchlist).in_force()
    name_keys = wanted.pop("full_name", set())
    if name_keys:
        _existing_name_keys(in_force, name_keys, found)
    for name, values in wanted.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            matches = in_force.filter(**{f"{name}__in": chunk}).values_list(name, "pk")
            for value, pk in matches:
                found.setdefault((name, value), pk)
    return found


def _drop_duplicates(watchlist: Watchlist, preview: ImportPreview, columns: dict[str, str]) -> None:
    existing = _existing_keys(watchlist, preview.valid_rows)
    first_row: dict[tuple[str, str], int] = {}
    kept: list[ValidRow] = []
    for row in preview.valid_rows:
        duplicate = False
        for key in _duplicate_keys(row.values):
            column = columns.get(key[0], key[0])
            shown = row.values.get(key[0]) or key[1]
            if key in existing:
                preview.add_problem(
                    row.row_number,
                    column,
                    shown,
                    _("Sudah ada di daftar ini sebagai entri #%(pk)d yang masih berlaku.")
                    % {"pk": existing[key]},
                )
                duplicate = True
            elif key in first_row:
                preview.add_problem(
                    row.row_number,
                    column,
                    shown,
                    _("Sama dengan baris %(row)d di berkas ini.") % {"row": first_row[key]},
                )
                duplicate = True
            else:
                first_row[key] = row.row_number
        if not duplicate:
            kept.append(row)
    preview.valid_rows = kept


def watchlist_import_preview(
    *, watchlist: Watchlist, filename: str, content: bytes
) -> ImportPreview:
    """Read and check a file without writing anything."""
    preview = ImportPreview(filename=filename)
    if len(content) > MAX_FILE_BYTES:
        preview.file_problems.append(
            _("Berkas terlalu besar (lebih dari 5 MB); bagi menjadi beberapa berkas.")
        )
        return preview
    try:
        table = table_of(filename, content)
        if not table.header:
            preview.file_problems.append(_("Berkas kosong."))
            return preview
        positions = _read_header(table.header, preview)
        if preview.file_problems:
            return preview
        columns = dict(positions.values())
        rows = table.data_rows(max(positions) + 1)
        for row_number, row in enumerate(rows, start=2):
            if row_number - 1 > MAX_ROWS:
                preview.file_problems.append(
                    _("Berkas berisi lebih dari %(max)d baris; bagi menjadi beberapa berkas.")
                    % {"max": MAX_ROWS}
                )
                return preview
            _check_row(watchlist, preview, positions, columns, row_number, row)
    except (ImportFileUnreadable, csv.Error) as error:
        # The file as a whole is refused: no row of it is offered, not even those before the
        # damage (nothing is saved by halves).
        preview.valid_rows, preview.problems, preview.blank_rows = [], [], []
        preview.invalid_row_numbers = set()
        preview.file_problems.append(
            str(error)
            if isinstance(error, ImportFileUnreadable)
            else _("Berkas CSV tidak dapat dibaca: %(reason)s") % {"reason": error}
        )
        return preview
    _drop_duplicates(watchlist, preview, columns)
    return preview


def _check_row(
    watchlist: Watchlist,
    preview: ImportPreview,
    positions: dict[int, tuple[str, str]],
    columns: dict[str, str],
    row_number: int,
    row: list[Any],
) -> None:
    raw: dict[str, Any] = {}
    for position, (name, _written) in positions.items():
        raw[name] = formula_unescaped(row[position] if position < len(row) else None)
    if all(text_of(value) == "" for value in row):
        preview.blank_rows.append(row_number)
        return
    cleaned = entry_values_clean(watchlist=watchlist, raw=raw)
    if cleaned.is_valid:
        preview.valid_rows.append(ValidRow(row_number, cleaned.values))
        return
    for name in ENTRY_INPUT_FIELDS:
        for message in cleaned.errors.get(name, []):
            column = columns.get(name) or COLUMN_NAMES[name][0]
            preview.add_problem(row_number, column, raw.get(name), message)


def watchlist_import_apply(
    *, viewer: Viewer, watchlist: Watchlist, filename: str, content: bytes
) -> ImportResult:
    """Check the file again and write its valid rows (one audited write for the batch)."""
    preview = watchlist_import_preview(watchlist=watchlist, filename=filename, content=content)
    if not preview.can_import:
        return ImportResult(preview=preview, entries=[])
    reference = filename[-80:]
    entries = watchlist_entries_create_many(
        viewer=viewer,
        watchlist=watchlist,
        rows=[(row.values, f"{reference}:{row.row_number}") for row in preview.valid_rows],
        source=EntrySource.IMPORT,
        purpose=viewer.purpose or "impor daftar pantauan",
    )
    return ImportResult(preview=preview, entries=entries)


# --- between preview and confirmation -------------------------------------------------------

PENDING_IMPORT_LIFETIME = datetime.timedelta(hours=1)


def pending_import_store(
    *, viewer: Viewer, watchlist: Watchlist, filename: str, content: bytes
) -> str:
    """Keep an uploaded file until its uploader confirms; returns the confirmation token.

    The uploader's earlier pending files and everybody's files older than an hour go.
    """
    if viewer.user_id is None:
        raise ValueError("Only a signed-in person confirms an import.")
    now = timezone.now()
    PendingImport.objects.filter(uploaded_at__lt=now - PENDING_IMPORT_LIFETIME).delete()
    PendingImport.objects.filter(uploaded_by_id=viewer.user_id).delete()
    token = secrets.token_urlsafe(24)
    PendingImport.objects.create(
        token=token,
        watchlist=watchlist,
        uploaded_by_id=viewer.user_id,
        filename=filename[-200:],
        content=content,
        uploaded_at=now,
    )
    return token


def pending_import_take(
    *, viewer: Viewer, watchlist: Watchlist, token: str
) -> tuple[str, bytes] | None:
    """The file this viewer uploaded for this list under this token, removed from storage;
    None when there is none (confirmed already, expired, or somebody else's)."""
    if not token:
        return None
    fresh_since = timezone.now() - PENDING_IMPORT_LIFETIME
    pending = (
        PendingImport.objects.visible_to(viewer)
        .filter(token=token, watchlist=watchlist, uploaded_at__gte=fresh_since)
        .first()
    )
    if pending is None:
        return None
    # Claimed by deleting it: of two confirmations at once, only the one whose delete removed
    # the row goes on to write the entries.
    deleted, _by_model = PendingImport.objects.filter(pk=pending.pk).delete()
    if deleted != 1:
        return None
    return pending.filename, bytes(pending.content)


# --- export ----------------------------------------------------------------------------------


class WatchlistEntryResource(resources.ModelResource):  # type: ignore[misc]
    """The columns of an export: the import's canonical column names, in the same order."""

    desa_code = fields.Field(column_name="kode_desa")

    class Meta:
        model = WatchlistEntry
        fields = tuple(name for name in ENTRY_INPUT_FIELDS)
        export_order = tuple(name for name in ENTRY_INPUT_FIELDS)

    def __init__(self) -> None:
        super().__init__()
        for name, resource_field in self.fields.items():
            if name in COLUMN_NAMES:
                resource_field.column_name = COLUMN_NAMES[name][0]

    def dehydrate_desa_code(self, entry: WatchlistEntry) -> str:
        code = entry.region_id or ""
        return code if code.count(".") == 3 else ""


EXPORT_FORMATS = {"csv": CSV, "xlsx": XLSX}
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file_data(dataset: Any, file_format: str) -> bytes | str:
    """The dataset written as a file, every cell escaped here (not by django-import-export:
    its escaping drops only a leading "=" and turns empty cells into the text "None")."""
    escaped = dataset.__class__(headers=dataset.headers)
    for row in dataset:
        escaped.append([formula_escaped(value) for value in row])
    data: bytes | str = escaped.export(EXPORT_FORMATS[file_format]().get_title())
    return data


def watchlist_export(
    *, viewer: Viewer, watchlist: Watchlist, file_format: str, entries: Any
) -> bytes:
    """The entries as a file; the export is audited with the id of every entry in it.

    No cell starts like a formula (= + - @, tab, carriage return): such text is prefixed with
    an apostrophe, which an import of the file removes again.
    """
    rows = list(entries)
    dataset = WatchlistEntryResource().export(queryset=rows)
    data = _file_data(dataset, file_format)
    if rows:
        audit_record_read(
            viewer=viewer,
            objects=rows,
            action=AuditAction.EXPORT,
            detail={"watchlist": watchlist.code, "format": file_format},
        )
    return data if isinstance(data, bytes) else data.encode("utf-8-sig")


def watchlist_import_template(*, file_format: str) -> bytes:
    """An empty file with the column headers, to fill in and import."""
    dataset = WatchlistEntryResource().export(queryset=[])
    data = _file_data(dataset, file_format)
    return data if isinstance(data, bytes) else data.encode("utf-8-sig")
