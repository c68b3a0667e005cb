"""Corrections and voids of passport applications and departure checks.

A record entered with a typo is *corrected*: the officer of the office that entered it gives
the corrected identity and a reason; the record takes the new values, a
:class:`RecordAmendment` keeps each field's earlier and corrected value, who and when. A
record entered by mistake (a duplicate, the wrong person) is *voided* with a reason: it stays
readable, marked void, but it is no longer an earlier event of anyone and can no longer be
decided on. Both are audited and reach the screening index after the commit (a correction
its new identity, a void the record's removal); the delay entries a decision on the record
put on the shared watchlists follow (corrected, or withdrawn).

A correction screens the record again, in its transaction, the way a new screening does
(``services.record_rescreen``: the corrected identity, the facts the officer stated at the
first screening, the current rules), once per correction: a typo that hid a watchlist hit
no longer hides it. The earlier results are kept as they were made (what the officer saw
then), listed on the record's page; the page shows the newest. The index and every later
screening of anyone use the corrected identity. A corrected NIK also moves the record to the
region a new screening would give it (the stated desa stays; else the NIK's kecamatan), kept
with the correction's other changes. A first screening made before the officer's statements
were kept has none to state again: the rules reading them are not evaluated, and the page
names the statements missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read, audit_record_write
from benteng.core.nik import banten_region_name
from benteng.people.index import index_source_record
from benteng.problems import InputInvalid, Problems
from benteng.screening.access import may_amend_application, may_amend_departure
from benteng.screening.cleaning import (
    APPLICATION_CORRECTABLE,
    APPLICATION_CORRECTION_REQUIRED,
    DEPARTURE_CORRECTABLE,
    DEPARTURE_CORRECTION_REQUIRED,
    identity_correction_clean,
)
from benteng.screening.models import (
    AmendmentKind,
    ApplicationStatus,
    DepartureCheck,
    PassportApplication,
    RecordAmendment,
    ScreeningResult,
)
from benteng.screening.services import (
    record_region_code,
    record_rescreen,
    statements_unavailable,
)
from benteng.watchlists.models import EntrySource, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_remove, watchlist_entry_update
from benteng.watchlists.validation import entry_input_values

Record = PassportApplication | DepartureCheck
REASON_MAX_LENGTH = 1000
DATE_FIELDS = frozenset({"birth_date"})
REGION_FIELD = "region"  # follows a corrected NIK (``_region_follows``); not typed itself


class AmendmentRefused(PermissionDenied):
    """The viewer may not correct or void this record."""


class AmendmentInvalid(InputInvalid):
    """What is wrong with a correction or void, per field ("reason", a field name, or
    "__all__"), in Bahasa Indonesia."""


def is_void(record: Record) -> bool:
    return _state(record) == ApplicationStatus.VOID


def may_amend(viewer: Viewer, record: Record) -> bool:
    """The named predicate of the record's kind (``access.py``)."""
    if isinstance(record, PassportApplication):
        return may_amend_application(viewer, record)
    return may_amend_departure(viewer, record)


def correctable_fields(record: Record) -> tuple[str, ...]:
    if isinstance(record, PassportApplication):
        return APPLICATION_CORRECTABLE
    return DEPARTURE_CORRECTABLE


def _required_fields(record: Record) -> frozenset[str]:
    if isinstance(record, PassportApplication):
        return APPLICATION_CORRECTION_REQUIRED
    return DEPARTURE_CORRECTION_REQUIRED


def _state_field(record: Record) -> str:
    return "status" if isinstance(record, PassportApplication) else "outcome"


def _state(record: Record) -> str:
    return str(getattr(record, _state_field(record)))


def _require_amender(viewer: Viewer, record: Record) -> int:
    """The officer's user id, when the viewer may amend the record."""
    if not may_amend(viewer, record) or viewer.user_id is None:
        raise AmendmentRefused(
            _(
                "Hanya petugas kantor yang mencatat data ini yang dapat mengoreksi atau "
                "membatalkannya."
            )
        )
    return viewer.user_id


def _reason_clean(reason: str, problems: Problems) -> str:
    text = " ".join((reason or "").split())
    if not text:
        problems.add("reason", _("Tuliskan alasannya."))
    elif len(text) > REASON_MAX_LENGTH:
        problems.add(
            "reason",
            _("Alasan paling banyak %(limit)d karakter (sekarang %(length)d).")
            % {"limit": REASON_MAX_LENGTH, "length": len(text)},
        )
    return text


