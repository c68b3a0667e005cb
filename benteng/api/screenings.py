"""Screening through the API: a client system posts a passport applicant or a departing
passenger and gets the screening result back, or reads a result it may see.

The client acts as the role it was registered with, at its office (``Viewer.for_client``): a
Kanim's passport system screens applications (role ``petugas_imigrasi``), a TPI's system checks
departures (role ``petugas_tpi``). Everything else is the screening service's
(:mod:`benteng.screening.services`): validation, the record, the index search, the score, the
audit trail and idempotency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Body, Router, Schema
from ninja.params.functions import Header as header_param
from pydantic import Field

from benteng.api.auth import request_client, request_viewer, require_scope
from benteng.api.errors import ApiError, ApiErrorCode, error_responses
from benteng.api.models import ApiScope
from benteng.api.projection import json_response
from benteng.api.schemas import OfficeRef
from benteng.screening.cleaning import (
    APPLICATION,
    ApplicationInput,
    DepartureInput,
    ScreeningInputInvalid,
)
from benteng.screening.models import PassportApplication
from benteng.screening.outcome import ScreeningOutcome
from benteng.screening.results import EarlierEvent, Hit, Instruction, fields_of
from benteng.screening.selectors import screening_result_get
from benteng.screening.services import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    PURPOSE,
    IdempotencyKeyReused,
    ScreeningRefused,
    application_screen,
    departure_screen,
)

router = Router(tags=["screenings"])

DATE_HELP = "DD-MM-YYYY or YYYY-MM-DD."
DOCUMENTS_HELP = (
    "Documents shown, as codes of the TravelDocument list (for example `epmi`, `visa_kerja`, "
    "`kontrak_kerja`, `rekomendasi_disnaker`, `surat_sehat`, `rekomendasi_kemenag`, "
    "`tiket_pulang`, `surat_undangan`)."
)
OBSERVATIONS_HELP = (
    "What the officer observed, as codes (for example `cannot_state_purpose`, "
    "`passport_held_by_other`, `companion_speaks_for_applicant`, `debt_to_recruiter`)."
)
PURPOSE_HELP = "One of wisata, umrah_haji, kunjungan_keluarga, studi, bekerja, lainnya."


class ApplicationScreeningIn(Schema):
    kind: Literal["application"] = Field(description="A passport application at a Kanim.")
    nik: str = Field(max_length=40, description="16-digit NIK of the applicant.")
    full_name: str = Field(max_length=200)
    birth_date: str = Field(max_length=20, description=DATE_HELP)
    sex: str = Field(max_length=20, description="L or P.")
    purpose: str = Field(max_length=30, description=PURPOSE_HELP)
    destination_country: str = Field(max_length=2, description="ISO 3166 two-letter code.")
    birth_place: str = Field("", max_length=100)
    address: str = Field("", max_length=300)
    desa_code: str = Field(
        "", max_length=13, description="Kemendagri code of the desa/kelurahan (36.xx.xx.xxxx)."
    )
    phone: str = Field("", max_length=30, description="Indonesian number, any usual format.")
    passport_no: str = Field("", max_length=20, description="An earlier passport, if any.")
    sponsor_name: str = Field("", max_length=200, description="Sponsor or guarantor named.")
    sponsor_phone: str = Field("", max_length=30)
    employer_name: str = Field("", max_length=200)
    placement_company: str = Field("", max_length=200)
    documents: list[str] = Field(default_factory=list, description=DOCUMENTS_HELP)
    former_migrant_worker: bool | None = Field(None, description="Worked abroad before.")
    observations: list[str] = Field(default_factory=list, description=OBSERVATIONS_HELP)


class DepartureScreeningIn(Schema):
    kind: Literal["departure"] = Field(description="A departing passenger at a TPI.")
    passport_no: str = Field(max_length=20, description="Passport number, for example C1234567.")
    full_name: str = Field(max_length=200)
    birth_date: str = Field("", max_length=20, description=DATE_HELP)
    sex: str = Field("", max_length=20, description="L or P.")
    nik: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    flight_number: str = Field("", max_length=10, description="For example GA820.")
    destination_country: str = Field("", max_length=2, description="ISO 3166 two-letter code.")
    purpose: str = Field("", max_length=30, description=PURPOSE_HELP)
    documents: list[str] = Field(default_factory=list, description=DOCUMENTS_HELP)
    has_return_ticket: bool | None = None
    former_migrant_worker: bool | None = None
    observations: list[str] = Field(default_factory=list, description=OBSERVATIONS_HELP)


ScreeningIn = Annotated[ApplicationScreeningIn | DepartureScreeningIn, Field(discriminator="kind")]


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    weight: int
    evidence: list[str] = Field(description="Why the indicator fired, in Bahasa Indonesia.")
    evidence_en: list[str]
    questions: list[str] = Field(description="Interview questions the indicator suggests.")
    questions_en: list[str]


class NotEvaluatedOut(Schema):
    code: str
    reason: str
    reason_en: str


class NikProblemOut(Schema):
    code: str
    id: str = Field(description="Message in Bahasa Indonesia.")
    en: str


class NikCheckOut(Schema):
    nik: str
    checked: bool
    valid: bool | None
    problems: list[NikProblemOut]
    birth_date: str | None = None
    sex: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    is_banten: bool | None = None


class RiskOut(Schema):
    score: int = Field(description="0-100; supports the officer, never decides.")
    band: Literal["rendah", "sedang", "tinggi"]
    rule_set_version: int | None = Field(description="The rule set version that scored it.")


class ScreeningOut(Schema):
    id: int = Field(description="Id of the screening result (GET /screenings/{id}).")
    kind: Literal["application", "departure"]
    record_id: int = Field(description="Id of the application or departure check.")
    reference: str = Field(description='"PP-2026-000123" or "KB-2026-000123".')
    office: OfficeRef
    status: str = Field(description="Application status or departure outcome.")
    created_at: datetime
    police_visible: bool
    replayed: bool = Field(description="True when an earlier result is returned for the key.")
    risk: RiskOut
    indicators: list[IndicatorOut]
    not_evaluated: list[NotEvaluatedOut]
    hits: list[Hit]
    possible_matches: list[Hit] = Field(
        description=(
            '"Possible match -- check": watchlist entries that share only a name (and the '
            "sex) with the person, below the hit threshold (score 0.1 to 0.5), in the same "
            "redacted shape as a hit. Not hits: not counted in `hits`, never in the risk "
            "score or `police_visible`; ask for the birth date or an identity document and "
            "compare. `match_reasons` names what could not be compared."
        )
    )
    instructions: list[Instruction]
    earlier_events: list[EarlierEvent]
    nik_check: NikCheckOut
    server_milliseconds: float


def screening_out(outcome: ScreeningOutcome) -> dict[str, Any]:
    record = outcome.record
    status = record.status if isinstance(record, PassportApplication) else record.outcome
    return {
        "id": outcome.result.pk,
        "kind": outcome.kind,
        "record_id": record.pk,
        "reference": record.reference,
        "office": {"code": record.office.code, "name": record.office.name},
        "status": status,
        "created_at": outcome.result.created_at,
        "police_visible": record.police_visible,
        "replayed": outcome.replayed,
        "risk": {
            "score": outcome.risk_score,
            "band": outcome.risk_band,
            "rule_set_version": outcome.rule_set_version,
        },
        "indicators": outcome.indicators,
        "not_evaluated": outcome.not_evaluated,
        "hits": [fields_of(hit) for hit in outcome.hits],
        "possible_matches": [fields_of(hit) for hit in outcome.possible_matches],
        "instructions": [fields_of(item) for item in outcome.instructions],
        "earlier_events": [fields_of(event) for event in outcome.earlier_events],
        "nik_check": outcome.nik_check,
        "server_milliseconds": outcome.server_milliseconds,
    }


def _field_errors(error: ScreeningInputInvalid) -> list[dict[str, Any]]:
    return [
        {"location": ["body", name], "message": message, "type": "invalid"}
        for name, messages in error.errors.items()
        for message in messages
    ]


@router.post(
    "/screenings",
    auth=require_scope(ApiScope.SCREENING_WRITE),
    response={
        201: ScreeningOut,
        200: ScreeningOut,
        **error_responses(400, 401, 403, 409, 422, 429),
    },
    summary="Screen a passport applicant or a departing passenger",
    description=(
        "Saves the application (`kind: application`, a Kanim's client with role "
        "`petugas_imigrasi`) or the departure check (`kind: departure`, a TPI's client with "
        "role `petugas_tpi`) at the client's office, and returns the screening: watchlist hits "
        "with their instructions, earlier events about the same person at every office, the "
        "NIK check and the risk indicators with their evidence and interview questions. The "
        "score supports the officer; it never decides.\n\n"
        "Send an `Idempotency-Key` header to make retries safe: the same key with the same "
        "body returns the first result with status 200 and no second record; the same key "
        "with another body is refused with 409 `idempotency_key_reused`, and so is a key "
        "whose record the client may no longer see (it moved to another office). Invalid "
        "values give "
        '422 `validation_failed` with one detail per problem (`location: ["body", field]`).'
    ),
    operation_id="screening_create",
)
def screening_create(
    request: HttpRequest,
    payload: Body[ScreeningIn],
    idempotency_key: str = header_param(
        "",
        alias="Idempotency-Key",
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        description="Any unique string per request (a UUID), at most 100 characters.",
    ),
) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    raw = payload.dict(exclude={"kind"})
    try:
        if payload.kind == APPLICATION:
            outcome = application_screen(
                viewer=viewer,
                data=ApplicationInput.from_raw(raw),
                idempotency_key=idempotency_key,
            )
        else:
            outcome = departure_screen(
                viewer=viewer, data=DepartureInput.from_raw(raw), idempotency_key=idempotency_key
            )
    except ScreeningInputInvalid as error:
        raise ApiError(422, ApiErrorCode.VALIDATION_FAILED, details=_field_errors(error)) from error
    except IdempotencyKeyReused as error:
        raise ApiError(409, ApiErrorCode.IDEMPOTENCY_KEY_REUSED, str(error)) from error
    except ScreeningRefused as error:
        raise ApiError(403, ApiErrorCode.FORBIDDEN, str(error)) from error
    _office_from_client(request, outcome)
    return json_response(
        ScreeningOut, screening_out(outcome), status=200 if outcome.replayed else 201
    )


def _office_from_client(request: HttpRequest, outcome: ScreeningOutcome) -> None:
    """A screening is recorded at the client's office, already read with the token: use that
    row for the answer instead of reading it again."""
    client = request_client(request)
    record = outcome.record
    if client.office_id is not None and record.office_id == client.office_id:
        record.office = client.office


@router.get(
    "/screenings/{screening_id}",
    auth=require_scope(ApiScope.SCREENING_READ),
    response={200: ScreeningOut, **error_responses(401, 403, 404, 429)},
    summary="One screening result",
    description=(
        "A screening result the client may see: its own office's, all of them for an "
        "immigration analyst's system, and for police systems only those that hit a police "
        "watchlist or were referred. Missing and not visible both answer 404."
    ),
    operation_id="screening_get",
)
def screening_get(request: HttpRequest, screening_id: int) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    return json_response(
        ScreeningOut, screening_out(screening_result_get(viewer, screening_id)), status=200
    )
