"""Importing procedural PMI counts per desa and year from the migrant-worker agency's
spreadsheets (CSV or XLSX).

Columns (header row 1, any order, case and spacing ignored): ``kode_desa`` — or ``nama_desa``
with ``kecamatan`` —, ``tahun``, ``jumlah``, and optionally ``laki_laki``, ``perempuan`` and
``negara_tujuan`` (ISO code, e.g. MY). Every row is checked; a bad row is reported with its
spreadsheet row number and the reason in Indonesian and is not imported, the good rows are.
A row is kept once per desa, year, source and destination: importing the same file again
changes nothing, and a corrected figure replaces the earlier one — the report says which rows
were new, which changed (from what to what) and which were already there.

The file is read by the site's spreadsheet reader (``benteng/spreadsheets.py``), with its
shape limits, and the watchlist import's size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import actor_for_viewer, audit_record, object_type_of
from benteng.core.countries import iso_countries
from benteng.identity_cleaning import text_of
from benteng.regions.models import Region
from benteng.regions.selectors import is_village_code
from benteng.spreadsheets import ImportFileUnreadable, table_of
from benteng.villages.access import may_import_pmi_counts
from benteng.villages.models import PmiCount
from benteng.watchlists.imports import MAX_FILE_BYTES

COLUMNS: dict[str, tuple[str, ...]] = {
    "desa_code": ("kode_desa", "kode_wilayah", "desa_code"),
    "desa_name": ("nama_desa", "desa_kelurahan", "nama_desa_kelurahan"),
    "kecamatan": ("kecamatan", "nama_kecamatan"),
    "year": ("tahun", "year"),
    "total": ("jumlah", "jumlah_pmi", "total"),
    "male": ("laki_laki", "laki", "l"),
    "female": ("perempuan", "p"),
    "destination": ("negara_tujuan", "negara", "tujuan"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
MAX_SOURCE_CHARS = 100
FIRST_YEAR = 2000


def _key(text: Any) -> str:
    return "_".join(str(text or "").strip().lower().replace("-", " ").replace("/", " ").split())


def _folded(text: str) -> str:
    return "".join(text.split()).lower()


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    message: str


@dataclass(frozen=True)
class RowChange:
    row_number: int
    desa_code: str
    year: int
    destination: str
    before: int | None
    after: int


@dataclass
class PmiImportReport:
    filename: str
    file_problems: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    created: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    blank_rows: int = 0

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated)


def _village_names() -> dict[tuple[str, str], list[str]]:
    """(folded kecamatan name, folded desa name) -> desa codes, from one query."""
    found: dict[tuple[str, str], list[str]] = {}
    for code, name, kecamatan in Region.objects.villages().values_list(
        "code", "search_name", "parent__search_name"
    ):
        found.setdefault((kecamatan or "", name), []).append(code)
    return found


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    # Digits, or digits in groups of three ("1.250", "1,250"); "12,5" is no count of people.
    text = text_of(value)
    if not re.fullmatch(r"\d+|\d{1,3}(?:[.,]\d{3})+", text):
        return None
    return int(text.replace(".", "").replace(",", ""))


def _desa(
    values: dict[str, Any], names: dict[tuple[str, str], list[str]]
) -> tuple[str | None, str | None]:
    code = text_of(values.get("desa_code"))
    if code:
        if is_village_code(code):
            return code, None
        return None, _("kode desa “%(code)s” tidak dikenal") % {"code": code[:20]}
    name = text_of(values.get("desa_name"))
    kecamatan = text_of(values.get("kecamatan"))
    if not name or not kecamatan:
        return None, _("isi kode_desa, atau nama_desa bersama kecamatan")
    codes = names.get((_folded(kecamatan), _folded(name)), [])
    if not codes:
        return None, _("desa “%(name)s” di kecamatan “%(kecamatan)s” tidak ditemukan") % {
            "name": name[:60],
            "kecamatan": kecamatan[:60],
        }
    if len(codes) > 1:
        return None, _(
            "nama desa “%(name)s” ada lebih dari satu di kecamatan itu; pakai kode_desa"
        ) % {"name": name[:60]}
    return codes[0], None


def _row_values(
    values: dict[str, Any],
    names: dict[tuple[str, str], list[str]],
    countries: set[str],
    this_year: int,
) -> tuple[dict[str, Any] | None, list[str]]:
    reasons = []
    code, problem = _desa(values, names)
    if problem:
        reasons.append(problem)
    year = _int(values.get("year"))
    if year is None or not FIRST_YEAR <= year <= this_year:
        reasons.append(
            _("tahun “%(value)s” harus antara %(first)d dan %(last)d")
            % {"value": text_of(values.get("year"))[:20], "first": FIRST_YEAR, "last": this_year}
        )
    total = _int(values.get("total"))
    if total is None or total < 0:
        reasons.append(
            _("jumlah “%(value)s” bukan bilangan bulat 0 atau lebih")
            % {"value": text_of(values.get("total"))[:20]}
        )
    by_sex: dict[str, int | None] = {}
    for name, label in (("male", _("laki_laki")), ("female", _("perempuan"))):
        raw = values.get(name)
        if text_of(raw) == "":
            by_sex[name] = None
            continue
        number = _int(raw)
        if number is None or number < 0:
            reasons.append(
                _("%(column)s “%(value)s” bukan bilangan bulat")
                % {"column": label, "value": text_of(raw)[:20]}
            )
        by_sex[name] = number
    male, female = by_sex.get("male"), by_sex.get("female")
    if total is not None and male is not None and female is not None and male + female != total:
        reasons.append(
            _("laki_laki + perempuan (%(sum)d) tidak sama dengan jumlah (%(total)d)")
            % {"sum": male + female, "total": total}
        )
    destination = text_of(values.get("destination")).upper()
    if destination and destination not in countries:
        reasons.append(
            _("negara_tujuan “%(value)s” bukan kode negara ISO (mis. MY, SA, TW)")
            % {"value": destination[:20]}
        )
    if reasons:
        return None, reasons
    return {
        "desa_code": code,
        "year": year,
        "total": total,
        "male": by_sex.get("male"),
        "female": by_sex.get("female"),
        "destination": destination,
    }, []


def pmi_counts_import(
    *, viewer: Viewer, filename: str, content: bytes, source: str
) -> PmiImportReport:
    """Check every row; write the good ones (insert or update by desa, year, source and
    destination); report every bad row by number, and what changed."""
    if not may_import_pmi_counts(viewer):
        raise PermissionDenied
    report = PmiImportReport(filename=filename)
    source = source.strip()[:MAX_SOURCE_CHARS]
    if not source:
        report.file_problems.append(_("Isi sumber data (mis. BP3MI Banten)."))
        return report
    if len(content) > MAX_FILE_BYTES:
        report.file_problems.append(
            _("Berkas terlalu besar: paling besar %(limit)d MB.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
        return report
    try:
        table = table_of(filename, content)
    except ImportFileUnreadable as error:
        report.file_problems.append(str(error))
        return report
    columns = {
        position: _ALIASES[_key(text)]
        for position, text in enumerate(table.header)
        if _key(text) in _ALIASES
    }
    present = set(columns.values())
    missing = [name for name in ("year", "total") if name not in present]
    if "desa_code" not in present and not {"desa_name", "kecamatan"} <= present:
        missing.append("kode_desa")
    if missing:
        report.file_problems.append(
            _(
                "Kolom wajib tidak ada: %(columns)s. Baris pertama harus berisi kode_desa (atau "
                "nama_desa dan kecamatan), tahun dan jumlah."
            )
            % {"columns": ", ".join(missing)}
        )
        return report
    names = _village_names()
    countries = set(iso_countries())
    this_year = timezone.localdate().year
    valid: dict[tuple[str, int, str], tuple[int, dict[str, Any]]] = {}
    width = max(columns) + 1
    for offset, row in enumerate(table.data_rows(width)):
        row_number = offset + 2
        values = {
            name: (row[position] if position < len(row) else None)
            for position, name in columns.items()
        }
        if all(text_of(value) == "" for value in values.values()):
            report.blank_rows += 1
            continue
        cleaned, reasons = _row_values(values, names, countries, this_year)
        if cleaned is None:
            report.problems.append(RowProblem(row_number, "; ".join(reasons)))
            continue
        key = (cleaned["desa_code"], cleaned["year"], cleaned["destination"])
        if key in valid:
            report.problems.append(
                RowProblem(
                    row_number,
                    _("desa, tahun dan negara tujuan yang sama sudah ada di baris %(row)d")
                    % {"row": valid[key][0]},
                )
            )
            continue
        valid[key] = (row_number, cleaned)
    _write(viewer=viewer, source=source, valid=valid, report=report)
    return report


def _write(
    *,
    viewer: Viewer,
    source: str,
    valid: dict[tuple[str, int, str], tuple[int, dict[str, Any]]],
    report: PmiImportReport,
) -> None:
    if not valid:
        return
    now = timezone.now()
    written: list[int] = []
    with transaction.atomic():
        existing = {
            (row.region_id, row.year, row.destination_country): row
            for row in PmiCount.objects.select_for_update().filter(
                source=source, region_id__in={key[0] for key in valid}
            )
        }
        for key, (row_number, cleaned) in sorted(valid.items(), key=lambda item: item[1][0]):
            found = existing.get(key)
            figures = {
                "total": cleaned["total"],
                "male": cleaned["male"],
                "female": cleaned["female"],
            }
            if found is None:
                created = PmiCount.objects.create(
                    region_id=key[0],
                    year=key[1],
                    destination_country=key[2],
                    source=source,
                    imported_at=now,
                    imported_by_id=viewer.user_id,
                    **figures,
                )
                written.append(created.pk)
                report.created.append(
                    RowChange(row_number, key[0], key[1], key[2], None, cleaned["total"])
                )
            elif any(getattr(found, name) != value for name, value in figures.items()):
                before = found.total
                for name, value in figures.items():
                    setattr(found, name, value)
                found.imported_at = now
                found.imported_by_id = viewer.user_id
                found.save()
                written.append(found.pk)
                report.updated.append(
                    RowChange(row_number, key[0], key[1], key[2], before, cleaned["total"])
                )
            else:
                report.unchanged += 1
        audit_record(
            actor=actor_for_viewer(viewer),
            action=AuditAction.CREATE,
            object_type=object_type_of(PmiCount),
            object_ids=written,
            purpose=viewer.purpose or "impor jumlah PMI prosedural",
            detail={
                "source": source,
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
                "refused_rows": [problem.row_number for problem in report.problems],
            },
        )
