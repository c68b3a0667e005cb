"""What a screening shows its reader: hits, earlier events and instructions, typed.

These are projected for one reader (see :mod:`benteng.screening.outcome`); the API's response
schemas are these very classes (field descriptions included), so the fields are declared once.
The stored result keeps only references (:class:`StoredHit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field


def fields_of(value: Hit | StoredHit | EarlierEvent | Instruction) -> dict[str, Any]:
    """A result's fields by name (one level: what JSON or a response schema takes; cheaper
    than ``dataclasses.asdict``, which copies deeply)."""
    return dict(vars(value))


MatchedOn = Literal["person", "sponsor", "company", "phone"]
EventKind = Literal["application", "departure"]


@dataclass(frozen=True, kw_only=True)
class Hit:
    """A watchlist entry that matched, as every agency may see it (never internal notes)."""

    id: int
    index_id: str
    watchlist_kind: str
    watchlist_kind_label: str
    watchlist_name: str
    owner_agency: str
    owner_office_name: str
    subject_type: str
    subject_type_label: str
    full_name: str
    birth_date: str | None = None
    sex: str = ""
    nik: str = ""
    passport_no: str = ""
    phone: str = ""
    licence_number: str = ""
    category: str
    instruction: Annotated[
        str, Field(description="What the owner asks whoever gets this hit to do.")
    ]
    contact: str
    expires_on: str | None = None
    in_force: bool
    is_owner: Annotated[bool, Field(description="The client's agency owns the list.")]
    matched_on: MatchedOn
    matched_via: list[str]
    score: float
    match_reasons: str
    match_reasons_en: str


@dataclass(frozen=True, kw_only=True)
class StoredHit:
    """A hit as the screening result keeps it: the entry by reference, how it matched, and
    what the risk rules saw of it (no identity). Each reader gets it projected as a
    :class:`Hit`, or not at all (``outcome.hits_for``)."""

    entry_id: int
    score: float
    matched_on: str
    matched_via: list[str] = field(default_factory=list)
    match_reasons: str = ""
    match_reasons_en: str = ""
    watchlist_kind: str = ""
    owner_agency: str = ""
    category: str = ""

    @staticmethod
    def from_json(value: dict[str, Any]) -> StoredHit:
        return StoredHit(
            entry_id=int(value["entry_id"]),
            score=float(value["score"]),
            matched_on=str(value["matched_on"]),
            matched_via=list(value.get("matched_via") or [value["matched_on"]]),
            match_reasons=str(value.get("match_reasons", "")),
            match_reasons_en=str(value.get("match_reasons_en", "")),
            watchlist_kind=str(value.get("watchlist_kind", "")),
            owner_agency=str(value.get("owner_agency", "")),
            category=str(value.get("category", "")),
        )


@dataclass(frozen=True, kw_only=True)
class EarlierEvent:
    """An earlier application or departure check about the same person, at any office."""

    kind: EventKind
    office_code: str
    office_name: str
    date: str
    days_ago: int
    status: str
    status_label: str
    decision: str
    decision_label: str
    reason: str
    reason_label: str
    due_date: str | None
    same_office: bool
    score: float
    match_reasons: str
    match_reasons_en: str
    record_id: Annotated[
        int | None,
        Field(description="The record's id, only when it belongs to the client's own office."),
    ]


@dataclass(frozen=True, kw_only=True)
class Instruction:
    instruction: str
    contact: str
    owner_office_name: str
    watchlist_name: str
