"""Referrals through the API: a client system of an office sends referrals from its office,
reads the referrals its office sent or received, and acknowledges those it received.

The client acts as the role it was registered with, at its office (``Viewer.for_client``).
What it reads is what the webhooks tell (``benteng.referrals.events``): the referral's own
facts and the status of the case it became, plus the kinds and times of its timeline; never
its people, files or comments — not even of a referral the client sent itself. Writes go
through the referral services (``referral_send``, ``referral_acknowledge``): validation,
the timeline, the notifications, the webhook outbox and the audit trail are theirs.

Every write needs an ``Idempotency-Key``: the key, a hash of the request and the id of what it
made are kept (``ApiIdempotentRequest``) in the write's transaction, so a retry with the same
body answers the same (``replayed: true``) and two concurrent requests with one key make one
referral (the unique constraint makes the second wait for the first and then replay it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params.functions import Header as header_param
from pydantic import Field

from benteng.access.policy import NotVisible, access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.agreements.ledger import ClientRecipient, client_exchange
from benteng.agreements.models import Channel
from benteng.api.auth import request_client, request_viewer, require_scope
from benteng.api.errors import ApiError, ApiErrorCode, error_responses
from benteng.api.models import ApiClient, ApiIdempotentRequest, ApiScope
from benteng.api.projection import json_response
from benteng.audit.services import audit_record_list
from benteng.problems import Problems
from benteng.referrals.errors import ReferralInvalid, ReferralRefused
from benteng.referrals.events import referral_facts
from benteng.referrals.exchange import REFERRAL_TYPE
from benteng.referrals.models import (
    ReasonCategory,
    Referral,
    ReferralEvent,
    ReferralState,
    ReferralUrgency,
)
from benteng.referrals.selectors import referral_timeline_facts
from benteng.referrals.services import (
    SubjectInput,
    referral_acknowledge,
    referral_send,
)
from benteng.screening.models import DepartureCheck, PassportApplication

router = Router(tags=["referrals"])

PURPOSE = "rujukan antarsistem"
MAX_KEY_LENGTH = 100
MAX_SUBJECTS = 20
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
SEND = "referral_send"
ACKNOWLEDGE = "referral_acknowledge"
KEY_HELP = "Any unique string per request (a UUID), at most 100 characters."
DATE_HELP = "DD-MM-YYYY or YYYY-MM-DD."


class SubjectIn(Schema):
    full_name: str = Field("", max_length=300, description="Full name of the person referred.")
    nik: str = Field("", max_length=40, description="16-digit NIK.")
    passport_no: str = Field("", max_length=20, description="Passport number.")
    phone: str = Field("", max_length=30, description="Indonesian number, any usual format.")
    sex: str = Field("", max_length=20, description="L or P.")
    birth_date: str = Field("", max_length=20, description=DATE_HELP)
    desa_code: str = Field(
        "", max_length=13, description="Kemendagri code of the desa/kelurahan (36.xx.xx.xxxx)."
    )


class ReferralIn(Schema):
    receiving_office: str = Field(
        max_length=60, description="Code of the receiving office (GET /offices), not your own."
    )
    reason_category: str = Field(
        max_length=30, description="One of: " + ", ".join(ReasonCategory.values) + "."
    )
    reason: str = Field(max_length=6000, description="Why, at most 5,000 characters.")
    urgency: str = Field(
        max_length=10, description="One of: " + ", ".join(ReferralUrgency.values) + "."
    )
    subjects: list[SubjectIn] = Field(
        default_factory=list,
        max_length=MAX_SUBJECTS,
        description="The people referred; at least one unless `record` is given.",
    )
    record: str = Field(
        "",
        max_length=30,
        description=(
            'Reference of a screening record your system may read ("PP-2026-000123" or '
            '"KB-2026-000123"); its person is referred when no subject is named.'
        ),
    )


class CaseStatusOut(Schema):
    lp_number: str
    kind: str
    stage: str
    stage_on: str | None
    verdict: str | None


class ReferralSummaryOut(Schema):
    id: int
    number: str = Field(description='"RJK-2026-000123".')
    sender_office: str = Field(description="Office code.")
    receiving_office: str = Field(description="Office code.")
    reason_category: str
    urgency: str
    state: str = Field(description="One of: " + ", ".join(ReferralState.values) + ".")
    sent_at: str | None
    acknowledged_at: str | None
    closed_at: str | None
    returned_at: str | None
    outcome: str | None
    lp_number: str | None
    lp_date: str | None
    case: CaseStatusOut | None = Field(description="The case it became: its status only.")


class TimelineEntryOut(Schema):
    kind: str
    at: datetime
    from_state: str | None
    to_state: str | None


class ReferralOut(ReferralSummaryOut):
    timeline: list[TimelineEntryOut] = Field(
        description="Kinds and times only: no comment's text, file or person."
    )
    replayed: bool = Field(description="True when an earlier answer is returned for the key.")


class ReferralPageOut(Schema):
    items: list[ReferralSummaryOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page.")


# --- answers -------------------------------------------------------------------------------


def _loaded(viewer: Viewer, pk: int, *, detail: dict[str, Any] | None = None) -> Referral:
    """One referral through the access layer (404 for missing and forbidden alike, both
    audited)."""
    return access_object(
        viewer,
        Referral,
        pk,
        purpose=PURPOSE,
        queryset=Referral.objects.select_related("sender_office", "receiving_office"),
        detail=detail,
    )


def client_recipient(client: ApiClient) -> ClientRecipient:
    """The client system as the recipient of an exchange (its office's agency)."""
    office = client.office if client.office_id else None
    return ClientRecipient(
        agency=office.agency.kind if office is not None else None,
        office_id=client.office_id,
        client_id=client.pk,
        label=f"{client.name} ({office.name})" if office is not None else client.name,
    )


def _shared(
    request: HttpRequest, answers: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answers the client's agreement lets go, each stripped to its clause (a field not
    allowed is null), written to the exchange ledger; and the refused ones with the reason."""
    with transaction.atomic():
        exchanged = client_exchange(
            channel=Channel.API,
            recipient=client_recipient(request_client(request)),
            record_type=REFERRAL_TYPE,
            projected={str(answer["id"]): answer for answer in answers},
            keep_keys=True,
        )
    kept = [
        exchanged.sent[str(answer["id"])]
        for answer in answers
        if str(answer["id"]) in exchanged.sent
    ]
    return kept, {pk: refusal.message for pk, refusal in exchanged.refused.items()}


def _one_shared(request: HttpRequest, answer: dict[str, Any]) -> dict[str, Any]:
    """One answer on its basis, or the refusal (403 ``no_agreement_basis``)."""
    replayed = answer.pop("replayed", False)
    kept, refused = _shared(request, [answer])
    if refused:
        raise ApiError(403, ApiErrorCode.NO_AGREEMENT_BASIS, next(iter(refused.values())))
    return {**kept[0], "replayed": replayed}


def _referral_out(viewer: Viewer, referral: Referral, *, replayed: bool) -> dict[str, Any]:
    (facts,) = referral_facts([referral])
    timeline = [
        {
            "kind": event["kind"],
            "at": event["at"],
            "from_state": event["from_state"] or None,
            "to_state": event["to_state"] or None,
        }
        for event in referral_timeline_facts(viewer=viewer, referral=referral)
    ]
    return {**facts, "timeline": timeline, "replayed": replayed}


def _location(name: str | None) -> list[Any]:
    if name is None:
        return ["body"]
    if name == "full_name":  # the form's "name at least one person"
        return ["body", "subjects"]
    if name == "file":
        return ["body"]
    return ["body", *(int(part) if part.isdigit() else part for part in name.split("."))]


def _field_errors(error: ReferralInvalid) -> list[dict[str, Any]]:
    return [
        {"location": _location(name), "message": str(message), "type": "invalid"}
        for name, messages in error.errors.items()
        for message in messages
    ]


def _key_checked(key: str) -> str:
    key = key.strip()
    if not key:
        raise ApiError(
            422,
            ApiErrorCode.VALIDATION_FAILED,
            details=[
                {
                    "location": ["header", "Idempotency-Key"],
                    "message": _("Header Idempotency-Key wajib diisi untuk permintaan ini."),
                    "type": "missing",
                }
            ],
        )
    return key


def _fingerprint(operation: str, body: Any) -> str:
    text = json.dumps({"operation": operation, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _once(
    request: HttpRequest,
    *,
    viewer: Viewer,
    key: str,
    operation: str,
    body: Any,
    write: Callable[[], Referral],
) -> tuple[Referral, bool]:
    """Run ``write`` once per client and key: the key is claimed in the write's transaction,
    so a failed write keeps no key, and a repeated or concurrent one replays the first."""
    client = request_client(request)
    fingerprint = _fingerprint(operation, body)
    try:
        with transaction.atomic():
            claim = ApiIdempotentRequest.objects.create(
                client=client, key=key, operation=operation, fingerprint=fingerprint
            )
            referral = write()
            claim.object_id = referral.pk
            claim.save(update_fields=["object_id"])
    except IntegrityError:
        earlier = (
            ApiIdempotentRequest.objects.filter(client=client, key=key)
            .values_list("fingerprint", "object_id")
            .first()
        )
        if earlier is None:
            raise
        if earlier[0] != fingerprint or earlier[1] is None:
            raise ApiError(409, ApiErrorCode.IDEMPOTENCY_KEY_REUSED) from None
        try:
            return _loaded(viewer, earlier[1], detail={"idempotent_replay": True}), True
        except NotVisible:
            raise ApiError(409, ApiErrorCode.IDEMPOTENCY_KEY_REUSED) from None
    return referral, False


def _attached_record(
    viewer: Viewer, reference: str, problems: Problems
) -> tuple[PassportApplication | None, DepartureCheck | None]:
    """The screening record of a reference, read through the access layer."""
    reference = reference.strip().upper()
    if not reference:
        return None, None
    application = PassportApplication.objects.visible_to(viewer).filter(reference=reference)
    check = DepartureCheck.objects.visible_to(viewer).filter(reference=reference)
    found_application = application.first() if reference.startswith("PP-") else None
    found_check = check.first() if reference.startswith("KB-") else None
    if found_application is None and found_check is None:
        problems.add(
            "record", _("Catatan penyaringan “%(value)s” tidak ditemukan.") % {"value": reference}
        )
    return found_application, found_check


# --- endpoints ------------------------------------------------------------------------------


@router.post(
    "/referrals",
    auth=require_scope(ApiScope.REFERRAL_WRITE),
    response={201: ReferralOut, 200: ReferralOut, **error_responses(401, 403, 409, 422, 429)},
    summary="Send a referral from the client's office",
    description=(
        "Sends a referral from the client's office to another office (by its code), naming "
        "the people referred and, optionally, a screening record the client may read. The "
        "receiving office's inbox shows it, its officers are notified and the "
        "`referral.created` webhook event is published.\n\n"
        "`Idempotency-Key` is required: the same key with the same body returns the first "
        "referral with status 200 and `replayed: true`; the same key with another body is "
        "refused with 409 `idempotency_key_reused`. Invalid values give 422 "
        '`validation_failed` with one detail per problem (`location: ["body", field]`, a '
        'person\'s as `["body", "subjects", index, field]`); nothing is written then.'
    ),
    operation_id="referral_create",
)
def referral_create(
    request: HttpRequest,
    payload: ReferralIn,
    idempotency_key: str = header_param(
        ..., alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, description=KEY_HELP
    ),
) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    key = _key_checked(idempotency_key)
    problems = Problems(ReferralInvalid)
    code = payload.receiving_office.strip()
    office = Office.objects.filter(code=code).select_related("agency").first() if code else None
    if code and office is None:
        problems.add(
            "receiving_office", _("Kantor dengan kode “%(value)s” tidak dikenal.") % {"value": code}
        )
    application, check = _attached_record(viewer, payload.record, problems)
    subjects = [SubjectInput(**subject.dict()) for subject in payload.subjects]

    def send() -> Referral:
        return referral_send(
            viewer=viewer,
            receiving_office=office,
            reason_category=payload.reason_category.strip(),
            reason=payload.reason,
            urgency=payload.urgency.strip(),
            subjects=subjects,
            application=application,
            departure_check=check,
            subject_prefix="subjects.{index}.",
            problems=problems,
        )

    try:
        referral, replayed = _once(
            request, viewer=viewer, key=key, operation=SEND, body=payload.dict(), write=send
        )
    except ReferralInvalid as error:
        raise ApiError(422, ApiErrorCode.VALIDATION_FAILED, details=_field_errors(error)) from error
    except ReferralRefused as error:
        raise ApiError(403, ApiErrorCode.FORBIDDEN) from error
    if not replayed:
        referral = _loaded(viewer, referral.pk)
    return json_response(
        ReferralOut,
        _one_shared(request, _referral_out(viewer, referral, replayed=replayed)),
        status=200 if replayed else 201,
    )


@router.get(
    "/referrals",
    auth=require_scope(ApiScope.REFERRAL_READ),
    response={200: ReferralPageOut, **error_responses(401, 403, 422, 429)},
    summary="The referrals the client's office sent and received",
    description=(
        "Newest first, `limit` at a time (at most 100); pass `next_cursor` as `cursor` for "
        "the next page. `direction` keeps the incoming or the outgoing ones, `state` one "
        "state, `updated_since` (ISO 8601) those with a timeline entry since then (for "
        "polling). People, files and comments are never shown."
    ),
    operation_id="referral_list",
)
def referral_list(
    request: HttpRequest,
    direction: Literal["incoming", "outgoing"] | None = None,
    state: str = Query("", max_length=15),  # type: ignore[type-arg]
    updated_since: datetime | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),  # type: ignore[type-arg]
    cursor: int | None = Query(None, ge=1),  # type: ignore[type-arg]
) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    state = state.strip()
    if state and state not in ReferralState.values:
        raise ApiError(
            422,
            ApiErrorCode.VALIDATION_FAILED,
            details=[
                {
                    "location": ["query", "state"],
                    "message": _("Status “%(value)s” tidak dikenal; pilih salah satu: %(states)s.")
                    % {"value": state, "states": ", ".join(ReferralState.values)},
                    "type": "invalid",
                }
            ],
        )
    rows = Referral.objects.visible_to(viewer)
    if direction == "incoming":
        rows = rows.filter(receiving_office_id=viewer.office_id)
    elif direction == "outgoing":
        rows = rows.filter(sender_office_id=viewer.office_id)
    if state:
        rows = rows.filter(state=state)
    if updated_since is not None:
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since)
        rows = rows.filter(
            pk__in=ReferralEvent.objects.filter(at__gte=updated_since).values("referral_id")
        )
    if cursor is not None:
        rows = rows.filter(pk__lt=cursor)
    page = list(
        rows.select_related("sender_office", "receiving_office").order_by("-pk")[: limit + 1]
    )
    more = len(page) > limit
    page = page[:limit]
    audit_record_list(
        viewer=viewer,
        model=Referral,
        objects=page,
        search={
            "direction": direction,
            "state": state,
            "updated_since": updated_since.isoformat() if updated_since else None,
            "cursor": cursor,
        },
    )
    items, _refused = _shared(request, referral_facts(page))
    return json_response(
        ReferralPageOut,
        {"items": items, "next_cursor": page[-1].pk if more else None},
        status=200,
    )


@router.get(
    "/referrals/{referral_id}",
    auth=require_scope(ApiScope.REFERRAL_READ),
    response={200: ReferralOut, **error_responses(401, 403, 404, 429)},
    summary="One referral of the client's office",
    description=(
        "The facts the webhooks tell, plus the kinds and times of its timeline; no person, "
        "file or comment. Missing and not visible both answer 404."
    ),
    operation_id="referral_get",
)
def referral_get(request: HttpRequest, referral_id: int) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    referral = _loaded(viewer, referral_id)
    return json_response(
        ReferralOut,
        _one_shared(request, _referral_out(viewer, referral, replayed=False)),
        status=200,
    )


@router.post(
    "/referrals/{referral_id}/acknowledge",
    auth=require_scope(ApiScope.REFERRAL_WRITE),
    response={
        201: ReferralOut,
        200: ReferralOut,
        **error_responses(401, 403, 404, 409, 422, 429),
    },
    summary="Acknowledge a referral the client's office received",
    description=(
        "For the receiving office's system (registered with a handling role, scope "
        "`referral:write`): the referral moves from `terkirim` to `diterima`, the sender is "
        "notified and `referral.state_changed` is published. A referral in another state is "
        "refused with 409 `state_conflict` and a message naming its state; another office's "
        "referral answers 404. `Idempotency-Key` is required and works as for sending."
    ),
    operation_id="referral_acknowledge",
)
def referral_acknowledge_route(
    request: HttpRequest,
    referral_id: int,
    idempotency_key: str = header_param(
        ..., alias="Idempotency-Key", max_length=MAX_KEY_LENGTH, description=KEY_HELP
    ),
) -> HttpResponse:
    viewer = request_viewer(request, purpose=PURPOSE)
    key = _key_checked(idempotency_key)
    referral = _loaded(viewer, referral_id)

    def acknowledge() -> Referral:
        return referral_acknowledge(viewer=viewer, referral=referral)

    try:
        acknowledged, replayed = _once(
            request,
            viewer=viewer,
            key=key,
            operation=ACKNOWLEDGE,
            body={"referral": referral_id},
            write=acknowledge,
        )
    except ReferralInvalid as error:
        messages = [str(message) for values in error.errors.values() for message in values]
        raise ApiError(409, ApiErrorCode.STATE_CONFLICT, " ".join(messages)) from error
    except ReferralRefused as error:
        raise ApiError(403, ApiErrorCode.FORBIDDEN) from error
    return json_response(
        ReferralOut,
        _one_shared(request, _referral_out(viewer, acknowledged, replayed=replayed)),
        status=200 if replayed else 201,
    )