def _locked(record: Record) -> Record:
    model = type(record)
    locked: Record = model.objects.select_for_update().get(pk=record.pk)
    return locked


def _as_text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _void_refusal() -> AmendmentInvalid:
    """A voided record is neither corrected nor voided again, whatever else is wrong."""
    return AmendmentInvalid(
        {"__all__": [_("Data ini sudah dibatalkan; tidak dapat dikoreksi atau dibatalkan lagi.")]}
    )


def record_correct(
    *, viewer: Viewer, record: Record, values: Mapping[str, Any], reason: str
) -> RecordAmendment:
    """Correct the identity typed on ``record``; returns the correction with what changed."""
    officer_id = _require_amender(viewer, record)
    if is_void(record):
        raise _void_refusal()
    problems = Problems(AmendmentInvalid)
    reason_text = _reason_clean(reason, problems)
    fields = correctable_fields(record)
    cleaned = identity_correction_clean(
        values, fields=fields, required=_required_fields(record), problems=problems
    )
    problems.raise_if_any()
    with transaction.atomic():
        locked = _locked(record)
        if is_void(locked):
            raise _void_refusal()
        changed = [name for name in fields if getattr(locked, name) != cleaned[name]]
        if not changed:
            raise AmendmentInvalid(
                {"__all__": [_("Tidak ada yang berubah: ubah isian yang salah, lalu simpan.")]}
            )
        changes = [
            {
                "field": name,
                "before": _as_text(getattr(locked, name)),
                "after": _as_text(cleaned[name]),
            }
            for name in changed
        ]
        for name in changed:
            setattr(locked, name, cleaned[name])
        region_change = _region_follows(locked)
        changes += region_change
        changed += [change["field"] for change in region_change]
        locked.changed_at = timezone.now()
        locked.save(update_fields=[*changed, "changed_at"])
        amendment = _amendment_create(
            viewer,
            locked,
            officer_id=officer_id,
            kind=AmendmentKind.CORRECTION,
            reason=reason_text,
            changes=changes,
        )
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=locked, changed_fields=changed
        )
        _correct_decision_entries(locked)
        index_source_record(locked)
        record_rescreen(viewer=viewer, record=locked, amendment=amendment)
    for name in [*changed, "changed_at", "police_visible"]:
        attribute = locked._meta.get_field(name).attname  # type: ignore[union-attr]
        setattr(record, attribute, getattr(locked, attribute))
    return amendment


def _region_follows(record: Record) -> list[dict[str, str]]:
    """The record's region set to what a new screening of the corrected record would give
    (a corrected NIK names another kecamatan; a stated desa stays); its change, if any."""
    before = record.region_id
    after = record_region_code(record)
    if after == before:
        return []
    record.region_id = after
    return [{"field": REGION_FIELD, "before": before or "", "after": after or ""}]


def record_void(*, viewer: Viewer, record: Record, reason: str) -> RecordAmendment:
    """Void ``record`` (entered by mistake): kept and readable, out of the screening index."""
    officer_id = _require_amender(viewer, record)
    if is_void(record):
        raise _void_refusal()
    problems = Problems(AmendmentInvalid)
    reason_text = _reason_clean(reason, problems)
    problems.raise_if_any()
    field = _state_field(record)
    with transaction.atomic():
        locked = _locked(record)
        if is_void(locked):
            raise _void_refusal()
        before = _state(locked)
        setattr(locked, field, ApplicationStatus.VOID.value)
        locked.changed_at = timezone.now()
        locked.save(update_fields=[field, "changed_at"])
        amendment = _amendment_create(
            viewer,
            locked,
            officer_id=officer_id,
            kind=AmendmentKind.VOID,
            reason=reason_text,
            changes=[{"field": field, "before": before, "after": ApplicationStatus.VOID.value}],
        )
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=locked, changed_fields=[field]
        )
        _withdraw_decision_entries(locked, reason=reason_text)
        index_source_record(locked)
    setattr(record, field, getattr(locked, field))
    record.changed_at = locked.changed_at
    return amendment


def _subject(record: Record) -> dict[str, Record]:
    if isinstance(record, PassportApplication):
        return {"application": record}
    return {"departure_check": record}


