"""The record types that may leave an agency, registered by the apps that own them.

An app whose records are exchanged (referrals, watchlists) registers, from its ``apps.py``, a
``SharedType``: the record type (``app_label.model_name``, as the audit trail names it), its
fields that an exchange can carry (name → label, what a clause chooses from), and ``facts``,
which tells for ids of that type whose data they are (the sending agency and office), the
purpose they serve, the clause they were first shared under, and the people they are about.
The webhook and API adapters ask it for records of any registered type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SubjectRef:
    """A person in a shared record: the people app's source and row, and the NIK if known."""

    source: str
    pk: int
    nik: str = ""


@dataclass(frozen=True)
class RecordFacts:
    """Whose data one record is, what for, and whom it is about."""

    owner_agency: str
    owner_office_id: int | None
    purpose: str
    clause_id: int | None = None
    subjects: tuple[SubjectRef, ...] = ()


FactsReader = Callable[[list[str]], Mapping[str, RecordFacts]]


@dataclass(frozen=True)
class SharedType:
    record_type: str
    label: Any  # a lazy translation
    fields: Mapping[str, Any]
    facts: FactsReader | None = None
    # Fields every exchange of the type keeps (the record's id: the protocol needs it).
    always: frozenset[str] = field(default_factory=lambda: frozenset({"id"}))


_TYPES: dict[str, SharedType] = {}


def register_shared_type(shared: SharedType) -> SharedType:
    _TYPES[shared.record_type] = shared
    return shared


def shared_type(record_type: str) -> SharedType | None:
    return _TYPES.get(record_type)


def shared_types() -> list[SharedType]:
    return sorted(_TYPES.values(), key=lambda shared: shared.record_type)


def fields_problem(record_type: str, fields: Iterable[str]) -> str | None:
    """Why a clause cannot name these fields of this record type, in Indonesian; or None."""
    shared = shared_type(record_type)
    if shared is None:
        return _("Jenis data “%(type)s” tidak dikenal; pilih salah satu: %(types)s.") % {
            "type": record_type,
            "types": ", ".join(item.record_type for item in shared_types()),
        }
    if isinstance(fields, str) or not all(isinstance(name, str) for name in fields):
        return _('Tulis kolom sebagai daftar nama kolom, misalnya ["full_name", "nik"].')
    unknown = sorted(set(fields) - set(shared.fields))
    if unknown:
        return _(
            "Jenis data “%(type)s” tidak memiliki kolom %(unknown)s. Kolom yang ada: %(known)s."
        ) % {
            "type": record_type,
            "unknown": ", ".join(unknown),
            "known": ", ".join(sorted(shared.fields)),
        }
    return None


def field_label(record_type: str, name: str) -> str:
    """The label of one field an exchange of ``record_type`` carried. A dotted name is a field
    of the people in the record ("subjects.nik"), labelled from whichever shared type of people
    names it; an unknown name is shown as it is."""
    shared = shared_type(record_type)
    if shared is not None and name in shared.fields:
        return str(shared.fields[name])
    _prefix, _dot, field = name.partition(".")
    if field:
        for other in shared_types():
            if other.record_type != record_type and field in other.fields:
                return _("orang: %(field)s") % {"field": other.fields[field]}
    return name
