"""Pages of the agreement's joint work: trainings, operations, facilities and their bookings,
and the cooperation report (with its CSV).

A role that does not take part gets a 403; a record it may not see answers 404 like a
missing one. Every read goes through the selectors (audited), every write through a service.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benteng.access import NotVisible, Viewer
from benteng.accounts.models import Office, User
from benteng.cooperation import report, selectors, services
from benteng.cooperation.access import (
    may_book_facility,
    may_cancel_booking,
    may_edit_facility,
    may_edit_operation,
    may_edit_training,
    may_keep_facilities,
    may_read_cooperation_report,
    may_read_joint_work,
    may_record_joint_work,
)
from benteng.cooperation.errors import CooperationInvalid
from benteng.cooperation.forms import (
    PARTICIPANTS_PREFIX,
    BookingForm,
    FacilityForm,
    JointWorkFilterForm,
    MaterialForm,
    OperationForm,
    ReportPeriodForm,
    TrainingForm,
)
from benteng.cooperation.models import (
    BookingState,
    Facility,
    FacilityBooking,
    Operation,
    OperationKind,
    Training,
    TrainingKind,
)
from benteng.core.spreadsheet import SafeCsvWriter
from benteng.downloads import private_file_response

PAGE_SIZE = 50
PURPOSE = services.PURPOSE


def _viewer(request: HttpRequest) -> Viewer:
    user: User = request.user  # type: ignore[assignment]
    return Viewer.for_user(user, purpose=PURPOSE)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _or_404(load: Callable[..., Any], viewer: Viewer, pk: Any) -> Any:
    try:
        return load(viewer=viewer, pk=pk)
    except NotVisible:
        raise Http404 from None


def _tabs(viewer: Viewer) -> dict[str, bool]:
    return {
        "report": may_read_cooperation_report(viewer),
        "record": may_record_joint_work(viewer),
        "facilities": may_keep_facilities(viewer),
    }


def _listing(
    request: HttpRequest,
    viewer: Viewer,
    *,
    kinds: list[tuple[str, Any]],
    load: Callable[..., Any],
    model: type[Any],
    template: str,
) -> TemplateResponse:
    form = JointWorkFilterForm(request.GET or None, kinds=kinds)
    filters = form.filters()
    page = Paginator(load(viewer=viewer, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    selectors.list_audit(viewer=viewer, model=model, shown=shown, terms=filters.terms())
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        template,
        {
            "form": form,
            "items": shown,
            "page": page,
            "query": query.urlencode(),
            "tabs": _tabs(viewer),
        },
    )


# --- trainings -----------------------------------------------------------------------------


@login_required
@require_GET
def trainings(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    return _listing(
        request,
        viewer,
        kinds=list(TrainingKind.choices),
        load=selectors.training_list,
        model=Training,
        template="cooperation/trainings.html",
    )


def _training_form(request: HttpRequest, viewer: Viewer, **kwargs: Any) -> TrainingForm:
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    return TrainingForm(
        *data,
        offices=selectors.agreement_offices(),
        officers=selectors.officers_to_name(viewer),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_record_joint_work(viewer))
    form = _training_form(request, viewer, initial={"organiser_office": viewer.office_id})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("material")
        try:
            training = services.training_create(
                viewer=viewer,
                **form.values(),
                participations=form.participations(),
                named_participants=list(form.cleaned_data["named_participants"]),
                materials=[(upload, form.cleaned_data["material_description"])] if upload else [],
            )
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Kegiatan bersama tercatat."))
            return redirect("cooperation:training", pk=training.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "cooperation/training_form.html", {"form": form, "training": None}, status=status
    )


def _training_context(viewer: Viewer, training: Training, **extra: Any) -> dict[str, Any]:
    page = selectors.training_page(viewer=viewer, training=training)
    return {
        "training": training,
        "page": page,
        "can_edit": may_edit_training(viewer, training),
        "material_form": MaterialForm(),
        "tabs": _tabs(viewer),
        **extra,
    }


@login_required
@require_GET
def training_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    training = _or_404(selectors.training_get, viewer, pk)
    return TemplateResponse(
        request, "cooperation/training.html", _training_context(viewer, training)
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    training = _or_404(selectors.training_get, viewer, pk)
    _require(may_edit_training(viewer, training))
    initial = {
        "kind": training.kind,
        "topic": training.topic,
        "starts_on": training.starts_on.strftime("%d-%m-%Y"),
        "ends_on": training.ends_on.strftime("%d-%m-%Y"),
        "place": training.place,
        "organiser_office": training.organiser_office_id,
        "trainers": training.trainers,
        "notes": training.notes,
        "named_participants": list(training.named_participants.values_list("pk", flat=True)),
        **{
            f"{PARTICIPANTS_PREFIX}{office_id}": count
            for office_id, count in training.participations.values_list("office_id", "count")
        },
    }
    form = _training_form(request, viewer, initial=initial, with_material=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(
                viewer=viewer,
                training=training,
                **form.values(),
                participations=form.participations(),
                named_participants=list(form.cleaned_data["named_participants"]),
            )
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("cooperation:training", pk=training.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "cooperation/training_form.html",
        {"form": form, "training": training},
        status=status,
    )


@login_required
@require_POST
def training_material_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    training = _or_404(selectors.training_get, viewer, pk)
    _require(may_edit_training(viewer, training))
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.training_material_add(
                viewer=viewer,
                training=training,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Materi dilampirkan."))
            return redirect("cooperation:training", pk=training.pk)
    return TemplateResponse(
        request,
        "cooperation/training.html",
        _training_context(viewer, training, material_form=form),
        status=400,
    )


@login_required
@require_GET
def training_material_download(request: HttpRequest, pk: int, material_pk: int) -> FileResponse:
    """The file as an attachment, never shown inline from the site's origin."""
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    training = _or_404(selectors.training_get, viewer, pk)
    try:
        stored = selectors.training_material_get(
            viewer=viewer, training=training, material_pk=material_pk
        )
    except NotVisible:
        raise Http404 from None
    return private_file_response(
        stored.content,
        filename=stored.original_name or f"materi-{stored.pk}",
        content_type=stored.content_type,
    )


