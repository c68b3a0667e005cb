"""The correction and void page of an application or a departure check.

Only the office that entered the record reaches it (``may_amend_application`` /
``may_amend_departure``: 403 for the others who may read the record, 404 for those who may
not see it); the amendments themselves are shown on the record's page to all its readers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from benteng.screening.access import may_open_applications, may_open_departures
from benteng.screening.amendments import (
    AmendmentInvalid,
    AmendmentRefused,
    Record,
    amendments_of,
    is_void,
    may_amend,
    record_correct,
    record_void,
)
from benteng.screening.forms import add_service_errors
from benteng.screening.forms_amendments import WIDE, CorrectionForm, VoidForm
from benteng.screening.views import _application_or_404, _check_or_404, _require, _viewer

PURPOSE = "koreksi atau pembatalan data"
CORRECT = "koreksi"
VOID = "batal"


@login_required
@require_http_methods(["GET", "POST"])
def application_amend(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request, purpose=PURPOSE)
    _require(may_open_applications, viewer)
    application = _application_or_404(viewer, pk)
    return _amend(request, application, detail="screening:application_detail")


@login_required
@require_http_methods(["GET", "POST"])
def departure_amend(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request, purpose=PURPOSE)
    _require(may_open_departures, viewer)
    check = _check_or_404(viewer, pk)
    return _amend(request, check, detail="screening:departure_detail")


def _amend(request: HttpRequest, record: Record, *, detail: str) -> HttpResponseBase:
    viewer = _viewer(request, purpose=PURPOSE)
    if not may_amend(viewer, record):
        raise PermissionDenied
    if is_void(record):
        messages.error(request, _("Data ini sudah dibatalkan."))
        return redirect(detail, pk=record.pk)
    correction = CorrectionForm(initial=CorrectionForm.initial_of(record), record=record)
    void = VoidForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == CORRECT:
            correction = CorrectionForm(request.POST, record=record)
        else:
            void = VoidForm(request.POST)
        form = correction if action == CORRECT else void
        if form.is_valid():
            try:
                if action == CORRECT:
                    record_correct(
                        viewer=viewer,
                        record=record,
                        values=form.cleaned_data,
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    record_void(viewer=viewer, record=record, reason=form.cleaned_data["reason"])
            except AmendmentRefused:
                raise PermissionDenied from None
            except AmendmentInvalid as error:
                add_service_errors(form, error.errors)
            else:
                done = _("Koreksi tersimpan.") if action == CORRECT else _("Data dibatalkan.")
                messages.success(request, done)
                return redirect(detail, pk=record.pk)
    context: dict[str, Any] = {
        "record": record,
        "detail": detail,
        "correction": correction,
        "void": void,
        "correction_fields": [
            (correction[name], name in WIDE) for name in correction.fields if name != "reason"
        ],
        "amendments": amendments_of(viewer, record),
        "correct_action": CORRECT,
        "void_action": VOID,
    }
    return TemplateResponse(request, "screening/record_amend.html", context)
