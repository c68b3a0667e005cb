"""The audit trail as an auditor reads it: who (name, role, office), did what, to whose record,
when and from where, in words rather than raw values.

The audit app is the bottom layer: the models named by an entry are found through Django's
app registry by their label, never imported. A record is named by a reference that carries no
personal data (an application's number, a watchlist entry's index id, an account's username),
else by its number: the trail's readers are administrators, who see no one's personal data;
for the same reason the terms of a search are masked for them (``detail_label``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benteng.audit.models import AuditEntry

# Attributes that name a record without personal data, the first one present wins.
REFERENCE_ATTRIBUTES = ("reference", "index_id", "username", "code")
# Searchable references: fields that hold one, and a watchlist entry's index id ("w12").
REFERENCE_FIELDS = ("reference", "username")
INDEX_ID = re.compile(r"w(\d{1,18})")
WATCHLIST_ENTRY = "watchlists.watchlistentry"
# The most records named in one entry's label; the rest are counted.
NAMED_RECORDS = 5

# What a record was read as, and the record it was read with (``detail`` of an entry).
READ_AS = {
    "hit": gettext_lazy("sebagai hit daftar pantauan"),
    "earlier_event": gettext_lazy("sebagai riwayat sebelumnya"),
    "decision": gettext_lazy("sebagai keputusan"),
    "named_contact": gettext_lazy("sebagai orang yang disebut"),
}
# The other details Benteng records, and their usual values, in words.
DETAIL_NAMES = {
    "step": gettext_lazy("langkah"),
    "result": gettext_lazy("hasil"),
    "second_factor": gettext_lazy("verifikasi dua langkah"),
    "locked_out": gettext_lazy("terkunci"),
    "idempotent_replay": gettext_lazy("jawaban ulang atas kiriman yang sama"),
    "screening_result": gettext_lazy("hasil penyaringan"),
    "rule_set": gettext_lazy("versi aturan"),
    "correction": gettext_lazy("koreksi"),
}
# The search and filter terms of the lists, by the names the pages and the API give them.
SEARCH_TERM_NAMES = {
    "q": gettext_lazy("kata dicari"),
    "search": gettext_lazy("kata dicari"),
    "status": gettext_lazy("status"),
    "due": gettext_lazy("batas waktu"),
    "follow_up": gettext_lazy("tindak lanjut"),
    "date_from": gettext_lazy("dari tanggal"),
    "date_to": gettext_lazy("sampai tanggal"),
    "office_id": gettext_lazy("kantor"),
    "destination": gettext_lazy("negara tujuan"),
    "police_visible": gettext_lazy("terlihat oleh kepolisian"),
}
# Filters whose values name no one (a state, a date, an office, a country): shown to every
# reader of the trail. Any other term (what was typed in a search box: a name, a NIK) is
# personal data, masked for a reader who may not see it (``personal_data_shown``).
FILTERS_WITHOUT_PERSONAL_DATA = frozenset(
    {
        "status",
        "due",
        "follow_up",
        "date_from",
        "date_to",
        "office_id",
        "destination",
        "police_visible",
    }
)
MASKED = gettext_lazy("(disamarkan)")
DETAIL_VALUES = {
    "success": gettext_lazy("berhasil"),
    "failure": gettext_lazy("gagal"),
    "pending": gettext_lazy("belum"),
    "not_required": gettext_lazy("tidak diperlukan"),
    "enrolment": gettext_lazy("pendaftaran autentikator"),
    "verification": gettext_lazy("verifikasi kode"),
}
# How a viewer of Benteng itself (a background task) is recorded (``Viewer.system``).
SYSTEM_ROLE = "system"
READ_WITH = {
    "screening": gettext_lazy("pada penyaringan %(reference)s"),
    "application": gettext_lazy("pada permohonan %(reference)s"),
}


def object_type_label(object_type: str) -> str:
    """The kind of record in words ("Permohonan paspor"), or the raw label if unknown."""
    model = _model(object_type)
    if model is None:
        return object_type
    return str(capfirst(model._meta.verbose_name))


def role_label(role: str) -> str:
    """The role in words, from the account model's choices."""
    if role == SYSTEM_ROLE:
        return str(_("sistem (Benteng sendiri)"))
    try:
        field = get_user_model()._meta.get_field("role")
    except FieldDoesNotExist:
        return role
    return str(dict(field.flatchoices).get(role, role))