# --- operations ----------------------------------------------------------------------------


@login_required
@require_GET
def operations(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    return _listing(
        request,
        viewer,
        kinds=list(OperationKind.choices),
        load=selectors.operation_list,
        model=Operation,
        template="cooperation/operations.html",
    )


def _operation_form(request: HttpRequest, **kwargs: Any) -> OperationForm:
    data = (request.POST,) if request.method == "POST" else ()
    return OperationForm(*data, offices=selectors.agreement_offices(), **kwargs)


def _operation_inputs(form: OperationForm) -> dict[str, Any]:
    return {
        **form.values(),
        "offices": list(form.cleaned_data["offices"]),
        "referral_numbers": form.cleaned_data["referral_numbers"],
        "lp_numbers": form.cleaned_data["lp_numbers"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_record_joint_work(viewer))
    form = _operation_form(request, initial={"lead_office": viewer.office_id})
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_create(viewer=viewer, **_operation_inputs(form))
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Operasi bersama tercatat."))
            return redirect("cooperation:operation", pk=operation.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "cooperation/operation_form.html", {"form": form, "operation": None}, status=status
    )


@login_required
@require_GET
def operation_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    operation = _or_404(selectors.operation_get, viewer, pk)
    return TemplateResponse(
        request,
        "cooperation/operation.html",
        {
            "operation": operation,
            "page": selectors.operation_page(viewer=viewer, operation=operation),
            "can_edit": may_edit_operation(viewer, operation),
            "tabs": _tabs(viewer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    operation = _or_404(selectors.operation_get, viewer, pk)
    _require(may_edit_operation(viewer, operation))
    referral_numbers, lp_numbers = selectors.operation_links_text(
        viewer=viewer, operation=operation
    )
    initial = {
        "name": operation.name,
        "kind": operation.kind,
        "place": operation.place,
        "starts_on": operation.starts_on.strftime("%d-%m-%Y"),
        "ends_on": operation.ends_on.strftime("%d-%m-%Y"),
        "lead_office": operation.lead_office_id,
        "offices": list(operation.offices.values_list("pk", flat=True)),
        "referral_numbers": referral_numbers,
        "lp_numbers": lp_numbers,
        "notes": operation.notes,
    }
    form = _operation_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.operation_update(viewer=viewer, operation=operation, **_operation_inputs(form))
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("cooperation:operation", pk=operation.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "cooperation/operation_form.html",
        {"form": form, "operation": operation},
        status=status,
    )


# --- facilities and bookings ---------------------------------------------------------------


def _owner_offices(viewer: Viewer) -> list[Office]:
    """The offices whose facilities the viewer keeps: their own and those right below it."""
    return list(
        Office.objects.filter(is_active=True)
        .filter(Q(pk=viewer.office_id) | Q(parent_id=viewer.office_id))
        .order_by("name")
    )


@login_required
@require_GET
def facilities(request: HttpRequest) -> TemplateResponse:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    shown = list(selectors.facility_list(viewer=viewer).order_by("owner_office__name", "name"))
    selectors.list_audit(viewer=viewer, model=Facility, shown=shown, terms={})
    return TemplateResponse(
        request,
        "cooperation/facilities.html",
        {"items": shown, "tabs": _tabs(viewer), "can_keep": may_keep_facilities(viewer)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_new(request: HttpRequest) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_keep_facilities(viewer))
    owners = _owner_offices(viewer)
    data = (request.POST,) if request.method == "POST" else ()
    form = FacilityForm(*data, owner_offices=owners, initial={"owner_office": viewer.office_id})
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(
                viewer=viewer,
                owner_office=form.cleaned_data["owner_office"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                capacity=form.cleaned_data["capacity"],
                location=form.cleaned_data["location"],
            )
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Fasilitas tercatat."))
            return redirect("cooperation:facility", pk=facility.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "cooperation/facility_form.html", {"form": form, "facility": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    facility = _or_404(selectors.facility_get, viewer, pk)
    _require(may_edit_facility(viewer, facility))
    data = (request.POST,) if request.method == "POST" else ()
    form = FacilityForm(
        *data,
        initial={
            "kind": facility.kind,
            "name": facility.name,
            "capacity": facility.capacity,
            "location": facility.location,
            "is_active": facility.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_update(viewer=viewer, facility=facility, **form.cleaned_data)
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("cooperation:facility", pk=facility.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request,
        "cooperation/facility_form.html",
        {"form": form, "facility": facility},
        status=status,
    )


def _facility_page(
    request: HttpRequest, viewer: Viewer, facility: Facility, form: BookingForm, status: int
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "cooperation/facility.html",
        {
            "facility": facility,
            "calendar": selectors.facility_calendar(viewer=viewer, facility=facility),
            "form": form,
            "can_book": may_book_facility(viewer) and facility.is_active,
            "can_edit": may_edit_facility(viewer, facility),
            "tabs": _tabs(viewer),
            "active": BookingState.ACTIVE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The facility's calendar of bookings and, for an officer, the booking form."""
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    facility = _or_404(selectors.facility_get, viewer, pk)
    if request.method != "POST":
        return _facility_page(request, viewer, facility, BookingForm(), 200)
    _require(may_book_facility(viewer))
    form = BookingForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.period()
        try:
            services.booking_create(
                viewer=viewer,
                facility=facility,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=form.cleaned_data["purpose"],
            )
        except CooperationInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("Fasilitas dipesan."))
            return redirect("cooperation:facility", pk=facility.pk)
    return _facility_page(request, viewer, facility, form, 400)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = _viewer(request)
    _require(may_read_joint_work(viewer))
    booking: FacilityBooking = _or_404(selectors.booking_get, viewer, pk)
    _require(may_cancel_booking(viewer, booking))
    try:
        services.booking_cancel(viewer=viewer, booking=booking)
    except CooperationInvalid as error:
        for found in error.errors.values():
            for message in found:
                messages.error(request, message)
    else:
        messages.success(request, _("Pemesanan dibatalkan."))
    back = request.POST.get("next", "")
    if back == "office":
        return redirect("cooperation:bookings")
    return redirect("cooperation:facility", pk=booking.facility_id)


@login_required
@require_GET
def bookings(request: HttpRequest) -> TemplateResponse:
    """The viewer's office's bookings and the bookings of its own facilities."""
    viewer = _viewer(request)
    _require(may_book_facility(viewer))
    found = selectors.office_bookings(viewer=viewer)
    return TemplateResponse(
        request,
        "cooperation/bookings.html",
        {"found": found, "tabs": _tabs(viewer), "active": BookingState.ACTIVE, "viewer": viewer},
    )


# --- the report ----------------------------------------------------------------------------


def _report(request: HttpRequest) -> tuple[ReportPeriodForm, report.ReportPeriod, list[Any]]:
    viewer = _viewer(request)
    _require(may_read_cooperation_report(viewer))
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    return form, period, report.cooperation_report(period=period)


@login_required
@require_GET
def cooperation_report(request: HttpRequest) -> TemplateResponse:
    form, period, rows = _report(request)
    sections: dict[str, list[Any]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    query = {"periode": period.kind, "tahun": period.year, "ke": period.number}
    return TemplateResponse(
        request,
        "cooperation/report.html",
        {
            "form": form,
            "period": period,
            "sections": sections,
            "csv_query": "&".join(f"{key}={value}" for key, value in query.items()),
            "tabs": _tabs(_viewer(request)),
        },
    )


@login_required
@require_GET
def cooperation_report_csv(request: HttpRequest) -> FileResponse:
    """The same table as the page, as CSV (UTF-8 with a byte-order mark for spreadsheets)."""
    _form, period, rows = _report(request)
    table = io.StringIO()
    writer = SafeCsvWriter(table)
    writer.writerow([_("Periode"), _("Bagian"), _("Uraian"), _("Jumlah")])
    for row in rows:
        writer.writerow([period.label, row.section, row.item, row.count])
    return private_file_response(
        table.getvalue().encode("utf-8-sig"),
        filename=f"laporan-kerja-sama-{period.slug}.csv",
        content_type="text/csv; charset=utf-8",
    )
