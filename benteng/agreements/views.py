"""The exchange ledger's pages: an agency's (filters, counts per clause and recipient) and
one person's (search by NIK, or opened from a record)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.agreements.access import may_read_exchange_ledger, may_read_person_exchanges
from benteng.agreements.forms import LedgerFilterForm, PersonSearchForm
from benteng.agreements.selectors import (
    LEDGER_LIMIT,
    AgencyLedger,
    LedgerFilter,
    agency_ledger,
    person_ledger,
)

PURPOSE = "buku pertukaran data"
SOURCE_NAME = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,29}")


def _viewer(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=PURPOSE)


@login_required
@require_GET
def ledger_page(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    if not may_read_exchange_ledger(viewer):
        raise PermissionDenied
    form = LedgerFilterForm(request.GET or None)
    ledger: AgencyLedger | None = None
    if not form.is_bound:
        ledger = agency_ledger(viewer=viewer, ledger_filter=LedgerFilter())
    elif form.is_valid():
        data = form.cleaned_data
        ledger = agency_ledger(
            viewer=viewer,
            ledger_filter=LedgerFilter(
                since=data["since"],
                until=data["until"],
                recipient=data["recipient"],
                clause_id=int(data["clause"]) if data["clause"] else None,
                channel=data["channel"],
            ),
        )
    return TemplateResponse(
        request,
        "agreements/ledger.html",
        {
            "form": form,
            "ledger": ledger,
            "may_search_person": may_read_person_exchanges(viewer),
            "limit": LEDGER_LIMIT,
        },
    )


@login_required
@require_GET
def person_page(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    if not may_read_person_exchanges(viewer):
        raise PermissionDenied
    source = request.GET.get("sumber", "")
    source_pk = request.GET.get("id", "")
    from_record = bool(source and source_pk.isdigit() and shared_source(source))
    form = PersonSearchForm(request.GET if "nik" in request.GET else None)
    rows = None
    if from_record:
        rows = person_ledger(viewer=viewer, source=source, source_pk=int(source_pk))
    elif form.is_bound and form.is_valid():
        rows = person_ledger(viewer=viewer, nik=form.cleaned_data["nik"])
    return TemplateResponse(
        request,
        "agreements/person.html",
        {"form": form, "rows": rows, "from_record": from_record},
    )


def shared_source(source: str) -> bool:
    """The name of a source of people (``app_label.model_name``, as the ledger keeps it)."""
    return bool(SOURCE_NAME.fullmatch(source))