def records_labels(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """Whose records each entry names, in words, by entry id: one query per kind of record."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type:
            wanted[entry.object_type].update(str(pk) for pk in entry.object_ids[:NAMED_RECORDS])
    references = {object_type: _references(object_type, ids) for object_type, ids in wanted.items()}
    return {
        entry.pk: _records_label(entry, references.get(entry.object_type, {})) for entry in entries
    }


def records_named(term: str) -> list[tuple[str, Any]]:
    """The records a search term names by their reference (the inverse of the labels): a
    watchlist entry's index id ("w12"), or a value of a ``reference`` or ``username`` field
    ("PP-2026-000123", "budi"). So an auditor asks "who saw w12" in the search box."""
    term = term.strip()
    if not term:
        return []
    index_id = INDEX_ID.fullmatch(term)
    if index_id:
        return [(WATCHLIST_ENTRY, index_id.group(1))]
    named: list[tuple[str, Any]] = []
    for model in apps.get_models():
        for field in REFERENCE_FIELDS:
            if any(own.name == field for own in model._meta.concrete_fields):
                found = model._default_manager.filter(**{field: term}).values_list("pk", flat=True)
                named += [(model._meta.label_lower, pk) for pk in found[:NAMED_RECORDS]]
    return named


def detail_label(
    detail: Mapping[str, Any], *, object_type: str = "", personal_data_shown: bool = False
) -> str:
    """An entry's details in words: what a record was read as and with, the search terms,
    the fields changed (by their labels when the kind of record is known), and the rest.
    Unless ``personal_data_shown``, what was typed in a search is masked."""
    parts: list[str] = []
    if detail.get("as") in READ_AS:
        parts.append(str(READ_AS[detail["as"]]))
    for key, template in READ_WITH.items():
        if detail.get(key):
            parts.append(str(template) % {"reference": detail[key]})
    search = detail.get("search")
    if isinstance(search, Mapping) and search:
        terms = ", ".join(
            f"{SEARCH_TERM_NAMES.get(name, name)} = {_term_label(name, value, personal_data_shown)}"
            for name, value in search.items()
        )
        parts.append(_("pencarian: %(terms)s") % {"terms": terms})
    if detail.get("fields"):
        fields = ", ".join(_field_label(object_type, name) for name in detail["fields"])
        parts.append(_("kolom: %(fields)s") % {"fields": fields})
    shown = {"as", "search", "fields", *READ_WITH}
    parts += [
        f"{DETAIL_NAMES.get(name, name)}: {_value_label(value)}"
        for name, value in detail.items()
        if name not in shown
    ]
    return "; ".join(parts)


def _term_label(name: str, value: Any, personal_data_shown: bool) -> str:
    if personal_data_shown or name in FILTERS_WITHOUT_PERSONAL_DATA:
        return f"«{value}»"
    return str(MASKED)


def _field_label(object_type: str, name: Any) -> str:
    model = _model(object_type)
    try:
        field = model._meta.get_field(str(name)) if model else None
    except FieldDoesNotExist:
        field = None
    return str(getattr(field, "verbose_name", name))


def _value_label(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    return str(DETAIL_VALUES.get(value, value)) if isinstance(value, str) else str(value)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _references(object_type: str, ids: set[str]) -> dict[str, str]:
    model = _model(object_type)
    if model is None or not ids:
        return {}
    pk_field = model._meta.pk
    valid = []
    for value in ids:
        try:
            valid.append(pk_field.to_python(value))
        except Exception:  # noqa: S112 - an id recorded for a denied attempt may be anything
            continue
    found = model._default_manager.filter(pk__in=valid)
    return {str(obj.pk): _reference(obj) for obj in found}


def _reference(obj: models.Model) -> str:
    for attribute in REFERENCE_ATTRIBUTES:
        value = getattr(obj, attribute, "")
        if value:
            return str(value)
    return f"#{obj.pk}"


def _records_label(entry: AuditEntry, references: Mapping[str, str]) -> str:
    if not entry.object_type:
        return ""
    kind = object_type_label(entry.object_type)
    ids = [str(pk) for pk in entry.object_ids]
    if not ids:
        return _("%(kind)s: tidak ada") % {"kind": kind}
    named = [references.get(pk) or _("#%(id)s (tidak ditemukan)") % {"id": pk} for pk in ids]
    label = f"{kind}: {', '.join(named[:NAMED_RECORDS])}"
    if len(ids) > NAMED_RECORDS:
        label += " " + _("dan %(count)d lainnya") % {"count": len(ids) - NAMED_RECORDS}
    return label