def _amendment_create(
    viewer: Viewer,
    record: Record,
    *,
    officer_id: int,
    kind: str,
    reason: str,
    changes: list[dict[str, str]],
) -> RecordAmendment:
    amendment = RecordAmendment.objects.create(
        **_subject(record),
        kind=kind,
        reason=reason,
        changes=changes,
        amended_by_id=officer_id,
        amended_at=record.changed_at or timezone.now(),
    )
    audit_record_write(
        viewer=viewer,
        action=AuditAction.CREATE,
        obj=amendment,
        changed_fields=["kind", "reason", "changes"],
    )
    return amendment


# --- the delay entries a decision on the record put on the shared watchlists ---------------


def _decision_entries(record: Record) -> models.QuerySet[WatchlistEntry]:
    return (
        WatchlistEntry.objects.filter(
            source=EntrySource.DECISION,
            source_reference=record.reference,
            removed_at__isnull=True,
        )
        .select_related("watchlist__owner_agency")
        .order_by("pk")
    )


def _system(purpose: str, record: Record) -> Viewer:
    return Viewer.system(purpose=f"{purpose} {record.reference}")


def _correct_decision_entries(record: Record) -> None:
    """The delayed person's entry names the corrected identity."""
    system = _system("koreksi data", record)
    for entry in _decision_entries(record):
        data = entry_input_values(entry)
        for name in correctable_fields(record):
            if name in data:
                data[name] = getattr(record, name)
        watchlist_entry_update(viewer=system, entry=entry, data=data)


def _withdraw_decision_entries(record: Record, *, reason: str) -> None:
    """A record entered by mistake delays nobody: its entries are withdrawn (kept on record)."""
    system = _system("pembatalan data", record)
    for entry in _decision_entries(record):
        watchlist_entry_remove(
            viewer=system,
            entry=entry,
            reason=_("Data sumber %(reference)s dibatalkan: %(reason)s")
            % {"reference": record.reference, "reason": reason},
        )


# --- what the record page shows ------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AmendmentView:
    amendment: RecordAmendment
    is_void: bool
    officer: str
    rows: Sequence[ChangeRow]


def _display(model: type[models.Model], name: str, value: str) -> str:
    if not value:
        return "—"
    field = model._meta.get_field(name)
    choices = dict(getattr(field, "choices", None) or [])
    if value in choices:
        return str(choices[value])
    if name in DATE_FIELDS:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if name == REGION_FIELD:
        return f"{banten_region_name(value) or '?'} ({value})"
    return value


def _label(model: type[models.Model], name: str) -> str:
    if name == REGION_FIELD:
        # The field's own name says desa/kelurahan; from a NIK it is a kecamatan or above.
        return _("Wilayah")
    return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", "")))


def amendments_of(viewer: Viewer, record: Record) -> list[AmendmentView]:
    """The record's corrections and void, oldest first, as the page shows them; their reading
    (earlier values are personal data) is audited."""
    model = type(record)
    views = []
    amendments = list(
        RecordAmendment.objects.visible_to(viewer)
        .filter(**_subject(record))
        .select_related("amended_by")
        .order_by("amended_at", "pk")
    )
    if amendments:
        audit_record_read(viewer=viewer, objects=amendments)
    for amendment in amendments:
        officer = amendment.amended_by
        rows = [
            ChangeRow(
                label=_label(model, change["field"]),
                before=_display(model, change["field"], change["before"]),
                after=_display(model, change["field"], change["after"]),
            )
            for change in amendment.changes
        ]
        views.append(
            AmendmentView(
                amendment=amendment,
                is_void=amendment.kind == AmendmentKind.VOID,
                officer=officer.full_name or officer.username,
                rows=rows,
            )
        )
    return views


def amendment_context(
    viewer: Viewer, record: Record, *, shown: ScreeningResult | None
) -> dict[str, Any]:
    """What a record's page shows of its corrections and void: the history, the void mark,
    whether the screening ``shown`` predates a correction, the officer's statements its
    re-screening did without, and whether the viewer may amend."""
    amendments = amendments_of(viewer, record)
    corrected_at = [item.amendment.amended_at for item in amendments if not item.is_void]
    return {
        "amendments": amendments,
        "void_mark": next((item for item in amendments if item.is_void), None),
        "screened_before_correction": bool(
            corrected_at and shown is not None and max(corrected_at) > shown.created_at
        ),
        "statements_unavailable": statements_unavailable(record, shown),
        "can_amend": may_amend(viewer, record) and not is_void(record),
    }
